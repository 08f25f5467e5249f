/**
 * SIGPROC filterbank samples: time-major rows after the header. Only the rows
 * asked for are read (positioned reads); unpacking (and the flip of a
 * descending band to row 0 lowest) runs in the native core.
 */
import { alignedBuffer, type Source } from "../../io/files.js";
import { checkSize, defaultMaxBytes } from "../../io/limits.js";
import * as native from "../../native.js";
import type { ReadOptions } from "../../options/read.js";
import type { OpenedFile, WaterfallFormat } from "../format.js";
import { infoFrom, layoutOf, truncationWarnings, type HeaderValue } from "./header.js";

export const filterbankFormat: WaterfallFormat = {
  name: "filterbank",
  sniff: (head) => String.fromCharCode(...head.subarray(4, 16)) === "HEADER_START",
  ownOptions: [],
  open: openFilterbank,
};

async function openFilterbank(source: Source, file: string, options: ReadOptions): Promise<OpenedFile> {
  const info = await infoFrom(source, file);
  const { band } = info;
  return {
    nchan: info.nchans,
    ntime: info.nsamples,
    axes: { dt: info.tsamp, df: band.df, fbottom: band.fbottom, dm: typeof info.header.refdm === "number" ? info.header.refdm : undefined },
    layout: "SIGPROC filterbank",
    dtype: info.nbits === 32 ? "float32" : `${info.signed ? "int" : "uint"}${info.nbits}`,
    zerosMissing: false,
    descending: band.descending,
    notes: [...(info.unknownKeywords.length ? [`unknown header keywords: ${info.unknownKeywords.join(", ")}`] : []), ...truncationWarnings(info)],
    startMjd: info.startMjd,
    rangedReads: true,
    async read(first, count) {
      const packedAndFloat = count * (info.rowBytes + info.nchans * 4);
      checkSize(
        packedAndFloat,
        options.maxBytes ?? defaultMaxBytes(),
        `${count} samples of ${info.nchans} channels (packed, then as float32)`,
        file,
        "read a shorter --duration",
      );
      const bytes = alignedBuffer(count * info.rowBytes);
      await source.read(info.headerBytes + first * info.rowBytes, bytes);
      const unpacked = native.unpackFilterbank(bytes, layoutOf(info), file);
      return { intensity: unpacked.intensity, ntime: unpacked.ntime };
    },
    timeRows: {
      layout: layoutOf(info),
      rowBytes: info.rowBytes,
      read: (first, into) => source.read(info.headerBytes + first * info.rowBytes, into),
    },
    details: () => ({ ...readableHeader(info.header), nbits: info.nbits, "header bytes": info.headerBytes }),
  };
}

/** SIGPROC's packed angles (`hhmmss.s`, `±ddmmss.s` as a number) as sexagesimal text. */
export function sexagesimal(packed: number, hours: boolean): string {
  const sign = packed < 0 ? "-" : hours ? "" : "+";
  const value = Math.abs(packed);
  const whole = Math.floor(value / 10000);
  const minutes = Math.floor((value - whole * 10000) / 100);
  const seconds = value - whole * 10000 - minutes * 100;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${sign}${pad(whole)}:${pad(minutes)}:${seconds.toFixed(3).padStart(6, "0")}`;
}

/** A Modified Julian Date as an ISO 8601 UTC time. */
export function mjdToIso(mjd: number): string {
  return new Date((mjd - 40587) * 86400e3).toISOString().replace(/\.\d+Z$/, "Z");
}

/** The header with coordinates and the start time as people read them (the packed values kept in brackets). */
function readableHeader(header: Record<string, HeaderValue>): Record<string, HeaderValue> {
  const out = { ...header };
  if (typeof header.src_raj === "number") out.src_raj = `${sexagesimal(header.src_raj, true)} (${header.src_raj})`;
  if (typeof header.src_dej === "number") out.src_dej = `${sexagesimal(header.src_dej, false)} (${header.src_dej})`;
  if (typeof header.tstart === "number" && header.tstart > 0) out.tstart = `MJD ${header.tstart} (${mjdToIso(header.tstart)})`;
  return out;
}
