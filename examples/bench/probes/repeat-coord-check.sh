#!/usr/bin/env bash
# Repeats one GPT coordinate check N times (fresh JVM each) and counts the runs whose records differ
# from the first run's; how the coordinate-check flake was measured (5 of 56 before commit 82bb7c1,
# 0 of 60 after, each on a busy machine).
# Usage: examples/bench/probes/repeat-coord-check.sh [N] [TEXT]   (build first: mvn package)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
n="${1:-20}"
text="${2:-$root/../shared/data/tinyshakespeare.txt}"
work="$(mktemp -d)"
cp "$root/examples/target/mup-examples.jar" "$work/"   # rebuilding meanwhile must not touch the run
differ=0
for i in $(seq 1 "$n"); do
  java -Dai.djl.offline=true -jar "$work/mup-examples.jar" coord-check --model gpt --param mup \
       --widths 256,512 --steps 4 --lr 0.01 --seeds 2 --text "$text" --json "$work/run.json" >/dev/null 2>&1
  if [[ $i -eq 1 ]]; then cp "$work/run.json" "$work/first.json"; fi
  if ! cmp -s "$work/run.json" "$work/first.json"; then differ=$((differ + 1)); echo "run $i differs"; fi
done
echo "$differ of $n runs differ from the first"
rm -rf "$work"
