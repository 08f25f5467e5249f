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
import { infoFrom } from "./header.js";

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
    axes: { dt: info.tsamp, df: band.df, fbottom: band.fbottom, dm: info.dm },
    layout: "SIGPROC filterbank",
    dtype: info.nbits === 32 ? "float32" : `uint${info.nbits}`,
    zerosMissing: false,
    notes: info.unknownKeywords.length ? [`unknown header keywords: ${info.unknownKeywords.join(", ")}`] : [],
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
      const unpacked = native.unpackFilterbank(bytes, { nbits: info.nbits, nchan: info.nchans, descending: band.descending }, file);
      return { intensity: unpacked.intensity, ntime: unpacked.ntime };
    },
    gulps: {
      kind: "time",
      layout: { nbits: info.nbits, descending: band.descending },
      readRows: (first, count, target) => source.read(info.headerBytes + first * info.rowBytes, target.subarray(0, count * info.rowBytes)),
    },
    details: () => ({ ...info.header, nbits: info.nbits, "header bytes": info.headerBytes }),
  };
}
