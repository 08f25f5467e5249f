//! Outlier channels by robust fences on a per-channel statistic (usually the channel mean or
//! variance), and cfod's CHIME/FRB catalogue rule.
//!
//! With the finite values `v` of the statistic (NaN channels are already masked: left out and
//! never flagged), channel `c` is flagged when its value lies strictly outside:
//!
//! - **MAD fence** ([`Fence::Mad`]): `median(v) ± k·1.4826·MAD(v)`, `MAD = median(|v − median(v)|)`;
//! - **Tukey fence** ([`Fence::Tukey`]): `[Q1 − k·IQR, Q3 + k·IQR]`, `IQR = Q3 − Q1`, quartiles by
//!   numpy's linear interpolation (`np.nanquantile`). Tukey's `k = 1.5` marks "outliers", `k = 3`
//!   "far out".
//!
//! These fences are global: they assume the statistic is flat across the band, which holds for
//! normalised waterfalls (CHIME's catalogue data, wfall's `--normalise`) but not for raw power,
//! where the bandpass shape alone puts the band edges outside the fences. IQRM
//! ([`super::iqrm`]) compares neighbours instead and suits raw data.
//!
//! **cfod's rule** ([`cfod_catalog_flags`]). The CHIME/FRB Catalog 1 tools (`chime-frb-open-data`,
//! `cfod/analysis/waterfall.py::remove_rfi`, and the catalogue's waterfall tutorial) flag a channel
//! when
//!
//! ```text
//! var_c > 3 · nanmean(var)   or   spec_c < Q1 − 1.5·IQR   or   spec_c > Q3 + 1.5·IQR
//! ```
//!
//! with `var_c = nanvar(wfall[c])` (ddof 0) and the quartiles taken over the file's `spec` array.
//! So cfod's rule is a Tukey fence with `k = 1.5` on the spectrum plus a *non-robust* upper cut at
//! three times the *mean* channel variance; neither half is a MAD fence. `spec` is stored in the
//! opposite channel order to `wfall` in the catalogue files (cfod indexes it `spec[::-1]`); pass it
//! here in the waterfall's row order. Without a catalogue file, the channel mean over time is the
//! spectrum to use.

use crate::bail;
use crate::error::{code, CoreResult};
use crate::normalise::MAD_TO_SIGMA;
use crate::select::{median_in_place, percentile_in_place};

use super::check_positive;

/// A fence around the bulk of a statistic's values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fence {
    /// `median ± k·1.4826·MAD` (`k` in Gaussian σ).
    Mad { k: f64 },
    /// `[Q1 − k·IQR, Q3 + k·IQR]`.
    Tukey { k: f64 },
}

impl Fence {
    /// cfod's Tukey fence on the spectrum.
    pub const TUKEY_CFOD: Fence = Fence::Tukey { k: 1.5 };
}

/// cfod's factor on the mean channel variance.
pub const CFOD_VARIANCE_FACTOR: f64 = 3.0;

/// `(low, high)` limits of the fence over the finite values; NaN when there is none.
pub fn fence_bounds(values: &[f64], fence: Fence) -> CoreResult<(f64, f64)> {
    let k = match fence {
        Fence::Mad { k } | Fence::Tukey { k } => k,
    };
    check_positive("fence factor k", k)?;
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return Ok((f64::NAN, f64::NAN));
    }
    Ok(match fence {
        Fence::Mad { k } => {
            let median = median_in_place(&mut v).unwrap_or(f64::NAN);
            for x in v.iter_mut() {
                *x = (*x - median).abs();
            }
            let half = k * MAD_TO_SIGMA * median_in_place(&mut v).unwrap_or(f64::NAN);
            (median - half, median + half)
        }
        Fence::Tukey { k } => {
            let q1 = percentile_in_place(&mut v, 25.0).unwrap_or(f64::NAN);
            let q3 = percentile_in_place(&mut v, 75.0).unwrap_or(f64::NAN);
            let iqr = q3 - q1;
            (q1 - k * iqr, q3 + k * iqr)
        }
    })
}

/// Channels whose value lies strictly outside the fence; non-finite values are never flagged.
pub fn fence_flags(values: &[f64], fence: Fence) -> CoreResult<Vec<bool>> {
    let (low, high) = fence_bounds(values, fence)?;
    Ok(values.iter().map(|&x| x.is_finite() && (x < low || x > high)).collect())
}

/// cfod's CHIME/FRB catalogue rule (see the module doc): `spectrum` and `variance` per channel,
/// in the waterfall's row order.
pub fn cfod_catalog_flags(spectrum: &[f64], variance: &[f64]) -> CoreResult<Vec<bool>> {
    if spectrum.len() != variance.len() {
        bail!(code::SHAPE, "cfod's rule needs one spectrum value per channel: {} for {} channels", spectrum.len(), variance.len());
    }
    let tukey = fence_flags(spectrum, Fence::TUKEY_CFOD)?;
    let finite: Vec<f64> = variance.iter().copied().filter(|v| v.is_finite()).collect();
    let mean_variance = finite.iter().sum::<f64>() / finite.len() as f64;
    Ok(variance.iter().zip(tukey).map(|(&v, t)| t || v > CFOD_VARIANCE_FACTOR * mean_variance).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mad_fence_exact() {
        // 1 2 3 4 100 NaN: median 3, |dev| 2 1 0 1 97 -> MAD 1; k 2: 3 -+ 2.9652
        let v = [1.0, 2.0, 3.0, 4.0, 100.0, f64::NAN];
        let (lo, hi) = fence_bounds(&v, Fence::Mad { k: 2.0 }).unwrap();
        assert!((lo - (3.0 - 2.9652)).abs() < 1e-12 && (hi - 5.9652).abs() < 1e-12);
        assert_eq!(fence_flags(&v, Fence::Mad { k: 2.0 }).unwrap(), vec![false, false, false, false, true, false]);
        assert_eq!(fence_flags(&v, Fence::Mad { k: 0.5 }).unwrap(), vec![true, true, false, true, true, false]);
        // 3 -+ 0.7413
    }

    #[test]
    fn tukey_fence_exact() {
        // 1 2 3 4 100: Q1 2, Q3 4 (linear), IQR 2; k 1.5: [-1, 7]
        let v = [1.0, 2.0, 3.0, 4.0, 100.0, -1.0];
        // with -1 added: sorted -1 1 2 3 4 100: Q1 at 1.25 -> 1.25, Q3 at 3.75 -> 3.75, IQR 2.5
        // fences 1.25 - 3.75 = -2.5 and 3.75 + 3.75 = 7.5
        assert_eq!(fence_bounds(&v, Fence::TUKEY_CFOD).unwrap(), (-2.5, 7.5));
        assert_eq!(fence_flags(&v, Fence::TUKEY_CFOD).unwrap(), vec![false, false, false, false, true, false]);
        // a value exactly on a fence is kept
        // (0 1 2 3 4: Q1 1, Q3 3, IQR 2; k 0.5: [0, 4])
        assert_eq!(fence_bounds(&[0.0, 1.0, 2.0, 3.0, 4.0], Fence::Tukey { k: 0.5 }).unwrap(), (0.0, 4.0));
        assert_eq!(fence_flags(&[0.0, 1.0, 2.0, 3.0, 4.0], Fence::Tukey { k: 0.5 }).unwrap(), vec![false; 5]);
        assert_eq!(fence_flags(&[f64::NAN], Fence::Tukey { k: 1.5 }).unwrap(), vec![false]);
        assert_eq!(fence_flags(&[1.0], Fence::Tukey { k: 0.0 }).unwrap_err().code, code::ARGUMENT);
    }

    #[test]
    fn cfod_rule_combines_spectrum_fence_and_variance_cut() {
        let spectrum = [1.0, 1.1, 0.9, 1.0, 9.0, 1.0];
        // mean variance over finite values = (1+1+1+1+1+25)/6 = 5: only 25 > 15
        let variance = [1.0, 1.0, 1.0, 1.0, 1.0, 25.0];
        assert_eq!(cfod_catalog_flags(&spectrum, &variance).unwrap(), vec![false, false, false, false, true, true]);
        let variance = [1.0, f64::NAN, 1.0, 1.0, 1.0, 16.0]; // mean (20)/5 = 4: 16 > 12
        assert_eq!(cfod_catalog_flags(&spectrum, &variance).unwrap(), vec![false, false, false, false, true, true]);
        assert_eq!(cfod_catalog_flags(&spectrum, &variance[..5]).unwrap_err().code, code::SHAPE);
    }
}
