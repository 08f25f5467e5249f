//! PSRFITS search-mode files (the dynamic spectra of pulsar and FRB backends) into waterfalls.
//!
//! Everything here works on byte slices; the caller does the (positioned) reads, so a file of many GiB
//! is never loaded whole. The steps, and the module doing each:
//!
//! 1. [`hdu::scan_hdu`] reads one header (2880-byte blocks of 80-character [`cards`]) and says how big
//!    its data are; [`read_headers`] walks every HDU with a read callback. The primary HDU is at byte 0,
//!    the search data in the binary table with `EXTNAME = 'SUBINT'`.
//! 2. [`info::SearchInfo::from_headers`] checks it is search mode and reads the keywords and the
//!    [`table`] layout (`TTYPEn`/`TFORMn` → byte offsets).
//! 3. [`channels::ChannelAxis::from_row`] orders the channels by `DAT_FREQ` of row 0 (row 0 = lowest).
//! 4. [`decode::decode_rows`] turns whole rows into `[nchan][ntime]` f32 samples:
//!    `((raw − ZERO_OFF) · DAT_SCL + DAT_OFFS) · DAT_WTS` per pol and channel ([`row::row_meta`] reads the
//!    per-row columns, [`samples`] the raw storage), then total intensity or one pol.
//! 5. [`sequence::plan_sequence`] places several files of one observation on one time axis.
//!
//! The start MJD of a file is `STT_IMJD + (STT_SMJD + STT_OFFS + NSUBOFFS · NSBLK · TBIN) / 86400`.

pub mod cards;
pub mod channels;
pub mod decode;
pub mod hdu;
pub mod info;
pub mod row;
pub mod samples;
pub mod sequence;
pub mod table;
#[doc(hidden)]
#[cfg(any(test, feature = "fuzzing"))]
pub mod testing;

#[cfg(test)]
mod tests;

pub use cards::{Card, Value};
pub use channels::ChannelAxis;
pub use decode::{
    decode_rows, decode_rows_time_major, pol_by_name, pol_names, pol_plan, Combine, DecodeOptions, Decoded, PolPlan, Polarisation,
};
pub use hdu::{scan_hdu, Hdu, HduScan};
pub use info::{SearchInfo, StartTime};
pub use row::{row_meta, RowMeta};
pub use sequence::{plan_sequence, Placement, SequencePlan};

use crate::bail;
use crate::error::{code, CoreResult};

/// The most HDUs [`read_headers`] walks.
pub const MAX_HDUS: usize = 1000;

/// The HDUs of a file, each with the byte offset where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Headers {
    pub hdus: Vec<(u64, Hdu)>,
    /// Index in `hdus` of the `SUBINT` table.
    pub subint: usize,
    /// Something after the SUBINT table could not be read (the search data are not affected).
    pub warnings: Vec<String>,
}

impl Headers {
    pub fn primary(&self) -> &[Card] {
        &self.hdus[0].1.cards
    }

    pub fn subint(&self) -> &[Card] {
        &self.hdus[self.subint].1.cards
    }

    /// Byte offset of the SUBINT table's row 0.
    pub fn subint_data_offset(&self) -> u64 {
        let (at, hdu) = &self.hdus[self.subint];
        at + hdu.header_bytes as u64
    }

    /// The search-mode description of the file (`file_size` bytes).
    pub fn search_info(&self, file_size: u64) -> CoreResult<SearchInfo> {
        SearchInfo::from_headers(self.primary(), self.subint(), self.subint_data_offset(), file_size)
    }
}

/// Walks every HDU header of a file of `file_size` bytes. `read(offset, len)` returns the file's bytes
/// from `offset`, `len` of them or fewer at the end of the file. Fails when there is no `SUBINT` table
/// or a header before it is damaged or cut short.
pub fn read_headers(file_size: u64, mut read: impl FnMut(u64, usize) -> CoreResult<Vec<u8>>) -> CoreResult<Headers> {
    let mut hdus: Vec<(u64, Hdu)> = Vec::new();
    let mut subint = None;
    let mut warnings = Vec::new();
    let mut offset = 0u64;
    while offset < file_size && hdus.len() < MAX_HDUS {
        let hdu = match read_one(offset, file_size, &mut read) {
            Ok(hdu) => hdu,
            Err(e) if subint.is_some() => {
                warnings.push(format!("the HDU at byte {offset}, after the SUBINT table, could not be read: {}", e.message));
                break;
            }
            Err(e) => return Err(e),
        };
        if hdus.is_empty() && !matches!(hdu.cards.first(), Some(c) if c.key == "SIMPLE") {
            bail!(code::HEADER, "the file does not start with a FITS primary header");
        }
        if subint.is_none() && !hdus.is_empty() && hdu.extname().is_some_and(|n| n.trim().eq_ignore_ascii_case("SUBINT")) {
            subint = Some(hdus.len());
        }
        let next = offset.saturating_add(hdu.total_bytes());
        hdus.push((offset, hdu));
        offset = next;
    }
    match subint {
        Some(subint) => Ok(Headers { hdus, subint, warnings }),
        None => bail!(code::UNSUPPORTED, "no SUBINT table among the {} HDUs: not a PSRFITS search-mode file", hdus.len()),
    }
}

/// Reads the header at `offset`, asking for more blocks until `END` is in.
fn read_one(offset: u64, file_size: u64, read: &mut impl FnMut(u64, usize) -> CoreResult<Vec<u8>>) -> CoreResult<Hdu> {
    let mut want = cards::BLOCK_BYTES;
    loop {
        let bytes = read(offset, want)?;
        match scan_hdu(&bytes)? {
            HduScan::Complete(hdu) => return Ok(hdu),
            HduScan::Incomplete { need_at_least } => {
                if bytes.len() < want || offset + need_at_least as u64 > file_size {
                    bail!(code::CORRUPT, "the header at byte {offset} is cut short: the file ends before its END card");
                }
                want = need_at_least;
            }
        }
    }
}
