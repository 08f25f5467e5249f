/**
 * The text under a panel: the numbers a caption needs (DM, S/N with its
 * definition, width, arrival time with its reference frequency, K_DM),
 * wrapped to the panel's width with the real font so that nothing clips.
 */
import type { FigureData } from "@wfall/spectra";

import { textWidth } from "./fonts.js";
import type { Layer } from "./side.js";

const SEPARATOR = "  \u00b7  ";

/** `v` with at most `digits` decimals and no float noise. */
const fixed = (v: number, digits: number) => String(Number(v.toFixed(digits)));

/** The items of a panel's text, each kept whole on a line when it fits. */
export function textItems(fd: FigureData): string[] {
  const m = fd.measurement;
  if (!m) return [];
  const width = m.definition === "weq" ? "W_eq" : "width";
  const samples = Number.isInteger(m.widthSamples) ? `${m.widthSamples} sample${m.widthSamples === 1 ? "" : "s"}` : `${fixed(m.widthSamples, 2)} samples`;
  const at = m.referenceMhz === null ? "at infinite frequency" : `at ${fixed(m.referenceMhz, 3)} MHz`;
  const mjd = m.peakMjd === undefined ? "" : ` (MJD ${m.peakMjd.toFixed(8)})`;
  return [
    `DM ${fixed(m.dm, 4)} pc cm\u207b\u00b3`,
    `S/N ${m.snr.toFixed(1)} (${m.definition})`,
    `${width} ${fixed(m.widthMs, 3)} ms (${samples})`,
    `arrival ${m.peakSeconds.toFixed(6)} s${mjd} ${at}`,
    `K_DM ${fixed(m.kdm, 3)}`,
  ];
}

/**
 * Items packed greedily into lines no wider than `widthPt`, separated by
 * spaces; an item wider than a line on its own is broken at its spaces.
 */
export function wrapItems(items: string[], widthPt: number, fontSize: number): string[] {
  const width = (text: string) => textWidth(text, { fontSize });
  const pieces = items.flatMap((item) => (width(item) <= widthPt ? [item] : breakWords(item, widthPt, width)));
  const lines: string[] = [];
  for (const piece of pieces) {
    const last = lines.length - 1;
    if (last >= 0 && width(lines[last] + SEPARATOR + piece) <= widthPt) lines[last] += SEPARATOR + piece;
    else lines.push(piece);
  }
  return lines;
}

function breakWords(item: string, widthPt: number, width: (text: string) => number): string[] {
  const lines: string[] = [];
  for (const word of item.split(" ")) {
    const last = lines.length - 1;
    if (last >= 0 && width(`${lines[last]} ${word}`) <= widthPt) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** The lines as text marks, left-aligned at the view's left edge from `top` down. */
export function textLayers(lines: string[], top: number, lineHeight: number, fontSize: number): Layer[] {
  return lines.map((line, i) => ({
    data: { values: [{}] },
    mark: { type: "text", align: "left", baseline: "top", fontSize, color: "#000000", clip: false },
    encoding: { x: { value: 0 }, y: { value: top + i * lineHeight }, text: { value: line } },
  }));
}
