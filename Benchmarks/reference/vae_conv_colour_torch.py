"""Reference colour convolutional VAE in PyTorch on CIFAR-10 binary files, with PixelCNN++'s
discretized mixture of logistics as p(x|z): the same model and training as Latent's colour
convolutional VAE, so that an epoch of each can be timed in the same run.

  python vae_conv_colour_torch.py --train data_batch_1.bin [...] --test data_batch_2.bin \
      --epochs 1 --threads 2 --seed 1

  encoder: 3x32x32 (levels / 255, in [0, 1]) -conv4x4 s2-> 32x16x16 (ReLU) -conv4x4 s2-> 64x8x8
           (ReLU) -> flatten 4096 -> Linear mu (32), Linear logvar (32)
  decoder: 32 -> Linear 4096 (ReLU) -> 64x8x8 -convT4x4 s2-> 32x16x16 (ReLU)
           -convT4x4 s2-> 45x32x32, flattened to [N, 45*1024] (no activation)
  p(x|z):  K = 5 discretized logistics per sub-pixel, sub-pixels independent given z. The decoder
           row is three blocks of K*D (D = 3072): mixture logits, means, log-scales (floored at -7);
           component k of value d is at k*D + d. Level p sits at x = 2p/255 - 1 with bin
           [x - 1/255, x + 1/255]; the bins of p = 0 and p = 255 reach to -inf and +inf.
Loss: batch mean of -log p(x|z) + analytic KL(q(z|x) || N(0, I)) (negative ELBO, nats/image);
bits/dim = nats / (3072 ln 2). Adam(lr=1e-3), batch 128, batches in a random order drawn from a
torch generator seeded by --seed. PyTorch's default initialisations.

Data: CIFAR-10 binary records (1 label byte, 1024 R, 1024 G, 1024 B bytes), held as one uint8
tensor; batches are cut from a permutation (no DataLoader).

Prints the torch version and threads, the parameter count, every --log-every batches the running
training loss, then per epoch the training time (training loop only) and ms per batch, the running
mean training -ELBO, its KL and bits/dim, other processes' CPU load (benchutil.py); after training
the test -ELBO (one z sample per image, batches of 500) and its time; and peak RSS.
"""
import argparse
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def reference_dir():
    """$REFERENCE_DIR, else shared/reference beside the checkout, else /work/shared/reference."""
    here = os.path.dirname(os.path.abspath(__file__))
    for path in [os.environ.get("REFERENCE_DIR"), os.path.join(here, "../../../shared/reference"),
                 "/work/shared/reference"]:
        if path and os.path.isfile(os.path.join(path, "benchutil.py")):
            return os.path.abspath(path)
    sys.exit("vae_conv_colour_torch.py: benchutil.py not found; set REFERENCE_DIR")


sys.path.insert(0, reference_dir())
from benchutil import LoadMeter, peak_rss_mib  # noqa: E402

LATENT, K, D = 32, 5, 3 * 32 * 32
HALF_BIN = 1.0 / 255


def load_cifar(paths):
    """uint8 levels [N, 3, 32, 32] (channels R, G, B) from CIFAR-10 binary batch files."""
    records = np.concatenate([np.fromfile(p, dtype=np.uint8).reshape(-1, 3073) for p in paths])
    return torch.from_numpy(np.ascontiguousarray(records[:, 1:]).reshape(-1, 3, 32, 32))


class ColourConvVAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc1 = nn.Conv2d(3, 32, 4, stride=2, padding=1)  # 32 -> 16
        self.enc2 = nn.Conv2d(32, 64, 4, stride=2, padding=1)  # 16 -> 8
        self.fc_mu = nn.Linear(64 * 8 * 8, LATENT)
        self.fc_logvar = nn.Linear(64 * 8 * 8, LATENT)
        self.fc_dec = nn.Linear(LATENT, 64 * 8 * 8)
        self.dec1 = nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1)  # 8 -> 16
        self.dec2 = nn.ConvTranspose2d(32, 3 * K * 3, 4, stride=2, padding=1)  # 16 -> 32

    def encode(self, v):  # v: [n, 3, 32, 32] in [0, 1]
        h = F.relu(self.enc2(F.relu(self.enc1(v)))).flatten(1)
        return self.fc_mu(h), self.fc_logvar(h)

    def decode(self, z):  # -> mixture parameters [n, 3*K*D]
        h = F.relu(self.fc_dec(z)).view(-1, 64, 8, 8)
        return self.dec2(F.relu(self.dec1(h))).flatten(1)

    def forward(self, v):
        mu, logvar = self.encode(v)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        return self.decode(z), mu, logvar


def mixture_log_prob(params, levels):
    """log P(levels) [n, D] under the discretized logistic mixture; params [n, 3*K*D], levels [n, D]."""
    n = params.shape[0]
    logits, means, log_scales = params.view(n, 3, K, D).unbind(1)  # each [n, K, D]
    log_scales = log_scales.clamp(min=-7)
    p = levels.unsqueeze(1)  # [n, 1, D], broadcast over the K components
    x = 2 * p.to(params.dtype) / 255 - 1
    inv_s = torch.exp(-log_scales)
    centred = x - means
    b, a = inv_s * (centred + HALF_BIN), inv_s * (centred - HALF_BIN)
    log_sig_b, log_sig_neg_a = F.logsigmoid(b), F.logsigmoid(-a)
    # Interior bins: sigma(b) - sigma(a) = sigma(b) sigma(-a) (1 - e^(a-b)), every factor's log
    # exact in the tails. The width b - a is clamped so the unused branch stays finite (no NaN
    # gradients through torch.where); PixelCNN++'s fallback (density at the centre times 2/255)
    # takes over when the width underflows, i.e. for scales beyond ~1e28.
    width = b - a
    ok = width > 1e-30
    interior = log_sig_b + log_sig_neg_a + torch.log(-torch.expm1(-width.clamp(min=1e-30)))
    m = inv_s * centred
    centre = m - log_scales + 2 * F.logsigmoid(-m) + math.log(2 * HALF_BIN)
    interior = torch.where(ok, interior, centre)
    log_p = torch.where(p == 0, log_sig_b, torch.where(p == 255, log_sig_neg_a, interior))
    return torch.logsumexp(F.log_softmax(logits, dim=1) + log_p, dim=1)


def neg_elbo(model, levels):
    """(-ELBO summed over the batch, KL summed over the batch) for uint8 levels [n, 3, 32, 32]."""
    params, mu, logvar = model(levels.float() / 255)
    nll = -mixture_log_prob(params, levels.flatten(1).long()).sum()
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return nll + kl, kl


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--train", nargs="+", required=True, help="CIFAR-10 binary batch files")
    p.add_argument("--test", default=None, help="evaluation batch file (default: no test)")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--max-batches", type=int, default=0, help="stop each epoch after this many batches (0: all)")
    p.add_argument("--test-max-batches", type=int, default=0, help="evaluate on this many test batches (0: all)")
    p.add_argument("--log-every", type=int, default=0, help="print the running loss every N batches (0: never)")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)  # the order of the training batches
    print(f"torch {torch.__version__} threads={torch.get_num_threads()} seed={args.seed}")
    xtr = load_cifar(args.train)
    xte = load_cifar([args.test]) if args.test else None
    ntr, bs = xtr.shape[0], args.batch_size
    nbatches = (ntr + bs - 1) // bs
    per_bit = D * math.log(2)

    model = ColourConvVAE()
    print(f"train images {ntr}, test images {0 if xte is None else xte.shape[0]}, "
          f"parameters: {sum(q.numel() for q in model.parameters())}")
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    for epoch in range(1, args.epochs + 1):
        model.train()
        perm = torch.randperm(ntr, generator=gen)
        total, total_kl, seen, done = 0.0, 0.0, 0, 0
        meter, t0 = LoadMeter().start(), time.perf_counter()
        for b in range(nbatches):
            if args.max_batches and b >= args.max_batches:
                break
            x = xtr[perm[b * bs : (b + 1) * bs]]
            opt.zero_grad()
            loss, kl = neg_elbo(model, x)
            (loss / x.shape[0]).backward()  # batch mean
            opt.step()
            total, total_kl = total + loss.item(), total_kl + kl.item()
            seen, done = seen + x.shape[0], done + 1
            if args.log_every and done % args.log_every == 0:
                print(f"  batches {done:5d}/{nbatches}  {time.perf_counter() - t0:7.2f} s  "
                      f"train_loss {total / seen:9.2f}  kl {total_kl / seen:7.2f}  "
                      f"({total / seen / per_bit:.4f} bits/dim)", flush=True)
        t_train = time.perf_counter() - t0
        other, steal = meter.stop()
        print(f"epoch {epoch}  batches run {done}/{nbatches}  train_time {t_train:8.3f} s  "
              f"({t_train / done * 1000:.1f} ms/batch)  train_loss {total / seen:.2f} nats/image  "
              f"kl {total_kl / seen:.2f}  ({total / seen / per_bit:.4f} bits/dim)  "
              f"other_load {other:.2f} steal {steal:.2f}", flush=True)

    if xte is not None:
        model.eval()
        meter, t1, tot, n = LoadMeter().start(), time.perf_counter(), 0.0, 0
        with torch.no_grad():
            for b, i in enumerate(range(0, xte.shape[0], 500)):
                if args.test_max_batches and b >= args.test_max_batches:
                    break
                x = xte[i : i + 500]
                tot, n = tot + neg_elbo(model, x)[0].item(), n + x.shape[0]
        print(f"test_loss {tot / n:.2f} nats/image  test_bits_per_dim {tot / n / per_bit:.4f} "
              f"on {n} test images  test_time {time.perf_counter() - t1:.2f} s  "
              f"other_load {meter.stop()[0]:.2f}", flush=True)
    print(f"peak RSS: {peak_rss_mib():.1f} MiB")


if __name__ == "__main__":
    main()
