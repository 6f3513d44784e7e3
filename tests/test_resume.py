"""Checkpoints and exact resume of CEBRA fits: a fit killed with SIGKILL at a random step and resumed ends
bit-identical (on the CPU) to the uninterrupted fit of the same seed; checkpoints made with other data or other
settings are refused; `save` keeps Adam's state so `load` + `partial_fit` continues it.

The kill tests run real processes: one fits uninterrupted, one kills itself with SIGKILL from a callback at a
step drawn here at random (between checkpoints, so the steps after the last checkpoint are lost and redone), and
one resumes from the checkpoints the killed one left."""
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import torch

from neurolatent import CEBRA
from neurolatent.synthetic import buddy_like, rat_sessions
from neurolatent.training import list_checkpoints

STEPS, EVERY = 120, 25
KW = dict(model_architecture="offset10-model", batch_size=128, output_dimension=3, max_iterations=STEPS, device="cpu",
          time_offsets=10, random_state=0)

SCRIPT = textwrap.dedent("""
    import os, signal, sys, json
    import numpy as np, torch
    torch.set_num_threads(1)
    from neurolatent import CEBRA
    from neurolatent.synthetic import buddy_like, rat_sessions
    mode, kind, ckdir, kill_at, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
    kw = json.loads(sys.argv[6])
    if kind == "single":
        rat = buddy_like(seed=1)
        X, y = rat.neural[:2500], rat.continuous_index[:2500]
        Xv, yv = rat.neural[2600:], rat.continuous_index[2600:]
    else:
        rats = rat_sessions(2, neurons=(30, 20), duration=60.0, seed=2)
        X, y = [r.neural[:1800] for r in rats], [r.continuous_index[:1800] for r in rats]
        Xv, yv = [r.neural[1900:] for r in rats], [r.continuous_index[1900:] for r in rats]
    opts = dict(validation_data=(Xv, yv), validation_frequency=20)
    if mode == "kill":
        def die(step, m):
            if step == kill_at: os.kill(os.getpid(), signal.SIGKILL)
        opts.update(checkpoint_dir=ckdir, checkpoint_every=%d, callback=die, callback_frequency=1)
    elif mode == "resume":
        opts.update(checkpoint_dir=ckdir, checkpoint_every=%d, resume=True)
    m = CEBRA(**kw).fit(X, y, **opts)
    state = {k: v.numpy() for k, v in m.model_.state_dict().items()}
    np.savez(out, **{"w." + k: v for k, v in state.items()}, **{"h." + k: v for k, v in m.history_.items()})
""" % (EVERY, EVERY))


def _run(tmp_path, mode, kind, kill_at=-1):
    script = tmp_path / "fit.py"
    script.write_text(SCRIPT)
    out = tmp_path / f"{mode}.npz"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "TQDM_DISABLE": "1"}
    p = subprocess.run([sys.executable, str(script), mode, kind, str(tmp_path / "ckpt"), str(kill_at), str(out), json.dumps(KW)],
                       env=env, capture_output=True, text=True, timeout=600)
    return p, out


@pytest.mark.parametrize("kind", ["single", "multi"])
def test_sigkill_then_resume_is_bit_identical_to_the_uninterrupted_fit(tmp_path, kind):
    kill_at = random.choice([s for s in range(EVERY + 1, STEPS) if s % EVERY])  # never on a checkpoint step
    full, full_out = _run(tmp_path, "full", kind)
    assert full.returncode == 0, full.stderr[-2000:]
    killed, killed_out = _run(tmp_path, "kill", kind, kill_at)
    assert killed.returncode == -signal.SIGKILL, (killed.returncode, killed.stderr[-2000:])
    assert not killed_out.exists()
    steps_saved = [s for s, _ in list_checkpoints(tmp_path / "ckpt")]
    assert steps_saved == list(range(EVERY, kill_at, EVERY)), (kill_at, steps_saved)
    assert not [p for p in (tmp_path / "ckpt").iterdir() if not p.name.startswith("checkpoint_")]  # no half-written files
    resumed, resumed_out = _run(tmp_path, "resume", kind)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    a, b = np.load(full_out), np.load(resumed_out)
    assert sorted(a.files) == sorted(b.files)
    assert "h.val_total" in a.files and len(a["h.total"]) == STEPS
    differ = [k for k in a.files if not np.array_equal(a[k], b[k])]
    assert not differ, f"killed at step {kill_at}, resumed from step {steps_saved[-1]}: {differ} differ"


@pytest.fixture(scope="module")
def rat():
    r = buddy_like(seed=1)
    return r.neural[:2000], r.continuous_index[:2000]


def test_resume_refuses_other_data_and_other_settings(tmp_path, rat):
    X, y = rat
    CEBRA(**{**KW, "max_iterations": 20}).fit(X, y, checkpoint_dir=tmp_path, checkpoint_every=10)
    with pytest.raises(ValueError, match=r"other settings: batch_size=128 there, 64 here"):
        CEBRA(**{**KW, "max_iterations": 20, "batch_size": 64}).fit(X, y, checkpoint_dir=tmp_path, resume=True)
    X2 = X.copy(); X2[5, 3] += 1
    with pytest.raises(ValueError, match=r"other data: X differs"):
        CEBRA(**{**KW, "max_iterations": 20}).fit(X2, y, checkpoint_dir=tmp_path, resume=True)
    with pytest.raises(ValueError, match=r"other data: y differs"):
        CEBRA(**{**KW, "max_iterations": 20}).fit(X, y[::-1].copy(), checkpoint_dir=tmp_path, resume=True)
    with pytest.raises(ValueError, match=r"resume=True needs checkpoint_dir"):
        CEBRA(**KW).fit(X, y, resume=True)


def test_extending_a_finished_fit_equals_the_longer_fit(tmp_path, rat):
    X, y = rat
    short = CEBRA(**{**KW, "max_iterations": 40}).fit(X, y, checkpoint_dir=tmp_path, checkpoint_every=20)
    longer = CEBRA(**{**KW, "max_iterations": 70}).fit(X, y, checkpoint_dir=tmp_path, resume=True)
    straight = CEBRA(**{**KW, "max_iterations": 70}).fit(X, y)
    assert np.array_equal(longer.loss_, straight.loss_) and np.array_equal(longer.loss_[:40], short.loss_)
    for (k, v), w in zip(longer.model_.state_dict().items(), straight.model_.state_dict().values()):
        assert torch.equal(v, w), k
    again = CEBRA.resume(tmp_path, X, y)  # the settings come from the checkpoint: its fit (70 steps) is done
    assert np.array_equal(again.loss_, straight.loss_)


def test_a_checkpoint_loads_like_a_saved_model(tmp_path, rat):
    X, y = rat
    m = CEBRA(**{**KW, "max_iterations": 30}).fit(X, y, checkpoint_dir=tmp_path, checkpoint_every=10)
    last = list_checkpoints(tmp_path)[-1][1]
    assert np.array_equal(CEBRA.load(last).transform(X[:200]), m.transform(X[:200]))
    assert torch.load(last, weights_only=True)["rng"]["generators"]  # the sampler's stream is in it, no pickle needed


def test_save_keeps_adam_so_load_then_partial_fit_continues_it(tmp_path, rat):
    X, y = rat
    kw = {**KW, "max_iterations": 30}
    mem = CEBRA(**kw).fit(X, y); mem.partial_fit(X, y)
    disk = CEBRA.load(CEBRA(**kw).fit(X, y).save(tmp_path / "m.pt")); disk.partial_fit(X, y)
    assert np.array_equal(mem.loss_, disk.loss_)
    for (k, v), w in zip(mem.model_.state_dict().items(), disk.model_.state_dict().values()):
        assert torch.equal(v, w), k
    fresh = CEBRA.load(CEBRA(**kw).fit(X, y).save(tmp_path / "m2.pt"))
    fresh.optimizer_ = type(fresh.optimizer_)(fresh.model_.parameters(), lr=fresh.learning_rate)  # what a restart of Adam does
    fresh.partial_fit(X, y)
    assert not np.array_equal(fresh.loss_, mem.loss_)  # …which the comparison above would have caught


def test_an_adapted_model_saves_its_frozen_layers_and_optimizer(tmp_path, rat):
    X, y = rat
    pre = CEBRA(**{**KW, "max_iterations": 20}).fit(X[:, :30], y)
    ad = pre.adapt(X[:, 30:], y, steps=10)
    back = CEBRA.load(ad.save(tmp_path / "a.pt"))
    assert [n for n, p in back.model_.named_parameters() if p.requires_grad] == ["first.weight", "first.bias"]
    assert back.adapted_ == ad.adapted_
    assert len(back.optimizer_.param_groups[0]["params"]) == 2


def test_resume_keeps_the_loop_options_and_the_early_stopping_state(tmp_path, rat):
    X, y = rat
    Xtr, ytr, val = X[:600], y[:600], (X[1200:], y[1200:])   # few training bins: the held-out loss soon stops improving
    kw = {**KW, "max_iterations": 1500, "random_state": 1}
    opts = dict(validation_data=val, validation_frequency=20, early_stopping=3)
    straight = CEBRA(**kw).fit(Xtr, ytr, **opts)
    assert hasattr(straight, "stopped_step_"), "the fit must stop early for this test to mean anything"

    def interrupt(step, m):
        if step == straight.best_step_ + 30: raise KeyboardInterrupt  # after the best weights were kept, before the stop
    with pytest.raises(KeyboardInterrupt):
        CEBRA(**kw).fit(Xtr, ytr, **opts, checkpoint_dir=tmp_path, checkpoint_every=20, callback=interrupt, callback_frequency=10)
    resumed = CEBRA.resume(tmp_path, Xtr, ytr, validation_data=val)  # early_stopping and frequencies come from the checkpoint
    assert resumed.stopped_step_ == straight.stopped_step_ and resumed.best_step_ == straight.best_step_
    assert np.array_equal(resumed.history_["val_total"], straight.history_["val_total"])
    for (k, v), w in zip(resumed.model_.state_dict().items(), straight.model_.state_dict().values()):
        assert torch.equal(v, w), k   # the best weights, restored in both
    with pytest.raises(ValueError, match="need validation data"):
        CEBRA.resume(tmp_path, Xtr, ytr)
