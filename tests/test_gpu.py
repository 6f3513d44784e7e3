"""Device tests (`pytest -m gpu`): the CUDA path of CEBRA, multi-session, adaptation, metrics, and LFADS in JAX next to torch.

They run on `NEUROLATENT_TEST_DEVICE` (default `cuda`) and are skipped when that is `cuda` and torch sees no CUDA
device, so the normal test suite skips them in well under a second. `tools/gpu_check.sh` runs them on the GPU machine;
`tools/gpu_check.sh --dry-run` runs them here with NEUROLATENT_TEST_DEVICE=cpu so that their code keeps working.
"""
import os
import subprocess
import sys
import textwrap

os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")   # before JAX starts: torch holds GPU memory too

import numpy as np
import pytest
import torch

DEVICE = os.environ.get("NEUROLATENT_TEST_DEVICE", "cuda")
ON_CUDA = DEVICE.startswith("cuda")

pytestmark = [pytest.mark.gpu,
              pytest.mark.skipif(ON_CUDA and not torch.cuda.is_available(),
                                 reason="no CUDA device (NEUROLATENT_TEST_DEVICE=cpu runs these tests on the CPU)")]


def _data(T=1500, N=30, seed=0):
    rng = np.random.default_rng(seed)
    y = np.stack([np.cumsum(rng.normal(0, 0.05, T)), rng.uniform(0, 1, T)], 1).astype(np.float32)
    X = rng.poisson(np.exp(np.sin(y[:, :1] * np.arange(1, N + 1)))).astype(np.float32)
    return X, y


def _model(**kw):
    from neurolatent import CEBRA
    kw = dict(dict(model_architecture="offset10-model", batch_size=256, time_offsets=10, output_dimension=3,
                   max_iterations=30, max_adapt_iterations=20, device=DEVICE, random_state=0), **kw)
    return CEBRA(**kw)


def _device_type(m, session=None):
    enc = m.model_ if session is None else m.model_[session]
    return {p.device.type for p in enc.parameters()}


@pytest.mark.parametrize("conditional", ["time", "time_delta"])
def test_fit_transform_save_load(tmp_path, conditional):
    from neurolatent import CEBRA
    X, y = _data()
    m = _model(conditional=conditional)
    m.fit(X) if conditional == "time" else m.fit(X, y)
    assert _device_type(m) == {torch.device(DEVICE).type}
    assert np.isfinite(m.loss_).all() and len(m.loss_) == 30
    Z = m.transform(X)
    assert Z.shape == (len(X), 3) and Z.dtype == np.float32 and np.isfinite(Z).all()
    assert np.allclose(m.transform(X, batch_size=97), Z, atol=1e-5)   # chunked transform: same embedding
    path = m.save(tmp_path / "m.pt")
    same = CEBRA.load(path, device=DEVICE)
    assert _device_type(same) == {torch.device(DEVICE).type}
    np.testing.assert_allclose(same.transform(X), Z, atol=1e-6)
    on_cpu = CEBRA.load(path, device="cpu")
    assert _device_type(on_cpu) == {"cpu"}
    np.testing.assert_allclose(on_cpu.transform(X), Z, atol=5e-3)   # cuDNN may use TF32 convolutions: not bit-equal
    m.partial_fit(X) if conditional == "time" else m.partial_fit(X, y)   # continues on the device
    assert _device_type(m) == {torch.device(DEVICE).type} and len(m.loss_) == 60


def test_load_on_a_machine_without_cuda(tmp_path):
    "A model saved from the device loads in a process that sees no CUDA device at all (CUDA_VISIBLE_DEVICES='')."
    X, y = _data()
    m = _model(conditional="time_delta").fit(X, y)
    path = m.save(tmp_path / "m.pt")
    np.save(tmp_path / "X.npy", X); np.save(tmp_path / "Z.npy", m.transform(X))
    code = textwrap.dedent(f"""
        import numpy as np, torch
        from neurolatent import CEBRA
        assert not torch.cuda.is_available()
        m = CEBRA.load({str(path)!r}, device="cpu")
        assert {{p.device.type for p in m.model_.parameters()}} == {{"cpu"}}
        Z = m.transform(np.load({str(tmp_path / 'X.npy')!r}))
        np.testing.assert_allclose(Z, np.load({str(tmp_path / 'Z.npy')!r}), atol=5e-3)
        print("cpu-load ok")
        try: print("default-device load:", CEBRA.load({str(path)!r}).device)   # the saved setting, {DEVICE!r}
        except Exception as e: print("default-device load refused:", type(e).__name__, str(e)[:300])
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "CUDA_VISIBLE_DEVICES": "", "OMP_NUM_THREADS": "1"})
    assert r.returncode == 0 and "cpu-load ok" in r.stdout, r.stderr[-2000:]
    print(r.stdout)


def test_multisession_and_adaptation():
    from neurolatent.metrics import consistency_score
    Xs, ys = zip(*(_data(T=1200, N=n, seed=s) for s, n in enumerate((20, 30, 25))))
    m = _model(conditional="time_delta", batch_size=128).fit(list(Xs[:2]), list(ys[:2]))
    for s in range(2): assert _device_type(m, s) == {torch.device(DEVICE).type}
    Z = [m.transform(x, session_id=s) for s, x in enumerate(Xs[:2])]
    assert all(np.isfinite(z).all() and z.shape == (len(x), 3) for z, x in zip(Z, Xs))
    scores, pairs, _ = consistency_score(Z, between="datasets", labels=[y[:, 0] for y in ys[:2]], num_discretization_bins=20)
    assert len(scores) == 2 and np.isfinite(scores).all()
    a = m.adapt(Xs[2], ys[2], steps=20)
    assert _device_type(a) == {torch.device(DEVICE).type}
    Za = a.transform(Xs[2])
    assert Za.shape == (len(Xs[2]), 3) and np.isfinite(Za).all()


def test_metrics_on_device_tensors():
    "Metrics and transform take tensors that live on the device."
    from neurolatent.metrics import consistency_score, goodness_of_fit_score, infonce_loss
    X, y = _data()
    m = _model(conditional="time_delta").fit(X, y)
    Xt, yt = torch.as_tensor(X, device=DEVICE), torch.as_tensor(y, device=DEVICE)
    loss_t = infonce_loss(m, Xt, yt, num_batches=5)
    assert np.isfinite(loss_t) and abs(loss_t - infonce_loss(m, X, y, num_batches=5)) < 1e-3
    assert np.isfinite(goodness_of_fit_score(m, Xt, yt, num_batches=5))
    Z = m.transform(Xt)
    assert isinstance(Z, np.ndarray) and np.isfinite(Z).all()
    Zs = [torch.as_tensor(m.transform(X), device=DEVICE), torch.as_tensor(_model(conditional="time_delta", random_state=1)
                                                                         .fit(X, y).transform(X), device=DEVICE)]
    scores, _, _ = consistency_score(Zs, between="runs")
    assert np.isfinite(scores).all() and len(scores) == 2


def test_lfads_on_jax_device_while_torch_holds_memory():
    "LFADS trains and samples its posterior with JAX on the accelerator while torch keeps memory allocated there."
    held = torch.empty(256 * 2 ** 20 if ON_CUDA else 2 ** 20, dtype=torch.uint8, device=DEVICE).fill_(1)   # 256 MiB on the GPU
    import jax
    from neurolatent.lfads_model import LFADSConfig, TrainConfig, fit_lfads, posterior_sample_and_average
    if ON_CUDA:
        assert jax.default_backend() == "gpu", f"JAX runs on {jax.default_backend()}, not the GPU: is the CUDA plugin installed?"
        assert os.environ.get("XLA_PYTHON_CLIENT_PREALLOCATE") == "false"
    hps = LFADSConfig(data_dim=12, ntimesteps=10, enc_dim=16, con_dim=16, gen_dim=16, factors_dim=4)
    tc = TrainConfig(num_batches=10, batch_size=16, print_every=10, kl_warmup_start=0, kl_warmup_end=10)   # one compiled chunk
    rng = np.random.default_rng(0)
    spikes = rng.poisson(0.5, size=(64, 10, 12)).astype(np.float32)
    params, hist = fit_lfads(spikes, hps, tc, random_state=0, verbose=False)
    assert hist and all(np.isfinite(np.asarray(v, float)).all() for v in hist.values())
    post = posterior_sample_and_average(params, spikes[:16], hps, n_samples=4, batch_size=8, sample_chunk=4)   # one compile
    assert post["rates"].shape[:2] == (16, 10) and np.isfinite(np.asarray(post["rates"])).all()
    assert int(held.sum()) == held.numel()   # torch's memory is intact
    if ON_CUDA: assert torch.cuda.memory_allocated() >= held.numel()


def _bf16_ok() -> bool:
    "Whether `precision='bf16-mixed'` may run here (CEBRA refuses GPUs that would only emulate bfloat16)."
    if not ON_CUDA: return True
    try: return torch.cuda.is_bf16_supported(including_emulation=False)
    except TypeError: return torch.cuda.is_bf16_supported()


def test_training_steps_never_wait_for_the_device(watch_steps):
    import neurolatent.multisession  # noqa: F401
    X, y = _data()
    cls = (np.arange(len(X)) // 100 % 3).astype(np.int64)
    calls = watch_steps(on_cuda=ON_CUDA)
    for kw, args in ((dict(conditional="time"), (X,)), (dict(), (X, y)), (dict(), (X, y, cls)), (dict(hybrid=True), (X, y)),
                     (dict(precision="bf16-mixed"), (X, y)), (dict(jacobian_regularization=0.01), (X, y))):
        if kw.get("precision") and not _bf16_ok(): continue
        _model(max_iterations=10, **kw).fit(*args)
    Xs, ys = zip(*(_data(T=1200, N=n, seed=s) for s, n in enumerate((20, 30))))
    m = _model(max_iterations=10, batch_size=128).fit(list(Xs), list(ys))
    m.adapt(X, y, steps=10)
    assert calls == []


def test_bf16_mixed_follows_float32_on_the_device():
    if not _bf16_ok(): pytest.skip("this GPU has no native bfloat16")
    X, y = _data()
    a = _model(max_iterations=150, conditional="time_delta").fit(X, y)
    b = _model(max_iterations=150, conditional="time_delta", precision="bf16-mixed").fit(X, y)
    assert 0 < np.abs(a.loss_ - b.loss_).max() and abs(a.loss_[-30:].mean() - b.loss_[-30:].mean()) < 0.05
    Zb = b.transform(X)
    np.testing.assert_allclose(np.linalg.norm(Zb, axis=1), 1.0, atol=1e-5)   # transform runs in float32


def test_streamed_transform_on_the_device_matches_the_cpu(tmp_path):
    "transform's pinned, double-buffered uploads give the CPU's embedding (float32 and float64 input, every chunking)."
    from neurolatent import CEBRA
    X, y = _data(T=3000)
    m = _model(conditional="time_delta").fit(X, y)
    ref = CEBRA.load(m.save(tmp_path / "m.pt"), device="cpu").transform(X)
    for bs in (None, 1000, 777, 5000):
        np.testing.assert_allclose(m.transform(X, batch_size=bs), ref, atol=5e-3)
    np.testing.assert_allclose(m.transform(X.astype(np.float64), batch_size=999), ref, atol=5e-3)
