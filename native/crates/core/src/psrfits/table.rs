//! The column layout of a FITS binary table: where each field sits in a row.
//!
//! `TFORMn = rT` gives a repeat count `r` (default 1) of type `T`; a field takes `r · size(T)` bytes, with
//! size L, B, A = 1; I = 2; J, E = 4; K, D, C, P = 8; M, Q = 16; and X (bits) taking `ceil(r / 8)` bytes.
//! Fields follow each other in column order, so field `n` starts at the sum of the widths before it;
//! the widths must add up to `NAXIS1`. All numbers are big-endian. `TDIMn`, `TZEROn` and `TSCALn` are kept
//! for the reader to judge (a physical value is `TZERO + TSCAL · stored`).

use crate::bail;
use crate::error::{code, CoreResult};

use super::cards::{Card, Header};

/// One column (field) of a binary table.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// 1-based column number (the `n` of `TTYPEn`).
    pub number: usize,
    /// `TTYPEn`, trimmed ("" when absent).
    pub name: String,
    /// The type letter of `TFORMn` (upper case).
    pub kind: char,
    /// Elements per row (bits for `X`).
    pub repeat: usize,
    /// Byte offset of the field within a row.
    pub offset: usize,
    /// Bytes of the field in a row.
    pub width: usize,
    /// `TDIMn` as written, first axis varying fastest; `None` when absent or unreadable.
    pub tdim: Option<Vec<usize>>,
    pub tzero: Option<f64>,
    pub tscal: Option<f64>,
}

impl Column {
    /// This field's bytes within one row.
    pub fn bytes<'a>(&self, row: &'a [u8]) -> CoreResult<&'a [u8]> {
        match row.get(self.offset..self.offset + self.width) {
            Some(b) => Ok(b),
            None => bail!(
                code::CORRUPT,
                "a row of {} bytes is too short for column {} at bytes {}..{}",
                row.len(),
                self.name,
                self.offset,
                self.offset + self.width
            ),
        }
    }

    /// The first `n` elements of a numeric column in one row, as f64, with TZERO/TSCAL applied.
    pub fn numbers(&self, row: &[u8], n: usize) -> CoreResult<Vec<f64>> {
        if n > self.repeat {
            bail!(code::HEADER, "column {} holds {} values per row, {n} are needed", self.name, self.repeat);
        }
        let bytes = self.bytes(row)?;
        let size = match self.kind {
            'B' => 1,
            'I' => 2,
            'J' | 'E' => 4,
            'K' | 'D' => 8,
            other => bail!(code::UNSUPPORTED, "column {} has type {other}; a numeric type (B, I, J, K, E, D) is needed", self.name),
        };
        let (zero, scale) = (self.tzero.unwrap_or(0.0), self.tscal.unwrap_or(1.0));
        let scaled = zero != 0.0 || scale != 1.0;
        Ok(bytes
            .chunks_exact(size)
            .take(n)
            .map(|b| {
                let x = match self.kind {
                    'B' => b[0] as f64,
                    'I' => i16::from_be_bytes([b[0], b[1]]) as f64,
                    'J' => i32::from_be_bytes([b[0], b[1], b[2], b[3]]) as f64,
                    'E' => f32::from_be_bytes([b[0], b[1], b[2], b[3]]) as f64,
                    'K' => i64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]) as f64,
                    _ => f64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
                };
                if scaled {
                    zero + scale * x
                } else {
                    x
                }
            })
            .collect())
    }
}

/// The layout of a binary table's rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// `NAXIS1`: bytes per row.
    pub row_bytes: usize,
    /// `NAXIS2`: rows declared.
    pub nrows: usize,
    pub columns: Vec<Column>,
}

impl Table {
    /// Reads `TFIELDS`, `TTYPEn`, `TFORMn`, `TDIMn`, `TZEROn`, `TSCALn` of a `BINTABLE` header.
    pub fn from_cards(cards: &[Card], what: &str) -> CoreResult<Self> {
        let h = Header::new(cards, what);
        match h.string("XTENSION") {
            Some(x) if x.trim().eq_ignore_ascii_case("BINTABLE") => {}
            other => bail!(code::HEADER, "the {what} HDU is not a binary table (XTENSION = {:?})", other.unwrap_or_default()),
        }
        if h.int("BITPIX")? != Some(8) || h.int("NAXIS")? != Some(2) {
            bail!(code::HEADER, "the {what} table must have BITPIX = 8 and NAXIS = 2");
        }
        let row_bytes = h.int_in("NAXIS1", 0, i64::MAX)?;
        let nrows = h.int_in("NAXIS2", 0, i64::MAX)?;
        let nfields = h.int_in("TFIELDS", 0, 999)?;
        let mut columns = Vec::with_capacity(nfields);
        let mut offset = 0usize;
        for number in 1..=nfields {
            let Some(tform) = h.string(&format!("TFORM{number}")) else {
                bail!(code::HEADER, "the {what} table has no TFORM{number} (TFIELDS = {nfields})");
            };
            let (repeat, kind) = parse_tform(&tform).ok_or_else(|| {
                crate::error::CoreError::new(
                    code::HEADER,
                    format!("the {what} table's TFORM{number} = '{tform}' is not a binary-table format"),
                )
            })?;
            let width = match kind {
                'X' => Some(repeat.div_ceil(8)),
                _ => repeat.checked_mul(type_size(kind)),
            };
            let Some(width) = width else { bail!(code::HEADER, "the {what} table's TFORM{number} = '{tform}' overflows") };
            let name = h.string(&format!("TTYPE{number}")).unwrap_or_default().trim().to_owned();
            let tdim = h.string(&format!("TDIM{number}")).and_then(|t| parse_tdim(&t));
            let (tzero, tscal) = (h.float(&format!("TZERO{number}"))?, h.float(&format!("TSCAL{number}"))?);
            columns.push(Column { number, name, kind, repeat, offset, width, tdim, tzero, tscal });
            offset = match offset.checked_add(width) {
                Some(o) => o,
                None => bail!(code::HEADER, "the {what} table's columns overflow"),
            };
        }
        if offset != row_bytes {
            bail!(code::HEADER, "the {what} table's columns add up to {offset} bytes per row but NAXIS1 = {row_bytes}");
        }
        Ok(Self { row_bytes, nrows, columns })
    }

    /// The column named `name` (case-insensitive).
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name.eq_ignore_ascii_case(name))
    }
}

/// Bytes per element of a type letter (X is handled by the caller).
fn type_size(kind: char) -> usize {
    match kind {
        'L' | 'B' | 'A' => 1,
        'I' => 2,
        'J' | 'E' => 4,
        'K' | 'D' | 'C' | 'P' => 8,
        _ => 16, // M, Q
    }
}

/// `rT...` → (r, T); the repeat count defaults to 1, anything after the type letter (`1PE(100)`, `20A5`)
/// is ignored.
fn parse_tform(tform: &str) -> Option<(usize, char)> {
    let t = tform.trim();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let repeat = if digits == 0 { 1 } else { t[..digits].parse().ok()? };
    let kind = t[digits..].chars().next()?.to_ascii_uppercase();
    "LXBIJKAEDCMPQ".contains(kind).then_some((repeat, kind))
}

/// `(a,b,c)` → [a, b, c].
fn parse_tdim(tdim: &str) -> Option<Vec<usize>> {
    let inner = tdim.trim().strip_prefix('(')?.strip_suffix(')')?;
    inner.split(',').map(|n| n.trim().parse().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::psrfits::cards::parse_card;

    fn cards(lines: &[&str]) -> Vec<Card> {
        lines.iter().map(|l| parse_card(format!("{l:<80}").as_bytes())).collect()
    }

    fn table(naxis1: usize, forms: &[(&str, &str)]) -> Vec<Card> {
        let mut lines = vec![
            "XTENSION= 'BINTABLE'".to_owned(),
            "BITPIX  = 8".into(),
            "NAXIS   = 2".into(),
            format!("NAXIS1  = {naxis1}"),
            "NAXIS2  = 2".into(),
            format!("TFIELDS = {}", forms.len()),
        ];
        for (i, (name, form)) in forms.iter().enumerate() {
            lines.push(format!("{:<8}= '{name}'", format!("TTYPE{}", i + 1)));
            lines.push(format!("{:<8}= '{form}'", format!("TFORM{}", i + 1)));
        }
        cards(&lines.iter().map(String::as_str).collect::<Vec<_>>())
    }

    #[test]
    fn offsets_widths_and_types() {
        let forms = [
            ("A", "1D"),
            ("B", "16X"),
            ("C", "3B"),
            ("D", "I"),
            ("E", "2J"),
            ("F", "K"),
            ("G", "E"),
            ("H", "8A"),
            ("I", "2L"),
            ("J", "1PE(5)"),
            ("K", "C"),
            ("L", "M"),
            ("M", "Q"),
        ];
        let t = Table::from_cards(&table(8 + 2 + 3 + 2 + 8 + 8 + 4 + 8 + 2 + 8 + 8 + 16 + 16, &forms), "SUBINT").unwrap();
        let layout: Vec<(usize, usize)> = t.columns.iter().map(|c| (c.offset, c.width)).collect();
        assert_eq!(layout[..6], [(0, 8), (8, 2), (10, 3), (13, 2), (15, 8), (23, 8)]);
        assert_eq!(t.column("j").unwrap().kind, 'P');
        assert_eq!(t.column("B").unwrap().repeat, 16);
        assert_eq!(t.columns.last().unwrap().width, 16);
        assert_eq!((t.row_bytes, t.nrows), (93, 2));
    }

    #[test]
    fn bad_layouts() {
        let err = Table::from_cards(&table(9, &[("A", "1D")]), "SUBINT").unwrap_err();
        assert!(err.message.contains("add up to 8 bytes per row but NAXIS1 = 9"), "{}", err.message);
        let err = Table::from_cards(&table(8, &[("A", "8Z")]), "SUBINT").unwrap_err();
        assert_eq!(err.code, code::HEADER);
        assert!(err.message.contains("TFORM1 = '8Z'"));
        assert!(Table::from_cards(&table(8, &[("A", "")]), "SUBINT").is_err());
        assert!(Table::from_cards(&table(8, &[("A", "99999999999999999999999B")]), "SUBINT").is_err());
        assert!(Table::from_cards(&table(8, &[("A", "9999999999999999999D")]), "SUBINT").is_err());
        let mut missing = table(8, &[("A", "1D")]);
        missing.retain(|c| c.key != "TFORM1");
        assert!(Table::from_cards(&missing, "SUBINT").unwrap_err().message.contains("no TFORM1"));
        let image = cards(&["SIMPLE  = T", "BITPIX  = 8", "NAXIS   = 0"]);
        assert_eq!(Table::from_cards(&image, "primary").unwrap_err().code, code::HEADER);
    }

    #[test]
    fn tdim_tzero_and_numbers() {
        let mut c = table(2 + 4 + 16 + 2, &[("A", "2B"), ("B", "1E"), ("C", "2D"), ("D", "1I")]);
        c.extend(cards(&["TDIM1   = '(2,1)'", "TZERO4  = 32768", "TSCAL1  = 2.0", "TDIM2   = 'junk'"]));
        let t = Table::from_cards(&c, "SUBINT").unwrap();
        assert_eq!(t.columns[0].tdim, Some(vec![2, 1]));
        assert_eq!(t.columns[1].tdim, None);
        let mut row = vec![3u8, 4];
        row.extend(1.5f32.to_be_bytes());
        row.extend(2.25f64.to_be_bytes());
        row.extend((-1f64).to_be_bytes());
        row.extend((-32768i16).to_be_bytes());
        assert_eq!(t.columns[0].numbers(&row, 2).unwrap(), vec![6.0, 8.0]);
        assert_eq!(t.columns[1].numbers(&row, 1).unwrap(), vec![1.5]);
        assert_eq!(t.columns[2].numbers(&row, 2).unwrap(), vec![2.25, -1.0]);
        assert_eq!(t.columns[3].numbers(&row, 1).unwrap(), vec![0.0]);
        assert_eq!(t.columns[2].numbers(&row, 3).unwrap_err().code, code::HEADER);
        assert_eq!(t.columns[2].numbers(&row[..10], 1).unwrap_err().code, code::CORRUPT);
    }
}
