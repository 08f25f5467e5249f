//! Replays the SVG inputs the fuzzer kept (native/fuzz/regressions/svg).

use wfall_core::fuzzing::replay;

#[test]
fn svg_inputs_found_by_fuzzing_do_not_panic() {
    assert!(replay("svg", wfall_render::fuzzing::svg) > 0);
}

/// The two SVGs found to make usvg 0.45 panic (an invalid root width with an
/// image; an image of 1 x 268435457 pixels fitted into 4 x 4) are E_RENDER errors.
#[test]
fn svgs_that_make_usvg_panic_are_render_errors() {
    let fonts = wfall_render::fuzzing::fonts();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions/svg");
    for name in ["crash-b62b49b181400c8cc1b95048038e3f59b7713518", "crash-60c6bf8ac736d7115b14ee1ce7521222aac97402"] {
        let svg = String::from_utf8_lossy(&std::fs::read(dir.join(name)).unwrap()).into_owned();
        let error = wfall_render::svg_to_pdf(&svg, &[], &fonts, "DejaVu Sans", &[]).unwrap_err();
        assert_eq!(error.code, "E_RENDER", "{name}");
        assert!(error.message.starts_with("usvg cannot convert this SVG (it panicked: "), "{name}: {}", error.message);
        assert_eq!(wfall_render::svg_to_png(&svg, &[], &fonts, "DejaVu Sans", 72.0, &[]).unwrap_err().code, "E_RENDER", "{name}");
    }
}
