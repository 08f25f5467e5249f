//! The benchmarks' memory-bandwidth probe (bench/ours/bandwidth.mjs): the
//! floor every kernel is compared with.

use napi::Env;
use napi_derive::napi;

use crate::boundary::guard;

/// Reads every value once, in parallel; returns their sum.
#[napi]
pub fn read_all(env: Env, values: &[f32]) -> napi::Result<f64> {
    guard(&env, || Ok(wfall_core::probe::read_all(values)))
}
