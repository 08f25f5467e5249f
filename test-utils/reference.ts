/**
 * Straightforward reference implementations (plain loops, no cleverness) of
 * the Spectra operations, for the property tests.
 */

/** numpy's round: nearest, ties to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return (Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r) + 0; // + 0: no negative zero
}

export interface Grid {
  x: Float32Array;
  w: Float32Array;
  nchan: number;
  ntime: number;
}

/** Shifts of channels centred at `fbottom + (i + 1/2) df` (`fbottom` the band's lower edge), referenced to the top centre. */
export function shiftsFor(nchan: number, fbottom: number, df: number, deltaDm: number, dt: number, kdm = 1 / 2.41e-4): number[] {
  const centre = (i: number) => fbottom + (i + 0.5) * df;
  const top = centre(nchan - 1);
  return Array.from({ length: nchan }, (_, i) => roundHalfEven((kdm * deltaDm * (centre(i) ** -2 - top ** -2)) / dt));
}

export function dedisperse(g: Grid, shifts: number[], wrap: "roll" | "invalidate"): Grid {
  const { nchan, ntime } = g;
  const x = new Float32Array(g.x.length);
  const w = new Float32Array(g.w.length);
  for (let c = 0; c < nchan; c++) {
    for (let j = 0; j < ntime; j++) {
      const src = j + shifts[c];
      const inside = src >= 0 && src < ntime;
      if (wrap === "invalidate" && !inside) {
        x[c * ntime + j] = Number.NaN;
        w[c * ntime + j] = 0;
      } else {
        const k = ((src % ntime) + ntime) % ntime;
        x[c * ntime + j] = g.x[c * ntime + k];
        w[c * ntime + j] = g.w[c * ntime + k];
      }
    }
  }
  return { x, w, nchan, ntime };
}

const effective = (x: number, w: number) => (!Number.isFinite(x) || !(w > 0) ? 0 : w);

export function subband(g: Grid, nsub: number): Grid {
  const per = g.nchan / nsub;
  const x = new Float32Array(nsub * g.ntime);
  const w = new Float32Array(nsub * g.ntime);
  for (let k = 0; k < nsub; k++) {
    for (let j = 0; j < g.ntime; j++) {
      let swx = 0;
      let sw = 0;
      for (let c = k * per; c < (k + 1) * per; c++) {
        const v = g.x[c * g.ntime + j];
        const wj = effective(v, g.w[c * g.ntime + j]);
        if (wj > 0) (swx += wj * v), (sw += wj);
      }
      x[k * g.ntime + j] = sw > 0 ? swx / sw : Number.NaN;
      w[k * g.ntime + j] = sw / per;
    }
  }
  return { x, w, nchan: nsub, ntime: g.ntime };
}

export function downsample(g: Grid, factor: number): Grid {
  const m = Math.floor(g.ntime / factor);
  const x = new Float32Array(g.nchan * m);
  const w = new Float32Array(g.nchan * m);
  for (let c = 0; c < g.nchan; c++) {
    for (let b = 0; b < m; b++) {
      let swx = 0;
      let sw = 0;
      for (let j = b * factor; j < (b + 1) * factor; j++) {
        const v = g.x[c * g.ntime + j];
        const wj = effective(v, g.w[c * g.ntime + j]);
        if (wj > 0) (swx += wj * v), (sw += wj);
      }
      x[c * m + b] = sw > 0 ? swx / sw : Number.NaN;
      w[c * m + b] = sw / factor;
    }
  }
  return { x, w, nchan: g.nchan, ntime: m };
}

/** numpy's linear percentile of the finite values (NaN and ±inf are missing). */
export function percentile(values: ArrayLike<number>, q: number): number {
  const v = Array.from(values)
    .filter((a) => Number.isFinite(a))
    .sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const pos = (q / 100) * (v.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, v.length - 1);
  const t = pos - lo;
  return t >= 0.5 ? v[hi] - (v[hi] - v[lo]) * (1 - t) : v[lo] + (v[hi] - v[lo]) * t;
}
