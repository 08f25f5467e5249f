/**
 * The fonts figures are laid out and rendered with: DejaVu Sans (matplotlib's
 * default) from the `dejavu-fonts-ttf` npm package, never system fonts, so a
 * figure is the same on every machine. Text is measured with the real font
 * (shaped with kerning in the native core). Telling Vega to use that
 * measurement is `fonts.ts`; this module loads without Vega (builds plan and
 * check figures with it).
 */
import { createRequire } from "node:module";

import { native } from "@wfall/spectra/internal";

const require = createRequire(import.meta.url);

/** The CSS font family written into figures. */
export const FONT_FAMILY = "DejaVu Sans";

/**
 * Font files figures use: DejaVu Sans Book only. Bold or italic requests fall
 * back to it; a single face keeps PDFs byte-identical (svg2pdf numbers the
 * objects of several faces in hash-map order).
 */
export const FONT_FILES: readonly string[] = [require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf")];

/** What the native renderer needs to find the fonts. */
export const fontOptions: native.FontOptions = { files: [...FONT_FILES], defaultFamily: FONT_FAMILY };

/** Font properties of a piece of text. */
export interface TextStyle {
  fontSize: number;
  fontWeight?: string | number;
  italic?: boolean;
  family?: string;
}

function numericWeight(weight: string | number | undefined): number {
  if (typeof weight === "number") return weight;
  if (weight === "bold" || weight === "bolder") return 700;
  const n = Number(weight);
  return Number.isFinite(n) ? n : 400;
}

const widths = new Map<string, number>();

/** Advance width of `text` in the figure's units (points) with the real font. */
export function textWidth(text: string, style: TextStyle): number {
  const family = (style.family ?? FONT_FAMILY)
    .split(",")[0]
    .trim()
    .replace(/^["']|["']$/g, "");
  const weight = numericWeight(style.fontWeight);
  const key = `${family}|${style.fontSize}|${weight}|${style.italic ? 1 : 0}|${text}`;
  let width = widths.get(key);
  if (width === undefined) {
    width = native.textWidth(text, { fontSize: style.fontSize, family, weight, italic: style.italic ?? false }, fontOptions);
    widths.set(key, width);
  }
  return width;
}
