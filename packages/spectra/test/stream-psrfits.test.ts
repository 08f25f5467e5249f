/**
 * A PSRFITS file streams as a filterbank does: its decoded samples, as
 * time-major float32 rows, go through the time-gulps path and give the
 * numbers, mask record, notes and provenance of reading it whole, bit for
 * bit: 1, 2, 4, 8, 16-bit and float samples, one, two and four pols and each
 * `pol`, scales, offsets and weights different in every row, zero weights,
 * ascending and descending bands, a partial and a zero-padded last row,
 * DAT_FREQ drifting (a decode warning), time ranges starting inside a
 * subint, gulps of odd sizes; the real PSRFITS files. A read reads only the
 * subints it needs, and robust normalisation is read whole, saying why.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { openWaterfall, readProcessed, type ProcessOptions, type ReadOptions } from "@wfall/spectra";
import { FORMATS } from "@wfall/spectra/internal";

import { countingSource, expectIdentical, generatedPath, realDataDir, runPython } from "../../../test-utils/helpers.js";
import { streamedEqualsWhole } from "../../../test-utils/streaming.js";

const dir = generatedPath("psrfits-stream");
const at = (name: string) => join(dir, name);
/** 64 channels of float32: a gulp of `n` samples. */
const samples = (n: number) => n * 64 * 4;
const TBIN = 64e-6;

beforeAll(() => {
  if (!existsSync(join(dir, "manifest.json"))) runPython("fixtures/make_psrfits_stream.py", [dir]);
}, 120_000);

/** Streamed equals whole, on a result that is not all masked. */
async function bothWays(file: string, options: ProcessOptions, read: ReadOptions = {}, gulpBytes = samples(7)) {
  const both = await streamedEqualsWhole(file, options, read, gulpBytes);
  expect(both.streamed.spectra.data.some(Number.isFinite), `${file} ${JSON.stringify(options)}`).toBe(true);
  return both;
}

describe("a PSRFITS file streamed equals it read whole", () => {
  it("every sample type and pol choice, z-scores with a variance mask on their last bits, dedispersed, in gulps of 7 samples across subints of 48", async () => {
    const files: { file: string; npol: number }[] = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    expect(files.map((f) => f.file)).toHaveLength(7);
    for (const { file, npol } of files) {
      const pols: ReadOptions[] = npol === 1 ? [{}] : [{}, { pol: "mean" }, { pol: npol - 1 }];
      for (const pol of pols) {
        // z-scores have a variance of 1 but for rounding: the mask of variance > 1 decides on the last bits of the moments
        const { streamed } = await bothWays(at(file), { dm: 10, normalise: "zscore", maskVariance: 1, nsub: 16 }, pol);
        const origins = streamed.spectra.channelMask.origins;
        expect(
          origins.filter((o) => o === "file"),
          file,
        ).toHaveLength(1); // DAT_WTS 0 in every row of one channel
        expect(origins.filter((o) => o === "variance").length, file).toBeGreaterThan(0);
        expect(origins.filter((o) => o === null).length, file).toBeGreaterThan(0);
      }
    }
  }, 120_000);

  it("fractions and none, downsampled from a range starting inside a subint, rolled, gulps of 13 and of one sample", async () => {
    const range = { start: 50 * TBIN, duration: 300 * TBIN };
    // variances of the decoded samples that split the channels
    for (const [file, variance] of [
      ["stream_nbits2_aabb.fits", 10],
      ["stream_nbits8.fits", 1e4],
      ["stream_nbits32.fits", 1e3],
    ] as const) {
      const { streamed } = await bothWays(at(file), { dm: 10, normalise: "fractional", downsample: 3, nsub: 8, wrap: "roll" }, range, samples(13));
      expect([streamed.waterfall.start, streamed.spectra.ntime]).toEqual([50 * TBIN, 100]);
      const none = await bothWays(at(file), { normalise: "none", nsub: 32, maskVariance: variance, maskChannels: [1, 2] }, range, samples(1));
      expect(none.streamed.spectra.channelMask.origins.filter((o) => o === "variance").length).toBeGreaterThan(0);
      await bothWays(at(file), { dm: 10, normalise: "zscore", nsub: 16, reference: "centre" }, { start: 100 * TBIN, duration: 90 * TBIN }, samples(50));
    }
  });

  it("scales, offsets and weights left out, and kept (a zero weight then masks nothing)", async () => {
    const file = at("stream_nbits4_aabbcrci.fits");
    for (const read of [{ applyScales: false }, { applyOffsets: false }, { applyWeights: false, pol: "CR" as const }]) {
      const { streamed } = await bothWays(file, { dm: 10, normalise: "zscore", nsub: 16, maskVariance: 1 }, read, samples(29));
      if (read.applyWeights === false) expect(streamed.spectra.channelMask.origins).not.toContain("file");
    }
  });

  it("zero weights mask their channel with the origin `file`; DAT_FREQ drifting is noted once, as read whole", async () => {
    const file = at("stream_nbits8.fits");
    const { streamed, whole } = await bothWays(file, { normalise: "zscore", nsub: 16 }, {}, samples(11));
    // DAT_WTS 0 on file channel 7 of every row (descending: row 56), and on channel 20 of row 4 only (NaN samples)
    expect(streamed.spectra.channelMask.origins.flatMap((o, c) => (o ? [[c, o]] : []))).toEqual([[56, "file"]]);
    const drift = streamed.waterfall.notes.filter((n) => n.startsWith("DAT_FREQ"));
    expect(drift).toEqual(["DAT_FREQ of row 5 differs from row 0's by up to 1 MHz; row 0's channel frequencies are used"]);
    expect(whole.waterfall.notes.filter((n) => n.startsWith("DAT_FREQ"))).toEqual(drift);
    // the zero padding (19 samples) is trimmed in both
    expect(streamed.waterfall.ntime).toBe(13 * 48 - 19);
    // a range after the drift starts names its own first row
    const later = await bothWays(file, { normalise: "zscore", nsub: 16 }, { start: 400 * TBIN }, samples(11));
    expect(later.streamed.waterfall.notes.filter((n) => n.startsWith("DAT_FREQ"))[0]).toMatch(/^DAT_FREQ of row 8 /);
  });
});

describe("what a streamed PSRFITS read reads", () => {
  it("decodes only the subints holding the samples asked for, reusing the last one read", async () => {
    const file = at("stream_nbits8.fits");
    const bytes = readFileSync(file);
    const { source, bytesRead } = countingSource(bytes, file);
    const opened = await FORMATS.find((f) => f.name === "psrfits")!.open(source, file, {});
    const rows = opened.timeRows!;
    expect(rows.layout).toEqual({ nbits: 32, nchan: 64, descending: false });
    const rowBytes = Number(/NAXIS1\s*=\s*(\d+)/.exec(bytes.subarray(2880).toString("latin1"))![1]);
    const whole = await openWaterfall(file);
    const check = async (first: number, count: number, rowsRead: number) => {
      const before = bytesRead();
      const into = new Uint8Array(count * rows.rowBytes);
      await rows.read(first, into);
      expect(bytesRead() - before, `samples ${first}..${first + count}`).toBe(rowsRead * rowBytes);
      const got = new Float32Array(into.buffer);
      const expected = new Float32Array(count * 64);
      for (let t = 0; t < count; t++) for (let c = 0; c < 64; c++) expected[t * 64 + c] = whole.intensity[c * whole.ntime + first + t];
      expectIdentical(got, expected, `samples ${first}..${first + count}`);
    };
    await check(50, 10, 1); // inside subint 1
    await check(60, 40, 1); // the rest of subint 1 (kept) and subint 2
    await check(100, 5, 0); // subint 2 again
    await check(10, 130, 3); // subints 0..2, none kept in front
    await check(13 * 48 - 19 - 7, 7, 1); // the end of the trimmed last subint
  });

  it("robust normalisation ('auto' on integer samples) streams by the selection passes; the read's size limit does not refuse a streamed read", async () => {
    const file = at("stream_nbits16_aabb.fits");
    const always = { streamAboveBytes: 0 };
    for (const options of [
      { dm: 10, nsub: 16 },
      { normalise: "robust", nsub: 16, dm: 5 },
    ] as ProcessOptions[]) {
      const { streamed } = await bothWays(file, options);
      expect(streamed.inMemory).toBeUndefined();
      expect(streamed.applied.normalise).toBe("robust");
    }
    const limit = { maxBytes: 64 * 300 };
    const streamed = await readProcessed(file, limit, { dm: 10, normalise: "zscore", nsub: 16 }, always);
    expect(streamed.inMemory).toBeUndefined();
    await expect(readProcessed(file, limit, { dm: 10, normalise: "zscore", nsub: 16 }, { streamAboveBytes: Number.POSITIVE_INFINITY })).rejects.toMatchObject({
      code: "E_TOO_LARGE",
    });
  });

  it("several files of one observation are read whole", async () => {
    const pair = generatedPath("psrfits");
    if (!existsSync(join(pair, "manifest.json"))) runPython("fixtures/make_psrfits.py", [pair]);
    const files = [0, 1].map((i) => join(pair, `sequence_gap_${i}.fits`));
    expect((await readProcessed(files, {}, { normalise: "zscore", nsub: 4 }, { streamAboveBytes: 0 })).inMemory).toBe("several files");
    // one of a pair alone streams: NSUBOFFS = 3 moves its start, not its samples
    const second = join(pair, "sequence_contiguous_1.fits");
    const { streamed } = await bothWays(second, { normalise: "zscore", nsub: 4 }, {}, 16 * 4 * 5);
    expect(streamed.spectra.startMjd).toBeCloseTo(60123 + (43200 + 0.125 + 3 * 32 * 64e-6) / 86400, 12);
  });

  it("channel frequencies given from the top of the band flip the decoded rows, as read whole", async () => {
    const freqs = Array.from({ length: 64 }, (_, i) => 1450 - 4 * i);
    const { streamed } = await bothWays(at("stream_nbits1.fits"), { dm: 10, normalise: "zscore", nsub: 8 }, { freqs }, samples(9));
    expect(streamed.spectra.fileDescending).toBe(true);
  });
});

const real = realDataDir();

describe.skipIf(!real)("real PSRFITS files", () => {
  it("ASKAP 28.fits (8-bit, zero padding trimmed) and Parkes UWL 4-bit AABBCRCI stream to the same numbers", async () => {
    const askap = join(real!, "askap_FRB180417", "28.fits");
    await bothWays(askap, { dm: 475.284, normalise: "zscore", nsub: 16, downsample: 2, maskVariance: 1 }, {}, 336 * 4 * 333);
    await bothWays(askap, { dm: 475.284, normalise: "fractional", nsub: 42 }, { start: 1.5, duration: 2 }, 336 * 4 * 1000);
    const parkes = join(real!, "parkes_crab_4bit", "parkes_4bit.sf");
    for (const pol of [{}, { pol: "BB" as const }, { pol: "mean" as const }])
      await bothWays(parkes, { dm: 56.8, normalise: "zscore", nsub: 52, maskVariance: 1 }, pol, 416 * 4 * 777);
  }, 120_000);
});
