/**
 * Tick positions and labels, chosen here rather than by Vega so that the
 * layout can measure the labels before Vega draws them.
 */

/** The CHIME band's conventional frequency ticks, MHz. */
const CHIME_TICKS = [400, 500, 600, 700, 800];

/** Labels as Vega writes them: U+2212 for minus, as matplotlib does too. */
export function tickLabel(value: number, decimals: number): string {
  const text = Math.abs(value).toFixed(decimals);
  return value < 0 && Number(text) !== 0 ? `\u2212${text}` : text;
}

/** Decimal places needed to print multiples of `step` exactly (one more for 2.5 x 10^k: 57.5, not 58). */
export function decimalsFor(step: number): number {
  let decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  while (decimals < 12 && Math.abs(step * 10 ** decimals - Math.round(step * 10 ** decimals)) > 1e-6 * step * 10 ** decimals) decimals++;
  return decimals;
}

/** The smallest "nice" step (1, 2, 2.5 or 5 x 10^k) giving at most `maxTicks` ticks over `span`. */
export function niceStep(span: number, maxTicks: number): number {
  const raw = span / Math.max(1, maxTicks - 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const multiple = [1, 2, 2.5, 5, 10].find((m) => m * power >= raw * (1 - 1e-9)) ?? 10;
  return multiple * power;
}

/** The largest step of 1, 2 or 5 x 10^k not above `limit`. */
export function niceStepBelow(limit: number): number {
  const power = 10 ** Math.floor(Math.log10(limit));
  const multiple = [5, 2, 1].find((m) => m * power <= limit * (1 + 1e-9)) ?? 1;
  return multiple * power;
}

/** Multiples of `step` inside `[lo, hi]`. */
export function multiplesWithin(lo: number, hi: number, step: number): number[] {
  const out: number[] = [];
  const eps = step * 1e-9;
  for (let k = Math.ceil((lo - eps) / step); k * step <= hi + eps; k++) out.push(Number((k * step).toPrecision(12)) + 0);
  return out;
}

/** Ticks of an axis: values and their labels. */
export interface Ticks {
  values: number[];
  labels: string[];
}

function ticks(values: number[], step: number): Ticks {
  const decimals = decimalsFor(step);
  return { values, labels: values.map((v) => tickLabel(v, decimals)) };
}

/**
 * Time ticks symmetric about 0 (the peak): the tutorial's -20/0/20 ms for its
 * ±25 ms window, and the same rule (a 1/2/5 step of about 80% of the
 * half-width) for other windows.
 */
export function timeTicks(loMs: number, hiMs: number): Ticks {
  const half = Math.min(-loMs, hiMs);
  const step = niceStepBelow(0.8 * half);
  return ticks(multiplesWithin(loMs, hiMs, step), step);
}

/**
 * Ticks this close to an axis end (as a fraction of its span) still count as
 * inside, as matplotlib draws them; the axis is widened to reach them, by less
 * than the frame's stroke hides.
 */
const EDGE_TOLERANCE = 0.001;

/**
 * Frequency ticks: 400..800 MHz every 100 for the CHIME band, nice automatic
 * ticks otherwise. CHIME's 400 MHz tick lies 0.2 MHz below an image starting
 * at 400.195 MHz; like matplotlib, ticks that close to an end are kept (see
 * {@link axisDomain}).
 */
export function frequencyTicks(loMHz: number, hiMHz: number): Ticks {
  const chime = loMHz >= 395 && loMHz <= 405 && hiMHz >= 795 && hiMHz <= 805;
  const slack = EDGE_TOLERANCE * (hiMHz - loMHz);
  if (chime)
    return ticks(
      CHIME_TICKS.filter((f) => f >= loMHz - slack && f <= hiMHz + slack),
      100,
    );
  const step = niceStep(hiMHz - loMHz, 6);
  return ticks(multiplesWithin(loMHz, hiMHz, step), step);
}

/** A scale domain covering `[lo, hi]` and every tick (ticks outside by a hair widen it). */
export function axisDomain(lo: number, hi: number, ticks: Ticks): [number, number] {
  return [Math.min(lo, ...ticks.values), Math.max(hi, ...ticks.values)];
}

/** Nice ticks (a 1, 2, 2.5 or 5 x 10^k step) over `[lo, hi]`, at most `maxTicks` of them. */
export function niceTicks(lo: number, hi: number, maxTicks: number): Ticks {
  const step = niceStep(hi - lo, maxTicks);
  return ticks(multiplesWithin(lo, hi, step), step);
}

/** Nice ticks over a DM range. */
export function dmTicks(lo: number, hi: number): Ticks {
  return niceTicks(lo, hi, 5);
}
