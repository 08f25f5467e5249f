//! Weighted block means: subbands, downsampling, and the fused dedisperse-subband.

use napi::bindgen_prelude::Float32Array;
use napi::Env;
use napi_derive::napi;
use wfall_core::blocks::{self, Averaged};

use wfall_core::CoreResult;

use crate::boundary::{count, guard, signed};
use crate::options::{shape, shifts, weights_of, wrap_of, Axes, Dedispersion, Grid, Wrap};

/// A new, smaller waterfall with its weights.
#[napi(object)]
pub struct Reduced {
    pub intensity: Float32Array,
    pub weights: Float32Array,
    pub nchan: u32,
    pub ntime: u32,
}

pub(crate) fn reduced(a: Averaged) -> Reduced {
    Reduced {
        nchan: a.shape.nchan as u32,
        ntime: a.shape.ntime as u32,
        intensity: Float32Array::new(a.intensity),
        weights: Float32Array::new(a.weights),
    }
}

/// Weighted mean over valid samples of `nchan / nsub` adjacent channels.
#[napi]
pub fn subband(
    env: Env,
    intensity: &[f32],
    weights: Option<&[f32]>,
    zeros_missing: Option<bool>,
    grid: Grid,
    nsub: f64,
) -> napi::Result<Reduced> {
    guard(&env, || Ok(reduced(blocks::subband(intensity, weights_of(weights, zeros_missing), shape(&grid)?, count(nsub, "nsub")?)?)))
}

/// `dedisperse` then `subband` in one pass: reads the input once and leaves it unchanged.
/// `leftOut`: channels not read, as if they held only missing samples (already masked: their NaN need not be read).
#[napi]
#[allow(clippy::too_many_arguments)]
pub fn dedisperse_subband(
    env: Env,
    intensity: &[f32],
    weights: Option<&[f32]>,
    zeros_missing: Option<bool>,
    grid: Grid,
    axes: Axes,
    dedispersion: Dedispersion,
    nsub: f64,
    left_out: Option<Vec<u32>>,
) -> napi::Result<Reduced> {
    guard(&env, || {
        let shape = shape(&grid)?;
        let (shifts, wrap) = shifts(&axes, shape.nchan, &dedispersion)?;
        let weights = weights_of(weights, zeros_missing);
        let left_out: Vec<usize> = left_out.unwrap_or_default().into_iter().map(|c| c as usize).collect();
        Ok(reduced(blocks::dedisperse_subband_without(intensity, weights, shape, &shifts, wrap, count(nsub, "nsub")?, &left_out)?))
    })
}

/// `dedisperseSubband` with given per-channel shifts (samples, positive = toward earlier time), as
/// `channelShifts` computes them for the whole band: a block of channels cut from a larger
/// waterfall is shifted exactly as it would be in place.
#[napi]
#[allow(clippy::too_many_arguments)]
pub fn dedisperse_subband_by(
    env: Env,
    intensity: &[f32],
    weights: Option<&[f32]>,
    zeros_missing: Option<bool>,
    grid: Grid,
    shifts: &[f64],
    wrap: Option<Wrap>,
    nsub: f64,
) -> napi::Result<Reduced> {
    guard(&env, || {
        let shape = shape(&grid)?;
        let shifts = shifts.iter().map(|&s| signed(s, "shift")).collect::<CoreResult<Vec<i64>>>()?;
        let wrap = wrap_of(&wrap);
        let weights = weights_of(weights, zeros_missing);
        Ok(reduced(blocks::dedisperse_subband(intensity, weights, shape, &shifts, wrap, count(nsub, "nsub")?)?))
    })
}

/// Weighted mean over valid samples of `factor` adjacent samples (a partial tail is dropped).
#[napi]
pub fn downsample(
    env: Env,
    intensity: &[f32],
    weights: Option<&[f32]>,
    zeros_missing: Option<bool>,
    grid: Grid,
    factor: f64,
) -> napi::Result<Reduced> {
    guard(&env, || Ok(reduced(blocks::downsample(intensity, weights_of(weights, zeros_missing), shape(&grid)?, count(factor, "factor")?)?)))
}
