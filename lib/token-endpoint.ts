import "server-only";
import { decideAccess } from "./access";
import { blockCheckDeadline, refuseBlocked, rememberAdmission } from "./blocks";
import { getConfig } from "./config";
import {
  answer,
  corsHeaders,
  HttpError,
  json,
  preflight,
  readJsonObject,
  type CorsPolicy,
} from "./http";
import { MAX_TOKEN_BODY_BYTES } from "./shared/limits";
import { checkTokenRateLimit } from "./rate-limit";
import {
  dialectOf,
  parseStandardRequest,
  parseTokenRequest,
  signParticipantToken,
  tutorialRequest,
  type Dialect,
} from "./token";

/**
 * The token endpoint's request → answer, shared by `/api/token` (both dialects) and `/token`
 * (the tutorial dialect only, exactly as the tutorial servers answer it).
 */

export function tokenCors(): CorsPolicy {
  const { corsOrigin } = getConfig();
  return { origin: corsOrigin, methods: "POST, OPTIONS", headers: "Content-Type, Authorization" };
}

export function answerTokenRequest(
  request: Request,
  accepts: "both" | "tutorial",
): Promise<Response> {
  return answer(corsHeaders(tokenCors()), async () => {
    const config = getConfig();
    let dialect: Dialect;
    let grant: Awaited<ReturnType<typeof decideAccess>>;
    try {
      const body = await readJsonObject(request, MAX_TOKEN_BODY_BYTES);
      dialect = accepts === "tutorial" ? "tutorial" : dialectOf(body);
      const participant =
        dialect === "tutorial"
          ? tutorialRequest(parseTokenRequest(body))
          : parseStandardRequest(body);
      grant = await decideAccess(request.headers, participant, config);
    } catch (error) {
      // A refusal counts in the address's refused window (429 past its limit), never in the
      // window of the requests that pass: those are counted once they did (lib/rate-limit).
      if (error instanceof HttpError && error.status < 500) {
        await checkTokenRateLimit(request, config, "refused");
      }
      throw error;
    }
    const started = performance.now();
    await checkTokenRateLimit(request, config, "granted");
    const redisSpent = performance.now() - started;
    // An operator's block (remove-and-block) is checked before minting: 403.
    const who = { identity: grant.identity, ...grant.via };
    await refuseBlocked(grant.room, who, blockCheckDeadline(redisSpent));
    const token = await signParticipantToken(grant, config);
    // Not awaited: the answer does not wait for Redis to note which invite this join used.
    void rememberAdmission(grant.room, who, config);
    if (dialect === "tutorial") return json({ token, serverUrl: config.livekitUrl });
    return json(
      {
        server_url: config.livekitUrl,
        participant_token: token,
        room_name: grant.room,
        participant_name: grant.name,
      },
      { status: 201 },
    );
  });
}

export const tokenPreflight = (): Response => preflight(tokenCors());
