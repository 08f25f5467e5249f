/**
 * The `plot` command. Flags are declared once (name, kind, default, help) and
 * both the parser and `--help` are made from the declarations.
 *
 *   plot --fname X_wfall.npz --dm 87.81 --figname X_wfall.pdf   (the tutorial's flags)
 *   plot prepare X_wfall.npz --dm 87.81 --nsub 128 -o X_prepared.npz
 */
import { parseArgs } from "node:util";

import { readWaterfall, Spectra, WaterfallError, writeWaterfall } from "@wfall/spectra";

import { COLOUR_MAPS } from "./heatmap.js";
import { DEFAULTS, processSpectra, type WaterfallOptions } from "./options.js";
import { defaultOutput, plotWaterfall } from "./plot-waterfall.js";
import { waterfallSpec, figureDataFor } from "./waterfall-spec.js";

type Kind = "number" | "string" | "boolean" | "list";
interface Flag {
  name: string;
  kind: Kind;
  help: string;
  short?: string;
  default?: string;
}

const PROCESS_FLAGS: Flag[] = [
  { name: "dm", kind: "number", help: "target DM in pc cm^-3 (dedisperse to it)", default: "the DM in the file" },
  { name: "nsub", kind: "number", help: "number of subbands (a divisor of the channel count)", default: "128 when the channels are a larger multiple of 128, else all channels" },
  { name: "mask-sum", kind: "number", help: "mask channels with |nansum over time| above this (tutorial: 2)", default: "off" },
  { name: "mask-var", kind: "number", help: "mask channels with nanvar over time above this (tutorial: 0.05)", default: "off" },
  { name: "mask-channels", kind: "list", help: "comma-separated channels to mask (0 = lowest frequency, before subbanding)" },
  { name: "keep-constant", kind: "boolean", help: "do not mask channels that are constant in time" },
  { name: "normalise", kind: "string", help: "normalise channels first: fractional, zscore or robust", default: "none" },
  { name: "kdm", kind: "number", help: "dispersion constant, MHz^2 s cm^3/pc", default: String(1 / 2.41e-4) },
];

const FIGURE_FLAGS: Flag[] = [
  { name: "fname", kind: "string", help: "input waterfall npz (or give it as the first argument)" },
  { name: "figname", kind: "string", help: "output figure; .pdf, .svg or .png", default: "the input name with .pdf" },
  ...PROCESS_FLAGS,
  { name: "window-ms", kind: "number", help: "half-width of the plotted window, ms", default: String(DEFAULTS.windowMs) },
  { name: "cmap", kind: "string", help: `colour map: ${COLOUR_MAPS.join(", ")}`, default: DEFAULTS.cmap },
  { name: "vmin", kind: "number", help: "lower colour limit", default: `${DEFAULTS.vminPercentile}th percentile of the plotted window` },
  { name: "vmax", kind: "number", help: "upper colour limit", default: `${DEFAULTS.vmaxPercentile}th percentile of the 41 samples before the window` },
  { name: "vmin-percentile", kind: "number", help: "percentile for vmin", default: String(DEFAULTS.vminPercentile) },
  { name: "vmax-percentile", kind: "number", help: "percentile for vmax", default: String(DEFAULTS.vmaxPercentile) },
  { name: "title", kind: "string", help: "title above the panel", default: "none" },
  { name: "width", kind: "number", help: "figure width, inches", default: String(DEFAULTS.widthIn) },
  { name: "height", kind: "number", help: "figure height, inches", default: String(DEFAULTS.heightIn) },
  { name: "font-size", kind: "number", help: "label font size, points", default: String(DEFAULTS.fontSize) },
  { name: "dpi", kind: "number", help: "PNG resolution, pixels per inch", default: "300" },
  { name: "spec", kind: "boolean", help: "print the Vega-Lite JSON instead of rendering" },
];

const PREPARE_FLAGS: Flag[] = [
  { name: "output", short: "o", kind: "string", help: "output npz (required)" },
  ...PROCESS_FLAGS,
  { name: "compressed", kind: "boolean", help: "deflate the npz (np.savez_compressed)" },
];

const COMMON_FLAGS: Flag[] = [
  { name: "help", short: "h", kind: "boolean", help: "show this help" },
  { name: "debug", kind: "boolean", help: "print stack traces of errors" },
];

const USAGE: Record<string, string> = {
  plot: "plot [--fname] INPUT.npz [--dm DM] [--figname OUT.pdf|.svg|.png] [options]\n\nDraws the tutorial's waterfall figure (time series over the dedispersed, subbanded waterfall).",
  prepare: "plot prepare INPUT.npz [--dm DM] [--nsub N] [masks] -o OUTPUT.npz\n\nWrites the processed (dedispersed, masked, subbanded) waterfall as an npz numpy and the tutorial's scripts read.",
};

function helpText(command: string, flags: Flag[]): string {
  const rows = [...flags, ...COMMON_FLAGS].map((f) => {
    const name = `${f.short ? `-${f.short}, ` : "    "}--${f.name}${f.kind === "boolean" ? "" : f.kind === "list" ? " A,B,..." : f.kind === "number" ? " N" : " TEXT"}`;
    return `  ${name.padEnd(30)} ${f.help}${f.default ? ` (default: ${f.default})` : ""}`;
  });
  const commands = command === "plot" ? "\n\nCommands:\n  plot prepare    write the processed waterfall as an npz (plot prepare --help)\n" : "\n";
  return `Usage: ${USAGE[command]}${commands}\nOptions:\n${rows.join("\n")}\n`;
}

/** A usage mistake: exit code 2, one line. */
class UsageError extends Error {}

type Values = Record<string, string | boolean | undefined>;

function parse(argv: string[], flags: Flag[]): { values: Values; positionals: string[] } {
  const options = Object.fromEntries(
    [...flags, ...COMMON_FLAGS].map((f) => [f.name, { type: f.kind === "boolean" ? ("boolean" as const) : ("string" as const), ...(f.short ? { short: f.short } : {}) }]),
  );
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true }) as { values: Values; positionals: string[] };
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\. To specify a positional.*$/s, "")} (see --help)`);
  }
}

function numberFlag(values: Values, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (typeof raw !== "string" || raw.trim() === "" || !Number.isFinite(value)) throw new UsageError(`--${name} expects a number, got '${raw}'`);
  return value;
}

function listFlag(values: Values, name: string): number[] | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  return String(raw)
    .split(",")
    .filter((s) => s.trim() !== "")
    .map((s) => {
      const n = Number(s);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} expects comma-separated channel numbers, got '${raw}'`);
      return n;
    });
}

const NORMALISATIONS = ["fractional", "zscore", "robust"] as const;

function processOptions(values: Values): WaterfallOptions {
  const normalise = values.normalise as string | undefined;
  if (normalise !== undefined && !(NORMALISATIONS as readonly string[]).includes(normalise)) {
    throw new UsageError(`--normalise expects fractional, zscore or robust, got '${normalise}'`);
  }
  return {
    dm: numberFlag(values, "dm"),
    nsub: numberFlag(values, "nsub"),
    maskSum: numberFlag(values, "mask-sum"),
    maskVariance: numberFlag(values, "mask-var"),
    maskChannels: listFlag(values, "mask-channels"),
    maskConstant: !values["keep-constant"],
    normalise: normalise as WaterfallOptions["normalise"],
    kdm: numberFlag(values, "kdm"),
  };
}

function singleInput(values: Values, positionals: string[], command: string): string {
  const inputs = [...(typeof values.fname === "string" ? [values.fname] : []), ...positionals];
  if (inputs.length !== 1) throw new UsageError(inputs.length === 0 ? `${command}: no input file given (see --help)` : `${command}: expected one input file, got ${inputs.length}: ${inputs.join(" ")}`);
  return inputs[0];
}

async function plotCommand(argv: string[], out: NodeJS.WritableStream): Promise<void> {
  const { values, positionals } = parse(argv, FIGURE_FLAGS);
  if (values.help) return void out.write(helpText("plot", FIGURE_FLAGS));
  const input = singleInput(values, positionals, "plot");
  const options = {
    ...processOptions(values),
    windowMs: numberFlag(values, "window-ms"),
    cmap: values.cmap as string | undefined,
    vmin: numberFlag(values, "vmin"),
    vmax: numberFlag(values, "vmax"),
    vminPercentile: numberFlag(values, "vmin-percentile"),
    vmaxPercentile: numberFlag(values, "vmax-percentile"),
    title: values.title as string | undefined,
    widthIn: numberFlag(values, "width"),
    heightIn: numberFlag(values, "height"),
    fontSize: numberFlag(values, "font-size"),
    dpi: numberFlag(values, "dpi"),
  };
  if (values.spec) {
    const spec = Spectra.fromWaterfall(await readWaterfall(input));
    return void out.write(`${JSON.stringify(waterfallSpec(figureDataFor(spec, options), options), null, 2)}\n`);
  }
  const output = (values.figname as string | undefined) ?? defaultOutput(input);
  const result = await plotWaterfall(input, { ...options, output });
  out.write(`waterfall saved to: ${result.output}\n`);
}

async function prepareCommand(argv: string[], out: NodeJS.WritableStream): Promise<void> {
  const { values, positionals } = parse(argv, PREPARE_FLAGS);
  if (values.help) return void out.write(helpText("prepare", PREPARE_FLAGS));
  const input = singleInput(values, positionals, "prepare");
  const output = values.output as string | undefined;
  if (!output) throw new UsageError("prepare: the output file is required (-o OUTPUT.npz)");
  if (output === input) throw new WaterfallError("E_ARGUMENT", "the output path is the input file; choose another name", { file: output });
  const spec = processSpectra(Spectra.fromWaterfall(await readWaterfall(input)), processOptions(values));
  await writeWaterfall(output, spec, { compressed: Boolean(values.compressed) });
  out.write(`prepared waterfall (${spec.nchan} channels x ${spec.ntime} samples, DM ${spec.dm}) saved to: ${output}\n`);
}

const COMMANDS: Record<string, (argv: string[], out: NodeJS.WritableStream) => Promise<void>> = { prepare: prepareCommand };

/** Exit code for an error: 2 for bad usage or input, 1 for I/O failures and bugs. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return 2;
  if (error instanceof WaterfallError) return error.isIoError ? 1 : 2;
  return 1;
}

/** Removes temporary files on Ctrl-C or a kill, through the process's exit handlers. */
function exitOnSignals(): void {
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) process.once(signal, () => process.exit(code));
}

/**
 * Runs the command line; returns the exit code. Errors are one line on
 * stderr naming the file and the problem (a stack trace only with --debug).
 */
export async function main(argv: string[], io: { out?: NodeJS.WritableStream; err?: NodeJS.WritableStream } = {}): Promise<number> {
  const out = io.out ?? process.stdout;
  const err = io.err ?? process.stderr;
  exitOnSignals();
  const [first, ...rest] = argv;
  const command = first !== undefined ? COMMANDS[first] : undefined;
  try {
    await (command ? command(rest, out) : plotCommand(argv, out));
    return 0;
  } catch (error) {
    const known = error instanceof UsageError || error instanceof WaterfallError;
    const message = known ? (error as Error).message : `internal error: ${(error as Error)?.message ?? String(error)}`;
    err.write(`plot: ${message.replace(/\s*\n\s*/g, " ")}\n`);
    if (argv.includes("--debug") && error instanceof Error) err.write(`${error.stack}\n`);
    return exitCodeFor(error);
  }
}
