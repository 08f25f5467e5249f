/**
 * The `plot` command. Flags are declared once (name, kind, default, help) and
 * both the parser and `--help` are made from the declarations.
 *
 *   plot --fname X_wfall.npz --dm 87.81 --figname X_wfall.pdf   (the tutorial's flags)
 *   plot prepare X_wfall.npz --dm 87.81 --nsub 128 -o X_prepared.npz
 */
import { parseArgs } from "node:util";

import { openWaterfall, parseKeyMap, removeTemporaryFiles, Spectra, WaterfallError, writeFileAtomic, writeWaterfall, type OpenOptions } from "@wfall/spectra";

import { COLOUR_MAPS } from "./heatmap.js";
import { DEFAULTS, processSpectra, type WaterfallOptions } from "./options.js";

// Figure rendering (Vega, Vega-Lite, fonts) and the build's worker pool load
// only when a command needs them: `plot prepare` starts in a fraction of the time.
const figures = () => import("./figures.js");
const builds = () => import("./build.js");

type Kind = "number" | "string" | "boolean" | "list" | "numbers" | "strings";
interface Flag {
  name: string;
  kind: Kind;
  help: string;
  short?: string;
  default?: string;
}

/** Flags taking one value per input (`--dm 87.76 87.86 87.81`). */
const MULTI_VALUED: Kind[] = ["numbers", "strings"];

/** How to read inputs that are not the tutorial's npz. */
const READ_FLAGS: Flag[] = [
  { name: "key", kind: "strings", help: "npz key of a field: intensity=NAME, dt=, df=, fbottom=, freqs=, dm= (repeatable)", default: "detected" },
  { name: "layout", kind: "string", help: "npz layout: tutorial, frbgui or CHIME/FRB", default: "detected from the keys" },
  { name: "dt", kind: "number", help: "sample time in s (for a plain .npy, or to override the file)" },
  { name: "df", kind: "number", help: "channel width in MHz (idem)" },
  { name: "fbottom", kind: "number", help: "lowest channel frequency in MHz (idem)" },
  { name: "file-dm", kind: "number", help: "the DM the data are at (when the file does not say)", default: "the file's, or 0" },
  { name: "start", kind: "number", help: "filterbank: first second to read", default: "0" },
  { name: "duration", kind: "number", help: "filterbank: seconds to read", default: "to the end" },
];

const PROCESS_FLAGS: Flag[] = [
  { name: "dm", kind: "number", help: "target DM in pc cm^-3 (dedisperse to it)", default: "the DM in the file" },
  { name: "nsub", kind: "number", help: "number of subbands (a divisor of the channel count)", default: "128 when the channels are a larger multiple of 128, else all channels" },
  { name: "mask-sum", kind: "number", help: "mask channels with |nansum over time| above this (tutorial: 2)", default: "off" },
  { name: "mask-var", kind: "number", help: "mask channels with nanvar over time above this (tutorial: 0.05)", default: "off" },
  { name: "mask-channels", kind: "list", help: "comma-separated channels to mask (0 = lowest frequency, before subbanding)" },
  { name: "keep-constant", kind: "boolean", help: "do not mask channels that are constant in time" },
  { name: "normalise", kind: "string", help: "normalise channels first: fractional, zscore or robust", default: "none" },
  { name: "downsample", kind: "number", help: "average this many adjacent samples after dedispersion", default: "1" },
  { name: "kdm", kind: "number", help: "dispersion constant, MHz^2 s cm^3/pc", default: String(1 / 2.41e-4) },
];

/** How every figure looks (single and multi-panel). */
const LOOK_FLAGS: Flag[] = [
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

const FIGURE_FLAGS: Flag[] = [
  { name: "fname", kind: "string", help: "input: npz, .npy, SIGPROC .fil or FETCH .h5 (or give it as the first argument)" },
  { name: "figname", kind: "string", help: "output figure; .pdf, .svg or .png", default: "the input name with .pdf" },
  ...PROCESS_FLAGS,
  ...LOOK_FLAGS,
  ...READ_FLAGS,
];

const MULTI_FLAGS: Flag[] = [
  { name: "figname", kind: "string", help: "output figure; .pdf, .svg or .png", default: "wfall.pdf (as the tutorial)" },
  { name: "dm", kind: "numbers", help: "target DM of each input, in order", default: "the DM in each file" },
  { name: "titles", kind: "strings", help: "title of each panel, in order (e.g. TNS names)", default: "none" },
  { name: "label", kind: "string", help: "figure label above the panels, e.g. \"(a)\"", default: "none" },
  { name: "columns", kind: "number", help: "panels per row", default: "all in one row" },
  { name: "no-masks", kind: "boolean", help: "do not apply the tutorial's two channel masks (|sum| > 2, variance > 0.05)" },
  { name: "shared-scale", kind: "boolean", help: "one colour scale for all panels" },
  ...PROCESS_FLAGS.filter((f) => f.name !== "dm"),
  ...LOOK_FLAGS.filter((f) => f.name !== "title"),
  ...READ_FLAGS,
];

const BUILD_FLAGS: Flag[] = [
  { name: "check", kind: "boolean", help: "render in memory and fail, naming each figure, when a committed output differs" },
  { name: "only", kind: "strings", help: "build only these figures (by name)", default: "all" },
  { name: "force", kind: "boolean", help: "render every figure, even those unchanged since the last build" },
  { name: "jobs", kind: "number", help: "worker threads", default: "the number of cores" },
];

const PREPARE_FLAGS: Flag[] = [
  { name: "output", short: "o", kind: "string", help: "output npz (required)" },
  ...PROCESS_FLAGS,
  { name: "compressed", kind: "boolean", help: "deflate the npz (np.savez_compressed)" },
  ...READ_FLAGS,
];

const INFO_FLAGS: Flag[] = [{ name: "json", kind: "boolean", help: "print JSON" }, ...READ_FLAGS];

const COMMON_FLAGS: Flag[] = [
  { name: "help", short: "h", kind: "boolean", help: "show this help" },
  { name: "debug", kind: "boolean", help: "print stack traces of errors" },
];

const USAGE: Record<string, string> = {
  plot: "plot [--fname] INPUT.npz [--dm DM] [--figname OUT.pdf|.svg|.png] [options]\n\nDraws the tutorial's waterfall figure (time series over the dedispersed, subbanded waterfall).",
  prepare: "plot prepare INPUT.npz [--dm DM] [--nsub N] [masks] -o OUTPUT.npz\n\nWrites the processed (dedispersed, masked, subbanded) waterfall as an npz numpy and the tutorial's scripts read.",
  multi: "plot multi A.npz B.npz ... [--dm DM_A DM_B ...] [--titles T_A T_B ...] [--label \"(a)\"] [--figname OUT.pdf]\n\nDraws several waterfalls side by side, as the tutorial's plot_intensity_wfalls_multi.py. Give the input files first.",
  build: "plot build FIGURES.yaml [--check] [--only NAME ...] [--force] [--jobs N]\n\nRenders every figure of a manifest (YAML or JSON; schema: @wfall/plot/schema/figures.schema.json), skipping unchanged ones.",
  info: "plot info FILE [--json]\n\nPrints what a file holds: format, layout, shape, frequencies, sample time, DM, duration, header.",
};

function helpText(command: string, flags: Flag[]): string {
  const rows = [...flags, ...COMMON_FLAGS].map((f) => {
    const arg = { boolean: "", list: " A,B,...", number: " N", string: " TEXT", numbers: " N ...", strings: " TEXT ..." }[f.kind];
    const name = `${f.short ? `-${f.short}, ` : "    "}--${f.name}${arg}`;
    return `  ${name.padEnd(30)} ${f.help}${f.default ? ` (default: ${f.default})` : ""}`;
  });
  const commands =
    command === "plot"
      ? "\n\nCommands:\n  plot prepare    write the processed waterfall as an npz (plot prepare --help)\n  plot multi      several waterfalls in one figure (plot multi --help)\n  plot build      render the figures of a manifest (plot build --help)\n  plot info       what a file holds (plot info --help)\n"
      : "\n";
  return `Usage: ${USAGE[command]}${commands}\nOptions:\n${rows.join("\n")}\n`;
}

/** A usage mistake: exit code 2, one line. */
class UsageError extends Error {}

type Values = Record<string, string | boolean | string[] | undefined>;

/**
 * Spreads `--dm 1 2 3` into `--dm 1 --dm 2 --dm 3` for multi-valued flags: a
 * numeric flag takes the following numbers, a text flag everything up to the
 * next flag.
 */
function spreadMultiValued(argv: string[], flags: Flag[]): string[] {
  const multi = new Map(flags.filter((f) => MULTI_VALUED.includes(f.kind)).map((f) => [`--${f.name}`, f.kind]));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const kind = multi.get(argv[i]);
    if (!kind) {
      out.push(argv[i]);
      continue;
    }
    const flag = argv[i];
    const takes = (token: string) => (kind === "numbers" ? token.trim() !== "" && !Number.isNaN(Number(token)) : !token.startsWith("--"));
    let taken = 0;
    for (; i + 1 < argv.length && takes(argv[i + 1]); taken++) out.push(flag, argv[++i]);
    if (taken === 0) out.push(flag); // no value: the parser reports it
  }
  return out;
}

function parse(argv: string[], flags: Flag[]): { values: Values; positionals: string[] } {
  const options = Object.fromEntries(
    [...flags, ...COMMON_FLAGS].map((f) => [
      f.name,
      { type: f.kind === "boolean" ? ("boolean" as const) : ("string" as const), multiple: MULTI_VALUED.includes(f.kind), ...(f.short ? { short: f.short } : {}) },
    ]),
  );
  try {
    return parseArgs({ args: spreadMultiValued(argv, flags), options, allowPositionals: true, strict: true }) as { values: Values; positionals: string[] };
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\. To specify a positional.*$/s, "")} (see --help)`);
  }
}

function toNumber(name: string, raw: unknown): number {
  const value = Number(raw);
  if (typeof raw !== "string" || raw.trim() === "" || !Number.isFinite(value)) throw new UsageError(`--${name} expects a number, got '${raw}'`);
  return value;
}

function numberFlag(values: Values, name: string): number | undefined {
  return values[name] === undefined ? undefined : toNumber(name, values[name]);
}

function numbersFlag(values: Values, name: string): number[] | undefined {
  const raw = values[name] as string[] | undefined;
  return raw?.map((v) => toNumber(name, v));
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
    downsample: numberFlag(values, "downsample"),
    kdm: numberFlag(values, "kdm"),
  };
}

/** How to read inputs, from the read flags. */
function readOptions(values: Values): OpenOptions {
  const given = { dt: numberFlag(values, "dt"), df: numberFlag(values, "df"), fbottom: numberFlag(values, "fbottom"), dm: numberFlag(values, "file-dm") };
  const keys = values.key ? parseKeyMap(values.key as string[]) : undefined;
  return {
    layout: values.layout as string | undefined,
    keys,
    values: Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
    start: numberFlag(values, "start"),
    duration: numberFlag(values, "duration"),
  };
}

/** Reads an input in any format, saying on stderr how a non-tutorial file was read. */
async function readInput(file: string, values: Values, err: NodeJS.WritableStream): Promise<Awaited<ReturnType<typeof openWaterfall>>> {
  const wf = await openWaterfall(file, readOptions(values));
  if (wf.layout && !wf.layout.startsWith("tutorial")) err.write(`plot: read ${file} as ${wf.layout}${wf.notes?.length ? ` (${wf.notes.join("; ")})` : ""}\n`);
  return wf;
}

function singleInput(values: Values, positionals: string[], command: string): string {
  const inputs = [...(typeof values.fname === "string" ? [values.fname] : []), ...positionals];
  if (inputs.length !== 1) throw new UsageError(inputs.length === 0 ? `${command}: no input file given (see --help)` : `${command}: expected one input file, got ${inputs.length}: ${inputs.join(" ")}`);
  return inputs[0];
}

function lookOptions(values: Values) {
  return {
    windowMs: numberFlag(values, "window-ms"),
    cmap: values.cmap as string | undefined,
    vmin: numberFlag(values, "vmin"),
    vmax: numberFlag(values, "vmax"),
    vminPercentile: numberFlag(values, "vmin-percentile"),
    vmaxPercentile: numberFlag(values, "vmax-percentile"),
    widthIn: numberFlag(values, "width"),
    heightIn: numberFlag(values, "height"),
    fontSize: numberFlag(values, "font-size"),
  };
}

async function plotCommand(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<void> {
  const { values, positionals } = parse(argv, FIGURE_FLAGS);
  if (values.help) return void out.write(helpText("plot", FIGURE_FLAGS));
  const input = singleInput(values, positionals, "plot");
  const options = { ...processOptions(values), ...lookOptions(values), title: values.title as string | undefined, dpi: numberFlag(values, "dpi") };
  const { defaultOutput, figureDataFor, plotWaterfall, waterfallSpec } = await figures();
  const wf = await readInput(input, values, err);
  const spec = Spectra.fromWaterfall(wf);
  if (values.spec) return void out.write(`${JSON.stringify(waterfallSpec(figureDataFor(spec, options, wf.dmTime), options), null, 2)}\n`);
  const output = (values.figname as string | undefined) ?? defaultOutput(input);
  if (output === input) throw new WaterfallError("E_ARGUMENT", "the output path is the input file; choose another name", { file: output });
  const result = await plotWaterfall(spec, { ...options, output, dmTime: wf.dmTime });
  out.write(`waterfall saved to: ${result.output}\n`);
}

async function prepareCommand(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<void> {
  const { values, positionals } = parse(argv, PREPARE_FLAGS);
  if (values.help) return void out.write(helpText("prepare", PREPARE_FLAGS));
  const input = singleInput(values, positionals, "prepare");
  const output = values.output as string | undefined;
  if (!output) throw new UsageError("prepare: the output file is required (-o OUTPUT.npz)");
  if (output === input) throw new WaterfallError("E_ARGUMENT", "the output path is the input file; choose another name", { file: output });
  const spec = processSpectra(Spectra.fromWaterfall(await readInput(input, values, err)), processOptions(values));
  await writeWaterfall(output, spec, { compressed: Boolean(values.compressed) });
  out.write(`prepared waterfall (${spec.nchan} channels x ${spec.ntime} samples, DM ${spec.dm}) saved to: ${output}\n`);
}

async function multiCommand(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<void> {
  const { values, positionals: inputs } = parse(argv, MULTI_FLAGS);
  if (values.help) return void out.write(helpText("multi", MULTI_FLAGS));
  if (inputs.length === 0) throw new UsageError("multi: no input files given (see --help)");
  const dms = numbersFlag(values, "dm");
  const titles = values.titles as string[] | undefined;
  for (const [name, list] of [["--dm", dms], ["--titles", titles]] as const) {
    if (list && list.length !== inputs.length) throw new UsageError(`multi: ${name} has ${list.length} value(s) for ${inputs.length} input file(s)`);
  }
  const { formatOf, multiPanelSpec, renderFigure } = await figures();
  const { dm: _, ...shared } = processOptions({ ...values, dm: undefined }); // one DM per input, below
  const panels = await Promise.all(
    inputs.map(async (file, i) => ({ data: Spectra.fromWaterfall(await readInput(file, values, err)), title: titles?.[i], options: dms ? { dm: dms[i] } : {} })),
  );
  const spec = multiPanelSpec(panels, {
    ...shared,
    ...lookOptions(values),
    label: values.label as string | undefined,
    columns: numberFlag(values, "columns"),
    masks: !values["no-masks"],
    sharedScale: Boolean(values["shared-scale"]),
  });
  if (values.spec) return void out.write(`${JSON.stringify(spec, null, 2)}\n`);
  const output = (values.figname as string | undefined) ?? "wfall.pdf";
  if (inputs.includes(output)) throw new WaterfallError("E_ARGUMENT", "the output path is one of the inputs; choose another name", { file: output });
  const bytes = await renderFigure(spec, { format: formatOf(output), dpi: numberFlag(values, "dpi") });
  await writeFileAtomic(output, bytes);
  out.write(`waterfalls saved to: ${output}\n`);
}

/** Exit code of `plot build --check` when a committed figure is out of date. */
export const CHECK_FAILED = 1;

async function buildCommand(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parse(argv, BUILD_FLAGS);
  if (values.help) return void out.write(helpText("build", BUILD_FLAGS)), 0;
  if (positionals.length !== 1) throw new UsageError(`build: expected one manifest file, got ${positionals.length} (see --help)`);
  const { buildManifest } = await builds();
  const report = await buildManifest(positionals[0], {
    check: Boolean(values.check),
    only: values.only as string[] | undefined,
    force: Boolean(values.force),
    jobs: numberFlag(values, "jobs"),
    progress: err,
  });
  const count = (status: string) => report.figures.filter((f) => f.status === status).length;
  for (const f of report.figures) {
    if (f.status === "failed") err.write(`plot: ${f.where}: figure '${f.name}' failed: ${f.error!.message}\n`);
    if (f.status === "differs") err.write(`plot: ${f.where}: figure '${f.name}' is out of date: ${f.differing!.join(", ")} differ(s) from what the manifest and inputs give\n`);
  }
  out.write(
    values.check
      ? `checked ${report.figures.length} figure(s): ${count("up to date")} up to date, ${count("differs")} out of date, ${count("failed")} failed\n`
      : `built ${count("built")} figure(s), ${count("cached")} unchanged, ${count("failed")} failed\n`,
  );
  if (count("failed") > 0) return report.figures.find((f) => f.status === "failed")!.error!.isIoError ? 1 : 2;
  return report.ok ? 0 : CHECK_FAILED;
}

type Command = (argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream) => Promise<number | void>;
async function infoCommand(argv: string[], out: NodeJS.WritableStream): Promise<void> {
  const { values, positionals } = parse(argv, INFO_FLAGS);
  if (values.help) return void out.write(helpText("info", INFO_FLAGS));
  const input = singleInput(values, positionals, "info");
  const { describeFile, formatDescription } = await import("./info.js");
  const description = await describeFile(input, readOptions(values));
  out.write(values.json ? `${JSON.stringify(description, null, 2)}\n` : formatDescription(description));
}

const COMMANDS: Record<string, Command> = { prepare: prepareCommand, multi: multiCommand, build: buildCommand, info: infoCommand };

/** Exit code for an error: 2 for bad usage or input, 1 for I/O failures and bugs. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return 2;
  if (error instanceof WaterfallError) return error.isIoError ? 1 : 2;
  return 1;
}

let signalsHandled = false;

/**
 * On Ctrl-C or a kill: removes unfinished temporary outputs, then re-raises
 * the signal so the process dies of it at once (the shell sees 130 or 143).
 * Exiting normally instead would wait for native work on the thread pool,
 * which can block indefinitely (a FIFO nobody writes to).
 */
export function dieCleanlyOnSignals(): void {
  if (signalsHandled) return;
  signalsHandled = true;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      removeTemporaryFiles();
      process.kill(process.pid, signal);
    });
  }
}

/**
 * Runs the command line; returns the exit code. Errors are one line on
 * stderr naming the file and the problem (a stack trace only with --debug).
 */
export async function main(argv: string[], io: { out?: NodeJS.WritableStream; err?: NodeJS.WritableStream } = {}): Promise<number> {
  const out = io.out ?? process.stdout;
  const err = io.err ?? process.stderr;
  dieCleanlyOnSignals();
  const [first, ...rest] = argv;
  const command = first !== undefined ? COMMANDS[first] : undefined;
  try {
    return (await (command ? command(rest, out, err) : plotCommand(argv, out, err))) ?? 0;
  } catch (error) {
    const known = error instanceof UsageError || error instanceof WaterfallError;
    const message = known ? (error as Error).message : `internal error: ${(error as Error)?.message ?? String(error)}`;
    err.write(`plot: ${message.replace(/\s*\n\s*/g, " ")}\n`);
    if (argv.includes("--debug") && error instanceof Error) err.write(`${error.stack}\n`);
    return exitCodeFor(error);
  }
}
