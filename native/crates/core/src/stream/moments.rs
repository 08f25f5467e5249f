//! Per-channel moments of time-major rows, bit for bit those [`crate::stats::channel_moments`] gives
//! on the whole waterfall: the same two passes (the sum of each channel's valid samples in time
//! order, then the sum of their squared deviations from its mean, in time order), of the samples as
//! stored or as per-channel normalisation maps turn them (the values `normalise` writes).
//!
//! Feed every row once for the sums, call [`MomentsPass::start_squares`], feed them again in the
//! same order, then [`MomentsPass::finish`]. Without the second feed, `finish` gives NaN variances.

use rayon::prelude::*;

use crate::bail;
use crate::error::{code, CoreResult};
use crate::filterbank::Layout;
use crate::normalise::ChannelMap;
use crate::stats::Moments;

/// One channel's running sums (our channel order).
#[derive(Debug, Clone, Default)]
struct Running {
    count: u64,
    /// Valid samples that are not exactly 0 (a channel without any is dead).
    nonzero: u64,
    sum: f64,
    mean: f64,
    squares: f64,
}

/// The moments of every channel and how many of its valid samples are non-zero.
#[derive(Debug, Clone, PartialEq)]
pub struct PassMoments {
    pub moments: Moments,
    pub nonzero: Vec<f64>,
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
            let value = |row: &[u8], c: usize| -> f32 {
                let file_channel = layout.channel(c);
                if let Some(levels) = levels {
                    return levels[(c << layout.nbits) + layout.level(row, file_channel)];
                }
                if skip[c] {
                    return f32::NAN;
                }
                let x = layout.sample(row, file_channel);
                match maps {
                    Some(maps) => maps[c].map_or(f32::NAN, |m| if x.is_nan() { x } else { m.apply(x) }),
                    None => x,
                }
            };
            for row in bytes.chunks_exact(layout.row_bytes()) {
                for (i, r) in block.iter_mut().enumerate() {
                    let x = value(row, first + i);
                    if !x.is_finite() {
                        continue;
                    }
                    if squares {
                        let d = x as f64 - r.mean;
                        r.squares += d * d;
                    } else {
                        r.count += 1;
                        r.nonzero += (x != 0.0) as u64;
                        r.sum += x as f64;
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
        }
    }
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
    fn bad_uses_are_errors() {
        let layout = Layout::new(8, 4, false).unwrap();
        assert_eq!(MomentsPass::new(layout, None, vec![false; 3]).err().unwrap().code, code::SHAPE);
        let mut pass = MomentsPass::new(layout, None, vec![false; 4]).unwrap();
        assert_eq!(pass.add(&[0; 7]).unwrap_err().code, code::SHAPE);
        pass.start_squares().unwrap();
        assert_eq!(pass.start_squares().unwrap_err().code, code::ARGUMENT);
    }
}
