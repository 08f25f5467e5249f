//! Replays every input the fuzzers kept (native/fuzz/regressions) through the
//! same entry points: each must return, never panic.

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions").join(target);
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        run(&std::fs::read(&path).unwrap());
        count += 1;
    }
    count
}

#[test]
fn kernel_inputs_found_by_fuzzing_do_not_panic() {
    assert!(replay("kernels", wfall_core::fuzzing::kernels) > 0);
}

#[test]
fn filterbank_inputs_found_by_fuzzing_do_not_panic() {
    assert!(replay("filterbank", wfall_core::fuzzing::filterbank) > 0);
}
