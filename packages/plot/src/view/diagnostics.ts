/**
 * What the viewer lists beside each file in triage: S/N and DM, when
 * something knows them. Sources are tried in order; each may know nothing.
 * Today they are a candidate file's own attributes (FETCH/your HDF5 `snr`,
 * `dm`) and `your`'s candidate file names (`..._dm_565.3_snr_11.9.fil`);
 * measured diagnostics add a source here.
 */
import { basename } from "node:path";

import type { FileDescription } from "@wfall/spectra";

/** A file's S/N and DM, each when known. */
export interface FileDiagnostics {
  snr?: number;
  dm?: number;
}

/** Something that may know a file's diagnostics. */
export type DiagnosticsSource = (file: string, description: FileDescription) => FileDiagnostics | Promise<FileDiagnostics>;

const finite = (value: unknown): number | undefined => {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
};

/** A candidate file's attributes (FETCH/your HDF5: `snr`, `dm`). */
export const fromAttributes: DiagnosticsSource = (_file, description) => {
  if (description.format !== "hdf5") return {};
  return { snr: finite(description.details.snr), dm: finite(description.details.dm) };
};

/** `your`'s candidate names: `cand_<t>_dm_<dm>_snr_<snr>.<ext>`. */
export const fromFileName: DiagnosticsSource = (file) => {
  const m = /_dm_([0-9.]+)_snr_([0-9.]+)\.[^.]+$/.exec(basename(file));
  return m ? { dm: finite(m[1]), snr: finite(m[2]) } : {};
};

/** The sources, in order: a value found by an earlier one wins. */
export const DIAGNOSTICS_SOURCES: DiagnosticsSource[] = [fromAttributes, fromFileName];

/** A file's diagnostics from every source (empty when none knows them). */
export async function diagnosticsOf(file: string, description: FileDescription, sources = DIAGNOSTICS_SOURCES): Promise<FileDiagnostics> {
  const out: FileDiagnostics = {};
  for (const source of sources) {
    const found = await source(file, description);
    out.snr ??= found.snr;
    out.dm ??= found.dm;
  }
  return out;
}
