//! SIGPROC filterbank samples: unpacking to a waterfall, and packing.

use napi::bindgen_prelude::{Buffer, Float32Array};
use napi::Env;
use napi_derive::napi;
use wfall_core::filterbank::{self, Layout};
use wfall_core::{CoreResult, Shape};

use crate::boundary::{count, guard};

/// How a filterbank stores its samples.
#[napi(object)]
pub struct FilterbankLayout {
    /// 1, 2, 4, 8, 16 or 32 (float).
    pub nbits: f64,
    pub nchan: f64,
    /// Channel 0 of the file is the highest frequency (negative foff).
    pub descending: bool,
    /// 8- or 16-bit samples are two's complement (the header's `signed`); default false.
    pub signed: Option<bool>,
}

pub(crate) fn layout(l: &FilterbankLayout) -> CoreResult<Layout> {
    Layout::new(count(l.nbits, "nbits")?, count(l.nchan, "nchan")?, l.descending)?.with_signed(l.signed.unwrap_or(false))
}

/// A waterfall `[nchan][ntime]` (row 0 lowest frequency) from time-major packed samples.
#[napi(object)]
pub struct Unpacked {
    pub intensity: Float32Array,
    pub nchan: u32,
    pub ntime: u32,
}

/// Unpacks time-major rows of packed samples into a channel-major float32 waterfall.
#[napi]
pub fn unpack_filterbank(env: Env, bytes: &[u8], layout_options: FilterbankLayout) -> napi::Result<Unpacked> {
    guard(&env, || {
        let (data, shape) = filterbank::unpack(bytes, layout(&layout_options)?)?;
        Ok(Unpacked { intensity: Float32Array::new(data), nchan: shape.nchan as u32, ntime: shape.ntime as u32 })
    })
}

/// Packs a channel-major waterfall (row 0 lowest) into time-major filterbank samples
/// (8-bit integers or 32-bit floats; highest frequency first when `descending`).
#[napi]
pub fn pack_filterbank(env: Env, intensity: &[f32], ntime: f64, layout_options: FilterbankLayout) -> napi::Result<Buffer> {
    guard(&env, || {
        let layout = layout(&layout_options)?;
        let shape = Shape::new(layout.nchan, count(ntime, "ntime")?)?;
        Ok(filterbank::pack(intensity, shape, layout)?.into())
    })
}
