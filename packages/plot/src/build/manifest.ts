/**
 * Figure manifests: a paper's figures in one YAML or JSON file, validated
 * against the schema made from the option tables (`schema.ts`). Each figure
 * becomes a {@link FigureDescription}. A manifest may come from someone
 * else's repository, so it is untrusted: outputs must stay inside its folder
 * (unless the caller allows more), only declared or `WFALL_` environment
 * variables expand, values taken from the environment never appear in
 * messages, and YAML aliases are bounded.
 */
import { realpathSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";

import { WaterfallError, type ReadOptions } from "@wfall/spectra";
import { readInput } from "@wfall/spectra/internal";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import { isMap, LineCounter, parseDocument, type Document } from "yaml";

import type { FigureDescription } from "../figure/description.js";
import { FIGURE_OPTIONS, type FigureOptions, type PanelOptions } from "../options.js";
import { closestName } from "../suggest.js";
import { declaredInputs, type DeclaredInput, type RawInputs } from "./inputs.js";
import { manifestSchema } from "./schema.js";

/** One figure of a manifest: its description (paths resolved, defaults merged), its name and where it is. */
export interface ManifestFigure extends FigureDescription {
  name: string;
  /** Where the figure starts in the manifest, for messages: "figures.yaml:12". */
  where: string;
  /** The input files of its panels. */
  inputs: string[];
  /** Its paths as the manifest writes them (before variables and resolution): provenance records these. */
  written: { inputs: string[]; outputs: string[] };
}

export interface Manifest {
  file: string;
  dir: string;
  figures: ManifestFigure[];
  /** The inputs declared under `inputs:` with their SHA-256. */
  inputs: DeclaredInput[];
  /** Replaces values that came from the environment by their `${NAME}` in a message. */
  redact(message: string): string;
}

/** Options of {@link loadManifest}. */
export interface LoadManifestOptions {
  env?: NodeJS.ProcessEnv;
  /** Allow outputs outside the manifest's folder (absolute paths, `..`). Default false. */
  allowOutside?: boolean;
}

interface RawPanel {
  input: string;
  dm?: number;
  title?: string;
  read?: ReadOptions;
  options?: PanelOptions;
}
type RawFigure = FigureOptions & { name: string; output: string | string[]; options?: PanelOptions; panels: RawPanel[] };
interface RawManifest {
  variables?: Record<string, string>;
  inputs?: RawInputs;
  defaults?: PanelOptions & FigureOptions;
  figures: RawFigure[];
}

/** The environment-variable prefix a manifest may use without declaring it. */
export const ALLOWED_PREFIX = "WFALL_";
/** YAML aliases resolved at most this many times (a "billion laughs" manifest is an error). */
const MAX_ALIASES = 1000;

let validator: import("ajv").ValidateFunction<RawManifest> | undefined;
function validate(raw: unknown): raw is RawManifest {
  validator ??= new Ajv2020({ allErrors: false, strict: false, verbose: true }).compile<RawManifest>(manifestSchema());
  return validator(raw);
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

function schemaMessage(error: ErrorObject): { message: string; key?: string } {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties": {
      const key = params.additionalProperty as string;
      const suggestion = closestName(key, Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {}), 3);
      return { key, message: `unknown key '${key}'${suggestion ? ` (did you mean '${suggestion}'?)` : ""}` };
    }
    case "required":
      return { message: `missing key '${params.missingProperty as string}'` };
    case "enum":
      return { message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}` };
    case "const":
      return { message: `must be ${JSON.stringify(params.allowedValue)}` };
    case "pattern": {
      const description = (error.parentSchema as { description?: string } | undefined)?.description;
      return { message: description ? `is not valid: ${description}` : `does not match ${params.pattern as string}` };
    }
    default:
      return { message: error.message ?? "is invalid" };
  }
}

function schemaError(file: string, doc: Document, counter: LineCounter, error: ErrorObject): WaterfallError {
  const segments = error.instancePath
    .split("/")
    .slice(1)
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, "/").replace(/~0/g, "~")));
  const figureIndex = segments[0] === "figures" && typeof segments[1] === "number" ? segments[1] : undefined;
  const name = figureIndex !== undefined ? (doc.getIn(["figures", figureIndex, "name"]) as string | undefined) : undefined;
  const { message, key } = schemaMessage(error);
  const figure = name ? ` (figure '${name}')` : "";
  return new WaterfallError("E_MANIFEST", `line ${lineOf(doc, counter, segments, key)}: ${readablePath(segments)}${figure}: ${message}`, { file });
}

/** Parses YAML (or JSON) text; syntax errors name their line, an alias bomb is refused. */
function parseManifestText(text: string, file: string): { doc: Document; counter: LineCounter; raw: unknown } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e.linePos?.[0].line ?? counter.linePos(e.pos[0]).line;
    throw new WaterfallError("E_MANIFEST", `line ${line}: not valid YAML or JSON: ${e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`, {
      file,
    });
  }
  try {
    return { doc, counter, raw: doc.toJS({ maxAliasCount: MAX_ALIASES }) };
  } catch (error) {
    throw new WaterfallError("E_MANIFEST", `cannot expand the manifest's YAML aliases: ${(error as Error).message}`, { file });
  }
}

/**
 * Replaces `${NAME}` and `${NAME:-default}`: `NAME` must be declared under
 * `variables` (with its default), start with {@link ALLOWED_PREFIX}, or carry
 * an inline default. Values taken from the environment are recorded in
 * `fromEnv` so messages can hide them.
 */
export function expandVariables(
  text: string,
  env: NodeJS.ProcessEnv,
  declared: Record<string, string>,
  fromEnv: Map<string, string>,
  fail: (message: string) => never,
): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_, name: string, inline?: string) => {
    const fallback = inline ?? declared[name];
    if (fallback === undefined && !name.startsWith(ALLOWED_PREFIX)) {
      fail(`\${${name}} is not declared: declare it under 'variables:' with a default, write \${${name}:-default}, or use a ${ALLOWED_PREFIX} variable`);
    }
    const value = env[name];
    if (value === undefined) {
      if (fallback === undefined) fail(`environment variable ${name} is not set (write \${${name}:-default} to give a default)`);
      return fallback;
    }
    if (value !== "") fromEnv.set(value, `\${${name}}`);
    return value;
  });
}

/** Whether `path` is inside `dir` once symbolic links in its existing parent folders are resolved. */
function isInside(dir: string, path: string): boolean {
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return p === dirname(p) ? p : resolve(real(dirname(p)), relative(dirname(p), p));
    }
  };
  const rel = relative(real(dir), real(path));
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

/**
 * Reads, validates and resolves a manifest. Duplicate figure names or outputs,
 * outputs that are also inputs, and outputs outside the manifest's folder
 * (without `allowOutside`) are errors.
 */
export async function loadManifest(file: string, options: LoadManifestOptions = {}): Promise<Manifest> {
  const env = options.env ?? process.env;
  const text = Buffer.from(await readInput(file)).toString("utf8");
  const { doc, counter, raw } = parseManifestText(text, file);
  if (!validate(raw)) throw schemaError(file, doc, counter, validator!.errors![0]);

  const dir = dirname(resolve(file));
  const fromEnv = new Map<string, string>();
  const redact = (message: string) => [...fromEnv].reduce((m, [value, name]) => m.split(value).join(name), message);
  const fail = (message: string): never => {
    throw new WaterfallError("E_MANIFEST", redact(message), { file });
  };
  const path = (p: string) => resolve(dir, expandVariables(p, env, raw.variables ?? {}, fromEnv, fail));
  const defaults = raw.defaults ?? {};
  const figureDefaults = Object.fromEntries(Object.entries(defaults).filter(([k]) => Object.hasOwn(FIGURE_OPTIONS, k))) as FigureOptions;
  const panelDefaults = Object.fromEntries(Object.entries(defaults).filter(([k]) => !Object.hasOwn(FIGURE_OPTIONS, k))) as PanelOptions;

  const figures = raw.figures.map((f, i): ManifestFigure => {
    const { name, output, options: figureOptions, panels, ...layout } = f;
    const where = `${file}:${lineOf(doc, counter, ["figures", i])}`;
    const writtenOutputs = Array.isArray(output) ? output : [output];
    const outputs = writtenOutputs.map(path);
    for (const out of outputs) {
      if (!options.allowOutside && !isInside(dir, out)) {
        fail(`figure '${name}' (${where}) writes ${relative(dir, out) || out}, outside the manifest's folder: move it inside, or pass --allow-outside`);
      }
    }
    return {
      name,
      where,
      outputs,
      ...figureDefaults,
      ...layout,
      options: { ...panelDefaults, ...figureOptions },
      panels: panels.map((p) => ({
        input: path(p.input),
        title: p.title,
        read: p.read,
        options: { ...p.options, ...(p.dm !== undefined ? { dm: p.dm } : {}) },
      })),
      inputs: panels.map((p) => path(p.input)),
      written: { inputs: panels.map((p) => p.input), outputs: writtenOutputs },
    };
  });
  checkConsistency(figures, fail);
  const read = figures.flatMap((f) => f.inputs.map((p, j) => ({ path: p, written: f.written.inputs[j] })));
  const inputs = declaredInputs(raw.inputs, read, path, (key) => lineOf(doc, counter, ["inputs"], key), fail);
  return { file, dir, figures, inputs, redact };
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
    for (const input of figure.inputs) {
      const writer = outputs.get(input);
      if (writer) fail(`figure '${figure.name}' reads ${input}, which figure '${writer.name}' writes (a cycle, or a figure overwriting its data)`);
    }
  }
}
