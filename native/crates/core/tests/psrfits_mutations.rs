//! Twenty thousand damaged PSRFITS files through the fuzz entry point, without cargo-fuzz: valid files
//! (every bit depth and pol layout) with header values swapped for awkward ones, bytes flipped,
//! blocks cut or repeated. Each must be read or refused, never panic.

use std::panic::{catch_unwind, AssertUnwindSafe};

use wfall_core::fuzzing::psrfits;
use wfall_core::psrfits::testing::{hash, Spec};

/// Values that break assumptions: zero, negative, huge, fractional, wrong type, placeholders.
const AWKWARD: &[&str] = &[
    "0",
    "-1",
    "1",
    "2",
    "3",
    "7",
    "9",
    "16",
    "33",
    "-8",
    "4294967296",
    "9223372036854775807",
    "99999999999999999999",
    "1.5",
    "-0.0",
    "1E300",
    "T",
    "F",
    "'*'",
    "''",
    "'SEARCH'",
    "'PSR'",
    "'AABB'",
    "'IQUV'",
    "'0B'",
    "'3X'",
    "'1PB(5)'",
    "'(2,2)'",
    "'BINTABLE'",
    "'SUBINT'",
    "(1,2)",
    "",
];

fn seeds() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for (nbits, npol, nchan, nsblk, rows) in
        [(1, 1, 8, 16, 2), (2, 2, 4, 8, 3), (4, 4, 6, 8, 2), (8, 1, 5, 7, 2), (16, 2, 3, 4, 2), (32, 4, 2, 4, 2)]
    {
        let mut spec = Spec::new(nbits, npol, nchan, nsblk, rows);
        spec.nstot = Some((nsblk * rows - 1) as i64);
        spec.zero_off = Some(7.5);
        spec.weights[0][1] = 0.0;
        out.push(spec.bytes());
        out.push(Spec { per_pol_scales: false, pol_type: "IQUV".into(), ..Spec::new(nbits, npol, nchan, nsblk, rows) }.bytes());
    }
    out
}

/// Offsets of the value cards in the headers (cards with `=` in column 9, before the data).
fn value_cards(file: &[u8]) -> Vec<usize> {
    (0..file.len() / 80).map(|i| i * 80).filter(|&at| file[at + 8] == b'=' && file[at].is_ascii_uppercase()).collect()
}

fn mutate(file: &[u8], n: u64) -> Vec<u8> {
    let mut f = file.to_vec();
    let r = |k: u64| hash(n, k);
    for step in 0..1 + r(0) % 3 {
        let cards = value_cards(&f);
        let pick = r(10 + step);
        match pick % 6 {
            0..=2 if !cards.is_empty() => {
                let at = cards[(r(20 + step) % cards.len() as u64) as usize];
                let value = AWKWARD[(r(30 + step) % AWKWARD.len() as u64) as usize];
                let rest = format!("{:<72.72}", format!("= {value}"));
                f[at + 8..at + 80].copy_from_slice(rest.as_bytes());
            }
            0..=3 => {
                for k in 0..1 + r(40 + step) % 8 {
                    let at = (r(50 + step * 8 + k) % f.len() as u64) as usize;
                    f[at] ^= 1 << (r(60 + k) % 8);
                }
            }
            4 => {
                let at = (r(70 + step) % f.len() as u64) as usize;
                f.truncate(at);
                if f.is_empty() {
                    return f;
                }
            }
            _ => {
                let block = 2880 * (r(80 + step) as usize % (f.len() / 2880).max(1));
                let end = (block + 2880).min(f.len());
                let copy = f[block..end].to_vec();
                if r(90) % 2 == 0 {
                    f.splice(block..block, copy);
                } else {
                    f.drain(block..end);
                }
                if f.is_empty() {
                    return f;
                }
            }
        }
    }
    f
}

#[test]
fn damaged_psrfits_files_never_panic() {
    let seeds = seeds();
    let mut panics = Vec::new();
    for n in 0..20_000u64 {
        let input = mutate(&seeds[n as usize % seeds.len()], n);
        if catch_unwind(AssertUnwindSafe(|| psrfits(&input))).is_err() {
            let path = std::env::temp_dir().join(format!("psrfits-panic-{n}"));
            std::fs::write(&path, &input).unwrap();
            panics.push(path);
        }
    }
    for seed in &seeds {
        psrfits(seed);
    }
    assert!(panics.is_empty(), "{} inputs panicked, kept at {:?}", panics.len(), panics);
}
