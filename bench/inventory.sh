#!/usr/bin/env bash
# Benchmarks verify --inventory --engine local beside listing-based verify (bench/inventory.ts).
# Usage: BENCH_KEYS=1000000 BENCH_LATENCY_MS=50 BENCH_FORMATS=CSV,Parquet BENCH_LISTING=1 bash bench/inventory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/time ]; then
  apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
# The benchmark times the executable as it ships: build it from the current sources.
node packages/cli/scripts/build.mjs
# The listing baseline's server holds every key's XML in this process: 10M keys need more than a
# default heap. The CLI runs measured here get their own default (bench/inventory.ts clears it).
NODE_OPTIONS="--max-old-space-size=${BENCH_HEAP_MB:-10240}" exec npx tsx bench/inventory.ts
