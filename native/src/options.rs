//! The typed objects and string enums that cross the boundary, and their one
//! conversion into core types. Defaults of optional fields live here, so the
//! TypeScript side passes `undefined` through and never restates them.

use napi_derive::napi;
use wfall_core::dedisperse::{self, DedispersePlan, FrequencyAxis};
use wfall_core::error::code;
use wfall_core::normalise;
use wfall_core::shape::Span;
use wfall_core::weights::Weights;
use wfall_core::{bail, colormap, CoreResult, Shape};

use crate::boundary::count;

/// CHIME's (pulsar-convention) dispersion constant, `1/2.41e-4` MHz² s cm³ / pc: the default.
#[napi]
pub const K_DM_CHIME: f64 = dedisperse::K_DM_CHIME;

/// The frequency channels are aligned to when dedispersing (or `referenceMhz`).
#[napi(string_enum = "lowercase")]
pub enum Reference {
    /// The highest channel's centre (the default, CHIME's choice).
    Top,
    /// The lowest channel's centre.
    Bottom,
    /// The centre of the band.
    Centre,
    /// Infinite frequency: the absolute dispersion delay is removed.
    Infinite,
}

/// What happens to samples a dedispersion shift moves past an end of the data.
#[napi(string_enum = "lowercase")]
pub enum Wrap {
    /// Circular, like `np.roll` (the default).
    Roll,
    /// They become NaN with weight 0.
    Invalidate,
}

/// Per-channel normalisations.
#[napi(string_enum = "lowercase")]
pub enum Normalisation {
    /// `x/mean - 1` (CHIME's `scale_chime_data`).
    Fractional,
    /// `(x - mean)/std`.
    Zscore,
    /// `(x - median)/(1.4826 MAD)`.
    Robust,
}

/// Colour maps (matplotlib's tables).
#[napi(string_enum = "lowercase")]
pub enum ColourMap {
    Viridis,
    Magma,
    Inferno,
    Plasma,
    Cividis,
    Gray,
}

/// The shape of a waterfall: `nchan` rows (row 0 the lowest frequency) of `ntime` samples.
#[napi(object)]
pub struct Grid {
    pub nchan: f64,
    pub ntime: f64,
}

/// The physical axes of a waterfall.
#[napi(object)]
pub struct Axes {
    /// Sample time, s.
    pub dt_seconds: f64,
    /// Lower edge of the band, MHz (channel `i` is centred at `fbottom + (i + 1/2) df`).
    pub fbottom_mhz: f64,
    /// Channel width, MHz (positive).
    pub df_mhz: f64,
}

/// One dedispersion step.
#[napi(object)]
pub struct Dedispersion {
    /// Target DM minus the DM the data are at now, pc cm^-3.
    pub delta_dm: f64,
    /// Dispersion constant, MHz² s cm³ / pc. Default `K_DM_CHIME`.
    pub k_dm: Option<f64>,
    /// Reference frequency by name. Default "top"; ignored when `referenceMhz` is given.
    pub reference: Option<Reference>,
    /// Reference frequency in MHz.
    pub reference_mhz: Option<f64>,
    /// Default "roll".
    pub wrap: Option<Wrap>,
}

/// A block of a waterfall: channels `[channelStart, channelEnd)` x samples `[sampleStart, sampleEnd)`.
#[napi(object)]
pub struct CellRange {
    pub channel_start: f64,
    pub channel_end: f64,
    pub sample_start: f64,
    pub sample_end: f64,
}

/// JS numbers are checked here, once: a negative, fractional or huge count is an error, never truncated.
pub fn shape(grid: &Grid) -> CoreResult<Shape> {
    Shape::new(count(grid.nchan, "nchan")?, count(grid.ntime, "ntime")?)
}

pub fn frequency_axis(axes: &Axes, nchan: usize) -> CoreResult<FrequencyAxis> {
    FrequencyAxis::new(axes.fbottom_mhz, axes.df_mhz, nchan)
}

/// The reference frequency: `mhz` when given, else the named one (default the top channel).
pub fn reference(mhz: Option<f64>, named: &Option<Reference>) -> dedisperse::Reference {
    match (mhz, named) {
        (Some(mhz), _) => dedisperse::Reference::Mhz(mhz),
        (None, None | Some(Reference::Top)) => dedisperse::Reference::Top,
        (None, Some(Reference::Bottom)) => dedisperse::Reference::Bottom,
        (None, Some(Reference::Centre)) => dedisperse::Reference::Centre,
        (None, Some(Reference::Infinite)) => dedisperse::Reference::Infinite,
    }
}

pub fn plan(axes: &Axes, d: &Dedispersion) -> DedispersePlan {
    DedispersePlan {
        delta_dm: d.delta_dm,
        k_dm: d.k_dm.unwrap_or(dedisperse::K_DM_CHIME),
        reference: reference(d.reference_mhz, &d.reference),
        dt_s: axes.dt_seconds,
    }
}

/// The wrap mode (default "roll").
pub fn wrap_of(wrap: &Option<Wrap>) -> dedisperse::Wrap {
    match wrap {
        None | Some(Wrap::Roll) => dedisperse::Wrap::Roll,
        Some(Wrap::Invalidate) => dedisperse::Wrap::Invalidate,
    }
}

pub fn wrap(d: &Dedispersion) -> dedisperse::Wrap {
    wrap_of(&d.wrap)
}

/// The per-channel shifts (samples, positive = toward earlier time) and the wrap mode of a step.
pub fn shifts(axes: &Axes, nchan: usize, d: &Dedispersion) -> CoreResult<(Vec<i64>, dedisperse::Wrap)> {
    Ok((dedisperse::channel_shifts(&frequency_axis(axes, nchan)?, &plan(axes, d))?, wrap(d)))
}

pub fn normalisation(n: &Normalisation) -> normalise::Normalisation {
    match n {
        Normalisation::Fractional => normalise::Normalisation::Fractional,
        Normalisation::Zscore => normalise::Normalisation::Zscore,
        Normalisation::Robust => normalise::Normalisation::Robust,
    }
}

pub fn colour_table(c: &ColourMap) -> CoreResult<&'static colormap::Table> {
    colormap::table(match c {
        ColourMap::Viridis => "viridis",
        ColourMap::Magma => "magma",
        ColourMap::Inferno => "inferno",
        ColourMap::Plasma => "plasma",
        ColourMap::Cividis => "cividis",
        ColourMap::Gray => "gray",
    })
}

/// The weights of a read-only call: the array when given, else implied by the
/// intensity (0 for missing samples, and for exact zeros when `zeros_missing`).
pub fn weights_of(weights: Option<&[f32]>, zeros_missing: Option<bool>) -> Weights<'_> {
    match (weights, zeros_missing) {
        (Some(w), _) => Weights::Explicit(w),
        (None, Some(true)) => Weights::ValidNonZero,
        (None, _) => Weights::Valid,
    }
}

pub fn spans(range: &CellRange) -> CoreResult<(Span, Span)> {
    let span = |start: f64, end: f64, what: &str| {
        let (start, end) = (count(start, what)?, count(end, what)?);
        if start > end {
            bail!(code::RANGE, "{what} range [{start}, {end}) is reversed");
        }
        Ok(Span { start, end })
    };
    Ok((span(range.channel_start, range.channel_end, "channel")?, span(range.sample_start, range.sample_end, "sample")?))
}
