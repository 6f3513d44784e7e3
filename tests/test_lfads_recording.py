"""LFADS on real recordings (issue 13): held-out neurons, external inputs, likelihoods, coordinated dropout, sample
validation, the `fit_lfads_recording` pipeline, and the bad inputs each must refuse before training.

Fits here are tiny (a few dozen steps): they check mechanics and contracts, not model quality, which the notebooks
`32_lfads_recording` and `tutorials/lfads_real_data` measure at full length.
"""
import json
import warnings
from dataclasses import asdict, replace

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from neurolatent.lfads_data import config_from_dict
from neurolatent.lfads_likelihoods import LIKELIHOODS
from neurolatent.lfads_model import (LFADSConfig, TrainConfig, fit_lfads, latest_checkpoint, lfads_forward, lfads_init,
                                     lfads_losses, load_checkpoint, load_lfads, posterior_mean, posterior_sample_and_average,
                                     save_lfads, val_keys)
from neurolatent.lfads_real import block_split, split_neurons
from neurolatent.lfads_recording import RECORDING_TRAIN, fit_lfads_recording

HPS = LFADSConfig(data_dim=9, heldout_dim=3, ntimesteps=10, enc_dim=8, con_dim=8, ii_dim=1, gen_dim=8, factors_dim=4)
TC = TrainConfig(num_batches=20, batch_size=8, print_every=10, kl_warmup_start=0, kl_warmup_end=10)
_rng = np.random.default_rng(0)
_RATES = np.exp(np.sin(np.linspace(0, 3, 10))[:, None] * np.linspace(-1, 1, 12)[None, :])
X = _rng.poisson(np.broadcast_to(_RATES, (24, 10, 12))).astype(np.float32)
EXT = _rng.normal(size=(24, 10, 2)).astype(np.float32)


def _fit(**kw):
    args = dict(train_spikes=X[:16], hps=HPS, tc=TC, verbose=False, valid_spikes=X[16:])
    args.update(kw)
    return fit_lfads(**args)


# --- the model's new options -----------------------------------------------------------------------------------------

def test_defaults_keep_the_original_parameter_shapes():
    p = lfads_init(jax.random.PRNGKey(0), replace(HPS, heldout_dim=0))
    assert p["rates"]["W"].shape == (4, 9) and p["gen"]["Wx"].shape == (1, 24)


@pytest.mark.parametrize("lik", sorted(LIKELIHOODS))
def test_every_likelihood_trains_end_to_end_and_returns_its_mean(lik):
    hps = replace(HPS, likelihood=lik)
    data = {"poisson": X, "gaussian": np.log1p(X) - 0.5, "gamma": X + 0.1, "zig": X * 0.5}[lik].astype(np.float32)
    p, h = fit_lfads(data[:16], hps, TC, verbose=False, valid_spikes=data[16:])
    assert np.isfinite(h["loss"]).all() and np.isfinite(h["val_loss"]).all()
    assert p["rates"]["W"].shape == (4, 12 * LIKELIHOODS[lik].n_params)
    r = posterior_mean(p, data[16:], hps)["rates"]
    assert r.shape == (8, 10, 12) and np.isfinite(r).all()
    if lik in ("poisson", "gamma", "zig"): assert (r >= 0).all()


def test_heldout_columns_are_never_read_at_inference():
    p, _ = _fit()
    a = posterior_mean(p, X[16:], HPS)["rates"]
    b = posterior_mean(p, X[16:, :, :9], HPS)["rates"]                 # held-in columns only
    c = posterior_mean(p, np.concatenate([X[16:, :, :9], 0 * X[16:, :, 9:]], -1), HPS)["rates"]
    np.testing.assert_array_equal(a, b); np.testing.assert_array_equal(a, c)
    assert a.shape == (8, 10, 12)   # rates of all neurons, held-out ones included


def test_heldout_scores_appear_in_the_history_and_can_be_monitored():
    _, h = _fit(monitor="val_heldout_nll", early_stopping=5)
    assert {"heldout_nll", "val_heldout_nll"} <= set(h)
    assert h["best_step"] == h["val_step"][int(np.argmin(h["val_heldout_nll"]))]
    assert (h["heldout_nll"] <= h["nll"] + 1e-3).all()   # the held-out part of the reconstruction


def test_external_inputs_change_the_fit_and_the_inference():
    hps = replace(HPS, ext_input_dim=2)
    p, h = _fit(hps=hps, train_ext=EXT[:16], valid_ext=EXT[16:])
    a = posterior_mean(p, X[16:], hps, ext=EXT[16:])["rates"]
    b = posterior_mean(p, X[16:], hps, ext=EXT[16:] + 1)["rates"]
    assert np.abs(a - b).max() > 1e-4


def test_sample_validation_masks_are_fixed_and_scored():
    tc = replace(TC, sv_rate=0.2)
    _, h = _fit(tc=tc, monitor="val_sv_nll")
    assert {"sv_nll", "val_sv_nll"} <= set(h) and np.isfinite(h["val_sv_nll"]).all()
    assert "val_sv_nll" in val_keys(HPS, tc) and "val_sv_nll" not in val_keys(HPS, TC)


def test_coordinated_dropout_only_trains_on_dropped_entries():
    # with every input entry kept except a few, the reconstruction gradient is tiny; with all dropped it is full
    p = lfads_init(jax.random.PRNGKey(0), HPS)
    g = lambda cd: jax.grad(lambda q: lfads_losses(q, jnp.asarray(X[:8]), jax.random.PRNGKey(1), 0.0, HPS, cd_rate=cd)[0])(p)
    small, large = (float(jnp.abs(g(cd)["rates"]["W"][:, :9]).sum()) for cd in (0.01, 0.9))
    assert small < 0.1 * large


def test_a_run_with_the_new_options_resumes_exactly(tmp_path):
    hps, tc = replace(HPS, ext_input_dim=2), replace(TC, cd_rate=0.2, sv_rate=0.1, num_batches=30)
    kw = dict(hps=hps, train_ext=EXT[:16], valid_ext=EXT[16:], monitor="val_sv_nll", checkpoint_dir=tmp_path / "ck")
    full, hf = _fit(tc=tc, **kw)
    class Stop(Exception): pass
    def crash(step, params, terms):
        if step == 20: raise Stop
    with pytest.raises(Stop): _fit(tc=tc, callback=crash, checkpoint_dir=tmp_path / "ck2", **{k: v for k, v in kw.items() if k != "checkpoint_dir"})
    again, ha = _fit(tc=tc, resume=True, checkpoint_dir=tmp_path / "ck2", **{k: v for k, v in kw.items() if k != "checkpoint_dir"})
    for a, b in zip(jax.tree_util.tree_leaves(full), jax.tree_util.tree_leaves(again)): np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(hf["val_sv_nll"], ha["val_sv_nll"])
    # another monitor is another run
    with pytest.raises(ValueError, match="monitor \\(checkpoint 'val_sv_nll', now 'val_loss'\\)"):
        _fit(tc=tc, resume=True, **{**kw, "monitor": "val_loss", "checkpoint_dir": tmp_path / "ck2"})


def test_files_from_before_the_new_fields_still_load(tmp_path):
    d = asdict(LFADSConfig())
    for k in LFADSConfig.added_fields: d.pop(k)
    assert config_from_dict(LFADSConfig, d, "old.json") == LFADSConfig()
    t = asdict(TrainConfig()); t.pop("cd_rate"); t.pop("sv_rate")
    assert config_from_dict(TrainConfig, t, "old.json") == TrainConfig()
    with pytest.raises(ValueError, match="missing keys \\['data_dim'\\]"):
        config_from_dict(LFADSConfig, {k: v for k, v in d.items() if k != "data_dim"}, "old.json")
    p, _ = _fit(hps=replace(HPS, likelihood="gaussian"))
    path = save_lfads(tmp_path / "m", p, replace(HPS, likelihood="gaussian"))
    assert load_lfads(path)[1].likelihood == "gaussian"


# --- bad inputs, each refused before training ------------------------------------------------------------------------

BAD_FIT = [
    ("fractional data, Poisson", dict(train_spikes=X[:16] + 0.5), ValueError, "must be spike counts (whole numbers) for the Poisson likelihood"),
    ("zeros, Gamma", dict(hps=replace(HPS, likelihood="gamma")), ValueError, "the Gamma likelihood needs values > 0"),
    ("negative, ZIG", dict(hps=replace(HPS, likelihood="zig"), train_spikes=X[:16] - 1), ValueError, "use likelihood='gaussian'"),
    ("held-out columns missing", dict(train_spikes=X[:16, :, :9]), ValueError, "the model expects 10 × 12 (9 held-in + 3 held-out)"),
    ("held-out all silent", dict(train_spikes=np.concatenate([X[:16, :, :9], 0 * X[:16, :, 9:]], -1)), ValueError, "all 3 held-out neurons are silent"),
    ("ext missing", dict(hps=replace(HPS, ext_input_dim=2)), ValueError, "the model takes 2 external input(s)"),
    ("ext not expected", dict(train_ext=EXT[:16]), ValueError, "train_ext was given but the model has no external inputs"),
    ("ext wrong shape", dict(hps=replace(HPS, ext_input_dim=2), train_ext=EXT[:15], valid_ext=EXT[16:]), ValueError, "train_ext has shape (15, 10, 2) but must be"),
    ("ext NaN", dict(hps=replace(HPS, ext_input_dim=2), train_ext=np.where(EXT[:16] > 2, np.nan, EXT[:16]), valid_ext=EXT[16:]), ValueError, "train_ext contains 8 non-finite value(s) (NaN)"),
    ("unknown monitor", dict(monitor="val_sv_nll"), ValueError, "monitor='val_sv_nll' is not a validation score of this run"),
    ("valid_ext alone", dict(valid_spikes=None, valid_ext=EXT[16:]), ValueError, "valid_ext was given without valid_spikes"),
]


@pytest.mark.parametrize("what, kw, exc, msg", BAD_FIT, ids=[c[0] for c in BAD_FIT])
def test_bad_input_fails_before_training(what, kw, exc, msg):
    called = []
    with pytest.raises(exc) as e: _fit(callback=lambda *a: called.append(1), **kw)
    assert msg in str(e.value), str(e.value)
    assert not called


BAD_CONFIG = [
    (LFADSConfig, dict(likelihood="negbinom"), "Unknown likelihood 'negbinom'"),
    (LFADSConfig, dict(heldout_dim=-1), "LFADSConfig.heldout_dim must be an integer ≥ 0"),
    (LFADSConfig, dict(ext_input_dim=1.5), "LFADSConfig.ext_input_dim must be an integer ≥ 0"),
    (LFADSConfig, dict(zig_loc=-0.1), "LFADSConfig.zig_loc must be a finite number ≥ 0"),
    (LFADSConfig, dict(fp_bins=-1), "LFADSConfig.fp_bins must be an integer ≥ 0"),
    (LFADSConfig, dict(ntimesteps=10, fp_bins=10), "LFADSConfig.fp_bins=10 must be smaller than ntimesteps=10"),
    (TrainConfig, dict(cd_rate=1.0), "TrainConfig.cd_rate must be a number in [0, 1)"),
    (TrainConfig, dict(sv_rate=-0.1), "TrainConfig.sv_rate must be a number in [0, 1)"),
]


@pytest.mark.parametrize("cls, kw, msg", BAD_CONFIG, ids=[str(c[1]) for c in BAD_CONFIG])
def test_bad_config_is_refused(cls, kw, msg):
    with pytest.raises((TypeError, ValueError)) as e: cls(**kw)
    assert msg in str(e.value), str(e.value)


def test_some_silent_heldout_neurons_warn_by_index():
    x = X[:16].copy(); x[..., 10] = 0
    with pytest.warns(UserWarning, match="held-out neuron\\(s\\) \\[1\\]"): _fit(train_spikes=x)


# --- the pipeline ----------------------------------------------------------------------------------------------------

REC = np.random.default_rng(1).poisson(np.exp(np.sin(np.arange(1200) / 30)[:, None] * np.linspace(-1, 1, 10) - 1)).astype(float)
SPLIT = block_split(1200, (0.6, 0.2, 0.2), 100, segment_len=20, overlap=4, random_state=0)
SMALL = LFADSConfig(enc_dim=8, con_dim=8, gen_dim=8, factors_dim=4)


def test_fit_lfads_recording_returns_merged_rates_in_the_recordings_neuron_order():
    hi, ho = split_neurons(10, 0.3, random_state=0)
    fit = fit_lfads_recording(REC, ho, SPLIT, 20, 4, hps=SMALL, tc=replace(RECORDING_TRAIN, num_batches=40, print_every=20),
                              n_samples=4)
    assert fit.rates.shape == (1200, 10) and np.isfinite(fit.rates).all() and fit.factors.shape == (1200, 4)
    assert (fit.hps.data_dim, fit.hps.heldout_dim, fit.hps.ntimesteps) == (7, 3, 20)
    assert set(fit.scores) == {"train", "valid", "test"} and all(np.isfinite(v["co_bps"]) for v in fit.scores.values())
    assert "val_heldout_nll" in fit.history and fit.tc.cd_rate == 0.3 and fit.tc.sv_rate == 0.1   # on by default


def test_forward_prediction_never_reads_the_forecast_bins_and_is_scored():
    hps = replace(SMALL, fp_bins=5)
    hi, ho = split_neurons(10, 0.3, random_state=0)
    fit = fit_lfads_recording(REC, ho, SPLIT, 20, 4, hps=hps, tc=replace(RECORDING_TRAIN, num_batches=20, print_every=10),
                              n_samples=4, early_stopping=None)
    assert all(np.isfinite(v["fp_bps"]) for v in fit.scores.values())
    h = fit.hps
    p = fit.params
    x = jnp.asarray(np.random.default_rng(0).poisson(1.0, (3, 20, 10)).astype(np.float32))
    a = lfads_forward(p, x, jax.random.PRNGKey(0), h)["readout"]
    b = lfads_forward(p, x.at[:, 15:].set(5.0), jax.random.PRNGKey(0), h)["readout"]
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    c = lfads_forward(p, x.at[:, 14].set(5.0), jax.random.PRNGKey(0), h)["readout"]   # the last bin it sees does matter
    assert float(jnp.abs(c - a).max()) > 0


def test_fit_lfads_recording_refuses_a_split_of_other_segments():
    with pytest.raises(ValueError, match="split was not made with segment_len=25 and overlap=4"):
        fit_lfads_recording(REC, [0, 1], SPLIT, 25, 4)
    with pytest.raises(ValueError, match="split must be a BlockSplit made with segment_len"):
        fit_lfads_recording(REC, [0, 1], block_split(1200, block_len=100), 20, 4)
    with pytest.raises(ValueError, match="held_out lists every neuron"):
        fit_lfads_recording(REC, np.arange(10), SPLIT, 20, 4)
    with pytest.raises(ValueError, match="split covers 1200 time bins but data has 1100"):
        fit_lfads_recording(REC[:1100], [0], SPLIT, 20, 4)
