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
exec npx tsx bench/inventory.ts
