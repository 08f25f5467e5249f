/**
 * The streaming read of channel-major npz members (blocks of whole channels
 * through the per-channel steps and the fused dedisperse-subband kernel)
 * gives the numbers of the in-memory path, bit for bit, with the same mask
 * record, notes and provenance: fixtures with dead, NaN and constant
 * channels and missing samples, time ranges with their sweep, given and
 * tutorial masks, both wraps, descending frequencies, blocks whose last is
 * short; the real npz files; and a corrupt member is refused as a whole
 * read refuses it.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { readProcessed, type ProcessOptions, type ReadOptions } from "@wfall/spectra";

import { realDataDir, runPython } from "../../../test-utils/helpers.js";
import { streamedEqualsWhole } from "../../../test-utils/streaming.js";

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "wfall-stream-"));
  runPython("python/npz_stream_fixtures.py", [dir]);
});

const bothWays = (file: string, options: ProcessOptions, read: ReadOptions = {}, gulpBytes = 1) => streamedEqualsWhole(file, options, read, gulpBytes);

// 6 channels (3 subbands of 2) per block of 1001 samples: the last of 43 blocks holds 4
const SIX_CHANNELS = 6 * 4 * 1001;

describe("streamed channel blocks equal the whole array", () => {
  it("raw power: robust normalisation decided by 'auto', a NaN channel and missing samples, DM with the default wrap, given masks", async () => {
    const { streamed } = await bothWays(join(dir, "raw.npz"), { dm: 30, maskChannels: [3, 4, 250], maskFreq: [[500, 520]] }, {}, SIX_CHANNELS);
    expect(streamed.spectra.channelMask.origins[3]).toBe("manual");
    expect(streamed.applied.normalise).toBe("robust");
    expect(streamed.spectra.nchan).toBe(128);
    expect(streamed.spectra.channelMask.origins[90]).toBe("file");
  });

  it("a dead channel of zeros (the file's mask), robust normalisation asked for", async () => {
    const { streamed } = await bothWays(join(dir, "dead.npz"), { dm: 30, normalise: "robust", masks: true }, {}, SIX_CHANNELS);
    expect(streamed.spectra.channelMask.origins[17]).toBe("file");
  });

  it("a time range read with its dispersion sweep, tutorial masks, given channels and MHz ranges, downsampled", async () => {
    const options: ProcessOptions = { dm: 30, masks: true, maskChannels: [3, 4, 250], maskFreq: [[500, 520]], downsample: 3, nsub: 32 };
    const { streamed } = await bothWays(join(dir, "raw.npz"), options, { start: 0.2, duration: 0.3 }, SIX_CHANNELS);
    expect(streamed.waterfall.window).toBeDefined();
    expect(streamed.spectra.ntime).toBe(Math.floor(Math.round(0.3 / 0.00098304) / 3));
  });

  it("circular dedispersion, z-score normalisation, one block per subband", async () => {
    await bothWays(join(dir, "dead.npz"), { dm: 30, wrap: "roll", normalise: "zscore", nsub: 64 });
  });

  it("data already normalised ('auto' keeps them), a constant channel, subbands without dedispersion", async () => {
    const { streamed } = await bothWays(join(dir, "normalised.npz"), { nsub: 16 }, {}, 5 * 16 * 4 * 1001);
    expect(streamed.applied.normalise).toBe("none");
    expect(streamed.spectra.channelMask.origins[33]).toBe("constant");
  });

  it("8-bit counts: 'auto' normalises an integer type without a first look", async () => {
    const { streamed } = await bothWays(join(dir, "counts.npz"), { dm: 30, nsub: 64, masks: true, wrap: "roll" }, { start: 0.5 }, SIX_CHANNELS);
    expect(streamed.applied.normalise).toBe("robust");
  });

  it("frequencies stored from the highest (rows flipped), a range at the start of the file", async () => {
    await bothWays(join(dir, "descending.npz"), { dm: 30, masks: true }, { duration: 0.5 }, SIX_CHANNELS);
  });
});

describe("what streams and what does not", () => {
  it("RFI statistics across channels and full-resolution results are read whole, saying why", async () => {
    const file = join(dir, "raw.npz");
    const always = { streamAboveBytes: 0 };
    expect((await readProcessed(file, {}, { maskIqrm: true }, always)).inMemory).toMatch(/--maskIqrm needs statistics across every channel/);
    expect((await readProcessed(file, {}, { nsub: "all", dm: 10 }, always)).inMemory).toMatch(/no subbands/);
    expect((await readProcessed(file, {}, { dm: 10 })).inMemory).toMatch(/bytes are read whole/);
  });

  it("a corrupt member is refused when streamed, as when read whole", async () => {
    const file = join(dir, "corrupt.npz");
    await expect(readProcessed(file, {}, { dm: 30 }, { streamAboveBytes: Number.POSITIVE_INFINITY })).rejects.toMatchObject({ code: "E_CORRUPT" });
    await expect(readProcessed(file, {}, { dm: 30 }, { streamAboveBytes: 0, gulpBytes: SIX_CHANNELS })).rejects.toMatchObject({
      code: "E_CORRUPT",
      message: expect.stringMatching(/corrupt\.npz.*CRC mismatch/),
    });
  });
});

describe("real npz files", () => {
  const real = realDataDir();
  it.runIf(real)("CHIME B0355+54 and Arecibo FRB 121102 B6 stream to the same numbers", async () => {
    const chime = join(real as string, "chime_B0355+54", "B0355+54_wfall.npz");
    const arecibo = join(real as string, "arecibo_FRB121102_B6", "aggarwal2021_B006.npz");
    await bothWays(chime, { dm: 57.2403, nsub: 16, masks: true }, {}, 4096);
    await bothWays(arecibo, { dm: 565, nsub: 16 }, {}, 20_000);
    await bothWays(arecibo, { dm: 565, nsub: 8, downsample: 2 }, { start: 0.01, duration: 0.02 }, 20_000);
  });
});
