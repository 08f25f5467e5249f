//! Spectral kurtosis (SK) per channel with the estimator and flagging rule of `your`
//! (thepetabyteproject/your, `your/utils/rfi.py`: `spectral_kurtosis`, `sk_filter`, `calc_N`;
//! Nita & Gary 2010, Nita et al. 2016).
//!
//! For channel `c` with `M` valid samples, `S1 = Σ x`, `S2 = Σ x²`:
//!
//! ```text
//! SK_c = ((M·d·N + 1) / (M − 1)) · (M·S2/S1² − 1)
//! ```
//!
//! - `N`, the accumulations per sample: `your`'s `calc_N` gives `round(tsamp / (1/|Δν|))` =
//!   `round(tsamp[s] · |Δν|[MHz] · 10⁶)` (numpy's round, ties to even), see
//!   [`accumulations_per_sample`]. (Older `your` releases had `1/(2|Δν|)`, i.e. twice this.)
//! - `d`, the shape factor: given, or from the data when not given (`your`'s `d=None`, the default
//!   of both `spectral_kurtosis` and `sk_filter` today): `d = (μ/σ)²` with `μ`, `σ` the mean and
//!   standard deviation (ddof 0) of **all** valid samples of the block, every channel together.
//! - An SK of 1 means Gaussian noise for data that are a sum of `N·d` exponential powers; a
//!   persistent carrier drives SK below 1, intermittent RFI above.
//!
//! Flags ([`sk_flags`]): with `med` and `MAD` the median and median absolute deviation of the
//! non-NaN SK values, channel `c` is flagged unless `med − σ·1.4826·MAD < SK_c < med + σ·1.4826·MAD`
//! (strict, so values on a fence are flagged, and so is a channel with data whose SK is NaN; when
//! more than half the SK values are equal, MAD = 0 and every channel with data is flagged, as in
//! `your`).
//! `σ` = 5 by default as in `sk_filter` (`sk_sg_filter` passes 6). `your` used
//! `scipy.stats.median_absolute_deviation` before issue #43, whose default scale already multiplied
//! the MAD by 1.4826 (so 1.4826² in all); today it uses `median_abs_deviation` (scale 1), as here.
//!
//! Differences from `your`, both where data are missing: `M` is the channel's number of valid
//! samples (`your` masks zeros out of S1 and S2 but keeps `M` = all samples of the block), and a
//! channel without a valid sample has a NaN SK and is **not** flagged (already masked; `your` flags
//! NaN SK). With no missing sample the values are `your`'s.
//!
//! SK assumes power-like data (positive, `S1 > 0`): on data normalised to zero mean it is
//! meaningless (`S1 ≈ 0`).

use crate::bail;
use crate::error::{code, CoreResult};
use crate::normalise::MAD_TO_SIGMA;
use crate::select::median_in_place;

use super::channel_stats::ChannelStats;
use super::check_positive;

/// The shape factor `d` of the SK estimator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ShapeFactor {
    /// A known `d` (1 for detected powers of complex Gaussian voltages).
    Given(f64),
    /// `(μ/σ)²` of all valid samples (`your`'s `d=None`).
    FromData,
}

/// Parameters of the SK flags.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SkParams {
    /// `N`, accumulations per sample (see [`accumulations_per_sample`]).
    pub accumulations: f64,
    pub shape_factor: ShapeFactor,
    /// Half-width of the accepted band in units of 1.4826·MAD (`your`'s `sigma`, default 5).
    pub sigma: f64,
}

impl SkParams {
    /// `your`'s `sk_filter` defaults for data sampled every `tsamp_s` seconds in channels
    /// `channel_width_mhz` wide: `N` from those, `d` from the data, σ = 5.
    pub fn your_defaults(tsamp_s: f64, channel_width_mhz: f64) -> CoreResult<Self> {
        Ok(Self { accumulations: accumulations_per_sample(tsamp_s, channel_width_mhz)?, shape_factor: ShapeFactor::FromData, sigma: 5.0 })
    }
}

/// `N = round(tsamp · |Δν|)`, `your`'s `calc_N`: the number of raw spectra of a channel `|Δν|` MHz
/// wide (one every `1/|Δν|` µs) summed into one sample of `tsamp` seconds. Ties round to even.
pub fn accumulations_per_sample(tsamp_s: f64, channel_width_mhz: f64) -> CoreResult<f64> {
    check_positive("sample time (s)", tsamp_s)?;
    if !(channel_width_mhz.is_finite() && channel_width_mhz != 0.0) {
        bail!(code::ARGUMENT, "channel width must be a non-zero number of MHz, got {channel_width_mhz}");
    }
    let tn_s = (1.0 / (channel_width_mhz * 1e6)).abs();
    let n = (tsamp_s / tn_s).round_ties_even();
    if !n.is_finite() {
        bail!(code::ARGUMENT, "{tsamp_s} s x {channel_width_mhz} MHz gives no finite number of accumulations");
    }
    Ok(n)
}

/// SK of every channel; NaN for a channel without a valid sample.
pub fn spectral_kurtosis(stats: &ChannelStats, accumulations: f64, shape_factor: ShapeFactor) -> CoreResult<Vec<f64>> {
    stats.check()?;
    if !(accumulations.is_finite() && accumulations >= 0.0) {
        bail!(code::ARGUMENT, "accumulations per sample must be a finite number >= 0, got {accumulations}");
    }
    let d = match shape_factor {
        ShapeFactor::Given(d) => {
            if !d.is_finite() {
                bail!(code::ARGUMENT, "SK shape factor must be finite, got {d}");
            }
            d
        }
        ShapeFactor::FromData => {
            let (_, mean, variance) = stats.global();
            (mean / variance.sqrt()).powi(2)
        }
    };
    Ok((0..stats.nchan())
        .map(|c| {
            let m = stats.count[c];
            if m == 0.0 {
                return f64::NAN;
            }
            let (s1, s2) = (stats.s1[c], stats.s2[c]);
            (m * d * accumulations + 1.0) * (m * s2 / (s1 * s1) - 1.0) / (m - 1.0)
        })
        .collect())
}

/// Channels outside `median ± σ·1.4826·MAD` of the SK values (see the module doc). `count` is the
/// number of valid samples of each channel: a channel with none is never flagged.
pub fn sk_flags(sk: &[f64], count: &[f64], sigma: f64) -> CoreResult<Vec<bool>> {
    if sk.len() != count.len() {
        bail!(code::SHAPE, "{} SK values for {} channel counts", sk.len(), count.len());
    }
    check_positive("SK sigma", sigma)?;
    let (low, high) = sk_bounds(sk, sigma);
    Ok(sk.iter().zip(count).map(|(&v, &n)| n > 0.0 && !(v < high && v > low)).collect())
}

/// SK values and flags of every channel in one call: `(values, flags)`.
pub fn spectral_kurtosis_flags(stats: &ChannelStats, params: &SkParams) -> CoreResult<(Vec<f64>, Vec<bool>)> {
    let sk = spectral_kurtosis(stats, params.accumulations, params.shape_factor)?;
    let flags = sk_flags(&sk, &stats.count, params.sigma)?;
    Ok((sk, flags))
}

/// `(med − σ·1.4826·MAD, med + σ·1.4826·MAD)` of the non-NaN values; NaN when there is none or
/// when infinities make them undefined.
pub fn sk_bounds(sk: &[f64], sigma: f64) -> (f64, f64) {
    let mut values: Vec<f64> = sk.iter().copied().filter(|v| !v.is_nan()).collect();
    let Some(median) = median_in_place(&mut values) else {
        return (f64::NAN, f64::NAN);
    };
    if !median.is_finite() {
        return (f64::NAN, f64::NAN);
    }
    for v in values.iter_mut() {
        *v = (*v - median).abs();
    }
    let mad = median_in_place(&mut values).unwrap_or(f64::NAN);
    let half = sigma * MAD_TO_SIGMA * mad;
    (median - half, median + half)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rfi::channel_stats::channel_stats;
    use crate::weights::Weights;
    use crate::Shape;

    #[test]
    fn accumulations_follow_calc_n() {
        assert_eq!(accumulations_per_sample(64e-6, 1.0).unwrap(), 64.0);
        assert_eq!(accumulations_per_sample(81.92e-6, -12.5).unwrap(), 1024.0);
        assert_eq!(accumulations_per_sample(0.5e-6, 5.0).unwrap(), 2.0); // 2.5 -> 2 (ties to even)
        assert_eq!(accumulations_per_sample(0.3e-6, 5.0).unwrap(), 2.0); // 1.5 -> 2
        assert_eq!(accumulations_per_sample(1e-3, 0.0).unwrap_err().code, code::ARGUMENT);
        assert_eq!(accumulations_per_sample(-1.0, 1.0).unwrap_err().code, code::ARGUMENT);
    }

    #[test]
    fn exact_values_given_and_from_data() {
        // channel 0: 1 2 3 4 -> M 4, S1 10, S2 30: M S2/S1^2 - 1 = 0.2
        // channel 1: 2 2 2 6 -> M 4, S1 12, S2 48: 4*48/144 - 1 = 1/3
        let shape = Shape::new(3, 4).unwrap();
        let x = [1.0, 2.0, 3.0, 4.0, 2.0, 2.0, 2.0, 6.0, f32::NAN, f32::NAN, f32::NAN, f32::NAN];
        let s = channel_stats(&x, Weights::Valid, shape).unwrap();
        let sk = spectral_kurtosis(&s, 2.0, ShapeFactor::Given(1.0)).unwrap();
        assert!((sk[0] - 9.0 / 3.0 * 0.2).abs() < 1e-15);
        assert!((sk[1] - 9.0 / 3.0 / 3.0).abs() < 1e-15);
        assert!(sk[2].is_nan());
        // global over the 8 samples: mean 22/8 = 2.75, E[x^2] = 78/8 = 9.75, var = 2.1875
        let d = 2.75f64 * 2.75 / 2.1875;
        let sk = spectral_kurtosis(&s, 2.0, ShapeFactor::FromData).unwrap();
        assert!((sk[0] - (8.0 * d + 1.0) / 3.0 * 0.2).abs() < 1e-14);
        assert!((sk[1] - (8.0 * d + 1.0) / 3.0 / 3.0).abs() < 1e-14);
        assert_eq!(spectral_kurtosis(&s, f64::NAN, ShapeFactor::Given(1.0)).unwrap_err().code, code::ARGUMENT);
        let params = SkParams::your_defaults(2e-6, 1.0).unwrap();
        assert_eq!((params.accumulations, params.shape_factor, params.sigma), (2.0, ShapeFactor::FromData, 5.0));
        let (values, flags) = spectral_kurtosis_flags(&s, &params).unwrap();
        assert_eq!(values[..2], sk[..2]);
        assert_eq!(flags, vec![false, false, false]); // two values: both within median -+ 3.7 |diff|
        assert_eq!(spectral_kurtosis(&s, 1.0, ShapeFactor::Given(f64::INFINITY)).unwrap_err().code, code::ARGUMENT);
    }

    #[test]
    fn flags_outside_the_mad_band() {
        // values 1, 1.1, 0.9, 1.0, 5.0, NaN(empty), NaN(with data)
        // non-NaN: 0.9 1.0 1.0 1.1 5.0 -> median 1.0; |dev| 0.1 0 0 0.1 4 -> MAD 0.1
        // sigma 5: band 1 -+ 0.7413 -> (0.2587, 1.7413)
        let sk = [1.0, 1.1, 0.9, 1.0, 5.0, f64::NAN, f64::NAN];
        let count = [9.0, 9.0, 9.0, 9.0, 9.0, 0.0, 1.0];
        let (lo, hi) = sk_bounds(&sk, 5.0);
        assert!((lo - (1.0 - 5.0 * 1.4826 * 0.1)).abs() < 1e-12 && (hi - (1.0 + 5.0 * 1.4826 * 0.1)).abs() < 1e-12);
        assert_eq!(sk_flags(&sk, &count, 5.0).unwrap(), vec![false, false, false, false, true, false, true]);
        // values on a fence are flagged: with MAD 0 the band is empty and every channel is flagged
        let sk = [1.0, 1.0, 1.0, 2.0, 0.0];
        assert_eq!(sk_bounds(&sk, 5.0), (1.0, 1.0));
        assert_eq!(sk_flags(&sk, &[1.0; 5], 5.0).unwrap(), vec![true; 5]);
        assert_eq!(sk_flags(&sk, &[1.0; 4], 5.0).unwrap_err().code, code::SHAPE);
        assert_eq!(sk_flags(&sk, &[1.0; 5], 0.0).unwrap_err().code, code::ARGUMENT);
    }
}
