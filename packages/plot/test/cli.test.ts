/**
 * The `plot` command: the tutorial's flags, defaults, formats by extension,
 * `prepare`, and one-line errors with exit code 2 (input) or 1 (I/O) and no
 * output file left behind.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { runCli } from "../../../test-utils/cli.js";
import { fixtures, generatedFixture, repoRoot, runPython } from "../../../test-utils/helpers.js";

const synthetic = join(fixtures, "synthetic_128x1024.npz");

const run = runCli;

function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), "wfall-cli-"));
  copyFileSync(synthetic, join(dir, "145207799_wfall.npz"));
  return dir;
}

describe("plot", () => {
  it("takes the tutorial's flags", async () => {
    const dir = workdir();
    const r = await run(["--fname", join(dir, "145207799_wfall.npz"), "--dm", "87.81", "--figname", join(dir, "145207799_wfall.pdf")]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(
      /^plot: .*145207799_wfall\.npz: colour scale vmin -?[\d.]+ \(2\.5th percentile of the plotted window\), vmax [\d.]+ \(97\.5th percentile of the 41 samples before it\)\n$/,
    );
    expect(r.out).toBe(`waterfall saved to: ${join(dir, "145207799_wfall.pdf")}\n`);
    expect(readFileSync(join(dir, "145207799_wfall.pdf")).subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("warns when the colour scale saturates the waterfall, with the percentage and the options that show more", async () => {
    const burst = join(fixtures, "burst_64x2048.npz");
    const figure = join(mkdtempSync(join(tmpdir(), "wfall-sat-")), "b.png");
    const saturated = await run([burst, "--dm", "87.77", "--figname", figure]);
    const spec = JSON.parse((await run([burst, "--dm", "87.77", "--spec"])).out);
    const percent = (100 * spec.usermeta.wfall.panels[0].saturated).toFixed(0);
    expect(Number(percent)).toBeGreaterThan(10);
    expect(saturated.err).toMatch(
      new RegExp(
        `\n plot: .*burst_64x2048\\.npz: warning: ${percent}% of the plotted pixels are at or above vmax \\(one flat colour\\); --vmax-from window`.replace(
          "\n ",
          "\n",
        ),
      ),
    );
    const fromWindow = await run([burst, "--dm", "87.77", "--vmax-from", "window", "--figname", figure]);
    expect(fromWindow.err).not.toMatch(/warning/);
    // --quiet leaves out the notes (here the colour scale), not the warning
    const quiet = await run([burst, "--dm", "87.77", "--figname", figure, "-q"]);
    expect(quiet.err).toBe(
      saturated.err
        .split("\n")
        .filter((line) => line.includes(" warning: "))
        .map((line) => `${line}\n`)
        .join(""),
    );
    expect(quiet.err).toMatch(/^plot: .* warning: .*\n$/);
  });

  it("defaults --figname to the input's name with .pdf in the current folder (where the tutorial crashes)", async () => {
    const data = workdir();
    const here = mkdtempSync(join(tmpdir(), "wfall-cwd-"));
    const child = spawnSync(process.execPath, [join(repoRoot, "packages/plot/bin/plot.js"), join(data, "145207799_wfall.npz")], {
      cwd: here,
      encoding: "utf8",
    });
    expect(child.status, child.stderr).toBe(0);
    expect(readdirSync(here)).toEqual(["145207799_wfall.pdf"]);
    expect(readdirSync(data)).toEqual(["145207799_wfall.npz"]);
  });

  it.each([
    ["svg", "<?xml"],
    ["png", "\x89PNG"],
  ])("chooses the format from the extension: .%s", async (ext, magic) => {
    const dir = workdir();
    const output = join(dir, `figure.${ext}`);
    expect((await run([join(dir, "145207799_wfall.npz"), "--figname", output, "--dpi", "100"])).code).toBe(0);
    expect(readFileSync(output).subarray(0, magic.length).toString("latin1")).toBe(magic);
  });

  it("--spec prints the Vega-Lite JSON and writes nothing", async () => {
    const dir = workdir();
    const r = await run([join(dir, "145207799_wfall.npz"), "--spec", "--title", "20201129A", "--cmap", "magma"]);
    expect(r.code).toBe(0);
    const spec = JSON.parse(r.out);
    expect(spec.$schema).toMatch(/vega-lite\/v6/);
    expect(spec.title.text).toBe("20201129A");
    expect(readdirSync(dir)).toEqual(["145207799_wfall.npz"]);
  });

  it("--help lists every flag with its default", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    for (const flag of [
      "--fname",
      "--figname",
      "--dm",
      "--nsub",
      "--mask-sum",
      "--mask-var",
      "--window-ms",
      "--cmap",
      "--vmin",
      "--vmax",
      "--dpi",
      "--title",
      "--spec",
    ]) {
      expect(r.out).toContain(flag);
    }
    expect(r.out).toMatch(/--window-ms N\s+.*\(default: 25\)/);
    expect(r.out).toMatch(/--cmap NAME\s+.*\(default: viridis\)/);
    expect(r.out).toMatch(/--kdm N\s+.*\(default: 4149\.377593360996\)/);
  });

  it("same output in a separate process, byte for byte", async () => {
    const dir = workdir();
    const a = join(dir, "a.pdf");
    const b = join(dir, "b.pdf");
    expect((await run([join(dir, "145207799_wfall.npz"), "--dm", "87.77", "--figname", a])).code).toBe(0);
    const child = spawnSync(
      process.execPath,
      [join(repoRoot, "packages/plot/bin/plot.js"), join(dir, "145207799_wfall.npz"), "--dm", "87.77", "--figname", b],
      { encoding: "utf8" },
    );
    expect(child.status, child.stderr).toBe(0);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
  });
});

describe("plot errors: one line naming the file and the problem, exit 2 for input, 1 for I/O, no output", () => {
  const cases: [string, (dir: string) => string[], number, RegExp][] = [
    ["missing file", (d) => [join(d, "nope.npz")], 2, /^plot: .*nope\.npz: no such file\n$/],
    [
      "not an npz",
      (d) => (writeFileSync(join(d, "bad.npz"), "hello"), [join(d, "bad.npz")]),
      2,
      /bad\.npz: not a waterfall file: expected npz, npy, SIGPROC filterbank, HDF5 \(FETCH\/your candidate, CHIME\/FRB catalogue\) or PSRFITS search mode/,
    ],
    ["unknown flag", (d) => [join(d, "145207799_wfall.npz"), "--colour", "red"], 2, /^plot: unknown flag '--colour' \(see --help\)\n$/],
    [
      "a mistyped flag",
      (d) => [join(d, "145207799_wfall.npz"), "--windw-ms", "10"],
      2,
      /^plot: unknown flag '--windw-ms' \(did you mean --window-ms\?\) \(see --help\)\n$/,
    ],
    ["a single-dash tutorial flag", (d) => ["-fname", join(d, "145207799_wfall.npz")], 2, /^plot: unknown flag '-fname' \(did you mean --fname\?\)/],
    ["non-numeric DM", (d) => [join(d, "145207799_wfall.npz"), "--dm", "abc"], 2, /^plot: --dm expects a number, got 'abc'\n$/],
    ["NaN DM", (d) => [join(d, "145207799_wfall.npz"), "--dm", "NaN"], 2, /--dm expects a number, got 'NaN'/],
    [
      "nsub not a divisor",
      (d) => [join(d, "145207799_wfall.npz"), "--nsub", "7"],
      2,
      /145207799_wfall\.npz: cannot split 128 channels into 7 subbands: 7 is not a divisor of 128/,
    ],
    [
      "unknown colour map",
      (d) => [join(d, "145207799_wfall.npz"), "--cmap", "jet"],
      2,
      /^plot: --cmap: expected one of viridis, magma, inferno, plasma, cividis, gray, got "jet"\n$/,
    ],
    [
      "a zero window",
      (d) => [join(d, "145207799_wfall.npz"), "--window-ms", "0"],
      2,
      /^plot: --window-ms: expected a number above 0, got 0 \(not above 0\)\n$/,
    ],
    ["a negative dpi", (d) => [join(d, "145207799_wfall.npz"), "--dpi", "-5"], 2, /^plot: --dpi: expected a number above 0 of at most 2400, got -5/],
    ["a flag given twice", (d) => [join(d, "145207799_wfall.npz"), "--dm", "1", "--dm", "2"], 2, /^plot: --dm given twice, with different values \(1, 2\)\n$/],
    [
      "unknown extension",
      (d) => [join(d, "145207799_wfall.npz"), "--figname", join(d, "x.gif")],
      2,
      /x\.gif: cannot tell the figure format from the extension '\.gif'; use \.pdf, \.svg, \.png, \.jpg or \.webp/,
    ],
    [
      "output is the input",
      (d) => [join(d, "145207799_wfall.npz"), "--figname", join(d, "145207799_wfall.npz")],
      2,
      /cannot tell the figure format|output path is the input/,
    ],
    ["window larger than the data", (d) => [join(d, "145207799_wfall.npz"), "--window-ms", "5000"], 2, /window needs 10173 samples but the data has 1024/],
    ["vmin above vmax", (d) => [join(d, "145207799_wfall.npz"), "--vmin", "2", "--vmax", "1"], 2, /vmin \(2\) is larger than vmax \(1\)/],
    [
      "unwritable folder",
      (d) => [join(d, "145207799_wfall.npz"), "--figname", join(d, "missing", "x.pdf")],
      1,
      /missing\/x\.pdf: cannot write: the folder does not exist/,
    ],
    [
      "two npz inputs",
      (d) => [join(d, "145207799_wfall.npz"), join(d, "145207799_wfall.npz")],
      2,
      /2 files were given as one waterfall, but npz files cannot be combined/,
    ],
    ["a pattern matching nothing", (d) => [join(d, "nothing_*.fits")], 2, /no file matches the pattern/],
    ["no input", () => [], 2, /no input file given/],
  ];
  for (const [name, argv, code, message] of cases) {
    it(name, async () => {
      const dir = workdir();
      const args = argv(dir);
      const before = readdirSync(dir).sort();
      const r = await run(args);
      expect(r.code).toBe(code);
      expect(r.err).toMatch(message);
      expect(r.err.trimEnd().split("\n")).toHaveLength(1);
      expect(r.out).toBe("");
      expect(readdirSync(dir).sort()).toEqual(before);
    });
  }

  it("--debug adds the stack trace", async () => {
    const r = await run([join(tmpdir(), "nope.npz"), "--debug"]);
    expect(r.err.split("\n").length).toBeGreaterThan(2);
    expect(r.err).toMatch(/at /);
  });

  it("the installed command exits with the same codes", () => {
    const child = spawnSync(process.execPath, [join(repoRoot, "packages/plot/bin/plot.js"), "/no/such/file.npz"], { encoding: "utf8" });
    expect(child.status).toBe(2);
    expect(child.stderr).toBe("plot: /no/such/file.npz: no such file\n");
  });
});

describe("plot prepare", () => {
  it("writes the processed waterfall, which numpy and the tutorial's script read", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wfall-prepare-"));
    const input = generatedFixture(1024, 512);
    const output = join(dir, "prepared.npz");
    const r = await run(["prepare", input, "--dm", "87.77", "--nsub", "128", "--mask-sum", "2", "--mask-var", "0.05", "-o", output]);
    expect(r.code).toBe(0);
    // with masks asked for, stderr says what they masked, by origin
    expect(r.err).toMatch(
      /^plot: \S+synthetic_1024x512\.npz: masked \d+ of 1024 channels \([\d.]+ %\): file \d+ \([\d.]+ %\), sum \d+ .*variance \d+ \([\d.]+ %\)\n$/,
    );
    expect(r.out).toMatch(/prepared waterfall \(128 channels x 512 samples, DM 87\.77\) saved to: /);
    const seen = JSON.parse(runPython("python/npz_inspect.py", [output]));
    expect(seen.intensity).toMatchObject({ dtype: "<f4", shape: [128, 512], identical_to_np_save: true });
    expect(seen.dm.values).toEqual([87.77]);
    expect(seen.df.values).toEqual([3.125]);
    // what was done, as numpy reads it: np.load(f)["provenance"].item() is JSON
    expect(seen.provenance).toMatchObject({ identical_to_np_save: true, shape: [] });
    expect(seen.provenance.dtype).toMatch(/^<U\d+$/);
    const provenance = JSON.parse(seen.provenance.values[0]);
    const { maskSteps, ...processing } = provenance.processing;
    expect(maskSteps.map((m: { method: string; option?: string }) => [m.method, m.option])).toEqual([
      ["file", undefined],
      ["sum", "--mask-sum 2"],
      ["variance", "--mask-var 0.05"],
      ["constant", "default (--keep-constant turns it off)"],
    ]);
    expect(processing).toEqual({
      fromDm: 87,
      dm: 87.77,
      kdm: 4149.377593360996,
      reference: "top",
      wrap: "invalidate",
      normalise: "none",
      masks: { sum: 2, variance: 0.05, constant: true, channels: [] },
      channels: [1024, 128],
      downsample: 1,
    });
    expect(provenance.tool).toMatch(/^wfall \d+\.\d+\.\d+$/);
    const figure = join(dir, "seed.png");
    runPython("python/seed_pipeline.py", ["--fname", output, "--figname", figure]);
    expect(existsSync(figure)).toBe(true);
  });

  it("needs -o and refuses to overwrite its input", async () => {
    const dir = workdir();
    expect(await run(["prepare", join(dir, "145207799_wfall.npz")])).toMatchObject({
      code: 2,
      err: "plot: prepare: the output file is required (-o OUTPUT.npz)\n",
    });
    const same = await run(["prepare", join(dir, "145207799_wfall.npz"), "-o", join(dir, "145207799_wfall.npz")]);
    expect(same.code).toBe(2);
    expect(same.err).toMatch(/the output path is the input file/);
  });

  it("--help describes the command", async () => {
    const r = await run(["prepare", "--help"]);
    expect(r.out).toMatch(/^Usage: plot prepare FILE/);
    expect(r.out).toContain("--compressed");
  });
});

describe("plot info", () => {
  it("describes a bare .npy without axes: shape, dtype, and what to give", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wfall-info-"));
    const { encodeNpy } = await import("@wfall/spectra/internal");
    writeFileSync(join(dir, "x.npy"), encodeNpy(new Float32Array(6 * 10), [6, 10]));
    const r = await run(["info", join(dir, "x.npy")]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^shape\s+6 channels x 10 samples \(<f4\)$/m);
    expect(r.out).toMatch(/^band\s+not in the file \(a \.npy holds no axes: give the sample time \(--dt\) and the band \(--fbottom and --df\)\)$/m);
  });

  it("gives band edges and centres, dead channels in our numbering, SIGPROC coordinates as sexagesimal and the start as a date", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wfall-info-"));
    const { openWaterfall, writeFilterbank, Spectra } = await import("@wfall/spectra");
    const spectra = Spectra.fromWaterfall(await openWaterfall(synthetic)); // channels 0-3 of the fixture are dropped (zero)
    const fil = join(dir, "x.fil");
    await writeFilterbank(fil, spectra, { header: { src_raj: 53158.6, src_dej: -330849.6, tstart: 57645.41105296273 } });
    const r = await run(["info", fil]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^band\s+400\.195313 \.\. 800\.195313 MHz \(edges\), 128 channels of 3\.125 MHz$/m);
    expect(r.out).toMatch(/^centres\s+401\.757813 \.\. 798\.632813 MHz$/m);
    expect(r.out).toMatch(/^ {2}src_raj\s+05:31:58\.600 \(53158\.6\)$/m);
    expect(r.out).toMatch(/^ {2}src_dej\s+-33:08:49\.600 \(-330849\.6\)$/m);
    expect(r.out).toMatch(/^ {2}tstart\s+MJD 57645\.41105296273 \(2016-09-14T09:51:54Z\)$/m);
    const wf = await openWaterfall(synthetic);
    const allZero = Array.from({ length: wf.nchan }, (_, c) => c).filter((c) => wf.intensity.subarray(c * wf.ntime, (c + 1) * wf.ntime).every((v) => v === 0));
    expect(allZero.length).toBe(4); // the fixture's 4 dropped channels
    expect(r.out).toMatch(new RegExp(`^dead channels\\s+${allZero.join(", ")} \\(all zero or missing\\); channel 0 is the lowest frequency$`, "m"));
  });
});
