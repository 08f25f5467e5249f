#!/usr/bin/env node
// Runs the bundled command (dist/bundle/, scripts/bundle-cli.mjs): a cold start
// loads a few code-cached modules instead of ~80. In a checkout where `tsc -b`
// ran after the bundle was made, the bundle is stale: the unbundled dist/ runs
// instead, as it does when there is no bundle.
import { statSync } from "node:fs";

const modified = (path) => statSync(new URL(path, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? Number.NEGATIVE_INFINITY;
const bundled = modified("../dist/bundle/cached.js");
// build records of the workspace (absent from an installed package)
const compiled = Math.max(modified("../tsconfig.tsbuildinfo"), modified("../../spectra/tsconfig.tsbuildinfo"));
const { main } = await import(bundled !== Number.NEGATIVE_INFINITY && bundled >= compiled ? "../dist/bundle/cached.js" : "../dist/cli/main.js");

process.exitCode = await main(process.argv.slice(2));
