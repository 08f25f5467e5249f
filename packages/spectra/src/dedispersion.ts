/**
 * One dedispersion step as the core takes it, from the DM the data are at, the
 * target DM and the user's options. The defaults (K_DM, the top channel as
 * reference, circular shifts) are the core's; this module only refuses a DM
 * that cannot be applied and passes the rest through.
 */
import { WaterfallError } from "./errors.js";
import { bandEdges, type WaterfallAxes } from "./model.js";
import * as native from "./native.js";
import { REFERENCES, WRAPS, type Dedispersion, type Reference, type Wrap } from "./native.js";
import type { SweepTarget } from "./options/read.js";

/** Options of a dedispersion step. */
export interface DedisperseOptions {
  /** Dispersion constant, MHz² s cm³ / pc. Default {@link K_DM_CHIME}. */
  kdm?: number;
  /** Reference frequency: a named channel or a value in MHz. Default "top" (the highest channel's centre). */
  reference?: Reference | number;
  /** "roll" (default) moves samples shifted past an end around to the other (`np.roll`); "invalidate" blanks them. */
  wrap?: Wrap;
}

/**
 * The frequency a dedispersion aligns the channels to, MHz (`Infinity` for
 * "infinite"), on the axes of the waterfall being dedispersed (channel centres).
 */
export function referenceFrequency(axes: { fbottom: number; df: number }, nchan: number, reference: Reference | number = "top"): number {
  if (typeof reference === "number") return reference;
  const lowest = axes.fbottom + 0.5 * axes.df;
  const highest = axes.fbottom + (nchan - 0.5) * axes.df;
  return { top: highest, bottom: lowest, centre: 0.5 * (lowest + highest), infinite: Number.POSITIVE_INFINITY }[reference];
}

/** The core's description of dedispersing from `fromDm` to `toDm`. */
export function dedispersionStep(fromDm: number, toDm: number, options: DedisperseOptions = {}, file?: string): Dedispersion {
  if (!Number.isFinite(toDm)) throw new WaterfallError("E_DM_RANGE", `DM must be a finite number, got ${toDm}`, { file });
  const { reference, wrap } = options;
  if (typeof reference === "string" && !REFERENCES.includes(reference)) {
    throw new WaterfallError("E_ARGUMENT", `reference must be ${REFERENCES.join(", ")} or a frequency in MHz, got '${reference}'`, { file });
  }
  if (wrap !== undefined && !WRAPS.includes(wrap))
    throw new WaterfallError("E_ARGUMENT", `wrap must be ${WRAPS.map((w) => `'${w}'`).join(" or ")}, got '${wrap}'`, { file });
  return {
    deltaDm: toDm - fromDm,
    kDm: options.kdm,
    ...(typeof reference === "number" ? { referenceMhz: reference } : { reference }),
    wrap,
  };
}

/**
 * {@link sweepMargins}, refusing a dispersion sweep across the band longer
 * than the `samples` there are (the whole file for a read, the data for
 * processing), with the numbers.
 */
export function sweepMarginsWithin(axes: WaterfallAxes, nchan: number, target: SweepTarget, samples: number, file?: string): { before: number; after: number } {
  const { before, after } = sweepMargins(axes, nchan, target, file);
  if (before + after < samples) return { before, after };
  const [low, high] = bandEdges(axes, nchan).map((f) => f.toFixed(0));
  throw new WaterfallError(
    "E_DM_RANGE",
    `DM ${target.dm} needs ${((before + after) * axes.dt).toFixed(1)} s across ${low}-${high} MHz; the data hold ${(samples * axes.dt).toFixed(1)} s (a typo? --wrap roll wraps the data around anyway)`,
    { file },
  );
}

/** The samples the dispersion sweep needs before and after a range: the extremes of the channels' shifts. */
export function sweepMargins(axes: WaterfallAxes, nchan: number, target: SweepTarget, file?: string): { before: number; after: number } {
  const step = dedispersionStep(axes.dm, target.dm, { kdm: target.kdm, reference: target.reference }, file);
  const shifts = native.channelShifts(nchan, { dtSeconds: axes.dt, fbottomMhz: axes.fbottom, dfMhz: axes.df }, step, file);
  let lowest = 0;
  let highest = 0;
  for (let c = 0; c < shifts.length; c++) {
    lowest = Math.min(lowest, shifts[c]);
    highest = Math.max(highest, shifts[c]);
  }
  return { before: -lowest, after: highest };
}
