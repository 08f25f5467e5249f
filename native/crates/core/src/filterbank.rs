//! SIGPROC filterbank samples: time-major rows of `nchan` channels packed at
//! 1, 2, 4 or 8 bits (unsigned, lowest bits first within a byte), 16-bit
//! unsigned little-endian, or 32-bit float; 8- and 16-bit samples are two's
//! complement when the header says `signed`. Unpacking turns rows into our
//! channel-major waterfall (row 0 = lowest frequency); [`crate::stream`]
//! reduces rows as they stream past, without ever holding the full-resolution
//! waterfall.

use rayon::prelude::*;

use crate::bail;
use crate::error::{code, CoreResult};
use crate::shape::Shape;

/// How samples are stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Layout {
    pub nbits: usize,
    pub nchan: usize,
    /// Channel 0 of the file is the highest frequency (negative `foff`): rows are flipped.
    pub descending: bool,
    /// 8- or 16-bit samples are two's complement (the header's `signed`): a level (the stored
    /// code) is then not its value, see [`Layout::level_value`].
    pub signed: bool,
}

impl Layout {
    pub fn new(nbits: usize, nchan: usize, descending: bool) -> CoreResult<Self> {
        if ![1, 2, 4, 8, 16, 32].contains(&nbits) {
            bail!(code::ARGUMENT, "nbits must be 1, 2, 4, 8, 16 or 32, got {nbits}");
        }
        if nchan == 0 {
            bail!(code::SHAPE, "a filterbank needs at least one channel");
        }
        if !(nchan * nbits).is_multiple_of(8) {
            bail!(code::SHAPE, "{nchan} channels of {nbits} bits do not fill whole bytes per sample");
        }
        Ok(Self { nbits, nchan, descending, signed: false })
    }

    /// The layout with two's complement samples when `signed` (8 or 16 bits only).
    pub fn with_signed(self, signed: bool) -> CoreResult<Self> {
        if signed && ![8, 16].contains(&self.nbits) {
            bail!(code::UNSUPPORTED, "signed samples of {} bits: only 8- and 16-bit samples can be signed", self.nbits);
        }
        Ok(Self { signed, ..self })
    }

    /// The value of `level`, the stored code (`0 .. 2^nbits`) of an integer sample: the level
    /// itself, or its two's complement for signed samples (255 is -1 at 8 bits).
    #[inline]
    pub(crate) fn level_value(&self, level: usize) -> i32 {
        match (self.signed, self.nbits) {
            (true, 8) => level as u8 as i8 as i32,
            (true, 16) => level as u16 as i16 as i32,
            _ => level as i32,
        }
    }

    /// The smallest value of an integer sample (0, or `-2^(nbits-1)` when signed): `value -
    /// lowest_value()` numbers the values `0 .. 2^nbits` in their order.
    pub(crate) fn lowest_value(&self) -> i64 {
        if self.signed {
            -(1i64 << (self.nbits - 1))
        } else {
            0
        }
    }

    /// Whether every sample is an integer (1 to 16 bits), so sums of samples are exact.
    pub fn integer(&self) -> bool {
        self.nbits <= 16
    }

    /// Bytes per time sample (one row of all channels).
    pub fn row_bytes(&self) -> usize {
        self.nchan * self.nbits / 8
    }

    /// Our channel index (row 0 lowest) of file channel `c`, and the file channel of ours `c`.
    #[inline(always)]
    pub(crate) fn channel(&self, c: usize) -> usize {
        if self.descending {
            self.nchan - 1 - c
        } else {
            c
        }
    }

    /// Value of file channel `c` in `row`.
    #[inline(always)]
    pub(crate) fn sample(&self, row: &[u8], c: usize) -> f32 {
        match (self.nbits, self.signed) {
            (8, true) => row[c] as i8 as f32,
            (16, true) => i16::from_le_bytes([row[2 * c], row[2 * c + 1]]) as f32,
            (16, false) => u16::from_le_bytes([row[2 * c], row[2 * c + 1]]) as f32,
            (32, _) => f32::from_le_bytes([row[4 * c], row[4 * c + 1], row[4 * c + 2], row[4 * c + 3]]),
            _ => self.level(row, c) as f32,
        }
    }

    /// The level (0 .. 2^nbits) of file channel `c` in a row of samples of at most 8 bits, lowest bits first.
    #[inline(always)]
    pub(crate) fn level(&self, row: &[u8], c: usize) -> usize {
        if self.nbits == 8 {
            return row[c] as usize;
        }
        let per_byte = 8 / self.nbits;
        ((row[c / per_byte] >> ((c % per_byte) * self.nbits)) & ((1u8 << self.nbits) - 1)) as usize
    }

    pub(crate) fn rows<'a>(&self, bytes: &'a [u8]) -> CoreResult<std::slice::ChunksExact<'a, u8>> {
        if !bytes.len().is_multiple_of(self.row_bytes()) {
            bail!(code::SHAPE, "{} bytes are not whole samples of {} bytes", bytes.len(), self.row_bytes());
        }
        Ok(bytes.chunks_exact(self.row_bytes()))
    }
}

/// Unpacks time-major rows into a channel-major `[nchan][ntime]` waterfall, row 0 lowest.
pub fn unpack(bytes: &[u8], layout: Layout) -> CoreResult<(Vec<f32>, Shape)> {
    let ntime = layout.rows(bytes)?.len();
    let shape = Shape::new(layout.nchan, ntime)?;
    let mut out = vec![0f32; shape.len()];
    // Each task owns whole output channels and walks every row for them.
    let per_task = (layout.nchan / (4 * rayon::current_num_threads())).max(8);
    out.par_chunks_mut(ntime * per_task).enumerate().for_each(|(task, block)| {
        let first = task * per_task;
        for (t, row) in bytes.chunks_exact(layout.row_bytes()).enumerate() {
            for (k, channel) in block.chunks_exact_mut(ntime).enumerate() {
                let ours = first + k;
                let file_channel = if layout.descending { layout.nchan - 1 - ours } else { ours };
                channel[t] = layout.sample(row, file_channel);
            }
        }
    });
    Ok((out, shape))
}

/// Packs a channel-major waterfall (row 0 lowest) into time-major filterbank
/// rows, 32-bit float or 8-bit (which must then hold integers 0..=255), with
/// the highest frequency first when `descending`.
pub fn pack(data: &[f32], shape: Shape, layout: Layout) -> CoreResult<Vec<u8>> {
    shape.check("intensity", data.len())?;
    if layout.nchan != shape.nchan {
        bail!(code::SHAPE, "layout of {} channels for a waterfall of {}", layout.nchan, shape.nchan);
    }
    let bytes_per = match layout.nbits {
        32 => 4,
        8 => {
            if let Some(v) = data.iter().find(|v| !(v.fract() == 0.0 && (0.0..=255.0).contains(*v))) {
                bail!(code::ARGUMENT, "8-bit samples must be integers 0..255, found {v}; write 32-bit floats instead");
            }
            1
        }
        bits => bail!(code::ARGUMENT, "filterbanks are written with 8 or 32 bits, not {bits}"),
    };
    let row_bytes = shape.nchan * bytes_per;
    let mut out = vec![0u8; shape.ntime * row_bytes];
    out.par_chunks_mut(row_bytes * 64).enumerate().for_each(|(block, rows)| {
        for (r, row) in rows.chunks_exact_mut(row_bytes).enumerate() {
            let t = block * 64 + r;
            for c in 0..shape.nchan {
                let v = data[layout.channel(c) * shape.ntime + t];
                if bytes_per == 4 {
                    row[4 * c..4 * c + 4].copy_from_slice(&v.to_le_bytes());
                } else {
                    row[c] = v as u8;
                }
            }
        }
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2 rows of 8 channels at 2 bits, lowest bits first.
    #[test]
    fn unpacks_sub_byte_samples_lowest_bits_first() {
        let layout = Layout::new(2, 8, false).unwrap();
        let bytes = [0b11_10_01_00u8, 0b00_00_00_11, 0b01_01_01_01, 0b10_10_10_10];
        let (out, shape) = unpack(&bytes, layout).unwrap();
        assert_eq!(shape, Shape::new(8, 2).unwrap());
        let channel = |c: usize| [out[c * 2], out[c * 2 + 1]];
        assert_eq!([channel(0), channel(1), channel(2), channel(3)], [[0.0, 1.0], [1.0, 1.0], [2.0, 1.0], [3.0, 1.0]]);
        assert_eq!([channel(4), channel(7)], [[3.0, 2.0], [0.0, 2.0]]);
    }

    #[test]
    fn descending_files_are_flipped_to_row_0_lowest() {
        let layout = Layout::new(8, 3, true).unwrap();
        let (out, _) = unpack(&[10, 20, 30, 11, 21, 31], layout).unwrap();
        assert_eq!(out, vec![30.0, 31.0, 20.0, 21.0, 10.0, 11.0]);
    }

    #[test]
    fn sixteen_and_thirty_two_bits() {
        let (out, _) = unpack(&[0x34, 0x12, 0xff, 0xff], Layout::new(16, 2, false).unwrap()).unwrap();
        assert_eq!(out, vec![4660.0, 65535.0]);
        let (out, _) = unpack(&1.5f32.to_le_bytes(), Layout::new(32, 1, false).unwrap()).unwrap();
        assert_eq!(out, vec![1.5]);
    }

    #[test]
    fn signed_samples_are_twos_complement() {
        let signed8 = Layout::new(8, 4, false).unwrap().with_signed(true).unwrap();
        assert_eq!(unpack(&[0, 127, 128, 255], signed8).unwrap().0, vec![0.0, 127.0, -128.0, -1.0]);
        let signed16 = Layout::new(16, 2, false).unwrap().with_signed(true).unwrap();
        assert_eq!(unpack(&[0x34, 0x12, 0xff, 0xff], signed16).unwrap().0, vec![4660.0, -1.0]);
        for nbits in [1, 2, 4, 32] {
            assert_eq!(Layout::new(nbits, 8, false).unwrap().with_signed(true).unwrap_err().code, code::UNSUPPORTED);
        }
        assert!(Layout::new(4, 8, false).unwrap().with_signed(false).is_ok());
    }

    /// Every level's value is the sample unpacking gives, and `lowest_value` orders them from 0.
    #[test]
    fn level_values_are_the_unpacked_samples() {
        for (nbits, signed) in [(8, false), (8, true), (16, false), (16, true), (4, false), (1, false)] {
            let layout = Layout::new(nbits, 8, false).unwrap().with_signed(signed).unwrap();
            let count = 1usize << nbits;
            let mut ranks = vec![false; count];
            for level in 0..count {
                let row: Vec<u8> = match nbits {
                    16 => (level as u16).to_le_bytes().repeat(8),
                    8 => vec![level as u8; 8],
                    _ => vec![(0..8 / nbits).fold(0u8, |b, i| b | (level as u8) << (i * nbits)); nbits],
                };
                let value = layout.level_value(level);
                assert_eq!(layout.sample(&row, 3), value as f32, "{nbits} bits signed {signed} level {level}");
                let rank = value as i64 - layout.lowest_value();
                assert!((0..count as i64).contains(&rank));
                ranks[rank as usize] = true;
            }
            assert!(ranks.iter().all(|&r| r), "{nbits} bits signed {signed}: ranks 0..2^nbits");
        }
        let signed16 = Layout::new(16, 1, false).unwrap().with_signed(true).unwrap();
        assert_eq!([0x7fff, 0x8000, 0xffff].map(|l| signed16.level_value(l)), [32767, -32768, -1]);
    }

    #[test]
    fn packing_round_trips_through_unpacking() {
        let shape = Shape::new(3, 4).unwrap();
        let data: Vec<f32> = (0..12).map(|v| v as f32 * 1.5).collect();
        for descending in [false, true] {
            let layout = Layout::new(32, 3, descending).unwrap();
            let (back, back_shape) = unpack(&pack(&data, shape, layout).unwrap(), layout).unwrap();
            assert_eq!((back, back_shape), (data.clone(), shape));
        }
        let ints: Vec<f32> = (0..12).map(|v| (v * 20) as f32).collect();
        let layout = Layout::new(8, 3, true).unwrap();
        assert_eq!(unpack(&pack(&ints, shape, layout).unwrap(), layout).unwrap().0, ints);
        assert_eq!(pack(&data, shape, layout).unwrap_err().code, code::ARGUMENT);
    }

    #[test]
    fn bad_layouts_and_ranges_are_errors() {
        assert!(Layout::new(3, 8, false).is_err());
        assert!(Layout::new(1, 7, false).is_err());
        let layout = Layout::new(8, 2, false).unwrap();
        assert_eq!(unpack(&[1, 2, 3], layout).unwrap_err().code, code::SHAPE);
    }
}
