/** A panel's figure data: its waterfall processed by the panel's options, then the tutorial's arithmetic. */
import {
  prepareFigureData,
  processSpectra,
  processWaterfall,
  Spectra,
  type DmTimePlane,
  type FigureData,
  type SampleWindow,
  type Waterfall,
} from "@wfall/spectra";
import { native } from "@wfall/spectra/internal";

import type { PanelOptions } from "../options.js";

/** A panel's figure data and what processing decided on its own (for stderr). */
export interface PanelFigure {
  figure: FigureData;
  notes: string[];
}

/**
 * The figure data of a waterfall read from a file, or of a Spectra (which is
 * not modified), after the options' processing. Rows on the waterfall's time
 * axis, a DM-time plane (FETCH/your candidates) or a model time series
 * (CHIME/FRB catalogue files), come from the waterfall or from `extras`; the
 * model is drawn only while the data stay at the DM it was fitted at.
 */
export function panelFigure(input: Spectra | Waterfall, options: PanelOptions, extras: PanelRows = {}): PanelFigure {
  const fromDm = input.dm;
  const { spectra, notes } = input instanceof Spectra ? { spectra: processSpectra(input.clone(), options), notes: [] } : processWaterfall(input, options);
  const read: PanelRows = input instanceof Spectra ? {} : input;
  const modelTimeseries = spectra.dm === fromDm ? (extras.modelTimeseries ?? read.modelTimeseries) : undefined;
  const rows = { dmTime: extras.dmTime ?? read.dmTime, modelTimeseries, window: read.window };
  return { figure: figureDataOfProcessed(spectra, options, rows), notes };
}

/** The figure data of a Spectra after the options' processing (the Spectra itself is not modified). */
export function figureDataFor(spectra: Spectra, options: PanelOptions, extras: PanelRows = {}): FigureData {
  return panelFigure(spectra, options, extras).figure;
}

/** Rows on a waterfall's time axis drawn with it, and the samples of the read they are kept to. */
export interface PanelRows {
  dmTime?: DmTimePlane;
  modelTimeseries?: Float32Array;
  /** The samples a read asked for, when it also read the dispersion sweep around them (`Waterfall.window`). */
  window?: SampleWindow;
}

/**
 * The figure data of a Spectra already processed by `options` (what
 * {@link panelFigure} does after processing; the viewer keeps the processed
 * Spectra and calls this alone when only the window or colours change). The
 * rows are cut to the read's window and downsampled as the waterfall was.
 */
export function figureDataOfProcessed(processed: Spectra, options: PanelOptions, rows: PanelRows = {}): FigureData {
  const factor = options.downsample ?? 1;
  const dmTime = rows.dmTime && windowRows(rows.dmTime, rows.window);
  const model =
    rows.modelTimeseries && windowRows({ data: rows.modelTimeseries, ndm: 1, ntime: rows.modelTimeseries.length, dmRange: [0, 0] }, rows.window).data;
  return prepareFigureData(processed, {
    ...options,
    dmTime: dmTime && factor !== 1 ? downsampleRows(dmTime, factor, processed.source) : dmTime,
    modelTimeseries:
      model && factor !== 1 ? downsampleRows({ data: model, ndm: 1, ntime: model.length, dmRange: [0, 0] }, factor, processed.source).data : model,
  });
}

/** The samples of the window of rows read with the sweep around it (rows of another length are left as they are). */
function windowRows(plane: DmTimePlane, window?: SampleWindow): DmTimePlane {
  if (!window || plane.ntime < window.offset + window.count) return plane;
  const data = new Float32Array(plane.ndm * window.count);
  for (let r = 0; r < plane.ndm; r++)
    data.set(plane.data.subarray(r * plane.ntime + window.offset, r * plane.ntime + window.offset + window.count), r * window.count);
  return { ...plane, data, ntime: window.count };
}

/** A DM-time plane (or any rows on the waterfall's time axis) averaged in time as the waterfall is, so they stay on one time axis. */
function downsampleRows(plane: DmTimePlane, factor: number, file?: string): DmTimePlane {
  const rows = native.downsample({ data: plane.data, weights: null, zerosMissing: false, nchan: plane.ndm, ntime: plane.ntime }, factor, file);
  return { ...plane, data: rows.intensity, ntime: rows.ntime };
}
