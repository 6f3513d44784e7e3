"""Benchmark LFADS on the integrator RNN: the full schedule of the original tutorial (20,000 batches of 128).

Prints the held-out rate R² (posterior sample-and-average), the PCA(2) baseline R², the inferred-input R², the
steady-state time per training step at tutorial size, and the achieved GFLOP/s of a training step as a fraction
of a plain `jnp` matmul's GFLOP/s measured in the same run. The last line is one JSON object with keys
rate_r2, pca_r2, input_r2, step_s, flop_fraction, compile_s (plus context), and cobps_lfads / cobps_smoothing:
the co-smoothing bits per spike on the test bins of the rat hippocampus recording (rat "Buddy", 12 of 48 neurons
held out, the split of `tutorials/lfads_real_data`) of `fit_lfads_recording` and of NLB's smoothing + Poisson GLM
baseline, measured in the same run (held-out draw 0; the tutorial reports three draws). --quick trains that
model for 2,000 steps instead of 5,000 (early stopping on the validation part either way).

Step FLOPs are counted analytically: every matrix product of the forward pass (2·m·k·n each), times 3 for the
forward + backward pass (times 2 for the encoders' projections of the data, whose input gradient is not
needed); element-wise work is not counted, so the fraction is a lower bound. XLA's own cost analysis of one
step is printed alongside for reference only: it counts the body of each `lax.scan` once, not once per time
bin (checked: a 25-step scan of one 128² matmul reports the FLOPs of a single matmul), so it undercounts.

Threads: `--threads N` pins the whole process (the matmul reference and the LFADS step alike) to N CPU cores
before JAX starts; XLA's CPU backend has no reliable thread-count flag (`intra_op_parallelism_threads` is
ignored by current jaxlib), so CPU affinity is the way to fix it. The matmul speeds up with every core, the
step's sequential scans much less, so the fraction depends on N: compare runs at the same N.

usage: python bench/bench_lfads.py [--quick] [--threads N] [--seed 0] [--save PATH] [--eval-every 2000]
"""
import argparse
import json
import os
import sys
import time
from dataclasses import replace

os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")


def _pin_threads(argv):
    "Pin this process to the first N allowed cores when `--threads N` is given: before JAX starts its thread pools."
    if "--threads" not in argv: return None
    n = int(argv[argv.index("--threads") + 1])
    cores = sorted(os.sched_getaffinity(0))
    if not 1 <= n <= len(cores): raise SystemExit(f"--threads {n}: this process may use {len(cores)} core(s).")
    os.sched_setaffinity(0, set(cores[:n]))
    os.environ.setdefault("OMP_NUM_THREADS", str(n))
    return n


THREADS = _pin_threads(sys.argv[1:]) if __name__ == "__main__" else None

import jax
import jax.numpy as jnp
import numpy as np

from neurolatent.lfads_data import IntegratorConfig, load_integrator_data
from neurolatent.lfads_eval import evaluate_lfads, r2_per_neuron
from neurolatent.lfads_real import block_split, smoothing_baseline, split_neurons
from neurolatent.lfads_recording import RECORDING_TRAIN, fit_lfads_recording
from neurolatent.lfads_model import (LFADSConfig, TrainConfig, _make_chunk, fit_lfads, lfads_init, posterior_mean,
                                     save_lfads, train_step)


def step_flops(hps: LFADSConfig, B: int) -> float:
    "Analytic matmul FLOPs of one training step (forward × 3 for forward + backward)."
    N, T, E, C, I, G, F = hps.data_dim, hps.ntimesteps, hps.enc_dim, hps.con_dim, hps.ii_dim, hps.gen_dim, hps.factors_dim
    mm = lambda m, k, n: 2.0 * m * k * n
    fwd = (2 * mm(B * T, N, 3 * E) + 2 * T * mm(B, E, 3 * E)          # encoder: input projections, recurrences
           + mm(B, 2 * E, 2 * G)                                       # g0 posterior
           + mm(B * T, 2 * E, 3 * C) + T * (mm(B, F, 3 * C) + mm(B, C, 3 * C))   # controller
           + T * mm(B, C, 2 * I)                                       # inferred-input posterior
           + T * (mm(B, I, 3 * G) + mm(B, G, 3 * G))                   # generator
           + (T + 1) * mm(B, G, F) + mm(B * T, F, N))                  # factors, log-rates
    # backward ≈ 2 × forward for every product, except the encoders' input projections of the data: no
    # gradient with respect to the spikes is needed, only the weights' (1 × forward)
    return 3 * fwd - 2 * mm(B * T, N, 3 * E)


def matmul_gflops(n=1024, reps=20):
    "GFLOP/s of a plain jitted float32 `jnp` matmul (n × n) on this device."
    a = jax.random.normal(jax.random.PRNGKey(0), (n, n)); b = jax.random.normal(jax.random.PRNGKey(1), (n, n))
    f = jax.jit(lambda a, b: a @ b)
    f(a, b).block_until_ready()
    best = np.inf
    for _ in range(3):
        t = time.perf_counter()
        for _ in range(reps): c = f(a, b)
        c.block_until_ready()
        best = min(best, (time.perf_counter() - t) / reps)
    return 2 * n ** 3 / best / 1e9


def time_steps(train, hps, tc, chunk=100, reps=3):
    "Steady-state seconds per training step (a compiled chunk of `chunk` steps, best of `reps` after warm-up), all chunk times, compile seconds."
    run = _make_chunk(hps, tc)
    params = lfads_init(jax.random.PRNGKey(0), hps); opt = tc.optimizer().init(params)
    data, key = jnp.asarray(train, jnp.float32), jax.random.PRNGKey(1)
    t0 = time.perf_counter()
    params, opt, t = run(params, opt, jnp.arange(chunk), key, data); jax.block_until_ready(t)   # compile + warm-up
    first = time.perf_counter() - t0
    times = []
    for r in range(reps):
        t0 = time.perf_counter()
        params, opt, t = run(params, opt, jnp.arange((r + 1) * chunk, (r + 2) * chunk), key, data)
        jax.block_until_ready(t)
        times.append((time.perf_counter() - t0) / chunk)
    return min(times), times, first - chunk * min(times)   # compile time: the first call less one steady chunk


def xla_step_flops(train, hps, tc):
    "XLA's cost-analysis FLOPs for one jitted train_step (scan bodies counted once: an undercount; reference only)."
    try:
        params = lfads_init(jax.random.PRNGKey(0), hps); opt = tc.optimizer().init(params)
        lowered = jax.jit(train_step.__wrapped__ if hasattr(train_step, "__wrapped__") else train_step,
                          static_argnums=(5, 6)).lower(params, opt, 0, jax.random.PRNGKey(1), jnp.asarray(train[:256], jnp.float32), hps, tc)
        ca = lowered.compile().cost_analysis()
        ca = ca[0] if isinstance(ca, (list, tuple)) else ca
        return float(ca.get("flops", float("nan")))
    except Exception as e:  # cost analysis is backend-dependent
        print(f"(XLA cost analysis unavailable: {e})")
        return float("nan")


def rat_cobps(steps: int, seed: int = 0) -> dict:
    "co-bps of LFADS (`fit_lfads_recording`) and of the smoothing baseline on the rat recording's test bins, one draw."
    import warnings
    import neurolatent
    rec = neurolatent.datasets.init("rat-hippocampus-single-buddy")
    spikes = np.asarray(rec.neural, dtype=np.float64)
    T, N = spikes.shape
    split = block_split(T, (0.7, 0.15, 0.15), 200, segment_len=50, overlap=10, random_state=0)
    _, held_out = split_neurons(N, 0.25, random_state=seed)
    base = smoothing_baseline(spikes, held_out, split)
    t0 = time.time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        fit = fit_lfads_recording(spikes, held_out, split, 50, 10, tc=replace(RECORDING_TRAIN, num_batches=steps), random_state=seed)
    print(f"rat co-bps (test, draw {seed}): LFADS {fit.scores['test']['co_bps']:.3f} (best step {int(fit.history['best_step'])}, "
          f"{time.time() - t0:.0f} s)  smoothing baseline {base['co_bps']:.3f}", flush=True)
    return dict(cobps_lfads=round(float(fit.scores["test"]["co_bps"]), 4), cobps_smoothing=round(float(base["co_bps"]), 4),
                cobps_steps=steps, cobps_best_step=int(fit.history["best_step"]))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2,000 trials, 600 batches, 32 posterior samples (minutes, not hours)")
    ap.add_argument("--threads", type=int, default=None, help="pin the process to this many CPU cores (both contenders)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--save", default=None, help="write the trained parameters here (.npz + .json)")
    ap.add_argument("--eval-every", type=int, default=2000, help="print held-out posterior-mean R² every this many steps")
    a = ap.parse_args(argv)

    if a.quick:
        data_cfg = IntegratorConfig(n_trials=2000)
        tc = TrainConfig(num_batches=600, kl_warmup_start=100, kl_warmup_end=200, print_every=100)
        n_samples, eval_every = 32, 200
    else:
        data_cfg, tc, n_samples, eval_every = IntegratorConfig(), TrainConfig(), 128, a.eval_every
    print(f"jax {jax.__version__} on {jax.devices()[0].platform} ({jax.devices()[0].device_kind}); "
          f"{len(os.sched_getaffinity(0))} of {os.cpu_count()} CPU cores in use; schedule {tc.num_batches} batches of {tc.batch_size}", flush=True)

    t0 = time.time()
    data = load_integrator_data(data_cfg, verbose=True)
    print(f"{data}  ({time.time() - t0:.1f} s)", flush=True)
    hps = LFADSConfig(data_dim=data.spikes.shape[2], ntimesteps=data.spikes.shape[1])
    train, ev = data.train, data.eval

    mm = matmul_gflops()
    step_s, all_t, compile_s = time_steps(train.spikes, hps, tc)
    flops = step_flops(hps, tc.batch_size)
    xla = xla_step_flops(train.spikes, hps, tc)
    frac = flops / step_s / 1e9 / mm
    print(f"matmul (1024², float32): {mm:.1f} GFLOP/s", flush=True)
    print(f"train step (B={tc.batch_size}, T={hps.ntimesteps}, N={hps.data_dim}, 128/128/128/32): "
          f"{step_s * 1e3:.1f} ms/step (chunks: {', '.join(f'{t * 1e3:.1f}' for t in all_t)} ms)", flush=True)
    print(f"compile time of one {100}-step chunk: {compile_s:.1f} s", flush=True)
    print(f"analytic step FLOPs {flops / 1e9:.2f} GFLOP -> {flops / step_s / 1e9:.1f} GFLOP/s = {100 * frac:.1f} % of matmul "
          f"(XLA cost analysis of one step, scan bodies counted once: {xla / 1e9:.2f} GFLOP)", flush=True)

    def progress(step, params, terms):
        if step % eval_every == 0 or step == tc.num_batches:
            pm = posterior_mean(params, ev.spikes, hps)
            print(f"  [eval @ {step}] held-out rate R² (posterior mean) {r2_per_neuron(ev.rates, pm['rates']).mean():.3f}", flush=True)

    t0 = time.time()
    params, hist = fit_lfads(train.spikes, hps, tc, random_state=a.seed, callback=progress)
    train_s = time.time() - t0
    print(f"trained {tc.num_batches} steps in {train_s:.0f} s ({train_s / tc.num_batches * 1e3:.1f} ms/step incl. eval/progress)", flush=True)
    if a.save: print("saved", save_lfads(a.save, params, hps, meta=dict(train=tc.__dict__, data_key=data_cfg.key())))

    s = evaluate_lfads(params, hps, data, n_samples=n_samples, random_state=a.seed)
    print(f"held-out trials: {len(ev)} × {hps.ntimesteps} bins × {hps.data_dim} neurons")
    print(f"rate R²  LFADS sample-and-average ({n_samples} samples): {s['rate_r2']:.3f}   posterior mean: {s['rate_r2_mean']:.3f}")
    print(f"rate R²  baselines: spikes {s['spikes_r2']:.3f}  gaussian filter {s['smooth_r2']:.3f}  "
          f"PCA(2) {s['pca_r2']:.3f}  filter+PCA(2) {s['smooth_pca_r2']:.3f}")
    print(f"inferred-input R² (affine rescaling): {s['input_r2']:.3f}   posterior mean: {s['input_r2_mean']:.3f}")
    print(f"step time {step_s * 1e3:.1f} ms; {flops / step_s / 1e9:.1f} GFLOP/s vs matmul {mm:.1f} GFLOP/s -> fraction {frac:.3f}")
    out = dict(rate_r2=round(s["rate_r2"], 4), pca_r2=round(s["pca_r2"], 4), input_r2=round(s["input_r2"], 4),
               step_s=round(step_s, 5), flop_fraction=round(frac, 4),
               rate_r2_mean=round(s["rate_r2_mean"], 4), smooth_r2=round(s["smooth_r2"], 4), smooth_pca_r2=round(s["smooth_pca_r2"], 4),
               input_r2_mean=round(s["input_r2_mean"], 4), matmul_gflops=round(mm, 1), step_gflop=round(flops / 1e9, 3),
               flop_count="analytic matmul FLOPs, fwd+bwd", num_batches=tc.num_batches, train_s=round(train_s, 1),
               compile_s=round(compile_s, 1), cores=len(os.sched_getaffinity(0)), device=jax.devices()[0].platform, quick=a.quick)
    out.update(rat_cobps(2000 if a.quick else RECORDING_TRAIN.num_batches, a.seed))
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
