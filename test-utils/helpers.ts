/** Shared test helpers: paths, the Python venv, generated fixtures, comparisons. */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "vitest";

import { memorySource, type Source } from "@wfall/spectra/internal";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const fixtures = join(repoRoot, "fixtures");
export const generatedDir = join(fixtures, ".generated");

/** The venv's Python (made by `scripts/setup.mjs --python`); a missing venv fails the test run loudly. */
export function python(): string {
  const exe = process.env.WFALL_PYTHON ?? join(repoRoot, ".venv", "bin", "python");
  if (!existsSync(exe)) throw new Error(`no Python venv at ${exe}: run \`npm test\` (or node scripts/setup.mjs --python) first`);
  return exe;
}

/** Runs a Python script of the repository with the venv's Python; returns its stdout. */
export function runPython(script: string, args: string[]): string {
  return execFileSync(python(), [join(repoRoot, script), ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
}

/** A file's SHA-256 as Python's hashlib computes it (an oracle independent of the code under test). */
export function pythonSha256(file: string): string {
  return execFileSync(python(), ["-c", "import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],'rb').read()).hexdigest())", file], {
    encoding: "utf8",
  }).trim();
}

/** A path in fixtures/.generated (made on first use), for files generated at test time. */
export function generatedPath(name: string): string {
  mkdirSync(generatedDir, { recursive: true });
  return join(generatedDir, name);
}

/** A fixture made at test time by fixtures/make_synthetic.py (cached in fixtures/.generated). */
export function generatedFixture(nchan: number, ntime: number): string {
  const out = generatedPath(`synthetic_${nchan}x${ntime}.npz`);
  if (!existsSync(out)) runPython("fixtures/make_synthetic.py", ["--nchan", String(nchan), "--ntime", String(ntime), "--out", out]);
  return out;
}

/**
 * The shared real-data folder (`../shared/real` beside the repository, or
 * WFALL_REAL_DATA), or null when absent: tests on it then skip and say so.
 */
export function realDataDir(): string | null {
  const candidates = [process.env.WFALL_REAL_DATA, join(repoRoot, "..", "shared", "real"), "/work/shared/real"];
  const found = candidates.find((dir) => dir && existsSync(dir));
  if (!found) console.warn("SKIPPING real-data tests: ../shared/real is absent (set WFALL_REAL_DATA to its path)");
  return found ?? null;
}

/**
 * Asserts two arrays agree: same length, NaN at the same positions, and
 * |a - b| <= rtol*|b| + atol elsewhere, where atol = 1e-7 * max|b| absorbs
 * values that are zero up to float32 rounding. Reports the first mismatch.
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5, label = ""): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) if (Number.isFinite(expected[i])) scale = Math.max(scale, Math.abs(expected[i]));
  const atol = 1e-7 * scale;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const b = expected[i];
    if (Number.isNaN(b) || Number.isNaN(a)) {
      if (Number.isNaN(a) !== Number.isNaN(b)) expect.fail(`${label}[${i}]: got ${a}, numpy has ${b} (NaN positions differ)`);
      continue;
    }
    if (!(Math.abs(a - b) <= rtol * Math.abs(b) + atol)) expect.fail(`${label}[${i}]: got ${a}, numpy has ${b}`);
  }
}

/**
 * A fresh folder with a manifest (`figures.yaml`) and input files copied
 * from the fixtures (`{ "a.npz": "synthetic_128x1024.npz" }`, folders made as needed).
 */
export function manifestProject(manifest: string, inputs: Record<string, string>, prefix = "wfall-project-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [name, fixture] of Object.entries(inputs)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    copyFileSync(join(fixtures, fixture), join(dir, name));
  }
  writeFileSync(join(dir, "figures.yaml"), manifest);
  return dir;
}

/** Asserts two float arrays are identical: the same values, NaN at the same places; reports the first difference. */
export function expectIdentical(actual: ArrayLike<number>, expected: ArrayLike<number>, label = ""): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const [a, b] = [actual[i], expected[i]];
    if (!(a === b || (Number.isNaN(a) && Number.isNaN(b)))) expect.fail(`${label}[${i}]: got ${a}, expected ${b}`);
  }
}

/** A source holding `bytes` that counts the bytes read from it: `bytesRead()`. */
export function countingSource(bytes: Uint8Array, file: string): { source: Source; bytesRead: () => number } {
  let read = 0;
  const memory = memorySource(bytes, file);
  return { source: { ...memory, read: (offset, target) => ((read += target.length), memory.read(offset, target)) }, bytesRead: () => read };
}
