#!/usr/bin/env bash
# Times a training step of the example GPT three ways, one after the other on this machine with
# the same widths, steps and threads, and prints them side by side:
#   μP        the generated μP model with its μP Adam        (java ... bench)
#   plain DJL the same architecture in plain DJL, DJL's Adam (java ... bench)
#   PyTorch   the same architecture, data and Adam in PyTorch (examples/bench/gpt_step.py)
#
# Usage: examples/bench/compare.sh [--widths 128,256,512] [--threads N] [--steps 20] [--warmup 5]
#            [--text FILE] [--out DIR]
# Build first (mvn -o -B -q package -DskipTests). Needs PyTorch for Python 3 (on Debian:
# apt-get install python3-torch, plus an optimized BLAS such as libopenblas0-pthread; see the
# header of gpt_step.py). JAVA and PYTHON choose the interpreters (default: java, and
# /usr/bin/python3 when it has torch, else python3). Run it on an otherwise idle machine: other
# processes competing for the cores distort every number.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
widths=128,256,512
threads="$(nproc)"
steps=20
warmup=5
text=""
out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --widths) widths="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --text) text="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

java="${JAVA:-java}"
if [[ -z "${PYTHON:-}" ]]; then
  if [[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    PYTHON=/usr/bin/python3
  else
    PYTHON=python3
  fi
fi
"$PYTHON" -c 'import torch' 2>/dev/null || {
  echo "compare.sh: $PYTHON cannot import torch (apt-get install python3-torch, or set PYTHON)" >&2
  exit 2
}
jar="$root/examples/target/mup-examples.jar"
[[ -f "$jar" ]] || { echo "compare.sh: $jar is missing; build first" >&2; exit 2; }
out="${out:-$(mktemp -d)}"
mkdir -p "$out"
text_args=()
[[ -n "$text" ]] && text_args=(--text "$text")

common=(--widths "$widths" --steps "$steps" --warmup "$warmup")
echo "compare.sh: DJL (μP and plain), $threads threads" >&2
"$java" -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 \
  -jar "$jar" bench "${common[@]}" "${text_args[@]}" --json "$out/djl.json" > "$out/djl.txt"
echo "compare.sh: PyTorch, $threads threads" >&2
"$PYTHON" "$root/examples/bench/gpt_step.py" "${common[@]}" "${text_args[@]}" \
  --threads "$threads" --interop-threads 1 --json "$out/pytorch.json" > "$out/pytorch.txt"

"$PYTHON" - "$out/djl.json" "$out/pytorch.json" <<'EOF'
import json
import sys

djl = json.load(open(sys.argv[1]))
torch = json.load(open(sys.argv[2]))
pt = {w["width"]: w for w in torch["widths"]}
print("Training step of the example GPT (%d layers, head size %d, sequence %d, batch %d), median of %d steps"
      % (djl["layers"], djl["headSize"], djl["sequence"], djl["batch"], djl["steps"]))
print("DJL: %s on %s, %s threads; PyTorch %s, %s threads" % (
    djl["engine"], djl["device"], djl["threads"], torch["torch"], torch["threads"]))
print()
print("%5s  %8s  %12s  %10s  %8s  %13s" % ("width", "μP ms", "plain DJL ms", "PyTorch ms", "μP/plain",
                                            "DJL/PyTorch"))
for w in djl["widths"]:
    p = pt[w["width"]]
    print("%5d  %8.2f  %12.2f  %10.2f  %8.3f  %13.3f" % (
        w["width"], w["mupStepMs"], w["plainStepMs"], p["stepMs"], w["overheadRatio"],
        w["plainStepMs"] / p["stepMs"]))
    if w["parameters"] != p["parameters"]:
        print("       warning: %d parameters in DJL, %d in PyTorch: not the same model"
              % (w["parameters"], p["parameters"]))
print()
print("matmul 1024^3 fp32: DJL %.1f GFLOP/s, PyTorch %.1f GFLOP/s" % (djl["matmulGflops"], torch["matmulGflops"]))
if torch["matmulGflops"] < 0.5 * djl["matmulGflops"]:
    print("warning: PyTorch multiplies matrices %.1fx slower than DJL's libtorch (BLAS: %s); the comparison"
          " measures the BLAS, not the frameworks. Install an optimized BLAS (see gpt_step.py)."
          % (djl["matmulGflops"] / torch["matmulGflops"], ", ".join(torch["blas"]) or "unknown"))
EOF
echo "(full outputs in $out)"
