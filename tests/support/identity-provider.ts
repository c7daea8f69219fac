/**
 * A test identity provider on loopback: an RSA key pair made with jose, its public key served as
 * a JWKS at `/jwks.json`, and JWTs signed with it (or, for the refusals, with something else).
 */
import { createServer } from "node:http";
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload, type KeyLike } from "jose";

export const IDP_ISSUER = "https://idp.test/";
export const IDP_AUDIENCE = "livekit-app-tests";
const KID = "test-key-1";

export interface IdentityProvider {
  jwksUrl: string;
  /** The same key set, sent one byte a second (about 45 s in all): a provider that trickles. */
  slowJwksUrl: string;
  /** The same key set after 50 MB of JSON whitespace: valid, and far too large. */
  hugeJwksUrl: string;
  /** The public key as the JWKS serves it (for the HS256 key-confusion attempt). */
  publicJwk: Record<string, unknown>;
  /** A JWT signed with the provider's key; `claims` and `options` override the defaults. */
  sign(
    claims?: JWTPayload,
    options?: { issuer?: string; audience?: string; expiresIn?: string | number; key?: KeyLike },
  ): Promise<string>;
  /** How many times the JWKS was fetched. */
  fetches(): number;
  close(): Promise<void>;
}

export async function startIdentityProvider(): Promise<IdentityProvider> {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const publicJwk = { ...(await exportJWK(publicKey)), kid: KID, alg: "RS256", use: "sig" };
  let fetches = 0;
  const timers = new Set<ReturnType<typeof setInterval>>();
  const server = createServer((request, response) => {
    const body = JSON.stringify({ keys: [publicJwk] });
    if (request.url === "/slow/jwks.json") {
      response.writeHead(200, { "Content-Type": "application/json" });
      // Whitespace first, one byte a second, then the keys: valid JSON if one waits it out.
      let sent = 0;
      const timer = setInterval(() => {
        if (sent++ < 45) return void response.write(" ");
        clearInterval(timer);
        response.end(body);
      }, 1000);
      timers.add(timer);
      response.once("close", () => clearInterval(timer));
      return;
    }
    if (request.url === "/huge/jwks.json") {
      response.writeHead(200, { "Content-Type": "application/json" });
      const chunk = " ".repeat(1024 * 1024);
      let left = 50;
      const more = () => {
        while (left > 0) {
          left--;
          if (!response.write(chunk)) return void response.once("drain", more);
        }
        response.end(body);
      };
      response.once("close", () => (left = 0));
      return more();
    }
    if (request.url !== "/jwks.json") return void response.writeHead(404).end();
    fetches++;
    response.writeHead(200, { "Content-Type": "application/json" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
    slowJwksUrl: `http://127.0.0.1:${port}/slow/jwks.json`,
    hugeJwksUrl: `http://127.0.0.1:${port}/huge/jwks.json`,
    publicJwk,
    sign: (claims = {}, options = {}) =>
      new SignJWT({ sub: "user-42", name: "Ada Lovelace", ...claims })
        .setProtectedHeader({ alg: "RS256", kid: KID })
        .setIssuer(options.issuer ?? IDP_ISSUER)
        .setAudience(options.audience ?? IDP_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? "10m")
        .sign(options.key ?? privateKey),
    fetches: () => fetches,
    close: () =>
      new Promise<void>((resolve) => {
        timers.forEach(clearInterval);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
