/**
 * The reference the benchmark compares us with: the seed contract (token; webhook verify + log)
 * in plain Express 5 + livekit-server-sdk, written the way the OpenVidu tutorials' Node
 * application server is. It is deliberately no better and no worse than that server:
 * `express.json()` for the token, `express.raw()` for the webhook, the SDK's
 * `WebhookReceiver`, and `console.log(event)` of every verified event.
 *
 * Only the benchmark starts it:  PORT=… LIVEKIT_API_KEY=… LIVEKIT_API_SECRET=… node --import tsx express-server.ts
 */
import express, { type NextFunction, type Request, type Response } from "express";
import { AccessToken, WebhookReceiver } from "livekit-server-sdk";

const SERVER_PORT = Number(process.env.PORT || 6080);
const LIVEKIT_API_KEY = process.env.LIVEKIT_API_KEY || "devkey";
const LIVEKIT_API_SECRET = process.env.LIVEKIT_API_SECRET || "secret";

const app = express();

// The tutorial uses the `cors` package with its defaults; this is what it sets on a simple request.
app.use((_req: Request, res: Response, next: NextFunction) => {
  res.setHeader("Access-Control-Allow-Origin", "*");
  next();
});
app.use(express.json());
app.use(express.raw({ type: "application/webhook+json" }));

app.post("/token", async (req: Request, res: Response) => {
  const roomName: unknown = req.body?.roomName;
  const participantName: unknown = req.body?.participantName;

  if (
    typeof roomName !== "string" ||
    typeof participantName !== "string" ||
    !roomName ||
    !participantName
  ) {
    res.status(400).json({ errorMessage: "roomName and participantName are required" });
    return;
  }

  const at = new AccessToken(LIVEKIT_API_KEY, LIVEKIT_API_SECRET, { identity: participantName });
  at.addGrant({ roomJoin: true, room: roomName });
  const token = await at.toJwt();
  res.json({ token });
});

const webhookReceiver = new WebhookReceiver(LIVEKIT_API_KEY, LIVEKIT_API_SECRET);

app.post("/livekit/webhook", async (req: Request, res: Response) => {
  try {
    const event = await webhookReceiver.receive(
      (req.body as Buffer).toString("utf8"),
      req.get("Authorization"),
    );
    console.log(event);
  } catch (error) {
    console.error("Error validating webhook event", error);
  }
  res.status(200).send();
});

app.get("/health", (_req: Request, res: Response) => {
  res.json({ ok: true });
});

app.listen(SERVER_PORT, "127.0.0.1", () => {
  console.log("Server started on port:", SERVER_PORT);
});
