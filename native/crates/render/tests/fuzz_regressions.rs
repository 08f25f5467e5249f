//! Replays the SVG inputs the fuzzer kept (native/fuzz/regressions/svg).

use std::path::Path;

#[test]
fn svg_inputs_found_by_fuzzing_do_not_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions/svg");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        wfall_render::fuzzing::svg(&std::fs::read(&path).unwrap());
        count += 1;
    }
    assert!(count > 0);
}
