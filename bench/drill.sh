#!/usr/bin/env bash
# The overhead of s3-dr drill (requests and seconds beyond its waiting) on a moto_server started by
# bench/drill.ts. Usage: BENCH_PROBES=20 BENCH_REPEAT=3 bash bench/drill.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/time ]; then
  apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
# The benchmark times the executable as it ships: build it from the current sources.
node packages/cli/scripts/build.mjs
exec npx tsx bench/drill.ts
