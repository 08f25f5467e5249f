#!/usr/bin/env node
// Replaces dist/vega.js (Vega composed from its own modules, and Vega-Lite:
// src/vega.ts) by one minified CommonJS bundle of both (dist/vega.cjs) and a
// small loader that compiles it with V8's code cache (dist/vega.cjs.cache):
// Node 20 has no compile cache for modules (`module.enableCompileCache` is
// Node 22), but `vm.Script` takes cached data. The cache is written here after
// a warm-up figure, so it holds the functions a figure runs, compiled; a Node
// whose V8 rejects it compiles from source as before. Run after `tsc -b` (the
// warm-up runs the CLI).
//
// What a cold process runs before its figure is kept small: Vega-Lite takes
// four helpers from the whole `vega` package, which here come from vega-util,
// so the bundle holds only what src/vega.ts composes (checked below); and
// Vega's colour schemes, of which a figure uses none (its colours are the
// core's), are made into interpolators when first asked for, not all at load.
import { execFileSync } from "node:child_process";
import { rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

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

// Vega-Lite imports `stringValue`, `hasOwnProperty`, `isObject` and `isString` from "vega", whose entry
// loads all of Vega; they are vega-util's (a name vega-util lacks fails the build: MISSING_EXPORT).
const vegaLiteWithoutVega = {
  name: "vega-lite-without-vega",
  resolveId(source, importer) {
    return source === "vega" && importer && /[\\/]vega-lite[\\/]/.test(importer) ? this.resolve("vega-util", importer) : null;
  },
};

// vega-scale turns each of its ~60 continuous colour schemes into an interpolator as it loads (parsing
// every colour); here each becomes one the first time `scheme(name)` asks for it. Same value, same name.
const EAGER_SCHEMES = "apply(continuous, _ => interpolateColors(colors(_)));";
const LAZY_SCHEMES = `for (const key in continuous) {
  const name = key.toLowerCase();
  const own = (value) => Object.defineProperty(schemes, name, { value, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(schemes, name, { enumerable: true, configurable: true, get: () => own(interpolateColors(colors(continuous[key])))[name], set: own });
}`;
const lazySchemes = {
  name: "lazy-colour-schemes",
  transform(code, id) {
    if (!/[\\/]vega-scale[\\/]build[\\/]/.test(id)) return null;
    if (!code.includes(EAGER_SCHEMES)) throw new Error(`${id} no longer registers its colour schemes as scripts/bundle-vega.mjs expects: update lazySchemes`);
    return { code: code.replace(EAGER_SCHEMES, LAZY_SCHEMES), map: null };
  },
};

const { output } = await build({
  input: join(here, "..", "src", "vega.ts"),
  platform: "node",
  logLevel: "warn",
  onLog(level, log, handler) {
    if (log.code === "MISSING_EXPORT" || log.code === "UNRESOLVED_IMPORT") throw new Error(log.message);
    handler(level, log);
  },
  plugins: [noNodeCanvas, vegaLiteWithoutVega, lazySchemes],
  output: { file: bundle, format: "cjs", minify: true, sourcemap: false },
});
const whole = Object.keys(output[0].modules).filter((id) => /[\\/]node_modules[\\/]vega[\\/]/.test(id));
if (whole.length > 0) throw new Error(`the Vega bundle holds the whole vega package (${whole.join(", ")}): src/vega.ts composes Vega from its modules`);

writeFileSync(
  file,
  `// Written by scripts/bundle-vega.mjs: vega + vega-lite (vega.cjs) compiled with V8's code cache (cached-commonjs.js).
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

import { compileCachedCommonJs } from "./cached-commonjs.js";

const url = new URL("./vega.cjs", import.meta.url);
const compiled = compileCachedCommonJs(fileURLToPath(url));
const module = { exports: {} };
compiled.run(module, createRequire(url));
if (process.env.WFALL_WRITE_VEGA_CACHE === \`\${fileURLToPath(url)}.cache\`) process.once("beforeExit", () => compiled.writeCache());

export const { View, compile, parse, resetSVGDefIds, textMetrics } = module.exports;
`,
);

// warm-up: a figure from the repository's fixture, whose process writes the cache as it exits; the
// unbundled command (dist/cli/main.js), which loads Vega through dist/vega.js whatever the CLI bundle's state
rmSync(cache, { force: true });
const pdf = join(tmpdir(), `wfall-vega-warmup-${process.pid}.pdf`);
const fixture = join(here, "..", "..", "..", "fixtures", "synthetic_128x1024.npz");
const unbundled = `const { main } = await import(${JSON.stringify(pathToFileURL(join(dist, "cli", "main.js")).href)}); process.exitCode = await main(process.argv.slice(1));`;
execFileSync(process.execPath, ["--input-type=module", "-e", unbundled, "--", "--fname", fixture, "--dm", "87.77", "--figname", pdf], {
  env: { ...process.env, WFALL_WRITE_VEGA_CACHE: cache },
  stdio: "ignore",
});
rmSync(pdf, { force: true });
const kib = (f) => (statSync(f).size / 1024).toFixed(0);
console.log(`bundled vega + vega-lite into ${bundle} (${kib(bundle)} KiB), code cache ${cache} (${kib(cache)} KiB)`);
