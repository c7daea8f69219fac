"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { CopyButton } from "@/app/components/copy-button";
import { useOperatorCredential } from "./use-operator-credential";

/**
 * The console's frame: its bar, and the credential gate. Without a credential it says how to get
 * one; `children` gets the credential and a way to drop it (after the server refused it).
 */
export function ConsoleShell({
  children,
}: {
  children: (token: string, forget: () => void) => ReactNode;
}) {
  const { token, forget } = useOperatorCredential();
  return (
    <div className="console">
      <header className="console-bar">
        <Link href="/console" className="console-home">
          Operator console
        </Link>
        <nav aria-label="Console">
          <Link href="/console">Rooms and events</Link>
          <Link href="/">Join a room</Link>
        </nav>
        {token && (
          <button type="button" className="button-small" onClick={forget}>
            Forget credential
          </button>
        )}
      </header>
      <main className="console-main">
        {token === undefined ? (
          <p className="console-hint">Loading…</p>
        ) : token === null ? (
          <NoCredential />
        ) : (
          children(token, forget)
        )}
      </main>
    </div>
  );
}

function NoCredential() {
  const command = `npm run operator-link -- --base-url ${window.location.origin}`;
  return (
    <section className="console-panel console-gate" aria-labelledby="gate-title">
      <h1 id="gate-title">An operator credential is needed</h1>
      <p>
        The console shows every room&rsquo;s participants and events, so it opens only with an
        operator&rsquo;s LiveKit token (<code>roomList</code>; <code>roomAdmin</code> as well to
        remove participants and end rooms). In this project&rsquo;s folder, with this server&rsquo;s
        <code> LIVEKIT_API_KEY</code> and <code>LIVEKIT_API_SECRET</code>, run:
      </p>
      <div className="snippet">
        <code>{command}</code>
        <CopyButton text={command} label="Copy command" />
      </div>
      <p>
        and open the link it prints. The token travels in the link&rsquo;s <code>#fragment</code>,
        which browsers never send to a server; the console keeps it in this tab only.
      </p>
    </section>
  );
}

/** The server refused the credential: its words, and the way out. */
export function CredentialRefused({ message, forget }: { message: string; forget: () => void }) {
  return (
    <section className="console-panel console-gate" aria-labelledby="refused-title">
      <h1 id="refused-title">The server refused this credential</h1>
      <p className="form-error" role="alert">
        {message}
      </p>
      <p>
        Get a new link with <code>npm run operator-link</code> (an expired token, or one signed with
        other keys than this server&rsquo;s, is refused).
      </p>
      <button type="button" className="button-secondary" onClick={forget}>
        Forget this credential
      </button>
    </section>
  );
}
