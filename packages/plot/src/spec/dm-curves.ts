/**
 * The figure of `plot dm --figname`: the S/N-vs-DM curve above DM_phase's
 * structure curve, sharing the DM axis, each with its best DM dashed and its
 * uncertainty shaded. Laid out in points with the real font, as the waterfall
 * figures are, so that no label clips.
 */
import type { BestDm } from "@wfall/spectra";

import { figureConfig } from "./config.js";
import type { FigureMeta, VegaLiteSpec } from "./figure.js";
import { SCHEMA } from "./figure.js";
import { textWidth } from "./fonts.js";
import { POINTS_PER_INCH, STYLE } from "./layout.js";
import { cellFrame, SERIES_COLOUR, type Layer } from "./side.js";
import { decimalsFor, dmTicks, multiplesWithin, niceStep, tickLabel, type Ticks } from "./ticks.js";

const BEST_COLOUR = "#ff7f0e";

/** Size and text of the curves figure. */
export interface DmCurvesOptions {
  widthIn?: number;
  heightIn?: number;
  fontSize?: number;
  title?: string;
}

function valueTicks(lo: number, hi: number): Ticks {
  const step = niceStep(hi - lo, 4);
  const values = multiplesWithin(lo, hi, step);
  return { values, labels: values.map((v) => tickLabel(v, decimalsFor(step))) };
}

const decimalsOf = (labels: string[]) => Math.max(0, ...labels.map((l) => (l.includes(".") ? l.split(".")[1].length : 0)));

function rangeOf(values: (number | null)[]): [number, number] {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const [lo, hi] = finite.length ? [Math.min(...finite), Math.max(...finite)] : [0, 1];
  const margin = hi > lo ? 0.05 * (hi - lo) : 1;
  return [lo - margin, hi + margin];
}

/** The two curves of a {@link BestDm} as a Vega-Lite figure. */
export function dmCurvesSpec(result: BestDm, options: DmCurvesOptions = {}): VegaLiteSpec {
  const fontSize = options.fontSize ?? 9;
  const widthPt = (options.widthIn ?? 4.26) * POINTS_PER_INCH;
  const heightPt = (options.heightIn ?? 3) * POINTS_PER_INCH;
  const text = fontSize * STYLE.lineHeight;
  const dms = result.curve.map((p) => p.dm);
  const [d0, d1] = [dms[0], dms[dms.length - 1]];
  const peak = Math.max(...result.curve.map((p) => p.structure).filter(Number.isFinite));
  const points = result.curve.map((p) => ({ dm: p.dm, snr: p.snr, structure: p.structure / peak }));
  const snrDomain = rangeOf(points.map((p) => p.snr));
  const structureDomain = rangeOf(points.map((p) => p.structure));
  const ticks = { dm: dmTicks(d0, d1), snr: valueTicks(...snrDomain), structure: valueTicks(...structureDomain) };
  const widest = Math.max(...[...ticks.snr.labels, ...ticks.structure.labels].map((l) => textWidth(l, { fontSize })));
  const yAxisExtent = STYLE.tickSize + STYLE.labelPadding + widest;
  const xAxisExtent = STYLE.tickSize + STYLE.labelPadding + text;
  const left = STYLE.edge + text + STYLE.titlePadding + yAxisExtent;
  const lastLabel = ticks.dm.labels.at(-1) ?? "";
  const lastTickFromEnd = ((d1 - (ticks.dm.values.at(-1) ?? d1)) / (d1 - d0)) * (widthPt - left - STYLE.edge);
  const overhang = Math.max(0, textWidth(lastLabel, { fontSize }) / 2 - lastTickFromEnd);
  const padding = {
    left,
    top: STYLE.edge + (options.title ? text + STYLE.panelTitleOffset : 0),
    right: STYLE.edge + overhang,
    bottom: STYLE.edge + xAxisExtent + STYLE.titlePadding + text,
  };
  const width = widthPt - padding.left - padding.right;
  const height = heightPt - padding.top - padding.bottom;
  const gap = STYLE.edge;
  const half = (height - gap) / 2;
  const rows = { snr: [0, half] as const, structure: [half + gap, height] as const };
  // every layer states the same shared DM scale and axis (Vega-Lite merges them)
  const dmAxis = { title: "DM [pc cm\u207b\u00b3]", values: ticks.dm.values, format: `.${decimalsOf(ticks.dm.labels)}f` };
  const x = { field: "dm", type: "quantitative", scale: { domain: [d0, d1], nice: false, zero: false }, axis: dmAxis };
  const y = (field: string, domain: [number, number], [top, bottom]: readonly [number, number], title: string, t: Ticks) => ({
    field,
    type: "quantitative",
    scale: { domain, range: [bottom, top], nice: false, zero: false },
    axis: { title, orient: "left", values: t.values, format: `.${decimalsOf(t.labels)}f` },
  });
  const band = (lo: number, hi: number, [top, bottom]: readonly [number, number]): Layer => ({
    data: { values: [{ lo, hi }] },
    mark: { type: "rect", fill: BEST_COLOUR, opacity: 0.2, stroke: null, clip: true },
    encoding: { x: { ...x, field: "lo" }, x2: { field: "hi" }, y: { value: top }, y2: { value: bottom } },
  });
  const rule = (at: number, [top, bottom]: readonly [number, number]): Layer => ({
    data: { values: [{ dm: at }] },
    mark: { type: "rule", stroke: BEST_COLOUR, strokeWidth: 0.8, strokeDash: [3, 2], clip: true },
    encoding: { x, y: { value: top }, y2: { value: bottom } },
  });
  const label = (line: string, top: number): Layer => ({
    data: { values: [{}] },
    mark: { type: "text", align: "left", baseline: "top", fontSize, color: "#000000" },
    encoding: { x: { value: STYLE.edge }, y: { value: top + STYLE.edge / 2 }, text: { value: line } },
  });
  const { snr, structure } = result;
  const digits = (u: number) => Math.max(0, Math.min(6, 1 - Math.floor(Math.log10(u > 0 ? u : 1))));
  const layers: Layer[] = [
    band(snr.dmLow, snr.dmHigh, rows.snr),
    rule(snr.dm, rows.snr),
    ...(structure.uncertainty > 0 ? [band(structure.dm - structure.uncertainty, structure.dm + structure.uncertainty, rows.structure)] : []),
    rule(structure.dm, rows.structure),
    {
      data: { values: points.filter((p) => p.snr !== null) },
      mark: { type: "line", stroke: SERIES_COLOUR, strokeWidth: STYLE.lineWidth, clip: true },
      encoding: { x, y: y("snr", snrDomain, rows.snr, `S/N (${snr.definition})`, ticks.snr) },
    },
    {
      data: { values: points },
      mark: { type: "line", stroke: SERIES_COLOUR, strokeWidth: STYLE.lineWidth, clip: true },
      encoding: { x, y: y("structure", structureDomain, rows.structure, "Structure", ticks.structure) },
    },
    label(`S/N: ${snr.dm.toFixed(digits(snr.uncertainty))} \u00b1 ${snr.uncertainty.toPrecision(2)}`, rows.snr[0]),
    label(`structure: ${structure.dm.toFixed(digits(structure.uncertainty))} \u00b1 ${structure.uncertainty.toPrecision(2)}`, rows.structure[0]),
    cellFrame({ x0: 0, x1: width, top: rows.snr[0], bottom: rows.snr[1] }),
    cellFrame({ x0: 0, x1: width, top: rows.structure[0], bottom: rows.structure[1] }),
  ];
  const config = figureConfig({ xAxisExtent, yAxisExtent }, fontSize);
  return {
    $schema: SCHEMA,
    description: `S/N and structure versus DM${options.title ? ` of ${options.title}` : ""}`,
    usermeta: { wfall: { widthPt, heightPt, padding, panels: [] } satisfies FigureMeta },
    background: "white",
    padding: 2,
    config,
    ...(options.title ? { title: { text: options.title, anchor: "middle", frame: "group" } } : {}),
    width,
    height,
    resolve: { scale: { y: "independent" }, axis: { y: "independent" } },
    layer: layers,
  };
}
