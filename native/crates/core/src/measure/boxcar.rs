//! Boxcar (top-hat) sums by prefix sums, and the search for the best one.
//!
//! With `P[0] = 0, P[j+1] = P[j] + y[j]` (missing samples adding 0), the sum of the `w`
//! samples starting at `s` is `P[s+w] − P[s]`: every width costs one pass, whatever its size.
//! The S/N of that window is `(P[s+w] − P[s]) / (σ·√w)`. Only windows that lie wholly inside
//! the series (or inside a search range of it) are tried. A window's centre is `s + ⌊w/2⌋` (Heimdall and PRESTO report the
//! sample at the middle of the filter; for an even width, the later of the two middle samples).

use crate::shape::Span;

/// One boxcar: its S/N, width and first sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Boxcar {
    pub snr: f64,
    pub width: usize,
    pub start: usize,
}

impl Boxcar {
    /// The sample at the middle of the window, `start + ⌊width/2⌋`.
    pub fn centre(&self) -> usize {
        self.start + self.width / 2
    }

    pub fn end(&self) -> usize {
        self.start + self.width
    }
}

/// Prefix sums of `y` (length `y.len() + 1`), non-finite samples adding 0. The sum runs in
/// order, as `np.cumsum` does, so the numpy reference gets the same bits.
pub fn prefix_sums(y: &[f64]) -> Vec<f64> {
    let mut p = Vec::with_capacity(y.len() + 1);
    let mut acc = 0.0;
    p.push(acc);
    for &v in y {
        if v.is_finite() {
            acc += v;
        }
        p.push(acc);
    }
    p
}

/// The boxcar of largest `(P[s+w] − P[s]) / (sigma·√w)` over `widths` (in the order given) and
/// starts (ascending); the first on ties. Widths of 0 or longer than the series are skipped.
pub fn best_boxcar(prefix: &[f64], sigma: f64, widths: &[usize]) -> Option<Boxcar> {
    best_boxcar_within(prefix, sigma, widths, Span { start: 0, end: prefix.len().saturating_sub(1) })
}

/// [`best_boxcar`] over the windows that lie wholly inside `search` (a range of the series that
/// `prefix` sums; clipped to it). Widths longer than the range are skipped.
pub fn best_boxcar_within(prefix: &[f64], sigma: f64, widths: &[usize], search: Span) -> Option<Boxcar> {
    let (lo, hi) = (search.start, search.end.min(prefix.len().saturating_sub(1)));
    let n = hi.saturating_sub(lo);
    let mut best: Option<Boxcar> = None;
    for &w in widths {
        if w == 0 || w > n {
            continue;
        }
        let norm = sigma * (w as f64).sqrt();
        for s in lo..=hi - w {
            let snr = (prefix[s + w] - prefix[s]) / norm;
            if snr.is_finite() && !matches!(best, Some(b) if snr <= b.snr) {
                best = Some(Boxcar { snr, width: w, start: s });
            }
        }
    }
    best
}

/// Heimdall's widths: 1, 2, 4, … up to `max`.
pub fn powers_of_two(max: usize) -> Vec<usize> {
    std::iter::successors(Some(1usize), |w| w.checked_mul(2)).take_while(|&w| w <= max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_sums_skip_missing_samples() {
        assert_eq!(prefix_sums(&[1.0, f64::NAN, 2.0]), vec![0.0, 1.0, 1.0, 3.0]);
    }

    #[test]
    fn finds_the_window_of_a_top_hat() {
        let mut y = vec![0.0; 32];
        y[10..14].fill(1.0);
        let b = best_boxcar(&prefix_sums(&y), 1.0, &powers_of_two(16)).unwrap();
        assert_eq!((b.width, b.start, b.centre()), (4, 10, 12));
        assert_eq!(b.snr, 2.0);
    }

    #[test]
    fn a_search_range_keeps_windows_inside_it() {
        let mut y = vec![0.0; 32];
        y[3] = 10.0;
        y[20..22].fill(1.0);
        let p = prefix_sums(&y);
        assert_eq!(best_boxcar(&p, 1.0, &[1, 2]).unwrap().start, 3);
        let b = best_boxcar_within(&p, 1.0, &[1, 2], Span { start: 10, end: 32 }).unwrap();
        assert_eq!((b.start, b.width), (20, 2));
        assert!(best_boxcar_within(&p, 1.0, &[4], Span { start: 30, end: 32 }).is_none());
    }

    #[test]
    fn widths_beyond_the_series_are_skipped() {
        assert_eq!(powers_of_two(9), vec![1, 2, 4, 8]);
        assert!(best_boxcar(&prefix_sums(&[1.0]), 1.0, &[2, 4]).is_none());
    }
}
