/**
 * When a file is streamed, and the plan both gulp orientations follow: the options resolved once
 * for the whole file (subbands, downsampling, the dedispersion step, normalisation, masks).
 */
import { dedispersionStep } from "../dedispersion.js";
import { WaterfallError } from "../errors.js";
import type { ResolvedFile } from "../formats/index.js";
import type { Gulps } from "../formats/format.js";
import type { WaterfallAxes } from "../model.js";
import type { Dedispersion, Normalisation, Wrap } from "../native.js";
import { PROCESS_OPTIONS, type ProcessOptions } from "../options/process.js";
import { maskThresholds, subbandsFor } from "../process.js";
import type { MaskRules } from "../spectra.js";

/** How {@link processFile} reads and what it keeps. */
export interface StreamOptions {
  /** Keep the processed waterfall's weights (a figure does not need them: they are then implied). Default true. */
  weights?: boolean;
  /** "auto" streams when the options reduce the data and the format reads gulps; the others force a path (tests, benchmarks). */
  path?: "auto" | "stream" | "memory";
  /** Bytes of float32 samples per gulp. Default 32 MiB. */
  gulpBytes?: number;
  /** What dedispersion does with samples shifted past an end. Default "roll", as `processSpectra`. */
  wrap?: Wrap;
}

/** Everything a gulp reader needs, for the whole file. */
export interface StreamPlan {
  resolved: ResolvedFile;
  gulps: Gulps;
  nchan: number;
  axes: WaterfallAxes;
  /** Subbands of the output (`nchan` when not subbanding), and channels per subband. */
  nsub: number;
  per: number;
  /** Samples averaged together after dedispersion. */
  factor: number;
  /** The dedispersion step, absent when no DM is asked for. */
  step?: Dedispersion;
  /** The DM of the output. */
  dm: number;
  normalise?: Normalisation;
  masks: MaskRules;
  /** Channels masked by name (row 0 the lowest frequency). */
  maskChannels: readonly number[];
  /** Whether the statistics pass is needed (normalising, masks). */
  needsStatistics: boolean;
  zerosMissing: boolean;
  weights: boolean;
  gulpBytes: number;
}

const DEFAULT_GULP_BYTES = 32 << 20;

/**
 * The streaming plan for a resolved file and processing options, or null when it is read whole:
 * its format cannot read gulps, the options do not reduce the data, or a step needs whole channels
 * in memory (medians of samples wider than 8 bits, normalising data whose zeros mark missing samples,
 * in time gulps).
 */
export function streamPlan(resolved: ResolvedFile, options: ProcessOptions, how: StreamOptions = {}): StreamPlan | null {
  const { opened, file, axes, count } = resolved;
  const gulps = opened.gulps;
  const path = how.path ?? "auto";
  if (!gulps || path === "memory") return null;
  const nchan = opened.nchan;
  const nsub = subbandsFor(nchan, options.nsub) ?? nchan;
  const factor = options.downsample ?? PROCESS_OPTIONS.downsample.default;
  if (path === "auto" && nsub === nchan && factor === 1) return null;
  if (factor > count) return null; // the in-memory path says why
  if (gulps.kind === "time" && options.normalise && ((options.normalise === "robust" && gulps.layout.nbits > 8) || opened.zerosMissing)) return null;
  if (!(Number.isInteger(nsub) && nsub >= 1 && nchan % nsub === 0)) {
    throw new WaterfallError("E_NSUB_DIVISOR", `cannot split ${nchan} channels into ${nsub} subbands: ${nsub} is not a divisor of ${nchan}`, { file });
  }
  const maskChannels = options.maskChannels ?? [];
  const outside = maskChannels.find((c) => c >= nchan);
  if (outside !== undefined) throw new WaterfallError("E_RANGE", `cannot mask channel ${outside}: the waterfall has channels 0..${nchan - 1}`, { file });
  const masks = maskThresholds(options);
  const dedisperse = { kdm: options.kdm, reference: options.reference, wrap: how.wrap };
  return {
    resolved,
    gulps,
    nchan,
    axes,
    nsub,
    per: nchan / nsub,
    factor,
    step: options.dm === undefined ? undefined : dedispersionStep(axes.dm, options.dm, dedisperse, file),
    dm: options.dm ?? axes.dm,
    normalise: options.normalise,
    masks,
    maskChannels,
    needsStatistics: options.normalise !== undefined || masks.sum !== undefined || masks.variance !== undefined || masks.constant,
    zerosMissing: opened.zerosMissing,
    weights: how.weights ?? true,
    gulpBytes: how.gulpBytes ?? DEFAULT_GULP_BYTES,
  };
}
