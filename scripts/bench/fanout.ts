/** A fan-out series (measure/sse-fanout.ts) on our servers, with the bench's settings. */
import { TEST_API_KEY, TEST_API_SECRET } from "../../tests/support/keys";
import { tokenFromServer } from "../../tests/support/server";
import type { ProbedProcess } from "../../tests/support/probes";
import { runFanoutSeries } from "./measure/sse-fanout";
import { signedWebhooks } from "./measure/webhooks";
import type { FanoutFigures } from "./section";
import { FANOUT, ROOM } from "./settings";

export interface FanoutSeriesOptions {
  log(line: string): void;
  /** Measure memory per idle connection at this many subscribers (on the first server). */
  idleAt?: number;
  subscriberCounts?: number[];
  /** A token for the stream; default: one from the first server's /api/token. */
  token?: string;
  streamPath?: string;
  webhookPath?: string;
}

/** FANOUT's webhooks at FANOUT's rate into ROOM, for each subscriber count. */
export async function fanoutSeries(
  servers: (ProbedProcess & { url: string })[],
  label: string,
  options: FanoutSeriesOptions,
): Promise<FanoutFigures> {
  return runFanoutSeries({
    servers,
    label,
    token: options.token ?? (await tokenFromServer(servers[0]!.url, ROOM, "viewer")),
    room: ROOM,
    subscriberCounts: options.subscriberCounts ?? FANOUT.subscriberCounts,
    webhooks: FANOUT.webhooks,
    perSecond: FANOUT.perSecond,
    nextWebhook: signedWebhooks(ROOM, TEST_API_KEY, TEST_API_SECRET),
    idleAt: options.idleAt,
    streamPath: options.streamPath,
    webhookPath: options.webhookPath,
    log: options.log,
  });
}
