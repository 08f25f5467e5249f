//! The first pass: per-channel statistics of time-major rows as they arrive, for the steps that need
//! a whole channel before its first sample is used (normalising, channel masks).
//!
//! Count, sum and mean are the numbers [`crate::stats::channel_moments`] gives on the whole waterfall
//! (the sum runs over each channel's valid samples in time order; for integer samples it is exact).
//! The variance is exact for integer samples (from exact sums of `x` and `x²`) and, for floats, merged
//! gulp by gulp with the pairwise update of Chan, Golub and LeVeque (1979); the whole-array two-pass
//! value agrees with both to rounding (a few units in the last place), so a mask threshold decides
//! the same except for a variance within that of it, and a constant channel (variance exactly 0) is
//! found either way. Median and MAD are exact, from per-channel histograms of ≤ 8-bit levels.

use rayon::prelude::*;

use crate::bail;
use crate::error::{code, CoreResult};
use crate::filterbank::Layout;

/// Per-channel statistics (row 0 the lowest frequency): NaN for a channel without a valid sample,
/// and NaN median and MAD when they were not asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct PassStats {
    pub count: Vec<f64>,
    pub sum: Vec<f64>,
    pub mean: Vec<f64>,
    /// Population variance (ddof 0).
    pub variance: Vec<f64>,
    pub median: Vec<f64>,
    /// Median absolute deviation from the median, unscaled.
    pub mad: Vec<f64>,
}

/// One channel's running sums (indexed by the file's channel order).
#[derive(Debug, Clone, Default)]
struct Running {
    count: u64,
    /// Integer samples: exact `Σ x` and `Σ x²`.
    int_sum: u64,
    int_squares: u128,
    /// Float samples: `Σ x` in time order, and the mean and `Σ (x − mean)²` merged gulp by gulp.
    sum: f64,
    mean: f64,
    m2: f64,
}

/// Accumulates per-channel statistics over rows fed in order.
pub struct ChannelPass {
    layout: Layout,
    running: Vec<Running>,
    /// `[nchan][2^nbits]` level counts (file order), when medians are wanted.
    histograms: Option<Vec<u64>>,
}

/// Channels per parallel task.
const CHANNELS: usize = 64;

impl ChannelPass {
    /// `medians`: also count each channel's levels, for exact medians and MADs (≤ 8-bit samples only).
    pub fn new(layout: Layout, medians: bool) -> CoreResult<Self> {
        if medians && layout.nbits > 8 {
            bail!(code::UNSUPPORTED, "medians of {}-bit samples need whole channels; streamed medians need samples of at most 8 bits", layout.nbits);
        }
        let histograms = medians.then(|| vec![0u64; layout.nchan << layout.nbits]);
        Ok(Self { layout, running: vec![Running::default(); layout.nchan], histograms })
    }

    /// Adds consecutive rows (in time order).
    pub fn add(&mut self, bytes: &[u8]) -> CoreResult<()> {
        let _ = self.layout.rows(bytes)?;
        let layout = self.layout;
        let levels = 1usize << layout.nbits.min(8);
        let mut histograms: Vec<Option<&mut [u64]>> = match &mut self.histograms {
            Some(h) => h.chunks_mut(CHANNELS * levels).map(Some).collect(),
            None => (0..layout.nchan.div_ceil(CHANNELS)).map(|_| None).collect(),
        };
        self.running.par_chunks_mut(CHANNELS).zip(histograms.par_iter_mut()).enumerate().for_each(|(b, (block, histogram))| {
            let first = b * CHANNELS;
            match layout.nbits {
                8 => integer_block(bytes, layout, first, block, histogram.as_deref_mut(), |row, c| row[c] as u32),
                16 => integer_block(bytes, layout, first, block, None, |row, c| u16::from_le_bytes([row[2 * c], row[2 * c + 1]]) as u32),
                32 => float_block(bytes, layout, first, block),
                _ => integer_block(bytes, layout, first, block, histogram.as_deref_mut(), |row, c| layout.sample(row, c) as u32),
            }
        });
        Ok(())
    }

    /// The statistics of everything fed, row 0 the lowest frequency.
    pub fn finish(self) -> PassStats {
        let nchan = self.layout.nchan;
        let mut out = PassStats {
            count: vec![0.0; nchan],
            sum: vec![f64::NAN; nchan],
            mean: vec![f64::NAN; nchan],
            variance: vec![f64::NAN; nchan],
            median: vec![f64::NAN; nchan],
            mad: vec![f64::NAN; nchan],
        };
        for c in 0..nchan {
            let file_channel = self.layout.channel(c);
            let r = &self.running[file_channel];
            if r.count == 0 {
                continue;
            }
            let n = r.count as f64;
            out.count[c] = n;
            if self.layout.integer() {
                out.sum[c] = r.int_sum as f64;
                let spread = r.count as u128 * r.int_squares - r.int_sum as u128 * r.int_sum as u128;
                out.variance[c] = spread as f64 / (n * n);
            } else {
                out.sum[c] = r.sum;
                out.variance[c] = r.m2 / n;
            }
            out.mean[c] = out.sum[c] / n;
            if let Some(h) = &self.histograms {
                let levels = 1 << self.layout.nbits;
                let (median, mad) = histogram_medians(&h[file_channel * levels..(file_channel + 1) * levels], r.count);
                out.median[c] = median;
                out.mad[c] = mad;
            }
        }
        out
    }
}

/// Integer samples of file channels `first..first + block.len()`: exact sums, and level counts.
fn integer_block(bytes: &[u8], layout: Layout, first: usize, block: &mut [Running], mut histogram: Option<&mut [u64]>, level: impl Fn(&[u8], usize) -> u32) {
    let row_bytes = layout.row_bytes();
    let levels = 1usize << layout.nbits.min(8);
    let mut sums = vec![0u64; block.len()];
    let mut squares = vec![0u64; block.len()];
    // 2^32 rows of 16-bit squares would overflow u64: flush well before
    for rows in bytes.chunks(row_bytes << 16) {
        for row in rows.chunks_exact(row_bytes) {
            for (i, (s, q)) in sums.iter_mut().zip(squares.iter_mut()).enumerate() {
                let v = level(row, first + i) as u64;
                *s += v;
                *q += v * v;
            }
            if let Some(h) = histogram.as_deref_mut() {
                for i in 0..block.len() {
                    h[i * levels + level(row, first + i) as usize] += 1;
                }
            }
        }
        for ((r, s), q) in block.iter_mut().zip(&mut sums).zip(&mut squares) {
            r.int_sum += std::mem::take(s);
            r.int_squares += std::mem::take(q) as u128;
        }
    }
    let rows = (bytes.len() / row_bytes) as u64;
    block.iter_mut().for_each(|r| r.count += rows);
}

/// Float samples: each channel's valid samples summed in time order, and this gulp's mean and
/// central sum merged into the running ones.
fn float_block(bytes: &[u8], layout: Layout, first: usize, block: &mut [Running]) {
    let row_bytes = layout.row_bytes();
    let value = |row: usize, c: usize| {
        let at = row * row_bytes + 4 * c;
        f32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
    };
    let rows = bytes.len() / row_bytes;
    for (i, r) in block.iter_mut().enumerate() {
        let c = first + i;
        let (mut count, mut sum) = (0u64, 0f64);
        for t in 0..rows {
            let x = value(t, c);
            if x.is_finite() {
                count += 1;
                sum += x as f64;
                r.sum += x as f64;
            }
        }
        if count == 0 {
            continue;
        }
        let mean = sum / count as f64;
        let mut m2 = 0f64;
        for t in 0..rows {
            let x = value(t, c);
            if x.is_finite() {
                let d = x as f64 - mean;
                m2 += d * d;
            }
        }
        // Chan, Golub and LeVeque's pairwise combination
        let (na, nb) = (r.count as f64, count as f64);
        let delta = mean - r.mean;
        r.mean += delta * nb / (na + nb);
        r.m2 += m2 + delta * delta * na * nb / (na + nb);
        r.count += count;
    }
}

/// numpy's median of the samples a level histogram counts, and the median of their absolute
/// deviations from it (the same arithmetic as sorting the samples).
fn histogram_medians(histogram: &[u64], n: u64) -> (f64, f64) {
    // the k-th and (k+1)-th smallest of values[i] repeated counts[i] times, visiting i in `order`
    let kth_and_next = |order: &[usize], value: &dyn Fn(usize) -> f64, k: u64| {
        let mut seen = 0u64;
        let mut kth = None;
        for &i in order {
            let count = histogram[i];
            if count == 0 {
                continue;
            }
            if kth.is_none() && seen + count > k {
                kth = Some(value(i));
            }
            if kth.is_some() && seen + count > k + 1 {
                return (kth.unwrap_or(f64::NAN), value(i));
            }
            seen += count;
        }
        (kth.unwrap_or(f64::NAN), kth.unwrap_or(f64::NAN))
    };
    let middle = |(lower, upper): (f64, f64)| if n % 2 == 1 { lower } else { 0.5 * (lower + upper) };
    let levels: Vec<usize> = (0..histogram.len()).collect();
    let median = middle(kth_and_next(&levels, &|i| i as f64, (n - 1) / 2));
    let distance = |i: usize| (i as f64 - median).abs();
    let mut by_distance = levels;
    by_distance.sort_by(|&a, &b| distance(a).total_cmp(&distance(b)));
    let mad = middle(kth_and_next(&by_distance, &distance, (n - 1) / 2));
    (median, mad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filterbank::unpack;
    use crate::shape::Shape;
    use crate::stats::{channel_medians, channel_moments};
    use crate::weights::Weights;

    fn fed(bytes: &[u8], layout: Layout, medians: bool, gulp_rows: usize) -> PassStats {
        let mut pass = ChannelPass::new(layout, medians).unwrap();
        for gulp in bytes.chunks(gulp_rows * layout.row_bytes()) {
            pass.add(gulp).unwrap();
        }
        pass.finish()
    }

    #[test]
    fn integer_statistics_equal_the_whole_array_ones() {
        for (nbits, nchan, ntime) in [(8, 70, 131), (4, 16, 50), (2, 8, 33), (1, 16, 9), (16, 3, 40)] {
            let layout = Layout::new(nbits, nchan, true).unwrap();
            let bytes: Vec<u8> = (0..ntime * layout.row_bytes()).map(|i| ((i * 2654435761usize) >> 7) as u8).collect();
            let (x, shape) = unpack(&bytes, layout).unwrap();
            let moments = channel_moments(&x, Weights::Valid, shape).unwrap();
            let medians = channel_medians(&x, Weights::Valid, shape).unwrap();
            let stats = fed(&bytes, layout, nbits <= 8, 17);
            assert_eq!((&stats.count, &stats.sum, &stats.mean), (&moments.count, &moments.sum, &moments.mean), "{nbits} bits");
            for (a, b) in stats.variance.iter().zip(&moments.variance) {
                assert!((a - b).abs() <= 1e-12 * b.abs(), "{nbits} bits: variance {a} vs {b}");
            }
            if nbits <= 8 {
                assert_eq!((&stats.median, &stats.mad), (&medians.median, &medians.mad), "{nbits} bits");
            }
        }
    }

    #[test]
    fn float_statistics_skip_missing_samples_and_agree_to_rounding() {
        let (nchan, ntime) = (5, 300);
        let mut x: Vec<f32> = (0..nchan * ntime).map(|i| ((i * 7919) % 1013) as f32 * 0.013 + 1e3).collect();
        x[3] = f32::NAN;
        x[ntime + 7] = f32::INFINITY;
        x[2 * ntime..3 * ntime].fill(f32::NAN); // a channel without a valid sample
        let shape = Shape::new(nchan, ntime).unwrap();
        let layout = Layout::new(32, nchan, false).unwrap();
        let bytes = crate::filterbank::pack(&x, shape, layout).unwrap();
        let moments = channel_moments(&x, Weights::Valid, shape).unwrap();
        let stats = fed(&bytes, layout, false, 64);
        assert_eq!(stats.count, moments.count);
        for c in 0..nchan {
            assert!(stats.sum[c].to_bits() == moments.sum[c].to_bits() || (stats.sum[c].is_nan() && moments.sum[c].is_nan()));
            assert!(stats.mean[c].to_bits() == moments.mean[c].to_bits() || stats.mean[c].is_nan());
            let (a, b) = (stats.variance[c], moments.variance[c]);
            assert!((a - b).abs() <= 1e-10 * b.abs() || (a.is_nan() && b.is_nan()), "variance {a} vs {b}");
        }
        assert_eq!(ChannelPass::new(layout, true).err().unwrap().code, code::UNSUPPORTED);
    }

    #[test]
    fn histogram_medians_follow_numpy() {
        // levels 1, 2, 2, 9 -> median 2, deviations 1, 0, 0, 7 -> MAD 0.5
        let mut h = vec![0u64; 16];
        h[1] = 1;
        h[2] = 2;
        h[9] = 1;
        assert_eq!(histogram_medians(&h, 4), (2.0, 0.5));
        // levels 0, 3 -> median 1.5, deviations 1.5, 1.5
        let mut h = vec![0u64; 4];
        h[0] = 1;
        h[3] = 1;
        assert_eq!(histogram_medians(&h, 2), (1.5, 1.5));
    }
}
