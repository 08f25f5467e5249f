//! The shape of a waterfall: `nchan` rows (row 0 = lowest frequency) of
//! `ntime` samples, stored row-major in one contiguous `f32` buffer.

use crate::bail;
use crate::error::{code, CoreResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub nchan: usize,
    pub ntime: usize,
}

impl Shape {
    /// A non-empty shape whose element count fits in memory.
    pub fn new(nchan: usize, ntime: usize) -> CoreResult<Self> {
        if nchan == 0 || ntime == 0 {
            bail!(code::SHAPE, "waterfall shape must be non-empty, got {nchan} channels x {ntime} samples");
        }
        if nchan.checked_mul(ntime).is_none() {
            bail!(code::SHAPE, "waterfall shape {nchan} x {ntime} overflows");
        }
        Ok(Self { nchan, ntime })
    }

    pub fn len(&self) -> usize {
        self.nchan * self.ntime
    }

    /// Never true: a shape has at least one channel and one sample.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Checks that a buffer called `what` holds exactly `nchan * ntime` values.
    pub fn check(&self, what: &str, len: usize) -> CoreResult<()> {
        if len != self.len() {
            bail!(code::SHAPE, "{what} has {len} values but the shape {} x {} needs {}", self.nchan, self.ntime, self.len());
        }
        Ok(())
    }

    /// Checks the intensity buffer and, when given, the weights beside it.
    pub fn check_pair(&self, intensity: usize, weights: Option<usize>) -> CoreResult<()> {
        self.check("intensity", intensity)?;
        if let Some(w) = weights {
            self.check("weights", w)?;
        }
        Ok(())
    }
}

/// A half-open range `[start, end)` of channels or samples inside a waterfall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// Validates `[start, end)` against an axis of length `len`; `what` names the axis.
    pub fn within(start: usize, end: usize, len: usize, what: &str) -> CoreResult<Self> {
        if start >= end || end > len {
            bail!(code::RANGE, "{what} range [{start}, {end}) is empty or outside 0..{len}");
        }
        Ok(Self { start, end })
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// Refuses two buffers that are written to while sharing memory.
pub fn check_disjoint(a: &[f32], b: &[f32]) -> CoreResult<()> {
    let (a0, a1) = (a.as_ptr() as usize, a.as_ptr() as usize + std::mem::size_of_val(a));
    let (b0, b1) = (b.as_ptr() as usize, b.as_ptr() as usize + std::mem::size_of_val(b));
    if !a.is_empty() && !b.is_empty() && a0 < b1 && b0 < a1 {
        bail!(code::ALIAS, "intensity and weights share memory; pass two separate arrays");
    }
    Ok(())
}

/// Below this many values, threads cost more than they save.
pub const PARALLEL_MIN_VALUES: usize = 1 << 16;

/// Rows per rayon task so that each task touches at least `PARALLEL_MIN_VALUES`.
pub fn rows_per_task(ntime: usize) -> usize {
    (PARALLEL_MIN_VALUES / ntime.max(1)).max(1)
}
