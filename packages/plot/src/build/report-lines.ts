/**
 * Shard reports: each `plot build` appends one JSON line per figure to its
 * shard's report (`.NAME.wfall-shards/shard-I-of-N.jsonl` beside the
 * manifest `NAME`; an unsharded build is shard 0 of 1) as soon as the figure
 * is done, so a task killed by its scheduler loses nothing it finished.
 * `plot status` and `plot merge` read every shard's report; the latest line
 * of a figure is its state. A build reads its own report back as a cache.
 *
 * A line: `{"figure","status","outputs":{path:sha256},"inputs":{path:sha256},
 * "seconds","error":{code,message}|null,"definition","key","made","shard","at"}`,
 * paths relative to the manifest's folder.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

import { writeFileAtomic } from "@wfall/spectra/internal";

import type { CacheEntry } from "./cache.js";
import { manifestPath } from "./expand.js";
import type { ManifestFigure } from "./manifest.js";
import { cacheKey, definitionKeyOf, type Provenance } from "./provenance.js";
import type { Shard } from "./shard.js";

/** One figure's line in a shard report. */
export interface FigureRecord {
  figure: string;
  status: "built" | "cached" | "failed";
  /** Output path (relative to the manifest's folder) to the SHA-256 of what was written. */
  outputs: Record<string, string>;
  /** Input path to the SHA-256 of its content (null: unreadable). */
  inputs: Record<string, string | null>;
  seconds: number;
  error: { code: string; message: string } | null;
  /** Hash of the figure's definition and the tool versions (see `definitionKey`). */
  definition: string;
  /** The cache key (definition, input contents and tool versions: see `cacheKey`). */
  key: string;
  /** What the key was made of, without the commit (the build cache's `made`). */
  made?: Provenance;
  /** "I/N". */
  shard: string;
  /** ISO 8601 time the line was written. */
  at: string;
}

/** The folder of a manifest's shard reports. */
export function shardReportDir(manifestFile: string): string {
  return join(dirname(resolve(manifestFile)), `.${basename(manifestFile)}.wfall-shards`);
}

/** The report file of one shard. */
export function shardReportPath(manifestFile: string, shard: Shard): string {
  const width = String(shard.count - 1).length;
  return join(shardReportDir(manifestFile), `shard-${String(shard.index).padStart(width, "0")}-of-${shard.count}.jsonl`);
}

/** A path as a report writes it (see `manifestPath`). */
export const reportPath = manifestPath;

/** The records of one report file; a torn last line (a killed task) is left out. */
function readRecords(file: string): FigureRecord[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  const records: FigureRecord[] = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    try {
      const record = JSON.parse(line) as FigureRecord;
      if (typeof record.figure === "string" && typeof record.status === "string") records.push(record);
    } catch {
      // a line cut short when its writer was killed
    }
  }
  return records;
}

/** The report files of a manifest, sorted. */
export function shardReportFiles(manifestFile: string): string[] {
  const dir = shardReportDir(manifestFile);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^shard-\d+-of-\d+\.jsonl$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** The latest record of each figure over all shard reports (by time, then file order). */
export function latestRecords(manifestFile: string): Map<string, FigureRecord> {
  const latest = new Map<string, FigureRecord>();
  for (const file of shardReportFiles(manifestFile)) {
    for (const record of readRecords(file)) {
      const previous = latest.get(record.figure);
      if (!previous || previous.at <= record.at) latest.set(record.figure, record);
    }
  }
  return latest;
}

/** A record that built (or found current) its figure as a build-cache entry (none from a line that lacks `made`). */
export function cacheEntryOf(record: FigureRecord): CacheEntry | undefined {
  if (record.status === "failed" || !record.made) return undefined;
  return { key: record.key, made: record.made, outputs: record.outputs };
}

/** An open shard report: append a line per figure as it finishes. */
export interface ShardReport {
  readonly path: string;
  readonly shard: Shard;
  /** The latest record of each figure in this shard's report before this run. */
  readonly previous: Map<string, FigureRecord>;
  append(record: Omit<FigureRecord, "shard" | "at">): void;
  close(): void;
}

/**
 * Opens a shard's report for this run: keeps the latest line of each figure
 * the shard still has (`keep`), so the file stays as long as the shard, then appends.
 */
export async function openShardReport(manifestFile: string, shard: Shard, keep: (figure: string) => boolean): Promise<ShardReport> {
  const path = shardReportPath(manifestFile, shard);
  mkdirSync(dirname(path), { recursive: true });
  const previous = new Map<string, FigureRecord>();
  for (const record of readRecords(path)) if (keep(record.figure)) previous.set(record.figure, record);
  await writeFileAtomic(path, Buffer.from([...previous.values()].map((r) => `${JSON.stringify(r)}\n`).join("")));
  const fd = openSync(path, "a");
  const label = `${shard.index}/${shard.count}`;
  return {
    path,
    shard,
    previous,
    append(record) {
      // one write per line: lines of a killed process are whole or torn at the end, never interleaved
      writeSync(fd, `${JSON.stringify({ ...record, shard: label, at: new Date().toISOString() })}\n`);
    },
    close: () => closeSync(fd),
  };
}

/**
 * A figure's report line (without shard and time, which the report adds);
 * `outputs` as the build cache holds them (paths relative to the manifest),
 * `made` the figure's provenance.
 */
export function recordOf(
  dir: string,
  figure: ManifestFigure,
  result: { status: FigureRecord["status"]; outputs?: Record<string, string>; seconds: number; error?: { code: string; message: string } },
  inputHashes: ReadonlyMap<string, string | null>,
  made: Provenance,
): Omit<FigureRecord, "shard" | "at"> {
  return {
    figure: figure.name,
    status: result.status,
    outputs: result.outputs ?? {},
    inputs: Object.fromEntries(figure.inputs.map((p) => [reportPath(dir, p), inputHashes.get(p) ?? null])),
    seconds: Math.round(result.seconds * 1e4) / 1e4,
    error: result.error ? { code: result.error.code, message: result.error.message } : null,
    definition: definitionKeyOf(made),
    key: cacheKey(made),
    made: { ...made, commit: undefined },
  };
}
