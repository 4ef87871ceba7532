#!/usr/bin/env python3
"""A μP learning-rate sweep of the example GPT in PyTorch + mup, one trial after another in one process.

The baseline of the sweep-throughput benchmark (docs/BENCHMARKS.md, "Sweep throughput"): the same
trials as

    java -jar examples/target/mup-examples.jar sweep --task gpt --text ../shared/data/tinyshakespeare.txt \\
        --param mup --widths 64,128 --steps 200 --optimizer adamw --beta2 0.95 --grid log2Lr=-12:-4:1

run the way practitioners run such sweeps: a Python loop over (width, learning rate), each trial
building, training and validating its model. Requires PyTorch (on Debian `apt-get install
python3-torch libopenblas0-pthread`, see gpt_step.py about the BLAS) and microsoft/mup
(`pip install mup`, or its source on PYTHONPATH). The product never depends on Python or PyTorch.

Each trial matches the Java sweep's trial (TaskTrialRunner on GptTask):

- model: the example GPT of gpt_step.py (token and position embeddings, pre-LayerNorm blocks with
  causal multi-head attention of head size 16 and a GELU feed-forward layer 4x wide, a final
  LayerNorm, biases everywhere), 2 layers, context 32, base width 64; attention logits scaled by
  μP's alpha/d_head with alpha = sqrt(base head size) = 4, as MuRule.attentionLogitScale; readout
  mup.MuReadout (input times 1/width multiplier, output multiplier 1, not zero-initialized);
- μP: PyTorch's default init, then mup.set_base_shapes(model, base=width 64, delta=width 128),
  which rescales the readout's and every Linear's bias as MuRule does in its default init mode
  (embeddings N(0, 1), Linear weights U with std 1/sqrt(3 fan_in), readout weight and biases
  constant in width, LayerNorm gain 1 and bias 0);
- optimizer: mup.MuAdamW (hidden matrices lr / width multiplier), lr = 2^log2Lr, betas (0.9, 0.95),
  eps 1e-8, weight decay 0 (the sweep's defaults), no warm-up, PyTorch's default AdamW kernel;
- data: Tiny Shakespeare split 90/10 and numbered as CharCorpus; training step s of seed 1 takes the
  windows CharCorpus.trainBatch takes (java.util.SplittableRandom seeded with
  seed * 1000003 + step, reimplemented below), validation batch i the windows of
  CharCorpus.validBatch (seed -1 - i); batch 8, sequence 32;
- results: training loss = mean of the last tenth of the steps' losses, validation loss = mean
  over 8 validation batches (in eval mode, without gradients); a non-finite loss stops the trial
  (diverged). The model's random init is torch.manual_seed(seed) and then the modules' own draws;
  the Java sweep seeds DJL's PyTorch engine (the same libtorch generator) with the same seed, and
  in practice both draw the same initial weights: with --steps 1 the training loss (the loss at
  init) and the validation loss agree with the Java sweep's to the 4 decimals printed. After 200
  steps the two differ only by float rounding (libtorch 2.7.1 with MKL against 1.13 with
  OpenBLAS): by 1e-7 to 1e-5 up to lr 2^-7, by up to 3% at the largest learning rates, where
  training is unstable and amplifies rounding (the comparison is in docs/BENCHMARKS.md).

Output: one line per trial, then the total wall time and trials per hour (18 trials x 3600 / s).
Threads: by default one intra-op (OpenMP) thread and PyTorch's default inter-op threads; OpenBLAS
keeps its own pool (OPENBLAS_NUM_THREADS, one per core by default). On the 2-core machine of
docs/BENCHMARKS.md ("Training step") one OpenMP thread plus OpenBLAS's two was PyTorch 1.13's
fastest setting, hence the default.

Usage: PYTHONPATH=/path/to/mup python3 examples/bench/sweep_loop.py [--text FILE] [--widths 64,128]
           [--log2-lrs=-12:-4:1] [--steps 200] [--seed 1] [--batch 8] [--sequence 32]
           [--layers 2] [--head-size 16] [--valid-batches 8] [--threads 1] [--interop-threads N]
           [--json OUT]
"""

import argparse
import json
import math
import os
import sys
import time

try:
    import torch
    from torch.nn import functional as F
except ImportError:
    sys.exit("sweep_loop.py needs PyTorch: on Debian `apt-get install python3-torch libopenblas0-pthread`,"
             " elsewhere `pip install torch`")
try:
    import mup
except ImportError:
    sys.exit("sweep_loop.py needs microsoft/mup: `pip install mup`, or put its source on PYTHONPATH"
             " (git clone https://github.com/microsoft/mup; PYTHONPATH=path/to/mup)")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpt_step import Gpt, blas_libraries, positive, split_corpus  # noqa: E402  (the example GPT, shared)

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_TEXT = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "data", "tinyshakespeare.txt"))
BASE_WIDTH = 64  # Gpt.BASE_WIDTH
MASK64 = (1 << 64) - 1


class SplittableRandom:
    """java.util.SplittableRandom(seed): nextInt(bound) gives the same numbers as Java 17's."""

    GOLDEN_GAMMA = 0x9E3779B97F4A7C15

    def __init__(self, seed):
        self.seed = seed & MASK64

    def _next_int(self):
        self.seed = (self.seed + self.GOLDEN_GAMMA) & MASK64
        z = self.seed
        z = ((z ^ (z >> 33)) * 0x62A9D9ED799705F5) & MASK64
        z = (((z ^ (z >> 28)) * 0xCB24D0A5C88C35B3) & MASK64) >> 32
        return z - (1 << 32) if z >= 1 << 31 else z  # Java's (int): a signed 32-bit value

    def next_int(self, bound):
        r = self._next_int()
        m = bound - 1
        if bound & m == 0:
            return r & m
        u = (r & 0xFFFFFFFF) >> 1  # r >>> 1
        while True:
            r = u % bound
            if -(1 << 31) <= u + m - r < 1 << 31:  # no int overflow: accept
                return r
            u = (self._next_int() & 0xFFFFFFFF) >> 1


def windows(ids, batch, length, stream):
    """Inputs and labels (batch, length) at the offsets CharCorpus.batch draws for this stream."""
    random = SplittableRandom(stream)
    starts = [random.next_int(len(ids) - length) for _ in range(batch)]
    x = torch.stack([ids[s: s + length] for s in starts])
    y = torch.stack([ids[s + 1: s + 1 + length] for s in starts])
    return x, y


def model(vocabulary, args, width):
    alpha = math.sqrt(args.head_size)  # sqrt(d_head at base width); the head size is fixed
    return Gpt(vocabulary, args.sequence, args.layers, width, args.head_size, readout=mup.MuReadout,
               logit_scale=alpha / args.head_size)


def trial(width, log2_lr, args, base_shapes, train, valid_batches, vocabulary):
    start = time.perf_counter()
    torch.manual_seed(args.seed)
    net = model(vocabulary, args, width)
    mup.set_base_shapes(net, base_shapes)
    opt = mup.MuAdamW(net.parameters(), lr=2.0 ** log2_lr, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.0)
    losses = []
    first = None
    for step in range(args.steps):
        x, y = windows(train, args.batch, args.sequence, args.seed * 1_000_003 + step)
        logits = net(x)
        loss = F.cross_entropy(logits.reshape(-1, vocabulary), y.reshape(-1))
        value = loss.item()
        if first is None:
            first = value
        if not math.isfinite(value):
            return {"width": width, "log2Lr": log2_lr, "first": first, "train": math.nan, "valid": math.nan,
                    "steps": step + 1, "seconds": time.perf_counter() - start}
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(value)
    net.eval()
    with torch.no_grad():
        valid = sum(F.cross_entropy(net(x).reshape(-1, vocabulary), y.reshape(-1)).item()
                    for x, y in valid_batches) / len(valid_batches)
    tail = losses[-max(1, len(losses) // 10):]
    return {"width": width, "log2Lr": log2_lr, "first": first, "train": sum(tail) / len(tail), "valid": valid,
            "steps": args.steps, "seconds": time.perf_counter() - start}


def grid(text):
    """a:b:step (inclusive, as the Java --grid) or v1,v2,..."""
    if ":" in text:
        a, b, step = (float(v) for v in text.split(":"))
        if step <= 0 or b < a:
            raise ValueError(text)
        count = int(math.floor((b - a) / step + 1e-9)) + 1
        return [a + i * step for i in range(count)]
    return [float(v) for v in text.split(",")]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--text", default=DEFAULT_TEXT)
    ap.add_argument("--widths", default="64,128")
    ap.add_argument("--log2-lrs", default="-12:-4:1",
                    help="a:b:step or v1,v2,... (default -12:-4:1); write --log2-lrs=-8,-6, with '=',"
                         " since the values start with '-'")
    ap.add_argument("--steps", type=positive, default=200)
    ap.add_argument("--seed", type=positive, default=1)
    ap.add_argument("--batch", type=positive, default=8)
    ap.add_argument("--sequence", type=positive, default=32)
    ap.add_argument("--layers", type=positive, default=2)
    ap.add_argument("--head-size", type=positive, default=16)
    ap.add_argument("--valid-batches", type=positive, default=8)
    ap.add_argument("--threads", type=positive, default=1,
                    help="intra-op (OpenMP) threads (default 1: fastest here, see docs/BENCHMARKS.md)")
    ap.add_argument("--interop-threads", type=positive, default=None, help="default: PyTorch's")
    ap.add_argument("--json", default=None, help="also write the trials and timing to this file")
    args = ap.parse_args()
    try:
        widths = [int(w) for w in args.widths.split(",")]
        lrs = grid(args.log2_lrs)
    except ValueError:
        ap.error("--widths takes integers separated by commas, --log2-lrs a:b:step or numbers separated"
                 " by commas")
    for w in widths:
        if w < args.head_size or w % args.head_size:
            ap.error("width %d is not a positive multiple of the head size %d" % (w, args.head_size))
    if not os.path.isfile(args.text):
        ap.error("no text file %s (give --text ../shared/data/tinyshakespeare.txt or another UTF-8 file)" % args.text)
    if args.interop_threads is not None:
        torch.set_num_interop_threads(args.interop_threads)
    torch.set_num_threads(args.threads)

    wall = time.perf_counter()
    train, valid, vocabulary = split_corpus(args.text)
    length = min(args.sequence, len(valid) - 1)
    if args.sequence + 1 > len(train) or length <= 0:
        ap.error("sequences of %d characters do not fit in %s" % (args.sequence, args.text))
    valid_batches = [windows(valid, args.batch, length, -1 - i) for i in range(args.valid_batches)]
    # mup's base shapes, once: width 64 is the base, width 128 tells which dimensions are widths
    base_shapes = mup.make_base_shapes(model(vocabulary, args, BASE_WIDTH), model(vocabulary, args, 2 * BASE_WIDTH))
    blas = ", ".join(os.path.basename(b) for b in blas_libraries()) or "(none found)"
    print("torch %s, %d intra-op / %d inter-op threads, OPENBLAS_NUM_THREADS=%s, BLAS: %s; %s: vocabulary %d,"
          " %d training characters" % (torch.__version__, torch.get_num_threads(), torch.get_num_interop_threads(),
                                       os.environ.get("OPENBLAS_NUM_THREADS", "(unset)"), blas, args.text,
                                       vocabulary, len(train)), flush=True)
    print("%5s  %6s  %9s  %10s  %10s  %8s" % ("width", "log2Lr", "loss(0)", "train", "valid", "seconds"), flush=True)
    results = []
    for width in widths:
        for log2_lr in lrs:
            r = trial(width, log2_lr, args, base_shapes, train, valid_batches, vocabulary)
            results.append(r)
            print("%5d  %6g  %9.4f  %10.4f  %10.4f  %8.2f%s" % (
                r["width"], r["log2Lr"], r["first"], r["train"], r["valid"], r["seconds"],
                "" if r["steps"] == args.steps else "  diverged at step %d" % r["steps"]), flush=True)
    seconds = time.perf_counter() - wall
    per_hour = len(results) * 3600.0 / seconds
    for width in widths:
        done = [r for r in results if r["width"] == width and math.isfinite(r["valid"])]
        if done:
            best = min(done, key=lambda r: r["valid"])
            print("width %d: best log2Lr %g (valid %.4f)" % (width, best["log2Lr"], best["valid"]))
    print("%d trials in %.1f s wall: %.1f trials per hour" % (len(results), seconds, per_hour))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(),
                       "interopThreads": torch.get_num_interop_threads(),
                       "openblasThreads": os.environ.get("OPENBLAS_NUM_THREADS"), "blas": blas_libraries(),
                       "steps": args.steps, "batch": args.batch, "sequence": args.sequence, "layers": args.layers,
                       "headSize": args.head_size, "validBatches": args.valid_batches, "seed": args.seed,
                       "wallSeconds": seconds, "trialsPerHour": per_hour, "trials": results}, f, indent=2)


if __name__ == "__main__":
    main()
