//! Burst measurements: S/N and width by a named definition, the boxcar peak,
//! the DM-time plane, and the best DM by S/N and by structure.
//!
//! One module per job:
//! - [`robust`]: median, MAD and percentiles of a series, skipping missing samples;
//! - [`boxcar`]: boxcar sums by prefix sums, the search every boxcar definition shares;
//! - [`snr`]: S/N and width by a named definition (`heimdall`, `presto`, `peak`, `weq`);
//! - [`peak`]: the boxcar peak, the default window centre of a figure;
//! - [`plane`]: the DM-time plane (brute force, or two-stage subband dedispersion);
//! - [`dm_snr`]: the S/N-vs-DM curve and the DM that maximises S/N;
//! - [`dm_phase`]: the DM that maximises structure (DM_phase's coherent power).
//!
//! Inputs follow the rest of the core: a waterfall `[nchan][ntime]` f32, row 0 the lowest
//! frequency, its weights (explicit or implied), a [`FrequencyAxis`] of channel centres, the
//! sample time, the DM the data are at now, the dispersion constant and the reference frequency
//! (as [`crate::dedisperse::DedispersePlan`]). Trial DMs are absolute; each trial shifts channel
//! `i` by `round(K_DM·(dm_trial − dm_now)·(f_i^-2 − f_ref^-2)/dt)` samples, exactly as
//! [`crate::dedisperse::channel_shifts`] does. A sample counts when it is finite and its weight
//! is positive: a weight-0 sample is treated as missing; weights do not scale the values (as
//! `stats::timeseries`, a plain sum of the samples that count).

pub mod boxcar;
pub mod dm_phase;
pub mod dm_snr;
pub mod peak;
pub mod plane;
mod poly;
pub mod robust;
pub mod snr;

use crate::bail;
use crate::dedisperse::{channel_shifts, DedispersePlan, FrequencyAxis, Reference, Wrap};
use crate::error::{code, CoreResult};
use crate::shape::Shape;
use crate::weights::Weights;

/// A read-only waterfall with everything a measurement needs to know about its axes.
#[derive(Debug, Clone, Copy)]
pub struct WaterfallView<'a> {
    pub intensity: &'a [f32],
    pub weights: Weights<'a>,
    pub shape: Shape,
    pub axis: FrequencyAxis,
    /// Sample time in seconds.
    pub dt_s: f64,
}

impl<'a> WaterfallView<'a> {
    /// Checks the buffers against the shape, the axis against `nchan` and `dt`.
    pub fn check(&self) -> CoreResult<()> {
        self.shape.check("intensity", self.intensity.len())?;
        self.weights.check(self.shape)?;
        if self.axis.nchan != self.shape.nchan {
            bail!(code::SHAPE, "the frequency axis has {} channels but the waterfall {}", self.axis.nchan, self.shape.nchan);
        }
        if !(self.dt_s.is_finite() && self.dt_s > 0.0) {
            bail!(code::ARGUMENT, "dt must be a positive number of seconds, got {}", self.dt_s);
        }
        Ok(())
    }

    /// Channel `c`'s intensity and weights.
    pub(crate) fn row(&self, c: usize) -> (&'a [f32], Weights<'a>) {
        let n = self.shape.ntime;
        (&self.intensity[c * n..(c + 1) * n], self.weights.slice(c * n..(c + 1) * n))
    }

    /// Channel `c` with every sample that does not count (missing, or weight 0) set to 0.
    pub(crate) fn clean_row_into(&self, c: usize, out: &mut [f32]) {
        let (x, w) = self.row(c);
        for (j, (o, &v)) in out.iter_mut().zip(x).enumerate() {
            *o = if w.at(v, j) > 0.0 { v } else { 0.0 };
        }
    }
}

/// How the data are dispersed now and how a trial DM is removed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dispersion {
    /// The DM the data are dedispersed to now (pc cm^-3).
    pub dm_now: f64,
    /// Dispersion constant in MHz² s cm³ / pc.
    pub k_dm: f64,
    pub reference: Reference,
    /// What happens to samples shifted past the end (as in `dedisperse`).
    pub wrap: Wrap,
}

/// A uniform grid of trial DMs: `dm(j) = start + j·step`, `j = 0..count`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DmGrid {
    pub start: f64,
    pub step: f64,
    pub count: usize,
}

impl DmGrid {
    /// `count` trials from `dm_now − half_range` to `dm_now + half_range` (both included).
    pub fn centred(dm_now: f64, half_range: f64, count: usize) -> Self {
        let step = if count > 1 { 2.0 * half_range / (count - 1) as f64 } else { 0.0 };
        Self { start: dm_now - half_range, step, count }
    }

    /// The `j`-th trial DM, `start + j·step` (the napi side returns these so that
    /// `dedisperse(dms[j])` uses the very same number).
    pub fn dm(&self, j: usize) -> f64 {
        self.start + j as f64 * self.step
    }

    pub fn dms(&self) -> Vec<f64> {
        (0..self.count).map(|j| self.dm(j)).collect()
    }

    pub fn check(&self, min_count: usize) -> CoreResult<()> {
        if self.count < min_count.max(1) {
            bail!(code::ARGUMENT, "need at least {} trial DMs, got {}", min_count.max(1), self.count);
        }
        if !(self.start.is_finite() && self.step.is_finite() && self.dm(self.count - 1).is_finite()) {
            bail!(code::DM_RANGE, "trial DMs must be finite, got start {} step {}", self.start, self.step);
        }
        if self.count > 1 && self.step <= 0.0 {
            bail!(code::ARGUMENT, "the DM step must be positive, got {}", self.step);
        }
        Ok(())
    }
}

impl Dispersion {
    pub(crate) fn check(&self) -> CoreResult<()> {
        if !self.dm_now.is_finite() {
            bail!(code::DM_RANGE, "the current DM must be finite, got {}", self.dm_now);
        }
        Ok(())
    }

    /// The dedispersion plan that takes the data from `dm_now` to `dm`.
    pub fn plan(&self, dm: f64, dt_s: f64) -> DedispersePlan {
        DedispersePlan { delta_dm: dm - self.dm_now, k_dm: self.k_dm, reference: self.reference, dt_s }
    }

    /// Per-channel shifts (samples toward earlier time) of every trial: `[count][nchan]`.
    pub fn trial_shifts(&self, axis: &FrequencyAxis, dt_s: f64, grid: &DmGrid) -> CoreResult<Vec<Vec<i64>>> {
        (0..grid.count).map(|j| channel_shifts(axis, &self.plan(grid.dm(j), dt_s))).collect()
    }

    /// `K_DM·(f_i^-2 − f_ref^-2)` of every channel: the delay in seconds per unit DM.
    pub fn delays_per_dm(&self, axis: &FrequencyAxis, dt_s: f64) -> CoreResult<Vec<f64>> {
        channel_shifts(axis, &self.plan(self.dm_now, dt_s))?; // validates the constant and dt
        let inv_ref = axis.inverse_square_reference(self.reference)?;
        Ok((0..axis.nchan).map(|i| self.k_dm * (axis.freq(i).powi(-2) - inv_ref)).collect())
    }
}
