//! The DM that maximises structure (DM_phase; Seth et al., Michilli et al.), with DM_phase's
//! automatic cut-off, weighting and uncertainty (`danielemichilli/DM_phase`, `get_dm` with
//! neither manual option).
//!
//! 1. Each channel's series (missing samples replaced by the channel's mean of valid samples)
//!    is Fourier transformed once and reduced to its phases, `U_c(k) = X_c(k)/|X_c(k)|`, 0 where
//!    `|X_c(k)| ≤ 10⁻¹⁰·√(Σ_{k'≠0}|X_c(k')|²)`. Channels without a valid sample or without any
//!    variation are left out, `nchan` counting the rest. (DM_phase zeroes only exact zeros and
//!    keeps constant channels: a masked channel filled with a constant then adds the FFT's
//!    rounding noise as unit phasors, 13 of the 64 channels of the B6 fixture.)
//! 2. Dedispersion is a phase rotation: at trial `d` channel `c` moves `Δ_c = g_c·(d − dm_now)/dt`
//!    samples toward earlier time (`g_c = K_DM·(f_c^-2 − f_ref^-2)`), **not rounded** (DM_phase rolls
//!    by whole samples; here the shift is exact, so the curve is smooth in DM), and the coherent
//!    power is `P(k, d) = |Σ_c U_c(k)·e^{2πi·k·Δ_c/n}|²` for the Fourier indices `k = 0 … ⌊n/2⌋ − 1`.
//! 3. Cut-off per trial (DM_phase's `_get_dm_curve`): the variance of the mean of the powers
//!    above `k`, `var(k) = (S2 − S²)/(K − k)` with `S = Σ_{i>k} P/(K − k)`, `S2` the same of `P²`
//!    (`K` the number of indices), smoothed by a 9 (k) × 3 (DM) box with wrap-around; its argmin
//!    over `k < K − 10` smoothed by a 3-trial box (zero beyond the ends) and truncated, at least 1,
//!    is the trial's cut-off `I`.
//! 4. Curve: `C(d) = Σ_{k ≤ I} k²·P(k, d)` (the `k²` weight is the power spectrum of the profile's
//!    derivative: structure, not S/N). With `I2 = I(I+1)(2I+1)/6` and DM_phase's
//!    `I4 = I(I+1)(2I+1)(6I−1)/30` (its code writes `3I+3I−1` where `Σk⁴` has `3I²+3I−1`; kept, so
//!    results match DM_phase), noise `2·nchan·I2`, `S/N(d) = (C − 2·nchan·I2)/√(2·nchan²·(I4 + 2·I2))`
//!    and `σ_C(d) = √(2·nchan²·I4 + Σ_{k≤I} k²P²)`.
//! 5. Trials with `S/N < 5` have their `C` divided by 10⁶ and weight 10⁻⁶; the others weight `S/N`
//!    (normalised). The fit range runs from the first to (excluding) the last trial where `C` exceeds
//!    half its maximum (a quarter, then a tenth, when fewer than 5 trials do).
//! 6. A degree-6 polynomial is fitted there with those weights (numpy's `polyfit(w=…)`); the best DM
//!    is its largest maximum inside the range (a real root of `p'` with `p'' < 0`), else the mean of
//!    the range's DMs. **Uncertainty** (DM_phase's): `δ = √|2·err/p''(best)|`, the distance over which
//!    the fitted curve falls by `err`, with `err = max(weighted RMS of the fit residuals, max_d σ_C)`.
//!    Divergence: with fewer than 7 trials in range DM_phase picks the degree from the rank of a
//!    Vandermonde matrix of the curve values; here the degree is `min(6, points − 1)`, and with fewer
//!    than 3 points the best trial is reported with no fit (uncertainty = the grid step).
//!
//! Cost: one FFT per channel, then `nchan × K × ndm` complex rotations, accumulated per block of
//! Fourier indices (blocks in parallel, channels in a fixed order: results do not depend on the
//! number of threads).

use std::f64::consts::PI;

use rayon::prelude::*;
use rustfft::num_complex::Complex;
use rustfft::FftPlanner;

use crate::bail;
use crate::error::{code, CoreResult};
use crate::measure::poly::{derivative, eval, polyfit, roots_in};
use crate::measure::{Dispersion, DmGrid, WaterfallView};

/// Channels transformed at once (bounds the memory of phase spectra held).
const CHANNELS_PER_PASS: usize = 256;
/// A Fourier amplitude at or below this fraction of the channel's fluctuation (√Σ_{k≠0}|X|²) is 0.
const ZERO_AMPLITUDE: f64 = 1e-10;
/// Fourier indices accumulated per task.
const INDICES_PER_TASK: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DmPhaseOptions {
    /// Use only Fourier indices below this (0: all `⌊n/2⌋`, as DM_phase). At least 11.
    pub max_fourier_index: usize,
}

/// DM_phase's result and the curves behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct DmPhase {
    pub dms: Vec<f64>,
    /// Number of Fourier indices `K` used.
    pub nfourier: usize,
    /// Coherent power `P(k, d)`, `[K][ndm]` (k major).
    pub power: Vec<f64>,
    /// `C(d)`, before the attenuation of low-S/N trials.
    pub curve: Vec<f64>,
    /// DM_phase's S/N of each trial's curve value.
    pub snr: Vec<f64>,
    /// The Fourier cut-off `I` of each trial.
    pub cutoff: Vec<usize>,
    /// Channels that entered the sum.
    pub nchan_used: usize,
    pub best_dm: f64,
    pub dm_uncertainty: f64,
    /// The largest trial S/N.
    pub snr_max: f64,
    /// Trials `[fit_start, fit_end)` of the fit.
    pub fit_start: usize,
    pub fit_end: usize,
    /// False when too few trials were in range to fit.
    pub fitted: bool,
}

/// The structure-maximising DM of `view` over `grid` (at least 3 trials, at least 22 samples).
pub fn best_dm_by_structure(view: &WaterfallView, dispersion: &Dispersion, grid: &DmGrid, options: &DmPhaseOptions) -> CoreResult<DmPhase> {
    view.check()?;
    dispersion.check()?;
    grid.check(3)?;
    let (nchan, n, ndm) = (view.shape.nchan, view.shape.ntime, grid.count);
    let half = n / 2;
    let k_count = if options.max_fourier_index == 0 { half } else { options.max_fourier_index.min(half) };
    if k_count < 11 {
        bail!(code::ARGUMENT, "DM_phase needs at least 11 Fourier indices (22 samples), got {k_count}");
    }
    // Validates the constant, dt and the extreme shifts.
    dispersion.trial_shifts(&view.axis, view.dt_s, &DmGrid { start: grid.start, step: grid.step * (ndm - 1) as f64, count: 2 })?;
    let g = dispersion.delays_per_dm(&view.axis, view.dt_s)?;
    let used: Vec<usize> = (0..nchan).filter(|&c| varies(view, c)).collect();
    if used.is_empty() {
        bail!(code::EMPTY_WINDOW, "no channel has two different valid samples");
    }
    let power = coherent_power(view, dispersion, grid, &g, &used, k_count);
    let mut out = curve_and_fit(&power, k_count, &grid.dms(), used.len() as f64, grid.step)?;
    out.nchan_used = used.len();
    out.power = power;
    Ok(out)
}

fn channel_mean(view: &WaterfallView, c: usize) -> Option<f64> {
    let (x, w) = view.row(c);
    let (mut sum, mut count) = (0.0, 0usize);
    for (j, &v) in x.iter().enumerate() {
        if w.at(v, j) > 0.0 {
            sum += v as f64;
            count += 1;
        }
    }
    (count > 0).then(|| sum / count as f64)
}

/// Whether channel `c` has two valid samples of different values.
fn varies(view: &WaterfallView, c: usize) -> bool {
    let (x, w) = view.row(c);
    let mut first = None;
    for (j, &v) in x.iter().enumerate() {
        if w.at(v, j) > 0.0 {
            match first {
                None => first = Some(v),
                Some(f) if f != v => return true,
                _ => {}
            }
        }
    }
    false
}

/// `P(k, d)` as `[K][ndm]`.
fn coherent_power(view: &WaterfallView, dispersion: &Dispersion, grid: &DmGrid, g: &[f64], used: &[usize], k_count: usize) -> Vec<f64> {
    let (n, ndm) = (view.shape.ntime, grid.count);
    let fft = FftPlanner::<f64>::new().plan_fft_forward(n);
    let nblocks = k_count.div_ceil(INDICES_PER_TASK);
    // acc[block] = (re, im), each [ndm][INDICES_PER_TASK]
    let mut acc: Vec<(Vec<f64>, Vec<f64>)> =
        (0..nblocks).map(|_| (vec![0.0; ndm * INDICES_PER_TASK], vec![0.0; ndm * INDICES_PER_TASK])).collect();
    let scale = 2.0 * PI / (view.dt_s * n as f64);
    for pass in used.chunks(CHANNELS_PER_PASS) {
        // Phase spectra of this pass's channels: [channel][k] re and im.
        let phases: Vec<(Vec<f64>, Vec<f64>)> = pass
            .par_iter()
            .map(|&c| {
                let (x, w) = view.row(c);
                let mean = channel_mean(view, c).unwrap_or(0.0);
                let mut buf: Vec<Complex<f64>> =
                    x.iter().enumerate().map(|(j, &v)| Complex::new(if w.at(v, j) > 0.0 { v as f64 } else { mean }, 0.0)).collect();
                fft.process(&mut buf);
                let tiny = ZERO_AMPLITUDE * buf[1..].iter().map(|z| z.norm_sqr()).sum::<f64>().sqrt();
                let (mut re, mut im) = (Vec::with_capacity(k_count), Vec::with_capacity(k_count));
                for z in &buf[..k_count] {
                    let amp = z.norm();
                    let (r, i) = if amp > tiny { (z.re / amp, z.im / amp) } else { (0.0, 0.0) };
                    re.push(r);
                    im.push(i);
                }
                (re, im)
            })
            .collect();
        acc.par_iter_mut().enumerate().for_each(|(b, (acc_re, acc_im))| {
            let k0 = b * INDICES_PER_TASK;
            let kn = INDICES_PER_TASK.min(k_count - k0);
            let (mut zr, mut zi, mut rr, mut ri) =
                ([0f64; INDICES_PER_TASK], [0f64; INDICES_PER_TASK], [0f64; INDICES_PER_TASK], [0f64; INDICES_PER_TASK]);
            for (local, &c) in pass.iter().enumerate() {
                let (ur, ui) = (&phases[local].0, &phases[local].1);
                let theta0 = scale * g[c] * (grid.dm(0) - dispersion.dm_now);
                let theta_step = scale * g[c] * grid.step;
                for i in 0..kn {
                    let k = (k0 + i) as f64;
                    let (s0, c0) = (k * theta0).sin_cos();
                    let (ss, cs) = (k * theta_step).sin_cos();
                    let (a, bb) = (ur[k0 + i], ui[k0 + i]);
                    zr[i] = a * c0 - bb * s0;
                    zi[i] = a * s0 + bb * c0;
                    rr[i] = cs;
                    ri[i] = ss;
                }
                for j in 0..ndm {
                    let row_re = &mut acc_re[j * INDICES_PER_TASK..j * INDICES_PER_TASK + kn];
                    let row_im = &mut acc_im[j * INDICES_PER_TASK..j * INDICES_PER_TASK + kn];
                    for i in 0..kn {
                        row_re[i] += zr[i];
                        row_im[i] += zi[i];
                        let (a, bb) = (zr[i], zi[i]);
                        zr[i] = a * rr[i] - bb * ri[i];
                        zi[i] = a * ri[i] + bb * rr[i];
                    }
                }
            }
        });
    }
    let mut power = vec![0.0; k_count * ndm];
    for (b, (acc_re, acc_im)) in acc.iter().enumerate() {
        for i in 0..INDICES_PER_TASK.min(k_count - b * INDICES_PER_TASK) {
            for j in 0..ndm {
                let (re, im) = (acc_re[j * INDICES_PER_TASK + i], acc_im[j * INDICES_PER_TASK + i]);
                power[(b * INDICES_PER_TASK + i) * ndm + j] = re * re + im * im;
            }
        }
    }
    power
}

/// Steps 3–6 on `power` (`[K][ndm]`), as DM_phase computes them.
pub(crate) fn curve_and_fit(power: &[f64], k_count: usize, dms: &[f64], nchan: f64, step: f64) -> CoreResult<DmPhase> {
    let ndm = dms.len();
    let p = |k: usize, j: usize| power[k * ndm + j];
    // 3. cut-offs
    let mut var = vec![0.0; k_count * ndm];
    for j in 0..ndm {
        let (mut total, mut total2) = (0.0, 0.0);
        for k in 0..k_count {
            total += p(k, j);
            total2 += p(k, j) * p(k, j);
        }
        let (mut cum, mut cum2) = (0.0, 0.0);
        for k in 0..k_count {
            cum += p(k, j);
            cum2 += p(k, j) * p(k, j);
            let count = (k_count - k) as f64;
            let s = (total - cum) / count;
            let s2 = (total2 - cum2) / count;
            var[k * ndm + j] = (s2 - s * s) / count;
        }
    }
    let mut cutoff_raw = vec![0usize; ndm];
    for (j, cut) in cutoff_raw.iter_mut().enumerate() {
        let mut best = f64::INFINITY;
        for k in 0..k_count - 10 {
            let mut sum = 0.0;
            for a in 0..9 {
                for b in 0..3 {
                    let kk = (k + k_count + a - 4) % k_count;
                    let jj = (j + ndm + b - 1) % ndm;
                    sum += var[kk * ndm + jj] * (1.0 / 27.0);
                }
            }
            if sum < best {
                best = sum;
                *cut = k;
            }
        }
    }
    let third = 1.0 / 3.0;
    let cutoff: Vec<usize> = (0..ndm)
        .map(|j| {
            let at = |i: isize| if i < 0 || i >= ndm as isize { 0.0 } else { cutoff_raw[i as usize] as f64 };
            let v = at(j as isize - 1) * third + at(j as isize) * third + at(j as isize + 1) * third;
            (v as usize).max(1)
        })
        .collect();
    // 4. curve, S/N and the curve's σ
    let (mut curve, mut snr, mut sigma) = (vec![0.0; ndm], vec![0.0; ndm], vec![0.0; ndm]);
    for j in 0..ndm {
        let i = cutoff[j] as f64;
        let (mut c, mut dn) = (0.0, 0.0);
        for k in 0..=cutoff[j].min(k_count - 1) {
            let k2 = (k * k) as f64;
            c += p(k, j) * k2;
            dn += p(k, j) * (p(k, j) * k2);
        }
        let i2 = i * (i + 1.0) * (2.0 * i + 1.0) / 6.0;
        let i4 = i * (i + 1.0) * (2.0 * i + 1.0) * (3.0 * i + 3.0 * i - 1.0) / 30.0;
        let noise = 2.0 * nchan * i2;
        sigma[j] = (2.0 * nchan * nchan * i4 + dn).sqrt();
        let dem = (2.0 * nchan * nchan * (i4 + 2.0 * i2)).sqrt();
        let s = (c - noise) / dem;
        snr[j] = if s.is_nan() { 0.0 } else { s };
        curve[j] = c;
    }
    // 5. attenuation, weights, range
    let attenuated: Vec<f64> = (0..ndm).map(|j| if snr[j] < 5.0 { curve[j] / 1e6 } else { curve[j] }).collect();
    let raw_w: Vec<f64> = snr.iter().map(|&s| if s < 5.0 { 1e-6 } else { s }).collect();
    let w_sum: f64 = raw_w.iter().sum();
    let weight: Vec<f64> = raw_w.iter().map(|w| w / w_sum).collect();
    let dstd = sigma.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let Some(peak) = crate::stats::argmax(&attenuated) else {
        bail!(code::EMPTY_WINDOW, "the DM curve has no finite value");
    };
    let heavy = |fraction: f64| -> Vec<usize> { (0..ndm).filter(|&j| attenuated[j] > fraction * attenuated[peak]).collect() };
    let mut h = heavy(0.5);
    if h.len() < 5 {
        h = heavy(0.25);
    }
    if h.len() < 5 {
        h = heavy(0.1);
    }
    let (start, end) = match (h.first(), h.last()) {
        (Some(&a), Some(&b)) => (a, b),
        _ => (peak, peak),
    };
    let snr_max = snr.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut result = DmPhase {
        dms: dms.to_vec(),
        nfourier: k_count,
        power: Vec::new(),
        curve,
        snr,
        cutoff,
        nchan_used: 0,
        best_dm: dms[peak],
        dm_uncertainty: step,
        snr_max,
        fit_start: start,
        fit_end: end,
        fitted: false,
    };
    // 6. the fit
    let m = end - start;
    if m < 3 {
        return Ok(result);
    }
    let x = &dms[start..end];
    let y = &attenuated[start..end];
    let w_range: f64 = weight[start..end].iter().sum();
    let w: Vec<f64> = weight[start..end].iter().map(|v| v / w_range).collect();
    let x_mean = x.iter().sum::<f64>() / m as f64;
    let dx: Vec<f64> = x.iter().map(|v| v - x_mean).collect();
    let Some(coeffs) = polyfit(&dx, y, &w, 6.min(m - 1)) else {
        return Ok(result);
    };
    let resid = (0..m).map(|i| w[i] * (y[i] - eval(&coeffs, dx[i])).powi(2)).sum::<f64>() / w.iter().sum::<f64>();
    let err = resid.sqrt().max(dstd);
    let dp = derivative(&coeffs);
    let ddp = derivative(&dp);
    let (lo, hi) = (dx[0], dx[m - 1]);
    let best =
        roots_in(&dp, lo, hi).into_iter().filter(|&r| eval(&ddp, r) < 0.0).max_by(|a, b| eval(&coeffs, *a).total_cmp(&eval(&coeffs, *b)));
    let (best, delta) = match best {
        Some(b) => (b, (2.0 * err / eval(&ddp, b)).abs().sqrt()),
        None => (0.0, 0.0),
    };
    result.best_dm = best + x_mean;
    result.dm_uncertainty = delta;
    result.fitted = true;
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedisperse::{FrequencyAxis, Reference, Wrap, K_DM_CHIME};
    use crate::shape::Shape;
    use crate::weights::Weights;

    /// Narrow components dispersed at `dm` (data at DM 0), deterministic noise.
    fn bursty(nchan: usize, n: usize, dm: f64, dt: f64) -> (Vec<f32>, FrequencyAxis) {
        let axis = FrequencyAxis::new(400.0, 400.0 / nchan as f64, nchan).unwrap();
        let mut x = vec![0f32; nchan * n];
        let mut state = 12345u64;
        for c in 0..nchan {
            let delay = K_DM_CHIME * dm * (axis.freq(c).powi(-2) - axis.top().powi(-2)) / dt;
            for t in 0..n {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let noise = ((state >> 33) as f64 / (1u64 << 31) as f64 - 0.5) * 1.0;
                let mut s = 0.0;
                for (at, amp, width) in [(0.15, 4.0, 0.8), (0.17, 3.0, 0.6), (0.2, 2.0, 1.0)] {
                    let arg = (t as f64 - n as f64 * at - delay) / width;
                    s += amp * (-0.5 * arg * arg).exp();
                }
                x[c * n + t] = (noise + s) as f32;
            }
        }
        (x, axis)
    }

    #[test]
    fn finds_the_dm_of_narrow_components() {
        let (nchan, n, dt) = (64, 1024, 1e-3);
        let (mut x, axis) = bursty(nchan, n, 30.0, dt);
        x[3] = f32::NAN;
        x[7 * n..8 * n].fill(f32::NAN); // one dead channel
        x[9 * n..10 * n].fill(-1.87); // one masked channel filled with a constant
        let view = WaterfallView { intensity: &x, weights: Weights::Valid, shape: Shape::new(nchan, n).unwrap(), axis, dt_s: dt };
        let d = Dispersion { dm_now: 0.0, k_dm: K_DM_CHIME, reference: Reference::Top, wrap: Wrap::Roll };
        let grid = DmGrid { start: 29.0, step: 0.02, count: 101 };
        let r = best_dm_by_structure(&view, &d, &grid, &DmPhaseOptions::default()).unwrap();
        assert_eq!(r.nchan_used, 62);
        if std::env::var("DEBUG_DMPHASE").is_ok() {
            for j in 0..grid.count {
                println!("{:.2} curve {:.4e} snr {:.2} cut {}", r.dms[j], r.curve[j], r.snr[j], r.cutoff[j]);
            }
            println!("fit {}..{} best {} ± {}", r.fit_start, r.fit_end, r.best_dm, r.dm_uncertainty);
        }
        assert!(r.fitted && (r.best_dm - 30.0).abs() < 0.05, "{} ± {}", r.best_dm, r.dm_uncertainty);
        assert!(r.dm_uncertainty > 0.0 && r.dm_uncertainty < 1.0, "{}", r.dm_uncertainty);
        assert!(r.snr_max > 5.0);
        // Relative to a current DM, the same answer.
        let shifted = Dispersion { dm_now: 12.0, ..d };
        let mut y = x.clone();
        let shifts = crate::dedisperse::channel_shifts(&axis, &d.plan(12.0, dt)).unwrap();
        crate::dedisperse::apply_shifts(&mut y, None, view.shape, &shifts, Wrap::Roll).unwrap();
        let view2 = WaterfallView { intensity: &y, ..view };
        let r2 = best_dm_by_structure(&view2, &shifted, &grid, &DmPhaseOptions::default()).unwrap();
        assert!((r2.best_dm - r.best_dm).abs() < 0.05, "{} vs {}", r2.best_dm, r.best_dm);
    }

    #[test]
    fn bad_inputs_are_errors() {
        let (x, axis) = bursty(4, 16, 1.0, 1e-3);
        let view = WaterfallView { intensity: &x, weights: Weights::Valid, shape: Shape::new(4, 16).unwrap(), axis, dt_s: 1e-3 };
        let d = Dispersion { dm_now: 0.0, k_dm: K_DM_CHIME, reference: Reference::Top, wrap: Wrap::Roll };
        let grid = DmGrid { start: 0.0, step: 1.0, count: 5 };
        assert_eq!(best_dm_by_structure(&view, &d, &grid, &DmPhaseOptions::default()).unwrap_err().code, code::ARGUMENT);
        let nan = vec![f32::NAN; 4 * 32];
        let view = WaterfallView { intensity: &nan, shape: Shape::new(4, 32).unwrap(), ..view };
        assert_eq!(best_dm_by_structure(&view, &d, &grid, &DmPhaseOptions::default()).unwrap_err().code, code::EMPTY_WINDOW);
        assert_eq!(
            best_dm_by_structure(&view, &d, &DmGrid { count: 2, ..grid }, &DmPhaseOptions::default()).unwrap_err().code,
            code::ARGUMENT
        );
    }
}
