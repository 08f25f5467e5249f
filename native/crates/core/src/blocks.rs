//! Weighted block means over valid samples: `subband` (blocks of adjacent channels) and
//! `downsample` (blocks of adjacent samples).
//!
//! For a block, `out = Σ w·x / Σ w` over its valid samples (x not missing, w > 0),
//! NaN when none is valid; the block's new weight is the mean weight of its
//! samples, a missing (NaN, ±inf) sample counting as weight 0. Sums are in f64.

use rayon::prelude::*;

use crate::bail;
use crate::dedisperse::Wrap;
use crate::error::{code, CoreResult};
use crate::masks::channel_flags;
use crate::shape::{rows_per_task, Shape};
use crate::weights::Weights;

/// The averaged intensity and weights of a block-mean operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Averaged {
    pub intensity: Vec<f32>,
    pub weights: Vec<f32>,
    pub shape: Shape,
}

#[inline]
pub(crate) fn block_value(sum_wx: f64, sum_w: f64) -> f32 {
    if sum_w > 0.0 {
        (sum_wx / sum_w) as f32
    } else {
        f32::NAN
    }
}

/// Adds `w·x` and `w` of each valid sample of `x` into the accumulators, element by element.
/// Implied weights (0 or 1) take a branch-free loop the compiler vectorises: adding `1·x` is
/// adding `x`, and adding 0 to a sum that cannot be -0 changes nothing, so the sums are the same.
#[inline]
pub(crate) fn accumulate(sum_wx: &mut [f64], sum_w: &mut [f64], x: &[f32], w: Weights) {
    let n = x.len();
    let (sum_wx, sum_w) = (&mut sum_wx[..n], &mut sum_w[..n]);
    let implied = |valid: fn(f32) -> bool, sum_wx: &mut [f64], sum_w: &mut [f64]| {
        for ((a, b), &v) in sum_wx.iter_mut().zip(sum_w.iter_mut()).zip(x) {
            let ok = valid(v);
            *a += if ok { v as f64 } else { 0.0 };
            *b += if ok { 1.0 } else { 0.0 };
        }
    };
    match w {
        Weights::Valid => implied(|v| v.is_finite(), sum_wx, sum_w),
        Weights::ValidNonZero => implied(|v| v.is_finite() && v != 0.0, sum_wx, sum_w),
        Weights::Explicit(_) => {
            for j in 0..n {
                let wj = w.at(x[j], j);
                if wj > 0.0 {
                    sum_wx[j] += wj * x[j] as f64;
                    sum_w[j] += wj;
                }
            }
        }
    }
}

/// The output sample ranges a channel shifted by `shift` contributes to, with
/// the input offset each starts from: `out[j] += in[j + shift]` (circular for
/// `Roll`, dropping what falls outside for `Invalidate`).
fn shifted_segments(n: usize, shift: i64, wrap: Wrap) -> Vec<(std::ops::Range<usize>, usize)> {
    let len = n as i64;
    match wrap {
        Wrap::Roll => {
            let s = shift.rem_euclid(len) as usize;
            vec![(0..n - s, s), (n - s..n, 0)]
        }
        Wrap::Invalidate if shift.abs() >= len => vec![],
        Wrap::Invalidate if shift >= 0 => vec![(0..n - shift as usize, shift as usize)],
        Wrap::Invalidate => vec![((-shift) as usize..n, 0)],
    }
}

fn check_subbands(shape: Shape, nsub: usize) -> CoreResult<usize> {
    if nsub == 0 || !shape.nchan.is_multiple_of(nsub) {
        bail!(code::NSUB_DIVISOR, "cannot split {} channels into {nsub} subbands: {nsub} is not a divisor of {}", shape.nchan, shape.nchan);
    }
    Ok(shape.nchan / nsub)
}

/// Averages groups of `nchan / nsub` adjacent channels into `nsub` subbands.
pub fn subband(intensity: &[f32], weights: Weights, shape: Shape, nsub: usize) -> CoreResult<Averaged> {
    dedisperse_subband(intensity, weights, shape, &vec![0; shape.nchan], Wrap::Roll, nsub)
}

/// `apply_shifts` then `subband` in one pass that reads the input once and
/// leaves it unchanged: each channel is added to its subband already shifted.
pub fn dedisperse_subband(
    intensity: &[f32],
    weights: Weights,
    shape: Shape,
    shifts: &[i64],
    wrap: Wrap,
    nsub: usize,
) -> CoreResult<Averaged> {
    dedisperse_subband_without(intensity, weights, shape, shifts, wrap, nsub, &[])
}

/// [`dedisperse_subband`] leaving out the channels `left_out`, without reading them: the result is
/// the same as when they hold only missing samples (masked channels: their NaN need not be read). A
/// channel adds nothing to its subband then, exactly: adding 0 to the sums changes nothing.
pub fn dedisperse_subband_without(
    intensity: &[f32],
    weights: Weights,
    shape: Shape,
    shifts: &[i64],
    wrap: Wrap,
    nsub: usize,
    left_out: &[usize],
) -> CoreResult<Averaged> {
    shape.check("intensity", intensity.len())?;
    weights.check(shape)?;
    if shifts.len() != shape.nchan {
        bail!(code::SHAPE, "{} shifts given for {} channels", shifts.len(), shape.nchan);
    }
    let per = check_subbands(shape, nsub)?;
    let masked = channel_flags(left_out.iter().copied(), shape.nchan)?;
    let n = shape.ntime;
    let out_shape = Shape::new(nsub, n)?;
    let mut out = vec![0f32; out_shape.len()];
    let mut out_w = vec![0f32; out_shape.len()];
    out.par_chunks_mut(n).zip(out_w.par_chunks_mut(n)).enumerate().with_min_len(rows_per_task(n * per)).for_each(|(k, (row, wrow))| {
        let mut sum_wx = vec![0f64; n];
        let mut sum_w = vec![0f64; n];
        let channels: Vec<usize> = (k * per..(k + 1) * per).filter(|&c| !masked[c]).collect();
        match weights {
            Weights::Valid => {
                channels.chunks(GROUP).for_each(|g| add_group(&mut sum_wx, &mut sum_w, intensity, n, g, shifts, wrap, |v| v.is_finite()))
            }
            Weights::ValidNonZero => channels
                .chunks(GROUP)
                .for_each(|g| add_group(&mut sum_wx, &mut sum_w, intensity, n, g, shifts, wrap, |v| v.is_finite() && v != 0.0)),
            Weights::Explicit(_) => {
                for &c in &channels {
                    let base = c * n;
                    for (range, from) in shifted_segments(n, shifts[c], wrap) {
                        let src = base + from..base + from + range.len();
                        accumulate(&mut sum_wx[range.clone()], &mut sum_w[range], &intensity[src.clone()], weights.slice(src));
                    }
                }
            }
        }
        for j in 0..n {
            row[j] = block_value(sum_wx[j], sum_w[j]);
            wrow[j] = (sum_w[j] / per as f64) as f32;
        }
    });
    Ok(Averaged { intensity: out, weights: out_w, shape: out_shape })
}

/// Channels added to the sums in one sweep by [`add_group`].
const GROUP: usize = 4;

/// Adds the shifted rows of `channels` (at most [`GROUP`], in ascending order) to the sums, for
/// weights implied by the values (`valid`), in one sweep over the sums instead of one per channel.
/// Each sum gets the same additions in the same order as channel after channel: the output
/// samples are cut into stretches where every channel adds a fixed row offset or nothing.
#[allow(clippy::too_many_arguments)]
fn add_group<V: Fn(f32) -> bool + Copy>(
    sum_wx: &mut [f64],
    sum_w: &mut [f64],
    intensity: &[f32],
    n: usize,
    channels: &[usize],
    shifts: &[i64],
    wrap: Wrap,
    valid: V,
) {
    let segments: Vec<_> = channels.iter().map(|&c| shifted_segments(n, shifts[c], wrap)).collect();
    let mut cuts: Vec<usize> = segments.iter().flatten().flat_map(|(range, _)| [range.start, range.end]).chain([0, n]).collect();
    cuts.sort_unstable();
    cuts.dedup();
    for stretch in cuts.windows(2) {
        let (lo, hi) = (stretch[0], stretch[1]);
        let mut rows: [&[f32]; GROUP] = [&[]; GROUP];
        let mut present = 0;
        for (&c, segs) in channels.iter().zip(&segments) {
            if let Some((range, from)) = segs.iter().find(|(range, _)| range.start <= lo && hi <= range.end) {
                let start = c * n + from + (lo - range.start);
                rows[present] = &intensity[start..start + (hi - lo)];
                present += 1;
            }
        }
        let (wx, w) = (&mut sum_wx[lo..hi], &mut sum_w[lo..hi]);
        match present {
            1 => add_rows::<1, V>(wx, w, [rows[0]], valid),
            2 => add_rows::<2, V>(wx, w, [rows[0], rows[1]], valid),
            3 => add_rows::<3, V>(wx, w, [rows[0], rows[1], rows[2]], valid),
            4 => add_rows::<4, V>(wx, w, [rows[0], rows[1], rows[2], rows[3]], valid),
            _ => {}
        }
    }
}

/// `N` rows of equal length added to the sums in row order, each sample as [`accumulate`] adds it.
#[inline]
fn add_rows<const N: usize, V: Fn(f32) -> bool>(sum_wx: &mut [f64], sum_w: &mut [f64], rows: [&[f32]; N], valid: V) {
    let len = sum_wx.len();
    let (sum_wx, sum_w) = (&mut sum_wx[..len], &mut sum_w[..len]);
    let rows: [&[f32]; N] = rows.map(|r| &r[..len]);
    for j in 0..len {
        let (mut a, mut b) = (sum_wx[j], sum_w[j]);
        for row in &rows {
            let v = row[j];
            let ok = valid(v);
            a += if ok { v as f64 } else { 0.0 };
            b += if ok { 1.0 } else { 0.0 };
        }
        sum_wx[j] = a;
        sum_w[j] = b;
    }
}

/// Averages groups of `factor` adjacent samples; a trailing partial group is dropped.
pub fn downsample(intensity: &[f32], weights: Weights, shape: Shape, factor: usize) -> CoreResult<Averaged> {
    shape.check("intensity", intensity.len())?;
    weights.check(shape)?;
    if factor == 0 {
        bail!(code::ARGUMENT, "downsampling factor must be a positive integer, got 0");
    }
    if factor > shape.ntime {
        bail!(code::ARGUMENT, "downsampling factor {factor} exceeds the {} samples", shape.ntime);
    }
    let n = shape.ntime;
    let m = n / factor;
    let out_shape = Shape::new(shape.nchan, m)?;
    let mut out = vec![0f32; out_shape.len()];
    let mut out_w = vec![0f32; out_shape.len()];
    out.par_chunks_mut(m).zip(out_w.par_chunks_mut(m)).enumerate().with_min_len(rows_per_task(n)).for_each(|(c, (row, wrow))| {
        let x = &intensity[c * n..(c + 1) * n];
        let w = weights.slice(c * n..(c + 1) * n);
        for b in 0..m {
            let (mut sum_wx, mut sum_w) = (0f64, 0f64);
            for j in b * factor..(b + 1) * factor {
                let wj = w.at(x[j], j);
                if wj > 0.0 {
                    sum_wx += wj * x[j] as f64;
                    sum_w += wj;
                }
            }
            row[b] = block_value(sum_wx, sum_w);
            wrow[b] = (sum_w / factor as f64) as f32;
        }
    });
    Ok(Averaged { intensity: out, weights: out_w, shape: out_shape })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subband_is_a_weighted_nan_aware_mean() {
        let shape = Shape::new(4, 2).unwrap();
        let x = [1.0, 10.0, 3.0, f32::NAN, 5.0, 0.0, 7.0, 8.0];
        let w = [1.0, 1.0, 0.5, 0.0, 1.0, 0.0, 0.0, 1.0];
        let out = subband(&x, Weights::Explicit(&w), shape, 2).unwrap();
        assert_eq!(out.shape, Shape::new(2, 2).unwrap());
        assert!((out.intensity[0] - (1.0 + 1.5) / 1.5).abs() < 1e-6);
        assert_eq!(out.intensity[1], 10.0);
        assert_eq!(out.intensity[2], 5.0);
        assert_eq!(out.intensity[3], 8.0);
        assert_eq!(out.weights, vec![0.75, 0.5, 0.5, 0.5]);
    }

    #[test]
    fn a_block_with_no_valid_sample_is_nan_with_weight_zero() {
        let shape = Shape::new(2, 1).unwrap();
        let out = subband(&[f32::NAN, f32::NAN], Weights::Valid, shape, 1).unwrap();
        assert!(out.intensity[0].is_nan());
        assert_eq!(out.weights, vec![0.0]);
    }

    #[test]
    fn subband_needs_a_divisor() {
        let shape = Shape::new(6, 1).unwrap();
        let err = subband(&[0.0; 6], Weights::Valid, shape, 4).unwrap_err();
        assert_eq!(err.code, code::NSUB_DIVISOR);
        assert!(err.message.contains('6') && err.message.contains('4'));
        assert_eq!(subband(&[0.0; 6], Weights::Valid, shape, 0).unwrap_err().code, code::NSUB_DIVISOR);
    }

    #[test]
    fn channels_added_in_groups_give_the_sums_of_one_channel_at_a_time() {
        // implied weights go through add_group; the same weights made explicit go channel by channel
        let shape = Shape::new(12, 9).unwrap();
        // big values that cancel beside small ones: a sum that adds in another order comes out different
        let x: Vec<f32> = (0..108)
            .map(|i| match i % 13 {
                0 => 0.0,
                5 => f32::NAN,
                8 => f32::INFINITY,
                _ => [3e19, 1.25, -3e19, 7.5, -2e19, 0.5][(i / 9) % 6] + (i % 9) as f32 * 0.125,
            })
            .collect();
        let shifts = [0, 3, -2, 9, -11, 1, 4, -1, 2, 8, -8, 5];
        for (valid, implied) in [(Weights::Valid, 0), (Weights::ValidNonZero, 1)] {
            let w: Vec<f32> = x.iter().map(|&v| if v.is_finite() && (implied == 0 || v != 0.0) { 1.0 } else { 0.0 }).collect();
            for wrap in [Wrap::Roll, Wrap::Invalidate] {
                for nsub in [1, 2, 3] {
                    for left_out in [&[][..], &[2, 7][..]] {
                        let grouped = dedisperse_subband_without(&x, valid, shape, &shifts, wrap, nsub, left_out).unwrap();
                        let single = dedisperse_subband_without(&x, Weights::Explicit(&w), shape, &shifts, wrap, nsub, left_out).unwrap();
                        let bits = |v: &[f32]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
                        assert_eq!(bits(&grouped.intensity), bits(&single.intensity), "{wrap:?} nsub {nsub} without {left_out:?}");
                        assert_eq!(bits(&grouped.weights), bits(&single.weights));
                    }
                }
            }
        }
    }

    #[test]
    fn leaving_channels_out_equals_masking_them() {
        use crate::masks::mask_channels;
        let shape = Shape::new(6, 5).unwrap();
        let x: Vec<f32> = (0..30).map(|i| ((i * 7) % 11) as f32 - 4.0).collect();
        let shifts = [0, 1, -2, 3, 0, 2];
        for wrap in [Wrap::Roll, Wrap::Invalidate] {
            let mut masked = x.clone();
            mask_channels(&mut masked, None, shape, &[1, 4, 5]).unwrap();
            let expected = dedisperse_subband(&masked, Weights::ValidNonZero, shape, &shifts, wrap, 3).unwrap();
            let left_out = dedisperse_subband_without(&x, Weights::ValidNonZero, shape, &shifts, wrap, 3, &[5, 1, 4]).unwrap();
            assert_eq!(format!("{:?}", left_out), format!("{:?}", expected)); // NaN compares equal as text
            assert!(left_out.intensity[10..15].iter().all(|v| v.is_nan()), "a subband left out whole is missing");
        }
        let err = dedisperse_subband_without(&x, Weights::Valid, shape, &shifts, Wrap::Roll, 3, &[6]).unwrap_err();
        assert_eq!(err.code, code::RANGE);
    }

    #[test]
    fn fused_dedisperse_subband_equals_the_two_steps() {
        use crate::dedisperse::apply_shifts;
        let shape = Shape::new(6, 7).unwrap();
        let x: Vec<f32> = (0..42).map(|v| if v % 5 == 0 { f32::NAN } else { (v * v % 17) as f32 }).collect();
        let w: Vec<f32> = (0..42).map(|v| if v % 7 == 3 { 0.0 } else { 0.5 + (v % 3) as f32 * 0.25 }).collect();
        let shifts = [3, -2, 9, 0, -15, 1];
        for wrap in [Wrap::Roll, Wrap::Invalidate] {
            let (mut x2, mut w2) = (x.clone(), w.clone());
            apply_shifts(&mut x2, Some(&mut w2), shape, &shifts, wrap).unwrap();
            let two_step = subband(&x2, Weights::Explicit(&w2), shape, 3).unwrap();
            let fused = dedisperse_subband(&x, Weights::Explicit(&w), shape, &shifts, wrap, 3).unwrap();
            assert_eq!(fused.weights, two_step.weights, "{wrap:?}");
            for (a, b) in fused.intensity.iter().zip(&two_step.intensity) {
                assert!(a == b || (a.is_nan() && b.is_nan()), "{wrap:?}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn downsample_drops_the_partial_tail() {
        let shape = Shape::new(2, 5).unwrap();
        let x = [1.0, 3.0, f32::NAN, 4.0, 100.0, 2.0, 2.0, 6.0, 8.0, 100.0];
        let out = downsample(&x, Weights::Valid, shape, 2).unwrap();
        assert_eq!(out.shape, Shape::new(2, 2).unwrap());
        assert_eq!(out.intensity, vec![2.0, 4.0, 2.0, 7.0]);
        assert_eq!(out.weights, vec![1.0, 0.5, 1.0, 1.0]);
        assert_eq!(downsample(&x, Weights::Valid, shape, 6).unwrap_err().code, code::ARGUMENT);
        let zeros = downsample(&[0.0, 2.0, 0.0, 0.0], Weights::ValidNonZero, Shape::new(1, 4).unwrap(), 2).unwrap();
        assert_eq!(zeros.weights, vec![0.5, 0.0]);
        assert!(zeros.intensity[0] == 2.0 && zeros.intensity[1].is_nan());
    }
}
