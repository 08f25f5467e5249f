/**
 * The one reading pipeline: {@link openWaterfall} recognises the format from
 * the file's first bytes (once), hands the open file to that format's module,
 * then applies what the caller gave (axes, the file's DM) and the time range
 * the same way for every format. Adding a format is adding a module and a
 * line to {@link FORMATS}.
 */
import { flipRows, sliceColumns } from "../arrays.js";
import { WaterfallError } from "../errors.js";
import { openSource, type Source } from "../io/files.js";
import { checkAxes, frequencyAxis, type FormatName, type Waterfall, type WaterfallAxes } from "../model.js";
import { READ_OPTIONS, type ReadOptions } from "../options/read.js";
import { checkOptions, optionName } from "../options/spec.js";
import { filterbankFormat } from "./filterbank/read.js";
import type { OpenedFile, SampleBlock, WaterfallFormat } from "./format.js";
import { hdf5Format } from "./hdf5.js";
import { npyFormat } from "./npy.js";
import { npzFormat } from "./npz/read.js";

/** Every format, in the order their signatures are tried. */
export const FORMATS: readonly WaterfallFormat[] = [npzFormat, npyFormat, filterbankFormat, hdf5Format];

const DESCRIPTIONS = "npz, npy, SIGPROC filterbank or FETCH/your HDF5 candidate";

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

/** Opens a file with its format's module and runs `use` on it; everything opened is closed afterwards. */
async function withOpenFile<T>(file: string, options: ReadOptions, use: (opened: OpenedFile, format: WaterfallFormat) => Promise<T>): Promise<T> {
  checkOptions(READ_OPTIONS, options, file);
  const source = await openSource(file);
  try {
    const format = await sniff(source, file);
    refuseForeignOptions(format, options, file);
    const opened = await format.open(source, file, options);
    try {
      return await use(opened, format);
    } finally {
      opened.close?.();
    }
  } finally {
    await source.close();
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
  };
}

/**
 * A file opened by its format's module, with the caller's axes applied and the time range
 * resolved: what {@link openWaterfall} reads whole and the streaming path reads in gulps.
 */
export interface ResolvedFile {
  file: string;
  format: FormatName;
  opened: OpenedFile;
  axes: WaterfallAxes;
  /** Given frequencies descend: rows are flipped on reading. */
  flip: boolean;
  /** What the reader assumed or changed. */
  notes: string[];
  /** The samples the range selects: `[first, first + count)`. */
  first: number;
  count: number;
}

/** Opens and resolves a file (format, axes, range) and runs `use` on it; everything opened is closed afterwards. */
export async function withResolvedFile<T>(file: string, options: ReadOptions, use: (resolved: ResolvedFile) => Promise<T>): Promise<T> {
  return withOpenFile(file, options, async (opened, format) => {
    if (opened.ntime === 0) throw new WaterfallError("E_SHAPE", "the file holds no samples", { file });
    const { axes, flip, notes } = resolveAxes(opened, options, file);
    const [first, count] = sampleRange(options, axes.dt, opened.ntime, file);
    return use({ file, format: format.name, opened, axes, flip, notes: [...opened.notes, ...notes], first, count });
  });
}

/** Reads a resolved file's samples whole. */
export async function readWhole(resolved: ResolvedFile): Promise<Waterfall> {
  const { opened, file, first, count, axes, flip } = resolved;
  let block = opened.rangedReads ? await opened.read(first, count) : selectSamples(await opened.read(0, opened.ntime), opened.nchan, first, count);
  if (flip)
    block = { ...block, intensity: flipRows(block.intensity, opened.nchan, count), weights: block.weights && flipRows(block.weights, opened.nchan, count) };
  return {
    ...axes,
    intensity: block.intensity,
    nchan: opened.nchan,
    ntime: block.ntime,
    start: first * axes.dt,
    weights: block.weights,
    zerosMissing: opened.zerosMissing && !block.weights,
    file,
    format: resolved.format,
    layout: opened.layout,
    dtype: opened.dtype,
    notes: resolved.notes,
    startMjd: opened.startMjd,
    dmTime: block.dmTime,
    extra: block.extra,
  };
}

/**
 * Reads a waterfall from any supported format (npz in any known layout, a
 * plain .npy with its axes given, SIGPROC filterbank, FETCH/your candidate).
 * `start`/`duration` select samples: a filterbank reads only those rows.
 * Values given in `options` replace the file's; an option of another format
 * is an error, as is an axis that neither the file nor the caller gives.
 */
export async function openWaterfall(file: string, options: ReadOptions = {}): Promise<Waterfall> {
  return withResolvedFile(file, options, readWhole);
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
}

/** Describes a file without reading its samples where the format allows (a filterbank's header only). */
export async function describeFile(file: string, options: ReadOptions = {}): Promise<FileDescription> {
  return withOpenFile(file, options, async (opened, format) => {
    const axes: Partial<WaterfallAxes> = {};
    const missing: FileDescription["missing"] = {};
    for (const field of ["dt", "df", "fbottom"] as const) {
      const value = options[field] ?? opened.axes[field];
      if (value === undefined) missing[field] = opened.hints?.[field] ?? `give --${field}`;
      else axes[field] = value;
    }
    axes.dm = options.fileDm ?? opened.axes.dm;
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
    };
  });
}
