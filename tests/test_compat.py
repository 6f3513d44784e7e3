"""`neurolatent.compat`: upstream cebra's names laid over neurolatent.

One test per covered name (it runs and returns the right kind of thing), the `CompatWarning`s of the deliberate
differences (each with the value that follows upstream), and, where upstream `cebra` is installed, every covered
signature against upstream's: upstream's parameters in upstream's order with upstream's defaults, and nothing
extra that a call written for upstream would have to pass.
"""
import importlib
import inspect
import math
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import neurolatent.compat as cebra  # noqa: E402
from neurolatent import data as nl_data, metrics as nl_metrics  # noqa: E402
from neurolatent.compat import CompatWarning  # noqa: E402
from neurolatent.data import Dataset  # noqa: E402
from neurolatent.synthetic import place_cells, rat_sessions  # noqa: E402

KW = dict(model_architecture="offset10-model", batch_size=64, output_dimension=3, time_offsets=5, max_iterations=5,
          num_hidden_units=16, device="cpu", random_state=0)
NB = 5  # batches of each InfoNCE estimate


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)
    plt.close("all")


@pytest.fixture(scope="module")
def rat():
    return place_cells(neurons=20, duration=20.0, seed=0)  # 800 bins of 25 ms


@pytest.fixture(scope="module")
def behavior(rat):
    return cebra.CEBRA(**KW, conditional="time_delta").fit(rat.neural, rat.continuous_index)


@pytest.fixture(scope="module")
def emb(behavior, rat):
    return behavior.transform(rat.neural)


def _compat_warnings(record):
    return [str(w.message) for w in record if issubclass(w.category, CompatWarning)]


@pytest.fixture
def caught():
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        yield record


# ------------------------------------------------------------------------------------------------ one per name
def _cebra(rat, behavior, emb, tmp_path):
    m = cebra.CEBRA(**KW).fit(rat.neural)
    assert isinstance(m, cebra.CEBRA) and m.transform(rat.neural).shape == (len(rat.neural), 3)
    assert cebra.CEBRA(**KW).fit_transform(rat.neural, rat.continuous_index).shape == (len(rat.neural), 3)
    assert len(m.partial_fit(rat.neural).loss_) == 2 * KW["max_iterations"]


def _cebra_load(rat, behavior, emb, tmp_path):
    path = behavior.save(tmp_path / "m.pt", backend="torch")
    loaded = cebra.CEBRA.load(path, backend="auto", weights_only=True, map_location="cpu")
    assert type(loaded) is cebra.CEBRA
    np.testing.assert_array_equal(loaded.transform(rat.neural), emb)


def _knn(rat, behavior, emb, tmp_path):
    y = rat.continuous_index[:, 0]
    dec = cebra.KNNDecoder(n_neighbors=5).fit(emb[:400], y[:400])
    assert dec.predict(emb[400:]).shape == (400,) and isinstance(dec.score(emb[400:], y[400:]), float)
    assert all(set(p) == {"n_neighbors", "metric"} for p in cebra.KNNDecoder.iter_hyperparams())


def _l1(rat, behavior, emb, tmp_path):
    y = rat.continuous_index[:, :1]
    dec = cebra.L1LinearRegressor(alpha=0.01).fit(emb, y)
    assert dec.predict(emb).shape[0] == len(emb) and isinstance(dec.score(emb, y), float)
    assert [p["alpha"] for p in cebra.L1LinearRegressor().iter_hyperparams()][0] == 0.001


def _plot_loss(rat, behavior, emb, tmp_path):
    ax = cebra.plot_loss(behavior, label=1, color="tab:blue", figsize=(3, 2), dpi=50)
    assert isinstance(ax, matplotlib.axes.Axes) and len(ax.lines[0].get_ydata()) == KW["max_iterations"]
    assert ax.figure.get_dpi() == 50


def _plot_embedding(rat, behavior, emb, tmp_path):
    ax = cebra.plot_embedding(emb, embedding_labels=torch.as_tensor(rat.continuous_index[:, 0]), title="x")
    assert ax.name == "3d" and ax.get_title() == "x"
    assert cebra.plot_embedding(emb, "time", idx_order=(0, 1)).name != "3d"


def _plot_consistency(rat, behavior, emb, tmp_path):
    scores, pairs, ids = nl_metrics.consistency_score([emb, emb[:, ::-1], emb ** 2], between="runs")
    ax = cebra.plot_consistency(scores, pairs, ids, colorbar_label=None, text_color="k")
    assert isinstance(ax, matplotlib.axes.Axes) and len(ax.texts) == 6 and len(ax.figure.axes) == 1
    assert ax.texts[0].get_color() == "k"


def _plot_interactive(rat, behavior, emb, tmp_path):
    import plotly.graph_objects as go
    fig = cebra.integrations.plotly.plot_embedding_interactive(emb, embedding_labels=rat.continuous_index[:, 0], cmap="rainbow")
    assert isinstance(fig, go.Figure) and fig.data[0].type == "scatter3d" and len(fig.data[0].x) == len(emb)
    assert cebra.plot_embedding_interactive is cebra.integrations.plotly.plot_embedding_interactive


def _matplotlib_namespace(rat, behavior, emb, tmp_path):
    m = cebra.integrations.matplotlib
    assert (m.plot_loss, m.plot_embedding, m.plot_consistency) == (cebra.plot_loss, cebra.plot_embedding, cebra.plot_consistency)


def _infonce_loss(rat, behavior, emb, tmp_path):
    loss = cebra.sklearn.metrics.infonce_loss(behavior, rat.neural, rat.continuous_index, num_batches=NB)
    assert isinstance(loss, float) and math.isfinite(loss)
    corrected = cebra.sklearn.metrics.infonce_loss(behavior, rat.neural, rat.continuous_index, num_batches=NB, correct_by_batchsize=True)
    assert corrected == pytest.approx(loss - math.log(KW["batch_size"]))


def _gof_score(rat, behavior, emb, tmp_path):
    g = cebra.sklearn.metrics.goodness_of_fit_score(behavior, rat.neural, rat.continuous_index, num_batches=NB)
    assert isinstance(g, float)
    assert g == nl_metrics.goodness_of_fit_score(behavior, rat.neural, rat.continuous_index, num_batches=NB)


def _gof_history(rat, behavior, emb, tmp_path):
    h = cebra.sklearn.metrics.goodness_of_fit_history(behavior)
    assert isinstance(h, np.ndarray) and h.shape == (KW["max_iterations"],)


def _consistency(rat, behavior, emb, tmp_path):
    halves = [emb[:400], emb[400:]]
    labels = [torch.as_tensor(rat.continuous_index[:400, 0]), torch.as_tensor(rat.continuous_index[400:, 0])]
    scores, pairs, ids = cebra.sklearn.metrics.consistency_score(embeddings=halves, labels=labels, dataset_ids=["a", "b"],
                                                                 between="datasets", num_discretization_bins=10)
    assert scores.shape == (2,) and pairs.shape == (2, 2) and list(ids) == ["a", "b"]


def _gof_conversion(rat, behavior, emb, tmp_path):
    f = cebra.sklearn.metrics.infonce_to_goodness_of_fit
    assert f is cebra.infonce_to_goodness_of_fit
    assert f(math.log(64), model=behavior) == pytest.approx(0.0)
    assert f(np.array([math.log(8), 0.0]), batch_size=8, num_sessions=1).shape == (2,)


def _sklearn_namespace(rat, behavior, emb, tmp_path):
    assert cebra.sklearn.cebra.CEBRA is cebra.CEBRA and cebra.integrations.sklearn is cebra.sklearn
    assert (cebra.sklearn.decoder.KNNDecoder, cebra.sklearn.decoder.L1LinearRegressor) == (cebra.KNNDecoder, cebra.L1LinearRegressor)
    for name in ("infonce_loss", "goodness_of_fit_score", "goodness_of_fit_history", "infonce_to_goodness_of_fit"):
        assert getattr(cebra, name) is getattr(cebra.sklearn.metrics, name), name
    assert cebra.GridSearch is cebra.grid_search.GridSearch


def _grid_search(rat, behavior, emb, tmp_path):
    gs = cebra.grid_search.GridSearch()
    params = {**KW, "output_dimension": [3, 4], "verbose": False}
    assert gs.fit_models({"rat": rat.neural}, params=params, models_dir=tmp_path / "grid") is gs
    df = gs.get_df_results(models_dir=tmp_path / "grid")
    assert isinstance(df, pd.DataFrame) and len(df) == 2 and {"dataset_name", "loss", "output_dimension"} <= set(df.columns)
    model, name = gs.get_best_model(dataset_name="rat", models_dir=tmp_path / "grid")
    assert type(model) is cebra.CEBRA and (tmp_path / "grid" / f"{name}.pt").is_file()


def _datasets_init(rat, behavior, emb, tmp_path):
    f = tmp_path / "tiny.npy"
    np.save(f, np.arange(40, dtype=np.float32).reshape(10, 4))
    spec = nl_data.DatasetSpec("compat-test-tiny", "tiny.npy", "https://example.org/tiny.npy", nl_data.md5sum(f),
                               lambda p: Dataset(np.load(p)))
    with pytest.MonkeyPatch.context() as mp:  # registered for this test only
        mp.setitem(nl_data._DATASETS._items, spec.name, spec)
        ds = cebra.datasets.init("compat-test-tiny", root=tmp_path)
        assert "compat-test-tiny" in cebra.datasets.get_options()
    assert isinstance(ds, Dataset) and tuple(ds.neural.shape) == (10, 4) and ds.neural.numpy().dtype == np.float32
    assert "compat-test-tiny" not in cebra.datasets.get_options()


def _procrustes(rat, behavior, emb, tmp_path):
    Q = np.linalg.qr(np.random.default_rng(0).normal(size=(3, 3)))[0]
    y = rat.continuous_index
    aligned = cebra.data.helper.OrthogonalProcrustesAlignment().fit_transform(emb, emb @ Q, y, y)
    assert aligned.shape == emb.shape


def _lazy(rat, behavior, emb, tmp_path):
    assert cebra.allow_lazy_imports() is None


def _warning_class(rat, behavior, emb, tmp_path):
    assert issubclass(CompatWarning, UserWarning)


NAMES = {"CEBRA": _cebra, "CEBRA.load": _cebra_load, "KNNDecoder": _knn, "L1LinearRegressor": _l1,
         "plot_loss": _plot_loss, "plot_embedding": _plot_embedding, "plot_consistency": _plot_consistency,
         "integrations.plotly.plot_embedding_interactive": _plot_interactive, "integrations.matplotlib": _matplotlib_namespace,
         "sklearn.metrics.infonce_loss": _infonce_loss, "sklearn.metrics.goodness_of_fit_score": _gof_score,
         "sklearn.metrics.goodness_of_fit_history": _gof_history, "sklearn.metrics.consistency_score": _consistency,
         "sklearn.metrics.infonce_to_goodness_of_fit": _gof_conversion, "sklearn.cebra and sklearn.decoder": _sklearn_namespace,
         "grid_search.GridSearch": _grid_search, "datasets.init": _datasets_init,
         "data.helper.OrthogonalProcrustesAlignment": _procrustes, "allow_lazy_imports": _lazy, "CompatWarning": _warning_class}


def test_every_public_name_is_tested():
    covered = {n.split(".")[0] for n in NAMES} | {"sklearn", "infonce_to_goodness_of_fit", "GridSearch", "plot_embedding_interactive",
                                                  "datasets", "data", "infonce_loss", "goodness_of_fit_score", "goodness_of_fit_history"}
    assert set(cebra.__all__) <= covered, set(cebra.__all__) - covered


@pytest.mark.parametrize("name", list(NAMES))
def test_name_runs_and_returns_the_right_kind(name, rat, behavior, emb, tmp_path):
    NAMES[name](rat, behavior, emb, tmp_path)
    plt.close("all")


def test_the_names_the_seed_tutorials_use_resolve_by_attribute():
    for dotted in ("CEBRA", "CEBRA.load", "plot_loss", "plot_embedding", "plot_consistency",
                   "integrations.plotly.plot_embedding_interactive", "sklearn.metrics.infonce_loss",
                   "sklearn.metrics.goodness_of_fit_score", "sklearn.metrics.goodness_of_fit_history",
                   "sklearn.metrics.consistency_score", "sklearn.metrics.infonce_to_goodness_of_fit", "grid_search.GridSearch",
                   "datasets.init", "data.helper.OrthogonalProcrustesAlignment", "KNNDecoder.iter_hyperparams",
                   "L1LinearRegressor.iter_hyperparams", "allow_lazy_imports"):
        obj = cebra
        for part in dotted.split("."): obj = getattr(obj, part)
        assert callable(obj), dotted


# ------------------------------------------------------------------------------------------------ the differences
def test_time_delta_without_labels_trains_cebra_time_with_a_warning(rat, behavior, caught):
    m = cebra.CEBRA(**KW, conditional="time_delta").fit(rat.neural)
    assert (m.conditional, m.conditional_, m.label_kinds_) == ("time_delta", "time", ())
    assert any("without labels: trained CEBRA-Time" in w for w in _compat_warnings(caught))
    g = cebra.sklearn.metrics.goodness_of_fit_score(m, rat.neural, num_batches=NB)  # scored as CEBRA-Time too
    assert g == nl_metrics.goodness_of_fit_score(m.set_params(conditional="time"), rat.neural, num_batches=NB)
    with pytest.raises(ValueError, match="needs continuous labels"):  # a model trained with labels is not rescued
        cebra.sklearn.metrics.infonce_loss(behavior, rat.neural, num_batches=NB)


def test_time_with_continuous_labels_ignores_them_with_a_warning(rat, caught):
    m = cebra.CEBRA(**KW, conditional="time").fit(rat.neural, rat.continuous_index)
    assert (m.conditional_, m.label_kinds_) == ("time", ())
    assert any("the labels were ignored" in w for w in _compat_warnings(caught))
    assert isinstance(cebra.sklearn.metrics.infonce_loss(m, rat.neural, rat.continuous_index, num_batches=NB), float)


def test_time_with_mixed_labels_samples_on_both_with_a_warning(rat, caught):
    direction = (rat.continuous_index[:, 1] > 0.5).astype(int)
    m = cebra.CEBRA(**KW, conditional="time").fit(rat.neural, rat.continuous_index, direction)
    assert (m.conditional_, m.label_kinds_) == ("time_delta", ("continuous", "discrete"))
    assert any("on both labels" in w for w in _compat_warnings(caught))


def test_no_warning_where_the_packages_agree(rat):
    with warnings.catch_warnings():
        warnings.simplefilter("error", CompatWarning)
        m = cebra.CEBRA(**KW).fit(rat.neural)
        cebra.CEBRA(**KW, conditional="time_delta").fit(rat.neural, rat.continuous_index)
        cebra.sklearn.metrics.goodness_of_fit_score(m, rat.neural, num_batches=NB)


def test_multisession_goodness_of_fit_uses_upstream_chance_level(caught):
    animals = rat_sessions(2, neurons=(20, 15), duration=20.0, seed=1)
    m = cebra.CEBRA(**KW).fit([a.neural for a in animals], [a.continuous_index for a in animals])
    a = animals[1]
    ours = cebra.sklearn.metrics.goodness_of_fit_score(m, a.neural, a.continuous_index, session_id=1, num_batches=NB)
    assert ours == pytest.approx(nl_metrics.goodness_of_fit_score(m, a.neural, a.continuous_index, session_id=1, num_batches=NB) + 1.0)
    assert any("2-session model" in w for w in _compat_warnings(caught))
    assert cebra.CEBRA(**KW).fit_transform([x.neural for x in animals], [x.continuous_index for x in animals])[1].shape == (len(a.neural), 3)


def test_hybrid_goodness_of_fit_counts_one_term(rat, caught):
    m = cebra.CEBRA(**KW, hybrid=True).fit(rat.neural, rat.continuous_index)
    np.testing.assert_allclose(cebra.sklearn.metrics.goodness_of_fit_history(m),
                               nl_metrics.goodness_of_fit_history(m) - math.log2(KW["batch_size"]), rtol=0, atol=1e-9)
    assert any("hybrid model" in w for w in _compat_warnings(caught))


def test_knn_score_on_classes_is_r2_with_a_warning(rat, emb, caught):
    direction = (rat.continuous_index[:, 1] > 0.5).astype(int)
    dec = cebra.KNNDecoder().fit(emb[:400], direction[:400])
    from sklearn.metrics import r2_score
    assert dec.score(emb[400:], direction[400:]) == pytest.approx(r2_score(direction[400:], dec.predict(emb[400:])))
    assert any("R² of the predicted classes" in w for w in _compat_warnings(caught))


def test_grid_search_follows_upstream_with_warnings(rat, tmp_path, caught):
    folder = tmp_path / "grid"
    params = {**KW, "verbose": False}
    gs = cebra.grid_search.GridSearch().fit_models({"a": rat.neural, "b": (rat.neural, rat.continuous_index)}, params, folder)
    model, name = gs.get_best_model()  # two datasets: the lowest loss over both, as upstream
    df = gs.get_df_results()
    assert name == df.key[df.loss.idxmin()] and type(model) is cebra.CEBRA
    assert any("without dataset_name" in w for w in _compat_warnings(caught))
    # a sweep on no labels with conditional='time_delta' trains CEBRA-Time, and is added to the folder of another sweep
    other = cebra.grid_search.GridSearch().fit_models({"a": rat.neural}, {**params, "conditional": ["time_delta"]}, folder)
    assert other.get_df_results().conditional.tolist() == ["time"]
    assert len(other.get_df_results(models_dir=folder)) == 3
    msgs = _compat_warnings(caught)
    assert any("no dataset has labels" in w for w in msgs) and any("also holds 2 configuration(s)" in w for w in msgs)
    cebra.grid_search.GridSearch().fit_models({"a": rat.neural}, {**params, "conditional": ["time_delta"]}, folder)
    assert any("were loaded, not refitted" in w for w in _compat_warnings(caught))
    with pytest.raises(ValueError, match="scoring must be 'infonce_loss'"):
        gs.get_best_model(scoring="r2")


def test_interactive_plot_subsampling_warns_unless_asked_for(caught):
    z = np.random.default_rng(0).normal(size=(20_001, 3)).astype(np.float32)
    fig = cebra.plot_embedding_interactive(z, embedding_labels="time")
    assert len(fig.data[0].x) == 20_000 and _compat_warnings(caught) == [
        "plot_embedding_interactive drew 20000 evenly spaced of the 20001 points (upstream draws all); pass max_points=None to draw every point."]
    assert len(cebra.plot_embedding_interactive(z, max_points=None).data[0].x) == 20_001
    assert len(cebra.plot_embedding_interactive(z[:30], max_points=10).data[0].x) == 10 and len(_compat_warnings(caught)) == 1


# ------------------------------------------------------------------------------------------------ upstream parity
SIGNATURES = {  # ours (a path in neurolatent.compat): (upstream module, path in it, upstream parameters not covered)
    "CEBRA.__init__": ("cebra", "CEBRA.__init__", {"masking_kwargs"}),
    "CEBRA.fit": ("cebra", "CEBRA.fit", ()),
    "CEBRA.partial_fit": ("cebra", "CEBRA.partial_fit", ()),
    "CEBRA.fit_transform": ("cebra", "CEBRA.fit_transform", ()),
    "sklearn.cebra.CEBRA.fit": ("cebra.integrations.sklearn.cebra", "CEBRA.fit", ()),
    "CEBRA.transform": ("cebra", "CEBRA.transform", ()),
    "CEBRA.save": ("cebra", "CEBRA.save", ()),
    "CEBRA.load": ("cebra", "CEBRA.load", ()),
    "KNNDecoder.__init__": ("cebra", "KNNDecoder.__init__", ()),
    "KNNDecoder.fit": ("cebra", "KNNDecoder.fit", ()),
    "KNNDecoder.predict": ("cebra", "KNNDecoder.predict", ()),
    "KNNDecoder.score": ("cebra", "KNNDecoder.score", ()),
    "KNNDecoder.iter_hyperparams": ("cebra", "KNNDecoder.iter_hyperparams", ()),
    "L1LinearRegressor.__init__": ("cebra", "L1LinearRegressor.__init__", ()),
    "L1LinearRegressor.fit": ("cebra", "L1LinearRegressor.fit", ()),
    "L1LinearRegressor.predict": ("cebra", "L1LinearRegressor.predict", ()),
    "L1LinearRegressor.iter_hyperparams": ("cebra", "L1LinearRegressor.iter_hyperparams", ()),
    "plot_loss": ("cebra", "plot_loss", ()),
    "plot_embedding": ("cebra", "plot_embedding", ()),
    "plot_consistency": ("cebra", "plot_consistency", ()),
    "integrations.plotly.plot_embedding_interactive": ("cebra.integrations.plotly", "plot_embedding_interactive", ()),
    "sklearn.metrics.infonce_loss": ("cebra.integrations.sklearn.metrics", "infonce_loss", ()),
    "sklearn.metrics.goodness_of_fit_score": ("cebra.integrations.sklearn.metrics", "goodness_of_fit_score", ()),
    "sklearn.metrics.goodness_of_fit_history": ("cebra.integrations.sklearn.metrics", "goodness_of_fit_history", ()),
    "sklearn.metrics.consistency_score": ("cebra.integrations.sklearn.metrics", "consistency_score", ()),
    "sklearn.metrics.infonce_to_goodness_of_fit": ("cebra.integrations.sklearn.metrics", "infonce_to_goodness_of_fit", ()),
    "grid_search.GridSearch.fit_models": ("cebra.grid_search", "GridSearch.fit_models", ()),
    "grid_search.GridSearch.get_df_results": ("cebra.grid_search", "GridSearch.get_df_results", ()),
    "grid_search.GridSearch.get_best_model": ("cebra.grid_search", "GridSearch.get_best_model", ()),
    "datasets.init": ("cebra.datasets", "init", {"args", "kwargs"}),  # forwarded to upstream's dataset classes
    "data.helper.OrthogonalProcrustesAlignment.__init__": ("cebra.data.helper", "OrthogonalProcrustesAlignment.__init__", ()),
    "data.helper.OrthogonalProcrustesAlignment.fit": ("cebra.data.helper", "OrthogonalProcrustesAlignment.fit", ()),
    "data.helper.OrthogonalProcrustesAlignment.transform": ("cebra.data.helper", "OrthogonalProcrustesAlignment.transform", ()),
    "data.helper.OrthogonalProcrustesAlignment.fit_transform": ("cebra.data.helper", "OrthogonalProcrustesAlignment.fit_transform", ()),
    "allow_lazy_imports": ("cebra", "allow_lazy_imports", ()),
}


def _resolve(obj, dotted):
    for part in dotted.split("."): obj = getattr(obj, part)
    return obj


def _same(a, b) -> bool:
    try: return bool(a == b)
    except Exception: return a is b


def signature_problems(ours, theirs, uncovered=()) -> list:
    "How a call written for `theirs` could fail or change meaning on `ours` (empty: none)."
    P = inspect.Parameter
    po, pt = inspect.signature(ours).parameters, inspect.signature(theirs).parameters
    order, problems = list(po), []
    for i, (name, p) in enumerate(pt.items()):
        if name in uncovered or p.kind in (P.VAR_POSITIONAL, P.VAR_KEYWORD): continue
        if name not in po:
            if not any(q.kind is P.VAR_KEYWORD for q in po.values()) or p.kind is not P.KEYWORD_ONLY:
                problems.append(f"no parameter {name!r}")
            continue
        q = po[name]
        if p.kind is P.POSITIONAL_OR_KEYWORD and (q.kind is not P.POSITIONAL_OR_KEYWORD or order.index(name) != i):
            problems.append(f"{name!r} is not positional parameter {i}")
        if p.default is not P.empty and not _same(q.default, p.default):
            problems.append(f"{name!r} defaults to {q.default!r}, upstream to {p.default!r}")
    has_var = any(p.kind is P.VAR_POSITIONAL and name not in uncovered for name, p in pt.items())
    for name, q in po.items():
        if name not in pt and q.default is P.empty and q.kind not in (P.VAR_POSITIONAL, P.VAR_KEYWORD):
            problems.append(f"extra required parameter {name!r}")
    if has_var and not any(q.kind is P.VAR_POSITIONAL for q in po.values()): problems.append("no *args for upstream's labels")
    return problems


@pytest.fixture(scope="module")
def upstream():
    pytest.importorskip("cebra")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {m: importlib.import_module(m) for m in sorted({v[0] for v in SIGNATURES.values()})}


def test_signature_check_has_teeth():
    def up(a, b=1, *y, c=None): ...
    assert signature_problems(lambda a, b=1, *y, c=None, d=2: 0, up) == []
    assert signature_problems(lambda b, a=1, *y, c=None: 0, up)  # reordered
    assert signature_problems(lambda a, b=2, *y, c=None: 0, up)  # another default
    assert signature_problems(lambda a, b=1, *y, c=None, d=None, e=0: 0, up) == []
    assert signature_problems(lambda a, b=1, *y, c=None, d: 0, up)  # a new required argument
    assert signature_problems(lambda a, b=1, c=None: 0, up)  # no room for upstream's labels


@pytest.mark.parametrize("name", list(SIGNATURES))
def test_signature_matches_upstream(name, upstream):
    module, path, uncovered = SIGNATURES[name]
    theirs = _resolve(upstream[module], path)
    ours = _resolve(cebra, name)
    problems = signature_problems(ours, theirs, uncovered)
    assert not problems, f"{name}: " + "; ".join(problems)
