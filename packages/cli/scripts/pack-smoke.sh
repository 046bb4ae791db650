#!/usr/bin/env bash
# Packs the s3-dr CLI as `npm publish` would, installs the tarball from the npm registry into an
# empty folder and checks what a user gets: `npx s3-dr --help` and `--version` work, `drill report`
# draws its charts, and the installed tree holds no aws-cdk-lib, constructs, tsx or typescript.
# Prints the installed size.
# Exits non-zero on any failure. Needs the npm registry.
#   bash packages/cli/scripts/pack-smoke.sh
set -euo pipefail
repository="$(cd "$(dirname "$0")/../../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$repository"
# The package's prepare script builds dist/s3-dr.js from the current sources first.
npm pack --workspace s3-dr --pack-destination "$work" --silent >/dev/null
tarballs=("$work"/s3-dr-*.tgz)
tarball="${tarballs[0]}"
echo "packed $(basename "$tarball") ($(du -h "$tarball" | cut -f1)):"
tar -tzf "$tarball" | sed 's/^/  /'

mkdir "$work/consumer"
cd "$work/consumer"
npm init --yes >/dev/null
npm install --no-audit --no-fund --silent "$tarball"

echo '$ npx s3-dr --version'
npx --no-install s3-dr --version
echo '$ npx s3-dr --help | head -3'
help="$(npx --no-install s3-dr --help)"
head -3 <<<"$help"
grep -q '^Usage: s3-dr ' <<<"$help"

echo '$ npx s3-dr drill report evidence.json --report report'
# The drill report's charts live in a file of their own (dist/s3-dr-charts.js): it must ship and load.
npx --no-install s3-dr drill report "$repository/packages/cli/test/commands/drill/fixtures/evidence.json" \
  --report report >/dev/null
charts="$(grep -o '<svg ' report/report.html | wc -l)"
if [ "$charts" -ne 2 ]; then
  echo "FAIL: report.html holds $charts charts, not 2" >&2
  exit 1
fi
echo "report.html with both charts"

echo '$ DuckDB (verify --inventory --engine local): the native binding installed for this platform loads'
node -e "const { DuckDBInstance } = require('@duckdb/node-api');
DuckDBInstance.create(':memory:').then((d) => d.connect()).then((c) => c.runAndReadAll('SELECT 42 AS x'))
  .then((r) => { if (r.getRows()[0][0] !== 42) process.exit(1); console.log('DuckDB runs'); });"

echo '$ npm ls aws-cdk-lib constructs tsx typescript'
# npm ls prints the path of every match (nothing when there is none) and exits 0 either way.
found="$(npm ls --all --parseable aws-cdk-lib constructs tsx typescript | sed '/^$/d')"
if [ -n "$found" ]; then
  echo "FAIL: the installed CLI pulls in:" >&2
  sed "s|^$PWD/||" <<<"$found" >&2
  exit 1
fi
echo "none installed"

echo "installed size: $(du -sh node_modules | cut -f1) in node_modules ($(npm ls --all --parseable | tail -n +2 | wc -l) packages)"
echo "pack-smoke: OK"
