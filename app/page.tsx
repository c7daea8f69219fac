import { getConfig } from "@/lib/config";
import { App } from "./components/app";

/** Rendered per request (see layout.tsx): the page learns TOKEN_ACCESS, nothing secret. */
export default function Home() {
  return <App access={getConfig().tokenAccess} />;
}
