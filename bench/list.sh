#!/usr/bin/env bash
# Benchmarks parallel listing: s3-dr verify beside single-stream listing and rclone check, on the
# bench list server (bench/list-server.ts: in-memory keys, fixed latency per request).
# Usage: BENCH_KEYS=100000 BENCH_LATENCY_MS=50 BENCH_REPEAT=3 bash bench/list.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v rclone >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq rclone >/dev/null
fi
if [ ! -x /usr/bin/time ]; then
  apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
# The benchmark times the executable as it ships: build it from the current sources.
node packages/cli/scripts/build.mjs
exec npx tsx bench/list.ts
