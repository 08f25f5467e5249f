/**
 * Figures over many files: a manifest figure with `each:` (a glob relative to
 * the manifest, or a text file listing paths) becomes one figure per file,
 * with `{stem}` (the file name without its extension) and `{path}` (its path
 * relative to the manifest's folder) replaced in `name`, `output`, `title`
 * and `input`. Nothing else is substituted; an unknown `{word}` is an error.
 * A figure may give its one panel inline (`input`, `dm`, `title`, `read`)
 * instead of `panels`.
 *
 * The manifest is untrusted: environment variables expand in the templates
 * before file names are put in (a file named `${HOME}.h5` stays a name), the
 * files a glob or list names must be inside the manifest's folder unless
 * outside is allowed, and names made from file names are checked again.
 */
import { readFileSync, realpathSync } from "node:fs";
import { basename, dirname, extname, isAbsolute, relative, resolve, sep } from "node:path";

import type { ReadOptions } from "@wfall/spectra";

import type { PanelOptions } from "../options.js";
import { closestName } from "../suggest.js";
import { glob, hasGlobSyntax } from "@wfall/spectra/internal";
import { FIGURE_NAME_PATTERN } from "./schema.js";

/** The placeholders an `each` figure may use. */
export const PLACEHOLDERS = ["stem", "path"] as const;

export interface RawPanel {
  /** A file, a list of files, or a glob: several files are one waterfall (PSRFITS files of one observation). */
  input: string | string[];
  dm?: number;
  title?: string;
  read?: ReadOptions;
  options?: PanelOptions;
}

/** A manifest figure as written: `panels`, or one panel inline, and optionally `each`. */
export interface RawFigureTemplate extends Partial<RawPanel> {
  name: string;
  output: string | string[];
  each?: string;
  panels?: RawPanel[];
  [option: string]: unknown;
}

/** One figure after expansion: always with `panels`; `source` is the file it was made for. */
export interface ExpandedFigure {
  figure: RawFigureTemplate & { output: string[]; panels: RawPanel[] };
  /** Index of the manifest entry it came from. */
  index: number;
  /** The `each` file (as `{path}`), for messages. */
  source?: string;
  /** Paths in it have had their `${VAR}` expanded already (made from file names). */
  variablesExpanded: boolean;
}

/** What expansion needs from the manifest loader. */
export interface ExpandContext {
  dir: string;
  allowOutside: boolean;
  /** `${VAR}` expansion with the manifest's rules. */
  expandVariables(text: string): string;
  /** Whether a path is inside the manifest's folder (symbolic links resolved). */
  isInside(path: string): boolean;
  fail(message: string): never;
}

const PANEL_KEYS = ["input", "dm", "title", "read"] as const;

/** `panels`, or the one panel given inline. */
function normalise(template: RawFigureTemplate, fail: ExpandContext["fail"]): ExpandedFigure["figure"] {
  const { input, dm, title, read, panels, output, ...rest } = template;
  const inline = PANEL_KEYS.filter((k) => template[k] !== undefined);
  if (panels && inline.length > 0)
    fail(`figure '${template.name}' has both 'panels' and ${inline.map((k) => `'${k}'`).join(", ")}: give its panels in one of the two ways`);
  if (!panels && input === undefined) fail(`figure '${template.name}' needs 'panels' or an 'input'`);
  const outputs = Array.isArray(output) ? output : [output];
  return { ...rest, output: outputs, panels: panels ?? [{ input: input!, dm, title, read }] };
}

/** The strings of a figure that placeholders may appear in. */
function templated(figure: ExpandedFigure["figure"]): string[] {
  return [figure.name, ...figure.output, ...figure.panels.flatMap((p) => [...inputsOf(p), p.title ?? ""])];
}

function checkPlaceholders(figure: ExpandedFigure["figure"], each: boolean, fail: ExpandContext["fail"]): void {
  for (const text of templated(figure)) {
    for (const [, word] of text.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
      const known = (PLACEHOLDERS as readonly string[]).includes(word);
      if (known && !each) fail(`figure '${figure.name}' uses {${word}} but has no 'each:' to take it from`);
      if (!known && each) {
        const guess = closestName(word, PLACEHOLDERS, 2);
        fail(`figure '${figure.name}' uses {${word}}${guess ? ` (did you mean {${guess}}?)` : ""}: only {stem} and {path} are replaced`);
      }
    }
  }
}

const toPosix = (p: string) => (sep === "/" ? p : p.split(sep).join("/"));

/** A path as `{path}` and the shard reports write it: relative to the manifest's folder when inside it, else absolute; `/`-separated. */
export function manifestPath(dir: string, file: string): string {
  const rel = relative(dir, file);
  return rel.startsWith("..") || isAbsolute(rel) ? toPosix(file) : toPosix(rel);
}

/** The leading segments of a pattern without glob syntax (the folder to walk) and the rest. */
function splitPattern(pattern: string): { base: string; rest: string } {
  const segments = toPosix(pattern).split("/");
  const first = segments.findIndex(hasGlobSyntax);
  return { base: segments.slice(0, first).join("/") || (pattern.startsWith("/") ? "/" : "."), rest: segments.slice(first).join("/") };
}

/** A panel's input as a list of entries (files or globs). */
function inputsOf(panel: RawPanel): string[] {
  return typeof panel.input === "string" ? [panel.input] : panel.input;
}

/** Whether `file` is in the manifest's folder (by path; links are checked apart). */
function insideByPath(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * The files a glob (variables already expanded) matches, as absolute paths,
 * confined to the manifest's folder unless outside is allowed; `what` names
 * the glob in messages (`each 'cands/*.h5'`, `input 'obs_*.fits'`).
 */
export function* globFiles(spec: string, what: string, name: string, ctx: ExpandContext): Generator<string> {
  const outside = (how: string) => ctx.fail(`figure '${name}': ${what} ${how}, outside the manifest's folder: move the files inside, or pass --allow-outside`);
  const { base, rest } = splitPattern(spec);
  const root = resolve(ctx.dir, base);
  if (!ctx.allowOutside && (!insideByPath(ctx.dir, root) || rest.split("/").includes(".."))) outside("reaches files");
  if (!ctx.allowOutside && root !== ctx.dir && !ctx.isInside(root)) outside(`walks ${base}, a link`);
  for (const match of glob(root, rest)) {
    const file = resolve(root, match.relative);
    if (match.throughLink && !ctx.allowOutside && !isInsideReal(ctx.dir, file)) outside(`matches ${manifestPath(ctx.dir, file)}, a link`);
    yield file;
  }
}

/** The files an `each` names, as absolute paths. */
function* eachFiles(each: string, name: string, ctx: ExpandContext): Generator<string> {
  const spec = ctx.expandVariables(each);
  const outside = (what: string) =>
    ctx.fail(`figure '${name}': each '${each}' ${what}, outside the manifest's folder: move the files inside, or pass --allow-outside`);
  if (hasGlobSyntax(spec)) {
    yield* globFiles(spec, `each '${each}'`, name, ctx);
    return;
  }
  const list = resolve(ctx.dir, spec);
  let text: string;
  try {
    text = readFileSync(list, "utf8");
  } catch (error) {
    ctx.fail(`figure '${name}': cannot read the list of files ${each}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (text.includes("\0")) ctx.fail(`figure '${name}': each '${each}' is not a text file listing paths (nor a glob: no * ? or [ in it)`);
  for (const line of text.split("\n")) {
    const entry = line.trim();
    if (entry === "" || entry.startsWith("#")) continue;
    const file = resolve(dirname(list), entry);
    if (!ctx.allowOutside && (!insideByPath(ctx.dir, file) || !ctx.isInside(file))) outside(`lists ${entry}`);
    yield file;
  }
}

function isInsideReal(dir: string, file: string): boolean {
  try {
    const rel = relative(realpathSync(dir), realpathSync(file));
    return !rel.startsWith("..") && !isAbsolute(rel);
  } catch {
    return false;
  }
}

/** Replaces `{stem}` and `{path}`. */
function substitute(text: string, values: { stem: string; path: string }): string {
  return text.replace(/\{(stem|path)\}/g, (_, key: "stem" | "path") => values[key]);
}

/**
 * The figures of a manifest with every `each` expanded, in order (an `each`
 * figure's files in sorted order), as a generator.
 */
export function* expandFigures(templates: RawFigureTemplate[], ctx: ExpandContext): Generator<ExpandedFigure> {
  for (const [index, template] of templates.entries()) {
    const figure = normalise(template, ctx.fail);
    checkPlaceholders(figure, template.each !== undefined, ctx.fail);
    if (template.each === undefined) {
      yield { figure, index, variablesExpanded: false };
      continue;
    }
    const { each: _, ...base } = figure;
    const outputs = figure.output.map((o) => ctx.expandVariables(o));
    const inputs = figure.panels.map((p) => inputsOf(p).map((entry) => ctx.expandVariables(entry)));
    let count = 0;
    for (const file of eachFiles(template.each, figure.name, ctx)) {
      count++;
      const values = { stem: basename(file, extname(file)), path: manifestPath(ctx.dir, file) };
      const name = substitute(figure.name, values);
      if (!FIGURE_NAME_PATTERN.test(name))
        ctx.fail(`figure '${figure.name}' for ${values.path} would be named '${name}': names may hold only letters, digits, '_', '.' and '-'`);
      yield {
        figure: {
          ...base,
          name,
          output: outputs.map((o) => substitute(o, values)),
          panels: figure.panels.map((p, i) => ({
            ...p,
            input: inputs[i].map((entry) => substitute(entry, values)),
            title: p.title === undefined ? undefined : substitute(p.title, values),
          })),
        },
        index,
        source: values.path,
        variablesExpanded: true,
      };
    }
    if (count === 0) ctx.fail(`figure '${figure.name}': each '${template.each}' names no file`);
  }
}
