//! PSRFITS search-mode files. JavaScript does the file I/O (positioned reads of only the bytes asked
//! for); the core parses headers and decodes rows from those bytes:
//!
//! 1. [`PsrfitsHeaderReader`] says which byte range to read next until every HDU header is in;
//! 2. [`PsrfitsFile::from_headers`] checks it is search mode; `setFirstRow` (row 0 gives the channel
//!    order) and `trimPadding` (the last row, for writers that pad it with zeros) complete it;
//! 3. `decode` turns whole rows into a `[nchan][ntime]` waterfall block (row 0 the lowest frequency),
//!    `decodeTimeMajor` into time-major float32 spectra for the streaming reducer;
//! 4. [`PsrfitsSequence`] places several files of one observation on one time axis.

use std::ops::Range;

use napi::bindgen_prelude::Float32ArraySlice;
use napi::Env;
use napi_derive::napi;
use wfall_core::error::code;
use wfall_core::psrfits::samples::{SampleFormat, Samples};
use wfall_core::psrfits::{
    self, pol_by_name, pol_plan, read_headers, row_meta, ChannelAxis, Combine, DecodeOptions, Headers, Polarisation, SearchInfo,
};
use wfall_core::{bail, CoreError, CoreResult};

use crate::boundary::{count, guard};

/// A byte range of a file.
#[napi(object)]
pub struct ByteRange {
    pub offset: f64,
    pub length: f64,
}

/// Collects the bytes of a file's headers as they are read, and says what to read next.
#[napi]
pub struct PsrfitsHeaderReader {
    file_size: u64,
    chunks: Vec<(u64, Vec<u8>)>,
    headers: Option<Headers>,
}

#[napi]
impl PsrfitsHeaderReader {
    #[napi(constructor)]
    pub fn new(env: Env, file_size: f64) -> napi::Result<Self> {
        guard(&env, || Ok(Self { file_size: count(file_size, "fileSize")? as u64, chunks: Vec::new(), headers: None }))
    }

    /// Adds bytes read at `offset`.
    #[napi]
    pub fn add(&mut self, env: Env, offset: f64, bytes: &[u8]) -> napi::Result<()> {
        guard(&env, || {
            self.chunks.push((count(offset, "offset")? as u64, bytes.to_vec()));
            Ok(())
        })
    }

    /// The next range to read, or null when every header is in. Fails when the file is not a
    /// PSRFITS search-mode file or a header before the SUBINT table is damaged.
    #[napi]
    pub fn next_range(&mut self, env: Env) -> napi::Result<Option<ByteRange>> {
        guard(&env, || {
            let mut missing = None;
            let chunks = &self.chunks;
            let file_size = self.file_size;
            let result = read_headers(file_size, |offset, len| {
                let end = (offset + len as u64).min(file_size);
                let found = chunks.iter().find(|(at, bytes)| *at <= offset && at + bytes.len() as u64 >= end);
                match found {
                    Some((at, bytes)) => Ok(bytes[(offset - at) as usize..(end - at) as usize].to_vec()),
                    None => {
                        missing = Some(ByteRange { offset: offset as f64, length: (end - offset) as f64 });
                        bail!(code::CORRUPT, "bytes {offset}..{end} were not read yet")
                    }
                }
            });
            if missing.is_some() {
                return Ok(missing);
            }
            self.headers = Some(result?);
            Ok(None)
        })
    }
}

/// The polarisation and the parts of the PSRFITS formula to apply.
#[napi(object)]
pub struct PsrfitsReadOptions {
    /// `sum` (default) or `mean`: total intensity (pol 0 of `AA+BB`, `INTEN`, `IQUV`; AA + BB summed or
    /// averaged for `AABB`, `AABBCRCI`); or one pol by number from 0 or by name (`AA`, `CR`, `V`, ...).
    pub pol: Option<String>,
    /// Apply `DAT_SCL` (default true).
    pub scales: Option<bool>,
    /// Apply `DAT_OFFS` (default true).
    pub offsets: Option<bool>,
    /// Apply `DAT_WTS` (default true; weight 0 masks a channel as NaN).
    pub weights: Option<bool>,
}

/// Where the rows are and what they hold.
#[napi(object)]
pub struct PsrfitsLayout {
    /// Byte offset of row 0.
    pub data_offset: f64,
    /// Bytes per row (`NAXIS1`).
    pub row_bytes: f64,
    /// Whole rows in the file.
    pub nrows: f64,
    /// Samples per row (`NSBLK`).
    pub nsblk: f64,
    /// Valid samples (`NSTOT`, clipped, less any zero padding trimmed).
    pub nstot: f64,
    pub nchan: f64,
    pub nbits: f64,
    pub npol: f64,
    /// numpy-style type of the stored samples (`uint4`, `int8`, `uint16`, `float32`, ...).
    pub dtype: String,
    /// Sample time (`TBIN`), s.
    pub tbin_seconds: f64,
    /// `CHAN_DM`, when the file has it.
    pub chan_dm: Option<f64>,
    /// Start MJD of sample 0, when the file has `STT_IMJD`.
    pub start_mjd: Option<f64>,
}

/// The frequency axis of a file, row 0 the lowest frequency.
#[napi(object)]
pub struct PsrfitsChannels {
    pub fbottom_mhz: f64,
    pub df_mhz: f64,
    /// The file stores the highest frequency first.
    pub descending_in_file: bool,
}

/// One line of `plot info`.
#[napi(object)]
pub struct SummaryLine {
    pub label: String,
    pub value: String,
}

/// What one decode call wrote.
#[napi(object)]
pub struct PsrfitsDecoded {
    /// Output columns written: `[start, end)`.
    pub column_start: f64,
    pub column_end: f64,
    pub warnings: Vec<String>,
}

/// A PSRFITS search-mode file as its headers, row 0 and last row describe it.
#[napi]
pub struct PsrfitsFile {
    info: SearchInfo,
    axis: Option<ChannelAxis>,
    weights_summary: Option<String>,
    /// Warnings of the HDUs after the SUBINT table.
    header_warnings: Vec<String>,
}

#[napi]
impl PsrfitsFile {
    /// The file described by the headers a reader collected (`nextRange` returned null).
    #[napi(factory)]
    pub fn from_headers(env: Env, reader: &PsrfitsHeaderReader) -> napi::Result<Self> {
        guard(&env, || {
            let Some(headers) = &reader.headers else { bail!(code::ARGUMENT, "the headers are not all read yet (nextRange is not null)") };
            let info = headers.search_info(reader.file_size)?;
            Ok(Self { info, axis: None, weights_summary: None, header_warnings: headers.warnings.clone() })
        })
    }

    #[napi(getter)]
    pub fn layout(&self) -> PsrfitsLayout {
        let i = &self.info;
        PsrfitsLayout {
            data_offset: i.data_offset as f64,
            row_bytes: i.row_bytes as f64,
            nrows: i.nrows as f64,
            nsblk: i.nsblk as f64,
            nstot: i.nstot as f64,
            nchan: i.nchan as f64,
            nbits: i.nbits as f64,
            npol: i.npol as f64,
            dtype: dtype(&i.samples),
            tbin_seconds: i.tbin_s,
            chan_dm: i.chan_dm,
            start_mjd: i.start.map(|s| s.mjd()),
        }
    }

    /// Reads the channel order and the weights summary from row 0's bytes.
    #[napi]
    pub fn set_first_row(&mut self, env: Env, row: &[u8]) -> napi::Result<PsrfitsChannels> {
        guard(&env, || {
            let axis = ChannelAxis::from_row(&self.info, row)?;
            self.weights_summary = Some(row_meta(&self.info, row)?.weights_summary());
            let channels =
                PsrfitsChannels { fbottom_mhz: axis.fbottom_mhz, df_mhz: axis.df_mhz, descending_in_file: axis.descending_in_file };
            self.axis = Some(axis);
            Ok(channels)
        })
    }

    /// Drops trailing all-zero samples of the last row (`lastRow`, its bytes) when the file has no
    /// `NSTOT` (some writers pad the last row); returns how many were dropped.
    #[napi]
    pub fn trim_padding(&mut self, env: Env, last_row: &[u8]) -> napi::Result<u32> {
        guard(&env, || Ok(self.info.trim_trailing_padding(last_row)? as u32))
    }

    /// The rows holding samples `[start, end)` (clipped to the valid samples): `{offset: first row, length: rows}`.
    #[napi]
    pub fn rows_for(&self, env: Env, sample_start: f64, sample_end: f64) -> napi::Result<ByteRange> {
        guard(&env, || {
            let rows = self.info.rows_for(count(sample_start, "sampleStart")?..count(sample_end, "sampleEnd")?);
            Ok(ByteRange { offset: rows.start as f64, length: rows.len() as f64 })
        })
    }

    /// What the options decode (`pols 0 and 1 of AABBCRCI summed`, `pol 2 (CR) of AABBCRCI`); fails
    /// on a pol the file does not have.
    #[napi]
    pub fn polarisation(&self, env: Env, options: PsrfitsReadOptions) -> napi::Result<String> {
        guard(&env, || Ok(pol_plan(&self.info, decode_options(&self.info, &options)?.polarisation)?.description))
    }

    /// Decodes samples `[sampleStart, sampleEnd)` from whole rows (`rows`, starting at row `firstRow`)
    /// into columns `outOffset..` of `out`, a `[nchan][outNtime]` block (row 0 the lowest frequency);
    /// other columns are left as they are.
    #[napi]
    #[allow(clippy::too_many_arguments)]
    pub fn decode(
        &self,
        env: Env,
        rows: &[u8],
        first_row: f64,
        sample_start: f64,
        sample_end: f64,
        options: PsrfitsReadOptions,
        mut out: Float32ArraySlice,
        out_ntime: f64,
        out_offset: f64,
    ) -> napi::Result<PsrfitsDecoded> {
        guard(&env, || {
            let (axis, samples, options) = self.request(sample_start, sample_end, &options)?;
            // SAFETY: the JS thread is blocked in this synchronous call; `out` is the only view written.
            let out = unsafe { out.as_mut() };
            let decoded = psrfits::decode_rows(
                &self.info,
                axis,
                rows,
                count(first_row, "firstRow")?,
                samples,
                &options,
                out,
                count(out_ntime, "outNtime")?,
                count(out_offset, "outOffset")?,
            )?;
            Ok(PsrfitsDecoded {
                column_start: decoded.out_columns.start as f64,
                column_end: decoded.out_columns.end as f64,
                warnings: decoded.warnings,
            })
        })
    }

    /// Decodes samples `[sampleStart, sampleEnd)` from whole rows (`rows`, starting at row `firstRow`)
    /// into `out`, time-major: one spectrum of `nchan` values per sample (lowest frequency first), as
    /// the streaming reducer reads float32 rows. `out` holds exactly the samples asked for.
    #[napi]
    #[allow(clippy::too_many_arguments)]
    pub fn decode_time_major(
        &self,
        env: Env,
        rows: &[u8],
        first_row: f64,
        sample_start: f64,
        sample_end: f64,
        options: PsrfitsReadOptions,
        mut out: Float32ArraySlice,
    ) -> napi::Result<Vec<String>> {
        guard(&env, || {
            let (axis, samples, options) = self.request(sample_start, sample_end, &options)?;
            if samples.end > self.info.nstot {
                bail!(code::RANGE, "samples {}..{} pass the file's {} valid samples", samples.start, samples.end, self.info.nstot);
            }
            // SAFETY: the JS thread is blocked in this synchronous call; `out` is the only view written.
            let out = unsafe { out.as_mut() };
            let decoded = psrfits::decode_rows_time_major(&self.info, axis, rows, count(first_row, "firstRow")?, samples, &options, out)?;
            Ok(decoded.warnings)
        })
    }

    /// The `plot info` lines: the header summary and how row 0 weights the channels.
    #[napi]
    pub fn summary(&self) -> Vec<SummaryLine> {
        let mut lines = self.info.summary(self.axis.as_ref());
        if let Some(weights) = &self.weights_summary {
            lines.push(("DAT_WTS of row 0".to_owned(), weights.clone()));
        }
        lines.into_iter().map(|(label, value)| SummaryLine { label, value }).collect()
    }

    /// Things the user should know (the file may be damaged, or other tools read it differently).
    #[napi(getter)]
    pub fn warnings(&self) -> Vec<String> {
        let axis = self.axis.as_ref().map_or(&[][..], |a| &a.warnings[..]);
        [&self.info.warnings[..], axis, &self.header_warnings[..]].concat()
    }

    /// Quirks handled as a matter of course (TDIM describing bytes, scales of NCHAN values, padding trimmed).
    #[napi(getter)]
    pub fn notes(&self) -> Vec<String> {
        self.info.notes.clone()
    }
}

impl PsrfitsFile {
    fn axis(&self) -> CoreResult<&ChannelAxis> {
        self.axis.as_ref().ok_or_else(|| CoreError::new(code::ARGUMENT, "row 0 has not been read yet (setFirstRow)"))
    }

    /// What a decode call asks for: the channel axis, the samples and the decode options.
    fn request(
        &self,
        sample_start: f64,
        sample_end: f64,
        options: &PsrfitsReadOptions,
    ) -> CoreResult<(&ChannelAxis, Range<usize>, DecodeOptions)> {
        let samples = count(sample_start, "sampleStart")?..count(sample_end, "sampleEnd")?;
        Ok((self.axis()?, samples, decode_options(&self.info, options)?))
    }
}

fn dtype(s: &Samples) -> String {
    match s.format {
        SampleFormat::Packed { bits, signed } => format!("{}int{bits}", if signed { "" } else { "u" }),
        SampleFormat::U8 => "uint8".into(),
        SampleFormat::I8 => "int8".into(),
        SampleFormat::I16Be if s.tzero == 32768.0 => "uint16".into(),
        SampleFormat::I16Be | SampleFormat::I16Le => "int16".into(),
        SampleFormat::U16Le => "uint16".into(),
        SampleFormat::F32Be => "float32".into(),
    }
}

fn decode_options(info: &SearchInfo, o: &PsrfitsReadOptions) -> CoreResult<DecodeOptions> {
    let polarisation = match o.pol.as_deref().map(str::trim) {
        None | Some("sum") => Polarisation::Intensity(Combine::Sum),
        Some("mean") => Polarisation::Intensity(Combine::Mean),
        Some(k) if !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()) => Polarisation::Pol(k.parse().unwrap_or(usize::MAX)),
        Some(name) => pol_by_name(&info.pol_type, name)?,
    };
    Ok(DecodeOptions {
        polarisation,
        apply_scales: o.scales.unwrap_or(true),
        apply_offsets: o.offsets.unwrap_or(true),
        apply_weights: o.weights.unwrap_or(true),
    })
}

/// Where one file's samples go in a combined waterfall.
#[napi(object)]
pub struct PsrfitsPlacement {
    /// Index of the file, in the order added.
    pub file: u32,
    /// The file's samples to decode: `[sampleStart, sampleEnd)`.
    pub sample_start: f64,
    pub sample_end: f64,
    /// Output column of `sampleStart`.
    pub out_offset: f64,
}

/// Several files of one observation on one time axis.
#[napi(object)]
pub struct PsrfitsPlan {
    /// In time order.
    pub placements: Vec<PsrfitsPlacement>,
    /// Output samples in all (gaps included).
    pub ntime: f64,
    /// Start MJD of output sample 0.
    pub start_mjd: f64,
    pub warnings: Vec<String>,
}

/// Files of one observation, split in time, combined into one waterfall.
#[napi]
pub struct PsrfitsSequence {
    files: Vec<(SearchInfo, ChannelAxis)>,
}

#[napi]
impl PsrfitsSequence {
    #[napi(constructor)]
    pub fn new() -> Self {
        Self { files: Vec::new() }
    }

    /// Adds a file (after its `setFirstRow` and `trimPadding`).
    #[napi]
    pub fn add(&mut self, env: Env, file: &PsrfitsFile) -> napi::Result<()> {
        guard(&env, || {
            let axis = file.axis()?.clone();
            self.files.push((file.info.clone(), axis));
            Ok(())
        })
    }

    /// Orders the files by start time and places them: gaps between them are left for the caller
    /// to fill as missing samples, overlaps keep the earlier file's samples.
    #[napi]
    pub fn plan(&self, env: Env) -> napi::Result<PsrfitsPlan> {
        guard(&env, || {
            let pairs: Vec<(&SearchInfo, &ChannelAxis)> = self.files.iter().map(|(i, a)| (i, a)).collect();
            let plan = psrfits::plan_sequence(&pairs)?;
            Ok(PsrfitsPlan {
                placements: plan
                    .placements
                    .iter()
                    .map(|p| PsrfitsPlacement {
                        file: p.file as u32,
                        sample_start: p.samples.start as f64,
                        sample_end: p.samples.end as f64,
                        out_offset: p.out_offset as f64,
                    })
                    .collect(),
                ntime: plan.ntime as f64,
                start_mjd: plan.start.mjd(),
                warnings: plan.warnings,
            })
        })
    }
}

impl Default for PsrfitsSequence {
    fn default() -> Self {
        Self::new()
    }
}
