//! The boxcar peak: where a figure centres its window by default.
//!
//! A matched filter of top-hats over the time series: baseline the median, noise
//! `σ = 1.4826·MAD` (the standard deviation of the valid samples when the MAD is 0), and
//! `S/N(w, s) = Σ_{s..s+w} (x − median) / (σ·√w)`, so that widths compete fairly: a one-sample
//! spike of S/N 8 loses to a burst whose sum over its width has S/N 9. The widths are every
//! integer from 1 to 16 (exact where a burst of a few samples would otherwise lose a sizeable
//! fraction of its S/N to the nearest width), then a geometric series of ratio `2^(1/8)`
//! (rounded, duplicates dropped) up to `max_width_samples`, which is always tried: a top-hat
//! whose width falls between two neighbours loses at most 3 % of its S/N (`(w1/w2)^(1/4)`). With prefix sums every width costs one pass,
//! so the set costs `O(n·(16 + 8·log2(max/16)))`. The centre is `start + ⌊w/2⌋` of the best
//! window (the first on ties, scanning widths upward then starts).

use crate::bail;
use crate::error::{code, CoreResult};
use crate::measure::boxcar::{best_boxcar, prefix_sums};
use crate::measure::robust::{mean, median_mad, std_about, valid, MAD_TO_SIGMA};

/// Widths tried exactly, one by one.
pub const EXACT_WIDTHS: usize = 16;

/// The boxcar of largest S/N: its centre, width and first sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoxcarPeak {
    pub centre_sample: usize,
    pub width_samples: usize,
    pub start_sample: usize,
    pub snr: f64,
}

/// 1..=16 then `round(16·2^(k/8))` up to `max` (and `max` itself); empty for `max` 0.
pub fn boxcar_widths(max: usize) -> Vec<usize> {
    let mut widths: Vec<usize> = (1..=EXACT_WIDTHS.min(max)).collect();
    let mut k = 1;
    loop {
        let w = (EXACT_WIDTHS as f64 * 2f64.powf(k as f64 / 8.0)).round() as usize;
        if w >= max {
            break;
        }
        if widths.last() != Some(&w) {
            widths.push(w);
        }
        k += 1;
    }
    if max > EXACT_WIDTHS {
        widths.push(max);
    }
    widths
}

/// The best boxcar of `series` with widths up to `max_width_samples` (capped at the length).
pub fn boxcar_peak(series: &[f64], max_width_samples: usize) -> CoreResult<BoxcarPeak> {
    if series.is_empty() {
        bail!(code::SHAPE, "cannot find the peak of an empty time series");
    }
    if max_width_samples == 0 {
        bail!(code::ARGUMENT, "the largest boxcar must be at least 1 sample");
    }
    let Some((median, mad)) = median_mad(series) else {
        bail!(code::EMPTY_WINDOW, "the time series has no valid sample");
    };
    let mut sigma = MAD_TO_SIGMA * mad;
    if sigma.is_nan() || sigma <= 0.0 {
        let v = valid(series);
        sigma = std_about(&v, mean(&v).unwrap_or(0.0)).unwrap_or(0.0);
    }
    if !(sigma > 0.0 && sigma.is_finite()) {
        bail!(code::EMPTY_WINDOW, "the time series is constant: no peak to find");
    }
    let y: Vec<f64> = series.iter().map(|v| v - median).collect();
    let widths = boxcar_widths(max_width_samples.min(series.len()));
    match best_boxcar(&prefix_sums(&y), sigma, &widths) {
        Some(b) => Ok(BoxcarPeak { centre_sample: b.centre(), width_samples: b.width, start_sample: b.start, snr: b.snr }),
        None => bail!(code::EMPTY_WINDOW, "no boxcar fits the time series"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_set_is_exact_then_geometric() {
        let w = boxcar_widths(51);
        assert_eq!(&w[..16], &(1..=16).collect::<Vec<_>>()[..]);
        assert_eq!(&w[16..], &[17, 19, 21, 23, 25, 27, 29, 32, 35, 38, 41, 45, 49, 51]);
        assert_eq!(boxcar_widths(3), vec![1, 2, 3]);
        assert_eq!(boxcar_widths(17), (1..=17).collect::<Vec<_>>());
        for pair in boxcar_widths(100_000).windows(2) {
            assert!(pair[1] > pair[0] && pair[1] as f64 <= pair[0] as f64 * 1.1 + 1.0);
        }
    }

    #[test]
    fn a_spike_loses_to_a_broad_burst_of_higher_integrated_snr() {
        let mut x: Vec<f64> = (0..400).map(|j| ((j * 37 % 101) as f64 / 101.0 - 0.5) * 3.46).collect();
        let sigma = 1.4826 * median_mad(&x).unwrap().1;
        x[50] += 8.0 * sigma; // a spike of S/N ~ 8
        for v in &mut x[300..320] {
            *v += 9.0 * sigma / 20f64.sqrt(); // 20 samples, integrated S/N ~ 9, 2 per sample
        }
        let p = boxcar_peak(&x, 51).unwrap();
        assert!((295..325).contains(&p.centre_sample), "{p:?}");
        assert!(p.width_samples >= 14 && p.width_samples <= 27, "{p:?}");
        let narrow = boxcar_peak(&x, 1).unwrap();
        assert_eq!(narrow.centre_sample, 50);
    }

    #[test]
    fn degenerate_series_are_errors_not_panics() {
        assert_eq!(boxcar_peak(&[], 5).unwrap_err().code, code::SHAPE);
        assert_eq!(boxcar_peak(&[2.0; 8], 5).unwrap_err().code, code::EMPTY_WINDOW);
        assert_eq!(boxcar_peak(&[f64::NAN; 8], 5).unwrap_err().code, code::EMPTY_WINDOW);
        assert_eq!(boxcar_peak(&[1.0, 2.0], 0).unwrap_err().code, code::ARGUMENT);
        // mostly constant: the MAD is 0, the standard deviation takes over
        let p = boxcar_peak(&[0.0, 0.0, 0.0, 5.0, 0.0, 0.0, 0.0], 3).unwrap();
        assert_eq!((p.centre_sample, p.width_samples), (3, 1));
    }
}
