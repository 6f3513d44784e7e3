"""A library must not touch its caller's random generators: after every public call that trains, evaluates or
resumes, Python's `random`, NumPy's global and torch's global streams are exactly where they were, and the
model is the same whatever the caller did to those streams before (a fit depends on `random_state` alone)."""
import random

import numpy as np
import pytest
import torch

from neurolatent import CEBRA
from neurolatent.decoders import KNNDecoder, decode, shuffle_labels
from neurolatent.metrics import consistency_score, goodness_of_fit_score, infonce_loss
from neurolatent.synthetic import buddy_like, rat_sessions

KW = dict(model_architecture="offset10-model", batch_size=64, output_dimension=3, max_iterations=20, device="cpu",
          time_offsets=5, random_state=0, max_adapt_iterations=10)


def _states():
    return random.getstate(), np.random.get_state(), torch.get_rng_state().clone()


def _assert_same(before, after):
    assert before[0] == after[0], "Python's random state changed"
    for a, b in zip(before[1], after[1]): np.testing.assert_array_equal(a, b, err_msg="NumPy's global state changed")
    assert torch.equal(before[2], after[2]), "torch's global generator changed"


@pytest.fixture(scope="module")
def data():
    rat = buddy_like(seed=1)
    rats = rat_sessions(2, neurons=(20, 15), duration=30.0, seed=2)
    return rat.neural[:1500], rat.continuous_index[:1500], rats


def _calls(data, tmp):
    X, y, rats = data
    fitted = CEBRA(**KW).fit(X, y)
    multi = CEBRA(**KW).fit([r.neural for r in rats], [r.continuous_index for r in rats])
    return {
        "fit": lambda: CEBRA(**KW).fit(X, y),
        "fit random_state=None": lambda: CEBRA(**{**KW, "random_state": None}).fit(X),
        "partial_fit": lambda: CEBRA(**KW).partial_fit(X, y),
        "fit_transform": lambda: CEBRA(**KW).fit_transform(X, y),
        "multi-session fit": lambda: CEBRA(**KW).fit([r.neural for r in rats], [r.continuous_index for r in rats]),
        "adapt": lambda: multi.adapt(rats[0].neural, rats[0].continuous_index),
        "checkpointed fit and resume": lambda: (CEBRA(**KW).fit(X, y, checkpoint_dir=tmp, checkpoint_every=10),
                                                CEBRA(**KW).fit(X, y, checkpoint_dir=tmp, resume=True)),
        "validation": lambda: CEBRA(**KW).fit(X[:1200], y[:1200], validation_data=(X[1200:], y[1200:]),
                                              validation_frequency=5),
        "transform": lambda: fitted.transform(X),
        "goodness_of_fit_score": lambda: goodness_of_fit_score(fitted, X, y),
        "infonce_loss": lambda: infonce_loss(fitted, X, y, num_batches=3),
        "consistency_score": lambda: consistency_score([fitted.transform(X)] * 2, between="runs"),
        "decode": lambda: decode(fitted.transform(X), y[:, 0], KNNDecoder()),
        "shuffle_labels": lambda: shuffle_labels(y, random_state=3),
    }


NAMES = ["fit", "fit random_state=None", "partial_fit", "fit_transform", "multi-session fit", "adapt",
         "checkpointed fit and resume", "validation", "transform", "goodness_of_fit_score", "infonce_loss",
         "consistency_score", "decode", "shuffle_labels"]


@pytest.mark.parametrize("name", NAMES)
def test_public_calls_leave_the_callers_generators_alone(data, tmp_path, name):
    call = _calls(data, tmp_path)[name]
    random.seed(11); np.random.seed(11); torch.manual_seed(11)
    before = _states()
    call()
    _assert_same(before, _states())


def test_a_fit_depends_on_random_state_alone(data):
    X, y, _ = data
    torch.manual_seed(1); np.random.seed(1); random.seed(1)
    a = CEBRA(**KW).fit(X, y).transform(X)
    torch.manual_seed(2); np.random.seed(2); random.seed(2); torch.rand(100)
    b = CEBRA(**KW).fit(X, y).transform(X)
    np.testing.assert_array_equal(a, b)
    c = CEBRA(**{**KW, "random_state": 1}).fit(X, y).transform(X)
    assert not np.allclose(a, c)
