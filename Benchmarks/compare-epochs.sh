#!/usr/bin/env bash
# Latent vs PyTorch: whole training epochs of one image model on Fashion-MNIST, the two programs
# alternated so both see the same machine conditions.
#
# Usage: Benchmarks/compare-epochs.sh [mlp|conv] [--threads N] [--rounds N] [--backends "onednn openblas"] [--floors] [--no-wait] [--no-build]
#   mlp    the MLP VAE (latent-bench epoch vs vae_mlp_torch.py)
#   conv   the reference conv VAE (latent-bench conv-epoch vs vae_conv_torch.py), the default
#   --rounds N  pairs of 2-epoch runs, default 2; each program's figure is the median epoch
#   --backends  the GEMM backends Latent runs with, each in every round (default: onednn)
#   --floors    (mlp) also time, in each round, the epoch's GEMMs alone in OpenBLAS (the reference
#               folder's sgemm_bench.c) and its Adam updates alone (Benchmarks/floors/adam_floor.c),
#               both in C built for this CPU; needs gcc
# Environment: REFERENCE_PYTHON (default /tmp/venv-ref/bin/python), REFERENCE_DIR, MAX_WAIT (300).
# Prints each run's epoch times and peak memory, then the medians and their ratio.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=${REFERENCE_PYTHON:-/tmp/venv-ref/bin/python}
MAX_WAIT=${MAX_WAIT:-300}
MODEL=conv THREADS=2 ROUNDS=2 WAIT=1 BUILD=1 FLOORS=0 BACKENDS=onednn
while [[ $# -gt 0 ]]; do
  case $1 in
    mlp|conv) MODEL=$1 ;;
    --threads) THREADS=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --backends) BACKENDS=$2; shift ;;
    --floors) FLOORS=1 ;;
    --no-wait) WAIT=0 ;;
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare-epochs.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
say() { echo "[compare-epochs] $*" >&2; }

REF=${REFERENCE_DIR:-}
for candidate in "$REF" "$ROOT/../shared/reference" /work/shared/reference; do
  [[ -n $candidate && -f $candidate/vae_conv_torch.py ]] && { REF=$(cd "$candidate" && pwd); break; }
done
[[ -f $REF/vae_conv_torch.py ]] || { say "reference scripts not found; set REFERENCE_DIR"; exit 1; }
"$PY" -c 'import torch, numpy' 2>/dev/null || { say "no Python with torch at $PY (see Benchmarks/compare.sh --help)"; exit 1; }

[[ $BUILD == 1 ]] && (cd "$ROOT" && swift build -c release --product latent-bench >&2)
BENCH=$ROOT/.build/release/latent-bench
SECTION=$([[ $MODEL == conv ]] && echo conv-epoch || echo epoch)
SCRIPT=$([[ $MODEL == conv ]] && echo vae_conv_torch.py || echo vae_mlp_torch.py)
LOGS=$(mktemp -d "${TMPDIR:-/tmp}/latent-epochs.XXXXXX")
say "raw outputs in $LOGS"
echo "$BENCH --threads $THREADS $SECTION"
echo "$PY $REF/$SCRIPT --epochs 2 --threads $THREADS --iwae-n 1 --iwae-k 1"

quiet() {
  [[ $WAIT == 1 && -f $REF/wait_idle.py ]] || return 0
  "$PY" "$REF/wait_idle.py" --max-wait "$MAX_WAIT" >&2
}
if [[ $FLOORS == 1 ]]; then
  gcc -O2 -march=native -fopenmp "$REF/sgemm_bench.c" -o "$LOGS/sgemm_bench" -lopenblas -lm
  gcc -O3 -march=native -fno-math-errno -fopenmp "$ROOT/Benchmarks/floors/adam_floor.c" -o "$LOGS/adam_floor" -lm
fi
floors() {
  [[ $FLOORS == 1 ]] || return 0
  # OpenBLAS may not know this CPU and fall back to SSE3 kernels; use the set latent-bench switches to.
  local core; core=$(LATENT_GEMM_BACKEND=openblas "$BENCH" --threads 1 --repeats 1 elementwise 2>/dev/null | sed -n 's/.*OpenBLAS \([A-Za-z0-9]*\) kernels.*/\1/p' | head -1)
  OPENBLAS_CORETYPE=$core "$LOGS/sgemm_bench" > "$LOGS/gemm-$1.txt" 2>&1
  OMP_NUM_THREADS=$THREADS "$LOGS/adam_floor" > "$LOGS/adam-$1.txt" 2>&1
}
for round in $(seq 1 "$ROUNDS"); do
  for backend in $BACKENDS; do
    quiet; say "round $round: Latent on $backend"
    LATENT_GEMM_BACKEND=$backend "$BENCH" --threads "$THREADS" "$SECTION" > "$LOGS/latent-$backend-$round.txt"
  done
  quiet; floors "$round"
  quiet; say "round $round: PyTorch"
  "$PY" "$REF/$SCRIPT" --epochs 2 --threads "$THREADS" --iwae-n 1 --iwae-k 1 > "$LOGS/torch-$round.txt" 2>&1
done

"$PY" - "$LOGS" "$ROUNDS" "$THREADS" "$BACKENDS" <<'PYTHON'
import os, re, statistics, sys
logs, rounds, threads, backends = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4].split()
latent = {b: [] for b in backends}
latent_rss = {b: [] for b in backends}
torch, torch_rss = [], []
for r in range(1, rounds + 1):
    for b in backends:
        text = open(f"{logs}/latent-{b}-{r}.txt").read()
        latent[b] += [float(x) for x in re.findall(r"train time ([0-9.]+) s", text)]
        latent_rss[b] += [float(x) for x in re.findall(r"peak resident memory: ([0-9.]+) MiB", text)]
    text = open(f"{logs}/torch-{r}.txt").read()
    torch += [float(x) for x in re.findall(r"train_time +([0-9.]+) s", text)]
    torch_rss += [float(x) for x in re.findall(r"peak RSS: ([0-9.]+) MiB", text)]
    print(f"round {r}: " + ", ".join(f"Latent on {b} epochs {latent[b][-2:]} s" for b in backends) + f", PyTorch epochs {torch[-2:]} s")
tm = statistics.median(torch)
for b in backends:
    lm = statistics.median(latent[b])
    print(f"median epoch: Latent on {b} {lm:.2f} s, PyTorch {tm:.2f} s, ratio {lm / tm:.2f}")
    print(f"peak memory: Latent on {b} {max(latent_rss[b]):.0f} MiB, PyTorch {max(torch_rss):.0f} MiB")
gemm, adam = [], []
for r in range(1, rounds + 1):
    if not os.path.exists(f"{logs}/gemm-{r}.txt"):
        continue
    # sgemm_bench prints one section per thread count; keep the one with this run's threads.
    section = open(f"{logs}/gemm-{r}.txt").read().split(f"OpenBLAS sgemm, {threads} thread(s)")[-1]
    gemm += [float(x) for x in re.findall(r"= ([0-9.]+) s of GEMM per epoch", section)[:1]]
    adam += [float(x) for x in re.findall(r"([0-9.]+) s per 469 steps", open(f"{logs}/adam-{r}.txt").read())]
if gemm and adam:
    g, a = statistics.median(gemm), statistics.median(adam)
    print(f"floors: the epoch's GEMMs alone {g:.2f} s ({g / tm:.2f} of PyTorch's epoch), its Adam updates alone {a:.2f} s; "
          f"together {(g + a) / tm:.2f} of PyTorch's epoch")
PYTHON
