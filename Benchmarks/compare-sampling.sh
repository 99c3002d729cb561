#!/usr/bin/env bash
# Latent vs PyTorch: drawing images pixel by pixel from the autoregressive models, in one run.
#
# Usage: Benchmarks/compare-sampling.sh [--threads N] [--no-build] [--skip-diagonal]
#   --threads N      threads for both programs, default 2
#   --no-build       use the existing release build of `latent`
#   --skip-diagonal  leave out the Diagonal BiLSTM (its reference takes about 4 minutes)
# Environment: REFERENCE_PYTHON (default /tmp/venv-ref/bin/python), REFERENCE_DIR (default the
# shared/reference folder beside the repository), CIFAR_DIR (default ../shared/data/cifar10).
#
# Sampling does not depend on what the weights are, so each program first trains its model on a
# sliver of data (one batch or a few), then draws: the colour PixelCNN 4 images of 3×32×32 (the
# reference: 3,072 full forward passes), the Row LSTM and the Diagonal BiLSTM 16 images of 28×28
# (the reference: 784 full passes). Latent's time is the whole `latent sample` command (process
# start, checkpoint, PNG), the reference's its own sampling figure. Prints a Markdown table.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=${REFERENCE_PYTHON:-/tmp/venv-ref/bin/python}
THREADS=2 BUILD=1 DIAGONAL=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --threads) THREADS=$2; shift ;;
    --no-build) BUILD=0 ;;
    --skip-diagonal) DIAGONAL=0 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare-sampling.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
say() { echo "[compare-sampling] $*" >&2; }

REF=${REFERENCE_DIR:-}
for candidate in "$REF" "$ROOT/../shared/reference" /work/shared/reference; do
  [[ -n $candidate && -f $candidate/pixelrnn_torch.py ]] && { REF=$(cd "$candidate" && pwd); break; }
done
[[ -f $REF/pixelrnn_torch.py ]] || { say "reference scripts not found; set REFERENCE_DIR"; exit 1; }
CIFAR=${CIFAR_DIR:-$REF/../data/cifar10}
[[ -f $CIFAR/data_batch_1.bin ]] || { say "no CIFAR-10 batches in $CIFAR; set CIFAR_DIR"; exit 1; }
"$PY" -c 'import torch, numpy' 2>/dev/null || { say "no Python with torch at $PY (see Benchmarks/compare.sh --help)"; exit 1; }

[[ $BUILD == 1 ]] && (cd "$ROOT" && swift build -c release --product latent >&2)
LATENT=$ROOT/.build/release/latent
WORK=$(mktemp -d "${TMPDIR:-/tmp}/latent-sampling.XXXXXX")
say "raw outputs in $WORK"

# Slivers of data: 64 CIFAR records (two batches of 32) and 160 Fashion-MNIST images.
mkdir -p "$WORK/cifar" "$WORK/fashion"
head -c $((64 * 3073)) "$CIFAR/data_batch_1.bin" > "$WORK/cifar/data_batch_1.bin"
head -c $((32 * 3073)) "$CIFAR/data_batch_1.bin" > "$WORK/cifar/test_batch.bin"
cp "$CIFAR/batches.meta.txt" "$WORK/cifar/"
"$PY" - "$WORK/fashion" <<'EOF'
import gzip, struct, sys
source, target = "/usr/share/datasets/fashion-mnist/", sys.argv[1]
for name, count in [("train-images-idx3-ubyte", 160), ("train-labels-idx1-ubyte", 160),
                    ("t10k-images-idx3-ubyte", 32), ("t10k-labels-idx1-ubyte", 32)]:
    data = gzip.open(source + name + ".gz").read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    per_item = 1
    for side in shape[1:]:
        per_item *= side
    with open(f"{target}/{name}", "wb") as out:
        out.write(data[:4] + struct.pack(">" + "I" * dims, count, *shape[1:]))
        out.write(data[4 + 4 * dims:4 + 4 * dims + count * per_item])
EOF

# seconds of one command, from the clock
timed() { local start end; start=$(date +%s.%N); "$@" > /dev/null 2>&1; end=$(date +%s.%N); "$PY" -c "print($end - $start)"; }

rows=()
measure() {   # name, count, latent train args..., --, reference script and args...
  local name=$1 count=$2; shift 2
  local train=() reference=()
  while [[ $1 != -- ]]; do train+=("$1"); shift; done
  shift; reference=("$@")
  say "$name: training Latent's on the sliver"
  "$LATENT" train "${train[@]}" --epochs 1 --seed 1 --threads "$THREADS" --out "$WORK/$name" > "$WORK/$name-train.log" 2>&1
  say "$name: Latent draws $count"
  local ours; ours=$(timed "$LATENT" sample "$WORK/$name" --count "$count" --threads "$THREADS" --out "$WORK/$name.png")
  say "$name: the reference draws $count"
  "$PY" "${reference[@]}" > "$WORK/$name-reference.log" 2>&1
  local theirs; theirs=$(grep -o 'sampling [0-9]* images ([^)]*): *[0-9.]* s' "$WORK/$name-reference.log" | grep -o '[0-9.]* s$' | tr -d ' s')
  [[ -n $theirs ]] || { say "$name: no sampling time in $WORK/$name-reference.log"; exit 1; }
  rows+=("| $name | $count | $(printf %.2f "$ours") s | $(printf %.1f "$theirs") s | $("$PY" -c "print(round($theirs / $ours))")× |")
}

measure "colour PixelCNN" 4 pixelcnn --data "$WORK/cifar" -- \
  "$REF/pixelcnn_color_torch.py" --train "$WORK/cifar/data_batch_1.bin" --test "$WORK/cifar/test_batch.bin" \
  --epochs 1 --threads "$THREADS" --seed 1 --max-batches 1 --test-max-batches 1 --sample 4
measure "Row LSTM" 16 pixelrnn --layer row --data "$WORK/fashion" --binarize 0.5 -- \
  "$REF/pixelrnn_torch.py" --model row --epochs 1 --threads "$THREADS" --seed 1 --max-batches 1 --test-max-batches 1 --sample 16
if [[ $DIAGONAL == 1 ]]; then
  measure "Diagonal BiLSTM" 16 pixelrnn --layer diagonal --data "$WORK/fashion" --binarize 0.5 -- \
    "$REF/pixelrnn_torch.py" --model diagonal --epochs 1 --threads "$THREADS" --seed 1 --max-batches 1 --test-max-batches 1 --sample 16
fi

echo "| model | images | Latent (\`latent sample\`, whole command) | PyTorch reference (full passes) | Latent faster by |"
echo "|---|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
