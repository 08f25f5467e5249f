/**
 * The SIGPROC filterbank header (`.fil`): length-prefixed keywords between
 * HEADER_START and HEADER_END, read and written; and what it says about the
 * samples that follow it, in the library's vocabulary.
 */
import { WaterfallError } from "../../errors.js";
import { openSource, type Source } from "../../io/files.js";
import type { FilterbankLayout } from "../../native.js";

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
  /** The file's first channel frequency and the step, MHz (negative: descending). */
  fch1: number;
  foff: number;
  /** The band in our convention (row 0 lowest). */
  band: SigprocBand;
  /** The DM the data are dedispersed to (`refdm`, else 0). */
  dm: number;
  /** MJD of the first sample (`tstart`), when the header has it. */
  startMjd?: number;
  /** Bytes per time sample. */
  rowBytes: number;
  /** Bytes after the last whole sample (a file cut short), left out of the samples. */
  trailingBytes: number;
  /** 8- or 16-bit samples are two's complement (`signed` non-zero; floats are signed anyway). */
  signed: boolean;
}

/** How the samples are stored, as the native core reads them. */
export function layoutOf(info: FilterbankInfo): FilterbankLayout {
  return { nbits: info.nbits, nchan: info.nchans, descending: info.band.descending, signed: info.signed };
}

/** A SIGPROC band (`fch1`, `foff`, `nchans`) in our convention: row 0 the lowest frequency. */
export interface SigprocBand {
  /** The lower edge of the band, MHz: half a channel below the lowest centre (`fch1` is a channel centre). */
  fbottom: number;
  /** Channel width, MHz (positive). */
  df: number;
  /** The file stores the highest frequency first (negative `foff`): rows are flipped on reading. */
  descending: boolean;
}

/** The band of a SIGPROC header (also FETCH/your candidates, which carry the same keywords). */
export function sigprocBand(fch1: number, foff: number, nchans: number): SigprocBand {
  const lowestCentre = foff < 0 ? fch1 + (nchans - 1) * foff : fch1;
  return { fbottom: lowestCentre - Math.abs(foff) / 2, df: Math.abs(foff), descending: foff < 0 };
}

const MAX_HEADER_BYTES = 1 << 20;
const MAX_KEYWORD = 80;

function bad(file: string, message: string): WaterfallError {
  return new WaterfallError("E_HEADER", message, { file });
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
  if (cursor.tryString() !== "HEADER_START") throw new WaterfallError("E_NOT_WATERFALL", "not a SIGPROC filterbank (no HEADER_START)", { file });
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
      case "int":
        header[key] = cursor.int();
        break;
      case "double":
        key === "fchannel" ? channels.push(cursor.double()) : (header[key] = cursor.double());
        break;
      case "long":
        header[key] = cursor.long();
        break;
      case "string":
        header[key] = cursor.string();
        break;
      case "byte":
        header[key] = cursor.byte();
        break;
      case "flag":
        header[key] = true;
        break;
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

export async function infoFrom(source: Source, file: string): Promise<FilterbankInfo> {
  if (source.size === 0) throw new WaterfallError("E_NOT_WATERFALL", "empty file, not a filterbank", { file });
  const { header, unknown, length } = await readHeader(source, file);
  const nbits = numberOf(header, "nbits", file);
  const nchans = numberOf(header, "nchans", file);
  const nifs = typeof header.nifs === "number" ? header.nifs : 1;
  const tsamp = numberOf(header, "tsamp", file);
  const fch1 = numberOf(header, "fch1", file);
  const foff = numberOf(header, "foff", file);
  if (nifs !== 1) throw new WaterfallError("E_UNSUPPORTED", `nifs is ${nifs}: only total-intensity filterbanks (nifs 1) are supported`, { file });
  if (typeof header.fchannel === "number")
    throw new WaterfallError("E_UNSUPPORTED", "per-channel frequency tables (FREQUENCY_START) are not supported", { file });
  if (![1, 2, 4, 8, 16, 32].includes(nbits)) throw new WaterfallError("E_DTYPE", `nbits is ${nbits}: expected 1, 2, 4, 8, 16 or 32`, { file });
  if (!(Number.isInteger(nchans) && nchans > 0) || (nchans * nbits) % 8 !== 0)
    throw new WaterfallError("E_SHAPE", `nchans ${nchans} at ${nbits} bits is not a whole number of bytes`, { file });
  if (!(tsamp > 0)) throw new WaterfallError("E_VALUE", `tsamp must be a positive number of seconds, got ${tsamp}`, { file });
  const signed = typeof header.signed === "number" && header.signed !== 0 && nbits !== 32;
  if (signed && nbits < 8) throw new WaterfallError("E_UNSUPPORTED", `signed ${nbits}-bit samples: only 8- and 16-bit samples can be signed`, { file });
  if (foff === 0 || !(fch1 > 0)) throw new WaterfallError("E_VALUE", `fch1 ${fch1} MHz and foff ${foff} MHz do not describe a band`, { file });
  const rowBytes = (nchans * nbits) / 8;
  const nsamples = Math.floor((source.size - length) / rowBytes);
  const trailingBytes = (source.size - length) % rowBytes;
  const band = sigprocBand(fch1, foff, nchans);
  if (!(band.fbottom > 0)) throw new WaterfallError("E_VALUE", `the band reaches ${band.fbottom} MHz`, { file });
  const dm = typeof header.refdm === "number" ? header.refdm : 0;
  const startMjd = typeof header.tstart === "number" && header.tstart > 0 ? header.tstart : undefined;
  return {
    file,
    header,
    unknownKeywords: unknown,
    headerBytes: length,
    nbits,
    nchans,
    nsamples,
    tsamp,
    fch1,
    foff,
    band,
    dm,
    startMjd,
    rowBytes,
    trailingBytes,
    signed,
  };
}

/** The bytes of a header holding `fields` (standard keywords with their types; others by their value). */
export function headerBytes(fields: [string, HeaderValue][]): Uint8Array {
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
 * Warnings that the file looks cut short: it ends inside a sample, or holds
 * fewer samples than its `nsamples` keyword says. The whole samples present
 * are read either way (as sigpyproc and PRESTO do).
 */
export function truncationWarnings(info: FilterbankInfo): string[] {
  const warnings: string[] = [];
  if (info.trailingBytes > 0)
    warnings.push(
      `warning: the file ends ${info.trailingBytes} bytes into sample ${info.nsamples} (of ${info.rowBytes} bytes): it looks cut short; that partial sample is left out`,
    );
  const declared = info.header.nsamples;
  if (typeof declared === "number" && declared > info.nsamples)
    warnings.push(
      `warning: the header says nsamples ${declared} but the file holds ${info.nsamples}: it looks cut short; the ${info.nsamples} samples present are read`,
    );
  return warnings;
}
