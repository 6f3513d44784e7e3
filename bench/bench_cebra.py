#!/usr/bin/env python
"""neurolatent CEBRA vs upstream `cebra`: training speed, decoding quality and consistency, on the Buddy rat.

Both packages run in this process on the same data with the same settings (offset10-model, batch 512,
lr 3e-4, temperature 1, time_offsets 10, cosine, output_dimension 3 and 32, same iterations) and the same
torch thread count. Speed: the two are alternated, each fit timed whole (model set-up included), and the
median iterations/s of the repeats is compared. Quality: CEBRA-Behavior fits on the first 80 % of Buddy (3 seeds
each), a kNN decoder (36 neighbours, cosine) on the training embedding predicts position on the held-out last
20 % (after a 10-bin gap); the median absolute error in cm is averaged over seeds. Consistency: R² of a linear
map between the training embeddings of every ordered pair of seeds, averaged. Cost of watching a fit (ours only):
the same CEBRA-Behavior fit with validation on the held-out 20 % at the default validation_frequency (100), and
with validation plus checkpoints (default: ten per fit), alternated with the plain fit; the overheads are the
ratios of their median wall times. The last line is one JSON object.

Usage: python bench/bench_cebra.py [--quick] [--threads 2] [--speed-iters N] [--quality-iters N] [--repeats R]
Needs the `bench` extra: pip install -e ".[bench]".
"""
import argparse
import itertools
import tempfile
import json
import statistics
import sys
import time
import warnings

import numpy as np
import torch
from sklearn.linear_model import LinearRegression
from sklearn.neighbors import KNeighborsRegressor

from neurolatent import datasets
from neurolatent.cebra import CEBRA as Ours

COMMON = dict(model_architecture="offset10-model", batch_size=512, learning_rate=3e-4, temperature=1.0,
              time_offsets=10, distance="cosine", device="cpu", verbose=False)


def load_data():
    try:
        ds = datasets.init("rat-hippocampus-single-buddy")
        return ds.neural.numpy(), ds.continuous_index.numpy(), "rat-hippocampus-single-buddy"
    except FileNotFoundError as e:
        print(f"Buddy not found ({str(e).splitlines()[0]}); using the synthetic Buddy-like rat.", file=sys.stderr)
        from neurolatent.synthetic import buddy_like
        r = buddy_like(seed=0)
        return r.neural, r.continuous_index, "synthetic-buddy-like"


def make(pkg, behavior, out, iters, seed):
    kw = dict(COMMON, output_dimension=out, max_iterations=iters, conditional="time_delta" if behavior else "time")
    if pkg == "ours": return Ours(**kw, random_state=seed)
    import cebra
    torch.manual_seed(seed); np.random.seed(seed)
    return cebra.CEBRA(**kw)


def fit(pkg, behavior, out, iters, seed, X, y, **opts):
    m = make(pkg, behavior, out, iters, seed)
    t = time.perf_counter()
    m.fit(X, y, **opts) if behavior else m.fit(X, **opts)
    return m, iters / (time.perf_counter() - t)


def consistency(embs):
    scores = [LinearRegression().fit(embs[i], embs[j]).score(embs[i], embs[j])
              for i, j in itertools.permutations(range(len(embs)), 2)]
    return float(np.mean(scores))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="short runs (under 3 minutes)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--speed-iters", type=int, default=None)
    p.add_argument("--quality-iters", type=int, default=None)
    p.add_argument("--repeats", type=int, default=None)
    a = p.parse_args(argv)
    speed_iters = a.speed_iters or (150 if a.quick else 1000)
    quality_iters = a.quality_iters or (800 if a.quick else 5000)
    repeats = a.repeats or (3 if a.quick else 5)
    torch.set_num_threads(a.threads)
    warnings.filterwarnings("ignore")
    import cebra
    X, y, name = load_data()
    print(f"data {name} {X.shape}; torch {torch.__version__}, {a.threads} threads; upstream cebra {cebra.__version__}")

    # --- speed: alternate the two contenders, median of the repeats
    speed = {}
    for behavior, out in itertools.product((False, True), (3, 32)):
        key = ("behavior" if behavior else "time", out)
        rates = {"ours": [], "upstream": []}
        for pkg in ("ours", "upstream"): fit(pkg, behavior, out, 20, 0, X, y)  # warm-up
        for r in range(repeats):
            for pkg in (("ours", "upstream") if r % 2 == 0 else ("upstream", "ours")):
                rates[pkg].append(fit(pkg, behavior, out, speed_iters, r, X, y)[1])
        med = {k: statistics.median(v) for k, v in rates.items()}
        speed[key] = med["ours"] / med["upstream"]
        print(f"{key[0]:>8} out={out:<3} it/s ours {med['ours']:7.1f}  upstream {med['upstream']:7.1f}  ratio {speed[key]:.2f}"
              f"   (ours {[round(v) for v in rates['ours']]}, upstream {[round(v) for v in rates['upstream']]})", flush=True)

    # --- quality: CEBRA-Behavior (3-D) on the first 80 %, kNN position decoding on the held-out last 20 %
    n = len(X); cut = int(0.8 * n); gap = 10
    tr, te = np.arange(cut), np.arange(cut + gap, n)
    res = {}
    for pkg in ("ours", "upstream"):
        errs, embs = [], []
        for seed in range(3):
            m, _ = fit(pkg, True, 3, quality_iters, seed, X[tr], y[tr])
            e_tr, e_te = m.transform(X[tr]), m.transform(X[te])
            pred = KNeighborsRegressor(n_neighbors=36, metric="cosine").fit(e_tr, y[tr, 0]).predict(e_te)
            errs.append(float(np.median(np.abs(pred - y[te, 0]))) * 100)
            embs.append(e_tr)
        res[pkg] = (float(np.mean(errs)), consistency(embs), errs)
        print(f"quality {pkg:>8}: decoding error {res[pkg][0]:.2f} cm (seeds {[round(e, 2) for e in errs]}), "
              f"consistency R² {res[pkg][1]:.3f}  [{quality_iters} steps]", flush=True)

    # --- the cost of watching a fit: validation (default frequency) and checkpoints, against the plain fit
    watch_iters = max(speed_iters, 500)
    secs = {"plain": [], "validation": [], "validation+checkpoints": []}
    with tempfile.TemporaryDirectory() as d:
        def opts(kind, r):
            o = {} if kind == "plain" else {"validation_data": (X[te], y[te])}
            if kind == "validation+checkpoints": o["checkpoint_dir"] = f"{d}/run{r}"
            return o
        for r in range(repeats):
            kinds = list(secs) if r % 2 == 0 else list(secs)[::-1]
            for kind in kinds: secs[kind].append(watch_iters / fit("ours", True, 3, watch_iters, r, X[tr], y[tr], **opts(kind, r))[1])
    med = {k: statistics.median(v) for k, v in secs.items()}
    overhead = {k: med[k] / med["plain"] - 1 for k in ("validation", "validation+checkpoints")}
    print(f"watching ({watch_iters} steps): validation +{100 * overhead['validation']:.1f} %, validation + checkpoints "
          f"+{100 * overhead['validation+checkpoints']:.1f} %  (median s: " + ", ".join(f"{k} {v:.2f}" for k, v in med.items()) + ")", flush=True)

    summary = {"time_speedup": round(min(speed[("time", 3)], speed[("time", 32)]), 3),
               "behavior_speedup": round(min(speed[("behavior", 3)], speed[("behavior", 32)]), 3),
               "decoding_cm_ours": round(res["ours"][0], 3), "decoding_cm_upstream": round(res["upstream"][0], 3),
               "consistency_ours": round(res["ours"][1], 4), "consistency_upstream": round(res["upstream"][1], 4),
               "validation_overhead": round(overhead["validation"], 4), "validation_checkpoint_overhead": round(overhead["validation+checkpoints"], 4)}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
