//! Per-channel statistics, the time series and percentiles.

use napi::bindgen_prelude::Float64Array;
use napi::Env;
use napi_derive::napi;
use wfall_core::{percentile, stats};

use crate::boundary::guard;
use crate::options::{shape, spans, weights_of, CellRange, Grid};

/// Per-channel count, sum, mean and population variance of valid samples.
#[napi(object)]
pub struct ChannelMoments {
    pub count: Float64Array,
    pub sum: Float64Array,
    pub mean: Float64Array,
    pub variance: Float64Array,
}

#[napi]
pub fn channel_moments(
    env: Env,
    intensity: &[f32],
    weights: Option<&[f32]>,
    zeros_missing: Option<bool>,
    grid: Grid,
) -> napi::Result<ChannelMoments> {
    guard(&env, || {
        let m = stats::channel_moments(intensity, weights_of(weights, zeros_missing), shape(&grid)?)?;
        Ok(ChannelMoments {
            count: Float64Array::new(m.count),
            sum: Float64Array::new(m.sum),
            mean: Float64Array::new(m.mean),
            variance: Float64Array::new(m.variance),
        })
    })
}

/// Per-channel median and median absolute deviation (unscaled) of valid samples.
#[napi(object)]
pub struct ChannelMedians {
    pub median: Float64Array,
    pub mad: Float64Array,
}

#[napi]
pub fn channel_medians(
    env: Env,
    intensity: &[f32],
    weights: Option<&[f32]>,
    zeros_missing: Option<bool>,
    grid: Grid,
) -> napi::Result<ChannelMedians> {
    guard(&env, || {
        let m = stats::channel_medians(intensity, weights_of(weights, zeros_missing), shape(&grid)?)?;
        Ok(ChannelMedians { median: Float64Array::new(m.median), mad: Float64Array::new(m.mad) })
    })
}

/// Whether any sample is exactly 0 (+0 or -0).
#[napi]
pub fn contains_zero(values: &[f32]) -> bool {
    wfall_core::weights::contains_zero(values)
}

/// Sum over channels of every sample, skipping missing (NaN, ±inf) ones.
#[napi]
pub fn timeseries(env: Env, intensity: &[f32], grid: Grid) -> napi::Result<Float64Array> {
    guard(&env, || Ok(Float64Array::new(stats::timeseries(intensity, shape(&grid)?)?)))
}

/// numpy's linear-method percentiles of the finite values of a block (NaN when it has none).
#[napi]
pub fn percentiles(env: Env, intensity: &[f32], grid: Grid, range: CellRange, qs: Vec<f64>) -> napi::Result<Vec<f64>> {
    guard(&env, || {
        let (channels, samples) = spans(&range)?;
        percentile::block_percentiles(intensity, shape(&grid)?, channels, samples, &qs)
    })
}
