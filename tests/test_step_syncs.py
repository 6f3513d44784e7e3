"""No training step makes the host wait for the device: every kind of fit's `step()` runs under `training.host_syncs`
with the sampler and the loss on the branches a GPU takes (distance-matrix neighbour search, plain InfoNCE), and
the record must be empty. The loop's own history copy every `sync_every` steps happens outside `step()`."""
import numpy as np
import pytest

import neurolatent.multisession  # noqa: F401  (multi-session fits and adapt)
import neurolatent.sampling as sampling
from neurolatent.cebra import CEBRA


@pytest.fixture
def gpu_branches(watch_steps):
    "Record every step's host waits, with the CPU-only branches (k-d trees, blocked loss) switched off."
    return watch_steps(on_cuda=False)


def _data(T=400, N=12, seed=0):
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 8 * np.pi, T)
    pos = np.stack([np.sin(t), np.cos(t)], 1).astype(np.float32)
    X = (np.abs(pos @ rng.normal(size=(2, N))) + 0.1 * rng.random((T, N))).astype(np.float32)
    return X, pos, (t % 3).astype(np.int64)


KW = dict(batch_size=64, max_iterations=6, output_dimension=4, num_hidden_units=8, random_state=0, device="cpu")

CASES = {
    "time": (dict(model_architecture="offset10-model"), lambda X, y, c: (X,)),
    "time_offsets tuple, learned temperature": (dict(model_architecture="offset10-model", time_offsets=(1, 3),
                                                     temperature_mode="auto"), lambda X, y, c: (X,)),
    "behaviour time_delta": (dict(model_architecture="offset10-model"), lambda X, y, c: (X, y)),
    "behaviour delta, offset1": (dict(model_architecture="offset1-model", conditional="delta", delta=0.1), lambda X, y, c: (X, y)),
    "discrete": (dict(model_architecture="offset5-model"), lambda X, y, c: (X, c)),
    "mixed": (dict(model_architecture="offset5-model"), lambda X, y, c: (X, y, c)),
    "hybrid": (dict(model_architecture="offset10-model", hybrid=True), lambda X, y, c: (X, y)),
    "euclidean": (dict(model_architecture="offset10-model", distance="euclidean"), lambda X, y, c: (X, y)),
    "jacobian regularisation": (dict(model_architecture="offset10-model", jacobian_regularization=0.1), lambda X, y, c: (X, y)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_single_session_steps_never_wait(gpu_branches, case):
    params, args = CASES[case]
    X, y, c = _data()
    CEBRA(**KW, **params).fit(*args(X, y, c))
    assert gpu_branches == []


@pytest.mark.parametrize("labels", ["continuous", "mixed"])
def test_multi_session_and_adapt_steps_never_wait(gpu_branches, labels):
    sessions = [_data(T=300 + 50 * i, N=10 + i, seed=i) for i in range(3)]
    Xs = [s[0] for s in sessions]
    ys = ([s[1] for s in sessions],) + (([s[2] for s in sessions],) if labels == "mixed" else ())
    est = CEBRA(**KW, model_architecture="offset10-model").fit(Xs, *ys)
    X, y, c = _data(T=350, N=9, seed=7)
    est.adapt(X, y, *((c,) if labels == "mixed" else ()), steps=4)
    assert gpu_branches == []


def test_the_record_catches_a_step_that_waits(gpu_branches, monkeypatch):
    "The check can fail: a sampler that reads a tensor on the host inside the step is caught, with its place."
    real = sampling.Sampler.sample
    def leaky(self, batch_size):
        b = real(self, batch_size)
        if b.reference.max() > self.n + self.lo: raise AssertionError  # a tensor in an `if`: the host waits
        return b
    monkeypatch.setattr(sampling.Sampler, "sample", leaky)
    X, y, _ = _data()
    CEBRA(**KW, model_architecture="offset10-model").fit(X, y)
    assert gpu_branches and gpu_branches[0][0] == "__bool__" and "test_step_syncs.py" in gpu_branches[0][1]
