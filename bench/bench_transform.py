#!/usr/bin/env python
"""neurolatent vs upstream `cebra`: `transform` throughput on a long recording, on the CPU.

One CEBRA-Behavior model of each package (offset10-model, output dimension 3, a few steps: transform's cost does not
depend on the weights) embeds Poisson recordings of 20,000, 100,000 and 1,000,000 time points × 48 neurons (or
`--samples`) held in host memory, with padding (one row out per row in). The contenders alternate with the same torch thread count, each call is timed
whole (host array in, host array out), and the median samples/s of the repeats are compared. The float64 case
passes the largest recording as float64, which ours converts chunk by chunk and upstream converts first.
The last line is one JSON object.

Usage: python bench/bench_transform.py [--quick] [--threads 1] [--samples N] [--repeats R]
Needs the `bench` extra: pip install -e ".[bench]".
"""
import argparse
import json
import statistics
import time
import warnings

import numpy as np
import torch

from neurolatent.cebra import CEBRA as Ours


def models(X, y):
    import cebra
    kw = dict(model_architecture="offset10-model", batch_size=256, max_iterations=5, output_dimension=3, device="cpu")
    torch.manual_seed(0)
    return {"ours": Ours(**kw, random_state=0).fit(X, y), "upstream": cebra.CEBRA(**kw).fit(X, y)}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="20,000 and 200,000 samples, 3 repeats (under a minute)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--samples", type=int, nargs="+", default=None)
    p.add_argument("--repeats", type=int, default=None)
    a = p.parse_args(argv)
    sizes, repeats = a.samples or ([20_000, 200_000] if a.quick else [20_000, 100_000, 1_000_000]), a.repeats or (3 if a.quick else 5)
    torch.set_num_threads(a.threads)
    warnings.filterwarnings("ignore")
    rng = np.random.default_rng(0)
    X, y = rng.poisson(0.5, (3000, 48)).astype(np.float32), rng.random((3000, 2)).astype(np.float32)
    m = models(X, y)
    out = {"neurons": 48, "threads": a.threads, "repeats": repeats, "architecture": "offset10-model", "by_samples": {}}
    for n in sizes:
        big = rng.poisson(0.5, (n, 48)).astype(np.float32)
        for k in m: m[k].transform(big[:20_000])   # warm-up
        for name, data in (("float32", big), ("float64", big.astype(np.float64) if n == max(sizes) else None)):
            if data is None: continue
            secs = {k: [] for k in m}
            for r in range(repeats):
                for k in (list(m) if r % 2 == 0 else list(m)[::-1]):
                    t = time.perf_counter(); m[k].transform(data); secs[k].append(time.perf_counter() - t)
            med = {k: statistics.median(v) for k, v in secs.items()}
            out["by_samples"].setdefault(str(n), {})[name] = {
                "samples_per_s_ours": round(n / med["ours"]), "samples_per_s_upstream": round(n / med["upstream"]),
                "speedup": round(med["upstream"] / med["ours"], 3)}
            print(f"{n:>9,} samples, {name}: ours {n / med['ours']:,.0f} samples/s, upstream {n / med['upstream']:,.0f} "
                  f"samples/s, speedup {med['upstream'] / med['ours']:.2f}×", flush=True)
    z = {k: v.transform(big[:5000]) for k, v in m.items()}
    out["max_norm_error_ours"] = float(np.abs(np.linalg.norm(z["ours"], axis=1) - 1).max())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
