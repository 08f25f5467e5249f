#!/usr/bin/env node
// Bundles the `plot` command (dist/cli/main.js) and the build worker
// (dist/build/worker.js) with the @wfall/spectra modules they import into a
// few ES modules in dist/bundle/ (rolldown; one chunk per lazily loaded
// command). Node 20 spends more time resolving, reading and linking our ~80
// small ES modules than running them: a cold `plot` loads several instead.
// The package's API stays the unbundled dist/ (bin/plot.js falls back to it
// when the bundle is missing or older than the last `tsc -b`).
//
// Binary, WebAssembly and third-party packages stay outside (the native
// addon, h5wasm, sharp, Vega's own cached bundle, ajv, yaml): they are
// imported from dist/bundle/ as from dist/, so @wfall/plot declares the ones
// the spectra modules import. Run after `tsc -b`.
import { rmSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

import { build } from "rolldown";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "..", "dist");
const out = join(dist, "bundle");

// Bundled: our own compiled modules (plot's dist, spectra's dist through the workspace link) and ndarray.
const EXTERNAL = [/^node:/, /^@wfall\/native$/, /^h5wasm/, /^sharp$/, /^ajv/, /^yaml$/, /^dejavu-fonts-ttf/];

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
const BESIDE_ITSELF = [join(dist, "build", "build.js")];
const keepModuleUrls = {
  name: "keep-module-urls",
  transform(code, id) {
    if (!code.includes("import.meta.url") || BESIDE_ITSELF.includes(id) || !isAbsolute(id)) return null; // not a file: rolldown's runtime
    if (!id.startsWith(dist + sep)) throw new Error(`${id} uses import.meta.url outside @wfall/plot's dist/: its place would be lost in the bundle`);
    const path = relative(out, id).split(sep).join("/");
    return { code: code.replaceAll("import.meta.url", `new URL(${JSON.stringify(path)}, import.meta.url).href`), map: null };
  },
};

rmSync(out, { recursive: true, force: true });
await build({
  input: { cli: join(dist, "cli", "main.js"), worker: join(dist, "build", "worker.js") },
  platform: "node",
  logLevel: "warn",
  external: (id) => EXTERNAL.some((pattern) => pattern.test(id)),
  plugins: [vegaLoader, keepModuleUrls],
  output: { dir: out, format: "esm", entryFileNames: "[name].js", chunkFileNames: "[name]-[hash].js", sourcemap: false },
});
writeFileSync(join(out, "README"), "Written by scripts/bundle-cli.mjs: the plot command and build worker as bundled ES modules.\n");
console.log(`bundled the plot command and build worker into ${out}`);
