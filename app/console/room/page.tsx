import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ConsoleRoom } from "../components/console-room";
import "../console.css";

type Search = Promise<Record<string, string | string[] | undefined>>;

/** `?name=<room>`: the room's name rides in the query, so no name can change the route. */
async function roomName(searchParams: Search): Promise<string> {
  const name = (await searchParams).name;
  return (Array.isArray(name) ? name[0] : name) ?? "";
}

export async function generateMetadata({
  searchParams,
}: {
  searchParams: Search;
}): Promise<Metadata> {
  const room = await roomName(searchParams);
  return { title: room ? `${room} · Operator console` : "Operator console" };
}

export default async function ConsoleRoomPage({ searchParams }: { searchParams: Search }) {
  const room = await roomName(searchParams);
  if (!room) notFound();
  return <ConsoleRoom room={room} />;
}
