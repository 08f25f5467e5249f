//! Entry point for the SVG fuzz target and its regression replays: any bytes,
//! as SVG, through PDF and PNG conversion. An error is fine, a panic is a bug.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use usvg::fontdb::Database;

/// The project's font, installed with @wfall/plot (the fuzz target and tests run from the repository).
fn font() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../packages/plot/node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf")
}

/// The font database, loaded once per process (not once per input).
pub fn fonts() -> Arc<Database> {
    static FONTS: OnceLock<Arc<Database>> = OnceLock::new();
    // A missing font is a broken set-up, not a finding: fail loudly rather than test nothing.
    FONTS.get_or_init(|| crate::database(&[font()]).expect("DejaVuSans.ttf (run the project's setup first)")).clone()
}

pub fn svg(data: &[u8]) {
    let fonts = fonts();
    let text = String::from_utf8_lossy(data);
    let _ = crate::svg_to_pdf(&text, &[], &fonts, "DejaVu Sans", &[]);
    let _ = crate::svg_to_png(&text, &[], &fonts, "DejaVu Sans", 9.0, &[]);
}
