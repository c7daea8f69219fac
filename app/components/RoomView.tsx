"use client";

import "@livekit/components-styles";
import { LiveKitRoom, useConnectionState, VideoConference } from "@livekit/components-react";
import {
  ConnectionState,
  createLocalAudioTrack,
  createLocalTracks,
  createLocalVideoTrack,
  DisconnectReason,
  type MediaDeviceFailure,
  Room,
  Track,
  type LocalTrack,
} from "livekit-client";
import { useCallback, useEffect, useRef, useState, type RefObject } from "react";
import { EventLog } from "./EventLog";
import type { Session } from "./join";
import {
  describeConnectionError,
  describeDeviceFailures,
  describeDisconnect,
  deviceFailureOf,
  type Device,
  type DeviceFailure,
  type Problem,
} from "./problems";

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
        <EventLog room={session.roomName} token={session.token} />
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

type Media =
  | { status: "asking" }
  | { status: "ready"; tracks: LocalTrack[]; failures: Partial<Record<Device, DeviceFailure>> };

/**
 * The camera and microphone, asked for at once on join (in parallel with connecting): one
 * prompt for both; if that fails, each alone, so a refused camera still lets the microphone in.
 */
async function acquireMedia(): Promise<Extract<Media, { status: "ready" }>> {
  try {
    return {
      status: "ready",
      tracks: await createLocalTracks({ audio: true, video: true }),
      failures: {},
    };
  } catch {
    const [video, audio] = await Promise.allSettled([
      createLocalVideoTrack(),
      createLocalAudioTrack(),
    ]);
    const tracks: LocalTrack[] = [];
    const failures: Partial<Record<Device, DeviceFailure>> = {};
    if (video.status === "fulfilled") tracks.push(video.value);
    else failures.camera = deviceFailureOf(video.reason);
    if (audio.status === "fulfilled") tracks.push(audio.value);
    else failures.microphone = deviceFailureOf(audio.reason);
    return { status: "ready", tracks, failures };
  }
}

function useLocalMedia(): Media {
  const [media, setMedia] = useState<Media>({ status: "asking" });
  useEffect(() => {
    let cancelled = false;
    let tracks: LocalTrack[] = [];
    void acquireMedia().then((result) => {
      tracks = result.tracks;
      if (cancelled) tracks.forEach((track) => track.stop());
      else setMedia(result);
    });
    return () => {
      cancelled = true;
      tracks.forEach((track) => track.stop());
    };
  }, []);
  return media;
}

type Ending = { kind: "error"; problem: Problem } | { kind: "disconnected"; message: string };

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
      <StatusBar session={session} ending={ending} />
      <Notices media={media} laterFailures={laterFailures} publishProblem={publishProblem} />
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

const STATE_TEXT: Record<ConnectionState, string> = {
  [ConnectionState.Disconnected]: "Disconnected",
  [ConnectionState.Connecting]: "Connecting",
  [ConnectionState.Connected]: "Connected",
  [ConnectionState.Reconnecting]: "Reconnecting",
  [ConnectionState.SignalReconnecting]: "Reconnecting",
};

/** Room name, who you are, and the connection's state in words (not only the console). */
function StatusBar({ session, ending }: { session: Session; ending: Ending | null }) {
  const state = useConnectionState();
  const tone = ending
    ? "error"
    : state === ConnectionState.Connected
      ? "ok"
      : state === ConnectionState.Disconnected
        ? "idle"
        : "busy";
  const label = ending?.kind === "error" ? "Connection failed" : STATE_TEXT[state];
  const detail =
    state === ConnectionState.Connecting && !ending
      ? `to ${session.serverUrl}`
      : state === ConnectionState.Connected
        ? `as ${session.participantName}`
        : "";
  return (
    <header className="room-bar">
      <div className="room-bar-title">
        <h1>{session.roomName}</h1>
        <span className="room-bar-identity" title="Your identity in the room">
          {session.participantName} · {session.identity}
        </span>
      </div>
      <p className={`connection connection-${tone}`} role="status" data-state={label}>
        {tone === "busy" ? (
          <span className="spinner" aria-hidden="true" />
        ) : (
          <span className="dot" aria-hidden="true" />
        )}
        <strong>{label}</strong> {detail}
      </p>
    </header>
  );
}

function Notices({
  media,
  laterFailures,
  publishProblem,
}: {
  media: Media;
  laterFailures: Partial<Record<Device, DeviceFailure>>;
  publishProblem: string | null;
}) {
  if (media.status === "asking") {
    return (
      <p className="notice notice-info" role="status">
        Asking for your camera and microphone…
      </p>
    );
  }
  const problems = [
    describeDeviceFailures(media.failures, "joining"),
    describeDeviceFailures(laterFailures, "later"),
  ].filter((problem) => problem !== null);
  if (problems.length === 0 && !publishProblem) return null;
  return (
    <div className="notice notice-warn" role="alert">
      {problems.map((problem) => (
        <p key={problem.title}>
          <strong>{problem.title}.</strong> {problem.hint}
        </p>
      ))}
      {publishProblem && <p>{publishProblem}</p>}
    </div>
  );
}

function EndingPanel({
  ending,
  onRetry,
  onLeave,
}: {
  ending: Ending;
  onRetry: () => void;
  onLeave: () => void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <div className="ending" role="alert">
      <h2 ref={heading} tabIndex={-1}>
        {ending.kind === "error" ? ending.problem.title : ending.message}
      </h2>
      {ending.kind === "error" && (
        <>
          <p className="ending-hint">{withCode(ending.problem.hint)}</p>
          {ending.problem.detail && (
            <p className="ending-detail">
              LiveKit said: <code>{ending.problem.detail}</code>
            </p>
          )}
        </>
      )}
      <div className="ending-actions">
        <button type="button" className="button-primary" onClick={onRetry}>
          {ending.kind === "error" ? "Try again" : "Rejoin"}
        </button>
        <button type="button" className="button-secondary" onClick={onLeave}>
          Back to the form
        </button>
      </div>
    </div>
  );
}

/** Text with `backticked` parts shown as code. */
function withCode(text: string) {
  return text
    .split("`")
    .map((part, index) => (index % 2 === 1 ? <code key={index}>{part}</code> : part));
}
