/** A panel's figure data: its waterfall processed by the panel's options, then the tutorial's arithmetic. */
import { prepareFigureData, processSpectra, type DmTimePlane, type FigureData, type Spectra } from "@wfall/spectra";
import { native } from "@wfall/spectra/internal";

import type { PanelOptions } from "../options.js";

/**
 * The figure data of a Spectra after the options' processing (the Spectra
 * itself is not modified); a DM-time plane on the same time axis (from a
 * FETCH/your candidate) is downsampled and cropped as the waterfall is.
 */
export function figureDataFor(spectra: Spectra, options: PanelOptions, dmTime?: DmTimePlane): FigureData {
  return processedFigureData(processSpectra(spectra.clone(), options), options, dmTime);
}

/** The figure data of a waterfall the options' processing has already been applied to (e.g. by `processFile`). */
export function processedFigureData(processed: Spectra, options: PanelOptions, dmTime?: DmTimePlane): FigureData {
  const factor = options.downsample ?? 1;
  return prepareFigureData(processed, { ...options, dmTime: dmTime && factor !== 1 ? downsampleDmTime(dmTime, factor, processed.source) : dmTime });
}

/** A DM-time plane averaged in time as the waterfall is, so the two stay on one time axis. */
function downsampleDmTime(plane: DmTimePlane, factor: number, file?: string): DmTimePlane {
  const rows = native.downsample({ data: plane.data, weights: null, zerosMissing: false, nchan: plane.ndm, ntime: plane.ntime }, factor, file);
  return { ...plane, data: rows.intensity, ntime: rows.ntime };
}
