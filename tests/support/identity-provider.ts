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
  const server = createServer((request, response) => {
    if (request.url !== "/jwks.json") return void response.writeHead(404).end();
    fetches++;
    response
      .writeHead(200, { "Content-Type": "application/json" })
      .end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
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
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
