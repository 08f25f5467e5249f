//! The frequency axis of a file, from `DAT_FREQ` of row 0: the order that puts the lowest frequency in
//! output row 0, the channel width and the band's lower edge.
//!
//! Output row `k` holds file channel `order[k]`, where `order` sorts the centres ascending (a plain
//! reversal for the usual descending files). `df` is the mean step of the sorted centres,
//! `(f_max − f_min)/(NCHAN − 1)` (`|CHAN_BW|` for one channel), and `fbottom = f_min − df/2`, so channel `k`
//! is centred at `fbottom + (k + 1/2) · df` when the centres are evenly spaced (every step within 0.1% of
//! `df`; otherwise a warning says the axis is approximate).
//!
//! When fields disagree, the per-channel centres are trusted, as PRESTO does: `CHAN_BW`'s sign or size
//! differing from `DAT_FREQ` gives a warning naming both. `DAT_FREQ` that is not finite or not distinct
//! (all zeros, as some writers leave it) falls back to `OBSFREQ` and `CHAN_BW`, with a warning.

use crate::bail;
use crate::dedisperse::FrequencyAxis;
use crate::error::{code, CoreResult};

use super::info::SearchInfo;
use super::row::{nominal_freqs, row_meta};

/// Relative tolerance on channel steps.
pub const STEP_TOLERANCE: f64 = 1e-3;

/// The channels of a file in output order (row 0 lowest).
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelAxis {
    /// Output row `k` holds file channel `order[k]`.
    pub order: Vec<usize>,
    /// Channel centres in output order (ascending), MHz.
    pub freqs_mhz: Vec<f64>,
    /// The file stores the highest frequency first.
    pub descending_in_file: bool,
    pub df_mhz: f64,
    /// Lower edge of the band: lowest centre − df/2.
    pub fbottom_mhz: f64,
    /// Every step is within 0.1% of `df`.
    pub evenly_spaced: bool,
    pub warnings: Vec<String>,
}

impl ChannelAxis {
    /// The axis of a file from its row 0 (`NAXIS1` bytes).
    pub fn from_row(info: &SearchInfo, first_row: &[u8]) -> CoreResult<Self> {
        let meta = row_meta(info, first_row)?;
        let usable = meta.freqs_mhz.iter().all(|f| f.is_finite())
            && (meta.freqs_mhz.len() < 2 || meta.freqs_mhz.iter().any(|&f| f != meta.freqs_mhz[0]));
        if usable {
            return Self::from_freqs(&meta.freqs_mhz, info.chan_bw_mhz);
        }
        let mut axis = Self::from_freqs(&nominal_freqs(info)?, info.chan_bw_mhz)?;
        axis.warnings.insert(
            0,
            "DAT_FREQ of row 0 is not usable (not finite, or all equal): channel centres come from OBSFREQ and CHAN_BW".to_owned(),
        );
        Ok(axis)
    }

    /// The axis of channel centres `freqs_mhz` given in file order, with the header's `CHAN_BW`.
    pub fn from_freqs(freqs_mhz: &[f64], chan_bw_mhz: f64) -> CoreResult<Self> {
        let n = freqs_mhz.len();
        if n == 0 || freqs_mhz.iter().any(|f| !f.is_finite()) {
            bail!(code::HEADER, "channel centres must be finite numbers, one per channel");
        }
        let mut warnings = Vec::new();
        let ascending = freqs_mhz.windows(2).all(|w| w[0] < w[1]);
        let descending = n >= 2 && freqs_mhz.windows(2).all(|w| w[0] > w[1]);
        let order: Vec<usize> = if descending {
            (0..n).rev().collect()
        } else {
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(|&a, &b| freqs_mhz[a].total_cmp(&freqs_mhz[b]));
            order
        };
        if !ascending && !descending {
            warnings.push("DAT_FREQ is neither increasing nor decreasing: channels are sorted by frequency".to_owned());
        }
        let freqs: Vec<f64> = order.iter().map(|&c| freqs_mhz[c]).collect();
        let (lo, hi) = (freqs[0], freqs[n - 1]);
        let (df_mhz, evenly_spaced) = if n >= 2 {
            let step = (hi - lo) / (n - 1) as f64;
            if step <= 0.0 {
                bail!(code::HEADER, "the {n} channel centres are all {lo} MHz");
            }
            let (min, max) = freqs.windows(2).map(|w| w[1] - w[0]).fold((f64::MAX, f64::MIN), |(a, b), d| (a.min(d), b.max(d)));
            let even = (max - step).abs() <= STEP_TOLERANCE * step && (step - min).abs() <= STEP_TOLERANCE * step;
            if !even {
                warnings.push(format!(
                    "DAT_FREQ is not evenly spaced: steps range from {min} to {max} MHz around the mean {step} MHz; \
                     the axis fbottom + (i + 1/2) df is approximate"
                ));
            }
            if chan_bw_mhz != 0.0 && (chan_bw_mhz.abs() - step).abs() > STEP_TOLERANCE * step {
                warnings.push(format!("|CHAN_BW| = {} MHz but DAT_FREQ steps by {step} MHz: using DAT_FREQ's step", chan_bw_mhz.abs()));
            }
            if chan_bw_mhz != 0.0 && (ascending || descending) && (chan_bw_mhz < 0.0) != descending {
                warnings.push(format!(
                    "CHAN_BW = {chan_bw_mhz} MHz says frequency {} with channel number, but DAT_FREQ {} ({} -> {} MHz): trusting DAT_FREQ",
                    if chan_bw_mhz < 0.0 { "decreases" } else { "increases" },
                    if descending { "decreases" } else { "increases" },
                    freqs_mhz[0],
                    freqs_mhz[n - 1]
                ));
            }
            (step, even)
        } else if chan_bw_mhz != 0.0 {
            (chan_bw_mhz.abs(), true)
        } else {
            bail!(code::HEADER, "one channel and CHAN_BW = 0: the channel width is unknown");
        };
        Ok(Self {
            order,
            freqs_mhz: freqs,
            descending_in_file: descending,
            df_mhz,
            fbottom_mhz: lo - df_mhz / 2.0,
            evenly_spaced,
            warnings,
        })
    }

    pub fn nchan(&self) -> usize {
        self.order.len()
    }

    /// The axis as the dedispersion kernels take it.
    pub fn frequency_axis(&self) -> CoreResult<FrequencyAxis> {
        FrequencyAxis::new(self.fbottom_mhz, self.df_mhz, self.nchan())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descending_ascending_and_unsorted() {
        let axis = ChannelAxis::from_freqs(&[1465.0, 1464.0, 1463.0], -1.0).unwrap();
        assert_eq!((axis.order.clone(), axis.descending_in_file, axis.df_mhz, axis.fbottom_mhz), (vec![2, 1, 0], true, 1.0, 1462.5));
        assert!(axis.warnings.is_empty() && axis.evenly_spaced);
        let axis = ChannelAxis::from_freqs(&[400.0, 402.0, 404.0, 406.0], 2.0).unwrap();
        assert_eq!((axis.order.clone(), axis.descending_in_file, axis.df_mhz, axis.fbottom_mhz), (vec![0, 1, 2, 3], false, 2.0, 399.0));
        assert_eq!(axis.frequency_axis().unwrap().freq(3), 406.0);
        let axis = ChannelAxis::from_freqs(&[402.0, 400.0, 404.0], 2.0).unwrap();
        assert_eq!(axis.order, vec![1, 0, 2]);
        assert!(axis.warnings[0].contains("neither increasing nor decreasing"));
    }

    #[test]
    fn disagreements_are_warnings() {
        let axis = ChannelAxis::from_freqs(&[1465.0, 1464.0], 1.0).unwrap();
        assert_eq!(axis.order, vec![1, 0]);
        assert_eq!(axis.warnings.len(), 1);
        assert!(
            axis.warnings[0].contains("CHAN_BW = 1 MHz")
                && axis.warnings[0].contains("DAT_FREQ decreases")
                && axis.warnings[0].contains("trusting DAT_FREQ")
        );
        let axis = ChannelAxis::from_freqs(&[400.0, 401.0, 402.0], 2.0).unwrap();
        assert!(axis.warnings[0].contains("|CHAN_BW| = 2 MHz but DAT_FREQ steps by 1 MHz"));
        let axis = ChannelAxis::from_freqs(&[400.0, 401.0, 403.0], 1.5).unwrap();
        assert!(!axis.evenly_spaced && axis.warnings[0].contains("not evenly spaced"));
        let axis = ChannelAxis::from_freqs(&[400.0, 401.0, 402.0005], 1.0).unwrap();
        assert!(axis.evenly_spaced && axis.warnings.is_empty());
    }

    #[test]
    fn one_channel_and_bad_centres() {
        let axis = ChannelAxis::from_freqs(&[1400.0], -4.0).unwrap();
        assert_eq!((axis.df_mhz, axis.fbottom_mhz), (4.0, 1398.0));
        assert_eq!(ChannelAxis::from_freqs(&[1400.0], 0.0).unwrap_err().code, code::HEADER);
        assert_eq!(ChannelAxis::from_freqs(&[1400.0, 1400.0], 1.0).unwrap_err().code, code::HEADER);
        assert_eq!(ChannelAxis::from_freqs(&[1400.0, f64::NAN], 1.0).unwrap_err().code, code::HEADER);
        assert_eq!(ChannelAxis::from_freqs(&[], 1.0).unwrap_err().code, code::HEADER);
    }
}
