/**
 * Figure manifests: a paper's figures in one YAML or JSON file, validated
 * against the JSON Schema shipped in `schema/figures.schema.json` (so editors
 * complete and check it too). Errors name the manifest, the line and the
 * figure. Paths resolve against the manifest's folder and may use
 * `${VAR}` / `${VAR:-default}` environment variables.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

import { readInput, WaterfallError, type OpenOptions } from "@wfall/spectra";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import { isMap, LineCounter, parseDocument, type Document } from "yaml";

import type { WaterfallOptions } from "./options.js";

/** The manifest's JSON Schema. */
export const MANIFEST_SCHEMA: Record<string, unknown> = JSON.parse(
  readFileSync(new URL("../schema/figures.schema.json", import.meta.url), "utf8"),
);

/** One panel of a manifest figure, paths resolved. */
export interface ManifestPanel {
  input: string;
  dm?: number;
  title?: string;
  options?: WaterfallOptions;
  /** How to read the input (layout, keys, given axes, time range). */
  read?: OpenOptions;
}

/** One figure of a manifest, paths resolved and defaults merged into `options`. */
export interface ManifestFigure {
  name: string;
  outputs: string[];
  dpi?: number;
  label?: string;
  columns?: number;
  widthIn?: number;
  heightIn?: number;
  masks?: boolean;
  sharedScale?: boolean;
  options: WaterfallOptions;
  panels: ManifestPanel[];
  /** Where the figure starts in the manifest, for messages: "figures.yaml:12". */
  where: string;
}

export interface Manifest {
  file: string;
  dir: string;
  figures: ManifestFigure[];
}

interface RawFigure extends Omit<ManifestFigure, "outputs" | "options" | "panels" | "where"> {
  output: string | string[];
  options?: WaterfallOptions;
  panels: ManifestPanel[];
}
interface RawManifest {
  defaults?: WaterfallOptions;
  figures: RawFigure[];
}

const validate = new Ajv2020({ allErrors: false, strict: false, verbose: true }).compile<RawManifest>(MANIFEST_SCHEMA);

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}

/** The schema's property names at an instance path (for "did you mean"). */
function knownKeys(error: ErrorObject): string[] {
  const props = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? Object.keys(props) : [];
}

/** `figures[1].panels[0]` from `/figures/1/panels/0`. */
function readablePath(segments: (string | number)[]): string {
  return segments.map((s, i) => (typeof s === "number" ? `[${s}]` : `${i ? "." : ""}${s}`)).join("") || "(top level)";
}

function lineOf(doc: Document, counter: LineCounter, segments: (string | number)[], key?: string): number {
  const node = doc.getIn(segments, true) as { range?: [number, number, number]; items?: { key: { value?: unknown; range?: number[] } }[] } | undefined;
  let offset = node?.range?.[0];
  if (key !== undefined && isMap(node)) offset = node.items.find((pair) => (pair.key as { value?: unknown }).value === key)?.key.range?.[0] ?? offset;
  return offset === undefined ? 1 : counter.linePos(offset).line;
}

function schemaError(file: string, doc: Document, counter: LineCounter, error: ErrorObject): WaterfallError {
  const segments = error.instancePath.split("/").slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, "/").replace(/~0/g, "~")));
  const figureIndex = segments[0] === "figures" && typeof segments[1] === "number" ? segments[1] : undefined;
  const name = figureIndex !== undefined ? (doc.getIn(["figures", figureIndex, "name"]) as string | undefined) : undefined;
  const where = readablePath(segments);
  let message: string;
  let key: string | undefined;
  if (error.keyword === "additionalProperties") {
    key = (error.params as { additionalProperty: string }).additionalProperty;
    const suggestion = knownKeys(error).sort((a, b) => editDistance(key!, a) - editDistance(key!, b))[0];
    message = `unknown key '${key}'${suggestion && editDistance(key, suggestion) <= 3 ? ` (did you mean '${suggestion}'?)` : ""}`;
  } else if (error.keyword === "required") {
    message = `missing key '${(error.params as { missingProperty: string }).missingProperty}'`;
  } else if (error.keyword === "enum") {
    message = `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
  } else {
    message = error.message ?? "is invalid";
  }
  const figure = name ? ` (figure '${name}')` : "";
  return new WaterfallError("E_MANIFEST", `line ${lineOf(doc, counter, segments, key)}: ${where}${figure}: ${message}`, { file });
}

/** Replaces `${VAR}` and `${VAR:-default}` with environment values. */
export function expandVariables(text: string, env: NodeJS.ProcessEnv, fail: (message: string) => never): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_, name: string, fallback?: string) => {
    const value = env[name] ?? fallback;
    if (value === undefined) fail(`environment variable ${name} is not set (write \${${name}:-default} to give a default)`);
    return value;
  });
}

/**
 * Reads, validates and resolves a manifest. Duplicate figure names or outputs,
 * and outputs that are also inputs (a figure that would overwrite data, or a
 * cycle), are errors.
 */
export async function loadManifest(file: string, env: NodeJS.ProcessEnv = process.env): Promise<Manifest> {
  const text = Buffer.from(await readInput(file)).toString("utf8");
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new WaterfallError("E_MANIFEST", `line ${e.linePos?.[0].line ?? 1}: not valid YAML or JSON: ${e.message.split("\n")[0]}`, { file });
  }
  const raw = doc.toJS() as unknown;
  if (!validate(raw)) throw schemaError(file, doc, counter, validate.errors![0]);

  const dir = dirname(resolve(file));
  const fail = (message: string): never => {
    throw new WaterfallError("E_MANIFEST", message, { file });
  };
  const path = (p: string) => resolve(dir, expandVariables(p, env, fail));
  const figures = raw.figures.map((f, i): ManifestFigure => {
    const { output, options, panels, ...rest } = f;
    return {
      ...rest,
      outputs: (Array.isArray(output) ? output : [output]).map(path),
      options: { ...raw.defaults, ...options },
      panels: panels.map((p) => ({ ...p, input: path(p.input) })),
      where: `${file}:${lineOf(doc, counter, ["figures", i])}`,
    };
  });
  checkConsistency(figures, fail);
  return { file, dir, figures };
}

function checkConsistency(figures: ManifestFigure[], fail: (message: string) => never): void {
  const names = new Map<string, ManifestFigure>();
  const outputs = new Map<string, ManifestFigure>();
  for (const figure of figures) {
    const twin = names.get(figure.name);
    if (twin) fail(`duplicate figure name '${figure.name}' (${twin.where} and ${figure.where})`);
    names.set(figure.name, figure);
    for (const output of figure.outputs) {
      const other = outputs.get(output);
      if (other) fail(`figures '${other.name}' and '${figure.name}' both write ${output}`);
      outputs.set(output, figure);
    }
  }
  for (const figure of figures) {
    for (const panel of figure.panels) {
      const writer = outputs.get(panel.input);
      if (writer) fail(`figure '${figure.name}' reads ${panel.input}, which figure '${writer.name}' writes (a cycle, or a figure overwriting its data)`);
    }
  }
}
