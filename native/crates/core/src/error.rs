//! Errors of the numeric core. Every failure carries a stable code that the
//! JavaScript side exposes as `error.code`, and a message saying what is wrong.

use std::fmt;

/// Stable error codes shared with the TypeScript packages.
pub mod code {
    /// A buffer length does not match the declared shape, or a shape is empty.
    pub const SHAPE: &str = "E_SHAPE";
    /// A parameter is out of its domain (negative factor, NaN threshold, ...).
    pub const ARGUMENT: &str = "E_ARGUMENT";
    /// `nchan` is not a multiple of the requested number of subbands.
    pub const NSUB_DIVISOR: &str = "E_NSUB_DIVISOR";
    /// The DM (or the shift it implies) is not a finite number.
    pub const DM_RANGE: &str = "E_DM_RANGE";
    /// A sub-block (channels or samples range) lies outside the data.
    pub const RANGE: &str = "E_RANGE";
    /// Two arguments that are written to share memory.
    pub const ALIAS: &str = "E_ALIAS";
    /// An SVG could not be parsed or turned into PDF/PNG.
    pub const RENDER: &str = "E_RENDER";
    /// A font file could not be read or holds no usable face.
    pub const FONT: &str = "E_FONT";
    /// A measurement has nothing to measure: no valid sample, or noise of zero.
    pub const DEGENERATE: &str = "E_DEGENERATE";
}

/// An error of the numeric core: a stable code and a human-readable message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreError {
    pub code: &'static str,
    pub message: String,
}

impl CoreError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for CoreError {}

pub type CoreResult<T> = Result<T, CoreError>;

/// The message a panic was raised with (`panic!("...")`, `unwrap` on `None`, ...).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}

/// Returns `Err(CoreError)` with the given code and formatted message.
#[macro_export]
macro_rules! bail {
    ($code:expr, $($arg:tt)*) => {
        return Err($crate::error::CoreError::new($code, format!($($arg)*)))
    };
}
