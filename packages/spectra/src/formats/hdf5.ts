/**
 * FETCH / your candidate files (HDF5): `data_freq_time` (time x frequency,
 * dedispersed at the `dm` attribute), `data_dm_time` (DM x time) and the
 * SIGPROC header as attributes, read with h5wasm (loaded on first use).
 */
import { flipRows, transpose } from "../arrays.js";
import { WaterfallError } from "../errors.js";
import type { Source } from "../io/files.js";
import { checkSize, defaultMaxBytes } from "../io/limits.js";
import type { DmTimePlane } from "../model.js";
import type { ReadOptions } from "../options/read.js";
import { sigprocBand } from "./filterbank/header.js";
import type { OpenedFile, WaterfallFormat } from "./format.js";

type H5 = typeof import("h5wasm/node").default;
type H5File = InstanceType<H5["File"]>;
type H5Dataset = InstanceType<H5["Dataset"]>;
let h5: Promise<H5> | undefined;

/** h5wasm, loaded on first use (a WebAssembly module of a few MB). */
async function hdf5(): Promise<H5> {
  h5 ??= import("h5wasm/node").then(async (m) => {
    await m.default.ready;
    return m.default;
  });
  return h5;
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]; // \x89HDF\r\n\x1a\n

export const hdf5Format: WaterfallFormat = {
  name: "hdf5",
  sniff: (head) => SIGNATURE.every((b, i) => head[i] === b),
  ownOptions: [],
  open: openCandidate,
};

function numberAttr(attrs: Record<string, { value: unknown }>, key: string): number | undefined {
  const v = attrs[key]?.value;
  const n = typeof v === "bigint" ? Number(v) : Array.isArray(v) || ArrayBuffer.isView(v) ? Number((v as ArrayLike<number>)[0]) : Number(v);
  return v === undefined || !Number.isFinite(n) ? undefined : n;
}

/** A 2-D dataset, or undefined. */
function dataset2d(f: H5File, name: string): H5Dataset | undefined {
  const d = f.get(name) as H5Dataset | null;
  return d?.shape?.length === 2 ? d : undefined;
}

/**
 * Opens a FETCH/your candidate. The waterfall is `data_freq_time` at the
 * file's DM (rows flipped to put the lowest frequency first); when the
 * frequency axis was resized, the channel width grows accordingly. The
 * DM-time plane spans DM 0 .. 2 x dm, your's default (it stores no DM axis).
 */
async function openCandidate(_source: Source, file: string, options: ReadOptions): Promise<OpenedFile> {
  const lib = await hdf5();
  let f: H5File;
  try {
    f = new lib.File(file, "r");
  } catch (error) {
    throw new WaterfallError("E_CORRUPT", `cannot open as HDF5: ${(error as Error).message}`, { file, cause: error });
  }
  try {
    const freqTime = dataset2d(f, "data_freq_time");
    if (!freqTime)
      throw new WaterfallError("E_MISSING_KEY", `no 2-D 'data_freq_time' dataset (the file has: ${f.keys().join(", ")}): not a FETCH/your candidate`, { file });
    const attrs = f.attrs as unknown as Record<string, { value: unknown }>;
    const need = (key: string) => {
      const v = numberAttr(attrs, key);
      if (v === undefined) throw new WaterfallError("E_MISSING_KEY", `the candidate lacks the '${key}' attribute`, { file });
      return v;
    };
    const [ntime, nchan] = freqTime.shape!;
    const maxBytes = options.maxBytes ?? defaultMaxBytes();
    checkSize(ntime * nchan * (freqTime.metadata.size + 4), maxBytes, `data_freq_time (${ntime} x ${nchan}, read then as float32)`, file);
    const nchansOriginal = numberAttr(attrs, "nchans") ?? nchan;
    const foff = need("foff");
    const band = sigprocBand(need("fch1"), foff, nchansOriginal);
    const df = (band.df * nchansOriginal) / nchan;
    const dm = numberAttr(attrs, "dm");
    const dmTimeSet = dataset2d(f, "data_dm_time");
    const notes = [`FETCH/your candidate at DM ${dm ?? 0}${nchan !== nchansOriginal ? `, ${nchansOriginal} channels resized to ${nchan}` : ""}`];
    if (dmTimeSet) notes.push("DM-time plane assumed to span DM 0 .. 2 x dm (your's default)");
    const details = Object.fromEntries(Object.entries(attrs).map(([k, a]) => [k, a.value]));
    return {
      nchan,
      ntime,
      axes: { dt: need("tsamp"), df, fbottom: band.fbottom, dm }, // resizing keeps the band's edges
      layout: "FETCH/your candidate (HDF5)",
      dtype: "float32",
      zerosMissing: false,
      notes,
      rangedReads: false,
      async read() {
        let intensity = transpose(freqTime.value as ArrayLike<number>, nchan, ntime);
        if (band.descending) intensity = flipRows(intensity, nchan, ntime);
        let dmTime: DmTimePlane | undefined;
        if (dmTimeSet) {
          const [ndm, nt] = dmTimeSet.shape!;
          checkSize(ndm * nt * (dmTimeSet.metadata.size + 4), maxBytes, `data_dm_time (${ndm} x ${nt}, read then as float32)`, file);
          dmTime = { data: Float32Array.from(dmTimeSet.value as ArrayLike<number>, Number), ndm, ntime: nt, dmRange: [0, 2 * (dm ?? 0)] };
        }
        return { intensity, ntime, dmTime };
      },
      details: () => ({ ...details, ...(dmTimeSet ? { data_dm_time: `${dmTimeSet.shape!.join(" x ")} (DM x time)` } : {}) }),
      close: () => f.close(),
    };
  } catch (error) {
    f.close();
    throw error;
  }
}
