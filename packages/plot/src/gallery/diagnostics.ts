/**
 * What a gallery shows of a candidate's burst: S/N, DM and width, when
 * something knows them. Sources are tried in order and later ones win, so a
 * measurement made by wfall can override what the candidate file says.
 * Today's source is the candidate file's own header (FETCH/your HDF5
 * attributes `snr`, `dm`, `width` in samples, `tsamp`); a source that knows
 * nothing returns `undefined`.
 */
import { extname } from "node:path";

import { describeFile } from "@wfall/spectra";

/** A figure's burst diagnostics; every field may be unknown. */
export interface Diagnostics {
  snr?: number;
  /** pc cm^-3. */
  dm?: number;
  widthMs?: number;
}

/** Something that may know a file's diagnostics. */
export interface DiagnosticsSource {
  name: string;
  read(input: string): Promise<Diagnostics | undefined>;
}

const finite = (v: unknown): number | undefined => {
  const n = typeof v === "bigint" ? Number(v) : ArrayBuffer.isView(v) || Array.isArray(v) ? Number((v as ArrayLike<number>)[0]) : Number(v);
  return v === undefined || v === null || !Number.isFinite(n) ? undefined : n;
};

/** The detection values a FETCH/your candidate file carries in its attributes. */
export const candidateHeader: DiagnosticsSource = {
  name: "candidate header",
  async read(input) {
    if (!/^\.(h5|hdf5)$/i.test(extname(input))) return undefined;
    try {
      const { details, axes } = await describeFile(input);
      const width = finite(details.width);
      const tsamp = finite(details.tsamp) ?? axes.dt;
      const snr = finite(details.snr);
      return {
        snr: snr !== undefined && snr > 0 ? snr : undefined, // your writes -1 for "not measured"
        dm: finite(details.dm) ?? axes.dm,
        widthMs: width !== undefined && width > 0 && tsamp !== undefined ? width * tsamp * 1e3 : undefined,
      };
    } catch {
      return undefined; // a file the build could not read has no diagnostics (its figure failed)
    }
  },
};

/** The sources the gallery asks, in order (a later one wins field by field). */
export const DIAGNOSTICS_SOURCES: DiagnosticsSource[] = [candidateHeader];

/** What the sources know of a figure's first input. */
export async function diagnosticsOf(input: string | undefined, sources: readonly DiagnosticsSource[] = DIAGNOSTICS_SOURCES): Promise<Diagnostics> {
  const merged: Diagnostics = {};
  if (input === undefined) return merged;
  for (const source of sources) {
    const found = await source.read(input);
    for (const [key, value] of Object.entries(found ?? {})) if (value !== undefined) merged[key as keyof Diagnostics] = value;
  }
  return merged;
}
