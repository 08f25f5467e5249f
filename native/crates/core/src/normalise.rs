//! Per-channel normalisation, in place. Statistics use the channel's valid
//! samples (finite, weight > 0); every non-NaN sample is transformed. A
//! channel that cannot be normalised (no valid sample, or a zero mean, standard
//! deviation or MAD) is masked: NaN with weight 0.

use rayon::prelude::*;

use crate::error::CoreResult;
use crate::shape::{rows_per_task, Shape};
use crate::stats::{row_medians, row_moments};
use crate::weights::Weights;

/// Scale factor from the MAD to the standard deviation of a Gaussian.
pub const MAD_TO_SIGMA: f64 = 1.4826;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Normalisation {
    /// `x / mean - 1` (fractional deviation from the channel's mean; CHIME's `scale_chime_data`).
    Fractional,
    /// `(x - mean) / std`.
    Zscore,
    /// `(x - median) / (1.4826 * MAD)`.
    Robust,
}

/// Normalises each channel; returns the number of channels it had to mask.
pub fn normalise(intensity: &mut [f32], weights: Option<&mut [f32]>, shape: Shape, method: Normalisation) -> CoreResult<usize> {
    shape.check_pair(intensity.len(), weights.as_ref().map(|w| w.len()))?;
    let n = shape.ntime;
    let rows = intensity.par_chunks_mut(n).with_min_len(rows_per_task(n));
    Ok(match weights {
        Some(w) => rows.zip(w.par_chunks_mut(n)).map_init(Vec::new, |scratch, (x, w)| normalise_row(x, Some(w), method, scratch)).sum(),
        None => rows.map_init(Vec::new, |scratch, x| normalise_row(x, None, method, scratch)).sum(),
    })
}

/// The affine map a normalisation applies to one channel: `x ↦ (x − centre) / scale − offset`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChannelMap {
    pub centre: f64,
    pub scale: f64,
    pub offset: f64,
}

impl ChannelMap {
    /// The map of a channel with these statistics of its valid samples (`mean` and `variance` for
    /// fractional and zscore, `median` and `mad` for robust); `None` when the channel cannot be
    /// normalised (no valid sample, or a zero or non-finite mean, spread or MAD): it is masked.
    pub fn new(method: Normalisation, mean: f64, variance: f64, median: f64, mad: f64) -> Option<Self> {
        let (centre, scale, offset) = match method {
            Normalisation::Fractional => (0.0, mean, 1.0),
            Normalisation::Zscore => (mean, variance.sqrt(), 0.0),
            Normalisation::Robust => (median, MAD_TO_SIGMA * mad, 0.0),
        };
        (scale.is_finite() && scale != 0.0 && centre.is_finite()).then_some(Self { centre, scale, offset })
    }

    /// The normalised value of a sample (NaN stays NaN).
    #[inline]
    pub fn apply(&self, v: f32) -> f32 {
        ((v as f64 - self.centre) / self.scale - self.offset) as f32
    }
}

/// Returns 1 when the row had to be masked, else 0; `scratch` is reused between rows.
fn normalise_row(x: &mut [f32], w: Option<&mut [f32]>, method: Normalisation, scratch: &mut Vec<f64>) -> usize {
    let map = {
        let w = w.as_deref().map_or(Weights::Valid, Weights::Explicit);
        match method {
            Normalisation::Fractional | Normalisation::Zscore => {
                let (_, _, mean, var) = row_moments(x, w);
                ChannelMap::new(method, mean, var, f64::NAN, f64::NAN)
            }
            Normalisation::Robust => {
                let (median, mad) = row_medians(x, w, scratch);
                ChannelMap::new(method, f64::NAN, f64::NAN, median, mad)
            }
        }
    };
    let Some(map) = map else {
        x.fill(f32::NAN);
        if let Some(w) = w {
            w.fill(0.0);
        }
        return 1;
    };
    for v in x.iter_mut().filter(|v| !v.is_nan()) {
        *v = map.apply(*v);
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractional_zscore_and_robust() {
        let shape = Shape::new(1, 4).unwrap();
        let mut x = vec![1.0, 2.0, 3.0, 6.0];
        normalise(&mut x, None, shape, Normalisation::Fractional).unwrap();
        assert_eq!(x, vec![-1.0 / 3.0 * 2.0, -1.0 / 3.0, 0.0, 1.0]);

        let mut x = vec![1.0, 3.0, f32::NAN, 5.0];
        normalise(&mut x, None, shape, Normalisation::Zscore).unwrap();
        let s = (8.0f64 / 3.0).sqrt();
        assert!((x[0] as f64 + 2.0 / s).abs() < 1e-6 && x[1] == 0.0 && x[2].is_nan());

        let mut x = vec![1.0, 2.0, 4.0, 100.0];
        normalise(&mut x, None, shape, Normalisation::Robust).unwrap();
        // median 3, |dev| = 2,1,1,97 -> MAD 1.5
        assert!((x[0] as f64 - (-2.0 / (1.5 * MAD_TO_SIGMA))).abs() < 1e-6);
    }

    #[test]
    fn statistics_ignore_zero_weight_samples_and_dead_channels_are_masked() {
        let shape = Shape::new(2, 3).unwrap();
        let mut x = vec![2.0, 4.0, 0.0, 5.0, 5.0, 5.0];
        let mut w = vec![1.0, 1.0, 0.0, 1.0, 1.0, 1.0];
        let masked = normalise(&mut x, Some(&mut w), shape, Normalisation::Zscore).unwrap();
        assert_eq!(masked, 1);
        assert_eq!(&x[..3], &[-1.0, 1.0, -3.0]);
        assert!(x[3..].iter().all(|v| v.is_nan()));
        assert_eq!(w, vec![1.0, 1.0, 0.0, 0.0, 0.0, 0.0]);
    }
}
