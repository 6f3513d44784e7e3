#!/usr/bin/env python
"""Render the notebooks into HTML pages under docs/ (Quarto, which `nbdev_docs` needs, is not available here).

Each notebook is executed the way nbdev's test runner does it (cells flagged with settings.ini's `tst_flags`
are skipped unless --flags names them, `nbdev_export()` cells never run), `#| hide` cells are dropped, the
`#|` directive lines are removed from what is shown, and the result is written as docs/<path>.html with an
index page. Usage: python tools/render_docs.py [--flags slow] [notebook ...]
"""
import argparse
import configparser
import html
import json
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from execnb.nbio import dict2nb, read_nb
from execnb.shell import CaptureShell
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parents[1]


def directives(src):
    "The `#| name args` lines at the top of a cell, as {name: args}."
    out = {}
    for line in src.splitlines():
        if not line.startswith("#|"): break
        parts = line[2:].split()
        if parts: out[parts[0].rstrip(":")] = parts[1:]
    return out


def strip_directives(src):
    lines = src.splitlines()
    while lines and lines[0].startswith("#|"): lines.pop(0)
    return "\n".join(lines)


_STYLE = re.compile(r"<style[^>]*>.*?</style>", re.S)


def share_css(page, out_path):
    "Move the page's inline <style> blocks (the same ~3000 lines on every page) into one docs/nb.css."
    css = "\n".join(m.group(0).split(">", 1)[1].rsplit("</style", 1)[0] for m in _STYLE.finditer(page))
    doc_root = next(p for p in out_path.parents if p.name == "docs")
    sheet = doc_root / "nb.css"
    if not sheet.exists() or sheet.read_text() != css: sheet.write_text(css)
    href = os.path.relpath(sheet, out_path.parent)
    first = [True]
    def repl(_):
        if first[0]: first[0] = False; return f'<link rel="stylesheet" href="{href}">'
        return ""
    return _STYLE.sub(repl, page)


def render(nb_path, out_path, skip_flags):
    nb = read_nb(nb_path)
    def no_eval(cell):
        if cell.cell_type != "code": return True
        if "nbdev_export" + "(" in cell.source: return True
        d = directives(cell.source)
        return bool(set(d) & skip_flags) or d.get("eval", [""])[0].lower() == "false"
    os.environ["IN_TEST"] = "1"  # short settings, as in the tests
    start = time.time()
    shell = CaptureShell(nb_path)
    cwd = os.getcwd(); os.chdir(nb_path.parent)
    try: shell.run_all(nb, exc_stop=True, preproc=no_eval)
    finally: os.chdir(cwd)
    cells = []
    for c in nb.cells:
        d = directives(c.source) if c.cell_type == "code" else {}
        if "hide" in d or "default_exp" in d: continue
        c.source = strip_directives(c.source) if c.cell_type == "code" else c.source
        cells.append(c)
    nb.cells = cells
    node = nbformat.from_dict(json.loads(json.dumps(nb)))
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(node)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    body = share_css(body, out_path)
    tmp = out_path.with_suffix(".html.part"); tmp.write_text(body); os.replace(tmp, out_path)
    return time.time() - start


def title_of(nb_path):
    "The notebook's `# title` and `> subtitle`, read without running it."
    cells = [c for c in read_nb(nb_path).cells if c.cell_type == "markdown"]
    title = next((l.lstrip("# ").strip() for c in cells for l in c.source.splitlines() if l.startswith("# ")), nb_path.stem)
    sub = next((l.lstrip("> ").strip() for c in cells for l in c.source.splitlines() if l.startswith("> ")), "")
    return title, sub


_NAV = re.compile(r"<nav style='margin:2em'>.*?</nav>\n?", re.S)


def main(argv=None):
    cfg = configparser.ConfigParser(delimiters=["="]); cfg.read(ROOT / "settings.ini"); cfg = cfg["DEFAULT"]
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("notebooks", nargs="*", help="notebooks to render (default: all of nbs/)")
    p.add_argument("--flags", default="", help="tst_flags to run anyway (e.g. slow)")
    a = p.parse_args(argv)
    nbs_dir, doc_dir = ROOT / cfg["nbs_path"], ROOT / cfg["doc_path"]
    every = sorted(n for n in nbs_dir.rglob("*.ipynb") if not any(x.startswith(("_", ".")) for x in n.relative_to(nbs_dir).parts))
    nbs = [Path(n).resolve() for n in a.notebooks] or every
    skip = set(cfg.get("tst_flags", "").split()) - set(a.flags.split())
    sys.path.insert(0, str(ROOT))
    failed = []
    for nb in nbs:
        rel = nb.relative_to(nbs_dir).with_suffix(".html")
        try: print(f"rendered {rel} in {render(nb, doc_dir / rel, skip):.1f} s")
        except Exception as e:
            failed.append(nb.name); print(f"FAILED {nb.name}: {type(e).__name__}: {e}", file=sys.stderr)
    # the home page is the rendered index notebook, with a list of every rendered page (re-made on every run)
    rows = [(str(n.relative_to(nbs_dir).with_suffix(".html")), *title_of(n)) for n in every]
    items = "\n".join(f'<li><a href="{html.escape(r)}">{html.escape(t)}</a> — {html.escape(s)}</li>'
                      for r, t, s in rows if r != "index.html" and (doc_dir / r).exists())
    nav = f"<nav style='margin:2em'><h2>Contents</h2><ul>\n{items}\n</ul></nav>"
    home = doc_dir / "index.html"
    page = home.read_text() if home.exists() else (f"<!doctype html><meta charset='utf-8'><title>{cfg['title']}</title>"
                                                  f"<h1>{cfg['title']}</h1><p>{html.escape(cfg['description'])}</p></body>")
    home.write_text(_NAV.sub("", page).replace("</body>", nav + "\n</body>", 1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
