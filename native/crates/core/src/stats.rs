//! Per-channel statistics skipping missing samples (NaN, ±inf), in f64.
//!
//! A sample counts when its weight is positive (a NaN sample has weight 0;
//! `Weights::Valid` gives plain statistics over the finite samples). A channel without such
//! a sample has NaN statistics (unlike numpy's `nansum`, which returns 0 there).

use rayon::prelude::*;

use crate::error::CoreResult;
use crate::select::median_in_place;
use crate::shape::{rows_per_task, Shape};
use crate::weights::{is_missing, Weights};

/// Sum, mean and population variance (ddof 0) of each channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Moments {
    pub count: Vec<f64>,
    pub sum: Vec<f64>,
    pub mean: Vec<f64>,
    pub variance: Vec<f64>,
}

/// Median and median absolute deviation (unscaled) of each channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Medians {
    pub median: Vec<f64>,
    pub mad: Vec<f64>,
}

/// Whether sample `j` of a row counts.
#[inline]
pub(crate) fn counts(x: f32, w: Weights, j: usize) -> bool {
    w.at(x, j) > 0.0
}

/// `(count, sum, mean, variance)` of one row, two-pass like numpy.
pub(crate) fn row_moments(x: &[f32], w: Weights) -> (f64, f64, f64, f64) {
    let (mut count, mut sum) = (0usize, 0f64);
    for j in 0..x.len() {
        if counts(x[j], w, j) {
            count += 1;
            sum += x[j] as f64;
        }
    }
    if count == 0 {
        return (0.0, f64::NAN, f64::NAN, f64::NAN);
    }
    let mean = sum / count as f64;
    let mut ss = 0f64;
    for j in 0..x.len() {
        if counts(x[j], w, j) {
            let d = x[j] as f64 - mean;
            ss += d * d;
        }
    }
    (count as f64, sum, mean, ss / count as f64)
}

/// `(median, mad)` of one row; `scratch` is reused between rows.
pub(crate) fn row_medians(x: &[f32], w: Weights, scratch: &mut Vec<f64>) -> (f64, f64) {
    scratch.clear();
    scratch.extend((0..x.len()).filter(|&j| counts(x[j], w, j)).map(|j| x[j] as f64));
    // + 0.0: a median of zero is +0 (selection does not order -0 and +0, so either could come out)
    let Some(median) = median_in_place(scratch).map(|m| m + 0.0) else {
        return (f64::NAN, f64::NAN);
    };
    for v in scratch.iter_mut() {
        *v = (*v - median).abs();
    }
    let mad = median_in_place(scratch).unwrap_or(f64::NAN);
    (median, mad)
}

fn per_row<T: Send>(intensity: &[f32], weights: Weights, shape: Shape, f: impl Fn(&[f32], Weights) -> T + Sync) -> CoreResult<Vec<T>> {
    shape.check("intensity", intensity.len())?;
    weights.check(shape)?;
    let n = shape.ntime;
    Ok(intensity.par_chunks(n).enumerate().with_min_len(rows_per_task(n)).map(|(c, x)| f(x, weights.slice(c * n..(c + 1) * n))).collect())
}

/// Rows taken at once by [`rows_moments`]: independent chains of additions keep both adders busy.
const ROWS_AT_ONCE: usize = 8;

/// [`row_moments`] of `N` rows at once, for weights implied by the values (`valid`): each row's
/// sums are the same sequence of additions (adding 0 for a skipped sample changes nothing: the sums
/// never become -0), but `N` independent chains keep the adders busy. Generic in `valid` so that
/// the test is inlined into the loop, not called through a pointer per sample.
fn rows_moments<const N: usize, V: Fn(f32) -> bool>(rows: [&[f32]; N], valid: V) -> [(f64, f64, f64, f64); N] {
    let n = rows[0].len();
    let (mut count, mut sum) = ([0usize; N], [0f64; N]);
    for j in 0..n {
        for r in 0..N {
            let v = rows[r][j];
            let ok = valid(v);
            count[r] += ok as usize;
            sum[r] += if ok { v as f64 } else { 0.0 };
        }
    }
    let mean: [f64; N] = std::array::from_fn(|r| sum[r] / count[r] as f64);
    let mut ss = [0f64; N];
    for j in 0..n {
        for r in 0..N {
            let v = rows[r][j];
            let d = v as f64 - mean[r];
            ss[r] += if valid(v) { d * d } else { 0.0 };
        }
    }
    std::array::from_fn(|r| {
        if count[r] == 0 {
            (0.0, f64::NAN, f64::NAN, f64::NAN)
        } else {
            (count[r] as f64, sum[r], mean[r], ss[r] / count[r] as f64)
        }
    })
}

/// The moments of every row for weights implied by the values (`valid`), [`ROWS_AT_ONCE`] rows at a time.
fn implied_moments<V: Fn(f32) -> bool + Copy + Sync>(
    intensity: &[f32],
    weights: Weights,
    shape: Shape,
    valid: V,
) -> CoreResult<Vec<(f64, f64, f64, f64)>> {
    shape.check("intensity", intensity.len())?;
    let n = shape.ntime;
    let per_task = (rows_per_task(n) / ROWS_AT_ONCE).max(1) * ROWS_AT_ONCE;
    Ok(intensity
        .par_chunks(n * per_task)
        .flat_map_iter(|block| {
            let mut out = Vec::with_capacity(block.len() / n);
            let mut groups = block.chunks_exact(ROWS_AT_ONCE * n);
            for group in &mut groups {
                let rows: [&[f32]; ROWS_AT_ONCE] = std::array::from_fn(|r| &group[r * n..(r + 1) * n]);
                out.extend(rows_moments(rows, valid));
            }
            out.extend(groups.remainder().chunks_exact(n).map(|x| row_moments(x, weights)));
            out
        })
        .collect())
}

pub fn channel_moments(intensity: &[f32], weights: Weights, shape: Shape) -> CoreResult<Moments> {
    let rows = match weights {
        Weights::Valid => implied_moments(intensity, weights, shape, |v: f32| v.is_finite())?,
        Weights::ValidNonZero => implied_moments(intensity, weights, shape, |v: f32| v.is_finite() && v != 0.0)?,
        Weights::Explicit(_) => per_row(intensity, weights, shape, row_moments)?,
    };
    Ok(Moments {
        count: rows.iter().map(|r| r.0).collect(),
        sum: rows.iter().map(|r| r.1).collect(),
        mean: rows.iter().map(|r| r.2).collect(),
        variance: rows.iter().map(|r| r.3).collect(),
    })
}

pub fn channel_medians(intensity: &[f32], weights: Weights, shape: Shape) -> CoreResult<Medians> {
    let rows = per_row(intensity, weights, shape, |x, w| row_medians(x, w, &mut Vec::with_capacity(x.len())))?;
    Ok(Medians { median: rows.iter().map(|r| r.0).collect(), mad: rows.iter().map(|r| r.1).collect() })
}

/// Sum over channels for every sample (the time series), skipping missing
/// samples as `np.nansum` skips NaN. A sample with no valid channel sums to 0.
pub fn timeseries(intensity: &[f32], shape: Shape) -> CoreResult<Vec<f64>> {
    shape.check("intensity", intensity.len())?;
    let n = shape.ntime;
    // Split the time axis across threads; each walks all channels in memory order.
    let chunk = rows_per_task(shape.nchan).max(1024).min(n);
    let mut ts = vec![0f64; n];
    ts.par_chunks_mut(chunk).enumerate().for_each(|(b, out)| {
        let (start, len) = (b * chunk, out.len());
        for row in intensity.chunks_exact(n) {
            for (acc, &x) in out.iter_mut().zip(&row[start..start + len]) {
                if !is_missing(x) {
                    *acc += x as f64;
                }
            }
        }
    });
    Ok(ts)
}

/// Index of the largest value, the first on ties; NaN values are skipped (None when all are NaN).
pub fn argmax(values: &[f64]) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, &v) in values.iter().enumerate() {
        let better = match best {
            None => !v.is_nan(),
            Some(b) => v > values[b],
        };
        if better {
            best = Some(i);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argmax_takes_the_first_of_ties_and_skips_nan() {
        assert_eq!(argmax(&[1.0, 3.0, f64::NAN, 3.0]), Some(1));
        assert_eq!(argmax(&[f64::NAN, 2.0]), Some(1));
        assert_eq!(argmax(&[f64::NAN]), None);
    }

    #[test]
    fn moments_skip_nan_and_zero_weight() {
        let shape = Shape::new(2, 4).unwrap();
        let x = [1.0, 2.0, f32::NAN, 5.0, f32::NAN, f32::NAN, f32::NAN, f32::NAN];
        let m = channel_moments(&x, Weights::Valid, shape).unwrap();
        assert_eq!(m.count, vec![3.0, 0.0]);
        assert_eq!(m.sum[0], 8.0);
        assert!((m.variance[0] - 26.0 / 9.0).abs() < 1e-12);
        assert!(m.sum[1].is_nan() && m.mean[1].is_nan() && m.variance[1].is_nan());
        let w = [1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
        assert_eq!(channel_moments(&x, Weights::Explicit(&w), shape).unwrap().sum[0], 6.0);
        assert_eq!(channel_moments(&[0.0, 3.0], Weights::ValidNonZero, Shape::new(1, 2).unwrap()).unwrap().count, vec![1.0]);
    }

    #[test]
    fn moments_of_rows_taken_at_once_are_each_rows_own_bit_for_bit() {
        let (nchan, ntime) = (19, 301); // two groups of rows taken at once and three rows alone
        let shape = Shape::new(nchan, ntime).unwrap();
        let mut x: Vec<f32> = (0..nchan * ntime).map(|i| ((i * 7919) % 1013) as f32 * 0.0137 - 3.1).collect();
        x[5] = f32::NAN;
        x[ntime + 9] = f32::NEG_INFINITY;
        x[2 * ntime + 4] = 0.0;
        x[3 * ntime..4 * ntime].fill(f32::NAN);
        for weights in [Weights::Valid, Weights::ValidNonZero] {
            let m = channel_moments(&x, weights, shape).unwrap();
            for c in 0..nchan {
                let (count, sum, mean, variance) = row_moments(&x[c * ntime..(c + 1) * ntime], weights);
                let same = |a: f64, b: f64| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
                assert!(
                    same(m.count[c], count) && same(m.sum[c], sum) && same(m.mean[c], mean) && same(m.variance[c], variance),
                    "{weights:?} channel {c}"
                );
            }
        }
    }

    #[test]
    fn medians_and_mad() {
        let shape = Shape::new(1, 5).unwrap();
        let x = [1.0, 9.0, f32::NAN, 2.0, 4.0];
        let m = channel_medians(&x, Weights::Valid, shape).unwrap();
        assert_eq!(m.median, vec![3.0]);
        assert_eq!(m.mad, vec![1.5]); // |1-3|,|9-3|,|2-3|,|4-3| = 2,6,1,1 -> 1.5
    }

    #[test]
    fn timeseries_is_a_nansum_over_channels() {
        let shape = Shape::new(2, 3).unwrap();
        let x = [1.0, f32::NAN, 3.0, 4.0, f32::NAN, -1.0];
        assert_eq!(timeseries(&x, shape).unwrap(), vec![5.0, 0.0, 2.0]);
    }
}
