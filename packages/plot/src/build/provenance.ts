/**
 * The provenance of a manifest figure: its name, its definition (the manifest
 * entry with defaults applied and paths as written) and that definition's
 * hash, the SHA-256 of each input, the tool's and fonts' versions, and the
 * git commit of the manifest's repository when it is clean. It is embedded
 * in every output file (so `--check` can say why a committed figure differs,
 * even on a machine without the build cache) and is what the cache key is
 * made of. Nothing in it depends on the time or the machine, so the same
 * inputs still give the same bytes.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename } from "node:path";

import { FONT_FILES } from "../spec/font-files.js";
import { VERSION } from "../version.js";
import type { MetadataEntry } from "../metadata.js";
import type { ManifestFigure } from "./manifest.js";

/** The metadata key under which the provenance JSON is stored. */
export const PROVENANCE_KEY = "WfallProvenance";

/** What a figure was made from. */
export interface Provenance {
  /** Version of this record's layout. */
  provenance: 1;
  /** The figure's name in the manifest. */
  figure: string;
  /** The manifest's file name. */
  manifest: string;
  /** The figure's definition and its SHA-256 (of the canonical JSON). */
  definition: { sha256: string; entry: Record<string, unknown> };
  /** Each input (path as written) with the SHA-256 of its content, in panel order. */
  inputs: { path: string; sha256: string }[];
  /** The versions that shape the bytes: wfall's, and the font files' SHA-256. */
  tool: { wfall: string; fonts: string };
  /** The manifest repository's HEAD when no tracked file had changes; a record, not part of the cache key. */
  commit?: string;
}

/** Sorted keys, no undefined values, every non-ASCII character escaped: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v && typeof v === "object") {
      return Object.fromEntries(
        Object.keys(v)
          .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
          .sort()
          .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sorted(value)).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export const sha256 = (data: Uint8Array | string): string => createHash("sha256").update(data).digest("hex");

/** A figure's definition: what it draws, with paths as the manifest writes them (machine-independent). */
export function definitionOf(figure: ManifestFigure): Record<string, unknown> {
  return JSON.parse(definitionJson(figure)) as Record<string, unknown>;
}

/** {@link definitionOf} as canonical JSON (what its hash is of). */
function definitionJson(figure: ManifestFigure): string {
  const { name: _name, where: _where, inputs: _inputs, written, outputs: _outputs, maskOutputs: _maskOutputs, panels, ...layout } = figure;
  // mask files in options, as the manifest writes them
  const writtenOptions = <T extends { masksIn?: string; masksOut?: string } | undefined>(options: T): T => {
    if (!options) return options;
    const out = { ...options };
    for (const key of ["masksIn", "masksOut"] as const) if (out[key] !== undefined) out[key] = written.maskFiles[out[key]] ?? out[key];
    return out;
  };
  let next = 0; // a panel of several files takes as many of `written.inputs`
  const writtenPanels = panels.map((panel) => {
    const count = Array.isArray(panel.input) ? panel.input.length : 1;
    const files = written.inputs.slice(next, (next += count));
    return { ...panel, input: Array.isArray(panel.input) ? files : files[0], options: writtenOptions(panel.options) };
  });
  return canonicalJson({ ...layout, options: writtenOptions(layout.options), outputs: written.outputs, panels: writtenPanels });
}

let fontsHash: string | undefined;
/** The versions that shape a figure's bytes besides its definition and inputs. */
export function toolVersions(): Provenance["tool"] {
  fontsHash ??= sha256(Buffer.concat(FONT_FILES.map((f) => readFileSync(f))));
  return { wfall: VERSION, fonts: fontsHash };
}

/**
 * The provenance of `figure` given its inputs' hashes (resolved path to
 * SHA-256) and the repository commit to record, if any.
 */
export function provenanceOf(
  figure: ManifestFigure,
  manifestFile: string,
  inputHashes: ReadonlyMap<string, string | null>,
  commit: string | undefined,
): Provenance {
  const json = definitionJson(figure); // canonical JSON parsed and written again is the same text
  const inputs: Provenance["inputs"] = [];
  figure.inputs.forEach((path, i) => {
    const written = figure.written.inputs[i];
    if (!inputs.some((input) => input.path === written)) inputs.push({ path: written, sha256: inputHashes.get(path) ?? "unreadable" });
  });
  return {
    provenance: 1,
    figure: figure.name,
    manifest: basename(manifestFile),
    definition: { sha256: sha256(json), entry: JSON.parse(json) as Record<string, unknown> },
    inputs,
    tool: toolVersions(),
    commit,
  };
}

/**
 * A hash of a figure's definition and the tool versions, not of its inputs'
 * contents: what `plot status` compares without re-hashing the inputs.
 */
export function definitionKey(figure: ManifestFigure): string {
  return definitionKeyOf({ definition: { sha256: sha256(definitionJson(figure)) }, tool: toolVersions() });
}

/** {@link definitionKey} of the figure a provenance was made for. */
export function definitionKeyOf(p: { definition: { sha256: string }; tool: Provenance["tool"] }): string {
  return sha256(canonicalJson({ definition: p.definition.sha256, tool: p.tool }));
}

/** The cache key: a hash of the definition, the inputs and the tool (not of the name or commit). */
export function cacheKey(p: Provenance): string {
  return sha256(canonicalJson({ definition: p.definition.sha256, inputs: p.inputs, tool: p.tool }));
}

/** The metadata entries that carry a provenance in a figure file. */
export function provenanceMetadata(p: Provenance): MetadataEntry[] {
  return [
    { key: "Title", value: p.figure },
    { key: "Creator", value: `wfall ${p.tool.wfall} (plot build)` },
    { key: PROVENANCE_KEY, value: canonicalJson(p) },
  ];
}

/** The provenance among a file's metadata entries, if it has a readable one. */
export function provenanceFrom(entries: readonly MetadataEntry[]): Provenance | undefined {
  const text = entries.find((e) => e.key === PROVENANCE_KEY)?.value;
  if (!text) return undefined;
  try {
    const p = JSON.parse(text) as Provenance;
    const valid = p.provenance === 1 && typeof p.figure === "string" && Array.isArray(p.inputs) && typeof p.definition?.sha256 === "string" && !!p.tool;
    return valid ? p : undefined;
  } catch {
    return undefined;
  }
}
