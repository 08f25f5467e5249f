/**
 * wfall installed into a project outside this workspace, as a paper's
 * repository installs it: the tarballs `npm run pack` writes, installed with
 * npm into a fresh folder (the registry supplies only the third-party
 * dependencies), then `npx plot --version`, a figure, and `plot build --check`
 * on the template paper repository. Packed and installed once for all tests.
 */
import { execFileSync, spawnSync, type SpawnSyncOptions } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";

import { fixtures, repoRoot } from "../../../test-utils/helpers.js";

const work = mkdtempSync(join(tmpdir(), "wfall-install-"));
const packs = join(work, "packs");
const paper = join(work, "paper");
const template = join(repoRoot, "examples", "paper-repo");
const version = JSON.parse(readFileSync(join(repoRoot, "packages/plot/package.json"), "utf8")).version as string;

/** Runs a command; fails the test with its output unless it exits 0 (or `status`). */
function run(command: string, args: string[], options: SpawnSyncOptions & { status?: number } = {}): { stdout: string; stderr: string } {
  const result = spawnSync(command, args, { encoding: "utf8", cwd: paper, timeout: 600_000, ...options });
  const output = `${command} ${args.join(" ")}\n${result.stdout}\n${result.stderr}`;
  expect(result.error, output).toBeUndefined();
  expect(result.status, output).toBe(options.status ?? 0);
  return { stdout: String(result.stdout), stderr: String(result.stderr) };
}

const tarballs = () => readdirSync(packs).filter((f) => f.endsWith(".tgz"));

beforeAll(() => {
  run(process.execPath, [join(repoRoot, "scripts", "pack.mjs"), "--out", packs], { cwd: repoRoot });
  mkdirSync(paper);
  run("npm", ["init", "-y"]);
  run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", ...tarballs().map((t) => join(packs, t))]);
}, 900_000);

describe("installed from the packed tarballs into a fresh project", () => {
  it("packs the four packages, the addon in its own platform package", () => {
    expect(tarballs().sort()).toEqual([
      `wfall-native-${version}.tgz`,
      `wfall-native-linux-x64-gnu-${version}.tgz`,
      `wfall-plot-${version}.tgz`,
      `wfall-spectra-${version}.tgz`,
    ]);
    const manifest = (name: string) => JSON.parse(readFileSync(join(paper, "node_modules", "@wfall", name, "package.json"), "utf8"));
    expect(manifest("spectra").dependencies["@wfall/native"]).toBe(`^${version}`);
    expect(manifest("plot").dependencies["@wfall/spectra"]).toBe(`^${version}`);
    expect(manifest("native").optionalDependencies).toEqual({ "@wfall/native-linux-x64-gnu": version });
    const nativeFiles = readdirSync(join(paper, "node_modules", "@wfall", "native"));
    expect(nativeFiles.filter((f) => f.endsWith(".node"))).toEqual([]); // the addon comes from the platform package
    expect(nativeFiles).toEqual(expect.arrayContaining(["Cargo.toml", "Cargo.lock", "src", "crates", "build-from-source.mjs"]));
  });

  it("npx plot --version is wfall's plot", () => {
    expect(run("npx", ["--no", "--", "plot", "--version"]).stdout).toBe(`plot (wfall) ${version}\n`);
  });

  it("draws a figure", () => {
    cpSync(join(fixtures, "frb121102_B6_wfall.npz"), join(paper, "b6.npz"));
    run("npx", ["--no", "--", "plot", "b6.npz", "--figname", "b6.pdf", "--title", "B6"]);
    const pdf = readFileSync(join(paper, "b6.pdf"));
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdf.toString("latin1")).toMatch(/\/FontFile2 \d+ 0 R/); // the embedded font came along
  });

  it("checks the template paper's figures; a changed input is refused before rendering", () => {
    for (const item of ["figures.yaml", "data", "figures"]) cpSync(join(template, item), join(paper, item), { recursive: true });
    const check = run("npx", ["--no", "--", "plot", "build", "--check", "figures.yaml"]);
    const count = (parse(readFileSync(join(template, "figures.yaml"), "utf8")) as { figures: unknown[] }).figures.length;
    expect(check.stdout).toBe(`checked ${count} figure(s): ${count} up to date, 0 out of date, 0 failed\n`);

    const data = readdirSync(join(paper, "data"))[0];
    writeFileSync(join(paper, "data", data), Buffer.concat([readFileSync(join(paper, "data", data)), Buffer.from([0])]));
    const refused = run("npx", ["--no", "--", "plot", "build", "--check", "figures.yaml"], { status: 2 });
    expect(refused.stderr).toMatch(new RegExp(`^plot: figures\\.yaml: data/${data.replace(".", "\\.")} has SHA-256 [0-9a-f]{64}, but line \\d+ declares`));
  });

  it("the template's package.json installs exactly these tarballs from vendor/", () => {
    const manifest = JSON.parse(readFileSync(join(template, "package.json"), "utf8"));
    const specs = { ...manifest.dependencies, ...manifest.optionalDependencies };
    expect(
      Object.values(specs)
        .map((s) => String(s).replace("file:vendor/", ""))
        .sort(),
    ).toEqual(tarballs().sort());
    expect(Object.keys(manifest.optionalDependencies)).toEqual([`@wfall/native-linux-x64-gnu`]); // other platforms skip it
    const workflow = parse(readFileSync(join(template, ".github", "workflows", "figures.yml"), "utf8"));
    const steps = workflow.jobs.check.steps as { uses?: string; run?: string; with?: Record<string, string> }[];
    expect(steps.find((s) => s.uses?.startsWith("actions/cache"))?.with?.path).toBe("node_modules");
    expect(steps.some((s) => s.run?.startsWith("npx plot build --check figures.yaml"))).toBe(true);
    expect(readFileSync(join(template, ".gitignore"), "utf8")).toMatch(/^\*\.wfall-cache\.json$/m);
  });
});

describe("@wfall/native where no prebuilt addon loads", () => {
  const nativeDir = () => join(paper, "node_modules", "@wfall", "native");

  /** A `cargo` that records its arguments and "builds" by copying the prebuilt addon where cargo would put the library. */
  function fakeCargo(): { bin: string; log: string } {
    const bin = join(work, "fake-bin");
    const log = join(work, "cargo-args.txt");
    const addon = join(paper, "node_modules", "@wfall", "native-linux-x64-gnu", "wfall-native.linux-x64-gnu.node");
    mkdirSync(bin, { recursive: true });
    writeFileSync(
      join(bin, "cargo"),
      `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "cargo 1.95.0 (fake)"; exit 0; fi\necho "$@" > "${log}"\nmkdir -p "$CARGO_TARGET_DIR/release" && cp "${addon}" "$CARGO_TARGET_DIR/release/libwfall_native.so"\n`,
    );
    chmodSync(join(bin, "cargo"), 0o755);
    return { bin, log };
  }

  it("its install step builds from the shipped sources with cargo, and the result loads", () => {
    const { bin, log } = fakeCargo();
    const target = join(work, "cargo-target");
    const result = run(process.execPath, [join(nativeDir(), "build-from-source.mjs")], {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, WFALL_BUILD_FROM_SOURCE: "1", CARGO_TARGET_DIR: target },
    });
    expect(readFileSync(log, "utf8").trim()).toBe(`build --release --locked --lib -p wfall-native --manifest-path ${join(nativeDir(), "Cargo.toml")}`);
    expect(result.stderr).toContain("@wfall/native: built wfall-native.linux-x64-gnu.node");
    expect(existsSync(join(nativeDir(), "wfall-native.linux-x64-gnu.node"))).toBe(true);
    rmSync(join(nativeDir(), "wfall-native.linux-x64-gnu.node"));
  });

  it("without the platform package and without cargo, the install fails saying what to install", () => {
    const platform = join(paper, "node_modules", "@wfall", "native-linux-x64-gnu");
    const hidden = `${platform}.hidden`;
    renameSync(platform, hidden);
    try {
      const empty = join(work, "empty-bin");
      mkdirSync(empty, { recursive: true });
      const result = run(process.execPath, [join(nativeDir(), "build-from-source.mjs")], { env: { ...process.env, PATH: empty }, status: 1 });
      expect(result.stderr).toContain("@wfall/native: there is no prebuilt addon for linux-x64, and no Rust toolchain (cargo) to build one.");
      expect(result.stderr).toContain("Install Rust 1.92 or later (https://rustup.rs), then run `npm rebuild @wfall/native`");
    } finally {
      renameSync(hidden, platform);
    }
  });

  it("the packed sources are a complete cargo workspace whose lock file matches", () => {
    const unpacked = join(work, "unpacked");
    mkdirSync(unpacked);
    execFileSync("tar", ["-xzf", join(packs, `wfall-native-${version}.tgz`), "-C", unpacked]);
    const metadata = JSON.parse(
      run("cargo", ["metadata", "--format-version", "1", "--locked", "--offline", "--manifest-path", join(unpacked, "package", "Cargo.toml")], {
        cwd: unpacked,
      }).stdout,
    );
    const local = metadata.packages.filter((p: { source: string | null }) => p.source === null).map((p: { name: string }) => p.name);
    expect(local.sort()).toEqual(["wfall-core", "wfall-native", "wfall-render"]);
    for (const p of metadata.packages.filter((p: { source: string | null }) => p.source === null)) {
      for (const target of p.targets.filter((t: { kind: string[] }) => t.kind.includes("lib") || t.kind.includes("cdylib"))) {
        expect(existsSync(target.src_path), target.src_path).toBe(true);
      }
    }
  });
});
