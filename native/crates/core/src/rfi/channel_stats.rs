//! Channel statistics for RFI flagging, in one parallel pass over the waterfall, mergeable so that a
//! streaming reader can feed it block by block.
//!
//! Over the `n` valid samples `x_t` of channel `c` (finite, weight > 0; weights only select
//! samples, the statistics are unweighted, as in [`crate::stats`]):
//!
//! - `count = n`, `s1 = Σ x_t`, `s2 = Σ x_t²` (the spectral-kurtosis sums S1, S2);
//! - `mean = μ = Σ x_t / n`, `variance = m2 = Σ (x_t − μ)² / n` (ddof 0, numpy's `var`);
//! - `skewness = m3 / m2^{3/2}` and `kurtosis = m4 / m2² − 3`, with `m_k = Σ (x_t − μ)^k / n`: the
//!   population (biased) moments of `scipy.stats.skew` and `scipy.stats.kurtosis` with their
//!   defaults. The kurtosis is the **excess** (Fisher) kurtosis, 0 for Gaussian noise, as
//!   sigpyproc's `ChannelStats.kurtosis` (fed to its IQRM/MAD channel masks) and jess's kurtosis
//!   statistic use.
//!
//! A channel without a valid sample has NaN everywhere (count 0, and NaN `s1`, `s2` like
//! [`crate::stats::channel_moments`]'s sum). A constant channel has variance 0 and NaN skewness and
//! kurtosis (scipy's rule: `m2 ≤ (1e-15·μ)²` counts as zero).
//!
//! Numerics: each row is cut into chunks of [`CHUNK`] samples; a chunk's mean is taken first and its
//! central power sums next (the chunk is still in L1 cache, so this is one pass over memory), and the
//! chunks are combined with the exact pairwise update of Pébay (2008, "Formulas for robust, one-pass
//! parallel computation of covariances and arbitrary-order statistical moments"). The same update
//! merges successive time blocks in [`ChannelStatsAccumulator::add_block`], so block-by-block and
//! whole-waterfall results agree to rounding.

use rayon::prelude::*;

use crate::bail;
use crate::error::{code, CoreResult};
use crate::shape::{rows_per_task, Shape};
use crate::weights::Weights;

/// Samples per chunk of a row: a chunk's mean and central sums are taken in two sweeps over it.
pub const CHUNK: usize = 2048;

/// Per-channel statistics; every vector has one value per channel.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelStats {
    pub count: Vec<f64>,
    pub mean: Vec<f64>,
    /// Population variance (ddof 0).
    pub variance: Vec<f64>,
    pub skewness: Vec<f64>,
    /// Excess (Fisher) kurtosis: 0 for Gaussian noise.
    pub kurtosis: Vec<f64>,
    /// `Σ x` (S1 of the spectral kurtosis).
    pub s1: Vec<f64>,
    /// `Σ x²` (S2 of the spectral kurtosis).
    pub s2: Vec<f64>,
}

/// A per-channel statistic that flagging methods can run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelStatistic {
    Mean,
    Variance,
    /// Standard deviation (ddof 0): IQRM's default.
    Std,
    Skewness,
    /// Excess kurtosis.
    Kurtosis,
    /// `std / mean`, the coefficient of variation: flat across the band for power data whatever the
    /// bandpass (`1/√N` for `N` accumulations), so IQRM on it does not see bandpass slopes.
    CoefficientOfVariation,
}

impl ChannelStats {
    pub fn nchan(&self) -> usize {
        self.count.len()
    }

    /// Checks that every vector has one value per channel (the fields are public, so statistics
    /// built by hand reach the kernels too).
    pub fn check(&self) -> CoreResult<()> {
        let n = self.count.len();
        let lens = [self.mean.len(), self.variance.len(), self.skewness.len(), self.kurtosis.len(), self.s1.len(), self.s2.len()];
        if n == 0 || lens.iter().any(|&l| l != n) {
            bail!(code::SHAPE, "channel statistics must have one value per channel in every field, got {n} counts and {lens:?}");
        }
        Ok(())
    }

    /// Standard deviation (ddof 0) of each channel.
    pub fn std(&self) -> Vec<f64> {
        self.variance.iter().map(|v| v.sqrt()).collect()
    }

    /// The chosen statistic, one value per channel.
    pub fn statistic(&self, which: ChannelStatistic) -> Vec<f64> {
        match which {
            ChannelStatistic::Mean => self.mean.clone(),
            ChannelStatistic::Variance => self.variance.clone(),
            ChannelStatistic::Std => self.std(),
            ChannelStatistic::Skewness => self.skewness.clone(),
            ChannelStatistic::Kurtosis => self.kurtosis.clone(),
            ChannelStatistic::CoefficientOfVariation => self.variance.iter().zip(&self.mean).map(|(v, m)| v.sqrt() / m).collect(),
        }
    }

    /// Whether channel `c` has no valid sample (counts as already masked).
    pub fn is_empty(&self, c: usize) -> bool {
        self.count.get(c).copied().unwrap_or(0.0) == 0.0
    }

    /// `(count, mean, variance)` of all valid samples of all channels together.
    pub fn global(&self) -> (f64, f64, f64) {
        let mut all = RunningMoments::default();
        for ((&n, &mean), &variance) in self.count.iter().zip(&self.mean).zip(&self.variance) {
            if n > 0.0 {
                all.merge(&RunningMoments { count: n, mean, m2: variance * n, ..Default::default() });
            }
        }
        if all.count == 0.0 {
            return (0.0, f64::NAN, f64::NAN);
        }
        (all.count, all.mean, all.m2 / all.count)
    }
}

/// Count, mean and central power sums `M_k = Σ (x − mean)^k` of a set of samples, plus the raw
/// sums `Σ x`, `Σ x²`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RunningMoments {
    pub count: f64,
    pub mean: f64,
    pub m2: f64,
    pub m3: f64,
    pub m4: f64,
    pub s1: f64,
    pub s2: f64,
}

impl RunningMoments {
    /// Adds the samples summarised by `other` (Pébay's pairwise update, exact in real arithmetic).
    pub fn merge(&mut self, other: &RunningMoments) {
        if other.count == 0.0 {
            return;
        }
        if self.count == 0.0 {
            *self = *other;
            return;
        }
        let (na, nb) = (self.count, other.count);
        let n = na + nb;
        let delta = other.mean - self.mean;
        let dn = delta / n;
        let m2 = self.m2 + other.m2 + delta * dn * na * nb;
        let m3 = self.m3 + other.m3 + delta * dn * dn * na * nb * (na - nb) + 3.0 * dn * (na * other.m2 - nb * self.m2);
        let m4 = self.m4
            + other.m4
            + delta * dn * dn * dn * na * nb * (na * na - na * nb + nb * nb)
            + 6.0 * dn * dn * (na * na * other.m2 + nb * nb * self.m2)
            + 4.0 * dn * (na * other.m3 - nb * self.m3);
        self.mean += dn * nb;
        self.m2 = m2;
        self.m3 = m3;
        self.m4 = m4;
        self.count = n;
        self.s1 += other.s1;
        self.s2 += other.s2;
    }

    /// The valid samples of a short slice, in two sweeps (mean, then central sums).
    fn of_chunk(x: &[f32], w: Weights) -> Self {
        let (mut count, mut s1, mut s2) = (0usize, 0f64, 0f64);
        for (j, &v) in x.iter().enumerate() {
            if w.at(v, j) > 0.0 {
                let v = v as f64;
                count += 1;
                s1 += v;
                s2 += v * v;
            }
        }
        if count == 0 {
            return Self::default();
        }
        let mean = s1 / count as f64;
        let (mut m2, mut m3, mut m4) = (0f64, 0f64, 0f64);
        for (j, &v) in x.iter().enumerate() {
            if w.at(v, j) > 0.0 {
                let d = v as f64 - mean;
                let d2 = d * d;
                m2 += d2;
                m3 += d2 * d;
                m4 += d2 * d2;
            }
        }
        Self { count: count as f64, mean, m2, m3, m4, s1, s2 }
    }

    /// The valid samples of one row (chunk by chunk).
    pub fn of_row(x: &[f32], w: Weights) -> Self {
        let mut all = Self::default();
        for (k, chunk) in x.chunks(CHUNK).enumerate() {
            let start = k * CHUNK;
            all.merge(&Self::of_chunk(chunk, w.slice(start..start + chunk.len())));
        }
        all
    }

    /// `(count, mean, variance, skewness, excess kurtosis, s1, s2)`; NaN where undefined.
    fn finish(&self) -> [f64; 7] {
        let n = self.count;
        if n == 0.0 {
            return [0.0, f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN];
        }
        let variance = self.m2 / n;
        let constant = variance <= (1e-15 * self.mean).powi(2);
        let (skewness, kurtosis) =
            if constant { (f64::NAN, f64::NAN) } else { ((self.m3 / n) / variance.powf(1.5), (self.m4 / n) / (variance * variance) - 3.0) };
        [n, self.mean, variance, skewness, kurtosis, self.s1, self.s2]
    }
}

/// Running channel statistics over successive time blocks of one waterfall.
///
/// Feed blocks `[nchan][ntime_block]` (channel-major, the same channels each time, covering
/// successive or any disjoint time ranges) with [`add_block`](Self::add_block), or combine
/// accumulators filled independently with [`merge`](Self::merge); then [`finish`](Self::finish).
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelStatsAccumulator {
    moments: Vec<RunningMoments>,
    ntime: usize,
}

impl ChannelStatsAccumulator {
    pub fn new(nchan: usize) -> CoreResult<Self> {
        if nchan == 0 {
            bail!(code::SHAPE, "channel statistics need at least one channel");
        }
        Ok(Self { moments: vec![RunningMoments::default(); nchan], ntime: 0 })
    }

    pub fn nchan(&self) -> usize {
        self.moments.len()
    }

    /// Samples per channel added so far (valid or not).
    pub fn ntime(&self) -> usize {
        self.ntime
    }

    /// The running sums of each channel.
    pub fn moments(&self) -> &[RunningMoments] {
        &self.moments
    }

    /// Adds a channel-major block of `ntime` samples per channel; `weights` (when explicit) has the
    /// block's shape.
    pub fn add_block(&mut self, block: &[f32], weights: Weights, ntime: usize) -> CoreResult<()> {
        let shape = Shape::new(self.nchan(), ntime)?;
        shape.check("intensity block", block.len())?;
        weights.check(shape)?;
        self.moments.par_iter_mut().zip(block.par_chunks(ntime)).enumerate().with_min_len(rows_per_task(ntime)).for_each(
            |(c, (acc, row))| {
                acc.merge(&RunningMoments::of_row(row, weights.slice(c * ntime..(c + 1) * ntime)));
            },
        );
        self.ntime += ntime;
        Ok(())
    }

    /// Adds the samples another accumulator of the same channels has seen.
    pub fn merge(&mut self, other: &ChannelStatsAccumulator) -> CoreResult<()> {
        if other.nchan() != self.nchan() {
            bail!(code::SHAPE, "cannot merge channel statistics of {} channels into {}", other.nchan(), self.nchan());
        }
        for (a, b) in self.moments.iter_mut().zip(&other.moments) {
            a.merge(b);
        }
        self.ntime += other.ntime;
        Ok(())
    }

    pub fn finish(&self) -> ChannelStats {
        stats_of_moments(&self.moments)
    }
}

/// The statistics of each channel's accumulated moments.
pub(crate) fn stats_of_moments(moments: &[RunningMoments]) -> ChannelStats {
    let rows: Vec<[f64; 7]> = moments.iter().map(RunningMoments::finish).collect();
    let col = |k: usize| rows.iter().map(|r| r[k]).collect::<Vec<f64>>();
    ChannelStats { count: col(0), mean: col(1), variance: col(2), skewness: col(3), kurtosis: col(4), s1: col(5), s2: col(6) }
}

/// Statistics of every channel of a whole waterfall (one parallel pass).
pub fn channel_stats(intensity: &[f32], weights: Weights, shape: Shape) -> CoreResult<ChannelStats> {
    shape.check("intensity", intensity.len())?;
    let mut acc = ChannelStatsAccumulator::new(shape.nchan)?;
    acc.add_block(intensity, weights, shape.ntime)?;
    Ok(acc.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1.0)
    }

    #[test]
    fn exact_moments_of_a_small_channel() {
        // x = 1, 2, 3, 10: mean 4, deviations -3 -2 -1 6.
        // m2 = (9+4+1+36)/4 = 12.5; m3 = (-27-8-1+216)/4 = 45; m4 = (81+16+1+1296)/4 = 348.5
        let shape = Shape::new(2, 5).unwrap();
        let x = [1.0, 2.0, f32::NAN, 3.0, 10.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        let s = channel_stats(&x, Weights::ValidNonZero, shape).unwrap();
        assert_eq!(s.count[0], 4.0);
        assert_eq!(s.mean[0], 4.0);
        assert_eq!(s.variance[0], 12.5);
        assert!(close(s.skewness[0], 45.0 / 12.5f64.powf(1.5), 1e-15));
        assert!(close(s.kurtosis[0], 348.5 / 156.25 - 3.0, 1e-15));
        assert_eq!((s.s1[0], s.s2[0]), (16.0, 114.0));
        // channel 1 is all zeros, missing under ValidNonZero: NaN statistics
        assert_eq!(s.count[1], 0.0);
        assert!(s.mean[1].is_nan() && s.variance[1].is_nan() && s.kurtosis[1].is_nan() && s.s1[1].is_nan());
        // with Valid, zeros count: constant channel, variance 0, NaN shape statistics
        let s = channel_stats(&x, Weights::Valid, shape).unwrap();
        assert_eq!((s.count[1], s.mean[1], s.variance[1]), (5.0, 0.0, 0.0));
        assert!(s.skewness[1].is_nan() && s.kurtosis[1].is_nan());
    }

    #[test]
    fn explicit_weights_select_samples() {
        let shape = Shape::new(1, 4).unwrap();
        let x = [1.0, 2.0, 3.0, 100.0];
        let w = [1.0, 0.5, 1.0, 0.0];
        let s = channel_stats(&x, Weights::Explicit(&w), shape).unwrap();
        assert_eq!((s.count[0], s.mean[0], s.s2[0]), (3.0, 2.0, 14.0));
        assert!(close(s.variance[0], 2.0 / 3.0, 1e-15));
        assert_eq!(s.skewness[0], 0.0);
        assert!(close(s.kurtosis[0], 1.5 - 3.0, 1e-15)); // m4 = 2/3, m2^2 = 4/9
    }

    #[test]
    fn blocks_merge_to_the_whole() {
        // A long channel (several chunks) with a large offset, split unevenly into blocks.
        let (nchan, ntime) = (3, 3 * CHUNK + 123);
        let mut x = vec![0f32; nchan * ntime];
        let mut state = 12345u64;
        for v in x.iter_mut() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            *v = 1000.0 + ((state >> 40) as f32 / (1u64 << 24) as f32 - 0.5).powi(3) * 50.0;
        }
        x[5] = f32::NAN;
        let shape = Shape::new(nchan, ntime).unwrap();
        let whole = channel_stats(&x, Weights::Valid, shape).unwrap();
        let mut acc = ChannelStatsAccumulator::new(nchan).unwrap();
        let cuts = [0, 1, 700, CHUNK + 5, ntime];
        for k in 0..cuts.len() - 1 {
            let (a, b) = (cuts[k], cuts[k + 1]);
            let block: Vec<f32> = (0..nchan).flat_map(|c| x[c * ntime + a..c * ntime + b].to_vec()).collect();
            acc.add_block(&block, Weights::Valid, b - a).unwrap();
        }
        assert_eq!(acc.ntime(), ntime);
        let parts = acc.finish();
        for c in 0..nchan {
            assert_eq!(parts.count[c], whole.count[c]);
            assert!(close(parts.mean[c], whole.mean[c], 1e-14));
            assert!(close(parts.variance[c], whole.variance[c], 1e-12));
            assert!(close(parts.skewness[c], whole.skewness[c], 1e-9));
            assert!(close(parts.kurtosis[c], whole.kurtosis[c], 1e-9));
            // against a direct two-pass computation in f64
            let v: Vec<f64> = x[c * ntime..(c + 1) * ntime].iter().filter(|v| v.is_finite()).map(|&v| v as f64).collect();
            let n = v.len() as f64;
            let m = v.iter().sum::<f64>() / n;
            let m2 = v.iter().map(|a| (a - m).powi(2)).sum::<f64>() / n;
            let m4 = v.iter().map(|a| (a - m).powi(4)).sum::<f64>() / n;
            assert!(close(whole.variance[c], m2, 1e-12));
            assert!(close(whole.kurtosis[c], m4 / (m2 * m2) - 3.0, 1e-9));
        }
        let mut other = ChannelStatsAccumulator::new(2).unwrap();
        assert_eq!(other.merge(&acc).unwrap_err().code, code::SHAPE);
        assert_eq!(acc.add_block(&[1.0; 5], Weights::Valid, 2).unwrap_err().code, code::SHAPE);
        assert_eq!(ChannelStatsAccumulator::new(0).unwrap_err().code, code::SHAPE);
    }

    #[test]
    fn global_moments_and_statistic_choice() {
        let shape = Shape::new(2, 2).unwrap();
        let s = channel_stats(&[1.0, 3.0, 5.0, f32::NAN], Weights::Valid, shape).unwrap();
        let (n, mean, var) = s.global();
        assert_eq!((n, mean), (3.0, 3.0));
        assert!(close(var, 8.0 / 3.0, 1e-15));
        assert_eq!(s.statistic(ChannelStatistic::Std), vec![1.0, 0.0]);
        assert_eq!(s.statistic(ChannelStatistic::Mean), vec![2.0, 5.0]);
        assert_eq!(s.statistic(ChannelStatistic::CoefficientOfVariation), vec![0.5, 0.0]);
        assert!(s.check().is_ok() && !s.is_empty(1) && s.is_empty(2));
        let mut broken = s.clone();
        broken.s2.pop();
        assert_eq!(broken.check().unwrap_err().code, code::SHAPE);
    }
}
