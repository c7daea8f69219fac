"use client";

import {
  createLocalAudioTrack,
  createLocalTracks,
  createLocalVideoTrack,
  type LocalTrack,
} from "livekit-client";
import { useEffect, useState } from "react";
import { deviceFailureOf, type Device, type DeviceFailure } from "./problems";

export type Media =
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

export function useLocalMedia(): Media {
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
