import { describe, expect, it, vi } from "vitest";
import { storeUnavailable } from "@/lib/events/unavailable";
import {
  answer,
  errorResponse,
  HttpError,
  isHttpError,
  readBodyText,
  readJsonObject,
} from "@/lib/http";

const request = (body: BodyInit | null, headers: Record<string, string> = {}) =>
  new Request("http://x/", { method: "POST", body, headers, duplex: "half" } as RequestInit);

describe("readBodyText", () => {
  it("reads a body up to the limit and refuses a byte more with 413", async () => {
    expect(await readBodyText(request("12345"), 5)).toBe("12345");
    await expect(readBodyText(request("123456"), 5)).rejects.toMatchObject({ status: 413 });
  });

  it("refuses a streamed body that grows past the limit without a Content-Length", async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new Uint8Array(1000));
        controller.close();
      },
    });
    await expect(readBodyText(request(stream), 4000)).rejects.toMatchObject({ status: 413 });
  });

  it("replaces invalid UTF-8 instead of throwing", async () => {
    expect(await readBodyText(request(new Uint8Array([0x7b, 0xff, 0x7d])), 10)).toBe("{\uFFFD}");
  });
});

describe("readJsonObject", () => {
  it.each([
    ["", /empty/],
    ["[]", /JSON object/],
    ["null", /JSON object/],
    ["{", /not valid JSON/],
  ])("refuses %j with a 400 that says why", async (body, message) => {
    await expect(readJsonObject(request(body), 100)).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(message),
    });
  });
});

describe("answer", () => {
  it("turns an HttpError into JSON with its status and headers, plus the extra headers", async () => {
    const response = await answer({ "Access-Control-Allow-Origin": "*" }, async () => {
      throw new HttpError(429, "slow down", { headers: { "Retry-After": "3" } });
    });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("3");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(await response.json()).toEqual({ errorMessage: "slow down" });
  });

  it("hides an unexpected error behind a JSON 500", async () => {
    const response = await answer({}, async () => {
      throw new TypeError("secret internals");
    });
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain("secret internals");
  });
});

describe("HttpError across bundles", () => {
  it("is recognised when thrown by another copy of the module", async () => {
    // The App Router and pages/api each bundle lib/http; the shared event store throws one copy.
    vi.resetModules();
    const other = await import("@/lib/http");
    const otherTypes = await import("@/lib/events/unavailable");
    expect(other.HttpError).not.toBe(HttpError);

    const refused = errorResponse(new other.HttpError(403, "not yours"));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ errorMessage: "not yours" });

    const down = otherTypes.storeUnavailable("Redis: gone");
    expect(isHttpError(down)).toBe(true);
    const answered = errorResponse(down);
    expect(answered.status).toBe(503);
    expect(answered.headers.get("retry-after")).toBe("1");
    // The detail is for the log, never the client.
    expect(await answered.text()).not.toContain("Redis: gone");
    expect(isHttpError(new Error("plain"))).toBe(false);
    expect(isHttpError({ status: 400, message: "look-alike" })).toBe(false);
  });
});

describe("jsonError", () => {
  it("adds the field at fault when there is one, and only then", async () => {
    const withField = errorResponse(new HttpError(400, "roomName is blank", { field: "roomName" }));
    expect(await withField.json()).toEqual({
      errorMessage: "roomName is blank",
      field: "roomName",
    });
    const without = errorResponse(storeUnavailable("x"));
    expect(Object.keys(await without.json())).toEqual(["errorMessage"]);
  });
});
