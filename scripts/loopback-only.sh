#!/usr/bin/env bash
# Runs a command in a network namespace of its own that has only `lo` up: whatever it starts
# (the app, livekit-server, Chromium, Redis) can reach 127.0.0.1 and nothing else, so a real
# media session can never use this machine's other addresses or a public STUN server.
#   bash scripts/loopback-only.sh npx vitest run
# As root it uses `unshare -n`; otherwise `unshare -rn` (a user namespace, where the kernel allows
# it). Already in such a namespace (only `lo`), it just runs the command.
set -euo pipefail
[ "$#" -gt 0 ] || { echo "usage: bash scripts/loopback-only.sh <command> [args...]" >&2; exit 2; }
if [ "$(ip -o link show | cut -d: -f2 | tr -d ' ')" = "lo" ]; then
  ip link set lo up 2>/dev/null || true
  exec "$@"
fi
if [ "$(id -u)" = 0 ]; then flags=-n; else flags=-rn; fi
exec unshare "$flags" -- bash -c 'ip link set lo up && exec "$@"' loopback-only "$@"
