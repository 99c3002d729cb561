"""Reference colour PixelRNN (van den Oord et al. 2016, sections 3.1, 3.2, 3.4) in PyTorch on CIFAR-10
binary files: a 256-way softmax per sub-pixel, p(x) = prod over pixels in raster order of
p(R | x_<i) p(G | x_<i, R) p(B | x_<i, R, G). It mirrors Latent's colour PixelRNN in architecture,
shapes and parameters, so that a training step of each can be timed in the same run: Sources/
GenerativeModels/PixelRNN/{PixelRNN, PixelRNNResidualLayer, SpatialLSTMLayers, PixelRNNConfiguration}
.swift, masks as Sources/TensorCore/Kernels/Convolution/{ChannelGroupMask, KernelMask}.swift and
Sources/NN/MaskedConv2d.swift. It is pixelrnn_torch.py (grey) with pixelcnn_color_torch.py's groups:
  7x7 mask-A conv 3 -> 2U                       (U = --hidden = 48: a residual stream of 96)
  L residual layers  x = x + Up(LSTM(x))        (L = --layers = 7; Up: 1x1 mask-B conv U -> 2U)
    --model row:      Row LSTM: 1x3 mask-B input-to-state conv 2U -> 4U, Conv1d(U, 4U, 3) state-to-state.
    --model diagonal: Diagonal BiLSTM: per direction 1x1 mask-B conv 2U -> 4U, Conv1d(U, 4U, 2)
                      over the skewed map; the right-to-left direction shifted down one row and added.
  ReLU, 1x1 mask-B conv 2U -> 2U, ReLU, 1x1 mask-B conv 2U -> 3*256
Channel k of C is in group k*3 // C (R, G, B). At the centre tap mask A lets output group g read input
groups < g, mask B groups <= g; other taps read every group. The LSTMs' 4U gates are four blocks
o, f, i, g of U channels, each grouped as U channels are, so every gate of state channel j is in j's
group. State-to-state maps are unmasked. Logits [N, 3*256, H, W], channel c*256 + k for value k of
colour c. Input: bytes / 255, in [0, 1] (not centred), as Latent's. Loss: cross-entropy summed over
the 3072 sub-pixels = NLL in nats/image, bits/dim = nats / (3072 ln 2); the step takes the batch mean.
Adam(lr=1e-3), batch 16, PyTorch's default inits. Parameters (masked weights counted, as Latent
counts them): Row LSTM 712,896, Diagonal BiLSTM 649,728.

  python pixelrnn_colour_torch.py --model row --train data_batch_1.bin --test data_batch_2.bin
      --epochs 1 --threads 2 --seed 1 [--max-batches N --test-max-batches N --log-every N --sample N]
  python pixelrnn_colour_torch.py --check-causality
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


# benchutil.py from $REFERENCE_DIR, else shared/reference beside the checkout, else /work/shared/reference.
for _dir in [os.environ.get("REFERENCE_DIR"), os.path.join(os.path.dirname(os.path.abspath(__file__)),
             "../../../shared/reference"), "/work/shared/reference"]:
    if _dir and os.path.isfile(os.path.join(_dir, "benchutil.py")):
        sys.path.insert(0, os.path.abspath(_dir))
        break
from benchutil import LoadMeter, peak_rss_mib  # noqa: E402

LEVELS, COLOURS = 256, 3


def load_cifar(paths):
    """uint8 levels [N, 3, 32, 32] (R, G, B) from CIFAR-10 binary records (label byte, 3072 bytes)."""
    records = np.concatenate([np.fromfile(p, dtype=np.uint8).reshape(-1, 3073) for p in paths])
    return torch.from_numpy(np.ascontiguousarray(records[:, 1:]).reshape(-1, 3, 32, 32))


def group_of(channel, count):
    return channel * COLOURS // count


class MaskedConv2d(nn.Conv2d):
    """KernelMask.causal(type, channelGroups: 3, outputBlocks: blocks): rows above the centre, the
    centre row left of it, and the centre tap for the channel-group pairs mask A (<) or B (<=) allows.
    blocks = 4 for an LSTM's input-to-state map: output o is grouped by o % U among U (its state channel)."""

    def __init__(self, mask_type, cin, cout, k, blocks=1):
        kh, kw = (k, k) if isinstance(k, int) else k
        super().__init__(cin, cout, (kh, kw), padding=(kh // 2, kw // 2))
        ch, cw, block = kh // 2, kw // 2, cout // blocks
        mask = torch.zeros_like(self.weight)
        mask[:, :, :ch] = 1
        mask[:, :, ch, :cw] = 1
        go = torch.tensor([group_of(o % block, block) for o in range(cout)])[:, None]
        gi = torch.tensor([group_of(i, cin) for i in range(cin)])[None, :]
        mask[:, :, ch, cw] = (gi <= go if mask_type == "B" else gi < go).float()
        self.register_buffer("mask", mask)
        with torch.no_grad():
            self.weight.mul_(mask)  # Latent stores dead taps as zeros; they get zero gradients

    def forward(self, x):
        return F.conv2d(x, self.weight * self.mask, self.bias, padding=self.padding)


def lstm_cell(gates, c):
    """gates [n, 4U, ...] in the order o, f, i, g (Latent's SpatialLSTMCell) -> (h, c)."""
    u = gates.shape[1] // 4
    o, f, i = torch.sigmoid(gates[:, : 3 * u]).chunk(3, 1)
    c = f * c + i * torch.tanh(gates[:, 3 * u :])
    return o * torch.tanh(c), c


class RowLSTM(nn.Module):
    def __init__(self, cin, u, k=3):
        super().__init__()
        self.u = u
        self.i2s = MaskedConv2d("B", cin, 4 * u, (1, k), blocks=4)
        self.s2s = nn.Conv1d(u, 4 * u, k, padding=k // 2, bias=False)

    def forward(self, x):  # [n, cin, H, W] -> [n, U, H, W]
        n, _, H, W = x.shape
        hrow = c = x.new_zeros(n, self.u, W)
        out = []
        for gx_row in self.i2s(x).unbind(2):  # gates of all rows at once, then row by row
            hrow, c = lstm_cell(gx_row + self.s2s(hrow), c)
            out.append(hrow)
        return torch.stack(out, 2)


def skew(x):
    """[n, c, H, W] -> [n, c, H, W+H-1], row i shifted right by i (zeros elsewhere)."""
    H = x.shape[2]
    return torch.stack([F.pad(row, (i, H - 1 - i)) for i, row in enumerate(x.unbind(2))], 2)


def unskew(s, W):
    return torch.stack([row[:, :, i : i + W] for i, row in enumerate(s.unbind(2))], 2)


class DiagonalLSTM(nn.Module):
    """One direction, columns of the skewed map left to right. Pixel (i, j) gets W[:, :, 0] h(i-1, j)
    + W[:, :, 1] h(i, j-1) and c from (i, j-1), as Latent's diagonalLSTMRecurrence; zero gate
    inputs in the skew padding keep a zero state there, as Latent's sweep does."""

    def __init__(self, cin, u):
        super().__init__()
        self.u = u
        self.i2s = MaskedConv2d("B", cin, 4 * u, 1, blocks=4)
        self.s2s = nn.Conv1d(u, 4 * u, 2, bias=False)

    def forward(self, x):  # [n, cin, H, W] -> [n, U, H, W]
        n, _, H, W = x.shape
        hcol = c = x.new_zeros(n, self.u, H)
        out = []
        for gx_col in skew(self.i2s(x)).unbind(3):  # W+H-1 columns of [n, 4U, H]
            hcol, c = lstm_cell(gx_col + self.s2s(F.pad(hcol, (1, 0))), c)
            out.append(hcol)
        return unskew(torch.stack(out, 3), W)


class DiagonalBiLSTM(nn.Module):
    def __init__(self, cin, u):
        super().__init__()
        self.l2r, self.r2l = DiagonalLSTM(cin, u), DiagonalLSTM(cin, u)

    def forward(self, x):
        right = self.r2l(x.flip(3)).flip(3)  # at (i, j) sees (<=i, >=j): the rest of row i too
        right = F.pad(right, (0, 0, 1, 0))[:, :, :-1]  # shiftedDown(rows: 1): rows < i only
        return self.l2r(x) + right


class Residual(nn.Module):
    def __init__(self, rnn, u):
        super().__init__()
        self.rnn, self.up = rnn, MaskedConv2d("B", u, 2 * u, 1)

    def forward(self, x):
        return x + self.up(self.rnn(x))


class ColourPixelRNN(nn.Module):
    def __init__(self, kind="row", layers=7, u=48, input_kernel=7):
        super().__init__()
        assert u % COLOURS == 0, "--hidden must be a multiple of 3"
        rnn = RowLSTM if kind == "row" else DiagonalBiLSTM
        self.inp = MaskedConv2d("A", COLOURS, 2 * u, input_kernel)
        self.layers = nn.ModuleList(Residual(rnn(2 * u, u), u) for _ in range(layers))
        self.out1 = MaskedConv2d("B", 2 * u, 2 * u, 1)
        self.out2 = MaskedConv2d("B", 2 * u, COLOURS * LEVELS, 1)  # channel c*256 + k: group c

    def forward(self, x):  # x: [n, 3, H, W] values in [0, 1] -> logits [n, 3*256, H, W]
        x = self.inp(x)
        for layer in self.layers:
            x = layer(x)
        return self.out2(F.relu(self.out1(F.relu(x))))


def values(levels):  # the network reads bytes / 255, in [0, 1]
    return levels.float() / (LEVELS - 1)


def nll_sum(logits, levels):
    n, _, H, W = logits.shape
    return F.cross_entropy(logits.view(n, COLOURS, LEVELS, H, W).transpose(1, 2), levels.long(), reduction="sum")


def bits_per_dim(nats_per_image, dims=3 * 32 * 32):
    return nats_per_image / (dims * math.log(2))


@torch.no_grad()
def sample(model, n, size):
    x = torch.zeros(n, COLOURS, size, size)
    for i in range(size):
        for j in range(size):
            for c in range(COLOURS):
                probs = F.softmax(model(x)[:, c * LEVELS : (c + 1) * LEVELS, i, j], dim=1)
                x[:, c, i, j] = torch.multinomial(probs, 1).squeeze(1).float() / (LEVELS - 1)
    return x


def check_causality(args, size=8, layers=2, u=24):
    """Small random float64 model, 8x8 image: the gradient of the logits of (pixel p, colour c) must be 0
    at every later pixel and at colours >= c of p. Also checked: they see the colours before c at p and
    earlier pixels (Row LSTM: a triangle; Diagonal BiLSTM: all but (r-1, W-1), as pixelrnn_torch.py
    explains). U = 24, as with fewer units some paths of a random model die in a ReLU."""
    positions = [(0, 0), (0, size - 1), (1, 0), (3, size - 1), (4, 0), (4, 4), (size - 1, 0), (size - 1, size - 1)]
    all_ok = True
    for kind in ("row", "diagonal"):
        torch.manual_seed(args.seed)
        model = ColourPixelRNN(kind, layers, u).double()
        x = torch.rand(1, COLOURS, size, size, dtype=torch.float64, requires_grad=True)
        logits, probe = model(x), torch.randn(LEVELS, dtype=torch.float64)  # probe: a random mix of 256 logits
        for (r, col), c in ((pos, c) for pos in positions for c in range(COLOURS)):
            k = r * size + col
            (g,) = torch.autograd.grad(logits[0, c * LEVELS : (c + 1) * LEVELS, r, col] @ probe, x, retain_graph=True)
            g = g[0].abs().flatten(1)  # [colour, pixel]
            leak = max(g[:, k + 1 :].max().item() if k + 1 < size * size else 0.0, g[c:, k].max().item())
            own_seen = bool((g[:c, k] > 0).all())
            unseen = [(q // size, q % size) for q in range(k) if (g[:, q] == 0).any()]
            sees_past = set(unseen) <= {(r - 1, size - 1)} if kind == "diagonal" else (k == 0 or len(unseen) < k)
            ok = leak == 0 and own_seen and sees_past
            all_ok &= ok
            print(f"causality {kind:8s} ({r},{col}) {'RGB'[c]}  max|grad| at later sub-pixels {leak:.1e}  earlier "
                  f"colours seen {own_seen}  earlier pixels seen {k - len(unseen):2d}/{k:2d}"
                  f"{'  unseen ' + str(unseen) if kind == 'diagonal' and unseen else ''}  {'OK' if ok else 'FAIL'}")
    print("causality check", "passed" if all_ok else "FAILED")
    return all_ok


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", choices=["row", "diagonal"], default="row")
    p.add_argument("--train", nargs="+", help="CIFAR-10 training batch files")
    p.add_argument("--test", help="CIFAR-10 evaluation batch file")
    p.add_argument("--layers", type=int, default=7)
    p.add_argument("--hidden", type=int, default=48, help="U: LSTM state channels (multiple of 3); residual stream 2U")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--test-batch-size", type=int, default=100)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--max-batches", type=int, default=0, help="stop each epoch after this many batches (0: whole epoch)")
    p.add_argument("--test-max-batches", type=int, default=0, help="evaluate on this many test batches (0: all)")
    p.add_argument("--log-every", type=int, default=100, help="print a line every this many batches")
    p.add_argument("--sample", type=int, default=0, help="time drawing this many images (0: skip)")
    p.add_argument("--sample-size", type=int, default=32, help="side of the sampled images (latent-bench uses 16)")
    p.add_argument("--check-causality", action="store_true", help="check both models' masks and exit")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    print(f"torch {torch.__version__} threads={torch.get_num_threads()} seed={args.seed} "
          f"model={args.model} layers={args.layers} hidden={args.hidden} batch={args.batch_size}")
    if args.check_causality:
        sys.exit(0 if check_causality(args) else 1)
    if not args.train or not args.test:
        p.error("--train and --test are required (unless --check-causality)")

    xtr, xte = load_cifar(args.train), load_cifar([args.test])
    ntr, nte, bs, tbs = xtr.shape[0], xte.shape[0], args.batch_size, args.test_batch_size
    nbatches = (ntr + bs - 1) // bs

    model = ColourPixelRNN(args.model, args.layers, args.hidden)
    print(f"train images {ntr}, test images {nte}, parameters: {sum(p.numel() for p in model.parameters())}")
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)

    for epoch in range(1, args.epochs + 1):
        model.train()
        perm = torch.randperm(ntr)
        total, seen, done, t0 = 0.0, 0, 0, time.perf_counter()
        t_block, block_total, block_seen = t0, 0.0, 0
        meter, block_meter = LoadMeter().start(), LoadMeter().start()
        for b in range(nbatches):
            if args.max_batches and b >= args.max_batches:
                break
            x = xtr[perm[b * bs : (b + 1) * bs]]
            opt.zero_grad()
            loss = nll_sum(model(values(x)), x)
            (loss / x.shape[0]).backward()
            opt.step()
            total, seen, done = total + loss.item(), seen + x.shape[0], done + 1
            block_total, block_seen = block_total + loss.item(), block_seen + x.shape[0]
            if (b + 1) % args.log_every == 0:
                now = time.perf_counter()
                other, steal = block_meter.stop()
                print(f"  batches {b + 1:5d}/{nbatches}  last {args.log_every} batches {now - t_block:7.2f} s "
                      f"({(now - t_block) / args.log_every * 1000:.1f} ms/batch)  train_nll {total / seen:9.2f}  "
                      f"last {block_total / block_seen:9.2f}  other_load {other:.2f} steal {steal:.2f}", flush=True)
                t_block, block_meter, block_total, block_seen = now, LoadMeter().start(), 0.0, 0
        t_train = time.perf_counter() - t0
        other, steal = meter.stop()
        print(f"epoch {epoch}  batches run {done}/{nbatches}  train_time {t_train:8.2f} s  "
              f"({t_train / done * 1000:.1f} ms per batch, whole epoch extrapolated {t_train / done * nbatches:.1f} s)  "
              f"train_nll {total / seen:.2f} nats/image ({bits_per_dim(total / seen):.4f} bits/dim)  "
              f"other_load {other:.2f} steal {steal:.2f}  peak RSS {peak_rss_mib():.1f} MiB", flush=True)

        model.eval()
        meter, t1, tot, n = LoadMeter().start(), time.perf_counter(), 0.0, 0
        with torch.no_grad():
            for b, i in enumerate(range(0, nte, tbs)):
                if args.test_max_batches and b >= args.test_max_batches:
                    break
                x = xte[i : i + tbs]
                tot, n = tot + nll_sum(model(values(x)), x).item(), n + x.shape[0]
        other, steal = meter.stop()
        print(f"epoch {epoch}  test_nll {tot / n:.2f} nats/image ({bits_per_dim(tot / n):.4f} bits/dim) "
              f"on {n} test images  test_time {time.perf_counter() - t1:.2f} s  "
              f"other_load {other:.2f} steal {steal:.2f}", flush=True)

    if args.sample:
        s = args.sample_size
        meter, t2 = LoadMeter().start(), time.perf_counter()
        images = sample(model, args.sample, s)
        other, steal = meter.stop()
        print(f"sampling {args.sample} images of 3x{s}x{s} ({3 * s * s} sequential forward passes): "
              f"{time.perf_counter() - t2:.2f} s, mean level {images.mean().item() * (LEVELS - 1):.1f}  "
              f"other_load {other:.2f} steal {steal:.2f}")
    print(f"peak RSS: {peak_rss_mib():.1f} MiB")


if __name__ == "__main__":
    main()
