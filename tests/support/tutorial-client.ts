/**
 * The OpenVidu/LiveKit tutorials' browser client (tutorial-client/: a minimal copy of
 * openvidu-js's logic), served from a loopback origin of its own, as the tutorials serve it:
 * its token request to this app is cross-origin (a CORS preflight first), and livekit-client is
 * the package's own UMD build (`window.LivekitClient`), as the tutorial loads it.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const FILES: Record<string, { file: string; type: string }> = {
  "/": { file: path.join(__dirname, "tutorial-client/index.html"), type: "text/html" },
  "/app.js": { file: path.join(__dirname, "tutorial-client/app.js"), type: "text/javascript" },
  "/livekit-client.umd.js": {
    // The package's `require` entry is the UMD build.
    file: require.resolve("livekit-client"),
    type: "text/javascript",
  },
};

export interface TutorialClientServer {
  /** The page's URL, told where this app (`appUrl`) and LiveKit (`livekitUrl`) are. */
  pageUrl(appUrl: string, livekitUrl: string): string;
  close(): Promise<void>;
}

export async function startTutorialClient(): Promise<TutorialClientServer> {
  const server = createServer((request, response) => {
    const entry = FILES[new URL(request.url ?? "/", "http://x").pathname];
    if (!entry) return void response.writeHead(404).end();
    response.writeHead(200, { "Content-Type": entry.type }).end(readFileSync(entry.file));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    pageUrl: (appUrl, livekitUrl) =>
      `http://127.0.0.1:${port}/?app=${encodeURIComponent(`${appUrl}/`)}&livekit=${encodeURIComponent(livekitUrl)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
