"""The GPU speed options, checked on the CPU: `precision='bf16-mixed'` and `torch_compile` in every kind of fit,
their resumability, and the streamed `transform` (chunks, replicate padding, dtypes) against a direct reference."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import neurolatent.multisession  # noqa: F401
from neurolatent.cebra import CEBRA

KW = dict(batch_size=64, max_iterations=8, output_dimension=4, num_hidden_units=8, random_state=0, device="cpu")
AOT = {"backend": "aot_eager", "fullgraph": True}   # traces and differentiates like the default backend, no code generation


def _data(T=400, N=12, seed=0):
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 8 * np.pi, T)
    pos = np.stack([np.sin(t), np.cos(t)], 1).astype(np.float32)
    X = (np.abs(pos @ rng.normal(size=(2, N))) + 0.1 * rng.random((T, N))).astype(np.float32)
    return X, pos, (t % 3).astype(np.int64)


def _reference_transform(m, X, pad):
    "The whole (padded) recording through the encoder at once: what the streamed transform must reproduce."
    Xt, off = torch.as_tensor(X, dtype=torch.float32), m.offset_
    if pad and off.receptive_field > 1: Xt = F.pad(Xt.T[None], off.pad(), mode="replicate")[0].T
    with torch.no_grad(): z = m.model_(Xt if off.receptive_field == 1 else Xt.T[None])
    return (z[0].T if z.dim() == 3 else z).numpy()


@pytest.mark.parametrize("arch", ["offset1-model", "offset5-model", "offset36-model"])
def test_streamed_transform_equals_the_whole_recording_at_once(arch):
    X, y, _ = _data(T=300)
    m = CEBRA(**KW, model_architecture=arch).fit(X, y)
    for pad in (True, False):
        m.pad_before_transform = pad
        want = _reference_transform(m, X, pad)
        assert want.shape == ((300 if pad else 300 - m.offset_.receptive_field + 1), 4)
        for bs in (None, 1, 7, 40, 299, 300, 10_000):
            np.testing.assert_allclose(m.transform(X, batch_size=bs), want, atol=2e-6, err_msg=f"pad={pad} batch_size={bs}")
        np.testing.assert_allclose(m.transform(X.astype(np.float64), batch_size=33), want, atol=2e-6)  # converted per chunk
        np.testing.assert_allclose(m.transform(np.asfortranarray(X), batch_size=50), want, atol=2e-6)


def test_the_gpu_upload_path_of_transform_on_the_cpu(monkeypatch):
    "The double-buffered uploads a GPU uses (here unpinned, without events) give the same embedding, chunk after chunk."
    import neurolatent.cebra as cebra_mod
    X, y, _ = _data(T=300)
    m = CEBRA(**KW, model_architecture="offset10-model").fit(X, y)
    want = _reference_transform(m, X, True)
    puts = []
    real_put = cebra_mod._Uploads.put
    monkeypatch.setattr(cebra_mod, "_streams", lambda device: True)
    monkeypatch.setattr(cebra_mod._Uploads, "put", lambda self, rows: puts.append(self.k) or real_put(self, rows))
    for bs in (7, 64, 299, None):
        np.testing.assert_allclose(m.transform(X, batch_size=bs), want, atol=2e-6, err_msg=f"batch_size={bs}")
    np.testing.assert_allclose(m.transform(X.astype(np.float64), batch_size=50), want, atol=2e-6)
    np.testing.assert_allclose(m.transform((X * 0).astype(np.int64) + 1, batch_size=50),   # integer counts, converted per chunk
                               _reference_transform(m, np.ones_like(X), True), atol=2e-6)
    assert puts[:4] == [0, 1, 0, 1] and len(puts) > 50   # the two buffers alternate


def test_transform_of_a_tiny_recording_with_padding():
    X, y, _ = _data(T=300)
    m = CEBRA(**KW, model_architecture="offset10-model").fit(X, y)
    for T in (1, 2, 9):   # shorter than the receptive field: every row is padding but one side
        np.testing.assert_allclose(m.transform(X[:T], batch_size=4), _reference_transform(m, X[:T], True), atol=2e-6)
    m.pad_before_transform = False
    with pytest.raises(ValueError, match="needs 10 bins per point"):
        m.transform(X[:9])


CASES = {
    "time": (dict(model_architecture="offset10-model"), lambda X, y, c: (X,)),
    "behaviour": (dict(model_architecture="offset10-model", temperature_mode="auto"), lambda X, y, c: (X, y)),
    "mixed": (dict(model_architecture="offset5-model"), lambda X, y, c: (X, y, c)),
    "hybrid": (dict(model_architecture="offset10-model", hybrid=True), lambda X, y, c: (X, y)),
    "euclidean": (dict(model_architecture="offset10-model-mse", distance="euclidean"), lambda X, y, c: (X, y)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bf16_mixed_follows_float32_and_compile_matches_eager(case):
    params, args = CASES[case]
    X, y, c = _data()
    base = CEBRA(**KW, **params).fit(*args(X, y, c))
    bf16 = CEBRA(**KW, **params, precision="bf16-mixed").fit(*args(X, y, c))
    comp = CEBRA(**KW, **params, torch_compile=AOT).fit(*args(X, y, c))
    gap = np.abs(bf16.loss_ - base.loss_)
    assert 0 < gap.max() < 0.05 * np.abs(base.loss_).max(), gap   # different arithmetic, the same fit
    np.testing.assert_allclose(comp.loss_, base.loss_, atol=1e-4)
    Z = bf16.transform(X)
    assert Z.dtype == np.float32 and np.isfinite(Z).all()
    torch.compiler.reset()


def test_multi_session_and_adapt_in_bf16_and_compiled():
    sessions = [_data(T=300 + 50 * i, N=10 + i, seed=i) for i in range(3)]
    Xs, ys = [s[0] for s in sessions], [s[1] for s in sessions]
    kw = dict(KW, model_architecture="offset10-model")
    base = CEBRA(**kw).fit(Xs, ys)
    for opts in (dict(precision="bf16-mixed"), dict(torch_compile=AOT)):
        m = CEBRA(**kw, **opts).fit(Xs, ys)
        assert np.abs(m.loss_ - base.loss_).max() < 0.05 * np.abs(base.loss_).max()
        X, y, _ = _data(T=350, N=9, seed=7)
        m.adapt(X, y, steps=5)
        assert len(m.loss_) == 5 and np.isfinite(m.loss_).all()
    torch.compiler.reset()


def test_the_options_save_load_and_may_change_when_resuming(tmp_path):
    X, y, _ = _data()
    kw = dict(KW, model_architecture="offset10-model", max_iterations=20)
    # a bf16 fit interrupted at step 10 and finished in float32 (another machine) is allowed, and continues from step 10
    first = CEBRA(**{**kw, "max_iterations": 10}, precision="bf16-mixed").fit(X, y, checkpoint_dir=tmp_path / "ck", checkpoint_every=10)
    done = CEBRA(**kw).fit(X, y, checkpoint_dir=tmp_path / "ck", resume=True)
    assert len(done.loss_) == 20 and np.array_equal(done.loss_[:10], first.loss_)
    again = CEBRA.resume(tmp_path / "ck", X, y, precision="bf16-mixed", torch_compile=AOT, device="cpu", max_iterations=30)
    assert again.precision == "bf16-mixed" and len(again.loss_) == 30 and np.array_equal(again.loss_[:20], done.loss_)
    path = CEBRA(**kw, precision="bf16-mixed", torch_compile=AOT).fit(X, y).save(tmp_path / "m.pt")
    again = CEBRA.load(path)
    assert again.precision == "bf16-mixed" and again.torch_compile == AOT
    torch.compiler.reset()


def test_importing_neurolatent_keeps_jax_from_taking_the_gpu():
    "`import neurolatent` sets XLA_PYTHON_CLIENT_PREALLOCATE=false unless the user chose otherwise."
    import os
    import subprocess
    import sys
    code = "import os, neurolatent; print(os.environ.get('XLA_PYTHON_CLIENT_PREALLOCATE'))"
    env = {k: v for k, v in os.environ.items() if k != "XLA_PYTHON_CLIENT_PREALLOCATE"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.stdout.strip() == "false", out.stderr[-1000:]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**env, "XLA_PYTHON_CLIENT_PREALLOCATE": "true"})
    assert out.stdout.strip() == "true", out.stderr[-1000:]


def test_compiled_fits_of_many_recording_lengths_each_compile_their_own():
    """torch keeps at most 8 compiled versions per function; fits of 10 lengths in one process must all compile
    (fullgraph fails otherwise), each length once: a second fit of the same shapes reuses the compiled objective."""
    graphs = []
    def counting(gm, example_inputs):   # a torch.compile backend that counts the graphs it is given
        graphs.append(gm); return gm.forward
    X, y, _ = _data(T=700)
    for T in list(range(300, 700, 40)) + [300, 340]:
        m = CEBRA(**KW, model_architecture="offset5-model", torch_compile={"backend": counting, "fullgraph": True}).fit(X[:T], y[:T])
        assert len(m.loss_) == KW["max_iterations"]
    assert len(graphs) == 10, len(graphs)
    for D in (3, 4, 5, 6, 7, 8, 9, 10, 11):   # nine graphs of one recording length: still compiled, not eager
        CEBRA(**{**KW, "output_dimension": D}, model_architecture="offset5-model",
              torch_compile={"backend": counting, "fullgraph": True}).fit(X[:300], y[:300])
    CEBRA(**{**KW, "random_state": 5, "output_dimension": 11}, model_architecture="offset5-model",
          torch_compile={"backend": counting, "fullgraph": True}).fit(X[:300], y[:300])   # another seed: reused
    assert len(graphs) == 10 + 8, len(graphs)   # output_dimension 4 is KW's, compiled above
    torch.compiler.reset()


def test_transform_refuses_what_fit_refuses():
    X, y, _ = _data()
    m = CEBRA(**KW, model_architecture="offset5-model").fit(X, y)
    big = X.astype(np.float64); big[5, 3] = 1e300
    with pytest.raises(ValueError, match="beyond float32's range"):
        m.transform(big)
    with pytest.raises(ValueError, match="transform takes one recording at a time"):
        m.transform([X, X])


def test_grid_search_keys_ignore_compilation_and_new_settings_at_their_defaults():
    from neurolatent.grid_search import config_key, data_fingerprint
    X, y, _ = _data()
    fp = data_fingerprint(X, y)
    key = config_key("rat", dict(batch_size=128), fp)
    assert config_key("rat", dict(batch_size=128, torch_compile=(("mode", "reduce-overhead"),), device="cpu"), fp) == key
    assert config_key("rat", dict(batch_size=128, precision="float32", jacobian_regularization=0.0), fp) == key
    assert config_key("rat", dict(batch_size=128, precision="bf16-mixed"), fp) != key
    assert config_key("rat", dict(batch_size=128, jacobian_regularization=0.01), fp) != key
