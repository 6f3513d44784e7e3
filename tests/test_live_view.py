"""The live training view in a real Jupyter kernel (nbclient): `verbose=True` shows one ipywidgets HTML view with
the loss curve as SVG, updated in place (one output, however long the fit); TQDM_DISABLE silences it."""
import os

import nbformat
import pytest
from nbclient import NotebookClient

CODE = """
import numpy as np
from neurolatent import CEBRA
from neurolatent.training import LiveView, progress
X = np.random.default_rng(0).normal(size=(600, 12)).astype("float32")
m = CEBRA(model_architecture="offset10-model", batch_size=64, max_iterations=120, device="cpu", verbose=True, random_state=0)
m.fit(X, validation_data=X[:300], validation_frequency=40)
v = progress(10, verbose=True)
print(type(v).__name__)
v.update(5, {"total": 5.0, "pos": 1.0, "neg": 6.0}, [5.0, 4.5, 4.0], {"x": [2], "y": [4.7]}); v.close()
if isinstance(v, LiveView): print(v.widget.value.count("<polyline"), "validation 4.7000" in v.widget.value)
"""


def _run(env_extra):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CODE)])
    env = {k: v for k, v in os.environ.items() if k not in ("TQDM_DISABLE", "NEUROLATENT_PROGRESS", "IN_TEST")}
    old = dict(os.environ)
    os.environ.clear(); os.environ.update({**env, **env_extra, "OMP_NUM_THREADS": "1"})
    try: NotebookClient(nb, timeout=300, kernel_name="python3").execute()
    finally: os.environ.clear(); os.environ.update(old)
    return nb.cells[0].outputs


def test_verbose_fit_in_a_kernel_shows_one_live_widget_not_a_flood():
    pytest.importorskip("ipywidgets")
    outs = _run({})
    widgets = [o for o in outs if o.get("output_type") == "display_data" and "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    text = "".join(o.get("text", "") for o in outs if o.get("output_type") == "stream")
    assert len(widgets) == 2, outs            # the fit's view and the one made by hand: one output each
    assert "LiveView" in text and "2 True" in text, text   # loss + validation curves, and the validation figure
    assert "it/s" not in text and "%|" not in text         # no tqdm bar alongside


def test_tqdm_disable_silences_the_fit():
    outs = _run({"TQDM_DISABLE": "1"})
    assert not [o for o in outs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})], outs
    text = "".join(o.get("text", "") for o in outs if o.get("output_type") == "stream")
    assert "_Bar" in text and "%|" not in text, text
