"""Times the reference conv VAE's four convolutions in PyTorch, as `latent-bench conv` times Latent's.

Same layers as vae_conv_torch.py (4x4 kernels, stride 2, padding 1) at batch 128, same protocol as
Benchmarks/LatentBench/ConvBenchmark.swift: normal inputs and weights, 2 warm-up runs, then the
median over --repeats of the forward alone (under no_grad) and of forward + backward with a fixed
upstream gradient. The first layer's input is data and gets no gradient; the others' inputs do.
GFLOP/s count the GEMM work only (2*N*O*P*K per product), as the Swift benchmark does.

  /tmp/venv-ref/bin/python Benchmarks/reference/conv_layers_torch.py --threads 2 [--colour]

--colour times the colour conv VAE's layers instead (vae_conv_colour_torch.py: 3x32x32 images,
45 output channels), as `latent-bench conv-colour` does.
"""
import argparse
import time

import torch
import torch.nn.functional as F

p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
p.add_argument("--threads", type=int, default=2)
p.add_argument("--repeats", type=int, default=50)
p.add_argument("--colour", action="store_true", help="the colour conv VAE's layers")
args = p.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(3)

# name, input shape, weight shape, transposed, input needs a gradient
LAYERS = [
    ("enc1 conv 1->32", (128, 1, 28, 28), (32, 1, 4, 4), False, False),
    ("enc2 conv 32->64", (128, 32, 14, 14), (64, 32, 4, 4), False, True),
    ("dec1 convT 64->32", (128, 64, 7, 7), (64, 32, 4, 4), True, True),
    ("dec2 convT 32->1", (128, 32, 14, 14), (32, 1, 4, 4), True, True),
]
COLOUR_LAYERS = [
    ("enc1 conv 3->32", (128, 3, 32, 32), (32, 3, 4, 4), False, False),
    ("enc2 conv 32->64", (128, 32, 16, 16), (64, 32, 4, 4), False, True),
    ("dec1 convT 64->32", (128, 64, 8, 8), (64, 32, 4, 4), True, True),
    ("dec2 convT 32->45", (128, 32, 16, 16), (32, 45, 4, 4), True, True),
]
if args.colour:
    LAYERS = COLOUR_LAYERS


def median_seconds(body, repeats, warmup=2):
    for _ in range(warmup):
        body()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


print(f"torch {torch.__version__} threads={args.threads}")
print(f"{'layer':>18} {'output':>18} {'fwd ms':>9} {'GFLOP/s':>8} {'fwd+bwd ms':>11} {'GFLOP/s':>8}")
total_forward = total_both = total_forward_flops = total_both_flops = 0.0
for name, input_shape, weight_shape, transposed, input_grad in LAYERS:
    x = torch.randn(input_shape, requires_grad=input_grad)
    w = (0.1 * torch.randn(weight_shape)).requires_grad_()
    b = torch.zeros(weight_shape[1] if transposed else weight_shape[0], requires_grad=True)

    def apply():
        if transposed:
            return F.conv_transpose2d(x, w, b, stride=2, padding=1)
        return F.conv2d(x, w, b, stride=2, padding=1)

    with torch.no_grad():
        output = apply()
    upstream = torch.randn(output.shape)
    conv_input, conv_output = (output.shape, input_shape) if transposed else (input_shape, output.shape)
    patch = conv_input[1] * weight_shape[2] * weight_shape[3]
    forward_flops = 2.0 * torch.Size(conv_output).numel() * patch
    both_flops = forward_flops * (3 if input_grad else 2)

    def forward_only():
        with torch.no_grad():
            apply()

    def forward_backward():
        x.grad = w.grad = b.grad = None
        apply().backward(upstream)

    forward = median_seconds(forward_only, args.repeats)
    both = median_seconds(forward_backward, args.repeats)
    total_forward += forward
    total_both += both
    total_forward_flops += forward_flops
    total_both_flops += both_flops
    print(f"{name:>18} {str(list(output.shape)):>18} {forward * 1e3:9.3f} {forward_flops / forward / 1e9:8.1f}"
          f" {both * 1e3:11.3f} {both_flops / both / 1e9:8.1f}")
print(f"{'all four':>18} {'':>18} {total_forward * 1e3:9.3f} {total_forward_flops / total_forward / 1e9:8.1f}"
      f" {total_both * 1e3:11.3f} {total_both_flops / total_both / 1e9:8.1f}")
