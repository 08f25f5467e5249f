/** A plain `.npy` array `[nchan][ntime]`, row 0 the lowest frequency: it holds no axes, so they are given. */
import { WaterfallError } from "../errors.js";
import type { Source } from "../io/files.js";
import { checkSize, defaultMaxBytes } from "../io/limits.js";
import { parseNpy, toFloat32 } from "../io/npy.js";
import type { ReadOptions } from "../options/read.js";
import type { OpenedFile, WaterfallFormat } from "./format.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export const npyFormat: WaterfallFormat = {
  name: "npy",
  sniff: (head) => MAGIC.every((b, i) => head[i] === b),
  ownOptions: [],
  open: openNpy,
};

async function openNpy(source: Source, file: string, options: ReadOptions): Promise<OpenedFile> {
  checkSize(source.size, options.maxBytes ?? defaultMaxBytes(), "the .npy file", file);
  const bytes = new Uint8Array(source.size);
  await source.read(0, bytes);
  const array = parseNpy(bytes, { file, key: "array" });
  if (array.shape.length !== 2)
    throw new WaterfallError("E_SHAPE", `a .npy waterfall must be 2-D (channels x samples), got shape (${array.shape.join(", ")})`, { file });
  const [nchan, ntime] = array.shape;
  if (nchan === 0 || ntime === 0) throw new WaterfallError("E_SHAPE", `the array is empty: ${nchan} channels x ${ntime} samples`, { file });
  const noAxes = "a .npy holds no axes: give the sample time (--dt) and the band (--fbottom and --df)";
  return {
    nchan,
    ntime,
    axes: {},
    hints: { dt: noAxes, df: noAxes, fbottom: noAxes },
    layout: "npy with given axes",
    dtype: array.descr,
    zerosMissing: false,
    notes: [],
    rangedReads: false,
    read: async () => ({ intensity: toFloat32(array, { file, key: "array" }), ntime }),
    details: () => ({ dtype: array.descr, "fortran order": array.fortranOrder }),
  };
}
