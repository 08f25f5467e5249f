/**
 * Real data in: SIGPROC filterbanks (header, 1/2/4/8-bit unpacking, flipped
 * frequencies, bursts that line up at their documented DMs), other tools' npz
 * layouts, plain .npy, FETCH/your candidates, and filterbank writing.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { Npz, openWaterfall, prepareFigureData, readFilterbankInfo, readProcessed, reduceFilterbank, Spectra, writeFilterbank } from "@wfall/spectra";
import { headerBytes, toFloat32 } from "@wfall/spectra/internal";

import { expectClose, fixtures, generatedPath, realDataDir, runPython } from "../../../test-utils/helpers.js";

const real = realDataDir();
const at = (...parts: string[]) => join(real ?? "/absent", ...parts);
const parkes = (bits: number) => at("parkes_crab_noise", bits === 8 ? "parkes_8bit_1.fil" : `parkes_${bits}bit.fil`);
const b58 = at("arecibo_FRB121102_B58", "tcand_2_dm_565.30000_snr_11.92560.fil");
const askap = at("askap_FRB180417", "28.fil");

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < a.length; i++) (ma += a[i]), (mb += b[i]);
  ma /= a.length;
  mb /= b.length;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe.skipIf(!real)("SIGPROC filterbanks of ../shared/real", () => {
  it("headers say what the data README documents", async () => {
    const arecibo = await readFilterbankInfo(b58);
    expect(arecibo).toMatchObject({
      nchans: 64,
      nbits: 8,
      fch1: 1774.53125,
      foff: -12.5,
      tsamp: 81.92e-6,
      nsamples: 48828,
      band: { fbottom: 980.78125, df: 12.5, descending: true },
      unknownKeywords: [],
    });
    expect(arecibo.header).toMatchObject({ telescope_id: 6, source_name: "C0531+33", nifs: 1 });
    const ask = await readFilterbankInfo(askap);
    expect(ask).toMatchObject({
      nchans: 336,
      nbits: 8,
      fch1: 1465,
      foff: -1,
      tsamp: 0.00126646875,
      nsamples: 5120,
      band: { fbottom: 1129.5, df: 1, descending: true },
    });
    for (const bits of [1, 2, 4, 8]) {
      expect(await readFilterbankInfo(parkes(bits))).toMatchObject({
        nchans: 832,
        nbits: bits,
        fch1: 4030,
        foff: -4,
        tsamp: 512e-6,
        nsamples: 4096,
        band: { fbottom: 704, df: 4, descending: true },
      });
    }
  });

  it("a figure of a filterbank spans its band edges: fch1 and the lowest centre, half a channel out", async () => {
    for (const file of [b58, askap, parkes(8)]) {
      const info = await readFilterbankInfo(file);
      const lowestCentre = info.fch1 + (info.nchans - 1) * info.foff;
      const figure = prepareFigureData(Spectra.fromWaterfall(await openWaterfall(file, { duration: 0.2 })), { windowMs: 10 });
      expect(figure.freqExtent, file).toEqual([lowestCentre + info.foff / 2, info.fch1 - info.foff / 2]);
    }
  });

  it("flips descending channels: the Arecibo file's all-zero channels 53-63 become our rows 0-10", async () => {
    const wf = await openWaterfall(b58, { duration: 0.5 });
    expect([wf.nchan, wf.ntime]).toEqual([64, Math.round(0.5 / 81.92e-6)]);
    const rowMax = (c: number) => Math.max(...wf.intensity.subarray(c * wf.ntime, (c + 1) * wf.ntime));
    for (let c = 0; c <= 10; c++) expect(rowMax(c), `row ${c}`).toBe(0);
    expect(rowMax(11)).toBeGreaterThan(0);
    expect(wf.fbottom).toBe(980.78125); // the lower band edge: half a channel below the lowest centre
  });

  it("reads a time range with positioned reads: small.fil is the first 10 samples of 28.fil", async () => {
    const small = await openWaterfall(at("askap_FRB180417", "small.fil"));
    const head = await openWaterfall(askap, { duration: 10 * 0.00126646875 });
    expect(small.ntime).toBe(10);
    expect(Array.from(head.intensity)).toEqual(Array.from(small.intensity));
    const later = await openWaterfall(askap, { start: 100 * 0.00126646875, duration: 5 * 0.00126646875 });
    const all = await openWaterfall(askap);
    for (let c = 0; c < 336; c += 17)
      expect(Array.from(later.intensity.subarray(c * 5, c * 5 + 5))).toEqual(Array.from(all.intensity.subarray(c * 5120 + 100, c * 5120 + 105)));
    await expect(openWaterfall(askap, { start: 10 })).rejects.toMatchObject({ code: "E_RANGE" });
  });

  it("1, 2 and 4-bit Parkes data unpack consistently with the 8-bit data (lowest bits first)", async () => {
    const eight = (await openWaterfall(parkes(8))).intensity;
    const one = (await openWaterfall(parkes(1))).intensity;
    expect(one.every((v, i) => v === Math.floor(eight[i] / 128))).toBe(true); // 1 bit is the 8-bit sample's top bit
    // requantised Gaussian noise keeps at least this correlation (1 bit: sqrt(2/pi) = 0.80);
    // any bit-order mistake drops it to about zero
    for (const [bits, floor] of [
      [4, 0.95],
      [2, 0.9],
      [1, 0.75],
    ] as const) {
      const values = (await openWaterfall(parkes(bits))).intensity;
      expect(values.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** bits)).toBe(true);
      expect(correlation(values, eight), `${bits}-bit`).toBeGreaterThan(floor);
    }
  });

  it("numpy reads the same numbers from every file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wfall-fil-"));
    for (const file of [b58, askap, ...[1, 2, 4, 8].map(parkes)]) {
      const out = join(dir, "ref.npz");
      runPython("python/read_filterbank.py", [file, out]);
      const ref = await Npz.open(out);
      const ours = await openWaterfall(file);
      expectClose(ours.intensity, toFloat32(await ref.array("intensity"), { key: "intensity" }), 0, file);
      await ref.close();
    }
  });

  // sigpyproc 2 needs Python >= 3.12, which the test venv does not have; bench/ compares against it.
  it("your reads the same numbers from the 8-bit files (it refuses 2-bit ones)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wfall-your-"));
    for (const file of [b58, askap, parkes(8)]) {
      const out = join(dir, "peer.npz");
      runPython("python/read_filterbank_peers.py", ["your", file, out]);
      const ref = await Npz.open(out);
      expectClose((await openWaterfall(file)).intensity, toFloat32(await ref.array("intensity"), { key: "intensity" }), 0, `your ${file}`);
      await ref.close();
    }
  });

  for (const [name, file, dm, downsample] of [
    ["Arecibo FRB 121102 B58", b58, 565.3, 16],
    ["ASKAP FRB 180417", askap, 475.284, 1],
  ] as const) {
    it(`the ${name} burst lines up at DM ${dm} and the figure is centred on it`, async () => {
      const spec = Spectra.fromWaterfall(await openWaterfall(file));
      spec.normalise("zscore").dedisperse(dm).downsample(downsample);
      const peak = spec.peak();
      const sub = spec.clone().subband(8);
      const arrivals: number[] = [];
      for (let k = 0; k < 8; k++) {
        const row = Array.from(sub.data.subarray(k * sub.ntime, (k + 1) * sub.ntime), (v) => (Number.isNaN(v) ? 0 : v));
        const mean = row.reduce((a, b) => a + b, 0) / row.length;
        const sd = Math.sqrt(row.reduce((a, b) => a + (b - mean) ** 2, 0) / row.length);
        const best = row.indexOf(Math.max(...row));
        if ((row[best] - mean) / sd > 5) arrivals.push(best);
      }
      expect(arrivals.length).toBeGreaterThanOrEqual(2); // the burst is seen in several subbands...
      for (const t of arrivals) expect(Math.abs(t - peak)).toBeLessThanOrEqual(2); // ...at the same time
      const swept = Spectra.fromWaterfall(await openWaterfall(file))
        .normalise("zscore")
        .downsample(downsample)
        .subband(8);
      const spread = (s: Spectra) => {
        const times = [0, 7].map((k) => Array.from(s.data.subarray(k * s.ntime, (k + 1) * s.ntime)).reduce((b, v, i, a) => (v > a[b] ? i : b), 0));
        return Math.abs(times[1] - times[0]);
      };
      expect(spread(swept)).toBeGreaterThan(10); // undispersed, the band's ends arrive far apart
      const figure = prepareFigureData(spec);
      expect(Math.abs(figure.peak - peak)).toBe(0);
      expect(figure.timeEdgesMs[figure.peak - figure.sampleStart]).toBeLessThan(0);
      expect(figure.timeEdgesMs[figure.peak - figure.sampleStart + 1]).toBeGreaterThan(0);
    });
  }

  it("streams a reduction equal to reading, dedispersing, subbanding and downsampling", async () => {
    const reduced = await reduceFilterbank(askap, { dm: 475.284, tfactor: 4, nsub: 48, gulpBytes: 100_000 });
    const full = Spectra.fromWaterfall(await openWaterfall(askap))
      .dedisperse(475.284)
      .subband(48)
      .downsample(4);
    expect([reduced.nchan, reduced.ntime, reduced.dt, reduced.df]).toEqual([full.nchan, full.ntime, full.dt, full.df]);
    expectClose(reduced.data, full.data, 1e-6, "reduced");
    expectClose(reduced.weights, full.weights, 1e-6, "weights");
  });

  it("writes filterbanks that read back exactly, 8-bit and 32-bit, and that numpy reads", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wfall-write-fil-"));
    const wf = await openWaterfall(askap, { duration: 0.2 });
    const spec = Spectra.fromWaterfall(wf);
    await writeFilterbank(join(dir, "eight.fil"), spec, { nbits: 8, header: { source_name: "FRB180417" } });
    const back = await openWaterfall(join(dir, "eight.fil"));
    expect(Array.from(back.intensity)).toEqual(Array.from(wf.intensity));
    expect((await readFilterbankInfo(join(dir, "eight.fil"))).header).toMatchObject({ source_name: "FRB180417", fch1: 1465, foff: -1, nbits: 8, refdm: 0 });
    spec.normalise("zscore").dedisperse(475.284);
    await writeFilterbank(join(dir, "float.fil"), spec);
    const float = await openWaterfall(join(dir, "float.fil"));
    expect(Array.from(float.intensity)).toEqual(Array.from(spec.data));
    expect([float.dm, float.fbottom, float.df, float.dt]).toEqual([475.284, 1129.5, 1, 0.00126646875]);
    runPython("python/read_filterbank.py", [join(dir, "float.fil"), join(dir, "ref.npz")]);
    const ref = await Npz.open(join(dir, "ref.npz"));
    expectClose(spec.data, toFloat32(await ref.array("intensity"), { key: "intensity" }), 0, "numpy");
    await ref.close();
    await expect(writeFilterbank(join(dir, "bad.fil"), spec, { nbits: 8 })).rejects.toMatchObject({ code: "E_ARGUMENT" });
  });

  it("the frbgui npz of burst B6 is recognised and reads the same values as our converted fixture", async () => {
    const frbgui = await openWaterfall(at("arecibo_FRB121102_B6", "aggarwal2021_B006.npz"));
    const ours = await openWaterfall(join(fixtures, "frb121102_B6_wfall.npz"));
    expect(frbgui.layout).toBe("frbgui (wfall, dfs, dt, DM)");
    expect([frbgui.nchan, frbgui.ntime, frbgui.dt, frbgui.dm]).toEqual([64, 1220, 8.192e-5, 562.056]);
    expect(frbgui.fbottom).toBeCloseTo(974.53125 - 400 / 63, 9); // dfs are centres, 800/63 MHz apart
    expect(frbgui.df).toBeCloseTo(800 / 63, 9);
    expect(Array.from(frbgui.intensity)).toEqual(Array.from(ours.intensity));
    expect(Object.keys(frbgui.extra)).toContain("telescope");
  });

  it("a plain .npy reads with axes given, equal to its npz twin", async () => {
    const npy = await openWaterfall(at("chime_B0355+54", "B0355+54_DM57.2403.npy"), { dt: 0.00098304, fbottom: 400.1953125, df: 3.125, fileDm: 57.2403 });
    const npz = await openWaterfall(at("chime_B0355+54", "B0355+54_wfall.npz"));
    expect(npy.layout).toBe("npy with given axes");
    expect(Array.from(npy.intensity)).toEqual(Array.from(npz.intensity));
    await expect(openWaterfall(at("chime_B0355+54", "B0355+54_DM57.2403.npy"))).rejects.toMatchObject({
      code: "E_MISSING_KEY",
      message: expect.stringMatching(/give the sample time \(--dt\)/),
    });
  });
});

describe("SIGPROC filterbanks written here, descending (runs without ../shared/real)", () => {
  it("reads back flipped to row 0 lowest, with the band's lower edge, as numpy reads them; streaming gives the same", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wfall-fil-"));
    const nchan = 16;
    const ramp = new Float32Array(nchan * 40).map((_, i) => Math.floor(i / 40) * 1000 + (i % 40)); // channel c holds 1000c + t
    const spectra = new Spectra(ramp, { nchan, ntime: 40, fbottom: 1200, df: 2, dt: 1e-3, dm: 0 });
    const file = join(dir, "ramp.fil");
    await writeFilterbank(file, spectra);
    const info = await readFilterbankInfo(file);
    expect([info.fch1, info.foff]).toEqual([1200 + 15.5 * 2, -2]); // the top channel's centre, descending
    const back = await openWaterfall(file);
    expect([back.fbottom, back.df, back.dt]).toEqual([1200, 2, 1e-3]);
    expect(Array.from(back.intensity)).toEqual(Array.from(ramp)); // row 0 is the lowest channel again
    runPython("python/read_filterbank.py", [file, join(dir, "ref.npz")]);
    const ref = await Npz.open(join(dir, "ref.npz"));
    expect(Array.from(toFloat32(await ref.array("intensity"), { key: "intensity" }))).toEqual(Array.from(ramp));
    expect(toFloat32(await ref.array("band_lower_edge"), { key: "band_lower_edge" })[0]).toBe(back.fbottom);
    await ref.close();
    const streamed = await reduceFilterbank(file, { dm: 30, nsub: 4, tfactor: 2, gulpBytes: 7 * nchan * 4 }); // gulps of 7 rows: the last is short
    const inMemory = Spectra.fromWaterfall(back).dedisperse(30).subband(4).downsample(2);
    expect([streamed.fbottom, streamed.df, streamed.dt]).toEqual([inMemory.fbottom, inMemory.df, inMemory.dt]);
    expectClose(streamed.data, inMemory.data, 1e-6, "streamed");
  });

  it("reads 8- and 16-bit samples as two's complement when the header says signed, as numpy does, and streams them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wfall-filsigned-"));
    const [nchan, ntime] = [6, 50];
    for (const nbits of [8, 16]) {
      const body = Buffer.alloc((nchan * ntime * nbits) / 8);
      for (let i = 0; i < nchan * ntime; i++) {
        const v = ((i * 7919) % 251) - 125; // negative and positive
        if (nbits === 8) body.writeInt8(v, i);
        else body.writeInt16LE(v * 211, 2 * i);
      }
      const fields: [string, number][] = [
        ["nchans", nchan],
        ["nbits", nbits],
        ["tsamp", 1e-3],
        ["fch1", 1500],
        ["foff", -2],
        ["nifs", 1],
        ["signed", 1],
      ];
      const file = join(dir, `signed${nbits}.fil`);
      writeFileSync(file, Buffer.concat([headerBytes(fields), body]));
      runPython("python/read_filterbank.py", [file, join(dir, "ref.npz")]);
      const ref = await Npz.open(join(dir, "ref.npz"));
      const ours = await openWaterfall(file);
      expect(ours.intensity.some((v) => v < 0)).toBe(true);
      expectClose(ours.intensity, toFloat32(await ref.array("intensity"), { key: "intensity" }), 0, file);
      await ref.close();
      expect(ours.dtype).toBe(`int${nbits}`);
      const read = await readProcessed(file, {}, { nsub: 3 }, { streamAboveBytes: 0 });
      expect(read.inMemory).toBeUndefined();
      expect(Array.from(read.spectra.data)).toEqual(Array.from(Spectra.fromWaterfall(ours).normalise("robust").subband(3).data));
      // the API's streamed reduction (levels as stored, summed as they arrive), gulps of 7 rows: the last is short
      const reduced = await reduceFilterbank(file, { dm: 40, nsub: 3, tfactor: 2, gulpBytes: (7 * nchan * nbits) / 8 });
      const inMemory = Spectra.fromWaterfall(await openWaterfall(file))
        .dedisperse(40)
        .subband(3)
        .downsample(2);
      expect(Array.from(reduced.data)).toEqual(Array.from(inMemory.data));
      expect(Array.from(reduced.weights)).toEqual(Array.from(inMemory.weights));
    }
    const fields: [string, number][] = [
      ["nchans", 8],
      ["nbits", 4],
      ["tsamp", 1e-3],
      ["fch1", 1500],
      ["foff", -2],
      ["signed", 1],
    ];
    writeFileSync(join(dir, "signed4.fil"), Buffer.concat([headerBytes(fields), Buffer.alloc(40)]));
    await expect(openWaterfall(join(dir, "signed4.fil"))).rejects.toMatchObject({
      code: "E_UNSUPPORTED",
      message: expect.stringMatching(/signed 4-bit samples/),
    });
  });

  it("warns when a file looks cut short (inside a sample, or fewer samples than nsamples says) and reads the whole samples", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wfall-filcut-"));
    const [nchan, ntime] = [8, 10];
    const levels = new Float32Array(nchan * ntime).map((_, i) => i % 200);
    const whole = join(dir, "whole.fil");
    await writeFilterbank(whole, new Spectra(levels, { nchan, ntime, fbottom: 1100, df: 4, dt: 5e-4, dm: 0 }), { nbits: 8, header: { nsamples: ntime } });
    expect((await openWaterfall(whole)).notes.filter((n) => n.includes("warning"))).toEqual([]);
    const cut = join(dir, "cut.fil");
    const bytes = readFileSync(whole);
    writeFileSync(cut, bytes.subarray(0, bytes.length - 2 * nchan - 3)); // 7 whole samples and 5 bytes of the 8th
    const read = await openWaterfall(cut);
    expect(read.ntime).toBe(7);
    expect(Array.from(read.intensity)).toEqual(Array.from(Spectra.fromWaterfall(await openWaterfall(whole)).slice(0, 7).data));
    expect(read.notes).toEqual(
      expect.arrayContaining([
        "warning: the file ends 5 bytes into sample 7 (of 8 bytes): it looks cut short; that partial sample is left out",
        "warning: the header says nsamples 10 but the file holds 7: it looks cut short; the 7 samples present are read",
      ]),
    );
  });

  it("streams an 8-bit filterbank to exactly the in-memory numbers, rolled or invalidated, with short last gulps", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wfall-fil8-"));
    const [nchan, ntime] = [64, 301];
    const levels = new Float32Array(nchan * ntime).map((_, i) => (i * 7919 + Math.floor(i / 13)) % 251);
    const file = join(dir, "levels.fil");
    await writeFilterbank(file, new Spectra(levels, { nchan, ntime, fbottom: 1100, df: 4, dt: 5e-4, dm: 0 }), { nbits: 8 });
    const whole = Spectra.fromWaterfall(await openWaterfall(file));
    expect(Array.from(whole.data)).toEqual(Array.from(levels));
    for (const wrap of ["roll", "invalidate"] as const) {
      for (const [nsub, tfactor, gulpRows] of [
        [8, 3, 17],
        [64, 1, 300],
        [1, 4, 1],
      ]) {
        const what = `${wrap} nsub ${nsub} tfactor ${tfactor} gulps of ${gulpRows} rows`;
        const streamed = await reduceFilterbank(file, { dm: 40, wrap, nsub, tfactor, gulpBytes: gulpRows * nchan });
        const inMemory = whole.clone().dedisperse(40, { wrap });
        if (nsub !== nchan) inMemory.subband(nsub);
        if (tfactor !== 1) inMemory.downsample(tfactor);
        expect([streamed.nchan, streamed.ntime], what).toEqual([inMemory.nchan, inMemory.ntime]);
        expect(Array.from(streamed.data), what).toEqual(Array.from(inMemory.data));
        expect(Array.from(streamed.weights), `${what} weights`).toEqual(Array.from(inMemory.weights));
      }
    }
  });
});

describe("npz layouts and key maps", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "wfall-layouts-"));
    runPython("python/npz_layouts.py", [dir]);
  });

  it("reads a CHIME/FRB catalog layout with descending frequencies, flipping the rows", async () => {
    const wf = await openWaterfall(join(dir, "chime_catalog.npz"));
    expect(wf.layout).toBe("CHIME/FRB catalog (wfall, dt_s, center_freq_mhz)");
    expect([wf.nchan, wf.ntime, wf.fbottom, wf.df, wf.dt]).toEqual([4, 3, 350.1953125, 100, 0.001]); // centres from 400.1953125
    expect(Array.from(wf.intensity)).toEqual([9, 10, 11, 6, 7, 8, 3, 4, 5, 0, 1, 2]);
    expect(wf.notes).toEqual(["frequencies descend: rows flipped to put the lowest first", "no DM in the file: taken as 0"]);
  });

  it("maps keys given by the user", async () => {
    const wf = await openWaterfall(join(dir, "custom.npz"), { keys: { intensity: "spectrum", dt: "tsamp", freqs: "f" }, fileDm: 12 });
    expect(wf.layout).toBe("custom");
    expect([wf.nchan, wf.ntime, wf.fbottom, wf.df, wf.dt, wf.dm]).toEqual([4, 3, 975, 50, 0.002, 12]); // centres from 1000
    await expect(openWaterfall(join(dir, "custom.npz"))).rejects.toMatchObject({
      code: "E_MISSING_KEY",
      message: expect.stringMatching(/no known waterfall layout \(the archive has: spectrum, tsamp, f\)/),
    });
  });

  it("refuses uneven channel frequencies", async () => {
    await expect(openWaterfall(join(dir, "uneven.npz"))).rejects.toMatchObject({
      code: "E_VALUE",
      message: expect.stringMatching(/not evenly spaced \(channel 1\)/),
    });
  });
});

describe("FETCH/your candidates", () => {
  it.skipIf(!real)("reads data_freq_time (flipped), the header attributes and the DM-time plane, as written by h5py", async () => {
    const file = generatedPath("askap_candidate.h5");
    if (!existsSync(file)) runPython("fixtures/make_candidate.py", [askap, "475.284", "2.0289", file]);
    const wf = await openWaterfall(file);
    expect(wf.layout).toBe("FETCH/your candidate (HDF5)");
    expect([wf.nchan, wf.ntime, wf.dt, wf.df, wf.fbottom, wf.dm]).toEqual([336, 256, 0.00126646875, 1, 1129.5, 475.284]);
    expect(wf.dmTime).toMatchObject({ ndm: 256, ntime: 256, dmRange: [0, 950.568] });
    const figure = prepareFigureData(Spectra.fromWaterfall(wf), { dmTime: wf.dmTime });
    expect(Math.abs(figure.peak - 128)).toBeLessThanOrEqual(1); // the candidate is cut around its burst
    expect(figure.dmTime).toMatchObject({ ndm: 256, dmRange: [0, 950.568] });
    // the DM-time plane peaks near the candidate's DM
    const plane = wf.dmTime!;
    let best = 0;
    for (let i = 1; i < plane.data.length; i++) if (plane.data[i] > plane.data[best]) best = i;
    const dmAtPeak = (Math.floor(best / plane.ntime) / (plane.ndm - 1)) * 950.568;
    expect(Math.abs(dmAtPeak - 475.284)).toBeLessThan(40);
  });

  it("a HDF5 file without data_freq_time is named and refused", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "wfall-h5-")), "other.h5");
    runPython("python/npz_layouts.py", ["--h5", file]);
    await expect(openWaterfall(file)).rejects.toMatchObject({
      code: "E_MISSING_KEY",
      message: expect.stringMatching(/no 2-D 'data_freq_time' dataset \(the file has: something\)/),
    });
  });
});
