"""`neurolatent.attribution` against upstream `cebra.attribution` on the same weights, and its refusals of bad input.

The parity tests need upstream cebra's attribution module (which imports captum and cvxpy; `make test` installs
them with the `bench` extra) and are skipped without it. Upstream computes every map in reverse mode on windows
of the recording that lie inside it; ours are compared on those time points (the padded edges have no upstream
counterpart). The Jacobian and neuron-gradient maps must agree to 1e-5.
"""
import subprocess
import sys

import numpy as np
import pytest
import torch
from sklearn.exceptions import NotFittedError
from sklearn.metrics import roc_auc_score

from neurolatent import multisession  # noqa: F401  (multi-session fits)
from neurolatent.attribution import METHODS, attribute, attribution_auc, attribution_ground_truth
from neurolatent.cebra import CEBRA

KW = dict(output_dimension=3, num_hidden_units=16, batch_size=128, max_iterations=30, time_offsets=5, device="cpu", random_state=0)


@pytest.fixture(scope="module")
def truth():
    return attribution_ground_truth(T=1500, seed=0)


@pytest.fixture(scope="module")
def model(truth):
    return CEBRA(model_architecture="offset10-model", **KW).fit(truth.neural, truth.latent)


def _upstream(arch, encoder):
    "An upstream encoder of architecture `arch` carrying `encoder`'s weights (both list their parameters in the same order)."
    import cebra.models
    up = cebra.models.init(arch, num_neurons=encoder.num_input, num_units=KW["num_hidden_units"], num_output=encoder.num_output)
    with torch.no_grad():
        theirs, ours = list(up.parameters()), list(encoder.parameters())
        assert [p.shape for p in theirs] == [p.shape for p in ours]
        for a, b in zip(theirs, ours): a.copy_(b)
    return up.eval()


def _upstream_map(name, up, X, **kw):
    import cebra.attribution
    a = cebra.attribution.init(name, model=up, input_data=torch.as_tensor(X), output_dimension=up.num_output)
    a.input_data.requires_grad_(True)  # upstream's Jacobian differentiates with respect to its input windows
    return a.compute_attribution_map(**kw)


def _inner(est, maps):
    "The time points whose window lies inside the recording: the ones upstream computes."
    off = est.offset_
    return maps[off.left:len(maps) - off.right + 1]


@pytest.mark.parametrize("arch", ["offset10-model", "offset5-model", "offset36-model", "offset1-model", "offset10-model-mse"])
def test_jacobian_and_neuron_gradient_match_upstream(truth, arch):
    pytest.importorskip("cebra.attribution")
    X = truth.neural[:1200]
    est = CEBRA(model_architecture=arch, **{**KW, "max_iterations": 10}).fit(X, truth.latent[:1200])
    up = _upstream(arch, est.model_)
    jf = _upstream_map("jacobian-based-batched", up, X, batch_size=512)
    ng = _upstream_map("neuron-gradient-batched", up, X, batch_size=512)
    ours_jf = _inner(est, attribute(est, X, method="jacobian", aggregate=None))
    ours_ng = _inner(est, attribute(est, X, method="neuron-gradient", aggregate=None))
    assert ours_jf.shape == jf["jf"].shape == ng["neuron-gradient"].shape
    assert np.abs(jf["jf"]).max() > 1e-3  # a map with something in it
    np.testing.assert_allclose(ours_jf, jf["jf"], rtol=0, atol=1e-5)
    np.testing.assert_allclose(ours_ng, ng["neuron-gradient"], rtol=0, atol=1e-5)
    # the pseudo-inverse: upstream's SVD inverse (its lstsq inverse inverts round-off for unit-length embeddings)
    inv = _inner(est, attribute(est, X, method="jacobian-invert", aggregate=None))
    np.testing.assert_allclose(inv, jf["jf-inv-svd"], rtol=0, atol=1e-4 * max(1.0, np.abs(inv).max()))
    # the aggregate over upstream's time points is upstream's map, averaged
    np.testing.assert_allclose(np.abs(ours_jf).mean(0), np.abs(jf["jf"]).mean(0), rtol=0, atol=1e-6)


def test_integrated_gradients_match_upstream(truth, model):
    pytest.importorskip("cebra.attribution")
    X = truth.neural[:300]
    up = _upstream("offset10-model", model.model_)
    ig = _upstream_map("integrated-gradients-batched", up, X, n_steps=20, batch_size=512)["integrated-gradients"]
    ours = _inner(model, attribute(model, X, method="integrated-gradients", baseline="zero", n_steps=20, aggregate=None))
    np.testing.assert_allclose(ours, ig, rtol=0, atol=1e-5)


def test_multisession_encoder_matches_upstream():
    pytest.importorskip("cebra.attribution")
    s = [attribution_ground_truth(T=1200, n_noise=k, seed=i) for i, k in enumerate((10, 5))]
    est = CEBRA(model_architecture="offset10-model", **KW).fit([g.neural for g in s], [g.latent for g in s])
    up = _upstream("offset10-model", est.model_[1])
    jf = _upstream_map("jacobian-based-batched", up, s[1].neural, batch_size=512)["jf"]
    np.testing.assert_allclose(_inner(est, attribute(est, s[1].neural, session_id=1, aggregate=None)), jf, rtol=0, atol=1e-5)


def test_every_method_has_the_documented_shapes(truth, model):
    X = truth.neural[:200]
    for m in METHODS:
        maps = attribute(model, X, method=m, aggregate=None, n_steps=4)
        assert maps.shape == (200, 3, X.shape[1]) and maps.dtype == np.float32, m
        np.testing.assert_allclose(attribute(model, X, method=m, n_steps=4), np.abs(maps).mean(0), rtol=0, atol=1e-5)


def test_attribution_auc_is_the_roc_auc_of_the_pooled_scores(truth):
    rng = np.random.default_rng(0)
    A = rng.random((3, truth.neural.shape[1]))
    assert attribution_auc(A, truth.driving) == pytest.approx(roc_auc_score(truth.driving, A.sum(0)))
    perfect = np.where(truth.driving, 1.0, 0.1)[None].repeat(3, 0)
    assert attribution_auc(perfect, truth.driving) == 1.0
    assert attribution_auc(-perfect, truth.driving) == 1.0  # magnitudes are scored, not signs
    assert attribution_auc(np.stack([perfect] * 4), truth.driving) == 1.0  # (T, D, N) maps are averaged over time


@pytest.mark.parametrize("call, exc, match", [
    (lambda m, X: attribute(CEBRA(), X), NotFittedError, "not fitted yet"),
    (lambda m, X: attribute(m, X[:, :-3]), ValueError, r"X has \d+ features, but CEBRA is expecting \d+ features as input"),
    (lambda m, X: attribute(m, X, session_id=1), ValueError, "fitted on one session; omit session_id"),
    (lambda m, X: attribute(m, X, method="saliency"), ValueError, "Unknown method 'saliency'; options: 'jacobian', 'jacobian-invert', 'neuron-gradient'"),
    (lambda m, X: attribute(m, np.where(np.arange(len(X))[:, None] == 3, np.nan, X)), ValueError, r"non-finite value\(s\) \(NaN\), first at row 3"),
    (lambda m, X: attribute(m, X, batch_size=0), ValueError, "batch_size must be a positive integer or None"),
    (lambda m, X: attribute(m, X, batch_size=10.0), ValueError, "batch_size must be a positive integer or None"),
    (lambda m, X: attribute(m, X, aggregate="sum"), ValueError, "Unknown aggregate 'sum'"),
    (lambda m, X: attribute(m, X, baseline="median"), ValueError, "Unknown baseline 'median'"),
    (lambda m, X: attribute(m, X, n_steps=-1), ValueError, "n_steps must be a positive integer"),
    (lambda m, X: attribute(m.model_, X), TypeError, "model must be a fitted neurolatent CEBRA"),
    (lambda m, X: attribute(m, [X, X]), ValueError, "one recording at a time"),
    (lambda m, X: attribute(m, X[:, 0]), ValueError, "must have 2 dimension"),
])
def test_bad_input_is_refused_before_any_computation(truth, model, call, exc, match, monkeypatch):
    def fail(*a, **k): raise AssertionError("computed before checking")
    import neurolatent.attribution as att
    for name in ("_conv_jacobian", "_reverse_jacobian", "_feature_ablation", "_integrated_gradients"): monkeypatch.setattr(att, name, fail)
    with pytest.raises(exc, match=match):
        call(model, truth.neural[:100])


def test_multisession_errors_name_the_session(truth):
    s = [attribution_ground_truth(T=800, n_noise=k, seed=i) for i, k in enumerate((10, 5))]
    est = CEBRA(model_architecture="offset10-model", **{**KW, "max_iterations": 5}).fit([g.neural for g in s], [g.latent for g in s])
    with pytest.raises(ValueError, match=r"pass session_id \(0 to 1\) to choose the encoder \(session 1 has 35 neurons\)"):
        attribute(est, s[1].neural)
    with pytest.raises(ValueError, match="session_id must be an integer from 0 to 1"):
        attribute(est, s[1].neural, session_id=5)
    with pytest.raises(ValueError, match=r"X has 40 features, but CEBRA is expecting 35 features as input \(session 1\). Pass session_id=0."):
        attribute(est, s[0].neural, session_id=1)
    assert attribute(est, s[1].neural, session_id=1).shape == (3, 35)


def test_integrated_gradients_without_captum_names_the_package(truth, model, monkeypatch):
    monkeypatch.setitem(sys.modules, "captum.attr", None)  # as if captum were not installed
    with pytest.raises(ImportError, match="needs captum: pip install captum"):
        attribute(model, truth.neural[:50], method="integrated-gradients")
    assert attribute(model, truth.neural[:50]).shape == (3, truth.neural.shape[1])  # the other methods do not need it


def test_importing_the_module_does_not_import_captum_or_matplotlib():
    code = ("import sys, neurolatent.attribution; "
            "bad = [m for m in ('captum', 'matplotlib') if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_attribute_leaves_the_model_and_the_global_random_streams_alone(truth, model):
    import random
    before = (random.getstate(), np.random.get_state()[1].copy(), torch.get_rng_state().clone())
    params = [p.detach().clone() for p in model.model_.parameters()]
    model.model_.train()
    for m in METHODS: attribute(model, truth.neural[:100], method=m, n_steps=4)
    assert model.model_.training  # the train/eval mode is restored
    model.model_.eval()
    assert all(torch.equal(a, b) for a, b in zip(params, model.model_.parameters()))
    assert all(p.requires_grad for p in model.model_.parameters())
    assert random.getstate() == before[0] and np.array_equal(np.random.get_state()[1], before[1])
    assert torch.equal(torch.get_rng_state(), before[2])


@pytest.mark.parametrize("arch, dims", [("offset10-model", (2, 8)), ("offset10-model-mse", (1, 8)), ("offset5-model", (5,))])
def test_forward_mode_jacobian_equals_reverse_mode_at_every_output_dimension(truth, arch, dims):
    "`jacobian` (forward mode through the convolutions) and `neuron-gradient` (reverse mode, window by window) are one quantity."
    X = truth.neural[:600]
    for D in dims:
        est = CEBRA(model_architecture=arch, **{**KW, "output_dimension": D, "max_iterations": 10}).fit(X, truth.latent[:600])
        fwd = attribute(est, X, method="jacobian", aggregate=None, batch_size=250)
        rev = attribute(est, X, method="neuron-gradient", aggregate=None)
        assert fwd.shape == (600, D, X.shape[1]) and np.abs(rev).max() > 1e-4, (arch, D)
        np.testing.assert_allclose(fwd, rev, rtol=0, atol=1e-5 * max(1.0, np.abs(rev).max()), err_msg=f"{arch} D={D}")


def test_a_silent_neuron_keeps_its_initial_weights_and_jacobian_regularization_shrinks_its_map(truth):
    """What the rat tutorial finds: a neuron that never fires gets no gradient from the loss, so the plain model's Jacobian
    for it is whatever the initial weights give; the Jacobian penalty acts on the weights themselves and shrinks it."""
    silent = np.flatnonzero(truth.driving)[:3]  # three latent-driving neurons, zeroed: ones the model would otherwise use
    X = truth.neural.copy(); X[:, silent] = 0
    kw = {**KW, "max_iterations": 300, "learning_rate": 3e-3}
    first = CEBRA(model_architecture="offset10-model", **{**kw, "max_iterations": 1}).fit(X, truth.latent)
    plain = CEBRA(model_architecture="offset10-model", **kw).fit(X, truth.latent)
    reg = CEBRA(model_architecture="offset10-model", **kw, jacobian_regularization=0.1).fit(X, truth.latent)
    w0, w = first.model_.first.weight.detach(), plain.model_.first.weight.detach()
    active = np.setdiff1d(np.arange(X.shape[1]), silent)
    torch.testing.assert_close(w[:, silent], w0[:, silent], rtol=0, atol=0)  # untouched by 300 steps of training
    assert (w[:, active] - w0[:, active]).abs().mean() > 1e-3  # while the others learned
    share = lambda est: (lambda s: s[silent].mean() / s[active].mean())(attribute(est, X).sum(0))
    assert share(plain) > 0.1  # the untrained weights give the silent neurons a map of their own
    assert share(reg) < 0.5 * share(plain)
