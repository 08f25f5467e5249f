/**
 * Masks on the command line: every mask option on `plot`, `prepare` and
 * `multi`, the summaries by origin on stderr, the npz keys and the JSON mask
 * file (read back by numpy and by `--masks-in`), PRESTO rfifind masks, channel
 * numbers in the file's order, the error when masks leave nothing to draw,
 * and the mask rug.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { openWaterfall, processSpectra, Spectra, writeFilterbank } from "@wfall/spectra";

import { runCli } from "../../../test-utils/cli.js";
import { fixtures, python, realDataDir, runPython } from "../../../test-utils/helpers.js";

const RFI = join(fixtures, "rfi_256x2048.npz");
const B6 = join(fixtures, "frb121102_B6_wfall.npz");

const run = runCli;

const workdir = () => mkdtempSync(join(tmpdir(), "wfall-masks-"));

/** An rfifind `.mask` file laid out as PRESTO's `write_mask` writes it (little-endian). */
function rfifindMask(o: { lofreq: number; dfreq: number; numchan: number; zap: number[]; perInterval: number[][]; ptsperint?: number }): Uint8Array {
  const ints = [o.numchan, o.perInterval.length, o.ptsperint ?? 512, o.zap.length, ...o.zap, 0, ...o.perInterval.map((c) => c.length)];
  for (const chans of o.perInterval) if (chans.length > 0 && chans.length < o.numchan) ints.push(...chans);
  const buf = new DataView(new ArrayBuffer(6 * 8 + ints.length * 4));
  for (const [i, v] of [5, 2, 58000.5, 0.26, o.lofreq, o.dfreq].entries()) buf.setFloat64(i * 8, v, true);
  for (const [i, v] of ints.entries()) buf.setInt32(48 + i * 4, v, true);
  return new Uint8Array(buf.buffer);
}

describe("plot prepare with masks", () => {
  it("prints the masked fraction by origin, writes the mask keys and the JSON file, and reads them back", async () => {
    const dir = workdir();
    const [out, json] = [join(dir, "clean.npz"), join(dir, "masks.json")];
    const r = await run(["prepare", RFI, "--mask-auto", "--nsub", "256", "-o", out, "--masks-out", json]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`masks saved to: ${json}\n`);
    expect(r.err).toMatch(
      /^plot: .*rfi_256x2048\.npz: masked (\d+) of 256 channels \([\d.]+ %\): file 6 \(2\.3 %\), iqrm \d+ \([\d.]+ %\); zero-DM \(sigpyproc: x - sum\(x\) bp\/sum\(bp\) \+ bp\) subtracted\n$/,
    );
    const doc = JSON.parse(readFileSync(json, "utf8"));
    expect(doc).toMatchObject({
      format: "wfall-channel-mask",
      version: 1,
      channelNumbering: "0 = the lowest frequency",
      grid: { nchan: 256, fbottomMhz: 1200, dfMhz: 1 },
    });
    const masked: { channel: number; lowMhz: number; highMhz: number; centreMhz: number; origin: string }[] = doc.masked;
    expect(masked.length).toBe(Number(/masked (\d+) of/.exec(r.err)![1]));
    expect(masked[0]).toEqual({ channel: 0, lowMhz: 1200, highMhz: 1201, centreMhz: 1200.5, origin: "file" });
    expect(doc.steps.map((s: { method: string }) => s.method)).toEqual(["file", "zerodm", "constant", "iqrm", "sk"]);
    expect(doc.steps[3]).toMatchObject({ option: "--mask-auto", parameters: { statistic: "cv", radiusChannels: 25, thresholdSigma: 3 } });

    // numpy reads the npz's mask keys without pickles: the same channels and origins
    const seen = JSON.parse(runPython("python/npz_inspect.py", [out, "mask_origin"]));
    for (const key of ["mask_origin", "mask_fbottom", "mask_df", "mask_json"]) expect(seen[key].identical_to_np_save, key).toBe(true);
    expect(seen.mask_origin).toMatchObject({ dtype: "<U4", shape: [256] }); // the longest origin here: "file", "iqrm"
    const origins = seen.mask_origin.values as string[];
    expect(origins.flatMap((o, c) => (o ? [[c, o]] : []))).toEqual(masked.map((m) => [m.channel, m.origin]));
    expect([seen.mask_fbottom.values, seen.mask_df.values]).toEqual([[1200], [1]]);
    // mask_json is the document without the list mask_origin already holds
    const { masked: _listed, ...head } = doc;
    expect(JSON.parse(seen.mask_json.values[0])).toEqual(head);
    // the provenance key names every mask step too, with the option and parameters that made it
    const provenance = JSON.parse((JSON.parse(runPython("python/npz_inspect.py", [out, "provenance"])).provenance.values as string[])[0]);
    expect(provenance.processing.maskSteps).toEqual(doc.steps);

    // plot info says what was masked
    const info = await run(["info", out]);
    expect(info.out).toMatch(new RegExp(`masks\\s+masked ${masked.length} of 256 channels`));

    // a file written when mask_json still listed the masked channels reads the same
    const older = join(dir, "older.npz");
    const rewrite = "import json,sys,numpy as np; f=dict(np.load(sys.argv[1])); f['mask_json']=np.array(open(sys.argv[2]).read()); np.savez(sys.argv[3], **f)";
    execFileSync(python(), ["-c", rewrite, out, json, older]);
    const [ours, theirs] = [Spectra.fromWaterfall(await openWaterfall(out)).channelMask, Spectra.fromWaterfall(await openWaterfall(older)).channelMask];
    expect(theirs).toEqual(ours);
    expect(ours.steps.slice(0, doc.steps.length)).toEqual(doc.steps); // reading adds its own step for the NaN channels

    // an npz's mask_json is not a mask file: --masks-in says where its channels are
    const extracted = join(dir, "extracted.json");
    writeFileSync(extracted, seen.mask_json.values[0]);
    const refused = await run(["prepare", RFI, "--masks-in", extracted, "-o", join(dir, "refused.npz")]);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain("has no 'masked' list (an npz's mask_json leaves it out: its channels are the npz's mask_origin");

    // --masks-in puts the same masks, origins kept, on the raw file
    const again = join(dir, "again.npz");
    const back = await run(["prepare", RFI, "--masks-in", json, "--nsub", "256", "--keep-constant", "-o", again]);
    expect(back.code, back.err).toBe(0);
    const reread = Spectra.fromWaterfall(await openWaterfall(again)).channelMask.origins;
    expect(reread.flatMap((o, c) => (o ? [[c, o]] : []))).toEqual(masked.map((m) => [m.channel, m.origin]));
  });

  it("--mask-freq masks the channels overlapping each range, and says when a range misses the band", async () => {
    const dir = workdir();
    const out = join(dir, "f.npz");
    const r = await run(["prepare", RFI, "--mask-freq", "1210:1220", "--mask-freq", "1300.5:1301.5", "--mask-freq", "700:800", "-o", out, "--nsub", "256"]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain("--mask-freq 700:800 masks nothing: the band is 1200..1456 MHz");
    const origins = Spectra.fromWaterfall(await openWaterfall(out)).channelMask.origins;
    const freq = origins.flatMap((o, c) => (o === "freq" ? [c] : []));
    expect(freq).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 100, 101]);
  });

  it("--mask-file-channels counts from the file's first channel (the highest frequency of a descending filterbank)", async () => {
    const dir = workdir();
    const fil = join(dir, "descending.fil");
    const spectra = Spectra.fromWaterfall(await openWaterfall(RFI));
    await writeFilterbank(fil, spectra, { nbits: 32, descending: true });
    const wf = await openWaterfall(fil);
    expect(wf.fileDescending).toBe(true);
    const out = join(dir, "d.npz");
    expect((await run(["prepare", fil, "--mask-file-channels", "0-2", "--mask-channels", "100", "-o", out, "--nsub", "256"])).code).toBe(0);
    const manual = Spectra.fromWaterfall(await openWaterfall(out)).channelMask.origins.flatMap((o, c) => (o === "manual" ? [c] : []));
    expect(manual).toEqual([100, 253, 254, 255]);
  });

  it("reads PRESTO rfifind masks: the channels zapped or masked in every interval, checked against the band", async () => {
    const dir = workdir();
    const mask = join(dir, "x_rfifind.mask");
    // channel 0 is centred at 1200.5 MHz; zap 7 and 9; 40 masked in both intervals; 41 in one only
    writeFileSync(mask, rfifindMask({ lofreq: 1200.5, dfreq: 1, numchan: 256, zap: [7, 9], perInterval: [[40, 41], [40]] }));
    const out = join(dir, "r.npz");
    const r = await run(["prepare", RFI, "--masks-in", mask, "--keep-constant", "-o", out, "--nsub", "256"]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain("rfifind also masks 1 channel-interval cells in some of its 2 intervals; wfall applies only the 3 channels masked throughout");
    const rfifind = Spectra.fromWaterfall(await openWaterfall(out)).channelMask.origins.flatMap((o, c) => (o === "rfifind" ? [c] : []));
    expect(rfifind).toEqual([7, 9, 40]);

    writeFileSync(mask, rfifindMask({ lofreq: 1201.5, dfreq: 1, numchan: 256, zap: [7], perInterval: [[]] }));
    const shifted = await run(["prepare", RFI, "--masks-in", mask, "-o", out]);
    expect(shifted.code).toBe(2);
    expect(shifted.err).toMatch(
      /the rfifind mask is for 256 channels of 1 MHz with the lowest centred at 1201\.5 MHz; these data have 256 of 1 MHz with the lowest centred at 1200\.5 MHz/,
    );
    writeFileSync(mask, rfifindMask({ lofreq: 1200.5, dfreq: 1, numchan: 128, zap: [7], perInterval: [[]] }));
    expect((await run(["prepare", RFI, "--masks-in", mask, "-o", out])).err).toMatch(/is for 128 channels/);
    writeFileSync(mask, new Uint8Array(20));
    expect((await run(["prepare", RFI, "--masks-in", mask, "-o", out])).err).toMatch(/x_rfifind\.mask: rfifind mask is truncated/);
  });

  it("refuses bad mask files and options, naming the file or flag", async () => {
    const dir = workdir();
    const out = join(dir, "o.npz");
    const json = join(dir, "bad.json");
    writeFileSync(json, JSON.stringify({ masked: [{ channel: 3, origin: "gremlins" }] }));
    expect((await run(["prepare", RFI, "--masks-in", json, "-o", out])).err).toMatch(/bad\.json: entry 0 of 'masked': unknown origin 'gremlins'/);
    writeFileSync(json, JSON.stringify({ masked: [{ channel: 3 }] }));
    expect((await run(["prepare", RFI, "--masks-in", json, "-o", out])).err).toMatch(/gives a channel number but the file has no 'grid'/);
    writeFileSync(json, "{ not json");
    expect((await run(["prepare", RFI, "--masks-in", json, "-o", out])).err).toMatch(/bad\.json: not valid JSON/);
    expect((await run(["prepare", RFI, "--masks-in", join(dir, "none.json"), "-o", out])).err).toMatch(/none\.json: no such file/);
    expect((await run(["prepare", RFI, "--iqrm-radius", "5", "-o", out])).err).toMatch(/--iqrm-radius, --iqrm-threshold and --iqrm-statistic need --mask-iqrm/);
    expect((await run(["prepare", RFI, "--mask-iqrm", "--iqrm-statistic", "median", "-o", out])).err).toMatch(
      /--iqrm-statistic: expected one of std, mean, variance, skewness, kurtosis, cv/,
    );
    expect((await run(["prepare", RFI, "--zero-dm", "both", "-o", out])).err).toMatch(/--zero-dm: expected one of sigpyproc, jess/);
    expect((await run(["prepare", RFI, "--mask-channels", "300", "-o", out])).err).toMatch(
      /--mask-channels: channel 300 does not exist \(the data have channels 0\.\.255\)/,
    );
    const dedispersed = await run(["prepare", B6, "--zero-dm", "jess", "-o", out]);
    expect(dedispersed.code).toBe(2);
    expect(dedispersed.err).toMatch(/zero-DM subtraction belongs before dedispersion, but these data are at DM 562\.056/);
  });
});

describe("masks in manifests and multi-panel figures", () => {
  it("resolves masksIn and masksOut beside the manifest, writes the mask file with the figure, and --check compares it", async () => {
    const dir = workdir();
    writeFileSync(join(dir, "given.json"), JSON.stringify({ masked: [{ lowMhz: 1300, highMhz: 1302, origin: "manual" }] }));
    const manifest = join(dir, "figures.yaml");
    const figure = (masksIn: string) =>
      [
        "version: 1",
        "figures:",
        "  - name: rfi",
        "    output: rfi.svg",
        "    panels:",
        `      - input: ${RFI}`,
        "        dm: 300",
        `        options: { maskAuto: true, normalise: zscore, nsub: 64, maskRug: true, masksIn: ${masksIn}, masksOut: out/masks.json }`,
      ].join("\n");
    writeFileSync(manifest, figure("given.json"));
    // the mask file's folder is made, as a figure's is
    const built = await run(["build", manifest, "--jobs", "0"]);
    expect(built.code, built.err).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, "out/masks.json"), "utf8"));
    expect(doc.masked.filter((m: { origin: string }) => m.origin === "manual").map((m: { channel: number }) => m.channel)).toEqual([100, 101]);
    expect((await run(["build", "--check", manifest, "--jobs", "0"])).code).toBe(0);
    writeFileSync(join(dir, "out/masks.json"), "{}");
    const stale = await run(["build", "--check", manifest, "--jobs", "0"]);
    expect(stale.code).toBe(1);
    expect(stale.err).toContain("out/masks.json");
    // an output outside the manifest's folder is refused, a mask file included
    writeFileSync(manifest, figure("given.json").replace("out/masks.json", "../masks.json"));
    expect((await run(["build", manifest])).err).toMatch(/writes \.\.\/masks\.json, outside the manifest's folder/);
  });

  it("refuses one mask file for several panels", async () => {
    const dir = workdir();
    const r = await run(["multi", RFI, RFI, "--masks-out", join(dir, "m.json"), "--figname", join(dir, "m.pdf")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/two panels would write the same mask file/);
  });
});

describe("masks that say what they did", () => {
  it("names each mask, the channels it removed and the way out when nothing is left to draw (first-use finding 5)", async () => {
    const dir = workdir();
    const r = await run(["multi", B6, B6, "--masks", "--figname", join(dir, "m.pdf")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /frb121102_B6_wfall\.npz: no valid \(finite, non-zero\) sample in the plotted window \(samples \d+\.\.\d+ around the peak\): every one of the 64 channels is masked/,
    );
    expect(r.err).toMatch(/\(sum: \|sum over time\| > 2 \(the tutorial's --masks\): 64 channels\); to keep some: drop --masks \(manifest: masks: false\)\n$/);
    const z = await run([join(fixtures, "synthetic_128x1024.npz"), "--normalise", "zscore", "--mask-var", "0.05", "--figname", join(dir, "z.pdf")]);
    expect(z.err).toMatch(
      /--mask-var 0\.05 after --normalise zscore\): 124 channels\); after zscore or robust normalisation every channel has a variance near 1; to keep some: raise --mask-var\n$/,
    );
    expect(z.err).toMatch(/file: every sample missing or exactly zero: 4 channels/);
  });

  it("--help says how channels are numbered and lists every mask option with its default", async () => {
    const r = await run(["--help"]);
    expect(r.out).toMatch(/--mask-channels A-B,C\s+channels to mask: 0-60,75, numbered by wfall \(0 = the lowest frequency/);
    expect(r.out).toMatch(/--mask-file-channels A-B,C\s+channels to mask as the file numbers them: 0 = the file's first channel/);
    expect(r.out).toMatch(/--iqrm-radius N\s+IQRM radius, channels \(default: 10 % of the channels/);
    expect(r.out).toMatch(/--iqrm-threshold N\s+.*\(default: 3\)/);
    expect(r.out).toMatch(/--sk-sigma N\s+.*\(default: 5\)/);
    expect(r.out).toMatch(/--zero-dm NAME\s+zero-DM subtraction .*sigpyproc .*jess/);
    expect(r.out).toMatch(/--mask-auto\s+the recommended masks for unknown data/);
    expect(r.out).toMatch(/--mask-rug\s+draw the masked channels as a rug/);
    for (const cmd of ["prepare", "multi"]) expect((await run([cmd, "--help"])).out).toContain("--masks-in TEXT");
  });
});

describe("the mask rug", () => {
  it("draws one band per run of channels of an origin, coloured, right of the waterfall, with a legend", async () => {
    const dir = workdir();
    const r = await run([RFI, "--mask-auto", "--mask-freq", "1400:1410", "--dm", "300", "--mask-rug", "--spec", "--normalise", "zscore", "--nsub", "64"]);
    expect(r.code, r.err).toBe(0);
    const spec = JSON.parse(r.out);
    const layers = spec.layer as { mark: { type: string }; data: { values: Record<string, unknown>[] } }[];
    const bands = layers.find((l) => l.data.values[0]?.origin !== undefined)!.data.values as { y0: number; y1: number; colour: string; origin: string }[];
    const origins = [...new Set(bands.map((b) => b.origin))];
    expect(origins.sort()).toEqual(["file", "freq", "iqrm"]);
    expect(new Set(bands.filter((b) => b.origin === "iqrm").map((b) => b.colour))).toEqual(new Set(["#d55e00"]));
    const legend = layers.find((l) => l.mark.type === "text")!.data.values.map((v) => v.text);
    expect(legend).toEqual(["masked:", "file", "freq", "iqrm"]);
    // the freq band spans 1400..1410 MHz on the waterfall's frequency scale
    const y = layers[1] as unknown as { encoding: { y: { scale: { domain: [number, number]; range: [number, number] } } } };
    const { domain, range } = y.encoding.y.scale;
    const at = (mhz: number) => range[0] + ((mhz - domain[0]) / (domain[1] - domain[0])) * (range[1] - range[0]);
    const freq = bands.find((b) => b.origin === "freq")!;
    expect(freq.y0).toBeCloseTo(at(1410), 9);
    expect(freq.y1).toBeCloseTo(at(1400), 9);
    const png = join(dir, "rug.png");
    expect((await run([RFI, "--mask-auto", "--dm", "300", "--mask-rug", "--normalise", "zscore", "--nsub", "64", "--figname", png])).code).toBe(0);
  });

  it.skipIf(!realDataDir())("finds the Arecibo B58 zero channels and the Parkes 8-bit RFI bands automatically", async () => {
    const real = realDataDir()!;
    const b58 = await openWaterfall(join(real, "arecibo_FRB121102_B58/tcand_2_dm_565.30000_snr_11.92560.fil"), { duration: 1 });
    // the data README: channels 53-63 in file order (the 11 lowest frequencies) are all zero
    expect(b58.channelMask!.origins.flatMap((o, c) => (o ? [[c, o]] : []))).toEqual(Array.from({ length: 11 }, (_, c) => [c, "file"]));

    // Parkes UWL: the mobile-phone (LTE 758-788 MHz, GSM 870-960 MHz) and 2.4 GHz ISM bands, little above 2.5 GHz
    const parkes = processSpectra(Spectra.fromWaterfall(await openWaterfall(join(real, "parkes_crab_noise/parkes_8bit_1.fil"))), {
      maskAuto: true,
      nsub: 832,
    });
    const mask = parkes.channelMask;
    const centre = (c: number) => mask.grid.fbottom + (c + 0.5) * mask.grid.df;
    const fraction = (lo: number, hi: number) => {
      const inside = mask.origins.map((o, c) => [o, centre(c)] as const).filter(([, f]) => f >= lo && f <= hi);
      return inside.filter(([o]) => o !== null).length / inside.length;
    };
    expect(fraction(758, 788)).toBeGreaterThanOrEqual(0.9);
    expect(fraction(870, 960)).toBeGreaterThanOrEqual(0.4);
    expect(fraction(2400, 2480)).toBeGreaterThanOrEqual(0.4);
    expect(fraction(2500, 4030)).toBeLessThanOrEqual(0.02);
    expect(mask.steps.find((s) => s.method === "zerodm")?.parameters).toEqual({ variant: "sigpyproc" });
  });
});
