//! S/N and width of a burst in a time series, by a named definition. Papers must say which one
//! they used: the four differ by tens of per cent on the same burst.
//!
//! Every definition skips missing (non-finite) samples: they are left out of the statistics
//! and add 0 to a boxcar sum. Windows lie wholly inside the series. Each returns the S/N, a
//! width, the peak sample (the centre of the best window, `start + ⌊w/2⌋`) and the on-pulse
//! range `[on_start, on_end)`.
//!
//! [`measure_snr_within`] looks for the burst only inside a search range (windows wholly inside
//! it; `peak`: the argmax inside it) while the noise still comes from the whole series: the S/N
//! of the burst a figure shows, not of the brightest thing anywhere in the data.
//!
//! - **`heimdall`** (Barsdell et al. 2012; upstream defaults in `heimdall-astro`): baseline the
//!   median, `rms = 1.4826·MAD` (Heimdall's own `get_rms` uses 1.4862: the `heimdall_constant`
//!   flag), boxcar sums of widths 1, 2, 4, … ≤ `max_width_samples` (default the series length,
//!   capped at Heimdall's `boxcar_max` 4096), `S/N = Σ_w (x − median) / (rms·√w)`, the best over
//!   widths and starts. Heimdall subtracts a running median over 2 s; over a figure's window a
//!   single median is that baseline.
//! - **`presto`** (`single_pulse_search.py`): widths 1 and 2, 3, 4, 6, 9, 14, 20, 30, 45, 70,
//!   100, 150, 220, 300 up to `max_width_samples` (default 30, PRESTO's `max_downfact`). The
//!   series is cut into detrending blocks of `detrend_len` samples (1000); each block loses its
//!   least-squares line (PRESTO's `scipy.signal.detrend(type='linear')`; `--fast` median removal is
//!   not offered) and is divided by its σ: the values sorted, `k = ⌊m/40⌋` dropped at each end,
//!   `σ = 1.148·√(Σ kept² / (0.95·m))` (m valid samples). `S/N = Σ_w y / √w`, the best over widths
//!   and starts (PRESTO's kernels are centred the same way: window `[c − ⌊w/2⌋, c − ⌊w/2⌋ + w)`).
//!   Divergences for short series: PRESTO drops the tail that does not fill a block and searches
//!   nothing shorter than one block; here a series shorter than a block is one block and a tail
//!   joins the last full block. PRESTO's bad-block rejection (blocks whose σ is an outlier among
//!   many) needs many blocks and is not applied; a block with σ = 0 is zeroed, as PRESTO zeroes
//!   bad blocks.
//! - **`peak`** (`your`, `Candidate.get_snr`): `a = argmax x` (the first on ties), the samples
//!   `[a − ⌊w/2⌋, a + ⌊w/2⌋)` masked (`w` the candidate's width), `μ` and `σ` (ddof 0) of the rest,
//!   `S/N = (x[a] − μ)/σ`. As in `your`, a width below 2 masks nothing (the peak stays in the
//!   noise estimate) and the mask stops one sample short of `a + ⌊w/2⌋`. Unlike `your`, a mask
//!   that would start before sample 0 is clipped (numpy's negative index makes `your` mask
//!   nothing there).
//! - **`weq`** (equivalent width; Lorimer & Kramer p. 167, as in scatfit's `get_snr_weq`): the
//!   on-pulse range is the best `heimdall` window (same options); off-pulse is every other valid
//!   sample. `y = on − μ_off`, `W_eq = Σy / max y` samples, `σ_off = 0.7413·IQR(off)` (numpy's
//!   linear percentiles), `S/N = Σy / (σ_off·√W_eq)`, and 0 when `Σy`, `σ_off` or `W_eq` is not
//!   positive (as scatfit). The width reported is `W_eq` (fractional).

use crate::bail;
use crate::error::{code, CoreResult};
use crate::measure::boxcar::{best_boxcar_within, powers_of_two, prefix_sums, Boxcar};
use crate::measure::robust::{mean, median_mad, percentile, std_about, IQR_TO_SIGMA, MAD_TO_SIGMA, MAD_TO_SIGMA_HEIMDALL};
use crate::shape::Span;
use crate::stats::argmax;

/// Heimdall's largest boxcar by default (`boxcar_max`, `Pipeline/default_params.C`).
pub const HEIMDALL_BOXCAR_MAX: usize = 4096;
/// PRESTO's boxcar widths after 1 (`default_downfacts`).
pub const PRESTO_DOWNFACTS: [usize; 14] = [2, 3, 4, 6, 9, 14, 20, 30, 45, 70, 100, 150, 220, 300];
/// PRESTO's default largest boxcar (`max_downfact`).
pub const PRESTO_MAX_DOWNFACT: usize = 30;
/// PRESTO's detrending block (`detrendlen`, 1000 samples by default).
pub const PRESTO_DETREND_LEN: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct HeimdallOptions {
    /// Largest boxcar in samples; 0 means the default (`min(4096, series length)`).
    pub max_width_samples: usize,
    /// Use Heimdall's `get_rms` constant 1.4862 instead of 1.4826.
    pub heimdall_constant: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrestoOptions {
    /// Largest boxcar in samples (PRESTO's widths up to this; 1 is always tried).
    pub max_width_samples: usize,
    /// Samples per detrending block.
    pub detrend_len: usize,
}

impl Default for PrestoOptions {
    fn default() -> Self {
        Self { max_width_samples: PRESTO_MAX_DOWNFACT, detrend_len: PRESTO_DETREND_LEN }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PeakOptions {
    /// The candidate's width in samples (the masked range around the peak).
    pub width_samples: usize,
}

/// A named S/N definition with its options.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Definition {
    Heimdall(HeimdallOptions),
    Presto(PrestoOptions),
    Peak(PeakOptions),
    Weq(HeimdallOptions),
}

impl Default for Definition {
    fn default() -> Self {
        Definition::Heimdall(HeimdallOptions::default())
    }
}

impl Definition {
    /// The definition's name as papers and the CLI print it.
    pub fn name(&self) -> &'static str {
        match self {
            Definition::Heimdall(_) => "heimdall",
            Definition::Presto(_) => "presto",
            Definition::Peak(_) => "peak",
            Definition::Weq(_) => "weq",
        }
    }

    /// The definition called `name` with its default options.
    pub fn from_name(name: &str) -> CoreResult<Self> {
        Ok(match name {
            "heimdall" => Definition::Heimdall(HeimdallOptions::default()),
            "presto" => Definition::Presto(PrestoOptions::default()),
            "peak" => Definition::Peak(PeakOptions::default()),
            "weq" => Definition::Weq(HeimdallOptions::default()),
            other => bail!(code::ARGUMENT, "unknown S/N definition '{other}': use heimdall, presto, peak or weq"),
        })
    }
}

/// A measured S/N with its width and on-pulse range (samples of the series measured).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snr {
    pub definition: &'static str,
    pub snr: f64,
    /// The boxcar width (`heimdall`, `presto`), the masked width (`peak`) or `W_eq` (`weq`).
    pub width_samples: f64,
    /// The centre of the best window (`peak`: the argmax).
    pub peak_sample: usize,
    pub on_start: usize,
    pub on_end: usize,
}

/// The S/N of `series` by `definition`.
pub fn measure_snr(series: &[f64], definition: &Definition) -> CoreResult<Snr> {
    measure_snr_within(series, definition, None)
}

/// The S/N of `series` by `definition`, the burst looked for inside `search` only (all of the
/// series when `None`), the noise measured on the whole series.
pub fn measure_snr_within(series: &[f64], definition: &Definition, search: Option<Span>) -> CoreResult<Snr> {
    if series.is_empty() {
        bail!(code::SHAPE, "cannot measure the S/N of an empty time series");
    }
    if !series.iter().any(|v| v.is_finite()) {
        bail!(code::EMPTY_WINDOW, "the time series has no valid sample");
    }
    let search = match search {
        Some(s) => Span::within(s.start, s.end, series.len(), "search sample")?,
        None => Span { start: 0, end: series.len() },
    };
    match definition {
        Definition::Heimdall(o) => heimdall(series, o, search),
        Definition::Presto(o) => presto(series, o, search),
        Definition::Peak(o) => peak(series, o, search),
        Definition::Weq(o) => weq(series, o, search),
    }
}

fn from_boxcar(definition: &'static str, b: Boxcar) -> Snr {
    Snr { definition, snr: b.snr, width_samples: b.width as f64, peak_sample: b.centre(), on_start: b.start, on_end: b.end() }
}

/// `(median, rms)` of a series for Heimdall's normalisation.
fn heimdall_noise(x: &[f64], o: &HeimdallOptions) -> CoreResult<(f64, f64)> {
    let (median, mad) = median_mad(x).ok_or_else(|| crate::error::CoreError::new(code::EMPTY_WINDOW, "no valid sample"))?;
    let rms = mad * if o.heimdall_constant { MAD_TO_SIGMA_HEIMDALL } else { MAD_TO_SIGMA };
    if !(rms > 0.0 && rms.is_finite()) {
        bail!(code::EMPTY_WINDOW, "the time series has no noise to measure against (MAD = {mad})");
    }
    Ok((median, rms))
}

fn heimdall_window(x: &[f64], o: &HeimdallOptions, search: Span) -> CoreResult<Boxcar> {
    let (median, rms) = heimdall_noise(x, o)?;
    let y: Vec<f64> = x.iter().map(|v| v - median).collect();
    let cap = if o.max_width_samples == 0 { HEIMDALL_BOXCAR_MAX } else { o.max_width_samples };
    let widths = powers_of_two(cap.min(search.len()));
    best_boxcar_within(&prefix_sums(&y), rms, &widths, search)
        .ok_or_else(|| crate::error::CoreError::new(code::EMPTY_WINDOW, "no boxcar fits the series"))
}

fn heimdall(x: &[f64], o: &HeimdallOptions, search: Span) -> CoreResult<Snr> {
    Ok(from_boxcar("heimdall", heimdall_window(x, o, search)?))
}

/// PRESTO's widths up to `max` (1 always included).
pub fn presto_widths(max: usize) -> Vec<usize> {
    std::iter::once(1).chain(PRESTO_DOWNFACTS.iter().copied().filter(|&w| w <= max)).collect()
}

/// The series detrended and divided by PRESTO's block σ, block by block (non-finite samples stay NaN).
pub fn presto_normalised(x: &[f64], detrend_len: usize) -> Vec<f64> {
    let n = x.len();
    let len = detrend_len.max(1);
    let nblocks = (n / len).max(1);
    let mut y = vec![f64::NAN; n];
    for b in 0..nblocks {
        let start = b * len;
        let end = if b + 1 == nblocks { n } else { start + len };
        let idx: Vec<usize> = (start..end).filter(|&j| x[j].is_finite()).collect();
        let m = idx.len();
        if m == 0 {
            continue;
        }
        let t: Vec<f64> = idx.iter().map(|&j| (j - start) as f64).collect();
        let v: Vec<f64> = idx.iter().map(|&j| x[j]).collect();
        let (tm, vm) = (t.iter().sum::<f64>() / m as f64, v.iter().sum::<f64>() / m as f64);
        let (mut stt, mut stv) = (0.0, 0.0);
        for k in 0..m {
            stt += (t[k] - tm) * (t[k] - tm);
            stv += (t[k] - tm) * (v[k] - vm);
        }
        let slope = if stt > 0.0 { stv / stt } else { 0.0 };
        let r: Vec<f64> = (0..m).map(|k| v[k] - (vm + slope * (t[k] - tm))).collect();
        let mut sorted = r.clone();
        sorted.sort_by(|a, b| a.total_cmp(b));
        let cut = m / 40;
        let ss: f64 = sorted[cut..m - cut].iter().map(|v| v * v).sum();
        let sigma = 1.148 * (ss / (0.95 * m as f64)).sqrt();
        for (k, &j) in idx.iter().enumerate() {
            y[j] = if sigma > 0.0 { r[k] / sigma } else { 0.0 };
        }
    }
    y
}

fn presto(x: &[f64], o: &PrestoOptions, search: Span) -> CoreResult<Snr> {
    if o.detrend_len == 0 {
        bail!(code::ARGUMENT, "PRESTO's detrending length must be positive");
    }
    let y = presto_normalised(x, o.detrend_len);
    if !y.iter().any(|v| v.is_finite() && *v != 0.0) {
        bail!(code::EMPTY_WINDOW, "the time series has no noise to measure against");
    }
    let widths = presto_widths(o.max_width_samples.min(search.len()));
    let b = best_boxcar_within(&prefix_sums(&y), 1.0, &widths, search)
        .ok_or_else(|| crate::error::CoreError::new(code::EMPTY_WINDOW, "no boxcar fits"))?;
    Ok(from_boxcar("presto", b))
}

fn peak(x: &[f64], o: &PeakOptions, search: Span) -> CoreResult<Snr> {
    let inside: Vec<f64> = x[search.start..search.end].iter().map(|&v| if v.is_finite() { v } else { f64::NAN }).collect();
    let Some(a) = argmax(&inside).map(|a| a + search.start) else {
        bail!(code::EMPTY_WINDOW, "no valid sample in the search range [{}, {})", search.start, search.end);
    };
    let half = o.width_samples / 2;
    let (lo, hi) = (a.saturating_sub(half), (a + half).min(x.len()));
    let rest: Vec<f64> = x.iter().enumerate().filter(|&(j, v)| v.is_finite() && !(lo..hi).contains(&j)).map(|(_, &v)| v).collect();
    let mu = mean(&rest).ok_or_else(|| crate::error::CoreError::new(code::EMPTY_WINDOW, "no sample outside the peak's mask"))?;
    let sigma = std_about(&rest, mu).unwrap_or(0.0);
    if sigma.is_nan() || sigma <= 0.0 {
        bail!(code::EMPTY_WINDOW, "the samples outside the peak have no spread");
    }
    let (on_start, on_end) = if hi > lo { (lo, hi) } else { (a, a + 1) };
    Ok(Snr { definition: "peak", snr: (x[a] - mu) / sigma, width_samples: o.width_samples as f64, peak_sample: a, on_start, on_end })
}

fn weq(x: &[f64], o: &HeimdallOptions, search: Span) -> CoreResult<Snr> {
    let b = heimdall_window(x, o, search)?;
    let on: Vec<f64> = x[b.start..b.end()].iter().copied().filter(|v| v.is_finite()).collect();
    let mut off: Vec<f64> =
        x.iter().enumerate().filter(|&(j, v)| v.is_finite() && !(b.start..b.end()).contains(&j)).map(|(_, &v)| v).collect();
    let mu = mean(&off).ok_or_else(|| crate::error::CoreError::new(code::EMPTY_WINDOW, "no off-pulse sample"))?;
    let iqr = percentile(&mut off, 75.0).unwrap_or(f64::NAN) - percentile(&mut off, 25.0).unwrap_or(f64::NAN);
    let sigma = IQR_TO_SIGMA * iqr;
    let y: Vec<f64> = on.iter().map(|v| v - mu).collect();
    let energy: f64 = y.iter().sum();
    let top = y.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let w_eq = energy / top;
    let snr = if energy > 0.0 && sigma > 0.0 && w_eq > 0.0 { energy / (sigma * w_eq.sqrt()) } else { 0.0 };
    Ok(Snr { definition: "weq", snr, width_samples: w_eq, peak_sample: b.centre(), on_start: b.start, on_end: b.end() })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic noise: a sum of incommensurate sines, roughly unit variance.
    pub(crate) fn noise(n: usize, seed: f64) -> Vec<f64> {
        (0..n).map(|j| ((j as f64 * 0.7548776662 + seed).fract() - 0.5) * 3.4641 + (j as f64 * 1.3).sin() * 0.3).collect()
    }

    fn burst(n: usize, at: usize, width: usize, amp: f64) -> Vec<f64> {
        let mut x = noise(n, 0.1);
        for v in &mut x[at..at + width] {
            *v += amp;
        }
        x
    }

    #[test]
    fn heimdall_finds_a_top_hat_and_its_width() {
        let x = burst(1000, 400, 8, 3.0);
        let s = measure_snr(&x, &Definition::default()).unwrap();
        assert_eq!((s.definition, s.width_samples, s.on_start, s.on_end, s.peak_sample), ("heimdall", 8.0, 400, 408, 404));
        assert!(s.snr > 5.0 && s.snr < 12.0, "{}", s.snr);
        let exact = measure_snr(&x, &Definition::Heimdall(HeimdallOptions { heimdall_constant: true, ..Default::default() })).unwrap();
        assert!((s.snr / exact.snr - 1.4862 / 1.4826).abs() < 1e-12);
    }

    #[test]
    fn presto_and_weq_and_peak_agree_on_where() {
        let x = burst(3000, 1500, 6, 4.0);
        for name in ["presto", "weq", "peak"] {
            let d = match Definition::from_name(name).unwrap() {
                Definition::Peak(_) => Definition::Peak(PeakOptions { width_samples: 6 }),
                d => d,
            };
            let s = measure_snr(&x, &d).unwrap();
            assert!(s.on_start <= 1503 && s.on_end >= 1503, "{name}: {s:?}");
            assert!(s.snr > 4.0, "{name}: {s:?}");
        }
        assert_eq!(presto_widths(30), vec![1, 2, 3, 4, 6, 9, 14, 20, 30]);
    }

    #[test]
    fn peak_masks_like_your() {
        // argmax 5, width 4: samples [3, 7) masked, sample 7 = 5 + 2 not.
        let x = [0.0, 1.0, 0.0, 2.0, 3.0, 10.0, 1.0, 0.0, 2.0];
        let s = measure_snr(&x, &Definition::Peak(PeakOptions { width_samples: 4 })).unwrap();
        let rest = [0.0, 1.0, 0.0, 0.0, 2.0];
        let mu = 0.6;
        let sd = (rest.iter().map(|v: &f64| (v - mu) * (v - mu)).sum::<f64>() / 5.0).sqrt();
        assert!((s.snr - (10.0 - mu) / sd).abs() < 1e-12);
        assert_eq!((s.on_start, s.on_end, s.peak_sample), (3, 7, 5));
    }

    #[test]
    fn a_search_range_finds_the_burst_beside_a_brighter_one_with_the_same_noise() {
        let mut x = burst(2000, 1500, 8, 3.0);
        for v in &mut x[300..308] {
            *v += 6.0;
        }
        let whole = measure_snr(&x, &Definition::default()).unwrap();
        assert_eq!(whole.on_start, 300);
        let range = Span { start: 1000, end: 2000 };
        for name in ["heimdall", "presto", "peak", "weq"] {
            let d = match Definition::from_name(name).unwrap() {
                Definition::Peak(_) => Definition::Peak(PeakOptions { width_samples: 8 }),
                d => d,
            };
            let s = measure_snr_within(&x, &d, Some(range)).unwrap();
            assert!(s.on_start >= 1000 && s.on_start <= 1507 && s.on_end > 1500, "{name}: {s:?}");
        }
        // same noise as the whole series: the S/N of the weaker burst measured alone in the range differs
        let within = measure_snr_within(&x, &Definition::default(), Some(range)).unwrap();
        let alone = measure_snr(&x[1000..], &Definition::default()).unwrap();
        assert_eq!((within.width_samples, within.on_start - 1000), (alone.width_samples, alone.on_start));
        assert_ne!(within.snr, alone.snr);
        assert_eq!(measure_snr_within(&x, &Definition::default(), Some(Span { start: 10, end: 2001 })).unwrap_err().code, code::RANGE);
    }

    #[test]
    fn missing_and_degenerate_series() {
        assert_eq!(measure_snr(&[], &Definition::default()).unwrap_err().code, code::SHAPE);
        assert_eq!(measure_snr(&[f64::NAN; 4], &Definition::default()).unwrap_err().code, code::EMPTY_WINDOW);
        assert_eq!(measure_snr(&[1.0; 10], &Definition::default()).unwrap_err().code, code::EMPTY_WINDOW);
        for name in ["heimdall", "presto", "peak", "weq"] {
            let d = Definition::from_name(name).unwrap();
            let _ = measure_snr(&[1.0], &d); // no panic
            let _ = measure_snr(&[f64::INFINITY, 1.0, f64::NAN], &d);
        }
        let mut x = burst(500, 200, 4, 5.0);
        x[10] = f64::NAN;
        x[201] = f64::NEG_INFINITY;
        assert!(measure_snr(&x, &Definition::default()).unwrap().snr.is_finite());
        assert!(Definition::from_name("fetch").is_err());
    }
}
