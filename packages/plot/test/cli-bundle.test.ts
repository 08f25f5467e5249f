/**
 * The bundled command (scripts/bundle-cli.mjs, dist/bundle/): what bin/plot.js
 * runs is self-contained (our modules once, third-party packages that
 * @wfall/plot declares, Vega's own bundle), it runs as CommonJS compiled from
 * V8 code caches, and it draws the same bytes and builds the same figures as
 * the unbundled dist/.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Script } from "node:vm";

import { describe, expect, it } from "vitest";

import { fixtures } from "../../../test-utils/helpers.js";
import { commonJsWrapped } from "../src/cached-commonjs.js";

const plotDir = fileURLToPath(new URL("..", import.meta.url));
const bundleDir = join(plotDir, "dist", "bundle");
const bin = join(plotDir, "bin", "plot.js");
const unbundled = join(plotDir, "dist", "cli", "main.js");
const synthetic = join(fixtures, "synthetic_128x1024.npz");

/** Every module specifier a bundled chunk imports or requires (static and dynamic). */
function specifiersOf(source: string): string[] {
  return [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+|\brequire(?:\.import)?\()"([^"]+)"/gm)].map((m) => m[1]);
}

/** Runs `node args`; returns stdout and stderr, failing with stderr unless it exits 0. */
function node(args: string[], cwd?: string, env?: NodeJS.ProcessEnv): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, { encoding: "utf8", cwd, env: env && { ...process.env, ...env } });
  expect(r.status, r.stderr).toBe(0);
  return r;
}

/** The addon file, for napi-rs's override variable (which sends the command to the ES module bundle). */
function addonPath(): string {
  const addon = readdirSync(join(plotDir, "..", "..", "native")).find((f) => f.endsWith(".node"));
  expect(addon).toBeDefined();
  return join(plotDir, "..", "..", "native", addon!);
}

// the unbundled command, as bin/plot.js ran it before the bundle (a file: build workers inherit Node's flags)
const unbundledBin = join(mkdtempSync(join(tmpdir(), "wfall-unbundled-")), "plot.mjs");
writeFileSync(
  unbundledBin,
  `const { main } = await import(${JSON.stringify(pathToFileURL(unbundled).href)});\nprocess.exitCode = await main(process.argv.slice(2));\n`,
);
const viaUnbundled = (args: string[], cwd?: string) => node([unbundledBin, ...args], cwd);

describe("the bundled plot command", () => {
  it("imports only its own chunks, Node's modules, declared packages, Vega's bundle and the code-cache loader", () => {
    const declared = Object.keys(JSON.parse(readFileSync(join(plotDir, "package.json"), "utf8")).dependencies as Record<string, string>);
    const outside: string[] = [];
    const check = (dir: string, extension: string, vega: string) => {
      const chunks = readdirSync(dir).filter((f) => f.endsWith(extension));
      for (const chunk of chunks) {
        for (const spec of specifiersOf(readFileSync(join(dir, chunk), "utf8"))) {
          const bare = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
          const ok =
            (spec.startsWith("./") && chunks.includes(spec.slice(2))) ||
            spec === vega ||
            (chunk === "loader.js" && spec === "../cached-commonjs.js") ||
            spec.startsWith("node:") ||
            builtinModules.includes(spec) ||
            (!spec.startsWith(".") && declared.includes(bare) && bare !== "@wfall/spectra");
          if (!ok) outside.push(`${chunk}: ${spec}`);
        }
      }
      return chunks;
    };
    expect(check(bundleDir, ".js", "../vega.js")).toEqual(expect.arrayContaining(["cli.js", "worker.js", "worker-esm.js", "cached.js", "loader.js"]));
    const commonJs = check(join(bundleDir, "cjs"), ".cjs", "../../vega.cjs");
    expect(commonJs).toContain("cli.cjs");
    expect(outside).toEqual([]);
  });

  it("runs the command as CommonJS from V8 code caches that this Node accepts", () => {
    const cjs = join(bundleDir, "cjs");
    // one wrapper for the chunks and Vega's bundle, as dist/vega.js wraps it: else Vega's cache is refused
    const loaders = { [join(bundleDir, "loader.js")]: "../cached-commonjs.js", [join(plotDir, "dist", "vega.js")]: "./cached-commonjs.js" };
    for (const [loader, helper] of Object.entries(loaders)) expect(specifiersOf(readFileSync(loader, "utf8")), loader).toContain(helper);
    const cached = readdirSync(cjs).filter((f) => f.endsWith(".cjs.cache"));
    expect(cached).toEqual(expect.arrayContaining(["cli.cjs.cache"]));
    for (const cache of cached) {
      const filename = join(cjs, cache.replace(/\.cache$/, ""));
      const wrapped = commonJsWrapped(readFileSync(filename, "utf8"));
      expect(new Script(wrapped, { filename, cachedData: readFileSync(join(cjs, cache)) }).cachedDataRejected, cache).toBe(false);
    }
  });

  it("runs the ES module bundle where napi-rs's loader must choose the addon (its override variable), drawing the same PDF", () => {
    const dir = mkdtempSync(join(tmpdir(), "wfall-bundle-esm-"));
    const args = [bin, "--fname", synthetic, "--dm", "87.77", "-q", "--figname"];
    const cjs = spawnSync(process.execPath, [...args, join(dir, "cjs.pdf")], { encoding: "utf8", env: { ...process.env, NODE_DEBUG: "esm" } });
    expect(cjs.status, cjs.stderr).toBe(0);
    expect(cjs.stderr).not.toMatch(/bundle\/cli\.js/); // the CommonJS command ran
    const esm = spawnSync(process.execPath, [...args, join(dir, "esm.pdf")], {
      encoding: "utf8",
      env: { ...process.env, NAPI_RS_NATIVE_LIBRARY_PATH: addonPath(), NODE_DEBUG: "esm" },
    });
    expect(esm.status, esm.stderr).toBe(0);
    expect(esm.stderr).toMatch(/bundle\/cli\.js/); // the ES module bundle ran
    expect(readFileSync(join(dir, "esm.pdf")).equals(readFileSync(join(dir, "cjs.pdf")))).toBe(true);
  });

  it("draws the same PDF as the unbundled command", () => {
    const dir = mkdtempSync(join(tmpdir(), "wfall-bundle-"));
    node([bin, "--fname", synthetic, "--dm", "87.77", "--figname", join(dir, "bundled.pdf"), "-q"]);
    viaUnbundled(["--fname", synthetic, "--dm", "87.77", "--figname", join(dir, "unbundled.pdf"), "-q"]);
    expect(readFileSync(join(dir, "bundled.pdf")).equals(readFileSync(join(dir, "unbundled.pdf")))).toBe(true);
  });

  it("builds a manifest on worker threads with the same bytes, the workers from CommonJS (or the ES module bundle where it runs)", () => {
    const figures = `version: 1\nfigures:\n${[0, 1, 2]
      .map((i) => `  - name: f${i}\n    output: out/f${i}.png\n    dpi: 50\n    panels:\n      - { input: ${synthetic}, dm: ${87.7 + i / 10} }`)
      .join("\n")}\n`;
    const project = () => {
      const dir = mkdtempSync(join(tmpdir(), "wfall-bundle-build-"));
      mkdirSync(join(dir, "out"));
      writeFileSync(join(dir, "figures.yaml"), figures);
      return dir;
    };
    const [bundled, esm, plain] = [project(), project(), project()];
    const workerModules = (stderr: string) => [...stderr.matchAll(/Translating StandardModule \S*\/bundle\/(worker[^/\s]*\.js)/g)].map((m) => m[1]);
    // the workers' ES module is only the loader of worker.cjs (code-cached like the command)
    expect(workerModules(node([bin, "build", "--jobs", "2", "figures.yaml"], bundled, { NODE_DEBUG: "esm" }).stderr)).toEqual(["worker.js", "worker.js"]);
    const fallback = node([bin, "build", "--jobs", "2", "figures.yaml"], esm, { NODE_DEBUG: "esm", NAPI_RS_NATIVE_LIBRARY_PATH: addonPath() }).stderr;
    expect(workerModules(fallback).sort()).toEqual(["worker-esm.js", "worker-esm.js", "worker.js", "worker.js"]);
    viaUnbundled(["build", "--jobs", "2", "figures.yaml"], plain);
    for (const i of [0, 1, 2]) {
      const bytes = (dir: string) => readFileSync(join(dir, "out", `f${i}.png`));
      expect(bytes(bundled).equals(bytes(plain)), `f${i}.png`).toBe(true);
      expect(bytes(esm).equals(bytes(plain)), `f${i}.png (ES module bundle)`).toBe(true);
    }
  });
});
