//! IQRM (Morello et al. 2022, "IQRM: real-time adaptive RFI masking for radio transient and pulsar
//! searches"), with the semantics of the reference implementation, the `iqrm` Python package
//! (v-morello/iqrm, `iqrm/core.py`, version 0.2.0).
//!
//! Input: one statistic `x_i` per channel whose *large* values mean RFI (standard deviation by
//! default; mean or kurtosis work too). With `n` channels:
//!
//! 1. **Lags** `±1, ±2, ±3, ±4, ±6, ±9, ±13, ±19, ±28, …`: starting at 1, the next lag is
//!    `max(⌊1.5·lag⌋, lag + 1)` while `lag ≤ radius` (`radius` truncated to an integer, ≥ 1);
//!    each lag `k` is used as `+k` then `−k`. The sequence is strictly increasing, so no lag repeats.
//! 2. **Lagged differences** `d_i = x_i − x_{clamp(i−k, 0, n−1)}`: beyond the edges the statistic
//!    is taken equal to the first (last) channel's, as `iqrm.lagged_diff` does.
//! 3. **Tukey's rule on the positive side**: with `Q1, med, Q3` the 25/50/75th percentiles of the
//!    non-NaN `d` (numpy's linear interpolation), `σ = (Q3 − Q1)/1.349`, channel `i` is an outlier
//!    for this lag when `d_i − med > threshold·σ` (strictly). The channel compared against,
//!    `j = clamp(i − k, 0, n − 1)`, casts a **vote** on `i` (at the edges `j` may be `i` itself;
//!    a voter votes on a recipient at most once whatever the lags, the package's sets).
//! 4. **Voting rule**: channel `i` is flagged when some voter `j` that voted on `i` cast strictly
//!    fewer votes in total than `i` received in total.
//!
//! **Missing statistics** (NaN or ±inf: channels without a valid sample, or masked before) stay in
//! place as NaN, exactly as the package treats its `ignorechans` (it sets them to NaN before step
//! 1): their differences are NaN, left out of the percentiles, never outliers, so they neither vote
//! nor receive votes, and they are not flagged here (they are already masked). The array is not
//! compacted because a lag is a distance in frequency: IQRM compares a channel with neighbours a
//! few channel widths away, where the bandpass and the statistic are nearly the same. Removing
//! masked channels would make "lag 1" jump across a masked band (a notch filter, a dead sub-band, a
//! band edge) and compare channels with different bandpass levels, which the percentiles would
//! then read as RFI. Keeping NaN in place costs only the comparisons that touch a masked channel.
//! It also means `iqrm.iqrm_mask(stat, radius, threshold)` on the same array (NaN included) gives
//! the same mask, which the cross-checks rely on.
//!
//! Defaults ([`IqrmParams::for_channels`]): `radius = ⌊0.1·nchan⌋` (at least 1), the paper's
//! recommendation of 10 % of the channels, and `threshold = 3` σ.

use crate::bail;
use crate::error::{code, CoreResult};
use crate::select::percentile_in_place;

use super::check_positive;

/// Gaussian σ per unit of inter-quartile range, as IQRM writes it.
pub const IQR_TO_SIGMA: f64 = 1.349;

/// Parameters of one IQRM run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IqrmParams {
    /// Largest lag in channels (the package's `radius`).
    pub radius_channels: usize,
    /// Flagging threshold in Gaussian σ (the package's `threshold`).
    pub threshold_sigma: f64,
}

impl IqrmParams {
    /// The recommended parameters for `nchan` channels: radius 10 % of the channels (at least 1),
    /// threshold 3 σ.
    pub fn for_channels(nchan: usize) -> Self {
        Self { radius_channels: (nchan / 10).max(1), threshold_sigma: 3.0 }
    }
}

/// The lags IQRM uses up to `radius`, in the package's order: `1, −1, 2, −2, 3, −3, 4, −4, 6, …`.
pub fn iqrm_lags(radius: usize) -> Vec<isize> {
    let mut lags = Vec::new();
    let mut lag = 1usize;
    while lag <= radius {
        lags.push(lag as isize);
        lags.push(-(lag as isize));
        lag = ((1.5 * lag as f64) as usize).max(lag + 1);
    }
    lags
}

/// IQRM flags of a per-channel statistic: `true` = flagged. Missing (non-finite) values are
/// already-masked channels: kept in place, never flagged.
pub fn iqrm_flags(statistic: &[f64], params: IqrmParams) -> CoreResult<Vec<bool>> {
    let n = statistic.len();
    if n == 0 {
        bail!(code::SHAPE, "IQRM needs at least one channel");
    }
    if params.radius_channels == 0 {
        bail!(code::ARGUMENT, "IQRM radius must be at least 1 channel");
    }
    check_positive("IQRM threshold", params.threshold_sigma)?;
    let x: Vec<f64> = statistic.iter().map(|&v| if v.is_finite() { v } else { f64::NAN }).collect();

    // (voter j, recipient i) pairs over all lags.
    let mut votes: Vec<(usize, usize)> = Vec::new();
    let mut d = vec![0f64; n];
    let mut scratch = Vec::with_capacity(n);
    for lag in iqrm_lags(params.radius_channels) {
        for (i, di) in d.iter_mut().enumerate() {
            *di = x[i] - x[voter(i, lag, n)];
        }
        scratch.clear();
        scratch.extend(d.iter().copied().filter(|v| !v.is_nan()));
        let (Some(q1), Some(med), Some(q3)) =
            (percentile_in_place(&mut scratch, 25.0), percentile_in_place(&mut scratch, 50.0), percentile_in_place(&mut scratch, 75.0))
        else {
            continue; // every difference NaN: no outlier (numpy's nanpercentile gives NaN)
        };
        let sigma = (q3 - q1) / IQR_TO_SIGMA;
        for (i, &di) in d.iter().enumerate() {
            if di - med > params.threshold_sigma * sigma {
                votes.push((voter(i, lag, n), i));
            }
        }
    }
    votes.sort_unstable();
    votes.dedup();
    let (mut cast, mut received) = (vec![0usize; n], vec![0usize; n]);
    for &(j, i) in &votes {
        cast[j] += 1;
        received[i] += 1;
    }
    let mut flags = vec![false; n];
    for &(j, i) in &votes {
        if cast[j] < received[i] {
            flags[i] = true;
        }
    }
    Ok(flags)
}

/// `clamp(i − lag, 0, n − 1)`: the channel whose statistic channel `i` is compared with.
fn voter(i: usize, lag: isize, n: usize) -> usize {
    (i as isize - lag).clamp(0, n as isize - 1) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flagged(flags: &[bool]) -> Vec<usize> {
        flags.iter().enumerate().filter(|(_, &f)| f).map(|(i, _)| i).collect()
    }

    #[test]
    fn lags_grow_by_half_and_truncate() {
        assert_eq!(iqrm_lags(1), vec![1, -1]);
        assert_eq!(iqrm_lags(5), vec![1, -1, 2, -2, 3, -3, 4, -4]);
        let positive: Vec<isize> = iqrm_lags(100).into_iter().filter(|&l| l > 0).collect();
        assert_eq!(positive, vec![1, 2, 3, 4, 6, 9, 13, 19, 28, 42, 63, 94]);
        assert_eq!(IqrmParams::for_channels(64).radius_channels, 6);
        assert_eq!(IqrmParams::for_channels(7).radius_channels, 1);
    }

    #[test]
    fn readme_example_votes() {
        // Two channels far above a flat statistic, radius 2: both flagged, nothing else.
        let x = [1.0, 1.01, 0.99, 1.0, 1.02, 5.0, 10.0, 0.98, 1.0, 1.01];
        let f = iqrm_flags(&x, IqrmParams { radius_channels: 2, threshold_sigma: 3.0 }).unwrap();
        assert_eq!(flagged(&f), vec![5, 6]);
    }

    #[test]
    fn exact_votes_of_a_hand_worked_case() {
        // x = [0, 0, 0, 9, 0], radius 1 (lags +1, -1).
        // lag +1: d = x_i - x_{max(i-1,0)} = [0, 0, 0, 9, -9]; sorted -9 0 0 0 9: Q1 = 0, med = 0,
        //   Q3 = 0, sigma = 0: outliers d > 0 -> i = 3 (voter 2).
        // lag -1: d = x_i - x_{min(i+1,4)} = [0, 0, -9, 9, 0]: outlier i = 3 (voter 4).
        // votes: 2 -> {3}, 4 -> {3}; channel 3 received 2 > 1 cast by 2: flagged.
        let f = iqrm_flags(&[0.0, 0.0, 0.0, 9.0, 0.0], IqrmParams { radius_channels: 1, threshold_sigma: 3.0 }).unwrap();
        assert_eq!(flagged(&f), vec![3]);
        // A low channel casts votes on all its neighbours but receives none: nobody is flagged,
        // since each neighbour received 1 vote from a voter that cast 2.
        let f = iqrm_flags(&[5.0, 5.0, 0.0, 5.0, 5.0], IqrmParams { radius_channels: 1, threshold_sigma: 3.0 }).unwrap();
        assert_eq!(flagged(&f), Vec::<usize>::new());
    }

    #[test]
    fn nan_channels_stay_in_place_and_are_not_flagged() {
        let mut x = vec![1.0; 40];
        for (i, v) in x.iter_mut().enumerate() {
            *v += 0.01 * ((i * 7919) % 13) as f64;
        }
        x[10] = 8.0;
        x[11] = f64::NAN;
        x[30] = f64::INFINITY;
        let f = iqrm_flags(&x, IqrmParams::for_channels(40)).unwrap();
        assert_eq!(flagged(&f), vec![10]);
        let all_nan = iqrm_flags(&[f64::NAN; 3], IqrmParams { radius_channels: 1, threshold_sigma: 3.0 }).unwrap();
        assert_eq!(all_nan, vec![false; 3]);
    }

    #[test]
    fn matches_the_iqrm_package_on_a_noisy_statistic() {
        // x: 1 + 0.05 N(0,1) rounded (numpy default_rng(3)), bumps at 5, 6, 17, 33, NaN at 0 and 21,
        // a low channel at 39; expected masks from iqrm 0.2.0's iqrm_mask(x, radius, threshold).
        let x = [
            f64::NAN,
            0.872,
            1.021,
            0.972,
            0.977,
            1.389,
            1.149,
            0.988,
            0.957,
            1.166,
            1.011,
            0.982,
            0.986,
            0.967,
            0.947,
            0.98,
            1.024,
            1.138,
            1.048,
            0.99,
            1.001,
            f64::NAN,
            1.027,
            0.975,
            0.991,
            1.027,
            1.097,
            0.987,
            0.988,
            1.05,
            0.956,
            0.985,
            1.044,
            1.629,
            1.005,
            1.034,
            0.859,
            1.051,
            0.952,
            0.5,
        ];
        for (radius, threshold, expected) in
            [(4, 3.0, vec![5, 33]), (4, 1.5, vec![5, 6, 9, 17, 33]), (10, 2.0, vec![5, 9, 17, 33]), (1, 3.0, vec![33])]
        {
            let f = iqrm_flags(&x, IqrmParams { radius_channels: radius, threshold_sigma: threshold }).unwrap();
            assert_eq!(flagged(&f), expected, "radius {radius}, threshold {threshold}");
        }
    }

    #[test]
    fn bad_parameters_are_refused() {
        assert_eq!(iqrm_flags(&[], IqrmParams::for_channels(1)).unwrap_err().code, code::SHAPE);
        assert_eq!(iqrm_flags(&[1.0], IqrmParams { radius_channels: 0, threshold_sigma: 3.0 }).unwrap_err().code, code::ARGUMENT);
        for t in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(iqrm_flags(&[1.0], IqrmParams { radius_channels: 1, threshold_sigma: t }).unwrap_err().code, code::ARGUMENT);
        }
    }
}
