//! The per-row metadata of a SUBINT row: channel centres (`DAT_FREQ`), weights (`DAT_WTS`),
//! offsets (`DAT_OFFS`) and scales (`DAT_SCL`), all big-endian in the row's bytes.
//!
//! Offsets and scales come out as `NPOL · NCHAN` values (pol-major, file channel order) whether the file
//! stores that many or only `NCHAN` (then repeated for every pol). Missing columns give weights 1,
//! offsets 0, scales 1, and channel centres `OBSFREQ + (c − (NCHAN − 1)/2) · CHAN_BW`.

use crate::bail;
use crate::error::{code, CoreResult};

use super::info::{ScaleLayout, SearchInfo};
use super::table::Column;

/// The metadata of one row, in file channel order.
#[derive(Debug, Clone, PartialEq)]
pub struct RowMeta {
    /// `NCHAN` channel centres, MHz.
    pub freqs_mhz: Vec<f64>,
    /// `NCHAN` weights.
    pub weights: Vec<f32>,
    /// `NPOL · NCHAN` offsets, value `p · NCHAN + c`.
    pub offsets: Vec<f32>,
    /// `NPOL · NCHAN` scales, value `p · NCHAN + c`.
    pub scales: Vec<f32>,
    /// `OFFS_SUB`: seconds from the start to the centre of this row, when the column exists.
    pub offs_sub_s: Option<f64>,
}

impl RowMeta {
    /// How the channels are weighted, for `plot info`: how many have `DAT_WTS` 0 (masked), fractional, 1.
    pub fn weights_summary(&self) -> String {
        let zero = self.weights.iter().filter(|&&w| w == 0.0).count();
        let one = self.weights.iter().filter(|&&w| w == 1.0).count();
        let other = self.weights.len() - zero - one;
        let mut parts = vec![format!("{one} of {} channels 1", self.weights.len())];
        if zero > 0 {
            parts.push(format!("{zero} zero (masked)"));
        }
        if other > 0 {
            parts.push(format!("{other} other values"));
        }
        parts.join(", ")
    }
}

/// Reads the metadata of one row (`row` is its `NAXIS1` bytes).
pub fn row_meta(info: &SearchInfo, row: &[u8]) -> CoreResult<RowMeta> {
    if row.len() != info.row_bytes {
        bail!(code::SHAPE, "a SUBINT row has {} bytes, got {}", info.row_bytes, row.len());
    }
    let (nchan, npol) = (info.nchan, info.npol);
    let c = &info.columns;
    let freqs_mhz = match &c.freq {
        Some(col) => col.numbers(row, nchan)?,
        None => nominal_freqs(info)?,
    };
    let as_f32 = |v: Vec<f64>| v.into_iter().map(|x| x as f32).collect::<Vec<f32>>();
    let weights = match &c.weights {
        Some(col) => as_f32(col.numbers(row, nchan)?),
        None => vec![1.0; nchan],
    };
    let per_pol = |col: &Option<Column>, layout: ScaleLayout, default: f32| -> CoreResult<Vec<f32>> {
        Ok(match (col, layout) {
            (None, _) => vec![default; npol * nchan],
            (Some(col), ScaleLayout::PerPolChannel) => as_f32(col.numbers(row, npol * nchan)?),
            (Some(col), ScaleLayout::PerChannel) => as_f32(col.numbers(row, nchan)?).repeat(npol),
        })
    };
    let offsets = per_pol(&c.offsets, c.offsets_layout, 0.0)?;
    let scales = per_pol(&c.scales, c.scales_layout, 1.0)?;
    let offs_sub_s = match &c.offs_sub {
        Some(col) => col.numbers(row, 1)?.first().copied(),
        None => None,
    };
    Ok(RowMeta { freqs_mhz, weights, offsets, scales, offs_sub_s })
}

/// Channel centres from the headers alone: `OBSFREQ + (c − (NCHAN − 1)/2) · CHAN_BW`.
pub fn nominal_freqs(info: &SearchInfo) -> CoreResult<Vec<f64>> {
    match info.obsfreq_mhz {
        Some(centre) if info.chan_bw_mhz != 0.0 => {
            let mid = (info.nchan as f64 - 1.0) / 2.0;
            Ok((0..info.nchan).map(|c| centre + (c as f64 - mid) * info.chan_bw_mhz).collect())
        }
        _ => bail!(code::HEADER, "the channel frequencies are unknown: no usable DAT_FREQ, and OBSFREQ/CHAN_BW are missing or zero"),
    }
}
