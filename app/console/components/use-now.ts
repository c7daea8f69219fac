"use client";

import { useEffect, useState } from "react";

/** The time, refreshed every `intervalMs`: ages on screen move without a render per second. */
export function useNow(intervalMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
