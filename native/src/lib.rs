//! The N-API boundary of wfall: the only place where Rust meets JavaScript.
//!
//! Every function validates its arguments in Rust (through `wfall-core`),
//! borrows typed arrays without copying, hands new arrays back without copying,
//! and turns any failure into a thrown JS `Error` whose `code` is stable
//! (`E_SHAPE`, `E_NSUB_DIVISOR`, ...). A panic is caught and thrown as
//! `E_INTERNAL`: it never unwinds into Node.

mod boundary;
mod figures;
mod filterbank;
mod waterfall;

pub use figures::*;
pub use filterbank::*;
pub use waterfall::*;

/// A panic becomes a JS error carrying its message and where it happened
/// (boundary::guard); the default hook would also print it to stderr,
/// breaking the CLI's one-line errors.
#[napi_derive::module_init]
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| boundary::note_panic_location(info.location())));
}
