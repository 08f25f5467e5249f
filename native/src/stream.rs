//! Streaming in time gulps: the first pass of per-channel statistics, the per-channel
//! normalisation maps they give, and the second pass that dedisperses, subbands and downsamples.

use napi::bindgen_prelude::Float64Array;
use napi::Env;
use napi_derive::napi;
use wfall_core::error::code;
use wfall_core::normalise::ChannelMap;
use wfall_core::stats::Moments;
use wfall_core::stream::{self, ReducePlan, TimeReducer};
use wfall_core::{bail, CoreResult};

use crate::blocks::{reduced, Reduced};
use crate::boundary::{count, guard, signed};
use crate::filterbank::{layout, FilterbankLayout};
use crate::options::{normalisation, shifts, Axes, Dedispersion, Normalisation};

/// Per-channel statistics of the first pass (NaN median and MAD unless asked for).
#[napi(object)]
pub struct PassStats {
    pub count: Float64Array,
    pub sum: Float64Array,
    pub mean: Float64Array,
    pub variance: Float64Array,
    pub median: Float64Array,
    pub mad: Float64Array,
    /// Valid samples that are not exactly 0 (a channel without any is dead).
    pub nonzero: Float64Array,
}

/// Accumulates per-channel statistics of time-major rows fed in order.
#[napi]
pub struct ChannelStatsPass {
    inner: stream::ChannelPass,
}

#[napi]
impl ChannelStatsPass {
    /// `medians`: also exact medians and MADs (samples of at most 8 bits).
    #[napi(constructor)]
    pub fn new(env: Env, layout_options: FilterbankLayout, medians: bool) -> napi::Result<Self> {
        guard(&env, || Ok(Self { inner: stream::ChannelPass::new(layout(&layout_options)?, medians)? }))
    }

    /// Adds consecutive rows.
    #[napi]
    pub fn add(&mut self, env: Env, bytes: &[u8]) -> napi::Result<()> {
        guard(&env, || self.inner.add(bytes))
    }

    /// The moments of the samples fed, as stored or normalised by `maps`, with the channels of
    /// `skip` left out, from the level counts (medians asked for, ≤ 8-bit samples; null otherwise).
    #[napi]
    pub fn level_moments(&self, env: Env, maps: Option<ChannelMaps>, skip: Option<Vec<u32>>) -> napi::Result<Option<StreamMoments>> {
        guard(&env, || bounded_moments(self.inner.nchan(), maps, skip, |maps, skip| self.inner.level_moments(maps, skip)))
    }

    /// The statistics of the rows fed so far.
    #[napi]
    pub fn finish(&self) -> PassStats {
        let s = self.inner.finish();
        PassStats {
            count: Float64Array::new(s.count),
            sum: Float64Array::new(s.sum),
            mean: Float64Array::new(s.mean),
            variance: Float64Array::new(s.variance),
            median: Float64Array::new(s.median),
            mad: Float64Array::new(s.mad),
            nonzero: Float64Array::new(s.nonzero),
        }
    }
}

/// Each channel's normalisation `x -> (x - centre) / scale - offset`; NaN centre and scale for a
/// channel that cannot be normalised (it is masked).
#[napi(object)]
pub struct ChannelMaps {
    pub centre: Float64Array,
    pub scale: Float64Array,
    pub offset: Float64Array,
}

/// The normalisation maps of channels with these statistics (as `normalise` computes them).
#[napi]
pub fn normalisation_maps(
    env: Env,
    method: Normalisation,
    mean: &[f64],
    variance: &[f64],
    median: &[f64],
    mad: &[f64],
) -> napi::Result<ChannelMaps> {
    guard(&env, || {
        let n = mean.len();
        if variance.len() != n || median.len() != n || mad.len() != n {
            bail!(code::SHAPE, "statistics must have one value per channel");
        }
        let method = normalisation(&method);
        let maps: Vec<Option<ChannelMap>> = (0..n).map(|c| ChannelMap::new(method, mean[c], variance[c], median[c], mad[c])).collect();
        let field = |f: fn(&ChannelMap) -> f64| Float64Array::new(maps.iter().map(|m| m.as_ref().map_or(f64::NAN, f)).collect());
        Ok(ChannelMaps { centre: field(|m| m.centre), scale: field(|m| m.scale), offset: field(|m| m.offset) })
    })
}

/// One flag per channel, set for the channels listed.
fn channel_flags(channels: Option<&[u32]>, nchan: usize) -> CoreResult<Vec<bool>> {
    wfall_core::masks::channel_flags(channels.unwrap_or_default().iter().map(|&c| c as usize), nchan)
}

/// The core's maps from `normalisationMaps`' (a NaN scale: the channel cannot be normalised).
fn channel_maps(m: &ChannelMaps, nchan: usize) -> CoreResult<Vec<Option<ChannelMap>>> {
    if m.centre.len() != nchan || m.scale.len() != nchan || m.offset.len() != nchan {
        bail!(code::SHAPE, "normalisation maps must have one value per channel ({nchan})");
    }
    let at = |c: usize| (m.scale[c].is_finite()).then_some(ChannelMap { centre: m.centre[c], scale: m.scale[c], offset: m.offset[c] });
    Ok((0..nchan).map(at).collect())
}

/// Per-channel moments (as `channelMoments` gives them), and bounds on how far those from level counts may be from them.
#[napi(object)]
pub struct StreamMoments {
    pub count: Float64Array,
    pub sum: Float64Array,
    pub mean: Float64Array,
    pub variance: Float64Array,
    /// Valid samples that are not exactly 0 (time-ordered passes only).
    pub nonzero: Option<Float64Array>,
    /// How far the sum and the variance may be from the time-ordered ones (level counts only): 0
    /// exact, infinite unknown; a variance of 0 is exact.
    pub sum_error: Option<Float64Array>,
    pub variance_error: Option<Float64Array>,
}

fn stream_moments(m: Moments) -> StreamMoments {
    StreamMoments {
        count: Float64Array::new(m.count),
        sum: Float64Array::new(m.sum),
        mean: Float64Array::new(m.mean),
        variance: Float64Array::new(m.variance),
        nonzero: None,
        sum_error: None,
        variance_error: None,
    }
}

/// Moments decided without another pass (`decide`, given the core's maps and skipped channels),
/// with how far they may be from the time-ordered ones.
fn bounded_moments(
    nchan: usize,
    maps: Option<ChannelMaps>,
    skip: Option<Vec<u32>>,
    decide: impl FnOnce(Option<&[Option<ChannelMap>]>, &[bool]) -> Option<stream::LevelMoments>,
) -> CoreResult<Option<StreamMoments>> {
    let maps = maps.as_ref().map(|m| channel_maps(m, nchan)).transpose()?;
    let skip = channel_flags(skip.as_deref(), nchan)?;
    Ok(decide(maps.as_deref(), &skip).map(|m| StreamMoments {
        sum_error: Some(Float64Array::new(m.sum_error)),
        variance_error: Some(Float64Array::new(m.variance_error)),
        ..stream_moments(m.moments)
    }))
}

/// Per-channel moments of time-major rows, bit for bit `channelMoments` of the whole waterfall:
/// feed the rows for the sums, call `startSquares`, feed them again in the same order, `finish`.
#[napi]
pub struct MomentsStreamPass {
    inner: Option<stream::MomentsPass>,
    /// What `finish` gave, for `rangeMoments`.
    finished: Option<stream::PassMoments>,
}

#[napi]
impl MomentsStreamPass {
    /// `maps`: each channel's normalisation (the samples' moments after it); `skip`: channels left out.
    #[napi(constructor)]
    pub fn new(env: Env, layout_options: FilterbankLayout, maps: Option<ChannelMaps>, skip: Option<Vec<u32>>) -> napi::Result<Self> {
        guard(&env, || {
            let layout = layout(&layout_options)?;
            let maps = maps.as_ref().map(|m| channel_maps(m, layout.nchan)).transpose()?;
            let skip = channel_flags(skip.as_deref(), layout.nchan)?;
            Ok(Self { inner: Some(stream::MomentsPass::new(layout, maps, skip)?), finished: None })
        })
    }

    /// Adds consecutive rows.
    #[napi]
    pub fn add(&mut self, env: Env, bytes: &[u8]) -> napi::Result<()> {
        guard(&env, || unfinished(self.inner.as_mut(), "pass")?.add(bytes))
    }

    /// Ends the sums: the same rows, fed again, give the variances.
    #[napi]
    pub fn start_squares(&mut self, env: Env) -> napi::Result<()> {
        guard(&env, || unfinished(self.inner.as_mut(), "pass")?.start_squares())
    }

    /// The moments; the pass cannot be used afterwards.
    #[napi]
    pub fn finish(&mut self, env: Env) -> napi::Result<StreamMoments> {
        guard(&env, || {
            let out = unfinished(self.inner.take(), "pass")?.finish();
            let moments = StreamMoments { nonzero: Some(Float64Array::new(out.nonzero.clone())), ..stream_moments(out.moments.clone()) };
            self.finished = Some(out);
            Ok(moments)
        })
    }

    /// After `finish`, on a pass of the samples as stored: the moments of the samples normalised by
    /// `maps` (channels of `skip` left out) as far as each channel's lowest and highest sample
    /// decide them, without feeding the rows again: exact counts, which channels are constant
    /// (variance 0) and bounds on the others' variances (`varianceError`); unknown sums
    /// (`sumError` infinite). Null when they cannot be decided so (a sample would normalise to a
    /// non-finite value).
    #[napi]
    pub fn range_moments(&self, env: Env, maps: Option<ChannelMaps>, skip: Option<Vec<u32>>) -> napi::Result<Option<StreamMoments>> {
        guard(&env, || {
            let Some(stored) = &self.finished else { bail!(code::ARGUMENT, "rangeMoments needs a finished pass") };
            bounded_moments(stored.moments.count.len(), maps, skip, |maps, skip| stream::range_moments(stored, maps, skip))
        })
    }
}

/// What a [`StreamReducer`] does.
#[napi(object)]
pub struct StreamPlan {
    /// Samples in the range being read.
    pub ntime: f64,
    /// Output samples `[outputStart, outputEnd)` computed (after dedispersion, before downsampling,
    /// whose groups start at `outputStart`). Default all of `0..ntime`.
    pub output_start: Option<f64>,
    pub output_end: Option<f64>,
    pub nsub: f64,
    /// Samples averaged together after dedispersion. Default 1.
    pub factor: Option<f64>,
    /// Exact zeros are missing samples. Default false.
    pub zeros_missing: Option<bool>,
    /// Channels left out (row 0 the lowest frequency).
    pub masked: Option<Vec<u32>>,
    /// Per-channel normalisation (from `normalisationMaps`).
    pub maps: Option<ChannelMaps>,
    /// Rows reduced at a time (tests). Default: a ring of a few MiB, which stays in cache.
    pub step: Option<f64>,
    /// Whether to return the output weights. Default true.
    pub weights: Option<bool>,
}

fn reduce_plan(nchan: usize, plan: &StreamPlan, axes: &Axes, dedispersion: Option<&Dedispersion>) -> CoreResult<ReducePlan> {
    let ntime = count(plan.ntime, "ntime")?;
    let (shifts, wrap) = match dedispersion {
        Some(d) => shifts(axes, nchan, d)?,
        None => (vec![0; nchan], wfall_core::dedisperse::Wrap::Roll),
    };
    let masked = channel_flags(plan.masked.as_deref(), nchan)?;
    let maps = plan.maps.as_ref().map(|m| channel_maps(m, nchan)).transpose()?;
    Ok(ReducePlan {
        ntime,
        outputs: plan.output_start.map_or(Ok(0), |s| count(s, "outputStart"))?
            ..plan.output_end.map_or(Ok(ntime), |e| count(e, "outputEnd"))?,
        shifts,
        wrap,
        nsub: count(plan.nsub, "nsub")?,
        factor: plan.factor.map_or(Ok(1), |f| count(f, "factor"))?,
        zeros_missing: plan.zeros_missing.unwrap_or(false),
        maps,
        masked,
        step: plan.step.map_or(Ok(0), |s| count(s, "step"))?,
        weights: plan.weights.unwrap_or(true),
    })
}

/// Dedisperses, subbands and downsamples time-major rows as they are fed, holding a ring of recent
/// samples per channel, never the full-resolution waterfall: the same numbers as `dedisperseSubband`
/// then `downsample` on the whole array.
#[napi]
pub struct StreamReducer {
    inner: Option<TimeReducer>,
}

#[napi]
impl StreamReducer {
    /// `axes` are the waterfall's (row 0 lowest); without `dedispersion` the channels are not shifted.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        layout_options: FilterbankLayout,
        plan: StreamPlan,
        axes: Axes,
        dedispersion: Option<Dedispersion>,
    ) -> napi::Result<Self> {
        guard(&env, || {
            let layout = layout(&layout_options)?;
            let plan = reduce_plan(layout.nchan, &plan, &axes, dedispersion.as_ref())?;
            Ok(Self { inner: Some(TimeReducer::new(layout, plan)?) })
        })
    }

    /// The virtual samples `[start, end)` to feed, in order: virtual sample `t` is sample `t mod ntime` of the range.
    #[napi]
    pub fn feed_range(&self, env: Env) -> napi::Result<Vec<f64>> {
        guard(&env, || {
            let (start, end) = unfinished(self.inner.as_ref(), "reducer")?.feed_range();
            Ok(vec![start as f64, end as f64])
        })
    }

    /// Adds consecutive rows whose first is virtual sample `first`.
    #[napi]
    pub fn add(&mut self, env: Env, bytes: &[u8], first: f64) -> napi::Result<()> {
        guard(&env, || unfinished(self.inner.as_mut(), "reducer")?.add(bytes, signed(first, "first")?))
    }

    /// The reduced waterfall; the reducer cannot be used afterwards.
    #[napi]
    pub fn finish(&mut self, env: Env) -> napi::Result<Reduced> {
        guard(&env, || Ok(reduced(unfinished(self.inner.take(), "reducer")?.finish()?)))
    }
}

/// Exact per-channel medians and MADs of time-major rows of any sample type, bit for bit
/// `channelMedians` of the whole waterfall, in a few passes over the same rows (memory bounded by
/// the budget, whatever the number of rows): feed every row, `endPass()`; while it returns true,
/// feed the same rows again in the same order; then `finish()`.
#[napi]
pub struct OrderStreamPass {
    inner: Option<stream::OrderPass>,
}

/// Per-channel medians and MADs (row 0 the lowest frequency; NaN without a valid sample).
#[napi(object)]
pub struct StreamMedians {
    pub median: Float64Array,
    pub mad: Float64Array,
    /// Passes over the rows it took.
    pub passes: u32,
}

#[napi]
impl OrderStreamPass {
    /// `zerosMissing`: exact zeros are missing samples; `budgetBytes`: memory for the per-channel
    /// histograms (default 64 MiB; less memory, more passes).
    #[napi(constructor)]
    pub fn new(env: Env, layout_options: FilterbankLayout, zeros_missing: bool, budget_bytes: Option<f64>) -> napi::Result<Self> {
        guard(&env, || {
            let layout = layout(&layout_options)?;
            let budget = budget_bytes.map_or(Ok(stream::DEFAULT_ORDER_BUDGET_BYTES), |b| count(b, "budgetBytes"))?;
            Ok(Self { inner: Some(stream::OrderPass::with_budget(layout, zeros_missing, budget)?) })
        })
    }

    /// Adds consecutive rows of the current pass.
    #[napi]
    pub fn add(&mut self, env: Env, bytes: &[u8]) -> napi::Result<()> {
        guard(&env, || unfinished(self.inner.as_mut(), "pass")?.add(bytes))
    }

    /// Ends the current pass: true when the same rows must be fed again.
    #[napi]
    pub fn end_pass(&mut self, env: Env) -> napi::Result<bool> {
        guard(&env, || unfinished(self.inner.as_mut(), "pass")?.end_pass())
    }

    /// The medians and MADs; the pass cannot be used afterwards.
    #[napi]
    pub fn finish(&mut self, env: Env) -> napi::Result<StreamMedians> {
        guard(&env, || {
            let pass = unfinished(self.inner.take(), "pass")?;
            let m = pass.finish()?;
            Ok(StreamMedians { median: Float64Array::new(m.median), mad: Float64Array::new(m.mad), passes: pass.passes() as u32 })
        })
    }
}

/// The pass (or reducer: `what`) held, borrowed or taken, or the error of one already finished.
fn unfinished<T>(inner: Option<T>, what: &str) -> CoreResult<T> {
    match inner {
        Some(held) => Ok(held),
        None => bail!(code::ARGUMENT, "this {what} has already finished"),
    }
}
