//! Per-channel moments of time-major rows, bit for bit those [`crate::stats::channel_moments`] gives
//! on the whole waterfall: the same two passes (the sum of each channel's valid samples in time
//! order, then the sum of their squared deviations from its mean, in time order), of the samples as
//! stored or as per-channel normalisation maps turn them (the values `normalise` writes).
//!
//! Feed every row once for the sums, call [`MomentsPass::start_squares`], feed them again in the
//! same order, then [`MomentsPass::finish`]. Without the second feed, `finish` gives NaN variances.
//!
//! The sums' feed also keeps each channel's lowest and highest valid sample: [`range_moments`]
//! then says, without feeding the rows again, which channels the same samples normalised would
//! leave constant (what the constant-channel mask decides on) and bounds their variances.

use rayon::prelude::*;

use crate::bail;
use crate::error::{code, CoreResult};
use crate::filterbank::Layout;
use crate::normalise::ChannelMap;
use crate::stats::Moments;

use super::stats::LevelMoments;

/// One channel's running sums (our channel order).
#[derive(Debug, Clone)]
struct Running {
    count: u64,
    /// Valid samples that are not exactly 0 (a channel without any is dead).
    nonzero: u64,
    sum: f64,
    mean: f64,
    squares: f64,
    /// The lowest and highest valid sample (of the sums' feed).
    low: f32,
    high: f32,
}

impl Default for Running {
    fn default() -> Self {
        Self { count: 0, nonzero: 0, sum: 0.0, mean: 0.0, squares: 0.0, low: f32::INFINITY, high: f32::NEG_INFINITY }
    }
}

/// The moments of every channel and how many of its valid samples are non-zero.
#[derive(Debug, Clone, PartialEq)]
pub struct PassMoments {
    pub moments: Moments,
    pub nonzero: Vec<f64>,
    /// Each channel's lowest and highest valid sample (NaN without one).
    pub low: Vec<f64>,
    pub high: Vec<f64>,
}

/// Accumulates per-channel moments over rows fed in order, twice.
pub struct MomentsPass {
    layout: Layout,
    /// Per channel (our order), the value of each ≤ 8-bit level (`[nchan][2^nbits]`: the level's
    /// value as stored, or normalised), NaN for a
    /// channel left out: a lookup replaces unpacking and normalising.
    levels: Option<Vec<f32>>,
    maps: Option<Vec<Option<ChannelMap>>>,
    skip: Vec<bool>,
    running: Vec<Running>,
    squares: bool,
}

impl MomentsPass {
    /// `maps`: each channel's normalisation (`None`: it cannot be normalised, its samples are NaN);
    /// `skip`: channels left out (masked: every sample NaN). Both in our channel order.
    pub fn new(layout: Layout, maps: Option<Vec<Option<ChannelMap>>>, skip: Vec<bool>) -> CoreResult<Self> {
        let nchan = layout.nchan;
        if skip.len() != nchan || maps.as_ref().is_some_and(|m| m.len() != nchan) {
            bail!(code::SHAPE, "masks and normalisations must have one value per channel ({nchan})");
        }
        let levels = (layout.nbits <= 8).then(|| {
            let count = 1usize << layout.nbits;
            let mut table = vec![f32::NAN; nchan * count];
            for c in (0..nchan).filter(|&c| !skip[c]) {
                for level in 0..count {
                    let x = layout.level_value(level) as f32;
                    table[c * count + level] = match &maps {
                        Some(maps) => maps[c].map_or(f32::NAN, |m| m.apply(x)),
                        None => x,
                    };
                }
            }
            table
        });
        Ok(Self { layout, levels, maps, skip, running: vec![Running::default(); nchan], squares: false })
    }

    /// Adds consecutive rows (in time order): to the sums, or after [`MomentsPass::start_squares`]
    /// to the squared deviations.
    pub fn add(&mut self, bytes: &[u8]) -> CoreResult<()> {
        let _ = self.layout.rows(bytes)?;
        let layout = self.layout;
        let (levels, maps, skip, squares) = (self.levels.as_deref(), self.maps.as_deref(), &self.skip[..], self.squares);
        // each channel's samples in time order: tasks own blocks of channels, rows outer
        let per_task = layout.nchan.div_ceil(4 * rayon::current_num_threads()).max(64);
        self.running.par_chunks_mut(per_task).enumerate().for_each(|(b, block)| {
            let first = b * per_task;
            let mut values = vec![0f32; block.len()];
            for row in bytes.chunks_exact(layout.row_bytes()) {
                block_values(layout, row, first, levels, maps, skip, &mut values);
                let valid = block.iter_mut().zip(&values).filter(|(_, x)| x.is_finite());
                if squares {
                    for (r, &x) in valid {
                        let d = x as f64 - r.mean;
                        r.squares += d * d;
                    }
                } else {
                    for (r, &x) in valid {
                        r.count += 1;
                        r.nonzero += (x != 0.0) as u64;
                        r.sum += x as f64;
                        r.low = r.low.min(x);
                        r.high = r.high.max(x);
                    }
                }
            }
        });
        Ok(())
    }

    /// Ends the sums: the rows fed next (the same, in the same order) give the variances.
    pub fn start_squares(&mut self) -> CoreResult<()> {
        if self.squares {
            bail!(code::ARGUMENT, "the squared deviations are already being summed");
        }
        for r in &mut self.running {
            r.mean = r.sum / r.count as f64;
        }
        self.squares = true;
        Ok(())
    }

    /// The moments of everything fed (row 0 the lowest frequency), as `channel_moments` gives them.
    pub fn finish(self) -> PassMoments {
        let empty = |r: &Running| r.count == 0;
        let field = |f: fn(&Running) -> f64| self.running.iter().map(|r| if empty(r) { f64::NAN } else { f(r) }).collect::<Vec<f64>>();
        let variance = if self.squares { field(|r| r.squares / r.count as f64) } else { vec![f64::NAN; self.layout.nchan] };
        PassMoments {
            moments: Moments {
                count: self.running.iter().map(|r| r.count as f64).collect(),
                sum: field(|r| r.sum),
                mean: field(|r| r.sum / r.count as f64),
                variance,
            },
            nonzero: self.running.iter().map(|r| r.nonzero as f64).collect(),
            low: field(|r| r.low as f64),
            high: field(|r| r.high as f64),
        }
    }
}

/// The values of our channels `first..first + values.len()` in `row`: through the level tables,
/// or read (32-bit floats as one run of the row) and normalised, NaN for a channel left out.
fn block_values(
    layout: Layout,
    row: &[u8],
    first: usize,
    levels: Option<&[f32]>,
    maps: Option<&[Option<ChannelMap>]>,
    skip: &[bool],
    values: &mut [f32],
) {
    let channels = first..first + values.len();
    if let Some(levels) = levels {
        for (x, c) in values.iter_mut().zip(channels) {
            *x = levels[(c << layout.nbits) + layout.level(row, layout.channel(c))];
        }
        return;
    }
    if layout.nbits == 32 {
        let n = layout.nchan;
        let files = if layout.descending { n - channels.end..n - channels.start } else { channels.clone() };
        let run = row[4 * files.start..4 * files.end].chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        if layout.descending {
            values.iter_mut().zip(run.rev()).for_each(|(x, v)| *x = v);
        } else {
            values.iter_mut().zip(run).for_each(|(x, v)| *x = v);
        }
    } else {
        for (x, c) in values.iter_mut().zip(channels.clone()) {
            *x = layout.sample(row, layout.channel(c));
        }
    }
    for (x, c) in values.iter_mut().zip(channels) {
        if skip[c] {
            *x = f32::NAN;
        } else if let Some(maps) = maps {
            *x = maps[c].map_or(f32::NAN, |m| if x.is_nan() { *x } else { m.apply(*x) });
        }
    }
}

/// The moments [`MomentsPass`] would give for the samples of `stored` (a pass of the samples as
/// stored) normalised by `maps`, with the channels of `skip` left out, decided from each channel's
/// lowest and highest sample: a map is monotonic (in f64, rounded to f32 once), so the normalised
/// samples lie between the normalised extremes. Count is exact; a channel whose extremes map to
/// one value is constant (variance exactly 0, as the time-ordered sums of fewer than 2^29 equal
/// f32 values are exact); any other has a positive variance, between `(hi − lo)²/2n` and
/// `(hi − lo)²/4`, given as a value and `variance_error`; the sums are unknown (`sum_error`
/// infinite). None when an extreme normalises to a non-finite value (the count could change) or a
/// channel has 2^29 samples or more.
pub fn range_moments(stored: &PassMoments, maps: Option<&[Option<ChannelMap>]>, skip: &[bool]) -> Option<LevelMoments> {
    let nchan = stored.moments.count.len();
    let mut out = LevelMoments::empty(nchan, f64::INFINITY);
    for c in (0..nchan).filter(|&c| skip.get(c) == Some(&false)) {
        let n = stored.moments.count[c];
        if n == 0.0 {
            continue;
        }
        if n >= (1u64 << 29) as f64 {
            return None;
        }
        let (low, high) = (stored.low[c] as f32, stored.high[c] as f32);
        let (lo, hi) = match maps {
            Some(maps) => match maps.get(c).copied().flatten() {
                Some(map) => (map.apply(low), map.apply(high)),
                None => continue, // every sample NaN: none counted
            },
            None => (low, high),
        };
        if !(lo.is_finite() && hi.is_finite()) {
            return None;
        }
        out.moments.count[c] = n;
        if lo == hi {
            out.moments.variance[c] = 0.0;
            continue;
        }
        let spread = (hi as f64 - lo as f64).powi(2);
        // a margin for the rounding of the spread and of the pass's sums: n terms added one after
        // another in f64 can err by (n - 1) ulps in one direction (a channel of two values)
        let margin = 1e-9 + 4.0 * n * f64::EPSILON;
        let (least, most) = (spread / (2.0 * n) * (1.0 - margin), spread / 4.0 * (1.0 + margin));
        out.moments.variance[c] = 0.5 * (least + most);
        out.variance_error[c] = 0.5 * (most - least);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filterbank::{pack, unpack};
    use crate::normalise::{normalise, Normalisation};
    use crate::shape::Shape;
    use crate::stats::channel_moments;
    use crate::weights::Weights;

    fn fed(bytes: &[u8], layout: Layout, maps: Option<Vec<Option<ChannelMap>>>, skip: Vec<bool>, gulp_rows: usize) -> PassMoments {
        let mut pass = MomentsPass::new(layout, maps, skip).unwrap();
        for round in 0..2 {
            if round == 1 {
                pass.start_squares().unwrap();
            }
            for gulp in bytes.chunks(gulp_rows * layout.row_bytes()) {
                pass.add(gulp).unwrap();
            }
        }
        pass.finish()
    }

    fn same_bits(a: &Moments, b: &Moments, what: &str) {
        let same = |x: &[f64], y: &[f64]| x.iter().zip(y).all(|(a, b)| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()));
        assert_eq!(a.count, b.count, "{what}: count");
        assert!(same(&a.sum, &b.sum), "{what}: sum {:?} vs {:?}", a.sum, b.sum);
        assert!(same(&a.mean, &b.mean), "{what}: mean");
        assert!(same(&a.variance, &b.variance), "{what}: variance {:?} vs {:?}", a.variance, b.variance);
    }

    #[test]
    fn moments_of_stored_and_normalised_samples_equal_the_whole_array_ones_bit_for_bit() {
        let ntime = 301;
        for (nbits, nchan, descending) in [(32, 37, true), (8, 70, false), (4, 16, true), (2, 8, false), (1, 16, true), (16, 6, false)] {
            let layout = Layout::new(nbits, nchan, descending).unwrap();
            let shape = Shape::new(nchan, ntime).unwrap();
            let bytes: Vec<u8> = if nbits == 32 {
                let mut x: Vec<f32> = (0..nchan * ntime).map(|i| ((i * 7919) % 1013) as f32 * 0.0137 + 3.1).collect();
                x[5] = f32::NAN;
                x[ntime + 9] = f32::NEG_INFINITY;
                x[3 * ntime..4 * ntime].fill(0.0);
                x[5 * ntime..6 * ntime].fill(f32::NAN);
                pack(&x, shape, layout).unwrap()
            } else {
                (0..ntime * layout.row_bytes()).map(|i| ((i * 2654435761usize) >> 7) as u8).collect()
            };
            let (x, _) = unpack(&bytes, layout).unwrap();
            let mut skip = vec![false; nchan];
            skip[1] = true;
            let mut masked = x.clone();
            masked[ntime..2 * ntime].fill(f32::NAN);
            let raw = fed(&bytes, layout, None, skip.clone(), 17);
            same_bits(&raw.moments, &channel_moments(&masked, Weights::Valid, shape).unwrap(), &format!("{nbits} bits as stored"));
            if nbits == 32 {
                assert_eq!((raw.nonzero[3], raw.nonzero[5], raw.nonzero[0]), (0.0, 0.0, ntime as f64 - 1.0));
            }
            for method in [Normalisation::Zscore, Normalisation::Fractional] {
                let maps: Vec<Option<ChannelMap>> =
                    (0..nchan).map(|c| ChannelMap::new(method, raw.moments.mean[c], raw.moments.variance[c], f64::NAN, f64::NAN)).collect();
                let mut normalised = masked.clone();
                normalise(&mut normalised, None, shape, method).unwrap();
                let streamed = fed(&bytes, layout, Some(maps), skip.clone(), 40);
                same_bits(
                    &streamed.moments,
                    &channel_moments(&normalised, Weights::Valid, shape).unwrap(),
                    &format!("{nbits} bits {method:?}"),
                );
            }
        }
    }

    #[test]
    fn moments_of_signed_samples_equal_the_whole_array_ones_bit_for_bit() {
        use crate::stats::channel_medians;
        use crate::stream::testing::signed_rows;
        for (nbits, descending) in [(8, true), (16, false)] {
            let nchan = 18;
            let (layout, bytes) = signed_rows(nbits, nchan, 211, descending);
            let (x, shape) = unpack(&bytes, layout).unwrap();
            let mut skip = vec![false; nchan];
            skip[4] = true;
            let mut masked = x.clone();
            masked[4 * 211..5 * 211].fill(f32::NAN);
            let raw = fed(&bytes, layout, None, skip.clone(), 17);
            let what = format!("signed {nbits} bits");
            same_bits(&raw.moments, &channel_moments(&masked, Weights::Valid, shape).unwrap(), &format!("{what} as stored"));
            let nonzero: Vec<f64> = masked.chunks(211).map(|c| c.iter().filter(|&&v| v.is_finite() && v != 0.0).count() as f64).collect();
            assert_eq!(raw.nonzero, nonzero, "{what}");
            let medians = channel_medians(&masked, Weights::Valid, shape).unwrap();
            for method in [Normalisation::Robust, Normalisation::Zscore, Normalisation::Fractional] {
                let maps: Vec<Option<ChannelMap>> = (0..nchan)
                    .map(|c| ChannelMap::new(method, raw.moments.mean[c], raw.moments.variance[c], medians.median[c], medians.mad[c]))
                    .collect();
                let mut normalised = masked.clone();
                normalise(&mut normalised, None, shape, method).unwrap();
                let streamed = fed(&bytes, layout, Some(maps), skip.clone(), 40);
                same_bits(&streamed.moments, &channel_moments(&normalised, Weights::Valid, shape).unwrap(), &format!("{what} {method:?}"));
            }
        }
    }

    #[test]
    fn variance_bounds_hold_for_a_long_channel_whose_sums_round_one_way() {
        // two values, half and half: each squared distance is the same, so the time-ordered sum of
        // 2^26 of them rounds the same way every time (a margin of 1e-9 alone was exceeded)
        let n = 1usize << 26;
        let (a, b) = (0.297_562_12_f32, 0.389_963_87_f32);
        let bytes: Vec<u8> = (0..n).flat_map(|t| if t % 2 == 0 { a } else { b }.to_le_bytes()).collect();
        let layout = Layout::new(32, 1, false).unwrap();
        let stored = fed(&bytes, layout, None, vec![false], 1 << 20);
        let ranged = range_moments(&stored, None, &[false]).expect("decided");
        let (v, err, exact) = (ranged.moments.variance[0], ranged.variance_error[0], stored.moments.variance[0]);
        assert!((v - exact).abs() <= err, "{exact} outside {v} ± {err}");
    }

    #[test]
    fn extremes_decide_constant_channels_and_bound_variances_as_the_time_ordered_pass_finds_them() {
        let (nchan, ntime) = (7, 301);
        let layout = Layout::new(32, nchan, true).unwrap();
        let shape = Shape::new(nchan, ntime).unwrap();
        let mut x: Vec<f32> = (0..nchan * ntime).map(|i| ((i * 7919) % 1013) as f32 * 0.0137 + 3.1).collect();
        x[..ntime].fill(2.5); // constant as stored
        x[2 * ntime..3 * ntime].iter_mut().enumerate().for_each(|(t, v)| *v = 1.0 + (t % 2) as f32); // 1 and 2
        x[3 * ntime + 4] = f32::NAN;
        x[4 * ntime..5 * ntime].fill(f32::NAN); // no sample
        let bytes = pack(&x, shape, layout).unwrap();
        let stored = fed(&bytes, layout, None, vec![false; nchan], 13);
        let zscore =
            |c: usize| ChannelMap::new(Normalisation::Zscore, stored.moments.mean[c], stored.moments.variance[c], f64::NAN, f64::NAN);
        let mut maps: Vec<Option<ChannelMap>> = (0..nchan).map(zscore).collect();
        // a map that takes 1 and 2 to one f32 (an offset far larger than their difference)
        maps[2] = Some(ChannelMap { centre: 0.0, scale: 1.0, offset: -1e9 });
        maps[5] = None;
        let mut skip = vec![false; nchan];
        skip[6] = true;
        let ranged = range_moments(&stored, Some(&maps), &skip).expect("decided");
        let ordered = fed(&bytes, layout, Some(maps.clone()), skip.clone(), 29).moments;
        assert_eq!(ranged.moments.count, ordered.count);
        for c in 0..nchan {
            let (v, err, exact) = (ranged.moments.variance[c], ranged.variance_error[c], ordered.variance[c]);
            assert!(ranged.sum_error[c].is_infinite(), "channel {c}: sums unknown");
            if ordered.count[c] == 0.0 {
                continue;
            }
            assert_eq!(v == 0.0, exact == 0.0, "channel {c}: constant {v} vs {exact}");
            assert!((v - exact).abs() <= err && v - err > 0.0 || v == 0.0 && err == 0.0, "channel {c}: {exact} outside {v} ± {err}");
        }
        // constant as stored: no z-score (no sample counted); 1 and 2 mapped to one value: constant
        assert_eq!((ranged.moments.count[0], ranged.moments.variance[2]), (0.0, 0.0));
        assert!(ranged.moments.variance[1] > 0.0 && ranged.moments.variance[3] > 0.0);
        // as stored: the constant channel alone
        let raw = range_moments(&stored, None, &vec![false; nchan]).unwrap();
        assert_eq!(raw.moments.count, stored.moments.count);
        assert_eq!((raw.moments.variance[0], raw.moments.variance[2] > 0.0), (0.0, true));
        // a map sending a sample out of range leaves them undecided (its count could change)
        maps[1] = Some(ChannelMap { centre: 0.0, scale: 1e-300, offset: 0.0 });
        assert!(range_moments(&stored, Some(&maps), &skip).is_none());
    }

    #[test]
    fn bad_uses_are_errors() {
        let layout = Layout::new(8, 4, false).unwrap();
        assert_eq!(MomentsPass::new(layout, None, vec![false; 3]).err().unwrap().code, code::SHAPE);
        let mut pass = MomentsPass::new(layout, None, vec![false; 4]).unwrap();
        assert_eq!(pass.add(&[0; 7]).unwrap_err().code, code::SHAPE);
        pass.start_squares().unwrap();
        assert_eq!(pass.start_squares().unwrap_err().code, code::ARGUMENT);
    }
}
