//! A small writer of PSRFITS search-mode files, for the unit tests and the fuzzers' seeds. It packs
//! known raw samples so that tests can compare a decode with values computed straight from them.

use super::cards::BLOCK_BYTES;

/// What to write. Raw samples are indexed `[row][t][pol][chan]` (file channel order).
#[derive(Debug, Clone)]
pub struct Spec {
    pub nbits: usize,
    pub npol: usize,
    pub nchan: usize,
    pub nsblk: usize,
    pub nrows: usize,
    pub pol_type: String,
    pub obs_mode: String,
    pub tbin: f64,
    pub chan_bw: f64,
    /// Written as-is when given (e.g. `7.5`).
    pub zero_off: Option<f64>,
    pub signint: Option<i64>,
    pub nstot: Option<i64>,
    /// `DAT_FREQ` of every row, file order.
    pub freqs: Vec<f64>,
    /// `DAT_SCL`/`DAT_OFFS` hold `NCHAN · NPOL` values (else `NCHAN`).
    pub per_pol_scales: bool,
    /// `[row][pol · nchan + chan]` (only the first `nchan` are written when not per pol).
    pub scales: Vec<Vec<f32>>,
    pub offsets: Vec<Vec<f32>>,
    /// `[row][chan]`.
    pub weights: Vec<Vec<f32>>,
    /// Raw integer samples (ignored for 32 bits).
    pub raw: Vec<i64>,
    /// Raw float samples (32 bits).
    pub raw_f32: Vec<f32>,
    /// Type letter of DATA: `B` (default), `X`, `I` (16-bit), `E` (32-bit).
    pub data_kind: char,
    /// `TDIM` of DATA, as written between the quotes.
    pub data_tdim: Option<String>,
    pub data_tzero: Option<f64>,
    /// More cards for the primary and SUBINT headers (`KEY = value` text).
    pub extra_primary: Vec<String>,
    pub extra_subint: Vec<String>,
}

/// A deterministic pseudo-random number from a seed and index (splitmix64).
pub fn hash(seed: u64, i: u64) -> u64 {
    let mut z = seed.wrapping_add(i.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Spec {
    /// A file with varied raw samples, scales `1 + p/2 + c/8`, offsets `10p − c`, weight 1, and
    /// descending channels from 1500 MHz by 2 MHz (`CHAN_BW = -2`).
    pub fn new(nbits: usize, npol: usize, nchan: usize, nsblk: usize, nrows: usize) -> Self {
        let n = nrows * nsblk * npol * nchan;
        let signed = false;
        let raw: Vec<i64> = (0..n as u64).map(|i| raw_value(nbits, signed, hash(7, i))).collect();
        let raw_f32 = (0..n as u64).map(|i| (hash(9, i) % 20001) as f32 * 0.125 - 1250.0).collect();
        let per_row = |f: &dyn Fn(usize, usize) -> f32| -> Vec<Vec<f32>> {
            (0..nrows).map(|r| (0..npol * nchan).map(|i| f(r, i)).collect()).collect()
        };
        Self {
            nbits,
            npol,
            nchan,
            nsblk,
            nrows,
            pol_type: match npol {
                1 => "AA+BB",
                2 => "AABB",
                _ => "AABBCRCI",
            }
            .to_owned(),
            obs_mode: "SEARCH".to_owned(),
            tbin: 64e-6,
            chan_bw: -2.0,
            zero_off: None,
            signint: None,
            nstot: None,
            freqs: (0..nchan).map(|c| 1500.0 - 2.0 * c as f64).collect(),
            per_pol_scales: true,
            scales: per_row(&|r, i| 1.0 + (i / nchan) as f32 * 0.5 + (i % nchan) as f32 * 0.125 + r as f32 * 0.0625),
            offsets: per_row(&|r, i| 10.0 * (i / nchan) as f32 - (i % nchan) as f32 + r as f32),
            weights: vec![vec![1.0; nchan]; nrows],
            raw,
            raw_f32,
            data_kind: match nbits {
                16 => 'I',
                32 => 'E',
                _ => 'B',
            },
            data_tdim: None,
            data_tzero: None,
            extra_primary: Vec::new(),
            extra_subint: Vec::new(),
        }
    }

    /// Makes the raw integers signed two's complement values (and writes `SIGNINT = 1`).
    pub fn signed(mut self) -> Self {
        self.signint = Some(1);
        self.raw = (0..self.raw.len() as u64).map(|i| raw_value(self.nbits, true, hash(7, i))).collect();
        self
    }

    pub fn samples_per_row(&self) -> usize {
        self.nsblk * self.npol * self.nchan
    }

    /// Bytes of DATA per row.
    fn data_bytes(&self) -> usize {
        match self.data_kind {
            'I' => self.samples_per_row() * 2,
            'E' => self.samples_per_row() * 4,
            _ => (self.samples_per_row() * self.nbits).div_ceil(8),
        }
    }

    fn scale_len(&self) -> usize {
        if self.per_pol_scales {
            self.npol * self.nchan
        } else {
            self.nchan
        }
    }

    /// The DATA bytes of row `r`.
    pub fn pack_row(&self, r: usize) -> Vec<u8> {
        let n = self.samples_per_row();
        let mut out = vec![0u8; self.data_bytes()];
        for i in 0..n {
            let v = self.raw[r * n + i];
            match (self.nbits, self.data_kind) {
                (32, _) => out[4 * i..4 * i + 4].copy_from_slice(&self.raw_f32[r * n + i].to_be_bytes()),
                (16, 'I') => out[2 * i..2 * i + 2].copy_from_slice(&((v - self.data_tzero.unwrap_or(0.0) as i64) as i16).to_be_bytes()),
                (16, _) => out[2 * i..2 * i + 2].copy_from_slice(&(v as u16).to_le_bytes()),
                (8, _) => out[i] = (v - self.data_tzero.unwrap_or(0.0) as i64) as u8,
                (bits, _) => {
                    let bit = i * bits;
                    let mask = (1i64 << bits) - 1;
                    out[bit / 8] |= ((v & mask) as u8) << (8 - bits - bit % 8);
                }
            }
        }
        out
    }

    /// The whole file.
    pub fn bytes(&self) -> Vec<u8> {
        let mut primary = vec![
            "SIMPLE  =                    T".to_owned(),
            "BITPIX  =                    8".into(),
            "NAXIS   =                    0".into(),
            "EXTEND  =                    T".into(),
            format!("OBS_MODE= '{}'", self.obs_mode),
            "TELESCOP= 'Test'".into(),
            "BACKEND = 'wfall'".into(),
            "FRONTEND= 'rx'".into(),
            "SRC_NAME= 'J0000+0000'".into(),
            "RA      = '00:00:00.0'".into(),
            "DEC     = '+00:00:00.0'".into(),
            "OBSFREQ =               1400.0".into(),
            "STT_IMJD=                60000".into(),
            "STT_SMJD=                 3600".into(),
            "STT_OFFS=                 0.25".into(),
        ];
        primary.extend(self.extra_primary.iter().cloned());
        let n_freq = self.nchan;
        let columns: Vec<(&str, String)> = vec![
            ("TSUBINT", "1D".into()),
            ("OFFS_SUB", "1D".into()),
            ("DAT_FREQ", format!("{n_freq}D")),
            ("DAT_WTS", format!("{}E", self.nchan)),
            ("DAT_OFFS", format!("{}E", self.scale_len())),
            ("DAT_SCL", format!("{}E", self.scale_len())),
            (
                "DATA",
                match self.data_kind {
                    'X' => format!("{}X", self.samples_per_row() * self.nbits),
                    'I' => format!("{}I", self.samples_per_row()),
                    'E' => format!("{}E", self.samples_per_row()),
                    _ => format!("{}B", self.data_bytes()),
                },
            ),
        ];
        let row_bytes = 8 + 8 + 8 * n_freq + 4 * self.nchan + 8 * self.scale_len() + self.data_bytes();
        let mut subint = vec![
            "XTENSION= 'BINTABLE'".to_owned(),
            "BITPIX  =                    8".into(),
            "NAXIS   =                    2".into(),
            format!("NAXIS1  = {row_bytes:>20}"),
            format!("NAXIS2  = {:>20}", self.nrows),
            "PCOUNT  =                    0".into(),
            "GCOUNT  =                    1".into(),
            format!("TFIELDS = {:>20}", columns.len()),
        ];
        for (i, (name, form)) in columns.iter().enumerate() {
            subint.push(format!("TTYPE{:<3}= '{name}'", i + 1));
            subint.push(format!("TFORM{:<3}= '{form}'", i + 1));
        }
        if let Some(t) = &self.data_tdim {
            subint.push(format!("TDIM7   = '{t}'"));
        }
        if let Some(z) = self.data_tzero {
            subint.push(format!("TZERO7  = {z:>20}"));
        }
        subint.extend([
            "EXTNAME = 'SUBINT  '".to_owned(),
            format!("NBITS   = {:>20}", self.nbits),
            format!("NPOL    = {:>20}", self.npol),
            format!("POL_TYPE= '{}'", self.pol_type),
            format!("NCHAN   = {:>20}", self.nchan),
            format!("NSBLK   = {:>20}", self.nsblk),
            format!("TBIN    = {:>20e}", self.tbin),
            format!("CHAN_BW = {:>20}", self.chan_bw),
            "NBIN    =                    1".into(),
            "NSUBOFFS=                    0".into(),
        ]);
        if let Some(z) = self.zero_off {
            subint.push(format!("ZERO_OFF= {z:>20}"));
        }
        if let Some(s) = self.signint {
            subint.push(format!("SIGNINT = {s:>20}"));
        }
        if let Some(n) = self.nstot {
            subint.push(format!("NSTOT   = {n:>20}"));
        }
        subint.extend(self.extra_subint.iter().cloned());
        let mut out = header_bytes(&primary);
        out.extend(header_bytes(&subint));
        let tsub = self.tbin * self.nsblk as f64;
        for r in 0..self.nrows {
            out.extend(tsub.to_be_bytes());
            out.extend((tsub * (r as f64 + 0.5)).to_be_bytes());
            self.freqs.iter().for_each(|f| out.extend(f.to_be_bytes()));
            self.weights[r].iter().for_each(|w| out.extend(w.to_be_bytes()));
            self.offsets[r][..self.scale_len()].iter().for_each(|v| out.extend(v.to_be_bytes()));
            self.scales[r][..self.scale_len()].iter().for_each(|v| out.extend(v.to_be_bytes()));
            out.extend(self.pack_row(r));
        }
        out.resize(out.len().div_ceil(BLOCK_BYTES) * BLOCK_BYTES, 0);
        out
    }
}

/// A raw value of `nbits` from a random number: unsigned `0..2^nbits`, or signed `−2^(nbits−1)..2^(nbits−1)`.
fn raw_value(nbits: usize, signed: bool, h: u64) -> i64 {
    // unsigned 16-bit values stay below 2^15, so an I column holds them without TZERO
    let bits = if nbits == 16 && !signed { 15 } else { nbits.min(16) };
    let v = (h % (1u64 << bits)) as i64;
    if signed {
        v - (1i64 << (bits - 1))
    } else {
        v
    }
}

/// Header cards as whole blocks, `END` appended.
pub fn header_bytes(cards: &[String]) -> Vec<u8> {
    let mut out: Vec<u8> = cards.iter().map(String::as_str).chain(["END"]).flat_map(|c| format!("{c:<80.80}").into_bytes()).collect();
    out.resize(out.len().div_ceil(BLOCK_BYTES) * BLOCK_BYTES, b' ');
    out
}

/// Replaces (or, with `None`, blanks out) the first header card whose keyword is `key`, anywhere in the
/// headers of `file`; returns whether one was found.
pub fn set_card(file: &mut [u8], key: &str, card: Option<&str>) -> bool {
    let key8 = format!("{key:<8}");
    for at in (0..file.len().saturating_sub(79)).step_by(80) {
        if &file[at..at + 8] == key8.as_bytes() && (file[at + 8] == b'=' || key == "END") {
            let text = card.map_or(" ".repeat(80), |c| format!("{c:<80.80}"));
            file[at..at + 80].copy_from_slice(text.as_bytes());
            return true;
        }
    }
    false
}
