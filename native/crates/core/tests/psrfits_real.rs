//! The PSRFITS reader on real files from ../shared/real (or WFALL_REAL_DATA); skips, saying so,
//! when the folder is absent. 28.fits must equal 28.fil (the same ASKAP data as a SIGPROC filterbank)
//! once its zero padding is dropped; the Parkes UWL 4-bit file must decode to the levels measured
//! independently (research notes §1.2).

use std::path::PathBuf;

use wfall_core::filterbank::{unpack, Layout};
use wfall_core::psrfits::{read_headers, ChannelAxis, Combine, DecodeOptions, Polarisation, SearchInfo};

fn real_data() -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../..");
    let candidates =
        [std::env::var_os("WFALL_REAL_DATA").map(PathBuf::from), Some(root.join("../shared/real")), Some("/work/shared/real".into())];
    let found = candidates.into_iter().flatten().find(|p| p.join("askap_FRB180417/28.fits").is_file());
    if found.is_none() {
        eprintln!("SKIPPING real-data PSRFITS tests: ../shared/real is absent (set WFALL_REAL_DATA to its path)");
    }
    found
}

fn open(bytes: &[u8]) -> (SearchInfo, ChannelAxis) {
    let headers =
        read_headers(bytes.len() as u64, |at, len| Ok(bytes[at as usize..(at as usize + len).min(bytes.len())].to_vec())).unwrap();
    let info = headers.search_info(bytes.len() as u64).unwrap();
    let at = info.row_offset(0) as usize;
    let axis = ChannelAxis::from_row(&info, &bytes[at..at + info.row_bytes]).unwrap();
    (info, axis)
}

fn decode(bytes: &[u8], info: &SearchInfo, axis: &ChannelAxis, samples: std::ops::Range<usize>, polarisation: Polarisation) -> Vec<f32> {
    let rows = &bytes[info.row_offset(0) as usize..info.row_offset(info.nrows) as usize];
    let mut out = vec![f32::NAN; info.nchan * samples.len()];
    let options = DecodeOptions { polarisation, ..DecodeOptions::default() };
    wfall_core::psrfits::decode_rows(info, axis, rows, 0, samples.clone(), &options, &mut out, samples.len(), 0).unwrap();
    out
}

#[test]
fn askap_28_fits_equals_28_fil() {
    let Some(real) = real_data() else { return };
    let fits = std::fs::read(real.join("askap_FRB180417/28.fits")).unwrap();
    let (mut info, axis) = open(&fits);
    assert_eq!((info.nbits, info.npol, info.nchan, info.nsblk, info.nrows, info.nstot), (8, 1, 336, 789, 7, 5523));
    assert_eq!((axis.descending_in_file, axis.df_mhz, axis.fbottom_mhz), (true, 1.0, 1129.5));
    let last = &fits[info.row_offset(6) as usize..info.row_offset(7) as usize];
    assert_eq!(info.trim_trailing_padding(last).unwrap(), 403);
    assert_eq!(info.nstot, 5120);
    let decoded = decode(&fits, &info, &axis, 0..5120, Polarisation::Intensity(Combine::Sum));
    let fil = std::fs::read(real.join("askap_FRB180417/28.fil")).unwrap();
    let body = fil.windows(10).position(|w| w == b"HEADER_END").unwrap() + 10;
    let (expected, shape) = unpack(&fil[body..], Layout::new(8, 336, true).unwrap()).unwrap();
    assert_eq!(shape.ntime, 5120);
    assert!(decoded == expected, "28.fits samples 0..5119 differ from 28.fil");
}

#[test]
fn parkes_uwl_4bit_levels() {
    let Some(real) = real_data() else { return };
    let sf = std::fs::read(real.join("parkes_crab_4bit/parkes_4bit.sf")).unwrap();
    let (info, axis) = open(&sf);
    assert_eq!((info.nbits, info.npol, info.pol_type.as_str(), info.nchan, info.nstot, info.zero_off), (4, 4, "AABBCRCI", 416, 4096, 7.5));
    assert_eq!((axis.fbottom_mhz, axis.df_mhz, axis.descending_in_file), (704.0, 8.0, true));
    assert!(info.notes.iter().any(|n| n.contains("TDIM10")));
    let mean = |v: &[f32]| v.iter().map(|&x| x as f64).sum::<f64>() / v.len() as f64;
    // row 0, per pol: AA, BB, CR, CI (numpy decode of the same rule: 7.665e6, 7.285e6, 2.121e5, -6.866e4)
    let expected = [7.665e6, 7.285e6, 2.121e5, -6.866e4];
    let means: Vec<f64> = (0..4).map(|p| mean(&decode(&sf, &info, &axis, 0..2048, Polarisation::Pol(p)))).collect();
    for (m, e) in means.iter().zip(expected) {
        assert!((m - e).abs() < 1e-3 * e.abs(), "pol means {means:?}, expected {expected:?}");
    }
    let sum = mean(&decode(&sf, &info, &axis, 0..2048, Polarisation::Intensity(Combine::Sum)));
    assert!((sum - (means[0] + means[1])).abs() < 1e-4 * sum);
}
