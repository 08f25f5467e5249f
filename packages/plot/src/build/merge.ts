/**
 * `plot merge`: the last step of a sharded build. The figures the shards
 * finished go into the manifest's build cache (so a later unsharded
 * `plot build` or another shard count skips them), and the manifest's
 * gallery is written when it has one.
 */
import { writeGallery, type GalleryResult } from "../gallery/gallery.js";
import { readCache, writeCache } from "./cache.js";
import type { Manifest } from "./manifest.js";
import { cacheEntryOf } from "./report-lines.js";
import { surveyStatus, type SurveyStatus } from "./status.js";

export interface MergeResult {
  status: SurveyStatus;
  /** Figures now in the build cache from the shards' reports. */
  cached: number;
  gallery?: GalleryResult;
}

/** Folds the shards' reports into the build cache and writes the gallery. */
export async function mergeShardReports(manifest: Manifest): Promise<MergeResult> {
  const status = surveyStatus(manifest);
  const cache = await readCache(manifest.file);
  let cached = 0;
  for (const line of status.figures) {
    const entry = line.state === "done" && line.record ? cacheEntryOf(manifest.dir, line.record) : undefined;
    if (entry) {
      cache.figures[line.figure.name] = entry;
      cached++;
    }
  }
  await writeCache(manifest.file, cache);
  const gallery = manifest.gallery ? await writeGallery(manifest, manifest.gallery, status) : undefined;
  return { status, cached, gallery };
}
