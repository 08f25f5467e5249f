/**
 * Where a sharded build stands: each figure of a manifest is done (its
 * latest report line built it or found it current, from the same definition,
 * and its outputs are there), failed (its latest line is an error), or
 * missing (never built, built from an older definition, or an output gone).
 * Input contents are not re-hashed here (that is the build's cache's job):
 * status reads the reports and looks at the outputs, for 100k figures in
 * about a second.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";

import { definitionKey } from "./cache.js";
import type { Manifest, ManifestFigure } from "./manifest.js";
import { latestRecords, type FigureRecord } from "./report-lines.js";

export type FigureState = "done" | "failed" | "missing";

export interface FigureStatusLine {
  figure: ManifestFigure;
  state: FigureState;
  /** Why a figure is failed or missing, in a few words. */
  reason?: string;
  record?: FigureRecord;
}

export interface SurveyStatus {
  figures: FigureStatusLine[];
  counts: Record<FigureState, number>;
  /** Report lines of figures the manifest no longer has. */
  unknown: number;
}

function stateOf(figure: ManifestFigure, record: FigureRecord | undefined, dir: string): Omit<FigureStatusLine, "figure"> {
  if (!record) return { state: "missing", reason: "never built" };
  if (record.status === "failed") return { state: "failed", reason: `${record.error?.code ?? "E_INTERNAL"}: ${record.error?.message ?? "failed"}`, record };
  if (record.definition !== definitionKey(figure)) return { state: "missing", reason: "built from an older definition", record };
  const gone = Object.keys(record.outputs).find((p) => !existsSync(resolve(dir, p)));
  if (gone !== undefined) return { state: "missing", reason: `${gone} is gone`, record };
  return { state: "done", record };
}

/** The state of every figure of a loaded manifest, from its shard reports. */
export function surveyStatus(manifest: Manifest): SurveyStatus {
  const latest = latestRecords(manifest.file);
  const counts: Record<FigureState, number> = { done: 0, failed: 0, missing: 0 };
  const figures = manifest.figures.map((figure) => {
    const line = { figure, ...stateOf(figure, latest.get(figure.name), manifest.dir) };
    counts[line.state]++;
    latest.delete(figure.name);
    return line;
  });
  return { figures, counts, unknown: latest.size };
}

/** The names of the figures that are failed or missing (what `--retry-failed` rebuilds). */
export function unfinishedFigures(manifest: Manifest): Set<string> {
  return new Set(
    surveyStatus(manifest)
      .figures.filter((f) => f.state !== "done")
      .map((f) => f.figure.name),
  );
}
