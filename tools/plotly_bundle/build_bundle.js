// A partial plotly.js bundle for the docs site (tools/build_docs.py serves it instead of plotly.py's full 4.8 MB one
// when every figure's trace type is in it and its version is plotly.py's). Rebuild it when plotly is upgraded or a
// notebook needs another trace type (build_docs.py then falls back to the full bundle and says so):
//
//   mkdir /tmp/p && cd /tmp/p && npm pack plotly.js@<version of plotly.py's plotly.min.js> && tar xzf plotly.js-*.tgz
//   cd package && npm install --omit=dev --ignore-scripts
//   npm install --no-save --ignore-scripts esbuild esbuild-plugin-glsl esbuild-plugin-inline-css esbuild-plugin-environment stream-browserify
//   node /path/to/neurolatent/tools/plotly_bundle/build_bundle.js     (writes tools/plotly_bundle/plotly.min.js)
//
// Same esbuild settings as plotly.js's own esbuild-config.js and the same UMD wrapper as its dist files.
'use strict';
const esbuild = require(require.resolve('esbuild', { paths: [process.cwd()] }));
const req = (m) => require(require.resolve(m, { paths: [process.cwd()] }));
const { environmentPlugin } = req('esbuild-plugin-environment');
const { glsl } = req('esbuild-plugin-glsl');
const InlineCSSPlugin = req('esbuild-plugin-inline-css');
const fs = require('fs');
const path = require('path');

// The trace types of the site's figures (plotly.py's figures carry `type`); no `calendars` component: no figure sets a
// non-Gregorian calendar (build_docs.py counts one that does as the trace type `calendars`, which is not in here).
const TRACES = ['scatter', 'scattergl', 'scatter3d'];
const out = process.argv[2] || path.join(__dirname, 'plotly.min.js');
const version = JSON.parse(fs.readFileSync('package.json', 'utf8')).version;
const entry = path.join('lib', 'index-neurolatent-docs.js');
fs.writeFileSync(entry, `'use strict';\nvar Plotly = require('./core');\nPlotly.register([\n` +
  TRACES.map((t) => `    require('./${t}'),\n`).join('') + `]);\nmodule.exports = Plotly;\n`);

esbuild.build({
  entryPoints: [entry], write: false, format: 'iife', globalName: 'Plotly', bundle: true, minify: true,
  sourcemap: false, legalComments: 'eof', target: 'es2016', logLevel: 'warning',
  plugins: [InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
  alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
  define: { global: 'window', 'define.amd': 'false' },
}).then((r) => {
  const header = `/**\n* plotly.js v${version}\n* Copyright 2012-2026, Plotly, Inc.\n* All rights reserved.\n* Licensed under the MIT license\n*\n` +
    `* partial bundle for the neurolatent docs, traces: ${TRACES.join(',')}\n*/\n`;
  const wrapped = header + '(\n function(root, factory) {\n  if (typeof module === "object" && module.exports) {\n' +
    '   module.exports = factory();\n  } else {\n   root.moduleName = factory();\n  }\n' +
    '} (typeof self !== "undefined" ? self : this, () => {\n' + r.outputFiles[0].text +
    '\nwindow.Plotly = Plotly;\nreturn Plotly;\n}));\n';
  fs.writeFileSync(out, wrapped);
  fs.unlinkSync(entry);
  console.log(`${out}: plotly.js v${version}, ${TRACES.length} trace types, ${(wrapped.length / 1e6).toFixed(2)} MB`);
}).catch((e) => { console.error(e); process.exit(1); });
