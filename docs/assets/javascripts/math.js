// Typeset the math that pymdownx.arithmatex marked (generic mode: \(..\) in span.arithmatex, \[..\] in
// div.arithmatex) with the local KaTeX. extra_javascript runs at the end of <body>, so the page is parsed.
document.querySelectorAll(".arithmatex").forEach((el) => {
  const tex = el.textContent.trim();
  katex.render(tex.slice(2, -2), el, {displayMode: tex.startsWith("\\["), throwOnError: false});
});
