//! Entry points for the fuzz targets (native/fuzz) and for replaying the
//! inputs they found (`cargo test` runs fuzz/regressions). Each takes raw
//! bytes, derives shapes and parameters from them, and drives the public
//! kernels; an error is fine, a panic is a bug.

use std::path::Path;

use crate::blocks::{dedisperse_subband, downsample, subband};
use crate::colormap::{table, ColourScale, NAMES};
use crate::dedisperse::{apply_shifts, channel_shifts, DedispersePlan, FrequencyAxis, Reference, Wrap};
use crate::filterbank::{pack, unpack, Layout};
use crate::heatmap::{encode_png, rgba, Raster};
use crate::masks::{mask_channels, valid_weights, zeros_to_nan};
use crate::normalise::{normalise, Normalisation};
use crate::percentile::block_percentiles;
use crate::psrfits::{self, ChannelAxis, Combine, DecodeOptions, Polarisation};
use crate::shape::{Shape, Span};
use crate::stats::{channel_medians, channel_moments, timeseries};
use crate::stream::{ChannelPass, ReducePlan, TimeReducer};
use crate::weights::Weights;

/// Runs every input kept for `target` (native/fuzz/regressions/TARGET, notes
/// in `.md` files aside) through `run`; returns how many there were.
pub fn replay(target: &str, run: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions").join(target);
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        run(&std::fs::read(&path).unwrap());
        count += 1;
    }
    count
}

/// Reads little pieces off the front of the input.
struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn byte(&mut self) -> u8 {
        let (first, rest) = self.0.split_first().map_or((0, &[][..]), |(f, r)| (*f, r));
        self.0 = rest;
        first
    }
    fn f64(&mut self) -> f64 {
        let mut b = [0u8; 8];
        for x in b.iter_mut() {
            *x = self.byte();
        }
        f64::from_le_bytes(b)
    }
    fn floats(&self) -> Vec<f32> {
        self.0.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
    }
}

/// The waterfall kernels on a shape and parameters taken from `data`.
pub fn kernels(data: &[u8]) {
    let mut b = Bytes(data);
    let (nchan, ntime) = (b.byte() as usize % 40, b.byte() as usize % 70);
    let (delta_dm, k_dm, dt) = (b.f64(), b.f64(), b.f64());
    let (nsub, factor, wrap, q) = (b.byte() as usize % 9, b.byte() as usize % 9, b.byte(), b.f64());
    let (vmin, vmax, repeat) = (b.f64(), b.f64(), b.byte() as usize % 5);
    let mut x = b.floats();
    let Ok(shape) = Shape::new(nchan, ntime) else { return };
    // mostly the right length, sometimes not (validation must catch it)
    if x.len() >= shape.len() && wrap % 7 != 0 {
        x.truncate(shape.len());
    }
    let mut w = valid_weights(&x, wrap % 2 == 0);
    let wrap = if wrap % 3 == 0 { Wrap::Invalidate } else { Wrap::Roll };
    let references = [Reference::Top, Reference::Bottom, Reference::Centre, Reference::Infinite, Reference::Mhz(k_dm)];
    if let Ok(axis) = FrequencyAxis::new(400.0 + q.abs() % 1000.0, 0.1 + dt.abs() % 50.0, nchan) {
        let plan = DedispersePlan { delta_dm, k_dm: k_dm.abs(), reference: references[nsub % 5], dt_s: dt.abs() };
        if let Ok(shifts) = channel_shifts(&axis, &plan) {
            let _ = dedisperse_subband(&x, Weights::Explicit(&w), shape, &shifts, wrap, nsub);
            let _ = apply_shifts(&mut x, Some(&mut w), shape, &shifts, wrap);
        }
    }
    for weights in [Weights::Valid, Weights::ValidNonZero, Weights::Explicit(&w)] {
        let _ = subband(&x, weights, shape, nsub);
        let _ = downsample(&x, weights, shape, factor);
        let _ = channel_moments(&x, weights, shape);
        let _ = channel_medians(&x, weights, shape);
    }
    let _ = timeseries(&x, shape);
    let _ = block_percentiles(&x, shape, Span { start: factor, end: nsub + factor }, Span { start: 0, end: ntime }, &[q, 50.0]);
    let colours = table(NAMES[factor % NAMES.len()]).expect("every listed colour map exists");
    if let Ok(scale) = ColourScale::new(colours, vmin, vmax) {
        let raster = Raster {
            channels: Span { start: 0, end: nchan },
            samples: Span { start: 0, end: ntime },
            repeat_x: repeat,
            repeat_y: repeat + 1,
        };
        if let Ok((pixels, width, height)) = rgba(&x, shape, &raster, &scale) {
            let _ = encode_png(&pixels, width, height, Some(vmax));
        }
    }
    let methods = [Normalisation::Fractional, Normalisation::Zscore, Normalisation::Robust];
    let _ = normalise(&mut x, Some(&mut w), shape, methods[factor % 3]);
    let _ = mask_channels(&mut x, Some(&mut w), shape, &[nsub, factor]);
    let _ = zeros_to_nan(&mut x, None, shape);
}

/// Filterbank unpacking, packing and streaming reduction on bytes from `data`.
pub fn filterbank(data: &[u8]) {
    let mut b = Bytes(data);
    let nbits = [1, 2, 4, 8, 16, 32, 3][b.byte() as usize % 7];
    let (nchan, descending) = (b.byte() as usize % 48 + 1, b.byte() % 2 == 0);
    let (tfactor, nsub, wrap, shift) = (b.byte() as usize % 6, b.byte() as usize % 9, b.byte(), b.byte() as i64 - 128);
    let samples = b.0;
    let Ok(layout) = Layout::new(nbits, nchan, descending) else { return };
    if let Ok((values, shape)) = unpack(samples, layout) {
        let _ = pack(&values, shape, Layout { nbits: 32, ..layout });
        let _ = pack(&values, shape, Layout { nbits: 8, ..layout });
        let shifts: Vec<i64> = (0..nchan as i64).map(|c| c * shift / 4).collect();
        let wrap = if wrap % 2 == 0 { Wrap::Roll } else { Wrap::Invalidate };
        let plan = ReducePlan {
            ntime: shape.ntime,
            outputs: shape.ntime / 4 * tfactor.max(1)..shape.ntime - shape.ntime / 3,
            shifts,
            wrap,
            nsub,
            factor: tfactor,
            zeros_missing: wrap == Wrap::Invalidate,
            maps: None,
            masked: (0..nchan).map(|c| c == nsub).collect(),
            step: shape.ntime / 5,
            weights: true,
        };
        if let Ok(mut reducer) = TimeReducer::new(layout, plan) {
            let (mut v, end) = reducer.feed_range();
            let n = shape.ntime as i64;
            let row = layout.row_bytes();
            while v < end {
                let real = v.rem_euclid(n);
                let count = (shape.ntime as i64 / 2 + 1).min(end - v).min(n - real);
                if reducer.add(&samples[real as usize * row..(real + count) as usize * row], v).is_err() {
                    break;
                }
                v += count;
            }
            let _ = reducer.finish();
        }
        if let Ok(mut pass) = ChannelPass::new(layout, nbits <= 8) {
            let half = samples.len() / 2 / layout.row_bytes() * layout.row_bytes();
            let _ = pass.add(&samples[..half]);
            let _ = pass.add(&samples[half..]);
            let _ = pass.finish();
        }
    }
}

/// The PSRFITS reader on `data` as a whole file: HDU walk, search-mode header, channel axis, padding
/// detection, and decodes with every polarisation choice, whole and in pieces.
pub fn psrfits(data: &[u8]) {
    let size = data.len() as u64;
    let _ = psrfits::scan_hdu(data);
    let read = |at: u64, len: usize| {
        let at = at.min(size) as usize;
        Ok(data[at..at.saturating_add(len).min(data.len())].to_vec())
    };
    let Ok(headers) = psrfits::read_headers(size, read) else { return };
    let Ok(mut info) = headers.search_info(size) else { return };
    let _ = info.summary(None);
    let row = |info: &psrfits::SearchInfo, r: usize| {
        let at = info.row_offset(r) as usize;
        &data[at..at + info.row_bytes]
    };
    let _ = psrfits::row_meta(&info, row(&info, info.nrows - 1));
    let Ok(axis) = ChannelAxis::from_row(&info, row(&info, 0)) else { return };
    let _ = info.trim_trailing_padding(row(&info, info.nrows - 1));
    let _ = info.summary(Some(&axis));
    let _ = axis.frequency_axis();
    let _ = psrfits::plan_sequence(&[(&info, &axis), (&info, &axis)]);
    let ntime = info.nstot;
    if info.nchan.saturating_mul(ntime + 3) > 1 << 22 {
        return;
    }
    let rows = &data[info.row_offset(0) as usize..info.row_offset(info.nrows) as usize];
    let polarisations =
        [Polarisation::Intensity(Combine::Sum), Polarisation::Intensity(Combine::Mean), Polarisation::Pol(0), Polarisation::Pol(info.npol)];
    for (i, polarisation) in polarisations.into_iter().enumerate() {
        let options = DecodeOptions { polarisation, apply_scales: i != 1, apply_offsets: i != 2, apply_weights: i != 3 };
        let mut out = vec![f32::NAN; info.nchan * (ntime + 3)];
        let _ = psrfits::decode_rows(&info, &axis, rows, 0, 0..ntime, &options, &mut out, ntime + 3, 3);
        // a range across a row boundary, from the rows it needs only
        let range = ntime / 3..ntime - ntime / 4;
        let needed = info.rows_for(range.clone());
        if !needed.is_empty() {
            let part = &data[info.row_offset(needed.start) as usize..info.row_offset(needed.end) as usize];
            let _ = psrfits::decode_rows(&info, &axis, part, needed.start, range.clone(), &options, &mut out, ntime + 3, 0);
            let mut spectra = vec![0f32; range.len() * info.nchan];
            let _ = psrfits::decode_rows_time_major(&info, &axis, part, needed.start, range, &options, &mut spectra);
        }
    }
}
