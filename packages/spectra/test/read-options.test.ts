/**
 * The reading pipeline applies what the caller gives the same way for every
 * format: given axes and the file's DM replace the file's, a time range
 * selects the same samples (read natively from a filterbank, selected after
 * reading elsewhere), and an option of another format is an error naming it.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { openWaterfall, Spectra, writeFilterbank, type Waterfall } from "@wfall/spectra";
import { encodeNpy, native } from "@wfall/spectra/internal";

import { fixtures, runPython } from "../../../test-utils/helpers.js";

const dir = mkdtempSync(join(tmpdir(), "wfall-read-"));
const files: Record<string, string> = {};
let whole: Record<string, Waterfall>;

beforeAll(async () => {
  const npz = join(fixtures, "synthetic_128x1024.npz");
  const spectra = Spectra.fromWaterfall(await openWaterfall(npz));
  files.npz = npz;
  files.npy = join(dir, "synthetic.npy");
  writeFileSync(files.npy, encodeNpy(spectra.data, [spectra.nchan, spectra.ntime]));
  files.filterbank = join(dir, "synthetic.fil");
  await writeFilterbank(files.filterbank, spectra);
  files.hdf5 = join(dir, "synthetic.h5");
  runPython("fixtures/make_candidate.py", [files.filterbank, "87", String(512 * spectra.dt), files.hdf5]);
  const axes = { dt: spectra.dt, df: spectra.df, fbottom: spectra.fbottom };
  whole = {};
  for (const [format, file] of Object.entries(files)) whole[format] = await openWaterfall(file, format === "npy" ? axes : {});
});

const FORMATS = ["npz", "npy", "filterbank", "hdf5"] as const;
const axesFor = (format: string) => (format === "npy" ? { dt: 0.00098304, df: 3.125, fbottom: 400.1953125 } : {});

describe.each(FORMATS)("%s", (format) => {
  it("takes given axes and DM over the file's", async () => {
    const wf = await openWaterfall(files[format], { dt: 0.002, df: 2, fbottom: 500, fileDm: 12.5 });
    expect([wf.dt, wf.df, wf.fbottom, wf.dm]).toEqual([0.002, 2, 500, 12.5]);
    expect(Array.from(wf.intensity)).toEqual(Array.from(whole[format].intensity));
  });

  it("reads a time range: the same samples as a slice of the whole", async () => {
    const { dt, nchan, ntime } = whole[format];
    const [first, count] = [Math.floor(ntime / 4), Math.floor(ntime / 3)];
    const wf = await openWaterfall(files[format], { ...axesFor(format), start: first * dt, duration: count * dt });
    expect([wf.nchan, wf.ntime, wf.start]).toEqual([nchan, count, first * dt]);
    for (let c = 0; c < nchan; c += 9) {
      const row = whole[format].intensity.subarray(c * ntime + first, c * ntime + first + count);
      expect(Array.from(wf.intensity.subarray(c * count, (c + 1) * count)), `channel ${c}`).toEqual(Array.from(row));
    }
    if (whole[format].dmTime) expect(wf.dmTime?.ntime).toBe(count); // a candidate's DM-time plane is cut with it
  });

  it("refuses a range outside the file, naming the samples", async () => {
    await expect(openWaterfall(files[format], { ...axesFor(format), start: 1e6 })).rejects.toMatchObject({ code: "E_RANGE", file: files[format] });
  });
});

describe.each(FORMATS.filter((f) => f !== "npz"))("%s", (format) => {
  it("refuses the npz-only options, naming them", async () => {
    for (const options of [{ keys: { intensity: "x" } }, { layout: "frbgui" }]) {
      const error = await openWaterfall(files[format], { ...axesFor(format), ...options }).then(
        () => expect.fail("no error"),
        (e) => e,
      );
      expect(error).toMatchObject({ code: "E_ARGUMENT", file: files[format] });
      expect(error.message).toMatch(/option '(keys|layout)' \(--(key|layout)\) applies to npz files only; this is a \w+ file/);
    }
  });
});

it("checks every given value: a bad one names the option", async () => {
  await expect(openWaterfall(files.npz, { dt: -1 })).rejects.toMatchObject({
    code: "E_ARGUMENT",
    message: expect.stringMatching(/option 'dt' \(--dt\): expected a number above 0, got -1/),
  });
  await expect(openWaterfall(files.npz, { start: -2 })).rejects.toMatchObject({ code: "E_ARGUMENT", message: expect.stringMatching(/option 'start'/) });
});

it("every error code the native core can throw is one of the library's", async () => {
  const { ERROR_CODES } = await import("@wfall/spectra");
  for (const code of native.nativeErrorCodes()) expect(Object.keys(ERROR_CODES)).toContain(code);
});
