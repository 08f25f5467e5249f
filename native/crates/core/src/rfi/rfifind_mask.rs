//! PRESTO `rfifind` `.mask` files: the channels rfifind flags for the whole observation and for each
//! time interval.
//!
//! **Is the layout documented?** Not in prose: PRESTO's documentation describes what rfifind does,
//! not the file. The layout is defined by the code that writes and reads it, `write_mask` and
//! `read_mask` in PRESTO's `src/mask.c` (unchanged in substance since the early 2000s), and a second,
//! independent reader, `python/presto/rfifind.py::read_mask`, agrees with it. That is enough to parse
//! the files exactly. The file is a raw dump of C values in the writing machine's byte order, with
//! no magic number or version:
//!
//! | field | type | count |
//! |---|---|---|
//! | `timesigma`, `freqsigma`, `mjd`, `dtint` (s), `lofreq` (MHz), `dfreq` (MHz) | f64 | 6 |
//! | `numchan`, `numint`, `ptsperint` | i32 | 3 |
//! | `num_zap_chans`, then the channels zapped for the whole observation | i32 | 1 + n |
//! | `num_zap_ints`, then the intervals zapped entirely | i32 | 1 + n |
//! | `num_chans_per_int[numint]` | i32 | numint |
//! | for each interval with `0 < num_chans_per_int[i] < numchan`: its channels | i32 | that many |
//!
//! An interval with `num_chans_per_int[i] == numchan` has no list in the file: every channel is
//! masked there (`read_mask` fills `0..numchan`; `rfifind.py` instead reads `numchan` values, a
//! divergence that only matters for such intervals; the C code is the writer, so it is followed).
//! Channels are numbered from the **lowest** frequency (`lofreq` is channel 0's centre, channel `c` at
//! `lofreq + c·dfreq`): PRESTO flips descending bands when it reads them, so a mask made from a
//! filterbank with negative `foff` still counts from the bottom, like wfall's rows. Interval `i`
//! covers samples `[i·ptsperint, (i+1)·ptsperint)`, `dtint = ptsperint·tsamp` seconds.
//!
//! Byte order: little-endian (every machine PRESTO runs on today); a file that does not parse
//! little-endian but parses exactly big-endian (old SPARC/PowerPC hosts) is read big-endian. The
//! parse is strict: every count must fit the file, every channel and interval index must be in
//! range, and no byte may be left over.

use crate::bail;
use crate::error::{code, CoreResult};

/// Most channels a mask may declare (2^24): far above any instrument, small enough to allocate.
pub const MAX_CHANNELS: usize = 1 << 24;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteOrder {
    Little,
    Big,
}

/// The contents of an rfifind `.mask` file.
#[derive(Debug, Clone, PartialEq)]
pub struct RfifindMask {
    /// rfifind's `-time` threshold (σ).
    pub time_sigma: f64,
    /// rfifind's `-freqsig` threshold (σ).
    pub freq_sigma: f64,
    /// Start of the data, MJD.
    pub mjd: f64,
    /// Length of one interval, seconds.
    pub dtint_s: f64,
    /// Centre of channel 0 (the lowest), MHz.
    pub lofreq_mhz: f64,
    /// Channel width, MHz.
    pub dfreq_mhz: f64,
    pub numchan: usize,
    pub numint: usize,
    /// Samples per interval.
    pub ptsperint: usize,
    /// Channels zapped for the whole observation, sorted, without duplicates.
    pub zap_chans: Vec<usize>,
    /// Intervals zapped entirely, sorted, without duplicates.
    pub zap_ints: Vec<usize>,
    /// The channels flagged in each interval (all channels where the file says `numchan`), sorted,
    /// without duplicates.
    pub chans_per_int: Vec<Vec<usize>>,
    pub byte_order: ByteOrder,
}

impl RfifindMask {
    /// `true` for each channel zapped for the whole observation (the header's list).
    pub fn zapped_channels(&self) -> Vec<bool> {
        let mut flags = vec![false; self.numchan];
        for &c in &self.zap_chans {
            flags[c] = true;
        }
        flags
    }

    /// `true` for each channel masked in interval `interval`: the whole-observation channels, the
    /// interval's own list, or every channel when the interval is zapped. `None` past the last one.
    pub fn interval_channels(&self, interval: usize) -> Option<Vec<bool>> {
        let own = self.chans_per_int.get(interval)?;
        if self.zap_ints.binary_search(&interval).is_ok() {
            return Some(vec![true; self.numchan]);
        }
        let mut flags = self.zapped_channels();
        for &c in own {
            flags[c] = true;
        }
        Some(flags)
    }

    /// `true` for each channel masked in every interval (the whole-observation channels, and those
    /// that every interval flags); all `false` when there is no interval besides `zap_chans`.
    pub fn always_masked_channels(&self) -> Vec<bool> {
        let mut flags = self.zapped_channels();
        if self.numint == 0 {
            return flags;
        }
        let mut count = vec![0usize; self.numchan];
        for i in 0..self.numint {
            if self.zap_ints.binary_search(&i).is_ok() {
                count.iter_mut().for_each(|n| *n += 1);
            } else {
                for &c in &self.chans_per_int[i] {
                    count[c] += 1;
                }
            }
        }
        for (f, &n) in flags.iter_mut().zip(&count) {
            *f |= n == self.numint;
        }
        flags
    }
}

/// Parses the bytes of an rfifind `.mask` file (see the module doc).
pub fn parse_rfifind_mask(bytes: &[u8]) -> CoreResult<RfifindMask> {
    match parse_with(bytes, ByteOrder::Little) {
        Ok(mask) => Ok(mask),
        Err(little) => parse_with(bytes, ByteOrder::Big).map_err(|_| little),
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    order: ByteOrder,
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self, what: &str) -> CoreResult<[u8; N]> {
        let Some(b) = self.bytes.get(self.at..self.at + N) else {
            bail!(
                code::CORRUPT,
                "rfifind mask is truncated: {what} at byte {} needs {N} bytes, the file has {}",
                self.at,
                self.bytes.len()
            );
        };
        self.at += N;
        Ok(b.try_into().unwrap_or([0; N]))
    }

    fn f64(&mut self, what: &str) -> CoreResult<f64> {
        let b = self.take::<8>(what)?;
        let v = match self.order {
            ByteOrder::Little => f64::from_le_bytes(b),
            ByteOrder::Big => f64::from_be_bytes(b),
        };
        if !v.is_finite() {
            bail!(code::CORRUPT, "rfifind mask has a non-finite {what} ({v})");
        }
        Ok(v)
    }

    fn i32(&mut self, what: &str) -> CoreResult<i32> {
        let b = self.take::<4>(what)?;
        Ok(match self.order {
            ByteOrder::Little => i32::from_le_bytes(b),
            ByteOrder::Big => i32::from_be_bytes(b),
        })
    }

    /// A count in `0..=max`.
    fn count(&mut self, what: &str, max: usize) -> CoreResult<usize> {
        let v = self.i32(what)?;
        if v < 0 || v as usize > max {
            bail!(code::CORRUPT, "rfifind mask has {what} = {v}, outside 0..={max}");
        }
        Ok(v as usize)
    }

    /// `n` indices in `0..limit`, sorted and deduplicated.
    fn indices(&mut self, n: usize, limit: usize, what: &str) -> CoreResult<Vec<usize>> {
        if n > (self.bytes.len() - self.at) / 4 {
            bail!(code::CORRUPT, "rfifind mask is truncated: {n} {what} do not fit in the {} bytes left", self.bytes.len() - self.at);
        }
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let v = self.i32(what)?;
            if v < 0 || v as usize >= limit {
                bail!(code::CORRUPT, "rfifind mask lists {what} {v}, outside 0..{limit}");
            }
            out.push(v as usize);
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }
}

fn parse_with(bytes: &[u8], order: ByteOrder) -> CoreResult<RfifindMask> {
    let mut r = Reader { bytes, at: 0, order };
    let time_sigma = r.f64("timesigma")?;
    let freq_sigma = r.f64("freqsigma")?;
    let mjd = r.f64("mjd")?;
    let dtint_s = r.f64("dtint")?;
    let lofreq_mhz = r.f64("lofreq")?;
    let dfreq_mhz = r.f64("dfreq")?;
    let numchan = r.count("numchan", MAX_CHANNELS)?;
    if numchan == 0 {
        bail!(code::CORRUPT, "rfifind mask declares 0 channels");
    }
    let numint = r.count("numint", i32::MAX as usize)?;
    let ptsperint = r.count("ptsperint", i32::MAX as usize)?;
    let num_zap_chans = r.count("num_zap_chans", i32::MAX as usize)?;
    let zap_chans = r.indices(num_zap_chans, numchan, "zapped channel")?;
    let num_zap_ints = r.count("num_zap_ints", i32::MAX as usize)?;
    let zap_ints = r.indices(num_zap_ints, numint, "zapped interval")?;
    if numint > (bytes.len() - r.at) / 4 {
        bail!(code::CORRUPT, "rfifind mask is truncated: {numint} per-interval counts do not fit in the {} bytes left", bytes.len() - r.at);
    }
    let mut per_int = Vec::with_capacity(numint);
    for i in 0..numint {
        per_int.push(r.count(&format!("num_chans_per_int[{i}]"), numchan)?);
    }
    let mut chans_per_int = Vec::with_capacity(numint);
    for &n in &per_int {
        chans_per_int.push(if n == numchan { (0..numchan).collect() } else { r.indices(n, numchan, "interval channel")? });
    }
    if r.at != bytes.len() {
        bail!(code::CORRUPT, "rfifind mask has {} bytes after its last interval (parsed {:?}-endian)", bytes.len() - r.at, order);
    }
    Ok(RfifindMask {
        time_sigma,
        freq_sigma,
        mjd,
        dtint_s,
        lofreq_mhz,
        dfreq_mhz,
        numchan,
        numint,
        ptsperint,
        zap_chans,
        zap_ints,
        chans_per_int,
        byte_order: order,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes laid out as `write_mask` writes them.
    fn mask_bytes(order: ByteOrder, header: [f64; 6], dims: [i32; 3], zap_chans: &[i32], zap_ints: &[i32], per_int: &[&[i32]]) -> Vec<u8> {
        let numchan = dims[0];
        let mut out = Vec::new();
        let f = |v: f64, out: &mut Vec<u8>| out.extend(if order == ByteOrder::Little { v.to_le_bytes() } else { v.to_be_bytes() });
        let i = |v: i32, out: &mut Vec<u8>| out.extend(if order == ByteOrder::Little { v.to_le_bytes() } else { v.to_be_bytes() });
        header.iter().for_each(|&v| f(v, &mut out));
        dims.iter().for_each(|&v| i(v, &mut out));
        i(zap_chans.len() as i32, &mut out);
        zap_chans.iter().for_each(|&v| i(v, &mut out));
        i(zap_ints.len() as i32, &mut out);
        zap_ints.iter().for_each(|&v| i(v, &mut out));
        per_int.iter().for_each(|c| i(c.len() as i32, &mut out));
        for c in per_int {
            if !c.is_empty() && (c.len() as i32) < numchan {
                c.iter().for_each(|&v| i(v, &mut out));
            }
        }
        out
    }

    const HEADER: [f64; 6] = [10.0, 4.0, 58000.5, 2.097152, 1182.1953125, 0.390625];

    #[test]
    fn parses_the_write_mask_layout() {
        let all: Vec<i32> = (0..8).collect();
        let bytes = mask_bytes(ByteOrder::Little, HEADER, [8, 4, 4096], &[0, 7], &[2], &[&[3], &[], &all, &[3, 5]]);
        assert_eq!(bytes.len(), 6 * 8 + 3 * 4 + 4 + 8 + 4 + 4 + 16 + 4 + 8);
        let m = parse_rfifind_mask(&bytes).unwrap();
        assert_eq!(
            (m.time_sigma, m.freq_sigma, m.mjd, m.dtint_s, m.lofreq_mhz, m.dfreq_mhz),
            (10.0, 4.0, 58000.5, 2.097152, 1182.1953125, 0.390625)
        );
        assert_eq!((m.numchan, m.numint, m.ptsperint, m.byte_order), (8, 4, 4096, ByteOrder::Little));
        assert_eq!(m.zap_chans, vec![0, 7]);
        assert_eq!(m.zap_ints, vec![2]);
        assert_eq!(m.chans_per_int, vec![vec![3], vec![], (0..8).collect(), vec![3, 5]]);
        assert_eq!(m.zapped_channels(), vec![true, false, false, false, false, false, false, true]);
        assert_eq!(m.interval_channels(3).unwrap(), vec![true, false, false, true, false, true, false, true]);
        assert_eq!(m.interval_channels(2).unwrap(), vec![true; 8]);
        assert_eq!(m.interval_channels(4), None);
        // channel 3 is flagged in intervals 0 and 3, and interval 2 is zapped, but not in 1
        assert_eq!(m.always_masked_channels(), m.zapped_channels());
    }

    #[test]
    fn a_channel_flagged_in_every_interval_is_always_masked() {
        let bytes = mask_bytes(ByteOrder::Little, HEADER, [4, 2, 100], &[], &[], &[&[1, 2], &[1]]);
        let m = parse_rfifind_mask(&bytes).unwrap();
        assert_eq!(m.always_masked_channels(), vec![false, true, false, false]);
        assert_eq!(m.zapped_channels(), vec![false; 4]);
    }

    #[test]
    fn big_endian_files_are_recognised() {
        let bytes = mask_bytes(ByteOrder::Big, HEADER, [16, 3, 2048], &[4], &[], &[&[1, 2], &[], &[15]]);
        let m = parse_rfifind_mask(&bytes).unwrap();
        assert_eq!(m.byte_order, ByteOrder::Big);
        assert_eq!((m.numchan, m.numint, m.zap_chans.clone()), (16, 3, vec![4]));
        assert_eq!(m.chans_per_int[2], vec![15]);
    }

    #[test]
    fn damaged_files_are_refused_without_panicking() {
        let good = mask_bytes(ByteOrder::Little, HEADER, [8, 2, 10], &[1], &[], &[&[2], &[3]]);
        for cut in 0..good.len() {
            assert_eq!(parse_rfifind_mask(&good[..cut]).unwrap_err().code, code::CORRUPT, "cut at {cut}");
        }
        let mut long = good.clone();
        long.extend([0u8; 4]);
        assert_eq!(parse_rfifind_mask(&long).unwrap_err().code, code::CORRUPT);
        let out_of_range = mask_bytes(ByteOrder::Little, HEADER, [8, 2, 10], &[8], &[], &[&[2], &[3]]);
        assert_eq!(parse_rfifind_mask(&out_of_range).unwrap_err().code, code::CORRUPT);
        let too_many = mask_bytes(ByteOrder::Little, HEADER, [8, 2, 10], &[], &[], &[&[2], &[0; 9]]);
        assert_eq!(parse_rfifind_mask(&too_many).unwrap_err().code, code::CORRUPT);
        let huge = mask_bytes(ByteOrder::Little, HEADER, [8, i32::MAX, 10], &[], &[], &[]);
        assert_eq!(parse_rfifind_mask(&huge).unwrap_err().code, code::CORRUPT);
        let negative = mask_bytes(ByteOrder::Little, HEADER, [-8, 1, 10], &[], &[], &[&[]]);
        assert_eq!(parse_rfifind_mask(&negative).unwrap_err().code, code::CORRUPT);
        let nan = mask_bytes(ByteOrder::Little, [f64::NAN, 4.0, 0.0, 1.0, 1.0, 1.0], [8, 1, 10], &[], &[], &[&[]]);
        assert_eq!(parse_rfifind_mask(&nan).unwrap_err().code, code::CORRUPT);
        // every single-byte corruption either parses or fails with the mask code
        for k in 0..good.len() {
            let mut bad = good.clone();
            bad[k] ^= 0xA5;
            if let Err(e) = parse_rfifind_mask(&bad) {
                assert_eq!(e.code, code::CORRUPT);
            }
        }
    }
}
