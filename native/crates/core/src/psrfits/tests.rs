//! End-to-end tests on files written by `testing::Spec`: decoded values are compared exactly with the
//! formula applied to the raw samples the writer packed.

use std::ops::Range;

use super::testing::{set_card, Spec};
use super::*;
use crate::error::CoreError;

/// Headers, info and axis of an in-memory file.
fn open(bytes: &[u8]) -> CoreResult<(SearchInfo, ChannelAxis)> {
    let headers = read_headers(bytes.len() as u64, |at, len| {
        let at = (at as usize).min(bytes.len());
        Ok(bytes[at..(at + len).min(bytes.len())].to_vec())
    })?;
    let info = headers.search_info(bytes.len() as u64)?;
    let at = info.row_offset(0) as usize;
    let axis = ChannelAxis::from_row(&info, &bytes[at..at + info.row_bytes])?;
    Ok((info, axis))
}

/// Every valid sample of a file, channel-major.
fn decode_all(bytes: &[u8], options: &DecodeOptions) -> CoreResult<(Vec<f32>, SearchInfo, ChannelAxis, Decoded)> {
    let (info, axis) = open(bytes)?;
    let rows = &bytes[info.row_offset(0) as usize..info.row_offset(info.nrows) as usize];
    let mut out = vec![f32::NAN; info.nchan * info.nstot];
    let decoded = decode_rows(&info, &axis, rows, 0, 0..info.nstot, options, &mut out, info.nstot, 0)?;
    Ok((out, info, axis, decoded))
}

/// The formula on the spec's raw samples, written independently of the decoder.
fn expected(spec: &Spec, options: &DecodeOptions, nstot: usize) -> Vec<f32> {
    let mut channels: Vec<usize> = (0..spec.nchan).collect();
    channels.sort_by(|&a, &b| spec.freqs[a].partial_cmp(&spec.freqs[b]).unwrap());
    let z = spec.zero_off.unwrap_or(0.0) as f32;
    let per_row = spec.samples_per_row();
    let mut out = vec![0f32; spec.nchan * nstot];
    for (k, &c) in channels.iter().enumerate() {
        for s in 0..nstot {
            let (r, t) = (s / spec.nsblk, s % spec.nsblk);
            let pol = |p: usize| {
                let i = r * per_row + (t * spec.npol + p) * spec.nchan + c;
                let raw = if spec.nbits == 32 { spec.raw_f32[i] } else { spec.raw[i] as f32 };
                let j = if spec.per_pol_scales { p * spec.nchan + c } else { c };
                let scale = if options.apply_scales { spec.scales[r][j] } else { 1.0 };
                let offset = if options.apply_offsets { spec.offsets[r][j] } else { 0.0 };
                let w = spec.weights[r][c];
                let w = if !options.apply_weights {
                    1.0
                } else if w == 0.0 {
                    f32::NAN
                } else {
                    w
                };
                ((raw - z) * scale + offset) * w
            };
            let coherence = !matches!(spec.pol_type.as_str(), "AA+BB" | "INTEN" | "IQUV");
            out[k * nstot + s] = match options.polarisation {
                Polarisation::Pol(p) => pol(p),
                Polarisation::Intensity(_) if spec.npol == 1 || !coherence => pol(0),
                Polarisation::Intensity(Combine::Sum) => pol(0) + pol(1),
                Polarisation::Intensity(Combine::Mean) => (pol(0) + pol(1)) * 0.5,
            };
        }
    }
    out
}

fn assert_same(got: &[f32], want: &[f32], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (i, (a, b)) in got.iter().zip(want).enumerate() {
        assert!(a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()), "{what}: value {i} is {a}, expected {b}");
    }
}

/// Decodes a spec and checks every value.
fn check(spec: &Spec, options: &DecodeOptions, what: &str) -> (SearchInfo, ChannelAxis, Decoded) {
    let (out, info, axis, decoded) = decode_all(&spec.bytes(), options).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_same(&out, &expected(spec, options, info.nstot), what);
    (info, axis, decoded)
}

fn intensity(combine: Combine) -> DecodeOptions {
    DecodeOptions { polarisation: Polarisation::Intensity(combine), ..DecodeOptions::default() }
}

fn pol(k: usize) -> DecodeOptions {
    DecodeOptions { polarisation: Polarisation::Pol(k), ..DecodeOptions::default() }
}

fn err(r: CoreResult<impl Sized>) -> CoreError {
    r.err().expect("an error")
}

#[test]
fn every_bit_depth_decodes_exactly() {
    for nbits in [1, 2, 4, 8, 16, 32] {
        // 3 channels x 1 pol: at 1 and 2 bits, spectra start mid-byte
        let spec = Spec::new(nbits, 1, 3, 8, 3);
        let (info, axis, decoded) = check(&spec, &DecodeOptions::default(), &format!("{nbits} bits"));
        assert_eq!((info.nbits, info.nstot, decoded.samples.clone()), (nbits, 24, 0..24));
        assert_eq!((axis.order.clone(), axis.df_mhz, axis.fbottom_mhz), (vec![2, 1, 0], 2.0, 1495.0));
        assert!(info.warnings.is_empty() && axis.warnings.is_empty(), "{:?} {:?}", info.warnings, axis.warnings);
    }
    let spec = Spec::new(1, 2, 8, 16, 2);
    check(&Spec { data_kind: 'X', ..spec }, &DecodeOptions::default(), "1 bit in an X column");
}

#[test]
fn known_values_by_hand() {
    // 4-bit, 2 channels ascending, 1 pol, 2 samples: bytes 0x1F, 0xA0 -> t0 = (1, 15), t1 = (10, 0)
    let mut spec = Spec::new(4, 1, 2, 2, 1);
    spec.raw = vec![1, 15, 10, 0];
    spec.freqs = vec![100.0, 101.0];
    spec.chan_bw = 1.0;
    spec.zero_off = Some(7.5);
    spec.scales = vec![vec![2.0, 0.5]];
    spec.offsets = vec![vec![1.0, -1.0]];
    assert_eq!(spec.pack_row(0), vec![0x1f, 0xa0]);
    let (out, ..) = decode_all(&spec.bytes(), &DecodeOptions::default()).unwrap();
    // channel 0: (1-7.5)*2+1 = -12, (10-7.5)*2+1 = 6; channel 1: (15-7.5)*0.5-1 = 2.75, (0-7.5)*0.5-1 = -4.75
    assert_eq!(out, vec![-12.0, 6.0, 2.75, -4.75]);
}

#[test]
fn polarisations() {
    for combine in [Combine::Sum, Combine::Mean] {
        let (_, _, d) = check(&Spec::new(8, 2, 4, 8, 2), &intensity(combine), "AABB");
        assert!(d.polarisation.contains(if combine == Combine::Sum { "summed" } else { "averaged" }), "{}", d.polarisation);
        check(&Spec::new(4, 4, 4, 8, 2), &intensity(combine), "AABBCRCI");
    }
    for k in 0..4 {
        let (_, _, d) = check(&Spec::new(8, 4, 4, 8, 2), &pol(k), "AABBCRCI pol k");
        assert!(d.polarisation.contains(["(AA)", "(BB)", "(CR)", "(CI)"][k]));
    }
    let iquv = Spec { pol_type: "IQUV".into(), ..Spec::new(8, 4, 4, 8, 2) };
    let (_, _, d) = check(&iquv, &DecodeOptions::default(), "IQUV is pol 0");
    assert!(d.polarisation.contains("IQUV"));
    let (_, _, d) = check(&iquv, &pol(3), "IQUV V");
    assert!(d.warnings[0].contains("signed without SIGNINT"));
    check(&Spec { pol_type: "INTEN".into(), ..Spec::new(8, 1, 4, 8, 2) }, &intensity(Combine::Mean), "INTEN");
    let (_, _, d) = check(&Spec { pol_type: "XY".into(), ..Spec::new(8, 2, 4, 8, 1) }, &DecodeOptions::default(), "unknown 2-pol");
    assert!(d.polarisation.contains("unknown"));
    let bytes = Spec::new(8, 2, 4, 8, 1).bytes();
    assert_eq!(err(decode_all(&bytes, &pol(2))).code, code::ARGUMENT);
    let odd = Spec { pol_type: "ABCD".into(), ..Spec::new(8, 4, 4, 8, 1) }.bytes();
    assert_eq!(err(decode_all(&odd, &DecodeOptions::default())).code, code::UNSUPPORTED);
    assert!(decode_all(&odd, &pol(1)).is_ok());
    assert_eq!(pol_by_name("AABBCRCI", "cr").unwrap(), Polarisation::Pol(2));
    assert_eq!(pol_by_name("IQUV", "V").unwrap(), Polarisation::Pol(3));
    assert!(err(pol_by_name("AABB", "CR")).message.contains("holds AA, BB"));
    assert_eq!(err(pol_by_name("AA+BB", "AA")).code, code::ARGUMENT);
}

#[test]
fn signed_samples_and_zero_offsets() {
    for nbits in [1, 2, 4, 8] {
        let spec = Spec { zero_off: Some(-0.5), ..Spec::new(nbits, 2, 4, 8, 2).signed() };
        let (info, ..) = check(&spec, &DecodeOptions::default(), &format!("signed {nbits} bits"));
        assert!(info.signint);
    }
    for zero in [7.5, 128.0, 0.25] {
        check(&Spec { zero_off: Some(zero), ..Spec::new(4, 4, 4, 8, 2) }, &DecodeOptions::default(), "ZERO_OFF");
    }
    // 16 bits in an I column with TZERO = 32768 are unsigned
    let mut spec = Spec::new(16, 1, 4, 8, 2);
    spec.raw.iter_mut().for_each(|v| *v += 30000);
    spec.data_tzero = Some(32768.0);
    let (info, ..) = check(&spec, &DecodeOptions::default(), "u16 by TZERO");
    assert!(info.notes.iter().all(|n| !n.contains("SIGNINT = 0")), "{:?}", info.notes);
    check(&Spec::new(16, 1, 4, 8, 2).signed(), &DecodeOptions::default(), "i16");
    // 16 bits in a byte column: little-endian, unsigned unless SIGNINT
    let mut spec = Spec { data_kind: 'B', ..Spec::new(16, 2, 4, 8, 2) };
    spec.raw.iter_mut().for_each(|v| *v += 30000);
    let (info, ..) = check(&spec, &DecodeOptions::default(), "u16 LE");
    assert!(info.warnings[0].contains("little-endian unsigned"));
    check(&Spec { data_kind: 'B', ..Spec::new(16, 2, 4, 8, 2).signed() }, &DecodeOptions::default(), "i16 LE");
    // 8 bits with TZERO = -128 (FITS signed bytes)
    let spec = Spec { data_tzero: Some(-128.0), signint: None, ..Spec::new(8, 1, 4, 8, 1).signed() };
    check(&spec, &DecodeOptions::default(), "TZERO -128");
    let both = Spec { data_tzero: Some(-128.0), ..Spec::new(8, 1, 4, 8, 1).signed() };
    let (info, ..) = open(&both.bytes()).unwrap();
    assert!(info.warnings[0].contains("SIGNINT is used"));
}

#[test]
fn scales_per_channel_or_per_pol_and_options() {
    let per_channel = Spec { per_pol_scales: false, ..Spec::new(8, 4, 4, 8, 2) };
    let (info, ..) = check(&per_channel, &DecodeOptions::default(), "NCHAN scales");
    assert!(info.notes.iter().any(|n| n.contains("DAT_SCL holds 4 values")));
    let mut spec = Spec::new(4, 2, 6, 8, 3);
    spec.weights[1][2] = 0.0;
    spec.weights[0][4] = 0.5;
    for (scales, offsets, weights) in [(false, true, true), (true, false, true), (true, true, false), (false, false, false)] {
        let options = DecodeOptions { apply_scales: scales, apply_offsets: offsets, apply_weights: weights, ..DecodeOptions::default() };
        check(&spec, &options, &format!("options {options:?}"));
    }
}

#[test]
fn zero_weights_are_missing() {
    let mut spec = Spec::new(8, 2, 4, 4, 2);
    spec.weights[0][1] = 0.0; // file channel 1 = output row 2 (descending), row 0 only
    let (out, ..) = decode_all(&spec.bytes(), &DecodeOptions::default()).unwrap();
    let row = |k: usize| &out[k * 8..k * 8 + 8];
    assert!(row(2)[..4].iter().all(|v| v.is_nan()) && row(2)[4..].iter().all(|v| v.is_finite()));
    assert!(row(1).iter().all(|v| v.is_finite()));
    let (out, ..) = decode_all(&spec.bytes(), &DecodeOptions { apply_weights: false, ..DecodeOptions::default() }).unwrap();
    assert!(out.iter().all(|v| v.is_finite()));
}

#[test]
fn channel_orders() {
    let mut spec = Spec::new(8, 1, 5, 4, 2);
    spec.freqs = vec![400.0, 401.0, 402.0, 403.0, 404.0];
    spec.chan_bw = 1.0;
    let (_, axis, _) = check(&spec, &DecodeOptions::default(), "ascending");
    assert_eq!((axis.order.clone(), axis.descending_in_file, axis.fbottom_mhz), (vec![0, 1, 2, 3, 4], false, 399.5));
    spec.freqs = vec![402.0, 400.0, 404.0, 401.0, 403.0];
    let (_, axis, _) = check(&spec, &DecodeOptions::default(), "shuffled");
    assert_eq!(axis.order, vec![1, 3, 0, 4, 2]);
    // CHAN_BW says ascending, DAT_FREQ descends: DAT_FREQ is trusted
    let disagree = Spec { chan_bw: 2.0, ..Spec::new(8, 1, 4, 4, 1) };
    let (_, axis, _) = check(&disagree, &DecodeOptions::default(), "CHAN_BW disagrees");
    assert_eq!(axis.order, vec![3, 2, 1, 0]);
    assert!(
        axis.warnings[0].contains("CHAN_BW = 2 MHz")
            && axis.warnings[0].contains("DAT_FREQ decreases (1500 -> 1494 MHz): trusting DAT_FREQ")
    );
    // all-zero DAT_FREQ falls back to OBSFREQ and CHAN_BW
    let zeros = Spec { freqs: vec![0.0; 4], ..Spec::new(8, 1, 4, 4, 1) };
    let (_, axis, _) =
        check(&Spec { freqs: vec![1403.0, 1401.0, 1399.0, 1397.0], ..zeros.clone() }, &DecodeOptions::default(), "reference");
    let (info, fallback) = open(&zeros.bytes()).unwrap();
    assert_eq!((fallback.order.clone(), fallback.freqs_mhz.clone()), (axis.order.clone(), axis.freqs_mhz.clone()));
    assert!(fallback.warnings[0].contains("OBSFREQ and CHAN_BW"));
    assert_eq!(info.obsfreq_mhz, Some(1400.0));
}

#[test]
fn partial_last_row_and_sample_ranges() {
    let spec = Spec { nstot: Some(21), ..Spec::new(2, 2, 4, 8, 3) };
    let bytes = spec.bytes();
    let (full, info, axis, _) = decode_all(&bytes, &DecodeOptions::default()).unwrap();
    assert_eq!(info.nstot, 21);
    assert_same(&full, &expected(&spec, &DecodeOptions::default(), 21), "NSTOT 21");
    // samples 5..19 (across rows 0, 1, 2) from rows 0..3, then rows 1..3 only for 9..21
    let rows = |a: usize, b: usize| &bytes[info.row_offset(a) as usize..info.row_offset(b) as usize];
    let mut out = vec![f32::NAN; 4 * 30];
    let d = decode_rows(&info, &axis, rows(0, 3), 0, 5..19, &DecodeOptions::default(), &mut out, 30, 2).unwrap();
    assert_eq!((d.samples, d.out_columns), (5..19, 2..16));
    let d = decode_rows(&info, &axis, rows(1, 3), 1, 19..100, &DecodeOptions::default(), &mut out, 30, 16).unwrap();
    assert_eq!((d.samples, d.out_columns), (19..21, 16..18));
    for k in 0..4 {
        assert!(out[k * 30..k * 30 + 2].iter().all(|v| v.is_nan()));
        assert_same(&out[k * 30 + 2..k * 30 + 18], &full[k * 21 + 5..k * 21 + 21], "ranges");
        assert!(out[k * 30 + 18..k * 30 + 30].iter().all(|v| v.is_nan()));
    }
    assert_eq!(info.rows_for(5..19), 0..3);
    assert_eq!(info.rows_for(16..100), 2..3);
    assert_eq!(info.rows_for(30..40), 0..0);
    // errors: rows that do not cover the samples, output too small, ragged rows, reversed range
    assert_eq!(err(decode_rows(&info, &axis, rows(1, 3), 1, 0..10, &DecodeOptions::default(), &mut out, 30, 0)).code, code::RANGE);
    assert_eq!(err(decode_rows(&info, &axis, rows(0, 3), 0, 0..21, &DecodeOptions::default(), &mut out, 30, 10)).code, code::RANGE);
    assert_eq!(err(decode_rows(&info, &axis, rows(0, 3), 0, 0..21, &DecodeOptions::default(), &mut out, 29, 0)).code, code::SHAPE);
    assert_eq!(err(decode_rows(&info, &axis, &rows(0, 3)[1..], 0, 0..21, &DecodeOptions::default(), &mut out, 30, 0)).code, code::SHAPE);
    assert_eq!(err(decode_rows(&info, &axis, rows(0, 3), 1, 0..21, &DecodeOptions::default(), &mut out, 30, 0)).code, code::RANGE);
    #[allow(clippy::reversed_empty_ranges)]
    let reversed = 9..3;
    assert_eq!(err(decode_rows(&info, &axis, rows(0, 3), 0, reversed, &DecodeOptions::default(), &mut out, 30, 0)).code, code::RANGE);
    let d = decode_rows(&info, &axis, rows(0, 1), 0, 40..50, &DecodeOptions::default(), &mut out, 30, 0).unwrap();
    assert_eq!((d.samples.len(), d.out_columns.len()), (0, 0));
    // time-major gives the same values
    let mut tm = vec![0f32; 4 * 21];
    decode_rows_time_major(&info, &axis, rows(0, 3), 0, 0..21, &DecodeOptions::default(), &mut tm).unwrap();
    let transposed: Vec<f32> = (0..4).flat_map(|k| (0..21).map(move |s| (k, s))).map(|(k, s)| tm[s * 4 + k]).collect();
    assert_same(&transposed, &full, "time-major");
    assert_eq!(err(decode_rows_time_major(&info, &axis, rows(0, 3), 0, 0..21, &DecodeOptions::default(), &mut tm[1..])).code, code::SHAPE);
}

#[test]
fn a_larger_file_uses_every_task() {
    let mut spec = Spec { zero_off: Some(7.5), ..Spec::new(4, 4, 100, 300, 4) };
    spec.weights[2][17] = 0.0;
    check(&spec, &intensity(Combine::Mean), "large");
    let (out, info, axis, _) = decode_all(&spec.bytes(), &DecodeOptions::default()).unwrap();
    let bytes = spec.bytes();
    let rows = &bytes[info.row_offset(0) as usize..info.row_offset(4) as usize];
    let mut tm = vec![0f32; 100 * 1200];
    decode_rows_time_major(&info, &axis, rows, 0, 0..1200, &DecodeOptions::default(), &mut tm).unwrap();
    assert!((0..100).all(|k| (0..1200).all(|s| tm[s * 100 + k].to_bits() == out[k * 1200 + s].to_bits() || out[k * 1200 + s].is_nan())));
}

#[test]
fn tdim_describing_bytes_is_ignored() {
    // Parkes/Medusa style: TDIM = (NCHAN, NPOL, NSBLK * NBITS / 8)
    let spec = Spec { data_tdim: Some("(4,4,4)".into()), zero_off: Some(7.5), ..Spec::new(4, 4, 4, 8, 2) };
    let (info, ..) = check(&spec, &DecodeOptions::default(), "TDIM in bytes");
    assert!(info.notes.iter().any(|n| n.contains("TDIM7") && n.contains("ignored")), "{:?}", info.notes);
    let exact = Spec { data_tdim: Some("(4,4,8)".into()), ..Spec::new(8, 4, 4, 8, 2) };
    let (info, ..) = check(&exact, &DecodeOptions::default(), "TDIM in samples");
    assert!(info.notes.iter().all(|n| !n.contains("TDIM")));
}

#[test]
fn header_values_and_summary() {
    let mut spec = Spec { nstot: Some(20), zero_off: Some(7.5), ..Spec::new(4, 4, 4, 8, 3) };
    spec.extra_primary.push("CHAN_DM =               56.712".into());
    let mut bytes = spec.bytes();
    assert!(set_card(&mut bytes, "NSUBOFFS", Some("NSUBOFFS=                  2.0")));
    assert!(set_card(&mut bytes, "STT_OFFS", Some("STT_OFFS=    0.360500000000002")));
    let (info, axis) = open(&bytes).unwrap();
    assert_eq!((info.nsuboffs, info.nchnoffs, info.zero_off, info.chan_dm), (2, 0, 7.5, Some(56.712)));
    let start = info.start.unwrap();
    assert_eq!(start.mjd_day, 60000);
    assert!((start.seconds - (3600.0 + 0.360_500_000_000_002 + 2.0 * 8.0 * 64e-6)).abs() < 1e-12);
    assert!((start.mjd() - (60000.0 + start.seconds / 86400.0)).abs() < 1e-12);
    assert_eq!(
        (info.telescope.as_str(), info.backend.as_str(), info.src_name.as_str(), info.pol_type.as_str()),
        ("Test", "wfall", "J0000+0000", "AABBCRCI")
    );
    let summary = info.summary(Some(&axis));
    let get = |k: &str| summary.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone()).unwrap();
    assert_eq!(get("samples"), "20");
    assert_eq!(get("polarisations"), "4 (AABBCRCI)");
    assert!(get("frequencies").starts_with("1494 to 1500 MHz"));
    assert_eq!(get("channel order in file"), "descending");
    assert_eq!(get("OBS_MODE"), "SEARCH");
    let at = info.row_offset(0) as usize;
    assert_eq!(row_meta(&info, &bytes[at..at + info.row_bytes]).unwrap().weights_summary(), "4 of 4 channels 1");
    assert_eq!(info.columns.data.kind, 'B');
    assert_eq!(info.primary_cards.iter().filter(|c| c.key == "CHAN_DM").count(), 1);
    // Medusa's placeholders
    assert!(set_card(&mut bytes, "NSUBOFFS", Some("NCHNOFFS= '*       '")));
    let (info, _) = open(&bytes).unwrap();
    assert_eq!(info.nchnoffs, 0);
}

#[test]
fn fold_mode_and_other_refusals() {
    let fold = Spec { obs_mode: "PSR".into(), ..Spec::new(8, 1, 4, 8, 1) };
    let e = err(open(&fold.bytes()));
    assert_eq!(e.code, code::UNSUPPORTED);
    assert!(e.message.contains("fold-mode") && e.message.contains("PSR and CAL files hold pulse profiles"), "{}", e.message);
    let cal = Spec { obs_mode: "CAL".into(), ..Spec::new(8, 1, 4, 8, 1) };
    assert_eq!(err(open(&cal.bytes())).code, code::UNSUPPORTED);
    assert!(open(&Spec { obs_mode: "SRCH".into(), ..Spec::new(8, 1, 4, 8, 1) }.bytes()).is_ok());
    let mut no_mode = Spec::new(8, 1, 4, 8, 1).bytes();
    set_card(&mut no_mode, "OBS_MODE", None);
    let (info, _) = open(&no_mode).unwrap();
    assert!(info.warnings[0].contains("no OBS_MODE"));
    set_card(&mut no_mode, "NBIN", Some("NBIN    =                  128"));
    assert_eq!(err(open(&no_mode)).code, code::UNSUPPORTED);
    let mut bad_bits = Spec::new(8, 1, 4, 8, 1).bytes();
    set_card(&mut bad_bits, "NBITS", Some("NBITS   =                    3"));
    assert_eq!(err(open(&bad_bits)).code, code::UNSUPPORTED);
    let mut wrong_type = Spec::new(8, 1, 4, 8, 1).bytes();
    set_card(&mut wrong_type, "NBITS", Some("NBITS   =                   32"));
    assert!(err(open(&wrong_type)).message.contains("DATA column of type B"));
    let mut no_subint = Spec::new(8, 1, 4, 8, 1).bytes();
    set_card(&mut no_subint, "EXTNAME", Some("EXTNAME = 'OTHER'"));
    assert_eq!(err(open(&no_subint)).code, code::UNSUPPORTED);
    let mut no_tbin = Spec::new(8, 1, 4, 8, 1).bytes();
    set_card(&mut no_tbin, "TBIN", Some("TBIN    =                  0.0"));
    assert_eq!(err(open(&no_tbin)).code, code::HEADER);
}

#[test]
fn damaged_files() {
    let spec = Spec::new(8, 1, 4, 8, 3);
    let bytes = spec.bytes();
    // a header cut short
    let e = err(open(&bytes[..2880 + 100]));
    assert_eq!(e.code, code::CORRUPT);
    assert!(e.message.contains("cut short"));
    assert_eq!(err(open(&bytes[..100])).code, code::CORRUPT);
    // data cut short: trimmed to the whole rows, with a warning
    let (info, _) = open(&spec.bytes()).unwrap();
    let cut = &bytes[..info.row_offset(2) as usize + 10];
    let (out, info, _, _) = decode_all(cut, &DecodeOptions::default()).unwrap();
    assert_eq!((info.nrows, info.nstot), (2, 16));
    assert!(info.warnings[0].contains("holds 2 whole rows of the 3"));
    let full = expected(&spec, &DecodeOptions::default(), 24);
    assert_same(&out[..16], &full[..16], "first rows of a cut file");
    assert_eq!(err(open(&bytes[..info.row_offset(0) as usize + 10])).code, code::CORRUPT);
    // bad TFORM, NAXIS1 mismatch, DATA too small, DAT_FREQ too short, missing DATA
    let mut bad = bytes.clone();
    set_card(&mut bad, "TFORM2", Some("TFORM2  = '1Y'"));
    let e = err(open(&bad));
    assert!(e.code == code::HEADER && e.message.contains("TFORM2 = '1Y'"), "{e}");
    let mut bad = bytes.clone();
    set_card(&mut bad, "NAXIS1", Some(&format!("NAXIS1  = {}", info.row_bytes + 1)));
    assert!(err(open(&bad)).message.contains("NAXIS1"));
    let mut bad = bytes.clone();
    set_card(&mut bad, "NSBLK", Some("NSBLK   =                    9"));
    assert!(err(open(&bad)).message.contains("DATA column holds 32 bytes"));
    let mut bad = bytes.clone();
    set_card(&mut bad, "NCHAN", Some("NCHAN   =                    8"));
    assert_eq!(err(open(&bad)).code, code::HEADER);
    let mut bad = bytes.clone();
    set_card(&mut bad, "TTYPE7", Some("TTYPE7  = 'DATUM'"));
    assert!(err(open(&bad)).message.contains("no DATA column"));
    let mut bad = bytes.clone();
    set_card(&mut bad, "NSTOT", None);
    set_card(&mut bad, "NAXIS2", Some("NAXIS2  =                    0"));
    assert_eq!(err(open(&bad)).code, code::HEADER);
    // NSTOT beyond the rows is clipped
    let big = Spec { nstot: Some(1000), ..Spec::new(8, 1, 4, 8, 3) };
    let (info, _) = open(&big.bytes()).unwrap();
    assert_eq!(info.nstot, 24);
    assert!(info.warnings[0].contains("NSTOT = 1000"));
    // edited info fields cannot make the kernel read out of bounds
    let (mut info, axis) = open(&bytes).unwrap();
    info.nchan = 40;
    let mut out = vec![0f32; 40 * 24];
    let rows = &bytes[info.row_offset(0) as usize..info.row_offset(3) as usize];
    assert!(decode_rows(&info, &axis, rows, 0, 0..24, &DecodeOptions::default(), &mut out, 24, 0).is_err());
}

#[test]
fn trailing_zero_padding_without_nstot() {
    let mut spec = Spec::new(4, 2, 4, 8, 3);
    let per_row = spec.samples_per_row();
    let padded_from = 2 * per_row + 5 * 2 * 4; // the last 3 samples of row 2
    spec.raw[padded_from..].iter_mut().for_each(|v| *v = 0);
    let bytes = spec.bytes();
    let (mut info, _) = open(&bytes).unwrap();
    let last = &bytes[info.row_offset(2) as usize..info.row_offset(3) as usize];
    assert_eq!(info.trim_trailing_padding(last).unwrap(), 3);
    assert_eq!(info.nstot, 21);
    assert!(info.notes.last().unwrap().contains("last 3 samples"));
    assert_eq!(info.trim_trailing_padding(last).unwrap(), 0, "only once");
    // a whole zero row is not padding, and NSTOT wins
    spec.raw[2 * per_row..].iter_mut().for_each(|v| *v = 0);
    let bytes = spec.bytes();
    let (mut info, _) = open(&bytes).unwrap();
    assert_eq!(info.trim_trailing_padding(&bytes[info.row_offset(2) as usize..info.row_offset(3) as usize]).unwrap(), 0);
    let bytes = Spec { nstot: Some(24), ..spec }.bytes();
    let (mut info, _) = open(&bytes).unwrap();
    assert_eq!(info.trim_trailing_padding(&bytes[info.row_offset(2) as usize..info.row_offset(3) as usize]).unwrap(), 0);
    assert_eq!(info.trim_trailing_padding(&bytes[..5]).unwrap(), 0);
}

#[test]
fn sequences_of_files() {
    let spec = Spec::new(8, 1, 4, 8, 3);
    let with = |nsuboffs: &str, offs: &str, nstot: Option<i64>| {
        let mut bytes = Spec { nstot, ..spec.clone() }.bytes();
        set_card(&mut bytes, "NSUBOFFS", Some(&format!("NSUBOFFS= {nsuboffs}")));
        set_card(&mut bytes, "STT_OFFS", Some(&format!("STT_OFFS= {offs}")));
        open(&bytes).unwrap()
    };
    let a = with("0", "0.25", Some(20));
    let b = with("3", "0.25", None); // consecutive rows: starts at sample 24
    let c = with("0", &format!("{}", 0.25 + 60.0 * 64e-6), None); // by STT_OFFS: starts at sample 60
    let plan = plan_sequence(&[(&c.0, &c.1), (&a.0, &a.1), (&b.0, &b.1)]).unwrap();
    let placed: Vec<(usize, Range<usize>, usize)> = plan.placements.iter().map(|p| (p.file, p.samples.clone(), p.out_offset)).collect();
    // a (20 samples, NSTOT) leaves a gap of 4 before b; b (24..48) overlaps c? c starts at 60: a gap of 12
    assert_eq!(placed, vec![(1, 0..20, 0), (2, 0..24, 24), (0, 0..24, 60)]);
    assert_eq!((plan.ntime, plan.gaps.clone()), (84, vec![20..24, 48..60]));
    assert_eq!(plan.start, a.0.start.unwrap());
    assert!(plan.warnings.iter().filter(|w| w.contains("gap")).count() == 2);
    // overlap and duplicates
    let d = with("0", &format!("{}", 0.25 + 10.0 * 64e-6), None);
    let plan = plan_sequence(&[(&a.0, &a.1), (&d.0, &d.1), (&a.0, &a.1)]).unwrap();
    assert_eq!(
        plan.placements.iter().map(|p| (p.file, p.samples.clone(), p.out_offset)).collect::<Vec<_>>(),
        vec![(0, 0..20, 0), (1, 10..24, 20)]
    );
    assert!(plan.warnings.iter().any(|w| w.contains("overlaps")) && plan.warnings.iter().any(|w| w.contains("wholly within")));
    // incompatible files
    let other_tbin = open(&Spec { tbin: 128e-6, ..spec.clone() }.bytes()).unwrap();
    assert_eq!(err(plan_sequence(&[(&a.0, &a.1), (&other_tbin.0, &other_tbin.1)])).code, code::UNSUPPORTED);
    let other_chans = open(&Spec { freqs: vec![1400.0, 1398.0, 1396.0, 1394.0], ..spec.clone() }.bytes()).unwrap();
    assert_eq!(err(plan_sequence(&[(&a.0, &a.1), (&other_chans.0, &other_chans.1)])).code, code::UNSUPPORTED);
    assert_eq!(err(plan_sequence(&[])).code, code::ARGUMENT);
    let mut no_start = a.0.clone();
    no_start.start = None;
    assert_eq!(err(plan_sequence(&[(&no_start, &a.1)])).code, code::HEADER);
    // a file off the sample grid
    let e = with("0", &format!("{}", 0.25 + 30.5 * 64e-6), None);
    let plan = plan_sequence(&[(&a.0, &a.1), (&e.0, &e.1)]).unwrap();
    assert!(plan.warnings.iter().any(|w| w.contains("off the first file's sample grid")));
}
