/**
 * A viewing session: the files given on the command line (by index: the page
 * never names a path), each one's state as it starts, its staged pipeline
 * (the few most recently viewed keep theirs), its labels and diagnostics, and
 * the exports: a manifest entry, the figure's bytes through `buildFigure`
 * (what `plot build` runs), and appending to the manifest named with `--manifest`.
 */
import { dirname, relative, resolve } from "node:path";

import { describeFile, PROCESS_OPTIONS, READ_OPTIONS, reduceFilterbank, WaterfallError, WINDOW_OPTIONS, type FileDescription } from "@wfall/spectra";

import { buildFigure } from "../figure/build.js";
import { FIGURE_OPTIONS, LOOK_OPTIONS, PANEL_OPTIONS } from "../options.js";
import { FORMATS, MEDIA_TYPES, vegaSpecOf, type FigureFormat } from "../render.js";
import { diagnosticsOf, type FileDiagnostics } from "./diagnostics.js";
import { DEFAULT_LABELS, LabelStore, type LabelKey } from "./labels.js";
import { appendToManifest } from "./manifest-append.js";
import { FilePipeline, type ViewFigure } from "./pipeline.js";
import { checkState, describeState, figureName, manifestEntry, type ViewState } from "./state.js";
import { mapLimited } from "../map-limited.js";

/** How a session starts. */
export interface ViewSessionOptions {
  files: readonly string[];
  /** The state every file starts from (the command line's options). */
  initial?: ViewState;
  /** The manifest exports may be appended to. */
  manifest?: string;
  labels?: readonly LabelKey[];
  /**
   * A file larger than this (as float32 samples) is read in part: the first
   * samples that fit, until the page asks for another range. Default 256 MiB.
   */
  readBytes?: number;
  /** How many files keep their computed stages in memory. Default 3. */
  keepPipelines?: number;
}

/** One file of the session. */
interface ViewFile {
  path: string;
  shown: string;
  description?: FileDescription;
  error?: string;
  diagnostics: FileDiagnostics;
  initial: ViewState;
  notes: string[];
  /** Whether the file is too large to hold whole (it opens on a part, and has an overview). */
  partial: boolean;
}

/** Points of a whole-file overview: about a screen's width. */
export const OVERVIEW_POINTS = 1200;

const DEFAULT_READ_BYTES = 256 << 20;
/** Files whose headers are read at once when a session opens. */
const OPEN_CONCURRENCY = 8;
const NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;

/** A path as the page shows it: relative to the working folder when inside it. */
function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel === "" || rel.startsWith("..") ? file : rel;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The divisors of `n`, ascending (the subband counts a file allows). */
function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
  return out;
}

/** Whether a file is too large (as float32) to be read whole. */
function isPartial(description: FileDescription, readBytes: number): boolean {
  return description.channels * description.samples * 4 > readBytes;
}

/** The state a file starts from: the given one, and for a file too large to hold, its first part. */
function initialState(description: FileDescription, given: ViewState, readBytes: number, notes: string[]): ViewState {
  const { channels, samples, axes } = description;
  if (!isPartial(description, readBytes) || given.read.start !== undefined || given.read.duration !== undefined || axes.dt === undefined) return given;
  const count = Math.max(1, Math.floor(readBytes / (channels * 4)));
  const duration = count * axes.dt;
  notes.push(
    `the file holds ${(samples * axes.dt).toFixed(3)} s (${((channels * samples * 4) / 2 ** 30).toFixed(2)} GiB as float32); opened on the first ${duration.toFixed(3)} s: choose another part on the overview or under Read`,
  );
  return { ...given, read: { ...given.read, duration } };
}

/** A figure as the page receives it. */
export interface FigureResponse {
  /** The Vega spec, compiled and pinned to the figure's size as `renderFigure` does. */
  vega: object;
  /** What the page's controls need: the DM drawn, the window, the extents of the image, the colour limits. */
  figure: {
    dm: number;
    peak: number;
    nchan: number;
    ncols: number;
    sampleStart: number;
    dt: number;
    timeMs: [number, number];
    freqMhz: [number, number];
    vmin: number;
    vmax: number;
  };
  read: ViewFigure["read"];
  masked: ViewFigure["masked"];
  maskOrigins: ViewFigure["maskOrigins"];
  ran: ViewFigure["ran"];
  serverMs: number;
}

/** A whole file's band-averaged time series at a DM (`values[k]` covers `start + k*dt` to `start + (k+1)*dt` s). */
export interface Overview {
  dm: number;
  dt: number;
  start: number;
  values: (number | null)[];
}

/** A viewing session over a list of files. */
export class ViewSession {
  readonly files: ViewFile[];
  readonly manifest: string | undefined;
  readonly labelKeys: readonly LabelKey[];
  #labels: LabelStore;
  #pipelines = new Map<number, FilePipeline>();
  #keep: number;

  private constructor(files: ViewFile[], labels: LabelStore, options: ViewSessionOptions) {
    this.files = files;
    this.#labels = labels;
    this.manifest = options.manifest && resolve(options.manifest);
    this.labelKeys = options.labels ?? DEFAULT_LABELS;
    this.#keep = options.keepPipelines ?? 3;
  }

  /**
   * Opens a session: reads each file's header (not its samples). A file that
   * cannot be opened is listed with its error; when every file fails, the
   * first error is thrown.
   */
  static async open(options: ViewSessionOptions): Promise<ViewSession> {
    if (options.files.length === 0) throw new WaterfallError("E_ARGUMENT", "no input files given");
    const given = options.initial ?? { read: {}, options: {}, figure: {} };
    const readBytes = options.readBytes ?? DEFAULT_READ_BYTES;
    const open = async (file: string): Promise<ViewFile> => {
      const path = resolve(file);
      const notes: string[] = [];
      try {
        const description = await describeFile(path, given.read);
        const diagnostics = await diagnosticsOf(path, description);
        const initial = initialState(description, given, readBytes, notes);
        return { path, shown: displayPath(path), description, diagnostics, notes, initial, partial: isPartial(description, readBytes) };
      } catch (error) {
        if (!(error instanceof WaterfallError) || options.files.length === 1) throw error;
        return { path, shown: displayPath(path), error: error.message, diagnostics: {}, notes, initial: given, partial: false };
      }
    };
    // Headers only, a few files at a time: a triage of thousands of candidates starts in seconds.
    const files = await mapLimited(options.files, OPEN_CONCURRENCY, open);
    if (files.every((f) => f.error)) throw new WaterfallError("E_ARGUMENT", `no file could be opened: ${files[0].error}`);
    return new ViewSession(files, await LabelStore.open(files.map((f) => f.path)), options);
  }

  /** What the page needs to build itself: the files, the option tables (its controls), the labels. */
  describe() {
    const grouped: readonly string[] = [...Object.keys(PROCESS_OPTIONS), ...Object.keys(WINDOW_OPTIONS), ...Object.keys(LOOK_OPTIONS)];
    // Options another table adds to a panel show up too, in a group of their own.
    const other = Object.fromEntries(Object.entries(PANEL_OPTIONS).filter(([k]) => !grouped.includes(k)));
    return {
      files: this.files.map((f, index) => ({
        index,
        name: f.shown,
        format: f.description?.format,
        layout: f.description?.layout,
        channels: f.description?.channels,
        samples: f.description?.samples,
        axes: f.description?.axes,
        error: f.error,
        notes: f.notes,
        diagnostics: f.diagnostics,
        label: this.#labels.get(f.path) ?? null,
        labelFile: this.#labels.pathOf(f.path),
        state: f.initial,
        overview: f.partial && f.description?.format === "filterbank",
        choices: f.description ? { nsub: divisors(f.description.channels) } : {},
        figureName: figureName(f.path),
      })),
      tables: { read: READ_OPTIONS, process: PROCESS_OPTIONS, window: WINDOW_OPTIONS, look: LOOK_OPTIONS, panel: other, figure: FIGURE_OPTIONS },
      labels: this.labelKeys,
      manifest: this.manifest ? displayPath(this.manifest) : null,
      formats: FORMATS,
    };
  }

  /** The file a request names by its index. */
  #index(body: unknown): { index: number; body: Record<string, unknown> } {
    if (!isObject(body)) throw new WaterfallError("E_ARGUMENT", "the request must be a JSON object");
    const index = body.file;
    if (!(typeof index === "number" && Number.isInteger(index) && index >= 0 && index < this.files.length)) {
      throw new WaterfallError("E_ARGUMENT", `file must be an index from 0 to ${this.files.length - 1}`);
    }
    return { index, body };
  }

  #file(request: unknown): { index: number; file: ViewFile; state: ViewState; body: Record<string, unknown> } {
    const { index, body } = this.#index(request);
    const file = this.files[index];
    if (file.error) throw new WaterfallError("E_ARGUMENT", file.error);
    return { index, file, state: body.state === undefined ? file.initial : checkState(body.state, file.path), body };
  }

  #pipeline(index: number): FilePipeline {
    let pipeline = this.#pipelines.get(index);
    if (pipeline) this.#pipelines.delete(index);
    else pipeline = new FilePipeline(this.files[index].path);
    this.#pipelines.set(index, pipeline); // most recent last
    while (this.#pipelines.size > this.#keep) this.#pipelines.delete(this.#pipelines.keys().next().value!);
    return pipeline;
  }

  /** The figure of a file in a state, as the page draws it: the Vega spec (compiled as `renderFigure` does) and what the controls need. */
  async figure(body: unknown): Promise<FigureResponse> {
    const started = performance.now();
    const { index, state } = this.#file(body);
    const view = await this.#pipeline(index).figure(state);
    const fd = view.figure;
    return {
      vega: vegaSpecOf(view.spec),
      figure: {
        dm: fd.dm,
        peak: fd.peak,
        nchan: fd.nchan,
        ncols: fd.ncols,
        sampleStart: fd.sampleStart,
        dt: fd.dt,
        timeMs: [fd.timeEdgesMs[0], fd.timeEdgesMs[fd.ncols]],
        freqMhz: fd.freqExtent,
        vmin: fd.vmin,
        vmax: fd.vmax,
      },
      read: view.read,
      masked: view.masked,
      maskOrigins: view.maskOrigins,
      ran: view.ran,
      serverMs: Math.round((performance.now() - started) * 10) / 10,
    };
  }

  #exportArgs(body: unknown) {
    const { file, state, body: raw } = this.#file(body);
    const name = raw.name ?? figureName(file.path);
    if (typeof name !== "string" || !NAME_PATTERN.test(name))
      throw new WaterfallError("E_ARGUMENT", `a figure name is letters, digits, _ . or -, got '${String(name)}'`);
    const formats = raw.formats ?? ["pdf"];
    if (
      !Array.isArray(formats) ||
      formats.length === 0 ||
      !formats.every((f) => (FORMATS as readonly unknown[]).includes(f)) ||
      new Set(formats).size !== formats.length
    ) {
      throw new WaterfallError("E_ARGUMENT", `formats must be some of ${FORMATS.join(", ")}`);
    }
    return { file, state, name, formats: formats as FigureFormat[] };
  }

  /** The state as a manifest figure entry (paths relative to the `--manifest` folder, or to the working folder). */
  exportEntry(body: unknown) {
    const { file, state, name, formats } = this.#exportArgs(body);
    const dir = this.manifest ? dirname(this.manifest) : process.cwd();
    return { name, ...manifestEntry(file.path, state, { name, formats, dir }) };
  }

  /** The figure's bytes in one format, rendered by `buildFigure` from the description the manifest entry loads as. */
  async download(body: unknown): Promise<{ name: string; bytes: Uint8Array; type: string }> {
    const { file, state, name, formats } = this.#exportArgs(body);
    const format = formats[0];
    const built = await buildFigure(describeState(file.path, state, [`${name}.${format}`]));
    return { name: `${name}.${format}`, bytes: built.outputs[0].bytes, type: MEDIA_TYPES[format] };
  }

  /** Appends the state's entry to the `--manifest` file. */
  async appendToManifest(body: unknown) {
    if (!this.manifest) throw new WaterfallError("E_ARGUMENT", "no manifest was named: start the viewer with --manifest FILE to append to one");
    const { file, state, name, formats } = this.#exportArgs(body);
    const dir = dirname(this.manifest);
    const written = await appendToManifest(this.manifest, name, (chosen) => manifestEntry(file.path, state, { name: chosen, formats, dir }).entry);
    return { name: written, manifest: displayPath(this.manifest) };
  }

  #overviews = new Map<string, Promise<Overview>>();

  /**
   * The band-averaged time series of a whole filterbank at the state's DM, at
   * about {@link OVERVIEW_POINTS} points: streamed from disk (one gulp in
   * memory at a time), to choose which part of a file too large to hold to read.
   */
  overview(request: unknown): Promise<Overview> {
    const { index, file, state } = this.#file(request);
    if (file.description?.format !== "filterbank") throw new WaterfallError("E_ARGUMENT", "an overview is made of filterbanks only", { file: file.path });
    const samples = file.description.samples;
    const tfactor = Math.max(1, Math.ceil(samples / OVERVIEW_POINTS));
    const dm = state.options.dm ?? file.description.axes.dm ?? 0;
    const options = { dm, tfactor, nsub: 1, kdm: state.options.kdm, reference: state.options.reference };
    const key = `${index}|${JSON.stringify(options)}`;
    let made = this.#overviews.get(key);
    if (!made) {
      made = reduceFilterbank(file.path, options).then((s) => ({
        dm,
        dt: s.dt,
        start: s.start,
        values: Array.from(s.data, (v) => (Number.isFinite(v) ? v : null)),
      }));
      made.catch(() => this.#overviews.delete(key));
      this.#overviews.set(key, made);
    }
    return made;
  }

  /** Sets or clears (`label: null`) a file's label, written to its folder's labels.csv before this resolves. */
  async label(request: unknown) {
    const { index, body } = this.#index(request);
    const label = body.label ?? undefined;
    if (label !== undefined && !this.labelKeys.some((k) => k.label === label)) {
      throw new WaterfallError("E_ARGUMENT", `unknown label '${String(label)}': one of ${this.labelKeys.map((k) => k.label).join(", ")}`);
    }
    const { path } = this.files[index];
    await this.#labels.set(path, label as string | undefined);
    return { file: index, label: label ?? null, labelFile: this.#labels.pathOf(path) };
  }
}
