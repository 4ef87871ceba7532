"""Times PyTorch's optimizer step on the shapes that OptimizerBench times in DJL.

Models: mup's MLP 3072 -> 4096 -> 4096 -> 10 (29.4M parameters, batch 64), and a GPT-shaped
parameter set (the nanoGPT character-level configuration: 6 layers, d_model 384, 6 heads, context
256, vocabulary 65; 10.8M parameters in 76 tensors). Gradients are made by a real backward pass
before every step; only optimizer.step() is timed, then zero_grad() separately.

Usage: python3 examples/bench/optimizer_step.py [--threads 2] [--warmup 3] [--steps 20]
           [--models mlp,gpt] [--optimizers adam,adamw,sgd]
"""

import argparse
import statistics
import time

import torch
from torch import nn


def mlp():
    return nn.Sequential(
        nn.Linear(3072, 4096), nn.ReLU(),
        nn.Linear(4096, 4096), nn.ReLU(),
        nn.Linear(4096, 10))


def mlp_loss(model, gen):
    x = torch.randn(64, 3072, generator=gen)
    y = torch.randint(0, 10, (64,), generator=gen)
    return nn.functional.cross_entropy(model(x), y)


def gpt_shapes(layers=6, d=384, vocab=65, context=256):
    """Parameter shapes of a GPT-2-style decoder with a tied readout (the same list as the Java
    benchmark)."""
    shapes = [(vocab, d), (context, d)]
    for _ in range(layers):
        shapes += [(d,), (d,),              # ln_1
                   (3 * d, d), (3 * d,),    # c_attn
                   (d, d), (d,),            # attn c_proj
                   (d,), (d,),              # ln_2
                   (4 * d, d), (4 * d,),    # c_fc
                   (d, 4 * d), (d,)]        # mlp c_proj
    shapes += [(d,), (d,)]                  # ln_f
    return shapes


class Gpt(nn.Module):
    """The GPT's parameters only: the loss sum(w * r) gives each tensor a fixed random gradient r."""

    def __init__(self, gen):
        super().__init__()
        self.params = nn.ParameterList(
            [nn.Parameter(torch.randn(s, generator=gen) * 0.02) for s in gpt_shapes()])
        self.directions = [torch.randn(s, generator=gen) for s in gpt_shapes()]

    def loss(self):
        return sum((p * r).sum() for p, r in zip(self.params, self.directions))


def optimizer(name, params, foreach):
    if name == "adam":
        return torch.optim.Adam(params, lr=1e-3, foreach=foreach)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=1e-3, weight_decay=0.01, foreach=foreach)
    if name == "sgd":
        return torch.optim.SGD(params, lr=1e-2, momentum=0.9, foreach=foreach)
    raise ValueError(name)


def summary(ms):
    return "median %7.1f ms  min %7.1f  max %7.1f  (n=%d)" % (
        statistics.median(ms), min(ms), max(ms), len(ms))


def run(model_name, opt_name, foreach, warmup, steps):
    gen = torch.Generator().manual_seed(1)
    if model_name == "mlp":
        model = mlp()
        loss_fn = lambda: mlp_loss(model, gen)
    else:
        model = Gpt(gen)
        loss_fn = model.loss
    opt = optimizer(opt_name, model.parameters(), foreach)
    step_ms, zero_ms = [], []
    for i in range(warmup + steps):
        loss_fn().backward()
        t0 = time.perf_counter()
        opt.step()
        t1 = time.perf_counter()
        opt.zero_grad()
        t2 = time.perf_counter()
        if i >= warmup:
            step_ms.append((t1 - t0) * 1e3)
            zero_ms.append((t2 - t1) * 1e3)
    n = sum(p.numel() for p in model.parameters())
    tensors = len(list(model.parameters()))
    label = "%s %s%s" % (model_name, opt_name, " foreach" if foreach else "")
    print("%-20s %5.1fM params %3d tensors  step: %s | zero_grad median %.1f ms" % (
        label, n / 1e6, tensors, summary(step_ms), statistics.median(zero_ms)), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--models", default="mlp,gpt")
    ap.add_argument("--optimizers", default="adam,adamw,sgd")
    ap.add_argument("--foreach", choices=["default", "both"], default="both",
                    help="time the default single-tensor loop, or it and foreach=True")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    print("torch %s, %d threads" % (torch.__version__, torch.get_num_threads()), flush=True)
    for model_name in args.models.split(","):
        for opt_name in args.optimizers.split(","):
            for foreach in ([None, True] if args.foreach == "both" else [None]):
                run(model_name, opt_name, foreach, args.warmup, args.steps)


if __name__ == "__main__":
    main()
