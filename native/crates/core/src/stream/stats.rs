//! The first pass: per-channel statistics of time-major rows as they arrive, for the steps that need
//! a whole channel before its first sample is used (normalising, channel masks).
//!
//! Count, sum and mean are the numbers [`crate::stats::channel_moments`] gives on the whole waterfall
//! (the sum runs over each channel's valid samples in time order; for integer samples it is exact).
//! The variance is exact for integer samples (from exact sums of `x` and `x²`) and, for floats, merged
//! gulp by gulp with the pairwise update of Chan, Golub and LeVeque (1979); the whole-array two-pass
//! value agrees with both to rounding (a few units in the last place), so a mask threshold decides
//! the same except for a variance within that of it, and a constant channel (variance exactly 0) is
//! found either way. Median and MAD are exact, from per-channel histograms of ≤ 8-bit levels (the
//! stored codes: each counts its value, its two's complement for signed samples).

use rayon::prelude::*;

use crate::bail;
use crate::error::{code, CoreResult};
use crate::filterbank::Layout;
use crate::normalise::ChannelMap;
use crate::stats::Moments;

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
    /// Valid samples that are not exactly 0 (a channel without any is dead).
    pub nonzero: Vec<f64>,
}

/// One channel's running sums (indexed by the file's channel order).
#[derive(Debug, Clone, Default)]
struct Running {
    count: u64,
    /// Valid samples that are not 0 (without histograms).
    nonzero: u64,
    /// Integer samples: exact `Σ x` and `Σ x²`.
    int_sum: i64,
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

impl ChannelPass {
    /// `medians`: also count each channel's levels, for exact medians and MADs (≤ 8-bit samples only).
    pub fn new(layout: Layout, medians: bool) -> CoreResult<Self> {
        if medians && layout.nbits > 8 {
            bail!(
                code::UNSUPPORTED,
                "medians of {}-bit samples need whole channels; streamed medians need samples of at most 8 bits",
                layout.nbits
            );
        }
        let histograms = medians.then(|| vec![0u64; layout.nchan << layout.nbits]);
        Ok(Self { layout, running: vec![Running::default(); layout.nchan], histograms })
    }

    /// Channels of the rows.
    pub fn nchan(&self) -> usize {
        self.layout.nchan
    }

    /// Adds consecutive rows (in time order).
    pub fn add(&mut self, bytes: &[u8]) -> CoreResult<()> {
        let rows = self.layout.rows(bytes)?.len();
        let layout = self.layout;
        match layout.nbits {
            32 => {
                // each channel's samples summed in time order (as the whole-array pass): tasks own channels
                let per_task = layout.nchan.div_ceil(4 * rayon::current_num_threads()).max(256);
                self.running.par_chunks_mut(per_task).enumerate().for_each(|(b, block)| float_block(bytes, layout, b * per_task, block));
            }
            _ if self.histograms.is_some() => {
                let histograms = self.histograms.as_mut().map_or(&mut [][..], |h| &mut h[..]);
                count_levels(bytes, layout, histograms);
                for r in &mut self.running {
                    r.count += rows as u64;
                }
            }
            _ => {
                // exact integer sums in any order: tasks own rows
                let per_task = (rows / (4 * rayon::current_num_threads())).clamp(64, 1 << 16);
                let partial = bytes
                    .par_chunks(per_task * layout.row_bytes())
                    .map(|rows| integer_rows(rows, layout))
                    .reduce(|| IntegerSums::new(layout.nchan), IntegerSums::merge);
                for (c, r) in self.running.iter_mut().enumerate() {
                    r.count += rows as u64;
                    r.nonzero += partial.nonzero[c];
                    r.int_sum += partial.sums[c];
                    r.int_squares += partial.squares[c] as u128;
                }
            }
        }
        Ok(())
    }

    /// The statistics of everything fed so far, row 0 the lowest frequency.
    pub fn finish(&self) -> PassStats {
        let nchan = self.layout.nchan;
        let mut out = PassStats {
            count: vec![0.0; nchan],
            sum: vec![f64::NAN; nchan],
            mean: vec![f64::NAN; nchan],
            variance: vec![f64::NAN; nchan],
            median: vec![f64::NAN; nchan],
            mad: vec![f64::NAN; nchan],
            nonzero: vec![0.0; nchan],
        };
        let levels = 1usize << self.layout.nbits.min(8);
        // each level's value, and the levels in the order of their values (for the histograms)
        let values: Vec<i64> = (0..levels).map(|l| self.layout.level_value(l) as i64).collect();
        let mut ascending: Vec<usize> = (0..levels).collect();
        ascending.sort_by_key(|&l| values[l]);
        for c in 0..nchan {
            let file_channel = self.layout.channel(c);
            let r = &self.running[file_channel];
            if r.count == 0 {
                continue;
            }
            let n = r.count as f64;
            out.count[c] = n;
            let histogram = self.histograms.as_ref().map(|h| &h[file_channel * levels..(file_channel + 1) * levels]);
            // level 0 is the value 0, signed or not
            out.nonzero[c] = histogram.map_or(r.nonzero, |h| r.count - h[0]) as f64;
            if self.layout.integer() {
                let (sum, squares) = match histogram {
                    Some(h) => {
                        h.iter().zip(&values).fold((0i64, 0u128), |(s, q), (&k, &v)| (s + v * k as i64, q + (v * v) as u128 * k as u128))
                    }
                    None => (r.int_sum, r.int_squares),
                };
                out.sum[c] = sum as f64;
                let spread = r.count as u128 * squares - sum.unsigned_abs() as u128 * sum.unsigned_abs() as u128;
                out.variance[c] = spread as f64 / (n * n);
            } else {
                out.sum[c] = r.sum;
                out.variance[c] = r.m2 / n;
            }
            out.mean[c] = out.sum[c] / n;
            if let Some(h) = histogram {
                (out.median[c], out.mad[c]) = histogram_medians(h, &values, &ascending, r.count);
            }
        }
        out
    }
}

impl ChannelPass {
    /// The moments `channel_moments` would give for the samples fed, as stored (`maps` None) or
    /// normalised by `maps`, with the channels of `skip` left out, from the level counts (≤ 8-bit
    /// samples, medians asked for; None otherwise) without feeding the rows again: see
    /// [`LevelMoments`] for what is exact and what is bounded.
    pub fn level_moments(&self, maps: Option<&[Option<ChannelMap>]>, skip: &[bool]) -> Option<LevelMoments> {
        let histograms = self.histograms.as_ref()?;
        let nchan = self.layout.nchan;
        let levels = 1usize << self.layout.nbits;
        let mut out = LevelMoments::empty(nchan, 0.0);
        for c in (0..nchan).filter(|&c| skip.get(c) == Some(&false)) {
            let file_channel = self.layout.channel(c);
            let h = &histograms[file_channel * levels..(file_channel + 1) * levels];
            let map = match maps {
                Some(maps) => match maps.get(c).copied().flatten() {
                    Some(map) => Some(map),
                    None => continue,
                },
                None => None,
            };
            let value = |level: usize| {
                let x = self.layout.level_value(level) as f32;
                map.map_or(x, |m| m.apply(x))
            };
            let present: Vec<(f32, u64)> =
                (0..levels).filter(|&l| h[l] > 0).map(|l| (value(l), h[l])).filter(|(v, _)| v.is_finite()).collect();
            let (sum, exact) = exact_sum(&present);
            let n: u64 = present.iter().map(|p| p.1).sum();
            if n == 0 {
                continue;
            }
            let count = n as f64;
            out.moments.count[c] = count;
            out.moments.sum[c] = sum;
            let mean = sum / count;
            out.moments.mean[c] = mean;
            if !exact {
                // the order of the additions matters: only the time-ordered pass knows the sums
                out.sum_error[c] = f64::INFINITY;
                out.variance_error[c] = f64::INFINITY;
                out.moments.variance[c] = f64::NAN;
                continue;
            }
            // every sample of a level adds the same square: the in-memory sum differs only by
            // the rounding of its additions (relative error below n·2^-53 for terms >= 0)
            let squares: f64 = present
                .iter()
                .map(|&(v, k)| {
                    let d = v as f64 - mean;
                    (d * d) * k as f64
                })
                .sum();
            out.moments.variance[c] = squares / count;
            out.variance_error[c] = out.moments.variance[c] * (count + 2.0 * levels as f64 + 8.0) * f64::EPSILON;
        }
        Some(out)
    }
}

/// Moments from level counts: `count`, `sum` and `mean` are the time-ordered ones bit for bit where
/// `sum_error` is 0 (the sum of the values is exact whatever the order: every partial sum is a
/// multiple of the finest value's last bit that fits in 53 bits), else unknown (`sum_error` and
/// `variance_error` infinite). The variance is 0 exactly when the time-ordered one is (every valid
/// value the same), positive when that is, and otherwise within `variance_error` of it.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelMoments {
    pub moments: Moments,
    pub sum_error: Vec<f64>,
    pub variance_error: Vec<f64>,
}

impl LevelMoments {
    /// No sample in any of `nchan` channels (count 0, NaN statistics), each sum off by `sum_error`.
    pub(crate) fn empty(nchan: usize, sum_error: f64) -> Self {
        let nan = || vec![f64::NAN; nchan];
        Self {
            moments: Moments { count: vec![0.0; nchan], sum: nan(), mean: nan(), variance: nan() },
            sum_error: vec![sum_error; nchan],
            variance_error: vec![0.0; nchan],
        }
    }
}

/// `Σ k·v` exactly, when every partial sum of the values in any order is exact in f64.
fn exact_sum(values: &[(f32, u64)]) -> (f64, bool) {
    // the weight of the lowest set bit of a non-zero value
    let lowest_bit = |v: f32| {
        let bits = (v as f64).to_bits();
        let exponent = ((bits >> 52) & 0x7ff) as i32;
        let mantissa = (bits & ((1u64 << 52) - 1)) | if exponent > 0 { 1u64 << 52 } else { 0 };
        exponent.max(1) - 1075 + mantissa.trailing_zeros() as i32
    };
    let Some(grid) = values.iter().filter(|(v, _)| *v != 0.0).map(|&(v, _)| lowest_bit(v)).min() else {
        return (0.0, true);
    };
    let bound: f64 = values.iter().map(|&(v, k)| (v as f64).abs() * k as f64).sum();
    // a margin of 2 over the bound's own rounding
    if bound.is_nan() || bound >= 2f64.powi(52 + grid) {
        return (f64::NAN, false);
    }
    let units: i128 = values.iter().map(|&(v, k)| ((v as f64) * 2f64.powi(-grid)) as i128 * k as i128).sum();
    ((units as f64) * 2f64.powi(grid), true)
}

/// Exact sums of integer samples over some rows, per file channel.
struct IntegerSums {
    sums: Vec<i64>,
    squares: Vec<u64>,
    nonzero: Vec<u64>,
}

impl IntegerSums {
    fn new(nchan: usize) -> Self {
        Self { sums: vec![0; nchan], squares: vec![0; nchan], nonzero: vec![0; nchan] }
    }

    fn merge(mut self, other: Self) -> Self {
        self.sums.iter_mut().zip(&other.sums).for_each(|(a, b)| *a += b);
        self.squares.iter_mut().zip(&other.squares).for_each(|(a, b)| *a += b);
        self.nonzero.iter_mut().zip(&other.nonzero).for_each(|(a, b)| *a += b);
        self
    }

    /// Adds one sample of file channel `c`.
    #[inline]
    fn add(&mut self, c: usize, v: i64) {
        self.sums[c] += v;
        self.squares[c] += v.unsigned_abs() * v.unsigned_abs();
        self.nonzero[c] += (v != 0) as u64;
    }
}

/// The sums of at most 2^16 rows (so 8-bit squares fit in u32 lanes): rows outer, channels inner,
/// which the compiler vectorises for bytes.
fn integer_rows(bytes: &[u8], layout: Layout) -> IntegerSums {
    let nchan = layout.nchan;
    let mut out = IntegerSums::new(nchan);
    let rows = bytes.chunks_exact(layout.row_bytes());
    match (layout.nbits, layout.signed) {
        (8, false) => byte_rows(rows, &mut out, |v| v as i32),
        (8, true) => byte_rows(rows, &mut out, |v| v as i8 as i32),
        (16, signed) => {
            for row in rows {
                for (c, v) in row.chunks_exact(2).enumerate() {
                    let v = if signed { i16::from_le_bytes([v[0], v[1]]) as i64 } else { u16::from_le_bytes([v[0], v[1]]) as i64 };
                    out.add(c, v);
                }
            }
        }
        _ => {
            for row in rows {
                for c in 0..nchan {
                    out.add(c, layout.level(row, c) as i64);
                }
            }
        }
    }
    out
}

/// [`integer_rows`] of bytes whose values `value` gives, in 32-bit lanes.
#[inline(always)]
fn byte_rows<'a>(rows: impl Iterator<Item = &'a [u8]>, out: &mut IntegerSums, value: impl Fn(u8) -> i32) {
    let nchan = out.sums.len();
    let (mut sums, mut squares, mut nonzero) = (vec![0i32; nchan], vec![0u32; nchan], vec![0u32; nchan]);
    for row in rows {
        for (((s, q), z), &v) in sums.iter_mut().zip(squares.iter_mut()).zip(nonzero.iter_mut()).zip(row) {
            let v = value(v);
            *s += v;
            *q += (v * v) as u32;
            *z += (v != 0) as u32;
        }
    }
    out.sums.iter_mut().zip(&sums).for_each(|(a, &b)| *a = b as i64);
    out.squares.iter_mut().zip(&squares).for_each(|(a, &b)| *a = b as u64);
    out.nonzero.iter_mut().zip(&nonzero).for_each(|(a, &b)| *a = b as u64);
}

/// Float samples of file channels `first..first + block.len()`: each channel's valid samples summed
/// in time order, and this gulp's mean and central sum merged into the running ones. Rows outer,
/// channels inner.
fn float_block(bytes: &[u8], layout: Layout, first: usize, block: &mut [Running]) {
    let row_bytes = layout.row_bytes();
    let n = block.len();
    let values = |row| floats(row, first, n);
    let (mut counts, mut sums) = (vec![0u64; n], vec![0f64; n]);
    for row in bytes.chunks_exact(row_bytes) {
        for (((r, count), sum), x) in block.iter_mut().zip(&mut counts).zip(&mut sums).zip(values(row)) {
            if x.is_finite() {
                *count += 1;
                *sum += x as f64;
                r.sum += x as f64;
                r.nonzero += (x != 0.0) as u64;
            }
        }
    }
    let means: Vec<f64> = sums.iter().zip(&counts).map(|(&s, &k)| if k > 0 { s / k as f64 } else { 0.0 }).collect();
    let mut m2 = vec![0f64; n];
    for row in bytes.chunks_exact(row_bytes) {
        for ((m, &mean), x) in m2.iter_mut().zip(&means).zip(values(row)) {
            if x.is_finite() {
                let d = x as f64 - mean;
                *m += d * d;
            }
        }
    }
    for (i, r) in block.iter_mut().enumerate() {
        if counts[i] == 0 {
            continue;
        }
        // Chan, Golub and LeVeque's pairwise combination
        let (na, nb) = (r.count as f64, counts[i] as f64);
        let delta = means[i] - r.mean;
        r.mean += delta * nb / (na + nb);
        r.m2 += m2[i] + delta * delta * na * nb / (na + nb);
        r.count += counts[i];
    }
}

/// The float32 samples of channels `first..first + n` of a row.
fn floats(row: &[u8], first: usize, n: usize) -> impl Iterator<Item = f32> + '_ {
    row[4 * first..4 * (first + n)].chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Adds the rows' level counts into `histograms` (`[nchan][2^nbits]`, file order). Each task owns
/// a wide block of channels and reads its part of each row in order (so the reads stream, where a
/// narrow column of many rows would touch a page a row), counting in u16 in the cache and adding
/// those into the totals every `u16::MAX` rows.
fn count_levels(bytes: &[u8], layout: Layout, histograms: &mut [u64]) {
    const MIN_CHANNELS: usize = 256;
    let levels = 1usize << layout.nbits;
    let per_byte = 8 / layout.nbits;
    // whole bytes per task, one block per thread
    let per_task = layout.nchan.div_ceil(rayon::current_num_threads()).max(MIN_CHANNELS).next_multiple_of(per_byte);
    histograms.par_chunks_mut(per_task * levels).enumerate().for_each(|(b, totals)| {
        let (first, n) = (b * per_task, totals.len() / levels);
        let mut counts = vec![0u16; totals.len()];
        for part in bytes.chunks(u16::MAX as usize * layout.row_bytes()) {
            for row in part.chunks_exact(layout.row_bytes()) {
                if layout.nbits == 8 {
                    for (count, &v) in counts.chunks_exact_mut(256).zip(&row[first..first + n]) {
                        count[v as usize] += 1;
                    }
                } else {
                    for i in 0..n {
                        counts[i * levels + layout.level(row, first + i)] += 1;
                    }
                }
            }
            for (total, count) in totals.iter_mut().zip(counts.iter_mut()) {
                *total += std::mem::take(count) as u64;
            }
        }
    });
}

/// numpy's median of the samples a level histogram counts (level `l` is the value `values[l]`,
/// `ascending` the levels in the order of their values), and the median of their absolute
/// deviations from it (the same arithmetic as sorting the samples).
fn histogram_medians(histogram: &[u64], values: &[i64], ascending: &[usize], n: u64) -> (f64, f64) {
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
    let value = |i: usize| values[i] as f64;
    let median = middle(kth_and_next(ascending, &value, (n - 1) / 2));
    let distance = |i: usize| (value(i) - median).abs();
    let mut by_distance = ascending.to_vec();
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
        // rows per gulp: a few, or more than the u16 counts hold before they are added up
        let many = 2 * u16::MAX as usize + 3;
        for (nbits, nchan, ntime, gulp) in
            [(8, 70, 131, 17), (4, 16, 50, 17), (2, 8, 33, 17), (1, 16, 9, 17), (16, 3, 40, 17), (8, 2, many, many), (2, 4, many, many)]
        {
            let layout = Layout::new(nbits, nchan, true).unwrap();
            let mut bytes: Vec<u8> = (0..ntime * layout.row_bytes()).map(|i| ((i * 2654435761usize) >> 7) as u8).collect();
            if ntime == many {
                // one level more often than a u16 counts
                bytes.iter_mut().step_by(layout.row_bytes()).for_each(|b| *b = 0x07);
            }
            let (x, shape) = unpack(&bytes, layout).unwrap();
            let moments = channel_moments(&x, Weights::Valid, shape).unwrap();
            let medians = channel_medians(&x, Weights::Valid, shape).unwrap();
            let stats = fed(&bytes, layout, nbits <= 8, gulp);
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
    fn level_moments_are_the_time_ordered_ones_or_within_their_bounds() {
        use crate::normalise::{normalise, Normalisation};
        for (nbits, nchan) in [(8, 40), (4, 16), (2, 8), (1, 24)] {
            let ntime = 523;
            let layout = Layout::new(nbits, nchan, nbits != 4).unwrap();
            let mut bytes: Vec<u8> = (0..ntime * layout.row_bytes()).map(|i| ((i * 2654435761usize) >> 7) as u8).collect();
            // a constant file channel 0 (8 bits): every level the same
            if nbits == 8 {
                bytes.chunks_exact_mut(layout.row_bytes()).for_each(|row| row[0] = 7);
            }
            let (x, shape) = unpack(&bytes, layout).unwrap();
            let mut pass = ChannelPass::new(layout, true).unwrap();
            for gulp in bytes.chunks(50 * layout.row_bytes()) {
                pass.add(gulp).unwrap();
            }
            let mut skip = vec![false; nchan];
            skip[3] = true;
            let mut masked = x.clone();
            masked[3 * ntime..4 * ntime].fill(f32::NAN);
            let raw = pass.level_moments(None, &skip).unwrap();
            let medians = channel_medians(&masked, Weights::Valid, shape).unwrap();
            let maps: Vec<Option<ChannelMap>> =
                (0..nchan).map(|c| ChannelMap::new(Normalisation::Robust, f64::NAN, f64::NAN, medians.median[c], medians.mad[c])).collect();
            let mut normalised = masked.clone();
            normalise(&mut normalised, None, shape, Normalisation::Robust).unwrap();
            let mapped = pass.level_moments(Some(&maps), &skip).unwrap();
            for (got, data, what) in [(raw, &masked, "as stored"), (mapped, &normalised, "robust")] {
                let want = channel_moments(data, Weights::Valid, shape).unwrap();
                for c in 0..nchan {
                    let what = format!("{nbits} bits {what} channel {c}");
                    let same = |a: f64, b: f64| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
                    assert_eq!(got.moments.count[c], want.count[c], "{what}");
                    assert_eq!(got.sum_error[c], 0.0, "{what}");
                    assert!(same(got.moments.sum[c], want.sum[c]) && same(got.moments.mean[c], want.mean[c]), "{what}");
                    let (v, w) = (got.moments.variance[c], want.variance[c]);
                    assert!(same(v, w) || (v - w).abs() <= got.variance_error[c], "{what}: variance {v} vs {w}");
                    assert_eq!(v == 0.0, w == 0.0, "{what}: constant");
                }
            }
        }
        // sums that could round: unknown, not guessed
        assert!(!exact_sum(&[(1.0, 1), (1e-7, 1 << 40)]).1);
        assert_eq!(exact_sum(&[(0.75, 3), (-0.5, 2)]), (1.25, true));
    }

    #[test]
    fn histogram_medians_follow_numpy() {
        let identity = |n: usize| ((0..n as i64).collect::<Vec<_>>(), (0..n).collect::<Vec<_>>());
        // levels 1, 2, 2, 9 -> median 2, deviations 1, 0, 0, 7 -> MAD 0.5
        let mut h = vec![0u64; 16];
        h[1] = 1;
        h[2] = 2;
        h[9] = 1;
        let (values, ascending) = identity(16);
        assert_eq!(histogram_medians(&h, &values, &ascending, 4), (2.0, 0.5));
        // levels 0, 3 -> median 1.5, deviations 1.5, 1.5
        let mut h = vec![0u64; 4];
        h[0] = 1;
        h[3] = 1;
        let (values, ascending) = identity(4);
        assert_eq!(histogram_medians(&h, &values, &ascending, 2), (1.5, 1.5));
        // signed bytes -128 (level 128), -1 (255), -1, 127 (127) -> median -1, deviations 127, 0, 0, 128 -> MAD 63.5
        let mut h = vec![0u64; 256];
        h[128] = 1;
        h[255] = 2;
        h[127] = 1;
        let values: Vec<i64> = (0..256).map(|l| l as u8 as i8 as i64).collect();
        let ascending: Vec<usize> = (0..256).map(|k| k ^ 0x80).collect();
        assert_eq!(histogram_medians(&h, &values, &ascending, 4), (-1.0, 63.5));
    }

    #[test]
    fn signed_statistics_and_level_moments_equal_the_whole_array_ones() {
        use crate::normalise::{normalise, Normalisation};
        use crate::stream::testing::signed_rows;
        for (nbits, descending) in [(8, false), (8, true), (16, true), (16, false)] {
            let (layout, bytes) = signed_rows(nbits, 18, 203, descending);
            let (x, shape) = unpack(&bytes, layout).unwrap();
            let moments = channel_moments(&x, Weights::Valid, shape).unwrap();
            let nonzero: Vec<f64> = x.chunks(shape.ntime).map(|c| c.iter().filter(|&&v| v != 0.0).count() as f64).collect();
            for medians in [false, nbits == 8] {
                let what = format!("{nbits} bits descending {descending} medians {medians}");
                let stats = fed(&bytes, layout, medians, 17);
                assert_eq!((&stats.count, &stats.sum, &stats.mean), (&moments.count, &moments.sum, &moments.mean), "{what}");
                assert_eq!(stats.nonzero, nonzero, "{what}");
                for (a, b) in stats.variance.iter().zip(&moments.variance) {
                    assert!((a - b).abs() <= 1e-12 * b.abs() && (*a == 0.0) == (*b == 0.0), "{what}: variance {a} vs {b}");
                }
                if medians {
                    let want = channel_medians(&x, Weights::Valid, shape).unwrap();
                    assert_eq!((&stats.median, &stats.mad), (&want.median, &want.mad), "{what}");
                }
            }
            if nbits != 8 {
                continue;
            }
            // the level moments, as stored and through every normalisation's maps
            let mut pass = ChannelPass::new(layout, true).unwrap();
            pass.add(&bytes).unwrap();
            let stats = pass.finish();
            let skip: Vec<bool> = (0..18).map(|c| c == 7).collect();
            let mut masked = x.clone();
            masked[7 * shape.ntime..8 * shape.ntime].fill(f32::NAN);
            let mut cases = vec![(pass.level_moments(None, &skip).unwrap(), masked.clone(), "as stored".to_owned())];
            for method in [Normalisation::Robust, Normalisation::Zscore, Normalisation::Fractional] {
                let maps: Vec<Option<ChannelMap>> =
                    (0..18).map(|c| ChannelMap::new(method, stats.mean[c], stats.variance[c], stats.median[c], stats.mad[c])).collect();
                let mut normalised = masked.clone();
                normalise(&mut normalised, None, shape, method).unwrap();
                cases.push((pass.level_moments(Some(&maps), &skip).unwrap(), normalised, format!("{method:?}")));
            }
            for (got, data, what) in cases {
                let want = channel_moments(&data, Weights::Valid, shape).unwrap();
                let same = |a: f64, b: f64| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
                for c in 0..18 {
                    let what = format!("{what} descending {descending} channel {c}");
                    assert_eq!(got.moments.count[c], want.count[c], "{what}");
                    if got.sum_error[c] == 0.0 {
                        assert!(same(got.moments.sum[c], want.sum[c]) && same(got.moments.mean[c], want.mean[c]), "{what}");
                        let (v, w) = (got.moments.variance[c], want.variance[c]);
                        assert!(same(v, w) || (v - w).abs() <= got.variance_error[c], "{what}: variance {v} vs {w}");
                        assert_eq!(v == 0.0, w == 0.0, "{what}: constant");
                    } else {
                        // only z-scores and fractions may have sums that round (robust maps centre on half levels)
                        assert!(got.sum_error[c].is_infinite() && !what.starts_with("as stored") && !what.starts_with("Robust"), "{what}");
                    }
                }
            }
        }
    }
}
