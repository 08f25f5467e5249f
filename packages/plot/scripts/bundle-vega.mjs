#!/usr/bin/env node
// Replaces dist/vega.js (a re-export of vega and vega-lite) by one minified
// CommonJS bundle of both (dist/vega.cjs) and a small loader that compiles it
// with V8's code cache (dist/vega.cjs.cache): Node 20 has no compile cache for
// modules (`module.enableCompileCache` is Node 22), but `vm.Script` takes
// cached data. The cache is written here after a warm-up figure, so it holds
// the functions a figure runs, compiled; a Node whose V8 rejects it compiles
// from source as before. Run after `tsc -b` (the warm-up runs the CLI).
import { execFileSync } from "node:child_process";
import { rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { build } from "rolldown";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "..", "dist");
const file = join(dist, "vega.js");
const bundle = join(dist, "vega.cjs");
const cache = join(dist, "vega.cjs.cache");

// vega-canvas tries `await import("canvas")` (node-canvas, which figures never use: text is
// measured by the core and SVG rendered by it); top-level await has no CommonJS form.
const noNodeCanvas = {
  name: "no-node-canvas",
  transform(code, id) {
    if (!/vega-canvas[\\/]/.test(id) || !code.includes("await import('canvas')")) return null;
    return { code: code.replace("await import('canvas')", "null"), map: null };
  },
};

await build({
  input: join(here, "..", "src", "vega.ts"),
  platform: "node",
  logLevel: "silent",
  plugins: [noNodeCanvas],
  output: { file: bundle, format: "cjs", minify: true, sourcemap: false },
});

writeFileSync(
  file,
  `// Written by scripts/bundle-vega.mjs: vega + vega-lite (vega.cjs) compiled with V8's code cache.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

const url = new URL("./vega.cjs", import.meta.url);
const filename = fileURLToPath(url);
const cacheFile = \`\${filename}.cache\`;
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {}
const source = readFileSync(filename, "utf8");
const script = new Script(\`(function (exports, require, module, __filename, __dirname) {\${source}\\n})\`, { filename, cachedData });
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(url), module, filename, dirname(filename));
if (process.env.WFALL_WRITE_VEGA_CACHE === cacheFile) process.once("beforeExit", () => writeFileSync(cacheFile, script.createCachedData()));

export const { View, compile, parse, resetSVGDefIds, textMetrics } = module.exports;
`,
);

// warm-up: a figure from the repository's fixture, whose process writes the cache as it exits
rmSync(cache, { force: true });
const pdf = join(tmpdir(), `wfall-vega-warmup-${process.pid}.pdf`);
const fixture = join(here, "..", "..", "..", "fixtures", "synthetic_128x1024.npz");
execFileSync(process.execPath, [join(here, "..", "bin", "plot.js"), "--fname", fixture, "--dm", "87.77", "--figname", pdf], {
  env: { ...process.env, WFALL_WRITE_VEGA_CACHE: cache },
  stdio: "ignore",
});
rmSync(pdf, { force: true });
const kib = (f) => (statSync(f).size / 1024).toFixed(0);
console.log(`bundled vega + vega-lite into ${bundle} (${kib(bundle)} KiB), code cache ${cache} (${kib(cache)} KiB)`);
