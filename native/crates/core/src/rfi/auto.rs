//! The automatic channel mask for unknown data (`--mask-auto`).
//!
//! Recommended sequence (the caller runs step 0; this module runs steps 1–3 on the statistics):
//!
//! 0. **Zero-DM** ([`super::zero_dm`]) when the data are still dispersed (stored at DM 0, e.g. a
//!    filterbank): the sigpyproc variant on power-like data (broadband RFI passes through the same
//!    bandpass as the sky, so it is removed in proportion to it), the jess variant otherwise
//!    ([`recommended_zero_dm`] of the raw data's statistics; jess's output has channel means
//!    `2·bp_c − mean(bp)`, which bends a sloped bandpass). Then
//!    [`super::channel_stats::channel_stats`] of the cleaned data. Never on dedispersed data: it
//!    would subtract the burst.
//! 1. **Dead channels** ([`super::dead`]): valid samples that never vary.
//! 2. **IQRM** ([`super::iqrm`], radius 10 % of the channels, 3 σ) on the coefficient of variation
//!    `std/mean` when the data are power-like, else on `std`. For power `std/mean = 1/√N` in every
//!    clean channel whatever the bandpass, so roll-off at the band edges and sub-band ripples are not
//!    taken for RFI (IQRM on the raw `std` or `mean` flags steep bandpass slopes); noisy and
//!    intermittent channels and modulated carriers raise it.
//! 3. **Spectral kurtosis** ([`super::spectral_kurtosis`], σ = 5, `d` from the data, `N` from the
//!    sample time and channel width), on power-like data only (SK divides by `S1²`): it is two-sided,
//!    so it also catches channels whose variance is too *low* for their level (steady carriers).
//!
//! Each step sees the channels flagged before it as already masked (NaN statistic; out of the SK
//! median and MAD), and each channel keeps the first method that flagged it, so its origin label is
//! unambiguous. Channels without a valid sample are already masked and get no origin here.
//!
//! Left out on purpose: IQRM on the excess kurtosis finds pulsed RFI, but on dedispersed data it
//! also flags the channels of a bright burst (it does on the FRB 20121102A B6 fixture); global MAD
//! or Tukey fences flag a raw bandpass's roll-off; IQRM on the raw `std` or `mean` flags steep
//! bandpass slopes (7 of 227 clean channels at the edges of the RFI fixture).
//!
//! **Power-like** ([`is_power_like`]): over the channels whose valid samples vary (constant and
//! dead channels are left to step 1), every mean is positive and the median of `mean/std` is at
//! least 1 (detected power summed over `N ≥ 1` accumulations has `mean/std = √N`; data normalised
//! to zero mean have `mean/std ≈ 0`).

use crate::error::CoreResult;
use crate::select::median_in_place;

use super::channel_stats::{ChannelStatistic, ChannelStats};
use super::dead::dead_channels;
use super::iqrm::{iqrm_flags, IqrmParams};
use super::spectral_kurtosis::{sk_flags, spectral_kurtosis, ShapeFactor};
use super::zero_dm::ZeroDm;
use super::RfiMethod;

/// Parameters of the automatic mask.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AutoMaskParams {
    pub iqrm: IqrmParams,
    /// Accumulations per sample for SK ([`super::spectral_kurtosis::accumulations_per_sample`]);
    /// `None`: no SK step.
    pub sk_accumulations: Option<f64>,
    /// SK half-width in 1.4826·MAD units.
    pub sk_sigma: f64,
}

impl AutoMaskParams {
    /// The recommended parameters for `nchan` channels: IQRM radius 10 % of the channels and 3 σ,
    /// SK at 5 σ.
    pub fn recommended(nchan: usize, sk_accumulations: Option<f64>) -> Self {
        Self { iqrm: IqrmParams::for_channels(nchan), sk_accumulations, sk_sigma: 5.0 }
    }
}

/// The automatic mask and how it was made.
#[derive(Debug, Clone, PartialEq)]
pub struct AutoMask {
    /// The method that flagged each channel; `None` for a clean channel or one already masked.
    pub origin: Vec<Option<RfiMethod>>,
    /// Whether the data were taken as power ([`is_power_like`]).
    pub power_like: bool,
    /// The statistic IQRM ran on.
    pub iqrm_statistic: ChannelStatistic,
    /// Whether the SK step ran.
    pub sk_applied: bool,
}

impl AutoMask {
    /// `true` for each flagged channel.
    pub fn flags(&self) -> Vec<bool> {
        self.origin.iter().map(Option::is_some).collect()
    }
}

/// Over the channels whose valid samples vary: every mean positive and median `mean/std` ≥ 1.
pub fn is_power_like(stats: &ChannelStats) -> bool {
    let varying: Vec<(f64, f64)> = stats
        .count
        .iter()
        .zip(&stats.mean)
        .zip(&stats.variance)
        .filter(|((&n, _), &v)| n > 0.0 && v > 0.0)
        .map(|((_, &m), &v)| (m, v))
        .collect();
    if varying.iter().any(|&(mean, _)| mean.is_nan() || mean <= 0.0) {
        return false;
    }
    let mut ratio: Vec<f64> = varying.iter().map(|&(m, v)| m / v.sqrt()).collect();
    median_in_place(&mut ratio).is_some_and(|m| m >= 1.0)
}

/// The zero-DM variant for step 0: [`ZeroDm::Sigpyproc`] on power-like data (statistics of the
/// raw data), [`ZeroDm::Jess`] otherwise.
pub fn recommended_zero_dm(raw: &ChannelStats) -> ZeroDm {
    if is_power_like(raw) {
        ZeroDm::Sigpyproc
    } else {
        ZeroDm::Jess
    }
}

/// Runs steps 1–3 of the module doc on the statistics of the (zero-DM cleaned) data.
pub fn auto_channel_flags(stats: &ChannelStats, params: &AutoMaskParams) -> CoreResult<AutoMask> {
    stats.check()?;
    let power_like = is_power_like(stats);
    let mut origin: Vec<Option<RfiMethod>> = dead_channels(stats).into_iter().map(|d| d.then_some(RfiMethod::Dead)).collect();

    let iqrm_statistic = if power_like { ChannelStatistic::CoefficientOfVariation } else { ChannelStatistic::Std };
    let x: Vec<f64> =
        stats.statistic(iqrm_statistic).into_iter().zip(&origin).map(|(v, o)| if o.is_some() { f64::NAN } else { v }).collect();
    for (o, f) in origin.iter_mut().zip(iqrm_flags(&x, params.iqrm)?) {
        if f && o.is_none() {
            *o = Some(RfiMethod::Iqrm);
        }
    }

    let sk_applied = power_like && params.sk_accumulations.is_some();
    if let (true, Some(n)) = (sk_applied, params.sk_accumulations) {
        let sk = spectral_kurtosis(stats, n, ShapeFactor::FromData)?;
        let sk: Vec<f64> = sk.iter().zip(&origin).map(|(&v, o)| if o.is_some() { f64::NAN } else { v }).collect();
        let count: Vec<f64> = stats.count.iter().zip(&origin).map(|(&n, o)| if o.is_some() { 0.0 } else { n }).collect();
        for (o, f) in origin.iter_mut().zip(sk_flags(&sk, &count, params.sk_sigma)?) {
            if f && o.is_none() {
                *o = Some(RfiMethod::SpectralKurtosis);
            }
        }
    }
    Ok(AutoMask { origin, power_like, iqrm_statistic, sk_applied })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rfi::channel_stats::channel_stats;
    use crate::weights::Weights;
    use crate::Shape;

    /// 40 channels x 256 samples of power around a sloped bandpass, deterministic pseudo-noise.
    fn power(nchan: usize, ntime: usize) -> Vec<f32> {
        let mut state = 99u64;
        let mut x = vec![0f32; nchan * ntime];
        for c in 0..nchan {
            let level = 50.0 + 2.0 * c as f32; // a steep slope: raw std and mean follow it
            for t in 0..ntime {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let u = (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5;
                x[c * ntime + t] = level * (1.0 + 0.2 * u);
            }
        }
        x
    }

    #[test]
    fn power_data_flag_dead_noisy_and_low_variance_channels_with_their_origin() {
        let (nchan, ntime) = (40, 256);
        let mut x = power(nchan, ntime);
        x[5 * ntime..6 * ntime].fill(0.0); // dead: stored as zeros, which count as data here
        for v in &mut x[20 * ntime..21 * ntime] {
            *v = 70.0 + (*v - 70.0) * 4.0; // noisy: four times the spread
        }
        for v in &mut x[30 * ntime..31 * ntime] {
            *v = 110.0 + (*v - 110.0) * 0.2; // a steady carrier: level kept, spread collapsed
        }
        x[33 * ntime..34 * ntime].fill(f32::NAN); // already masked
        let stats = channel_stats(&x, Weights::Valid, Shape::new(nchan, ntime).unwrap()).unwrap();
        assert!(is_power_like(&stats));
        assert_eq!(recommended_zero_dm(&stats), ZeroDm::Sigpyproc);
        let auto = auto_channel_flags(&stats, &AutoMaskParams::recommended(nchan, Some(1.0))).unwrap();
        assert_eq!((auto.iqrm_statistic, auto.sk_applied), (ChannelStatistic::CoefficientOfVariation, true));
        let flagged: Vec<(usize, RfiMethod)> = auto.origin.iter().enumerate().filter_map(|(c, o)| o.map(|o| (c, o))).collect();
        assert_eq!(flagged, vec![(5, RfiMethod::Dead), (20, RfiMethod::Iqrm), (30, RfiMethod::SpectralKurtosis)]);
        // without N there is no SK step, and the steady carrier is not found by IQRM
        let auto = auto_channel_flags(&stats, &AutoMaskParams::recommended(nchan, None)).unwrap();
        assert!(!auto.sk_applied);
        assert_eq!(auto.flags().iter().filter(|&&f| f).count(), 2);
    }

    #[test]
    fn zero_mean_data_use_std_and_skip_sk() {
        let (nchan, ntime) = (40, 256);
        let mut x: Vec<f32> = power(nchan, ntime).iter().enumerate().map(|(k, v)| v - (50.0 + 2.0 * (k / ntime) as f32)).collect();
        for v in &mut x[12 * ntime..13 * ntime] {
            *v *= 6.0;
        }
        let stats = channel_stats(&x, Weights::Valid, Shape::new(nchan, ntime).unwrap()).unwrap();
        assert!(!is_power_like(&stats));
        assert_eq!(recommended_zero_dm(&stats), ZeroDm::Jess);
        let auto = auto_channel_flags(&stats, &AutoMaskParams::recommended(nchan, Some(1.0))).unwrap();
        assert_eq!((auto.iqrm_statistic, auto.sk_applied), (ChannelStatistic::Std, false));
        assert_eq!(auto.origin[12], Some(RfiMethod::Iqrm));
    }
}
