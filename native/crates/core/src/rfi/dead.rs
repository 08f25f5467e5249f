//! Dead channels: valid samples that never vary.
//!
//! Channel `c` is flagged when it has at least one valid sample and `variance_c = 0` (every valid
//! sample equal: a channel stored as zeros when zeros count as data, a stuck digitiser, a channel
//! with a single valid sample). A channel with no valid sample is already masked and not flagged.
//! IQRM cannot find these channels (a low standard deviation is a *negative* outlier, and IQRM only
//! flags the positive side), so the automatic mask takes them first.

use super::channel_stats::ChannelStats;

/// `true` for channels whose valid samples are all equal.
pub fn dead_channels(stats: &ChannelStats) -> Vec<bool> {
    stats.count.iter().zip(&stats.variance).map(|(&n, &v)| n > 0.0 && v == 0.0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rfi::channel_stats::channel_stats;
    use crate::{weights::Weights, Shape};

    #[test]
    fn constant_channels_are_dead_and_empty_ones_already_masked() {
        let shape = Shape::new(4, 3).unwrap();
        let x = [0.0, 0.0, 0.0, 1.0, 2.0, 3.0, f32::NAN, f32::NAN, f32::NAN, 7.0, f32::NAN, f32::NAN];
        let s = channel_stats(&x, Weights::Valid, shape).unwrap();
        assert_eq!(dead_channels(&s), vec![true, false, false, true]);
        let s = channel_stats(&x, Weights::ValidNonZero, shape).unwrap();
        assert_eq!(dead_channels(&s), vec![false, false, false, true]);
    }
}
