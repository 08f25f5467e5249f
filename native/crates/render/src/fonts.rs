//! Font databases built only from the project's own font files, so a figure
//! looks the same on a machine without system fonts. Databases are cached by
//! the list of files, and shared between threads.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use usvg::fontdb::{self, Database, Family, Query};
use wfall_core::bail;
use wfall_core::error::{code, CoreResult};

type Cache = Mutex<HashMap<Vec<PathBuf>, Arc<Database>>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The database holding exactly these font files (loaded once per process).
pub fn database(files: &[PathBuf]) -> CoreResult<Arc<Database>> {
    if files.is_empty() {
        bail!(code::FONT, "no font files given: figures embed the project's own fonts only");
    }
    let mut cache = cache().lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(db) = cache.get(files) {
        return Ok(db.clone());
    }
    let mut db = Database::new();
    for file in files {
        let data = match std::fs::read(file) {
            Ok(data) => data,
            Err(e) => bail!(code::FONT, "cannot read font file {}: {e}", file.display()),
        };
        let before = db.len();
        db.load_font_data(data);
        if db.len() == before {
            bail!(code::FONT, "{} holds no usable font face", file.display());
        }
    }
    let db = Arc::new(db);
    cache.insert(files.to_vec(), db.clone());
    Ok(db)
}

/// Font properties as CSS gives them.
#[derive(Debug, Clone, Copy)]
pub struct FontStyle<'a> {
    pub family: &'a str,
    pub weight: u16,
    pub italic: bool,
}

/// The advance width of `text` at `size` user units, shaped with kerning the
/// way usvg lays it out.
pub fn text_width(db: &Database, font: FontStyle, size: f64, text: &str) -> CoreResult<f64> {
    let families = [Family::Name(font.family), Family::SansSerif];
    let query = Query {
        families: &families,
        weight: fontdb::Weight(font.weight),
        stretch: fontdb::Stretch::Normal,
        style: if font.italic { fontdb::Style::Italic } else { fontdb::Style::Normal },
    };
    let Some(id) = db.query(&query).or_else(|| db.faces().next().map(|f| f.id)) else {
        bail!(code::FONT, "no font face is loaded");
    };
    let width = db.with_face_data(id, |data, index| {
        let face = rustybuzz::Face::from_slice(data, index)?;
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        let glyphs = rustybuzz::shape(&face, &[], buffer);
        let units: i64 = glyphs.glyph_positions().iter().map(|p| p.x_advance as i64).sum();
        Some(units as f64 * size / face.units_per_em() as f64)
    });
    match width.flatten() {
        Some(w) => Ok(w),
        None => bail!(code::FONT, "font face for '{}' cannot be parsed", font.family),
    }
}
