//! The S/N-vs-DM curve and the DM that maximises S/N.
//!
//! The rows of the DM-time plane ([`super::plane`]) are the dedispersed time series of every
//! trial, computed incrementally (each channel added once per trial, or through subbands, never
//! a fresh dedispersion of the waterfall per trial); each row's S/N is measured by a named
//! definition ([`super::snr`], `heimdall` by default), optionally over a window of samples,
//! rows in parallel. The best DM is the trial of largest S/N (the first on ties).
//!
//! **Uncertainty**: the half-width of the interval of DM where the S/N stays within 1 of its
//! peak, `S/N(DM) ≥ S/N_max − 1`: from the first to the last trial that reaches it (the curve is
//! jagged, so a dip inside does not end the interval), the outer crossings interpolated linearly
//! to the trials beyond. `dm_centre`, the interval's midpoint, is reported beside the best DM: on
//! the flat-topped curves of bursts with several components the trial of largest S/N wanders
//! across the top with the noise, the midpoint less so. A drop of 1 in S/N is one standard deviation of the S/N itself (the S/N of
//! a trial is its true value plus unit-variance noise), so the interval holds the DMs whose S/N
//! cannot be told from the peak's at 1σ. It is read off the curve rather than from a fitted
//! parabola because boxcar S/N curves are flat-topped and kinked (whole-sample shifts, discrete
//! widths), where a parabola's width depends on the points chosen. It is conservative: for a
//! pure matched filter the 1σ interval of a fit (`Δ(S/N²)/2 = 1/2`) is narrower by about
//! `S/N_max`. An interval that reaches the end of the grid is reported as unbounded.

use rayon::prelude::*;

use crate::bail;
use crate::error::{code, CoreResult};
use crate::measure::plane::{dm_time_plane, DmTimePlane, PlaneMethod, PlaneMethodUsed};
use crate::measure::snr::{measure_snr, Definition};
use crate::measure::{Dispersion, DmGrid, WaterfallView};
use crate::shape::Span;

/// Options of the S/N-vs-DM search.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DmSnrOptions {
    pub definition: Definition,
    /// How the plane is computed (`Auto` by default).
    pub method: Option<PlaneMethod>,
    /// Samples of each row to measure (all when `None`).
    pub window: Option<Span>,
}

/// The S/N of every trial and the best DM.
#[derive(Debug, Clone, PartialEq)]
pub struct DmSnrCurve {
    pub definition: &'static str,
    pub dms: Vec<f64>,
    /// S/N per trial (NaN where a row could not be measured).
    pub snr: Vec<f64>,
    pub width_samples: Vec<f64>,
    /// Peak sample per trial (in the row, not the window; NaN where not measured).
    pub peak_sample: Vec<f64>,
    pub best_index: usize,
    pub best_dm: f64,
    pub snr_max: f64,
    /// The interval where `S/N ≥ S/N_max − 1`.
    pub dm_low: f64,
    pub dm_high: f64,
    /// `(dm_high − dm_low)/2`.
    pub dm_uncertainty: f64,
    /// `(dm_low + dm_high)/2`.
    pub dm_centre: f64,
    /// False when the interval reaches an end of the grid.
    pub bounded: bool,
    pub method: PlaneMethodUsed,
}

/// The S/N-vs-DM curve of `view` over `grid`, and its best DM.
pub fn best_dm_by_snr(view: &WaterfallView, dispersion: &Dispersion, grid: &DmGrid, options: &DmSnrOptions) -> CoreResult<DmSnrCurve> {
    let plane = dm_time_plane(view, dispersion, grid, options.method.unwrap_or(PlaneMethod::Auto))?;
    snr_curve(&plane, options)
}

/// The S/N-vs-DM curve of a plane already computed.
pub fn snr_curve(plane: &DmTimePlane, options: &DmSnrOptions) -> CoreResult<DmSnrCurve> {
    snr_curve_of_rows(&plane.dms, plane.ntime, &plane.data, plane.method, options)
}

/// The S/N-vs-DM curve of the rows `[dms.len()][ntime]` of a plane made by `method`.
pub fn snr_curve_of_rows(
    dms: &[f64],
    ntime: usize,
    rows: &[f64],
    method: PlaneMethodUsed,
    options: &DmSnrOptions,
) -> CoreResult<DmSnrCurve> {
    let n = ntime;
    if dms.is_empty() || dms.len().checked_mul(n) != Some(rows.len()) {
        bail!(
            code::SHAPE,
            "a plane of {} trials x {n} samples needs {} values, got {}",
            dms.len(),
            dms.len().saturating_mul(n),
            rows.len()
        );
    }
    let window = match options.window {
        Some(w) => Span::within(w.start, w.end, n, "sample")?,
        None => Span { start: 0, end: n },
    };
    let measured: Vec<_> = (0..dms.len())
        .into_par_iter()
        .map(|j| measure_snr(&rows[j * n..(j + 1) * n][window.start..window.end], &options.definition).ok())
        .collect();
    let snr: Vec<f64> = measured.iter().map(|m| m.map_or(f64::NAN, |m| m.snr)).collect();
    let Some(best) = crate::stats::argmax(&snr) else {
        bail!(code::EMPTY_WINDOW, "no trial DM could be measured: every row is empty or constant");
    };
    let (dm_low, dm_high, bounded) = within_one(dms, &snr, best);
    Ok(DmSnrCurve {
        definition: options.definition.name(),
        dms: dms.to_vec(),
        width_samples: measured.iter().map(|m| m.map_or(f64::NAN, |m| m.width_samples)).collect(),
        peak_sample: measured.iter().map(|m| m.map_or(f64::NAN, |m| (m.peak_sample + window.start) as f64)).collect(),
        best_index: best,
        best_dm: dms[best],
        snr_max: snr[best],
        dm_low,
        dm_high,
        dm_uncertainty: 0.5 * (dm_high - dm_low),
        dm_centre: 0.5 * (dm_low + dm_high),
        bounded,
        snr,
        method,
    })
}

/// The DMs where the curve crosses `snr[best] − 1` outside the first and the last trial that
/// reach it (linear interpolation to the next trial out; a NaN there stops at the trial), and
/// whether both crossings were found inside the grid.
pub fn within_one(dms: &[f64], snr: &[f64], best: usize) -> (f64, f64, bool) {
    let threshold = snr[best] - 1.0;
    let crossing = |inside: usize, outside: usize| {
        let (a, b) = (snr[inside], snr[outside]);
        if b.is_nan() {
            return dms[inside];
        }
        dms[inside] + (a - threshold) / (a - b) * (dms[outside] - dms[inside])
    };
    let lo = snr.iter().position(|&s| s >= threshold).unwrap_or(best);
    let hi = snr.iter().rposition(|&s| s >= threshold).unwrap_or(best);
    let low = if lo > 0 { crossing(lo, lo - 1) } else { dms[0] };
    let high = if hi + 1 < snr.len() { crossing(hi, hi + 1) } else { dms[snr.len() - 1] };
    (low, high, lo > 0 && hi + 1 < snr.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedisperse::{Reference, Wrap, K_DM_CHIME};
    use crate::measure::plane::tests::dispersed;
    use crate::shape::Shape;
    use crate::weights::Weights;

    #[test]
    fn the_interval_interpolates_the_crossings() {
        let dms = [0.0, 1.0, 2.0, 3.0, 4.0];
        let (lo, hi, bounded) = within_one(&dms, &[1.0, 4.0, 5.0, 4.5, 3.0], 2);
        assert_eq!((lo, hi, bounded), (1.0, 3.0 + 0.5 / 1.5, true));
        let (lo, _, bounded) = within_one(&dms, &[4.5, 4.8, 5.0, 1.0, 0.0], 2);
        assert_eq!((lo, bounded), (0.0, false));
        // a dip inside does not end the interval
        let (lo, hi, _) = within_one(&dms, &[0.0, 4.5, 3.0, 5.0, 0.0], 3);
        assert_eq!((lo, hi), (1.0 - 0.5 / 4.5, 3.0 + 1.0 / 5.0));
    }

    #[test]
    fn rows_of_the_wrong_size_are_an_error() {
        let e = snr_curve_of_rows(&[1.0, 2.0], 10, &[0.0; 19], PlaneMethodUsed::BruteForce, &DmSnrOptions::default()).unwrap_err();
        assert_eq!(e.code, code::SHAPE);
        assert!(snr_curve_of_rows(&[], 10, &[], PlaneMethodUsed::BruteForce, &DmSnrOptions::default()).is_err());
    }

    #[test]
    fn finds_the_dm_of_a_dispersed_burst() {
        let (nchan, n, dt) = (64, 400, 1e-3);
        let (x, axis) = dispersed(nchan, n, 50.0, dt);
        let view = WaterfallView { intensity: &x, weights: Weights::Valid, shape: Shape::new(nchan, n).unwrap(), axis, dt_s: dt };
        let d = Dispersion { dm_now: 0.0, k_dm: K_DM_CHIME, reference: Reference::Top, wrap: Wrap::Roll };
        let grid = DmGrid { start: 40.0, step: 0.25, count: 81 };
        let curve = best_dm_by_snr(&view, &d, &grid, &DmSnrOptions::default()).unwrap();
        assert!((curve.best_dm - 50.0).abs() <= 1.0, "{}", curve.best_dm);
        assert!(curve.bounded && curve.dm_low < curve.best_dm && curve.dm_high > curve.best_dm);
        assert!(curve.dm_uncertainty > 0.0 && curve.dm_uncertainty < 5.0, "{}", curve.dm_uncertainty);
        assert_eq!(curve.snr.len(), 81);
        let windowed = DmSnrOptions { window: Some(Span { start: 100, end: 200 }), ..Default::default() };
        let w = best_dm_by_snr(&view, &d, &grid, &windowed).unwrap();
        assert!(w.peak_sample[w.best_index] >= 100.0 && w.peak_sample[w.best_index] < 200.0);
        let outside = DmSnrOptions { window: Some(Span { start: 100, end: 401 }), ..Default::default() };
        assert_eq!(best_dm_by_snr(&view, &d, &grid, &outside).unwrap_err().code, code::RANGE);
    }
}
