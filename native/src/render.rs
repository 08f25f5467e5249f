//! Colour mapping, heatmap images, text measurement and SVG -> PDF/PNG rendering.

use std::path::PathBuf;
use std::sync::Arc;

use napi::bindgen_prelude::Buffer;
use napi::Env;
use napi_derive::napi;
use wfall_core::colormap::ColourScale;
use wfall_core::heatmap::{self, Raster};
use wfall_core::CoreResult;
use wfall_render::fontdb::Database;
use wfall_render::FontStyle;

use crate::boundary::{count, guard};
use crate::options::{colour_table, shape, spans, CellRange, ColourMap, Grid};

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

/// The SVG as a one-page vector PDF (1 SVG unit = 1 pt), fonts subset and embedded.
#[napi]
pub fn svg_to_pdf(env: Env, svg: String, fonts_options: FontOptions) -> napi::Result<Buffer> {
    guard(&env, || Ok(wfall_render::svg_to_pdf(&svg, &fonts(&fonts_options)?, &fonts_options.default_family)?.into()))
}

/// The SVG with its text drawn as paths in the project's font (self-contained).
#[napi]
pub fn svg_text_to_paths(env: Env, svg: String, fonts_options: FontOptions) -> napi::Result<String> {
    guard(&env, || wfall_render::svg_text_to_paths(&svg, &fonts(&fonts_options)?, &fonts_options.default_family))
}

/// The SVG rasterised at `dpi` (1 SVG unit = 1/72 in), as a PNG.
#[napi]
pub fn svg_to_png(env: Env, svg: String, fonts_options: FontOptions, dpi: f64) -> napi::Result<Buffer> {
    guard(&env, || Ok(wfall_render::svg_to_png(&svg, &fonts(&fonts_options)?, &fonts_options.default_family, dpi)?.into()))
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
