//! Order statistics by selection (O(n)), with numpy's definitions. Inputs must
//! hold no NaN; results are f64 whatever the input precision.

use std::cmp::Ordering;

fn order<T: PartialOrd>(a: &T, b: &T) -> Ordering {
    a.partial_cmp(b).unwrap_or(Ordering::Equal)
}

/// The `k`-th smallest value and the one after it in sorted order (the same
/// when `k` is the last index), reordering the values.
fn kth_and_next<T: Copy + PartialOrd + Into<f64>>(values: &mut [T], k: usize) -> (f64, f64) {
    let (_, &mut kth, above) = values.select_nth_unstable_by(k, order);
    let next = above.iter().copied().reduce(|a, b| if order(&b, &a).is_lt() { b } else { a });
    (kth.into(), next.unwrap_or(kth).into())
}

/// Median (mean of the two middle values for an even count), reordering the
/// values; `None` when empty.
pub fn median_in_place<T: Copy + PartialOrd + Into<f64>>(values: &mut [T]) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let (lower, upper) = kth_and_next(values, (n - 1) / 2);
    Some(if n % 2 == 1 { lower } else { 0.5 * (lower + upper) })
}

/// numpy's default (`method="linear"`) percentile `q` in 0..=100, reordering
/// the values; `None` when empty.
pub fn percentile_in_place<T: Copy + PartialOrd + Into<f64>>(values: &mut [T], q: f64) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let position = q / 100.0 * (n - 1) as f64;
    let k = (position.floor() as usize).min(n - 1);
    let (a, b) = kth_and_next(values, k);
    Some(lerp(a, b, position - k as f64))
}

/// numpy's `_lerp`: the formula switches ends at t = 0.5 for monotonic accuracy.
fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median_in_place(&mut [3.0f64, 1.0, 2.0]), Some(2.0));
        assert_eq!(median_in_place(&mut [4.0f32, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median_in_place::<f64>(&mut []), None);
    }

    #[test]
    fn percentile_interpolates_linearly() {
        let v = [1.0f32, 2.0, 3.0, 4.5];
        assert_eq!(percentile_in_place(&mut v.clone(), 0.0), Some(1.0));
        assert_eq!(percentile_in_place(&mut v.clone(), 100.0), Some(4.5));
        assert!((percentile_in_place(&mut v.clone(), 97.5).unwrap() - 4.3875).abs() < 1e-12);
        assert!((percentile_in_place(&mut v.clone(), 2.5).unwrap() - 1.075).abs() < 1e-12);
        assert_eq!(percentile_in_place(&mut [7.0f32], 33.0), Some(7.0));
    }
}
