/** A panel's figure data: its waterfall processed by the panel's options, then the tutorial's arithmetic. */
import { prepareFigureData, processSpectra, processWaterfall, Spectra, type DmTimePlane, type FigureData, type Waterfall } from "@wfall/spectra";
import { native } from "@wfall/spectra/internal";

import type { PanelOptions } from "../options.js";

/** A panel's figure data and what processing decided on its own (for stderr). */
export interface PanelFigure {
  figure: FigureData;
  notes: string[];
}

/**
 * The figure data of a waterfall read from a file, or of a Spectra (which is
 * not modified), after the options' processing; a DM-time plane on the same
 * time axis (from a FETCH/your candidate) is downsampled and cropped as the
 * waterfall is.
 */
export function panelFigure(input: Spectra | Waterfall, options: PanelOptions, dmTime?: DmTimePlane): PanelFigure {
  const { spectra, notes } = input instanceof Spectra ? { spectra: processSpectra(input.clone(), options), notes: [] } : processWaterfall(input, options);
  const plane = dmTime ?? (input instanceof Spectra ? undefined : input.dmTime);
  return { figure: figureDataOfProcessed(spectra, options, plane), notes };
}

/** The figure data of a Spectra after the options' processing (the Spectra itself is not modified). */
export function figureDataFor(spectra: Spectra, options: PanelOptions, dmTime?: DmTimePlane): FigureData {
  return panelFigure(spectra, options, dmTime).figure;
}

/**
 * The figure data of a Spectra already processed by `options` (what
 * {@link panelFigure} does after processing; the viewer keeps the processed
 * Spectra and calls this alone when only the window or colours change).
 */
export function figureDataOfProcessed(processed: Spectra, options: PanelOptions, dmTime?: DmTimePlane): FigureData {
  const factor = options.downsample ?? 1;
  return prepareFigureData(processed, { ...options, dmTime: dmTime && factor !== 1 ? downsampleDmTime(dmTime, factor, processed.source) : dmTime });
}

/** A DM-time plane averaged in time as the waterfall is, so the two stay on one time axis. */
function downsampleDmTime(plane: DmTimePlane, factor: number, file?: string): DmTimePlane {
  const rows = native.downsample({ data: plane.data, weights: null, zerosMissing: false, nchan: plane.ndm, ntime: plane.ntime }, factor, file);
  return { ...plane, data: rows.intensity, ntime: rows.ntime };
}
