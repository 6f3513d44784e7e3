"""`plotting.explore` built headlessly from synthetic embeddings and driven through its controls, and `plot_loss` with
a validation history. The figure's traces are: 0 the embedding, 1 its highlighted points, 2 the behaviour trace,
3 its highlighted time bins.
"""
import copy

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.callbacks import BoxSelector, InputDeviceState, Points

from neurolatent.cebra import CEBRA
from neurolatent.plotting import explore, plot_loss, plot_overview
from neurolatent.synthetic import buddy_like

T, T_B = 300, 200
RNG = np.random.default_rng(0)
FRAMES = {"rat A": [(s, RNG.normal(size=(T, 3))) for s in (100, 200, 300)],   # 3 checkpoints, 3-D
          "rat B": [(s, RNG.normal(size=(T_B, 4))) for s in (50, 100)]}       # 2 checkpoints, 4-D, shorter
POS = np.linspace(0, 1.6, T)
LABELS = {"rat A": pd.DataFrame({"position": POS, "right": (np.arange(T) // 50) % 2}),
          "rat B": {"position": POS[:T_B], "arm": np.array(["left", "right"] * (T_B // 2))}}


def _explorer(**kw):
    return explore(FRAMES, LABELS, static=False, **kw)


def _points(inds, trace):
    return Points(point_inds=list(inds), xs=[0.0] * len(inds), ys=[0.0] * len(inds), trace_name="t", trace_index=trace)


def test_colour_follows_the_chosen_label_column():
    ex = _explorer()
    assert list(ex.color.options) == ["position", "right", "time"]
    np.testing.assert_allclose(ex.fig.data[0].marker.color, POS, rtol=1e-6)
    ex.color.value = "right"
    np.testing.assert_array_equal(ex.fig.data[0].marker.color, LABELS["rat A"]["right"].to_numpy())
    assert ex.fig.data[0].marker.colorbar.title.text == "right"
    ex.color.value = "time"
    np.testing.assert_array_equal(ex.fig.data[0].marker.color, np.arange(T))


def test_checkpoint_k_shows_the_kth_array():
    ex = _explorer()
    assert ex.fig.data[0].type == "scatter3d" and ex.step.max == 2
    for k, (step, emb) in enumerate(FRAMES["rat A"]):
        ex.step.value = k
        for ax, d in zip("xyz", range(3)):
            np.testing.assert_allclose(getattr(ex.fig.data[0], ax), emb[:, d], rtol=1e-6)
        assert ex.fig.layout.title.text == f"rat A · step {step}"


def test_session_switch_swaps_data_labels_and_checkpoints():
    ex = _explorer(frame=-1)
    assert ex.step.value == 2
    ex.session.value = "rat B"
    assert ex.step.max == 1 and ex.step.value == 1   # clamped to rat B's last checkpoint
    np.testing.assert_allclose(ex.fig.data[0].x, FRAMES["rat B"][1][1][:, 0], rtol=1e-6)
    assert len(ex.fig.data[2].x) == T_B
    assert list(ex.color.options) == ["position", "arm", "time"] and ex.color.value == "position"
    ex.color.value = "arm"   # categories are coloured by their codes
    np.testing.assert_array_equal(ex.fig.data[0].marker.color, np.tile([0.0, 1.0], T_B // 2))
    ex.behavior.value = "dim 3"
    np.testing.assert_allclose(ex.fig.data[2].y, FRAMES["rat B"][1][1][:, 3], rtol=1e-6)


def test_hover_shows_the_time_bin_and_label_values():
    ex = _explorer()
    e = ex.fig.data[0]
    assert e.hovertemplate.startswith("time bin %{customdata[0]:d}")
    assert "position: %{customdata[1]" in e.hovertemplate and "right: %{customdata[2]" in e.hovertemplate
    np.testing.assert_array_equal(np.asarray(e.customdata)[:, 0], np.arange(T))
    np.testing.assert_allclose(np.asarray(e.customdata)[:, 1], POS, rtol=1e-6)
    ex.session.value = "rat B"   # a text column is shown as text
    assert np.asarray(ex.fig.data[0].customdata)[7, 2] == "right" and "arm: %{customdata[2]}" in ex.fig.data[0].hovertemplate


def test_select_time_highlights_those_points_in_the_embedding():
    ex = _explorer()
    ex.step.value = 1
    ex.select_time(40, 59)
    np.testing.assert_array_equal(ex.selected, np.arange(40, 60))
    emb = FRAMES["rat A"][1][1]
    np.testing.assert_allclose(ex.fig.data[1].z, emb[40:60, 2], rtol=1e-6)
    np.testing.assert_array_equal(ex.fig.data[3].x, np.arange(40, 60))
    np.testing.assert_allclose(ex.fig.data[3].y, POS[40:60], rtol=1e-6)
    ex.step.value = 2   # the highlight follows the checkpoint
    np.testing.assert_allclose(ex.fig.data[1].z, FRAMES["rat A"][2][1][40:60, 2], rtol=1e-6)
    ex.clear()
    assert len(ex.selected) == 0 and len(ex.fig.data[1].x) == 0


def test_plotly_events_drive_the_linked_selection():
    ex = _explorer()
    click, shift_click = (InputDeviceState(ctrl=False, alt=False, shift=s, meta=False, button=0, buttons=1) for s in (False, True))
    ex.fig.data[0]._dispatch_on_click(_points([7], 0), click)
    np.testing.assert_array_equal(ex.fig.data[3].x, [7])   # a clicked point marks its time bin on the trace
    ex.fig.data[0]._dispatch_on_click(_points([9], 0), shift_click)
    np.testing.assert_array_equal(ex.selected, [7, 9])   # shift-click adds
    ex.fig.data[2]._dispatch_on_selection(_points(range(20, 31), 2), BoxSelector(xrange=[20, 30], yrange=[0, 2]))
    np.testing.assert_array_equal(ex.selected, np.arange(20, 31))   # a box on the trace highlights those points
    ex.fig.data[1]._dispatch_on_click(_points([], 1), click)   # events for other traces arrive empty: ignored
    np.testing.assert_array_equal(ex.selected, np.arange(20, 31))


def test_2d_embedding_uses_selection_and_subsamples_time_consistently():
    emb = RNG.normal(size=(1000, 2))
    ex = explore(emb, POS.repeat(4)[:1000, None], static=False, max_points=250)
    assert ex.fig.data[0].type == "scattergl" and list(ex.color.options) == ["label", "time"]
    keep = np.asarray(ex.fig.data[2].x)
    assert len(keep) == 250 and keep[0] == 0 and keep[-1] == 999
    np.testing.assert_allclose(ex.fig.data[0].x, emb[keep, 0], rtol=1e-6)
    ex.fig.data[0]._dispatch_on_selection(_points([0, 1, 2], 0), BoxSelector(xrange=[0, 1], yrange=[0, 1]))
    np.testing.assert_array_equal(ex.selected, keep[:3])
    ex.select_time(0, 10)   # only the drawn bins can be highlighted
    np.testing.assert_array_equal(ex.selected, keep[keep <= 10])


def test_one_array_or_a_dict_of_arrays():
    ex = explore(FRAMES["rat A"][0][1], LABELS["rat A"], static=False)
    assert ex.session.layout.display == "none" and ex.step.layout.display == "none"
    ex = explore({"seed 0": FRAMES["rat A"][0][1], "seed 1": FRAMES["rat A"][1][1]}, POS, static=False)
    ex.session.value = "seed 1"
    np.testing.assert_allclose(ex.fig.data[0].y, FRAMES["rat A"][1][1][:, 1], rtol=1e-6)
    ex = explore(FRAMES["rat A"][0][1], None, static=False, idx_order=(2, 0))
    assert ex.fig.data[0].type == "scattergl" and list(ex.color.options) == ["time"] and ex.behavior.value == "dim 0"
    np.testing.assert_allclose(ex.fig.data[0].x, FRAMES["rat A"][0][1][:, 2], rtol=1e-6)


def test_static_fallback_is_a_plotly_figure_of_the_first_view():
    fig = explore(FRAMES, LABELS, static=True)
    assert isinstance(fig, go.Figure) and not isinstance(fig, go.FigureWidget)
    np.testing.assert_allclose(fig.data[0].x, FRAMES["rat A"][0][1][:, 0], rtol=1e-6)
    assert "Static view of 'rat A', checkpoint 1 of 3 (static=True)" in fig.layout.annotations[0].text
    fig = explore(FRAMES["rat A"][0][1], POS)   # pytest runs outside a Jupyter kernel: static by default
    assert isinstance(fig, go.Figure) and not isinstance(fig, go.FigureWidget)
    assert "not in a Jupyter kernel" in fig.layout.annotations[0].text
    assert len(fig.to_json()) < 60_000   # small enough to store in a notebook


@pytest.mark.parametrize("args, kw, msg", [
    ((np.zeros((10, 3)), np.arange(5)), {}, "one value per time point"),
    (({"a": np.zeros((10, 3)), "b": np.zeros((8, 3))}, np.arange(10)), {}, "pass a dict name → labels"),
    ((np.zeros((10, 1)),), {}, "needs at least 2"),
    ((np.zeros(10),), {}, "must be 2-D"),
    (({},), {}, "empty dict"),
    (({"a": []},), {}, "empty list of frames"),
    (({"a": [(0, np.zeros((10, 3))), (1, np.zeros((9, 3)))]},), {}, "every checkpoint must embed the same"),
    (({"a": np.zeros((10, 2)), "b": np.zeros((10, 3))},), {}, "pass idx_order=(0, 1)"),
    ((np.zeros((10, 3)),), {"color": "speed"}, "color 'speed' is not one of ['time']"),
    ((np.zeros((10, 3)),), {"session": "x"}, "session 'x' is not one of"),
    ((np.zeros((10, 3)),), {"frame": 1}, "has 1 checkpoints"),
])
def test_inputs_are_validated(args, kw, msg):
    with pytest.raises(ValueError) as e: explore(*args, static=True, **kw)
    assert msg in str(e.value), str(e.value)


@pytest.fixture(scope="module")
def fitted():
    rat = buddy_like(seed=0)
    model = CEBRA(model_architecture="offset10-model", batch_size=64, output_dimension=3, max_iterations=40,
                  device="cpu", random_state=0).fit(rat.neural[:600], rat.continuous_index[:600])
    return model, rat


def test_plot_loss_draws_validation_and_the_restored_step(fitted):
    model, _ = fitted
    vs = np.array([10, 20, 30, 40])   # steps completed when the held-out loss was evaluated
    m = copy.copy(model)
    m.history_ = {**model.history_, "val_step": vs, "val_total": np.array([5.0, 4.8, 4.7, 4.9]), "val_gof_bits": np.ones(4)}
    m.best_step_ = 30
    ax = plot_loss(m)
    assert [l.get_label() for l in ax.lines] == ["training", "validation", "best step (30)"]
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), np.arange(1, 41))   # step i's loss at x = i steps completed
    np.testing.assert_array_equal(ax.lines[1].get_xdata(), vs)
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), m.history_["val_total"])
    np.testing.assert_array_equal(ax.lines[2].get_xdata(), [30, 30])
    assert len(plot_loss(m, validation=False).lines) == 1
    del m.best_step_
    assert [l.get_label() for l in plot_loss(m).lines] == ["training", "validation"]
    ax = plot_loss(model)   # no validation recorded: one line, no legend, as before
    assert len(ax.lines) == 1 and ax.get_legend() is None
    m.history_ = {**m.history_, "val_step": vs[:3]}
    with pytest.raises(ValueError, match="4 val_total values but 3 val_step"): plot_loss(m)
    plt.close("all")


def test_plot_overview_shows_the_validation_curve(fitted):
    model, rat = fitted
    m = copy.copy(model)
    m.history_ = {**model.history_, "val_step": np.array([20, 40]), "val_total": np.array([5.0, 4.9]), "val_gof_bits": np.ones(2)}
    fig = plot_overview(m, rat.neural[:600], rat.continuous_index[:600, 0])
    assert "validation" in [l.get_label() for l in fig.axes[0].lines]
    plt.close("all")
