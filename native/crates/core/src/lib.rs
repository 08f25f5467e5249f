//! wfall's numeric core: kernels on whole waterfalls (`[nchan][ntime]` f32,
//! row 0 = lowest frequency) with an optional weights array beside them.
//! Nothing here panics on bad input: every entry point validates its
//! arguments and returns a [`CoreError`] with a stable code.

pub mod blocks;
pub mod colormap;
mod colormap_tables;
pub mod dedisperse;
pub mod error;
pub mod filterbank;
#[doc(hidden)]
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod heatmap;
pub mod masks;
pub mod normalise;
pub mod percentile;
pub mod probe;
mod select;
pub mod shape;
pub mod stats;
pub mod weights;

pub use error::{CoreError, CoreResult};
pub use shape::{Shape, Span};
