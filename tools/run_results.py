#!/usr/bin/env python
"""Execute notebooks in place at full length and store their outputs with a run record (`make results`).

Each notebook runs top to bottom in a fresh Jupyter kernel started in its own folder, with `IN_TEST` unset (the
settings a reader and a Colab user get), progress bars off and plotly figures stored as their JSON (the
`application/vnd.plotly.v1+json` mimetype, never plotly.js). The `nbdev_export()` cell is skipped. When every
cell has run, the notebook's metadata gets a run record under "neurolatent":

    {"mode": "full", "version": ..., "device": ..., "wall_s": ..., "finished": ..., "code_sha256": ...}

`code_sha256` hashes the code cells' sources (`code_hash`), so `tests/test_results.py` can name the notebooks
whose code changed after their outputs were made. A notebook that fails is not written (its old outputs stay).
The file is replaced atomically and then cleaned with `nbdev_clean`.

Usage: python tools/run_results.py [notebook ...]     (no argument: every notebook under nbs/)
       python tools/run_results.py --stale            (only those whose record is missing or stale)
"""
import argparse
import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / "nbs"
KEY = "neurolatent"


def code_hash(nb) -> str:
    "sha256 over the notebook's code cells (sources with trailing spaces stripped), in order."
    h = hashlib.sha256()
    for c in nb["cells"]:
        if c["cell_type"] != "code": continue
        src = c["source"] if isinstance(c["source"], str) else "".join(c["source"])
        h.update("\n".join(l.rstrip() for l in src.strip().splitlines()).encode())
        h.update(b"\n\x00\n")
    return h.hexdigest()


def notebooks():
    "Every notebook under nbs/, skipping folders that start with `_` or `.`."
    return [p for p in sorted(NBS.rglob("*.ipynb"))
            if not any(part.startswith(("_", ".")) for part in p.relative_to(NBS).parts)]


def stale(path) -> bool:
    nb = json.loads(Path(path).read_text())
    rec = nb.get("metadata", {}).get(KEY, {})
    return rec.get("code_sha256") != code_hash(nb)


_SETUP = """
import plotly.io as _pio
_pio.renderers.default = "plotly_mimetype"
import matplotlib as _mpl
_mpl.rcParams["figure.dpi"] = 80
_mpl.rcParams["savefig.dpi"] = 80
del _pio, _mpl
"""

_RECORD = """
import json as _json, platform as _platform
import torch as _torch
import neurolatent as _nl
from neurolatent.core import get_device as _gd
_d = _gd("cuda_if_available")
_name = _torch.cuda.get_device_name(_d) if _d.type == "cuda" else _platform.processor() or _platform.machine()
print(_json.dumps({"version": _nl.__version__, "device": f"{_d.type} ({_name}, {_torch.get_num_threads()} torch threads)",
                   "python": _platform.python_version(), "torch": _torch.__version__,
                   "run_note": globals().get("RUN_NOTE")}))
"""

_CR = re.compile(r"[^\n]*\r(?!\n)")


def collapse_cr(text: str) -> str:
    "What a terminal would show: text before a bare carriage return on the same line is overwritten."
    return _CR.sub("", text)


_BAR = re.compile(r"^.*\d+%\|.*\|.*$\n?", re.M)   # a tqdm progress line: "name:  40%|████   | 2000/5000 [...]"


_KEEP = 12   # lines kept at each end of a long stream output


def clean_outputs(cell):
    "Collapse carriage returns, drop progress-bar lines and widget views (a saved notebook cannot show them)."
    merged = []   # consecutive prints to one stream are one block of text
    for o in cell.get("outputs", []):
        if (o.get("output_type") == "stream" and merged and merged[-1].get("output_type") == "stream"
                and merged[-1].get("name") == o.get("name")):
            merged[-1]["text"] = "".join(merged[-1]["text"]) + "".join(o["text"])
        else: merged.append(o)
    outs = []
    for o in merged:
        if o.get("output_type") == "stream":
            o["text"] = _BAR.sub("", collapse_cr("".join(o["text"]) if isinstance(o["text"], list) else o["text"]))
            if not o["text"].strip(): continue
            lines = o["text"].splitlines(keepends=True)
            if len(lines) > 2 * _KEEP + 1:   # a long training log: its head and tail tell the story
                o["text"] = "".join(lines[:_KEEP] + [f"[... {len(lines) - 2 * _KEEP} lines of this log are not stored ...]\n"] + lines[-_KEEP:])
        data = o.get("data")
        if data is not None:
            if "application/vnd.jupyter.widget-view+json" in data: continue   # a widget (tqdm.auto's bar): its text is a stale 0 %
            plain = data.get("text/plain", "")
            if set(data) == {"text/plain"} and not _BAR.sub("", plain if isinstance(plain, str) else "".join(plain)).strip(): continue
        outs.append(o)
    cell["outputs"] = outs


def aside(client, nb, source):
    "Run `source` in the notebook's kernel without leaving a cell in the notebook; return the cell run."
    import nbformat
    cell = nbformat.v4.new_code_cell(source)
    nb.cells.append(cell)
    try: client.execute_cell(cell, len(nb.cells) - 1)
    finally: nb.cells.pop()
    return cell


def run(path: Path, timeout=None, threads=None) -> dict:
    import nbformat
    from nbclient import NotebookClient
    nb = nbformat.read(path, as_version=4)
    env_backup = dict(os.environ)
    os.environ.pop("IN_TEST", None)
    os.environ["TQDM_DISABLE"] = "1"
    os.environ["NEUROLATENT_WIDGETS"] = "off"  # explore() stores its static figure: a widget view cannot be stored
    if threads:   # e.g. two notebooks side by side on a 2-core machine: one thread each instead of oversubscribing
        for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"): os.environ[k] = str(threads)
        os.environ["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false"
    os.environ["PYTHONWARNINGS"] = "ignore::DeprecationWarning"
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(path.parent)}})
    t0 = time.time()
    try:
        with client.setup_kernel():
            aside(client, nb, _SETUP)
            for i, cell in enumerate(nb.cells):
                if cell.cell_type != "code": continue
                if "nbdev_export()" in cell.source or "nbdev.nbdev_export" in cell.source:
                    cell.outputs = []; cell.execution_count = None
                    continue
                print(f"  [{path.name}] cell {i}/{len(nb.cells)} ({time.time() - t0:.0f} s)", flush=True)
                client.execute_cell(cell, i)
                clean_outputs(cell)
            wall = time.time() - t0
            rec_cell = aside(client, nb, _RECORD)
            out = [o.get("text", "") for o in rec_cell.outputs if o.get("output_type") == "stream"]
    finally:
        os.environ.clear(); os.environ.update(env_backup)
    rec = json.loads("".join(out).strip().splitlines()[-1])
    note = rec.pop("run_note")
    rec = {"mode": "reduced" if note else "full", **({"note": note} if note else {}), **rec,
           "wall_s": round(wall, 1), "finished": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "code_sha256": code_hash(nb)}
    nb.metadata[KEY] = rec
    # Prose edited while the notebook ran is kept; code edited meanwhile makes these outputs stale, so they are dropped.
    now = nbformat.read(path, as_version=4)
    if code_hash(now) != rec["code_sha256"]:
        raise RuntimeError(f"{path.name}: code cells changed while it ran; its outputs were not stored")
    if [c.cell_type for c in now.cells] == [c.cell_type for c in nb.cells]:
        for ran, disk in zip(nb.cells, now.cells):
            if ran.cell_type == "markdown": ran.source = disk.source
    store(nb, path)
    return rec


def store(nb, path: Path):
    "Write `nb` over `path` atomically (a temp file, then `os.replace`), then `nbdev_clean` it."
    import nbformat
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".ipynb.part")
    with os.fdopen(fd, "w", encoding="utf-8") as f: nbformat.write(nb, f)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    subprocess.run([str(Path(sys.executable).parent / "nbdev_clean"), "--fname", str(path)], cwd=ROOT, check=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("notebooks", nargs="*", help="notebooks to run (default: all under nbs/)")
    ap.add_argument("--stale", action="store_true", help="only notebooks whose stored run record is missing or stale")
    ap.add_argument("--clean", action="store_true", help="only tidy the stored outputs (progress bars, widgets); run nothing")
    ap.add_argument("--threads", type=int, default=None, help="CPU threads per notebook (default: torch's choice)")
    a = ap.parse_args(argv)
    paths = [Path(p).resolve() for p in a.notebooks] or notebooks()
    if a.stale: paths = [p for p in paths if stale(p)]
    if a.clean:
        import nbformat
        for p in paths:
            nb = nbformat.read(p, as_version=4)
            for c in nb.cells:
                if c.cell_type == "code": clean_outputs(c)
            store(nb, p)
        return
    failed = []
    for p in paths:
        print(f"running {p.relative_to(ROOT)} at full length", flush=True)
        try: rec = run(p, threads=a.threads)
        except Exception as e:
            print(f"FAILED {p.relative_to(ROOT)}: {type(e).__name__}: {str(e)[-2000:]}", flush=True)
            failed.append(p); continue
        print(f"done {p.relative_to(ROOT)}: {json.dumps(rec)}", flush=True)
    if failed:
        print("failed (outputs left as they were): " + ", ".join(str(p.relative_to(ROOT)) for p in failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
