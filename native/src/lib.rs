//! The N-API boundary of wfall: the only place where Rust meets JavaScript.
//!
//! Every function validates its arguments in Rust (through `wfall-core`),
//! borrows typed arrays without copying, hands new arrays back without copying,
//! and turns any failure into a thrown JS `Error` whose `code` is stable
//! (`E_SHAPE`, `E_NSUB_DIVISOR`, ...). A panic is caught and thrown as
//! `E_INTERNAL`: it never unwinds into Node. Options arrive as typed objects
//! with string enums and are converted once, in `options`. The modules mirror
//! `crates/core/src`.

mod blocks;
mod boundary;
mod checksum;
mod dedisperse;
mod filterbank;
mod masks;
mod measure;
mod options;
mod probe;
mod psrfits;
mod render;
mod rfi;
mod stats;
mod stream;

pub use blocks::*;
pub use checksum::*;
pub use dedisperse::*;
pub use filterbank::*;
pub use masks::*;
pub use measure::*;
pub use options::*;
pub use probe::*;
pub use psrfits::*;
pub use render::*;
pub use rfi::*;
pub use stats::*;
pub use stream::*;

use napi_derive::napi;

/// Every error code the native core can throw (the TypeScript list of codes includes them all).
#[napi]
pub fn native_error_codes() -> Vec<&'static str> {
    wfall_core::error::code::ALL.to_vec()
}

/// A panic becomes a JS error carrying its message and where it happened
/// (boundary::guard); the default hook would also print it to stderr,
/// breaking the CLI's one-line errors.
#[napi_derive::module_init]
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| boundary::note_panic_location(info.location())));
}
