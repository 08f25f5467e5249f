//! What the `--mask-*` and `--zero-dm` options ask of the core, run over one waterfall in as few
//! passes over the data as the methods allow.
//!
//! Order, fixed:
//!
//! 0. **Zero-DM** ([`super::zero_dm`]), when asked, in place, with the raw channel means as its
//!    bandpass ([`super::zero_dm::zero_dm_with_stats`]): one pass takes the raw statistics (the
//!    recommended variant needs them, [`super::auto::recommended_zero_dm`]) and the per-sample
//!    sums together, a second writes the cleaned data and takes their statistics.
//! 1. Otherwise **one pass of channel statistics** ([`super::channel_stats`]).
//! 2. The flagging methods on those statistics, in this order: constant channels, IQRM, spectral
//!    kurtosis, MAD fences, Tukey fences, cfod's rule, then the automatic mask. Each sees the
//!    channels flagged before it as masked (NaN statistic, left out of medians and percentiles),
//!    so every channel keeps the first method that flagged it and its origin is unambiguous.
//!
//! Channels without a valid sample are reported in [`Flagged::empty`] and flagged by no method
//! (already masked: the file's weights, or an earlier mask).

use crate::bail;
use crate::error::{code, CoreResult};
use crate::shape::Shape;
use crate::weights::Weights;

use super::auto::{auto_channel_flags, is_power_like, recommended_zero_dm, AutoMask, AutoMaskParams};
use super::channel_stats::{channel_stats, ChannelStatistic, ChannelStats};
use super::dead::dead_channels;
use super::fences::{cfod_catalog_flags, fence_flags, Fence};
use super::iqrm::{iqrm_flags, IqrmParams};
use super::spectral_kurtosis::{sk_flags, spectral_kurtosis, SkParams};
use super::zero_dm::{zero_dm_with_stats, ZeroDm};
use super::RfiMethod;

/// Which zero-DM variant to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZeroDmChoice {
    Variant(ZeroDm),
    /// [`recommended_zero_dm`] of the raw data's statistics (the automatic mask's step 0).
    Recommended,
}

/// IQRM on one channel statistic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IqrmRequest {
    pub statistic: ChannelStatistic,
    pub params: IqrmParams,
}

/// The methods to run; everything off by default.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FlagRequest {
    pub zero_dm: Option<ZeroDmChoice>,
    /// Channels whose valid samples never vary ([`super::dead`]).
    pub constant: bool,
    pub iqrm: Option<IqrmRequest>,
    pub sk: Option<SkParams>,
    /// MAD fence half-width `k` (Gaussian σ) on the channel mean and on the variance.
    pub mad: Option<f64>,
    /// Tukey fence factor `k` on the channel mean and on the variance.
    pub tukey: Option<f64>,
    /// cfod's CHIME/FRB catalogue rule, with the channel mean as the spectrum.
    pub cfod: bool,
    pub auto: Option<AutoMaskParams>,
}

/// What [`flag_channels`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Flagged {
    /// The method that flagged each channel (`None`: kept, or without a valid sample).
    pub origin: Vec<Option<RfiMethod>>,
    /// Channels without a valid sample.
    pub empty: Vec<bool>,
    /// The zero-DM variant applied, if any.
    pub zero_dm: Option<ZeroDm>,
    /// How the automatic mask ran, if asked.
    pub auto: Option<AutoMask>,
    /// The statistics the flags come from (of the cleaned data when zero-DM ran).
    pub stats: ChannelStats,
}

/// The statistics with the flagged channels turned into channels without a valid sample.
fn without(stats: &ChannelStats, origin: &[Option<RfiMethod>]) -> ChannelStats {
    let mut s = stats.clone();
    for (c, o) in origin.iter().enumerate() {
        if o.is_some() {
            s.count[c] = 0.0;
            for field in [&mut s.mean, &mut s.variance, &mut s.skewness, &mut s.kurtosis, &mut s.s1, &mut s.s2] {
                field[c] = f64::NAN;
            }
        }
    }
    s
}

/// Records `method` for the flagged channels that no earlier method took.
fn take(origin: &mut [Option<RfiMethod>], flags: &[bool], method: RfiMethod) {
    for (o, &f) in origin.iter_mut().zip(flags) {
        if f && o.is_none() {
            *o = Some(method);
        }
    }
}

/// Flags of a fence on the mean or the variance.
fn fence_on_mean_and_variance(stats: &ChannelStats, fence: Fence) -> CoreResult<Vec<bool>> {
    let on_mean = fence_flags(&stats.mean, fence)?;
    let on_variance = fence_flags(&stats.variance, fence)?;
    Ok(on_mean.iter().zip(&on_variance).map(|(&a, &b)| a || b).collect())
}

/// Runs `request` on the waterfall (see the module doc); zero-DM changes `intensity` in place.
pub fn flag_channels(intensity: &mut [f32], weights: Weights, shape: Shape, request: &FlagRequest) -> CoreResult<Flagged> {
    let (zero_dm_variant, stats) = match request.zero_dm {
        None => (None, channel_stats(intensity, weights, shape)?),
        Some(choice) => {
            let (variant, stats) = zero_dm_with_stats(intensity, weights, shape, |raw| match choice {
                ZeroDmChoice::Variant(v) => v,
                ZeroDmChoice::Recommended => recommended_zero_dm(raw),
            })?;
            (Some(variant), stats)
        }
    };
    let empty: Vec<bool> = stats.count.iter().map(|&n| n == 0.0).collect();
    let mut origin: Vec<Option<RfiMethod>> = vec![None; shape.nchan];

    if request.constant {
        take(&mut origin, &dead_channels(&stats), RfiMethod::Dead);
    }
    if let Some(iqrm) = request.iqrm {
        let x = without(&stats, &origin).statistic(iqrm.statistic);
        take(&mut origin, &iqrm_flags(&x, iqrm.params)?, RfiMethod::Iqrm);
    }
    if let Some(sk) = request.sk {
        if !is_power_like(&stats) {
            bail!(
                code::ARGUMENT,
                "spectral kurtosis needs power data (unnormalised, positive channel means at least their spread); these data are not: mask them with IQRM or fences instead"
            );
        }
        let s = without(&stats, &origin);
        let values = spectral_kurtosis(&s, sk.accumulations, sk.shape_factor)?;
        take(&mut origin, &sk_flags(&values, &s.count, sk.sigma)?, RfiMethod::SpectralKurtosis);
    }
    if let Some(k) = request.mad {
        let flags = fence_on_mean_and_variance(&without(&stats, &origin), Fence::Mad { k })?;
        take(&mut origin, &flags, RfiMethod::Mad);
    }
    if let Some(k) = request.tukey {
        let flags = fence_on_mean_and_variance(&without(&stats, &origin), Fence::Tukey { k })?;
        take(&mut origin, &flags, RfiMethod::Tukey);
    }
    if request.cfod {
        let s = without(&stats, &origin);
        take(&mut origin, &cfod_catalog_flags(&s.mean, &s.variance)?, RfiMethod::Cfod);
    }
    let auto = match &request.auto {
        None => None,
        Some(params) => {
            let mask = auto_channel_flags(&without(&stats, &origin), params)?;
            for (o, a) in origin.iter_mut().zip(&mask.origin) {
                if o.is_none() {
                    *o = *a;
                }
            }
            Some(mask)
        }
    };
    Ok(Flagged { origin, empty, zero_dm: zero_dm_variant, auto, stats })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rfi::spectral_kurtosis::ShapeFactor;
    use crate::rfi::zero_dm::{zero_dm, zero_dm_bandpass};

    /// `nchan` x `ntime` of power around 100 with deterministic pseudo-noise.
    fn power(nchan: usize, ntime: usize) -> Vec<f32> {
        let mut state = 7u64;
        (0..nchan * ntime)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                100.0 + 20.0 * ((state >> 40) as f32 / (1u64 << 24) as f32 - 0.5)
            })
            .collect()
    }

    #[test]
    fn each_channel_keeps_the_first_method_that_flagged_it() {
        let (nchan, ntime) = (40, 256);
        let mut x = power(nchan, ntime);
        x[3 * ntime..4 * ntime].fill(50.0); // constant
        for v in &mut x[10 * ntime..11 * ntime] {
            *v = 100.0 + (*v - 100.0) * 6.0; // noisy: IQRM, MAD on variance and Tukey all see it
        }
        for v in &mut x[20 * ntime..21 * ntime] {
            *v += 40.0; // a level offset: fences on the mean only
        }
        x[30 * ntime..31 * ntime].fill(f32::NAN); // no valid sample
        let shape = Shape::new(nchan, ntime).unwrap();
        let request = FlagRequest {
            constant: true,
            iqrm: Some(IqrmRequest { statistic: ChannelStatistic::Std, params: IqrmParams::for_channels(nchan) }),
            mad: Some(5.0),
            tukey: Some(3.0),
            ..Default::default()
        };
        let f = flag_channels(&mut x, Weights::Valid, shape, &request).unwrap();
        let flagged: Vec<(usize, RfiMethod)> = f.origin.iter().enumerate().filter_map(|(c, o)| o.map(|o| (c, o))).collect();
        assert_eq!(flagged, vec![(3, RfiMethod::Dead), (10, RfiMethod::Iqrm), (20, RfiMethod::Mad)]);
        assert_eq!(f.empty.iter().positions(), vec![30]);
        assert_eq!((f.zero_dm, f.auto.is_none()), (None, true));
        // without the earlier methods, Tukey takes the offset channel
        let only_tukey = FlagRequest { tukey: Some(3.0), ..Default::default() };
        let f = flag_channels(&mut x, Weights::Valid, shape, &only_tukey).unwrap();
        assert_eq!(f.origin[20], Some(RfiMethod::Tukey));
        assert_eq!(f.origin[10], Some(RfiMethod::Tukey));
    }

    #[test]
    fn zero_dm_runs_first_with_the_raw_channel_means_as_bandpass() {
        let (nchan, ntime) = (16, 64);
        let mut x = power(nchan, ntime);
        for c in 0..nchan {
            x[c * ntime + 7] += 80.0; // a broadband spike
        }
        let shape = Shape::new(nchan, ntime).unwrap();
        let mut expected = x.clone();
        let bp = zero_dm_bandpass(&expected, Weights::Valid, shape).unwrap();
        zero_dm(&mut expected, Weights::Valid, shape, ZeroDm::Sigpyproc, Some(&bp)).unwrap();
        let request = FlagRequest { zero_dm: Some(ZeroDmChoice::Recommended), ..Default::default() };
        let f = flag_channels(&mut x, Weights::Valid, shape, &request).unwrap();
        assert_eq!(f.zero_dm, Some(ZeroDm::Sigpyproc));
        for (a, b) in x.iter().zip(&expected) {
            assert!(((a - b) / b).abs() < 1e-6, "{a} vs {b}");
        }
        let s = channel_stats(&expected, Weights::Valid, shape).unwrap();
        for c in 0..nchan {
            assert!(((f.stats.variance[c] - s.variance[c]) / s.variance[c]).abs() < 1e-6);
        }
        // normalised data take the jess variant
        let mut y: Vec<f32> = power(nchan, ntime).iter().map(|v| v - 100.0).collect();
        let f = flag_channels(&mut y, Weights::Valid, shape, &request).unwrap();
        assert_eq!(f.zero_dm, Some(ZeroDm::Jess));
    }

    #[test]
    fn spectral_kurtosis_is_refused_on_data_that_are_not_power() {
        let (nchan, ntime) = (8, 64);
        let mut y: Vec<f32> = power(nchan, ntime).iter().map(|v| v - 100.0).collect();
        let sk = SkParams { accumulations: 1.0, shape_factor: ShapeFactor::FromData, sigma: 5.0 };
        let request = FlagRequest { sk: Some(sk), ..Default::default() };
        let e = flag_channels(&mut y, Weights::Valid, Shape::new(nchan, ntime).unwrap(), &request).unwrap_err();
        assert_eq!(e.code, code::ARGUMENT);
        let mut x = power(nchan, ntime);
        assert!(flag_channels(&mut x, Weights::Valid, Shape::new(nchan, ntime).unwrap(), &request).is_ok());
    }

    trait Positions {
        fn positions(self) -> Vec<usize>;
    }
    impl<'a, I: Iterator<Item = &'a bool>> Positions for I {
        fn positions(self) -> Vec<usize> {
            self.enumerate().filter(|(_, &b)| b).map(|(i, _)| i).collect()
        }
    }
}
