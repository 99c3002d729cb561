"""Times one training step of the reference PyTorch MLP VAE, as `latent-bench step` times Latent's.

Same model (784-400-20-400-784, Bernoulli), batch 128, Adam lr 1e-3, and the same protocol as
Benchmarks/LatentBench/TrainingStepBenchmark.swift: 8 pre-made batches of uniform [0, 1) data,
cycled; 10 warm-up steps, then the median over --steps of
  forward+backward   forward, loss, backward (no optimizer);
  full step          zero_grad, forward, loss, backward, Adam step;
  Adam alone         Adam step with the same gradients each time.
The model and loss are imported from the reference folder, so this times exactly the code that
vae_mlp_torch.py trains.

Two differences from Latent that do not change the time: loss_function sums over the batch while
Latent averages per example (only a scale on the gradients), and the reference decoder ends in
sigmoid + BCE while Latent's uses BCE on logits (same number of elementwise passes).

Output (one figure per line; summarize.py reads the three ms lines):
  torch 2.x threads=2
  forward+backward   X.XXX ms (median of N)
  Adam update alone  X.XXX ms (median of N, P parameters)
  full step (+Adam)  X.XXX ms (median of N)
  other_load X.XX cores
"""
import argparse
import os
import sys
import time


def find_reference_dir(given):
    """--reference-dir if given, else shared/reference beside the repository, else /work/shared/reference."""
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))  # Benchmarks/reference -> repository root
    candidates = [given] if given else [os.path.join(root, "..", "shared", "reference"), "/work/shared/reference"]
    for path in candidates:
        if os.path.isfile(os.path.join(path, "vae_mlp_torch.py")):
            return os.path.abspath(path)
    sys.exit(f"vae_step_torch.py: vae_mlp_torch.py not found in {candidates}; pass --reference-dir")


p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
p.add_argument("--threads", type=int, default=2)
p.add_argument("--steps", type=int, default=200, help="timed steps per figure (latent-bench: 4 x --repeats)")
p.add_argument("--warmup", type=int, default=10)
p.add_argument("--seed", type=int, default=1)
p.add_argument("--reference-dir", default=None)
args = p.parse_args()
sys.path.insert(0, find_reference_dir(args.reference_dir))

import torch  # noqa: E402  (after the argument check, so --help is fast)
from benchutil import LoadMeter  # noqa: E402
from vae_mlp_torch import VAE, loss_function  # noqa: E402

torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)
print(f"torch {torch.__version__} threads={torch.get_num_threads()}")

model = VAE()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
batches = [torch.rand(128, 784) for _ in range(8)]
index = 0


def median_ms(body, before=None):
    """Median wall time of body() in ms over args.steps runs, after args.warmup untimed runs.
    before() runs untimed: it is PyTorch bookkeeping that latent-bench's loop does not have."""
    for _ in range(args.warmup):
        if before:
            before()
        body()
    times = []
    for _ in range(args.steps):
        if before:
            before()
        t0 = time.perf_counter_ns()
        body()
        times.append(time.perf_counter_ns() - t0)
    return sorted(times)[len(times) // 2] / 1e6


def forward_backward():
    global index
    x = batches[index % len(batches)]
    recon, mu, logvar = model(x)
    loss_function(recon, x, mu, logvar).backward()
    index += 1


def full_step():
    global index
    x = batches[index % len(batches)]
    opt.zero_grad()
    recon, mu, logvar = model(x)
    loss_function(recon, x, mu, logvar).backward()
    opt.step()
    index += 1


meter = LoadMeter().start()
# Latent's backward returns fresh gradients; dropping .grad first keeps PyTorch from accumulating
# into the previous step's, which Latent does not do either.
fb = median_ms(forward_backward, before=lambda: opt.zero_grad(set_to_none=True))
step = median_ms(full_step)
# Gradients of one batch, then Adam alone on them (its state keeps advancing, as in Latent).
opt.zero_grad()
recon, mu, logvar = model(batches[0])
loss_function(recon, batches[0], mu, logvar).backward()
adam = median_ms(opt.step)
other, _ = meter.stop()

nparams = sum(q.numel() for q in model.parameters())
print(f"forward+backward   {fb:.3f} ms (median of {args.steps})")
print(f"Adam update alone  {adam:.3f} ms (median of {args.steps}, {nparams} parameters)")
print(f"full step (+Adam)  {step:.3f} ms (median of {args.steps})")
print(f"other_load {other:.2f} cores")
