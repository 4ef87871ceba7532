#!/usr/bin/env python3
"""Times a training step of the example GPT in PyTorch, for comparison with the Java `bench` command.

Requires PyTorch (on Debian: `apt-get install python3-torch`, PyTorch 1.13, CPU). Debian's libtorch
multiplies matrices with whatever `libblas.so.3` the system selects; with only the reference BLAS
that is a few GFLOP/s, and the comparison with DJL (whose libtorch brings its own fast kernels)
says nothing. Install an optimized one as well, e.g. `apt-get install libopenblas0-pthread`. This
script reports its own 1024^3 matmul rate and the BLAS libraries it loaded so that this is visible.
The product never depends on Python or PyTorch.

The same model, data and optimizer as `java -jar examples/target/mup-examples.jar bench` (the plain
DJL variant, `dev.mup.examples.bench.PlainGpt`):

- token and position embeddings (nn.Embedding) of width d, added;
- L pre-LayerNorm blocks: x + attention(LN(x)), then x + down(gelu(up(LN(x)))), with up d -> 4d;
  attention has separate query, key, value and output nn.Linear layers with biases (as DJL's
  Linear), heads of a fixed size, logits q.k^T / sqrt(head size) plus a causal mask of -1e9 (an
  additive bias, as in DJL), softmax, times v; GELU is the exact erf form, which is what DJL's
  Activation.gelu computes on its PyTorch engine; LayerNorm eps 1e-5 as DJL's;
- a final LayerNorm and a readout nn.Linear d -> vocabulary, with bias;
- loss: mean cross-entropy over every position; optimizer: torch.optim.Adam, lr 1e-3,
  betas (0.9, 0.999), eps 1e-8, PyTorch's default implementation for the installed version;
- data: the built-in corpus (or --text), split 90/10 as CharCorpus does, characters numbered by
  rank among the distinct characters; batches are windows at random offsets (fixed seed), all cut
  before timing. The offsets are not the Java ones; the time of a step does not depend on them.

Differences that are idiom, not architecture: the causal mask is built once per model (a buffer)
rather than on each call, and gradients are cleared with zero_grad(set_to_none=True) inside the
timed step (DJL's Adam zeroes them inside its update).

A step is zero_grad, forward, loss, backward, optimizer.step and loss.item(), timed with
time.perf_counter; the median over the timed steps is reported, with min and max.

Usage: python3 examples/bench/gpt_step.py [--widths 128,256,512] [--layers 2] [--head-size 32]
           [--sequence 64] [--batch 16] [--warmup 5] [--steps 20] [--threads N]
           [--interop-threads N] [--text FILE] [--json OUT]
"""

import argparse
import json
import math
import os
import statistics
import sys
import time

import torch
from torch import nn
from torch.nn import functional as F

BUILT_IN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "main", "resources",
                        "dev", "mup", "examples", "gpt", "builtin-corpus.txt")


class Attention(nn.Module):
    def __init__(self, d, head_size, context, scale=None):
        super().__init__()
        self.heads = d // head_size
        self.head_size = head_size
        self.scale = 1.0 / math.sqrt(head_size) if scale is None else scale
        self.query = nn.Linear(d, d)
        self.key = nn.Linear(d, d)
        self.value = nn.Linear(d, d)
        self.output = nn.Linear(d, d)
        future = torch.triu(torch.ones(context, context, dtype=torch.bool), diagonal=1)
        self.register_buffer("mask_bias", future.float() * -1e9, persistent=False)

    def split(self, x, b, t):
        return x.view(b, t, self.heads, self.head_size).transpose(1, 2)

    def forward(self, x):
        b, t, d = x.shape
        q = self.split(self.query(x), b, t)
        k = self.split(self.key(x), b, t)
        v = self.split(self.value(x), b, t)
        logits = (q @ k.transpose(-2, -1)) * self.scale
        weights = torch.softmax(logits + self.mask_bias[:t, :t], dim=-1)
        merged = (weights @ v).transpose(1, 2).reshape(b, t, d)
        return self.output(merged)


class Block(nn.Module):
    def __init__(self, d, head_size, context, scale=None):
        super().__init__()
        self.attention_norm = nn.LayerNorm(d, eps=1e-5)
        self.attention = Attention(d, head_size, context, scale)
        self.ffn_norm = nn.LayerNorm(d, eps=1e-5)
        self.up = nn.Linear(d, 4 * d)
        self.down = nn.Linear(4 * d, d)

    def forward(self, x):
        x = x + self.attention(self.attention_norm(x))
        return x + self.down(F.gelu(self.up(self.ffn_norm(x))))


class Gpt(nn.Module):
    """The example GPT; `readout` makes the readout layer (in_features, out_features), and
    `logit_scale` replaces the attention's 1/sqrt(head size) (sweep_loop.py passes mup's MuReadout
    and μP's alpha/head size)."""

    def __init__(self, vocabulary, context, layers, d, head_size, readout=nn.Linear, logit_scale=None):
        super().__init__()
        self.tokens = nn.Embedding(vocabulary, d)
        self.positions = nn.Embedding(context, d)
        self.blocks = nn.ModuleList(Block(d, head_size, context, logit_scale) for _ in range(layers))
        self.final_norm = nn.LayerNorm(d, eps=1e-5)
        self.readout = readout(d, vocabulary)

    def forward(self, ids):
        t = ids.shape[1]
        x = self.tokens(ids) + self.positions(torch.arange(t, device=ids.device))
        for block in self.blocks:
            x = block(x)
        return self.readout(self.final_norm(x))


def split_corpus(path):
    """Training ids, validation ids and vocabulary size, as CharCorpus: code points ranked, the
    first 90% for training, the rest for validation."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    alphabet = sorted(set(text))
    rank = {c: i for i, c in enumerate(alphabet)}
    ids = torch.tensor([rank[c] for c in text], dtype=torch.long)
    split = int(len(ids) * 0.9)
    return ids[:split], ids[split:], len(alphabet)


def corpus(path):
    """Training ids and vocabulary size, as CharCorpus: code points ranked, the first 90% for training."""
    train, _, vocabulary = split_corpus(path)
    return train, vocabulary


def batches(train, count, batch, sequence, seed):
    gen = torch.Generator().manual_seed(seed)
    out = []
    for _ in range(count):
        starts = torch.randint(0, len(train) - sequence, (batch,), generator=gen)
        x = torch.stack([train[s: s + sequence] for s in starts.tolist()])
        y = torch.stack([train[s + 1: s + 1 + sequence] for s in starts.tolist()])
        out.append((x, y))
    return out


def flops_per_step(layers, d, t, b, v):
    """3 x forward matmul FLOPs, the formula of dev.mup.examples.bench.GptFlops."""
    return 3 * (layers * (24 * b * t * d * d + 4 * b * t * t * d) + 2 * b * t * d * v)


def matmul_gflops(n=1024, warmup=2, samples=7):
    a = torch.rand(n, n) * 2 - 1
    bm = torch.rand(n, n) * 2 - 1
    for _ in range(warmup):
        a @ bm
    rates = []
    for _ in range(samples):
        t0 = time.perf_counter()
        a @ bm
        rates.append(2.0 * n ** 3 / (time.perf_counter() - t0) / 1e9)
    return statistics.median(rates)


def blas_libraries():
    """The BLAS-like shared libraries this process has loaded (Linux only)."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if line.rstrip().endswith(".so") or ".so." in line}
    except OSError:
        return []
    keys = ("blas", "mkl", "blis", "lapack")
    return sorted(p for p in paths if any(k in os.path.basename(p).lower() for k in keys))


def time_width(width, args, train, vocabulary):
    torch.manual_seed(1)
    model = Gpt(vocabulary, args.sequence, args.layers, width, args.head_size)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    data = batches(train, args.warmup + args.steps, args.batch, args.sequence, 1234)
    ms = []
    for i, (x, y) in enumerate(data):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, vocabulary), y.reshape(-1))
        loss.backward()
        opt.step()
        value = loss.item()
        t1 = time.perf_counter()
        if not math.isfinite(value):
            raise RuntimeError("training diverged at width %d: loss %s" % (width, value))
        if i >= args.warmup:
            ms.append((t1 - t0) * 1e3)
    flops = flops_per_step(args.layers, width, args.sequence, args.batch, vocabulary)
    median = statistics.median(ms)
    return {
        "width": width,
        "parameters": sum(p.numel() for p in model.parameters()),
        "modelFlopsPerStep": flops,
        "stepMs": median,
        "minMs": min(ms),
        "maxMs": max(ms),
        "modelGflops": flops / (median * 1e6),
    }


def positive(text):
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be positive, got %s" % text)
    return value


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--widths", default="128,256,512")
    ap.add_argument("--layers", type=positive, default=2)
    ap.add_argument("--head-size", type=positive, default=32)
    ap.add_argument("--sequence", type=positive, default=64)
    ap.add_argument("--batch", type=positive, default=16)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--steps", type=positive, default=20)
    ap.add_argument("--threads", type=positive, default=os.cpu_count())
    ap.add_argument("--interop-threads", type=positive, default=None)
    ap.add_argument("--text", default=BUILT_IN)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    try:
        widths = [int(w) for w in args.widths.split(",")]
    except ValueError:
        ap.error("--widths takes integers separated by commas, got %s" % args.widths)
    for w in widths:
        if w < args.head_size or w % args.head_size:
            ap.error("width %d is not a positive multiple of the head size %d" % (w, args.head_size))
    if args.warmup < 0:
        ap.error("--warmup must be 0 or more")
    if args.interop_threads is not None:
        torch.set_num_interop_threads(args.interop_threads)
    torch.set_num_threads(args.threads)

    train, vocabulary = corpus(args.text)
    if args.sequence + 1 > len(train):
        ap.error("sequences of %d characters do not fit in %s" % (args.sequence, args.text))
    print("torch %s, %d intra-op / %d inter-op threads" % (
        torch.__version__, torch.get_num_threads(), torch.get_num_interop_threads()), file=sys.stderr)
    results = []
    for w in widths:
        print("gpt_step: width %d" % w, file=sys.stderr, flush=True)
        results.append(time_width(w, args, train, vocabulary))
    matmul = matmul_gflops()
    blas = blas_libraries()
    print("PyTorch %s, %d intra-op / %d inter-op threads; matmul 1024^3 fp32: %.1f GFLOP/s; BLAS: %s" % (
        torch.__version__, torch.get_num_threads(), torch.get_num_interop_threads(), matmul,
        ", ".join(os.path.basename(b) for b in blas) or "(none found)"))
    print("%5s  %9s  %9s  %9s  %13s" % ("width", "median ms", "min ms", "max ms", "model GFLOP/s"))
    for r in results:
        print("%5d  %9.2f  %9.2f  %9.2f  %13.1f" % (r["width"], r["stepMs"], r["minMs"], r["maxMs"],
                                                   r["modelGflops"]))
    if args.json:
        report = {
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
            "interopThreads": torch.get_num_interop_threads(),
            "blas": blas,
            "layers": args.layers, "headSize": args.head_size, "sequence": args.sequence,
            "batch": args.batch, "warmup": args.warmup, "steps": args.steps,
            "matmulSize": 1024,
            "matmulGflops": matmul,
            "widths": results,
        }
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
