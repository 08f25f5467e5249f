//! The burst measurements on the synthetic burst of `fixtures/make_burst.py` (DM 87.77, stored at
//! DM 0): both best DMs within 0.1 pc cm^-3 of the truth, and every number equal to what
//! `python/measure_reference.py` wrote into `fixtures/burst_64x2048.expected.json`
//! (`--dm-lo 86.77 --dm-hi 88.77 --ndm 201 --snr-dm 87.77`).

use std::path::Path;

use wfall_core::dedisperse::{FrequencyAxis, Reference, Wrap, K_DM_CHIME};
use wfall_core::measure::dm_phase::{best_dm_by_structure, DmPhaseOptions};
use wfall_core::measure::dm_snr::{best_dm_by_snr, DmSnrOptions};
use wfall_core::measure::peak::boxcar_peak;
use wfall_core::measure::plane::{dm_time_plane, PlaneMethod};
use wfall_core::measure::snr::{measure_snr, Definition, HeimdallOptions, PeakOptions};
use wfall_core::measure::{Dispersion, DmGrid, WaterfallView};
use wfall_core::shape::Shape;
use wfall_core::weights::Weights;

const NCHAN: usize = 64;
const NTIME: usize = 2048;
const TRUE_DM: f64 = 87.77;

/// The `intensity` member of the fixture: `np.savez` stores it uncompressed, so the npy header
/// follows its name in the zip and the float32 values follow the header.
fn fixture() -> Vec<f32> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../fixtures/burst_64x2048.npz");
    let bytes = std::fs::read(path).expect("fixtures/burst_64x2048.npz (python fixtures/make_burst.py)");
    let name = bytes.windows(13).position(|w| w == b"intensity.npy").expect("intensity member");
    let magic = name + bytes[name..].windows(6).position(|w| w == b"\x93NUMPY").expect("npy magic");
    let header_len = u16::from_le_bytes([bytes[magic + 8], bytes[magic + 9]]) as usize;
    let header = std::str::from_utf8(&bytes[magic + 10..magic + 10 + header_len]).unwrap();
    assert!(header.contains("'<f4'") && header.contains("(64, 2048)"), "{header}");
    let data = &bytes[magic + 10 + header_len..][..NCHAN * NTIME * 4];
    // The tutorial's rule: exact zeros are missing samples.
    data.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).map(|v| if v == 0.0 { f32::NAN } else { v }).collect()
}

fn close(a: f64, b: f64, what: &str) {
    assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{what}: {a} vs numpy {b}");
}

#[test]
fn the_synthetic_burst_is_measured_as_numpy_measures_it() {
    let x = fixture();
    let axis = FrequencyAxis::new(400.0, 6.25, NCHAN).unwrap();
    let view = WaterfallView { intensity: &x, weights: Weights::Valid, shape: Shape::new(NCHAN, NTIME).unwrap(), axis, dt_s: 0.98304e-3 };
    let d = Dispersion { dm_now: 0.0, k_dm: K_DM_CHIME, reference: Reference::Top, wrap: Wrap::Roll };
    let grid = DmGrid { start: 86.77, step: (88.77 - 86.77) / 200.0, count: 201 };

    // S/N of the series dedispersed to the true DM, by each definition.
    let ts = dm_time_plane(&view, &d, &DmGrid { start: TRUE_DM, step: 0.0, count: 1 }, PlaneMethod::BruteForce).unwrap().data;
    let cases = [
        (Definition::default(), 94.24753335863855, 2.0, 151, 150, 152),
        (Definition::Heimdall(HeimdallOptions { heimdall_constant: true, ..Default::default() }), 94.01923897020423, 2.0, 151, 150, 152),
        (Definition::from_name("presto").unwrap(), 82.40016801698279, 3.0, 150, 149, 152),
        (Definition::Peak(PeakOptions { width_samples: 2 }), 52.91556292931288, 2.0, 150, 149, 151),
        (Definition::from_name("weq").unwrap(), 111.3747076770607, 1.4323878289438046, 151, 150, 152),
    ];
    for (definition, snr, width, peak, on_start, on_end) in cases {
        let s = measure_snr(&ts, &definition).unwrap();
        close(s.snr, snr, s.definition);
        close(s.width_samples, width, s.definition);
        assert_eq!((s.peak_sample, s.on_start, s.on_end), (peak, on_start, on_end), "{}", s.definition);
    }
    let p = boxcar_peak(&ts, 26).unwrap();
    assert_eq!((p.centre_sample, p.width_samples, p.start_sample), (150, 3, 149));
    close(p.snr, 97.86102830539012, "boxcar peak");

    // The plane (brute force) and the S/N curve.
    let plane = dm_time_plane(&view, &d, &grid, PlaneMethod::BruteForce).unwrap();
    close(plane.data.iter().sum(), 530678.4136346064, "plane sum");
    let options = DmSnrOptions { method: Some(PlaneMethod::BruteForce), ..Default::default() };
    let curve = best_dm_by_snr(&view, &d, &grid, &options).unwrap();
    assert_eq!(curve.best_index, 96);
    close(curve.snr_max, 100.42460724457614, "S/N max");
    close(curve.dm_low, 87.69184198996325, "dm_low");
    close(curve.dm_high, 87.84211624374683, "dm_high");
    assert!((curve.best_dm - TRUE_DM).abs() < 0.1 && (curve.dm_centre - TRUE_DM).abs() < 0.1, "{curve:?}");

    // The structure DM.
    let phase = best_dm_by_structure(&view, &d, &grid, &DmPhaseOptions::default()).unwrap();
    assert_eq!((phase.fit_start, phase.fit_end, phase.nchan_used), (90, 107, 62));
    assert!((phase.best_dm - 87.76675188671098).abs() < 1e-9, "{}", phase.best_dm);
    assert!((phase.dm_uncertainty - 0.016101898753332847).abs() < 1e-9, "{}", phase.dm_uncertainty);
    assert!((phase.best_dm - TRUE_DM).abs() < 0.1);

    // The subband plane moves channels by up to 2 samples from their brute-force place: its best
    // DM stays within the DM that 2 samples across the band amount to (0.10 here).
    let two_samples = 2.0 * 0.98304e-3 / (K_DM_CHIME * (axis.freq(0).powi(-2) - axis.top().powi(-2)));
    for nsub in [0, 4, 8, 16, 32] {
        let approx = DmSnrOptions { method: Some(PlaneMethod::Subband { nsub, tolerance_samples: 0.5 }), ..Default::default() };
        let sub = best_dm_by_snr(&view, &d, &grid, &approx).unwrap();
        assert!((sub.best_dm - curve.best_dm).abs() <= two_samples, "nsub {nsub}: {} vs {}", sub.best_dm, curve.best_dm);
    }
}
