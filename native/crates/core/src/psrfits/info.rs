//! What a PSRFITS search-mode file holds, from its primary and SUBINT headers.
//!
//! Each SUBINT row holds `NSBLK` spectra of `NPOL · NCHAN` samples of `NBITS` bits in the `DATA` column,
//! in memory order (time, pol, channel), plus per-row `DAT_FREQ`, `DAT_WTS`, `DAT_OFFS`, `DAT_SCL`.
//! Row `r` starts at byte `data_offset + r · NAXIS1` of the file. The file holds `NSTOT` valid samples
//! (default `NSBLK · NAXIS2`; the last row may be partly filled). It starts at
//! `MJD = STT_IMJD + (STT_SMJD + STT_OFFS + NSUBOFFS · NSBLK · TBIN) / 86400`.
//!
//! Decisions (see also `decode`):
//! - `OBS_MODE` must be `SEARCH` (or Parkes' `SRCH`); `PSR`/`CAL` files hold folded profiles and are
//!   refused with `E_UNSUPPORTED`. A file without `OBS_MODE` is read as search mode when `NBIN` is absent or 1.
//! - A file shorter than `NAXIS2` rows is trimmed to the whole rows it holds, with a warning.
//! - `NSTOT` larger than the rows hold is clipped, with a warning; `NSTOT <= 0` is ignored.
//! - `TDIM` of `DATA` is ignored: for `NBITS < 8` it describes bytes, not samples (Parkes/Medusa).
//! - `DAT_SCL`/`DAT_OFFS` may hold `NCHAN · NPOL` values (per pol and channel) or only `NCHAN` (the same
//!   for every pol, as `your`'s writer does); `DAT_WTS` holds `NCHAN`. A missing `DAT_WTS`, `DAT_SCL` or
//!   `DAT_OFFS` column means weights 1, scales 1, offsets 0 (with a warning).
//! - Placeholder values (`NCHNOFFS = '*'`) count as absent; integers written as reals (`NSUBOFFS = 0.0`)
//!   are accepted.

use crate::bail;
use crate::error::{code, CoreResult};

use super::cards::{Card, Header};
use super::channels::ChannelAxis;
use super::samples::Samples;
use super::table::{Column, Table};

/// Seconds per day.
pub const SECONDS_PER_DAY: f64 = 86400.0;

/// A start time kept as whole MJD and seconds past it, so two files' offsets keep microsecond precision.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StartTime {
    pub mjd_day: i64,
    pub seconds: f64,
}

impl StartTime {
    /// The MJD as one number (about 1 µs resolution).
    pub fn mjd(&self) -> f64 {
        self.mjd_day as f64 + self.seconds / SECONDS_PER_DAY
    }

    /// Seconds from `earlier` to `self`.
    pub fn seconds_since(&self, earlier: &StartTime) -> f64 {
        (self.mjd_day - earlier.mjd_day) as f64 * SECONDS_PER_DAY + (self.seconds - earlier.seconds)
    }
}

/// How the per-channel scales and offsets are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleLayout {
    /// `NCHAN · NPOL` values, pol-major: value `p · NCHAN + c`.
    PerPolChannel,
    /// `NCHAN` values shared by every pol.
    PerChannel,
}

/// The SUBINT columns the reader uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Columns {
    pub data: Column,
    pub freq: Option<Column>,
    pub weights: Option<Column>,
    pub offsets: Option<Column>,
    pub scales: Option<Column>,
    pub offsets_layout: ScaleLayout,
    pub scales_layout: ScaleLayout,
    pub offs_sub: Option<Column>,
}

/// A PSRFITS search-mode file, as its headers describe it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchInfo {
    pub obs_mode: String,
    /// `NBITS`: bits per sample.
    pub nbits: usize,
    pub npol: usize,
    /// `POL_TYPE`, trimmed and upper case (`AA+BB`, `AABBCRCI`, `IQUV`, ...).
    pub pol_type: String,
    pub nchan: usize,
    /// `NSBLK`: samples per row.
    pub nsblk: usize,
    /// `NAXIS1`: bytes per row.
    pub row_bytes: usize,
    /// `NAXIS2`: rows declared.
    pub nrows_declared: usize,
    /// Whole rows the file holds (`NAXIS2`, or fewer when the file is cut short).
    pub nrows: usize,
    /// `NSTOT` as written, when present and positive.
    pub nstot_declared: Option<usize>,
    /// Valid samples: `NSTOT` (default `NSBLK · NAXIS2`) clipped to the rows held, minus detected padding.
    pub nstot: usize,
    pub tbin_s: f64,
    /// `ZERO_OFF` (default 0), subtracted from every raw sample.
    pub zero_off: f64,
    /// `SIGNINT = 1`: raw samples are two's complement.
    pub signint: bool,
    pub chan_bw_mhz: f64,
    pub nsuboffs: i64,
    pub nchnoffs: i64,
    pub chan_dm: Option<f64>,
    pub stt_imjd: Option<i64>,
    pub stt_smjd: Option<f64>,
    pub stt_offs_s: Option<f64>,
    /// `STT_IMJD` + (`STT_SMJD` + `STT_OFFS` + `NSUBOFFS · NSBLK · TBIN`) / 86400; `None` without `STT_IMJD`.
    pub start: Option<StartTime>,
    pub obsfreq_mhz: Option<f64>,
    pub obsbw_mhz: Option<f64>,
    pub telescope: String,
    pub backend: String,
    pub frontend: String,
    pub src_name: String,
    pub ra: String,
    pub dec: String,
    pub date_obs: String,
    /// Byte offset of the SUBINT data (row 0) in the file.
    pub data_offset: u64,
    pub table: Table,
    pub columns: Columns,
    /// How raw samples are stored.
    pub samples: Samples,
    pub primary_cards: Vec<Card>,
    pub subint_cards: Vec<Card>,
    /// Things the user should know: the file may be damaged or read differently by other tools.
    pub warnings: Vec<String>,
    /// Quirks handled as a matter of course (TDIM describing bytes, NCHAN-long scales, ...).
    pub notes: Vec<String>,
}

impl SearchInfo {
    /// Validates and reads the headers of a search-mode file whose SUBINT data start at byte
    /// `subint_data_offset` of a file of `file_size` bytes.
    pub fn from_headers(primary: &[Card], subint: &[Card], subint_data_offset: u64, file_size: u64) -> CoreResult<Self> {
        let p = Header::new(primary, "primary");
        let s = Header::new(subint, "SUBINT");
        let mut warnings = Vec::new();
        let mut notes = Vec::new();
        match s.string("EXTNAME") {
            Some(name) if name.trim().eq_ignore_ascii_case("SUBINT") => {}
            other => bail!(code::HEADER, "expected the SUBINT table, got EXTNAME = {:?}", other.unwrap_or_default()),
        }
        let nbin = s.int("NBIN")?;
        let obs_mode = p.string("OBS_MODE").map(|m| m.trim().to_ascii_uppercase()).unwrap_or_default();
        match obs_mode.as_str() {
            "SEARCH" | "SRCH" => {}
            "" if nbin.unwrap_or(1) == 1 => warnings.push("the primary header has no OBS_MODE; read as search mode since NBIN is 1".to_owned()),
            "PSR" | "CAL" | "" => bail!(
                code::UNSUPPORTED,
                "this is a fold-mode PSRFITS file (OBS_MODE = '{obs_mode}', NBIN = {}): PSR and CAL files hold pulse profiles folded at a period, \
                 not a time series, so they have no waterfall to plot. Only search-mode (OBS_MODE = 'SEARCH') files can be read",
                nbin.map_or("absent".to_owned(), |n| n.to_string())
            ),
            other => bail!(code::UNSUPPORTED, "OBS_MODE = '{other}' is not a search-mode PSRFITS file (SEARCH); PSR/CAL files are folded profiles"),
        }
        let table = Table::from_cards(subint, "SUBINT")?;
        if s.int("PCOUNT")?.unwrap_or(0) != 0 {
            notes.push("the SUBINT table has a heap (PCOUNT > 0); search data do not use it".to_owned());
        }

        let nbits = s.int_in("NBITS", 0, 64)?;
        let npol = s.int_in("NPOL", 1, 4)?;
        let nchan = s.int_in("NCHAN", 1, 1 << 24)?;
        let nsblk = s.int_in("NSBLK", 1, 1 << 31)?;
        let pol_type = s.string("POL_TYPE").unwrap_or_default().trim().to_ascii_uppercase();
        let tbin_s = match s.float("TBIN")? {
            Some(t) if t > 0.0 => t,
            other => bail!(code::HEADER, "SUBINT header needs a positive TBIN (seconds per sample), found {other:?}"),
        };
        let zero_off = s.float("ZERO_OFF")?.unwrap_or(0.0);
        if zero_off < 0.0 {
            warnings.push(format!("ZERO_OFF = {zero_off} is negative: subtracted as written (PRESTO would use |ZERO_OFF|)"));
        }
        let signint = match s.get("SIGNINT") {
            Some(super::cards::Value::Logical(b)) => *b,
            _ => s.int("SIGNINT")?.unwrap_or(0) != 0,
        };
        let chan_bw_mhz = s.float("CHAN_BW")?.unwrap_or(0.0);
        let mut nsuboffs = s.int("NSUBOFFS")?.unwrap_or(0);
        if nsuboffs < 0 {
            warnings.push(format!("NSUBOFFS = {nsuboffs} is negative; using 0"));
            nsuboffs = 0;
        }
        let nchnoffs = s.int("NCHNOFFS")?.unwrap_or(0);
        if nchnoffs > 0 {
            notes.push(format!("NCHNOFFS = {nchnoffs}: this file holds part of a band split in frequency"));
        }

        // Columns.
        let column = |name: &str| table.column(name).cloned();
        let Some(data) = column("DATA") else { bail!(code::HEADER, "the SUBINT table has no DATA column") };
        let samples = Samples::from_column(&data, nbits, npol, nchan, nsblk, signint, &mut warnings, &mut notes)?;
        let freq = column("DAT_FREQ");
        let weights = column("DAT_WTS");
        let offsets = column("DAT_OFFS");
        let scales = column("DAT_SCL");
        for (name, col, need) in [("DAT_FREQ", &freq, nchan), ("DAT_WTS", &weights, nchan)] {
            if let Some(c) = col {
                check_numeric(c, need)?;
            }
            if col.is_none() && name == "DAT_WTS" {
                warnings.push("no DAT_WTS column: every channel has weight 1".to_owned());
            }
        }
        if freq.is_none() {
            warnings.push("no DAT_FREQ column: channel frequencies come from OBSFREQ and CHAN_BW".to_owned());
        }
        let mut layout = |name: &str, col: &Option<Column>, default: &str| -> CoreResult<ScaleLayout> {
            let Some(c) = col else {
                warnings.push(format!("no {name} column: {default}"));
                return Ok(ScaleLayout::PerPolChannel);
            };
            if c.repeat >= nchan * npol {
                check_numeric(c, nchan * npol)?;
                Ok(ScaleLayout::PerPolChannel)
            } else {
                check_numeric(c, nchan)?;
                notes.push(format!(
                    "{name} holds {} values, NCHAN but not NCHAN x NPOL = {}: the same values are used for every pol",
                    c.repeat,
                    nchan * npol
                ));
                Ok(ScaleLayout::PerChannel)
            }
        };
        let offsets_layout = layout("DAT_OFFS", &offsets, "offsets 0")?;
        let scales_layout = layout("DAT_SCL", &scales, "scales 1")?;
        let offs_sub = column("OFFS_SUB").filter(|c| c.kind == 'D' || c.kind == 'E');

        // Rows and samples actually present.
        let row_bytes = table.row_bytes;
        let nrows_declared = table.nrows;
        if nrows_declared == 0 {
            bail!(code::HEADER, "the SUBINT table has no rows (NAXIS2 = 0)");
        }
        let available = file_size.saturating_sub(subint_data_offset) / row_bytes as u64;
        let nrows = (nrows_declared as u64).min(available) as usize;
        if nrows == 0 {
            bail!(code::CORRUPT, "the file ends before the first SUBINT row: {file_size} bytes, data start at {subint_data_offset}, rows of {row_bytes} bytes");
        }
        if nrows < nrows_declared {
            warnings
                .push(format!("the file is cut short: it holds {nrows} whole rows of the {nrows_declared} NAXIS2 declares; reading those"));
        }
        let full =
            nrows_declared.checked_mul(nsblk).ok_or_else(|| crate::error::CoreError::new(code::HEADER, "NSBLK x NAXIS2 overflows"))?;
        let nstot_declared = match s.int("NSTOT")? {
            Some(n) if n > 0 => Some(n as usize),
            Some(n) => {
                notes.push(format!("NSTOT = {n} ignored"));
                None
            }
            None => None,
        };
        let mut nstot = nstot_declared.unwrap_or(full);
        if nstot > full {
            warnings.push(format!("NSTOT = {nstot} is more than NSBLK x NAXIS2 = {full}; using {full}"));
            nstot = full;
        }
        nstot = nstot.min(nrows * nsblk);

        let stt_imjd = p.int("STT_IMJD")?;
        let stt_smjd = p.float("STT_SMJD")?;
        let stt_offs_s = p.float("STT_OFFS")?;
        let start = stt_imjd.map(|day| StartTime {
            mjd_day: day,
            seconds: stt_smjd.unwrap_or(0.0) + stt_offs_s.unwrap_or(0.0) + nsuboffs as f64 * nsblk as f64 * tbin_s,
        });
        if start.is_none() {
            warnings.push("the primary header has no STT_IMJD: the start time is unknown".to_owned());
        }
        let text = |h: &Header, key: &str| h.string(key).unwrap_or_default().trim().to_owned();
        Ok(Self {
            obs_mode,
            nbits,
            npol,
            pol_type,
            nchan,
            nsblk,
            row_bytes,
            nrows_declared,
            nrows,
            nstot_declared,
            nstot,
            tbin_s,
            zero_off,
            signint,
            chan_bw_mhz,
            nsuboffs,
            nchnoffs,
            chan_dm: p.float("CHAN_DM")?,
            stt_imjd,
            stt_smjd,
            stt_offs_s,
            start,
            obsfreq_mhz: p.float("OBSFREQ")?,
            obsbw_mhz: p.float("OBSBW")?,
            telescope: text(&p, "TELESCOP"),
            backend: text(&p, "BACKEND"),
            frontend: text(&p, "FRONTEND"),
            src_name: text(&p, "SRC_NAME"),
            ra: text(&p, "RA"),
            dec: text(&p, "DEC"),
            date_obs: text(&p, "DATE-OBS"),
            data_offset: subint_data_offset,
            columns: Columns { data, freq, weights, offsets, scales, offsets_layout, scales_layout, offs_sub },
            table,
            samples,
            primary_cards: primary.to_vec(),
            subint_cards: subint.to_vec(),
            warnings,
            notes,
        })
    }

    /// Byte offset of row `row` in the file.
    pub fn row_offset(&self, row: usize) -> u64 {
        self.data_offset + row as u64 * self.row_bytes as u64
    }

    /// The rows that hold samples `samples` (clipped to the valid ones); empty when none are valid.
    pub fn rows_for(&self, samples: std::ops::Range<usize>) -> std::ops::Range<usize> {
        let (start, end) = (samples.start.min(self.nstot), samples.end.min(self.nstot));
        if start >= end {
            return 0..0;
        }
        start / self.nsblk..end.div_ceil(self.nsblk)
    }

    /// Seconds the valid samples span.
    pub fn duration_s(&self) -> f64 {
        self.nstot as f64 * self.tbin_s
    }

    /// Without `NSTOT`, some writers pad the last row with zero bytes (`your`'s writer: 28.fits holds
    /// 5523 samples of which the last 403 are zeros). Given the last row's bytes, counts the trailing
    /// spectra whose samples are all zero bits and, when some of that row is not zero, drops them from
    /// `nstot` with a note. Does nothing when `NSTOT` is present or the whole row is zero (a dropped
    /// block, not padding). Returns how many samples were dropped.
    pub fn trim_trailing_padding(&mut self, last_row: &[u8]) -> CoreResult<usize> {
        if self.nstot_declared.is_some() || self.nstot != self.nrows * self.nsblk {
            return Ok(0);
        }
        if last_row.len() != self.row_bytes {
            bail!(code::SHAPE, "the last row should have {} bytes, got {}", self.row_bytes, last_row.len());
        }
        let data = self.columns.data.bytes(last_row)?;
        let bits_per_spectrum = self.npol * self.nchan * self.nbits;
        let zero = |t: usize| bits_zero(data, t * bits_per_spectrum, (t + 1) * bits_per_spectrum);
        let padding = (0..self.nsblk).rev().take_while(|&t| zero(t)).count();
        if padding == 0 || padding == self.nsblk {
            return Ok(0);
        }
        self.nstot -= padding;
        self.notes.push(format!(
            "no NSTOT, and the last {padding} samples of the last row are all zero bytes: treated as padding, {} samples remain",
            self.nstot
        ));
        Ok(padding)
    }

    /// A `plot info` summary: label and value, in reading order. Channel frequencies come from `axis`
    /// when given (built from row 0).
    pub fn summary(&self, axis: Option<&ChannelAxis>) -> Vec<(String, String)> {
        let mut out: Vec<(&str, String)> = vec![
            ("format", "PSRFITS search mode".to_owned()),
            ("telescope", self.telescope.clone()),
            ("backend", self.backend.clone()),
            ("OBS_MODE", self.obs_mode.clone()),
            ("frontend", self.frontend.clone()),
            ("source", self.src_name.clone()),
            ("RA, Dec", format!("{} {}", self.ra, self.dec)),
            ("date", self.date_obs.clone()),
            ("start MJD", self.start.map_or("unknown".to_owned(), |s| format!("{:.10}", s.mjd()))),
            ("bits per sample", format!("{} ({})", self.nbits, self.samples.format.describe())),
            ("polarisations", format!("{} ({})", self.npol, if self.pol_type.is_empty() { "no POL_TYPE" } else { &self.pol_type })),
            ("channels", self.nchan.to_string()),
            ("CHAN_BW", format!("{} MHz", self.chan_bw_mhz)),
            ("samples per row (NSBLK)", self.nsblk.to_string()),
            (
                "rows",
                if self.nrows == self.nrows_declared {
                    self.nrows.to_string()
                } else {
                    format!("{} of {} declared", self.nrows, self.nrows_declared)
                },
            ),
            ("samples", self.nstot.to_string()),
            ("sample time", format!("{} us", self.tbin_s * 1e6)),
            ("duration", format!("{:.6} s", self.duration_s())),
            ("ZERO_OFF", self.zero_off.to_string()),
            ("SIGNINT", (self.signint as u8).to_string()),
            ("NSUBOFFS", self.nsuboffs.to_string()),
        ];
        if let Some(axis) = axis {
            let (lo, hi) = (axis.freqs_mhz[0], axis.freqs_mhz[axis.freqs_mhz.len() - 1]);
            out.insert(
                12,
                ("frequencies", format!("{lo} to {hi} MHz (centres), df {} MHz, fbottom {} MHz", axis.df_mhz, axis.fbottom_mhz)),
            );
            out.insert(13, ("channel order in file", (if axis.descending_in_file { "descending" } else { "ascending" }).to_owned()));
        }
        if let Some(dm) = self.chan_dm {
            out.push(("CHAN_DM", dm.to_string()));
        }
        out.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
    }
}

/// Checks that a per-channel column is numeric and holds at least `need` values.
fn check_numeric(c: &Column, need: usize) -> CoreResult<()> {
    if !"BIJKED".contains(c.kind) {
        bail!(code::UNSUPPORTED, "column {} has type {}; a numeric type (E or D) is expected", c.name, c.kind);
    }
    if c.repeat < need {
        bail!(code::HEADER, "column {} holds {} values per row but {need} are needed", c.name, c.repeat);
    }
    Ok(())
}

/// Whether bits `[start, end)` of `data` (most significant bit of byte 0 first) are all zero.
fn bits_zero(data: &[u8], start: usize, end: usize) -> bool {
    let mut bit = start;
    while bit < end {
        let byte = data[bit / 8];
        if bit % 8 < 1 && end - bit >= 8 {
            if byte != 0 {
                return false;
            }
            bit += 8;
        } else {
            if byte & (0x80 >> (bit % 8)) != 0 {
                return false;
            }
            bit += 1;
        }
    }
    true
}
