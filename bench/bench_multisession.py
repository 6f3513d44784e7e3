#!/usr/bin/env python
"""neurolatent multi-session CEBRA and adaptation vs upstream `cebra`: training speed and adaptation time.

Four sessions with 120/48/134/75 neurons (the four rats of the CEBRA paper when all four files are found
through the dataset registry, otherwise synthetic rats with those neuron counts, `synthetic.rat_sessions`),
CEBRA-Behavior with `time_delta`, offset10-model, batch 512 per session, lr 3e-4, temperature 1,
time_offsets 10, cosine, output_dimension 3, the same iterations and torch thread count for both packages.

Speed: the two are alternated, each multi-session fit timed whole (model set-up included) and the median
iterations/s of the repeats compared. Adaptation: our model pretrained on sessions 0-2 is adapted to session 3
(a fresh input layer, the rest frozen) for 100 and 500 steps; upstream only adapts single-session models, so
its single-session model of session 0 is adapted to session 3 with `fit(..., adapt=True)` for 100 steps, and
ours is timed the same way for comparison. Every adaptation is timed whole (copying the model included) and
the median of the repeats reported. The last line is one JSON object.

Usage: python bench/bench_multisession.py [--quick] [--threads 2] [--speed-iters N] [--repeats R]
Needs the `bench` extra: pip install -e ".[bench]".
"""
import argparse
import copy
import json
import statistics
import sys
import time
import warnings

import numpy as np
import torch

from neurolatent import datasets
from neurolatent.cebra import CEBRA as Ours

COMMON = dict(model_architecture="offset10-model", batch_size=512, learning_rate=3e-4, temperature=1.0,
              time_offsets=10, distance="cosine", output_dimension=3, conditional="time_delta", device="cpu",
              verbose=False)
NEURONS = (120, 48, 134, 75)
RATS = ("achilles", "buddy", "cicero", "gatsby")


def load_data():
    try:
        ds = [datasets.init(f"rat-hippocampus-single-{r}", download=False) for r in RATS]
        return [d.neural.numpy() for d in ds], [d.continuous_index.numpy() for d in ds], "rat-hippocampus (4 rats)"
    except FileNotFoundError as e:
        print(f"Not all four rats found ({str(e).splitlines()[0]}); using synthetic rats.", file=sys.stderr)
        from neurolatent.synthetic import rat_sessions
        rats = rat_sessions(4, neurons=NEURONS, seed=0)
        return [r.neural for r in rats], [r.continuous_index for r in rats], "synthetic rat_sessions(4)"


def make(pkg, iters, seed, adapt_iters=500):
    kw = dict(COMMON, max_iterations=iters, max_adapt_iterations=adapt_iters)
    if pkg == "ours": return Ours(**kw, random_state=seed)
    import cebra
    torch.manual_seed(seed); np.random.seed(seed)
    return cebra.CEBRA(**kw)


def fit(pkg, iters, seed, Xs, ys):
    m = make(pkg, iters, seed)
    t = time.perf_counter()
    m.fit(Xs, ys)
    return m, iters / (time.perf_counter() - t)


def timed(f):
    t = time.perf_counter(); f(); return time.perf_counter() - t


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="short runs (a few minutes)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--speed-iters", type=int, default=None)
    p.add_argument("--repeats", type=int, default=None)
    a = p.parse_args(argv)
    speed_iters = a.speed_iters or (60 if a.quick else 300)
    repeats = a.repeats or (3 if a.quick else 5)
    torch.set_num_threads(a.threads)
    warnings.filterwarnings("ignore")
    import cebra
    Xs, ys, name = load_data()
    print(f"data {name} {[x.shape for x in Xs]}; torch {torch.__version__}, {a.threads} threads; upstream cebra {cebra.__version__}")

    # --- speed of a 4-session fit: alternate the two contenders, median of the repeats
    rates = {"ours": [], "upstream": []}
    for pkg in ("ours", "upstream"): fit(pkg, 10, 0, Xs, ys)  # warm-up
    for r in range(repeats):
        for pkg in (("ours", "upstream") if r % 2 == 0 else ("upstream", "ours")):
            rates[pkg].append(fit(pkg, speed_iters, r, Xs, ys)[1])
    med = {k: statistics.median(v) for k, v in rates.items()}
    speedup = med["ours"] / med["upstream"]
    print(f"4 sessions, {speed_iters} steps: it/s ours {med['ours']:.2f}  upstream {med['upstream']:.2f}  ratio {speedup:.2f}"
          f"   (ours {[round(v, 2) for v in rates['ours']]}, upstream {[round(v, 2) for v in rates['upstream']]})", flush=True)

    # --- adaptation: ours from a multi-session model (sessions 0-2) and from a single-session one; upstream single-session
    pre_iters = 100 if a.quick else 500
    ours_multi = make("ours", pre_iters, 0).fit(Xs[:3], ys[:3])
    ours_single = make("ours", pre_iters, 0).fit(Xs[0], ys[0])
    up_single = make("upstream", pre_iters, 0).fit(Xs[0], ys[0])
    X3, y3 = Xs[3], ys[3]
    t = {"adapt100": [], "adapt500": [], "adapt100_single": [], "adapt100_upstream": []}
    for r in range(repeats):
        t["adapt100"].append(timed(lambda: copy.deepcopy(ours_multi).adapt(X3, y3, steps=100)))
        t["adapt100_upstream"].append(timed(lambda: copy.deepcopy(up_single).set_params(max_adapt_iterations=100).fit(X3, y3, adapt=True)))
        t["adapt100_single"].append(timed(lambda: copy.deepcopy(ours_single).set_params(max_adapt_iterations=100).fit(X3, y3, adapt=True)))
        t["adapt500"].append(timed(lambda: copy.deepcopy(ours_multi).adapt(X3, y3, steps=500)))
    med_t = {k: statistics.median(v) for k, v in t.items()}
    for k, v in t.items():
        print(f"{k:>18}: median {med_t[k]:.2f} s  ({[round(x, 2) for x in v]})", flush=True)

    summary = {"multisession_speedup": round(speedup, 3), "its_ours": round(med["ours"], 3), "its_upstream": round(med["upstream"], 3),
               "adapt100_s": round(med_t["adapt100"], 3), "adapt500_s": round(med_t["adapt500"], 3),
               "adapt100_s_single": round(med_t["adapt100_single"], 3), "adapt100_s_upstream": round(med_t["adapt100_upstream"], 3)}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
