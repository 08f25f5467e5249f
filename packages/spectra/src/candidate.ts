/**
 * FETCH / your candidate files (HDF5): `data_freq_time` (time x frequency,
 * dedispersed at the `dm` attribute), `data_dm_time` (DM x time) and the
 * filterbank header as attributes, read with h5wasm.
 */
import { WaterfallError } from "./errors.js";
import { checkSize, defaultMaxBytes } from "./limits.js";
import { flipRows, type Waterfall } from "./waterfall.js";

/** A DM-time plane: row 0 the lowest trial DM. */
export interface DmTimePlane {
  data: Float32Array;
  ndm: number;
  ntime: number;
  /** Trial DMs of the first and last rows, pc cm^-3. */
  dmRange: [number, number];
}

type H5 = typeof import("h5wasm/node").default;
let h5: Promise<H5> | undefined;

/** h5wasm, loaded on first use (a WebAssembly module of a few MB). */
async function hdf5(): Promise<H5> {
  h5 ??= import("h5wasm/node").then(async (m) => {
    await m.default.ready;
    return m.default;
  });
  return h5;
}

function numberAttr(attrs: Record<string, { value: unknown }>, key: string): number | undefined {
  const v = attrs[key]?.value;
  const n = typeof v === "bigint" ? Number(v) : Array.isArray(v) || ArrayBuffer.isView(v) ? Number((v as ArrayLike<number>)[0]) : Number(v);
  return v === undefined || !Number.isFinite(n) ? undefined : n;
}

/** Transposes time-major `[ntime][nchan]` values to channel-major float32. */
function toChannelMajor(values: ArrayLike<number>, ntime: number, nchan: number): Float32Array {
  const out = new Float32Array(ntime * nchan);
  for (let t = 0; t < ntime; t++) for (let c = 0; c < nchan; c++) out[c * ntime + t] = Number(values[t * nchan + c]);
  return out;
}

/** Bytes per element of a dataset as stored (h5wasm reads it in that type before we convert). */
function elementBytes(dataset: InstanceType<H5["Dataset"]>): number {
  return dataset.metadata.size;
}

/**
 * Reads a FETCH/your candidate. The waterfall is `data_freq_time` at the
 * file's DM (rows flipped to put the lowest frequency first); when the
 * frequency axis was resized, the channel width grows accordingly. The
 * DM-time plane spans DM 0 .. 2 x dm, your's default (it stores no DM axis).
 */
export async function readCandidate(file: string, maxBytes = defaultMaxBytes()): Promise<Waterfall> {
  const lib = await hdf5();
  let f: InstanceType<H5["File"]>;
  try {
    f = new lib.File(file, "r");
  } catch (error) {
    throw new WaterfallError("E_NPZ_CORRUPT", `cannot open as HDF5: ${(error as Error).message}`, { file, cause: error });
  }
  try {
    const ft = f.get("data_freq_time") as InstanceType<H5["Dataset"]> | null;
    if (!ft || !ft.shape || ft.shape.length !== 2) {
      throw new WaterfallError("E_NPZ_MISSING_KEY", `no 2-D 'data_freq_time' dataset (the file has: ${f.keys().join(", ")}): not a FETCH/your candidate`, { file });
    }
    const attrs = f.attrs as unknown as Record<string, { value: unknown }>;
    const need = (key: string) => {
      const v = numberAttr(attrs, key);
      if (v === undefined) throw new WaterfallError("E_NPZ_MISSING_KEY", `the candidate lacks the '${key}' attribute`, { file });
      return v;
    };
    const [ntime, nchan] = ft.shape;
    checkSize(ntime * nchan * (elementBytes(ft) + 4), maxBytes, `data_freq_time (${ntime} x ${nchan}, read then as float32)`, file);
    const tsamp = need("tsamp");
    const fch1 = need("fch1");
    const foff = need("foff");
    const nchansOriginal = numberAttr(attrs, "nchans") ?? nchan;
    const dm = numberAttr(attrs, "dm") ?? 0;
    const df = (Math.abs(foff) * nchansOriginal) / nchan;
    const lowestCentre = foff < 0 ? fch1 + (nchansOriginal - 1) * foff : fch1;
    const fbottom = lowestCentre - Math.abs(foff) / 2 + df / 2;
    let intensity = toChannelMajor(ft.value as ArrayLike<number>, ntime, nchan);
    if (foff < 0) intensity = flipRows(intensity, nchan, ntime);
    const notes = [`FETCH/your candidate at DM ${dm}${nchan !== nchansOriginal ? `, ${nchansOriginal} channels resized to ${nchan}` : ""}`];

    let dmTime: DmTimePlane | undefined;
    const dmt = f.get("data_dm_time") as InstanceType<H5["Dataset"]> | null;
    if (dmt?.shape?.length === 2) {
      const [ndm, nt] = dmt.shape;
      checkSize(ndm * nt * (elementBytes(dmt) + 4), maxBytes, `data_dm_time (${ndm} x ${nt}, read then as float32)`, file);
      dmTime = { data: Float32Array.from(dmt.value as ArrayLike<number>, Number), ndm, ntime: nt, dmRange: [0, 2 * dm] };
      notes.push("DM-time plane assumed to span DM 0 .. 2 x dm (your's default)");
    }
    return {
      intensity,
      nchan,
      ntime,
      dt: tsamp,
      df,
      fbottom,
      dm,
      extra: {},
      file,
      dtype: "float32",
      zerosMissing: false,
      layout: "FETCH/your candidate (HDF5)",
      notes,
      dmTime,
    };
  } finally {
    f.close();
  }
}
