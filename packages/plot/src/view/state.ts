/**
 * What the viewer shows for one file, as one checked value: how the file is
 * read, the panel's options, the figure's layout and a title. The same state
 * becomes a {@link FigureDescription} (what `plot build` renders) and a
 * manifest figure entry (what the export writes), so the two cannot drift.
 */
import { relative, resolve, sep } from "node:path";

import { READ_OPTIONS, WaterfallError, type ReadOptions } from "@wfall/spectra";
import { checkOptions, refuseUnknownOptions } from "@wfall/spectra/internal";
import { Document, isScalar, isSeq, visit, type Node } from "yaml";

import type { FigureDescription } from "../figure/description.js";
import { FIGURE_OPTIONS, PANEL_OPTIONS, type FigureOptions, type PanelOptions } from "../options.js";
import type { FigureFormat } from "../render.js";

/** The viewer's state of one file. */
export interface ViewState {
  /** How the file is read (the read options: time range, given axes). */
  read: ReadOptions;
  /** The panel's options: processing, window and colour scale, look. */
  options: PanelOptions;
  /** The figure's layout options. */
  figure: FigureOptions;
  title?: string;
}

const STATE_KEYS = ["read", "options", "figure", "title"];

/** Keys whose value is undefined or null are dropped (the page sends null for "default"). */
function defined<T extends object>(values: T): T {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== null)) as T;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks a state sent by the page (untrusted JSON): only declared options,
 * each with a valid value; unknown keys are errors naming the key.
 */
export function checkState(raw: unknown, file: string): ViewState {
  if (!isObject(raw)) throw new WaterfallError("E_ARGUMENT", "the view state must be an object", { file });
  for (const key of Object.keys(raw)) {
    if (!STATE_KEYS.includes(key)) throw new WaterfallError("E_ARGUMENT", `unknown key '${key}' in the view state`, { file });
  }
  const part = (key: string) => {
    const value = raw[key] ?? {};
    if (!isObject(value)) throw new WaterfallError("E_ARGUMENT", `the view state's '${key}' must be an object`, { file });
    return defined(value);
  };
  const read = part("read") as ReadOptions;
  const options = part("options") as PanelOptions;
  const figure = part("figure") as FigureOptions;
  refuseUnknownOptions(read, [READ_OPTIONS], file);
  refuseUnknownOptions(options, [PANEL_OPTIONS], file);
  refuseUnknownOptions(figure, [FIGURE_OPTIONS], file);
  checkOptions(READ_OPTIONS, read, file);
  checkOptions(PANEL_OPTIONS, options, file);
  checkOptions(FIGURE_OPTIONS, figure, file);
  const title = raw.title ?? undefined;
  if (title !== undefined && typeof title !== "string") throw new WaterfallError("E_ARGUMENT", "the title must be text", { file });
  return { read, options, figure, ...(title ? { title } : {}) };
}

/** The figure a state describes, written to `outputs`: exactly what a manifest entry made by {@link manifestEntry} loads as. */
export function describeState(file: string, state: ViewState, outputs: string[]): FigureDescription {
  return { ...state.figure, outputs, panels: [{ input: file, read: state.read, title: state.title, options: state.options }] };
}

/** A figure name a manifest accepts (`^[A-Za-z0-9_.-]+$`), from a file name. */
export function figureName(file: string): string {
  const stem = (file.split(/[\\/]/).pop() ?? file).replace(/\.(npz|npy|fil|h5|hdf5|fits|sf)$/i, "");
  return stem.replace(/[^A-Za-z0-9_.-]+/g, "_").replace(/^[._]+/, "") || "figure";
}

/** Writes lists of plain values on one line (`maskChannels: [25, 26, 27]`), everything else as blocks. */
export function compactLists(node: Node): void {
  visit(node, {
    Seq(_, seq) {
      if (isSeq(seq)) seq.flow = seq.items.length > 0 && seq.items.every((item) => isScalar(item));
    },
    Map(_, map) {
      map.flow = false;
    },
  });
}

/** A manifest figure entry (plain data) and its YAML. */
export interface ManifestEntry {
  entry: Record<string, unknown>;
  yaml: string;
}

/**
 * The manifest figure entry of a state: the panel's `input` relative to the
 * manifest's folder `dir`, `dm` written beside it (as people write it),
 * outputs named after the figure. `plot build` on it renders the figure the
 * viewer shows.
 */
export function manifestEntry(file: string, state: ViewState, options: { name: string; formats: readonly FigureFormat[]; dir: string }): ManifestEntry {
  const { dm, ...rest } = state.options;
  const rel = relative(options.dir, resolve(file)).split(sep).join("/");
  const panel = defined({
    input: rel,
    title: state.title,
    dm,
    read: Object.keys(state.read).length ? state.read : undefined,
    options: Object.keys(rest).length ? rest : undefined,
  });
  const outputs = options.formats.map((format) => `${options.name}.${format}`);
  const entry = { name: options.name, output: outputs.length === 1 ? outputs[0] : outputs, ...state.figure, panels: [panel] };
  const doc = new Document([entry]);
  compactLists(doc.contents!);
  return { entry, yaml: doc.toString() };
}
