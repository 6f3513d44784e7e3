"""Bad input to every public entry point of the contrastive side (CEBRA fit/partial_fit/adapt/transform/save/load/
resume, the metrics, decoders, synthetic data, plots, and the core helpers) gets a specific error before any
training starts: the exception type and the words a user needs to fix it. One case per distinct bad input.
The LFADS side is in `test_bad_inputs_lfads.py`, files, NWB, the CLI and GridSearch in `test_bad_inputs_io.py`."""
import json
import math
import warnings
import zipfile

import numpy as np
import pytest
import scipy.sparse
import torch
from sklearn.exceptions import NotFittedError

from neurolatent import CEBRA, models
from neurolatent.core import as_float32, check_archive, check_array, get_device, seeded
from neurolatent.decoders import KNNDecoder, L1LinearRegressor, decode, shuffle_labels, shuffle_neural
from neurolatent.metrics import consistency_score, goodness_of_fit_score, infonce_loss
from neurolatent.synthetic import buddy_like, place_cells, rat_sessions
from neurolatent.training import read_torch_file, write_torch_file

KW = dict(model_architecture="offset5-model", batch_size=64, output_dimension=3, max_iterations=10, device="cpu",
          time_offsets=2, random_state=0, max_adapt_iterations=5)
RNG = np.random.default_rng(0)
X = RNG.normal(size=(400, 12)).astype(np.float32)
Y = RNG.normal(size=(400, 2)).astype(np.float32)
D = RNG.integers(0, 3, 400)
SESS = [RNG.normal(size=(300, n)).astype(np.float32) for n in (10, 8)]
SESS_Y = [RNG.normal(size=(300, 1)).astype(np.float32) for _ in SESS]


def _with(a, idx, v):
    a = np.array(a, copy=True); a[idx] = v; return a


@pytest.fixture(scope="module")
def fitted():
    return CEBRA(**KW).fit(X, Y)


@pytest.fixture(scope="module")
def multi():
    return CEBRA(**KW).fit(SESS, SESS_Y)


@pytest.fixture(scope="module")
def files(tmp_path_factory, fitted):
    d = tmp_path_factory.mktemp("files")
    good = fitted.save(d / "good.pt")
    obj = read_torch_file(good)
    out = {"good": good, "missing": d / "nope.pt", "dir": d}
    (d / "empty.pt").write_bytes(b""); out["empty"] = d / "empty.pt"
    (d / "text.pt").write_text("hello"); out["text"] = d / "text.pt"
    (d / "cut.pt").write_bytes(good.read_bytes()[: good.stat().st_size // 2]); out["cut"] = d / "cut.pt"
    raw = bytearray(good.read_bytes()); w = obj["model"][next(iter(obj["model"]))].numpy().tobytes()
    at = raw.find(w[16:32]); raw[at + 3] ^= 0x01; (d / "flip.pt").write_bytes(raw); out["flip"] = d / "flip.pt"
    with zipfile.ZipFile(d / "bomb.pt", "w", zipfile.ZIP_DEFLATED) as z: z.writestr("archive/data.pkl", b"\0" * 40 * 2**20)
    out["bomb"] = d / "bomb.pt"
    torch.save({"meta_json": "{}", "f": print}, d / "pickle.pt"); out["pickle"] = d / "pickle.pt"
    write_torch_file(d / "badjson.pt", {**obj, "meta_json": "{oops"}); out["badjson"] = d / "badjson.pt"
    write_torch_file(d / "nohistory.pt", {k: v for k, v in obj.items() if k != "history"}); out["nohistory"] = d / "nohistory.pt"
    meta = json.loads(obj["meta_json"]); meta["format"] = "something.else"
    write_torch_file(d / "otherformat.pt", {**obj, "meta_json": json.dumps(meta)}); out["otherformat"] = d / "otherformat.pt"
    meta = json.loads(obj["meta_json"]); meta["format_version"] = 99
    write_torch_file(d / "future.pt", {**obj, "meta_json": json.dumps(meta)}); out["future"] = d / "future.pt"
    meta = json.loads(obj["meta_json"]); del meta["fitted"]
    write_torch_file(d / "nofitted.pt", {**obj, "meta_json": json.dumps(meta)}); out["nofitted"] = d / "nofitted.pt"
    write_torch_file(d / "shape.pt", {**obj, "model": {k: v[..., :1] for k, v in obj["model"].items()}}); out["shape"] = d / "shape.pt"
    write_torch_file(d / "list.pt", {"a": 1}); out["notmodel"] = d / "list.pt"
    ck = d / "ck"; CEBRA(**KW).fit(X, Y, checkpoint_dir=ck, checkpoint_every=5); out["ckdir"] = ck
    return out


def fit(**kw):
    return lambda: CEBRA(**{**KW, **kw}).fit(X, Y)


# (id, call, exception, words in the message). `call` takes the fixtures it names via a dict.
CASES = [
    # --- settings (checked before anything else) ---
    ("arch unknown", fit(model_architecture="offset7-model"), ValueError, "Unknown model_architecture 'offset7-model'"),
    ("arch None", fit(model_architecture=None), ValueError, "Unknown model_architecture None"),
    ("criterion", fit(criterion="nce"), ValueError, "criterion must be 'infonce'"),
    ("optimizer", fit(optimizer="sgd"), ValueError, "optimizer must be 'adam'"),
    ("conditional", fit(conditional="future"), ValueError, "conditional must be None, 'time', 'time_delta' or 'delta'"),
    ("max_iterations 0", fit(max_iterations=0), ValueError, "max_iterations must be a positive integer"),
    ("max_iterations float", fit(max_iterations=10.0), ValueError, "max_iterations must be a positive integer, got 10.0"),
    ("max_iterations bool", fit(max_iterations=True), ValueError, "max_iterations must be a positive integer, got True"),
    ("max_adapt_iterations", fit(max_adapt_iterations=0), ValueError, "max_adapt_iterations must be a positive integer"),
    ("output_dimension", fit(output_dimension=0), ValueError, "output_dimension must be a positive integer"),
    ("num_hidden_units", fit(num_hidden_units=-4), ValueError, "num_hidden_units must be a positive integer"),
    ("batch_size 0", fit(batch_size=0), ValueError, "batch_size must be a positive integer or None"),
    ("batch_size str", fit(batch_size="64"), ValueError, "batch_size must be a positive integer or None, got '64'"),
    ("learning_rate negative", fit(learning_rate=-1e-3), ValueError, "learning_rate must be a finite number > 0"),
    ("learning_rate inf", fit(learning_rate=math.inf), ValueError, "learning_rate must be a finite number > 0, got inf"),
    ("learning_rate nan", fit(learning_rate=math.nan), ValueError, "learning_rate must be a finite number > 0, got nan"),
    ("learning_rate str", fit(learning_rate="3e-4"), ValueError, "learning_rate must be a finite number > 0, got '3e-4'"),
    ("temperature 0", fit(temperature=0), ValueError, "temperature must be > 0"),
    ("temperature_mode", fit(temperature_mode="learned"), ValueError, "temperature_mode must be 'constant' or 'auto'"),
    ("distance", fit(distance="manhattan"), ValueError, "distance must be 'cosine' or 'euclidean'"),
    ("time_offsets 0", fit(time_offsets=0), ValueError, "time_offsets must be a positive integer"),
    ("hybrid dims", fit(hybrid=True, output_dimension=2), ValueError, "hybrid=True uses the first 3 output dimensions"),
    ("hybrid flag", fit(hybrid="yes"), TypeError, "hybrid must be True or False"),
    ("verbose flag", fit(verbose=1), TypeError, "verbose must be True or False"),
    ("pad flag", fit(pad_before_transform=None), TypeError, "pad_before_transform must be True or False"),
    ("random_state negative", fit(random_state=-1), ValueError, "random_state must be in [0, 2**32)"),
    ("random_state float", fit(random_state=0.5), TypeError, "random_state must be an int or None, got float"),
    ("optimizer_kwargs int", fit(optimizer_kwargs=5), TypeError, "optimizer_kwargs must be (name, value) pairs or a dict, got 5"),
    ("optimizer_kwargs unknown", fit(optimizer_kwargs={"momentum": 0.9}), ValueError, "unknown Adam argument(s) ['momentum']"),
    ("optimizer_kwargs betas", fit(optimizer_kwargs={"betas": (0.9, 1.0)}), ValueError, "betas must be two numbers in [0, 1)"),
    ("optimizer_kwargs eps", fit(optimizer_kwargs={"eps": -1}), ValueError, "eps must be a finite number > 0"),
    ("optimizer_kwargs weight_decay", fit(optimizer_kwargs={"weight_decay": math.nan}), ValueError, "weight_decay must be a finite number ≥ 0"),
    ("device unknown", fit(device="tpu"), ValueError, "Unknown device 'tpu'"),
    ("precision fp16", fit(precision="fp16"), ValueError, "precision must be one of ('float32', 'bf16-mixed'), got 'fp16'"),
    ("torch_compile string", fit(torch_compile="max-autotune"), TypeError, "torch_compile must be True, False, or torch.compile arguments as a dict or (name, value) pairs"),
    ("torch_compile unknown key", fit(torch_compile={"fullgraf": True}), ValueError, "unknown torch.compile argument(s) ['fullgraf']"),
    ("torch_compile mode", fit(torch_compile={"mode": "fastest"}), ValueError, "refused by torch.compile: Unrecognized mode=fastest"),
    ("torch_compile pairs", fit(torch_compile=(("mode",),)), TypeError, "torch_compile must be True, False, or torch.compile arguments"),
    ("transform of a list", lambda: CEBRA(**KW).fit(X, Y).transform([X, X]), ValueError, "transform takes one recording at a time"),
    ("transform beyond float32", lambda: CEBRA(**KW).fit(X, Y).transform(_with(X.astype(np.float64), (3, 3), 1e39)),
     ValueError, "X has values beyond float32's range"),
    # --- neural data ---
    ("X 1-D", lambda: CEBRA(**KW).fit(X[:, 0]), ValueError, "Reshape your data"),
    ("X 3-D", lambda: CEBRA(**KW).fit(X[None]), ValueError, "got shape (1, 400, 12)"),
    ("X no rows", lambda: CEBRA(**KW).fit(X[:0]), ValueError, "0 sample(s)"),
    ("X no columns", lambda: CEBRA(**KW).fit(X[:, :0]), ValueError, "0 feature(s)"),
    ("X NaN", lambda: CEBRA(**KW).fit(_with(X, (5, 2), np.nan)), ValueError, "X contains 1 non-finite value(s) (NaN), first at row 5"),
    ("X inf", lambda: CEBRA(**KW).fit(_with(X, (9, 0), np.inf)), ValueError, "(inf), first at row 9"),
    ("X beyond float32", lambda: CEBRA(**KW).fit(_with(X.astype(np.float64), (3, 3), 1e39)), ValueError, "float32"),
    ("X strings", lambda: CEBRA(**KW).fit(np.full((400, 3), "a")), TypeError, "must be numeric, got dtype <U1"),
    ("X objects", lambda: CEBRA(**KW).fit(np.array([[{}, 1.0]] * 400, dtype=object)), TypeError, "dtype object that does not convert"),
    ("X complex", lambda: CEBRA(**KW).fit(X * 1j), ValueError, "Complex data not supported"),
    ("X boolean", lambda: CEBRA(**KW).fit(X > 0), TypeError, "X is boolean"),
    ("X sparse", lambda: CEBRA(**KW).fit(scipy.sparse.csr_matrix(X)), TypeError, "sparse input is not supported"),
    ("X ragged", lambda: CEBRA(**KW).fit([[1.0, 2.0], [3.0]]), TypeError, "X could not be converted to an array"),
    ("X shorter than receptive field", lambda: CEBRA(**{**KW, "model_architecture": "offset36-model"}).fit(X[:30]), ValueError, "offset36-model sees 36 bins"),
    ("X None", lambda: CEBRA(**KW).fit(None), TypeError, "X is None; pass an array"),
    # --- labels ---
    ("y length", lambda: CEBRA(**KW).fit(X, Y[:300]), ValueError, "y has 300 samples but X has 400"),
    ("y NaN", lambda: CEBRA(**KW).fit(X, _with(Y, (7, 0), np.nan)), ValueError, "y contains 1 non-finite value(s) (NaN), first at row 7"),
    ("y two continuous", lambda: CEBRA(**KW).fit(X, Y, Y), ValueError, "y[1] is a second continuous label"),
    ("y two discrete", lambda: CEBRA(**KW).fit(X, D, D), ValueError, "y[1] is a second discrete label"),
    ("y negative classes", lambda: CEBRA(**KW).fit(X, D - 1), ValueError, "has negative class labels (min -1)"),
    ("y integer columns", lambda: CEBRA(**KW).fit(X, np.stack([D, D], 1)), ValueError, "integer array with 2 columns"),
    ("y object", lambda: CEBRA(**KW).fit(X, D.astype(object)), TypeError, "Unknown label type"),
    ("y 3-D", lambda: CEBRA(**KW).fit(X, Y[:, :, None]), ValueError, "y must have 1 or 2 dimension(s)"),
    ("y with conditional=time", fit(conditional="time"), ValueError, "conditional='time' is time-contrastive and would ignore the labels"),
    ("delta without labels", lambda: CEBRA(**{**KW, "conditional": "delta", "delta": 0.1}).fit(X), ValueError, "conditional='delta' needs continuous labels"),
    ("hybrid without labels", lambda: CEBRA(**{**KW, "hybrid": True}).fit(X), ValueError, "hybrid=True needs continuous labels"),
    # --- fit options ---
    ("callback_frequency alone", lambda: CEBRA(**KW).fit(X, Y, callback_frequency=5), ValueError, "callback_frequency was given without a callback"),
    ("checkpoint_every alone", lambda: CEBRA(**KW).fit(X, Y, checkpoint_every=5), ValueError, "checkpoint_every was given without a checkpoint_dir"),
    ("early_stopping without validation", lambda: CEBRA(**KW).fit(X, Y, early_stopping=3), ValueError, "need validation data"),
    ("restore_best without validation", lambda: CEBRA(**KW).fit(X, Y, restore_best=True), ValueError, "need validation data"),
    ("resume without dir", lambda: CEBRA(**KW).fit(X, Y, resume=True), ValueError, "resume=True needs checkpoint_dir="),
    ("validation neurons", lambda: CEBRA(**KW).fit(X, Y, validation_data=(X[:, :5], Y)), ValueError, "validation_data has 5 neurons but X has 12"),
    ("validation label kinds", lambda: CEBRA(**KW).fit(X, Y, validation_data=(X, D)), ValueError, "validation_data has discrete labels but the training data have continuous"),
    ("validation NaN", lambda: CEBRA(**KW).fit(X, Y, validation_data=(_with(X, (1, 1), np.nan), Y)), ValueError, "validation_data: X contains 1 non-finite"),
    ("validation_frequency 0", lambda: CEBRA(**KW).fit(X, Y, validation_data=(X, Y), validation_frequency=0), ValueError, "validation_frequency must be a positive integer"),
    ("early_stopping 0", lambda: CEBRA(**KW).fit(X, Y, validation_data=(X, Y), early_stopping=0), ValueError, "early_stopping must be a positive integer or None"),
    # --- multi-session ---
    ("sessions labels count", lambda: CEBRA(**KW).fit(SESS, SESS_Y[:1]), ValueError, "one label array per session (2 sessions), got a list of 1"),
    ("sessions label dims differ", lambda: CEBRA(**KW).fit(SESS, [SESS_Y[0], np.hstack([SESS_Y[1]] * 2)]), ValueError, "every session needs the same label variables"),
    ("sessions one NaN", lambda: CEBRA(**KW).fit([SESS[0], _with(SESS[1], (4, 4), np.nan)], SESS_Y), ValueError, "X[1] (session 1) contains 1 non-finite"),
    ("sessions empty list", lambda: CEBRA(**KW).fit([]), ValueError, "X is empty"),
]

FITTED_CASES = [
    ("transform unfitted", lambda f, m, p: CEBRA(**KW).transform(X), NotFittedError, "not fitted yet"),
    ("save unfitted", lambda f, m, p: CEBRA(**KW).save(p["dir"] / "x.pt"), NotFittedError, "not fitted yet"),
    ("transform features", lambda f, m, p: f.transform(X[:, :5]), ValueError, "X has 5 features, but CEBRA is expecting 12 features as input"),
    ("transform batch_size -1", lambda f, m, p: f.transform(X, batch_size=-1), ValueError, "batch_size must be a positive integer or None, got -1"),
    ("transform batch_size 1.5", lambda f, m, p: f.transform(X, batch_size=1.5), ValueError, "batch_size must be a positive integer or None, got 1.5"),
    ("transform session_id single", lambda f, m, p: f.transform(X, session_id=1), ValueError, "fitted on one session; omit session_id"),
    ("transform NaN", lambda f, m, p: f.transform(_with(X, (2, 2), np.nan)), ValueError, "X contains 1 non-finite"),
    ("multi transform no session", lambda f, m, p: m.transform(SESS[0]), ValueError, "pass session_id (0 to 1)"),
    ("multi transform session out of range", lambda f, m, p: m.transform(SESS[0], session_id=2), ValueError, "session_id must be an integer from 0 to 1"),
    ("multi transform wrong session", lambda f, m, p: m.transform(SESS[1], session_id=0), ValueError, "Pass session_id=1"),
    ("partial_fit features", lambda f, m, p: CEBRA(**KW).fit(X, Y).partial_fit(X[:, :5], Y), ValueError, "X has 5 features, but CEBRA is expecting 12"),
    ("partial_fit label kinds", lambda f, m, p: CEBRA(**KW).fit(X, Y).partial_fit(X, D), ValueError, "trained with continuous labels but partial_fit got discrete"),
    ("partial_fit resume", lambda f, m, p: CEBRA(**KW).fit(X, Y).partial_fit(X, Y, resume=True), ValueError, "resume belongs to fit()"),
    ("partial_fit single on multi", lambda f, m, p: CEBRA(**KW).fit(SESS, SESS_Y).partial_fit(X, Y), ValueError, "fitted on 2 sessions"),
    ("adapt without labels", lambda f, m, p: m.adapt(SESS[0]), ValueError, "continues a model trained with continuous labels but got no labels"),
    ("adapt discrete", lambda f, m, p: m.adapt(SESS[0], D[:300]), ValueError, "but got discrete labels"),
    ("adapt layers", lambda f, m, p: m.adapt(SESS[0], SESS_Y[0], layers="some"), ValueError, "layers must be 'input' or 'all', got 'some'"),
    ("adapt session_id", lambda f, m, p: m.adapt(SESS[0], SESS_Y[0], session_id=5), ValueError, "session_id must be an integer from 0 to 1 (the model has 2 sessions), got 5"),
    ("adapt steps", lambda f, m, p: m.adapt(SESS[0], SESS_Y[0], steps=0), ValueError, "steps must be a positive integer"),
    ("load missing", lambda f, m, p: CEBRA.load(p["missing"]), FileNotFoundError, "No neurolatent model file at"),
    ("load empty", lambda f, m, p: CEBRA.load(p["empty"]), ValueError, "is empty (0 bytes)"),
    ("load text", lambda f, m, p: CEBRA.load(p["text"]), ValueError, "not a zip archive"),
    ("load truncated", lambda f, m, p: CEBRA.load(p["cut"]), ValueError, "not a zip archive, or a truncated one"),
    ("load flipped bit", lambda f, m, p: CEBRA.load(p["flip"]), ValueError, "is damaged: its content no longer matches"),
    ("load decompression bomb", lambda f, m, p: CEBRA.load(p["bomb"]), ValueError, "would unpack to 40.0 MiB"),
    ("load pickled code", lambda f, m, p: CEBRA.load(p["pickle"]), ValueError, "is not a readable neurolatent model file"),
    ("load bad JSON", lambda f, m, p: CEBRA.load(p["badjson"]), ValueError, "its metadata is not valid JSON"),
    ("load missing part", lambda f, m, p: CEBRA.load(p["nohistory"]), ValueError, "is incomplete: history missing"),
    ("load missing metadata", lambda f, m, p: CEBRA.load(p["nofitted"]), ValueError, "is incomplete: metadata 'fitted' missing"),
    ("load other format", lambda f, m, p: CEBRA.load(p["otherformat"]), ValueError, "holds 'something.else'"),
    ("load newer format", lambda f, m, p: CEBRA.load(p["future"]), ValueError, "Upgrade neurolatent to read it"),
    ("load wrong shapes", lambda f, m, p: CEBRA.load(p["shape"]), ValueError, "its parts do not fit together"),
    ("load not a model", lambda f, m, p: CEBRA.load(p["notmodel"]), ValueError, "not a neurolatent CEBRA model"),
    ("resume a model file", lambda f, m, p: CEBRA.resume(p["good"], X, Y), ValueError, "is a saved model, not a checkpoint"),
    ("resume other data", lambda f, m, p: CEBRA(**KW).fit(X[:300], Y[:300], checkpoint_dir=p["ckdir"], resume=True), ValueError, "was made with other data"),
    ("resume other settings", lambda f, m, p: CEBRA(**{**KW, "output_dimension": 4}).fit(X, Y, checkpoint_dir=p["ckdir"], resume=True), ValueError, "was made with other settings: output_dimension=3 there, 4 here"),
    ("resume empty dir", lambda f, m, p: CEBRA.resume(p["dir"] / "no_such_dir", X, Y), FileNotFoundError, "No neurolatent checkpoint at"),
    # --- metrics ---
    ("gof unfitted", lambda f, m, p: goodness_of_fit_score(CEBRA(**KW), X, Y), NotFittedError, "The model is not fitted yet"),
    ("gof features", lambda f, m, p: goodness_of_fit_score(f, X[:, :3], Y), ValueError, "X has 3 features, but CEBRA is expecting 12"),
    ("gof label length", lambda f, m, p: goodness_of_fit_score(f, X, Y[:10]), ValueError, "y has 10 samples but X has 400"),
    ("infonce num_batches", lambda f, m, p: infonce_loss(f, X, Y, num_batches=0), ValueError, "num_batches must be a positive integer"),
    ("consistency between", lambda f, m, p: consistency_score([X, X], between="animals"), ValueError, "between must be 'runs' or 'datasets'"),
    ("consistency one", lambda f, m, p: consistency_score([X], between="runs"), ValueError, "at least 2 embeddings"),
    ("consistency lengths", lambda f, m, p: consistency_score([X, X[:100]], between="runs"), ValueError, "got lengths [400, 100]; use between='datasets'"),
    ("consistency datasets no labels", lambda f, m, p: consistency_score([X, X], between="datasets"), ValueError, "pass labels=[...], one array per embedding"),
    ("consistency NaN", lambda f, m, p: consistency_score([X, _with(X, (0, 0), np.nan)], between="runs"), ValueError, "embeddings[1] contains 1 non-finite"),
    # --- decoders ---
    ("decode lengths", lambda f, m, p: decode(X, Y[:10, 0], KNNDecoder()), ValueError, "y has 10 samples but X has 400"),
    ("knn neighbours", lambda f, m, p: KNNDecoder(n_neighbors=0).fit(X, Y[:, 0]), ValueError, "n_neighbors must be a positive integer, got 0"),
    ("knn metric", lambda f, m, p: KNNDecoder(metric="hamming2").fit(X, Y[:, 0]), ValueError, "The 'metric' parameter"),
    ("knn predict unfitted", lambda f, m, p: KNNDecoder().predict(X), NotFittedError, "not fitted"),
    ("knn predict features", lambda f, m, p: KNNDecoder().fit(X, Y[:, 0]).predict(X[:, :2]), ValueError, "X has 2 features, but KNNDecoder is expecting 12"),
    ("lasso alpha", lambda f, m, p: L1LinearRegressor(alpha=-1).fit(X, Y[:, 0]), ValueError, "alpha must be ≥ 0, got -1"),
    ("shuffle_labels NaN", lambda f, m, p: shuffle_labels(_with(Y, (0, 0), np.nan)), ValueError, "non-finite"),
    ("shuffle_neural 3-D", lambda f, m, p: shuffle_neural(X[None]), ValueError, "neural must have 1 or 2 dimension(s)"),
    # --- synthetic data ---
    ("place_cells neurons", lambda f, m, p: place_cells(neurons=0), ValueError, "neurons must be an integer >= 1, got 0"),
    ("rat_sessions n", lambda f, m, p: rat_sessions(0), ValueError, "n must be an integer >= 1, got 0"),
    ("buddy_like seed", lambda f, m, p: buddy_like(seed=-1), ValueError, "seed must be an integer >= 0, got -1"),
    # --- core helpers and models ---
    ("models.init None", lambda f, m, p: models.init(None, 10), TypeError, "model name must be a string, got NoneType"),
    ("models.init neurons", lambda f, m, p: models.init("offset10-model", 0), ValueError, "num_neurons must be a positive integer"),
    ("models.init output", lambda f, m, p: models.init("offset10-model", 10, num_output=2.5), ValueError, "output_dimension must be a positive integer, got 2.5"),
    ("models unknown", lambda f, m, p: models.init("offset11-model", 10), KeyError, "Unknown model 'offset11-model'"),
    ("get_device cuda:x", lambda f, m, p: get_device("cuda:x"), ValueError, "Unknown device 'cuda:x'"),
    ("seeded negative", lambda f, m, p: seeded(-1).__enter__(), ValueError, "random_state must be in [0, 2**32)"),
    ("check_archive empty", lambda f, m, p: check_archive(p["empty"]), ValueError, "is empty (0 bytes)"),
    ("read_torch_file missing", lambda f, m, p: read_torch_file(p["missing"], "checkpoint"), FileNotFoundError, "No checkpoint at"),
]


@pytest.mark.parametrize("name,call,exc,words", CASES, ids=[c[0] for c in CASES])
def test_fit_rejects_bad_input_before_training(name, call, exc, words):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(exc) as e: call()
    assert words in str(e.value), f"{name}: {type(e.value).__name__}: {e.value}"


@pytest.mark.parametrize("name,call,exc,words", FITTED_CASES, ids=[c[0] for c in FITTED_CASES])
def test_fitted_models_and_files_reject_bad_input(name, call, exc, words, fitted, multi, files):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(exc) as e: call(fitted, multi, files)
    assert words in str(e.value), f"{name}: {type(e.value).__name__}: {e.value}"


def test_the_cases_are_distinct():
    names = [c[0] for c in CASES + FITTED_CASES]
    assert len(names) == len(set(names))
    assert len(names) >= 120, len(names)


def test_large_inputs_warn_with_the_scale_found():
    with pytest.warns(UserWarning, match="Standardise each neuron"):
        as_float32(X * 1e8, "X")


def test_the_good_file_still_loads(files, fitted):
    np.testing.assert_array_equal(CEBRA.load(files["good"]).transform(X), fitted.transform(X))
