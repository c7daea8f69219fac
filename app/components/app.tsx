"use client";

import dynamic from "next/dynamic";
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { newIdentity } from "@/lib/shared/identity";
import { JoinForm } from "./join-form";
import { ProtectedNotice } from "./protected-notice";
import {
  forgetInvite,
  invitedRoom,
  JoinError,
  readInRoom,
  readRemembered,
  remember,
  rememberInRoom,
  requestToken,
  takeInvite,
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

/** An invite this tab holds, and the room it names (for display; the server checks it). */
interface InviteState {
  credential: string;
  room: string;
}

/** What the tab arrived with: its invite (or a damaged one), the form's values, a room to rejoin. */
interface Arrival {
  invite: InviteState | null;
  inviteDamaged: boolean;
  values: JoinValues;
  rejoin: boolean;
}

// Read once, then kept: useSyncExternalStore needs the same snapshot on every read, and
// takeInvite moves the invite out of the address bar. Joining or leaving changes what a later
// mount (a client navigation back to the page) should read, so both forget it.
let arrival: Arrival | null = null;
const forgetArrival = () => {
  arrival = null;
};

function readArrival(): Arrival {
  if (arrival) return arrival;
  const credential = takeInvite();
  const room = credential ? invitedRoom(credential) : null;
  if (credential && !room) forgetInvite();
  const invite = credential && room ? { credential, room } : null;
  const inRoom = readInRoom();
  const remembered = readRemembered() ?? { roomName: "", participantName: "" };
  const values = invite
    ? { roomName: invite.room, participantName: (inRoom ?? remembered).participantName }
    : (inRoom ?? remembered);
  arrival = {
    invite,
    inviteDamaged: credential !== null && !room,
    values,
    rejoin: inRoom !== null,
  };
  return arrival;
}

/** Nothing announces a change: the tab's own join and leave are the only writers. */
const noChanges = () => () => {};

/**
 * The page: the join form, then the room with its event log; leaving returns to the form.
 * `access` is the server's TOKEN_ACCESS: protected without an invite, the page says how to get one.
 */
export function App({ access }: { access: "open" | "protected" }) {
  const [phase, setPhase] = useState<Phase>({ name: "form", error: null });
  // null while rendering on the server and hydrating: the server renders the empty, inert form.
  const arrived = useSyncExternalStore(noChanges, readArrival, () => null);
  const [joinedWith, setJoinedWith] = useState<JoinValues | null>(null);
  const initial = joinedWith ?? arrived?.values ?? null;
  const invite = arrived?.invite;
  const rejoined = useRef(false);

  const join = useCallback(async (values: JoinValues, held: InviteState | null) => {
    forgetArrival();
    setPhase({ name: "requesting" });
    setJoinedWith(values);
    // An invite's room is not the user's choice: remember only the name.
    remember(
      held ? { ...(readRemembered() ?? values), participantName: values.participantName } : values,
    );
    try {
      const session = held
        ? await requestToken({ ...values, roomName: held.room }, null, held.credential)
        : await requestToken(values, newIdentity(values.participantName), null);
      rememberInRoom(values);
      setPhase({ name: "room", session });
    } catch (error) {
      rememberInRoom(null);
      const joinError =
        error instanceof JoinError ? error : new JoinError((error as Error).message, null);
      setPhase({ name: "form", error: joinError });
    }
  }, []);

  // A tab that was in a room rejoins it on reload, with a fresh identity.
  useEffect(() => {
    if (!arrived?.rejoin || rejoined.current) return;
    rejoined.current = true;
    void join(arrived.values, arrived.invite);
  }, [arrived, join]);

  const leave = useCallback(() => {
    forgetArrival();
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
      {access === "protected" && invite === null ? (
        <ProtectedNotice inviteDamaged={arrived?.inviteDamaged ?? false} />
      ) : (
        <JoinForm
          key={initial ? "ready" : "loading"}
          initial={initial}
          invitedRoom={invite?.room ?? null}
          inviteDamaged={arrived?.inviteDamaged ?? false}
          requesting={phase.name === "requesting"}
          error={phase.name === "form" ? phase.error : null}
          onJoin={(values) => void join(values, invite ?? null)}
        />
      )}
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
          <div>
            <dt>Console</dt>
            <dd>
              <a href="/console">/console</a>: every room, for operators (open it with the link{" "}
              <code>npm run operator-link</code> prints)
            </dd>
          </div>
        </dl>
      </section>
    </main>
  );
}
