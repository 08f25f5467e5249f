/** A panel's figure data: its waterfall processed by the panel's options, then the tutorial's arithmetic. */
import { prepareFigureData, processSpectra, type DmTimePlane, type FigureData, type Spectra } from "@wfall/spectra";
import { native } from "@wfall/spectra/internal";

import type { PanelOptions } from "../options.js";

/**
 * The figure data of a Spectra after the options' processing (the Spectra
 * itself is not modified); a DM-time plane (FETCH/your candidates) or a model
 * time series (CHIME/FRB catalogue files) on the same time axis is
 * downsampled and cropped as the waterfall is. The model is drawn only while
 * the data stay at the DM it was fitted at.
 */
export function figureDataFor(spectra: Spectra, options: PanelOptions, dmTime?: DmTimePlane, modelTimeseries?: Float32Array): FigureData {
  const processed = processSpectra(spectra.clone(), options);
  const factor = options.downsample ?? 1;
  const model = processed.dm === spectra.dm ? modelTimeseries : undefined;
  return prepareFigureData(processed, {
    ...options,
    dmTime: dmTime && factor !== 1 ? downsampleRows(dmTime, factor, spectra.source) : dmTime,
    modelTimeseries: model && factor !== 1 ? downsampleRows({ data: model, ndm: 1, ntime: model.length, dmRange: [0, 0] }, factor, spectra.source).data : model,
  });
}

/** A DM-time plane (or any rows on the waterfall's time axis) averaged in time as the waterfall is, so they stay on one time axis. */
function downsampleRows(plane: DmTimePlane, factor: number, file?: string): DmTimePlane {
  const rows = native.downsample({ data: plane.data, weights: null, zerosMissing: false, nchan: plane.ndm, ntime: plane.ntime }, factor, file);
  return { ...plane, data: rows.intensity, ntime: rows.ntime };
}
