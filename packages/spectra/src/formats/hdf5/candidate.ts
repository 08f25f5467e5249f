/**
 * FETCH / your candidate files: `data_freq_time` (time x frequency, file
 * channel order, dedispersed at the `dm` attribute), `data_dm_time` (DM x
 * time, optional) and the SIGPROC header as attributes, as `your`'s
 * `Candidate.save_h5` and FETCH's `candmaker.py` write them (attributes may
 * be 'None', floats where integers are expected, and boolean or string arrays).
 */
import { flipRows, transpose } from "../../arrays.js";
import { WaterfallError } from "../../errors.js";
import { defaultMaxBytes } from "../../io/limits.js";
import type { DmTimePlane } from "../../model.js";
import type { ReadOptions } from "../../options/read.js";
import { sigprocBand } from "../filterbank/header.js";
import type { OpenedFile } from "../format.js";
import { attributes, dataset, numberAttribute, readFloat32, type H5File } from "./h5.js";

/** Whether a file holds a FETCH/your candidate. */
export const isCandidate = (f: H5File) => dataset(f, "data_freq_time", 2) !== undefined;

/**
 * Reads a FETCH/your candidate. The waterfall is `data_freq_time` at the
 * file's DM (rows flipped to put the lowest frequency first when `foff` < 0);
 * when the frequency axis was resized (`nchans` channels to fewer), the
 * channel width grows accordingly and the band's edges stay. The DM-time
 * plane spans DM 0 .. 2 x dm, your's default (it stores no DM axis).
 */
export function openCandidate(f: H5File, file: string, options: ReadOptions): OpenedFile {
  const freqTime = dataset(f, "data_freq_time", 2)!;
  const need = (key: string) => {
    const v = numberAttribute(f, key);
    if (v === undefined) throw new WaterfallError("E_MISSING_KEY", `the candidate lacks a numeric '${key}' attribute`, { file });
    return v;
  };
  const [ntime, nchan] = freqTime.shape!;
  const maxBytes = options.maxBytes ?? defaultMaxBytes();
  const nchansOriginal = numberAttribute(f, "nchans") ?? nchan;
  const foff = need("foff");
  const band = sigprocBand(need("fch1"), foff, nchansOriginal);
  const df = (band.df * nchansOriginal) / nchan;
  const dm = numberAttribute(f, "dm");
  const dmTimeSet = dataset(f, "data_dm_time", 2);
  const notes = [`FETCH/your candidate at DM ${dm ?? 0}${nchan !== nchansOriginal ? `, ${nchansOriginal} channels resized to ${nchan}` : ""}`];
  if (dmTimeSet) notes.push("DM-time plane assumed to span DM 0 .. 2 x dm (your's default)");
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
      let intensity = transpose(readFloat32(freqTime, "data_freq_time", file, maxBytes), nchan, ntime);
      if (band.descending) intensity = flipRows(intensity, nchan, ntime);
      let dmTime: DmTimePlane | undefined;
      if (dmTimeSet) {
        const [ndm, nt] = dmTimeSet.shape!;
        dmTime = { data: readFloat32(dmTimeSet, "data_dm_time", file, maxBytes), ndm, ntime: nt, dmRange: [0, 2 * (dm ?? 0)] };
      }
      return { intensity, ntime, dmTime };
    },
    details: () => ({ ...attributes(f), ...(dmTimeSet ? { data_dm_time: `${dmTimeSet.shape!.join(" x ")} (DM x time)` } : {}) }),
  };
}
