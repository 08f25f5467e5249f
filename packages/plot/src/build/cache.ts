/**
 * The incremental-build cache beside a manifest, `.NAME.wfall-cache.json`
 * (git-ignore it: it records this checkout's builds). For each figure: the
 * cache key, what the key was made of (its provenance, for `--explain`), and
 * the SHA-256 of each output written. Paths are relative to the manifest's
 * folder, so the cache moves with the repository. A figure whose key is
 * unchanged and whose outputs are still the files it wrote is not re-rendered.
 */
import { createHash } from "node:crypto";
import { open, readFile, type FileHandle } from "node:fs/promises";
import { basename, dirname, join, relative, sep } from "node:path";

import { writeFileAtomic } from "@wfall/spectra/internal";

import type { Provenance } from "./provenance.js";
import { mapLimited } from "../map-limited.js";

export { sha256 } from "./provenance.js";

export interface CacheEntry {
  key: string;
  /** What the key was made of (without the commit). */
  made: Provenance;
  /** Output path (relative to the manifest's folder) to the SHA-256 written. */
  outputs: Record<string, string>;
}

export interface BuildCache {
  version: 2;
  figures: Record<string, CacheEntry>;
}

/** `.NAME.wfall-cache.json` beside the manifest `NAME`. */
export function cachePath(manifest: string): string {
  return join(dirname(manifest), `.${basename(manifest)}.wfall-cache.json`);
}

/** `path` relative to the manifest's folder, with forward slashes (the cache's and the messages' form). */
export function relativeToManifest(manifest: string, path: string): string {
  return relative(dirname(manifest), path).split(sep).join("/");
}

export async function readCache(manifest: string): Promise<BuildCache> {
  try {
    const cache = JSON.parse(await readFile(cachePath(manifest), "utf8")) as BuildCache;
    if (cache.version === 2 && typeof cache.figures === "object") return cache;
  } catch {
    // missing or unreadable: start afresh
  }
  return { version: 2, figures: {} };
}

export async function writeCache(manifest: string, cache: BuildCache): Promise<void> {
  await writeFileAtomic(cachePath(manifest), Buffer.from(`${JSON.stringify(cache, null, 2)}\n`));
}

/** Bytes read at a time by {@link hashFile}: a candidate's file in one read, a large input in constant memory. */
const HASH_READ_BYTES = 1 << 20;

/** SHA-256 of a file's content (read a block at a time: inputs can be large); null when it cannot be read. */
export async function hashFile(path: string): Promise<string | null> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, "r");
    const hash = createHash("sha256");
    const block = Buffer.allocUnsafe(HASH_READ_BYTES);
    for (let read = -1; read !== 0; ) {
      read = (await handle.read(block, 0, block.length, null)).bytesRead;
      hash.update(block.subarray(0, read));
    }
    return hash.digest("hex");
  } catch {
    return null;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Files hashed at once by {@link hashFiles}: enough to keep the disk busy, few enough that memory stays flat. */
const HASH_CONCURRENCY = 8;

/**
 * SHA-256 of each file (null when unreadable), a few at a time: a survey's
 * 100 000 inputs opened at once would each hold a 64 KiB read buffer (and a
 * file descriptor, beyond the process's limit).
 */
export async function hashFiles(paths: readonly string[]): Promise<Map<string, string | null>> {
  const hashes = await mapLimited(paths, HASH_CONCURRENCY, hashFile);
  return new Map(paths.map((p, i) => [p, hashes[i] ?? null]));
}

/** Whether every output (absolute paths) still holds what the cache entry says was written. */
export async function outputsIntact(manifest: string, entry: CacheEntry, outputs: string[]): Promise<boolean> {
  for (const output of outputs) {
    const written = entry.outputs[relativeToManifest(manifest, output)];
    if (!written || (await hashFile(output)) !== written) return false;
  }
  return true;
}
