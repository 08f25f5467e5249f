/**
 * Figure manifests: a paper's figures in one YAML or JSON file, validated
 * against the schema made from the option tables (`schema.ts`). Each figure
 * becomes a {@link FigureDescription}. A manifest may come from someone
 * else's repository, so it is untrusted: outputs must stay inside its folder
 * (unless the caller allows more), so must the files a glob (an input or an
 * `each:`) matches, only `WFALL_` environment variables are read (others are refused; `variables:` declares constants),
 * values taken from the environment never appear in messages, and YAML
 * aliases are bounded.
 */
import { lstatSync, realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";

import { WaterfallError } from "@wfall/spectra";
import { isPattern, readInput } from "@wfall/spectra/internal";
import type { ErrorObject } from "ajv";
import { isMap, LineCounter, parseDocument, type Document } from "yaml";

import type { FigureDescription } from "../figure/description.js";
import { FIGURE_OPTIONS, type FigureOptions, type PanelOptions } from "../options.js";
import { closestName } from "../suggest.js";
import { declaredInputs, type DeclaredInput, type RawInputs } from "./inputs.js";
import { expandFigures, globFiles, manifestPath, type RawFigureTemplate } from "./expand.js";
import validateManifest from "./manifest-validator.generated.js";

/** One figure of a manifest: its description (paths resolved, defaults merged), its name and where it is. */
export interface ManifestFigure extends FigureDescription {
  name: string;
  /** Where the figure starts in the manifest, for messages: "figures.yaml:12". */
  where: string;
  /** The input files of its panels (mask files given by `masksIn` included). */
  inputs: string[];
  /** The JSON mask files its panels write (`masksOut`), besides `outputs`. */
  maskOutputs: string[];
  /**
   * Its paths as the manifest writes them (before variables and resolution):
   * provenance records these. `inputs` in the order of `inputs`; `maskFiles`
   * maps each resolved `masksIn`/`masksOut` to its path relative to the manifest.
   */
  written: { inputs: string[]; outputs: string[]; maskFiles: Record<string, string> };
}

export interface Manifest {
  file: string;
  dir: string;
  figures: ManifestFigure[];
  /** The inputs declared under `inputs:` with their SHA-256. */
  inputs: DeclaredInput[];
  /** The folder of the manifest's gallery page (`gallery:`), if it has one. */
  gallery?: string;
  /** Replaces values that came from the environment by their `${NAME}` in a message. */
  redact(message: string): string;
}

/** Options of {@link loadManifest}. */
export interface LoadManifestOptions {
  env?: NodeJS.ProcessEnv;
  /** Allow outputs outside the manifest's folder (absolute paths, `..`). Default false. */
  allowOutside?: boolean;
}

interface RawManifest {
  variables?: Record<string, string>;
  inputs?: RawInputs;
  defaults?: PanelOptions & FigureOptions;
  figures: RawFigureTemplate[];
  gallery?: string;
}

/** The environment-variable prefix a manifest may use without declaring it. */
export const ALLOWED_PREFIX = "WFALL_";
/** YAML aliases resolved at most this many times (a "billion laughs" manifest is an error). */
const MAX_ALIASES = 1000;

/** The schema's validator, compiled by ajv when the schema is generated (`npm run generate`). */
const validator = validateManifest as import("ajv").ValidateFunction<RawManifest>;

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
    // an unclosed [ or { is only noticed where the next key starts: name the line that opened it
    const opener = /^Flow (sequence|map)/.test(e.message) ? unclosedBracket(text, e.pos[0]) : undefined;
    const line = opener !== undefined ? counter.linePos(opener).line : (e.linePos?.[0].line ?? counter.linePos(e.pos[0]).line);
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

/** The offset of the last `[` or `{` before `end` that is not closed before it (outside quoted strings and comments). */
function unclosedBracket(text: string, end: number): number | undefined {
  const open: number[] = [];
  let quote: string | undefined;
  for (let i = 0; i < end; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "#") while (i < end && text[i] !== "\n") i++;
    else if (c === "[" || c === "{") open.push(i);
    else if ((c === "]" || c === "}") && open.length) open.pop();
    if (c === "\n") quote = undefined;
  }
  return open.at(-1);
}

/**
 * Replaces `${NAME}` and `${NAME:-default}`. Only {@link ALLOWED_PREFIX}
 * names are read from the environment (a manifest is untrusted: it must not
 * copy a CI secret into a file name); a name declared under `variables` is a
 * constant of the manifest. Values taken from the environment are recorded in
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
    if (!name.startsWith(ALLOWED_PREFIX)) {
      if (inline === undefined && fallback !== undefined) return fallback;
      fail(
        `\${${name}}: only ${ALLOWED_PREFIX} environment variables are read (a manifest must not copy other variables, such as CI secrets, into its outputs): rename it ${ALLOWED_PREFIX}${name}, or declare a constant under 'variables:'`,
      );
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

/**
 * Whether `path` is inside `dir` once symbolic links in its existing parent
 * folders are resolved. Real paths are remembered for the checker's life
 * (a survey's outputs share a few folders).
 */
function insideChecker(dir: string): (path: string) => boolean {
  const known = new Map<string, string>();
  const realFolder = (p: string): string => {
    let r = known.get(p);
    if (r === undefined) {
      r = real(p);
      known.set(p, r);
    }
    return r;
  };
  // only a link needs realpath; anything else is its folder's real path plus its name (one lstat, no exception when absent)
  const real = (p: string): string => {
    if (lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink()) {
      try {
        return realpathSync.native(p);
      } catch {
        return "/\0 a dangling or looping link"; // inside nothing
      }
    }
    return p === dirname(p) ? p : join(realFolder(dirname(p)), basename(p));
  };
  const realDir = real(dir);
  return (path) => {
    const rel = relative(realDir, real(resolve(path)));
    return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
  };
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
  if (!validator(raw)) throw schemaError(file, doc, counter, validator.errors![0]);

  const dir = dirname(resolve(file));
  const fromEnv = new Map<string, string>();
  const redact = (message: string) => [...fromEnv].reduce((m, [value, name]) => m.split(value).join(name), message);
  const fail = (message: string): never => {
    throw new WaterfallError("E_MANIFEST", redact(message), { file });
  };
  const expand = (text: string) => expandVariables(text, env, raw.variables ?? {}, fromEnv, fail);
  const path = (p: string) => resolve(dir, expand(p));
  const defaults = raw.defaults ?? {};
  const figureDefaults = Object.fromEntries(Object.entries(defaults).filter(([k]) => Object.hasOwn(FIGURE_OPTIONS, k))) as FigureOptions;
  // mask files named in options are paths relative to the manifest, like inputs and outputs
  const withPaths = (o: PanelOptions | undefined, toPath = path): PanelOptions | undefined =>
    o && {
      ...o,
      ...(o.masksIn !== undefined ? { masksIn: toPath(o.masksIn) } : {}),
      ...(o.masksOut !== undefined ? { masksOut: toPath(o.masksOut) } : {}),
    };
  const panelDefaults = withPaths(Object.fromEntries(Object.entries(defaults).filter(([k]) => !Object.hasOwn(FIGURE_OPTIONS, k))) as PanelOptions)!;

  const isInside = insideChecker(dir);
  const allowOutside = Boolean(options.allowOutside);
  const lines = new Map<number, number>();
  const figures: ManifestFigure[] = [];
  const expandContext = { dir, allowOutside, expandVariables: expand, isInside, fail };
  for (const expanded of expandFigures(raw.figures, expandContext)) {
    const { name, output, options: figureOptions, panels, ...layout } = expanded.figure;
    const line = lines.get(expanded.index) ?? lineOf(doc, counter, ["figures", expanded.index]);
    lines.set(expanded.index, line);
    const where = `${file}:${line}${expanded.source === undefined ? "" : ` (${expanded.source})`}`;
    const resolvePath = expanded.variablesExpanded ? (p: string) => resolve(dir, p) : path;
    const outputs = output.map(resolvePath);
    const merged = { ...panelDefaults, ...withPaths(figureOptions, resolvePath) };
    const panelOptions = panels.map((p) => ({ ...merged, ...withPaths(p.options, resolvePath) }));
    const maskOutputs = panelOptions.flatMap((o) => (o.masksOut !== undefined ? [o.masksOut] : []));
    for (const out of [...outputs, ...maskOutputs]) {
      if (!allowOutside && !isInside(out)) {
        fail(`figure '${name}' (${where}) writes ${relative(dir, out) || out}, outside the manifest's folder: move it inside, or pass --allow-outside`);
      }
    }
    // a panel's input is a file, a list of files or a glob; several files are one waterfall
    const writtenInputs: string[] = []; // beside `inputs`: an entry as written, or a file a pattern matched (relative)
    const panelInputs = panels.map((p, i) => {
      const written = expanded.written.inputs[i];
      const entries = (typeof p.input === "string" ? [p.input] : p.input).map((e) => (expanded.variablesExpanded ? e : expand(e)));
      const files = entries.flatMap((e, j) => {
        const pattern = isPattern(e, dir);
        const matched = pattern ? [...globFiles(e, `input '${e}'`, name, expandContext)] : [resolve(dir, e)];
        writtenInputs.push(...(pattern ? matched.map((f) => manifestPath(dir, f)) : [written[j]]));
        return matched;
      });
      if (files.length === 0) fail(`figure '${name}' (${where}): input '${entries.join(" ")}': no file matches the pattern`);
      return files;
    });
    const inputs = panelInputs.flat();
    const maskInputs = [...new Set(panelOptions.flatMap((o) => (o.masksIn !== undefined ? [o.masksIn] : [])))];
    figures.push({
      name,
      where,
      outputs,
      ...figureDefaults,
      ...(layout as FigureOptions),
      options: merged,
      panels: panels.map((p, i) => ({
        input: panelInputs[i].length === 1 ? panelInputs[i][0] : panelInputs[i],
        title: p.title,
        read: p.read,
        options: { ...withPaths(p.options, resolvePath), ...(p.dm !== undefined ? { dm: p.dm } : {}) },
      })),
      inputs: [...inputs, ...maskInputs],
      maskOutputs,
      written: {
        inputs: [...writtenInputs, ...maskInputs.map((f) => manifestPath(dir, f))],
        outputs: expanded.written.outputs,
        maskFiles: Object.fromEntries([...maskInputs, ...maskOutputs].map((f) => [f, manifestPath(dir, f)])),
      },
    });
  }
  checkConsistency(figures, fail);
  const read = figures.flatMap((f) => f.inputs.map((p, j) => ({ path: p, written: f.written.inputs[j] })));
  const inputs = declaredInputs(raw.inputs, read, path, (key) => lineOf(doc, counter, ["inputs"], key), fail);
  const gallery = raw.gallery === undefined ? undefined : path(raw.gallery);
  if (gallery !== undefined && !allowOutside && !isInside(gallery))
    fail(`the gallery ${raw.gallery} is outside the manifest's folder: move it inside, or pass --allow-outside`);
  return { file, dir, figures, inputs, gallery, redact };
}

function checkConsistency(figures: ManifestFigure[], fail: (message: string) => never): void {
  const names = new Map<string, ManifestFigure>();
  const outputs = new Map<string, ManifestFigure>();
  for (const figure of figures) {
    const twin = names.get(figure.name);
    if (twin) fail(`duplicate figure name '${figure.name}' (${twin.where} and ${figure.where})`);
    names.set(figure.name, figure);
    for (const output of [...figure.outputs, ...figure.maskOutputs]) {
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
