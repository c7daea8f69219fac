/** Runs once when a server instance starts: a wrong setting stops it here, naming the variable. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { checkConfigAtStartup } = await import("./lib/startup");
    checkConfigAtStartup();
    const { stampPeerAddresses } = await import("./lib/peer-address");
    stampPeerAddresses();
  }
}
