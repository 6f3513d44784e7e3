"""Run every notebook in nbs/ with nbdev's test runner: one pytest test per notebook.

Cells flagged with a `tst_flags` flag from settings.ini (`slow`) are skipped, as `nbdev_test` does; set
NEUROLATENT_TEST_FLAGS="slow" to run them too.
"""
import configparser
import os
from pathlib import Path

import pytest
import nbdev.test as nbtest  # imported as a module so pytest does not collect nbdev's own test_* functions

ROOT = Path(__file__).resolve().parents[1]
_cfg = configparser.ConfigParser(delimiters=["="])
_cfg.read(ROOT / "settings.ini")
SKIP_FLAGS = _cfg["DEFAULT"].get("tst_flags", "").split()
FORCE_FLAGS = os.environ.get("NEUROLATENT_TEST_FLAGS", "").split()


def _notebooks():
    nbs = sorted((ROOT / "nbs").rglob("*.ipynb"))
    return [p for p in nbs if not any(part.startswith(("_", ".")) for part in p.relative_to(ROOT / "nbs").parts)]


@pytest.mark.parametrize("nb", _notebooks(), ids=lambda p: str(p.relative_to(ROOT / "nbs")))
def test_notebook(nb, capsys):
    ok, seconds = nbtest.test_nb(nb, skip_flags=SKIP_FLAGS, force_flags=FORCE_FLAGS, basepath=ROOT)
    assert ok, f"{nb.name} failed (see the traceback above)"
