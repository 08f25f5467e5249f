//! Percentiles of the finite values (numpy's `method="linear"`) over a sub-block of a waterfall.

use rayon::prelude::*;

use crate::bail;
use crate::error::{code, CoreResult};
use crate::select::percentile_in_place;
use crate::shape::{Shape, Span};
use crate::weights::is_missing;

/// Percentiles `qs` (each in 0..=100) of the finite values in
/// `channels x samples`; NaN for every q when the block has no valid value.
pub fn block_percentiles(intensity: &[f32], shape: Shape, channels: Span, samples: Span, qs: &[f64]) -> CoreResult<Vec<f64>> {
    shape.check("intensity", intensity.len())?;
    Span::within(channels.start, channels.end, shape.nchan, "channel")?;
    Span::within(samples.start, samples.end, shape.ntime, "sample")?;
    if let Some(q) = qs.iter().find(|q| !(0.0..=100.0).contains(*q)) {
        bail!(code::ARGUMENT, "percentile must be between 0 and 100, got {q}");
    }
    let n = shape.ntime;
    let mut values: Vec<f32> = intensity
        .par_chunks(n)
        .skip(channels.start)
        .take(channels.len())
        .flat_map_iter(|row| row[samples.start..samples.end].iter().copied().filter(|&v| !is_missing(v)))
        .collect();
    Ok(qs.iter().map(|&q| percentile_in_place(&mut values, q).unwrap_or(f64::NAN)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_a_sub_block() {
        let shape = Shape::new(3, 4).unwrap();
        let x: Vec<f32> = (0..12).map(|v| if v == 5 { f32::NAN } else { v as f32 }).collect();
        // channels 1..3, samples 1..3 -> [NaN, 6, 9, 10]
        let p = block_percentiles(&x, shape, Span { start: 1, end: 3 }, Span { start: 1, end: 3 }, &[0.0, 50.0, 100.0]).unwrap();
        assert_eq!(p, vec![6.0, 9.0, 10.0]);
    }

    #[test]
    fn empty_blocks_give_nan_and_bad_ranges_are_errors() {
        let shape = Shape::new(1, 2).unwrap();
        let p = block_percentiles(&[f32::NAN, f32::NAN], shape, Span { start: 0, end: 1 }, Span { start: 0, end: 2 }, &[50.0]).unwrap();
        assert!(p[0].is_nan());
        let err = block_percentiles(&[0.0, 0.0], shape, Span { start: 0, end: 1 }, Span { start: 1, end: 3 }, &[50.0]).unwrap_err();
        assert_eq!(err.code, code::RANGE);
        let err = block_percentiles(&[0.0, 0.0], shape, Span { start: 0, end: 1 }, Span { start: 0, end: 2 }, &[101.0]).unwrap_err();
        assert_eq!(err.code, code::ARGUMENT);
    }
}
