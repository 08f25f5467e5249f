#!/usr/bin/env node
// Bundles the `plot` command (dist/cli/main.js) and the build worker
// (dist/build/worker.js) with the @wfall/spectra modules they import (rolldown;
// one chunk per lazily loaded command). Node 20 spends more time resolving,
// reading and linking our ~80 small ES modules than running them: a cold
// `plot` loads several instead.
//
// The command and the build workers run as CommonJS (dist/bundle/cjs/, loaded by
// dist/bundle/loader.js for cached.js, which bin/plot.js imports, and for
// worker.js, which the build pool starts): each chunk, and Vega's bundle
// (dist/vega.cjs), is compiled with V8's code cache (Node 20 has no compile
// cache for ES modules; `vm.Script` takes cached data), written here after
// warm-up runs. Each worker thread would otherwise compile our modules again. CommonJS
// also loads Node's modules without an ES module facade (which reads every
// export: `node:fs` then loads its promises API) and the native addon's file
// without napi-rs's ES-module loader. Where that file is not the one for this
// platform (a WASI build, napi-rs's override variables), cached.js runs the ES
// module bundle (dist/bundle/cli.js) instead, and worker.js its worker (worker-esm.js).
// The package's API stays the unbundled dist/ (bin/plot.js falls back to it
// when the bundle is missing or older than the last `tsc -b`).
//
// Binary, WebAssembly and third-party packages stay outside (the native
// addon, h5wasm, sharp, Vega's own bundle, ajv), except yaml (every `plot build`
// parses its manifest: its ~70 modules took 30 ms to load): they are imported from
// dist/bundle/ as from dist/, so @wfall/plot declares the ones the spectra
// modules import. Run after `tsc -b` and scripts/bundle-vega.mjs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

import { build } from "rolldown";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "..", "dist");
const out = join(dist, "bundle");

// Bundled: our own compiled modules (plot's dist, spectra's dist through the workspace link) and ndarray.
const EXTERNAL = [/^node:/, /^@wfall\/native$/, /^h5wasm/, /^sharp$/, /^ajv/, /^dejavu-fonts-ttf/];

// Vega stays the loader of its own code-cached bundle (scripts/bundle-vega.mjs), dist/vega.js.
const vegaLoader = {
  name: "vega-loader",
  resolveId(source) {
    return /(^|\/)vega\.js$/.test(source) ? { id: "../vega.js", external: true } : null;
  },
};

// A module's `import.meta.url` names its place in dist/ (package.json, fonts, the viewer's
// page are found relative to it), except where it names a file beside it that the bundle
// also has: the build pool starts `./worker.js`, which in dist/bundle/ is the bundled worker.
// `chunkUrl` is what names a chunk's place in dist/bundle/ (CommonJS has no import.meta).
const BESIDE_ITSELF = [join(dist, "build", "build.js")];
const keepModuleUrls = (chunkUrl) => ({
  name: "keep-module-urls",
  transform(code, id) {
    if (!code.includes("import.meta.url") || !isAbsolute(id)) return null; // not a file: rolldown's runtime
    if (!id.startsWith(dist + sep)) throw new Error(`${id} uses import.meta.url outside @wfall/plot's dist/: its place would be lost in the bundle`);
    if (BESIDE_ITSELF.includes(id)) return chunkUrl === "import.meta.url" ? null : { code: code.replaceAll("import.meta.url", chunkUrl), map: null };
    const path = relative(out, id).split(sep).join("/");
    return { code: code.replaceAll("import.meta.url", `new URL(${JSON.stringify(path)}, ${chunkUrl}).href`), map: null };
  },
});

rmSync(out, { recursive: true, force: true });
const common = { platform: "node", logLevel: "warn", external: (id) => EXTERNAL.some((pattern) => pattern.test(id)) };
await build({
  ...common,
  input: { cli: join(dist, "cli", "main.js"), "worker-esm": join(dist, "build", "worker.js") },
  plugins: [vegaLoader, keepModuleUrls("import.meta.url")],
  output: { dir: out, format: "esm", entryFileNames: "[name].js", chunkFileNames: "[name]-[hash].js", sourcemap: false },
});

// the command as CommonJS: Vega's bundle itself (cached.js compiles it with its code cache)
const cjs = join(out, "cjs");
const vegaBundle = {
  name: "vega-bundle",
  resolveId(source) {
    return /(^|\/)vega\.js$/.test(source) ? { id: "../../vega.cjs", external: true } : null;
  },
};
// `import()` in a script compiled by vm.Script needs an experimental loader flag: a package loaded
// lazily (h5wasm, sharp) is imported by cached.js, through `require.import` (the chunks keep the
// CommonJS wrapper of Vega's bundle, so its code cache is the one dist/vega.js writes and reads)
const importThroughLoader = {
  name: "import-through-loader",
  transform(code, id) {
    if (!isAbsolute(id) || !/\bimport\("[^.]/.test(code)) return null;
    return { code: code.replace(/\bimport\(("[^."][^"]*")\)/g, "require.import($1)"), map: null };
  },
};
await build({
  ...common,
  input: { cli: join(dist, "cli", "main.js"), worker: join(dist, "build", "worker.js") },
  plugins: [vegaBundle, importThroughLoader, keepModuleUrls("__wfallChunkUrl")],
  output: {
    dir: cjs,
    format: "cjs",
    banner: 'const __wfallChunkUrl = require("node:url").pathToFileURL(require("node:path").join(__dirname, "..", "cli.js")).href;',
    entryFileNames: "[name].cjs",
    chunkFileNames: "[name]-[hash].cjs",
    sourcemap: false,
  },
});

writeFileSync(
  join(out, "loader.js"),
  `// Written by scripts/bundle-cli.mjs: loads the plot command's CommonJS chunks (cjs/) and Vega (../vega.cjs) compiled with V8's code cache (../cached-commonjs.js).
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isMainThread } from "node:worker_threads";

import { compileCachedCommonJs } from "../cached-commonjs.js";

const dir = fileURLToPath(new URL("./cjs/", import.meta.url));
const outside = createRequire(join(dir, "cli.cjs"));
const libc = process.platform === "linux" ? "-gnu" : process.platform === "win32" ? "-msvc" : "";

/** This platform's addon file, or undefined where napi-rs's own loader must choose (the ES module bundle then runs). */
function nativeAddon() {
  if (process.env.NAPI_RS_NATIVE_LIBRARY_PATH || process.env.NAPI_RS_FORCE_WASI) return undefined;
  try {
    return outside(\`@wfall/native/wfall-native.\${process.platform}-\${process.arch}\${libc}.node\`);
  } catch {
    return undefined;
  }
}

const compiled = new Map();
const loaded = new Map();
/** A CommonJS file of the bundle (a path relative to cjs/), compiled with the cache beside it. */
export function load(path) {
  const filename = join(dir, path);
  let module = loaded.get(filename);
  if (module) return module.exports;
  const script = compileCachedCommonJs(filename);
  module = { exports: {} };
  loaded.set(filename, module);
  compiled.set(filename, script);
  script.run(module, requireInBundle);
  return module.exports;
}

export const native = nativeAddon();
function requireInBundle(id) {
  if (id === "@wfall/native") return native;
  return id.startsWith("./") || id.startsWith("../") ? load(id) : outside(id);
}
requireInBundle.import = (specifier) => import(specifier);

// the warm-ups' main threads write the caches (build workers run the same chunks)
if (process.env.WFALL_WRITE_CLI_CACHE === dir && isMainThread) {
  process.once("beforeExit", () => {
    for (const [filename, script] of compiled) if (filename.startsWith(dir)) script.writeCache();
  });
}
`,
);
writeFileSync(
  join(out, "cached.js"),
  `// Written by scripts/bundle-cli.mjs: the plot command, from code-cached CommonJS (loader.js) where this platform's addon loads.
import { load, native } from "./loader.js";

export const main = native ? load("cli.cjs").main : (await import("./cli.js")).main;
`,
);
writeFileSync(
  join(out, "worker.js"),
  `// Written by scripts/bundle-cli.mjs: a build worker (the pool starts ./worker.js), from code-cached CommonJS (loader.js) where this platform's addon loads.
import { load, native } from "./loader.js";

if (native) load("worker.cjs");
else await import("./worker-esm.js");
`,
);
writeFileSync(
  join(out, "README"),
  "Written by scripts/bundle-cli.mjs: the plot command and build worker as bundled ES modules, both as CommonJS (cjs/, with V8 code caches) and their loaders (cached.js, worker.js, loader.js).\n",
);

// warm-ups, whose processes write the caches of the chunks they ran as they exit: `plot build` of a
// one-figure manifest (the manifest and its validator), then a figure from the repository's fixture,
// last, so that the chunks both load keep the cache of what a figure runs
const fixture = join(here, "..", "..", "..", "fixtures", "synthetic_128x1024.npz");
const warmUp = (args) =>
  execFileSync(process.execPath, [join(here, "..", "bin", "plot.js"), ...args], { env: { ...process.env, WFALL_WRITE_CLI_CACHE: cjs + sep }, stdio: "ignore" });
const project = mkdtempSync(join(tmpdir(), "wfall-cli-warmup-"));
writeFileSync(join(project, "figures.yaml"), `version: 1\nfigures:\n  - { name: warmup, input: ${JSON.stringify(fixture)}, dm: 87.77, output: warmup.pdf }\n`);
warmUp(["build", "--jobs", "1", join(project, "figures.yaml")]);
rmSync(project, { recursive: true, force: true });
const pdf = join(tmpdir(), `wfall-cli-warmup-${process.pid}.pdf`);
warmUp(["--fname", fixture, "--dm", "87.77", "--figname", pdf]);
rmSync(pdf, { force: true });
const caches = readdirSync(cjs).filter((f) => f.endsWith(".cache"));
if (caches.length === 0) throw new Error("the warm-up figure wrote no code cache: did bin/plot.js run the bundle?");
const kib = caches.reduce((sum, f) => sum + statSync(join(cjs, f)).size, 0) / 1024;
console.log(`bundled the plot command and build worker into ${out} (the command as CommonJS: ${caches.length} chunks cached, ${kib.toFixed(0)} KiB)`);
