//! Burst measurements (`wfall_core::measure`): S/N by a named definition, the boxcar peak,
//! the DM-time plane, the S/N-vs-DM curve and the structure-maximising DM.
//!
//! The plane and the structure DM walk the whole waterfall once per trial (or per Fourier
//! index): they run as `AsyncTask`s on libuv's pool and return promises. Their tasks hold
//! references to the caller's typed arrays, not copies; the caller must not write to them until
//! the promise settles (the TypeScript wrappers never do).

use napi::bindgen_prelude::{AsyncTask, Float32Array, Float64Array};
use napi::{Env, Task};
use napi_derive::napi;
use wfall_core::bail;
use wfall_core::dedisperse::FrequencyAxis;
use wfall_core::error::code;
use wfall_core::measure::dm_phase::{self, DmPhaseOptions};
use wfall_core::measure::dm_snr::{self, DmSnrOptions};
use wfall_core::measure::plane::{self, PlaneMethodUsed};
use wfall_core::measure::snr::{self, Definition, HeimdallOptions, PeakOptions, PrestoOptions};
use wfall_core::measure::{self as core_measure, DmGrid, WaterfallView};
use wfall_core::shape::Span;
use wfall_core::{CoreResult, Shape};

use crate::boundary::{caught, count, guard, rejection};
use crate::options::{frequency_axis, reference, shape, weights_of, wrap_of, Axes, Grid, Reference, Wrap};

/// The S/N definitions (research.md §5.2; papers must say which one they used).
#[napi(string_enum = "lowercase")]
pub enum SnrDefinition {
    /// Median baseline, `1.4826·MAD` noise, boxcar sums of widths 1, 2, 4, … divided by `√w`.
    Heimdall,
    /// `single_pulse_search.py`: detrended blocks, 95 %-central σ, PRESTO's widths.
    Presto,
    /// `your`'s `Candidate.get_snr`: the peak over the standard deviation of the rest.
    Peak,
    /// Equivalent width (Lorimer & Kramer), over the best `heimdall` window.
    Weq,
}

/// How to measure an S/N. Every field is optional.
#[napi(object)]
pub struct SnrOptions {
    /// Default "heimdall".
    pub definition: Option<SnrDefinition>,
    /// Largest boxcar, samples (heimdall, weq: default min(4096, the search range); presto: 30).
    pub max_width_samples: Option<f64>,
    /// Heimdall's `get_rms` constant 1.4862 instead of 1.4826 (heimdall, weq).
    pub heimdall_constant: Option<bool>,
    /// PRESTO's detrending block, samples (default 1000).
    pub detrend_samples: Option<f64>,
    /// `peak`: the width masked around the argmax, samples (default 0: nothing masked).
    pub width_samples: Option<f64>,
    /// Look for the burst in samples `[searchStart, searchEnd)` only; the noise still comes from the whole series.
    pub search_start: Option<f64>,
    pub search_end: Option<f64>,
}

/// A measured S/N with its width and on-pulse samples `[onStart, onEnd)`.
#[napi(object)]
pub struct SnrResult {
    pub definition: String,
    pub snr: f64,
    /// The boxcar width (heimdall, presto), the masked width (peak) or `W_eq` (weq, fractional).
    pub width_samples: f64,
    /// The centre of the best window, `start + ⌊w/2⌋` (peak: the argmax).
    pub peak_sample: f64,
    pub on_start: f64,
    pub on_end: f64,
}

fn optional_count(value: Option<f64>, what: &str) -> CoreResult<Option<usize>> {
    value.map(|v| count(v, what)).transpose()
}

fn definition(o: &SnrOptions) -> CoreResult<Definition> {
    let max = optional_count(o.max_width_samples, "maxWidthSamples")?;
    let heimdall = HeimdallOptions { max_width_samples: max.unwrap_or(0), heimdall_constant: o.heimdall_constant.unwrap_or(false) };
    Ok(match o.definition {
        None | Some(SnrDefinition::Heimdall) => Definition::Heimdall(heimdall),
        Some(SnrDefinition::Weq) => Definition::Weq(heimdall),
        Some(SnrDefinition::Presto) => {
            let defaults = PrestoOptions::default();
            Definition::Presto(PrestoOptions {
                max_width_samples: max.unwrap_or(defaults.max_width_samples),
                detrend_len: optional_count(o.detrend_samples, "detrendSamples")?.unwrap_or(defaults.detrend_len),
            })
        }
        Some(SnrDefinition::Peak) => {
            Definition::Peak(PeakOptions { width_samples: optional_count(o.width_samples, "widthSamples")?.unwrap_or(0) })
        }
    })
}

fn search(o: &SnrOptions, len: usize) -> CoreResult<Option<Span>> {
    match (o.search_start, o.search_end) {
        (None, None) => Ok(None),
        (start, end) => {
            let start = optional_count(start, "searchStart")?.unwrap_or(0);
            let end = optional_count(end, "searchEnd")?.unwrap_or(len);
            Ok(Some(Span::within(start, end, len, "search sample")?))
        }
    }
}

fn snr_result(s: snr::Snr) -> SnrResult {
    SnrResult {
        definition: s.definition.to_string(),
        snr: s.snr,
        width_samples: s.width_samples,
        peak_sample: s.peak_sample as f64,
        on_start: s.on_start as f64,
        on_end: s.on_end as f64,
    }
}

/// The S/N of a time series by a named definition (missing samples skipped).
#[napi]
pub fn measure_snr(env: Env, series: &[f64], options: SnrOptions) -> napi::Result<SnrResult> {
    guard(&env, || Ok(snr_result(snr::measure_snr_within(series, &definition(&options)?, search(&options, series.len())?)?)))
}

/// The boxcar of largest S/N (widths 1 ..= `maxWidthSamples`): where a figure centres its window.
#[napi(object)]
pub struct BoxcarPeak {
    pub centre_sample: f64,
    pub width_samples: f64,
    pub start_sample: f64,
    pub snr: f64,
}

#[napi]
pub fn boxcar_peak(env: Env, series: &[f64], max_width_samples: f64) -> napi::Result<BoxcarPeak> {
    guard(&env, || {
        let p = core_measure::peak::boxcar_peak(series, count(max_width_samples, "maxWidthSamples")?)?;
        Ok(BoxcarPeak {
            centre_sample: p.centre_sample as f64,
            width_samples: p.width_samples as f64,
            start_sample: p.start_sample as f64,
            snr: p.snr,
        })
    })
}

/// How the data are dispersed now and how a trial DM is removed from them.
#[napi(object)]
pub struct Dispersion {
    /// The DM the data are dedispersed to now, pc cm^-3.
    pub dm_now: f64,
    /// Dispersion constant, MHz² s cm³ / pc. Default `K_DM_CHIME`.
    pub k_dm: Option<f64>,
    /// Default "top"; ignored when `referenceMhz` is given.
    pub reference: Option<Reference>,
    pub reference_mhz: Option<f64>,
    /// What a shift moves past an end of the data: "roll" (default) or "invalidate".
    pub wrap: Option<Wrap>,
}

/// Trial DMs `start + j·step`, `j = 0 .. count`.
#[napi(object)]
pub struct DmTrials {
    pub start: f64,
    pub step: f64,
    pub count: f64,
}

/// The method of the DM-time plane.
#[napi(string_enum = "lowercase")]
pub enum PlaneMethod {
    /// Brute force when small, subband dedispersion when it saves 4x the work.
    Auto,
    /// Exact: each row is the time series of the waterfall dedispersed to the trial.
    Brute,
    /// Two-stage subband dedispersion (every channel within 2 samples of its exact shift).
    Subband,
}

#[napi(object)]
pub struct PlaneOptions {
    /// Default "auto".
    pub method: Option<PlaneMethod>,
    /// Subbands of the subband method; default: the number of least work.
    pub nsub: Option<f64>,
    /// Largest shift error the grouping of trials may add, samples (default 0.5).
    pub tolerance_samples: Option<f64>,
}

/// A DM-time plane: `[dms.length][ntime]` band sums, row 0 the lowest trial DM.
#[napi(object)]
pub struct MeasuredPlane {
    pub dms: Float64Array,
    pub ntime: u32,
    pub data: Float64Array,
    /// "brute" or "subband".
    pub method: String,
    /// Subband method: subbands, trial groups, and the largest shift error the grouping added (samples).
    pub nsub: Option<u32>,
    pub groups: Option<u32>,
    pub max_shift_error_samples: Option<f64>,
}

/// A waterfall held by a task: references to the caller's arrays and its axes.
pub struct WaterfallInput {
    intensity: Float32Array,
    weights: Option<Float32Array>,
    zeros_missing: bool,
    shape: Shape,
    axis: FrequencyAxis,
    dt_s: f64,
}

impl WaterfallInput {
    fn new(
        intensity: Float32Array,
        weights: Option<Float32Array>,
        zeros_missing: Option<bool>,
        grid: &Grid,
        axes: &Axes,
    ) -> CoreResult<Self> {
        let shape = shape(grid)?;
        let input = Self {
            axis: frequency_axis(axes, shape.nchan)?,
            intensity,
            weights,
            zeros_missing: zeros_missing.unwrap_or(false),
            shape,
            dt_s: axes.dt_seconds,
        };
        input.view().check()?;
        Ok(input)
    }

    fn view(&self) -> WaterfallView<'_> {
        WaterfallView {
            intensity: &self.intensity,
            weights: weights_of(self.weights.as_deref(), Some(self.zeros_missing)),
            shape: self.shape,
            axis: self.axis,
            dt_s: self.dt_s,
        }
    }
}

fn dispersion(d: &Dispersion) -> core_measure::Dispersion {
    core_measure::Dispersion {
        dm_now: d.dm_now,
        k_dm: d.k_dm.unwrap_or(wfall_core::dedisperse::K_DM_CHIME),
        reference: reference(d.reference_mhz, &d.reference),
        wrap: wrap_of(&d.wrap),
    }
}

fn dm_grid(t: &DmTrials) -> CoreResult<DmGrid> {
    Ok(DmGrid { start: t.start, step: t.step, count: count(t.count, "trial count")? })
}

fn plane_method(o: &Option<PlaneOptions>) -> CoreResult<plane::PlaneMethod> {
    let Some(o) = o else { return Ok(plane::PlaneMethod::Auto) };
    let nsub = optional_count(o.nsub, "nsub")?;
    let tolerance = o.tolerance_samples.unwrap_or(0.5);
    Ok(match o.method {
        None | Some(PlaneMethod::Auto) if nsub.is_some() || o.tolerance_samples.is_some() => {
            plane::PlaneMethod::Subband { nsub: nsub.unwrap_or(0), tolerance_samples: tolerance }
        }
        None | Some(PlaneMethod::Auto) => plane::PlaneMethod::Auto,
        Some(PlaneMethod::Brute) => {
            if nsub.is_some() {
                bail!(code::ARGUMENT, "nsub applies to the subband method only");
            }
            plane::PlaneMethod::BruteForce
        }
        Some(PlaneMethod::Subband) => plane::PlaneMethod::Subband { nsub: nsub.unwrap_or(0), tolerance_samples: tolerance },
    })
}

/// Computes a DM-time plane on libuv's pool.
pub struct DmTimePlaneTask {
    input: WaterfallInput,
    dispersion: core_measure::Dispersion,
    grid: DmGrid,
    method: plane::PlaneMethod,
}

impl Task for DmTimePlaneTask {
    type Output = CoreResult<plane::DmTimePlane>;
    type JsValue = MeasuredPlane;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(caught(|| plane::dm_time_plane(&self.input.view(), &self.dispersion, &self.grid, self.method)))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<MeasuredPlane> {
        let p = output.map_err(|e| rejection(&env, e))?;
        let (method, nsub, groups, error) = match p.method {
            PlaneMethodUsed::BruteForce => ("brute", None, None, None),
            PlaneMethodUsed::Subband { nsub, groups, max_shift_error_samples } => {
                ("subband", Some(nsub as u32), Some(groups as u32), Some(max_shift_error_samples))
            }
        };
        Ok(MeasuredPlane {
            dms: Float64Array::new(p.dms),
            ntime: p.ntime as u32,
            data: Float64Array::new(p.data),
            method: method.to_string(),
            nsub,
            groups,
            max_shift_error_samples: error,
        })
    }
}

/// The DM-time plane of a waterfall over trial DMs: row `j` is the band sum of the data
/// dedispersed from `dispersion.dmNow` to trial `j` (samples that do not count add nothing).
#[napi(ts_return_type = "Promise<MeasuredPlane>")]
#[allow(clippy::too_many_arguments)] // the waterfall's four parts, then what to compute
pub fn dm_time_plane(
    env: Env,
    intensity: Float32Array,
    weights: Option<Float32Array>,
    zeros_missing: Option<bool>,
    grid: Grid,
    axes: Axes,
    dispersion_options: Dispersion,
    trials: DmTrials,
    options: Option<PlaneOptions>,
) -> napi::Result<AsyncTask<DmTimePlaneTask>> {
    guard(&env, || {
        Ok(AsyncTask::new(DmTimePlaneTask {
            input: WaterfallInput::new(intensity, weights, zeros_missing, &grid, &axes)?,
            dispersion: dispersion(&dispersion_options),
            grid: dm_grid(&trials)?,
            method: plane_method(&options)?,
        }))
    })
}

/// The S/N of every trial and the DM of largest S/N, with the interval where the S/N stays within 1 of it.
#[napi(object)]
pub struct SnrCurve {
    pub definition: String,
    pub dms: Float64Array,
    /// S/N per trial (NaN where a row could not be measured).
    pub snr: Float64Array,
    pub width_samples: Float64Array,
    pub peak_sample: Float64Array,
    pub best_index: u32,
    pub best_dm: f64,
    pub snr_max: f64,
    pub dm_low: f64,
    pub dm_high: f64,
    /// `(dmHigh − dmLow)/2`.
    pub dm_uncertainty: f64,
    pub dm_centre: f64,
    /// False when the interval reaches an end of the trials.
    pub bounded: bool,
}

/// The S/N-vs-DM curve of the rows `[dms.length][ntime]` of a plane (each row measured whole).
#[napi]
pub fn dm_snr_curve(env: Env, dms: &[f64], ntime: f64, rows: &[f64], options: SnrOptions) -> napi::Result<SnrCurve> {
    guard(&env, || {
        if options.search_start.is_some() || options.search_end.is_some() {
            bail!(code::ARGUMENT, "the S/N-vs-DM curve measures whole rows: no search range");
        }
        let o = DmSnrOptions { definition: definition(&options)?, ..Default::default() };
        let c = dm_snr::snr_curve_of_rows(dms, count(ntime, "ntime")?, rows, PlaneMethodUsed::BruteForce, &o)?;
        Ok(SnrCurve {
            definition: c.definition.to_string(),
            dms: Float64Array::new(c.dms),
            snr: Float64Array::new(c.snr),
            width_samples: Float64Array::new(c.width_samples),
            peak_sample: Float64Array::new(c.peak_sample),
            best_index: c.best_index as u32,
            best_dm: c.best_dm,
            snr_max: c.snr_max,
            dm_low: c.dm_low,
            dm_high: c.dm_high,
            dm_uncertainty: c.dm_uncertainty,
            dm_centre: c.dm_centre,
            bounded: c.bounded,
        })
    })
}

/// DM_phase's result: the coherent-power curve and the DM that maximises it.
#[napi(object)]
pub struct StructureDm {
    pub dms: Float64Array,
    /// `C(d)`, the `k²`-weighted coherent power up to each trial's cut-off.
    pub curve: Float64Array,
    /// DM_phase's S/N of each trial's curve value.
    pub snr: Float64Array,
    /// Channels that entered the sum, and Fourier indices used.
    pub nchan_used: u32,
    pub nfourier: u32,
    pub best_dm: f64,
    pub dm_uncertainty: f64,
    pub snr_max: f64,
    /// Trials `[fitStart, fitEnd)` of the polynomial fit.
    pub fit_start: u32,
    pub fit_end: u32,
    /// False when too few trials were in range to fit (the best trial is reported).
    pub fitted: bool,
}

/// Computes DM_phase's structure-maximising DM on libuv's pool.
pub struct StructureDmTask {
    input: WaterfallInput,
    dispersion: core_measure::Dispersion,
    grid: DmGrid,
    options: DmPhaseOptions,
}

impl Task for StructureDmTask {
    type Output = CoreResult<dm_phase::DmPhase>;
    type JsValue = StructureDm;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(caught(|| dm_phase::best_dm_by_structure(&self.input.view(), &self.dispersion, &self.grid, &self.options)))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<StructureDm> {
        let p = output.map_err(|e| rejection(&env, e))?;
        Ok(StructureDm {
            dms: Float64Array::new(p.dms),
            curve: Float64Array::new(p.curve),
            snr: Float64Array::new(p.snr),
            nchan_used: p.nchan_used as u32,
            nfourier: p.nfourier as u32,
            best_dm: p.best_dm,
            dm_uncertainty: p.dm_uncertainty,
            snr_max: p.snr_max,
            fit_start: p.fit_start as u32,
            fit_end: p.fit_end as u32,
            fitted: p.fitted,
        })
    }
}

/// The DM that maximises structure (DM_phase) over trial DMs (at least 3; at least 22 samples).
/// `maxFourierIndex`: use only Fourier indices below it (default all, as DM_phase).
#[napi(ts_return_type = "Promise<StructureDm>")]
#[allow(clippy::too_many_arguments)] // the waterfall's four parts, then what to compute
pub fn best_dm_by_structure(
    env: Env,
    intensity: Float32Array,
    weights: Option<Float32Array>,
    zeros_missing: Option<bool>,
    grid: Grid,
    axes: Axes,
    dispersion_options: Dispersion,
    trials: DmTrials,
    max_fourier_index: Option<f64>,
) -> napi::Result<AsyncTask<StructureDmTask>> {
    guard(&env, || {
        Ok(AsyncTask::new(StructureDmTask {
            input: WaterfallInput::new(intensity, weights, zeros_missing, &grid, &axes)?,
            dispersion: dispersion(&dispersion_options),
            grid: dm_grid(&trials)?,
            options: DmPhaseOptions { max_fourier_index: optional_count(max_fourier_index, "maxFourierIndex")?.unwrap_or(0) },
        }))
    })
}
