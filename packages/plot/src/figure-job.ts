/**
 * Rendering one manifest figure to the bytes of each of its outputs. Runs in
 * the build's worker threads (or in-process); writes nothing itself.
 */
import { openWaterfall, Spectra } from "@wfall/spectra";

import type { ManifestFigure } from "./manifest.js";
import { multiPanelSpec } from "./multi-panel.js";
import { formatOf } from "./plot-waterfall.js";
import { renderFigure } from "./render.js";

export interface RenderedOutput {
  path: string;
  bytes: Uint8Array;
}

/** The figure's Vega-Lite spec and every output's bytes. Masks default on for several panels, off for one. */
export async function renderManifestFigure(figure: ManifestFigure): Promise<RenderedOutput[]> {
  const panels = await Promise.all(
    figure.panels.map(async (p) => {
      const wf = await openWaterfall(p.input, p.read);
      return { data: Spectra.fromWaterfall(wf), dmTime: wf.dmTime, title: p.title, options: { ...p.options, ...(p.dm !== undefined ? { dm: p.dm } : {}) } };
    }),
  );
  const spec = multiPanelSpec(panels, {
    ...figure.options,
    widthIn: figure.widthIn,
    heightIn: figure.heightIn,
    label: figure.label,
    columns: figure.columns,
    masks: figure.masks ?? panels.length > 1,
    sharedScale: figure.sharedScale,
  });
  const outputs: RenderedOutput[] = [];
  for (const path of figure.outputs) outputs.push({ path, bytes: await renderFigure(spec, { format: formatOf(path), dpi: figure.dpi }) });
  return outputs;
}
