"use client";

import { useCallback, useSyncExternalStore } from "react";

/** Where the console keeps its credential: this tab's session storage, gone with the tab. */
export const CREDENTIAL_KEY = "livekit-console.operator-token";

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((listener) => listener());

/**
 * A credential arriving in the link's fragment (`/console#token=…`, which no browser sends to a
 * server) moves to session storage and out of the address bar and history, before anything else.
 */
function adoptFragment(): void {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (!match?.[1]) return;
  sessionStorage.setItem(CREDENTIAL_KEY, decodeURIComponent(match[1]));
  const { pathname, search } = window.location;
  window.history.replaceState(window.history.state, "", `${pathname}${search}`);
}

function read(): string | null {
  adoptFragment();
  return sessionStorage.getItem(CREDENTIAL_KEY);
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener("hashchange", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("hashchange", listener);
  };
}

/** The operator credential (undefined while rendering on the server), and forgetting it. */
export function useOperatorCredential(): { token: string | null | undefined; forget: () => void } {
  const token = useSyncExternalStore(subscribe, read, () => undefined);
  const forget = useCallback(() => {
    sessionStorage.removeItem(CREDENTIAL_KEY);
    notify();
  }, []);
  return { token, forget };
}
