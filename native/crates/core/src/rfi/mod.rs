//! Radio-frequency interference (RFI): per-channel flags and zero-DM cleaning.
//!
//! Every flagging kernel works on per-channel statistics (one value per channel, row 0 = lowest
//! frequency) and returns one boolean per channel, `true` = flagged by that method. A channel whose
//! statistic is NaN (no valid sample: every sample missing or of weight 0) is *already masked*: no
//! method flags it again, so the origin of its mask stays the file's weights (or whatever masked it).
//!
//! | module | method | origin label |
//! |---|---|---|
//! | [`channel_stats`] | one parallel pass: count, mean, variance, skewness, excess kurtosis, Σx, Σx² | |
//! | [`dead`] | channels whose valid samples are all equal | `constant` |
//! | [`iqrm`] | IQRM (Morello et al. 2022), the `iqrm` package's semantics | `iqrm` |
//! | [`spectral_kurtosis`] | spectral kurtosis with `your`'s estimator and flags | `sk` |
//! | [`fences`] | MAD and Tukey fences, and cfod's catalogue rule | `mad`, `tukey`, `cfod` |
//! | [`zero_dm`] | zero-DM subtraction (Eatough, Keane & Lyne 2009), sigpyproc and jess variants | `zerodm` |
//! | [`rfifind_mask`] | PRESTO `rfifind` `.mask` files | `rfifind` |
//! | [`auto`] | the recommended combination for unknown data (`--mask-auto`) | per method |
//! | [`plan`] | what the options ask for, in one statistics pass, each channel keeping its first origin | per method |

pub mod auto;
pub mod channel_stats;
pub mod dead;
pub mod fences;
pub mod iqrm;
pub mod plan;
pub mod rfifind_mask;
pub mod spectral_kurtosis;
pub mod zero_dm;

/// The method that flagged a channel (or cleaned the data); [`RfiMethod::label`] is the origin label
/// the TypeScript side shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RfiMethod {
    /// No valid sample, or a constant channel ([`dead`]).
    Dead,
    /// IQRM on a channel statistic ([`iqrm`]).
    Iqrm,
    /// Spectral kurtosis ([`spectral_kurtosis`]).
    SpectralKurtosis,
    /// Median ± k·1.4826·MAD fence ([`fences::Fence::Mad`]).
    Mad,
    /// Tukey fence Q1 − k·IQR, Q3 + k·IQR ([`fences::Fence::Tukey`]).
    Tukey,
    /// CHIME/FRB catalogue rule of cfod ([`fences::cfod_catalog_flags`]).
    Cfod,
    /// Zero-DM subtraction ([`zero_dm`]); cleans data, flags no channel.
    ZeroDm,
    /// A PRESTO `rfifind` mask file ([`rfifind_mask`]).
    Rfifind,
}

impl RfiMethod {
    /// The origin label: `constant`, `iqrm`, `sk`, `mad`, `tukey`, `cfod`, `zerodm`, `rfifind`.
    pub fn label(self) -> &'static str {
        match self {
            RfiMethod::Dead => "constant",
            RfiMethod::Iqrm => "iqrm",
            RfiMethod::SpectralKurtosis => "sk",
            RfiMethod::Mad => "mad",
            RfiMethod::Tukey => "tukey",
            RfiMethod::Cfod => "cfod",
            RfiMethod::ZeroDm => "zerodm",
            RfiMethod::Rfifind => "rfifind",
        }
    }
}

/// Checks a threshold-like parameter: finite and positive.
pub(crate) fn check_positive(what: &str, value: f64) -> crate::CoreResult<()> {
    if !(value.is_finite() && value > 0.0) {
        crate::bail!(crate::error::code::ARGUMENT, "{what} must be a positive number, got {value}");
    }
    Ok(())
}
