/**
 * The viewer's computation for one file, in stages that each keep their
 * result and the inputs it was made from: the file as read, the per-channel
 * steps (normalise, masks), the steps along time (dedisperse, subband,
 * downsample), the figure data (window, peak, colour limits), the figure's
 * spec. A change recomputes only its own stage and those after it: moving
 * the DM re-runs one fused dedisperse-subband pass over the data in memory
 * and what follows, never the read nor the channel statistics.
 *
 * The stages call the same functions, in the same order, as `plot` and
 * `plot build` (`processSpectra` is `processChannels` then `processTime`;
 * `figureDataFor` is processing then `figureDataOfProcessed`), so the figure
 * is the one {@link buildFigure} makes from the same description.
 */
import { openWaterfall, PROCESS_OPTIONS, Spectra, type DmTimePlane, type FigureData, type SampleWindow } from "@wfall/spectra";
import {
  pickOptions,
  processChannels,
  processTime,
  processTimeWritesInPlace,
  resolveNormalise,
  sweepTargetOf,
  TIME_STEP_OPTIONS,
} from "@wfall/spectra/internal";

import { panelLook } from "../figure/build.js";
import { panelContents } from "../figure/contents.js";
import { figureDataOfProcessed } from "../figure/data.js";
import { figureSpec, type VegaLiteSpec } from "../spec/figure.js";
import type { ViewState } from "./state.js";

/** JSON with object keys sorted at every level: equal values give equal keys. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** A cached result and the key it was made for. */
class Stage<T> {
  #key: string | undefined;
  #value: T | undefined;

  /** The value for `key`: the kept one, or `make()`'s (then kept); `ran` records the time taken when it runs. */
  async get(key: string, name: string, ran: Record<string, number>, make: () => T | Promise<T>): Promise<T> {
    if (this.#key === key) return this.#value as T;
    this.#key = undefined;
    this.#value = undefined; // free the old result before making the new one
    const t0 = performance.now();
    const value = await make();
    ran[name] = Math.round((performance.now() - t0) * 10) / 10;
    this.#key = key;
    this.#value = value;
    return value;
  }
}

/** The file as read. */
export interface ReadFile {
  spectra: Spectra;
  dmTime?: DmTimePlane;
  /** A CHIME/FRB catalogue file's model time series, drawn while the DM stays the file's. */
  modelTimeseries?: Float32Array;
  notes: string[];
  layout: string;
  dtype: string;
  /** The samples asked for, when the read also holds the dispersion sweep around them. */
  window?: SampleWindow;
}

/** A figure of the viewer and what it took. */
export interface ViewFigure {
  spec: VegaLiteSpec;
  figure: FigureData;
  /** The file as read (its axes, before processing: the mask list counts these channels). */
  read: { nchan: number; ntime: number; fbottom: number; df: number; dt: number; start: number; dm: number; layout: string; notes: string[] };
  /** The file's channels masked by the per-channel steps (the options' masks and rules, and channels without data). */
  masked: number[];
  /** The origin of each masked channel (`masked[i]`'s is `maskOrigins[i]`: file, iqrm, sk, ...). */
  maskOrigins: string[];
  /** The stages recomputed for this figure, with their times in ms (the others were kept). */
  ran: Record<string, number>;
}

/** The viewer's staged computation of one file's figure. */
export class FilePipeline {
  readonly file: string;
  #read = new Stage<ReadFile>();
  #channels = new Stage<{ spectra: Spectra; masked: number[]; maskOrigins: string[]; notes: string[] }>();
  #time = new Stage<Spectra>();
  #figure = new Stage<FigureData>();
  #spec = new Stage<VegaLiteSpec>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(file: string) {
    this.file = file;
  }

  /** The figure of `state`, recomputing only the stages whose inputs changed (one call at a time). */
  figure(state: ViewState): Promise<ViewFigure> {
    const next = this.#queue.then(() => this.#compute(state));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #compute(state: ViewState): Promise<ViewFigure> {
    const ran: Record<string, number> = {};
    const { options } = state;
    // Every processing option not along time is a per-channel step's (options added later land here: correct, if not incremental).
    const processing = pickOptions(PROCESS_OPTIONS, options) as Record<string, unknown>;
    const timeKeys: readonly string[] = TIME_STEP_OPTIONS;
    const channelOptions = Object.fromEntries(Object.entries(processing).filter(([k]) => !timeKeys.includes(k)));
    const timeOptions = Object.fromEntries(Object.entries(processing).filter(([k]) => timeKeys.includes(k)));

    // A time range is read with the sweep around it, so it is read again when the DM changes; a whole file is not.
    const ranged = state.read.start !== undefined || state.read.duration !== undefined;
    const readOptions = { ...state.read, includeSweep: ranged ? sweepTargetOf(options) : undefined };
    const readKey = canonical(readOptions);
    const read = await this.#read.get(readKey, "read", ran, async () => {
      const waterfall = await openWaterfall(this.file, readOptions);
      const { dmTime, modelTimeseries, notes, layout, dtype, window } = waterfall;
      return { spectra: Spectra.fromWaterfall(waterfall), dmTime, modelTimeseries, notes, layout, dtype, window };
    });
    const channelsKey = `${readKey}|${canonical(channelOptions)}`;
    const {
      spectra: channels,
      masked,
      maskOrigins,
      notes,
    } = await this.#channels.get(channelsKey, "channels", ran, () => {
      const { options: resolved, note, moments } = resolveNormalise(read.spectra, options, read.dtype);
      const spectra = processChannels(read.spectra.clone(), resolved, { asGiven: moments });
      const masked = spectra.maskedChannels();
      // the record is on the file's grid here (no subbanding yet): one origin per masked channel
      const { origins } = spectra.channelMask;
      const maskNotes = spectra.channelMask.notes;
      return { spectra, masked, maskOrigins: masked.map((c) => origins[c] ?? "file"), notes: [...(note ? [note] : []), ...maskNotes] };
    });
    const timeKey = `${channelsKey}|${canonical(timeOptions)}`;
    const reduced = await this.#time.get(timeKey, "time", ran, () =>
      processTime(processTimeWritesInPlace(channels.nchan, options) ? channels.clone() : channels.sharingArrays(), options, read.window),
    );
    const figureKey = `${timeKey}|${canonical(options)}`;
    const modelTimeseries = reduced.dm === read.spectra.dm ? read.modelTimeseries : undefined;
    const rows = { dmTime: read.dmTime, modelTimeseries, window: read.window };
    const parts = panelContents(options, read.dmTime !== undefined, this.file);
    const figure = await this.#figure.get(figureKey, "figure", ran, () => figureDataOfProcessed(reduced, options, rows, parts));
    const spec = await this.#spec.get(`${figureKey}|${canonical(state.figure)}|${canonical(state.title ?? null)}`, "spec", ran, () =>
      figureSpec([{ figure, title: state.title, parts, ...panelLook(options, figure.source) }], state.figure),
    );
    const s = read.spectra;
    // the samples asked for, without the sweep read around them
    const [offset, ntime] = read.window ? [read.window.offset, read.window.count] : [0, s.ntime];
    return {
      spec,
      figure,
      read: {
        nchan: s.nchan,
        ntime,
        fbottom: s.fbottom,
        df: s.df,
        dt: s.dt,
        start: s.start + offset * s.dt,
        dm: s.dm,
        layout: read.layout,
        notes: [...read.notes, ...notes],
      },
      masked,
      maskOrigins,
      ran,
    };
  }
}
