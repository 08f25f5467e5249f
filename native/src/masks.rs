//! Channel masks, implied weights and per-channel normalisation, in place.

use napi::bindgen_prelude::{Float32Array, Float32ArraySlice};
use napi::Env;
use napi_derive::napi;
use wfall_core::{masks, normalise, CoreResult};

use crate::boundary::{borrow_mut, count, guard};
use crate::options::{normalisation, shape, weights_of, Grid, Normalisation};

/// Weights of 1 for valid samples and 0 for missing ones (and, with `zerosMissing`, for exact zeros).
#[napi]
pub fn valid_weights(env: Env, intensity: &[f32], zeros_missing: bool) -> napi::Result<Float32Array> {
    guard(&env, || Ok(Float32Array::new(masks::valid_weights(intensity, zeros_missing))))
}

/// Channels without a sample of positive weight (a missing sample has none); with
/// `zerosMissing`, exact zeros do not count whatever their weight.
#[napi]
pub fn empty_channels(env: Env, intensity: &[f32], weights: Option<&[f32]>, zeros_missing: bool, grid: Grid) -> napi::Result<Vec<u32>> {
    guard(&env, || {
        let empty = masks::empty_channels(intensity, weights_of(weights, None), zeros_missing, shape(&grid)?)?;
        Ok(empty.into_iter().map(|c| c as u32).collect())
    })
}

/// Sets the listed channels to NaN with weight 0.
#[napi]
pub fn mask_channels(
    env: Env,
    mut intensity: Float32ArraySlice,
    mut weights: Option<Float32ArraySlice>,
    grid: Grid,
    channels: Vec<f64>,
) -> napi::Result<()> {
    guard(&env, || {
        let shape = shape(&grid)?;
        let channels = channels.iter().map(|&c| count(c, "channel")).collect::<CoreResult<Vec<_>>>()?;
        let (x, w) = borrow_mut(&mut intensity, weights.as_mut())?;
        masks::mask_channels(x, w, shape, &channels)
    })
}

/// Turns exact zeros into NaN with weight 0; returns how many.
#[napi]
pub fn zeros_to_nan(env: Env, mut intensity: Float32ArraySlice, mut weights: Option<Float32ArraySlice>, grid: Grid) -> napi::Result<u32> {
    guard(&env, || {
        let shape = shape(&grid)?;
        let (x, w) = borrow_mut(&mut intensity, weights.as_mut())?;
        Ok(masks::zeros_to_nan(x, w, shape)? as u32)
    })
}

/// Normalises each channel; returns how many channels could not be normalised and were masked.
#[napi]
pub fn normalise(
    env: Env,
    mut intensity: Float32ArraySlice,
    mut weights: Option<Float32ArraySlice>,
    grid: Grid,
    method: Normalisation,
) -> napi::Result<u32> {
    guard(&env, || {
        let shape = shape(&grid)?;
        let (x, w) = borrow_mut(&mut intensity, weights.as_mut())?;
        Ok(normalise::normalise(x, w, shape, normalisation(&method))? as u32)
    })
}
