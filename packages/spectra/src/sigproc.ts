/**
 * SIGPROC filterbank files (`.fil`): a header of length-prefixed keywords
 * between HEADER_START and HEADER_END, then time-major samples. Only the
 * samples asked for are read (positioned reads), and unpacking runs in the
 * native core. Descending frequencies (negative `foff`) are flipped to our
 * row-0-lowest convention.
 */
import * as core from "@wfall/native";

import { callNative, WaterfallError } from "./errors.js";
import { alignedBuffer, openSource, writeFileAtomic, type Source } from "./files.js";
import { checkSize, defaultMaxBytes } from "./limits.js";
import { K_DM_CHIME, Spectra, type DedisperseOptions } from "./spectra.js";
import type { Waterfall, WaterfallData } from "./waterfall.js";

type Kind = "int" | "double" | "string" | "byte" | "long" | "flag";

/** The standard keywords and how their values are stored. */
const KEYWORDS: Record<string, Kind> = {
  telescope_id: "int",
  machine_id: "int",
  data_type: "int",
  barycentric: "int",
  pulsarcentric: "int",
  nbits: "int",
  nsamples: "int",
  nchans: "int",
  nifs: "int",
  nbeams: "int",
  ibeam: "int",
  nbins: "int",
  npuls: "long",
  tstart: "double",
  tsamp: "double",
  fch1: "double",
  foff: "double",
  refdm: "double",
  period: "double",
  az_start: "double",
  za_start: "double",
  src_raj: "double",
  src_dej: "double",
  source_name: "string",
  rawdatafile: "string",
  signed: "byte",
  FREQUENCY_START: "flag",
  FREQUENCY_END: "flag",
  fchannel: "double",
};

export type HeaderValue = number | string | boolean;

/** What a filterbank's header says, and where its samples are. */
export interface FilterbankInfo {
  file: string;
  header: Record<string, HeaderValue>;
  /** Keywords outside the standard set, with the value type they were read as. */
  unknownKeywords: string[];
  /** Bytes before the first sample. */
  headerBytes: number;
  nbits: number;
  nchans: number;
  /** Time samples in the file (from its size). */
  nsamples: number;
  /** Sample time, s. */
  tsamp: number;
  /** Frequency of the file's first channel and the step, MHz (negative: descending). */
  fch1: number;
  foff: number;
  /** Lowest channel frequency, MHz (row 0 of our waterfalls). */
  fbottom: number;
  /** Bytes per time sample. */
  rowBytes: number;
}

const MAX_HEADER_BYTES = 1 << 20;
const MAX_KEYWORD = 80;

function bad(file: string, message: string): WaterfallError {
  return new WaterfallError("E_NPY_HEADER", message, { file });
}

/** A cursor over header bytes. */
class Cursor {
  at = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
  ) {}
  private view = () => new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  need(n: number): void {
    if (this.at + n > this.bytes.length) throw bad(this.file, "the filterbank header is truncated (no HEADER_END)");
  }
  int(): number {
    this.need(4);
    const v = this.view().getInt32(this.at, true);
    this.at += 4;
    return v;
  }
  double(): number {
    this.need(8);
    const v = this.view().getFloat64(this.at, true);
    this.at += 8;
    return v;
  }
  long(): number {
    this.need(8);
    const v = Number(this.view().getBigInt64(this.at, true));
    this.at += 8;
    return v;
  }
  byte(): number {
    this.need(1);
    return this.bytes[this.at++];
  }
  /** A length-prefixed string, or null when the bytes here cannot be one. */
  tryString(at = this.at): string | null {
    if (at + 4 > this.bytes.length) return null;
    const length = new DataView(this.bytes.buffer, this.bytes.byteOffset + at).getInt32(0, true);
    if (length < 1 || length > MAX_KEYWORD || at + 4 + length > this.bytes.length) return null;
    const text = new TextDecoder("latin1").decode(this.bytes.subarray(at + 4, at + 4 + length));
    return /^[\x20-\x7e]+$/.test(text) ? text : null;
  }
  string(): string {
    const s = this.tryString();
    if (s === null) throw bad(this.file, `unreadable string in the filterbank header at byte ${this.at}`);
    this.at += 4 + s.length;
    return s;
  }
}

/** Whether a keyword-like string follows at `at` (used to size unknown keywords' values). */
function keywordAt(cursor: Cursor, at: number): boolean {
  const s = cursor.tryString(at);
  return s !== null && /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);
}

/**
 * Reads the value of a keyword not in the standard set: an int, a double or a
 * string, whichever is followed by another keyword. Returns the kind read.
 */
function readUnknown(cursor: Cursor): [Kind, HeaderValue] {
  const start = cursor.at;
  const text = cursor.tryString();
  if (text !== null && keywordAt(cursor, start + 4 + text.length)) return ["string", cursor.string()];
  if (keywordAt(cursor, start + 4)) return ["int", cursor.int()];
  if (keywordAt(cursor, start + 8)) return ["double", cursor.double()];
  if (keywordAt(cursor, start)) return ["flag", true];
  throw bad(cursor.file, `cannot tell the type of an unknown header keyword's value at byte ${start}`);
}

function parseHeader(bytes: Uint8Array, file: string): { header: Record<string, HeaderValue>; unknown: string[]; length: number } | null {
  const cursor = new Cursor(bytes, file);
  if (cursor.tryString() !== "HEADER_START") throw new WaterfallError("E_NOT_NPZ", "not a SIGPROC filterbank (no HEADER_START)", { file });
  cursor.string();
  const header: Record<string, HeaderValue> = {};
  const unknown: string[] = [];
  const channels: number[] = [];
  for (;;) {
    if (cursor.tryString() === null) {
      if (cursor.at + 4 > bytes.length) return null; // need more bytes
      throw bad(file, `unreadable keyword in the filterbank header at byte ${cursor.at}`);
    }
    const key = cursor.string();
    if (key === "HEADER_END") break;
    const kind = KEYWORDS[key];
    if (cursor.at + 8 > bytes.length && kind !== "flag") return null;
    switch (kind) {
      case "int": header[key] = cursor.int(); break;
      case "double": key === "fchannel" ? channels.push(cursor.double()) : (header[key] = cursor.double()); break;
      case "long": header[key] = cursor.long(); break;
      case "string": header[key] = cursor.string(); break;
      case "byte": header[key] = cursor.byte(); break;
      case "flag": header[key] = true; break;
      default: {
        const [read, value] = readUnknown(cursor);
        header[key] = value;
        unknown.push(`${key} (${read})`);
      }
    }
  }
  if (channels.length > 0) header.fchannel = channels.length; // per-channel frequencies: counted, not supported below
  return { header, unknown, length: cursor.at };
}

async function readHeader(source: Source, file: string) {
  for (let size = 4096; ; size *= 4) {
    const bytes = new Uint8Array(Math.min(size, source.size, MAX_HEADER_BYTES));
    await source.read(0, bytes);
    const parsed = parseHeader(bytes, file);
    if (parsed) return parsed;
    if (bytes.length >= Math.min(source.size, MAX_HEADER_BYTES)) throw bad(file, "the filterbank header is truncated (no HEADER_END)");
  }
}

function numberOf(header: Record<string, HeaderValue>, key: string, file: string): number {
  const v = header[key];
  if (typeof v !== "number" || !Number.isFinite(v)) throw bad(file, `the filterbank header lacks '${key}'`);
  return v;
}

/** Reads and checks the header of a filterbank file (the samples are not read). */
export async function readFilterbankInfo(file: string): Promise<FilterbankInfo> {
  const source = await openSource(file);
  try {
    return await infoFrom(source, file);
  } finally {
    await source.close();
  }
}

async function infoFrom(source: Source, file: string): Promise<FilterbankInfo> {
  if (source.size === 0) throw new WaterfallError("E_NOT_NPZ", "empty file, not a filterbank", { file });
  const { header, unknown, length } = await readHeader(source, file);
  const nbits = numberOf(header, "nbits", file);
  const nchans = numberOf(header, "nchans", file);
  const nifs = typeof header.nifs === "number" ? header.nifs : 1;
  const tsamp = numberOf(header, "tsamp", file);
  const fch1 = numberOf(header, "fch1", file);
  const foff = numberOf(header, "foff", file);
  if (nifs !== 1) throw new WaterfallError("E_SHAPE", `nifs is ${nifs}: only total-intensity filterbanks (nifs 1) are supported`, { file });
  if (typeof header.fchannel === "number") throw new WaterfallError("E_SHAPE", "per-channel frequency tables (FREQUENCY_START) are not supported", { file });
  if (![1, 2, 4, 8, 16, 32].includes(nbits)) throw new WaterfallError("E_DTYPE", `nbits is ${nbits}: expected 1, 2, 4, 8, 16 or 32`, { file });
  if (!(Number.isInteger(nchans) && nchans > 0) || (nchans * nbits) % 8 !== 0) throw new WaterfallError("E_SHAPE", `nchans ${nchans} at ${nbits} bits is not a whole number of bytes`, { file });
  if (!(tsamp > 0)) throw new WaterfallError("E_VALUE", `tsamp must be a positive number of seconds, got ${tsamp}`, { file });
  if (foff === 0 || !(fch1 > 0)) throw new WaterfallError("E_VALUE", `fch1 ${fch1} MHz and foff ${foff} MHz do not describe a band`, { file });
  const rowBytes = (nchans * nbits) / 8;
  const nsamples = Math.floor((source.size - length) / rowBytes);
  const fbottom = foff < 0 ? fch1 + (nchans - 1) * foff : fch1;
  if (!(fbottom > 0)) throw new WaterfallError("E_VALUE", `the band reaches ${fbottom} MHz`, { file });
  return { file, header, unknownKeywords: unknown, headerBytes: length, nbits, nchans, nsamples, tsamp, fch1, foff, fbottom, rowBytes };
}

/** Which samples to read: seconds from the start of the file, or sample indices. */
export interface TimeRange {
  /** Start, s (default 0). */
  start?: number;
  /** Length, s (default: to the end). */
  duration?: number;
}

function sampleRange(info: FilterbankInfo, range: TimeRange): [number, number] {
  const first = Math.floor((range.start ?? 0) / info.tsamp + 1e-9);
  const count = range.duration === undefined ? info.nsamples - first : Math.round(range.duration / info.tsamp);
  if (!(first >= 0 && count >= 1 && first + count <= info.nsamples)) {
    throw new WaterfallError(
      "E_RANGE",
      `samples ${first}..${first + count - 1} are outside the file's ${info.nsamples} (${(info.nsamples * info.tsamp).toFixed(3)} s)`,
      { file: info.file },
    );
  }
  return [first, count];
}

/** Reads (part of) a filterbank as a waterfall: only the rows asked for are read. */
export async function readFilterbank(file: string, range: TimeRange & { maxBytes?: number } = {}): Promise<Waterfall & { filterbank: FilterbankInfo }> {
  const source = await openSource(file);
  try {
    const info = await infoFrom(source, file);
    const [first, count] = sampleRange(info, range);
    const packedAndFloat = count * (info.rowBytes + info.nchans * 4);
    checkSize(packedAndFloat, range.maxBytes ?? defaultMaxBytes(), `${count} samples of ${info.nchans} channels (packed, then as float32)`, file, "read a shorter --duration");
    const bytes = alignedBuffer(count * info.rowBytes);
    await source.read(info.headerBytes + first * info.rowBytes, bytes);
    const unpacked = callNative(() => core.unpackFilterbank(bytes, { nbits: info.nbits, nchan: info.nchans, descending: info.foff < 0 }), file);
    return {
      intensity: unpacked.intensity,
      nchan: unpacked.nchan,
      ntime: unpacked.ntime,
      dt: info.tsamp,
      df: Math.abs(info.foff),
      dm: typeof info.header.refdm === "number" ? info.header.refdm : 0,
      fbottom: info.fbottom,
      start: first * info.tsamp,
      zerosMissing: false,
      extra: {},
      file,
      dtype: info.nbits === 32 ? "float32" : `uint${info.nbits}`,
      filterbank: info,
    };
  } finally {
    await source.close();
  }
}

/** How {@link reduceFilterbank} reduces a filterbank. */
export interface ReduceOptions extends DedisperseOptions {
  /** Target DM (from the header's refdm, or 0). */
  dm: number;
  /** Samples averaged together. Default 1. */
  tfactor?: number;
  /** Subbands (a divisor of the channel count). Default: all channels. */
  nsub?: number;
  /** Bytes read at a time. Default 64 MiB. */
  gulpBytes?: number;
}

/**
 * Dedisperses, downsamples and subbands a whole filterbank while streaming it
 * from disk in gulps: memory holds one gulp and the (small) result, never the
 * full-resolution waterfall. Equals reading, then `dedisperse(dm)`,
 * `subband(nsub)`, `downsample(tfactor)`.
 */
export async function reduceFilterbank(file: string, options: ReduceOptions): Promise<Spectra> {
  const source = await openSource(file);
  try {
    const info = await infoFrom(source, file);
    const fileDm = typeof info.header.refdm === "number" ? info.header.refdm : 0;
    if (!Number.isFinite(options.dm)) throw new WaterfallError("E_DM_RANGE", `DM must be a finite number, got ${options.dm}`, { file });
    const nsub = options.nsub ?? info.nchans;
    const tfactor = options.tfactor ?? 1;
    const plan: core.DedisperseOptions = {
      deltaDm: options.dm - fileDm,
      kDm: options.kdm ?? K_DM_CHIME,
      reference: typeof options.reference === "number" ? "mhz" : (options.reference ?? "top"),
      referenceMhz: typeof options.reference === "number" ? options.reference : undefined,
      wrap: options.wrap ?? "roll",
      dt: info.tsamp,
      fbottom: info.fbottom,
      df: Math.abs(info.foff),
    };
    const layout = { nbits: info.nbits, nchan: info.nchans, descending: info.foff < 0 };
    const reducer = callNative(() => new core.FilterbankReducer(layout, info.nsamples, plan, tfactor, nsub), file);
    // Two gulp buffers: the next one is read (by the I/O threads) while this one is reduced.
    const rowsPerGulp = Math.max(1, Math.floor((options.gulpBytes ?? 32 << 20) / info.rowBytes));
    const buffers = [0, 1].map(() => alignedBuffer(Math.min(rowsPerGulp, info.nsamples) * info.rowBytes));
    const read = (first: number, buffer: Uint8Array) => {
      const bytes = buffer.subarray(0, Math.min(rowsPerGulp, info.nsamples - first) * info.rowBytes);
      return source.read(info.headerBytes + first * info.rowBytes, bytes).then(() => bytes);
    };
    let next = read(0, buffers[0]);
    for (let first = 0, k = 0; first < info.nsamples; first += rowsPerGulp, k++) {
      const bytes = await next;
      if (first + rowsPerGulp < info.nsamples) next = read(first + rowsPerGulp, buffers[(k + 1) % 2]);
      callNative(() => reducer.add(bytes, first), file);
    }
    const out = callNative(() => reducer.finish(), file);
    return new Spectra(out.intensity, {
      nchan: out.nchan,
      ntime: out.ntime,
      fbottom: info.fbottom,
      df: (Math.abs(info.foff) * info.nchans) / nsub,
      dt: info.tsamp * tfactor,
      dm: options.dm,
      weights: out.weights,
      source: file,
    });
  } finally {
    await source.close();
  }
}

/** Options of {@link writeFilterbank}. */
export interface WriteFilterbankOptions {
  /** 32 (float, exact) or 8 (integers 0..255 only). Default 32. */
  nbits?: 8 | 32;
  /** Header values to add or override (source_name, tstart, telescope_id, ...). */
  header?: Record<string, number | string>;
}

function headerBytes(fields: [string, HeaderValue][]): Uint8Array {
  const parts: Buffer[] = [];
  const string = (text: string) => {
    const length = Buffer.alloc(4);
    length.writeInt32LE(text.length);
    parts.push(length, Buffer.from(text, "latin1"));
  };
  string("HEADER_START");
  for (const [key, value] of fields) {
    const kind = KEYWORDS[key] ?? (typeof value === "string" ? "string" : Number.isInteger(value) ? "int" : "double");
    string(key);
    const v = Buffer.alloc(kind === "int" ? 4 : kind === "byte" ? 1 : 8);
    if (kind === "string") string(String(value));
    else if (kind === "int") v.writeInt32LE(Number(value)), parts.push(v);
    else if (kind === "byte") v.writeUInt8(Number(value)), parts.push(v);
    else if (kind === "long") v.writeBigInt64LE(BigInt(Number(value))), parts.push(v);
    else v.writeDoubleLE(Number(value)), parts.push(v);
  }
  string("HEADER_END");
  return Buffer.concat(parts);
}

/**
 * Writes a waterfall as a SIGPROC filterbank (descending frequencies, as
 * most tools expect; `refdm` holds its DM), atomically. Reading it back gives
 * the same values, axes and DM.
 */
export async function writeFilterbank(file: string, spec: WaterfallData, options: WriteFilterbankOptions = {}): Promise<void> {
  const nbits = options.nbits ?? 32;
  const samples = callNative(() => core.packFilterbank(spec.data, spec.ntime, { nbits, nchan: spec.nchan, descending: true }), file);
  const top = spec.fbottom + (spec.nchan - 1) * spec.df;
  const fields: Record<string, HeaderValue> = {
    telescope_id: 0,
    machine_id: 0,
    data_type: 1,
    source_name: "wfall",
    fch1: top,
    foff: -spec.df,
    nchans: spec.nchan,
    nbits,
    nifs: 1,
    tstart: 0,
    tsamp: spec.dt,
    refdm: spec.dm,
    ...options.header,
  };
  const header = headerBytes(Object.entries(fields));
  const bytes = new Uint8Array(header.length + samples.length);
  bytes.set(header);
  bytes.set(samples, header.length);
  await writeFileAtomic(file, bytes);
}
