#!/usr/bin/env node
// Packs the packages as a registry would ship them, into packs/ (or --out DIR):
//   @wfall/native-<platform>  the compiled addon, one package per platform built
//                             here (native/npm/<platform>, as napi-rs lays them out)
//   @wfall/native             the loader, the Rust sources and an install step that
//                             builds from source with cargo where no prebuilt loads;
//                             optionalDependencies on the platform packages packed
//   @wfall/spectra, @wfall/plot  (pnpm pack: workspace:^ becomes ^VERSION)
// Run after scripts/setup.mjs (npm run pack does both). Install them anywhere with
//   npm install packs/*.tgz
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

import { pnpm, repoRoot } from "./tasks.mjs";

const outFlag = process.argv.indexOf("--out");
const out = resolve(outFlag > 0 ? process.argv[outFlag + 1] : join(repoRoot, "packs"));
const native = join(repoRoot, "native");
const readJson = (file) => JSON.parse(readFileSync(file, "utf8"));

function fail(message) {
  console.error(`pack: ${message}`);
  process.exit(1);
}

/** `npm pack` of a folder into `out`. */
function npmPack(dir) {
  const result = spawnSync("npm", ["pack", "--pack-destination", out, "--ignore-scripts"], { cwd: dir, encoding: "utf8" });
  if (result.status !== 0) fail(`npm pack in ${dir} failed: ${result.stderr}`);
}

for (const dist of ["packages/spectra/dist/index.js", "packages/plot/dist/index.js", "packages/plot/dist/vega.js"]) {
  if (!existsSync(join(repoRoot, dist))) fail(`${dist} is missing: run \`npm run build\` first`);
}
mkdirSync(out, { recursive: true });
for (const old of readdirSync(out)) if (/^wfall-.*\.tgz$/.test(old)) rmSync(join(out, old));
const stage = mkdtempSync(join(tmpdir(), "wfall-pack-"));

try {
  // The platform packages whose addon was built here.
  const nativePackage = readJson(join(native, "package.json"));
  const optional = {};
  for (const platform of readdirSync(join(native, "npm")).sort()) {
    const manifest = readJson(join(native, "npm", platform, "package.json"));
    const addon = manifest.main;
    if (!existsSync(join(native, addon))) continue;
    if (manifest.version !== nativePackage.version) fail(`native/npm/${platform} is at ${manifest.version}, @wfall/native at ${nativePackage.version}`);
    const dir = join(stage, platform);
    cpSync(join(native, "npm", platform), dir, { recursive: true });
    copyFileSync(join(native, addon), join(dir, addon));
    npmPack(dir);
    optional[manifest.name] = manifest.version;
  }
  if (Object.keys(optional).length === 0) fail("no addon is built in native/: run `npm run build` first");

  // @wfall/native: exactly the files its package.json lists (as npm pack would take them), with the published manifest.
  const listing = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: native, encoding: "utf8" });
  if (listing.status !== 0) fail(`npm pack --dry-run in native/ failed: ${listing.stderr}`);
  const dir = join(stage, "native");
  for (const { path } of JSON.parse(listing.stdout)[0].files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    copyFileSync(join(native, path), join(dir, path));
  }
  const { devDependencies: _, scripts: __, ...published } = nativePackage;
  writeFileSync(
    join(dir, "package.json"),
    `${JSON.stringify({ ...published, scripts: { install: "node build-from-source.mjs" }, optionalDependencies: optional }, null, 2)}\n`,
  );
  npmPack(dir);

  for (const name of ["spectra", "plot"]) {
    pnpm(["pack", "--pack-destination", out], { cwd: join(repoRoot, "packages", name), stdio: ["ignore", "ignore", "inherit"] });
  }
} finally {
  rmSync(stage, { recursive: true, force: true });
}

for (const file of readdirSync(out).filter((f) => /^wfall-.*\.tgz$/.test(f))) {
  console.log(`${join(out, file)}  ${(statSync(join(out, file)).size / 1024 / 1024).toFixed(1)} MiB`);
}
