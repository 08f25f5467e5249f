//! Zero-DM subtraction (Eatough, Keane & Lyne 2009, MNRAS 395, 410): remove, at every time sample,
//! the part of the signal that is the same in all channels (undispersed, broadband RFI), in place.
//!
//! Two published variants, both keeping the bandpass `bp_c`, the **mean over time** of channel `c`'s
//! valid samples unless one is given (a streaming reader passes one bandpass for all its blocks, as
//! jess's `zero_dm_cleaner` does, so that blocks join without jumps):
//!
//! - [`ZeroDm::Sigpyproc`] (sigpyproc3 `core/kernels.py::remove_zerodm`, the PRESTO-derived form):
//!   `out[c,t] = x[c,t] − Z_t · bp_c / B_t + bp_c` with `Z_t = Σ_c x[c,t]` and `B_t = Σ_c bp_c`: the
//!   broadband sum is taken off in proportion to each channel's share of the bandpass. Here both
//!   sums run over the channels valid at `t` (sigpyproc has no missing samples; with none missing
//!   this is its formula). `Filterbank.remove_zerodm` takes its bandpass from `Filterbank.bandpass()`,
//!   a time **mean** until sigpyproc3 changed that method's default to a **sum** in April 2025 (commit
//!   3d1ea0f): the channel weights `bp_c/B_t` do not change, but the level added back becomes
//!   `ntime` times the mean. wfall adds back the mean. The variant needs a positive bandpass
//!   (power data): on zero-mean normalised data `B_t ≈ 0`, and it is refused.
//! - [`ZeroDm::Jess`] (jess `JESS_filters.py::zero_dm`, "mask-safe"): `out[c,t] = x[c,t] − m_t + bp_c`
//!   with `m_t` the mean of the channels valid at `t` (`np.ma.mean(x, axis=1)`); works on any data,
//!   but channel `c`'s mean becomes `2·bp_c − mean_c(bp)`: right for flattened (normalised or
//!   equalised) data, a bent bandpass for raw power with a sloped one.
//!
//! Missing samples (NaN, ±inf) and samples of weight 0 take no part and are left as they are, as
//! are channels whose bandpass is not finite. Zero-DM belongs **before** dedispersion: on data
//! already dedispersed to a burst's DM the burst itself is the broadband part at its arrival time,
//! and zero-DM subtracts it.

use rayon::prelude::*;

use super::channel_stats::{stats_of_moments, ChannelStats, RunningMoments};
use crate::bail;
use crate::error::{code, CoreResult};
use crate::shape::{check_disjoint, rows_per_task, Shape};
use crate::weights::Weights;

/// Which published zero-DM formula to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZeroDm {
    /// `x − Σ_c x · bp/Σbp + bp` (sigpyproc; bandpass-weighted).
    Sigpyproc,
    /// `x − mean_c x + bp` (jess; mask-aware mean).
    Jess,
}

/// The bandpass zero-DM uses by default: the mean over time of each channel's valid samples (NaN
/// for a channel without one).
pub fn zero_dm_bandpass(intensity: &[f32], weights: Weights, shape: Shape) -> CoreResult<Vec<f64>> {
    shape.check("intensity", intensity.len())?;
    weights.check(shape)?;
    let n = shape.ntime;
    Ok(intensity
        .par_chunks(n)
        .enumerate()
        .with_min_len(rows_per_task(n))
        .map(|(c, row)| {
            let w = weights.slice(c * n..(c + 1) * n);
            let (mut sum, mut count) = (0f64, 0usize);
            for (j, &x) in row.iter().enumerate() {
                if w.at(x, j) > 0.0 {
                    sum += x as f64;
                    count += 1;
                }
            }
            if count == 0 {
                f64::NAN
            } else {
                sum / count as f64
            }
        })
        .collect())
}

/// Sigpyproc's variant divides by the bandpass sum: it must be positive (power data).
fn check_bandpass(variant: ZeroDm, bp: &[f64]) -> CoreResult<()> {
    if variant == ZeroDm::Sigpyproc {
        let total: f64 = bp.iter().filter(|v| v.is_finite()).sum();
        if total.is_nan() || total <= 0.0 {
            bail!(
                code::ARGUMENT,
                "sigpyproc zero-DM weights channels by bandpass / sum(bandpass) and needs a positive bandpass sum (got {total}); use the jess variant on normalised data"
            );
        }
    }
    Ok(())
}

/// The broadband part to take off a channel of bandpass `bp` at a sample where the valid channels
/// sum to `z`, their bandpasses to `b`, and there are `k` of them; `None` leaves the sample as it is.
#[inline]
fn broadband(variant: ZeroDm, z: f64, b: f64, k: usize, bp: f64) -> Option<f64> {
    match variant {
        ZeroDm::Sigpyproc if b != 0.0 => Some(z * bp / b),
        ZeroDm::Sigpyproc => None,
        ZeroDm::Jess => Some(z / k as f64),
    }
}

/// Zero-DM subtraction in place (see the module doc). `bandpass`, when given, has one value per
/// channel; otherwise [`zero_dm_bandpass`] of the data.
pub fn zero_dm(intensity: &mut [f32], weights: Weights, shape: Shape, variant: ZeroDm, bandpass: Option<&[f64]>) -> CoreResult<()> {
    shape.check("intensity", intensity.len())?;
    weights.check(shape)?;
    if let Weights::Explicit(w) = weights {
        check_disjoint(intensity, w)?;
    }
    let bp = match bandpass {
        Some(bp) if bp.len() != shape.nchan => bail!(code::SHAPE, "bandpass has {} values for {} channels", bp.len(), shape.nchan),
        Some(bp) => bp.to_vec(),
        None => zero_dm_bandpass(intensity, weights, shape)?,
    };
    check_bandpass(variant, &bp)?;
    let n = shape.ntime;
    let valid = |c: usize, j: usize, x: f32| bp[c].is_finite() && weights.at(x, c * n + j) > 0.0;

    // Per sample: Σ x, Σ bp and the number of valid channels, over the channels valid there.
    let mut sums = vec![(0f64, 0f64, 0usize); n];
    let chunk = rows_per_task(shape.nchan).max(1024).min(n);
    {
        let data: &[f32] = intensity;
        sums.par_chunks_mut(chunk).enumerate().for_each(|(b, out)| {
            let start = b * chunk;
            for (c, row) in data.chunks_exact(n).enumerate() {
                for (k, acc) in out.iter_mut().enumerate() {
                    let x = row[start + k];
                    if valid(c, start + k, x) {
                        acc.0 += x as f64;
                        acc.1 += bp[c];
                        acc.2 += 1;
                    }
                }
            }
        });
    }
    intensity.par_chunks_mut(n).enumerate().with_min_len(rows_per_task(n)).for_each(|(c, row)| {
        for (j, x) in row.iter_mut().enumerate() {
            if !valid(c, j, *x) {
                continue;
            }
            let (z, b, k) = sums[j];
            if let Some(common) = broadband(variant, z, b, k, bp[c]) {
                *x = (*x as f64 - common + bp[c]) as f32;
            }
        }
    });
    Ok(())
}

/// Per-sample sums of a set of channels: `Σ x`, `Σ bp` and the number of channels, over the
/// samples valid at each time.
struct SampleSums {
    x: Vec<f64>,
    bp: Vec<f64>,
    k: Vec<u32>,
}

impl SampleSums {
    fn new(n: usize) -> Self {
        Self { x: vec![0.0; n], bp: vec![0.0; n], k: vec![0; n] }
    }

    fn merge(mut self, other: SampleSums) -> Self {
        for j in 0..self.x.len() {
            self.x[j] += other.x[j];
            self.bp[j] += other.bp[j];
            self.k[j] += other.k[j];
        }
        self
    }
}

/// Zero-DM subtraction in place with the channel means as bandpass, in two passes over the data
/// instead of four (bandpass, sums, write, then statistics): the first pass takes each channel's
/// moments and the per-sample sums together (a channel's bandpass is added to the sums of its
/// valid samples as soon as its row is done, while the row is still in cache); `choose` picks the
/// variant from the raw statistics; the second pass writes the cleaned samples and takes their
/// moments. Returns the variant applied and the statistics of the cleaned data. Equal to
/// [`zero_dm`] with the raw channel means followed by [`super::channel_stats::channel_stats`], up
/// to the order of floating-point sums.
pub fn zero_dm_with_stats(
    intensity: &mut [f32],
    weights: Weights,
    shape: Shape,
    choose: impl FnOnce(&ChannelStats) -> ZeroDm,
) -> CoreResult<(ZeroDm, ChannelStats)> {
    shape.check("intensity", intensity.len())?;
    weights.check(shape)?;
    if let Weights::Explicit(w) = weights {
        check_disjoint(intensity, w)?;
    }
    let n = shape.ntime;
    let rows = rows_per_task(n);
    // One per-sample accumulator per rayon fold (a few per thread), not per channel: with long rows
    // (a whole filterbank) each holds megabytes.
    let (mut moments, sums) = {
        let data: &[f32] = intensity;
        data.par_chunks(n)
            .enumerate()
            .with_min_len(rows)
            .fold(
                || (Vec::new(), SampleSums::new(n)),
                |(mut moments, mut sums), (c, row)| {
                    let w = weights.slice(c * n..(c + 1) * n);
                    let m = RunningMoments::of_row(row, w);
                    if m.count > 0.0 {
                        for (j, &x) in row.iter().enumerate() {
                            if w.at(x, j) > 0.0 {
                                sums.x[j] += x as f64;
                                sums.bp[j] += m.mean;
                                sums.k[j] += 1;
                            }
                        }
                    }
                    moments.push((c, m));
                    (moments, sums)
                },
            )
            .reduce(
                || (Vec::new(), SampleSums::new(n)),
                |(mut a, sa), (b, sb)| {
                    a.extend(b);
                    (a, sa.merge(sb))
                },
            )
    };
    moments.sort_unstable_by_key(|&(c, _)| c);
    let moments: Vec<RunningMoments> = moments.into_iter().map(|(_, m)| m).collect();
    let raw = stats_of_moments(&moments);
    let variant = choose(&raw);
    let bp = &raw.mean;
    check_bandpass(variant, bp)?;
    let cleaned: Vec<RunningMoments> = intensity
        .par_chunks_mut(n)
        .enumerate()
        .with_min_len(rows)
        .map(|(c, row)| {
            let w = weights.slice(c * n..(c + 1) * n);
            if bp[c].is_finite() {
                for (j, x) in row.iter_mut().enumerate() {
                    if w.at(*x, j) <= 0.0 {
                        continue;
                    }
                    if let Some(common) = broadband(variant, sums.x[j], sums.bp[j], sums.k[j] as usize, bp[c]) {
                        *x = (*x as f64 - common + bp[c]) as f32;
                    }
                }
            }
            RunningMoments::of_row(row, w)
        })
        .collect();
    Ok((variant, stats_of_moments(&cleaned)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigpyproc_variant_exact() {
        // 2 channels x 2 samples: rows [1, 3] and [2, 6]; bp = [2, 4], sum 6.
        // t0: Z = 3 -> out = 1 - 3*2/6 + 2 = 2, 2 - 3*4/6 + 4 = 4
        // t1: Z = 9 -> out = 3 - 9*2/6 + 2 = 2, 6 - 9*4/6 + 4 = 4
        let shape = Shape::new(2, 2).unwrap();
        let mut x = vec![1.0, 3.0, 2.0, 6.0];
        zero_dm(&mut x, Weights::Valid, shape, ZeroDm::Sigpyproc, None).unwrap();
        assert_eq!(x, vec![2.0, 2.0, 4.0, 4.0]);
    }

    #[test]
    fn jess_variant_exact_and_missing_samples_stay() {
        // rows [1, 3, NaN] and [2, 6, 5]; bp = [2, 13/3].
        // t0: mean 1.5 -> 1 - 1.5 + 2 = 1.5, 2 - 1.5 + 13/3
        // t1: mean 4.5 -> 3 - 4.5 + 2 = 0.5, 6 - 4.5 + 13/3
        // t2: only channel 1: mean 5 -> 5 - 5 + 13/3; channel 0 stays NaN
        let shape = Shape::new(2, 3).unwrap();
        let mut x = vec![1.0, 3.0, f32::NAN, 2.0, 6.0, 5.0];
        zero_dm(&mut x, Weights::Valid, shape, ZeroDm::Jess, None).unwrap();
        let b1 = 13.0f64 / 3.0;
        assert_eq!(&x[..2], &[1.5, 0.5]);
        assert!(x[2].is_nan());
        assert_eq!(x[3], (2.0 - 1.5 + b1) as f32);
        assert_eq!(x[4], (6.0 - 4.5 + b1) as f32);
        assert_eq!(x[5], b1 as f32);
    }

    #[test]
    fn missing_samples_leave_the_sums_and_a_given_bandpass_is_used() {
        // sigpyproc with a zero-weight sample: t1 has only channel 1, so B = bp1 and the
        // sample becomes x - x + bp1 = bp1.
        let shape = Shape::new(2, 2).unwrap();
        let mut x = vec![1.0, 100.0, 2.0, 6.0];
        let w = [1.0, 0.0, 1.0, 1.0];
        zero_dm(&mut x, Weights::Explicit(&w), shape, ZeroDm::Sigpyproc, Some(&[1.0, 3.0])).unwrap();
        // t0: Z = 3, B = 4: 1 - 3/4 + 1 = 1.25, 2 - 9/4 + 3 = 2.75
        assert_eq!(x, vec![1.25, 100.0, 2.75, 3.0]);
    }

    #[test]
    fn bad_inputs_are_refused() {
        let shape = Shape::new(2, 2).unwrap();
        let mut x = vec![1.0, -1.0, 2.0, -2.0];
        assert_eq!(zero_dm(&mut x, Weights::Valid, shape, ZeroDm::Sigpyproc, None).unwrap_err().code, code::ARGUMENT);
        assert_eq!(zero_dm(&mut x, Weights::Valid, shape, ZeroDm::Jess, Some(&[1.0])).unwrap_err().code, code::SHAPE);
        assert_eq!(zero_dm(&mut x[..3], Weights::Valid, shape, ZeroDm::Jess, None).unwrap_err().code, code::SHAPE);
        let mut y = vec![1.0, 2.0];
        assert_eq!(
            zero_dm(&mut y, Weights::Valid, Shape::new(1, 2).unwrap(), ZeroDm::Jess, None).map(|_| y.clone()).unwrap(),
            vec![1.5, 1.5]
        );
    }

    #[test]
    fn the_two_pass_version_equals_zero_dm_then_statistics() {
        let (nchan, ntime) = (37, 3000);
        let mut state = 3u64;
        let mut x: Vec<f32> = (0..nchan * ntime)
            .map(|k| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (50 + (k / ntime) % 7) as f32 * (0.8 + 0.4 * ((state >> 40) as f32 / (1u64 << 24) as f32))
            })
            .collect();
        x[5 * ntime + 17] = f32::NAN;
        x[9 * ntime..10 * ntime].fill(0.0);
        x[12 * ntime + 40] = 0.0;
        let shape = Shape::new(nchan, ntime).unwrap();
        for (weights, variant) in [(Weights::ValidNonZero, ZeroDm::Sigpyproc), (Weights::Valid, ZeroDm::Jess)] {
            let mut expected = x.clone();
            let raw = crate::rfi::channel_stats::channel_stats(&x, weights, shape).unwrap();
            zero_dm(&mut expected, weights, shape, variant, Some(&raw.mean)).unwrap();
            let expected_stats = crate::rfi::channel_stats::channel_stats(&expected, weights, shape).unwrap();
            let mut got = x.clone();
            let mut seen = None;
            let (applied, stats) = zero_dm_with_stats(&mut got, weights, shape, |s| {
                seen = Some(s.clone());
                variant
            })
            .unwrap();
            assert_eq!(applied, variant);
            assert_eq!(format!("{:?}", seen.unwrap()), format!("{raw:?}")); // NaN-aware
            for (a, b) in got.iter().zip(&expected) {
                assert!(a == b || (a.is_nan() && b.is_nan()) || ((a - b) / b).abs() < 1e-6, "{a} vs {b}");
            }
            for c in 0..nchan {
                let close = |a: f64, b: f64| a == b || (a.is_nan() && b.is_nan()) || ((a - b) / b).abs() < 1e-6;
                assert!(
                    close(stats.mean[c], expected_stats.mean[c]) && close(stats.variance[c], expected_stats.variance[c]),
                    "channel {c}"
                );
                assert_eq!(stats.count[c], expected_stats.count[c]);
            }
        }
        let mut y: Vec<f32> = x.iter().map(|v| v - 53.0).collect();
        let e = zero_dm_with_stats(&mut y, Weights::Valid, shape, |_| ZeroDm::Sigpyproc).unwrap_err();
        assert_eq!(e.code, code::ARGUMENT);
    }
}
