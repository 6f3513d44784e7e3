"""Validation, early stopping, checkpoints and exact resume of `fit_lfads` (issue 12).

The kill-and-resume test runs real processes: one is killed by SIGKILL at a random chunk, another resumes from its
checkpoints, and the result must equal, bit for bit, an uninterrupted run of the same seed (JAX on CPU).
"""
import json
import os
import random
import shutil
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import jax
import numpy as np
import pytest

from neurolatent.lfads_model import LFADSConfig, TrainConfig, fit_lfads, latest_checkpoint, load_checkpoint

HPS = LFADSConfig(data_dim=12, ntimesteps=10, enc_dim=8, con_dim=8, ii_dim=1, gen_dim=8, factors_dim=4)
TC = TrainConfig(num_batches=60, batch_size=8, print_every=5, step_size=0.05, kl_warmup_start=10, kl_warmup_end=30)


def _spikes(n, seed):
    "Trials of a known rate pattern (a sine in time, graded across neurons), as whole counts."
    rates = np.exp(np.sin(np.linspace(0, 3, HPS.ntimesteps))[:, None] * np.linspace(-1, 1, HPS.data_dim)[None, :])
    return np.random.default_rng(seed).poisson(np.broadcast_to(rates, (n,) + rates.shape)).astype(np.float32)


TRAIN, VALID = _spikes(24, 0), _spikes(16, 1)


def _leaves(params): return {jax.tree_util.keystr(k): np.asarray(v) for k, v in jax.tree_util.tree_flatten_with_path(params)[0]}


def _assert_same(a, b, what=""):
    assert sorted(a) == sorted(b), (what, sorted(a), sorted(b))
    for k in a: assert np.array_equal(a[k], b[k]) and a[k].dtype == b[k].dtype, f"{what}{k} differs"


# --- (a) a real SIGKILL, then resume: bit-identical to the uninterrupted run --------------------------------------------

_SCRIPT = textwrap.dedent('''
    import os, signal, sys
    import jax, numpy as np
    sys.path.insert(0, {tests!r})
    from test_lfads_resume import HPS, TC, TRAIN, VALID, _leaves
    from neurolatent.lfads_model import fit_lfads, latest_checkpoint, load_checkpoint
    out, ckdir, kill_step, resume = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
    def die(step, params, terms):
        if step == kill_step: os.kill(os.getpid(), signal.SIGKILL)
    params, hist = fit_lfads(TRAIN, HPS, TC, random_state=3, valid_spikes=VALID, early_stopping=50,
                             checkpoint_dir=ckdir, checkpoint_every=10, resume=resume, callback=die if kill_step else None)
    ck = load_checkpoint(latest_checkpoint(ckdir))
    np.savez(out, **{{"p/" + k: v for k, v in _leaves(params).items()}}, **{{"h/" + k: v for k, v in hist.items()}},
             **{{"best/" + k: v for k, v in _leaves(ck["best_params"]).items()}},
             **{{"opt/%d" % i: v for i, v in enumerate(ck["opt_leaves"])}})
''')


def _run(script, tmp_path, *args):
    env = dict(os.environ, JAX_PLATFORMS="cpu", XLA_FLAGS="--xla_cpu_multi_thread_eigen=false",
               JAX_COMPILATION_CACHE_DIR=str(tmp_path / "jax_cache"), JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS="0",
               PYTHONWARNINGS="ignore")
    return subprocess.run([sys.executable, str(script), *map(str, args)], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)


def _load(path):
    with np.load(path, allow_pickle=False) as z: return {k: z[k] for k in z.files}


def test_sigkilled_fit_resumes_bit_identical_to_uninterrupted_fit(tmp_path):
    script = tmp_path / "fit.py"
    script.write_text(_SCRIPT.format(tests=str(Path(__file__).parent)))
    kill = random.choice(range(10, TC.num_batches, TC.print_every))   # a chunk end after the first checkpoint (step 10)
    msg = f"(killed at step {kill})"
    full = _run(script, tmp_path, tmp_path / "full.npz", tmp_path / "ck_full", 0, 0)
    assert full.returncode == 0, full.stderr[-3000:]
    killed = _run(script, tmp_path, tmp_path / "killed.npz", tmp_path / "ck", kill, 0)
    assert killed.returncode == -9, f"{msg} expected death by SIGKILL, got {killed.returncode}: {killed.stderr[-2000:]}"
    assert not (tmp_path / "killed.npz").exists()
    assert f"step {kill:6d}/{TC.num_batches}" in killed.stdout and f"step {kill + 5:6d}" not in killed.stdout, msg
    resumed = _run(script, tmp_path, tmp_path / "resumed.npz", tmp_path / "ck", 0, 1)
    assert resumed.returncode == 0, f"{msg} {resumed.stderr[-3000:]}"
    assert f"at step {kill - kill % 10}\n" in resumed.stdout, f"{msg} {resumed.stdout[:500]}"   # the latest checkpoint
    a, b = _load(tmp_path / "full.npz"), _load(tmp_path / "resumed.npz")
    assert len(a["h/loss"]) == TC.num_batches and len(a["h/val_step"]) == TC.num_batches // TC.print_every, msg
    _assert_same(a, b, f"{msg} ")   # parameters, every history array, best parameters and optimizer state


# --- (b) a checkpoint of other data or other settings is refused, naming the difference -------------------------------

@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    "A 20-step fit with validation and a checkpoint every 10 steps."
    d = tmp_path_factory.mktemp("ck")
    params, hist = fit_lfads(TRAIN, HPS, replace(TC, num_batches=20), random_state=0, valid_spikes=VALID,
                             checkpoint_dir=d, checkpoint_every=10, verbose=False)
    return d, params, hist


@pytest.mark.parametrize("change, named", [
    (dict(train_spikes=np.where(np.arange(TRAIN.size).reshape(TRAIN.shape) == 5, TRAIN + 1, TRAIN)), "training data (checkpoint sha256"),
    (dict(valid_spikes=VALID[:8]), "validation data (checkpoint sha256"),
    (dict(valid_spikes=None), "validation data (checkpoint sha256"),
    (dict(hps=replace(HPS, keep_rate=0.9)), "LFADSConfig.keep_rate (checkpoint 0.98, now 0.9)"),
    (dict(tc=replace(TC, num_batches=20, step_size=0.01)), "TrainConfig.step_size (checkpoint 0.05, now 0.01)"),
    (dict(tc=replace(TC, num_batches=20, batch_size=4)), "TrainConfig.batch_size (checkpoint 8, now 4)"),
    (dict(random_state=1), "random_state (checkpoint 0, now 1)"),
    (dict(params="warm"), "initial parameters (params=) (checkpoint lfads_init, now sha256"),
])
def test_resume_refuses_a_checkpoint_of_other_data_or_settings(checkpoint, change, named):
    d, params, _ = checkpoint
    kw = dict(train_spikes=TRAIN, hps=HPS, tc=replace(TC, num_batches=20), random_state=0, valid_spikes=VALID)
    kw.update(change)
    if kw.get("params") == "warm": kw["params"] = params
    with pytest.raises(ValueError, match="Cannot resume from .*lfads-step00000020.npz") as e:
        fit_lfads(**kw, checkpoint_dir=d, resume=True, verbose=False)
    assert named in str(e.value), str(e.value)
    assert "Only TrainConfig.num_batches may differ" in str(e.value)


def test_resume_extends_training_to_the_same_result_as_one_longer_fit(checkpoint, tmp_path):
    d, _, hist20 = checkpoint
    ext = shutil.copytree(d, tmp_path / "ext")
    p40, h40 = fit_lfads(TRAIN, HPS, replace(TC, num_batches=40), random_state=0, valid_spikes=VALID, checkpoint_dir=ext,
                         resume=True, verbose=False)
    q40, g40 = fit_lfads(TRAIN, HPS, replace(TC, num_batches=40), random_state=0, valid_spikes=VALID, verbose=False)
    _assert_same(_leaves(p40), _leaves(q40)); _assert_same(h40, g40)
    np.testing.assert_array_equal(h40["loss"][:20], hist20["loss"])
    # the optimizer's step counts went on from 20: Adam's bias correction and the lr decay continued, not restarted
    counts = [int(v) for v in load_checkpoint(latest_checkpoint(ext))["opt_leaves"] if v.ndim == 0]
    assert counts and all(c == 40 for c in counts), counts
    # and resume=True on a finished run trains nothing more and returns the same result (random_state=None: the checkpoint's)
    p, h = fit_lfads(TRAIN, HPS, replace(TC, num_batches=40), random_state=None, valid_spikes=VALID, checkpoint_dir=ext,
                     resume=True, verbose=False)
    _assert_same(_leaves(p), _leaves(p40)); _assert_same(h, h40)


def test_resume_from_an_earlier_checkpoint_rewrites_the_same_later_ones(checkpoint, tmp_path):
    d, p20, hist20 = checkpoint
    (tmp_path / "lfads-step00000010.npz").write_bytes((d / "lfads-step00000010.npz").read_bytes())
    p, h = fit_lfads(TRAIN, HPS, replace(TC, num_batches=20), random_state=0, valid_spikes=VALID, checkpoint_dir=tmp_path,
                     checkpoint_every=10, resume=True, verbose=False)
    _assert_same(_leaves(p), _leaves(p20)); _assert_same(h, hist20)
    a, b = load_checkpoint(tmp_path / "lfads-step00000020.npz"), load_checkpoint(d / "lfads-step00000020.npz")
    assert a["meta"] == b["meta"]
    _assert_same(a["history"], b["history"]); _assert_same(_leaves(a["best_params"]), _leaves(b["best_params"]))


def test_warm_start_params_restarts_the_schedule_unlike_resume(checkpoint):
    _, params, hist20 = checkpoint
    _, h = fit_lfads(TRAIN, HPS, replace(TC, num_batches=10), random_state=0, params=params, verbose=False)
    np.testing.assert_array_equal(h["kl_scale"], hist20["kl_scale"][:10])   # the KL warm-up starts over at step 0
    assert not np.array_equal(h["loss"], hist20["loss"][10:])


# --- (c) validation history, early stopping and restore_best --------------------------------------------------------

def test_early_stopping_returns_the_best_validated_parameters(tmp_path):
    tc = replace(TC, num_batches=400)
    params, h = fit_lfads(TRAIN, HPS, tc, random_state=0, valid_spikes=VALID, early_stopping=3,
                          checkpoint_dir=tmp_path, checkpoint_every=50, verbose=False)
    steps, loss, best = h["val_step"], h["val_loss"], int(h["best_step"])
    np.testing.assert_array_equal(steps, np.arange(1, len(steps) + 1) * tc.print_every)   # one validation per chunk
    np.testing.assert_allclose(loss, h["val_nll"] + h["val_kl_g0"] + h["val_kl_ii"], rtol=1e-5)
    assert len(h["loss"]) == steps[-1] < tc.num_batches, "early stopping never fired"
    assert steps[-1] == best + 3 * tc.print_every                       # stopped after 3 validations without improvement
    assert loss[steps == best][0] == loss.min() and (loss[steps > best] >= loss.min()).all()
    ck = load_checkpoint(latest_checkpoint(tmp_path))                  # written at the stop
    assert ck["step"] == steps[-1] and ck["meta"]["early_stopping"]["stopped"] and ck["meta"]["early_stopping"]["best_step"] == best
    _assert_same(_leaves(params), _leaves(ck["best_params"]), "returned vs checkpointed best: ")
    assert not all(np.array_equal(a, b) for a, b in zip(_leaves(params).values(), _leaves(ck["params"]).values()))
    # restore_best=False returns the last parameters instead; everything else is the same run
    last, h2 = fit_lfads(TRAIN, HPS, tc, random_state=0, valid_spikes=VALID, early_stopping=3, restore_best=False, verbose=False)
    _assert_same(_leaves(last), _leaves(ck["params"])); _assert_same(h2, h)


@pytest.mark.parametrize("kw, msg", [
    (dict(valid_spikes=VALID[:, :, :5]), "valid_spikes has 10 time bins × 5 neurons but the model expects 10 × 12"),
    (dict(valid_spikes=-VALID - 1), "valid_spikes has negative counts"),
    (dict(valid_spikes=np.where(VALID > 2, np.nan, VALID)), "valid_spikes contains"),
    (dict(valid_spikes=VALID[0]), "valid_spikes must have 3 dimension(s)"),
    (dict(early_stopping=3), "early_stopping needs valid_spikes"),
    (dict(valid_spikes=VALID, early_stopping=0), "early_stopping must be a positive number"),
    (dict(restore_best=True), "restore_best needs valid_spikes"),
    (dict(checkpoint_dir="ck", checkpoint_every=7), "checkpoint_every=7 must be a positive multiple of TrainConfig.print_every=5"),
    (dict(resume=True), "checkpoint_every and resume need a checkpoint_dir"),
])
def test_bad_validation_or_checkpoint_arguments_fail_before_training(kw, msg, tmp_path):
    if "checkpoint_dir" in kw: kw["checkpoint_dir"] = tmp_path / kw["checkpoint_dir"]
    with pytest.raises(ValueError, match=None) as e: fit_lfads(TRAIN, HPS, TC, verbose=False, **kw)
    assert msg in str(e.value), str(e.value)


def test_resume_without_a_checkpoint_starts_fresh(tmp_path):
    p, h = fit_lfads(TRAIN, HPS, replace(TC, num_batches=10), random_state=0, checkpoint_dir=tmp_path / "new", resume=True, verbose=False)
    q, g = fit_lfads(TRAIN, HPS, replace(TC, num_batches=10), random_state=0, verbose=False)
    _assert_same(_leaves(p), _leaves(q)); _assert_same(h, g)
    # without checkpoint_every, a checkpoint per chunk; the two newest are kept
    assert sorted(f.name for f in (tmp_path / "new").iterdir()) == ["lfads-step00000005.npz", "lfads-step00000010.npz"]


# --- (d) the checkpoint files are arrays and JSON, readable without pickle ---------------------------------------------

def test_checkpoint_files_load_without_pickle(checkpoint):
    d, params, hist = checkpoint
    files = sorted(f.name for f in d.iterdir())
    assert files == ["lfads-step00000010.npz", "lfads-step00000020.npz"], files   # the two newest are kept
    with np.load(d / files[-1], allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    assert all(v.dtype != object for v in arrays.values())
    meta = json.loads(str(arrays["meta"]))
    assert meta["format"] == "neurolatent.lfads_checkpoint/1" and meta["step"] == 20
    assert meta["settings"]["hps"]["gen_dim"] == 8 and meta["settings"]["tc"]["num_batches"] == 20
    assert meta["settings"]["random_state"] == 0 and len(meta["settings"]["train_data"]) == 64
    assert meta["early_stopping"]["best_step"] == int(hist["best_step"])
    _assert_same({k[len("params/"):]: v for k, v in arrays.items() if k.startswith("params/")},
                 {k: np.asarray(v) for k, v in _flat(params).items()})
    _assert_same({k[len("history/"):]: v for k, v in arrays.items() if k.startswith("history/")}, hist)   # as returned


def _flat(tree, prefix=""):
    out = {}
    for k, v in tree.items():
        out.update(_flat(v, f"{prefix}{k}/") if isinstance(v, dict) else {f"{prefix}{k}": v})
    return out
