// livekit-server's config for a server on loopback only, shared by `npm run dev`
// (scripts/dev.mjs) and the tests (tests/support/livekit-server.ts), so both run the same one.
// JSON is YAML: the result is given to livekit-server as `--config-body` or a file, as JSON.

/**
 * `enable_loopback_candidate` makes livekit-server offer 127.0.0.1 (it skips loopback by default);
 * `ips` keeps any other address out of its candidates; `use_external_ip: false` keeps it from
 * asking a public STUN server for its own address; `stun_servers` replaces the public STUN
 * servers it would otherwise hand to clients with a loopback address where nothing answers over
 * UDP (by default its own HTTP port, which is TCP only).
 *
 * @param {{ http: number, rtcTcp: number, rtcUdp: number, stun?: number }} ports
 * @param {import("./livekit-config.mjs").LivekitConfigOptions} options
 * @returns {Record<string, unknown>}
 */
export function livekitServerConfig(ports, options) {
  const { keys } = options;
  return {
    ...(options.development ? { development: true } : {}),
    port: ports.http,
    bind_addresses: ["127.0.0.1"],
    keys,
    rtc: {
      tcp_port: ports.rtcTcp,
      udp_port: ports.rtcUdp,
      use_external_ip: false,
      node_ip: "127.0.0.1",
      enable_loopback_candidate: true,
      ips: { includes: ["127.0.0.1/32"] },
      stun_servers: [`127.0.0.1:${ports.stun ?? ports.http}`],
    },
    room: {
      empty_timeout: options.emptyTimeout ?? 300,
      departure_timeout: options.departureTimeout ?? 20,
    },
    ...(options.webhookUrls?.length
      ? {
          webhook: {
            api_key: options.webhookKey ?? Object.keys(keys)[0],
            urls: options.webhookUrls,
          },
        }
      : {}),
    logging: { level: options.logLevel ?? "info", json: false },
  };
}
