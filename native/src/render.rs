//! Colour mapping, heatmap images, text measurement and SVG -> PDF/PNG rendering.

use std::path::PathBuf;
use std::sync::Arc;

use napi::bindgen_prelude::Buffer;
use napi::Env;
use napi_derive::napi;
use wfall_core::colormap::ColourScale;
use wfall_core::heatmap::{self, Raster};
use wfall_core::CoreResult;
use wfall_render::compare;
use wfall_render::fontdb::Database;
use wfall_render::FontStyle;

use crate::boundary::{count, guard};
use crate::options::{colour_table, file_format, shape, spans, CellRange, ColourMap, FigureFileFormat, Grid};

/// What to draw of a waterfall and with which colours.
#[napi(object)]
pub struct HeatmapOptions {
    pub range: CellRange,
    pub vmin: f64,
    pub vmax: f64,
    pub cmap: ColourMap,
    /// Image pixels per sample and per channel (nearest-neighbour repetition).
    pub repeat_x: f64,
    pub repeat_y: f64,
}

/// An RGBA image (straight alpha, top row = highest channel).
#[napi(object)]
pub struct RgbaImage {
    pub data: Buffer,
    pub width: u32,
    pub height: u32,
}

fn raster(intensity: &[f32], grid: &Grid, o: &HeatmapOptions) -> CoreResult<(Vec<u8>, usize, usize)> {
    let (channels, samples) = spans(&o.range)?;
    let raster = Raster { channels, samples, repeat_x: count(o.repeat_x, "repeatX")?, repeat_y: count(o.repeat_y, "repeatY")? };
    let scale = ColourScale::new(colour_table(&o.cmap)?, o.vmin, o.vmax)?;
    heatmap::rgba(intensity, shape(grid)?, &raster, &scale)
}

/// Colour-maps a block to RGBA with matplotlib's table and rules (NaN transparent).
#[napi]
pub fn colormap_rgba(env: Env, intensity: &[f32], grid: Grid, options: HeatmapOptions) -> napi::Result<RgbaImage> {
    guard(&env, || {
        let (data, width, height) = raster(intensity, &grid, &options)?;
        Ok(RgbaImage { data: data.into(), width: width as u32, height: height as u32 })
    })
}

/// Colour-maps a block and encodes it as a PNG.
#[napi]
pub fn heatmap_png(env: Env, intensity: &[f32], grid: Grid, options: HeatmapOptions) -> napi::Result<Buffer> {
    guard(&env, || {
        let (data, width, height) = raster(intensity, &grid, &options)?;
        Ok(heatmap::encode_png(&data, width, height, None)?.into())
    })
}

/// Fonts used to lay out and render figures: only these files, never system fonts.
#[napi(object)]
pub struct FontOptions {
    pub files: Vec<String>,
    /// The family used when the SVG names none or one that is not loaded.
    pub default_family: String,
}

fn fonts(o: &FontOptions) -> CoreResult<Arc<Database>> {
    wfall_render::database(&o.files.iter().map(PathBuf::from).collect::<Vec<_>>())
}

/// One entry of a figure file's metadata: a key of ASCII letters and digits
/// (`Title`, `Creator`, or the caller's own) and its text.
#[napi(object)]
pub struct MetadataEntry {
    pub key: String,
    pub value: String,
}

fn entries(metadata: Option<Vec<MetadataEntry>>) -> Vec<wfall_render::Entry> {
    metadata.unwrap_or_default().into_iter().map(|e| (e.key, e.value)).collect()
}

/// The SVG with its text drawn as paths in the project's font (self-contained).
#[napi]
pub fn svg_text_to_paths(env: Env, svg: String, fonts_options: FontOptions) -> napi::Result<String> {
    guard(&env, || wfall_render::svg_text_to_paths(&svg, &fonts(&fonts_options)?, &fonts_options.default_family))
}

/// The SVG as a one-page vector PDF (1 SVG unit = 1 pt), fonts subset and
/// embedded; `metadata` in its document information dictionary. `images` are
/// the pixels of the SVG's `wfall-raster:N` hrefs, as for `svgToPng`: the PDF
/// is the same as with data URLs of them.
#[napi]
pub fn svg_to_pdf(
    env: Env,
    svg: String,
    fonts_options: FontOptions,
    metadata: Option<Vec<MetadataEntry>>,
    images: Option<Vec<RgbaImage>>,
) -> napi::Result<Buffer> {
    guard(&env, || {
        let rasters = raster_images(&images);
        Ok(wfall_render::svg_to_pdf(&svg, &rasters, &fonts(&fonts_options)?, &fonts_options.default_family, &entries(metadata))?.into())
    })
}

/// The caller's images, if any, as the renderer takes them (borrowed, not copied).
fn raster_images(images: &Option<Vec<RgbaImage>>) -> Vec<wfall_render::RasterImage<'_>> {
    images
        .iter()
        .flatten()
        .map(|i| wfall_render::RasterImage { rgba: &i.data, width: i.width as usize, height: i.height as usize })
        .collect()
}

/// The SVG rasterised at `dpi` (1 SVG unit = 1/72 in), as a PNG; `metadata`
/// as text chunks (`Creator` under the keyword `Software`). `images` are the
/// pixels of the SVG's `wfall-raster:N` hrefs, N counting from 0: the SVG must
/// use each and name no other (heatmaps without a trip through PNG and base64).
#[napi]
pub fn svg_to_png(
    env: Env,
    svg: String,
    fonts_options: FontOptions,
    dpi: f64,
    metadata: Option<Vec<MetadataEntry>>,
    images: Option<Vec<RgbaImage>>,
) -> napi::Result<Buffer> {
    guard(&env, || {
        let family = &fonts_options.default_family;
        Ok(wfall_render::svg_to_png(&svg, &raster_images(&images), &fonts(&fonts_options)?, family, dpi, &entries(metadata))?.into())
    })
}

/// An RGBA image encoded as a PNG: the same bytes as `heatmapPng` for the
/// pixels `colormapRgba` gave.
#[napi]
pub fn rgba_png(env: Env, image: RgbaImage) -> napi::Result<Buffer> {
    guard(&env, || Ok(heatmap::encode_png(&image.data, image.width as usize, image.height as usize, None)?.into()))
}

/// Images (PNG) of two versions of one figure file and of their difference.
#[napi(object)]
pub struct FigureComparison {
    pub expected: Buffer,
    pub actual: Buffer,
    /// Changed pixels in red, the rest as a faint grey copy of `expected`.
    pub difference: Buffer,
    pub width: u32,
    pub height: u32,
    /// Pixels whose colour differs, or that only one version has.
    pub changed_pixels: f64,
    /// The largest change of one colour component, 0 to 255.
    pub max_change: u32,
}

/// Rasterises two versions of a figure file of `format` (PDFs and SVGs at
/// `dpi`, SVG text with the given fonts) and compares them pixel by pixel.
#[napi]
pub fn compare_figures(
    env: Env,
    expected: &[u8],
    actual: &[u8],
    format: FigureFileFormat,
    fonts_options: FontOptions,
    dpi: f64,
) -> napi::Result<FigureComparison> {
    guard(&env, || {
        let database = fonts(&fonts_options)?;
        let picture = |bytes: &[u8]| compare::rasterise(bytes, file_format(&format), &database, &fonts_options.default_family, dpi);
        let (before, after) = (picture(expected)?, picture(actual)?);
        let diff = compare::difference(&before, &after);
        let png = |image: &compare::Image| heatmap::encode_png(&image.rgba, image.width, image.height, None);
        Ok(FigureComparison {
            expected: png(&before)?.into(),
            actual: png(&after)?.into(),
            difference: png(&diff.image)?.into(),
            width: diff.image.width as u32,
            height: diff.image.height as u32,
            changed_pixels: diff.changed_pixels as f64,
            max_change: u32::from(diff.max_change),
        })
    })
}

/// The style of a piece of text to measure.
#[napi(object)]
pub struct TextStyle {
    pub font_size: f64,
    pub family: String,
    pub weight: f64,
    pub italic: bool,
}

/// Width of `text` in SVG units, shaped with the real font.
#[napi]
pub fn text_width(env: Env, text: String, style: TextStyle, fonts_options: FontOptions) -> napi::Result<f64> {
    guard(&env, || {
        let font = FontStyle { family: &style.family, weight: style.weight.clamp(1.0, 1000.0) as u16, italic: style.italic };
        wfall_render::text_width(&*fonts(&fonts_options)?, font, style.font_size, &text)
    })
}
