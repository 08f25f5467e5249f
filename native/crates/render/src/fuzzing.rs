//! Entry point for the SVG fuzz target and its regression replays: any bytes,
//! as SVG, through PDF and PNG conversion. An error is fine, a panic is a bug.

use std::path::PathBuf;

/// The project's font, installed with @wfall/plot (the fuzz target and tests run from the repository).
fn font() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../packages/plot/node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf")
}

pub fn svg(data: &[u8]) {
    // A missing font is a broken set-up, not a finding: fail loudly rather than test nothing.
    let fonts = crate::database(&[font()]).expect("DejaVuSans.ttf (run the project's setup first)");
    let text = String::from_utf8_lossy(data);
    let _ = crate::svg_to_pdf(&text, &fonts, "DejaVu Sans");
    let _ = crate::svg_to_png(&text, &fonts, "DejaVu Sans", 9.0);
}
