import type { Metadata } from "next";
import { ConsoleRoom } from "../components/console-room";
import "../console.css";

export async function generateMetadata({
  params,
}: {
  params: Promise<{ room: string }>;
}): Promise<Metadata> {
  const { room } = await params;
  return { title: `${decodeURIComponent(room)} · Operator console` };
}

export default async function ConsoleRoomPage({ params }: { params: Promise<{ room: string }> }) {
  const { room } = await params;
  return <ConsoleRoom room={decodeURIComponent(room)} />;
}
