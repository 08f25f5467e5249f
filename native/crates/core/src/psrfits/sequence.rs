//! Several files of one observation (split in time) placed on one time axis.
//!
//! File `i` starts `Δ_i = (STT_IMJD_i − STT_IMJD_0) · 86400 + (s_i − s_0)` seconds after the earliest file,
//! with `s = STT_SMJD + STT_OFFS + NSUBOFFS · NSBLK · TBIN`, i.e. at output sample `round(Δ_i / TBIN)`, as
//! PRESTO places split files. Samples between files are gaps (left NaN by the caller). Where files
//! overlap, the earlier file's samples are kept and the later file's first samples are skipped, with
//! a warning. Files must share `TBIN` (to 1 part in 10⁶) and their channel centres (to 1% of a channel).

use std::ops::Range;

use crate::bail;
use crate::error::{code, CoreResult};

use super::channels::ChannelAxis;
use super::info::{SearchInfo, StartTime};

/// Where one file's samples go in the combined waterfall.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// Index of the file in the list given.
    pub file: usize,
    /// The file's samples to decode (all valid ones, minus any overlap with earlier files).
    pub samples: Range<usize>,
    /// Output column of `samples.start`.
    pub out_offset: usize,
}

/// The combined time axis of several files.
#[derive(Debug, Clone, PartialEq)]
pub struct SequencePlan {
    /// One entry per file with samples to decode, in time order.
    pub placements: Vec<Placement>,
    /// Output columns in all.
    pub ntime: usize,
    /// Start of output column 0 (the earliest file's start).
    pub start: StartTime,
    pub tbin_s: f64,
    /// Output columns no file covers.
    pub gaps: Vec<Range<usize>>,
    pub warnings: Vec<String>,
}

/// Plans the combined waterfall of `files` (each with its channel axis from row 0), in any order.
pub fn plan_sequence(files: &[(&SearchInfo, &ChannelAxis)]) -> CoreResult<SequencePlan> {
    let Some(&(first, first_axis)) = files.first() else { bail!(code::ARGUMENT, "no files to combine") };
    let tbin = first.tbin_s;
    let mut warnings = Vec::new();
    let mut starts = Vec::with_capacity(files.len());
    for (i, &(info, axis)) in files.iter().enumerate() {
        let Some(start) = info.start else {
            bail!(code::HEADER, "file {i} has no start time (STT_IMJD), so it cannot be placed in a sequence")
        };
        starts.push(start);
        if (info.tbin_s - tbin).abs() > 1e-6 * tbin {
            bail!(
                code::UNSUPPORTED,
                "file {i} has TBIN = {} s but file 0 has {tbin} s: files of one observation share their sample time",
                info.tbin_s
            );
        }
        let same_channels = axis.freqs_mhz.len() == first_axis.freqs_mhz.len()
            && axis.freqs_mhz.iter().zip(&first_axis.freqs_mhz).all(|(a, b)| (a - b).abs() <= 0.01 * first_axis.df_mhz);
        if !same_channels {
            bail!(
                code::UNSUPPORTED,
                "file {i} has other channels than file 0 ({} channels from {} MHz, against {} from {} MHz)",
                axis.nchan(),
                axis.freqs_mhz[0],
                first_axis.nchan(),
                first_axis.freqs_mhz[0]
            );
        }
        if info.npol != first.npol || info.pol_type != first.pol_type || info.nbits != first.nbits {
            warnings.push(format!(
                "file {i} has NBITS {}, NPOL {} '{}' against file 0's {}, {} '{}'",
                info.nbits, info.npol, info.pol_type, first.nbits, first.npol, first.pol_type
            ));
        }
    }
    let since_first: Vec<f64> = starts.iter().map(|s| s.seconds_since(&starts[0])).collect();
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by(|&a, &b| since_first[a].total_cmp(&since_first[b]));
    let earliest = starts[order[0]];
    let mut placements = Vec::with_capacity(files.len());
    let mut gaps = Vec::new();
    let mut cursor = 0usize;
    let mut previous = order[0];
    for &i in &order {
        let exact = starts[i].seconds_since(&earliest) / tbin;
        if !(exact.is_finite() && exact < 9.0e15) {
            bail!(code::RANGE, "file {i} starts {} s after the first, too far to place", starts[i].seconds_since(&earliest));
        }
        let offset = exact.round() as usize;
        if (exact - exact.round()).abs() > 0.01 {
            warnings.push(format!(
                "file {i} starts {:.3} samples off the first file's sample grid; placed at the nearest sample",
                exact - exact.round()
            ));
        }
        let nstot = files[i].0.nstot;
        let end = offset.saturating_add(nstot);
        if offset > cursor {
            gaps.push(cursor..offset);
            warnings.push(format!(
                "a gap of {} samples ({:.6} s) between file {previous} and file {i}: left as missing (NaN)",
                offset - cursor,
                (offset - cursor) as f64 * tbin
            ));
        }
        if end <= cursor {
            warnings.push(format!("file {i} lies wholly within the time of earlier files: skipped"));
            continue;
        }
        let skip = cursor.saturating_sub(offset);
        if skip > 0 {
            warnings.push(format!("file {i} overlaps the file before it by {skip} samples: its first {skip} are skipped"));
        }
        placements.push(Placement { file: i, samples: skip..nstot, out_offset: offset + skip });
        cursor = end;
        previous = i;
    }
    Ok(SequencePlan { placements, ntime: cursor, start: earliest, tbin_s: tbin, gaps, warnings })
}
