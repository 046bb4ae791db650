#!/usr/bin/env bash
# Times `cdk synth` of this app against a fresh `cdk init app` sample on the same machine.
# Both use this project's node_modules (same aws-cdk-lib, aws-cdk, typescript, tsx), so the
# comparison is of the apps, not of installs. Prints each run and the median ratio.
#   bench/synth.sh [runs]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
root=$PWD
work=$root/bench/.work
sample=$work/sample

if [ ! -f "$sample/cdk.json" ]; then
  rm -rf "$sample" && mkdir -p "$sample"
  (cd "$sample" && npx --no-install cdk init app --language typescript --generate-only >/dev/null)
fi
ln -sfn "$root/node_modules" "$sample/node_modules"

# Offline, without credentials, as a newcomer runs it.
export AWS_EC2_METADATA_DISABLED=true CDK_DISABLE_VERSION_CHECK=1
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY

time_synth() { # dir outdir -> milliseconds; a failed synth stops the benchmark with its output
  local start end log
  log=$(mktemp)
  start=$(date +%s%N)
  if ! (cd "$1" && npx --no-install cdk synth -q --no-notices -o "$2" >"$log" 2>&1); then
    echo "bench: cdk synth failed in $1:" >&2
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  end=$(date +%s%N)
  rm -f "$log"
  echo $(((end - start) / 1000000))
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

ours=() base=()
time_synth "$root" "$work/out-ours" >/dev/null   # warm-up: file cache, esbuild binary
time_synth "$sample" "$work/out-sample" >/dev/null
for i in $(seq 1 "$runs"); do
  # An assignment from $(...) keeps its exit status, so set -e stops on a failed synth here too.
  t_ours=$(time_synth "$root" "$work/out-ours")
  t_base=$(time_synth "$sample" "$work/out-sample")
  ours+=("$t_ours")
  base+=("$t_base")
  echo "run $i: s3-dr ${ours[-1]} ms, cdk init sample ${base[-1]} ms"
done
m_ours=$(printf '%s\n' "${ours[@]}" | median)
m_base=$(printf '%s\n' "${base[@]}" | median)
echo "median: s3-dr ${m_ours} ms (functions re-bundled first), cdk init sample ${m_base} ms"
awk -v a="$m_ours" -v b="$m_base" 'BEGIN { printf "ratio s3-dr / sample: %.2f\n", a / b }'
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, node $(node --version), $(date -u +%F)"
