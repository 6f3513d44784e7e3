#!/usr/bin/env python
"""neurolatent attribution vs upstream `cebra.attribution`: Jacobian speed on a 10,000-bin rat recording, and AUC per method on ground truth.

Speed: an offset10-model CEBRA-Behavior encoder (ours, briefly trained on the recording) and an upstream offset10-model
carrying the same weights. Ours: `attribute(model, X, method="jacobian", aggregate=None)`, the (T, D, N) maps of every
time point. Upstream: `cebra.attribution.init("jacobian-based-batched", ...)` on the same data, its Jacobian computed
batch by batch (1024 windows, its default) and averaged over window positions, as its `compute_attribution_map` does
before it inverts the maps (the inversions are timed apart, once). The two agree to float32 round-off on every time
point whose window lies inside the recording (printed). The contenders alternate, with the same torch thread count;
medians of the repeats, for output dimensions 3, 8 (the default) and 32. `speedup_vs_upstream` is the ratio of
wall times at 8; the ratio of CPU times (`time.process_time`, which a machine shared with other jobs inflates
less) is reported beside it.
The recording is Buddy (rat-hippocampus-single-buddy, 6577 bins, repeated to 10,000) when found, else the synthetic
`buddy_like` rat, repeated the same way.

Quality: `attribution_ground_truth` recordings (neurons tuned to a latent angle, to a nuisance angle, or untuned), a
CEBRA-Behavior fit on the latent, and the area under the ROC curve of each method's map against the latent-driving
neurons (`attribution_auc`), averaged over the recordings; then the same with the fits trained with
`jacobian_regularization=λ` (0.1 unless --jacobian-regularization says otherwise: `auc_by_method_regularized`).
The last line is one JSON object.

Usage: python bench/bench_attribution.py [--quick] [--threads 1] [--repeats R] [--fit-iters N] [--recordings K]
                                        [--jacobian-regularization λ]
Needs the `bench` extra (upstream cebra, captum, cvxpy): pip install -e ".[bench]".
"""
import argparse
import json
import statistics
import sys
import time
import warnings

import numpy as np
import torch

from neurolatent import datasets
from neurolatent.attribution import METHODS, attribute, attribution_auc, attribution_ground_truth
from neurolatent.cebra import CEBRA

T_BENCH = 10_000


def load_data():
    try:
        ds = datasets.init("rat-hippocampus-single-buddy")
        X, y, name = ds.neural.numpy(), ds.continuous_index.numpy(), "rat-hippocampus-single-buddy"
    except FileNotFoundError as e:
        print(f"Buddy not found ({str(e).splitlines()[0]}); using the synthetic Buddy-like rat.", file=sys.stderr)
        from neurolatent.synthetic import buddy_like
        r = buddy_like(seed=0)
        X, y, name = r.neural, r.continuous_index, "synthetic-buddy-like"
    reps = -(-T_BENCH // len(X))
    return np.concatenate([X] * reps)[:T_BENCH], np.concatenate([y] * reps)[:T_BENCH], f"{name} ×{T_BENCH / len(X):.2f}"


def models(X, y, D):
    "Our fitted model and an upstream offset10-model with its weights."
    import cebra.models
    ours = CEBRA(model_architecture="offset10-model", output_dimension=D, batch_size=512, max_iterations=100, time_offsets=10,
                 device="cpu", random_state=0).fit(X, y)
    up = cebra.models.init("offset10-model", num_neurons=X.shape[1], num_units=ours.num_hidden_units, num_output=D)
    with torch.no_grad():
        for a, b in zip(up.parameters(), ours.model_.parameters()): a.copy_(b)
    return ours, up.eval()


def upstream_jacobian(up, X, D):
    "(T − 9, D, N) upstream's window-averaged Jacobian, as its compute_attribution_map makes it before inverting."
    import cebra.attribution
    a = cebra.attribution.init("jacobian-based-batched", model=up, input_data=torch.as_tensor(X), output_dimension=D)
    a.input_data.requires_grad_(True)  # upstream differentiates with respect to its input windows
    return np.vstack([a._compute_jacobian(b) for b in torch.split(a.input_data, 1024)]).mean(-1), a


def speed(X, y, D, repeats):
    ours, up = models(X, y, D)
    mine, (theirs, _) = attribute(ours, X, aggregate=None), upstream_jacobian(up, X, D)  # also the warm-up
    off = ours.offset_
    diff = float(np.abs(mine[off.left:len(X) - off.right + 1] - theirs).max())
    secs, cpu = {"ours": [], "upstream": []}, {"ours": [], "upstream": []}
    run = {"ours": lambda: attribute(ours, X, aggregate=None), "upstream": lambda: upstream_jacobian(up, X, D)}
    for r in range(repeats):
        for k in (("ours", "upstream") if r % 2 == 0 else ("upstream", "ours")):
            t, c = time.perf_counter(), time.process_time(); run[k]()
            secs[k].append(time.perf_counter() - t); cpu[k].append(time.process_time() - c)
    med = {k: statistics.median(v) for k, v in secs.items()}
    med_cpu = {k: statistics.median(v) for k, v in cpu.items()}
    print(f"D={D:<3} Jacobian of {len(X)} bins: ours {1e3 * med['ours']:7.1f} ms, upstream {1e3 * med['upstream']:7.1f} ms, "
          f"ratio {med['upstream'] / med['ours']:.2f}; CPU time ratio {med_cpu['upstream'] / med_cpu['ours']:.2f}  "
          f"(max |ours − upstream| {diff:.1e}; ours {[round(1e3 * s) for s in secs['ours']]}, "
          f"upstream {[round(1e3 * s) for s in secs['upstream']]} ms)", flush=True)
    return med, med_cpu, diff, (ours, up)


def inversion_once(ours, up, X, D):
    "Seconds of our jacobian-invert and of upstream's full compute_attribution_map (Jacobian, then lsq and svd inverses of two maps)."
    t = time.perf_counter(); attribute(ours, X, method="jacobian-invert", aggregate=None); t_ours = time.perf_counter() - t
    import cebra.attribution
    a = cebra.attribution.init("jacobian-based-batched", model=up, input_data=torch.as_tensor(X), output_dimension=D)
    a.input_data.requires_grad_(True)
    t = time.perf_counter(); a.compute_attribution_map(batch_size=1024); t_up = time.perf_counter() - t
    print(f"D={D:<3} with inversion: ours jacobian-invert {t_ours:.2f} s; upstream compute_attribution_map {t_up:.2f} s "
          "(it inverts the signed and the |·| maps, each by lstsq and by pinv)", flush=True)
    return t_ours, t_up


def quality(recordings, iters, lam=0.0):
    "Mean AUC of each method over `recordings` ground-truth fits, trained with jacobian_regularization=`lam`."
    aucs = {m: [] for m in METHODS}
    for seed in range(recordings):
        gt = attribution_ground_truth(seed=seed)
        model = CEBRA(model_architecture="offset10-model", output_dimension=3, batch_size=512, max_iterations=iters,
                      time_offsets=10, device="cpu", random_state=seed, jacobian_regularization=lam).fit(gt.neural, gt.latent)
        for m in METHODS: aucs[m].append(attribution_auc(attribute(model, gt.neural, method=m), gt.driving))
        print(f"λ={lam:g} recording {seed} (final loss {model.loss_[-50:].mean():.3f}): "
              + ", ".join(f"{m} {v[-1]:.3f}" for m, v in aucs.items()), flush=True)
    return {m: float(np.mean(v)) for m, v in aucs.items()}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="fewer repeats, one ground-truth recording (about 2 minutes)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeats", type=int, default=None)
    p.add_argument("--fit-iters", type=int, default=None, help="training steps of each ground-truth fit")
    p.add_argument("--recordings", type=int, default=None, help="ground-truth recordings to average the AUC over")
    p.add_argument("--jacobian-regularization", type=float, default=0.1, help="λ of the regularized ground-truth fits")
    a = p.parse_args(argv)
    repeats = a.repeats or (5 if a.quick else 11)
    fit_iters = a.fit_iters or (500 if a.quick else 2000)
    recordings = a.recordings or (1 if a.quick else 3)
    torch.set_num_threads(a.threads)
    warnings.filterwarnings("ignore")
    import cebra
    X, y, name = load_data()
    print(f"data {name} {X.shape}; torch {torch.__version__}, {a.threads} threads; upstream cebra {cebra.__version__}")

    ratio, ratio_cpu, diffs, ms = {}, {}, {}, {}
    for D in (3, 8, 32):
        med, med_cpu, diffs[D], pair = speed(X, y, D, repeats)
        ratio[D], ratio_cpu[D], ms[D] = med["upstream"] / med["ours"], med_cpu["upstream"] / med_cpu["ours"], med
        if D == 8: inv = inversion_once(*pair, X, D)
    lam = a.jacobian_regularization
    auc, auc_reg = quality(recordings, fit_iters), quality(recordings, fit_iters, lam)
    print(f"AUC ({recordings} recording(s), {fit_iters} training steps)   plain   λ={lam:g}")
    for m in auc: print(f"    {m:>24}: {auc[m]:.3f}   {auc_reg[m]:.3f}")

    summary = {"auc_best": round(max(auc.values()), 4), "auc_by_method": {m: round(v, 4) for m, v in auc.items()},
               "auc_by_method_regularized": {m: round(v, 4) for m, v in auc_reg.items()}, "jacobian_regularization": lam,
               "speedup_vs_upstream": round(ratio[8], 3), "speedup_by_output_dimension": {str(D): round(r, 3) for D, r in ratio.items()},
               "speedup_cpu_time_by_output_dimension": {str(D): round(r, 3) for D, r in ratio_cpu.items()},
               "jacobian_ms_ours": round(1e3 * ms[8]["ours"], 1), "jacobian_ms_upstream": round(1e3 * ms[8]["upstream"], 1),
               "invert_s_ours": round(inv[0], 3), "upstream_full_map_s": round(inv[1], 3),
               "max_abs_diff_vs_upstream": float(f"{max(diffs.values()):.2e}")}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
