//! Dedispersion by whole-sample channel shifts.

use napi::bindgen_prelude::{Float32ArraySlice, Float64Array};
use napi::Env;
use napi_derive::napi;
use wfall_core::dedisperse;

use crate::boundary::{borrow_mut, count, guard};
use crate::options::{shape, shifts, Axes, Dedispersion, Grid};

pub(crate) fn as_f64(shifts: Vec<i64>) -> Float64Array {
    Float64Array::new(shifts.into_iter().map(|s| s as f64).collect())
}

/// The shift of each channel in samples (positive = toward earlier time) that `dedisperse` would apply.
#[napi]
pub fn channel_shifts(env: Env, nchan: f64, axes: Axes, dedispersion: Dedispersion) -> napi::Result<Float64Array> {
    guard(&env, || Ok(as_f64(shifts(&axes, count(nchan, "nchan")?, &dedispersion)?.0)))
}

/// Dedisperses in place (weights move with the data); returns each channel's shift in samples.
#[napi]
pub fn dedisperse(
    env: Env,
    mut intensity: Float32ArraySlice,
    mut weights: Option<Float32ArraySlice>,
    grid: Grid,
    axes: Axes,
    dedispersion: Dedispersion,
) -> napi::Result<Float64Array> {
    guard(&env, || {
        let shape = shape(&grid)?;
        let (x, w) = borrow_mut(&mut intensity, weights.as_mut())?;
        let (shifts, wrap) = shifts(&axes, shape.nchan, &dedispersion)?;
        dedisperse::apply_shifts(x, w, shape, &shifts, wrap)?;
        Ok(as_f64(shifts))
    })
}
