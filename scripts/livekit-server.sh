#!/usr/bin/env bash
# The pinned livekit-server, the real one that `npm run dev` starts and the tests run against.
#   bash scripts/livekit-server.sh            puts it into .runtime/ (if needed) and prints its path
#   bash scripts/livekit-server.sh --check    the same, but only looks: exit 1 if there is none
# Where it comes from, first match wins: .runtime/ already; `livekit-server` on PATH if its
# version is the pin; `go install` of the release when Go >= 1.26 is there (LiveKit's own module,
# pure Go, about 2 minutes cold). Otherwise it says how to get one and exits 1.
livekit_version=1.13.5
livekit_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.runtime/livekit-server-v$livekit_version"
livekit_bin="$livekit_dir/livekit-server"
say() { echo "livekit-server.sh: $*" >&2; }

if [ ! -x "$livekit_bin" ] && command -v livekit-server >/dev/null &&
  livekit-server --version 2>/dev/null | grep -q "version $livekit_version\$"; then
  mkdir -p "$livekit_dir" && ln -sf "$(command -v livekit-server)" "$livekit_bin"
fi
if [ ! -x "$livekit_bin" ] && [ "${1:-}" != "--check" ] && command -v go >/dev/null &&
  go version | grep -qE 'go1\.(2[6-9]|[3-9][0-9])'; then
  say "building livekit-server v$livekit_version with go install (once, into .runtime/)"
  mkdir -p "$livekit_dir" &&
    GOBIN="$livekit_dir" go install "github.com/livekit/livekit-server/cmd/server@v$livekit_version" &&
    mv "$livekit_dir/server" "$livekit_bin"
fi
if [ ! -x "$livekit_bin" ]; then
  say "no livekit-server v$livekit_version. Any one of these gets it:
  bash scripts/livekit-server.sh                (with Go >= 1.26 on PATH: builds it into .runtime/)
  go install github.com/livekit/livekit-server/cmd/server@v$livekit_version   (then rename it livekit-server, on PATH)
  curl -sSL https://get.livekit.io | bash         (LiveKit's install script; pick v$livekit_version)
  brew install livekit                            (Homebrew; check \`livekit-server --version\`)"
  exit 1
fi
echo "$livekit_bin"
