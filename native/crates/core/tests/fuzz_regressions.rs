//! Replays every input the fuzzers kept (native/fuzz/regressions) through the
//! same entry points: each must return, never panic.

use wfall_core::fuzzing::replay;

#[test]
fn kernel_inputs_found_by_fuzzing_do_not_panic() {
    assert!(replay("kernels", wfall_core::fuzzing::kernels) > 0);
}

#[test]
fn filterbank_inputs_found_by_fuzzing_do_not_panic() {
    assert!(replay("filterbank", wfall_core::fuzzing::filterbank) > 0);
}

#[test]
fn psrfits_inputs_found_by_fuzzing_do_not_panic() {
    assert!(replay("psrfits", wfall_core::fuzzing::psrfits) > 0);
}
