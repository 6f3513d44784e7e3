#!/usr/bin/env python
"""Build the docs site from the notebooks' stored outputs (`make docs`). No notebook is executed.

Every notebook under nbs/ becomes a Markdown page in a staging folder (default `_docs_src/`, gitignored), which
mkdocs-material then builds into `docs/` with the settings of mkdocs.yml. On the way, nbdev's conventions apply:

- `#| hide` cells, the `#| default_exp` cell and the `nbdev_export()` cell are dropped; `#|` lines are stripped
  from the code that is shown.
- `#| export` cells show no source. Each public name such a cell defines gets an API card: nbdev's `show_doc`
  (`BasicMarkdownRenderer`: signature and docments table) of the object imported from `neurolatent.<module>`,
  in a `div.nl-api-card` whose heading id is the name (`CEBRA`, `CEBRA.fit`). Public methods of exported classes
  get cards too, and so does every other name of the module's `__all__`. `#| exports` cells show their source
  after the card; explicit `show_doc(...)` cells become cards.
- Outputs: plotly figures (stored as their JSON) are drawn with `Plotly.newPlot` from a local plotly.js that is
  served once and loaded only on pages with a figure; images become files; HTML stays HTML; text is shown
  preformatted; progress bars are dropped.
- Size (tests/test_site.py caps each page and the site): plotly.js is the partial bundle of tools/plotly_bundle
  (2.3 MB instead of 4.8 MB) when it has every trace type the figures use and is plotly.py's version, else the full
  one; the built pages are compacted without a visible change (`compact_html`: whitespace between tags, and code
  highlighting without the spans that don't change a colour); the search index of an API page holds its prose,
  headings, tables and API cards but not its code cells (mostly tests; 0.3 MB), a tutorial's keeps its code too.
  Outputs were never in the index.
- A banner with the notebook's run record (`metadata["neurolatent"]`, written by tools/run_results.py), and the
  "Open in Colab" badge on tutorials that don't carry it yet.

Math is typeset by a local KaTeX (tools/docs_assets/katex). Usage:

    python tools/build_docs.py [--nbs DIR] [--site DIR] [--stage DIR]     (defaults: nbs/, docs/, _docs_src/)
"""
import argparse
import ast
import base64
import configparser
import datetime as dt
import hashlib
import html
import importlib
import inspect
import io
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ASSETS = ROOT / "tools" / "docs_assets"
PLOTLY_JS = "assets/javascripts/plotly.min.js"  # where plotly.js lives in the site
PLOTLY_PARTIAL = ROOT / "tools" / "plotly_bundle" / "plotly.min.js"  # the site's figures' trace types only
RUN_KEY = "neurolatent"  # the notebook metadata key of the run record


def settings():
    cfg = configparser.ConfigParser(delimiters=["="])
    cfg.read(ROOT / "settings.ini")
    return cfg["DEFAULT"]


def notebooks(nbs: Path):
    "Every notebook under `nbs`, skipping folders and files that start with `_` or `.`."
    return [p for p in sorted(nbs.rglob("*.ipynb"))
            if not any(part.startswith(("_", ".")) for part in p.relative_to(nbs).parts)]


def source(cell) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


# ---------------------------------------------------------------------------------------------------- code cells
def directives(src: str) -> dict:
    "The `#| name args` lines at the top of a cell, as {name: [args]} (`#| eval: false` gives {'eval': ['false']})."
    out = {}
    for line in src.splitlines():
        if not line.strip(): continue
        if not line.startswith("#|"): break
        parts = line[2:].split()
        if parts: out[parts[0].rstrip(":")] = parts[1:]
    return out


def shown_code(src: str) -> str:
    "The code a reader sees: no `#|` directives, no top-level `%` magics, no `#| hide_line` lines."
    lines = [l for l in src.splitlines()
             if not l.startswith(("#|", "%")) and not re.search(r"#\|\s*hide_line\s*$", l)]
    return "\n".join(lines).strip("\n")


def fenced(code: str, lang="python") -> str:
    "A fenced code block whose fence is longer than any backtick run in `code`."
    fence = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`+", code)), default=0))
    return f"{fence}{lang}\n{code}\n{fence}"


# ------------------------------------------------------------------------------------------------ markdown cells
_LIST = re.compile(r"^ {0,3}([-*+]|\d+[.)])\s")


def normalize_md(src: str) -> str:
    """Jupyter's Markdown (CommonMark) lets a list, a table or a `$$` block follow a paragraph line directly;
    Python-Markdown needs a blank line before them. Links to other notebooks point at their pages."""
    out, fence, math = [], False, False
    for line in src.splitlines():
        s = line.strip()
        after_text = bool(out and out[-1].strip())
        if s.startswith(("```", "~~~")): fence = not fence
        elif fence: pass
        elif math:  # inside a multi-line $$ block: close it with a blank line
            out.append(line)
            if s.endswith("$$"): math = False; out.append("")
            continue
        elif s.startswith("$$"):  # a display-math block of its own
            if after_text: out.append("")
            out.append(line)
            if len(s) > 2 and s.endswith("$$"): out.append("")
            else: math = True
            continue
        elif after_text and ((_LIST.match(line) and not _LIST.match(out[-1]) and not out[-1][:1].isspace())
                             or (s.startswith("|") and not out[-1].strip().startswith("|"))):
            out.append("")
        out.append(line)
    md = "\n".join(out)
    return re.sub(r"\]\((?!https?:|/)([^)\s#]+)\.ipynb(#[^)\s]*)?\)", r"](\1.md\2)", md)


def title_and_lead(src: str):
    "Split the notebook's first markdown cell into its `# title`, the `> subtitle` lead and the rest."
    lines = src.splitlines()
    i = next((k for k, l in enumerate(lines) if l.startswith("# ")), None)
    if i is None: return None, "", src
    title, j, lead = lines[i][2:].strip(), i + 1, []
    while j < len(lines) and not lines[j].strip(): j += 1
    while j < len(lines) and lines[j].startswith(">"):
        lead.append(lines[j].lstrip(">").strip()); j += 1
    return title, " ".join(lead), "\n".join(lines[:i] + lines[j:]).strip()


# ---------------------------------------------------------------------------------------------------- outputs
_CR = re.compile(r"[^\n]*\r(?!\n)")  # text overwritten by a carriage return, as a terminal shows it
_ANSI = re.compile(r"\x1B(?:[@-Z\\-_]|\[[0-?]*[ -/]*[@-~])")
_PROGRESS = re.compile(r"\d+%\|.*\||\d+/\d+ \[\d+:\d+|it/s\]|s/it\]")  # tqdm bars and their counters
_MIME_ORDER = ("application/vnd.plotly.v1+json", "image/png", "image/jpeg", "image/svg+xml", "text/html",
               "text/markdown", "text/latex", "text/plain")


def text_of(v) -> str:
    "A notebook text field: a string or a list of lines (joined, never shown as a Python list)."
    return "".join(v) if isinstance(v, list) else str(v)


def clean_stream(text: str) -> str:
    text = _ANSI.sub("", _CR.sub("", text))
    return "\n".join(l for l in text.splitlines() if not _PROGRESS.search(l)).strip("\n")


def pre(text: str, cls="") -> str:
    return f'<div data-search-exclude class="nl-output no-copy{cls}"><pre><code>{html.escape(text)}</code></pre></div>'


def shrink_png(data: bytes) -> bytes:
    """A matplotlib PNG on white with a 256-colour palette: about 3x smaller and, for plots, alike to the eye
    (tests/test_site.py gives every page a size budget). The original is kept when that is not smaller."""
    from PIL import Image
    im = Image.open(io.BytesIO(data))
    rgb = Image.alpha_composite(Image.new("RGBA", im.size, "white"), im.convert("RGBA")).convert("RGB")
    out = io.BytesIO()
    rgb.quantize(256, method=Image.Quantize.MEDIANCUT).save(out, "PNG", optimize=True)
    return out.getvalue() if out.tell() < len(data) else data


class Outputs:
    "Renders a page's stored outputs; images are written next to the page, plotly.js is loaded once."
    def __init__(self, stage: Path, rel: Path):
        self.stage, self.rel, self.n_fig, self.templates, self.traces = stage, rel, 0, set(), set()
        self.root = "../" * (len(rel.parts) - 1)  # from the page to the site root

    def image(self, data: str, ext: str, name: str) -> str:
        path = self.rel.parent / f"{self.rel.stem}_files" / f"{name}.{ext}"
        (self.stage / path).parent.mkdir(parents=True, exist_ok=True)
        raw = base64.b64decode(data)
        (self.stage / path).write_bytes(shrink_png(raw) if ext == "png" else raw)
        return f'<div data-search-exclude class="nl-output no-copy"><img src="{path.relative_to(self.rel.parent).as_posix()}" alt="figure"></div>'

    def plotly(self, fig: dict) -> str:
        self.n_fig += 1
        self.traces |= {t.get("type", "scatter") for t in fig.get("data", [])}
        if re.search(r'calendar"\s*:\s*"(?!gregorian")', json.dumps(fig)): self.traces.add("calendars")  # a component
        div = f"nl-fig-{self.n_fig}"
        config = {**fig.get("config", {}), "responsive": True, "displaylogo": False}
        layout = dict(fig.get("layout", {}))
        load = f'<script src="{self.root}{PLOTLY_JS}"></script>' if self.n_fig == 1 else ""
        template = layout.pop("template", None)
        use = ""
        if template:  # every figure carries plotly's ~7 kB theme: it is written once per site and referenced
            text = json.dumps(template, separators=(",", ":"), sort_keys=True)
            key = hashlib.sha1(text.encode()).hexdigest()[:10]
            path = f"assets/javascripts/nl-figure-theme-{key}.js"
            if not (self.stage / path).exists():
                (self.stage / path).parent.mkdir(parents=True, exist_ok=True)
                (self.stage / path).write_text(f"(window.nlTemplates = window.nlTemplates || {{}})['{key}'] = {text};\n")
            if key not in self.templates: load += f'<script src="{self.root}{path}"></script>'
            self.templates.add(key)
            use = f"l.template = nlTemplates['{key}']; "
        args = [json.dumps(v, separators=(",", ":")) for v in (fig.get("data", []), layout, config)]
        script = f'(function () {{ var l = {args[1]}; {use}Plotly.newPlot("{div}", {args[0]}, l, {args[2]}); }})();'.replace("</", "<\\/")
        return f'<div data-search-exclude class="nl-output nl-plotly">{load}<div id="{div}"></div><script>{script}</script></div>'

    def render(self, outputs, cell_idx: int) -> list:
        blocks = []
        for k, o in enumerate(outputs):
            kind = o.get("output_type")
            if kind == "stream":
                text = clean_stream(text_of(o.get("text", "")))
                if text: blocks.append(pre(text, " nl-stderr" if o.get("name") == "stderr" else ""))
            elif kind == "error":
                tb = _ANSI.sub("", "\n".join(o.get("traceback", []))) or f"{o.get('ename')}: {o.get('evalue')}"
                blocks.append(pre(tb, " nl-stderr"))
            elif kind in ("display_data", "execute_result"):
                data = o.get("data", {})
                mime = next((m for m in _MIME_ORDER if m in data), None)
                v = data.get(mime)
                if mime is None: continue
                if mime == "application/vnd.plotly.v1+json": blocks.append(self.plotly(v))
                elif mime in ("image/png", "image/jpeg"):
                    blocks.append(self.image(text_of(v), mime.split("/")[1], f"cell{cell_idx}_{k}"))
                elif mime in ("image/svg+xml", "text/html"): blocks.append(f'<div data-search-exclude class="nl-output no-copy">{text_of(v).strip()}</div>')
                elif mime == "text/markdown": blocks.append(f'<div data-search-exclude class="nl-output" markdown>\n\n{text_of(v)}\n\n</div>')
                elif mime == "text/latex":
                    tex = text_of(v).strip().strip("$")
                    blocks.append(f'<div data-search-exclude class="nl-output no-copy"><div class="arithmatex">\\[{html.escape(tex)}\\]</div></div>')
                else: blocks.append(pre(text_of(v)))
        return blocks


# ---------------------------------------------------------------------------------------------------- API cards
def source_link(obj, cfg):
    "GitHub link to the line that defines `obj` (nbdev's own link has no line number here)."
    try:
        f = inspect.unwrap(getattr(obj, "fget", None) or getattr(obj, "__func__", None) or obj)
        path = Path(inspect.getsourcefile(f)).resolve().relative_to(ROOT)
        return f"{cfg['git_url']}/blob/{cfg['branch']}/{path.as_posix()}#L{inspect.getsourcelines(f)[1]}"
    except Exception: return None


def card(obj, name: str, level: int, cfg) -> str:
    "An API card: nbdev's show_doc markdown (signature, docstring, docments table) with a stable heading id."
    from nbdev.showdoc import BasicMarkdownRenderer, show_doc
    h = "#" * level
    if callable(obj) or isinstance(obj, property):
        md = show_doc(obj, name=name, title_level=level, renderer=BasicMarkdownRenderer)._repr_markdown_()
        md = re.sub(r"^---\s*\n|^\[source\]\(.*\n", "", md, flags=re.M)  # our own rule and source link instead
        md = re.sub(rf"^{h} {re.escape(name)}[ \t]*$", f"{h} {name} {{: #{name} }}", md, count=1, flags=re.M)
        url = source_link(obj, cfg)
        if url: md = f"[source]({url}){{: .nl-source }}\n\n{md}"
    else:  # a constant of __all__: its value
        value = re.sub(r" at 0x[0-9a-f]+>", ">", repr(obj))  # no memory addresses: the page is the same on every build
        if len(value) > 300: value = value[:300] + " …"
        md = f"{h} {name} {{: #{name} }}\n\n>      {name} = {value}\n\n*{type(obj).__name__}*"
    return f'<div class="nl-api-card" markdown>\n\n{md.strip()}\n\n</div>'


def resolve(mod, name: str):
    "`CEBRA.fit` -> the object, looked up in the generated module (a property comes back as the `property`)."
    obj = mod
    for part in name.split("."):
        static = inspect.getattr_static(obj, part)  # AttributeError when there is no such name
        obj = static if isinstance(static, property) else getattr(obj, part)
    return obj


def defined_names(src: str, mod) -> list:
    """(name, heading level) for the public names an export cell defines, as nbdev's add_show_docs finds them;
    a function attached to a class in the same cell (`CEBRA.fit = fit`, or `@patch`) is named `CEBRA.fit`."""
    from nbdev.showdoc import showdoc_nm
    try: tree = ast.parse(shown_code(src))
    except SyntaxError: return []
    def pairs(n):  # (target, value) of `A.f = f` and of `A.f, A.g = f, g`
        if not (isinstance(n, ast.Assign) and len(n.targets) == 1): return []
        t, v = n.targets[0], n.value
        if isinstance(t, ast.Tuple) and isinstance(v, ast.Tuple): return list(zip(t.elts, v.elts))
        return [(t, v)]
    attached = {v.id: f"{t.value.id}.{t.attr}" for n in tree.body for t, v in pairs(n)
                if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and isinstance(v, ast.Name)
                and t.attr == v.id}
    names, public = [], lambda n: not n.startswith("_")
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and public(node.name):
            names.append((attached.get(node.name, showdoc_nm(node)), 3))
            if isinstance(node, ast.ClassDef):  # its public methods with a docstring of their own, a level below
                names += [(f"{node.name}.{m.name}", 4) for m in node.body
                          if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)) and public(m.name)
                          and ast.get_docstring(m)]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):  # constants that the module exports
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [(t.id, 3) for t in targets if isinstance(t, ast.Name) and t.id in getattr(mod, "__all__", [])]
    return names


def show_doc_names(src: str) -> list:
    "The names documented by explicit `show_doc(x)` calls in a cell."
    try: tree = ast.parse(shown_code(src))
    except SyntaxError: return []
    return [ast.unparse(n.value.args[0]) for n in tree.body
            if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call) and getattr(n.value.func, "id", "") == "show_doc"
            and n.value.args]


def covers(ids, name: str) -> bool:
    "Is `name` of `__all__` documented by one of the card ids (`fit` by `CEBRA.fit`, a function attached to a class)?"
    return any(i == name or i.endswith("." + name) for i in ids)


# ---------------------------------------------------------------------------------------------------- pages
def run_banner(rec) -> str:
    "The run record as a small admonition at the top of the page."
    if not rec:
        return '!!! warning nl-run-record ""\n    Outputs not yet stored.'
    wall = float(rec.get("wall_s", 0))
    wall = f"{wall:.1f} s" if wall < 60 else f"{wall / 60:.0f} min" if wall < 3600 else f"{wall // 3600:.0f} h {wall % 3600 / 60:02.0f} min"
    where = f"on {rec.get('device', 'an unknown device')}, neurolatent {rec.get('version', '?')}, {wall}, {rec.get('finished', '')}"
    if rec.get("mode") == "full":
        return f'!!! info nl-run-record ""\n    Outputs from a full-length run {where}.'
    text = re.sub(r"^reduced run:\s*", "", rec.get("note") or "")   # the note may repeat the words of the banner
    note = f": {text}" if text else ""
    return f'!!! warning nl-run-record ""\n    Outputs from a reduced run{note} ({where}).'


class Page:
    "One notebook as a list of Markdown blocks; ('md', text) blocks are prose that gets links to API cards."
    def __init__(self, nb_path: Path, nbs: Path, stage: Path, cfg):
        self.rel = nb_path.relative_to(nbs).with_suffix(".md")
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        self.record = nb.get("metadata", {}).get(RUN_KEY)
        self.title, self.blocks, self.ids = nb_path.stem, [], []
        cells = nb["cells"]
        exp = next((directives(source(c))["default_exp"][0] for c in cells
                    if c["cell_type"] == "code" and directives(source(c)).get("default_exp")), None)
        self.module = exp
        mod = importlib.import_module(f"{cfg['lib_name']}.{exp}") if exp else None
        shown = {n for c in cells if c["cell_type"] == "code" for n in show_doc_names(source(c))}
        outs = Outputs(stage, self.rel)
        self.traces = outs.traces  # plotly trace types of the page's figures
        first_md = True
        for i, c in enumerate(cells):
            src = source(c)
            if c["cell_type"] == "markdown":
                if first_md and src.lstrip().startswith("# "):
                    self.title_cell(src, cfg, nb_path, nbs)
                else: self.blocks.append(("md", normalize_md(src)))
                first_md = False
                continue
            if c["cell_type"] != "code": continue
            d = directives(src)
            if ("hide" in d or "default_exp" in d or d.get("include") == ["false"] or "nbdev_export()" in src
                    or "nbdev.nbdev_export" in src):
                continue
            sd = show_doc_names(src)  # an explicit show_doc cell becomes the card(s), when the module has the names
            if sd and mod is not None and all(self.has(mod, n) for n in sd):
                for n in sd: self.try_card(mod, n, 3, cfg)
                continue
            code, show_src = shown_code(src), not ({"export", "exporti"} & d.keys()) and d.get("echo") != ["false"]
            cards = [] if "export" not in d and "exports" not in d or mod is None else \
                [(n, lvl) for n, lvl in defined_names(src, mod) if n not in shown]
            if "exports" in d:  # as nbdev does: the card, then the exported source
                for n, lvl in cards: self.try_card(mod, n, lvl, cfg)
                cards = []
            if show_src and code: self.blocks.append(("raw", fenced(code)))
            if d.get("output") != ["false"]: self.blocks += [("raw", b) for b in outs.render(c.get("outputs", []), i)]
            for n, lvl in cards: self.try_card(mod, n, lvl, cfg)
        if mod is not None:  # every name of __all__ ends with a card, even one no cell defines visibly
            rest = [n for n in getattr(mod, "__all__", []) if not covers(self.ids, n)]
            if rest: self.blocks.append(("md", "## Other exported names"))
            for n in rest: self.try_card(mod, n, 3, cfg)

    def title_cell(self, src, cfg, nb_path, nbs):
        "The `# title`, the `> subtitle` as a lead, the run record, and the Colab badge on tutorials."
        title, lead, rest = title_and_lead(src)
        title = title or self.title
        self.title = re.sub(r"[`*]", "", title)  # plain text for the nav and <title>
        self.blocks.append(("md", f"# {title}"))
        if lead: self.blocks.append(("md", f"{lead}\n{{: .nl-lead }}"))
        self.blocks.append(("raw", run_banner(self.record)))
        rel_nb = nb_path.relative_to(nbs).as_posix()
        if rel_nb.startswith("tutorials/") and "colab.research.google.com" not in src:
            repo = cfg["git_url"].rstrip("/").split("github.com/")[-1]
            url = f"https://colab.research.google.com/github/{repo}/blob/{cfg['branch']}/{cfg['nbs_path']}/{rel_nb}"
            self.blocks.append(("raw", f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({url})"))
        if rest: self.blocks.append(("md", normalize_md(rest)))

    @staticmethod
    def has(mod, name) -> bool:
        try: resolve(mod, name); return True
        except AttributeError: return False

    def try_card(self, mod, name, level, cfg) -> bool:
        "Append the card of `name` (looked up in the module); False when the module has no such object."
        try: obj = resolve(mod, name)
        except AttributeError: return False
        if name in self.ids: return True
        self.blocks.append(("raw", card(obj, name, level, cfg)))
        self.ids.append(name)
        return True

    def markdown(self, links: dict) -> str:
        "The page's Markdown, with backticked names in prose linked to their API cards."
        here = self.rel.parent
        def link(m):
            target = links.get(m.group(1))
            if not target: return m.group(0)
            page, anchor = target
            href = "" if page == self.rel else os.path.relpath(page, here).replace(os.sep, "/")
            return f"[{m.group(0)}]({href}#{anchor})"
        def linkify(md):
            parts = re.split(r"(^(?:```|~~~).*?^(?:```|~~~)[^\n]*$)", md, flags=re.S | re.M)  # leave code blocks alone
            for k in range(0, len(parts), 2):
                parts[k] = "\n".join(l if l.startswith("#") else re.sub(r"(?<![\[\w])`([A-Za-z_][\w.]*)(?:\(\))?`(?![\]\w])", link, l)
                                     for l in parts[k].split("\n"))
            return "".join(parts)
        return "\n\n".join(linkify(t) if kind == "md" else t for kind, t in self.blocks) + "\n"


def card_links(pages) -> dict:
    "`name`, `Class.method` and `neurolatent.module.name` -> (page, anchor), for names with one card in the site."
    seen, lib = {}, settings()["lib_name"]
    for p in pages:
        for i in p.ids:
            for k in (i, f"{lib}.{p.module}.{i}"): seen.setdefault(k, []).append((p.rel, i))
    return {k: v[0] for k, v in seen.items() if len(v) == 1}


def nav(pages) -> list:
    "Home (index), the API module notebooks, then each folder of notebooks (Tutorials)."
    home = [{"Home": p.rel.as_posix()} for p in pages if p.rel.as_posix() == "index.md"]
    api = [{p.title: p.rel.as_posix()} for p in pages if len(p.rel.parts) == 1 and p.rel.as_posix() != "index.md"]
    out = home + ([{"API": api}] if api else [])
    for folder in sorted({p.rel.parts[0] for p in pages if len(p.rel.parts) > 1}):
        out.append({folder.replace("_", " ").capitalize(): [{p.title: p.rel.as_posix()} for p in pages
                                                           if len(p.rel.parts) > 1 and p.rel.parts[0] == folder]})
    return out


# ---------------------------------------------------------------------------------------------------- size
def plotly_header(path: Path):
    "(version, trace types or None for all) from the licence header of a plotly.min.js."
    with open(path, encoding="utf-8") as f: head = f.read(1000)
    version = re.search(r"plotly\.js v(\S+)", head)
    traces = re.search(r"traces: ([\w,]+)", head)
    return version and version.group(1), traces and set(traces.group(1).split(","))


def plotly_js(traces: set) -> Path:
    """The plotly.js the site serves: tools/plotly_bundle's partial bundle when it is plotly.py's version and has every
    trace type in `traces`, else plotly.py's full bundle (and a note saying why: rebuild the partial one)."""
    import plotly
    full = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not traces or not PLOTLY_PARTIAL.exists(): return full
    (v_full, _), (v_part, have) = plotly_header(full), plotly_header(PLOTLY_PARTIAL)
    missing = traces - (have or set())
    if v_full == v_part and not missing: return PLOTLY_PARTIAL
    why = f"it is plotly.js v{v_part}, plotly.py has v{v_full}" if v_full != v_part else f"it lacks {sorted(missing)}"
    print(f"note: serving the full plotly.js (4.8 MB): {PLOTLY_PARTIAL.relative_to(ROOT)} does not fit, {why}; "
          f"rebuild it with tools/plotly_bundle/build_bundle.js", file=sys.stderr)
    return full


def _hl_groups(site: Path) -> dict:
    """Pygments class -> the class it can be written as, read from the theme's stylesheets: classes whose colour
    variables have the same value in every palette share one class, and those that take the code's own colour
    (names) need no span (None). Classes with any other rule, and comments (code annotations look for them), stay."""
    css = "\n".join(f.read_text(encoding="utf-8") for f in sorted((site / "assets" / "stylesheets").rglob("*.css")))
    values = {}  # colour variable -> its value in each palette, in order
    for var, value in re.findall(r"--md-code-hl-(\w+)-color:\s*([^;}]+)", css):
        values.setdefault(var, []).append(value.strip())
    rules, seen = {}, set()
    for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        classes = re.findall(r"\.highlight \.([a-z0-9]+)(?=,|$)", sel.strip())
        if not classes: continue
        var = re.fullmatch(r"color:var\(--md-code-hl-(\w+)-color\)", body.strip())
        for c in classes:  # only a class whose one rule is a colour variable is rewritten
            rules[c] = None if c in seen or not var or var.group(1) == "comment" else var.group(1)
            seen.add(c)
    by_colour = {}
    for c, var in rules.items():
        if var is None or var not in values: continue
        colour = tuple(values[var])
        by_colour.setdefault(colour, []).append(c)
    groups = {"w": None}  # whitespace: no colour to see
    for colour, classes in by_colour.items():
        plain = all(v == "var(--md-code-fg-color)" for v in colour)
        short = min(classes, key=len)
        groups.update({c: None if plain else short for c in classes})
    return groups


_HL_BLOCK = re.compile(r'(<div class="highlight"><pre><span></span><code>)(.*?)(</code></pre></div>)', re.S)
_HL_TOKEN = re.compile(r'<span class="([a-z0-9]+)">([^<]*)</span>|([^<]+)')
_KEEP_WS = re.compile(r"(<(pre|textarea|script|style|code)\b.*?</\2>)|\n\s+", re.S | re.I)


def compact_html(text: str, groups: dict) -> str:
    """The same page in fewer bytes: runs of whitespace with a newline between tags become one newline (not inside
    pre, code, textarea, script or style), and highlighted code loses the spans that colour nothing (names and
    whitespace take the code colour anyway) and merges neighbouring spans of one colour (`<span class=o>`: HTML needs
    no quotes there). A code block with any other markup in it (line numbers, highlighted lines, annotations) is left
    as it is."""
    def code(m):
        body = m.group(2)
        if not re.fullmatch(r'(?:<span class="[a-z0-9]+">[^<]*</span>|[^<]+)*', body): return m.group(0)
        out = []  # [class or None, text]
        for t in _HL_TOKEN.finditer(body):
            cls, txt = (groups.get(t.group(1), t.group(1)), t.group(2)) if t.group(1) else (None, t.group(3))
            if out and out[-1][0] == cls: out[-1][1] += txt
            elif (cls and len(out) > 1 and out[-2][0] == cls and out[-1][0] is None
                  and out[-1][1].strip() == ""):  # `) =`: spaces between two spans of one colour join them
                out[-2][1] += out.pop()[1] + txt
            else: out.append([cls, txt])
        return m.group(1) + "".join(f"<span class={c}>{t}</span>" if c else t for c, t in out) + m.group(3)
    text = _HL_BLOCK.sub(code, text)
    return _KEEP_WS.sub(lambda m: m.group(1) or "\n", text)


def build(nbs: Path, site: Path, stage: Path, quiet=False) -> dict:
    "Stage the pages and assets, then build the site with mkdocs; returns a few numbers about it."
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    t0, cfg = time.time(), settings()
    sys.path.insert(0, str(ROOT))
    if stage.exists(): shutil.rmtree(stage)
    shutil.copytree(ASSETS, stage / "assets")
    pages = [Page(p, nbs, stage, cfg) for p in notebooks(nbs)]
    shutil.copy(plotly_js(set().union(*(p.traces for p in pages))), stage / PLOTLY_JS)
    links = card_links(pages)
    for p in pages:
        (stage / p.rel).parent.mkdir(parents=True, exist_ok=True)
        (stage / p.rel).write_text(p.markdown(links), encoding="utf-8")
    # dates in the sitemap come from the newest stored run, so that rebuilding unchanged notebooks changes nothing
    finished = [p.record.get("finished", "") for p in pages if p.record]
    when = max(finished, default="")
    try: epoch = int(dt.datetime.strptime(when, "%Y-%m-%d %H:%M UTC").replace(tzinfo=dt.timezone.utc).timestamp())
    except ValueError: epoch = 0
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    config = load_config(str(ROOT / "mkdocs.yml"), docs_dir=str(stage), site_dir=str(site), nav=nav(pages))
    config.plugins.on_startup(command="build", dirty=False)
    try: mkdocs_build(config)
    finally: config.plugins.on_shutdown()
    # theme files that no page loads: source maps, and lunr's other languages (the search index is English)
    for f in site.rglob("*.map"): f.unlink()
    shutil.rmtree(site / "assets" / "javascripts" / "lunr", ignore_errors=True)
    # the search index of an API page (a module notebook) keeps its prose, headings, tables and API cards but not its
    # code cells, mostly tests of the names its cards document; tutorials keep their code: search finds the usage
    api = {p.rel.with_suffix(".html").as_posix() for p in pages if p.module}
    index = site / "search" / "search_index.json"
    if index.exists():
        data = json.loads(index.read_text(encoding="utf-8"))
        for d in data.get("docs", []):
            if d["location"].split("#")[0] in api: d["text"] = re.sub(r"\s*<pre>.*?</pre>\s*", " ", d["text"], flags=re.S).strip()
        index.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    groups = _hl_groups(site)
    for f in site.rglob("*.html"):
        f.write_text(compact_html(f.read_text(encoding="utf-8"), groups), encoding="utf-8")
    (site / ".nojekyll").touch()  # GitHub Pages: serve the files as they are
    size = sum(f.stat().st_size for f in site.rglob("*") if f.is_file())
    return {"pages": len(pages), "seconds": round(time.time() - t0, 1), "bytes": size}


def main(argv=None):
    cfg = settings()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nbs", type=Path, default=ROOT / cfg["nbs_path"], help="notebook folder (default: nbs/)")
    ap.add_argument("--site", type=Path, default=ROOT / cfg["doc_path"], help="output folder (default: docs/)")
    ap.add_argument("--stage", type=Path, default=ROOT / "_docs_src", help="staging folder (default: _docs_src/)")
    a = ap.parse_args(argv)
    r = build(a.nbs.resolve(), a.site.resolve(), a.stage.resolve())
    print(f"built {r['pages']} pages into {a.site} in {r['seconds']} s ({r['bytes'] / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
