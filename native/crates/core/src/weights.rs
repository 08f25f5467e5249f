//! The weight of each sample: from an array beside the intensity, or implied
//! by the intensity itself (so a full-resolution waterfall needs no second
//! array of its size). A missing sample (NaN, or ±inf from an overflow or a
//! division by zero upstream) always has weight 0.

use std::ops::Range;

use crate::error::CoreResult;
use crate::shape::Shape;

/// Whether a sample is missing: NaN or infinite. Every statistic skips these,
/// so one overflowed sample cannot become the burst or the colour limit.
#[inline]
pub fn is_missing(x: f32) -> bool {
    !x.is_finite()
}

/// Whether any sample is exactly 0 (either sign): under the zero-means-missing rule such data
/// need their weights made explicit before values change. 64 samples at a time, without a branch inside, so the compiler
/// vectorises it (4-5x `Float32Array.prototype.includes(0)` on 256 MiB).
pub fn contains_zero(values: &[f32]) -> bool {
    let chunks = values.chunks_exact(64);
    let tail = chunks.remainder().contains(&0.0);
    tail || chunks.into_iter().any(|lanes| lanes.iter().fold(false, |found, &v| found | (v == 0.0)))
}

#[derive(Debug, Clone, Copy)]
pub enum Weights<'a> {
    /// An array of weights in [0, 1] beside the intensity.
    Explicit(&'a [f32]),
    /// 1 for every sample that is not missing.
    Valid,
    /// 1 for every sample that is neither missing nor exactly 0: the tutorial's rule
    /// for data read from disk, where 0 marks a dropped sample.
    ValidNonZero,
}

impl<'a> Weights<'a> {
    /// Checks an explicit array against the shape.
    pub fn check(&self, shape: Shape) -> CoreResult<()> {
        match self {
            Weights::Explicit(w) => shape.check("weights", w.len()),
            _ => Ok(()),
        }
    }

    /// The weights of samples `range` (indices into the whole waterfall).
    pub fn slice(&self, range: Range<usize>) -> Weights<'a> {
        match *self {
            Weights::Explicit(w) => Weights::Explicit(&w[range]),
            other => other,
        }
    }

    /// The weight of sample `j` (of this slice) whose intensity is `x`.
    #[inline]
    pub fn at(&self, x: f32, j: usize) -> f64 {
        if is_missing(x) {
            return 0.0;
        }
        match self {
            Weights::Explicit(w) if w[j] > 0.0 => w[j] as f64,
            Weights::Explicit(_) => 0.0,
            Weights::Valid => 1.0,
            Weights::ValidNonZero => (x != 0.0) as u8 as f64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_zero_of_either_sign_anywhere() {
        assert!(!contains_zero(&[]));
        for n in [1usize, 7, 8, 9, 17, 64] {
            let mut v = vec![1.5f32; n];
            assert!(!contains_zero(&v), "{n} ones");
            for at in [0, n / 2, n - 1] {
                for zero in [0.0f32, -0.0] {
                    v[at] = zero;
                    assert!(contains_zero(&v), "{zero} at {at} of {n}");
                    v[at] = f32::NAN;
                    assert!(!contains_zero(&v), "NaN is not a zero");
                    v[at] = 1.5;
                }
            }
        }
    }
}
