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
