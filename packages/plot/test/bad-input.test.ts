/**
 * Bad input, case by case: every problem is a typed error with a stable code
 * whose message names the file; the CLI prints one line and exits 2 (input)
 * or 1 (I/O); no output file ever appears.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";

import { beforeAll, describe, expect, it } from "vitest";

import { main, plotWaterfall } from "@wfall/plot";
import type { ErrorCode } from "@wfall/spectra";

import { runPython } from "../../../test-utils/helpers.js";

let inputs: string;
beforeAll(() => {
  inputs = mkdtempSync(join(tmpdir(), "wfall-bad-"));
  runPython("python/bad_inputs.py", [inputs]);
});

async function cli(argv: string[], env: Record<string, string> = {}) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const err = new PassThrough();
  let text = "";
  err.on("data", (d) => (text += d));
  try {
    const code = await main(argv, { out: new PassThrough(), err });
    return { code, err: text };
  } finally {
    process.env = saved;
  }
}

interface Case {
  name: string;
  /** Input file name in the prepared folder (or a path builder). */
  input: string | ((dir: string) => string);
  options?: Record<string, unknown>;
  argv?: string[];
  env?: Record<string, string>;
  code: ErrorCode | "usage";
  exit: number;
  message: RegExp;
}

const cases: Case[] = [
  { name: "missing file", input: "nope.npz", code: "E_FILE_NOT_FOUND", exit: 2, message: /nope\.npz: no such file/ },
  {
    name: "a directory",
    input: (d) => (mkdirSync(join(d, "folder.npz")), join(d, "folder.npz")),
    code: "E_NOT_A_FILE",
    exit: 2,
    message: /folder\.npz: is a directory, not a file/,
  },
  { name: "empty file", input: "empty.npz", code: "E_NOT_WATERFALL", exit: 2, message: /empty\.npz: empty file/ },
  { name: "not a zip", input: "text.npz", code: "E_NOT_WATERFALL", exit: 2, message: /text\.npz: not a waterfall file/ },
  { name: "truncated zip", input: "truncated.npz", code: "E_CORRUPT", exit: 2, message: /truncated\.npz: corrupt or truncated npz archive/ },
  {
    name: "zip bomb declaring its size",
    input: "bomb_declared.npz",
    env: { WFALL_MAX_BYTES: "1000000" },
    code: "E_TOO_LARGE",
    exit: 2,
    message: /bomb_declared\.npz: key 'intensity' would take \d+ bytes, more than the limit of 1000000/,
  },
  {
    name: "zip bomb lying about its size",
    input: "bomb_lying.npz",
    code: "E_CORRUPT",
    exit: 2,
    message: /bomb_lying\.npz: member 'intensity\.npy' is corrupt or truncated \(it inflates past its declared 1000 bytes: a zip bomb\?\)/,
  },
  {
    name: "zip64 entry whose data lies past 2^53 bytes",
    input: "offset_past_end.npz",
    code: "E_CORRUPT",
    exit: 2,
    message: /offset_past_end\.npz: the file ended early \(truncated\?\)/,
  },
  {
    name: "npy header lying about the shape",
    input: "lying_shape.npz",
    code: "E_CORRUPT",
    exit: 2,
    message: /lying_shape\.npz: key 'intensity': truncated: shape \(64, 2560\)/,
  },
  {
    name: "npy header lying about the dtype",
    input: "lying_dtype.npz",
    code: "E_CORRUPT",
    exit: 2,
    message: /lying_dtype\.npz: key 'intensity': truncated: shape \(64, 256\) of <f8/,
  },
  { name: "complex intensity", input: "complex.npz", code: "E_DTYPE", exit: 2, message: /complex\.npz: key 'intensity': dtype '<c8' is complex/ },
  { name: "object intensity", input: "object.npz", code: "E_DTYPE", exit: 2, message: /object\.npz: key 'intensity': dtype '\|O' is object/ },
  { name: "intensity not 2-D", input: "one_d.npz", code: "E_SHAPE", exit: 2, message: /one_d\.npz: key 'intensity' must be 2-D/ },
  { name: "0 channels", input: "no_channels.npz", code: "E_SHAPE", exit: 2, message: /no_channels\.npz: key 'intensity' is empty: 0 channels/ },
  { name: "0 samples", input: "no_samples.npz", code: "E_SHAPE", exit: 2, message: /no_samples\.npz: key 'intensity' is empty: 64 channels x 0 samples/ },
  { name: "all NaN", input: "all_nan.npz", code: "E_EMPTY_WINDOW", exit: 2, message: /all_nan\.npz: no valid .* sample in the plotted window/ },
  { name: "all zero", input: "all_zero.npz", code: "E_EMPTY_WINDOW", exit: 2, message: /all_zero\.npz: no valid .* sample in the plotted window/ },
  {
    name: "negative dt",
    input: "negative_dt.npz",
    code: "E_VALUE",
    exit: 2,
    message: /negative_dt\.npz: dt must be a positive number of seconds, got -0\.001/,
  },
  { name: "zero df", input: "zero_df.npz", code: "E_VALUE", exit: 2, message: /zero_df\.npz: df must be a positive channel width/ },
  { name: "NaN DM in the file", input: "nan_dm.npz", code: "E_VALUE", exit: 2, message: /nan_dm\.npz: dm must be a finite number, got NaN/ },
  {
    name: "NaN DM asked for",
    input: "good.npz",
    options: { dm: Number.NaN },
    argv: ["--dm", "NaN"],
    code: "E_DM_RANGE",
    exit: 2,
    message: /--dm expects a number, got 'NaN'/,
  },
  {
    name: "a DM whose sweep is longer than the data",
    input: "good.npz",
    options: { dm: 9000 },
    argv: ["--dm", "9000"],
    code: "E_DM_RANGE",
    exit: 2,
    message: /good\.npz: DM 9000 needs \d+\.\d s across 400-800 MHz; the data hold 0\.3 s \(a typo\? --wrap roll wraps the data around anyway\)/,
  },
  {
    name: "a negative DM",
    input: "good.npz",
    options: { dm: -10 },
    argv: ["--dm", "-10"],
    code: "E_DM_RANGE",
    exit: 2,
    message: /--dm: expected a number of at least 0, got -10/,
  },
  {
    name: "an impossible DM",
    input: "good.npz",
    options: { dm: 1e300 },
    argv: ["--dm", "1e300"],
    code: "E_DM_RANGE",
    exit: 2,
    message: /good\.npz: DM change .* gives a shift of .* samples in channel 0/,
  },
  {
    name: "nsub not a divisor",
    input: "good.npz",
    options: { nsub: 7 },
    argv: ["--nsub", "7"],
    code: "E_NSUB_DIVISOR",
    exit: 2,
    message: /good\.npz: cannot split 64 channels into 7 subbands: 7 is not a divisor of 64/,
  },
  {
    name: "window larger than the data",
    input: "good.npz",
    options: { windowMs: 500 },
    argv: ["--window-ms", "500"],
    code: "E_EMPTY_WINDOW",
    exit: 2,
    message: /good\.npz: a 500 ms window needs 999 samples but the data has 256/,
  },
  {
    name: "an unwritable output folder",
    input: "good.npz",
    options: { output: "/no/such/folder/out.pdf" },
    argv: ["--figname", "/no/such/folder/out.pdf"],
    code: "E_IO",
    exit: 1,
    message: /\/no\/such\/folder\/out\.pdf: cannot write: the folder does not exist/,
  },
];

describe("each bad input is one error, one line, the right exit code and no output", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const input = typeof c.input === "string" ? join(inputs, c.input) : c.input(mkdtempSync(join(tmpdir(), "wfall-case-")));
      const outDir = mkdtempSync(join(tmpdir(), "wfall-out-"));
      const output = (c.options?.output as string | undefined) ?? join(outDir, "figure.pdf");
      const saved = { ...process.env };
      Object.assign(process.env, c.env);
      try {
        await expect(plotWaterfall(input, { ...c.options, output })).rejects.toMatchObject({ code: c.code });
      } finally {
        process.env = saved;
      }
      const r = await cli([input, ...(c.argv?.includes("--figname") ? [] : ["--figname", output]), ...(c.argv ?? [])], c.env);
      expect(r.code).toBe(c.exit);
      expect(r.err).toMatch(/^plot: /);
      expect(r.err).toMatch(c.message);
      expect(r.err.trimEnd().split("\n")).toHaveLength(1);
      expect(readdirSync(outDir)).toEqual([]);
      expect(existsSync(output)).toBe(false);
    });
  }
});

describe("awkward but valid inputs are drawn", () => {
  for (const [name, file, argv] of [
    ["infinite values (shown as missing)", "inf.npz", []],
    ["a peak at the very first sample (the window moves inward)", "peak_at_edge.npz", []],
    ["a DM whose shifts wrap the data several times, when asked to wrap", "good.npz", ["--dm", "9000", "--wrap", "roll"]],
  ] as const) {
    it(name, async () => {
      const output = join(mkdtempSync(join(tmpdir(), "wfall-ok-")), "figure.pdf");
      const r = await cli([join(inputs, file), "--figname", output, ...argv]);
      expect(r.code).toBe(0);
      expect(r.err).toMatch(/^plot: .*: colour scale vmin -?\d[^,]*, vmax -?\d.*\n$/); // the only line on stderr: the limits drawn
      expect(existsSync(output)).toBe(true);
    });
  }
});

describe("outputs", () => {
  it("an output path equal to the input is refused and the input kept", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wfall-same-"));
    const input = join(dir, "x.pdf");
    writeFileSync(input, "not really");
    const r = await cli([input, "--figname", input]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/x\.pdf: (the output path is an input file|not a waterfall file)/);
  });
});
