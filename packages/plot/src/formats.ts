/**
 * The figure formats, their media types and the format of an output path: what
 * a build plans and checks without loading the renderer (Vega, fonts).
 */
import { extname } from "node:path";

import { WaterfallError } from "@wfall/spectra";

export type FigureFormat = "pdf" | "svg" | "png" | "jpg" | "webp";

export const FORMATS: readonly FigureFormat[] = ["pdf", "svg", "png", "jpg", "webp"];

/** The media type of each figure format (for HTTP responses). */
export const MEDIA_TYPES: Readonly<Record<FigureFormat, string>> = {
  pdf: "application/pdf",
  svg: "image/svg+xml",
  png: "image/png",
  jpg: "image/jpeg",
  webp: "image/webp",
};

/** The figure format of an output path, from its extension. */
export function formatOf(path: string): FigureFormat {
  const ext = extname(path)
    .slice(1)
    .toLowerCase()
    .replace(/^jpeg$/, "jpg");
  if (!(FORMATS as readonly string[]).includes(ext)) {
    throw new WaterfallError(
      "E_ARGUMENT",
      `cannot tell the figure format from the extension '${extname(path) || "(none)"}'; use .pdf, .svg, .png, .jpg or .webp`,
      {
        file: path,
      },
    );
  }
  return ext as FigureFormat;
}
