#!/usr/bin/env bash
# Latent vs PyTorch: training speed of the sentence VAE and its LSTM language model on the
# fortunes corpus (embedding 256, LSTM 256, latent 32, batch 32, Adam 1e-3, clip 5, k = 0.75),
# the first N updates of epoch 1, the two programs interleaved round by round so both see the
# same machine. Memory is each program's peak resident set.
#
# Usage: Benchmarks/compare_sentence.sh [--threads N] [--rounds N] [--batches N] [--no-build]
#   --threads N  threads for both programs, default 2
#   --rounds N   measurement rounds (Latent, then PyTorch), default 1
#   --batches N  updates timed per model, a multiple of 4, default 200
#   --no-build   use the existing release build of latent-bench
# Environment: REFERENCE_PYTHON (default /tmp/venv-ref/bin/python), REFERENCE_DIR (default the
# shared/reference folder beside the repository), SENTENCE_DATA (default /tmp/sentence-data, made
# by corpus_fortunes.py --out when missing).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=${REFERENCE_PYTHON:-/tmp/venv-ref/bin/python}
DATA=${SENTENCE_DATA:-/tmp/sentence-data}
THREADS=2 ROUNDS=1 BATCHES=200 BUILD=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --threads) THREADS=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --batches) BATCHES=$2; shift ;;
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare_sentence.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
say() { echo "[compare-sentence] $*" >&2; }

REF=${REFERENCE_DIR:-}
for candidate in "$REF" "$ROOT/../shared/reference" /work/shared/reference; do
  [[ -n $candidate && -f $candidate/sentence_vae_torch.py ]] && { REF=$(cd "$candidate" && pwd); break; }
done
[[ -f $REF/sentence_vae_torch.py ]] || { say "sentence_vae_torch.py not found; set REFERENCE_DIR"; exit 1; }
[[ -x $PY ]] || { say "no Python at $PY (set REFERENCE_PYTHON)"; exit 1; }
[[ -f $DATA/train.txt ]] || "$PY" "$REF/corpus_fortunes.py" --out "$DATA" >&2

BENCH=$ROOT/.build/release/latent-bench
[[ $BUILD == 1 ]] && (cd "$ROOT" && swift build -c release --product latent-bench >&2)
[[ -x $BENCH ]] || { say "$BENCH missing; build it or drop --no-build"; exit 1; }

LOGS=$(mktemp -d "${TMPDIR:-/tmp}/latent-compare-sentence.XXXXXX")
say "raw outputs in $LOGS"
TORCH=("$PY" "$REF/sentence_vae_torch.py" --epochs 1 --threads "$THREADS" --seed 1 --max-batches "$BATCHES"
       --train "$DATA/train.txt" --valid "$DATA/valid.txt" --test "$DATA/test.txt" --iw-n 1 --iw-k 1)
for round in $(seq 1 "$ROUNDS"); do
  say "round $round/$ROUNDS: Latent (latent-bench sentence, $BATCHES updates per model)"
  "$BENCH" --threads "$THREADS" --repeats $((BATCHES / 4)) sentence > "$LOGS/latent-$round.txt"
  say "round $round/$ROUNDS: PyTorch sentence VAE"
  "${TORCH[@]}" --keep-rate 0.75 --kl-t0 1000 --kl-slope 0.005 > "$LOGS/torch-vae-$round.txt"
  say "round $round/$ROUNDS: PyTorch RNNLM"
  "${TORCH[@]}" --rnnlm --keep-rate 1.0 > "$LOGS/torch-rnnlm-$round.txt"
done

echo "| round | model | Latent tokens/s | PyTorch tokens/s | ratio | Latent peak MiB | PyTorch peak MiB |"
echo "|---|---|---:|---:|---:|---:|---:|"
for round in $(seq 1 "$ROUNDS"); do
  latent_peak=$(sed -n 's/^peak resident memory: \([0-9.]*\).*/\1/p' "$LOGS/latent-$round.txt")
  for model in sentence-vae rnnlm; do
    file=$LOGS/torch-$([[ $model == rnnlm ]] && echo rnnlm || echo vae)-$round.txt
    ours=$(awk -v m="$model" '$1 == m && $2 == "LSTM" { print $3 }' "$LOGS/latent-$round.txt")
    theirs=$(sed -n 's/.*median tokens\/s: \([0-9]*\).*/\1/p' "$file")
    torch_peak=$(sed -n 's/.*peak RSS (whole run[^:]*: \([0-9.]*\) MiB.*/\1/p' "$file")
    ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f", a / b }')
    echo "| $round | $model | $ours | $theirs | $ratio× | $latent_peak | $torch_peak |"
  done
done
