/**
 * PSRFITS search-mode files (Parkes, MeerKAT, FAST, GBT, Arecibo, ASKAP):
 * the headers, row 0 (channel order) and the last row (zero padding) are read
 * on open; a time range reads only the rows holding it, in gulps, so a
 * multi-GiB file is never loaded whole. Decoding (`((raw - ZERO_OFF)·DAT_SCL
 * + DAT_OFFS)·DAT_WTS`, the polarisations, the flip to row 0 lowest) runs in
 * the native core. Several files of one observation become one waterfall:
 * ordered by start time, with gaps between them as missing (NaN) samples.
 * A single file also offers its decoded samples as time-major float32 rows
 * ({@link OpenedFile.timeRows}), so figures stream it in gulps.
 */
import { basename } from "node:path";

import { WaterfallError } from "../errors.js";
import { alignedBuffer, type Source } from "../io/files.js";
import { checkSize, defaultMaxBytes } from "../io/limits.js";
import * as native from "../native.js";
import type { PsrfitsHandle, PsrfitsLayout, PsrfitsReadOptions } from "../native.js";
import type { ReadOptions } from "../options/read.js";
import type { OpenedFile, TimeRows, WaterfallFormat } from "./format.js";

/** Header reads are at least this long: the small HDUs before SUBINT usually come in one read. */
const HEADER_READ_BYTES = 64 << 10;
/** Rows are read and decoded this many bytes at a time (at least one row). */
const GULP_BYTES = 64 << 20;
/** Most reads the header walk may ask for (far more HDUs than any real file has). */
const MAX_HEADER_READS = 4096;

export const psrfitsFormat: WaterfallFormat = {
  name: "psrfits",
  sniff: (head) => String.fromCharCode(...head.subarray(0, 9)) === "SIMPLE  =",
  ownOptions: ["pol", "applyScales", "applyOffsets", "applyWeights"],
  open: (source, file, options) => openPsrfits([{ source, file }], options),
  openSequence: (inputs, options) => openPsrfits(inputs, options),
};

/** One file's handle and what was read on opening it. */
interface Part {
  source: Source;
  file: string;
  handle: PsrfitsHandle;
  layout: PsrfitsLayout;
  fbottom: number;
  df: number;
  /** The file stores the highest frequency first. */
  descending: boolean;
}

/** The decode options the read options ask for. */
function decodeOptions(options: ReadOptions): PsrfitsReadOptions {
  return {
    pol: options.pol === undefined ? undefined : String(options.pol),
    scales: options.applyScales,
    offsets: options.applyOffsets,
    weights: options.applyWeights,
  };
}

/** Walks the headers (reading only them), then row 0 and the last row. */
async function openPart(source: Source, file: string): Promise<Part> {
  const reader = native.psrfitsHeaderReader(source.size, file);
  let reads = 0;
  for (let range = reader.nextRange(); range; range = reader.nextRange()) {
    if (++reads > MAX_HEADER_READS) throw new WaterfallError("E_HEADER", `more than ${MAX_HEADER_READS} header reads: too many HDUs`, { file });
    const bytes = new Uint8Array(Math.min(Math.max(range.length, HEADER_READ_BYTES), source.size - range.offset));
    await source.read(range.offset, bytes);
    reader.add(range.offset, bytes);
  }
  const handle = reader.open();
  const rowAt = async (row: number, layout: PsrfitsLayout) => {
    const bytes = alignedBuffer(layout.rowBytes);
    await source.read(layout.dataOffset + row * layout.rowBytes, bytes);
    return bytes;
  };
  let layout = handle.layout();
  const channels = handle.setFirstRow(await rowAt(0, layout));
  handle.trimPadding(await rowAt(layout.nrows - 1, layout));
  layout = handle.layout();
  return { source, file, handle, layout, fbottom: channels.fbottomMhz, df: channels.dfMhz, descending: channels.descendingInFile };
}

/** "file 1" in the core's sequence messages becomes the file's name. */
function nameFiles(message: string, parts: readonly Part[]): string {
  return message.replace(/\bfile (\d+)\b/g, (whole, i: string) => (parts[Number(i)] ? basename(parts[Number(i)].file) : whole));
}

/** The samples `[start, end)` of one file into columns `outOffset..` of `out`, a gulp of rows at a time. */
async function decodeInto(part: Part, start: number, end: number, options: PsrfitsReadOptions, out: Float32Array, outNtime: number, outOffset: number) {
  const { layout, handle, source } = part;
  const rows = handle.rowsFor(start, end);
  const gulpRows = Math.max(1, Math.floor(GULP_BYTES / layout.rowBytes));
  const buffer = alignedBuffer(Math.min(gulpRows, rows.length) * layout.rowBytes);
  const warnings: string[] = [];
  for (let row = rows.offset; row < rows.offset + rows.length; row += gulpRows) {
    const n = Math.min(gulpRows, rows.offset + rows.length - row);
    const bytes = buffer.subarray(0, n * layout.rowBytes);
    await source.read(layout.dataOffset + row * layout.rowBytes, bytes);
    const from = Math.max(start, row * layout.nsblk);
    const to = Math.min(end, (row + n) * layout.nsblk);
    warnings.push(...handle.decode(bytes, row, from, to, options, out, outNtime, outOffset + from - start).warnings);
  }
  return warnings;
}

/**
 * Adds a decode's warnings to `notes`, one of each kind: a warning whose
 * text differs from a noted one only in its numbers (the row a DAT_FREQ
 * drift was first seen in) is left out, so the notes do not depend on how
 * the rows were split into reads. Rows are read from the lowest, so the
 * note kept names the first row of the range that has it.
 */
function noteWarnings(notes: string[], warnings: readonly string[], prefix: string): void {
  const kind = (text: string) => text.replace(/\d+(\.\d+)?(e[+-]?\d+)?/g, "#");
  for (const w of warnings) {
    const note = `${prefix}${w}`;
    if (!notes.some((n) => kind(n) === kind(note))) notes.push(note);
  }
}

/**
 * The decoded samples of one file as time-major float32 rows (lowest
 * frequency first), for the streaming path: a read decodes the whole subint
 * rows holding the samples asked for, keeping the last ones it read for the
 * next read, which usually starts inside the same subint.
 */
function decodedTimeRows(part: Part, options: PsrfitsReadOptions, note: (warnings: string[]) => void): TimeRows {
  const { layout, handle, source } = part;
  const fileRowBytes = layout.rowBytes;
  let raw = alignedBuffer(0);
  /** The file rows `raw` holds: `[first, first + count)`. */
  let held = { first: 0, count: 0 };
  const readRows = async (first: number, count: number) => {
    const reused = first >= held.first && first < held.first + held.count ? Math.min(held.first + held.count, first + count) - first : 0;
    const from = (first - held.first) * fileRowBytes;
    if (raw.length < count * fileRowBytes) {
      const bigger = alignedBuffer(count * fileRowBytes);
      if (reused > 0) bigger.set(raw.subarray(from, from + reused * fileRowBytes));
      raw = bigger;
    } else if (reused > 0) raw.copyWithin(0, from, from + reused * fileRowBytes);
    held = { first: 0, count: 0 }; // until the read succeeds
    if (reused < count) await source.read(layout.dataOffset + (first + reused) * fileRowBytes, raw.subarray(reused * fileRowBytes, count * fileRowBytes));
    held = { first, count };
    return raw.subarray(0, count * fileRowBytes);
  };
  let queue: Promise<unknown> = Promise.resolve();
  const decodeRows = async (first: number, into: Uint8Array) => {
    const samples = into.length / (4 * layout.nchan);
    const rows = handle.rowsFor(first, first + samples);
    const bytes = await readRows(rows.offset, rows.length);
    const out = new Float32Array(into.buffer, into.byteOffset, into.length / 4);
    note(handle.decodeTimeMajor(bytes, rows.offset, first, first + samples, options, out));
  };
  return {
    layout: { nbits: 32, nchan: layout.nchan, descending: false },
    rowBytes: 4 * layout.nchan,
    read(first, into) {
      // one read at a time: each may reuse the rows the one before it read
      const run = queue.then(() => decodeRows(first, into));
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

/**
 * Opens one PSRFITS file, or several of one observation as one waterfall
 * (ordered by start time; gaps are missing samples, overlaps keep the
 * earlier file's). Row 0 is the lowest frequency; `dm` is 0, since search
 * data are not dedispersed across channels (`CHAN_DM` is coherent
 * dedispersion within each channel only).
 */
async function openPsrfits(inputs: readonly { source: Source; file: string }[], options: ReadOptions): Promise<OpenedFile> {
  const parts: Part[] = [];
  for (const { source, file } of inputs) parts.push(await openPart(source, file));
  const label = parts.length === 1 ? parts[0].file : `${parts[0].file} and ${parts.length - 1} more`;
  const decode = decodeOptions(options);
  const polarisation = parts.map((p) => p.handle.polarisation(decode))[0]; // checks the option against every file, before any read
  const plan =
    parts.length === 1
      ? {
          placements: [{ file: 0, sampleStart: 0, sampleEnd: parts[0].layout.nstot, outOffset: 0 }],
          ntime: parts[0].layout.nstot,
          startMjd: parts[0].layout.startMjd,
          warnings: [],
        }
      : native.psrfitsPlan(
          parts.map((p) => p.handle),
          label,
        );
  const first = parts[plan.placements[0]?.file ?? 0];
  const { layout } = first;
  const prefix = (part: Part) => (parts.length === 1 ? "" : `${basename(part.file)}: `);
  const notes = [
    `polarisation: ${polarisation}`,
    ...parts.flatMap((p) => p.handle.warnings().map((w) => `${prefix(p)}${w}`)),
    ...plan.warnings.map((w) => nameFiles(w, parts)),
  ];
  if (layout.chanDm)
    notes.push(`CHAN_DM = ${layout.chanDm}: coherently dedispersed within each channel only; the sweep across channels remains, so the DM is 0`);
  const maxBytes = options.maxBytes ?? defaultMaxBytes();
  return {
    nchan: layout.nchan,
    ntime: plan.ntime,
    axes: { dt: layout.tbinSeconds, df: first.df, fbottom: first.fbottom, dm: 0 },
    layout: parts.length === 1 ? "PSRFITS search mode" : `PSRFITS search mode, ${parts.length} files of one observation`,
    dtype: layout.dtype,
    zerosMissing: false,
    descending: first.descending,
    notes,
    startMjd: plan.startMjd ?? undefined,
    rangedReads: true,
    async read(start, count) {
      const gulp = Math.min(GULP_BYTES, Math.max(...parts.map((p) => p.layout.rowBytes)));
      checkSize(count * layout.nchan * 4 + gulp, maxBytes, `${count} samples of ${layout.nchan} channels as float32`, label, "read a shorter --duration");
      const intensity = new Float32Array(layout.nchan * count);
      if (parts.length > 1) intensity.fill(Number.NaN); // gaps between files are missing samples
      const end = start + count;
      for (const p of plan.placements) {
        const outStart = Math.max(start, p.outOffset);
        const outEnd = Math.min(end, p.outOffset + p.sampleEnd - p.sampleStart);
        if (outStart >= outEnd) continue;
        const fileStart = p.sampleStart + outStart - p.outOffset;
        const part = parts[p.file];
        noteWarnings(notes, await decodeInto(part, fileStart, fileStart + outEnd - outStart, decode, intensity, count, outStart - start), prefix(part));
      }
      return { intensity, ntime: count };
    },
    // several files stay read whole (gaps, overlaps); one file streams its decoded rows
    timeRows: parts.length === 1 ? decodedTimeRows(first, decode, (warnings) => noteWarnings(notes, warnings, "")) : undefined,
    details() {
      const lines: Record<string, unknown> = Object.fromEntries(first.handle.summary().map((l) => [l.label, l.value]));
      for (const [i, note] of parts.flatMap((p) => p.handle.notes().map((n) => `${prefix(p)}${n}`)).entries()) lines[`header note ${i + 1}`] = note;
      if (parts.length > 1) {
        for (const p of plan.placements) {
          const part = parts[p.file];
          lines[basename(part.file)] = `samples ${p.sampleStart}..${p.sampleEnd - 1} at ${p.outOffset}, start MJD ${part.layout.startMjd ?? "unknown"}`;
        }
      }
      return lines;
    },
  };
}
