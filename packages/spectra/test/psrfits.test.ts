/**
 * PSRFITS search mode through `openWaterfall`: every synthetic fixture of
 * fixtures/make_psrfits.py and every decode option, against the astropy
 * oracle python/read_psrfits.py, exactly (float32, NaN where DAT_WTS = 0 and in
 * gaps); time ranges read only their rows; sequences of files; fold mode
 * refused; the real ASKAP and Parkes files.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { describeFile, openWaterfall, Spectra, type ReadOptions } from "@wfall/spectra";
import { FORMATS, parseNpy, toFloat32 } from "@wfall/spectra/internal";

import { countingSource, expectIdentical, generatedPath, realDataDir, runPython } from "../../../test-utils/helpers.js";

interface OracleCase {
  entry: number;
  case: number;
  files: string[];
  options: { pol?: string; no_scales?: boolean; no_offsets?: boolean; no_weights?: boolean; trim_padding?: boolean };
  npy?: string;
  shape?: [number, number];
  /** Per file: what the oracle read from the headers. */
  info?: { tbin: number; df: number; fbottom: number; start_mjd: number }[];
  error?: string;
}
interface ManifestEntry {
  files: string[];
  description: string;
  expect: { nstot?: number; note?: string; warning?: string; padding?: number; error?: string };
}

const dir = generatedPath("psrfits");
const oracleDir = join(dir, "oracle");
let cases: OracleCase[] = [];
let manifest: ManifestEntry[] = [];

beforeAll(() => {
  if (!existsSync(join(dir, "manifest.json"))) runPython("fixtures/make_psrfits.py", [dir]);
  if (!existsSync(join(oracleDir, "index.json")))
    runPython("python/read_psrfits.py", ["--manifest", join(dir, "manifest.json"), "--out-dir", oracleDir, "--trim-padding"]);
  manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
  cases = JSON.parse(readFileSync(join(oracleDir, "index.json"), "utf8"));
}, 120_000);

/** The read options of an oracle case. */
function readOptions(o: OracleCase["options"]): ReadOptions {
  const pol = o.pol === undefined || o.pol === "sum" ? undefined : /^\d+$/.test(o.pol) ? Number(o.pol) : (o.pol as ReadOptions["pol"]);
  return {
    ...(pol !== undefined ? { pol } : {}),
    ...(o.no_scales ? { applyScales: false } : {}),
    ...(o.no_offsets ? { applyOffsets: false } : {}),
    ...(o.no_weights ? { applyWeights: false } : {}),
  };
}

const inputOf = (files: string[]) => (files.length === 1 ? join(dir, files[0]) : files.map((f) => join(dir, f)));

function oracle(c: OracleCase): Float32Array {
  const path = join(oracleDir, c.npy!);
  return toFloat32(parseNpy(readFileSync(path), path), path);
}

describe("PSRFITS fixtures against the astropy oracle", () => {
  it("every fixture and decode option gives astropy's values exactly", async () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
    let compared = 0;
    for (const c of cases) {
      const label = `${c.files.join(" + ")} ${JSON.stringify(c.options)}`;
      if (c.error) {
        await expect(openWaterfall(inputOf(c.files), readOptions(c.options)), label).rejects.toMatchObject({ code: "E_UNSUPPORTED" });
        continue;
      }
      const wf = await openWaterfall(inputOf(c.files), readOptions(c.options));
      expect([wf.nchan, wf.ntime], label).toEqual(c.shape);
      expect(wf.format).toBe("psrfits");
      expectIdentical(wf.intensity, oracle(c), label);
      compared++;
    }
    expect(compared).toBe(cases.length - 1);
  }, 120_000);

  it("axes, start MJD and what each fixture is made to show", async () => {
    for (const entry of manifest) {
      const input = inputOf(entry.files);
      if (entry.expect.error) {
        await expect(openWaterfall(input)).rejects.toMatchObject({
          code: "E_UNSUPPORTED",
          message: expect.stringMatching(/fold-mode PSRFITS file \(OBS_MODE = 'PSR'/),
        });
        continue;
      }
      const wf = await openWaterfall(input);
      const d = await describeFile(input);
      const info = cases.find((c) => c.files.join() === entry.files.join() && c.case === 0)!.info![0];
      expect(wf.dt).toBe(info.tbin);
      expect(wf.df).toBeCloseTo(info.df, 12);
      expect(wf.fbottom).toBeCloseTo(info.fbottom, 9);
      expect(wf.dm).toBe(0);
      expect(wf.startMjd!).toBeCloseTo(info.start_mjd, 9);
      if (entry.expect.nstot) expect(wf.ntime).toBe(entry.expect.nstot);
      if (entry.expect.padding) expect(Object.values(d.details).join(" ")).toMatch(`the last ${entry.expect.padding} samples of the last row are all zero`);
      if (entry.expect.note) expect(Object.values(d.details).join(" ")).toContain(entry.expect.note);
      if (entry.expect.warning) expect(wf.notes.join(" ")).toContain(entry.expect.warning);
    }
  }, 120_000);

  it("CHAN_BW disagreeing with DAT_FREQ is said naming both fields and which is trusted", async () => {
    const wf = await openWaterfall(join(dir, "chan_bw_disagrees.fits"));
    expect(wf.notes.join("\n")).toMatch(/CHAN_BW = 4 MHz says frequency increases with channel number, but DAT_FREQ decreases .*: trusting DAT_FREQ/);
  });

  it("DAT_WTS = 0 masks the channel (NaN), and --no-weights keeps it", async () => {
    const file = join(dir, "nbits8_inten_zero_weights.fits");
    const wf = await openWaterfall(file);
    const row = 15 - 5; // file channel 5 of 16, stored high frequency first
    expect(Array.from(wf.intensity.subarray(row * wf.ntime, (row + 1) * wf.ntime)).every(Number.isNaN)).toBe(true);
    // the masked channel has the origin `file`, in row order; the file's channel numbers count from the top
    expect(wf.fileDescending).toBe(true);
    expect(wf.channelMask?.origins.flatMap((o, c) => (o ? [[c, o]] : []))).toEqual([[row, "file"]]);
    expect(Spectra.fromWaterfall(wf).channelMask.origins[row]).toBe("file");
    const kept = await openWaterfall(file, { applyWeights: false });
    expect(Array.from(kept.intensity.subarray(row * wf.ntime, (row + 1) * wf.ntime)).some(Number.isNaN)).toBe(false);
    expect(kept.channelMask).toBeUndefined();
  });

  it("pols by name are the pols by number, and a pol the file lacks is named", async () => {
    const file = join(dir, "nbits4_aabbcrci_zero_off.fits");
    for (const [name, k] of [
      ["AA", 0],
      ["BB", 1],
      ["CR", 2],
      ["CI", 3],
    ] as const) {
      expectIdentical((await openWaterfall(file, { pol: name })).intensity, (await openWaterfall(file, { pol: k })).intensity, name);
    }
    const cr = await openWaterfall(file, { pol: "CR" });
    expect(cr.notes[0]).toBe("polarisation: pol 2 (CR) of AABBCRCI");
    expect((await openWaterfall(file)).notes[0]).toBe("polarisation: pols 0 and 1 of AABBCRCI summed");
    await expect(openWaterfall(file, { pol: "V" })).rejects.toMatchObject({
      code: "E_ARGUMENT",
      message: expect.stringMatching(/POL_TYPE 'AABBCRCI' holds AA, BB, CR, CI/),
    });
    await expect(openWaterfall(join(dir, "nbits2_aabb_ascending.fits"), { pol: 3 })).rejects.toMatchObject({
      code: "E_ARGUMENT",
      message: expect.stringMatching(/pol 3 was asked for but the file has 2/),
    });
    await expect(openWaterfall(join(dir, "nbits2_aabb_ascending.fits"), { pol: "XX" as never })).rejects.toMatchObject({ code: "E_ARGUMENT" });
  });

  it("PSRFITS options are refused for other formats, and other formats' options for PSRFITS", async () => {
    await expect(openWaterfall(join(dir, "nbits2_aabb_ascending.fits"), { layout: "tutorial" })).rejects.toMatchObject({
      code: "E_ARGUMENT",
      message: expect.stringMatching(/applies to npz files only/),
    });
    const npz = join(dir, "..", "..", "synthetic_128x1024.npz");
    await expect(openWaterfall(npz, { applyScales: false })).rejects.toMatchObject({
      code: "E_ARGUMENT",
      message: expect.stringMatching(/applies to psrfits files only/),
    });
  });

  it("a time range gives the oracle's columns, across the gap of a sequence too", async () => {
    const gap = cases.find((c) => c.files[0] === "sequence_gap_0.fits" && c.options.pol === "sum")!;
    const all = oracle(gap);
    const [nchan, ntime] = gap.shape!;
    expect(ntime).toBe(3 * 32 + 37 + 3 * 32);
    const dt = 64e-6;
    const wf = await openWaterfall(inputOf(gap.files), { start: 90 * dt, duration: 60 * dt });
    const expected = new Float32Array(nchan * 60);
    for (let c = 0; c < nchan; c++) expected.set(all.subarray(c * ntime + 90, c * ntime + 150), c * 60);
    expectIdentical(wf.intensity, expected, "samples 90..149 of the gap sequence");
    expect(Array.from(wf.intensity.subarray(6, 6 + 37)).every(Number.isNaN)).toBe(true); // samples 96..132: the gap
    expect(wf.notes.join(" ")).toMatch(/a gap of 37 samples .* between sequence_gap_0\.fits and sequence_gap_1\.fits: left as missing/);
    // the files in any order are the same observation
    const reversed = await openWaterfall([...(inputOf(gap.files) as string[])].reverse());
    expectIdentical(reversed.intensity, all, "files given in reverse order");
  });

  it("reads only the rows a time range needs (positioned reads, never the whole file)", async () => {
    const file = join(dir, "nbits8_inten_zero_weights.fits");
    const bytes = readFileSync(file);
    const { source, bytesRead } = countingSource(bytes, file);
    const psrfits = FORMATS.find((f) => f.name === "psrfits")!;
    const opened = await psrfits.open(source, file, {});
    const afterOpen = bytesRead();
    const rowBytes = Number(/NAXIS1\s*=\s*(\d+)/.exec(bytes.subarray(2880).toString("latin1"))![1]); // the SUBINT table's NAXIS1
    const block = await opened.read(40, 10); // samples 40..49: row 1 of 3
    expect(bytesRead() - afterOpen).toBe(rowBytes);
    const whole = await openWaterfall(file);
    for (let c = 0; c < 16; c++)
      expectIdentical(block.intensity.subarray(c * 10, c * 10 + 10), whole.intensity.subarray(c * 96 + 40, c * 96 + 50), `channel ${c}`);
  });

  it("several files of other formats, or of mixed formats, are refused with one clear line", async () => {
    const npz = join(dir, "..", "..", "synthetic_128x1024.npz");
    await expect(openWaterfall([npz, npz])).rejects.toMatchObject({
      code: "E_ARGUMENT",
      message: expect.stringMatching(/2 files were given as one waterfall, but npz files cannot be combined/),
    });
    await expect(openWaterfall([join(dir, "sequence_gap_0.fits"), npz])).rejects.toMatchObject({
      code: "E_ARGUMENT",
      message: expect.stringMatching(/is a npz file but .* is psrfits/),
    });
    await expect(openWaterfall([join(dir, "sequence_gap_0.fits"), join(dir, "nbits2_aabb_ascending.fits")])).rejects.toMatchObject({
      code: "E_UNSUPPORTED",
      message: expect.stringMatching(/other channels/),
    });
    await expect(openWaterfall([])).rejects.toMatchObject({ code: "E_ARGUMENT" });
  });
});

const real = realDataDir();

describe.skipIf(!real)("real PSRFITS files", () => {
  it("ASKAP 28.fits equals 28.fil (samples 0..5119), and the burst lines up at sample 1602 at DM 475.284", async () => {
    const fits = await openWaterfall(join(real!, "askap_FRB180417", "28.fits"));
    const fil = await openWaterfall(join(real!, "askap_FRB180417", "28.fil"));
    expect([fits.nchan, fits.ntime, fits.dt, fits.df, fits.fbottom]).toEqual([336, 5120, fil.dt, 1, 1129.5]);
    expect([fil.df, fil.fbottom]).toEqual([1, 1129.5]);
    expectIdentical(fits.intensity, fil.intensity, "28.fits against 28.fil");
    const d = await describeFile(join(real!, "askap_FRB180417", "28.fits"));
    expect(Object.values(d.details).join(" ")).toMatch(/the last 403 samples of the last row are all zero/);
    const peak = Spectra.fromWaterfall(fits).normalise("zscore").dedisperse(475.284).peak();
    expect(peak).toBe(1602);
  });

  it("opening 28.fits reads its headers, row 0 and the last row; 10 samples read one row of 271 kB", async () => {
    const file = join(real!, "askap_FRB180417", "28.fits");
    const bytes = readFileSync(file);
    const { source, bytesRead } = countingSource(bytes, file);
    const opened = await FORMATS.find((f) => f.name === "psrfits")!.open(source, file, {});
    const rowBytes = 270556; // the SUBINT table's NAXIS1 (DATA is 265104 bytes of it)
    expect(bytesRead()).toBeLessThanOrEqual((64 << 10) + 2 * rowBytes);
    const before = bytesRead();
    await opened.read(3000, 10);
    expect(bytesRead() - before).toBe(rowBytes);
    expect(bytes.length).toBeGreaterThan(6 * rowBytes);
  });

  it("Parkes UWL 4-bit AABBCRCI (ZERO_OFF 7.5) reads: AA + BB summed, the band 704 .. 4032 MHz", async () => {
    const file = join(real!, "parkes_crab_4bit", "parkes_4bit.sf");
    const wf = await openWaterfall(file);
    expect([wf.nchan, wf.ntime, wf.dt, wf.df, wf.fbottom, wf.dtype]).toEqual([416, 4096, 512e-6, 8, 704, "uint4"]);
    expect(wf.notes[0]).toBe("polarisation: pols 0 and 1 of AABBCRCI summed");
    const [aa, bb] = [await openWaterfall(file, { pol: "AA" }), await openWaterfall(file, { pol: "BB" })];
    const sum = wf.intensity;
    let checked = 0;
    for (let i = 0; i < sum.length; i += 997) {
      if (Number.isNaN(sum[i])) continue;
      expect(sum[i]).toBe(Math.fround(aa.intensity[i] + bb.intensity[i]));
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
    const d = await describeFile(file);
    expect(d.details).toMatchObject({ OBS_MODE: "SEARCH", ZERO_OFF: "7.5", polarisations: "4 (AABBCRCI)", "samples per row (NSBLK)": "2048" });
  });
});
