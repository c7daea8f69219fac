"use client";

import type { Media } from "./use-local-media";
import { describeDeviceFailures, type Device, type DeviceFailure } from "./problems";

/** Camera and microphone: asking, or what could not be had or published, and what to do. */
export function RoomNotices({
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
