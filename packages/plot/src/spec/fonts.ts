/**
 * The fonts figures are laid out and rendered with: DejaVu Sans (matplotlib's
 * default) from the `dejavu-fonts-ttf` npm package, never system fonts, so a
 * figure is the same on every machine. Text is measured with the real font
 * (shaped with kerning in the native core), and Vega is told to use that
 * measurement for its layout.
 */
import { createRequire } from "node:module";

import { native } from "@wfall/spectra/internal";

import { textMetrics } from "../vega.js";

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

let installed = false;

/**
 * Makes Vega measure text with the real font instead of its estimate (0.8 x
 * characters x size), so axis extents, label overlap and titles are laid out
 * as they will be drawn. Idempotent.
 */
export function useRealTextMetrics(): void {
  if (installed) return;
  installed = true;
  textMetrics.width = (item, text) => {
    const value = text == null ? "" : String(text).trim();
    if (!value) return 0;
    return textWidth(value, {
      fontSize: item.fontSize ?? 11,
      fontWeight: item.fontWeight,
      italic: item.fontStyle === "italic" || item.fontStyle === "oblique",
      family: item.font,
    });
  };
}
