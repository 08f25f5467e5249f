/**
 * `plot prepare` and `plot` give the same bytes whether the npz streams in
 * blocks of channels, or the filterbank or PSRFITS file in gulps of time samples
 * (WFALL_STREAM_BYTES=0: every read that can stream does), or is read whole:
 * the command line goes through the streaming paths.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, beforeAll, describe, expect, it } from "vitest";

import { figureOf, loadManifest } from "@wfall/plot";
import { writeFilterbank } from "@wfall/spectra";
import { headerBytes } from "@wfall/spectra/internal";

import { runCli } from "../../../test-utils/cli.js";
import { generatedPath, realDataDir, runPython } from "../../../test-utils/helpers.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "wfall-stream-cli-"));
  runPython("python/npz_stream_fixtures.py", [dir]);
});
afterEach(() => {
  delete process.env.WFALL_STREAM_BYTES;
});

/** Runs `plot ARGS` read whole, then streamed, writing to `name` in each; returns both outputs and runs. */
async function bothWays(args: (output: string) => string[], name: string) {
  const results = [];
  for (const env of [undefined, "0"]) {
    if (env === undefined) delete process.env.WFALL_STREAM_BYTES;
    else process.env.WFALL_STREAM_BYTES = env;
    const output = join(dir, `${env ?? "whole"}-${name}`);
    const run = await runCli(args(output));
    expect(run.code, run.err).toBe(0);
    results.push({ bytes: readFileSync(output), err: run.err });
  }
  return results;
}

describe("the command line streams large npz members", () => {
  it("plot prepare writes the same npz, provenance and mask report", async () => {
    const file = join(dir, "dead.npz");
    const [whole, streamed] = await bothWays(
      (o) => ["prepare", file, "--dm", "30", "--nsub", "64", "--mask-channels", "5,6", "--mask-freq", "600:610", "-o", o],
      "prepared.npz",
    );
    expect(streamed.err).toBe(whole.err);
    expect(streamed.err).toMatch(/masked/);
    expect(Buffer.compare(streamed.bytes, whole.bytes)).toBe(0);
  });

  it("plot draws the same figure from a time range", async () => {
    const file = join(dir, "raw.npz");
    const [whole, streamed] = await bothWays((o) => ["--fname", file, "--dm", "30", "--start", "0.1", "--duration", "0.4", "--figname", o], "figure.svg");
    expect(streamed.err).toBe(whole.err);
    expect(streamed.bytes.toString()).toBe(whole.bytes.toString());
  });
});

describe("the command line streams large filterbanks", () => {
  let fil: string;
  beforeAll(async () => {
    // 8-bit counts on a bandpass, 256 channels, 2001 samples, a dead channel and a dispersed burst
    const nchan = 256;
    const ntime = 2001;
    const data = new Float32Array(nchan * ntime);
    let s = 18;
    for (let c = 0; c < nchan; c++) {
      for (let t = 0; t < ntime; t++) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        const burst = Math.abs(t - (900 + Math.round((nchan - c) * 0.9))) < 2 ? 60 : 0;
        data[c * ntime + t] = c === 40 ? 0 : Math.min(255, Math.round(60 + (c % 17) * 4 + (s / 2 ** 32) * 40 + burst));
      }
    }
    fil = join(dir, "counts.fil");
    await writeFilterbank(fil, { data, nchan, ntime, dt: 0.001, df: 0.5, fbottom: 1200, dm: 0 }, { nbits: 8 });
  });

  it("plot prepare --downsample writes the same npz and mask report", async () => {
    const [whole, streamed] = await bothWays(
      (o) => ["prepare", fil, "--dm", "100", "--nsub", "64", "--downsample", "4", "--masks", "--mask-channels", "5,6", "-o", o],
      "prepared-fil.npz",
    );
    expect(streamed.err).toBe(whole.err);
    expect(streamed.err).toMatch(/masked/);
    expect(Buffer.compare(streamed.bytes, whole.bytes)).toBe(0);
  });

  it("a manifest's downsampled figure streams; one that cannot says why it read the file whole", async () => {
    process.env.WFALL_STREAM_BYTES = "0";
    writeFileSync(
      join(dir, "figures.yaml"),
      `version: 1
figures:
  - { name: streamed, input: counts.fil, dm: 100, options: { downsample: 3 }, output: out/streamed.svg }
  - { name: whole, input: counts.fil, dm: 100, options: { nsub: all }, output: out/whole.svg }
`,
    );
    const manifest = await loadManifest(join(dir, "figures.yaml"));
    const notes: Record<string, string> = {};
    for (const figure of manifest.figures) notes[figure.name] = (await figureOf(figure)).notes.join("\n");
    expect(notes.streamed).toMatch(/counts\.fil: /);
    expect(notes.streamed).not.toMatch(/read whole/);
    expect(notes.whole).toMatch(/counts\.fil: read whole \(2 MiB as float32\), not streamed: .*no subbands/);
  });

  it("plot draws the same figure from a time range, downsampled", async () => {
    const [whole, streamed] = await bothWays(
      (o) => [fil, "--dm", "100", "--start", "0.3", "--duration", "1.2", "--downsample", "3", "--figname", o],
      "figure-fil.svg",
    );
    expect(streamed.err).toBe(whole.err);
    expect(streamed.bytes.toString()).toBe(whole.bytes.toString());
  });
});

describe("the command line streams signed (two's complement) filterbanks", () => {
  const files: Record<number, string> = {};
  beforeAll(() => {
    // 8 and 16-bit samples of both signs on a bandpass, 128 channels, 1501 samples: a dead channel,
    // a constant -1 (the highest level), the extremes, a dispersed burst
    const [nchan, ntime] = [128, 1501];
    for (const nbits of [8, 16]) {
      const [lowest, highest] = [-(2 ** (nbits - 1)), 2 ** (nbits - 1) - 1];
      const body = Buffer.alloc((nchan * ntime * nbits) / 8);
      let s = nbits;
      for (let t = 0; t < ntime; t++) {
        for (let f = 0; f < nchan; f++) {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          const c = nchan - 1 - f; // descending band
          const burst = Math.abs(t - (700 + Math.round((nchan - c) * 1.1))) < 2 ? 0.4 : 0;
          const level = Math.round((((c % 13) / 13 - 0.6) * 0.7 + 0.2 * (s / 2 ** 32 - 0.5) + burst) * highest);
          const v = c === 30 ? 0 : c === 31 ? -1 : c === 32 ? [lowest, highest, 0][t % 3] : Math.max(lowest, Math.min(highest, level));
          if (nbits === 8) body.writeInt8(v, t * nchan + f);
          else body.writeInt16LE(v, 2 * (t * nchan + f));
        }
      }
      const fields: [string, number][] = [
        ["nchans", nchan],
        ["nbits", nbits],
        ["tsamp", 1e-3],
        ["fch1", 1400 - 0.25],
        ["foff", -0.5],
        ["nifs", 1],
        ["tstart", 60000],
        ["signed", 1],
      ];
      files[nbits] = join(dir, `signed${nbits}.fil`);
      writeFileSync(files[nbits], Buffer.concat([headerBytes(fields), body]));
    }
  });

  it("plot prepare writes the same npz from a time range, downsampled, with every normalisation and 'auto'", async () => {
    for (const nbits of [8, 16]) {
      for (const normalise of ["auto", "robust", "zscore"]) {
        const args = ["--dm", "60", "--nsub", "32", "--downsample", "3", "--start", "0.21", "--duration", "1.1", "--masks", "--normalise", normalise];
        const [whole, streamed] = await bothWays((o) => ["prepare", files[nbits], ...args, "-o", o], `signed${nbits}-${normalise}.npz`);
        expect(streamed.err).toBe(whole.err);
        expect(streamed.err).toMatch(/masked/);
        expect(Buffer.compare(streamed.bytes, whole.bytes)).toBe(0);
      }
    }
  });

  it("plot draws the same figure, and a large signed file streams without a 'read whole' note", async () => {
    for (const nbits of [8, 16]) {
      const [whole, streamed] = await bothWays((o) => [files[nbits], "--dm", "60", "--nsub", "32", "--downsample", "4", "--figname", o], `signed${nbits}.svg`);
      expect(streamed.err).toBe(whole.err);
      expect(streamed.bytes.toString()).toBe(whole.bytes.toString());
    }
    process.env.WFALL_STREAM_BYTES = "0";
    writeFileSync(
      join(dir, "signed.yaml"),
      `version: 1
figures:
  - { name: eight, input: signed8.fil, dm: 60, options: { nsub: 32, downsample: 2 }, output: out/signed8.svg }
  - { name: sixteen, input: signed16.fil, dm: 60, options: { nsub: 16, normalise: zscore }, output: out/signed16.svg }
`,
    );
    const manifest = await loadManifest(join(dir, "signed.yaml"));
    for (const figure of manifest.figures) {
      const notes = (await figureOf(figure)).notes.join("\n");
      expect(notes).toMatch(/signed(8|16)\.fil: /);
      expect(notes).not.toMatch(/read whole/);
    }
  });
});

describe("the command line streams PSRFITS files", () => {
  const out = generatedPath("psrfits-stream");
  const fits = join(out, "stream_nbits8.fits");
  beforeAll(() => {
    if (!existsSync(join(out, "manifest.json"))) runPython("fixtures/make_psrfits_stream.py", [out]);
  }, 120_000);

  it("plot prepare writes the same npz, provenance, notes and mask report", async () => {
    const [whole, streamed] = await bothWays(
      (o) => ["prepare", fits, "--dm", "10", "--nsub", "16", "--normalise", "zscore", "--mask-var", "1", "--downsample", "3", "-o", o],
      "prepared-fits.npz",
    );
    expect(streamed.err).toBe(whole.err);
    expect(streamed.err).toMatch(/masked/);
    expect(Buffer.compare(streamed.bytes, whole.bytes)).toBe(0);
  });

  it("plot draws the same figure from a range starting inside a subint, one pol", async () => {
    const [whole, streamed] = await bothWays(
      (o) => [
        join(out, "stream_nbits2_aabb.fits"),
        "--pol",
        "BB",
        "--dm",
        "10",
        "--nsub",
        "16",
        "--normalise",
        "fractional",
        "--start",
        "0.0032",
        "--duration",
        "0.025",
        "--window-ms",
        "5",
        "--figname",
        o,
      ],
      "figure-fits.svg",
    );
    expect(streamed.err).toBe(whole.err);
    expect(streamed.bytes.toString()).toBe(whole.bytes.toString());
  });

  const real = realDataDir();
  it.runIf(real)("the real ASKAP 28.fits to the same figure", async () => {
    const file = join(real as string, "askap_FRB180417", "28.fits");
    const [whole, streamed] = await bothWays(
      (o) => [file, "--dm", "475.284", "--nsub", "16", "--normalise", "zscore", "--downsample", "4", "--figname", o],
      "askap-fits.svg",
    );
    expect(streamed.err).toBe(whole.err);
    expect(streamed.bytes.toString()).toBe(whole.bytes.toString());
  });
});
