"""Installing neurolatent on Google Colab must change none of Colab's preinstalled packages.

Runs tools/check_colab_install.py, which replays the tutorials' `%pip install` against a record of Colab's
`pip freeze` (dry run, PyPI metadata only). Skipped only when PyPI is unreachable, and never under CI=true,
where PyPI is reachable by definition: there an unreachable PyPI fails the tests. The three checks run
concurrently (each is mostly waiting on the network), about 20 s in all.
"""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "check_colab_install.py"
EXIT_OFFLINE = 3  # the script's exit code for "PyPI unreachable"
CHECKS = {
    "plain": [],  # what most tutorials install: git+https://github.com/neurolatent/neurolatent
    "dandi": ["--extras", "dandi", "--allow-other-changes"],  # what the Allen tutorial installs
    "control": ["--also", "ipywidgets>=8"],  # must fail: Colab ships ipywidgets 7.7.1
}


@pytest.fixture(scope="module")
def runs():
    t0 = time.monotonic()
    procs = {k: subprocess.Popen([sys.executable, str(SCRIPT), *a], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True) for k, a in CHECKS.items()}
    return {k: (p, t0) for k, p in procs.items()}


def result(runs, name):
    p, t0 = runs[name]
    out, _ = p.communicate(timeout=110)
    secs = time.monotonic() - t0
    if p.returncode == EXIT_OFFLINE:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true, so PyPI must be reachable, but the Colab install check found it unreachable:\n" + out)
        pytest.skip("PyPI unreachable, the Colab install check needs its metadata: " + out.strip().splitlines()[-1])
    print(out)
    assert secs < 100, f"the check took {secs:.0f} s"
    return p.returncode, out


def test_installing_on_colab_changes_no_preinstalled_package(runs):
    rc, out = result(runs, "plain")
    assert rc == 0, out
    assert "OK: installing neurolatent on Colab changes none of Colab's" in out
    kept = out.split("Kept at Colab's versions", 1)[1].split("\n", 1)[0]
    for pkg in ("torch", "jax", "numpy", "plotly"):  # required directly, and kept rather than reinstalled
        assert f" {pkg} " in kept, out


def test_the_allen_tutorials_dandi_install_keeps_colabs_core_stack(runs):
    # dandi's dependency tree may move small pure-Python packages (warnings), never torch, jax, numpy, ipywidgets, plotly.
    rc, out = result(runs, "dandi")
    assert rc == 0, out
    assert "OK: installing neurolatent[dandi] on Colab changes none of" in out


def test_the_check_names_a_package_that_would_change(runs):
    rc, out = result(runs, "control")
    assert rc == 1, out
    assert "ipywidgets: 7.7.1 -> 8." in out and "breaks a Colab session" in out, out
