import type { Metadata } from "next";
import { ConsoleHome } from "./components/console-home";
import "./console.css";

export const metadata: Metadata = { title: "Operator console · LiveKit app server" };

export default function ConsolePage() {
  return <ConsoleHome />;
}
