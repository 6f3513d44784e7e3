"""The notebooks' stored outputs: made by `make results`, at full (or stated reduced) length, by the current code.

Each notebook carries a run record in its metadata (`tools/run_results.py` writes it): the mode, the neurolatent
version, the device, the wall time and a hash of its code cells. A notebook whose code cells changed after its
outputs were made is stale: rerun it with `make results NB=<path>`.
"""
import configparser
import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("run_results", ROOT / "tools" / "run_results.py")
run_results = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run_results)

NOTEBOOKS = run_results.notebooks()
TUTORIALS = [p for p in NOTEBOOKS if p.parent.name == "tutorials"]
_cfg = configparser.ConfigParser(delimiters=["="])
_cfg.read(ROOT / "settings.ini")
GIT_URL = _cfg["DEFAULT"]["git_url"]


def _nb(path): return json.loads(Path(path).read_text(encoding="utf-8"))
def _src(cell): return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
def _name(p): return str(p.relative_to(ROOT))


def test_code_hash_sees_code_changes_but_not_prose():
    nb = {"cells": [{"cell_type": "code", "source": "x = 1\n"}, {"cell_type": "markdown", "source": "Some prose."}]}
    h = run_results.code_hash(nb)
    nb["cells"][1]["source"] = "Other prose, quoting 0.93."
    assert run_results.code_hash(nb) == h
    nb["cells"][0]["source"] = "x = 2\n"
    assert run_results.code_hash(nb) != h


def test_no_notebook_has_stale_or_missing_outputs():
    stale = []
    for p in NOTEBOOKS:
        rec = _nb(p).get("metadata", {}).get("neurolatent")
        if rec is None: stale.append(f"{_name(p)} (no run record)")
        elif rec.get("code_sha256") != run_results.code_hash(_nb(p)): stale.append(f"{_name(p)} (code changed since {rec.get('finished')})")
    assert not stale, ("stored outputs are missing or older than the code; rerun `make results NB=...` for: "
                       + "; ".join(stale))


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=_name)
def test_run_record_says_how_outputs_were_made(nb):
    rec = _nb(nb).get("metadata", {}).get("neurolatent", {})
    if not rec: pytest.fail(f"{_name(nb)} has no run record: run `make results NB={_name(nb)}`")
    assert rec["mode"] in ("full", "reduced"), rec
    if rec["mode"] == "reduced": assert len(rec.get("note", "")) > 20, "a reduced run must say what was reduced"
    for key in ("version", "device", "wall_s", "finished"): assert rec.get(key) not in (None, ""), (key, rec)


def test_every_notebook_stores_outputs():
    "A notebook committed without its outputs shows a reader nothing."
    for p in NOTEBOOKS:
        cells = [c for c in _nb(p)["cells"] if c["cell_type"] == "code"]
        assert any(c.get("outputs") for c in cells), f"{_name(p)} has no outputs at all"


def test_stored_outputs_are_lean():
    total = sum(p.stat().st_size for p in (ROOT / "nbs").rglob("*.ipynb"))
    assert total < 30e6, f"nbs/ holds {total / 1e6:.1f} MB of notebooks"
    for p in NOTEBOOKS:
        for c in _nb(p)["cells"]:
            for o in c.get("outputs", []):
                text = o.get("text", "")
                text = text if isinstance(text, str) else "".join(text)
                assert "\r" not in text, f"{_name(p)}: a progress bar was stored"
                data = o.get("data", {})
                html = data.get("text/html", "")
                html = html if isinstance(html, str) else "".join(html)
                assert "plotly.js" not in html[:5000] and len(html) < 500_000, f"{_name(p)}: plotly.js or a huge HTML output stored"
                assert "application/vnd.jupyter.widget-view+json" not in data, f"{_name(p)}: a widget view was stored"


@pytest.mark.parametrize("nb", TUTORIALS, ids=_name)
def test_tutorial_opens_for_colab(nb):
    cells = _nb(nb)["cells"]
    first = "".join(_src(c) for c in cells[:3])
    badge = f"https://colab.research.google.com/github/{GIT_URL.split('github.com/')[1]}/blob/main/{nb.relative_to(ROOT).as_posix()}"
    assert badge in first, f"{_name(nb)}: no Colab badge pointing at itself ({badge})"
    assert "Change runtime type" in first, f"{_name(nb)}: the GPU runtime step is missing"
    install = next(c for c in cells if c["cell_type"] == "code")
    src = _src(install)
    assert '"google.colab" in sys.modules' in src and "%pip install" in src, f"{_name(nb)}: no Colab-only install cell first"
    assert f"git+{GIT_URL}" in src, f"{_name(nb)}: the install cell does not install settings.ini's git_url {GIT_URL}"
    code = "\n".join(_src(c) for c in cells if c["cell_type"] == "code")
    assert not re.search(r"""device\s*[=:]\s*["']cpu["']""", code), f"{_name(nb)} hard-codes the CPU"
    assert "cuda_if_available" in code or "jax.devices()" in code, f"{_name(nb)} never says which device it uses"
