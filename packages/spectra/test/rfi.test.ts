/**
 * RFI masks through the API, against python/rfi_reference.py (numpy and the
 * `iqrm` package itself) on the injection fixture: identical IQRM masks on
 * each statistic, SK values to 1e-6, zero-DM output to 1e-6, identical fences,
 * cfod flags and automatic masks; then what the automatic mask achieves on the
 * injected RFI (>= 95 % of the bad channels, <= 2 % of the clean ones, a
 * higher burst S/N), and provenance (each channel's origin).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { Npz, openWaterfall, processSpectra, Spectra, type ProcessOptions, type RfiMethods } from "@wfall/spectra";
import { toFloat32 } from "@wfall/spectra/internal";

import { expectClose, fixtures, runPython } from "../../../test-utils/helpers.js";

const FIXTURE = join(fixtures, "rfi_256x2048.npz");
const truth = JSON.parse(readFileSync(join(fixtures, "rfi_256x2048.truth.json"), "utf8"));

interface Reference {
  radius: number;
  stats: Record<string, (number | null)[]>;
  iqrm: Record<"std" | "mean" | "kurtosis" | "cv", boolean[]>;
  dead: boolean[];
  fences: Record<string, boolean[]>;
  cfod: boolean[];
  sk: { accumulations: number; values: (number | null)[]; flags: boolean[] };
  power_like: boolean;
  auto: (string | null)[];
}

const dir = mkdtempSync(join(tmpdir(), "wfall-rfi-"));
let raw: Reference;
let lowThreshold: Reference;
let cleaned: Reference;
let zeroDm: Npz;

beforeAll(async () => {
  const out = (name: string) => join(dir, name);
  runPython("python/rfi_reference.py", [FIXTURE, "--zeros-missing", "--out", out("raw.json"), "--zerodm-out", out("zerodm.npz")]);
  runPython("python/rfi_reference.py", [FIXTURE, "--zeros-missing", "--zerodm", "sigpyproc", "--out", out("cleaned.json")]);
  runPython("python/rfi_reference.py", [FIXTURE, "--zeros-missing", "--radius", "5", "--threshold", "2", "--out", out("low.json")]);
  raw = JSON.parse(readFileSync(out("raw.json"), "utf8"));
  lowThreshold = JSON.parse(readFileSync(out("low.json"), "utf8"));
  cleaned = JSON.parse(readFileSync(out("cleaned.json"), "utf8"));
  zeroDm = await Npz.open(out("zerodm.npz"));
}, 120_000);

const fixture = async () => Spectra.fromWaterfall(await openWaterfall(FIXTURE));
const positions = (flags: readonly unknown[]) => flags.flatMap((f, i) => (f ? [i] : []));
const flagged = (origin: readonly (string | null)[], label: string) => positions(origin.map((o) => o === label));
const nulls = (values: (number | null)[]) => values.map((v) => (v === null ? Number.NaN : v));

describe("the RFI methods agree with numpy and the iqrm package", () => {
  it("channel statistics of the valid samples", async () => {
    const result = (await fixture()).maskRfi({ iqrm: true });
    for (const key of ["count", "mean", "variance", "skewness", "kurtosis", "s1", "s2"] as const)
      expectClose(result.stats[key], nulls(raw.stats[key]), 1e-9, key);
  });

  for (const statistic of ["std", "mean", "kurtosis", "cv"] as const) {
    it(`IQRM on the channel ${statistic}: the same masks as iqrm.iqrm_mask, at the defaults and at radius 5, 2 sigma`, async () => {
      const result = (await fixture()).maskRfi({ iqrm: { statistic } });
      expect(result.iqrmRadiusChannels).toBe(raw.radius);
      expect(flagged(result.origin, "iqrm")).toEqual(positions(raw.iqrm[statistic]));
      const low = (await fixture()).maskRfi({ iqrm: { statistic, radiusChannels: 5, thresholdSigma: 2 } });
      const expected = positions(lowThreshold.iqrm[statistic]);
      expect(expected.length).toBeGreaterThan(0);
      expect(flagged(low.origin, "iqrm")).toEqual(expected);
    });
  }

  it("IQRM flags something at the defaults on this fixture, and the parameters change the mask", () => {
    expect(positions(raw.iqrm.std).length).toBeGreaterThan(0);
    expect(positions(lowThreshold.iqrm.std)).not.toEqual(positions(raw.iqrm.std));
  });

  it("spectral kurtosis: values to 1e-6 and the same flags as your's rule", async () => {
    const result = (await fixture()).maskRfi({ sk: true });
    expect(result.skAccumulations).toBe(raw.sk.accumulations);
    expectClose(result.skValues!, nulls(raw.sk.values), 1e-6, "SK");
    expect(flagged(result.origin, "sk")).toEqual(positions(raw.sk.flags));
  });

  it("MAD and Tukey fences on the mean and variance, and cfod's rule", async () => {
    const either = (a: string, b: string) => raw.fences[a].map((f, i) => f || raw.fences[b][i]);
    const mad = (await fixture()).maskRfi({ mad: 5 });
    expect(flagged(mad.origin, "mad")).toEqual(positions(either("mad_mean", "mad_variance")));
    const tukey = (await fixture()).maskRfi({ tukey: 3 });
    expect(flagged(tukey.origin, "tukey")).toEqual(positions(either("tukey3_mean", "tukey3_variance")));
    const cfod = (await fixture()).maskRfi({ cfod: true });
    expect(flagged(cfod.origin, "cfod")).toEqual(positions(raw.cfod));
  });

  it("zero-DM: both variants to 1e-6 of numpy", async () => {
    for (const variant of ["sigpyproc", "jess"] as const) {
      const spectra = (await fixture()).zeroDm(variant);
      const expected = toFloat32(await zeroDm.array(variant), { key: variant });
      // numpy holds missing (zero) samples as NaN, the Spectra leaves them as stored, weight 0
      const ours = spectra.data.map((v, i) => (Number.isNaN(expected[i]) ? Number.NaN : v));
      expectClose(ours, expected, 1e-6, variant);
    }
  });

  it("the automatic mask: zero-DM (sigpyproc on this power), then the reference's origins", async () => {
    const spectra = await fixture();
    const result = spectra.maskRfi({ zeroDm: "recommended", auto: true });
    expect(result.zeroDm).toBe("sigpyproc");
    expect(result.autoPowerLike).toBe(true);
    expect(result.autoIqrmStatistic).toBe("cv");
    expect(result.autoSk).toBe(true);
    expect(cleaned.power_like).toBe(true);
    expect(result.origin).toEqual(cleaned.auto);
  });
});

describe("the automatic mask on the injected RFI", () => {
  const bad = new Set<number>(Object.values(truth.bad_channels as Record<string, number[]>).flat());
  const clean = Array.from({ length: truth.nchan }, (_, c) => c).filter((c) => !bad.has(c));

  /** S/N of the burst in the band-summed, dedispersed, per-channel z-scored series: peak over off-pulse spread. */
  function burstSnr(options: ProcessOptions, spectra: Spectra): number {
    processSpectra(spectra, { ...options, normalise: "zscore", dm: truth.burst.dm, nsub: truth.nchan });
    const series = spectra.timeseries();
    const at = truth.burst.sample_top;
    const off = Array.from(series).filter((_, j) => Math.abs(j - at) > 40);
    const mean = off.reduce((a, b) => a + b, 0) / off.length;
    const std = Math.sqrt(off.reduce((a, b) => a + (b - mean) ** 2, 0) / off.length);
    const peak = Math.max(...Array.from(series.slice(at - 3, at + 4)));
    return (peak - mean) / std;
  }

  it("catches at least 95 % of the bad channels and at most 2 % of the clean ones", async () => {
    const spectra = processSpectra(await fixture(), { maskAuto: true });
    const origins = spectra.channelMask.origins;
    const caught = [...bad].filter((c) => origins[c] !== null);
    const taken = clean.filter((c) => origins[c] !== null);
    expect(caught.length / bad.size).toBeGreaterThanOrEqual(0.95);
    expect(taken.length / clean.length).toBeLessThanOrEqual(0.02);
    // the dead channels are the file's (all zero in a tutorial npz: no valid sample)
    for (const c of truth.bad_channels.dead) expect(origins[c]).toBe("file");
    expect(spectra.channelMask.steps.map((s) => s.method)).toEqual(["file", "zerodm", "constant", "iqrm", "sk"]);
  });

  it("raises the burst's S/N", async () => {
    const before = burstSnr({}, await fixture());
    const after = burstSnr({ maskAuto: true }, await fixture());
    console.log(`burst S/N on the RFI fixture: ${before.toFixed(2)} without masks, ${after.toFixed(2)} with --mask-auto`);
    expect(after).toBeGreaterThan(before);
  });

  it("never zero-DMs dedispersed data, and says so", async () => {
    const wf = await openWaterfall(FIXTURE, { fileDm: 300 });
    const spectra = Spectra.fromWaterfall(wf);
    const data = spectra.data.slice();
    processSpectra(spectra, { maskAuto: true, nsub: truth.nchan });
    expect(spectra.channelMask.steps.some((s) => s.method === "zerodm")).toBe(false);
    expect(spectra.channelMask.notes.join()).toMatch(/no zero-DM, the data are dedispersed \(DM 300\)/);
    // only masked rows changed
    const masked = new Set(spectra.channelMask.origins.flatMap((o, c) => (o ? [c] : [])));
    for (let c = 0; c < spectra.nchan; c++) {
      if (masked.has(c)) continue;
      expect(Array.from(spectra.data.subarray(c * spectra.ntime, (c + 1) * spectra.ntime))).toEqual(
        Array.from(data.subarray(c * spectra.ntime, (c + 1) * spectra.ntime)),
      );
    }
    expect(() => Spectra.fromWaterfall(wf).zeroDm("jess")).toThrow(/belongs before dedispersion.*DM 300/);
    expect(() => processSpectra(Spectra.fromWaterfall(wf), { zeroDm: "sigpyproc" })).toThrow(/would subtract the burst/);
  });
});

describe("provenance", () => {
  it("each channel keeps the first origin; the steps say how many each took", async () => {
    const methods: RfiMethods = { constant: true, iqrm: true, sk: true };
    const spectra = (await fixture()).maskChannels([10, 11], "manual").maskChannels([11, 12], "freq");
    spectra.maskRfi(methods);
    const mask = spectra.channelMask;
    expect(mask.origins.slice(10, 13)).toEqual(["manual", "manual", "freq"]);
    const counts = new Map<string, number>();
    for (const o of mask.origins) if (o) counts.set(o, (counts.get(o) ?? 0) + 1);
    for (const method of ["iqrm", "sk", "manual", "freq", "file"]) {
      const steps = mask.steps.filter((s) => s.method === method);
      expect(
        steps.reduce((n, s) => n + s.channels, 0),
        method,
      ).toBe(counts.get(method) ?? 0);
    }
  });

  it("subbanding keeps the full-resolution record; later masks land on its channels", async () => {
    const spectra = (await fixture()).subband(64);
    expect(spectra.nchan).toBe(64);
    spectra.maskChannels([1], "manual");
    const mask = spectra.channelMask;
    expect(mask.grid).toEqual({ nchan: 256, fbottom: 1200, df: 1 });
    expect(positions(mask.origins.map((o) => o === "manual"))).toEqual([4, 5, 6, 7]);
  });

  it("spectral kurtosis is refused on normalised data, naming the alternative", async () => {
    const spectra = (await fixture()).normalise("zscore");
    expect(() => spectra.maskRfi({ sk: true })).toThrow(/spectral kurtosis needs power data.*IQRM or fences/);
  });
});
