"""neurolatent against the upstream `cebra` package on identical inputs: the shared definitions must agree.

Skipped when `cebra` is not installed (`make test` installs it through the `bench` extra). Each test feeds both
packages the same embeddings, labels or network weights and compares the outputs to 1e-6 (float64 metrics) or to
float32 round-off (network outputs).
"""
import math

import numpy as np
import pytest
import torch

cebra = pytest.importorskip("cebra")
from cebra.integrations.sklearn import metrics as up_metrics  # noqa: E402
from cebra.integrations.sklearn import decoder as up_decoder  # noqa: E402
from cebra.data.helper import OrthogonalProcrustesAlignment as UpProcrustes  # noqa: E402

from neurolatent import decoders, metrics  # noqa: E402
from neurolatent.cebra import CEBRA  # noqa: E402
from neurolatent.sampling import Batch  # noqa: E402
from neurolatent.synthetic import buddy_like  # noqa: E402


@pytest.fixture(scope="module")
def rat():
    return buddy_like(seed=0)


def _structured_embeddings(n_runs, T=1500, D=3, seed=0):
    "Embeddings that share a latent (so scores span a useful range), plus noise of varying size."
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(T, D))
    out = []
    for k in range(n_runs):
        Q = np.linalg.qr(rng.normal(size=(D, D)))[0]
        out.append((latent @ Q + (0.2 + 0.4 * k) * rng.normal(size=(T, D))).astype(np.float32))
    return out


def test_consistency_between_runs_matches_upstream():
    embs = _structured_embeddings(4)
    ours = metrics.consistency_score(embs, between="runs")
    theirs = up_metrics.consistency_score([e.copy() for e in embs], between="runs")
    np.testing.assert_allclose(ours[0], theirs[0], rtol=0, atol=1e-6)
    np.testing.assert_array_equal(ours[1], theirs[1])
    np.testing.assert_array_equal(ours[2], theirs[2])
    assert ours[0].min() < 0.3 < 0.6 < ours[0].max()  # the scores span a range: the comparison has teeth


def test_consistency_between_datasets_matches_upstream():
    rng = np.random.default_rng(1)
    embs, labels = [], []
    for k, T in enumerate((1200, 900, 1500)):
        pos = rng.uniform(0, 1.6, T)
        ring = np.stack([np.cos(pos * 3), np.sin(pos * 3), pos], 1)
        Q = np.linalg.qr(rng.normal(size=(3, 3)))[0]
        embs.append((ring @ Q + 0.3 * (k + 1) * rng.normal(size=(T, 3))).astype(np.float32))
        labels.append(pos)
    for bins in (100, 37):
        ours = metrics.consistency_score(embs, between="datasets", labels=labels, dataset_ids=["a", "b", "c"],
                                         num_discretization_bins=bins)
        theirs = up_metrics.consistency_score([e.copy() for e in embs], between="datasets", labels=[l.copy() for l in labels],
                                              dataset_ids=["a", "b", "c"], num_discretization_bins=bins)
        np.testing.assert_allclose(ours[0], theirs[0], rtol=0, atol=1e-6)
        np.testing.assert_array_equal(ours[1], theirs[1])
        np.testing.assert_array_equal(ours[2], theirs[2])
    # repeated ids: both average the scores of the same pair of ids (upstream also returns every unaveraged pair)
    ours = metrics.consistency_score(embs, between="datasets", labels=labels, dataset_ids=["a", "a", "b"])
    theirs = up_metrics.consistency_score([e.copy() for e in embs], between="datasets", labels=[l.copy() for l in labels],
                                          dataset_ids=["a", "a", "b"])
    np.testing.assert_allclose(ours[0], theirs[0], rtol=0, atol=1e-6)


def test_goodness_of_fit_conversion_matches_upstream():
    loss = np.linspace(4.0, 7.0, 50)
    for B, S in ((512, 1), (128, 4), (7, 3)):
        np.testing.assert_allclose(metrics.infonce_to_goodness_of_fit(loss, B, S),
                                   up_metrics.infonce_to_goodness_of_fit(loss, batch_size=B, num_sessions=S), rtol=0, atol=1e-9)


@pytest.fixture(scope="module")
def fitted_pair(rat):
    "An upstream CEBRA-Behavior model and a neurolatent model carrying the same weights."
    X, y = rat.neural[:3000], rat.continuous_index[:3000]
    kw = dict(model_architecture="offset10-model", batch_size=128, output_dimension=3, num_hidden_units=16,
              temperature=1.0, time_offsets=10, max_iterations=30, device="cpu")
    torch.manual_seed(0)
    up = cebra.CEBRA(**kw, conditional="time_delta", verbose=False).fit(X, y)
    ours = CEBRA(**kw, random_state=0).fit(X, y)
    with torch.no_grad():
        theirs_p, ours_p = list(up.model_.parameters()), list(ours.model_.parameters())
        assert [p.shape for p in theirs_p] == [p.shape for p in ours_p]
        for a, b in zip(ours_p, theirs_p): a.copy_(b)
    return up, ours, X, y


def test_goodness_of_fit_history_matches_upstream(fitted_pair):
    up, ours, _, _ = fitted_pair
    up_loss = np.asarray(up.state_dict_["log"]["total"])
    ours.history_ = {**ours.history_, "total": up_loss}
    np.testing.assert_allclose(metrics.goodness_of_fit_history(ours), up_metrics.goodness_of_fit_history(up), rtol=0, atol=1e-6)


def test_same_weights_give_the_same_embedding_and_infonce(fitted_pair):
    up, ours, X, y = fitted_pair
    Xt = torch.as_tensor(X)
    left = ours.offset_.left
    up.model_.eval()
    rng = np.random.default_rng(0)
    idx = rng.integers(left, len(X) - ours.offset_.right, size=(3, 128))
    windows = torch.stack([Xt[i - left:i - left + ours.offset_.receptive_field].T for i in idx.reshape(-1)])
    with torch.no_grad():
        z_up = up.model_(windows)
        z_ours = ours.model_.embed_windows(Xt, torch.as_tensor(idx.reshape(-1)) - left)
        np.testing.assert_allclose(z_ours.numpy(), z_up.numpy(), rtol=0, atol=1e-5)
        ref, pos, neg = z_up.split(128)
        up_crit = up.solver_.criterion
        up_loss = up_crit(ref, pos, neg)[0]
        b = Batch(*(torch.as_tensor(i) for i in idx))
        our_loss = metrics._batch_loss(ours, Xt, b, 128)
    assert math.isclose(float(our_loss), float(up_loss), abs_tol=1e-5)
    # transform agrees on every point whose window lies inside the recording
    inner = slice(left, len(X) - ours.offset_.right)
    np.testing.assert_allclose(ours.transform(X)[inner], up.transform(X)[inner], rtol=0, atol=1e-5)


def test_knn_decoding_matches_upstream(rat):
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(len(rat.neural), 3)).astype(np.float32) + rat.continuous_index[:, :1] * [1, -2, 0.5]
    pos = rat.continuous_index[:, 0].astype(np.float64)
    tr, te = np.arange(0, 5000), np.arange(5100, len(pos))
    for k in (1, 9, 36):
        ours = decoders.KNNDecoder(n_neighbors=k, metric="cosine").fit(emb[tr], pos[tr])
        theirs = up_decoder.KNNDecoder(n_neighbors=k, metric="cosine").fit(emb[tr], pos[tr])
        np.testing.assert_allclose(ours.predict(emb[te]), theirs.predict(emb[te]), rtol=0, atol=1e-6)
        assert math.isclose(ours.score(emb[te], pos[te]), theirs.score(emb[te], pos[te]), abs_tol=1e-6)
    direction = (rat.continuous_index[:, 1] > 0.5).astype(np.int64)
    ours = decoders.KNNDecoder(n_neighbors=9).fit(emb[tr], direction[tr]).predict(emb[te])
    theirs = up_decoder.KNNDecoder(n_neighbors=9).fit(emb[tr], direction[tr]).predict(emb[te])
    np.testing.assert_array_equal(ours, theirs)
    ours = decoders.L1LinearRegressor(alpha=0.01).fit(emb[tr], pos[tr]).predict(emb[te])
    theirs = up_decoder.L1LinearRegressor(alpha=0.01).fit(emb[tr], pos[tr]).predict(emb[te])
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-6)


def test_procrustes_matches_upstream():
    rng = np.random.default_rng(2)
    ref = rng.normal(size=(800, 3))
    Q = np.linalg.qr(rng.normal(size=(3, 3)))[0]
    data = ref @ Q.T + 0.3 * rng.normal(size=ref.shape)
    # through continuous labels (no ties), top_k neighbours in label space
    ref_lab, lab = rng.uniform(size=(800, 1)), rng.uniform(size=(600, 1))
    ours = metrics.OrthogonalProcrustesAlignment(top_k=5).fit(ref, data[:600], ref_lab, lab).rotation_
    theirs = UpProcrustes(top_k=5).fit(ref, data[:600], ref_lab, lab)._transform
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-6)
    # point-to-point (same recording, no labels) is upstream's top_k=1 case
    ours = metrics.OrthogonalProcrustesAlignment().fit(ref, data).rotation_
    theirs = UpProcrustes(top_k=1).fit(ref, data)._transform
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-6)
