/**
 * The streaming read of filterbanks (gulps of time samples: statistics
 * passes, then the fused dedisperse-subband-downsample kernel) gives the
 * numbers of the in-memory path, bit for bit, with the same mask record,
 * notes and provenance: 1, 2, 4, 8, 16 and 32-bit fixtures with dead,
 * constant and NaN channels, every normalisation, the tutorial's and given
 * masks, time ranges with their sweep, both wraps, ascending and descending
 * bands, gulps whose last is short; robust normalisation of 16 and 32-bit
 * samples (exact medians and MADs by passes of selection) with ties, signed
 * zeros, infinities and a huge dynamic range; signed (two's complement) 8 and
 * 16-bit samples with their extremes, also against numpy; the real
 * filterbanks; and what cannot stream exactly is read whole, saying why.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { Npz, readProcessed, type ProcessOptions, type ReadOptions } from "@wfall/spectra";
import { headerBytes, toFloat32 } from "@wfall/spectra/internal";

import { expectClose, realDataDir, runPython } from "../../../test-utils/helpers.js";
import { streamedEqualsWhole } from "../../../test-utils/streaming.js";

let dir: string;

/** A deterministic generator of uniform numbers in [0, 1). */
function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Fixture {
  nbits: 1 | 2 | 4 | 8 | 16 | 32;
  nchan: number;
  ntime: number;
  descending: boolean;
  /** 8 or 16-bit two's complement samples (the header's `signed`). */
  signed?: boolean;
  /** The stored value of file channel `f` at sample `t` (levels for unsigned integers). */
  value: (f: number, t: number) => number;
}

/** Writes a filterbank (800 MHz at its lowest edge, 0.4 MHz channels, 1 ms samples). */
function writeFixture(name: string, { nbits, nchan, ntime, descending, signed, value }: Fixture): string {
  const df = 0.4;
  const fch1 = descending ? 800 + (nchan - 0.5) * df : 800 + 0.5 * df;
  const header = headerBytes([
    ["source_name", "fixture"],
    ["telescope_id", 0],
    ["machine_id", 0],
    ["data_type", 1],
    ["fch1", fch1],
    ["foff", descending ? -df : df],
    ["nchans", nchan],
    ["nbits", nbits],
    ["nifs", 1],
    ["tstart", 60000],
    ["tsamp", 0.001],
    ...(signed ? [["signed", 1] as [string, number]] : []),
  ]);
  const rowBytes = (nchan * nbits) / 8;
  const samples = Buffer.alloc(ntime * rowBytes);
  for (let t = 0; t < ntime; t++) {
    for (let f = 0; f < nchan; f++) {
      const v = value(f, t);
      if (nbits === 32) samples.writeFloatLE(v, t * rowBytes + 4 * f);
      else if (signed && nbits === 16) samples.writeInt16LE(v, t * rowBytes + 2 * f);
      else if (signed) samples.writeInt8(v, t * rowBytes + f);
      else if (nbits === 16) samples.writeUInt16LE(v, t * rowBytes + 2 * f);
      else {
        const perByte = 8 / nbits;
        samples[t * rowBytes + Math.floor(f / perByte)] |= v << ((f % perByte) * nbits);
      }
    }
  }
  const file = join(dir, name);
  writeFileSync(file, Buffer.concat([header, samples]));
  return file;
}

/** Noise on a bandpass, a dispersed burst, and channels that are dead (0), constant or NaN (floats). */
function fixture(nbits: Fixture["nbits"], nchan: number, ntime: number, descending: boolean, options: { floats?: "raw" | "normalised" } = {}): Fixture {
  const random = uniform(nbits * 7919 + nchan);
  const top = nbits === 32 ? 1 : 2 ** nbits - 1;
  const table = Array.from({ length: nchan * ntime }, () => random());
  const value = (f: number, t: number) => {
    const c = descending ? nchan - 1 - f : f; // our channel (0 the lowest)
    if (c === 5) return 0; // dead
    if (c === 9) return nbits === 32 ? 3.25 : Math.min(top, 1); // constant
    const burst = Math.abs(t - (400 + Math.round((nchan - c) * 1.7))) < 3 ? 0.5 : 0;
    const u = table[f * ntime + t];
    if (nbits === 32) {
      if (c === 13) return Number.NaN;
      if (c === 17 && t % 97 === 0) return Number.NaN;
      if (options.floats === "normalised") return (u - 0.5) * (c === 21 ? 40 : 1) + burst;
      return (10 + c) * (1 + 0.1 * (u - 0.5) + burst);
    }
    const level = Math.round((0.3 + (0.2 * ((c * 37) % 11)) / 11 + 0.25 * u + burst * 0.4) * top);
    return Math.max(0, Math.min(top, level));
  };
  return { nbits, nchan, ntime, descending, value };
}

/**
 * Floats whose medians and MADs are hard to get exactly: few distinct values
 * (ties, an even count: the mean of the two middle values), signed zeros and
 * a median of zero, infinities, a huge dynamic range (subnormals to 1e30),
 * many tiny samples at one f32 distance from a large median, one valid sample,
 * none, and a dead channel.
 */
function tiedFloats(nchan: number, ntime: number): Fixture {
  const random = uniform(nchan * 31 + ntime);
  const table = Array.from({ length: nchan * ntime }, () => random());
  const value = (f: number, t: number) => {
    const u = table[f * ntime + t];
    if (f === 5) return 0; // dead
    if (f === 6) return t === 17 ? 2.5 : Number.NaN; // one valid sample
    if (f === 7) return Number.NaN;
    switch (f % 5) {
      case 0:
        return Math.round(u * 4) / 4 + f; // ties
      case 1:
        return t % 3 === 0 ? -0 : t % 3 === 1 ? (u < 0.5 ? 0 : -1.5) : 1.5; // signed zeros, a median of zero
      case 2:
        return t % 50 === 0 ? (t % 100 === 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY) : 100 + 10 * u;
      case 3:
        return (u < 0.5 ? -1 : 1) * 10 ** (60 * u - 30) * (t % 7 === 0 ? 1e-15 : 1); // subnormals to 1e30
      default:
        return t < 0.45 * ntime ? 1e-30 * (1 + t) : 1000 + (t % 13); // tiny samples far from the median
    }
  };
  return { nbits: 32, nchan, ntime, descending: true, value };
}

/**
 * Signed samples: a bandpass of negative and positive levels with a dispersed
 * burst, a dead channel (0), a constant -1 (the highest level), the extremes
 * with ties, and few values around a negative median.
 */
function signedFixture(nbits: 8 | 16, nchan: number, ntime: number, descending: boolean): Fixture {
  const random = uniform(nbits * 104729 + nchan);
  const [lowest, highest] = [-(2 ** (nbits - 1)), 2 ** (nbits - 1) - 1];
  const table = Array.from({ length: nchan * ntime }, () => random());
  const value = (f: number, t: number) => {
    const c = descending ? nchan - 1 - f : f;
    if (c === 5) return 0;
    if (c === 9) return -1;
    if (c === 11) return [lowest, highest, lowest, 0, highest][t % 5];
    if (c === 12) return ((t * 7) % 5) - 3;
    const burst = Math.abs(t - (300 + Math.round((nchan - c) * 1.3))) < 3 ? 0.3 : 0;
    const level = Math.round(((((c * 37) % 11) / 11 - 0.6) * 0.8 + 0.25 * (table[f * ntime + t] - 0.5) + burst) * highest);
    return Math.max(lowest, Math.min(highest, level));
  };
  return { nbits, nchan, ntime, descending, signed: true, value };
}

const bothWays = (file: string, options: ProcessOptions, read: ReadOptions = {}, gulpBytes = 1 << 20) => streamedEqualsWhole(file, options, read, gulpBytes);

let eight: string;
let eightAscending: string;
let floatsRaw: string;
let floatsNormalised: string;
let sixteen: string;
let sixteenWide: string;
let floatsTied: string;
const packed: Record<number, string> = {};
const signed: Record<number, string> = {};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "wfall-stream-fil-"));
  eight = writeFixture("eight.fil", fixture(8, 256, 3001, true));
  eightAscending = writeFixture("eight-ascending.fil", fixture(8, 128, 2003, false));
  floatsRaw = writeFixture("floats-raw.fil", fixture(32, 128, 1501, true, { floats: "raw" }));
  floatsNormalised = writeFixture("floats-normalised.fil", fixture(32, 128, 1501, false, { floats: "normalised" }));
  sixteen = writeFixture("sixteen.fil", fixture(16, 64, 1201, true));
  // 2048 channels: too many for a histogram of every 16-bit level each (selection takes several passes)
  sixteenWide = writeFixture("sixteen-wide.fil", fixture(16, 2048, 301, false));
  floatsTied = writeFixture("floats-tied.fil", tiedFloats(64, 1000));
  for (const nbits of [1, 2, 4] as const) packed[nbits] = writeFixture(`packed${nbits}.fil`, fixture(nbits, 64, 1999, nbits !== 2));
  signed[8] = writeFixture("signed8.fil", signedFixture(8, 64, 1501, true));
  signed[16] = writeFixture("signed16.fil", signedFixture(16, 64, 1201, false));
});

// 256 channels of 8 bits: 7 rows a gulp, the last of the 429 gulps holds 5 rows
const SEVEN_ROWS = 7 * 256;

describe("streamed time gulps equal the whole array", () => {
  it("8-bit counts, 'auto' (robust, exact medians from level counts), a dead channel, DM, the default constant mask", async () => {
    const { streamed } = await bothWays(eight, { dm: 40 }, {}, SEVEN_ROWS);
    expect(streamed.applied.normalise).toBe("robust");
    expect(streamed.spectra.nchan).toBe(128);
    expect(streamed.spectra.channelMask.origins[5]).toBe("file");
    expect(streamed.spectra.channelMask.origins[9]).toBe("normalise");
  });

  it("the tutorial's masks, given channels and MHz, a time range with its sweep, downsampled from an odd offset, rolled", async () => {
    const options: ProcessOptions = { dm: 40, masks: true, maskChannels: [3, 4, 250], maskFreq: [[820, 824]], downsample: 3, nsub: 32, wrap: "roll" };
    const { streamed } = await bothWays(eight, options, { start: 0.8, duration: 1.1 }, SEVEN_ROWS);
    expect(streamed.spectra.channelMask.origins[3]).toBe("manual");
    expect(streamed.spectra.ntime).toBe(Math.floor(1100 / 3));
    // aligned to the centre of the band: the sweep is read before the window too (25 samples: groups of 3 start off the grid)
    const centred = await bothWays(eight, { ...options, wrap: "invalidate", reference: "centre" }, { start: 0.8, duration: 1.1 }, 1000 * 256);
    expect(centred.streamed.waterfall.window?.offset).toBe(25);
  });

  it("every normalisation, and none, with and without dedispersion, on an ascending band", async () => {
    for (const normalise of ["none", "zscore", "fractional", "robust"] as const) {
      await bothWays(eightAscending, { dm: 25, normalise, masks: true, nsub: 32 }, {}, 13 * 128);
      await bothWays(eightAscending, { normalise, nsub: 16, downsample: 4 }, { start: 0.5 }, 64 * 128);
    }
  });

  it("1, 2 and 4-bit samples, one gulp holding every row", async () => {
    for (const nbits of [1, 2, 4]) {
      await bothWays(packed[nbits], { dm: 30, nsub: 16, masks: true }, {}, 1 << 20);
      await bothWays(packed[nbits], { dm: 30, nsub: 8, maskVariance: 0.5, normalise: "none", wrap: "roll" }, { duration: 1 }, 3 * 64);
    }
  });

  it("32-bit floats already normalised: 'auto' keeps them, NaN samples and channels, the tutorial's masks by time-ordered moments", async () => {
    const { streamed } = await bothWays(floatsNormalised, { dm: 20, masks: true, nsub: 32 }, {}, 11 * 512);
    expect(streamed.applied.normalise).toBe("none");
    expect(streamed.spectra.channelMask.origins[13]).toBe("file");
    expect(streamed.spectra.channelMask.origins[21]).toMatch(/^(sum|variance)$/);
    await bothWays(floatsNormalised, { dm: 20, normalise: "zscore", masks: true, nsub: 16 }, { start: 0.3, duration: 0.7 }, 11 * 512);
    await bothWays(floatsRaw, { dm: 20, normalise: "fractional", masks: true, nsub: 64, downsample: 2 }, {}, 11 * 512);
  });

  it("16-bit samples normalised by z-scores and kept as stored", async () => {
    await bothWays(sixteen, { dm: 10, normalise: "zscore", nsub: 16, masks: true }, {}, 100 * 128);
    await bothWays(sixteen, { normalise: "none", nsub: 8 }, {}, 100 * 128);
  });
});

describe("robust normalisation of 16 and 32-bit samples streams (exact medians and MADs by selection)", () => {
  it("16-bit: 'auto' and robust, every level in one histogram, a time range, odd gulps, the tutorial's masks", async () => {
    const { streamed } = await bothWays(sixteen, { dm: 10, nsub: 16, masks: true }, {}, 37 * 128);
    expect(streamed.applied.normalise).toBe("robust");
    expect(streamed.spectra.channelMask.origins[5]).toBe("file");
    expect(streamed.spectra.channelMask.origins[9]).toBe("normalise");
    await bothWays(sixteen, { dm: 10, normalise: "robust", nsub: 8, downsample: 3 }, { start: 0.2, duration: 0.71 }, 101 * 128);
  });

  it("16-bit on 2048 channels: selection over several passes, ascending band", async () => {
    const { streamed } = await bothWays(sixteenWide, { dm: 5, nsub: 64, masks: true }, {}, 23 * 4096);
    expect(streamed.applied.normalise).toBe("robust");
    await bothWays(sixteenWide, { normalise: "robust", nsub: 32, downsample: 2 }, { start: 0.05, duration: 0.2 }, 100 * 4096);
  });

  it("32-bit raw floats: 'auto' decides robust from the moments, NaN samples and channels, dead and constant channels", async () => {
    const { streamed } = await bothWays(floatsRaw, { dm: 20, nsub: 32, masks: true }, {}, 11 * 512);
    expect(streamed.applied.normalise).toBe("robust");
    expect(streamed.notes.join(" ")).toMatch(/robust/);
    expect(streamed.spectra.channelMask.origins[13]).toBe("file");
    await bothWays(floatsRaw, { dm: 20, normalise: "robust", nsub: 16, wrap: "roll" }, { start: 0.4, duration: 0.55 }, 13 * 512 + 4);
  });

  it("32-bit floats with ties, signed zeros, infinities, a huge dynamic range, one valid sample and none", async () => {
    await bothWays(floatsTied, { normalise: "robust", nsub: 16, masks: true }, {}, 7 * 256);
    await bothWays(floatsTied, { normalise: "robust", nsub: 8 }, { start: 0.1, duration: 0.5 }, 1 << 20);
    // one sample fewer: every count of valid samples changes parity
    await bothWays(floatsTied, { normalise: "robust", nsub: 8, dm: 3 }, { duration: 0.999 }, 3 * 256);
  });
});

describe("signed (two's complement) samples stream, equal to the whole read and to numpy", () => {
  it("8 and 16 bits: 'auto', every normalisation and none, masks, DM, a time range, downsampled, odd last gulps", async () => {
    for (const nbits of [8, 16]) {
      const rows = (n: number) => (n * 64 * nbits) / 8;
      const { streamed } = await bothWays(signed[nbits], { dm: 40, nsub: 16, masks: true }, {}, rows(37));
      expect(streamed.applied.normalise).toBe("robust");
      expect(streamed.spectra.channelMask.origins[5]).toBe("file");
      expect(streamed.spectra.channelMask.origins[9]).toBe("normalise");
      for (const normalise of ["robust", "zscore", "fractional", "none"] as const) {
        await bothWays(signed[nbits], { normalise, nsub: 32, downsample: 3, maskChannels: [20] }, { start: 0.2, duration: 0.83 }, rows(101));
        await bothWays(signed[nbits], { dm: 25, normalise, masks: true, nsub: 8, wrap: "roll" }, {}, rows(13));
      }
    }
  });

  it("the streamed robust and z-scored subbands are numpy's", async () => {
    for (const nbits of [8, 16]) {
      runPython("python/read_filterbank.py", [signed[nbits], join(dir, "signed-ref.npz")]);
      for (const method of ["robust", "zscore"] as const) {
        const read = await readProcessed(signed[nbits], {}, { normalise: method, nsub: 16, maskChannels: [20] }, { streamAboveBytes: 0, gulpBytes: 4099 });
        expect(read.inMemory).toBeUndefined();
        runPython("python/normalise_subband.py", [join(dir, "signed-ref.npz"), method, "16", join(dir, "signed-sub.npz"), "20"]);
        const ref = await Npz.open(join(dir, "signed-sub.npz"));
        expectClose(read.spectra.data, toFloat32(await ref.array("intensity"), { key: "intensity" }), 1e-5, `signed ${nbits} bits ${method}`);
        await ref.close();
      }
    }
  });
});

describe("what streams and what does not", () => {
  const always = { streamAboveBytes: 0 };
  it("RFI statistics and full resolution are read whole, saying why", async () => {
    expect((await readProcessed(eight, {}, { maskIqrm: true }, always)).inMemory).toMatch(/--maskIqrm needs statistics across every channel/);
    expect((await readProcessed(eight, {}, { nsub: "all", dm: 10 }, always)).inMemory).toMatch(/no subbands/);
    await expect(readProcessed(eight, {}, { dm: 10, downsample: 5000 }, always)).rejects.toMatchObject({
      message: expect.stringMatching(/factor 5000 exceeds the 3001 samples/),
    });
    expect((await readProcessed(eight, {}, { dm: 10 })).inMemory).toMatch(/bytes are read whole/);
  });

  it("a bad option fails as the in-memory path fails", async () => {
    const bad: ProcessOptions = { nsub: 32, iqrmRadius: 3 };
    await expect(readProcessed(eight, {}, bad, { streamAboveBytes: Number.POSITIVE_INFINITY })).rejects.toMatchObject({ code: "E_ARGUMENT" });
    await expect(readProcessed(eight, {}, bad, always)).rejects.toMatchObject({ code: "E_ARGUMENT", message: expect.stringMatching(/--iqrm-radius/) });
  });
});

describe("real filterbanks", () => {
  const real = realDataDir();
  it.runIf(real)("Arecibo FRB 121102 B58, ASKAP FRB 180417 and the Parkes 1/2/4/8-bit files stream to the same numbers", async () => {
    const at = (...parts: string[]) => join(real as string, ...parts);
    const b58 = at("arecibo_FRB121102_B58", "tcand_2_dm_565.30000_snr_11.92560.fil");
    await bothWays(b58, { dm: 565.3, nsub: 16, masks: true }, {}, 1 << 20);
    await bothWays(b58, { dm: 565.3, nsub: 32, downsample: 16 }, { start: 1.5, duration: 1 }, 64 * 1000);
    await bothWays(at("askap_FRB180417", "28.fil"), { dm: 475.284, nsub: 16, downsample: 2 }, {}, 336 * 333);
    for (const name of ["parkes_8bit_1.fil", "parkes_4bit.fil", "parkes_2bit.fil", "parkes_1bit.fil"]) {
      await bothWays(at("parkes_crab_noise", name), { dm: 56.8, nsub: 64, masks: true }, {}, 832 * 501);
    }
  });
});
