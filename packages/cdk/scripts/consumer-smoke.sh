#!/usr/bin/env bash
# The construct library as a user meets it: packs s3-dr-naming and s3-dr-cdk (built: run
# `npm run build` first), creates a fresh `cdk init app --language typescript` project, installs
# the two tarballs into it (the template's own dependencies come from the npm registry), pastes the
# TypeScript example of packages/cdk/README.md into it and runs `cdk synth` offline, without AWS
# credentials. Fails on any step; prints the synthesized stack's resource counts.
#   bash packages/cdk/scripts/consumer-smoke.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

echo "consumer-smoke: packing s3-dr-naming and s3-dr-cdk"
(cd "$root" && npm pack -w s3-dr-naming -w s3-dr-cdk --pack-destination "$work" --silent >/dev/null)
naming=$(ls "$work"/s3-dr-naming-*.tgz)
cdk=$(ls "$work"/s3-dr-cdk-*.tgz)
contents=$(tar -tzf "$cdk")
for file in package/.jsii package/lib/index.js package/assets/canary/index.js package/assets/replication-events/index.js; do
  grep -qx "$file" <<<"$contents" || { echo "consumer-smoke: $file is not in $(basename "$cdk")" >&2; exit 1; }
done

echo "consumer-smoke: cdk init app --language typescript"
mkdir "$work/consumer"
cd "$work/consumer"
"$root/node_modules/.bin/cdk" init app --language typescript --generate-only >/dev/null
npm install --no-audit --no-fund --silent
npm install --no-audit --no-fund --silent "$naming" "$cdk"

# The README's TypeScript example, as its own stack file, instantiated by the app.
awk '/^```ts$/ {inside=1; next} /^```$/ && inside {exit} inside {print}' "$root/packages/cdk/README.md" \
  >lib/documents-stack.ts
grep -q 'new S3ReplicationPair' lib/documents-stack.ts || { echo "consumer-smoke: no example found in the README" >&2; exit 1; }
entry=$(ls bin/*.ts)
if ! grep -q '^const app = ' "$entry"; then
  echo "consumer-smoke: $entry has no 'const app = ...' to add the stack to" >&2
  exit 1
fi
# The import goes after the shebang line; the stack after everything else.
{
  head -n 1 "$entry"
  echo "import { DocumentsStack } from '../lib/documents-stack';"
  tail -n +2 "$entry"
  echo "new DocumentsStack(app, 'Documents');"
} >"$entry.new"
mv "$entry.new" "$entry"

echo "consumer-smoke: cdk synth (offline, no credentials)"
export AWS_EC2_METADATA_DISABLED=true CDK_DISABLE_VERSION_CHECK=1
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
npx --no-install cdk synth Documents -q --no-notices
template=cdk.out/Documents.template.json
node -e '
  const t = require(process.argv[1]);
  const counts = {};
  for (const r of Object.values(t.Resources)) counts[r.Type] = (counts[r.Type] ?? 0) + 1;
  const need = ["AWS::S3::Bucket", "AWS::KMS::Key", "AWS::Lambda::Function", "AWS::CloudWatch::Alarm"];
  const missing = need.filter((type) => !counts[type]);
  if (missing.length) { console.error("consumer-smoke: missing " + missing.join(", ")); process.exit(1); }
  console.log("consumer-smoke: synthesized " + Object.keys(t.Resources).length + " resources: " +
    Object.entries(counts).map(([k, v]) => v + " " + k).join(", "));
' "$PWD/$template"
echo "consumer-smoke: ok"
