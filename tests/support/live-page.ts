/**
 * A browser page in a real room: what the test reads of it. An init script keeps every
 * RTCPeerConnection and WebSocket the page makes, so the test can read the ICE candidate pairs
 * WebRTC selected (getStats) and the signalling connections livekit-client opened.
 */
import { decodeJwt } from "jose";
import type { Page } from "playwright-core";

/** Runs in the page before its own scripts (page.addInitScript): keeps its connections. */
export function watchConnections(): void {
  const w = window as unknown as {
    __peerConnections: RTCPeerConnection[];
    __sockets: WebSocket[];
  };
  w.__peerConnections = [];
  w.__sockets = [];
  window.RTCPeerConnection = new Proxy(window.RTCPeerConnection, {
    construct(target, args, newTarget) {
      const connection = Reflect.construct(target, args, newTarget) as RTCPeerConnection;
      w.__peerConnections.push(connection);
      return connection;
    },
  });
  window.WebSocket = new Proxy(window.WebSocket, {
    construct(target, args, newTarget) {
      const socket = Reflect.construct(target, args, newTarget) as WebSocket;
      w.__sockets.push(socket);
      return socket;
    },
  });
}

export interface CandidatePair {
  local: { address: string; port: number; protocol: string; candidateType: string };
  remote: { address: string; port: number; protocol: string; candidateType: string };
}

/** The candidate pair each open peer connection selected, and every candidate it gathered. */
export async function iceCandidates(
  page: Page,
): Promise<{ selected: CandidatePair[]; addresses: string[] }> {
  return page.evaluate(async () => {
    const w = window as unknown as { __peerConnections: RTCPeerConnection[] };
    const selected: CandidatePair[] = [];
    const addresses: string[] = [];
    for (const connection of w.__peerConnections) {
      if (connection.connectionState === "closed") continue;
      const reports = new Map<string, Record<string, unknown>>();
      (await connection.getStats()).forEach((report: Record<string, unknown>) =>
        reports.set(report.id as string, report),
      );
      const candidate = (id: unknown) => {
        const report = reports.get(id as string) ?? {};
        return {
          address: String(report.address ?? report.ip ?? ""),
          port: Number(report.port),
          protocol: String(report.protocol),
          candidateType: String(report.candidateType),
        };
      };
      for (const report of reports.values()) {
        if (report.type === "local-candidate" || report.type === "remote-candidate") {
          addresses.push(String(report.address ?? report.ip ?? ""));
        }
        if (report.type === "transport" && report.selectedCandidatePairId) {
          const pair = reports.get(report.selectedCandidatePairId as string);
          if (pair) {
            selected.push({
              local: candidate(pair.localCandidateId),
              remote: candidate(pair.remoteCandidateId),
            });
          }
        }
      }
    }
    return { selected, addresses };
  });
}

/** The URLs of the WebSockets the page opened (livekit-client's signalling: `/rtc…`). */
export function socketUrls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (window as unknown as { __sockets: WebSocket[] }).__sockets.map((socket) => socket.url),
  );
}

/** Closes the page's open signalling sockets, as a dropped connection would. */
export function dropSignalling(page: Page): Promise<number> {
  return page.evaluate(() => {
    const open = (window as unknown as { __sockets: WebSocket[] }).__sockets.filter(
      (socket) => socket.url.includes("/rtc") && socket.readyState === WebSocket.OPEN,
    );
    for (const socket of open) socket.close();
    return open.length;
  });
}

/** Fills our page's form and presses the real Join button; resolves with the token it got. */
export async function joinThroughPage(
  page: Page,
  roomName: string,
  participantName: string,
): Promise<{ token: string; serverUrl: string }> {
  await page.getByLabel("Room name").fill(roomName);
  return joinWithName(page, participantName);
}

/** The name and Join only (a page opened from an invite has its room already). */
export async function joinWithName(
  page: Page,
  participantName: string,
): Promise<{ token: string; serverUrl: string }> {
  await page.getByLabel("Your name").fill(participantName);
  const answer = page.waitForResponse(
    (response) => response.url().endsWith("/api/token") && response.request().method() === "POST",
  );
  await page.getByRole("button", { name: "Join" }).click();
  const body = (await (await answer).json()) as { participant_token: string; server_url: string };
  return { token: body.participant_token, serverUrl: body.server_url };
}

/** Waits until the page's room says Connected. */
export async function waitConnected(page: Page, timeout = 90_000): Promise<void> {
  await page.locator('.connection[data-state="Connected"]').waitFor({ timeout });
}

/**
 * Whether a remote participant's video plays in `selector`'s videos: decoded frames
 * (`videoWidth > 0`) and a `currentTime` that advances between two reads.
 */
export async function remoteVideoPlays(page: Page, selector: string): Promise<boolean> {
  const read = () =>
    page.evaluate(
      (css) =>
        [...document.querySelectorAll<HTMLVideoElement>(css)].map((video) => ({
          width: video.videoWidth,
          time: video.currentTime,
        })),
      selector,
    );
  const before = await read();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const after = await read();
  return after.some((video, i) => video.width > 0 && video.time > (before[i]?.time ?? Infinity));
}

/** The remote participants' videos in our page (LiveKit's tiles mark the local one). */
export const REMOTE_TILE_VIDEO = '.lk-participant-tile[data-lk-local-participant="false"] video';

/** The event types of the rows in the page's event log, top to bottom. */
export function logTypes(page: Page): Promise<string[]> {
  return page.locator(".log-row .badge").allTextContents();
}

/**
 * Opens our page at `baseUrl`, joins `room` as `name` through its form and waits until it is
 * connected; resolves with the identity its token carries.
 */
export async function joinAs(
  page: Page,
  baseUrl: string,
  room: string,
  name: string,
  timeout: number,
): Promise<string> {
  await page.goto(baseUrl);
  const { token } = await joinThroughPage(page, room, name);
  await waitConnected(page, timeout);
  const identity = decodeJwt(token).sub;
  if (!identity) throw new Error("the page's token carries no identity");
  return identity;
}
