/**
 * `writeGallery`: a static HTML page (`index.html` in a folder) of a
 * manifest's built figures, with each one's S/N, DM and width when a
 * diagnostics source knows them and its triage label from `labels.csv`.
 * Images are linked where the build wrote them, not copied.
 */
import { mkdir } from "node:fs/promises";
import { basename, extname, join, relative, sep } from "node:path";

import { writeFileAtomic } from "@wfall/spectra/internal";

import type { Manifest } from "../build/manifest.js";
import { reportPath } from "../build/report-lines.js";
import { surveyStatus, type SurveyStatus } from "../build/status.js";
import { mapLimited } from "../map-limited.js";
import { diagnosticsOf, type DiagnosticsSource } from "./diagnostics.js";
import { labelLookup } from "./labels.js";
import { galleryHtml, type GalleryEntry } from "./page.js";

/** The image a card shows: the smallest kind of raster first. */
const IMAGE_ORDER = [".webp", ".jpg", ".jpeg", ".png", ".svg"];

export interface GalleryResult {
  /** The page written. */
  page: string;
  /** Figures on it. */
  figures: number;
}

export interface GalleryOptions {
  /** Where S/N, DM and width come from (default: the candidate header, see diagnostics.ts). */
  sources?: readonly DiagnosticsSource[];
  /** Inputs read at a time for their diagnostics. */
  concurrency?: number;
}

const url = (from: string, to: string) => relative(from, to).split(sep).map(encodeURIComponent).join("/");

/** Writes `folder/index.html` for the figures that `status` (default: the shard reports) says are done. */
export async function writeGallery(
  manifest: Manifest,
  folder: string,
  status: SurveyStatus = surveyStatus(manifest),
  options: GalleryOptions = {},
): Promise<GalleryResult> {
  const done = status.figures.filter((f) => f.state === "done").map((f) => f.figure);
  const label = labelLookup();
  const entries = await mapLimited(done, options.concurrency ?? 8, async (figure): Promise<GalleryEntry> => {
    const image = IMAGE_ORDER.map((ext) => figure.outputs.find((o) => extname(o).toLowerCase() === ext)).find((o) => o !== undefined);
    const input = figure.inputs[0];
    return {
      name: figure.name,
      image: image === undefined ? undefined : url(folder, image),
      outputs: figure.outputs.map((o) => url(folder, o)),
      input: input === undefined ? undefined : reportPath(manifest.dir, input),
      ...(await diagnosticsOf(input, options.sources)),
      label: input === undefined ? undefined : label(input),
    };
  });
  await mkdir(folder, { recursive: true });
  const page = join(folder, "index.html");
  const title = `${basename(manifest.file)}: ${entries.length} figure(s)`;
  await writeFileAtomic(page, Buffer.from(galleryHtml({ title, entries, notShown: status.figures.length - entries.length })));
  return { page, figures: entries.length };
}
