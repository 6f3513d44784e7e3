"""The docs site, built from the notebooks' stored outputs into a temporary folder by tools/build_docs.py (the
builder `make docs` runs), checked page by page: navigation and titles, outputs shown as text (never as Python
list markup) and without prompts or progress bars, plotly.js served once and loaded where a figure needs it,
no broken internal link or anchor, an API card for every name of every module's `__all__`, and the size.

NEUROLATENT_DOCS_NBS=DIR builds from another notebook folder (a copy with outputs, say).
"""
import importlib
import json
import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import build_docs  # noqa: E402

NBS = Path(os.environ.get("NEUROLATENT_DOCS_NBS", ROOT / "nbs")).resolve()
# plotly.js (4.8 MB) and the theme are fixed; the rest grows with the pages. 10 MB held 25 pages; the io, NWB units
# and compat notebooks (three more pages, ~0.6 MB with the search index) moved it to 12 MB.
MAX_BYTES = 12_000_000


class Parsed(HTMLParser):
    "What the tests need from a page: <title>, ids, links, scripts, API card ids and the text of the outputs."
    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.title, self.ids, self.links, self.scripts, self.cards, self.outputs = "", set(), [], [], [], []
        self._in_title, self._card, self._out_depth, self._depth = False, False, None, 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag not in ("br", "img", "input", "meta", "link", "hr", "source", "wbr", "path", "rect", "circle"):
            self._depth += 1
        if a.get("id"): self.ids.add(a["id"])
        if tag == "a" and a.get("name"): self.ids.add(a["name"])
        for k in ("href", "src"):
            if a.get(k): self.links.append((tag, a[k]))
        if tag == "script": self.scripts.append(a.get("src"))
        if tag == "title": self._in_title = True
        if "nl-api-card" in cls: self._card = True
        if self._card and tag in ("h3", "h4") and a.get("id"): self.cards.append(a["id"]); self._card = False
        if "nl-output" in cls and self._out_depth is None:
            self._out_depth = self._depth; self.outputs.append("")

    def handle_endtag(self, tag):
        if tag == "title": self._in_title = False
        if self._out_depth is not None and self._depth == self._out_depth: self._out_depth = None
        self._depth -= 1

    def handle_data(self, data):
        if self._in_title: self.title += data
        if self._out_depth is not None: self.outputs[-1] += data


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    "Build the site once (about 20 s) and parse every page."
    tmp = tmp_path_factory.mktemp("docs")
    info = build_docs.build(NBS, tmp / "site", tmp / "stage")
    root = tmp / "site"
    pages = {p.relative_to(root).as_posix(): Parsed(p.read_text(encoding="utf-8")) for p in root.rglob("*.html")}
    return root, pages, info


def _nb_pages():
    "(notebook, its page in the site, its title) for every notebook."
    out = []
    for nb in build_docs.notebooks(NBS):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        first = next((build_docs.source(c) for c in cells if c["cell_type"] == "markdown"), "")
        title, _, _ = build_docs.title_and_lead(first)
        out.append((nb, nb.relative_to(NBS).with_suffix(".html").as_posix(), re.sub(r"[`*]", "", title or nb.stem)))
    return out


def _resolve(root, page, url):
    "The site file and anchor a relative link from `page` points at (None for external links)."
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("mailto:", "data:", "javascript:")): return None
    path = unquote(parts.path)
    if path.startswith("/"):  # 404.html links from the site's base path (site_url in mkdocs.yml): /neurolatent/...
        base = "/" + build_docs.settings()["doc_baseurl"].strip("/") + "/"
        target = root / path[len(base):] if path.startswith(base) else Path("/nonexistent") / path.lstrip("/")
    else: target = (root / page).parent / path if path else root / page
    return target.resolve(), unquote(parts.fragment)


def test_every_page_has_the_navigation_and_its_title(site):
    root, pages, _ = site
    nb_pages = _nb_pages()
    assert nb_pages, f"no notebooks under {NBS}"
    every = {(root / rel).resolve() for _, rel, _ in nb_pages}
    for nb, rel, title in nb_pages:
        assert rel in pages, f"{nb.name} has no page {rel}"
        p = pages[rel]
        linked = {t[0] for _, href in p.links if (t := _resolve(root, rel, href))}
        assert every <= linked, f"{rel}: the navigation misses {sorted(str(x.relative_to(root)) for x in every - linked)}"
        assert p.title.strip() and p.title.strip().lower() not in ("notebook", "neurolatent notebook")
        assert p.title.startswith(title), f"{rel}: <title> is {p.title!r}, expected the notebook's title {title!r}"


def test_every_page_says_where_its_outputs_come_from(site):
    root, _, _ = site
    for _, rel, _ in _nb_pages():
        raw = (root / rel).read_text(encoding="utf-8")
        assert re.search(r"Outputs (from a (full-length|reduced) run|not yet stored)", raw), f"{rel}: no run-record banner"


def test_outputs_are_text_not_python_list_markup_prompts_or_progress_bars(site):
    root, pages, _ = site
    for rel, p in pages.items():
        for out in p.outputs:
            assert not re.search(r"\\n', '|\\n'\]|^\s*\[' *[^']*\\n'", out), f"{rel}: an output shows list markup: {out[:200]!r}"
            assert not re.search(r"\d+%\|[^|\n]*\||\d+(\.\d+)?it/s\]", out), f"{rel}: a progress bar: {out[:200]!r}"
        raw = (root / rel).read_text(encoding="utf-8")
        assert not re.search(r"In&nbsp;\[|\bIn \[[\d ]*\]:", raw), f"{rel}: shows an `In [ ]:` prompt"


def test_plotly_js_is_served_once_and_loaded_where_there_is_a_figure(site):
    root, pages, _ = site
    copies = list(root.rglob("plotly*.js"))
    assert [c.relative_to(root).as_posix() for c in copies] == [build_docs.PLOTLY_JS], copies
    for rel, p in pages.items():
        raw = (root / rel).read_text(encoding="utf-8")
        srcs = [s for s in p.scripts if s and s.split("?")[0].endswith("plotly.min.js")]
        if "Plotly.newPlot" in raw:
            assert len(srcs) == 1, f"{rel} draws a plotly figure but loads plotly.js {len(srcs)} times"
            assert _resolve(root, rel, srcs[0])[0] == (root / build_docs.PLOTLY_JS).resolve()
            assert raw.index("plotly.min.js") < raw.index("Plotly.newPlot"), f"{rel}: plotly.js loads after the figure"
            for key in set(re.findall(r"nlTemplates\['(\w+)'\]", raw)):  # the shared figure theme, written once per site
                theme = f"nl-figure-theme-{key}.js"
                assert theme in raw and raw.index(theme) < raw.index("Plotly.newPlot"), f"{rel}: theme {key} not loaded first"
                assert (root / "assets" / "javascripts" / theme).is_file(), theme
        else:
            assert not srcs, f"{rel} loads plotly.js without a figure"


def test_no_broken_internal_link_or_anchor(site):
    root, pages, _ = site
    broken = []
    for rel, p in pages.items():
        for tag, url in p.links:
            t = _resolve(root, rel, url)
            if t is None: continue
            target, anchor = t
            if not target.is_file(): broken.append(f"{rel}: <{tag}> {url}"); continue
            if anchor and target.suffix == ".html":
                ids = pages[target.relative_to(root.resolve()).as_posix()].ids
                if anchor not in ids: broken.append(f"{rel}: <{tag}> {url} (no such anchor)")
    assert not broken, "broken internal links:\n" + "\n".join(broken[:30])


def test_every_exported_name_has_an_api_card_on_its_module_page(site):
    _, pages, _ = site
    cfg = build_docs.settings()
    missing = []
    for nb, rel, _ in _nb_pages():
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        exp = next((build_docs.directives(build_docs.source(c))["default_exp"][0] for c in cells
                    if c["cell_type"] == "code" and build_docs.directives(build_docs.source(c)).get("default_exp")), None)
        if not exp: continue
        mod = importlib.import_module(f"{cfg['lib_name']}.{exp}")
        cards = pages[rel].cards
        missing += [f"{rel}: {n}" for n in mod.__all__ if not build_docs.covers(cards, n)]
    assert not missing, "names of __all__ without an API card:\n" + "\n".join(missing)


def test_tutorials_open_in_colab(site):
    root, _, _ = site
    for _, rel, _ in _nb_pages():
        if rel.startswith("tutorials/"):
            url = f"colab.research.google.com/github/{build_docs.settings()['git_url'].split('github.com/')[-1]}/blob/"
            assert url in (root / rel).read_text(encoding="utf-8"), f"{rel}: no Open in Colab link"


def test_site_is_under_10_mb(site):
    root, _, info = site
    assert info["bytes"] < MAX_BYTES, f"the site is {info['bytes'] / 1e6:.1f} MB (limit {MAX_BYTES / 1e6:.0f} MB)"
    docs = ROOT / build_docs.settings()["doc_path"]
    if (docs / "index.html").exists():  # the committed site too
        size = sum(f.stat().st_size for f in docs.rglob("*") if f.is_file())
        assert size < MAX_BYTES, f"docs/ is {size / 1e6:.1f} MB (limit {MAX_BYTES / 1e6:.0f} MB)"
