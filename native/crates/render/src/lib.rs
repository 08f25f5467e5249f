//! SVG (as Vega writes it) to PDF and PNG, with the project's fonts only.
//!
//! One SVG user unit is one PostScript point (1/72 in): the PDF page is the
//! SVG's size in points, and a PNG at `dpi` is the SVG scaled by `dpi / 72`.
//! Output is deterministic: no dates, no random identifiers.

mod canonical;
pub mod compare;
pub mod fonts;
#[doc(hidden)]
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod images;
pub mod metadata;
mod pdf_images;
pub use usvg::fontdb;

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use usvg::fontdb::Database;
use wfall_core::bail;
use wfall_core::error::{code, panic_message, CoreResult};
use wfall_core::heatmap::encode_png_with_text;

pub use fonts::{database, text_width, FontStyle};
pub use images::RasterImage;
pub use metadata::Entry;

/// Largest PNG we agree to rasterise (pixels), about 100 megapixels.
pub const MAX_PNG_PIXELS: f64 = 1e8;

fn parse(svg: &str, fonts: &Arc<Database>, family: &str) -> CoreResult<usvg::Tree> {
    parse_with(svg, fonts, family, usvg::ImageHrefResolver::default())
}

fn parse_with(svg: &str, fonts: &Arc<Database>, family: &str, images: usvg::ImageHrefResolver) -> CoreResult<usvg::Tree> {
    let options = usvg::Options {
        dpi: 72.0,
        font_family: family.to_owned(),
        fontdb: fonts.clone(),
        image_href_resolver: images,
        ..usvg::Options::default()
    };
    // usvg 0.45 panics on some SVGs (fuzzing found images whose fitted size is
    // degenerate: an unwrap in its image code); that is a bad SVG, not our bug.
    match std::panic::catch_unwind(AssertUnwindSafe(|| usvg::Tree::from_str(svg, &options))) {
        Ok(Ok(tree)) => Ok(tree),
        Ok(Err(e)) => bail!(code::RENDER, "the figure's SVG cannot be parsed: {e}"),
        Err(panic) => bail!(code::RENDER, "usvg cannot convert this SVG (it panicked: {})", panic_message(&*panic)),
    }
}

/// A one-page PDF of the SVG: vector paths, text as real text with subset
/// embedded fonts, raster images at their native resolution. Byte-stable
/// provided the figure uses a single font face (svg2pdf numbers the objects of
/// several faces in hash-map order). `metadata` goes into the document
/// information dictionary (see [`metadata`]). `images` are the pixels of the
/// SVG's `wfall-raster:N` hrefs (see [`images`]), written behind PNG
/// predictors (see [`pdf_images`]): the page shows the same pixels as with a
/// data URL of them.
pub fn svg_to_pdf(svg: &str, images: &[RasterImage], fonts: &Arc<Database>, family: &str, metadata: &[Entry]) -> CoreResult<Vec<u8>> {
    metadata::check_keys(metadata)?;
    // svg2pdf draws one-pixel stand-ins of the images; their samples are written afterwards (see pdf_images)
    let stand_ins: Vec<[u8; 4]> = images.iter().map(pdf_images::stand_in).collect();
    let drawn: Vec<RasterImage> = stand_ins.iter().map(|rgba| RasterImage { rgba, width: 1, height: 1 }).collect();
    let resolved = images::Resolved::new(&drawn)?;
    let stretched;
    let svg = if images.is_empty() {
        svg
    } else {
        stretched = pdf_images::stretched(svg)?;
        &stretched
    };
    let tree = parse_with(svg, fonts, family, resolved.resolver())?;
    resolved.check_all_used()?;
    match svg2pdf::to_pdf(&tree, svg2pdf::ConversionOptions::default(), svg2pdf::PageOptions { dpi: 72.0 }) {
        Ok(pdf) => {
            let pdf = pdf_images::with_real_images(&pdf, images, &resolved.order())?;
            metadata::pdf_with_info(&canonical::canonical_resource_order(&pdf), metadata)
        }
        Err(e) => bail!(code::RENDER, "PDF conversion failed: {e}"),
    }
}

/// The SVG rewritten self-contained: every text drawn as paths in the loaded
/// fonts (so a viewer without DejaVu Sans shows the same glyphs), images kept
/// at their resolution and rendering mode. Deterministic.
pub fn svg_text_to_paths(svg: &str, fonts: &Arc<Database>, family: &str) -> CoreResult<String> {
    let tree = parse(svg, fonts, family)?;
    let options =
        usvg::WriteOptions { preserve_text: false, coordinates_precision: 4, transforms_precision: 6, ..usvg::WriteOptions::default() };
    Ok(tree.to_string(&options))
}

/// A PNG of the SVG at `dpi` pixels per inch (one user unit = 1/72 in), with
/// `metadata` as text chunks (`Creator` under PNG's keyword `Software`).
/// `images` are the pixels of the SVG's `wfall-raster:N` hrefs (see [`images`]);
/// the SVG must use each of them and name no other.
pub fn svg_to_png(
    svg: &str,
    images: &[RasterImage],
    fonts: &Arc<Database>,
    family: &str,
    dpi: f64,
    metadata: &[Entry],
) -> CoreResult<Vec<u8>> {
    metadata::check_keys(metadata)?;
    let (pixels, w, h) = rasterise_svg(svg, images, fonts, family, dpi)?;
    let text: Vec<Entry> =
        metadata.iter().map(|(k, v)| (if k == "Creator" { "Software".to_owned() } else { k.clone() }, v.clone())).collect();
    encode_png_with_text(&pixels, w, h, Some(dpi), &text)
}

/// The SVG rasterised at `dpi`: straight-alpha RGBA pixels, width, height.
pub(crate) fn rasterise_svg(
    svg: &str,
    images: &[RasterImage],
    fonts: &Arc<Database>,
    family: &str,
    dpi: f64,
) -> CoreResult<(Vec<u8>, usize, usize)> {
    if !(dpi.is_finite() && dpi > 0.0) {
        bail!(code::ARGUMENT, "dpi must be a positive number, got {dpi}");
    }
    let resolved = images::Resolved::new(images)?;
    let tree = parse_with(svg, fonts, family, resolved.resolver())?;
    resolved.check_all_used()?;
    let scale = dpi / 72.0;
    // Sizes are f32 in usvg: round away their noise before taking whole pixels.
    let pixels = |points: f32| ((points as f64 * scale * 1e3).round() / 1e3).ceil();
    let (w, h) = (pixels(tree.size().width()), pixels(tree.size().height()));
    if w * h > MAX_PNG_PIXELS {
        bail!(code::ARGUMENT, "a {w} x {h} pixel PNG is too large; lower the dpi");
    }
    let Some(mut pixmap) = resvg::tiny_skia::Pixmap::new(w as u32, h as u32) else {
        bail!(code::RENDER, "cannot allocate a {w} x {h} pixel image");
    };
    resvg::render(&tree, resvg::tiny_skia::Transform::from_scale(scale as f32, scale as f32), &mut pixmap.as_mut());
    let straight: Vec<u8> = pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect();
    Ok((straight, w as usize, h as usize))
}
