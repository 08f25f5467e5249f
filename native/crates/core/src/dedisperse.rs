//! Incremental, in-place dedispersion by whole-sample channel shifts.
//!
//! Channel `i` (centred at `f_i = fbottom + (i + 1/2)*df` MHz, `fbottom` being the band's lower edge) moves toward earlier time by
//! `shift_i = round(K_DM * ΔDM * (f_i^-2 - f_ref^-2) / dt)` samples, with `round`
//! being nearest-ties-to-even (numpy's `np.round`): `new[i][j] = old[i][j + shift_i]`.

use rayon::prelude::*;

use crate::bail;
use crate::error::{code, CoreResult};
use crate::shape::{rows_per_task, Shape};

/// CHIME's (pulsar-convention) dispersion constant, `1/2.41e-4` MHz² s cm³ / pc.
pub const K_DM_CHIME: f64 = 1.0 / 2.41e-4;

/// The frequency every channel is aligned to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reference {
    /// The highest channel's centre (the default, CHIME's choice).
    Top,
    /// The lowest channel's centre.
    Bottom,
    /// Midpoint of the lowest and highest channel centres (the band's centre).
    Centre,
    /// Infinite frequency: the absolute dispersion delay is removed.
    Infinite,
    /// A frequency in MHz.
    Mhz(f64),
}

/// What happens to the samples that a shift moves past the end of the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrap {
    /// Circular, like `np.roll`: they come back in at the other end.
    Roll,
    /// They become NaN with weight 0.
    Invalidate,
}

/// Channel frequencies of a waterfall, row 0 lowest: `fbottom` is the lower edge of the band and
/// channel `i` is centred at `fbottom + (i + 1/2)*df` MHz.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrequencyAxis {
    pub fbottom_mhz: f64,
    pub df_mhz: f64,
    pub nchan: usize,
}

impl FrequencyAxis {
    pub fn new(fbottom_mhz: f64, df_mhz: f64, nchan: usize) -> CoreResult<Self> {
        if !(fbottom_mhz.is_finite() && fbottom_mhz > 0.0) {
            bail!(code::ARGUMENT, "fbottom must be a positive frequency in MHz, got {fbottom_mhz}");
        }
        if !(df_mhz.is_finite() && df_mhz > 0.0) {
            bail!(code::ARGUMENT, "df must be a positive channel width in MHz, got {df_mhz}");
        }
        Ok(Self { fbottom_mhz, df_mhz, nchan })
    }

    /// The centre of channel `channel`, MHz.
    pub fn freq(&self, channel: usize) -> f64 {
        self.fbottom_mhz + (channel as f64 + 0.5) * self.df_mhz
    }

    /// The centre of the highest channel, MHz.
    pub fn top(&self) -> f64 {
        self.freq(self.nchan - 1)
    }

    /// The centre of the lowest channel, MHz.
    pub fn bottom(&self) -> f64 {
        self.freq(0)
    }

    /// `f_ref^-2` for the chosen reference (0 for infinite frequency).
    pub(crate) fn inverse_square_reference(&self, reference: Reference) -> CoreResult<f64> {
        let f = match reference {
            Reference::Top => self.top(),
            Reference::Bottom => self.bottom(),
            Reference::Centre => 0.5 * (self.bottom() + self.top()),
            Reference::Infinite => return Ok(0.0),
            Reference::Mhz(f) => {
                if !(f.is_finite() && f > 0.0) {
                    bail!(code::ARGUMENT, "reference frequency must be a positive number of MHz, got {f}");
                }
                f
            }
        };
        Ok(f.powi(-2))
    }
}

/// Options of one dedispersion step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DedispersePlan {
    /// Target DM minus the DM the data are at now (pc cm^-3).
    pub delta_dm: f64,
    /// Dispersion constant in MHz² s cm³ / pc.
    pub k_dm: f64,
    pub reference: Reference,
    /// Sample time in seconds.
    pub dt_s: f64,
}

/// Per-channel shifts in samples (positive = toward earlier time).
pub fn channel_shifts(axis: &FrequencyAxis, plan: &DedispersePlan) -> CoreResult<Vec<i64>> {
    if !plan.delta_dm.is_finite() {
        bail!(code::DM_RANGE, "DM change must be a finite number, got {}", plan.delta_dm);
    }
    if !(plan.k_dm.is_finite() && plan.k_dm > 0.0) {
        bail!(code::ARGUMENT, "dispersion constant must be positive, got {}", plan.k_dm);
    }
    if !(plan.dt_s.is_finite() && plan.dt_s > 0.0) {
        bail!(code::ARGUMENT, "dt must be a positive number of seconds, got {}", plan.dt_s);
    }
    let inv_ref = axis.inverse_square_reference(plan.reference)?;
    let scale = plan.k_dm * plan.delta_dm / plan.dt_s;
    (0..axis.nchan)
        .map(|i| {
            let samples = (scale * (axis.freq(i).powi(-2) - inv_ref)).round_ties_even();
            // i64 covers ±9.2e18 samples; anything beyond is not a DM but a typo.
            if !samples.is_finite() || samples.abs() > 9.0e18 {
                bail!(code::DM_RANGE, "DM change {:e} gives a shift of {samples:e} samples in channel {i} (a typo?)", plan.delta_dm);
            }
            Ok(samples as i64)
        })
        .collect()
}

/// Shifts every channel in place by `shifts[i]` samples toward earlier time;
/// weights (when given) move with the data.
pub fn apply_shifts(intensity: &mut [f32], weights: Option<&mut [f32]>, shape: Shape, shifts: &[i64], wrap: Wrap) -> CoreResult<()> {
    shape.check_pair(intensity.len(), weights.as_ref().map(|w| w.len()))?;
    if shifts.len() != shape.nchan {
        bail!(code::SHAPE, "{} shifts given for {} channels", shifts.len(), shape.nchan);
    }
    let n = shape.ntime;
    let rows = intensity.par_chunks_mut(n).with_min_len(rows_per_task(n));
    match weights {
        Some(weights) => rows.zip(weights.par_chunks_mut(n)).zip(shifts.par_iter()).for_each(|((row, wrow), &s)| {
            shift_row(row, s, wrap, f32::NAN);
            shift_row(wrow, s, wrap, 0.0);
        }),
        None => rows.zip(shifts.par_iter()).for_each(|(row, &s)| shift_row(row, s, wrap, f32::NAN)),
    }
    Ok(())
}

/// `row[j] = row[j + shift]`, circular or filling the vacated end with `fill`.
fn shift_row(row: &mut [f32], shift: i64, wrap: Wrap, fill: f32) {
    let n = row.len() as i64;
    match wrap {
        Wrap::Roll => row.rotate_left(shift.rem_euclid(n) as usize),
        Wrap::Invalidate if shift.abs() >= n => row.fill(fill),
        Wrap::Invalidate if shift >= 0 => {
            let s = shift as usize;
            row.copy_within(s.., 0);
            let len = row.len();
            row[len - s..].fill(fill);
        }
        Wrap::Invalidate => {
            let s = (-shift) as usize;
            let len = row.len();
            row.copy_within(..len - s, s);
            row[..s].fill(fill);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis() -> FrequencyAxis {
        FrequencyAxis::new(350.0, 100.0, 5).unwrap() // centres 400, 500, ..., 800
    }

    fn plan(delta_dm: f64) -> DedispersePlan {
        DedispersePlan { delta_dm, k_dm: K_DM_CHIME, reference: Reference::Top, dt_s: 1e-3 }
    }

    #[test]
    fn shifts_follow_the_cold_plasma_law() {
        let shifts = channel_shifts(&axis(), &plan(10.0)).unwrap();
        let expected: Vec<i64> = [400.0f64, 500.0, 600.0, 700.0, 800.0]
            .iter()
            .map(|f| (K_DM_CHIME * 10.0 * (f.powi(-2) - 800f64.powi(-2)) / 1e-3).round_ties_even() as i64)
            .collect();
        assert_eq!(shifts, expected);
        assert_eq!(shifts[4], 0);
        assert_eq!(shifts[0], 195); // 4149.38 * 10 * (1/400² - 1/800²) / 1e-3 = 194.502
    }

    #[test]
    fn halves_round_to_even() {
        // 512 MHz and 1024 MHz have exact binary inverse squares, so the shifts are exact halves.
        let axis = FrequencyAxis::new(256.0, 512.0, 2).unwrap(); // centres 512 and 1024
        let at = |delta_dm| DedispersePlan { delta_dm, k_dm: 1.0, reference: Reference::Infinite, dt_s: 2f64.powi(-18) };
        assert_eq!(channel_shifts(&axis, &at(2.5)).unwrap(), vec![2, 1]);
        assert_eq!(channel_shifts(&axis, &at(3.5)).unwrap(), vec![4, 1]);
        assert_eq!(channel_shifts(&axis, &at(-2.5)).unwrap(), vec![-2, -1]);
    }

    #[test]
    fn negative_dm_change_shifts_the_other_way() {
        let up = channel_shifts(&axis(), &plan(3.0)).unwrap();
        let down = channel_shifts(&axis(), &plan(-3.0)).unwrap();
        assert_eq!(up.iter().map(|s| -s).collect::<Vec<_>>(), down);
    }

    #[test]
    fn references_change_the_zero_point() {
        let p = |r| DedispersePlan { reference: r, ..plan(1.0) };
        assert_eq!(channel_shifts(&axis(), &p(Reference::Bottom)).unwrap()[0], 0);
        assert!(channel_shifts(&axis(), &p(Reference::Infinite)).unwrap()[4] > 0);
        assert_eq!(channel_shifts(&axis(), &p(Reference::Mhz(600.0))).unwrap()[2], 0);
        assert_eq!(channel_shifts(&axis(), &p(Reference::Centre)).unwrap()[2], 0);
    }

    #[test]
    fn roll_matches_np_roll() {
        let shape = Shape::new(2, 5).unwrap();
        let mut data: Vec<f32> = (0..10).map(|v| v as f32).collect();
        let mut w = vec![1.0, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0];
        apply_shifts(&mut data, Some(&mut w), shape, &[2, -7], Wrap::Roll).unwrap();
        assert_eq!(data, vec![2.0, 3.0, 4.0, 0.0, 1.0, 8.0, 9.0, 5.0, 6.0, 7.0]);
        assert_eq!(w, vec![1.0, 1.0, 1.0, 1.0, 0.5, 1.0, 0.0, 1.0, 1.0, 1.0]);
    }

    #[test]
    fn invalidate_blanks_the_wrapped_samples() {
        let shape = Shape::new(3, 4).unwrap();
        let mut data: Vec<f32> = (0..12).map(|v| v as f32).collect();
        let mut w = vec![1.0; 12];
        apply_shifts(&mut data, Some(&mut w), shape, &[1, -2, 9], Wrap::Invalidate).unwrap();
        assert_eq!(&data[0..3], &[1.0, 2.0, 3.0]);
        assert!(data[3].is_nan() && data[4].is_nan() && data[5].is_nan());
        assert_eq!(&data[6..8], &[4.0, 5.0]);
        assert!(data[8..].iter().all(|v| v.is_nan()));
        assert_eq!(w, vec![1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]);
    }

    #[test]
    fn bad_parameters_are_errors() {
        assert_eq!(channel_shifts(&axis(), &plan(f64::NAN)).unwrap_err().code, code::DM_RANGE);
        assert_eq!(channel_shifts(&axis(), &plan(1e300)).unwrap_err().code, code::DM_RANGE);
        let zero_dt = DedispersePlan { dt_s: 0.0, ..plan(1.0) };
        assert_eq!(channel_shifts(&axis(), &zero_dt).unwrap_err().code, code::ARGUMENT);
        assert!(FrequencyAxis::new(400.0, -1.0, 4).is_err());
        let shape = Shape::new(2, 3).unwrap();
        let mut data = vec![0.0; 5];
        assert_eq!(apply_shifts(&mut data, None, shape, &[0, 0], Wrap::Roll).unwrap_err().code, code::SHAPE);
    }
}
