/**
 * A panel's figure data: its waterfall processed by the panel's options, then
 * the tutorial's arithmetic, and what its parts need: the burst measured, a
 * DM-time plane (the input's, or computed over the trial DMs), the S/N-vs-DM
 * curve, and a CHIME/FRB catalogue file's model time series.
 */
import {
  fetchDmRange,
  prepareFigureData,
  processSpectra,
  processWaterfall,
  snrVersusDm,
  Spectra,
  WaterfallError,
  type DmTimePlane,
  type FigureData,
  type FigureSnrCurve,
  type MeasuredPlane,
  type SampleWindow,
  type SnrCurve,
  type ReadAndProcessed,
  type Waterfall,
} from "@wfall/spectra";
import { native } from "@wfall/spectra/internal";

import type { PanelOptions } from "../options.js";
import { needsMeasurement, panelContents, type PanelContents } from "./contents.js";

/** A panel's figure data and what processing decided on its own (for stderr). */
export interface PanelFigure {
  figure: FigureData;
  notes: string[];
}

/** Rows on a waterfall's time axis drawn with it, and the samples of the read they are kept to. */
export interface PanelRows {
  dmTime?: DmTimePlane;
  modelTimeseries?: Float32Array;
  /** The samples a read asked for, when it also read the dispersion sweep around them (`Waterfall.window`). */
  window?: SampleWindow;
}

/**
 * The figure data of a waterfall read from a file, or of a Spectra (which is
 * not modified), after the options' processing, with what `parts` draw
 * (default: the `panels` option's). Rows on the waterfall's time axis, a
 * DM-time plane (FETCH/your candidates) or a model time series (CHIME/FRB
 * catalogue files), come from the waterfall or from `extras`; the model is
 * drawn only while the data stay at the DM it was fitted at.
 */
export async function panelFigure(
  input: Spectra | Waterfall | ReadAndProcessed,
  options: PanelOptions,
  extras: PanelRows = {},
  parts?: PanelContents,
): Promise<PanelFigure> {
  const { spectra, notes, fromDm, read } = processedPanel(input, options);
  const modelTimeseries = spectra.dm === fromDm ? (extras.modelTimeseries ?? read.modelTimeseries) : undefined;
  const rows = { dmTime: extras.dmTime ?? read.dmTime, modelTimeseries, window: read.window };
  return { figure: await figureDataOfProcessed(spectra, options, rows, parts), notes };
}

/** The input processed by the options (a read already processed as it is), the DM it was at, and the rows read with it. */
function processedPanel(
  input: Spectra | Waterfall | ReadAndProcessed,
  options: PanelOptions,
): { spectra: Spectra; notes: string[]; fromDm: number; read: PanelRows } {
  if (input instanceof Spectra) return { spectra: processSpectra(input.clone(), options), notes: [], fromDm: input.dm, read: {} };
  if ("applied" in input) return { spectra: input.spectra, notes: input.notes, fromDm: input.waterfall.dm, read: input.waterfall };
  return { ...processWaterfall(input, options), fromDm: input.dm, read: input };
}

/** The figure data of a Spectra after the options' processing (the Spectra itself is not modified). */
export async function figureDataFor(spectra: Spectra, options: PanelOptions, extras: PanelRows = {}, parts?: PanelContents): Promise<FigureData> {
  return (await panelFigure(spectra, options, extras, parts)).figure;
}

/**
 * The figure data of a Spectra already processed by `options` (what
 * {@link panelFigure} does after processing; the viewer keeps the processed
 * Spectra and calls this alone when only the window or colours change). The
 * rows are cut to the read's window and downsampled as the waterfall was;
 * without a plane of the input's, one is computed over `dmRange` (default
 * `0 .. 2·DM`, FETCH's) when the parts draw it.
 */
export async function figureDataOfProcessed(processed: Spectra, options: PanelOptions, rows: PanelRows = {}, parts?: PanelContents): Promise<FigureData> {
  const contents = parts ?? panelContents(options, rows.dmTime !== undefined, processed.source);
  const onTimeAxis = (plane: DmTimePlane) => downsampleRows(windowRows(plane, rows.window), options.downsample ?? 1, processed.source);
  let plane = rows.dmTime && onTimeAxis(rows.dmTime);
  let snrCurve: FigureSnrCurve | undefined;
  if ((contents.has("dmtime") && !plane) || contents.has("snrdm")) {
    const measured = await processed.dmTimePlane(trialsFor(processed, options, plane));
    if (!plane) plane = asDmTimePlane(measured);
    if (contents.has("snrdm")) snrCurve = figureCurve(snrVersusDm(measured, options.definition, processed.source));
  }
  const model = rows.modelTimeseries && onTimeAxis({ data: rows.modelTimeseries, ndm: 1, ntime: rows.modelTimeseries.length, dmRange: [0, 0] }).data;
  return prepareFigureData(processed, {
    ...options,
    dmTime: contents.has("dmtime") ? plane : undefined,
    modelTimeseries: model,
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

/** The samples of the window of rows read with the sweep around it (rows of another length are left as they are). */
function windowRows(plane: DmTimePlane, window?: SampleWindow): DmTimePlane {
  if (!window || plane.ntime < window.offset + window.count) return plane;
  const data = new Float32Array(plane.ndm * window.count);
  for (let r = 0; r < plane.ndm; r++)
    data.set(plane.data.subarray(r * plane.ntime + window.offset, r * plane.ntime + window.offset + window.count), r * window.count);
  return { ...plane, data, ntime: window.count };
}

/** Rows on the waterfall's time axis (a DM-time plane, a model) averaged in time as the waterfall is, so they stay on one time axis. */
function downsampleRows(plane: DmTimePlane, factor: number, file?: string): DmTimePlane {
  if (factor === 1) return plane;
  const rows = native.downsample({ data: plane.data, weights: null, zerosMissing: false, nchan: plane.ndm, ntime: plane.ntime }, factor, file);
  return { ...plane, data: rows.intensity, ntime: rows.ntime };
}
