/**
 * Channel masks with provenance: which channels are masked, on which channel
 * grid, and where each mask came from (its origin), with the steps that made
 * them. A {@link Spectra} keeps one record from the moment it is read; the
 * record stays on the full-resolution grid when the data are subbanded, so
 * the figure's rug, the summaries, `plot prepare`'s npz keys and the JSON mask
 * files all say exactly which channels (and MHz) were removed, and why.
 */
import { WaterfallError } from "../errors.js";

/**
 * Where a masked channel's mask came from. The first origin to mask a channel
 * is the one it keeps.
 */
export const MASK_ORIGINS = [
  "file",
  "manual",
  "freq",
  "maskfile",
  "rfifind",
  "constant",
  "normalise",
  "sum",
  "variance",
  "iqrm",
  "sk",
  "mad",
  "tukey",
  "cfod",
] as const;

/** One of {@link MASK_ORIGINS}. */
export type MaskOrigin = (typeof MASK_ORIGINS)[number];

/** What each origin means (for `--help`, docs and messages). */
export const MASK_ORIGIN_MEANINGS: Record<MaskOrigin, string> = {
  file: "the file marks the channel bad: zero weights, or every sample missing or exactly zero",
  manual: "channel numbers given (--mask-channels, --mask-file-channels)",
  freq: "a frequency range given in MHz (--mask-freq)",
  maskfile: "a JSON mask file entry without an origin (--masks-in)",
  rfifind: "a PRESTO rfifind .mask file (--masks-in)",
  constant: "constant in time (stuck values, other tools' fill values)",
  normalise: "could not be normalised (no spread)",
  sum: "|sum over time| above --mask-sum",
  variance: "variance over time above --mask-var",
  iqrm: "IQRM (Morello et al. 2022)",
  sk: "spectral kurtosis (your's estimator and rule)",
  mad: "MAD fence on the channel mean or variance",
  tukey: "Tukey fence on the channel mean or variance",
  cfod: "cfod's CHIME/FRB catalogue rule",
};

/** Whether `value` is a {@link MaskOrigin}. */
export const isMaskOrigin = (value: unknown): value is MaskOrigin => (MASK_ORIGINS as readonly unknown[]).includes(value);

/** The channel grid of a mask: channel `i` spans `fbottom + i·df .. fbottom + (i + 1)·df` MHz. */
export interface MaskGrid {
  nchan: number;
  /** Lower edge of the band, MHz. */
  fbottom: number;
  /** Channel width, MHz. */
  df: number;
}

/** One step that masked channels, or cleaned the data (zero-DM). */
export interface MaskStep {
  method: MaskOrigin | "zerodm";
  /** How it ran, e.g. `IQRM on the channel std, radius 25 channels, 3 sigma`. */
  description: string;
  /** The option that asked for it, as the command line spells it (absent for API calls). */
  option?: string;
  /** Channels of the mask's grid it masked that no earlier step had. */
  channels: number;
  /** Its parameters, for the JSON mask file and the npz. */
  parameters?: Record<string, string | number | boolean>;
}

/** The channel masks of a waterfall and where they came from. */
export interface ChannelMask {
  grid: MaskGrid;
  /** Origin of each channel of the grid; null for a channel that is kept. */
  origins: (MaskOrigin | null)[];
  steps: MaskStep[];
  /** Remarks for the user (a range that masks nothing, what a mask file could not say). */
  notes: string[];
}

/** A record with nothing masked. */
export function emptyMask(grid: MaskGrid): ChannelMask {
  return { grid: { ...grid }, origins: new Array<MaskOrigin | null>(grid.nchan).fill(null), steps: [], notes: [] };
}

/** A deep copy. */
export function copyMask(mask: ChannelMask): ChannelMask {
  return { grid: { ...mask.grid }, origins: [...mask.origins], steps: mask.steps.map((s) => ({ ...s })), notes: [...mask.notes] };
}

/**
 * The channels of `mask`'s grid that channel `channel` of `grid` covers: those
 * whose centres lie in its frequency span (the same channel when the grids are
 * equal; `k` channels when `grid` is `mask`'s subbanded by `k`).
 */
export function gridChannels(mask: MaskGrid, grid: MaskGrid, channel: number): [start: number, end: number] {
  const low = grid.fbottom + channel * grid.df;
  const high = low + grid.df;
  const eps = 1e-9 * mask.df;
  const first = Math.ceil((low - mask.fbottom) / mask.df - 0.5 - eps);
  const end = Math.ceil((high - mask.fbottom) / mask.df - 0.5 - eps);
  return [Math.max(0, first), Math.min(mask.nchan, end)];
}

/**
 * Gives `origin` to the channels of `mask`'s grid under `channels` (numbered on
 * `grid`) that have none yet; returns how many it took.
 */
export function recordOrigin(mask: ChannelMask, grid: MaskGrid, channels: Iterable<number>, origin: MaskOrigin): number {
  let taken = 0;
  for (const c of channels) {
    const [start, end] = gridChannels(mask.grid, grid, c);
    for (let r = start; r < end; r++) {
      if (mask.origins[r] === null) {
        mask.origins[r] = origin;
        taken++;
      }
    }
  }
  return taken;
}

/** Channels of `grid` all of whose channels on `mask`'s grid are masked (the channels a coarser grid has lost). */
export function maskedOn(mask: ChannelMask, grid: MaskGrid): number[] {
  const out: number[] = [];
  for (let c = 0; c < grid.nchan; c++) {
    const [start, end] = gridChannels(mask.grid, grid, c);
    let all = end > start;
    for (let r = start; r < end && all; r++) all = mask.origins[r] !== null;
    if (all) out.push(c);
  }
  return out;
}

/** Masked channels by origin, in {@link MASK_ORIGINS} order. */
export interface MaskSummary {
  nchan: number;
  masked: number;
  byOrigin: { origin: MaskOrigin; channels: number }[];
}

export function summariseMask(mask: ChannelMask): MaskSummary {
  const counts = new Map<MaskOrigin, number>();
  for (const o of mask.origins) if (o) counts.set(o, (counts.get(o) ?? 0) + 1);
  const byOrigin = MASK_ORIGINS.filter((o) => counts.has(o)).map((origin) => ({ origin, channels: counts.get(origin)! }));
  return { nchan: mask.grid.nchan, masked: byOrigin.reduce((n, o) => n + o.channels, 0), byOrigin };
}

const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)} %`;

/**
 * One line: `masked 37 of 256 channels (14.5 %): file 6 (2.3 %), iqrm 20 (7.8 %), sk 11 (4.3 %); zero-DM (sigpyproc) subtracted`.
 */
export function formatMaskSummary(mask: ChannelMask): string {
  const s = summariseMask(mask);
  const parts = s.byOrigin.map((o) => `${o.origin} ${o.channels} (${percent(o.channels, s.nchan)})`);
  const zeroDm = mask.steps.filter((step) => step.method === "zerodm").map((step) => `; ${step.description}`);
  return `masked ${s.masked} of ${s.nchan} channels (${percent(s.masked, s.nchan)})${parts.length ? `: ${parts.join(", ")}` : ""}${zeroDm.join("")}`;
}

/**
 * What a command prints about a mask record, one line each: with `summary`,
 * the summary when a channel was masked or zero-DM ran; then the record's
 * notes. `where` (a file name) starts each line.
 */
export function maskReportLines(mask: ChannelMask, where?: string, summary = true): string[] {
  const acted = summary && (mask.origins.some((o) => o !== null) || mask.steps.some((s) => s.method === "zerodm"));
  const prefix = where ? `${where}: ` : "";
  return [...(acted ? [`${prefix}${formatMaskSummary(mask)}`] : []), ...mask.notes.map((n) => `${prefix}${n}`)];
}

/** A run of adjacent channels of one origin, in MHz (band edges of the channels). */
export interface MaskInterval {
  lowMhz: number;
  highMhz: number;
  origin: MaskOrigin;
  /** Channels `[start, end)` of the mask's grid. */
  channels: [number, number];
}

/** The masked channels as runs of one origin, lowest frequency first. */
export function maskIntervals(mask: ChannelMask): MaskInterval[] {
  const { fbottom, df } = mask.grid;
  const out: MaskInterval[] = [];
  for (let c = 0; c < mask.origins.length; ) {
    const origin = mask.origins[c];
    let end = c + 1;
    while (end < mask.origins.length && mask.origins[end] === origin) end++;
    if (origin) out.push({ lowMhz: fbottom + c * df, highMhz: fbottom + end * df, origin, channels: [c, end] });
    c = end;
  }
  return out;
}

/**
 * Channels of `grid` that overlap `[low, high]` MHz (any part of the channel;
 * a channel that only touches an end is not included).
 */
export function channelsInRange(grid: MaskGrid, [low, high]: readonly [number, number]): number[] {
  const out: number[] = [];
  for (let c = 0; c < grid.nchan; c++) {
    const lo = grid.fbottom + c * grid.df;
    if (lo < high && lo + grid.df > low) out.push(c);
  }
  return out;
}

/** Throws `E_ARGUMENT` when a channel number is outside `0..nchan-1`. */
export function checkChannels(channels: readonly number[], nchan: number, what: string, file?: string): void {
  const bad = channels.find((c) => !(Number.isInteger(c) && c >= 0 && c < nchan));
  if (bad !== undefined) throw new WaterfallError("E_ARGUMENT", `${what}: channel ${bad} does not exist (the data have channels 0..${nchan - 1})`, { file });
}
