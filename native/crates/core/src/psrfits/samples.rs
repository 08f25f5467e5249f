//! How the raw samples of the `DATA` column are stored, and reading one of them.
//!
//! Sample `i = (t · NPOL + p) · NCHAN + c` of a row (time `t`, pol `p`, channel `c`) is read as:
//! - `NBITS` 1, 2, 4 (column `B` or `X`): bits `[i · NBITS, (i + 1) · NBITS)` counted from the most
//!   significant bit of byte 0 (earlier samples in the higher-order bits, per the PSRFITS definition;
//!   the opposite of SIGPROC filterbanks), unsigned, or two's complement when `SIGNINT = 1`;
//! - `NBITS` 8 (column `B`): `u8`, or `i8` when `SIGNINT = 1`;
//! - `NBITS` 16 in an `I` column: big-endian `i16`, as FITS defines it;
//! - `NBITS` 16 in a `B` column (two bytes a sample): no standard says how; PRESTO reads them as
//!   native (little-endian on every machine it runs on) `short` and `your` as little-endian `u16`,
//!   so this reader takes little-endian, unsigned unless `SIGNINT = 1`, and warns;
//! - `NBITS` 32 (column `E`): big-endian IEEE `f32`.
//!
//! For one-sample-per-element columns (`NBITS` 8 in `B`, 16 in `I`, 32 in `E`), the column's `TZEROn`
//! and `TSCALn` are applied as FITS says, `stored · TSCAL + TZERO` (so an `I` column with
//! `TZERO = 32768` holds unsigned 16-bit samples, and a `B` column with `TZERO = -128` signed bytes in
//! offset binary), as astropy and CFITSIO do; `SIGNINT = 1` wins over a `TZERO` on an 8-bit column.
//! `TZERO`/`TSCAL` on packed or two-byte columns are ignored (with a note).

use crate::bail;
use crate::error::{code, CoreError, CoreResult};

use super::table::Column;

/// The storage of one raw sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleFormat {
    /// 1, 2 or 4 bits, most significant first; two's complement when `signed`.
    Packed {
        bits: u8,
        signed: bool,
    },
    U8,
    I8,
    /// 16-bit big-endian signed (an `I` column).
    I16Be,
    /// 16-bit little-endian in a byte column, unsigned.
    U16Le,
    /// 16-bit little-endian in a byte column, signed.
    I16Le,
    /// 32-bit big-endian IEEE float (an `E` column).
    F32Be,
}

impl SampleFormat {
    pub fn describe(&self) -> String {
        match self {
            SampleFormat::Packed { bits, signed } => {
                format!("{bits}-bit {}, most significant bits first", if *signed { "signed" } else { "unsigned" })
            }
            SampleFormat::U8 => "unsigned bytes".into(),
            SampleFormat::I8 => "signed bytes".into(),
            SampleFormat::I16Be => "16-bit signed big-endian".into(),
            SampleFormat::U16Le => "16-bit unsigned little-endian in a byte column".into(),
            SampleFormat::I16Le => "16-bit signed little-endian in a byte column".into(),
            SampleFormat::F32Be => "32-bit float".into(),
        }
    }
}

/// The raw samples of a file: their storage, the column's `TZERO`/`TSCAL` when they apply, and the bytes
/// of `DATA` a row's samples take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Samples {
    pub format: SampleFormat,
    pub tzero: f64,
    pub tscal: f64,
    /// `ceil(NSBLK · NPOL · NCHAN · NBITS / 8)`.
    pub bytes_per_row: usize,
}

impl Samples {
    /// Works out the storage from `NBITS`, `SIGNINT` and the `DATA` column, and checks the column is
    /// large enough.
    #[allow(clippy::too_many_arguments)]
    pub fn from_column(
        data: &Column,
        nbits: usize,
        npol: usize,
        nchan: usize,
        nsblk: usize,
        signint: bool,
        warnings: &mut Vec<String>,
        notes: &mut Vec<String>,
    ) -> CoreResult<Self> {
        let overflow = || CoreError::new(code::HEADER, "NSBLK x NPOL x NCHAN x NBITS overflows");
        let nsamp = nsblk.checked_mul(npol).and_then(|n| n.checked_mul(nchan)).ok_or_else(overflow)?;
        let bytes_per_row = nsamp.checked_mul(nbits).ok_or_else(overflow)?.div_ceil(8);
        let kind = data.kind;
        let mismatch = || {
            CoreError::new(
                code::UNSUPPORTED,
                format!("NBITS = {nbits} samples cannot be stored in a DATA column of type {kind} (TFORM {}{kind})", data.repeat),
            )
        };
        let (format, per_element) = match (nbits, kind) {
            (1 | 2 | 4, 'B' | 'X') => (SampleFormat::Packed { bits: nbits as u8, signed: signint }, false),
            (8, 'B') if signint => (SampleFormat::I8, true),
            (8, 'B') => (SampleFormat::U8, true),
            (16, 'I') => (SampleFormat::I16Be, true),
            (16, 'B') => {
                warnings.push(format!(
                    "16-bit samples in a byte column: read as little-endian {} (as PRESTO and your do); no standard fixes this byte order",
                    if signint { "signed (SIGNINT = 1)" } else { "unsigned" }
                ));
                (if signint { SampleFormat::I16Le } else { SampleFormat::U16Le }, false)
            }
            (32, 'E') => (SampleFormat::F32Be, true),
            (1 | 2 | 4 | 8 | 16 | 32, _) => return Err(mismatch()),
            _ => bail!(code::UNSUPPORTED, "NBITS = {nbits}: PSRFITS search data have 1, 2, 4, 8, 16 or 32 bits per sample"),
        };
        if data.width < bytes_per_row {
            bail!(code::HEADER, "the DATA column holds {} bytes per row but NSBLK x NPOL x NCHAN x NBITS / 8 = {nsblk} x {npol} x {nchan} x {nbits} / 8 needs {bytes_per_row}", data.width);
        }
        if data.width > bytes_per_row {
            notes.push(format!(
                "the DATA column holds {} bytes per row, {} more than the samples need; the rest is ignored",
                data.width,
                data.width - bytes_per_row
            ));
        }
        if let Some(dims) = &data.tdim {
            let product = dims.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
            if product != Some(nsamp) {
                notes.push(format!(
                    "TDIM{} = {dims:?} does not count the NSBLK x NPOL x NCHAN = {nsamp} samples (with NBITS < 8 it counts bytes): ignored, samples are read in (time, pol, channel) order",
                    data.number
                ));
            }
        }
        let (mut tzero, mut tscal) = (data.tzero.unwrap_or(0.0), data.tscal.unwrap_or(1.0));
        if tzero != 0.0 || tscal != 1.0 {
            if !per_element {
                notes.push(format!("TZERO{0}/TSCAL{0} ignored: they do not apply to packed or two-byte samples", data.number));
                (tzero, tscal) = (0.0, 1.0);
            } else if signint && nbits == 8 {
                warnings.push(format!(
                    "SIGNINT = 1 and TZERO{} = {tzero} both say how bytes are signed: SIGNINT is used, TZERO ignored",
                    data.number
                ));
                (tzero, tscal) = (0.0, 1.0);
            }
        }
        if nbits == 16 && kind == 'I' && !signint && tzero == 0.0 {
            notes.push(
                "SIGNINT = 0 but DATA is a signed 16-bit column without TZERO = 32768: read as signed, as FITS defines the I type"
                    .to_owned(),
            );
        }
        Ok(Self { format, tzero, tscal, bytes_per_row })
    }

    /// Whether `TZERO`/`TSCAL` change the stored values.
    pub fn scaled(&self) -> bool {
        self.tzero != 0.0 || self.tscal != 1.0
    }
}

/// Readers of sample `i` of a row's `DATA` bytes; the caller guarantees `i` is within the row.
pub(crate) mod read {
    #[inline(always)]
    pub fn packed<const BITS: usize, const SIGNED: bool>(data: &[u8], i: usize) -> f32 {
        let bit = i * BITS;
        let shift = 8 - BITS - bit % 8;
        let v = (data[bit / 8] >> shift) & ((1u8 << BITS) - 1);
        if SIGNED && v >= 1 << (BITS - 1) {
            v as f32 - (1u32 << BITS) as f32
        } else {
            v as f32
        }
    }
    #[inline(always)]
    pub fn u8(data: &[u8], i: usize) -> f32 {
        data[i] as f32
    }
    #[inline(always)]
    pub fn i8(data: &[u8], i: usize) -> f32 {
        data[i] as i8 as f32
    }
    #[inline(always)]
    pub fn i16_be(data: &[u8], i: usize) -> f32 {
        i16::from_be_bytes([data[2 * i], data[2 * i + 1]]) as f32
    }
    #[inline(always)]
    pub fn u16_le(data: &[u8], i: usize) -> f32 {
        u16::from_le_bytes([data[2 * i], data[2 * i + 1]]) as f32
    }
    #[inline(always)]
    pub fn i16_le(data: &[u8], i: usize) -> f32 {
        i16::from_le_bytes([data[2 * i], data[2 * i + 1]]) as f32
    }
    #[inline(always)]
    pub fn f32_be(data: &[u8], i: usize) -> f32 {
        f32::from_be_bytes([data[4 * i], data[4 * i + 1], data[4 * i + 2], data[4 * i + 3]])
    }
}

#[cfg(test)]
mod tests {
    use super::read;

    #[test]
    fn packed_samples_are_most_significant_first() {
        let data = [0b1011_0010u8, 0b0111_1000];
        let ones: Vec<f32> = (0..8).map(|i| read::packed::<1, false>(&data, i)).collect();
        assert_eq!(ones, [1., 0., 1., 1., 0., 0., 1., 0.]);
        let twos: Vec<f32> = (0..8).map(|i| read::packed::<2, false>(&data, i)).collect();
        assert_eq!(twos, [2., 3., 0., 2., 1., 3., 2., 0.]);
        let fours: Vec<f32> = (0..4).map(|i| read::packed::<4, false>(&data, i)).collect();
        assert_eq!(fours, [11., 2., 7., 8.]);
        let signed: Vec<f32> = (0..4).map(|i| read::packed::<4, true>(&data, i)).collect();
        assert_eq!(signed, [-5., 2., 7., -8.]);
        assert_eq!((0..4).map(|i| read::packed::<2, true>(&data[..1], i)).collect::<Vec<_>>(), [-2., -1., 0., -2.]);
        assert_eq!(read::packed::<1, true>(&data, 0), -1.0);
    }

    #[test]
    fn whole_byte_samples() {
        assert_eq!((read::u8(&[200], 0), read::i8(&[200], 0)), (200.0, -56.0));
        assert_eq!(read::i16_be(&[0xff, 0xfe, 0x12, 0x34], 1), 4660.0);
        assert_eq!(read::i16_be(&[0xff, 0xfe], 0), -2.0);
        assert_eq!(read::u16_le(&[0xfe, 0xff], 0), 65534.0);
        assert_eq!(read::i16_le(&[0xfe, 0xff], 0), -2.0);
        assert_eq!(read::f32_be(&(-1.25f32).to_be_bytes(), 0), -1.25);
    }
}
