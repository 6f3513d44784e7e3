"""The docs site, built from the notebooks' stored outputs into a temporary folder by tools/build_docs.py (the
builder `make docs` runs), checked page by page: navigation and titles, outputs shown as text (never as Python
list markup) and without prompts or progress bars, plotly.js served once and loaded where a figure needs it,
no broken internal link or anchor, an API card for every name of every module's `__all__`, a search index
that covers every title and heading, code highlighting compacted without a change of colour, and the size budgets.

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
# Size budgets. Each page (its HTML and the images in its `<page>_files/` folder) has its own, so that a growing
# project fails on the page that grew; the shared files (theme, KaTeX, plotly.js, search index, 404 page) have one;
# and the whole site has one. At 34 pages (28 Nov 2026) the site was 7.8 MB (12.0 MB before tools/build_docs.py
# compacted it): the largest page 0.36 MB (95_compat, with its figures), the pages 4.4 MB in all, the shared files
# 3.4 MB, of which plotly.js (tools/plotly_bundle's partial bundle) 2.05 MB and the search index 0.46 MB. A notebook
# whose figures need a trace type that bundle lacks brings the full plotly.js (4.8 MB) and fails the shared budget:
# add the type to tools/plotly_bundle/build_bundle.js and rebuild the bundle.
PAGE_MAX_BYTES = 500_000
SHARED_MAX_BYTES = 4_000_000
MAX_BYTES = 10_000_000


def sizes(root: Path):
    "({page: bytes of its HTML and its `_files/` folder}, bytes of everything else) of a built site."
    pages, shared = {}, 0
    files = [f for f in root.rglob("*") if f.is_file()]
    htmls = {f.relative_to(root).with_suffix("").as_posix() for f in files if f.suffix == ".html" and f.name != "404.html"}
    for f in files:
        rel = f.relative_to(root)
        owner = next((h for h in (rel.with_suffix("").as_posix(),
                                  *(p.as_posix()[:-len("_files")] for p in rel.parents if p.name.endswith("_files")))
                      if h in htmls), None)
        if owner is None: shared += f.stat().st_size
        else: pages[owner + ".html"] = pages.get(owner + ".html", 0) + f.stat().st_size
    return pages, shared


def over_budget(root: Path) -> list:
    "What of a built site is over its budget, as messages."
    pages, shared = sizes(root)
    total = shared + sum(pages.values())
    out = [f"{p} is {b / 1e3:.0f} kB with its images (limit {PAGE_MAX_BYTES / 1e3:.0f} kB)"
           for p, b in sorted(pages.items()) if b > PAGE_MAX_BYTES]
    if shared > SHARED_MAX_BYTES:
        out.append(f"the shared files (assets, search index) are {shared / 1e6:.2f} MB (limit {SHARED_MAX_BYTES / 1e6:.1f} MB)")
    if total > MAX_BYTES: out.append(f"the site is {total / 1e6:.2f} MB (limit {MAX_BYTES / 1e6:.0f} MB)")
    return out


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


def test_every_page_and_the_site_are_within_their_size_budgets(site):
    root, pages, info = site
    sized, shared = sizes(root)
    assert set(sized) == set(pages) - {"404.html"}, "every page has a size"
    assert shared + sum(sized.values()) == info["bytes"], "the budgets count every file of the site"
    problems = over_budget(root)
    assert not problems, "over budget:\n" + "\n".join(problems)


def test_the_committed_site_is_within_the_size_budgets():
    docs = ROOT / build_docs.settings()["doc_path"]
    if not (docs / "index.html").exists(): pytest.skip("no committed site in docs/")
    problems = over_budget(docs)
    assert not problems, "docs/ over budget (rebuild it with `make docs`):\n" + "\n".join(problems)


def test_search_index_covers_every_page_title_and_heading(site):
    "Every page is in the search index under its title, and every heading below the title has its own entry."
    root, _, _ = site
    index = json.loads((root / "search" / "search_index.json").read_text(encoding="utf-8"))
    titles = {d["location"]: d["title"] for d in index["docs"]}
    for _, rel, title in _nb_pages():
        assert re.sub(r"<[^>]+>", "", titles.get(rel, "")).startswith(title), f"{rel}: not in the search index as {title!r}"
        for h in re.findall(r'<h[2-6] id="([^"]+)"', (root / rel).read_text(encoding="utf-8")):
            assert f"{rel}#{h}" in titles, f"{rel}#{h}: a heading the search index misses"


def test_code_highlighting_is_compacted_without_changing_a_colour(site):
    "Names take the code colour (no span); classes of one colour in every palette share one class; nothing is lost."
    root, _, _ = site
    groups = build_docs._hl_groups(root)
    assert groups.get("n", "missing") is None and groups["o"] == groups["p"], groups
    code = '<div class="highlight"><pre><span></span><code><span class="n">x</span> <span class="o">=</span> <span class="p">(</span><span class="mi">1</span><span class="p">,</span><span class="w"> </span><span class="mi">2</span><span class="p">)</span>  <span class="c1"># c</span>\n</code></pre></div>'
    out = build_docs.compact_html(code, groups)
    assert re.sub("<[^>]+>", "", out) == re.sub("<[^>]+>", "", code), out
    assert "x <span class=o>= (</span><span class=m>1</span><span class=o>,</span> <span class=m>2</span><span class=o>)</span>  <span class=c1># c</span>" in out, out
    kept = '<div class="highlight"><pre><span></span><code><span class="hll"><span class="n">x</span></span></code></pre></div>'
    assert build_docs.compact_html(kept, groups) == kept
