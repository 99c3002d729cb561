#!/usr/bin/env bash
# Latent vs PyTorch: one training step of the MLP VAE (784-400-20-400-784, batch 128, Adam),
# measured in one run with the two programs interleaved, so both see the same machine conditions.
#
# Usage: Benchmarks/compare.sh [--threads N] [--rounds N] [--no-epochs] [--no-wait] [--no-build] [--native]
#   --threads N  threads for both programs, default 2
#   --rounds N   step measurement pairs (Latent, then PyTorch), default 3; the table gives the
#                median of the rounds' medians, because these machines are noisy
#   --no-epochs  skip the 2-epoch runs (latent-bench epoch and vae_mlp_torch.py; about 30 s)
#   --no-wait    do not wait for a quiet machine before each round (wait_idle.py, at most $MAX_WAIT s)
#   --no-build   use the existing release build of latent-bench
#   --native     build for this CPU (-Xswiftc -target-cpu -Xswiftc native, in .build-native): wider
#                vectors than the portable build's SSE, and a binary that needs this CPU
# Environment: REFERENCE_PYTHON (default /tmp/venv-ref/bin/python), REFERENCE_DIR (default the
# shared/reference folder beside the repository), MAX_WAIT (default 300).
# Prints progress on stderr and the Markdown table on stdout; the raw outputs stay in a log folder.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=${REFERENCE_PYTHON:-/tmp/venv-ref/bin/python}
MAX_WAIT=${MAX_WAIT:-300}
THREADS=2 ROUNDS=3 EPOCHS=1 WAIT=1 BUILD=1 NATIVE=0
REPEATS=50  # latent-bench times 4 × repeats steps per figure; vae_step_torch.py gets the same count

while [[ $# -gt 0 ]]; do
  case $1 in
    --threads) THREADS=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --no-epochs) EPOCHS=0 ;;
    --no-wait) WAIT=0 ;;
    --no-build) BUILD=0 ;;
    --native) NATIVE=1 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

say() { echo "[compare] $*" >&2; }

# The reference scripts: REFERENCE_DIR, else beside the repository, else the project's shared copy.
REF=${REFERENCE_DIR:-}
if [[ -z $REF ]]; then
  for candidate in "$ROOT/../shared/reference" /work/shared/reference; do
    [[ -f $candidate/vae_mlp_torch.py ]] && { REF=$(cd "$candidate" && pwd); break; }
  done
fi
if [[ -z $REF || ! -f $REF/vae_mlp_torch.py ]]; then
  say "reference scripts (vae_mlp_torch.py) not found; set REFERENCE_DIR to the shared/reference folder"
  exit 1
fi

# The PyTorch venv is large and made once per machine, so point at how rather than make it here.
if [[ ! -x $PY ]] || ! "$PY" -c 'import torch, numpy' 2>/dev/null; then
  say "no Python with torch and numpy at $PY (set REFERENCE_PYTHON to use another). Create it with:"
  say "  python3 -m venv /tmp/venv-ref && /tmp/venv-ref/bin/pip install torch numpy"
  exit 1
fi

BUILD_FLAGS=(-c release --product latent-bench)
[[ $NATIVE == 1 ]] && BUILD_FLAGS+=(--scratch-path .build-native -Xswiftc -target-cpu -Xswiftc native)
BENCH=$ROOT/$([[ $NATIVE == 1 ]] && echo .build-native || echo .build)/release/latent-bench
if [[ $BUILD == 1 ]]; then
  say "building latent-bench: swift build ${BUILD_FLAGS[*]}"
  (cd "$ROOT" && swift build "${BUILD_FLAGS[@]}" >&2)
fi
[[ -x $BENCH ]] || { say "$BENCH missing; build it or drop --no-build"; exit 1; }

LOGS=$(mktemp -d "${TMPDIR:-/tmp}/latent-compare.XXXXXX")
say "raw outputs in $LOGS"

# The same warm-up (10) and step count (4 × 50) in both programs.
LATENT_CMD=("$BENCH" --threads "$THREADS" --repeats "$REPEATS" step)
TORCH_CMD=("$PY" "$ROOT/Benchmarks/reference/vae_step_torch.py" --threads "$THREADS"
           --steps $((4 * REPEATS)) --reference-dir "$REF")
EPOCH_CMD=("$PY" "$REF/vae_mlp_torch.py" --epochs 2 --threads "$THREADS" --iwae-n 100 --iwae-k 100)
LATENT_EPOCH_CMD=("$BENCH" --threads "$THREADS" epoch)
# Both step programs run under metered.py, which appends other processes' CPU load to the log.
METER=("$PY" "$ROOT/Benchmarks/reference/metered.py" --reference-dir "$REF" --)

{
  [[ $BUILD == 1 ]] && echo "(cd $ROOT && swift build ${BUILD_FLAGS[*]})"
  echo "# rounds 1..$ROUNDS, each: Latent, then PyTorch"
  [[ $WAIT == 1 && -f $REF/wait_idle.py ]] && echo "$PY $REF/wait_idle.py --max-wait $MAX_WAIT    # also before the epoch run"
  echo "${METER[*]} ${LATENT_CMD[*]}"
  echo "${METER[*]} ${TORCH_CMD[*]}"
  [[ $EPOCHS == 1 ]] && echo "${LATENT_EPOCH_CMD[*]}" && echo "${EPOCH_CMD[*]}"
  true
} > "$LOGS/commands.txt"

# Others' jobs come and go on these machines, so wait before every round, not once: wait_idle.py
# returns after two quiet 5 s windows in a row (a round takes about 10 s), or gives up after
# --max-wait and says so. metered.py then records whether the round really ran alone.
quiet() {
  [[ $WAIT == 1 && -f $REF/wait_idle.py ]] || return 0
  say "waiting for a quiet machine (at most $MAX_WAIT s)"
  "$PY" "$REF/wait_idle.py" --max-wait "$MAX_WAIT" | tee -a "$LOGS/wait.txt" >&2
}

for round in $(seq 1 "$ROUNDS"); do
  quiet
  say "round $round/$ROUNDS: Latent"
  "${METER[@]}" "${LATENT_CMD[@]}" > "$LOGS/latent-$round.txt"
  say "round $round/$ROUNDS: PyTorch"
  "${METER[@]}" "${TORCH_CMD[@]}" > "$LOGS/torch-$round.txt"
done

if [[ $EPOCHS == 1 ]]; then
  quiet
  say "Latent, 2 epochs (latent-bench epoch)"
  "${LATENT_EPOCH_CMD[@]}" > "$LOGS/epochs-latent.txt"
  quiet
  say "PyTorch, 2 epochs of vae_mlp_torch.py"
  "${EPOCH_CMD[@]}" > "$LOGS/epochs.txt"
fi

"$PY" "$ROOT/Benchmarks/reference/summarize.py" "$LOGS" --threads "$THREADS" \
  --cpu "$(lscpu | sed -n 's/^Model name: *//p' | head -1)" --nproc "$(nproc)" --date "$(date -u '+%Y-%m-%d %H:%M UTC')"
