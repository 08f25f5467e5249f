/** Writing a waterfall as a SIGPROC filterbank. */
import { writeFileAtomic } from "../../io/files.js";
import * as native from "../../native.js";
import type { WaterfallData } from "../npz/write.js";
import { headerBytes, type HeaderValue } from "./header.js";

/** Options of {@link writeFilterbank}. */
export interface WriteFilterbankOptions {
  /** 32 (float, exact) or 8 (integers 0..255 only). Default 32. */
  nbits?: 8 | 32;
  /** Header values to add or override (source_name, tstart, telescope_id, ...). */
  header?: Record<string, number | string>;
}

/**
 * Writes a waterfall as a SIGPROC filterbank (descending frequencies, as
 * most tools expect; `refdm` holds its DM), atomically. Reading it back gives
 * the same values, axes and DM.
 */
export async function writeFilterbank(file: string, waterfall: WaterfallData, options: WriteFilterbankOptions = {}): Promise<void> {
  const nbits = options.nbits ?? 32;
  const samples = native.packFilterbank(waterfall.data, waterfall.ntime, { nbits, nchan: waterfall.nchan, descending: true }, file);
  const top = waterfall.fbottom + (waterfall.nchan - 0.5) * waterfall.df; // fch1: the top channel's centre
  const fields: Record<string, HeaderValue> = {
    telescope_id: 0,
    machine_id: 0,
    data_type: 1,
    source_name: "wfall",
    fch1: top,
    foff: -waterfall.df,
    nchans: waterfall.nchan,
    nbits,
    nifs: 1,
    tstart: 0,
    tsamp: waterfall.dt,
    refdm: waterfall.dm,
    ...options.header,
  };
  const header = headerBytes(Object.entries(fields));
  const bytes = new Uint8Array(header.length + samples.length);
  bytes.set(header);
  bytes.set(samples, header.length);
  await writeFileAtomic(file, bytes);
}
