//! Decoding SUBINT rows into waterfall samples.
//!
//! For pol `p` and file channel `c` of time sample `t`, as the PSRFITS definition and PRESTO's C reader
//! have it:
//!
//! `v[p, c] = ((raw[t, p, c] − ZERO_OFF) · DAT_SCL[p, c] + DAT_OFFS[p, c]) · DAT_WTS[c]`
//!
//! computed in f32 in exactly this order (so a numpy float32 oracle doing the same operations agrees
//! bit for bit). `raw` is read as `samples` says. Options drop parts of the formula like
//! `psrfits2fil.py --noscales/--nooffsets/--noweights`: a dropped scale is 1, offset 0, weight 1.
//! With weights applied, a channel whose `DAT_WTS` is 0 is masked: all its samples are NaN (missing),
//! not 0. `ZERO_OFF` is always subtracted.
//!
//! One output value per (time, channel) comes from the pols:
//! - `Polarisation::Pol(k)`: `v[k, c]`.
//! - `Polarisation::Intensity(combine)`: `v[0, c]` for one pol or `POL_TYPE` `AA+BB`, `INTEN`, `IQUV`
//!   (pol 0 is the total intensity); `v[0, c] + v[1, c]` for `AABB`, `AABBCRCI` (and the `XXYY`, `RRLL`,
//!   `PPQQ` spellings, or any two-pol file), times 0.5 with `Combine::Mean`.
//!
//! The default is `Combine::Sum`: AA + BB is Stokes I, the same quantity that `AA+BB`, `INTEN` and `IQUV`
//! files store in pol 0, so files of different backends come out on one scale (PRESTO's C reader and
//! `psrfits2fil` sum too). `Mean` gives the levels of PRESTO's Python reader and `your`, which average.
//!
//! Output row `k` (row 0 = lowest frequency) holds file channel `axis.order[k]`. Work is split over
//! rayon tasks that each own a block of output channels and walk the rows in tiles of samples that stay
//! in cache: one pass over the input, no allocation per sample.

use std::ops::Range;

use rayon::prelude::*;

use crate::bail;
use crate::error::{code, CoreResult};

use super::channels::ChannelAxis;
use super::info::SearchInfo;
use super::row::row_meta;
use super::samples::{read, SampleFormat};

/// How two pols (AA, BB) are combined into total intensity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Combine {
    /// AA + BB (Stokes I; PRESTO C, psrfits2fil).
    #[default]
    Sum,
    /// (AA + BB) / 2 (PRESTO Python, your).
    Mean,
}

/// Which polarisation product is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Polarisation {
    /// Total intensity, from whatever the file stores.
    Intensity(Combine),
    /// One stored pol, 0-based (AA, BB, CR, CI or I, Q, U, V in file order).
    Pol(usize),
}

impl Default for Polarisation {
    fn default() -> Self {
        Polarisation::Intensity(Combine::Sum)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeOptions {
    pub polarisation: Polarisation,
    pub apply_scales: bool,
    pub apply_offsets: bool,
    pub apply_weights: bool,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        Self { polarisation: Polarisation::default(), apply_scales: true, apply_offsets: true, apply_weights: true }
    }
}

/// The pols read for one output value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolPlan {
    pub first: usize,
    pub second: Option<usize>,
    /// Multiply the sum by 0.5.
    pub half: bool,
    /// What the output is, for messages ("AA+BB summed", "pol 2 (CR)").
    pub description: String,
}

/// The names of the stored pols of a `POL_TYPE`, in file order (empty when the type does not name them).
pub fn pol_names(pol_type: &str) -> &'static [&'static str] {
    match pol_type {
        "AABBCRCI" => &["AA", "BB", "CR", "CI"],
        "AABB" => &["AA", "BB"],
        "IQUV" => &["I", "Q", "U", "V"],
        _ => &[],
    }
}

/// The pol a name (`AA`, `BB`, `CR`, `CI`, `I`, `Q`, `U`, `V`, any case) picks in a file of `POL_TYPE`
/// `pol_type`; an error naming the file's pols when it has none of that name.
pub fn pol_by_name(pol_type: &str, name: &str) -> CoreResult<Polarisation> {
    let names = pol_names(pol_type);
    match names.iter().position(|n| n.eq_ignore_ascii_case(name.trim())) {
        Some(k) => Ok(Polarisation::Pol(k)),
        None if names.is_empty() => {
            bail!(
                code::ARGUMENT,
                "pol '{name}' was asked for, but POL_TYPE '{pol_type}' does not name its pols: choose one by number from 0"
            )
        }
        None => bail!(code::ARGUMENT, "pol '{name}' was asked for, but this file's POL_TYPE '{pol_type}' holds {}", names.join(", ")),
    }
}

/// Resolves the polarisation option against the file's `NPOL` and `POL_TYPE`.
pub fn pol_plan(info: &SearchInfo, polarisation: Polarisation) -> CoreResult<PolPlan> {
    let pt = info.pol_type.as_str();
    match polarisation {
        Polarisation::Pol(k) => {
            if k >= info.npol {
                bail!(code::ARGUMENT, "pol {k} was asked for but the file has {} (POL_TYPE '{pt}'), numbered from 0", info.npol);
            }
            let name = pol_names(pt).get(k).map_or(String::new(), |n| format!(" ({n})"));
            Ok(PolPlan { first: k, second: None, half: false, description: format!("pol {k}{name} of {pt}") })
        }
        Polarisation::Intensity(combine) => {
            let coherence = ["AABB", "XXYY", "RRLL", "LLRR", "PPQQ"].iter().any(|p| pt.starts_with(p));
            if info.npol == 1 || pt == "AA+BB" || pt == "INTEN" || pt == "IQUV" {
                Ok(PolPlan {
                    first: 0,
                    second: None,
                    half: false,
                    description: format!("pol 0 ({})", if pt.is_empty() { "total intensity" } else { pt }),
                })
            } else if coherence || info.npol == 2 {
                let how = if combine == Combine::Mean { "averaged" } else { "summed" };
                let what = if coherence {
                    format!("pols 0 and 1 of {pt} {how}")
                } else {
                    format!("pols 0 and 1 {how} (POL_TYPE '{pt}' unknown; read as AA, BB)")
                };
                Ok(PolPlan { first: 0, second: Some(1), half: combine == Combine::Mean, description: what })
            } else {
                bail!(
                    code::UNSUPPORTED,
                    "POL_TYPE '{pt}' with {} pols: it is unclear how to form total intensity; choose one pol",
                    info.npol
                )
            }
        }
    }
}

/// What a decode call wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The file samples decoded (the request clipped to the valid samples).
    pub samples: Range<usize>,
    /// The output time columns written.
    pub out_columns: Range<usize>,
    /// What the values are (which pols, how combined).
    pub polarisation: String,
    pub warnings: Vec<String>,
}

/// Scale, offset and weight of one output channel in one row, options applied (weight NaN = masked).
#[derive(Debug, Clone, Copy, Default)]
struct Param {
    scale0: f32,
    offset0: f32,
    scale1: f32,
    offset1: f32,
    weight: f32,
}

/// Decodes file samples `samples` (clipped to `NSTOT`) from whole rows `rows` (which start at row
/// `first_row` and must cover those samples) into a channel-major `out` of `NCHAN` rows of `out_ntime`
/// columns: file sample `s` goes to column `out_offset + s − start`. Row 0 of `out` is the lowest
/// frequency (`axis.order`). Columns outside the decoded range are left untouched, so several calls (or
/// several files) can fill one waterfall, leaving NaN gaps.
#[allow(clippy::too_many_arguments)]
pub fn decode_rows(
    info: &SearchInfo,
    axis: &ChannelAxis,
    rows: &[u8],
    first_row: usize,
    samples: Range<usize>,
    options: &DecodeOptions,
    out: &mut [f32],
    out_ntime: usize,
    out_offset: usize,
) -> CoreResult<Decoded> {
    let nchan = info.nchan;
    if out_ntime == 0 || out.len() != nchan.saturating_mul(out_ntime) {
        bail!(code::SHAPE, "the output should hold {nchan} channels x {out_ntime} samples, it has {} values", out.len());
    }
    let job = Job::new(info, axis, rows, first_row, samples, options)?;
    let n = job.samples.len();
    if !matches!(out_offset.checked_add(n), Some(end) if end <= out_ntime) {
        bail!(code::RANGE, "{n} samples written from column {out_offset} pass the {out_ntime} columns of the output");
    }
    if n > 0 {
        with_reader(info, ChannelMajor { job: &job, out, out_ntime, out_offset });
    }
    Ok(job.finish(out_offset..out_offset + n))
}

/// As [`decode_rows`], into a time-major `out` of `n` spectra of `NCHAN` values (spectrum `s − start`,
/// lowest frequency first), `n` being the clipped range's length: the layout a streaming reducer
/// (dedispersion, subbanding) consumes.
pub fn decode_rows_time_major(
    info: &SearchInfo,
    axis: &ChannelAxis,
    rows: &[u8],
    first_row: usize,
    samples: Range<usize>,
    options: &DecodeOptions,
    out: &mut [f32],
) -> CoreResult<Decoded> {
    let job = Job::new(info, axis, rows, first_row, samples, options)?;
    let n = job.samples.len();
    if out.len() != n.saturating_mul(info.nchan) {
        bail!(code::SHAPE, "the output should hold {n} spectra of {} channels, it has {} values", info.nchan, out.len());
    }
    if n > 0 {
        with_reader(info, TimeMajor { job: &job, out });
    }
    Ok(job.finish(0..n))
}

/// A validated decode request: the samples, the pols and the per-row parameters.
struct Job<'a> {
    rows: &'a [u8],
    row_bytes: usize,
    data_offset: usize,
    nsblk: usize,
    npol: usize,
    nchan: usize,
    first_row: usize,
    samples: Range<usize>,
    order: &'a [usize],
    pols: PolPlan,
    zero: f32,
    /// `params[(r − rows_start) · NCHAN + k]` for the rows the samples touch.
    params: Vec<Param>,
    rows_start: usize,
    warnings: Vec<String>,
}

impl<'a> Job<'a> {
    fn new(
        info: &SearchInfo,
        axis: &'a ChannelAxis,
        rows: &'a [u8],
        first_row: usize,
        samples: Range<usize>,
        options: &DecodeOptions,
    ) -> CoreResult<Self> {
        check_info(info, axis)?;
        let (nsblk, nchan) = (info.nsblk, info.nchan);
        if !rows.chunks_exact(info.row_bytes).remainder().is_empty() {
            bail!(code::SHAPE, "{} bytes are not whole rows of {} bytes", rows.len(), info.row_bytes);
        }
        let given = rows.len() / info.row_bytes;
        if !matches!(first_row.checked_add(given), Some(end) if end <= info.nrows) {
            bail!(code::RANGE, "rows {first_row}..{} given, but the file holds {} rows", first_row.saturating_add(given), info.nrows);
        }
        if samples.start > samples.end {
            bail!(code::RANGE, "sample range {}..{} is reversed", samples.start, samples.end);
        }
        let clipped = samples.start.min(info.nstot)..samples.end.min(info.nstot);
        let covered = first_row * nsblk..(first_row + given) * nsblk;
        if !clipped.is_empty() && (clipped.start < covered.start || clipped.end > covered.end) {
            bail!(
                code::RANGE,
                "samples {}..{} need rows {:?}, but rows {first_row}..{} were given",
                clipped.start,
                clipped.end,
                info.rows_for(clipped.clone()),
                first_row + given
            );
        }
        let pols = pol_plan(info, options.polarisation)?;
        let mut warnings = Vec::new();
        if info.pol_type == "IQUV" && pols.first > 0 && matches!(info.samples.format, SampleFormat::U8) {
            warnings.push("Q, U, V of 8-bit IQUV files are sometimes stored signed without SIGNINT = 1 (your's test_4pol.fits); values near 0 and 255 mean that".to_owned());
        }
        let rows_needed = if clipped.is_empty() { 0..0 } else { clipped.start / nsblk..clipped.end.div_ceil(nsblk) };
        let mut params = vec![Param::default(); rows_needed.len() * nchan];
        let tolerance = 0.1 * axis.df_mhz;
        let moved: Vec<Option<(usize, f64)>> = params
            .par_chunks_mut(nchan.max(1))
            .enumerate()
            .map(|(i, chunk)| {
                let r = rows_needed.start + i;
                let at = (r - first_row) * info.row_bytes;
                let meta = row_meta(info, &rows[at..at + info.row_bytes])?;
                let mut worst = 0f64;
                for (k, p) in chunk.iter_mut().enumerate() {
                    let c = axis.order[k];
                    let param = |pol: usize| {
                        let scale = if options.apply_scales { meta.scales[pol * nchan + c] } else { 1.0 };
                        let offset = if options.apply_offsets { meta.offsets[pol * nchan + c] } else { 0.0 };
                        (scale, offset)
                    };
                    (p.scale0, p.offset0) = param(pols.first);
                    (p.scale1, p.offset1) = param(pols.second.unwrap_or(pols.first));
                    let w = meta.weights[c];
                    p.weight = match options.apply_weights {
                        false => 1.0,
                        true if w == 0.0 => f32::NAN,
                        true => w,
                    };
                    worst = worst.max((meta.freqs_mhz[c] - axis.freqs_mhz[k]).abs());
                }
                Ok((worst > tolerance).then_some((r, worst)))
            })
            .collect::<CoreResult<_>>()?;
        if let Some(&Some((r, by))) = moved.iter().find(|m| m.is_some()) {
            warnings.push(format!("DAT_FREQ of row {r} differs from row 0's by up to {by} MHz; row 0's channel frequencies are used"));
        }
        Ok(Self {
            rows,
            row_bytes: info.row_bytes,
            data_offset: info.columns.data.offset,
            nsblk,
            npol: info.npol,
            nchan,
            first_row,
            samples: clipped,
            order: &axis.order,
            zero: info.zero_off as f32,
            pols,
            params,
            rows_start: rows_needed.start,
            warnings,
        })
    }

    fn finish(self, out_columns: Range<usize>) -> Decoded {
        Decoded { samples: self.samples, out_columns, polarisation: self.pols.description, warnings: self.warnings }
    }

    /// The `DATA` bytes of file row `r` and its parameters.
    #[inline(always)]
    fn row(&self, r: usize) -> (&[u8], &[Param]) {
        let at = (r - self.first_row) * self.row_bytes + self.data_offset;
        let p = (r - self.rows_start) * self.nchan;
        (&self.rows[at..(r + 1 - self.first_row) * self.row_bytes], &self.params[p..p + self.nchan])
    }

    /// The value of output channel `k` (file channel `c`) at sample `t` of a row.
    #[inline(always)]
    fn value<F: Fn(&[u8], usize) -> f32>(&self, read: &F, data: &[u8], p: &Param, c: usize, t: usize) -> f32 {
        let base = t * self.npol;
        let a = read(data, (base + self.pols.first) * self.nchan + c);
        let mut v = ((a - self.zero) * p.scale0 + p.offset0) * p.weight;
        if let Some(second) = self.pols.second {
            let b = read(data, (base + second) * self.nchan + c);
            v += ((b - self.zero) * p.scale1 + p.offset1) * p.weight;
            if self.pols.half {
                v *= 0.5;
            }
        }
        v
    }
}

/// Checks the invariants the kernels index by (the info's fields are public and could have been edited).
fn check_info(info: &SearchInfo, axis: &ChannelAxis) -> CoreResult<()> {
    let bits = match info.samples.format {
        SampleFormat::Packed { bits, .. } => bits as usize,
        SampleFormat::U8 | SampleFormat::I8 => 8,
        SampleFormat::I16Be | SampleFormat::U16Le | SampleFormat::I16Le => 16,
        SampleFormat::F32Be => 32,
    };
    let needed =
        info.nsblk.checked_mul(info.npol).and_then(|n| n.checked_mul(info.nchan)).and_then(|n| n.checked_mul(bits)).map(|b| b.div_ceil(8));
    let data = &info.columns.data;
    let fits = needed.is_some_and(|n| n <= info.samples.bytes_per_row && n <= data.width)
        && data.offset.checked_add(data.width).is_some_and(|end| end <= info.row_bytes)
        && bits == info.nbits
        && info.row_bytes > 0
        && info.nstot <= info.nrows.saturating_mul(info.nsblk)
        && !matches!(info.samples.format, SampleFormat::Packed { bits, .. } if ![1, 2, 4].contains(&bits));
    if !fits {
        bail!(code::ARGUMENT, "the file description is inconsistent (NBITS, NSBLK, NPOL, NCHAN and the DATA column do not match)");
    }
    if axis.order.len() != info.nchan || axis.order.iter().any(|&c| c >= info.nchan) || axis.freqs_mhz.len() != info.nchan {
        bail!(code::SHAPE, "the channel axis has {} channels but the file {}", axis.order.len(), info.nchan);
    }
    Ok(())
}

/// Something to run with the sample reader of a file, monomorphised per storage.
trait WithReader {
    fn run<F: Fn(&[u8], usize) -> f32 + Sync>(self, read: F);
}

fn with_reader<W: WithReader>(info: &SearchInfo, w: W) {
    let s = info.samples;
    let (z, k) = (s.tzero, s.tscal);
    match s.format {
        SampleFormat::Packed { bits: 1, signed: false } => w.run(read::packed::<1, false>),
        SampleFormat::Packed { bits: 2, signed: false } => w.run(read::packed::<2, false>),
        SampleFormat::Packed { bits: 4, signed: false } => w.run(read::packed::<4, false>),
        SampleFormat::Packed { bits: 1, signed: true } => w.run(read::packed::<1, true>),
        SampleFormat::Packed { bits: 2, signed: true } => w.run(read::packed::<2, true>),
        SampleFormat::Packed { .. } => w.run(read::packed::<4, true>), // 4 bits; others are refused by check_info
        SampleFormat::U8 if s.scaled() => w.run(move |d: &[u8], i| (z + k * read::u8(d, i) as f64) as f32),
        SampleFormat::U8 => w.run(read::u8),
        SampleFormat::I8 => w.run(read::i8),
        SampleFormat::I16Be if s.scaled() => w.run(move |d: &[u8], i| (z + k * read::i16_be(d, i) as f64) as f32),
        SampleFormat::I16Be => w.run(read::i16_be),
        SampleFormat::U16Le => w.run(read::u16_le),
        SampleFormat::I16Le => w.run(read::i16_le),
        SampleFormat::F32Be if s.scaled() => w.run(move |d: &[u8], i| (z + k * read::f32_be(d, i) as f64) as f32),
        SampleFormat::F32Be => w.run(read::f32_be),
    }
}

/// Samples per tile: a tile of spectra is read once per channel block and stays in cache.
const TILE: usize = 64;

struct ChannelMajor<'a, 'b> {
    job: &'a Job<'a>,
    out: &'b mut [f32],
    out_ntime: usize,
    out_offset: usize,
}

impl WithReader for ChannelMajor<'_, '_> {
    fn run<F: Fn(&[u8], usize) -> f32 + Sync>(self, read: F) {
        let Self { job, out, out_ntime, out_offset } = self;
        let nchan = job.nchan;
        let per_task = nchan.div_ceil(4 * rayon::current_num_threads()).max(1);
        out.par_chunks_mut(out_ntime * per_task).enumerate().for_each(|(task, block)| {
            let k0 = task * per_task;
            let channels = block.len() / out_ntime;
            let mut s = job.samples.start;
            while s < job.samples.end {
                let r = s / job.nsblk;
                let row_end = ((r + 1) * job.nsblk).min(job.samples.end);
                let (data, params) = job.row(r);
                while s < row_end {
                    let tile_end = (s + TILE).min(row_end);
                    let dst = out_offset + s - job.samples.start;
                    for j in 0..channels {
                        let k = k0 + j;
                        let (c, p) = (job.order[k], &params[k]);
                        let column = &mut block[j * out_ntime + dst..j * out_ntime + dst + (tile_end - s)];
                        for (x, t) in column.iter_mut().zip(s - r * job.nsblk..) {
                            *x = job.value(&read, data, p, c, t);
                        }
                    }
                    s = tile_end;
                }
            }
        });
    }
}

struct TimeMajor<'a, 'b> {
    job: &'a Job<'a>,
    out: &'b mut [f32],
}

impl WithReader for TimeMajor<'_, '_> {
    fn run<F: Fn(&[u8], usize) -> f32 + Sync>(self, read: F) {
        let Self { job, out } = self;
        let nchan = job.nchan;
        let spectra_per_task = (crate::shape::PARALLEL_MIN_VALUES / nchan).max(1);
        // the usual files: one pol read, channels stored in or against our order (no lookup per value)
        let single = job.pols.second.is_none();
        let reversed = job.order.iter().enumerate().all(|(k, &c)| c == nchan - 1 - k);
        let ascending = job.order.iter().enumerate().all(|(k, &c)| c == k);
        out.par_chunks_mut(nchan * spectra_per_task).enumerate().for_each(|(task, block)| {
            for (j, spectrum) in block.chunks_exact_mut(nchan).enumerate() {
                let s = job.samples.start + task * spectra_per_task + j;
                let r = s / job.nsblk;
                let (data, params) = job.row(r);
                let t = s - r * job.nsblk;
                let base = (t * job.npol + job.pols.first) * nchan;
                let one = |x: &mut f32, p: &Param, c: usize| *x = ((read(data, base + c) - job.zero) * p.scale0 + p.offset0) * p.weight;
                match (single, reversed, ascending) {
                    (true, true, _) => spectrum.iter_mut().zip(params).enumerate().for_each(|(k, (x, p))| one(x, p, nchan - 1 - k)),
                    (true, _, true) => spectrum.iter_mut().zip(params).enumerate().for_each(|(k, (x, p))| one(x, p, k)),
                    _ => {
                        for (k, x) in spectrum.iter_mut().enumerate() {
                            *x = job.value(&read, data, &params[k], job.order[k], t);
                        }
                    }
                }
            }
        });
    }
}
