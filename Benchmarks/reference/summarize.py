"""Turns the logs of one Benchmarks/compare.sh run into a Markdown table (stdlib only).

Reads from LOGDIR: latent-N.txt and torch-N.txt (one `latent-bench step` / vae_step_torch.py
output per round N, each ending in metered.py's [load] line), and optionally epochs.txt
(vae_mlp_torch.py), wait.txt (wait_idle.py) and commands.txt (the commands, one a line). Each
figure is the median of the rounds' medians, since a single run on a shared 2-core machine can be
off by tens of percent.
"""
import argparse
import glob
import os
import re
import statistics
import sys

# The rows of the table: label, and the line prefix both programs print for it.
ROWS = [
    ("forward+backward", "forward+backward"),
    ("Adam update alone", "Adam update alone"),
    ("full step (zero_grad, forward, backward, Adam)", "full step (+Adam)"),
]
STEPS_PER_EPOCH = 469  # 60,000 / 128, rounded up, as latent-bench prints
LOAD_LIMIT = 0.2  # cores of other processes' load above which a run is flagged; idle shows 0.00-0.05


def read(path):
    with open(path) as f:
        return f.read()


def find(pattern, text, path):
    """The first group of pattern in text; stops with a clear message if the output format changed."""
    m = re.search(pattern, text, re.MULTILINE)
    if not m:
        sys.exit(f"summarize.py: no match for {pattern!r} in {path}")
    return m.group(1)


def figures(kind, logdir):
    """{prefix: [ms per round]} and the texts, for kind 'latent' or 'torch'."""
    paths = sorted(glob.glob(os.path.join(logdir, f"{kind}-*.txt")))
    if not paths:
        sys.exit(f"summarize.py: no {kind}-*.txt in {logdir}")
    texts = [read(p) for p in paths]
    values = {
        prefix: [float(find(rf"^{re.escape(prefix)}\s+([\d.]+) ms", t, p)) for t, p in zip(texts, paths)]
        for _, prefix in ROWS
    }
    return values, texts, paths


def cell(values):
    """Median, with the range over rounds so the noise is visible."""
    med = statistics.median(values)
    return f"{med:.3f} ({min(values):.2f}–{max(values):.2f})" if len(values) > 1 else f"{med:.3f}"


p = argparse.ArgumentParser()
p.add_argument("logdir")
p.add_argument("--cpu", default="unknown")
p.add_argument("--nproc", default="unknown")
p.add_argument("--date", default="unknown")
p.add_argument("--threads", default="2")
a = p.parse_args()

latent, latent_texts, latent_paths = figures("latent", a.logdir)
pytorch, torch_texts, torch_paths = figures("torch", a.logdir)
openblas = find(r"OpenBLAS kernels (\S+)", latent_texts[0], latent_paths[0])
torch_version = find(r"^torch (\S+)", torch_texts[0], torch_paths[0])
# Other processes' CPU load during each run, from metered.py; a run that shared the 2 cores is not
# comparable (PyTorch's OpenMP threads in particular slow down several-fold).
load_pattern = r"^\[load\] other processes ([\d.]+) cores"
latent_load = [float(find(load_pattern, t, path)) for t, path in zip(latent_texts, latent_paths)]
torch_load = [float(find(load_pattern, t, path)) for t, path in zip(torch_texts, torch_paths)]
rounds = len(latent_texts)

print(f"### MLP VAE training step, Latent vs PyTorch ({a.threads} threads, batch 128)\n")
over = f"the median over {rounds} interleaved rounds of" if rounds > 1 else "one round of"
print(f"Milliseconds, {over} each program's median of its timed steps"
      f"{' (range over rounds in brackets)' if rounds > 1 else ''}. "
      "Ratio = Latent time / PyTorch time: below 1 means Latent is faster.\n")
worst = max(latent_load + torch_load)
if worst > LOAD_LIMIT:
    print(f"**Warning: other processes used up to {worst:.2f} cores during these runs (see Machine below); "
          "the figures and ratios are not trustworthy. Rerun when the machine is quiet.**\n")
print("| measurement | Latent (ms) | PyTorch (ms) | Latent / PyTorch |")
print("|---|---:|---:|---:|")
for label, prefix in ROWS:
    lt, pt = statistics.median(latent[prefix]), statistics.median(pytorch[prefix])
    print(f"| {label} | {cell(latent[prefix])} | {cell(pytorch[prefix])} | {lt / pt:.2f} |")
step_l, step_p = (statistics.median(d["full step (+Adam)"]) for d in (latent, pytorch))
print(f"| {STEPS_PER_EPOCH} × full step (s per epoch of steps) | {step_l * STEPS_PER_EPOCH / 1e3:.2f} s "
      f"| {step_p * STEPS_PER_EPOCH / 1e3:.2f} s | {step_l / step_p:.2f} |")

epochs_path = os.path.join(a.logdir, "epochs.txt")
latent_epochs_path = os.path.join(a.logdir, "epochs-latent.txt")
if os.path.exists(epochs_path) and os.path.exists(latent_epochs_path):
    text, latent_text = read(epochs_path), read(latent_epochs_path)
    # Epoch 1 includes one-off warm-up in both programs; epoch 2 is the warm one, compared here.
    t1 = float(find(r"^epoch\s+1\s+train_time\s+([\d.]+) s", text, epochs_path))
    t2 = float(find(r"^epoch\s+2\s+train_time\s+([\d.]+) s", text, epochs_path))
    load2 = find(r"^epoch\s+2\s.*other_load ([\d.]+)", text, epochs_path)
    rss_p = float(find(r"^peak RSS: ([\d.]+) MiB", text, epochs_path))
    l1 = float(find(r"^epoch 1 train time ([\d.]+) s", latent_text, latent_epochs_path))
    l2 = float(find(r"^epoch 2 train time ([\d.]+) s", latent_text, latent_epochs_path))
    rss_l = float(find(r"^peak resident memory: ([\d.]+) MiB", latent_text, latent_epochs_path))
    print("\n### Training epochs on Fashion-MNIST (60,000 images, batch 128, 2 threads)\n")
    print("Training pass only (PyTorch's train_time; Latent's `latent-bench epoch`, the loop of `latent train vae`).\n")
    print("| measurement | Latent | PyTorch | Latent / PyTorch |")
    print("|---|---:|---:|---:|")
    print(f"| epoch 2 (warm) | {l2:.2f} s | {t2:.2f} s | {l2 / t2:.2f} |")
    print(f"| epoch 1 | {l1:.2f} s | {t1:.2f} s | {l1 / t1:.2f} |")
    print(f"| peak resident memory | {rss_l:.0f} MiB | {rss_p:.0f} MiB | {rss_l / rss_p:.2f} |")
    print(f"\n(PyTorch epoch 2 ran with other load {load2} cores.)")

print("\n**Machine**\n")
print(f"- CPU: {a.cpu}; nproc {a.nproc}; OpenBLAS kernels (latent-bench) {openblas}; torch {torch_version}")
reselected = re.search(r"^# (OpenBLAS picked .*)$", latent_texts[0], re.MULTILINE)
if reselected:  # latent-bench overrides OpenBLAS's kernel pick on some CPUs; PyTorch's own BLAS does not
    print(f"- latent-bench: {reselected.group(1)}")
print(f"- date: {a.date}")
print("- other processes' CPU load (cores) during each round's runs: Latent "
      f"{', '.join(f'{x:.2f}' for x in latent_load)}; PyTorch {', '.join(f'{x:.2f}' for x in torch_load)}")
wait_path = os.path.join(a.logdir, "wait.txt")
if os.path.exists(wait_path):
    waits = [line.removeprefix("[wait_idle] ") for line in read(wait_path).split("\n") if line]
    print(f"- waits for a quiet machine before each run: {'; '.join(waits)}")

commands_path = os.path.join(a.logdir, "commands.txt")
if os.path.exists(commands_path):
    print("\n**Commands**\n")
    print("```")
    print(read(commands_path).rstrip())
    print("```")
