//! Operations on whole waterfalls (`[nchan][ntime]` float32, row 0 lowest frequency).

use napi::bindgen_prelude::{Float32Array, Float32ArraySlice, Float64Array};
use napi::Env;
use napi_derive::napi;
use wfall_core::blocks::{self, Averaged};
use wfall_core::dedisperse::{self, DedispersePlan, FrequencyAxis, Reference, Wrap};
use wfall_core::error::code;
use wfall_core::normalise::{self, Normalisation};
use wfall_core::shape::Span;
use wfall_core::weights::Weights;
use wfall_core::{bail, masks, percentile, stats, CoreResult};

use crate::boundary::{borrow_mut, count, guard, shape};

/// How to dedisperse: the DM step, the constant, the reference and the axes.
#[napi(object)]
pub struct DedisperseOptions {
    /// Target DM minus the current DM (pc cm^-3).
    pub delta_dm: f64,
    /// Dispersion constant in MHz² s cm³ / pc (CHIME: 1/2.41e-4).
    pub k_dm: f64,
    /// "top" | "bottom" | "centre" | "infinite" | "mhz" (then `reference_mhz`).
    pub reference: String,
    pub reference_mhz: Option<f64>,
    /// "roll" (circular, like np.roll) or "invalidate" (wrapped samples become NaN, weight 0).
    pub wrap: String,
    /// Sample time (s), lowest channel frequency and channel width (MHz).
    pub dt: f64,
    pub fbottom: f64,
    pub df: f64,
}

fn reference(name: &str, mhz: Option<f64>) -> CoreResult<Reference> {
    Ok(match (name, mhz) {
        ("top", _) => Reference::Top,
        ("bottom", _) => Reference::Bottom,
        ("centre" | "center", _) => Reference::Centre,
        ("infinite", _) => Reference::Infinite,
        ("mhz", Some(f)) => Reference::Mhz(f),
        _ => bail!(code::ARGUMENT, "reference must be top, bottom, centre, infinite or a frequency in MHz, got '{name}'"),
    })
}

fn wrap(name: &str) -> CoreResult<Wrap> {
    Ok(match name {
        "roll" => Wrap::Roll,
        "invalidate" => Wrap::Invalidate,
        _ => bail!(code::ARGUMENT, "wrap must be 'roll' or 'invalidate', got '{name}'"),
    })
}

/// The weights of a read-only call: the array when given, else implied by the
/// intensity (0 for NaN, and for exact zeros when `zeros_missing`).
fn weights_of<'a>(weights: Option<&'a [f32]>, zeros_missing: Option<bool>) -> Weights<'a> {
    match (weights, zeros_missing) {
        (Some(w), _) => Weights::Explicit(w),
        (None, Some(true)) => Weights::ValidNonZero,
        (None, _) => Weights::Valid,
    }
}

/// The per-channel shifts and the wrap mode the options describe.
pub(crate) fn shifts_for(options: &DedisperseOptions, nchan: usize) -> CoreResult<(Vec<i64>, Wrap)> {
    let axis = FrequencyAxis::new(options.fbottom, options.df, nchan)?;
    let plan = DedispersePlan {
        delta_dm: options.delta_dm,
        k_dm: options.k_dm,
        reference: reference(&options.reference, options.reference_mhz)?,
        dt_s: options.dt,
    };
    Ok((dedisperse::channel_shifts(&axis, &plan)?, wrap(&options.wrap)?))
}

fn as_f64(shifts: Vec<i64>) -> Float64Array {
    Float64Array::new(shifts.into_iter().map(|s| s as f64).collect())
}

/// The shift of each channel in samples (positive = toward earlier time) that
/// `dedisperse` would apply.
#[napi]
pub fn channel_shifts(env: Env, nchan: f64, options: DedisperseOptions) -> napi::Result<Float64Array> {
    guard(&env, || Ok(as_f64(shifts_for(&options, count(nchan, "nchan")?)?.0)))
}

/// Dedisperses in place (weights move with the data); returns the shift of
/// each channel in samples (positive = moved toward earlier time).
#[napi]
pub fn dedisperse(
    env: Env,
    mut intensity: Float32ArraySlice,
    mut weights: Option<Float32ArraySlice>,
    nchan: f64,
    ntime: f64,
    options: DedisperseOptions,
) -> napi::Result<Float64Array> {
    guard(&env, || {
        let shape = shape(nchan, ntime)?;
        let (x, w) = borrow_mut(&mut intensity, weights.as_mut())?;
        let (shifts, wrap) = shifts_for(&options, shape.nchan)?;
        dedisperse::apply_shifts(x, w, shape, &shifts, wrap)?;
        Ok(as_f64(shifts))
    })
}

/// A new, smaller waterfall with its weights.
#[napi(object)]
pub struct Block {
    pub intensity: Float32Array,
    pub weights: Float32Array,
    pub nchan: u32,
    pub ntime: u32,
}

pub(crate) fn block(a: Averaged) -> Block {
    Block {
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
    nchan: f64,
    ntime: f64,
    nsub: f64,
) -> napi::Result<Block> {
    guard(&env, || Ok(block(blocks::subband(intensity, weights_of(weights, zeros_missing), shape(nchan, ntime)?, count(nsub, "nsub")?)?)))
}

/// `dedisperse` then `subband` in one pass: reads the input once and leaves it unchanged.
#[napi]
#[allow(clippy::too_many_arguments)]
pub fn dedisperse_subband(
    env: Env,
    intensity: &[f32],
    weights: Option<&[f32]>,
    zeros_missing: Option<bool>,
    nchan: f64,
    ntime: f64,
    options: DedisperseOptions,
    nsub: f64,
) -> napi::Result<Block> {
    guard(&env, || {
        let shape = shape(nchan, ntime)?;
        let (shifts, wrap) = shifts_for(&options, shape.nchan)?;
        let weights = weights_of(weights, zeros_missing);
        Ok(block(blocks::dedisperse_subband(intensity, weights, shape, &shifts, wrap, count(nsub, "nsub")?)?))
    })
}

/// Weights of 1 for valid samples and 0 for NaN (and, with `zerosMissing`, for exact zeros).
#[napi]
pub fn valid_weights(env: Env, intensity: &[f32], zeros_missing: bool) -> napi::Result<Float32Array> {
    guard(&env, || Ok(Float32Array::new(masks::valid_weights(intensity, zeros_missing))))
}

/// Reads every value once, in parallel (the benchmarks' memory-bandwidth probe); returns their sum.
#[napi]
pub fn read_all(env: Env, values: &[f32]) -> napi::Result<f64> {
    guard(&env, || Ok(wfall_core::probe::read_all(values)))
}

/// Weighted mean over valid samples of `factor` adjacent samples (a partial tail is dropped).
#[napi]
pub fn downsample(
    env: Env,
    intensity: &[f32],
    weights: Option<&[f32]>,
    zeros_missing: Option<bool>,
    nchan: f64,
    ntime: f64,
    factor: f64,
) -> napi::Result<Block> {
    guard(&env, || {
        Ok(block(blocks::downsample(intensity, weights_of(weights, zeros_missing), shape(nchan, ntime)?, count(factor, "factor")?)?))
    })
}

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
    nchan: f64,
    ntime: f64,
) -> napi::Result<ChannelMoments> {
    guard(&env, || {
        let m = stats::channel_moments(intensity, weights_of(weights, zeros_missing), shape(nchan, ntime)?)?;
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
    nchan: f64,
    ntime: f64,
) -> napi::Result<ChannelMedians> {
    guard(&env, || {
        let m = stats::channel_medians(intensity, weights_of(weights, zeros_missing), shape(nchan, ntime)?)?;
        Ok(ChannelMedians { median: Float64Array::new(m.median), mad: Float64Array::new(m.mad) })
    })
}

/// Sets the listed channels to NaN with weight 0, in place.
#[napi]
pub fn mask_channels(
    env: Env,
    mut intensity: Float32ArraySlice,
    mut weights: Option<Float32ArraySlice>,
    nchan: f64,
    ntime: f64,
    channels: Vec<f64>,
) -> napi::Result<()> {
    guard(&env, || {
        let shape = shape(nchan, ntime)?;
        let channels = channels.iter().map(|&c| count(c, "channel")).collect::<CoreResult<Vec<_>>>()?;
        let (x, w) = borrow_mut(&mut intensity, weights.as_mut())?;
        masks::mask_channels(x, w, shape, &channels)
    })
}

/// Turns exact zeros into NaN with weight 0, in place; returns how many.
#[napi]
pub fn zeros_to_nan(
    env: Env,
    mut intensity: Float32ArraySlice,
    mut weights: Option<Float32ArraySlice>,
    nchan: f64,
    ntime: f64,
) -> napi::Result<f64> {
    guard(&env, || {
        let shape = shape(nchan, ntime)?;
        let (x, w) = borrow_mut(&mut intensity, weights.as_mut())?;
        Ok(masks::zeros_to_nan(x, w, shape)? as f64)
    })
}

/// Normalises each channel in place ("fractional", "zscore" or "robust");
/// returns how many channels could not be normalised and were masked.
#[napi]
pub fn normalise(
    env: Env,
    mut intensity: Float32ArraySlice,
    mut weights: Option<Float32ArraySlice>,
    nchan: f64,
    ntime: f64,
    method: String,
) -> napi::Result<f64> {
    guard(&env, || {
        let shape = shape(nchan, ntime)?;
        let method = match method.as_str() {
            "fractional" => Normalisation::Fractional,
            "zscore" => Normalisation::Zscore,
            "robust" => Normalisation::Robust,
            other => bail!(code::ARGUMENT, "normalisation must be fractional, zscore or robust, got '{other}'"),
        };
        let (x, w) = borrow_mut(&mut intensity, weights.as_mut())?;
        Ok(normalise::normalise(x, w, shape, method)? as f64)
    })
}

/// Sum over channels of every sample, skipping missing (NaN, ±inf) ones.
#[napi]
pub fn timeseries(env: Env, intensity: &[f32], nchan: f64, ntime: f64) -> napi::Result<Float64Array> {
    guard(&env, || Ok(Float64Array::new(stats::timeseries(intensity, shape(nchan, ntime)?)?)))
}

/// A block of a waterfall: channels `[channelStart, channelEnd)` x samples `[sampleStart, sampleEnd)`.
#[napi(object)]
pub struct BlockRange {
    pub channel_start: f64,
    pub channel_end: f64,
    pub sample_start: f64,
    pub sample_end: f64,
}

pub(crate) fn spans(range: &BlockRange) -> CoreResult<(Span, Span)> {
    Ok((
        Span { start: count(range.channel_start, "channelStart")?, end: count(range.channel_end, "channelEnd")? },
        Span { start: count(range.sample_start, "sampleStart")?, end: count(range.sample_end, "sampleEnd")? },
    ))
}

/// numpy's linear-method percentiles of the finite values of a block (NaN when it has none).
#[napi]
pub fn percentiles(env: Env, intensity: &[f32], nchan: f64, ntime: f64, range: BlockRange, qs: Vec<f64>) -> napi::Result<Vec<f64>> {
    guard(&env, || {
        let (channels, samples) = spans(&range)?;
        percentile::block_percentiles(intensity, shape(nchan, ntime)?, channels, samples, &qs)
    })
}
