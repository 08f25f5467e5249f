/**
 * The one reading pipeline: {@link openWaterfall} recognises the format from
 * the file's first bytes (once), hands the open file to that format's module,
 * then applies what the caller gave (axes, the file's DM) and the time range
 * the same way for every format. Adding a format is adding a module and a
 * line to {@link FORMATS}.
 */
import { flipRows, sliceColumns } from "../arrays.js";
import { sweepMargins, sweepMarginsWithin } from "../dedispersion.js";
import { WaterfallError } from "../errors.js";
import { openSource, type Source } from "../io/files.js";
import { fileChannelMask } from "../masks/file-channels.js";
import type { ChannelMask } from "../masks/record.js";
import { bandEdges, checkAxes, frequencyAxis, type FormatName, type SampleWindow, type Waterfall, type WaterfallAxes } from "../model.js";
import * as native from "../native.js";
import { READ_OPTIONS, type ReadOptions, type SweepTarget } from "../options/read.js";
import { checkOptions, optionName } from "../options/spec.js";
import { filterbankFormat } from "./filterbank/read.js";
import type { OpenedFile, SampleBlock, WaterfallFormat } from "./format.js";
import { hdf5Format } from "./hdf5/read.js";
import { npyFormat } from "./npy.js";
import { npzFormat } from "./npz/read.js";
import { psrfitsFormat } from "./psrfits.js";

/** Every format, in the order their signatures are tried. */
export const FORMATS: readonly WaterfallFormat[] = [npzFormat, npyFormat, filterbankFormat, hdf5Format, psrfitsFormat];

const DESCRIPTIONS = "npz, npy, SIGPROC filterbank, HDF5 (FETCH/your candidate, CHIME/FRB catalogue) or PSRFITS search mode";

/** One file, or several files of one observation read as one waterfall. */
export type Input = string | readonly string[];

/** How messages name an input: the file, or "FIRST and N more". */
export function inputLabel(input: Input): string {
  if (typeof input === "string") return input;
  return input.length === 1 ? input[0] : `${input[0]} and ${input.length - 1} more`;
}

async function sniff(source: Source, file: string): Promise<WaterfallFormat> {
  if (source.size === 0) throw new WaterfallError("E_NOT_WATERFALL", `empty file: expected ${DESCRIPTIONS}`, { file });
  const head = new Uint8Array(Math.min(16, source.size));
  await source.read(0, head);
  const format = FORMATS.find((f) => f.sniff(head));
  if (!format) throw new WaterfallError("E_NOT_WATERFALL", `not a waterfall file: expected ${DESCRIPTIONS}`, { file });
  return format;
}

/** Options that belong to other formats are errors, never silently ignored. */
function refuseForeignOptions(format: WaterfallFormat, options: ReadOptions, file: string): void {
  for (const other of FORMATS) {
    for (const key of other.ownOptions) {
      if (options[key] !== undefined && !format.ownOptions.includes(key)) {
        throw new WaterfallError(
          "E_ARGUMENT",
          `option ${optionName(key, READ_OPTIONS[key as keyof typeof READ_OPTIONS])} applies to ${other.name} files only; this is a ${format.name} file`,
          { file },
        );
      }
    }
  }
}

/** The format of a file, from its first bytes. */
export async function detectFormat(file: string): Promise<FormatName> {
  const source = await openSource(file);
  try {
    return (await sniff(source, file)).name;
  } finally {
    await source.close();
  }
}

/** Opens the inputs with their format's module; several files must be of one format that combines them. */
async function openInputs(inputs: { source: Source; file: string }[], options: ReadOptions): Promise<{ opened: OpenedFile; format: WaterfallFormat }> {
  const formats: WaterfallFormat[] = [];
  for (const { source, file } of inputs) formats.push(await sniff(source, file));
  const format = formats[0];
  const other = formats.findIndex((f) => f !== format);
  if (other >= 0) {
    throw new WaterfallError(
      "E_ARGUMENT",
      `is a ${formats[other].name} file but ${inputs[0].file} is ${format.name}: the files of one waterfall must be of one format`,
      {
        file: inputs[other].file,
      },
    );
  }
  refuseForeignOptions(format, options, inputs[0].file);
  if (inputs.length === 1) return { opened: await format.open(inputs[0].source, inputs[0].file, options), format };
  if (!format.openSequence) {
    throw new WaterfallError(
      "E_ARGUMENT",
      `${inputs.length} files were given as one waterfall, but ${format.name} files cannot be combined: only PSRFITS files of one observation, split in time, can (give one file, or use plot multi for several panels)`,
      { file: inputs[0].file },
    );
  }
  return { opened: await format.openSequence(inputs, options), format };
}

/** Opens an input with its format's module and runs `use` on it; everything opened is closed afterwards. */
async function withOpenFile<T>(input: Input, options: ReadOptions, use: (opened: OpenedFile, format: WaterfallFormat) => Promise<T>): Promise<T> {
  const files = typeof input === "string" ? [input] : [...input];
  if (files.length === 0) throw new WaterfallError("E_ARGUMENT", "no input file given");
  checkOptions(READ_OPTIONS, options, inputLabel(input));
  const inputs: { source: Source; file: string }[] = [];
  try {
    for (const file of files) inputs.push({ source: await openSource(file), file });
    const { opened, format } = await openInputs(inputs, options);
    try {
      return await use(opened, format);
    } finally {
      opened.close?.();
    }
  } finally {
    await Promise.all(inputs.map(({ source }) => source.close()));
  }
}

/** The axes after the caller's values, and whether given frequencies ask for the rows to be flipped. */
function resolveAxes(opened: OpenedFile, options: ReadOptions, file: string): { axes: WaterfallAxes; flip: boolean; notes: string[] } {
  const notes: string[] = [];
  if (options.freqs !== undefined && options.freqs.length !== opened.nchan) {
    throw new WaterfallError("E_SHAPE", `${options.freqs.length} channel frequencies given for ${opened.nchan} channels`, { file });
  }
  const band = options.freqs === undefined ? undefined : frequencyAxis(options.freqs, file, "freqs");
  const fromFreqs: Partial<WaterfallAxes> = band ? { fbottom: band.fbottom, df: band.df } : {};
  const pick = (field: "dt" | "df" | "fbottom") => {
    const value = options[field] ?? fromFreqs[field] ?? opened.axes[field];
    if (value === undefined) throw new WaterfallError("E_MISSING_KEY", opened.hints?.[field] ?? `the file does not say ${field}: give --${field}`, { file });
    return value;
  };
  let dm = options.fileDm ?? opened.axes.dm;
  if (dm === undefined) {
    dm = 0;
    notes.push("no DM in the file: taken as 0");
  }
  const axes = { dt: pick("dt"), df: pick("df"), fbottom: pick("fbottom"), dm };
  checkAxes(axes, file);
  return { axes, flip: band?.descending ?? false, notes };
}

/** The samples `[first, first + count)` that a time range selects. */
export function sampleRange(options: Pick<ReadOptions, "start" | "duration">, dt: number, ntime: number, file: string): [first: number, count: number] {
  const first = Math.floor((options.start ?? 0) / dt + 1e-9);
  const count = options.duration === undefined ? ntime - first : Math.round(options.duration / dt);
  if (!(first >= 0 && count >= 1 && first + count <= ntime)) {
    throw new WaterfallError("E_RANGE", `samples ${first}..${first + count - 1} are outside the file's ${ntime} (${(ntime * dt).toFixed(3)} s)`, { file });
  }
  return [first, count];
}

/**
 * Widens `[first, first + count)` by the dispersion sweep (within the file),
 * noting when the file does not hold all of it.
 */
function widenBySweep(range: [number, number], ntime: number, axes: WaterfallAxes, nchan: number, target: SweepTarget, file: string) {
  const [first, count] = range;
  const { before, after } = target.wrap === "roll" ? sweepMargins(axes, nchan, target, file) : sweepMarginsWithin(axes, nchan, target, ntime, file);
  const start = Math.max(0, first - before);
  const end = Math.min(ntime, first + count + after);
  const notes: string[] = [];
  const missing = Math.max(0, first + count + after - ntime) + Math.max(0, before - first);
  if (missing > 0 && count < ntime) {
    const [low, high] = bandEdges(axes, nchan).map((f) => f.toFixed(0));
    notes.push(
      `the dispersion sweep at DM ${target.dm} across ${low}-${high} MHz needs ${((before + after) * axes.dt).toFixed(3)} s around the window; the file lacks ${(missing * axes.dt).toFixed(3)} s of it, which dedispersion leaves blank`,
    );
  }
  const window: SampleWindow = { offset: first - start, count };
  return { first: start, count: end - start, window, notes };
}

/** Samples `[first, first + count)` of a block read whole. */
function selectSamples(block: SampleBlock, nchan: number, first: number, count: number): SampleBlock {
  if (first === 0 && count === block.ntime) return block;
  const slice = (data: Float32Array, rows: number) => sliceColumns(data, rows, block.ntime, first, count);
  return {
    ...block,
    intensity: slice(block.intensity, nchan),
    ntime: count,
    weights: block.weights && slice(block.weights, nchan),
    dmTime:
      block.dmTime && block.dmTime.ntime === block.ntime ? { ...block.dmTime, data: slice(block.dmTime.data, block.dmTime.ndm), ntime: count } : block.dmTime,
    modelTimeseries: block.modelTimeseries?.slice(first, first + count),
  };
}

/**
 * Reads a waterfall from any supported format (npz in any known layout, a
 * plain .npy with its axes given, SIGPROC filterbank, FETCH/your candidate,
 * CHIME/FRB catalogue file, PSRFITS search mode). `start`/`duration` select
 * samples: a filterbank or PSRFITS file reads only those rows. Values given
 * in `options` replace the file's; an option of another format is an error,
 * as is an axis that neither the file nor the caller gives. An array of
 * paths reads several PSRFITS files of one observation as one waterfall
 * (ordered by start time, gaps as missing samples); other formats refuse it.
 */
export async function openWaterfall(input: Input, options: ReadOptions = {}): Promise<Waterfall> {
  return withPlannedRead(input, options, readPlanned);
}

/** Reads the samples a {@link ReadPlan} decided, whole: the waterfall {@link openWaterfall} returns. */
export async function readPlanned(opened: OpenedFile, format: WaterfallFormat, plan: ReadPlan): Promise<Waterfall> {
  const { axes, flip, first, count } = plan;
  const notes = [...plan.notes];
  let block = opened.rangedReads ? await opened.read(first, count) : selectSamples(await opened.read(0, opened.ntime), opened.nchan, first, count);
  if (flip)
    block = {
      ...block,
      intensity: flipRows(block.intensity, opened.nchan, count),
      weights: block.weights && flipRows(block.weights, opened.nchan, count),
      channelWeights: block.channelWeights?.slice().reverse(),
    };
  const channelMask = fileChannelMask(block, opened, axes, notes);
  return {
    ...readDescription(opened, format, plan, notes, channelMask),
    intensity: block.intensity,
    ntime: block.ntime,
    weights: block.weights,
    zerosMissing: opened.zerosMissing && !block.weights,
    dmTime: block.dmTime,
    modelTimeseries: block.modelTimeseries,
    extra: block.extra,
  };
}

/**
 * A planned read as a {@link Waterfall} describes it, without its samples:
 * `notes` are those of the axes and the file's channel mask (the sweep's are added).
 */
export function readDescription(
  opened: OpenedFile,
  format: WaterfallFormat,
  plan: ReadPlan,
  notes: string[],
  channelMask?: ChannelMask,
): Omit<Waterfall, "intensity" | "weights"> {
  return {
    ...plan.axes,
    nchan: opened.nchan,
    ntime: plan.count,
    start: plan.first * plan.axes.dt,
    zerosMissing: opened.zerosMissing,
    file: plan.file,
    format: format.name,
    layout: opened.layout,
    dtype: opened.dtype,
    notes: [...opened.notes, ...notes, ...plan.sweepNotes],
    startMjd: opened.startMjd,
    channelMask,
    fileDescending: (opened.descending ?? false) || plan.flip,
    ...(plan.window ? { window: plan.window } : {}),
  };
}

/** What a read takes from a file, decided as {@link openWaterfall} decides it. */
export interface ReadPlan {
  /** The input as messages name it. */
  file: string;
  axes: WaterfallAxes;
  /** Whether given frequencies ask for the rows to be flipped. */
  flip: boolean;
  /** The samples read, `[first, first + count)`: those asked for, and the dispersion sweep around them when asked. */
  first: number;
  count: number;
  /** The samples asked for within those read, when the read holds more (the sweep). */
  window?: SampleWindow;
  /** What deciding the axes noted (a missing DM). */
  notes: string[];
  /** What the sweep noted (a part the file lacks). */
  sweepNotes: string[];
}

/**
 * Opens an input with its format's module, decides the read (axes, time
 * range, sweep) and runs `use` on them; everything opened is closed
 * afterwards. {@link openWaterfall} then reads the samples whole; the
 * streaming path reads them in gulps.
 */
export async function withPlannedRead<T>(
  input: Input,
  options: ReadOptions,
  use: (opened: OpenedFile, format: WaterfallFormat, plan: ReadPlan) => Promise<T>,
): Promise<T> {
  const file = inputLabel(input);
  return withOpenFile(input, options, async (opened, format) => {
    if (opened.ntime === 0) throw new WaterfallError("E_SHAPE", "the file holds no samples", { file });
    const { axes, flip, notes } = resolveAxes(opened, options, file);
    const asked = sampleRange(options, axes.dt, opened.ntime, file);
    const sweep = options.includeSweep ? widenBySweep(asked, opened.ntime, axes, opened.nchan, options.includeSweep, file) : undefined;
    const [first, count] = sweep ? [sweep.first, sweep.count] : asked;
    const window = sweep && (sweep.window.offset > 0 || sweep.window.count < count) ? sweep.window : undefined;
    return use(opened, format, { file, axes, flip, first, count, window, notes, sweepNotes: sweep?.notes ?? [] });
  });
}

/** What a file holds, as `plot info` prints it. */
export interface FileDescription {
  file: string;
  format: FormatName;
  layout: string;
  channels: number;
  samples: number;
  dtype: string;
  /** The axes the file states (or the caller gave); absent ones are named in `missing`. */
  axes: Partial<WaterfallAxes>;
  /** Axes neither the file nor the caller gives, with how to give them. */
  missing: Partial<Record<keyof WaterfallAxes, string>>;
  startMjd?: number;
  notes: string[];
  /** Header values, other keys, attributes. */
  details: Record<string, unknown>;
  /** Channels (0 = the lowest frequency) that do not vary over the first `samplesChecked` samples: dead or flagged. */
  constantChannels: { zero: number[]; constant: number[]; samplesChecked: number };
}

/** Bytes of samples `plot info` reads to find constant channels (the whole file when smaller). */
const INFO_SAMPLE_BYTES = 64 << 20;

/** Channels without variation in a block: all zero (or missing), or constant at another value. */
function constantChannels(block: SampleBlock, nchan: number, ntime: number) {
  const view = { data: block.intensity, weights: null, zerosMissing: false, nchan, ntime };
  const { count, mean, variance } = native.channelMoments(view, false);
  const zero: number[] = [];
  const constant: number[] = [];
  for (let c = 0; c < nchan; c++) {
    if (count[c] === 0 || (variance[c] === 0 && mean[c] === 0)) zero.push(c);
    else if (variance[c] === 0) constant.push(c);
  }
  return { zero, constant, samplesChecked: ntime };
}

/** Describes a file (or several of one observation) without reading its samples where the format allows (a filterbank's header only). */
export async function describeFile(input: Input, options: ReadOptions = {}): Promise<FileDescription> {
  const file = inputLabel(input);
  return withOpenFile(input, options, async (opened, format) => {
    const axes: Partial<WaterfallAxes> = {};
    const missing: FileDescription["missing"] = {};
    for (const field of ["dt", "df", "fbottom"] as const) {
      const value = options[field] ?? opened.axes[field];
      if (value === undefined) missing[field] = opened.hints?.[field] ?? `give --${field}`;
      else axes[field] = value;
    }
    axes.dm = options.fileDm ?? opened.axes.dm;
    const checked = Math.max(1, Math.min(opened.ntime, Math.floor(INFO_SAMPLE_BYTES / (4 * opened.nchan))));
    const block =
      opened.ntime === 0
        ? undefined
        : opened.rangedReads
          ? await opened.read(0, checked)
          : selectSamples(await opened.read(0, opened.ntime), opened.nchan, 0, checked);
    return {
      file,
      format: format.name,
      layout: opened.layout,
      channels: opened.nchan,
      samples: opened.ntime,
      dtype: opened.dtype,
      axes,
      missing,
      startMjd: opened.startMjd,
      notes: opened.notes,
      details: opened.details(),
      constantChannels: block ? constantChannels(block, opened.nchan, checked) : { zero: [], constant: [], samplesChecked: 0 },
    };
  });
}
