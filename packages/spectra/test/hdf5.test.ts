/**
 * HDF5 as written in the wild: FETCH/your candidates with every compression
 * h5py, your and FETCH use (none, LZF, gzip+shuffle, and the plugin filters),
 * the band flip of foff < 0, real files' attributes, a filter that is not
 * available (one line, nothing on stderr, no values), and CHIME/FRB Catalog 1
 * waterfall files (row orientation, axes, the model time series).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

import { beforeAll, describe, expect, it } from "vitest";

import { describeFile, openWaterfall, prepareFigureData, Spectra } from "@wfall/spectra";

import { generatedPath, repoRoot, runPython } from "../../../test-utils/helpers.js";

const candidates = generatedPath("candidates");
const chime = generatedPath("chime");
let meta: { nchan: number; ntime: number; ndm: number; fch1: number; foff: number; tsamp: number; dm: number };

beforeAll(() => {
  if (!existsSync(join(candidates, "candidates.json"))) runPython("fixtures/make_compressed_candidates.py", [candidates]);
  if (!existsSync(join(chime, "chime_catalogue_minimal.h5"))) runPython("fixtures/make_chime_catalogue.py", [chime]);
  meta = JSON.parse(readFileSync(join(candidates, "candidates.json"), "utf8"));
}, 60_000);

describe("FETCH/your candidates", () => {
  for (const compression of ["none", "lzf", "gzip_shuffle", "blosc", "bitshuffle", "lz4", "zstd", "bz2"]) {
    it(`${compression}: decompresses, and foff < 0 puts the last file channel in row 0`, async () => {
      const wf = await openWaterfall(join(candidates, `candidate_${compression}.h5`));
      const { nchan, ntime, ndm } = meta;
      expect([wf.nchan, wf.ntime, wf.dt, wf.df, wf.dm]).toEqual([nchan, ntime, meta.tsamp, 4, meta.dm]);
      // data_freq_time[t, c] = c + t/1000 with file channel 0 the highest: row r holds file channel nchan-1-r
      for (let r = 0; r < nchan; r++) {
        for (let t = 0; t < ntime; t++) expect(wf.intensity[r * ntime + t]).toBe(Math.fround(nchan - 1 - r + t / 1000));
      }
      const lowestCentre = meta.fch1 + (nchan - 1) * meta.foff;
      expect(wf.fbottom).toBe(lowestCentre - Math.abs(meta.foff) / 2);
      expect(wf.dmTime).toMatchObject({ ndm, ntime, dmRange: [0, 2 * meta.dm] });
      for (let d = 0; d < ndm; d++) for (let t = 0; t < ntime; t++) expect(wf.dmTime!.data[d * ntime + t]).toBe(d * 100 + t);
    });
  }

  it("a filter that is not available is one line naming the file, dataset and filter; no HDF5 trace, no values", async () => {
    const file = join(candidates, "candidate_sz.h5");
    await expect(openWaterfall(file)).rejects.toMatchObject({
      code: "E_CORRUPT",
      message: expect.stringMatching(/candidate_sz\.h5: cannot read dataset 'data_freq_time' \(filters: \S+ \(32017\)\): .*filter/i),
    });
    // in a fresh process, so stderr is the library's alone
    const index = pathToFileURL(join(repoRoot, "packages/spectra/dist/index.js")).href;
    const script = `const { openWaterfall } = await import(${JSON.stringify(index)});
      try { await openWaterfall(${JSON.stringify(file)}); console.log("read"); } catch (e) { console.log(e.code, e.message.split("\\n").length); }`;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(child.stdout.trim()).toBe("E_CORRUPT 1");
    expect(child.stderr).toBe("");
  });

  it("a candidate without data_dm_time still reads and makes a figure", async () => {
    const wf = await openWaterfall(join(candidates, "candidate_no_dm_time.h5"));
    expect(wf.dmTime).toBeUndefined();
    const figure = prepareFigureData(Spectra.fromWaterfall(wf), { windowMs: 10, dmTime: wf.dmTime });
    expect(figure.dmTime).toBeUndefined();
    expect(figure.ncols).toBe(19);
  });

  it("attributes as real files have them: 'None', a float width, boolean and string arrays, a newer writer's extras", async () => {
    const d = await describeFile(join(candidates, "candidate_lzf.h5"));
    expect(d.details).toMatchObject({
      barycentric: "None",
      width: 2,
      dm: meta.dm,
      kill_mask: "16 values (2 non-zero)",
      rfi_mask: "16 values (0 non-zero)",
      filelist: "['obs_0001.fil', 'obs_0002.fil']",
      your_version: "0.7.1",
      data_dm_time: "8 x 64 (DM x time)",
    });
  });
});

describe("CHIME/FRB catalogue waterfalls", () => {
  it("reads frb/wfall with row 0 the lowest frequency, the axes from plot_freq and plot_time, and the model time series", async () => {
    const file = join(chime, "chime_catalogue.h5");
    const wf = await openWaterfall(file);
    expect(wf.layout).toBe("CHIME/FRB catalogue waterfall (HDF5)");
    expect([wf.nchan, wf.ntime, wf.df, wf.fbottom, wf.dm]).toEqual([64, 256, 6.25, 400, 563.2]);
    expect(wf.dt).toBeCloseTo(0.98304e-3, 15);
    expect(wf.notes[0]).toBe("CHIME/FRB catalogue waterfall of FRB20990101A at DM 563.2");
    const py = JSON.parse(runPython("python/h5_values.py", [file, "frb/wfall", "frb/model_ts"])) as Record<
      string,
      { values: (number | null)[]; shape: number[] }
    >;
    const rows = py["frb/wfall"];
    for (let r = 0; r < 64; r++) {
      for (let t = 0; t < 256; t++) {
        const expected = rows.values[(63 - r) * 256 + t]; // file row 63 - r is output row r
        const got = wf.intensity[r * 256 + t];
        if (expected === null) expect(got).toBeNaN();
        else expect(got).toBe(expected);
      }
    }
    expect(Array.from(wf.modelTimeseries!)).toEqual(py["frb/model_ts"].values);
    const figure = prepareFigureData(Spectra.fromWaterfall(wf), { modelTimeseries: wf.modelTimeseries });
    expect(figure.modelTimeseries).toHaveLength(figure.ncols);
  });

  it("a file with only wfall, plot_time and extent takes the band from extent (row 0 at extent[3])", async () => {
    const wf = await openWaterfall(join(chime, "chime_catalogue_minimal.h5"));
    const full = await openWaterfall(join(chime, "chime_catalogue.h5"));
    expect([wf.df, wf.fbottom, wf.dt]).toEqual([full.df, full.fbottom, full.dt]);
    expect(wf.intensity).toEqual(full.intensity);
    expect(wf.modelTimeseries).toBeUndefined();
    expect(wf.notes.join(" ")).toMatch(/band's edges come from frb\/extent/);
  });
});
