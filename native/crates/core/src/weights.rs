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
