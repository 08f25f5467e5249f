//! Checksums of file contents.

use napi::Env;
use napi_derive::napi;

use crate::boundary::guard;

/// The CRC-32 (zip's) of `bytes`, computed in parallel.
#[napi]
pub fn crc32(env: Env, bytes: &[u8]) -> napi::Result<u32> {
    guard(&env, || Ok(wfall_core::checksum::crc32(bytes)))
}
