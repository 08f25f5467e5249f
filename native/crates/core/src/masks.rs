//! In-place flagging: whole channels to NaN (weight 0), exact zeros to NaN.

use rayon::prelude::*;

use crate::bail;
use crate::error::{code, CoreResult};
use crate::shape::{rows_per_task, Shape};
use crate::weights::{is_missing, Weights};

/// Sets every listed channel to NaN with weight 0. Duplicates are allowed.
pub fn mask_channels(intensity: &mut [f32], weights: Option<&mut [f32]>, shape: Shape, channels: &[usize]) -> CoreResult<()> {
    shape.check_pair(intensity.len(), weights.as_ref().map(|w| w.len()))?;
    channel_flags(channels.iter().copied(), shape.nchan)?;
    let n = shape.ntime;
    for &c in channels {
        intensity[c * n..(c + 1) * n].fill(f32::NAN);
    }
    if let Some(w) = weights {
        for &c in channels {
            w[c * n..(c + 1) * n].fill(0.0);
        }
    }
    Ok(())
}

/// One flag per channel of `nchan`, set for the channels listed; a channel outside the band is an error.
pub fn channel_flags(channels: impl IntoIterator<Item = usize>, nchan: usize) -> CoreResult<Vec<bool>> {
    let mut flags = vec![false; nchan];
    for c in channels {
        match flags.get_mut(c) {
            Some(flag) => *flag = true,
            None => bail!(code::RANGE, "cannot mask channel {c}: the waterfall has channels 0..{}", nchan.saturating_sub(1)),
        }
    }
    Ok(flags)
}

/// Turns samples that are exactly zero into NaN with weight 0; returns how many.
pub fn zeros_to_nan(intensity: &mut [f32], weights: Option<&mut [f32]>, shape: Shape) -> CoreResult<usize> {
    shape.check_pair(intensity.len(), weights.as_ref().map(|w| w.len()))?;
    let n = shape.ntime;
    let blank_row = |x: &mut [f32], mut w: Option<&mut [f32]>| {
        let mut count = 0;
        for j in 0..x.len() {
            if x[j] == 0.0 {
                x[j] = f32::NAN;
                if let Some(w) = w.as_deref_mut() {
                    w[j] = 0.0;
                }
                count += 1;
            }
        }
        count
    };
    let rows = intensity.par_chunks_mut(n).with_min_len(rows_per_task(n));
    Ok(match weights {
        Some(w) => rows.zip(w.par_chunks_mut(n)).map(|(x, w)| blank_row(x, Some(w))).sum(),
        None => rows.map(|x| blank_row(x, None)).sum(),
    })
}

/// Weights of 1 for every valid sample and 0 for a missing one (NaN, ±inf); with `zeros_missing`,
/// also 0 where the intensity is exactly 0 (the tutorial's rule for data read
/// from disk, where 0 marks a dropped sample).
pub fn valid_weights(intensity: &[f32], zeros_missing: bool) -> Vec<f32> {
    let mut w = vec![0f32; intensity.len()];
    w.par_chunks_mut(1 << 16).zip(intensity.par_chunks(1 << 16)).for_each(|(w, x)| {
        for (w, &x) in w.iter_mut().zip(x) {
            *w = if is_missing(x) || (zeros_missing && x == 0.0) { 0.0 } else { 1.0 };
        }
    });
    w
}

/// Channels without a sample of positive weight; with `zeros_missing`, exact zeros do not count
/// whatever their weight. A row stops at its first such sample, so a normal channel costs one
/// read: serial, as a parallel walk would cost more to start than it saves.
pub fn empty_channels(intensity: &[f32], weights: Weights, zeros_missing: bool, shape: Shape) -> CoreResult<Vec<usize>> {
    shape.check("intensity", intensity.len())?;
    weights.check(shape)?;
    let n = shape.ntime;
    let empty = |(c, x): (usize, &[f32])| {
        let w = weights.slice(c * n..(c + 1) * n);
        let counts = |j: usize| w.at(x[j], j) > 0.0 && !(zeros_missing && x[j] == 0.0);
        (!(0..n).any(counts)).then_some(c)
    };
    Ok(intensity.chunks(n).enumerate().filter_map(empty).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_channels_have_no_sample_of_weight_and_zeros_count_unless_missing() {
        let shape = Shape::new(4, 3).unwrap();
        let x = [0.0, 0.0, 0.0, f32::NAN, 1.0, f32::INFINITY, 0.0, 2.0, 0.0, f32::NAN, f32::NAN, f32::NEG_INFINITY];
        assert_eq!(empty_channels(&x, Weights::Valid, true, shape).unwrap(), vec![0, 3]);
        assert_eq!(empty_channels(&x, Weights::Valid, false, shape).unwrap(), vec![3]);
        assert_eq!(empty_channels(&x, Weights::ValidNonZero, false, shape).unwrap(), vec![0, 3]);
        // an explicit weight of 0 empties a channel; a weighted zero counts only when zeros are values
        let w = [1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0];
        assert_eq!(empty_channels(&x, Weights::Explicit(&w), false, shape).unwrap(), vec![1, 3]);
        assert_eq!(empty_channels(&x, Weights::Explicit(&w), true, shape).unwrap(), vec![0, 1, 2, 3]);
        assert_eq!(empty_channels(&x[..11], Weights::Valid, false, shape).unwrap_err().code, code::SHAPE);
    }

    #[test]
    fn masking_channels_blanks_rows_and_weights() {
        let shape = Shape::new(3, 2).unwrap();
        let mut x = vec![1.0; 6];
        let mut w = vec![1.0; 6];
        mask_channels(&mut x, Some(&mut w), shape, &[2, 0, 2]).unwrap();
        assert!(x[0].is_nan() && x[1].is_nan() && x[4].is_nan() && x[5].is_nan());
        assert_eq!(&x[2..4], &[1.0, 1.0]);
        assert_eq!(w, vec![0.0, 0.0, 1.0, 1.0, 0.0, 0.0]);
        assert_eq!(mask_channels(&mut x, None, shape, &[3]).unwrap_err().code, code::RANGE);
    }

    #[test]
    fn weights_of_valid_samples() {
        let x = [0.0, 1.5, f32::NAN, -0.0, -2.0];
        assert_eq!(valid_weights(&x, true), vec![0.0, 1.0, 0.0, 0.0, 1.0]);
        assert_eq!(valid_weights(&x, false), vec![1.0, 1.0, 0.0, 1.0, 1.0]);
    }

    #[test]
    fn zeros_become_nan() {
        let shape = Shape::new(1, 4).unwrap();
        let mut x = vec![0.0, 1.0, -0.0, 2.0];
        let mut w = vec![1.0; 4];
        assert_eq!(zeros_to_nan(&mut x, Some(&mut w), shape).unwrap(), 2);
        assert!(x[0].is_nan() && x[2].is_nan());
        assert_eq!(w, vec![0.0, 1.0, 0.0, 1.0]);
    }
}
