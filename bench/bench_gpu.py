#!/usr/bin/env python
"""The GPU benchmarks of `tools/gpu_check.sh`: neurolatent vs upstream `cebra` and LFADS on one device, in a time budget.

Every benchmark has a share of one overall budget (`--budget-s`), is skipped (with the reason recorded) when too
little of it is left, and is guarded so that one failure does not stop the others. Contenders alternate (ours,
upstream, then upstream, ours, …) with the same settings, and medians of the repeats are reported. The CEBRA
comparisons reuse `bench_cebra.py` and `bench_multisession.py` (their `load_data`, `make` and `fit`, with the
device and batch size changed), the LFADS numbers reuse `bench_lfads.py` (`step_flops`, `matmul_gflops`,
`time_steps`). The results go to ONE JSON file, rewritten after every benchmark (so a run killed half-way still
leaves the finished ones): keys documented in bench/README.md, section "`bench_gpu.py`".

`--dry-run` runs every code path on the CPU at tiny sizes (about half a minute), so CI keeps the script working.

usage: python bench/bench_gpu.py [--dry-run] [--device cuda] [--out DIR] [--budget-s 300] [--threads N]
"""
import argparse
import contextlib
import copy
import json
import os
import platform
import statistics
import sys
import time
import traceback
import warnings
from pathlib import Path

os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")   # torch and JAX share the GPU: JAX must not take 75 % up front
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import numpy as np
import torch

import bench_cebra
import bench_multisession
from neurolatent.cebra import CEBRA as Ours

SCHEMA = 1
JSON_NAME = "gpu_check.json"


# ----------------------------------------------------------------------------------------------------------- plumbing
class Run:
    "The JSON being built, the budget, and what was skipped or failed."
    def __init__(self, a):
        self.a, self.t0, self.deadline = a, time.perf_counter(), time.perf_counter() + a.budget_s
        self.path = Path(a.out) / JSON_NAME
        self.doc = {"schema": SCHEMA, "dry_run": a.dry_run, "device": a.device, "budget_s": a.budget_s,
                    "meta": {}, "results": {}, "skipped": [], "errors": [], "summary": {}}

    def left(self) -> float: return self.deadline - time.perf_counter()

    def write(self):
        self.doc["elapsed_s"] = round(time.perf_counter() - self.t0, 1)
        tmp = self.path.with_suffix(".json.part")
        tmp.write_text(json.dumps(self.doc, indent=1, default=_jsonable))
        os.replace(tmp, self.path)

    def bench(self, name, need_s, fn, *args):
        "Run benchmark `fn(*args)` when `need_s` seconds of the budget are left; record its result, a skip or an error."
        left = self.left()
        if left < need_s:
            self.doc["skipped"].append({"bench": name, "reason": f"budget: {left:.0f} s left, needs ~{need_s:.0f} s"})
            log(f"[skip] {name}: only {left:.0f} s of the budget left (needs ~{need_s:.0f} s)")
        else:
            t = time.perf_counter()
            log(f"[bench] {name} (~{need_s:.0f} s of {left:.0f} s left)")
            try:
                self.doc["results"][name] = {**fn(*args), "wall_s": round(time.perf_counter() - t, 1)}
            except Exception as e:
                self.doc["errors"].append({"bench": name, "error": f"{type(e).__name__}: {e}"[:500],
                                           "where": traceback.format_exc(limit=-3)[-1500:]})
                log(f"[error] {name}: {type(e).__name__}: {e}")
            log(f"[done] {name} in {time.perf_counter() - t:.1f} s")
        self.write()


def _jsonable(v):
    if isinstance(v, (np.floating, np.integer)): return v.item()
    if isinstance(v, np.ndarray): return v.tolist()
    return str(v)


def log(msg): print(msg, flush=True)


def sync(device):
    if str(device).startswith("cuda"): torch.cuda.synchronize()


def timed(f, device):
    sync(device); t = time.perf_counter(); out = f(); sync(device)
    return time.perf_counter() - t, out


def med(v): return round(float(statistics.median(v)), 4)


@contextlib.contextmanager
def common(mod, **kw):
    "The bench module `mod`'s shared settings (`COMMON`) changed for a while: device, batch size."
    old = dict(mod.COMMON); mod.COMMON.update(kw)
    try: yield
    finally: mod.COMMON.clear(); mod.COMMON.update(old)


def alternate(contenders, repeats):
    "The order of each repeat: as given, then reversed, and so on."
    return [list(contenders) if r % 2 == 0 else list(contenders)[::-1] for r in range(repeats)]


def upstream():
    "Upstream `cebra`, or None when it is not importable (recorded as a skip by the callers)."
    try:
        import cebra
        return cebra
    except Exception:
        return None


# ----------------------------------------------------------------------------------------------------------- sizes
def sizes(a):
    "Every size the benchmarks use: GPU sizes, or tiny ones for --dry-run."
    if a.dry_run:
        return dict(data_len=3000, warm_iters=3, min_iters=5, max_iters=8, repeats=2, batches=(64, 128), ms_iters=(5, 8),
                    adapt_steps=(10, 20), adapt_pre=5, adapt_repeats=2, transform_len=20_000, transform_repeats=2,
                    matmul_n=(128,), lfads=dict(hps=dict(data_dim=12, ntimesteps=10, enc_dim=16, con_dim=16, gen_dim=16, factors_dim=4),
                                               batches=(16,), chunk=10, reps=1, trials=64, tc=dict(kl_warmup_start=0, kl_warmup_end=10)),
                    sync_steps=10, share=dict(cebra=4, multisession=3, adaptation=3, transform=3, lfads=6, matmul=1, syncs=2, options=4,
                                                infonce=1))
    return dict(data_len=None, warm_iters=20, min_iters=50, max_iters=2000, repeats=3, batches=(512, 4096), ms_iters=(50, 1000),
                adapt_steps=(100, 500), adapt_pre=500, adapt_repeats=3, transform_len=1_000_000, transform_repeats=3,
                matmul_n=(1024, 4096), lfads=dict(hps=dict(data_dim=100, ntimesteps=25), batches=(128, 1024), chunk=100, reps=3,
                                                  trials=2048, tc={}),
                sync_steps=100, share=dict(cebra=25, multisession=30, adaptation=40, transform=25, lfads=45, matmul=5, syncs=10,
                                           options=50, infonce=5))


def iters_for(rate, seconds, s):
    "Iterations that take about `seconds` at `rate` it/s, within the size limits."
    return int(min(s["max_iters"], max(s["min_iters"], rate * seconds)))


# ----------------------------------------------------------------------------------------------------------- benchmarks
def bench_meta(a):
    import jax
    m = {"python": platform.python_version(), "torch": torch.__version__, "torch_cuda": torch.version.cuda,
         "cuda_available": torch.cuda.is_available(), "numpy": np.__version__, "jax": jax.__version__,
         "jax_backend": jax.default_backend(), "jax_default_matmul_precision": str(jax.config.jax_default_matmul_precision),
         "jax_devices": [str(d) for d in jax.devices()],
         "xla_preallocate": os.environ.get("XLA_PYTHON_CLIENT_PREALLOCATE"), "torch_threads": torch.get_num_threads(),
         "cudnn_tf32": torch.backends.cudnn.allow_tf32, "matmul_tf32": torch.backends.cuda.matmul.allow_tf32}
    if torch.cuda.is_available():
        p = torch.cuda.get_device_properties(0)
        m.update(gpu=p.name, gpu_memory_gib=round(p.total_memory / 2 ** 30, 1), gpu_capability=f"{p.major}.{p.minor}")
    import neurolatent
    m["neurolatent"] = neurolatent.__version__
    up = upstream()
    m["cebra_upstream"] = getattr(up, "__version__", None) if up else None
    return m


def bench_matmul(a, s):
    "Measured matmul rates: JAX float32 (the LFADS reference, `bench_lfads.matmul_gflops`) and torch float32/bf16."
    import bench_lfads
    out = {"jax_f32_gflops": {str(n): round(bench_lfads.matmul_gflops(n=n, reps=5 if a.dry_run else 20), 1) for n in s["matmul_n"]}}
    for dt in (torch.float32, torch.bfloat16):
        n = s["matmul_n"][-1]
        x = torch.randn(n, n, device=a.device, dtype=dt); y = torch.randn(n, n, device=a.device, dtype=dt)
        x @ y; reps = 5 if a.dry_run else 20
        best = min(timed(lambda: [x @ y for _ in range(reps)], a.device)[0] for _ in range(3)) / reps
        out[f"torch_{str(dt).split('.')[-1]}_gflops_{n}"] = round(2 * n ** 3 / best / 1e9, 1)
    return out


def load_single(s):
    X, y, name = bench_cebra.load_data()
    if s["data_len"]: X, y = X[:s["data_len"]], y[:s["data_len"]]
    return X, y, name


def bench_cebra_speed(a, s, run, X, y, name, behavior, batch):
    "CEBRA-Time or -Behavior (offset10-model, output dimension 3) it/s, ours vs upstream, at one batch size."
    if upstream() is None: raise ModuleNotFoundError("upstream cebra is not importable")
    budget = min(s["share"]["cebra"], max(run.left() - 5, 1))
    with common(bench_cebra, device=a.device, batch_size=batch):
        warm = {pkg: bench_cebra.fit(pkg, behavior, 3, s["warm_iters"], 0, X, y)[1] for pkg in ("ours", "upstream")}
        iters = iters_for(min(warm.values()), budget / (2 * s["repeats"]) * 0.8, s)
        rates = {"ours": [], "upstream": []}
        for r, order in enumerate(alternate(rates, s["repeats"])):
            for pkg in order: rates[pkg].append(bench_cebra.fit(pkg, behavior, 3, iters, r, X, y)[1])
    its = {k: med(v) for k, v in rates.items()}
    log(f"  {'behavior' if behavior else 'time'} batch {batch}: it/s ours {its['ours']:.1f}  upstream {its['upstream']:.1f}")
    return {"its_ours": its["ours"], "its_upstream": its["upstream"], "speedup": round(its["ours"] / its["upstream"], 3),
            "iters": iters, "repeats": s["repeats"], "its_ours_all": [round(v, 2) for v in rates["ours"]],
            "its_upstream_all": [round(v, 2) for v in rates["upstream"]], "data": name, "n_samples": len(X),
            "batch_size": batch, "conditional": "time_delta" if behavior else "time"}


def load_sessions(s):
    Xs, ys, name = bench_multisession.load_data()
    if s["data_len"]: Xs, ys = [x[:s["data_len"]] for x in Xs], [v[:s["data_len"]] for v in ys]
    return Xs, ys, name


def bench_multisession_speed(a, s, Xs, ys, name):
    "4-session CEBRA-Behavior it/s (batch 512 per session), ours vs upstream."
    if upstream() is None: raise ModuleNotFoundError("upstream cebra is not importable")
    lo, hi = s["ms_iters"]
    with common(bench_multisession, device=a.device):
        warm = {pkg: bench_multisession.fit(pkg, s["warm_iters"], 0, Xs, ys)[1] for pkg in ("ours", "upstream")}
        iters = int(min(hi, max(lo, min(warm.values()) * s["share"]["multisession"] / (2 * s["repeats"]) * 0.8)))
        rates = {"ours": [], "upstream": []}
        for r, order in enumerate(alternate(rates, s["repeats"])):
            for pkg in order: rates[pkg].append(bench_multisession.fit(pkg, iters, r, Xs, ys)[1])
    its = {k: med(v) for k, v in rates.items()}
    return {"its_ours": its["ours"], "its_upstream": its["upstream"], "speedup": round(its["ours"] / its["upstream"], 3),
            "iters": iters, "repeats": s["repeats"], "sessions": len(Xs), "neurons": [x.shape[1] for x in Xs], "data": name,
            "its_ours_all": [round(v, 2) for v in rates["ours"]], "its_upstream_all": [round(v, 2) for v in rates["upstream"]]}


def bench_adaptation(a, s, Xs, ys):
    "Adapting a model pretrained on sessions 0-2 to session 3 (new input layer): 100 and 500 steps, timed whole."
    n100, n500 = s["adapt_steps"]
    with common(bench_multisession, device=a.device):
        ours_multi = bench_multisession.make("ours", s["adapt_pre"], 0).fit(Xs[:3], ys[:3])
        up = upstream()
        up_single = bench_multisession.make("upstream", s["adapt_pre"], 0).fit(Xs[0], ys[0]) if up else None
    X3, y3 = Xs[3], ys[3]
    copy.deepcopy(ours_multi).adapt(X3, y3, steps=5)   # warm-up (kernels, allocator)
    t = {"adapt100": [], "adapt500": [], "adapt100_upstream": []}
    for r in range(s["adapt_repeats"]):
        t["adapt100"].append(timed(lambda: copy.deepcopy(ours_multi).adapt(X3, y3, steps=n100), a.device)[0])
        if up_single is not None:
            t["adapt100_upstream"].append(timed(lambda: copy.deepcopy(up_single).set_params(max_adapt_iterations=n100)
                                                .fit(X3, y3, adapt=True), a.device)[0])
        t["adapt500"].append(timed(lambda: copy.deepcopy(ours_multi).adapt(X3, y3, steps=n500), a.device)[0])
    out = {"adapt100_s": med(t["adapt100"]), "adapt500_s": med(t["adapt500"]), "steps": [n100, n500],
           "adapt100_s_all": [round(v, 3) for v in t["adapt100"]], "adapt500_s_all": [round(v, 3) for v in t["adapt500"]],
           "paper_gpu_s": {"100": [0.65, 0.13], "500": [3.07, 0.61]}}
    if t["adapt100_upstream"]: out["adapt100_s_upstream_single"] = med(t["adapt100_upstream"])
    return out


def bench_transform(a, s, X, y):
    "Samples/s of `transform` over a long recording (the fitted model's neurons, random data), host array in, host array out."
    n = s["transform_len"]
    rng = np.random.default_rng(0)
    big = rng.poisson(0.5, size=(n, X.shape[1])).astype(np.float32)
    with common(bench_cebra, device=a.device, batch_size=512):
        models = {"ours": bench_cebra.fit("ours", True, 3, s["warm_iters"], 0, X, y)[0]}
        if upstream() is not None: models["upstream"] = bench_cebra.fit("upstream", True, 3, s["warm_iters"], 0, X, y)[0]
    for m in models.values(): m.transform(big[:10_000])   # warm-up
    secs = {k: [] for k in models}
    for order in alternate(models, s["transform_repeats"]):
        for k in order: secs[k].append(timed(lambda: models[k].transform(big), a.device)[0])
    out = {"n_samples": n, "n_neurons": X.shape[1], "architecture": "offset10-model", "output_dimension": 3}
    for k, v in secs.items():
        out[f"samples_per_s_{k}"] = round(n / statistics.median(v), 1)
        out[f"seconds_{k}"] = med(v)
    if "upstream" in secs: out["speedup"] = round(out["samples_per_s_ours"] / out["samples_per_s_upstream"], 3)
    return out


def bench_lfads_step(a, s, run):
    "LFADS training step time at the integrator tutorial's size (and a larger batch), and its fraction of the matmul rate."
    import jax
    import bench_lfads
    from neurolatent.lfads_model import LFADSConfig, TrainConfig
    L = s["lfads"]
    hps = LFADSConfig(**L["hps"])
    rng = np.random.default_rng(0)
    spikes = rng.poisson(0.5, size=(L["trials"], hps.ntimesteps, hps.data_dim)).astype(np.float32)  # step time does not depend on values
    ref = run.doc["results"].get("matmul", {}).get("jax_f32_gflops", {})
    mm = ref.get("1024") or ref.get(str(s["matmul_n"][0])) or bench_lfads.matmul_gflops(n=s["matmul_n"][0])
    out = {"hps": L["hps"], "matmul_gflops_ref": mm, "matmul_ref": "jax float32 1024² (as bench_lfads.py)" if not a.dry_run else "dry run",
           "jax_backend": jax.default_backend(), "by_batch": {}}
    for i, B in enumerate(L["batches"]):
        if i and run.left() < s["share"]["lfads"] / 2:
            run.doc["skipped"].append({"bench": f"lfads batch {B}", "reason": f"budget: {run.left():.0f} s left"}); continue
        tc = TrainConfig(batch_size=B, print_every=L["chunk"], **L["tc"])
        step_s, all_t, compile_s = bench_lfads.time_steps(spikes, hps, tc, chunk=L["chunk"], reps=L["reps"])
        flops = bench_lfads.step_flops(hps, B)
        out["by_batch"][str(B)] = {"step_s": round(step_s, 6), "step_ms_all": [round(t * 1e3, 3) for t in all_t],
                                   "compile_s": round(compile_s, 2), "step_gflop": round(flops / 1e9, 4),
                                   "gflops": round(flops / step_s / 1e9, 1), "flop_fraction": round(flops / step_s / 1e9 / mm, 4),
                                   "flop_fraction_by_matmul_n": {n: round(flops / step_s / 1e9 / g, 4) for n, g in ref.items()}}
        log(f"  LFADS batch {B}: {step_s * 1e3:.2f} ms/step, fraction {out['by_batch'][str(B)]['flop_fraction']:.3f} of matmul")
    first = out["by_batch"][str(L["batches"][0])]
    out.update(step_s=first["step_s"], flop_fraction=first["flop_fraction"], compile_s=first["compile_s"])
    return out


def bench_gpu_options(a, s, run, X, y):
    """CEBRA-Behavior it/s at the large batch with each speed option of ours (float32 eager, `precision='bf16-mixed'`,
    `torch_compile=True`, and CUDA graphs via `torch_compile={'mode': 'reduce-overhead'}`), alternating, with each
    option's first fit (compilation included) timed apart and its loss curve compared with float32's (same seed)."""
    B = s["batches"][-1]
    compile_kw = {"backend": "aot_eager"} if a.dry_run else {}   # the dry run checks the plumbing, not the code generation
    variants = {"float32": {}, "bf16_mixed": {"precision": "bf16-mixed"}, "compile": {"torch_compile": compile_kw or True}}
    if str(a.device).startswith("cuda"): variants["compile_cudagraphs"] = {"torch_compile": {"mode": "reduce-overhead"}}
    if str(a.device).startswith("cuda"):
        try: native = torch.cuda.is_bf16_supported(including_emulation=False)
        except TypeError: native = torch.cuda.is_bf16_supported()
        if not native: variants.pop("bf16_mixed")   # CEBRA refuses bf16-mixed where it would only be emulated
    def fit(v, iters, seed):
        m = Ours(model_architecture="offset10-model", batch_size=B, time_offsets=10, output_dimension=3, max_iterations=iters,
                 conditional="time_delta", learning_rate=3e-4, device=a.device, random_state=seed, **variants[v])
        sec = timed(lambda: m.fit(X, y), a.device)[0]
        return m, sec
    out = {"batch_size": B, "variants": {k: {kk: str(vv) for kk, vv in v.items()} for k, v in variants.items()}, "first_fit": {}}
    warm = s["warm_iters"]
    for v in variants:   # first fit of each: kernels, allocator, compilation
        m, sec = fit(v, warm, 0)
        out["first_fit"][v] = {"seconds": round(sec, 3), "iters": warm}
        if v == "float32": base = m.loss_
        else: out["first_fit"][v]["max_loss_gap_vs_float32"] = round(float(np.abs(m.loss_ - base).max()), 6)
    rate = warm / out["first_fit"]["float32"]["seconds"]
    budget = min(s["share"]["options"], max(run.left() - 5, 1))
    iters = iters_for(rate, budget / (len(variants) * s["repeats"]) * 0.6, s)
    rates = {v: [] for v in variants}
    for r, order in enumerate(alternate(rates, s["repeats"])):
        for v in order: rates[v].append(iters / fit(v, iters, r)[1])
    its = {v: med(x) for v, x in rates.items()}
    out.update(iters=iters, repeats=s["repeats"], its={v: its[v] for v in variants},
               its_all={v: [round(x, 2) for x in rates[v]] for v in variants},
               speedup_vs_float32={v: round(its[v] / its["float32"], 3) for v in variants if v != "float32"})
    log("  options at batch %d: " % B + ", ".join(f"{v} {its[v]:.1f} it/s" for v in variants))
    torch.compiler.reset()   # the compiled objectives are not needed after this benchmark
    return out


def bench_infonce_paths(a, s):
    "Forward + backward of the cosine InfoNCE at the large batch: the blocked CPU path against the plain one, on this device."
    from neurolatent import losses
    B, D = s["batches"][-1], 3
    g = torch.Generator(device=a.device).manual_seed(0)
    z = [torch.nn.functional.normalize(torch.randn(B, D, generator=g, device=a.device), dim=1).requires_grad_() for _ in range(3)]
    inv = torch.tensor(1.0, device=a.device)
    def plain():
        ps, ns = losses.similarities(*z); losses.infonce(ps * inv, ns * inv)[0].backward()
    def blocked(): losses._cosine_infonce(*z, inv)[0].backward()
    reps = 3 if a.dry_run else 50
    ms = {k: [] for k in ("plain", "blocked")}
    for order in alternate(ms, s["repeats"] + 1):
        for k in order:
            f = plain if k == "plain" else blocked
            f(); ms[k].append(timed(lambda: [f() for _ in range(reps)], a.device)[0] / reps * 1e3)
    out = {"batch_size": B, "dim": D, "ms_plain": med(ms["plain"]), "ms_blocked": med(ms["blocked"]),
           "used_here": "blocked" if losses._use_blocked(z[0], z[2]) else "plain"}
    out["blocked_over_plain"] = round(out["ms_blocked"] / out["ms_plain"], 3)
    return out


def bench_host_syncs(a, s, X, y):
    "Synchronizing CUDA calls during a fit (torch's sync debug mode): none per step is the design (history synced every 25)."
    if not str(a.device).startswith("cuda"):
        return {"applicable": False, "note": "torch's sync debug mode only counts CUDA synchronisations"}
    out = {"applicable": True, "steps": s["sync_steps"]}
    for cond in ("time", "time_delta"):
        m = Ours(model_architecture="offset10-model", batch_size=512, time_offsets=10, output_dimension=3, conditional=cond,
                 max_iterations=s["sync_steps"], device=a.device, random_state=0)
        fit = lambda: m.fit(X) if cond == "time" else m.fit(X, y)
        fit()   # warm-up: kernels, allocator, the nearest-neighbour index
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            torch.cuda.set_sync_debug_mode("warn")
            try: fit()
            finally: torch.cuda.set_sync_debug_mode("default")
        n = sum("synchroniz" in str(x.message) for x in w)
        out[cond] = {"syncs": n, "syncs_per_step": round(n / s["sync_steps"], 3)}
    return out


# ----------------------------------------------------------------------------------------------------------- main
def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dry-run", action="store_true", help="tiny sizes on the CPU: every code path in well under a minute")
    p.add_argument("--device", default=None, help="torch device (default: cuda; cpu with --dry-run)")
    p.add_argument("--out", default=os.environ.get("OUT") or "gpu_out", help="folder for the JSON (default: $OUT or ./gpu_out)")
    p.add_argument("--budget-s", type=float, default=None, help="seconds for all benchmarks (default 300; 60 with --dry-run)")
    p.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's; 1 with --dry-run)")
    p.add_argument("--extra", default=None, help="a JSON file whose object is merged into the output (install/pytest status)")
    a = p.parse_args(argv)
    a.device = a.device or ("cpu" if a.dry_run else "cuda")
    a.budget_s = a.budget_s or (60.0 if a.dry_run else 300.0)
    threads = a.threads or (1 if a.dry_run else None)
    if threads:
        torch.set_num_threads(threads)
        if a.device == "cpu" and hasattr(os, "sched_setaffinity"):   # XLA's CPU pool too: before JAX starts (bench_meta)
            os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[:threads]))
    if a.device.startswith("cuda") and not torch.cuda.is_available():
        raise SystemExit("--device cuda but torch sees no CUDA device (use --dry-run on a CPU machine)")
    Path(a.out).mkdir(parents=True, exist_ok=True)
    warnings.filterwarnings("ignore")
    run, s = Run(a), sizes(a)
    if a.extra and Path(a.extra).exists(): run.doc.update(json.loads(Path(a.extra).read_text()))
    run.doc["meta"] = bench_meta(a)
    log(f"bench_gpu: device {a.device}, budget {a.budget_s:.0f} s, dry run {a.dry_run}; " +
        ", ".join(f"{k} {v}" for k, v in run.doc["meta"].items() if k in ("gpu", "torch", "jax", "jax_backend", "cebra_upstream")))
    run.write()
    sh = s["share"]
    X, y, name = load_single(s)
    Xs, ys, ms_name = load_sessions(s)
    has_up = upstream() is not None
    if not has_up: run.doc["skipped"].append({"bench": "upstream comparisons", "reason": "upstream cebra is not importable"})

    run.bench("matmul", sh["matmul"], bench_matmul, a, s)
    run.bench("host_syncs", sh["syncs"], bench_host_syncs, a, s, X, y)
    run.bench("infonce_paths", sh["infonce"], bench_infonce_paths, a, s)
    b1, b2 = s["batches"]
    for behavior in (False, True):
        key = f"cebra_{'behavior' if behavior else 'time'}_{b1}"
        if has_up: run.bench(key, sh["cebra"], bench_cebra_speed, a, s, run, X, y, name, behavior, b1)
    run.bench("lfads", sh["lfads"], bench_lfads_step, a, s, run)
    run.bench("adaptation", sh["adaptation"], bench_adaptation, a, s, Xs, ys)
    if has_up: run.bench("multisession", sh["multisession"], bench_multisession_speed, a, s, Xs, ys, ms_name)
    run.bench("transform", sh["transform"], bench_transform, a, s, X, y)
    run.bench("gpu_options", sh["options"], bench_gpu_options, a, s, run, X, y)   # before the large-batch comparisons
    for behavior in (False, True):
        key = f"cebra_{'behavior' if behavior else 'time'}_{b2}"
        if has_up: run.bench(key, sh["cebra"], bench_cebra_speed, a, s, run, X, y, name, behavior, b2)

    r, summ = run.doc["results"], {}
    for k, v in r.items():
        if k.startswith("cebra_"): summ[f"{k[6:]}_speedup"] = v["speedup"]; summ[f"{k[6:]}_its_ours"] = v["its_ours"]
    for k, src in (("multisession_speedup", ("multisession", "speedup")), ("multisession_its_ours", ("multisession", "its_ours")),
                   ("adapt100_s", ("adaptation", "adapt100_s")), ("adapt500_s", ("adaptation", "adapt500_s")),
                   ("transform_samples_per_s", ("transform", "samples_per_s_ours")), ("transform_speedup", ("transform", "speedup")),
                   ("lfads_step_s", ("lfads", "step_s")), ("lfads_flop_fraction", ("lfads", "flop_fraction"))):
        if src[1] in r.get(src[0], {}): summ[k] = r[src[0]][src[1]]
    for v, x in r.get("gpu_options", {}).get("speedup_vs_float32", {}).items(): summ[f"{v}_speedup"] = x
    if "blocked_over_plain" in r.get("infonce_paths", {}): summ["infonce_blocked_over_plain"] = r["infonce_paths"]["blocked_over_plain"]
    summ.update(n_skipped=len(run.doc["skipped"]), n_errors=len(run.doc["errors"]))
    run.doc["summary"] = summ
    run.write()
    log("summary " + json.dumps(summ))
    log(f"wrote {run.path} ({run.doc['elapsed_s']} s)")
    return 1 if run.doc["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
