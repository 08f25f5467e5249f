//! CRC-32 (the zip format's, IEEE 802.3), computed in parallel: chunks are
//! hashed on the thread pool with SIMD (`crc32fast`) and combined, so checking
//! a stored npz member costs a fraction of reading it.

use rayon::prelude::*;

/// Chunks smaller than this are not worth a task of their own.
const CHUNK_BYTES: usize = 4 << 20;

/// The CRC-32 of `bytes`.
pub fn crc32(bytes: &[u8]) -> u32 {
    hasher_of(bytes).finalize()
}

/// The CRC-32 of some earlier bytes whose CRC is `previous`, followed by `bytes`: a member read in
/// pieces, front to back, is checked without holding it whole.
pub fn crc32_after(previous: u32, bytes: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new_with_initial(previous);
    hasher.combine(&hasher_of(bytes));
    hasher.finalize()
}

fn hasher_of(bytes: &[u8]) -> crc32fast::Hasher {
    if bytes.len() <= CHUNK_BYTES {
        // one chunk: hashed here, without waiting for the pool (a read checks its pieces one by one)
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(bytes);
        return hasher;
    }
    bytes
        .par_chunks(CHUNK_BYTES)
        .map(|chunk| {
            let mut hasher = crc32fast::Hasher::new();
            hasher.update(chunk);
            hasher
        })
        .reduce(crc32fast::Hasher::new, |mut a, b| {
            a.combine(&b);
            a
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_standard_check_value_and_a_serial_hash() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926); // the CRC-32 check value
        assert_eq!(crc32(b""), 0);
        let big: Vec<u8> = (0..(3 * CHUNK_BYTES + 12345)).map(|i| (i * 31 % 251) as u8).collect();
        assert_eq!(crc32(&big), crc32fast::hash(&big));
    }

    #[test]
    fn a_crc_continued_piece_by_piece_equals_the_whole_one() {
        let big: Vec<u8> = (0..(2 * CHUNK_BYTES + 777)).map(|i| (i * 7 % 253) as u8).collect();
        for cut in [0, 1, 4096, CHUNK_BYTES + 3, big.len()] {
            let (a, b) = big.split_at(cut);
            assert_eq!(crc32_after(crc32(a), b), crc32(&big), "cut at {cut}");
        }
        assert_eq!(crc32_after(0, b"123456789"), 0xcbf4_3926);
    }
}
