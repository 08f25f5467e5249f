//! RFI: channel statistics, channel flags by named method (one statistics pass), zero-DM
//! subtraction and PRESTO rfifind masks.

use napi::bindgen_prelude::{Float32ArraySlice, Float64Array};
use napi::Env;
use napi_derive::napi;
use wfall_core::rfi::auto::AutoMaskParams;
use wfall_core::rfi::channel_stats::{self, ChannelStatistic, ChannelStats};
use wfall_core::rfi::iqrm::IqrmParams;
use wfall_core::rfi::plan::{self, FlagRequest, IqrmRequest, ZeroDmChoice};
use wfall_core::rfi::rfifind_mask::{self, ByteOrder};
use wfall_core::rfi::spectral_kurtosis::{accumulations_per_sample, spectral_kurtosis, ShapeFactor, SkParams};
use wfall_core::rfi::zero_dm::{self, ZeroDm};
use wfall_core::rfi::RfiMethod;
use wfall_core::CoreResult;

use crate::boundary::{borrow_mut, count, guard};
use crate::options::{shape, weights_of, Axes, Grid};

/// The published zero-DM variants (Eatough, Keane & Lyne 2009).
#[napi(string_enum = "lowercase")]
pub enum ZeroDmVariant {
    /// `x - (sum over channels of x) bp / sum(bp) + bp`: bandpass-weighted (sigpyproc; power data).
    Sigpyproc,
    /// `x - (mean over valid channels of x) + bp` (jess; any data).
    Jess,
}

/// A per-channel statistic for IQRM.
#[napi(string_enum = "lowercase")]
pub enum IqrmStatistic {
    /// Standard deviation over time (IQRM's default).
    Std,
    Mean,
    Variance,
    Skewness,
    /// Excess kurtosis.
    Kurtosis,
    /// Coefficient of variation `std / mean` (flat across a power bandpass).
    Cv,
}

fn variant(v: &ZeroDmVariant) -> ZeroDm {
    match v {
        ZeroDmVariant::Sigpyproc => ZeroDm::Sigpyproc,
        ZeroDmVariant::Jess => ZeroDm::Jess,
    }
}

fn variant_name(v: ZeroDm) -> ZeroDmVariant {
    match v {
        ZeroDm::Sigpyproc => ZeroDmVariant::Sigpyproc,
        ZeroDm::Jess => ZeroDmVariant::Jess,
    }
}

fn statistic(s: &IqrmStatistic) -> ChannelStatistic {
    match s {
        IqrmStatistic::Std => ChannelStatistic::Std,
        IqrmStatistic::Mean => ChannelStatistic::Mean,
        IqrmStatistic::Variance => ChannelStatistic::Variance,
        IqrmStatistic::Skewness => ChannelStatistic::Skewness,
        IqrmStatistic::Kurtosis => ChannelStatistic::Kurtosis,
        IqrmStatistic::Cv => ChannelStatistic::CoefficientOfVariation,
    }
}

fn statistic_name(s: ChannelStatistic) -> IqrmStatistic {
    match s {
        ChannelStatistic::Std => IqrmStatistic::Std,
        ChannelStatistic::Mean => IqrmStatistic::Mean,
        ChannelStatistic::Variance => IqrmStatistic::Variance,
        ChannelStatistic::Skewness => IqrmStatistic::Skewness,
        ChannelStatistic::Kurtosis => IqrmStatistic::Kurtosis,
        ChannelStatistic::CoefficientOfVariation => IqrmStatistic::Cv,
    }
}

/// Per-channel moments of the valid samples (NaN for a channel without one).
#[napi(object)]
pub struct RfiChannelStats {
    pub count: Float64Array,
    pub mean: Float64Array,
    /// Population variance (ddof 0).
    pub variance: Float64Array,
    pub skewness: Float64Array,
    /// Excess kurtosis.
    pub kurtosis: Float64Array,
    /// Sum of the valid samples.
    pub s1: Float64Array,
    /// Sum of their squares.
    pub s2: Float64Array,
}

fn stats_object(s: ChannelStats) -> RfiChannelStats {
    RfiChannelStats {
        count: Float64Array::new(s.count),
        mean: Float64Array::new(s.mean),
        variance: Float64Array::new(s.variance),
        skewness: Float64Array::new(s.skewness),
        kurtosis: Float64Array::new(s.kurtosis),
        s1: Float64Array::new(s.s1),
        s2: Float64Array::new(s.s2),
    }
}

/// Count, mean, variance, skewness, excess kurtosis, Σx and Σx² of each channel's valid samples, in one pass.
#[napi]
pub fn rfi_channel_stats(
    env: Env,
    intensity: &[f32],
    weights: Option<&[f32]>,
    zeros_missing: Option<bool>,
    grid: Grid,
) -> napi::Result<RfiChannelStats> {
    guard(&env, || Ok(stats_object(channel_stats::channel_stats(intensity, weights_of(weights, zeros_missing), shape(&grid)?)?)))
}

/// IQRM on one statistic. Defaults: the channel std, radius 10 % of the channels, 3 sigma.
#[napi(object)]
pub struct IqrmOptions {
    pub statistic: Option<IqrmStatistic>,
    pub radius_channels: Option<f64>,
    pub threshold_sigma: Option<f64>,
}

/// Spectral kurtosis with `your`'s estimator. Defaults: 5 sigma; `N` from the sample time and
/// channel width; the shape factor `d` from the data.
#[napi(object)]
pub struct SkOptions {
    pub sigma: Option<f64>,
    pub accumulations: Option<f64>,
    pub shape_factor: Option<f64>,
}

/// Which zero-DM variant a request applies.
#[napi(string_enum = "lowercase")]
pub enum ZeroDmChoiceName {
    Sigpyproc,
    Jess,
    /// sigpyproc on power-like data, jess otherwise (the automatic mask's choice).
    Recommended,
}

/// The methods to run, in the order of `wfall_core::rfi::plan` (each channel keeps its first).
#[napi(object)]
pub struct ChannelFlagRequest {
    /// Zero-DM subtraction first, in place (never on dedispersed data: the caller checks).
    pub zero_dm: Option<ZeroDmChoiceName>,
    /// Channels whose valid samples never vary.
    pub constant: Option<bool>,
    pub iqrm: Option<IqrmOptions>,
    pub sk: Option<SkOptions>,
    /// MAD fence half-width k (sigma) on the channel mean and variance.
    pub mad: Option<f64>,
    /// Tukey fence factor k on the channel mean and variance.
    pub tukey: Option<f64>,
    /// cfod's CHIME/FRB catalogue rule.
    pub cfod: Option<bool>,
    /// The automatic mask (constant channels, IQRM, SK).
    pub auto: Option<bool>,
}

/// The flags, and how each method ran.
#[napi(object)]
pub struct ChannelFlagResult {
    /// Per channel: the origin label of the method that flagged it (`constant`, `iqrm`, `sk`,
    /// `mad`, `tukey`, `cfod`), or "" when none did.
    pub origin: Vec<String>,
    /// Channels without a valid sample.
    pub empty: Vec<bool>,
    /// The zero-DM variant applied.
    pub zero_dm: Option<ZeroDmVariant>,
    /// The IQRM radius used (explicit or automatic), channels.
    pub iqrm_radius_channels: Option<u32>,
    /// The statistic the automatic mask's IQRM ran on.
    pub auto_iqrm_statistic: Option<IqrmStatistic>,
    /// Whether the automatic mask took the data for power (and so ran SK).
    pub auto_power_like: Option<bool>,
    pub auto_sk: Option<bool>,
    /// Per channel: the origin the automatic mask gave it ("" when it took none).
    pub auto_origin: Option<Vec<String>>,
    /// `N` of the SK estimator, when SK could run.
    pub sk_accumulations: Option<f64>,
    /// With `sk`: the SK value of every channel from the statistics (NaN without a valid sample).
    pub sk_values: Option<Float64Array>,
    /// The statistics the flags came from.
    pub stats: RfiChannelStats,
}

fn iqrm_params(o: &IqrmOptions, nchan: usize) -> CoreResult<IqrmParams> {
    let defaults = IqrmParams::for_channels(nchan);
    Ok(IqrmParams {
        radius_channels: match o.radius_channels {
            Some(r) => count(r, "IQRM radius")?,
            None => defaults.radius_channels,
        },
        threshold_sigma: o.threshold_sigma.unwrap_or(defaults.threshold_sigma),
    })
}

fn labels(origin: &[Option<RfiMethod>]) -> Vec<String> {
    origin.iter().map(|o| o.map_or("", |m| m.label()).to_string()).collect()
}

/// Runs the requested methods: zero-DM in place, one pass of channel statistics, the flags.
#[napi]
pub fn flag_channels(
    env: Env,
    mut intensity: Float32ArraySlice,
    mut weights: Option<Float32ArraySlice>,
    zeros_missing: Option<bool>,
    grid: Grid,
    axes: Axes,
    request: ChannelFlagRequest,
) -> napi::Result<ChannelFlagResult> {
    guard(&env, || {
        let shape = shape(&grid)?;
        let (x, w) = borrow_mut(&mut intensity, weights.as_mut())?;
        let weights = weights_of(w.as_deref(), zeros_missing);
        let n = accumulations_per_sample(axes.dt_seconds, axes.df_mhz)?;
        let iqrm = match &request.iqrm {
            Some(o) => Some(IqrmRequest {
                statistic: o.statistic.as_ref().map_or(ChannelStatistic::Std, statistic),
                params: iqrm_params(o, shape.nchan)?,
            }),
            None => None,
        };
        let sk = request.sk.as_ref().map(|o| SkParams {
            accumulations: o.accumulations.unwrap_or(n),
            shape_factor: o.shape_factor.map_or(ShapeFactor::FromData, ShapeFactor::Given),
            sigma: o.sigma.unwrap_or(5.0),
        });
        let auto = request.auto.unwrap_or(false).then(|| AutoMaskParams::recommended(shape.nchan, Some(n)));
        let plan_request = FlagRequest {
            zero_dm: request.zero_dm.as_ref().map(|z| match z {
                ZeroDmChoiceName::Sigpyproc => ZeroDmChoice::Variant(ZeroDm::Sigpyproc),
                ZeroDmChoiceName::Jess => ZeroDmChoice::Variant(ZeroDm::Jess),
                ZeroDmChoiceName::Recommended => ZeroDmChoice::Recommended,
            }),
            constant: request.constant.unwrap_or(false),
            iqrm,
            sk,
            mad: request.mad,
            tukey: request.tukey,
            cfod: request.cfod.unwrap_or(false),
            auto,
        };
        let flagged = plan::flag_channels(x, weights, shape, &plan_request)?;
        let sk_values = match plan_request.sk {
            Some(p) => Some(Float64Array::new(spectral_kurtosis(&flagged.stats, p.accumulations, p.shape_factor)?)),
            None => None,
        };
        let radius = iqrm.map(|i| i.params.radius_channels).or(auto.map(|a| a.iqrm.radius_channels));
        Ok(ChannelFlagResult {
            origin: labels(&flagged.origin),
            empty: flagged.empty,
            zero_dm: flagged.zero_dm.map(variant_name),
            iqrm_radius_channels: radius.map(|r| r as u32),
            auto_iqrm_statistic: flagged.auto.as_ref().map(|a| statistic_name(a.iqrm_statistic)),
            auto_power_like: flagged.auto.as_ref().map(|a| a.power_like),
            auto_sk: flagged.auto.as_ref().map(|a| a.sk_applied),
            auto_origin: flagged.auto.as_ref().map(|a| labels(&a.origin)),
            sk_accumulations: (plan_request.sk.is_some() || flagged.auto.as_ref().is_some_and(|a| a.sk_applied)).then_some(n),
            sk_values,
            stats: stats_object(flagged.stats),
        })
    })
}

/// Zero-DM subtraction in place, with the channel means of the valid samples as bandpass.
#[napi]
pub fn zero_dm(
    env: Env,
    mut intensity: Float32ArraySlice,
    mut weights: Option<Float32ArraySlice>,
    zeros_missing: Option<bool>,
    grid: Grid,
    variant_name: ZeroDmVariant,
) -> napi::Result<()> {
    guard(&env, || {
        let shape = shape(&grid)?;
        let (x, w) = borrow_mut(&mut intensity, weights.as_mut())?;
        zero_dm::zero_dm(x, weights_of(w.as_deref(), zeros_missing), shape, variant(&variant_name), None)
    })
}

/// The channel masks of a PRESTO rfifind `.mask` file.
#[napi(object)]
pub struct RfifindMaskInfo {
    pub numchan: u32,
    pub numint: u32,
    pub ptsperint: u32,
    /// Centre of channel 0 (the lowest), MHz.
    pub lofreq_mhz: f64,
    /// Channel width, MHz.
    pub dfreq_mhz: f64,
    /// Interval length, s.
    pub dtint_seconds: f64,
    pub mjd: f64,
    pub time_sigma: f64,
    pub freq_sigma: f64,
    /// Channels zapped for the whole observation (the file's list), lowest frequency = 0.
    pub zap_channels: Vec<u32>,
    /// Channels masked in every interval (the zapped ones included).
    pub always_masked: Vec<u32>,
    /// Channel-interval cells masked besides the always-masked channels.
    pub interval_cells: f64,
    /// "little" or "big".
    pub byte_order: String,
}

/// Parses an rfifind `.mask` file's bytes.
#[napi]
pub fn parse_rfifind_mask(env: Env, bytes: &[u8]) -> napi::Result<RfifindMaskInfo> {
    guard(&env, || {
        let m = rfifind_mask::parse_rfifind_mask(bytes)?;
        let always = m.always_masked_channels();
        let list = |flags: &[bool]| flags.iter().enumerate().filter(|(_, &f)| f).map(|(c, _)| c as u32).collect::<Vec<u32>>();
        let mut cells = 0usize;
        for i in 0..m.numint {
            if let Some(chans) = m.interval_channels(i) {
                cells += chans.iter().zip(&always).filter(|(&c, &a)| c && !a).count();
            }
        }
        Ok(RfifindMaskInfo {
            numchan: m.numchan as u32,
            numint: m.numint as u32,
            ptsperint: m.ptsperint as u32,
            lofreq_mhz: m.lofreq_mhz,
            dfreq_mhz: m.dfreq_mhz,
            dtint_seconds: m.dtint_s,
            mjd: m.mjd,
            time_sigma: m.time_sigma,
            freq_sigma: m.freq_sigma,
            zap_channels: m.zap_chans.iter().map(|&c| c as u32).collect(),
            always_masked: list(&always),
            interval_cells: cells as f64,
            byte_order: match m.byte_order {
                ByteOrder::Little => "little",
                ByteOrder::Big => "big",
            }
            .to_string(),
        })
    })
}
