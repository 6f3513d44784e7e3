"""Nothing silent in the LFADS code (issue 16): every bad input fails at once with the right exception and a message
that names what is wrong, and a fit that diverges stops with a FloatingPointError instead of returning NaN parameters.

One parametrised case per distinct bad input: configs (TrainConfig, LFADSConfig, IntegratorConfig), `fit_lfads`
before training, the inference functions, the integrator-data functions, and the three loaders (`load_lfads`,
`load_checkpoint`, `read_integrator_data`) on damaged files. Only three tiny fits are run (a few seconds each on CPU).
"""
import io
import json
import math
import zipfile
from dataclasses import replace

import jax
import numpy as np
import pytest

from neurolatent.lfads_data import (IntegratorConfig, integrator_inputs, line_attractor_starts, read_integrator_data,
                                    save_integrator_data, spikify, train_integrator, IntegratorData)
from neurolatent.lfads_model import (LFADSConfig, TrainConfig, fit_lfads, latest_checkpoint, lfads_init, load_checkpoint,
                                     load_lfads, posterior_mean, posterior_sample_and_average, save_lfads)

HPS = LFADSConfig(data_dim=12, ntimesteps=10, enc_dim=8, con_dim=8, ii_dim=1, gen_dim=8, factors_dim=4)
TC = TrainConfig(num_batches=10, batch_size=8, print_every=5)
_RATES = np.exp(np.sin(np.linspace(0, 3, 10))[:, None] * np.linspace(-1, 1, 12)[None, :])
X = np.random.default_rng(0).poisson(np.broadcast_to(_RATES, (24, 10, 12))).astype(np.float32)
PARAMS = jax.device_get(lfads_init(jax.random.PRNGKey(0), HPS))
NAN = float("nan")
INF = float("inf")


def _leaves(tree, prefix=""):
    out = {}
    for k, v in tree.items():
        out.update(_leaves(v, f"{prefix}{k}/") if isinstance(v, dict) else {f"{prefix}{k}": np.asarray(v)})
    return out


def _with(tree, path, value):
    "A copy of a nested parameter dict with the array at `path` ('gen/b') replaced."
    out = {k: _with(v, path.split("/", 1)[1], value) if isinstance(v, dict) and k == path.split("/")[0] else v
           for k, v in tree.items()}
    if "/" not in path: out[path] = value
    return out


# --- configs: every field's type and range, checked when built -------------------------------------------------------

CONFIG_CASES = [
    (TrainConfig, dict(step_size=-1), ValueError, "TrainConfig.step_size must be a finite number > 0 (the learning rate at step 0), got -1."),
    (TrainConfig, dict(step_size=NAN), ValueError, "TrainConfig.step_size must be a finite number > 0 (the learning rate at step 0), got nan."),
    (TrainConfig, dict(step_size=None), TypeError, "TrainConfig.step_size must be a finite number > 0 (the learning rate at step 0), got None of type NoneType."),
    (TrainConfig, dict(adam_eps=0), ValueError, "TrainConfig.adam_eps must be a finite number > 0"),
    (TrainConfig, dict(decay_factor=-1), ValueError, "TrainConfig.decay_factor must be a number in (0, 1]"),
    (TrainConfig, dict(decay_factor=1.01), ValueError, "TrainConfig.decay_factor must be a number in (0, 1] (the learning-rate multiplier per decay_steps; 1 = no decay), got 1.01."),
    (TrainConfig, dict(decay_steps=0), ValueError, "TrainConfig.decay_steps must be an integer ≥ 1 (steps per decay), got 0."),
    (TrainConfig, dict(batch_size=2.5), TypeError, "TrainConfig.batch_size must be an integer ≥ 1 (trials per batch), got 2.5 of type float."),
    (TrainConfig, dict(batch_size=64.0), TypeError, "TrainConfig.batch_size must be an integer ≥ 1 (trials per batch), got 64.0 of type float."),
    (TrainConfig, dict(batch_size=0), ValueError, "TrainConfig.batch_size must be an integer ≥ 1 (trials per batch), got 0."),
    (TrainConfig, dict(num_batches=True), TypeError, "TrainConfig.num_batches must be an integer ≥ 1 (training steps), got True of type bool."),
    (TrainConfig, dict(num_batches="100"), TypeError, "TrainConfig.num_batches must be an integer ≥ 1 (training steps), got '100' of type str."),
    (TrainConfig, dict(print_every=-5), ValueError, "TrainConfig.print_every must be an integer ≥ 1"),
    (TrainConfig, dict(max_grad_norm=INF), ValueError, "TrainConfig.max_grad_norm must be a finite number > 0"),
    (TrainConfig, dict(adam_b1=1.0), ValueError, "TrainConfig.adam_b1 must be a number in [0, 1) (a moment decay rate), got 1.0."),
    (TrainConfig, dict(adam_b2=-0.1), ValueError, "TrainConfig.adam_b2 must be a number in [0, 1)"),
    (TrainConfig, dict(kl_min=-0.1), ValueError, "TrainConfig.kl_min must be a finite number ≥ 0 (a KL weight), got -0.1."),
    (TrainConfig, dict(kl_max=NAN), ValueError, "TrainConfig.kl_max must be a finite number ≥ 0"),
    (TrainConfig, dict(kl_warmup_start=-1), ValueError, "TrainConfig.kl_warmup_start must be an integer ≥ 0 (a step), got -1."),
    (TrainConfig, dict(kl_warmup_start=10, kl_warmup_end=5), ValueError, "TrainConfig.kl_warmup_end=5 must not precede kl_warmup_start=10"),
    (TrainConfig, dict(kl_min=0.5, kl_max=0.1), ValueError, "TrainConfig.kl_max=0.1 must be ≥ kl_min=0.5"),
    (LFADSConfig, dict(data_dim=0), ValueError, "LFADSConfig.data_dim must be an integer ≥ 1 (neurons), got 0."),
    (LFADSConfig, dict(ntimesteps=25.0), TypeError, "LFADSConfig.ntimesteps must be an integer ≥ 1 (time bins per trial), got 25.0 of type float."),
    (LFADSConfig, dict(gen_dim=True), TypeError, "LFADSConfig.gen_dim must be an integer ≥ 1 (a layer width), got True of type bool."),
    (LFADSConfig, dict(factors_dim=-3), ValueError, "LFADSConfig.factors_dim must be an integer ≥ 1 (a layer width), got -3."),
    (LFADSConfig, dict(enc_dim=np.float64(8)), TypeError, "LFADSConfig.enc_dim must be an integer ≥ 1 (a layer width), got np.float64(8.0) of type float64."),
    (LFADSConfig, dict(keep_rate=0), ValueError, "LFADSConfig.keep_rate must be a number in (0, 1] (a dropout keep probability; 1 disables dropout), got 0."),
    (LFADSConfig, dict(keep_rate=1.5), ValueError, "LFADSConfig.keep_rate must be a number in (0, 1]"),
    (LFADSConfig, dict(var_min=0), ValueError, "LFADSConfig.var_min must be a finite number > 0 (a variance floor), got 0."),
    (LFADSConfig, dict(ic_prior_var=-0.1), ValueError, "LFADSConfig.ic_prior_var must be a finite number > 0 (a variance), got -0.1."),
    (LFADSConfig, dict(ar_autocorrelation_tau=INF), ValueError, "LFADSConfig.ar_autocorrelation_tau must be a finite number > 0 (a time constant in bins), got inf."),
    (LFADSConfig, dict(ar_noise_variance=NAN), ValueError, "LFADSConfig.ar_noise_variance must be a finite number > 0"),
    (LFADSConfig, dict(ar_mean=-INF), ValueError, "LFADSConfig.ar_mean must be a finite number, got -inf."),
    (LFADSConfig, dict(l2reg=-1), ValueError, "LFADSConfig.l2reg must be a finite number ≥ 0 (a penalty weight), got -1."),
    (IntegratorConfig, dict(n_trials=1), ValueError, "IntegratorConfig.n_trials must be an integer ≥ 2"),
    (IntegratorConfig, dict(n_hidden=100.0), TypeError, "IntegratorConfig.n_hidden must be an integer ≥ 1 (RNN units), got 100.0 of type float."),
    (IntegratorConfig, dict(train_fraction=1.0), ValueError, "IntegratorConfig.train_fraction must be a number in (0, 1) (the fraction of trials that train LFADS), got 1.0."),
    (IntegratorConfig, dict(n_trials=3, train_fraction=0.1), ValueError, "train_fraction=0.1 of n_trials=3 leaves 0 training and 3 evaluation trials"),
    (IntegratorConfig, dict(seed=-1), ValueError, "IntegratorConfig.seed must be an integer in [0, 2**32), got -1."),
    (IntegratorConfig, dict(seed=2**32), ValueError, "IntegratorConfig.seed must be an integer in [0, 2**32), got 4294967296."),
    (IntegratorConfig, dict(duration=0), ValueError, "IntegratorConfig.duration must be a finite number > 0 (trial length in s), got 0."),
    (IntegratorConfig, dict(noise_scale=-0.1), ValueError, "IntegratorConfig.noise_scale must be a finite number ≥ 0"),
    (IntegratorConfig, dict(max_firing_rate=NAN), ValueError, "IntegratorConfig.max_firing_rate must be a finite number > 0"),
    (IntegratorConfig, dict(decay_factor=0), ValueError, "IntegratorConfig.decay_factor must be a number in (0, 1]"),
]


@pytest.mark.parametrize("cls, kw, exc, msg", CONFIG_CASES,
                         ids=[f"{c.__name__}({', '.join(f'{k}={v!r}' for k, v in kw.items())})" for c, kw, _, _ in CONFIG_CASES])
def test_bad_config_field_is_refused_when_built(cls, kw, exc, msg):
    with pytest.raises(exc) as e: cls(**kw)
    assert msg in str(e.value), str(e.value)


def test_config_values_are_stored_as_plain_numbers():
    "NumPy scalars that pass become plain int/float, so a config always writes to JSON and equals the literal one."
    tc = TrainConfig(batch_size=np.int64(8), step_size=np.float32(0.5))
    assert type(tc.batch_size) is int and type(tc.step_size) is float and tc == TrainConfig(batch_size=8, step_size=0.5)
    assert json.loads(json.dumps(LFADSConfig(data_dim=np.int32(7)).__dict__))["data_dim"] == 7
    assert IntegratorConfig(max_firing_rate=np.int64(80)).key() == IntegratorConfig().key()


# --- fit_lfads: bad arguments fail before any training starts --------------------------------------------------------

def _never(step, params, terms): raise AssertionError(f"training started (step {step}) although the input was bad")


FIT_CASES = [
    ("nan spikes", dict(train_spikes=np.where(X > 2, np.nan, X)), ValueError, "train_spikes contains"),
    ("inf spikes", dict(train_spikes=np.where(X > 2, np.inf, X)), ValueError, "non-finite value(s) (inf)"),
    ("negative spikes", dict(train_spikes=X - 1), ValueError, "train_spikes has negative counts (min -1.0)"),
    ("fractional spikes", dict(train_spikes=X + 0.5), ValueError, "train_spikes must be spike counts (whole numbers)"),
    ("huge counts", dict(train_spikes=X * 2.0**25), ValueError, "train_spikes has counts up to"),
    ("boolean spikes", dict(train_spikes=X > 1), TypeError, "train_spikes is boolean"),
    ("string spikes", dict(train_spikes=X.astype(str)), TypeError, "train_spikes must be numeric"),
    ("2-d spikes", dict(train_spikes=X[0]), ValueError, "train_spikes must have 3 dimension(s)"),
    ("no trials", dict(train_spikes=X[:0]), ValueError, "train_spikes is empty"),
    ("spikes of another shape", dict(train_spikes=X[:, :, :5]), ValueError, "train_spikes has 10 time bins × 5 neurons but the model expects 10 × 12"),
    ("fewer trials than a batch", dict(train_spikes=X[:4]), ValueError, "TrainConfig.batch_size=8 exceeds the 4 training trials"),
    ("hps not a config", dict(hps=dict(data_dim=12)), TypeError, "hps must be an LFADSConfig, got dict"),
    ("tc not a config", dict(tc=None), TypeError, "tc must be a TrainConfig, got NoneType"),
    ("warm start with NaN", dict(params=_with(PARAMS, "gen/b", np.full(24, np.nan, np.float32))), ValueError,
     "params (the warm start) has non-finite values (NaN or inf) in ['gen/b']"),
    ("warm start of another model", dict(params=jax.device_get(lfads_init(jax.random.PRNGKey(0), LFADSConfig(data_dim=12, ntimesteps=10, enc_dim=8, con_dim=8, gen_dim=9, factors_dim=4)))),
     ValueError, "params (the warm start) has arrays of the wrong shape for its LFADSConfig: factors/W (9, 4) ≠ (8, 4), gen/Wh (9, 27) ≠ (8, 24)"),
    ("warm start missing an array", dict(params={k: v for k, v in PARAMS.items() if k != "con_h0"}), ValueError,
     "params (the warm start) does not match its LFADSConfig: missing arrays ['con_h0']"),
    ("warm start not a dict", dict(params=list(PARAMS.values())), TypeError, "params must be a nested dict of arrays"),
    ("callback not callable", dict(callback="print"), TypeError, "callback must be callable"),
    ("resume not a bool", dict(checkpoint_dir="ck", resume="yes"), TypeError, "resume must be True or False, got 'yes'"),
    ("restore_best not a bool", dict(valid_spikes=X[:4], restore_best="best"), TypeError, "restore_best must be True or False"),
    ("checkpoint_dir is a file", dict(checkpoint_dir="a_file"), ValueError, "a_file' exists and is not a folder"),
    ("negative seed", dict(random_state=-1), ValueError, "random_state must be in [0, 2**32)"),
    ("float seed", dict(random_state=1.5), TypeError, "random_state must be an int or None"),
    ("nan validation spikes", dict(valid_spikes=np.where(X[:4] > 2, np.nan, X[:4])), ValueError, "valid_spikes contains"),
    ("zero patience", dict(valid_spikes=X[:4], early_stopping=0), ValueError, "early_stopping must be a positive number of validations, got 0"),
]


@pytest.mark.parametrize("what, kw, exc, msg", FIT_CASES, ids=[c[0] for c in FIT_CASES])
def test_bad_fit_argument_fails_before_training(what, kw, exc, msg, tmp_path):
    kw = dict(dict(train_spikes=X, hps=HPS, tc=TC, verbose=False, callback=_never), **kw)
    if kw.get("checkpoint_dir") == "ck": kw["checkpoint_dir"] = tmp_path / "ck"
    if kw.get("checkpoint_dir") == "a_file": (tmp_path / "a_file").write_text("x"); kw["checkpoint_dir"] = tmp_path / "a_file"
    with pytest.raises(exc) as e: fit_lfads(**kw)
    assert msg in str(e.value), str(e.value)
    assert not (tmp_path / "ck").exists() or not any((tmp_path / "ck").iterdir())   # no checkpoint: nothing trained


# --- fit_lfads: divergence stops with the last finite parameters, never NaN ones ---------------------------------------

def _first_bad_step(h):
    return int(np.argmin(np.isfinite(h["loss"]) & np.isfinite(h["grad_norm"])))


DIVERGING = TrainConfig(num_batches=10, batch_size=8, print_every=1, step_size=1e6)   # one step per chunk; blows up at once


def test_divergence_raises_naming_the_step_and_a_checkpoint_holding_the_last_finite_params(tmp_path):
    with pytest.raises(FloatingPointError) as e:
        fit_lfads(X, HPS, DIVERGING, random_state=0, checkpoint_dir=tmp_path, verbose=False)
    err, bad = e.value, _first_bad_step(e.value.history)
    assert f"fit_lfads diverged: the training loss or its gradient became non-finite at step {bad}, counting from 0" in str(err)
    assert bad >= 1 and np.isfinite(err.history["loss"][:bad]).all() and len(err.history["loss"]) == bad + 1
    # one step per chunk: the parameters handed back are those step `bad` started from, and the newest checkpoint holds them
    assert err.step == bad and f"err.params holds the parameters after {bad} steps" in str(err)
    assert err.checkpoint == tmp_path / f"lfads-step{bad:08d}.npz" == latest_checkpoint(tmp_path)   # none written after
    assert f"The newest checkpoint, {err.checkpoint}, holds the finite state after {bad} steps" in str(err)
    got, ck = _leaves(err.params), _leaves(load_checkpoint(err.checkpoint)["params"])
    assert sorted(got) == sorted(ck) and all(np.array_equal(got[k], ck[k]) for k in ck)
    assert all(np.isfinite(v).all() for v in got.values())


def test_divergence_seen_by_validation_hands_back_the_parameters_the_chunk_started_from():
    with pytest.raises(FloatingPointError) as e:
        fit_lfads(X, HPS, DIVERGING, random_state=0, valid_spikes=X[:4], verbose=False)
    err = e.value
    assert "fit_lfads diverged: the validation loss became non-finite after step 0 (val_loss=" in str(err), str(err)
    assert err.step == 0 and err.checkpoint is None and err.best_params is None and len(err.history["val_loss"]) == 0
    init = _leaves(jax.device_get(lfads_init(jax.random.split(jax.random.PRNGKey(0))[0], HPS)))   # what fit_lfads starts from
    got = _leaves(err.params)
    assert sorted(got) == sorted(init) and all(np.array_equal(got[k], init[k]) for k in init)


# --- inference and the integrator-data functions -----------------------------------------------------------------------

OTHER_CASES = [
    ("posterior_mean with NaN params", lambda: posterior_mean(_with(PARAMS, "con_h0", np.full(8, np.inf, np.float32)), X, HPS),
     ValueError, "params has non-finite values (NaN or inf) in ['con_h0']"),
    ("posterior_mean batch_size 0", lambda: posterior_mean(PARAMS, X, HPS, batch_size=0), ValueError, "batch_size must be a positive integer, got 0"),
    ("sample-and-average with 0 samples", lambda: posterior_sample_and_average(PARAMS, X, HPS, n_samples=0), ValueError,
     "n_samples must be a positive integer, got 0"),
    ("sample-and-average, draws not a multiple of the chunk", lambda: posterior_sample_and_average(PARAMS, X, HPS, n_samples=10, sample_chunk=4),
     ValueError, "n_samples=10 must be a multiple of sample_chunk=4"),
    ("save_lfads of NaN params", lambda: save_lfads("unused.npz", _with(PARAMS, "gen/b", np.full(24, np.nan, np.float32)), HPS),
     ValueError, "params has non-finite values (NaN or inf) in ['gen/b']"),
    ("save_lfads without a config", lambda: save_lfads("unused.npz", PARAMS, dict(HPS.__dict__)), TypeError, "hps must be an LFADSConfig, got dict"),
    ("integrator_inputs of 0 trials", lambda: integrator_inputs(jax.random.PRNGKey(0), 0), ValueError, "n_trials must be a positive integer, got 0"),
    ("integrator_inputs with a dict config", lambda: integrator_inputs(jax.random.PRNGKey(0), 4, dict(n_time=25)), TypeError,
     "cfg must be an IntegratorConfig, got dict"),
    ("train_integrator with chunk 0", lambda: train_integrator(IntegratorConfig(), chunk=0), ValueError, "chunk must be a positive integer, got 0"),
    ("line_attractor_starts without settling", lambda: line_attractor_starts({}, jax.random.PRNGKey(0), 4, settle=0), ValueError,
     "settle must be a positive integer, got 0"),
    ("spikify of rates above 1", lambda: spikify(np.full((3, 4), 1.5)), ValueError, "rates must be fractions of max_firing_rate in [0, 1]"),
    ("spikify with a NaN bin width", lambda: spikify(np.ones((3, 4)), dt=math.nan), ValueError, "dt and max_firing_rate must be positive, finite numbers"),
]


@pytest.mark.parametrize("what, call, exc, msg", OTHER_CASES, ids=[c[0] for c in OTHER_CASES])
def test_bad_input_to_inference_or_data_functions(what, call, exc, msg, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(exc) as e: call()
    assert msg in str(e.value), str(e.value)
    assert not (tmp_path / "unused.npz").exists()


# --- loaders: damaged or foreign files -------------------------------------------------------------------------------

def _npz_bytes(**arrays):
    b = io.BytesIO(); np.savez(b, **arrays); return b.getvalue()


def _bomb():
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z: z.writestr("gen/b.npy", b"\0" * (20 * 2**20))
    return b.getvalue()


def _bitflip(raw):
    raw = bytearray(raw); raw[len(raw) // 3] ^= 0xFF; return bytes(raw)


@pytest.fixture(scope="module")
def model_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("model")
    path = save_lfads(d / "m.npz", PARAMS, HPS, meta=dict(note="ok"))
    return path.read_bytes(), json.loads(path.with_suffix(".json").read_text())


FLAT = _leaves(PARAMS)
LFADS_FILE_CASES = [   # (name, npz bytes or a function of the good bytes, JSON sidecar or a function of the good one, exc, message)
    ("empty", b"", None, ValueError, "empty.npz is empty (0 bytes): not a neurolatent LFADS parameter file"),
    ("truncated", lambda b: b[:len(b) // 2], None, ValueError, "truncated.npz is not a neurolatent LFADS parameter file (.npz): not a zip archive, or a truncated one"),
    ("text", b"params, but as text", None, ValueError, "text.npz is not a neurolatent LFADS parameter file (.npz): not a zip archive"),
    ("bomb", _bomb(), None, ValueError, "bomb.npz would unpack to 20.0 MiB"),
    ("bitflip", _bitflip, None, ValueError, "bitflip.npz is not a readable neurolatent LFADS parameter file (.npz): BadZipFile: Bad CRC-32"),
    ("pickled", _npz_bytes(**dict(FLAT, **{"gen/b": np.array([1, "x"], dtype=object)})), None, ValueError,
     "pickled.npz is not a readable neurolatent LFADS parameter file (.npz): ValueError: Object arrays cannot be loaded when allow_pickle=False"),
    ("unknown_array", _npz_bytes(**FLAT, extra=np.zeros(2)), None, ValueError, "unknown_array.npz does not match its LFADSConfig: unexpected arrays ['extra']"),
    ("missing_array", _npz_bytes(**{k: v for k, v in FLAT.items() if k != "gen/Wh"}), None, ValueError,
     "missing_array.npz does not match its LFADSConfig: missing arrays ['gen/Wh']"),
    ("wrong_shape", _npz_bytes(**dict(FLAT, **{"gen/b": np.zeros(5, np.float32)})), None, ValueError, "wrong_shape.npz has arrays of the wrong shape for its LFADSConfig: gen/b (5,) ≠ (24,)"),
    ("nan_array", _npz_bytes(**dict(FLAT, **{"gen/b": np.full(24, np.nan, np.float32)})), None, ValueError, "nan_array.npz has non-finite values (NaN or inf) in ['gen/b']"),
    ("int_array", _npz_bytes(**dict(FLAT, **{"gen/b": np.zeros(24, np.int64)})), None, ValueError, "int_array.npz has arrays that are not floating point: gen/b (int64)"),
    ("bad_json", None, "{not json", ValueError, "bad_json.json (the JSON config of bad_json.npz) is not valid JSON"),
    ("empty_json", None, "", ValueError, "empty_json.json (the JSON config of empty_json.npz) is empty"),
    ("list_json", None, "[1, 2]", ValueError, "list_json.json (the JSON config of list_json.npz) must hold a JSON object, got a list"),
    ("foreign_json", None, lambda j: dict(j, format="neurolatent.lfads_data/1"), ValueError,
     "foreign_json.json is not an LFADS parameter file (format 'neurolatent.lfads_data/1', expected 'neurolatent.lfads/1')"),
    ("unknown_key", None, lambda j: dict(j, extra=1), ValueError, "unknown_key.json has unknown keys ['extra']"),
    ("missing_key", None, lambda j: {k: v for k, v in j.items() if k != "config"}, ValueError, "missing_key.json has missing keys ['config']"),
    ("unknown_field", None, lambda j: dict(j, config=dict(j["config"], gen_dimm=8)), ValueError, "unknown_field.json (config) has unknown keys ['gen_dimm']"),
    ("missing_field", None, lambda j: dict(j, config={k: v for k, v in j["config"].items() if k != "keep_rate"}), ValueError,
     "missing_field.json (config) has missing keys ['keep_rate']"),
    ("bad_field", None, lambda j: dict(j, config=dict(j["config"], keep_rate=2)), ValueError,
     "bad_field.json (config) is not a valid LFADSConfig: LFADSConfig.keep_rate must be a number in (0, 1]"),
    ("meta_not_object", None, lambda j: dict(j, meta=[1]), ValueError, "meta_not_object.json: its meta must be a JSON object, got [1]"),
    ("listing_differs", None, lambda j: dict(j, arrays=dict(j["arrays"], **{"gen/b": [25]})), ValueError,
     "listing_differs.npz does not match the arrays its sidecar listing_differs.json lists (they differ for ['gen/b'])"),
]


@pytest.mark.parametrize("name, npz, side, exc, msg", LFADS_FILE_CASES, ids=[c[0] for c in LFADS_FILE_CASES])
def test_load_lfads_refuses_a_damaged_file_naming_it(model_files, name, npz, side, exc, msg, tmp_path):
    good_npz, good_side = model_files
    path = tmp_path / f"{name}.npz"
    path.write_bytes(npz(good_npz) if callable(npz) else good_npz if npz is None else npz)
    path.with_suffix(".json").write_text(side if isinstance(side, str) else json.dumps(side(good_side) if side else good_side))
    with pytest.raises(exc) as e: load_lfads(path)
    assert msg in str(e.value), str(e.value)
    assert str(tmp_path) in str(e.value)   # the full path, not only the name


def test_load_lfads_of_missing_files_names_them(model_files, tmp_path):
    with pytest.raises(FileNotFoundError, match="none.json \\(the JSON config written next to none.npz\\) is missing"): load_lfads(tmp_path / "none.npz")
    (tmp_path / "lonely.json").write_text(json.dumps(model_files[1]))
    with pytest.raises(FileNotFoundError, match="lonely.npz does not exist"): load_lfads(tmp_path / "lonely.npz")


@pytest.fixture(scope="module")
def checkpoint_arrays(tmp_path_factory):
    "The arrays of a real checkpoint after one step (of the diverging schedule, whose first step is still finite: one compile less)."
    d = tmp_path_factory.mktemp("ck")
    fit_lfads(X, HPS, replace(DIVERGING, num_batches=1), checkpoint_dir=d, verbose=False)
    with np.load(latest_checkpoint(d), allow_pickle=False) as z: return {k: z[k] for k in z.files}


def _meta_edit(change):
    def edit(a):
        m = json.loads(str(a["meta"])); change(m); return dict(a, meta=np.array(json.dumps(m)))
    return edit


CHECKPOINT_CASES = [   # (name, raw bytes or a function of the good arrays, exc, message)
    ("empty", b"", ValueError, "empty.npz is empty (0 bytes): not a neurolatent LFADS training checkpoint"),
    ("truncated", "cut", ValueError, "truncated.npz is not a neurolatent LFADS training checkpoint: not a zip archive, or a truncated one"),
    ("no_meta", lambda a: {k: v for k, v in a.items() if k != "meta"}, ValueError, "no_meta.npz is not an LFADS training checkpoint (no meta)"),
    ("meta_not_json", lambda a: dict(a, meta=np.array("{oops")), ValueError, "meta_not_json.npz: its meta is not valid JSON"),
    ("meta_numeric", lambda a: dict(a, meta=np.zeros(3)), ValueError, "meta_numeric.npz: its meta must be a JSON string, got a float64 array of shape (3,)"),
    ("foreign_format", _meta_edit(lambda m: m.update(format="neurolatent.lfads/1")), ValueError,
     "foreign_format.npz is not an LFADS training checkpoint (format 'neurolatent.lfads/1')"),
    ("meta_missing_key", _meta_edit(lambda m: m.pop("step")), ValueError, "meta_missing_key.npz (meta) has missing keys ['step']"),
    ("meta_unknown_key", _meta_edit(lambda m: m.update(extra=1)), ValueError, "meta_unknown_key.npz (meta) has unknown keys ['extra']"),
    ("bad_step", _meta_edit(lambda m: m.update(step=-1)), ValueError, "bad_step.npz: its step must be an integer ≥ 1, got -1"),
    ("bad_config", _meta_edit(lambda m: m["settings"]["hps"].update(gen_dim=0)), ValueError,
     "bad_config.npz (meta.settings.hps) is not a valid LFADSConfig: LFADSConfig.gen_dim must be an integer ≥ 1"),
    ("unknown_array", lambda a: dict(a, extra=np.zeros(1)), ValueError, "unknown_array.npz has unknown arrays ['extra']"),
    ("missing_param", lambda a: {k: v for k, v in a.items() if k != "params/gen/Wh"}, ValueError,
     "missing_param.npz (params/) does not match its LFADSConfig: missing arrays ['gen/Wh']"),
    ("nan_param", lambda a: dict(a, **{"params/gen/b": np.full(24, np.nan, np.float32)}), ValueError,
     "nan_param.npz (params/) has non-finite values (NaN or inf) in ['gen/b']"),
    ("missing_opt_leaf", lambda a: {k: v for k, v in a.items() if k != "opt/0001"}, ValueError,
     "missing_opt_leaf.npz: its optimizer state must be arrays opt/0000, opt/0001, …"),
    ("short_history", lambda a: dict(a, **{"history/loss": a["history/loss"][:0]}), ValueError,
     "short_history.npz: its history is damaged: ['loss'] do not cover its 1 steps"),
]


@pytest.mark.parametrize("name, change, exc, msg", CHECKPOINT_CASES, ids=[c[0] for c in CHECKPOINT_CASES])
def test_load_checkpoint_refuses_a_damaged_file_naming_it(checkpoint_arrays, name, change, exc, msg, tmp_path):
    path = tmp_path / f"{name}.npz"
    good = _npz_bytes(**checkpoint_arrays)
    path.write_bytes(change if isinstance(change, bytes) else good[:-300] if change == "cut" else _npz_bytes(**change(checkpoint_arrays)))
    with pytest.raises(exc) as e: load_checkpoint(path)
    assert msg in str(e.value), str(e.value)
    assert str(tmp_path) in str(e.value)


def test_the_unchanged_checkpoint_loads(checkpoint_arrays, tmp_path):
    "The control for the cases above: the same bytes, unedited, load."
    (tmp_path / "ok.npz").write_bytes(_npz_bytes(**checkpoint_arrays))
    assert load_checkpoint(tmp_path / "ok.npz")["step"] == 1


def _small_data(K=6):
    rng = np.random.default_rng(0)
    z = lambda *s: rng.random(s).astype(np.float32)
    return IntegratorData(rng.poisson(1, (K, 4, 3)).astype(np.int32), z(K, 4, 3), z(K, 4, 3), z(K, 4, 1), z(K, 4, 1), z(K, 4, 1),
                          z(K, 3), z(K), np.arange(4), np.arange(4, K), IntegratorConfig(n_hidden=3, n_time=4, n_trials=K))


DATA_CASES = [   # (name, npz bytes or a function of the good arrays, JSON text or a function of the good JSON, message)
    ("empty", b"", None, "empty.npz is empty (0 bytes): not a neurolatent integrator data file"),
    ("truncated", "cut", None, "truncated.npz is not a neurolatent integrator data file (.npz): not a zip archive, or a truncated one"),
    ("missing_array", lambda a: {k: v for k, v in a.items() if k != "rates"}, None, "missing_array.npz is not an integrator data file: missing ['rates']"),
    ("unknown_array", lambda a: dict(a, extra=np.zeros(1)), None, "unknown_array.npz is not an integrator data file: missing [], unexpected ['extra']"),
    ("ragged", lambda a: dict(a, rates=a["rates"][:3]), None, "ragged.npz has arrays of the wrong shape: rates (3, 4, 3)"),
    ("index_out_of_range", lambda a: dict(a, eval_idx=np.array([4, 6])), None, "index_out_of_range.npz: eval_idx must hold trial indices in [0, 6), got dtype int64, range [4, 6]"),
    ("bad_json", None, "{", "bad_json.json (the JSON config of bad_json.npz) is not valid JSON"),
    ("foreign_json", None, lambda j: dict(j, format="neurolatent.lfads/1"), "foreign_json.json is not an integrator data config (format 'neurolatent.lfads/1'"),
    ("unknown_field", None, lambda j: dict(j, config=dict(j["config"], n_units=3)), "unknown_field.json (config) has unknown keys ['n_units']"),
    ("bad_field", None, lambda j: dict(j, config=dict(j["config"], n_trials=1)), "bad_field.json (config) is not a valid IntegratorConfig: IntegratorConfig.n_trials must be an integer ≥ 2"),
]


@pytest.mark.parametrize("name, npz, side, msg", DATA_CASES, ids=[c[0] for c in DATA_CASES])
def test_read_integrator_data_refuses_a_damaged_file_naming_it(name, npz, side, msg, tmp_path):
    save_integrator_data(_small_data(), tmp_path / "good.npz")
    assert read_integrator_data(tmp_path / "good.npz").spikes.shape == (6, 4, 3)   # the control
    with np.load(tmp_path / "good.npz") as z: arrays = {k: z[k] for k in z.files}
    good, meta = (tmp_path / "good.npz").read_bytes(), json.loads((tmp_path / "good.json").read_text())
    path = tmp_path / f"{name}.npz"
    path.write_bytes(good if npz is None else npz if isinstance(npz, bytes) else good[:-200] if npz == "cut" else _npz_bytes(**npz(arrays)))
    path.with_suffix(".json").write_text(json.dumps(meta) if side is None else side if isinstance(side, str) else json.dumps(side(meta)))
    with pytest.raises(ValueError) as e: read_integrator_data(path)
    assert msg in str(e.value), str(e.value)
    assert str(tmp_path) in str(e.value)
