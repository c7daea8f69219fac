"use client";

import dynamic from "next/dynamic";
import { useCallback, useEffect, useRef, useState } from "react";
import { JoinForm } from "./join-form";
import {
  JoinError,
  newIdentity,
  readInRoom,
  readRemembered,
  remember,
  rememberInRoom,
  requestToken,
  type JoinValues,
  type Session,
} from "./join";

/**
 * livekit-client and the LiveKit components load only once the user joins: the landing page
 * carries the form alone.
 */
const RoomView = dynamic(() => import("./room-view"), {
  ssr: false,
  loading: () => (
    <p className="page-status" role="status">
      <span className="spinner" aria-hidden="true" /> Loading the room…
    </p>
  ),
});

type Phase =
  | { name: "form"; error: JoinError | null }
  | { name: "requesting" }
  | { name: "room"; session: Session };

/** The page: the join form, then the room with its event log; leaving returns to the form. */
export function App() {
  const [phase, setPhase] = useState<Phase>({ name: "form", error: null });
  const [initial, setInitial] = useState<JoinValues | null>(null);
  const started = useRef(false);

  const join = useCallback(async (values: JoinValues) => {
    setPhase({ name: "requesting" });
    setInitial(values);
    remember(values);
    try {
      const session = await requestToken(values, newIdentity(values.participantName));
      rememberInRoom(values);
      setPhase({ name: "room", session });
    } catch (error) {
      rememberInRoom(null);
      const joinError =
        error instanceof JoinError ? error : new JoinError((error as Error).message, null);
      setPhase({ name: "form", error: joinError });
    }
  }, []);

  // Storage is read after hydration (the server renders the empty form). A tab that was in a
  // room rejoins it on reload, with a fresh identity.
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const inRoom = readInRoom();
    const values = inRoom ?? readRemembered() ?? { roomName: "", participantName: "" };
    void Promise.resolve().then(() => (inRoom ? join(inRoom) : setInitial(values)));
  }, [join]);

  const leave = useCallback(() => {
    rememberInRoom(null);
    setPhase({ name: "form", error: null });
  }, []);

  if (phase.name === "room") {
    return <RoomView session={phase.session} onLeave={leave} />;
  }
  return (
    <main className="landing">
      <header className="landing-intro">
        <p className="eyebrow">LiveKit app server</p>
        <h1>Meet in a room, watch its webhooks arrive</h1>
        <p>
          Join with your camera and microphone. Beside the video, every webhook LiveKit sends for
          the room appears as it happens: rooms, participants, tracks, egress and ingress.
        </p>
      </header>
      <JoinForm
        key={initial ? "ready" : "loading"}
        initial={initial}
        requesting={phase.name === "requesting"}
        error={phase.name === "form" ? phase.error : null}
        onJoin={join}
      />
      <section className="landing-endpoints" aria-labelledby="endpoints-title">
        <h2 id="endpoints-title">This server&rsquo;s endpoints</h2>
        <dl className="endpoints">
          <div>
            <dt>Tokens</dt>
            <dd>
              <code>POST /api/token</code> (also <code>/token</code>)
            </dd>
          </div>
          <div>
            <dt>Webhooks</dt>
            <dd>
              <code>POST /livekit/webhook</code> (also <code>/webhook</code>,{" "}
              <code>/api/webhook</code>)
            </dd>
          </div>
          <div>
            <dt>Event stream</dt>
            <dd>
              <code>GET /api/events?room=…</code> (server-sent events)
            </dd>
          </div>
        </dl>
      </section>
    </main>
  );
}
