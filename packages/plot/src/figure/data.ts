/**
 * A panel's figure data: its waterfall processed by the panel's options, then
 * the tutorial's arithmetic, and what its parts need: the burst measured, a
 * DM-time plane (the input's, or computed over the trial DMs) and the
 * S/N-vs-DM curve.
 */
import {
  fetchDmRange,
  prepareFigureData,
  processSpectra,
  snrVersusDm,
  WaterfallError,
  type DmTimePlane,
  type FigureData,
  type FigureSnrCurve,
  type MeasuredPlane,
  type SnrCurve,
  type Spectra,
} from "@wfall/spectra";
import { native } from "@wfall/spectra/internal";

import type { PanelOptions } from "../options.js";
import { needsMeasurement, panelContents, type PanelContents } from "./contents.js";

/**
 * The figure data of a Spectra after the options' processing (the Spectra
 * itself is not modified), with what `parts` draw (default: the `panels`
 * option's). A DM-time plane on the same time axis (from a FETCH/your
 * candidate) is downsampled and cropped as the waterfall is; without one,
 * the plane is computed over `dmRange` (default `0 .. 2·DM`, FETCH's).
 */
export async function figureDataFor(spectra: Spectra, options: PanelOptions, dmTime?: DmTimePlane, parts?: PanelContents): Promise<FigureData> {
  const contents = parts ?? panelContents(options, dmTime !== undefined, spectra.source);
  const processed = processSpectra(spectra.clone(), options);
  const factor = options.downsample ?? 1;
  let plane = dmTime && factor !== 1 ? downsampleDmTime(dmTime, factor, spectra.source) : dmTime;
  let snrCurve: FigureSnrCurve | undefined;
  if ((contents.has("dmtime") && !plane) || contents.has("snrdm")) {
    const measured = await processed.dmTimePlane(trialsFor(processed, options, plane));
    if (!plane) plane = asDmTimePlane(measured);
    if (contents.has("snrdm")) snrCurve = figureCurve(snrVersusDm(measured, options.definition, spectra.source));
  }
  return prepareFigureData(processed, {
    ...options,
    dmTime: contents.has("dmtime") ? plane : undefined,
    snrCurve,
    measure: needsMeasurement(contents),
  });
}

/** The trial DMs of a computed plane: `dmRange`, else those of the input's own plane, else FETCH's `0 .. 2·DM`. */
function trialsFor(processed: Spectra, options: PanelOptions, plane?: DmTimePlane): { dmRange: [number, number]; trials?: number } {
  if (options.dmRange) return { dmRange: options.dmRange, trials: options.trials };
  if (plane) return { dmRange: plane.dmRange, trials: plane.ndm };
  if (!(processed.dm > 0))
    throw new WaterfallError("E_DM_RANGE", "the DM-time plane needs trial DMs: give --dm (FETCH's range is 0 .. 2 DM) or --dm-range LOW HIGH", {
      file: processed.source,
    });
  return { dmRange: fetchDmRange(processed.dm), trials: options.trials };
}

/** A computed plane as a figure draws it (float32 rows). */
function asDmTimePlane(plane: MeasuredPlane): DmTimePlane {
  return { data: Float32Array.from(plane.data), ndm: plane.dms.length, ntime: plane.ntime, dmRange: [plane.dms[0], plane.dms[plane.dms.length - 1]] };
}

function figureCurve(curve: SnrCurve): FigureSnrCurve {
  const { definition, dms, snr, bestDm, dmLow, dmHigh } = curve;
  return { definition: definition as FigureSnrCurve["definition"], dms, snr, bestDm, dmLow, dmHigh };
}

/** A DM-time plane averaged in time as the waterfall is, so the two stay on one time axis. */
function downsampleDmTime(plane: DmTimePlane, factor: number, file?: string): DmTimePlane {
  const rows = native.downsample({ data: plane.data, weights: null, zerosMissing: false, nchan: plane.ndm, ntime: plane.ntime }, factor, file);
  return { ...plane, data: rows.intensity, ntime: rows.ntime };
}
