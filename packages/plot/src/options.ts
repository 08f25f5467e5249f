/**
 * Options of waterfall figures, their defaults (the tutorial's), validation,
 * and the processing a figure applies to a Spectra (dedisperse, mask, subband).
 */
import { K_DM_CHIME, Spectra, WaterfallError, type Normalisation, type Reference } from "@wfall/spectra";

import { COLOUR_MAPS } from "./heatmap.js";

/** How the waterfall is processed before it is drawn. */
export interface ProcessOptions {
  /** Target DM (pc cm^-3); default: the DM stored in the file (no dedispersion). */
  dm?: number;
  /** Dispersion constant; default CHIME's 1/2.41e-4. */
  kdm?: number;
  /** Dedispersion reference frequency; default the top channel. */
  reference?: Reference;
  /**
   * Number of subbands: a divisor of the channel count, or "auto" (the
   * default): 128 as the tutorial when the channels are a larger multiple of
   * 128, otherwise no subbanding.
   */
  nsub?: number | "auto";
  /** Mask channels whose |nansum over time| exceeds this (the tutorial uses 2); off when undefined. */
  maskSum?: number;
  /** Mask channels whose nanvar over time exceeds this (the tutorial uses 0.05); off when undefined. */
  maskVariance?: number;
  /** Channels to mask (indices before subbanding, 0 = lowest frequency). */
  maskChannels?: number[];
  /**
   * Mask channels that are constant in time (fill values of other tools'
   * masks, which would otherwise set the colour scale). Default true; exact
   * zeros are always treated as missing, as in the tutorial.
   */
  maskConstant?: boolean;
  /** Normalise each channel before subbanding (for raw, bandpass-dominated data); default none. */
  normalise?: Normalisation;
  /** Average this many adjacent samples after dedispersion (for finely sampled data); default 1. */
  downsample?: number;
}

/** How the figure looks. */
export interface FigureOptions {
  /** Half-width of the plotted window, ms. Default 25 (the tutorial's 0.025 s). */
  windowMs?: number;
  /** Colour map. Default "viridis". */
  cmap?: string;
  /** Fixed colour limits; default the tutorial's percentile rule. */
  vmin?: number;
  vmax?: number;
  /** Percentile of the on-pulse block for vmin (default 2.5) and of the off-pulse samples for vmax (default 97.5). */
  vminPercentile?: number;
  vmaxPercentile?: number;
  /** Panel title (e.g. the TNS name). */
  title?: string;
  /** Figure size, inches. Default 4.26 x 3 (the tutorial's). */
  widthIn?: number;
  heightIn?: number;
  /** Font size of labels and titles, points. Default 9. */
  fontSize?: number;
  /** Minimum pixels per inch of the embedded heatmap. Default 300. */
  imageDpi?: number;
}

export type WaterfallOptions = ProcessOptions & FigureOptions;

export const DEFAULTS = {
  windowMs: 25,
  cmap: "viridis",
  vminPercentile: 2.5,
  vmaxPercentile: 97.5,
  widthIn: 4.26,
  heightIn: 3,
  fontSize: 9,
  imageDpi: 300,
  nsub: 128,
  maskSum: 2,
  maskVariance: 0.05,
} as const;

function bad(message: string, file?: string): WaterfallError {
  return new WaterfallError("E_ARGUMENT", message, { file });
}

function positive(name: string, value: number | undefined, file?: string): void {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) throw bad(`${name} must be a positive number, got ${value}`, file);
}

/** Checks the figure options, throwing `E_ARGUMENT` with the offending option named. */
export function checkFigureOptions(options: FigureOptions, file?: string): void {
  positive("window", options.windowMs, file);
  positive("width", options.widthIn, file);
  positive("height", options.heightIn, file);
  positive("font size", options.fontSize, file);
  positive("image dpi", options.imageDpi, file);
  if (options.cmap !== undefined && !(COLOUR_MAPS as readonly string[]).includes(options.cmap)) {
    throw bad(`unknown colour map '${options.cmap}'; choose one of ${COLOUR_MAPS.join(", ")}`, file);
  }
  for (const name of ["vmin", "vmax"] as const) {
    const v = options[name];
    if (v !== undefined && !Number.isFinite(v)) throw bad(`${name} must be a finite number, got ${v}`, file);
  }
  if (options.vmin !== undefined && options.vmax !== undefined && options.vmin > options.vmax) {
    throw bad(`vmin (${options.vmin}) is larger than vmax (${options.vmax})`, file);
  }
  for (const name of ["vminPercentile", "vmaxPercentile"] as const) {
    const q = options[name];
    if (q !== undefined && !(q >= 0 && q <= 100)) throw bad(`${name} must be between 0 and 100, got ${q}`, file);
  }
}

/** The number of subbands "auto" resolves to for `nchan` channels (null: keep them all). */
export function autoSubbands(nchan: number): number | null {
  return nchan > DEFAULTS.nsub && nchan % DEFAULTS.nsub === 0 ? DEFAULTS.nsub : null;
}

/**
 * Applies the processing options to a Spectra in place. The tutorial's order
 * is dedisperse, mask by sum, mask by variance, subband; with the default
 * circular dedispersion every per-channel step (normalising, the masks)
 * gives the same result before dedispersing, so they run first, on one pass
 * of channel statistics, and dedispersion and subbanding then share one pass
 * over the data.
 */
export function processSpectra(spec: Spectra, options: ProcessOptions): Spectra {
  const dedisperse = { kdm: options.kdm ?? K_DM_CHIME, reference: options.reference };
  if (options.normalise) spec.normalise(options.normalise);
  spec.maskBy({ sum: options.maskSum, variance: options.maskVariance, constant: options.maskConstant ?? true });
  if (options.maskChannels?.length) spec.maskChannels(options.maskChannels);
  const nsub = options.nsub === undefined || options.nsub === "auto" ? autoSubbands(spec.nchan) : options.nsub;
  const subband = nsub !== null && nsub !== spec.nchan;
  if (options.dm !== undefined && subband) spec.dedisperseSubband(options.dm, nsub, dedisperse);
  else if (options.dm !== undefined) spec.dedisperse(options.dm, dedisperse);
  else if (subband) spec.subband(nsub);
  if (options.downsample !== undefined && options.downsample !== 1) spec.downsample(options.downsample);
  return spec;
}
