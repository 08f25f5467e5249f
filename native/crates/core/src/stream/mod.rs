//! Waterfalls of any size, reduced while they stream past in time gulps (consecutive samples of every
//! channel, as filterbanks and PSRFITS files store them), in memory that does not grow with the file.
//!
//! The results are the numbers the whole-array kernels give on the same data: [`ChannelPass`] is a
//! first pass of per-channel statistics (for normalising and channel masks, which need a whole channel
//! before its first sample can be used), and [`TimeReducer`] the second, equal to
//! [`crate::blocks::dedisperse_subband`] then [`crate::blocks::downsample`] on the whole waterfall: it
//! keeps a ring of recent samples per channel, long enough for the dispersion sweep within one
//! subband, and adds the channels of each output sample in the same order, in the same arithmetic.
//!
//! [`MomentsPass`] gives the per-channel moments of the whole-array kernel bit for bit, of the samples
//! as stored or normalised, for the decisions those steps take (`normalise: "auto"`, the tutorial's
//! masks, constant channels); [`ChannelPass::level_moments`] gives them from level counts without
//! another pass when the order of the additions cannot matter.
//!
//! [`OrderPass`] gives the exact per-channel medians and MADs of samples of any type (the level
//! counts of [`ChannelPass`] give them in one pass for at most 8 bits) by a few passes of selection.
//!
//! Samples arrive as rows of a [`Layout`]: packed integers (SIGPROC), or 32-bit floats (any decoded
//! source, such as PSRFITS rows after their scales and offsets, or a Fortran-ordered npz member).
//!
//! [`Layout`]: crate::filterbank::Layout

mod moments;
mod order;
mod reducer;
mod stats;

pub use moments::{range_moments, MomentsPass, PassMoments};
pub use order::{OrderPass, DEFAULT_ORDER_BUDGET_BYTES};
pub use reducer::{ReducePlan, TimeReducer};
pub use stats::{ChannelPass, LevelMoments, PassStats};

#[cfg(test)]
pub(crate) mod testing {
    use crate::filterbank::Layout;

    /// Time-major rows of signed 8- or 16-bit samples, by file channel: the extremes with ties, zeros
    /// (a dead channel), a constant -1 (the highest level), a few values around a negative median,
    /// noise over the whole range, and noise around a negative level.
    pub(crate) fn signed_rows(nbits: usize, nchan: usize, ntime: usize, descending: bool) -> (Layout, Vec<u8>) {
        let layout = Layout::new(nbits, nchan, descending).unwrap().with_signed(true).unwrap();
        let (lowest, highest) = (-(1i64 << (nbits - 1)), (1i64 << (nbits - 1)) - 1);
        let mut state = 0x9e37_79b9_7f4a_7c15u64 ^ (nbits * nchan) as u64;
        let mut bytes = Vec::with_capacity(ntime * layout.row_bytes());
        for t in 0..ntime {
            for f in 0..nchan {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let noise = (state >> 33) as i64;
                let v = match f % 6 {
                    0 => [lowest, highest, lowest, 0, highest][t % 5],
                    1 => 0,
                    2 => -1,
                    3 => (t as i64 * 7) % 5 - 3,
                    4 => lowest + noise % (highest - lowest + 1),
                    _ => noise % 41 - 30,
                };
                match nbits {
                    8 => bytes.push(v as i8 as u8),
                    _ => bytes.extend((v as i16).to_le_bytes()),
                }
            }
        }
        (layout, bytes)
    }
}
