//! Walking a FITS file one header-data unit (HDU) at a time, from byte slices the caller reads.
//!
//! An HDU is a header (whole 2880-byte blocks of cards up to `END`) followed by its data area of
//! `|BITPIX|/8 · GCOUNT · (PCOUNT + NAXIS1 · … · NAXISn)` bytes (0 when `NAXIS = 0`; for a random-groups
//! primary, `NAXIS1 = 0` is left out of the product), padded to a whole number of blocks. The primary HDU
//! starts at byte 0 and each extension starts right after the previous HDU's padded data.

use crate::bail;
use crate::error::{code, CoreResult};

use super::cards::{is_end, parse_card, Card, Header, BLOCK_BYTES, CARD_BYTES};

/// The longest header accepted (4096 blocks, 147 456 cards): a safeguard against reading a whole
/// non-FITS file in search of `END`.
pub const MAX_HEADER_BYTES: usize = 4096 * BLOCK_BYTES;

/// One HDU whose header has been read.
#[derive(Debug, Clone, PartialEq)]
pub struct Hdu {
    /// Every card before `END`, commentary included.
    pub cards: Vec<Card>,
    /// Bytes of header, a multiple of 2880: the data area starts this far after the HDU's start.
    pub header_bytes: usize,
    /// Bytes of data the header declares.
    pub data_bytes: u64,
    /// `data_bytes` rounded up to whole blocks: the next HDU starts `header_bytes + data_bytes_padded`
    /// after this one.
    pub data_bytes_padded: u64,
}

impl Hdu {
    /// `EXTNAME`, when the header has one.
    pub fn extname(&self) -> Option<String> {
        Header::new(&self.cards, "HDU").string("EXTNAME")
    }

    /// Bytes from this HDU's start to the next one's.
    pub fn total_bytes(&self) -> u64 {
        self.header_bytes as u64 + self.data_bytes_padded
    }
}

/// The result of looking at the bytes of an HDU.
#[derive(Debug, Clone, PartialEq)]
pub enum HduScan {
    /// `END` is not within the bytes given: call again with at least this many bytes from the same
    /// start (when the file has fewer, it is truncated).
    Incomplete {
        need_at_least: usize,
    },
    Complete(Hdu),
}

/// Reads the header starting at `bytes[0]` (the start of an HDU).
pub fn scan_hdu(bytes: &[u8]) -> CoreResult<HduScan> {
    if bytes.len() < BLOCK_BYTES {
        return Ok(HduScan::Incomplete { need_at_least: BLOCK_BYTES });
    }
    let first = parse_card(&bytes[..CARD_BYTES]);
    let primary = match first.key.as_str() {
        "SIMPLE" => true,
        "XTENSION" => false,
        _ => bail!(code::HEADER, "not a FITS header: it starts with '{}' instead of SIMPLE or XTENSION", first.key),
    };
    let whole = bytes.len() / BLOCK_BYTES * BLOCK_BYTES;
    let Some(end) = bytes[..whole.min(MAX_HEADER_BYTES)].chunks_exact(CARD_BYTES).position(is_end) else {
        if whole >= MAX_HEADER_BYTES {
            bail!(code::HEADER, "no END card within the first {MAX_HEADER_BYTES} bytes of a FITS header");
        }
        return Ok(HduScan::Incomplete { need_at_least: whole + BLOCK_BYTES });
    };
    let header_bytes = ((end * CARD_BYTES) / BLOCK_BYTES + 1) * BLOCK_BYTES;
    let cards: Vec<Card> = bytes[..end * CARD_BYTES].chunks_exact(CARD_BYTES).map(parse_card).collect();
    let data_bytes = data_size(&Header::new(&cards, if primary { "primary" } else { "extension" }), primary)?;
    let data_bytes_padded = data_bytes.div_ceil(BLOCK_BYTES as u64) * BLOCK_BYTES as u64;
    Ok(HduScan::Complete(Hdu { cards, header_bytes, data_bytes, data_bytes_padded }))
}

/// The data bytes a header declares.
fn data_size(h: &Header, primary: bool) -> CoreResult<u64> {
    let bitpix = h.require_int("BITPIX")?;
    if ![8, 16, 32, 64, -32, -64].contains(&bitpix) {
        bail!(code::HEADER, "{} header has BITPIX = {bitpix}; FITS allows 8, 16, 32, 64, -32, -64", h.what);
    }
    let naxis = h.int_in("NAXIS", 0, 999)?;
    if naxis == 0 {
        return Ok(0);
    }
    let groups = primary && h.logical("GROUPS") == Some(true) && h.int("NAXIS1")? == Some(0);
    let overflow = || crate::error::CoreError::new(code::HEADER, format!("{} header declares a data size that overflows", h.what));
    let mut elements: u64 = 1;
    for axis in 1..=naxis {
        let n = h.int_in(&format!("NAXIS{axis}"), 0, i64::MAX)? as u64;
        if !(groups && axis == 1) {
            elements = elements.checked_mul(n).ok_or_else(overflow)?;
        }
    }
    let pcount = h.int("PCOUNT")?.unwrap_or(0);
    let gcount = h.int("GCOUNT")?.unwrap_or(1);
    if pcount < 0 || gcount < 0 {
        bail!(code::HEADER, "{} header has PCOUNT = {pcount}, GCOUNT = {gcount}; both must be >= 0", h.what);
    }
    let bytes_per = bitpix.unsigned_abs() / 8;
    elements
        .checked_add(pcount as u64)
        .and_then(|e| e.checked_mul(gcount as u64))
        .and_then(|e| e.checked_mul(bytes_per))
        .ok_or_else(overflow)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(cards: &[&str]) -> Vec<u8> {
        let mut out: Vec<u8> = cards.iter().chain(&["END"]).flat_map(|c| format!("{c:<80}").into_bytes()).collect();
        out.resize(out.len().div_ceil(BLOCK_BYTES) * BLOCK_BYTES, b' ');
        out
    }

    #[test]
    fn primary_and_table_sizes() {
        let primary = header(&["SIMPLE  =                    T", "BITPIX  =                    8", "NAXIS   =                    0"]);
        let HduScan::Complete(hdu) = scan_hdu(&primary).unwrap() else { panic!() };
        assert_eq!((hdu.header_bytes, hdu.data_bytes, hdu.data_bytes_padded, hdu.cards.len()), (2880, 0, 0, 3));
        let table = header(&[
            "XTENSION= 'BINTABLE'",
            "BITPIX  =                    8",
            "NAXIS   =                    2",
            "NAXIS1  =                 1000",
            "NAXIS2  =                    3",
            "PCOUNT  =                   10",
            "GCOUNT  =                    1",
            "EXTNAME = 'SUBINT  '",
        ]);
        let HduScan::Complete(hdu) = scan_hdu(&table).unwrap() else { panic!() };
        assert_eq!((hdu.data_bytes, hdu.data_bytes_padded, hdu.total_bytes()), (3010, 5760, 8640));
        assert_eq!(hdu.extname().as_deref(), Some("SUBINT"));
        let image = header(&[
            "SIMPLE  =                    T",
            "BITPIX  =                  -32",
            "NAXIS   =                    2",
            "NAXIS1  = 3",
            "NAXIS2  = 2",
        ]);
        let HduScan::Complete(hdu) = scan_hdu(&image).unwrap() else { panic!() };
        assert_eq!((hdu.data_bytes, hdu.data_bytes_padded), (24, 2880));
        let groups = header(&[
            "SIMPLE  = T",
            "BITPIX  = 16",
            "NAXIS   = 2",
            "NAXIS1  = 0",
            "NAXIS2  = 5",
            "GROUPS  = T",
            "PCOUNT  = 1",
            "GCOUNT  = 3",
        ]);
        let HduScan::Complete(hdu) = scan_hdu(&groups).unwrap() else { panic!() };
        assert_eq!(hdu.data_bytes, 2 * 3 * (1 + 5));
    }

    #[test]
    fn long_headers_need_more_bytes() {
        let mut cards = vec!["SIMPLE  =                    T".to_owned(), "BITPIX  = 8".into(), "NAXIS   = 0".into()];
        cards.extend((0..40).map(|i| format!("KEY{i:<5}= {i}")));
        let refs: Vec<&str> = cards.iter().map(String::as_str).collect();
        let bytes = header(&refs);
        assert_eq!(bytes.len(), 2 * BLOCK_BYTES);
        assert_eq!(scan_hdu(&bytes[..100]).unwrap(), HduScan::Incomplete { need_at_least: BLOCK_BYTES });
        assert_eq!(scan_hdu(&bytes[..BLOCK_BYTES + 5]).unwrap(), HduScan::Incomplete { need_at_least: 2 * BLOCK_BYTES });
        let HduScan::Complete(hdu) = scan_hdu(&bytes).unwrap() else { panic!() };
        assert_eq!((hdu.header_bytes, hdu.cards.len()), (2 * BLOCK_BYTES, 43));
    }

    #[test]
    fn damaged_headers_are_errors() {
        assert_eq!(scan_hdu(&[b'x'; BLOCK_BYTES]).unwrap_err().code, code::HEADER);
        assert_eq!(scan_hdu(&header(&["SIMPLE  = T", "BITPIX  = 7", "NAXIS   = 0"])).unwrap_err().code, code::HEADER);
        assert_eq!(scan_hdu(&header(&["SIMPLE  = T", "BITPIX  = 8", "NAXIS   = 1"])).unwrap_err().code, code::HEADER);
        assert_eq!(scan_hdu(&header(&["SIMPLE  = T", "BITPIX  = 8", "NAXIS   = 1", "NAXIS1  = -4"])).unwrap_err().code, code::HEADER);
        let huge = header(&["SIMPLE  = T", "BITPIX  = 64", "NAXIS   = 2", "NAXIS1  = 9000000000000000000", "NAXIS2  = 4"]);
        assert!(scan_hdu(&huge).unwrap_err().message.contains("overflows"));
        let mut no_end = header(&["SIMPLE  = T", "BITPIX  = 8"]);
        no_end[160..163].copy_from_slice(b"XXX"); // the END card is gone
        no_end.resize(MAX_HEADER_BYTES, b' ');
        assert_eq!(scan_hdu(&no_end[..MAX_HEADER_BYTES - BLOCK_BYTES]).unwrap(), HduScan::Incomplete { need_at_least: MAX_HEADER_BYTES });
        assert_eq!(scan_hdu(&no_end).unwrap_err().code, code::HEADER);
    }
}
