/**
 * Vega lays figures out with the real font's text widths (`font-files.ts`
 * measures them in the native core).
 */
import { textMetrics } from "../vega.js";
import { textWidth } from "./font-files.js";

export { FONT_FAMILY, FONT_FILES, fontOptions, textWidth, type TextStyle } from "./font-files.js";

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
