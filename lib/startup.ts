import "server-only";
import { ConfigError, getConfig } from "./config";

/** Validates the configuration at server start; a bad setting ends the process with its name. */
export function checkConfigAtStartup(): void {
  try {
    const config = getConfig();
    console.info(
      `livekit app server: LiveKit ${config.livekitUrl}, key ${config.apiKey}, ` +
        `event store ${config.redisUrl ? "redis" : "memory"}, tokens ${config.tokenAccess}`,
    );
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
