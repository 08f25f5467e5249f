/**
 * One entry point for every waterfall format: npz (any known layout), a plain
 * .npy (axes given by the caller), SIGPROC filterbank, and FETCH/your
 * candidate HDF5. The format is recognised from the file's first bytes.
 */
import { WaterfallError } from "./errors.js";
import { openSource } from "./files.js";
import type { GivenValues, LayoutOptions } from "./layouts.js";
import { frequencyAxis } from "./layouts.js";
import { parseNpy, toFloat32 } from "./npy.js";
import { checkSize, defaultMaxBytes } from "./limits.js";
import { type ReadNpzOptions } from "./npz.js";
import { readFilterbank, type TimeRange } from "./sigproc.js";
import { checkAxes, flipRows, readWaterfall, type Waterfall } from "./waterfall.js";

export type WaterfallFormat = "npz" | "npy" | "filterbank" | "hdf5";

/** Options of {@link openWaterfall}, for whichever format the file is. */
export interface OpenOptions extends ReadNpzOptions, LayoutOptions, TimeRange {}

/** The format of a file, from its first bytes. */
export async function detectFormat(file: string): Promise<WaterfallFormat> {
  const source = await openSource(file);
  try {
    if (source.size === 0) throw new WaterfallError("E_NOT_NPZ", "empty file", { file });
    const head = new Uint8Array(Math.min(16, source.size));
    await source.read(0, head);
    const text = new TextDecoder("latin1").decode(head);
    if (text.startsWith("PK\x03\x04") || text.startsWith("PK\x05\x06")) return "npz";
    if (text.startsWith("\x93NUMPY")) return "npy";
    if (text.slice(4, 16) === "HEADER_START") return "filterbank";
    if (text.startsWith("\x89HDF\r\n\x1a\n")) return "hdf5";
    throw new WaterfallError("E_NOT_NPZ", "not a waterfall file: expected npz, npy, SIGPROC filterbank or HDF5 candidate", { file });
  } finally {
    await source.close();
  }
}

/** A plain .npy `[nchan][ntime]` with its axes given (dt, and fbottom + df or freqs). */
export async function readNpy(file: string, values: GivenValues = {}, maxBytes = defaultMaxBytes()): Promise<Waterfall> {
  const source = await openSource(file);
  let bytes: Uint8Array;
  try {
    checkSize(source.size, maxBytes, "the .npy file", file);
    bytes = new Uint8Array(source.size);
    await source.read(0, bytes);
  } finally {
    await source.close();
  }
  const array = parseNpy(bytes, { file, key: "array" });
  if (array.shape.length !== 2) throw new WaterfallError("E_SHAPE", `a .npy waterfall must be 2-D (channels x samples), got shape (${array.shape.join(", ")})`, { file });
  const [nchan, ntime] = array.shape;
  if (values.dt === undefined) throw new WaterfallError("E_ARGUMENT", "a .npy holds no axes: give dt (--dt) and fbottom and df (--fbottom, --df) or frequencies", { file });
  let intensity = toFloat32(array, { file, key: "array" });
  let fbottom = values.fbottom;
  let df = values.df;
  const notes = ["axes given on the command line"];
  if (values.freqs) {
    const axis = frequencyAxis(values.freqs, file, "freqs");
    ({ fbottom, df } = axis);
    if (axis.descending) intensity = flipRows(intensity, nchan, ntime);
  }
  if (fbottom === undefined || df === undefined) throw new WaterfallError("E_ARGUMENT", "a .npy holds no frequencies: give fbottom and df (--fbottom, --df)", { file });
  const dm = values.dm ?? 0;
  checkAxes({ dt: values.dt, df, fbottom, dm }, file);
  return { intensity, nchan, ntime, dt: values.dt, df, fbottom, dm, extra: {}, file, dtype: array.descr, zerosMissing: false, layout: "npy with given axes", notes };
}

/** Reads a waterfall from any supported format; `layout` in the result says how it was read. */
export async function openWaterfall(file: string, options: OpenOptions = {}): Promise<Waterfall> {
  switch (await detectFormat(file)) {
    case "npz":
      return readWaterfall(file, options);
    case "npy":
      return readNpy(file, options.values, options.maxBytes);
    case "filterbank": {
      const wf = await readFilterbank(file, options);
      return { ...wf, layout: "SIGPROC filterbank", ...(options.values?.dm !== undefined ? { dm: options.values.dm } : {}) };
    }
    case "hdf5": {
      const { readCandidate } = await import("./candidate.js");
      return readCandidate(file, options.maxBytes);
    }
  }
}
