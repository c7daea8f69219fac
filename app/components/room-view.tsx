"use client";

import "@livekit/components-styles";
import { LiveKitRoom, VideoConference } from "@livekit/components-react";
import { DisconnectReason, type MediaDeviceFailure, Room, Track } from "livekit-client";
import { useCallback, useEffect, useRef, useState, type RefObject } from "react";
import { EndingPanel, type Ending } from "./ending-panel";
import { EventLog } from "./event-log";
import type { Session } from "./join";
import {
  describeConnectionError,
  describeDisconnect,
  type Device,
  type DeviceFailure,
} from "./problems";
import { RoomNotices } from "./room-notices";
import { RoomStatusBar } from "./room-status-bar";
import { useLocalMedia } from "./use-local-media";

/** Loaded on join only (App's dynamic import): everything of LiveKit's lives below here. */
export default function RoomView({ session, onLeave }: { session: Session; onLeave: () => void }) {
  const [attempt, setAttempt] = useState(0);
  const main = useRef<HTMLElement>(null);
  useLabelledFocusToggles(main);
  return (
    <div className="room-view" data-lk-theme="default">
      <main className="room-main" ref={main}>
        <Connection
          key={attempt}
          session={session}
          onRetry={() => setAttempt((current) => current + 1)}
          onLeave={onLeave}
        />
      </main>
      <aside className="room-log" aria-label="Webhook event log">
        <EventLog room={session.roomName} getCredential={session.refreshToken} />
      </aside>
    </div>
  );
}

/**
 * LiveKit's participant tiles carry an icon-only focus button without an accessible name
 * (axe: button-name), and VideoConference takes no props for it: name each as it appears.
 */
function useLabelledFocusToggles(container: RefObject<HTMLElement | null>) {
  useEffect(() => {
    const root = container.current;
    if (!root) return;
    const label = () => {
      for (const button of root.querySelectorAll(".lk-focus-toggle-button:not([aria-label])")) {
        button.setAttribute("aria-label", "Focus on this participant's video");
      }
    };
    label();
    const observer = new MutationObserver(label);
    observer.observe(root, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [container]);
}

/**
 * One attempt at the room: its own Room and its own camera and microphone tracks (stopped when
 * it ends). "Try again" and "Rejoin" mount a fresh one.
 */
function Connection({
  session,
  onRetry,
  onLeave,
}: {
  session: Session;
  onRetry: () => void;
  onLeave: () => void;
}) {
  const [room] = useState(() => new Room({ adaptiveStream: true, dynacast: true }));
  const media = useLocalMedia();
  const [ending, setEnding] = useState<Ending | null>(null);
  const [connected, setConnected] = useState(false);
  const [publishProblem, setPublishProblem] = useState<string | null>(null);
  const [laterFailures, setLaterFailures] = useState<Partial<Record<Device, DeviceFailure>>>({});
  const published = useRef(false);

  // Publish the tracks once both the room and the devices are ready, whichever comes last.
  useEffect(() => {
    if (!connected || media.status !== "ready" || published.current) return;
    published.current = true;
    for (const track of media.tracks) {
      room.localParticipant.publishTrack(track).catch((error: Error) => {
        const what = track.source === Track.Source.Camera ? "camera" : "microphone";
        setPublishProblem(`Your ${what} could not be published: ${error.message}`);
      });
    }
  }, [connected, media, room]);

  const onConnected = useCallback(() => setConnected(true), []);
  // A camera or microphone turned on later, with the controls, that fails.
  const onMediaDeviceFailure = useCallback(
    (failure?: MediaDeviceFailure, kind?: MediaDeviceKind) => {
      const device = kind === "videoinput" ? "camera" : kind === "audioinput" ? "microphone" : null;
      if (device) setLaterFailures((current) => ({ ...current, [device]: failure ?? "Other" }));
    },
    [],
  );
  const onError = useCallback(
    (error: Error) =>
      setEnding({ kind: "error", problem: describeConnectionError(error, session.serverUrl) }),
    [session.serverUrl],
  );
  const onDisconnected = useCallback(
    (reason?: DisconnectReason) => {
      setConnected(false);
      const message = describeDisconnect(
        reason === undefined ? undefined : DisconnectReason[reason],
      );
      if (message === null) onLeave();
      else setEnding((current) => current ?? { kind: "disconnected", message });
    },
    [onLeave],
  );

  return (
    <LiveKitRoom
      className="room-stage"
      room={room}
      serverUrl={session.serverUrl}
      token={session.token}
      connect
      onConnected={onConnected}
      onDisconnected={onDisconnected}
      onError={onError}
      onMediaDeviceFailure={onMediaDeviceFailure}
    >
      <RoomStatusBar session={session} ending={ending} />
      <RoomNotices media={media} laterFailures={laterFailures} publishProblem={publishProblem} />
      <div className="room-stage-body">
        {ending ? (
          <EndingPanel ending={ending} onRetry={onRetry} onLeave={onLeave} />
        ) : (
          <VideoConference />
        )}
      </div>
    </LiveKitRoom>
  );
}
