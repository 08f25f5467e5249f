//! Checksums of file contents.

use napi::Env;
use napi_derive::napi;

use crate::boundary::guard;

/// The CRC-32 (zip's) of `bytes`, computed in parallel; with `previous` (the CRC of the bytes
/// before them), the CRC of both: a member read in pieces is checked piece by piece.
#[napi]
pub fn crc32(env: Env, bytes: &[u8], previous: Option<u32>) -> napi::Result<u32> {
    guard(&env, || {
        Ok(match previous {
            Some(p) => wfall_core::checksum::crc32_after(p, bytes),
            None => wfall_core::checksum::crc32(bytes),
        })
    })
}
