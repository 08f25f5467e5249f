//! Pictures of figure files for people: a PDF, SVG or PNG figure rasterised
//! over white, and a difference image of two of them (`plot build --check
//! --report`). The two sides of a comparison go through the same rasteriser,
//! so only what differs in the files shows.

use std::sync::Arc;

use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::Pdf;
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{PixmapSettings, RenderCache, RenderSettings};
use usvg::fontdb::Database;
use wfall_core::bail;
use wfall_core::error::{code, CoreResult};

use crate::MAX_PNG_PIXELS;

/// The formats a figure file can have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    Pdf,
    Svg,
    Png,
}

/// An opaque RGB image (composited over white), stored as RGBA with alpha 255.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    pub rgba: Vec<u8>,
    pub width: usize,
    pub height: usize,
}

/// Straight-alpha RGBA over white.
fn over_white(mut rgba: Vec<u8>) -> Vec<u8> {
    for p in rgba.chunks_exact_mut(4) {
        let a = u32::from(p[3]);
        for c in &mut p[..3] {
            *c = ((u32::from(*c) * a + 255 * (255 - a) + 127) / 255) as u8;
        }
        p[3] = 255;
    }
    rgba
}

fn decode_png(bytes: &[u8]) -> CoreResult<Image> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let failed = |e: png::DecodingError| wfall_core::CoreError::new(code::RENDER, format!("the PNG cannot be decoded: {e}"));
    let mut reader = decoder.read_info().map_err(failed)?;
    let (width, height) = (reader.info().width as usize, reader.info().height as usize);
    if (width * height) as f64 > MAX_PNG_PIXELS {
        bail!(code::ARGUMENT, "a {width} x {height} pixel PNG is too large to compare");
    }
    let mut buffer = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buffer).map_err(failed)?;
    let data = &buffer[..frame.buffer_size()];
    let rgba: Vec<u8> = match frame.color_type {
        png::ColorType::Rgba => data.to_vec(),
        png::ColorType::Rgb => data.chunks_exact(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect(),
        png::ColorType::GrayscaleAlpha => data.chunks_exact(2).flat_map(|p| [p[0], p[0], p[0], p[1]]).collect(),
        png::ColorType::Grayscale => data.iter().flat_map(|&g| [g, g, g, 255]).collect(),
        png::ColorType::Indexed => bail!(code::RENDER, "the PNG's palette was not expanded"),
    };
    Ok(Image { rgba: over_white(rgba), width, height })
}

fn rasterise_pdf(bytes: &[u8], dpi: f64) -> CoreResult<Image> {
    let Ok(pdf) = Pdf::new(bytes.to_vec()) else {
        bail!(code::RENDER, "the PDF cannot be read");
    };
    let pages = pdf.pages();
    let Some(page) = pages.first() else {
        bail!(code::RENDER, "the PDF has no page");
    };
    let scale = (dpi / 72.0) as f32;
    let (w, h) = page.render_dimensions();
    let (w, h) = (f64::from(w * scale), f64::from(h * scale));
    if w * h > MAX_PNG_PIXELS || w > f64::from(u16::MAX) || h > f64::from(u16::MAX) {
        bail!(code::ARGUMENT, "a {w:.0} x {h:.0} pixel image of the PDF is too large; lower the dpi");
    }
    let settings = PixmapSettings { x_scale: scale, y_scale: scale, bg_color: WHITE };
    let pixmap = hayro::render(page, &RenderCache::new(), &InterpreterSettings::default(), &RenderSettings::default(), &settings);
    // Opaque background: premultiplied and straight alpha are the same.
    Ok(Image { rgba: pixmap.data_as_u8_slice().to_vec(), width: usize::from(pixmap.width()), height: usize::from(pixmap.height()) })
}

/// A figure file as an image: PNGs decoded, SVGs (with the given fonts) and PDFs rasterised at `dpi`.
pub fn rasterise(bytes: &[u8], format: FileFormat, fonts: &Arc<Database>, family: &str, dpi: f64) -> CoreResult<Image> {
    match format {
        FileFormat::Png => decode_png(bytes),
        FileFormat::Pdf => rasterise_pdf(bytes, dpi),
        FileFormat::Svg => {
            let Ok(svg) = std::str::from_utf8(bytes) else {
                bail!(code::RENDER, "the SVG is not UTF-8 text");
            };
            let (rgba, width, height) = crate::rasterise_svg(svg, &[], fonts, family, dpi)?;
            Ok(Image { rgba: over_white(rgba), width, height })
        }
    }
}

/// What [`difference`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// Changed pixels in red (the stronger the change, the deeper), the rest as a faint grey copy of `expected`.
    pub image: Image,
    /// Pixels whose colour differs, or that only one image has.
    pub changed_pixels: usize,
    /// The largest change of one colour component (0 to 255; 255 where only one image has the pixel).
    pub max_change: u8,
}

/// Compares two images pixel by pixel over the larger of their sizes.
pub fn difference(expected: &Image, actual: &Image) -> Difference {
    let (width, height) = (expected.width.max(actual.width), expected.height.max(actual.height));
    let pixel = |image: &Image, x: usize, y: usize| -> Option<[u8; 3]> {
        (x < image.width && y < image.height).then(|| {
            let i = 4 * (y * image.width + x);
            [image.rgba[i], image.rgba[i + 1], image.rgba[i + 2]]
        })
    };
    let mut rgba = Vec::with_capacity(4 * width * height);
    let (mut changed_pixels, mut max_change) = (0, 0u8);
    for y in 0..height {
        for x in 0..width {
            let (e, a) = (pixel(expected, x, y), pixel(actual, x, y));
            let change = match (e, a) {
                (Some(e), Some(a)) => (0..3).map(|c| e[c].abs_diff(a[c])).max().unwrap_or(0),
                _ => 255,
            };
            if change == 0 {
                // Unchanged: a faint grey copy of the figure, for orientation.
                let [r, g, b] = e.unwrap_or([255; 3]);
                let luma = (299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b)) / 1000;
                let faint = (255 - (255 - luma) / 4) as u8;
                rgba.extend_from_slice(&[faint, faint, faint, 255]);
            } else {
                changed_pixels += 1;
                max_change = max_change.max(change);
                // Red, from 50% (the smallest change) to full (the largest).
                let rest = (127 - u32::from(change) / 2) as u8;
                rgba.extend_from_slice(&[255, rest, rest, 255]);
            }
        }
    }
    Difference { image: Image { rgba, width, height }, changed_pixels, max_change }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(width: usize, height: usize, rgb: [u8; 3]) -> Image {
        Image { rgba: [rgb[0], rgb[1], rgb[2], 255].repeat(width * height), width, height }
    }

    #[test]
    fn equal_images_have_no_changed_pixel() {
        let d = difference(&image(3, 2, [10, 20, 30]), &image(3, 2, [10, 20, 30]));
        assert_eq!((d.changed_pixels, d.max_change), (0, 0));
        assert!(d.image.rgba.chunks(4).all(|p| p[0] == p[1] && p[1] == p[2] && p[0] >= 191));
    }

    #[test]
    fn changed_pixels_are_red_and_counted() {
        let expected = image(2, 2, [0, 0, 0]);
        let mut actual = expected.clone();
        actual.rgba[4..7].copy_from_slice(&[0, 40, 0]); // pixel (1, 0)
        let d = difference(&expected, &actual);
        assert_eq!((d.changed_pixels, d.max_change), (1, 40));
        assert_eq!(&d.image.rgba[4..8], &[255, 107, 107, 255]);
        assert_eq!(&d.image.rgba[0..4], &[192, 192, 192, 255]);
    }

    #[test]
    fn pixels_only_one_image_has_count_fully() {
        let d = difference(&image(2, 1, [9, 9, 9]), &image(1, 2, [9, 9, 9]));
        assert_eq!((d.image.width, d.image.height), (2, 2));
        assert_eq!((d.changed_pixels, d.max_change), (3, 255));
    }

    #[test]
    fn transparent_pixels_are_composited_over_white() {
        assert_eq!(
            over_white(vec![0, 0, 0, 0, 0, 0, 0, 255, 200, 100, 0, 128]),
            vec![255, 255, 255, 255, 0, 0, 0, 255, 227, 177, 127, 255]
        );
    }
}
