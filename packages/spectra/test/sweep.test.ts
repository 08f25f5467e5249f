/**
 * Reads that include the dispersion sweep: a time range read for a target DM
 * holds the samples dedispersion moves into it, so the window dedispersed on
 * its own equals the same window cut from the whole file dedispersed, channel
 * for channel; a DM whose sweep is longer than the data is an error with the
 * numbers, unless wrapping is asked for.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { openWaterfall, processWaterfall, Spectra, writeFilterbank, type ProcessOptions } from "@wfall/spectra";

import { fixtures, realDataDir } from "../../../test-utils/helpers.js";

/** The window `[startS, startS + durationS)` of a file, read with its sweep and dedispersed, and the same cut from the whole file. */
async function windowTwoWays(file: string, startS: number, durationS: number, options: ProcessOptions) {
  const sweep = { dm: options.dm!, kdm: options.kdm, reference: options.reference };
  const window = processWaterfall(await openWaterfall(file, { start: startS, duration: durationS, includeSweep: sweep }), options).spectra;
  const whole = processWaterfall(await openWaterfall(file, { includeSweep: sweep }), options).spectra;
  const first = Math.round((window.start - whole.start) / whole.dt);
  return { window, cut: whole.slice(first, window.ntime) };
}

const same = (a: Spectra, b: Spectra) => {
  expect([a.nchan, a.ntime, a.start, a.dm, a.fbottom, a.df]).toEqual([b.nchan, b.ntime, b.start, b.dm, b.fbottom, b.df]);
  for (let c = 0; c < a.nchan; c++) {
    const row = (s: Spectra) => Array.from(s.data.subarray(c * s.ntime, (c + 1) * s.ntime));
    expect(row(a), `channel ${c}`).toEqual(row(b));
  }
};

describe("a time range read for a DM holds its dispersion sweep", () => {
  const dir = mkdtempSync(join(tmpdir(), "wfall-sweep-"));
  let filterbank: string;
  beforeAll(async () => {
    filterbank = join(dir, "synthetic.fil");
    await writeFilterbank(filterbank, Spectra.fromWaterfall(await openWaterfall(join(fixtures, "synthetic_128x1024.npz"))));
  });

  for (const reference of ["top", "bottom", "centre"] as const) {
    it(`equals the window cut from the whole file dedispersed, every channel (filterbank, reference ${reference})`, async () => {
      const { window, cut } = await windowTwoWays(filterbank, 0.3, 0.2, { dm: 95, reference, normalise: "none", nsub: "all", maskConstant: false });
      same(window, cut);
      // the window really needed the sweep: read without it, dedispersion loses samples
      const bare = Spectra.fromWaterfall(await openWaterfall(filterbank, { start: 0.3, duration: 0.2 }));
      bare.dedisperse(95, { reference, wrap: "invalidate" });
      expect(bare.data.filter(Number.isNaN).length).toBeGreaterThan(window.data.filter(Number.isNaN).length);
    });
  }

  it("does the same for formats read whole (npz), selecting after reading", async () => {
    const { window, cut } = await windowTwoWays(join(fixtures, "synthetic_128x1024.npz"), 0.4, 0.3, {
      dm: 90,
      normalise: "none",
      nsub: "all",
      maskConstant: false,
    });
    same(window, cut);
  });

  it("says when the file ends before the sweep does", async () => {
    const waterfall = await openWaterfall(filterbank, { start: 0.9, duration: 0.1, includeSweep: { dm: 95 } });
    expect(waterfall.notes.join("\n")).toMatch(
      /the dispersion sweep at DM 95 across 400-800 MHz needs 0\.\d+ s around the window; the file lacks 0\.\d+ s of it/,
    );
  });
});

describe("DM sanity", () => {
  const synthetic = join(fixtures, "synthetic_128x1024.npz");

  it("a DM whose sweep is longer than the data is an error with the numbers", async () => {
    const waterfall = await openWaterfall(synthetic);
    expect(() => processWaterfall(waterfall, { dm: 0 })).toThrow(
      expect.objectContaining({ code: "E_DM_RANGE", message: expect.stringMatching(/DM 0 needs 1\.7 s across 400-800 MHz; the data hold 1\.0 s/) }),
    );
    expect(processWaterfall(await openWaterfall(synthetic), { dm: 0, wrap: "roll" }).spectra.dm).toBe(0); // asked for: wrapped around
  });

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY]])("a DM of %s is refused", async (dm) => {
    await expect(openWaterfall(synthetic).then((w) => processWaterfall(w, { dm }))).rejects.toMatchObject({ code: "E_DM_RANGE" });
  });
});

const real = realDataDir();
describe.skipIf(!real)("the README's ASKAP window (../shared/real)", () => {
  it("reads the sweep: the 1.5-2.5 s window at DM 475.284 equals the same window of the whole file, all 336 channels", async () => {
    const file = join(real!, "askap_FRB180417", "28.fil");
    const { window, cut } = await windowTwoWays(file, 1.5, 1, { dm: 475.284, normalise: "none", nsub: "all", maskConstant: false });
    expect(window.nchan).toBe(336);
    same(window, cut);
  });
});
