//! Order statistics of a time series over its valid (finite) samples, with numpy's
//! definitions: the median, the median absolute deviation `MAD = median(|x − median(x)|)`
//! and `method="linear"` percentiles.

use crate::select::{median_in_place, percentile_in_place};

/// MAD → σ of a Gaussian: `1/Φ^-1(3/4) = 1.4826`.
pub const MAD_TO_SIGMA: f64 = 1.4826;
/// Heimdall's constant in `get_rms` (`Pipeline/get_rms.*`, every fork checked): 1.4862, a
/// transposition of 1.4826 that makes its RMS 0.24 % high and its S/N 0.24 % low.
pub const MAD_TO_SIGMA_HEIMDALL: f64 = 1.4862;
/// IQR → σ of a Gaussian: `1/(2·Φ^-1(3/4)) = 0.7413` (scatfit's `get_robust_std`).
pub const IQR_TO_SIGMA: f64 = 0.7413;

/// The finite values of `x`.
pub fn valid(x: &[f64]) -> Vec<f64> {
    x.iter().copied().filter(|v| v.is_finite()).collect()
}

/// `(median, MAD)` of the finite values; `None` when there are none.
pub fn median_mad(x: &[f64]) -> Option<(f64, f64)> {
    let mut v = valid(x);
    let median = median_in_place(&mut v)?;
    for d in v.iter_mut() {
        *d = (*d - median).abs();
    }
    Some((median, median_in_place(&mut v)?))
}

/// numpy's linear percentile `q` (0..=100) of `values` (all finite), reordering them.
pub fn percentile(values: &mut [f64], q: f64) -> Option<f64> {
    percentile_in_place(values, q)
}

/// Arithmetic mean (sequential sum); `None` when empty.
pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// Population standard deviation (ddof 0) about `centre`; `None` when empty.
pub fn std_about(values: &[f64], centre: f64) -> Option<f64> {
    (!values.is_empty()).then(|| (values.iter().map(|v| (v - centre) * (v - centre)).sum::<f64>() / values.len() as f64).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_mad_skip_missing_samples() {
        let (m, mad) = median_mad(&[1.0, 9.0, f64::NAN, 2.0, 4.0, f64::INFINITY]).unwrap();
        assert_eq!((m, mad), (3.0, 1.5));
        assert!(median_mad(&[f64::NAN]).is_none());
    }

    #[test]
    fn percentile_is_numpys_linear() {
        let mut v = vec![4.0, 1.0, 3.0, 2.0];
        assert_eq!(percentile(&mut v, 25.0), Some(1.75));
        assert_eq!(percentile(&mut v, 75.0), Some(3.25));
    }
}
