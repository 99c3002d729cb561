"""Runs one of the PyTorch reference scripts with all its work under bf16 autocast.

Usage: autocast_bf16.py SCRIPT [ARGS...]
    e.g. autocast_bf16.py ../shared/reference/vae_mlp_torch.py --epochs 10 --threads 2 --seed 1

The reference beside which `latent train --precision bf16` is measured: PyTorch's own mixed
precision on the CPU, `torch.autocast("cpu", dtype=torch.bfloat16)`, which runs matmuls, linear
layers and convolutions (and their gradients) with bf16 operands and keeps weights, optimizer state
and the ops on its FP32 list in FP32. The script runs unchanged, as its own `__main__`, inside one
autocast region, so training, evaluation and sampling all run as autocast makes them; the models
and their figures are the script's own, and the one copy of each model stays in the reference
folder. Backward passes run inside the region too; they follow the dtypes autocast chose in the
forward pass either way.
"""
import os
import runpy
import sys

import torch

if len(sys.argv) < 2 or not sys.argv[1].endswith(".py"):
    sys.exit(__doc__.split("\n")[2].strip())
script = os.path.abspath(sys.argv[1])
sys.argv = sys.argv[1:]
# The reference scripts import their helpers (fmnist, benchutil) from their own folder.
sys.path.insert(0, os.path.dirname(script))
print(f"[autocast] torch {torch.__version__}, bf16 autocast on the CPU; "
      f"CPU capability {torch.backends.cpu.get_cpu_capability()}", flush=True)
with torch.autocast("cpu", dtype=torch.bfloat16):
    runpy.run_path(script, run_name="__main__")
