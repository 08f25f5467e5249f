/**
 * The incremental-build cache beside a manifest: for each figure, a key over
 * its resolved definition, its inputs' content hashes and the library
 * version, and the hash of each output written. A figure whose key is
 * unchanged and whose outputs are still the files it wrote is not re-rendered.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

import { writeFileAtomic } from "@wfall/spectra/internal";

import { VERSION } from "../version.js";
import type { ManifestFigure } from "./manifest.js";

/** Changes of the library invalidate every cached figure. */
export const LIBRARY_VERSION = `@wfall/plot ${VERSION}`;

export interface CacheEntry {
  key: string;
  outputs: Record<string, string>;
}

export interface BuildCache {
  version: 1;
  figures: Record<string, CacheEntry>;
}

/** `.NAME.wfall-cache.json` beside the manifest `NAME`. */
export function cachePath(manifest: string): string {
  return join(dirname(manifest), `.${basename(manifest)}.wfall-cache.json`);
}

export async function readCache(manifest: string): Promise<BuildCache> {
  try {
    const cache = JSON.parse(await readFile(cachePath(manifest), "utf8")) as BuildCache;
    if (cache.version === 1 && typeof cache.figures === "object") return cache;
  } catch {
    // missing or unreadable: start afresh
  }
  return { version: 1, figures: {} };
}

export async function writeCache(manifest: string, cache: BuildCache): Promise<void> {
  await writeFileAtomic(cachePath(manifest), Buffer.from(`${JSON.stringify(cache, null, 2)}\n`));
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** SHA-256 of a file's content (streamed: inputs can be large); null when it cannot be read. */
export async function hashFile(path: string): Promise<string | null> {
  return new Promise((resolve) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("end", () => resolve(hash.digest("hex")))
      .on("error", () => resolve(null));
  });
}

/** A hash of a figure's definition and the library version (not its inputs' contents). */
export function definitionKey(figure: ManifestFigure): string {
  const { where: _, ...definition } = figure;
  return sha256(Buffer.from(JSON.stringify({ definition, library: LIBRARY_VERSION })));
}

/** The cache key of a figure: definition, input contents and library version. */
export function figureKey(figure: ManifestFigure, inputHashes: Map<string, string | null>): string {
  const inputs = figure.inputs.map((input) => inputHashes.get(input));
  return sha256(Buffer.from(JSON.stringify({ definition: definitionKey(figure), inputs })));
}

/** Whether every output still holds what the cache says was written. */
export async function outputsIntact(entry: CacheEntry, outputs: string[]): Promise<boolean> {
  for (const output of outputs) {
    if (!entry.outputs[output] || (await hashFile(output)) !== entry.outputs[output]) return false;
  }
  return true;
}
