/**
 * PSRFITS and several-file inputs through the `plot` program and manifests:
 * `plot info` shows the PSRFITS summary, `plot convert` round-trips exactly
 * (PSRFITS -> npz and -> 32-bit filterbank, read back equal), a quoted pattern
 * or several files are one observation, a manifest input may be a list or a
 * pattern (from the manifest's folder), and a CHIME/FRB catalogue file draws
 * its model time series over the data's.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";

import { beforeAll, describe, expect, it } from "vitest";

import { buildManifest, figureOf } from "@wfall/plot";
import { openWaterfall } from "@wfall/spectra";

import { runCli } from "../../../test-utils/cli.js";
import { expectIdentical, generatedPath, runPython } from "../../../test-utils/helpers.js";

const psrfits = generatedPath("psrfits");
const chime = generatedPath("chime");

beforeAll(() => {
  if (!existsSync(join(psrfits, "manifest.json"))) runPython("fixtures/make_psrfits.py", [psrfits]);
  if (!existsSync(join(chime, "chime_catalogue_minimal.h5"))) runPython("fixtures/make_chime_catalogue.py", [chime]);
}, 60_000);

const run = runCli;

/** A folder with copies of the gap sequence (and nothing else). */
function sequenceDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "wfall-seq-"));
  for (const i of [0, 1]) copyFileSync(join(psrfits, `sequence_gap_${i}.fits`), join(dir, `obs_000${i + 1}.fits`));
  return dir;
}

describe("plot info on PSRFITS", () => {
  it("prints the search-mode summary: telescope, backend, OBS_MODE, POL_TYPE, NBITS, NPOL, channels and order, NSBLK, rows, start, duration, weights, CHAN_DM", async () => {
    const r = await run(["info", join(psrfits, "nbits8_inten_zero_weights.fits")]);
    expect(r.code, r.err).toBe(0);
    for (const line of [
      /format\s+psrfits, PSRFITS search mode/,
      /shape\s+16 channels x 96 samples \(uint8\)/,
      /telescope\s+Synthetic/,
      /backend\s+wfall-fixtures/,
      /OBS_MODE\s+SEARCH/,
      /bits per sample\s+8 \(unsigned bytes\)/,
      /polarisations\s+1 \(INTEN\)/,
      /frequencies\s+1440 to 1500 MHz \(centres\), df 4 MHz, fbottom 1438 MHz/,
      /channel order in file\s+descending/,
      /samples per row \(NSBLK\)\s+32/,
      /rows\s+3/,
      /start MJD\s+60123\.50000/,
      /duration\s+0\.006144 s/,
      /DAT_WTS of row 0\s+14 of 16 channels 1, 1 zero \(masked\), 1 other values/,
      /CHAN_DM\s+0/,
      /DM\s+0 pc cm\^-3/,
    ]) {
      expect(r.out).toMatch(line);
    }
  });

  it("prints one observation for several files: each file's place and the gap", async () => {
    const dir = sequenceDir();
    const r = await run(["info", join(dir, "obs_*.fits")]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/PSRFITS search mode, 2 files of one observation/);
    expect(r.out).toMatch(/shape\s+16 channels x 229 samples/);
    expect(r.out).toMatch(/obs_0002\.fits\s+samples 0\.\.95 at 133/);
    expect(r.out).toMatch(/a gap of 37 samples/);
  });

  it("a fold-mode file is one line with exit code 2", async () => {
    const r = await run(["info", join(psrfits, "fold_mode.fits")]);
    expect(r.code).toBe(2);
    expect(r.err.trimEnd().split("\n")).toHaveLength(1);
    expect(r.err).toMatch(/fold_mode\.fits: this is a fold-mode PSRFITS file \(OBS_MODE = 'PSR', NBIN = 64\)/);
  });
});

describe("plot convert", () => {
  for (const [to, ext] of [
    ["npz", "npz"],
    ["filterbank", "fil"],
  ] as const) {
    it(`PSRFITS -> ${to} round-trips exactly, with the reading options`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "wfall-convert-"));
      const input = join(psrfits, "nbits8_inten_zero_weights.fits");
      const output = join(dir, `out.${ext}`);
      const options = ["--no-offsets", "--start", "0.001", "--duration", "0.004"];
      const r = await run(["convert", input, "--to", to, "-o", output, ...options]);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toBe(`converted ${input} (16 channels x 63 samples) to ${to}: ${output}\n`);
      const original = await openWaterfall(input, { applyOffsets: false, start: 0.001, duration: 0.004 });
      const back = await openWaterfall(output);
      expectIdentical(back.intensity, original.intensity);
      expect([back.nchan, back.ntime, back.dt, back.df]).toEqual([original.nchan, original.ntime, original.dt, original.df]);
      expect(back.fbottom).toBeCloseTo(original.fbottom, 9);
      if (to === "filterbank") expect(back.startMjd!).toBeCloseTo(original.startMjd! + original.start / 86400, 9);
    });
  }

  it("the npz is what numpy reads", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wfall-convert-"));
    const output = join(dir, "out.npz");
    expect((await run(["convert", join(psrfits, "nbits4_aabbcrci_zero_off.fits"), "--pol", "mean", "-o", output])).code).toBe(0);
    const numpy = JSON.parse(runPython("python/npz_inspect.py", [output]));
    expect(numpy.intensity).toMatchObject({ dtype: "<f4", shape: [16, 96] });
    expect(numpy.dm.values).toEqual([0]);
  });

  it("refuses an unknown target, a missing output and the input as output", async () => {
    const input = join(psrfits, "nbits8_inten_zero_weights.fits");
    expect((await run(["convert", input, "-o", join(tmpdir(), "x.txt")])).err).toMatch(/cannot tell the output format from '\.txt'/);
    expect((await run(["convert", input, "--to", "fits", "-o", join(tmpdir(), "x.fil")])).err).toMatch(/--to must be filterbank or npz/);
    expect((await run(["convert", input, "--to", "npz"])).err).toMatch(/the output file is required/);
    expect((await run(["convert", input, "-o", input, "--to", "npz"])).code).toBe(2);
  });
});

describe("several files of one observation", () => {
  it("plot with a quoted pattern draws the sequence, saying where the gap is", async () => {
    const dir = sequenceDir();
    const r = await run([join(dir, "obs_*.fits"), "--figname", join(dir, "seq.png"), "--window-ms", "5"]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/obs_0001\.fits and 1 more: .*a gap of 37 samples \(0\.002368 s\) between obs_0001\.fits and obs_0002\.fits/);
    expect(readFileSync(join(dir, "seq.png")).subarray(1, 4).toString()).toBe("PNG");
  });

  it("a manifest input may be a list or a pattern, relative to the manifest's folder; a pattern matching nothing is named", async () => {
    const dir = sequenceDir();
    writeFileSync(
      join(dir, "figures.yaml"),
      [
        "version: 1",
        "figures:",
        "  - name: listed",
        "    output: listed.svg",
        "    panels: [{ input: [obs_0001.fits, obs_0002.fits], options: { windowMs: 5 } }]",
        "  - name: pattern",
        "    output: pattern.svg",
        "    panels: [{ input: 'obs_*.fits', options: { windowMs: 5 } }]",
      ].join("\n"),
    );
    const result = await buildManifest(join(dir, "figures.yaml"), { jobs: 0, progress: new PassThrough() });
    expect(result.figures.map((f) => [f.name, f.status, f.error?.message])).toEqual([
      ["listed", "built", undefined],
      ["pattern", "built", undefined],
    ]);
    expect(readFileSync(join(dir, "listed.svg"), "utf8")).toBe(readFileSync(join(dir, "pattern.svg"), "utf8"));
    writeFileSync(join(dir, "bad.yaml"), "version: 1\nfigures:\n  - { name: x, output: x.svg, panels: [{ input: 'nothing_*.fits' }] }\n");
    await expect(buildManifest(join(dir, "bad.yaml"), { jobs: 0, progress: new PassThrough() })).rejects.toMatchObject({
      code: "E_MANIFEST",
      message: expect.stringMatching(/input 'nothing_\*\.fits': no file matches the pattern/),
    });
    // a glob, like each:, stays inside the manifest's folder
    writeFileSync(join(dir, "outside.yaml"), "version: 1\nfigures:\n  - { name: x, output: x.svg, panels: [{ input: '../*/obs_*.fits' }] }\n");
    await expect(buildManifest(join(dir, "outside.yaml"), { jobs: 0, progress: new PassThrough() })).rejects.toMatchObject({
      code: "E_MANIFEST",
      message: expect.stringMatching(/input '\.\.\/\*\/obs_\*\.fits' reaches files, outside the manifest's folder/),
    });
  });
});

describe("CHIME/FRB catalogue files", () => {
  it("draw the model time series over the data's, fitted to it, while the DM is the file's", async () => {
    const file = join(chime, "chime_catalogue.h5");
    const { spec, figures } = await figureOf({ outputs: [], panels: [{ input: file, options: { windowMs: 40 } }] });
    const fd = figures[0];
    expect(fd.modelTimeseries).toHaveLength(fd.ncols);
    const text = JSON.stringify(spec);
    expect(text).toContain('"stroke":"#ff7f0e"');
    // the fitted model follows the data: correlation over the window
    const [a, b] = [fd.timeseries, fd.modelTimeseries!];
    const mean = (v: ArrayLike<number>) => Array.from(v).reduce((s, x) => s + x, 0) / v.length;
    const [ma, mb] = [mean(a), mean(b)];
    let [sab, saa, sbb] = [0, 0, 0];
    for (let i = 0; i < a.length; i++) (sab += (a[i] - ma) * (b[i] - mb)), (saa += (a[i] - ma) ** 2), (sbb += (b[i] - mb) ** 2);
    expect(sab / Math.sqrt(saa * sbb)).toBeGreaterThan(0.9);
    const moved = await figureOf({ outputs: [], panels: [{ input: file, options: { windowMs: 40, dm: 570 } }] });
    expect(moved.figures[0].modelTimeseries).toBeUndefined();
    expect(JSON.stringify(moved.spec)).not.toContain('"stroke":"#ff7f0e"');
  });
});
