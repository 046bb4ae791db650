#!/usr/bin/env bash
# Benchmarks s3-dr verify (beside rclone check) and s3-dr restore (beside HeadObject+CopyObject)
# on a moto_server started by bench/verify-restore.ts. Installs rclone from Debian if missing.
# Usage: BENCH_KEYS=2000 BENCH_CONCURRENCY=16 BENCH_REPEAT=3 bash bench/verify-restore.sh
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
exec npx tsx bench/verify-restore.ts
