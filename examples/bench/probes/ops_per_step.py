#!/usr/bin/env python3
"""Native operations per training step of gpt_step.py's GPT in PyTorch, counted as OpsPerStep.java
counts DJL's: after 10 warm-up steps, 5 steps run under torch.autograd.profiler; the trace's
top-level operations (not nested in another on the same thread) are counted, with the time spent
inside them, the step's wall time, and the time outside any operation (Python and the profiler's
bookkeeping) per operation.

    /usr/bin/python3 examples/bench/probes/ops_per_step.py [--threads 1] [WIDTH ...]
"""

import argparse
import json
import os
import sys
import tempfile
import time

import torch
from torch.nn import functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import gpt_step  # noqa: E402

WARMUP = 10
PROFILED = 5


def top_level(events):
    """Count and total duration (µs) of the complete events not nested in another on their thread."""
    by_thread = {}
    for e in events:
        if e.get("ph") == "X":
            by_thread.setdefault(e["tid"], []).append((float(e["ts"]), float(e["dur"])))
    count, inside = 0, 0.0
    for ops in by_thread.values():
        ops.sort(key=lambda o: (o[0], -o[1]))
        open_until = float("-inf")
        for start, dur in ops:
            if start >= open_until:
                count += 1
                inside += dur
                open_until = start + dur
    return count, inside


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("widths", nargs="*", type=int, default=[128, 512])
    args = ap.parse_args()
    for w in args.widths:
        if w <= 0 or w % 32:
            ap.error("widths are positive multiples of the head size 32, got %d" % w)
    if args.threads <= 0:
        ap.error("--threads must be positive, got %d" % args.threads)
    torch.set_num_threads(args.threads)
    train, vocabulary = gpt_step.corpus(gpt_step.BUILT_IN)
    for width in args.widths:
        torch.manual_seed(1)
        model = gpt_step.Gpt(vocabulary, 64, 2, width, 32)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
        data = gpt_step.batches(train, WARMUP + PROFILED, 16, 64, 1234)

        def step(x, y):
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x).reshape(-1, vocabulary), y.reshape(-1))
            loss.backward()
            opt.step()
            return loss.item()

        for x, y in data[:WARMUP]:
            step(x, y)
        with torch.autograd.profiler.profile() as prof:
            start = time.perf_counter()
            for x, y in data[WARMUP:]:
                step(x, y)
            wall = (time.perf_counter() - start) * 1e3 / PROFILED
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
            path = f.name
        prof.export_chrome_trace(path)
        with open(path) as f:
            events = json.load(f)
        os.remove(path)
        if isinstance(events, dict):
            events = events.get("traceEvents", [])
        count, inside = top_level(events)
        ops = count / PROFILED
        inside_ms = inside / PROFILED / 1e3
        print("width %4d  PyTorch %s, %d thread(s)  %6.0f ops/step  inside ops %7.2f ms  wall %7.2f ms  "
              "outside %6.2f ms = %5.1f us per op" % (
                  width, torch.__version__, torch.get_num_threads(), ops, inside_ms, wall,
                  wall - inside_ms, (wall - inside_ms) * 1e3 / ops))


if __name__ == "__main__":
    main()
