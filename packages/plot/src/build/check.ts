/**
 * `plot build --check`: renders a figure in memory, compares each output with
 * the committed file, and says why one differs. The reason comes from the
 * provenance the committed file records (or, for a file without one, from
 * the build cache): input contents changed, figure definition changed, tool
 * or font version changed, or the same inputs giving different bytes.
 *
 * The commit a committed file records is a record of when it was made, not
 * an input: the figure is rendered with that same commit, so committing the
 * figure (which moves HEAD) never makes it out of date. A committed file
 * without any provenance (made before wfall recorded one) is compared with a
 * rendering without provenance: the same bytes pass, with a note.
 */
import { readFile } from "node:fs/promises";

import type { Render } from "./build.js";
import { formatOf } from "../formats.js";
import { readMetadata } from "../metadata.js";
import type { CacheEntry } from "./cache.js";
import { relativeToManifest } from "./cache.js";
import type { ManifestFigure } from "./manifest.js";
import { provenanceFrom, provenanceMetadata, type Provenance } from "./provenance.js";
import { writeComparison, type ComparisonImages } from "./report.js";

/** Why an output differs from what the manifest and inputs give. */
export type Reason =
  | { kind: "missing" }
  | { kind: "inputs"; changed: string[] }
  | { kind: "definition"; changed: string[] }
  | { kind: "tool"; changed: string[] }
  | { kind: "bytes" }
  | { kind: "unrecorded" };

/** One output that is missing or differs. */
export interface OutputMismatch {
  /** The output's path. */
  path: string;
  /** The output's path relative to the manifest's folder. */
  output: string;
  reasons: Reason[];
  /** The images written with `--report`. */
  images?: ComparisonImages;
}

/** What checking one figure found. */
export interface FigureCheck {
  mismatches: OutputMismatch[];
  /** Notes on a figure that passes (e.g. its files record no provenance). */
  notes: string[];
  /** Warnings about what it was drawn from (as when built). */
  warnings: string[];
}

const MAX_DETAILS = 3;
const listed = (items: string[]) =>
  items.length > MAX_DETAILS ? `${items.slice(0, MAX_DETAILS).join(", ")} and ${items.length - MAX_DETAILS} more` : items.join(", ");
const shown = (v: unknown) => (v === undefined ? "(none)" : JSON.stringify(v));

/** The leaves that differ between two JSON values, as `path: before → after`. */
function leafChanges(before: unknown, after: unknown, path = ""): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object";
  if (isObject(before) && isObject(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => leafChanges(before[k], after[k], Array.isArray(before) ? `${path}[${k}]` : path ? `${path}.${k}` : k));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [`${path || "(entry)"}: ${shown(before)} → ${shown(after)}`];
}

/** What differs between the provenance a file was made with and the current one (empty: nothing that shapes its bytes). */
export function changesBetween(before: Provenance, now: Provenance): Reason[] {
  const reasons: Reason[] = [];
  const was = new Map(before.inputs.map((i) => [i.path, i.sha256]));
  const is = new Map(now.inputs.map((i) => [i.path, i.sha256]));
  const inputs = [
    ...now.inputs.filter((i) => was.has(i.path) && was.get(i.path) !== i.sha256).map((i) => i.path),
    ...now.inputs.filter((i) => !was.has(i.path)).map((i) => `${i.path} (new)`),
    ...before.inputs.filter((i) => !is.has(i.path)).map((i) => `${i.path} (no longer read)`),
  ];
  if (inputs.length) reasons.push({ kind: "inputs", changed: inputs });
  if (before.definition.sha256 !== now.definition.sha256) {
    const changed = before.definition.entry ? leafChanges(before.definition.entry, now.definition.entry) : [];
    reasons.push({ kind: "definition", changed });
  }
  const tool = [
    ...(before.tool.wfall !== now.tool.wfall ? [`wfall ${before.tool.wfall} → ${now.tool.wfall}`] : []),
    ...(before.tool.fonts !== now.tool.fonts ? ["the font files changed"] : []),
  ];
  if (tool.length) reasons.push({ kind: "tool", changed: tool });
  return reasons;
}

/** One reason in words. */
export function describeReason(reason: Reason): string {
  switch (reason.kind) {
    case "missing":
      return "missing";
    case "inputs":
      return `input contents changed (${listed(reason.changed)})`;
    case "definition":
      return `figure definition changed${reason.changed.length ? ` (${listed(reason.changed)})` : ""}`;
    case "tool":
      return `tool or font version changed (${listed(reason.changed)})`;
    case "bytes":
      return "same inputs, definition and versions, but different bytes (another platform or renderer build; --report DIR shows the pixels)";
    case "unrecorded":
      return "different bytes, and the committed file records no provenance to say why (made by another program, or edited)";
  }
}

/** The reasons of a figure's mismatches in one line (outputs that share reasons are grouped). */
export function describeMismatches(mismatches: readonly OutputMismatch[]): string {
  const groups = new Map<string, string[]>();
  for (const m of mismatches) {
    const text = m.reasons.map(describeReason).join("; ");
    groups.set(text, [...(groups.get(text) ?? []), m.output]);
  }
  return [...groups].map(([text, outputs]) => `${outputs.join(", ")}: ${text}`).join("; ");
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}

/** What is needed to check a figure. */
export interface CheckContext {
  manifest: string;
  /** The figure's current provenance (with the commit this checkout would record). */
  now: Provenance;
  /** The cache's entry for the figure, if any: the fallback when a file records no provenance. */
  cached?: CacheEntry;
  /** Where `--report` writes images, if asked. */
  reportDir?: string;
  render: Render;
}

/** Renders `figure` in memory and compares each output with the committed file. */
export async function checkFigure(figure: ManifestFigure, context: CheckContext): Promise<FigureCheck> {
  const files = [...figure.outputs, ...figure.maskOutputs]; // a mask file records no provenance: its figure's does
  const committed = await Promise.all(files.map(readIfExists));
  const recorded = figure.outputs.map((file, i) => (committed[i] ? provenanceFrom(readMetadata(committed[i], formatOf(file))) : undefined));
  const existing = committed.filter((b) => b !== undefined).length;
  const legacy = existing > 0 && recorded.every((p) => p === undefined);
  const commit = recorded.find((p) => p !== undefined)?.commit;
  const metadata = legacy ? [] : provenanceMetadata({ ...context.now, commit: existing > 0 ? commit : context.now.commit });
  const { outputs, warnings } = await context.render(figure, metadata);

  const mismatches: OutputMismatch[] = [];
  for (const output of outputs) {
    const i = files.indexOf(output.path);
    const before = committed[i];
    if (before && Buffer.from(output.bytes).equals(before)) continue;
    const name = relativeToManifest(context.manifest, output.path);
    let reasons: Reason[];
    if (!before) {
      reasons = [{ kind: "missing" }];
    } else {
      const made = recorded[i] ?? context.cached?.made;
      reasons = made ? changesBetween(made, context.now) : [{ kind: "unrecorded" }];
      if (reasons.length === 0) reasons = [{ kind: "bytes" }];
    }
    const images = context.reportDir ? await writeComparison(context.reportDir, figure.name, name, output, before) : undefined;
    mismatches.push({ path: output.path, output: name, reasons, images });
  }
  const notes = legacy && mismatches.length === 0 ? ["its files record no provenance: `plot build --force` adds it"] : [];
  return { mismatches, notes, warnings };
}
