#!/usr/bin/env bash
# Data parallel training on this machine: one epoch of a model trained by one process of one
# thread, by one process of two threads, and by two processes of one thread each under mpirun, with
# the same global batch, seed and data. Prints each run's training seconds (metrics.jsonl's
# "seconds", without evaluation and pictures), the speed-ups, and what the two-process run logged
# of its allreduce (bytes per step, milliseconds per step, share of the training time); first, the
# machine's own MPI_Allreduce of the same sizes in C (Benchmarks/floors/allreduce_floor.c).
#
# Usage: Benchmarks/data-parallel.sh [pixelcnn|vae] [--images N] [--overlap] [--no-build]
#   pixelcnn  the reference PixelCNN (binarized Fashion-MNIST, batch 128), the default
#   vae       the MLP VAE of PyTorch's example (784-400-20, batch 128)
#   --images N  train on the first N training images (default: 6400 for pixelcnn, all for vae)
#   --overlap   also two processes with the gradients summed after backward (LATENT_ALLREDUCE_OVERLAP=0)
#               and during it in buckets of 1 MB and 0.25 MB (LATENT_ALLREDUCE_BUCKET_MB)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODEL=pixelcnn IMAGES="" BUILD=1 OVERLAP=0
while [[ $# -gt 0 ]]; do
  case $1 in
    pixelcnn|vae) MODEL=$1 ;;
    --images) IMAGES=$2; shift ;;
    --overlap) OVERLAP=1 ;;
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "data-parallel.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ -z $IMAGES && $MODEL == pixelcnn ]] && IMAGES=6400
say() { echo "[data-parallel] $*" >&2; }

[[ $BUILD == 1 ]] && (cd "$ROOT" && swift build -c release --product latent >&2)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
LATENT=$ROOT/.build/release/latent
WORK=$(mktemp -d "${TMPDIR:-/tmp}/latent-data-parallel.XXXXXX")
say "runs in $WORK"
echo "CPU: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p'), $(nproc) cores; $(mpirun --version | head -1)"
# The machine's own allreduce, in C, for the sizes the models send.
mpicc -O2 "$ROOT/Benchmarks/floors/allreduce_floor.c" -o "$WORK/allreduce_floor"
mpirun -np 2 --bind-to core "$WORK/allreduce_floor"

# The first N training images of Fashion-MNIST (and the whole test set) as an MNIST-format folder.
DATA=fashion-mnist
if [[ -n $IMAGES ]]; then
  DATA=$WORK/data
  mkdir -p "$DATA"
  SOURCE=/usr/share/datasets/fashion-mnist
  be32() { printf "\\x$(printf %02x $(($1 >> 24 & 255)))\\x$(printf %02x $(($1 >> 16 & 255)))\\x$(printf %02x $(($1 >> 8 & 255)))\\x$(printf %02x $(($1 & 255)))"; }
  gzip -dc "$SOURCE/train-images-idx3-ubyte.gz" > "$WORK/images" && gzip -dc "$SOURCE/train-labels-idx1-ubyte.gz" > "$WORK/labels"
  { printf '\x00\x00\x08\x03'; be32 "$IMAGES"; be32 28; be32 28
    tail -c +17 "$WORK/images" | head -c $((IMAGES * 784)) || true; } > "$DATA/train-images-idx3-ubyte"
  { printf '\x00\x00\x08\x01'; be32 "$IMAGES"; tail -c +9 "$WORK/labels" | head -c "$IMAGES" || true; } > "$DATA/train-labels-idx1-ubyte"
  rm "$WORK/images" "$WORK/labels"
  for file in t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do gzip -dc "$SOURCE/$file.gz" > "$DATA/$file"; done
fi

case $MODEL in
  pixelcnn) ARGS=(train pixelcnn --data "$DATA" --epochs 1 --seed 1) ;;
  vae) ARGS=(train vae --data "$DATA" --epochs 1 --seed 1) ;;
esac
seconds() { grep '"split":"train"' "$1/metrics.jsonl" | sed 's/.*"seconds":\([0-9.]*\).*/\1/'; }

echo "$LATENT ${ARGS[*]} --threads 1"
"$LATENT" "${ARGS[@]}" --threads 1 --out "$WORK/one-thread" 2> "$WORK/one-thread.log"
echo "$LATENT ${ARGS[*]} --threads 2"
"$LATENT" "${ARGS[@]}" --threads 2 --out "$WORK/two-threads" 2> "$WORK/two-threads.log"
echo "mpirun -np 2 $LATENT ${ARGS[*]} --threads 1"
mpirun -np 2 --bind-to core "$LATENT" "${ARGS[@]}" --threads 1 --out "$WORK/two-processes" 2> "$WORK/two-processes.log"

ONE=$(seconds "$WORK/one-thread") TWO_THREADS=$(seconds "$WORK/two-threads") TWO_PROCESSES=$(seconds "$WORK/two-processes")
echo "training seconds: 1 process × 1 thread $ONE, 1 process × 2 threads $TWO_THREADS, 2 processes × 1 thread $TWO_PROCESSES"
awk -v a="$ONE" -v b="$TWO_THREADS" -v c="$TWO_PROCESSES" 'BEGIN {
  printf "speed-up over 1 × 1: 2 threads %.2f×, 2 processes %.2f×; 2 processes against 2 threads: %.2f×\n", a / b, a / c, b / c }'
grep "allreduce" "$WORK/two-processes.log" || true
for run in one-thread two-threads two-processes; do
  echo "$run: $(grep '"split":"test"' "$WORK/$run/metrics.jsonl" | tail -1 | cut -c1-160)"
done

[[ $OVERLAP == 1 ]] || exit 0
for variant in "0 25" "1 1" "1 0.25"; do
  read -r overlap megabytes <<< "$variant"
  out=$WORK/overlap-$overlap-$megabytes
  LATENT_ALLREDUCE_OVERLAP=$overlap LATENT_ALLREDUCE_BUCKET_MB=$megabytes \
    mpirun -np 2 --bind-to core "$LATENT" "${ARGS[@]}" --threads 1 --out "$out" 2> "$out.log"
  echo "2 processes, overlap $overlap, buckets of $megabytes MB: training seconds $(seconds "$out"); $(grep allreduce "$out.log")"
done
