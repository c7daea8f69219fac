// @ts-check
/**
 * The two rules next.config.js (CommonJS, read before anything is compiled) and the server
 * (lib/config.ts) both state, written once here.
 */

/**
 * The tutorial clients' paths, kept working by rewrites: `/token` speaks the tutorial dialect
 * alone (`/api/token` speaks both), the webhook paths reach the one webhook route. proxy.ts's
 * matcher must be a literal for Next, so it repeats them; tests/unit/deployment-rules.test.ts
 * checks that it leaves every one of them out.
 */
const HISTORIC_PATHS = {
  "/token": "/api/token/tutorial",
  "/webhook": "/api/webhook",
  "/livekit/webhook": "/api/webhook",
};

/** What production says when TOKEN_ACCESS is unset: at build (next.config.js) and at start. */
const TOKEN_ACCESS_REQUIRED_MESSAGE =
  "production refuses to guess who may get a token. Set TOKEN_ACCESS=open (anyone who can reach " +
  "the server gets a token for any room, as in the tutorials) or TOKEN_ACCESS=protected (a token " +
  "needs an invite link or your identity provider's JWT).";

module.exports = { HISTORIC_PATHS, TOKEN_ACCESS_REQUIRED_MESSAGE };
