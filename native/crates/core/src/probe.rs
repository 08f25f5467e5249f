//! A memory-bandwidth probe for the benchmarks: the time one parallel read of
//! a buffer takes is the floor for any kernel that must read it.

use rayon::prelude::*;

/// Sums every value (in parallel, f64), so the read cannot be optimised away.
pub fn read_all(values: &[f32]) -> f64 {
    values.par_chunks(1 << 20).map(|chunk| chunk.iter().map(|&v| v as f64).sum::<f64>()).sum()
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_everything() {
        assert_eq!(super::read_all(&vec![0.5f32; 3_000_000]), 1_500_000.0);
    }
}
