//! A waterfall block as an RGBA raster and as a PNG: one pixel per channel and
//! sample, optionally repeated by integer factors (nearest neighbour), highest
//! frequency on top (matplotlib's `origin="lower"`).

use rayon::prelude::*;

use crate::bail;
use crate::colormap::ColourScale;
use crate::error::{code, CoreResult};
use crate::shape::{Shape, Span};

/// Which block to draw and how large each of its cells becomes.
#[derive(Debug, Clone, Copy)]
pub struct Raster {
    pub channels: Span,
    pub samples: Span,
    /// Image pixels per sample (horizontal) and per channel (vertical).
    pub repeat_x: usize,
    pub repeat_y: usize,
}

/// Refuses images above this many pixels (a 16k x 16k RGBA image is 1 GiB).
pub const MAX_PIXELS: usize = 1 << 28;

impl Raster {
    pub fn validate(&self, shape: Shape) -> CoreResult<(usize, usize)> {
        Span::within(self.channels.start, self.channels.end, shape.nchan, "channel")?;
        Span::within(self.samples.start, self.samples.end, shape.ntime, "sample")?;
        if self.repeat_x == 0 || self.repeat_y == 0 {
            bail!(code::ARGUMENT, "pixel repeat factors must be positive, got {} x {}", self.repeat_x, self.repeat_y);
        }
        let width = self.samples.len().checked_mul(self.repeat_x);
        let height = self.channels.len().checked_mul(self.repeat_y);
        match (width, height) {
            (Some(w), Some(h)) if w.checked_mul(h).is_some_and(|p| p <= MAX_PIXELS) && w <= u32::MAX as usize && h <= u32::MAX as usize => {
                Ok((w, h))
            }
            _ => bail!(
                code::ARGUMENT,
                "a {} x {} block repeated {} x {} exceeds {MAX_PIXELS} pixels",
                self.samples.len(),
                self.channels.len(),
                self.repeat_x,
                self.repeat_y
            ),
        }
    }
}

/// RGBA bytes (row-major, top row = highest channel) and the image size.
pub fn rgba(intensity: &[f32], shape: Shape, raster: &Raster, scale: &ColourScale) -> CoreResult<(Vec<u8>, usize, usize)> {
    shape.check("intensity", intensity.len())?;
    let (width, height) = raster.validate(shape)?;
    let mut pixels = vec![0u8; width * height * 4];
    let row_bytes = width * 4;
    pixels.par_chunks_mut(row_bytes * raster.repeat_y).enumerate().for_each(|(i, band)| {
        let channel = raster.channels.end - 1 - i;
        let values = &intensity[channel * shape.ntime + raster.samples.start..channel * shape.ntime + raster.samples.end];
        let (first, rest) = band.split_at_mut(row_bytes);
        for (cell, &x) in first.chunks_exact_mut(4 * raster.repeat_x).zip(values) {
            let colour = scale.rgba(x);
            for px in cell.chunks_exact_mut(4) {
                px.copy_from_slice(&colour);
            }
        }
        for row in rest.chunks_exact_mut(row_bytes) {
            row.copy_from_slice(first);
        }
    });
    Ok((pixels, width, height))
}

/// Encodes straight-alpha RGBA bytes as a PNG, deterministically (fixed filter
/// and compression); `dpi`, when given, is recorded in the pHYs chunk.
pub fn encode_png(pixels: &[u8], width: usize, height: usize, dpi: Option<f64>) -> CoreResult<Vec<u8>> {
    encode_png_with_text(pixels, width, height, dpi, &[])
}

/// [`encode_png`] with text chunks before the image data, in the given order:
/// `tEXt` for printable ASCII, `iTXt` (UTF-8) otherwise. Keywords are the caller's to check.
pub fn encode_png_with_text(
    pixels: &[u8],
    width: usize,
    height: usize,
    dpi: Option<f64>,
    text: &[(String, String)],
) -> CoreResult<Vec<u8>> {
    if pixels.len() != width * height * 4 {
        bail!(code::SHAPE, "{} bytes cannot be a {width} x {height} RGBA image", pixels.len());
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width as u32, height as u32);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    // Heatmaps are blocks of repeated pixels: the fast deflate already shrinks them ~50x.
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(png::FilterType::Sub);
    if let Some(dpi) = dpi {
        let per_metre = (dpi / 0.0254).round() as u32;
        encoder.set_pixel_dims(Some(png::PixelDimensions { xppu: per_metre, yppu: per_metre, unit: png::Unit::Meter }));
    }
    for (keyword, value) in text {
        let added = if value.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            encoder.add_text_chunk(keyword.clone(), value.clone())
        } else {
            encoder.add_itxt_chunk(keyword.clone(), value.clone())
        };
        if let Err(e) = added {
            bail!(code::ARGUMENT, "PNG text chunk '{keyword}': {e}");
        }
    }
    let result = encoder.write_header().and_then(|mut w| w.write_image_data(pixels));
    if let Err(e) = result {
        bail!(code::ARGUMENT, "PNG encoding failed: {e}");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::colormap::table;

    #[test]
    fn rows_are_flipped_and_cells_repeated() {
        let shape = Shape::new(2, 3).unwrap();
        let x = [0.0, 1.0, f32::NAN, 1.0, 0.0, 0.0];
        let scale = ColourScale::new(table("gray").unwrap(), 0.0, 1.0).unwrap();
        let raster = Raster { channels: Span { start: 0, end: 2 }, samples: Span { start: 1, end: 3 }, repeat_x: 2, repeat_y: 1 };
        let (px, w, h) = rgba(&x, shape, &raster, &scale).unwrap();
        assert_eq!((w, h), (4, 2));
        let top: Vec<u8> = px[..16].to_vec(); // channel 1, samples 1..3 = [0, 0]
        assert_eq!(top, [0, 0, 0, 255].repeat(4));
        let bottom = &px[16..]; // channel 0, samples 1..3 = [1, NaN]
        assert_eq!(&bottom[..8], [255, 255, 255, 255].repeat(2).as_slice());
        assert_eq!(&bottom[8..], [0u8; 8].as_slice());
    }

    #[test]
    fn png_round_trips_its_header() {
        let png = encode_png(&[1, 2, 3, 4, 5, 6, 7, 8], 2, 1, Some(300.0)).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 2);
        assert!(png.windows(4).any(|w| w == b"pHYs"));
        assert!(encode_png(&[0; 7], 2, 1, None).is_err());
    }

    #[test]
    fn png_text_chunks_are_written_and_decoded_back() {
        let text = [("Title".to_owned(), "fig-1".to_owned()), ("Comment".to_owned(), "\u{3bd} = 1.4 GHz".to_owned())];
        let png = encode_png_with_text(&[1, 2, 3, 4], 1, 1, None, &text).unwrap();
        let reader = png::Decoder::new(std::io::Cursor::new(&png)).read_info().unwrap();
        let info = reader.info();
        assert_eq!(
            info.uncompressed_latin1_text.iter().map(|t| (t.keyword.as_str(), t.text.as_str())).collect::<Vec<_>>(),
            [("Title", "fig-1")]
        );
        assert_eq!(info.utf8_text[0].keyword, "Comment");
        assert_eq!(info.utf8_text[0].get_text().unwrap(), "\u{3bd} = 1.4 GHz");
        // The same text gives the same bytes.
        assert_eq!(png, encode_png_with_text(&[1, 2, 3, 4], 1, 1, None, &text).unwrap());
    }
}
