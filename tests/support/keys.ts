/**
 * The keys every test server runs with: not the dev keys, so a test that passes proves the
 * server used what it was given. Support modules import them from here; tests from fixtures.ts.
 */
export const TEST_API_KEY = "test-api-key";
export const TEST_API_SECRET = "test-api-secret-4f6b0c1e9a2d47c8b5e3";
export const TEST_LIVEKIT_URL = "ws://127.0.0.1:7880";
