//! Conversions at the boundary: typed-array borrowing, shapes and errors.

use std::panic::{catch_unwind, AssertUnwindSafe, Location};
use std::sync::Mutex;

use napi::bindgen_prelude::Float32ArraySlice;
use napi::{Env, Error, JsError, Status};
use wfall_core::error::{code, panic_message};
use wfall_core::shape::check_disjoint;
use wfall_core::{CoreError, CoreResult};

/// Throws `e` as a JS Error with `e.code` as its `code` property.
pub fn throw(env: &Env, e: CoreError) -> Error {
    match env.throw_error(&e.message, Some(e.code)) {
        Ok(()) => Error::from_status(Status::PendingException),
        Err(err) => err,
    }
}

/// Where the last panic happened (a panic on a worker thread reaches `guard`
/// on the calling thread, so this is shared, not thread-local).
static PANIC_LOCATION: Mutex<Option<String>> = Mutex::new(None);

/// Called by the panic hook: remembers `file:line` for the error message.
pub fn note_panic_location(location: Option<&Location>) {
    if let Ok(mut slot) = PANIC_LOCATION.lock() {
        *slot = location.map(|l| format!("{}:{}", l.file(), l.line()));
    }
}

/// Runs `f`, turning a panic into an `E_INTERNAL` error (usable off the JS thread).
pub fn caught<T>(f: impl FnOnce() -> CoreResult<T>) -> CoreResult<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let what = panic_message(&*panic);
        let at = PANIC_LOCATION.lock().ok().and_then(|mut slot| slot.take()).map(|at| format!(" at {at}")).unwrap_or_default();
        Err(CoreError::new(code::INTERNAL, format!("internal error in the native core (please report): {what}{at}")))
    })
}

/// Runs `f`, converting its error or a panic into a thrown JS Error.
pub fn guard<T>(env: &Env, f: impl FnOnce() -> CoreResult<T>) -> napi::Result<T> {
    caught(f).map_err(|e| throw(env, e))
}

/// The error an async task rejects its promise with: a JS Error whose `code` is `e.code`.
pub fn rejection(env: &Env, e: CoreError) -> Error {
    let js = JsError::from(Error::new(e.code, e.message)).into_unknown(*env);
    Error::from(js)
}

/// A non-negative integer from a JS number.
pub fn count(value: f64, what: &str) -> CoreResult<usize> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= 9.0e15 {
        Ok(value as usize)
    } else {
        Err(CoreError::new(code::ARGUMENT, format!("{what} must be a non-negative integer, got {value}")))
    }
}

/// A signed integer from a JS number.
pub fn signed(value: f64, what: &str) -> CoreResult<i64> {
    if value.is_finite() && value.fract() == 0.0 && value.abs() <= 9.0e15 {
        Ok(value as i64)
    } else {
        Err(CoreError::new(code::ARGUMENT, format!("{what} must be an integer, got {value}")))
    }
}

/// Borrows intensity (and weights) for writing, after checking they do not overlap.
pub fn borrow_mut<'a>(
    intensity: &'a mut Float32ArraySlice<'_>,
    weights: Option<&'a mut Float32ArraySlice<'_>>,
) -> CoreResult<(&'a mut [f32], Option<&'a mut [f32]>)> {
    if let Some(w) = weights.as_deref() {
        check_disjoint(intensity, w)?;
    }
    // SAFETY: the two views were just checked not to overlap, and the JS thread
    // is blocked in this synchronous call, so these are the only live accesses.
    unsafe { Ok((intensity.as_mut(), weights.map(|w| w.as_mut()))) }
}
