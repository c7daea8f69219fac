import type { NextPageContext } from "next";
import Link from "next/link";
import API_SECURITY_HEADERS from "@/lib/shared/api-security-headers.json";

/**
 * Next's own error page, for what no route of ours sees: a path it cannot decode
 * (`/api/x%ZZ`, `/console/%E0`) answers 400 here before any routing. Under /api (any spelling)
 * the answer is JSON with the API's headers, as every API answer is; elsewhere a plain page.
 */
interface ErrorProps {
  statusCode: number;
}

export default function ErrorPage({ statusCode }: ErrorProps) {
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", padding: "2rem" }}>
      <h1>{statusCode === 404 ? "Not found" : statusCode < 500 ? "Bad request" : "Error"}</h1>
      <p>
        <Link href="/">Back to the start page</Link>
      </p>
    </main>
  );
}

ErrorPage.getInitialProps = ({ req, res, err }: NextPageContext): ErrorProps => {
  const statusCode = res?.statusCode ?? err?.statusCode ?? 404;
  if (req && res && /^\/api(?:\/|%2f|$)/i.test(req.url ?? "")) {
    const errorMessage =
      statusCode === 400 ? "the request path is not valid percent-encoding" : "no API route here";
    const body = JSON.stringify({ errorMessage });
    res.statusCode = statusCode;
    for (const [name, value] of Object.entries(API_SECURITY_HEADERS)) res.setHeader(name, value);
    res.setHeader("Content-Type", "application/json; charset=utf-8");
    res.setHeader("Content-Length", String(new TextEncoder().encode(body).length));
    res.end(body);
  }
  return { statusCode };
};
