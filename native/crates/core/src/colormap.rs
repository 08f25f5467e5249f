//! Colour mapping with matplotlib's tables and matplotlib's arithmetic, so a
//! value gets the same colour it gets in `imshow(..., cmap=name, vmin, vmax)`.
//!
//! As matplotlib does for float32 data: `t = (x - vmin) / (vmax - vmin)` in
//! f32, index `trunc(t * 256)` with `t == 1` mapped to 255; below `vmin` takes
//! the first colour, above `vmax` the last, NaN is fully transparent.

use crate::bail;
use crate::colormap_tables as tables;
use crate::error::{code, CoreResult};
use crate::weights::is_missing;

/// A 256-entry colour table.
pub type Table = [[u8; 3]; 256];

/// The colour maps by name (matplotlib's names).
pub const NAMES: [&str; 6] = ["viridis", "magma", "inferno", "plasma", "cividis", "gray"];

pub fn table(name: &str) -> CoreResult<&'static Table> {
    Ok(match name {
        "viridis" => &tables::VIRIDIS,
        "magma" => &tables::MAGMA,
        "inferno" => &tables::INFERNO,
        "plasma" => &tables::PLASMA,
        "cividis" => &tables::CIVIDIS,
        "gray" | "grey" => &tables::GRAY,
        other => bail!(code::ARGUMENT, "unknown colour map '{other}'; choose one of {}", NAMES.join(", ")),
    })
}

/// Maps values to RGBA with fixed limits.
#[derive(Debug, Clone, Copy)]
pub struct ColourScale {
    table: &'static Table,
    vmin: f32,
    range: f32,
}

impl ColourScale {
    pub fn new(table: &'static Table, vmin: f64, vmax: f64) -> CoreResult<Self> {
        let (lo, hi) = (vmin as f32, vmax as f32);
        if !(lo.is_finite() && hi.is_finite()) {
            bail!(code::ARGUMENT, "colour limits must be finite numbers, got vmin={vmin}, vmax={vmax}");
        }
        if lo > hi {
            bail!(code::ARGUMENT, "vmin ({vmin}) is larger than vmax ({vmax})");
        }
        Ok(Self { table, vmin: lo, range: hi - lo })
    }

    /// The table index of a finite value (matplotlib's rule, in f32).
    #[inline]
    pub fn index(&self, x: f32) -> usize {
        if self.range == 0.0 {
            return 0; // matplotlib's Normalize maps everything to 0 when vmin == vmax
        }
        let t = (x - self.vmin) / self.range * 256.0;
        if t < 0.0 {
            0
        } else if t >= 255.0 {
            // 256.0 (x == vmax) is mapped to the last entry, as is everything above
            255
        } else {
            t as usize
        }
    }

    #[inline]
    pub fn rgba(&self, x: f32) -> [u8; 4] {
        if is_missing(x) {
            return [0, 0, 0, 0];
        }
        let [r, g, b] = self.table[self.index(x)];
        [r, g, b, 255]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_edges_follow_matplotlib() {
        let s = ColourScale::new(table("viridis").unwrap(), 0.0, 1.0).unwrap();
        assert_eq!(s.rgba(0.0), [68, 1, 84, 255]);
        assert_eq!(s.rgba(-5.0), [68, 1, 84, 255]);
        assert_eq!(s.rgba(1.0), [253, 231, 36, 255]);
        assert_eq!(s.rgba(7.0), [253, 231, 36, 255]);
        assert_eq!(s.rgba(f32::NAN), [0, 0, 0, 0]);
        assert_eq!(s.index(0.5), 128);
        assert_eq!(s.index(0.5 - 1e-4), 127);
        // infinities are missing samples, drawn blank as NaN is (matplotlib would clip them)
        assert_eq!(s.rgba(f32::INFINITY), [0, 0, 0, 0]);
        assert_eq!(s.rgba(f32::NEG_INFINITY), [0, 0, 0, 0]);
    }

    #[test]
    fn equal_limits_map_to_the_first_colour_and_bad_limits_are_errors() {
        let s = ColourScale::new(table("gray").unwrap(), 2.0, 2.0).unwrap();
        assert_eq!(s.rgba(9.0), [0, 0, 0, 255]);
        assert!(ColourScale::new(table("gray").unwrap(), 2.0, 1.0).is_err());
        assert!(ColourScale::new(table("gray").unwrap(), f64::NAN, 1.0).is_err());
        assert_eq!(table("jet").unwrap_err().code, code::ARGUMENT);
    }
}
