//! Weighted polynomial least squares and the maximum of a polynomial on an interval, for
//! DM_phase's fit of its DM curve (numpy's `polyfit` with `w`, then the real roots of `p'`).

/// Coefficients `p[0] + p[1]·x + … + p[d]·x^d` minimising `Σ (w_i·(y_i − p(x_i)))²` (numpy's
/// `polyfit(x, y, d, w=w)`, lowest order first here). Householder QR of the weighted
/// Vandermonde matrix with its columns scaled to unit norm, as numpy scales them. `None` when
/// there are fewer points than coefficients or the matrix is rank-deficient.
pub fn polyfit(x: &[f64], y: &[f64], w: &[f64], degree: usize) -> Option<Vec<f64>> {
    let (m, k) = (x.len(), degree + 1);
    if m < k || y.len() != m || w.len() != m {
        return None;
    }
    // Column-major A (m × k) and b.
    let mut a: Vec<Vec<f64>> = (0..k).map(|j| (0..m).map(|i| w[i] * x[i].powi(j as i32)).collect()).collect();
    let mut b: Vec<f64> = (0..m).map(|i| w[i] * y[i]).collect();
    let scale: Vec<f64> = a.iter().map(|col| col.iter().map(|v| v * v).sum::<f64>().sqrt()).collect();
    if scale.iter().any(|&s| !(s > 0.0 && s.is_finite())) {
        return None;
    }
    for (col, s) in a.iter_mut().zip(&scale) {
        col.iter_mut().for_each(|v| *v /= s);
    }
    for j in 0..k {
        let norm = a[j][j..].iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm.is_nan() || norm <= 1e-13 {
            return None;
        }
        let alpha = if a[j][j] > 0.0 { -norm } else { norm };
        let mut v: Vec<f64> = a[j][j..].to_vec();
        v[0] -= alpha;
        let vv: f64 = v.iter().map(|t| t * t).sum();
        if vv > 0.0 {
            for col in a.iter_mut().skip(j) {
                let f = 2.0 * v.iter().zip(&col[j..]).map(|(p, q)| p * q).sum::<f64>() / vv;
                col[j..].iter_mut().zip(&v).for_each(|(c, p)| *c -= f * p);
            }
            let f = 2.0 * v.iter().zip(&b[j..]).map(|(p, q)| p * q).sum::<f64>() / vv;
            b[j..].iter_mut().zip(&v).for_each(|(c, p)| *c -= f * p);
        }
    }
    let mut p = vec![0.0; k];
    for j in (0..k).rev() {
        let s: f64 = (j + 1..k).map(|l| a[l][j] * p[l]).sum();
        p[j] = (b[j] - s) / a[j][j];
    }
    Some(p.iter().zip(&scale).map(|(c, s)| c / s).collect())
}

/// `p(x)` (lowest order first).
pub fn eval(p: &[f64], x: f64) -> f64 {
    p.iter().rev().fold(0.0, |acc, &c| acc * x + c)
}

/// The derivative's coefficients.
pub fn derivative(p: &[f64]) -> Vec<f64> {
    p.iter().enumerate().skip(1).map(|(j, &c)| j as f64 * c).collect()
}

/// The real roots of `p` in `[a, b]`: sign changes on 4096 steps, refined by bisection.
pub fn roots_in(p: &[f64], a: f64, b: f64) -> Vec<f64> {
    const STEPS: usize = 4096;
    let mut roots = Vec::new();
    if p.iter().all(|&c| c == 0.0) || a.is_nan() || b.is_nan() || b < a {
        return roots;
    }
    let at = |i: usize| if i == STEPS { b } else { a + (b - a) * i as f64 / STEPS as f64 };
    let mut x0 = at(0);
    let mut f0 = eval(p, x0);
    if f0 == 0.0 {
        roots.push(x0);
    }
    for i in 1..=STEPS {
        let x1 = at(i);
        let f1 = eval(p, x1);
        if f1 == 0.0 {
            roots.push(x1);
        } else if f0 != 0.0 && (f0 < 0.0) != (f1 < 0.0) {
            let (mut lo, mut hi, mut flo) = (x0, x1, f0);
            for _ in 0..200 {
                let mid = 0.5 * (lo + hi);
                if mid <= lo || mid >= hi {
                    break;
                }
                let fm = eval(p, mid);
                if (fm < 0.0) == (flo < 0.0) {
                    lo = mid;
                    flo = fm;
                } else {
                    hi = mid;
                }
            }
            roots.push(0.5 * (lo + hi));
        }
        x0 = x1;
        f0 = f1;
    }
    roots
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_a_known_polynomial_exactly() {
        let x: Vec<f64> = (0..20).map(|i| i as f64 * 0.1 - 1.0).collect();
        let truth = [1.0, -2.0, 0.5, 3.0];
        let y: Vec<f64> = x.iter().map(|&v| eval(&truth, v)).collect();
        let w: Vec<f64> = (0..20).map(|i| 1.0 + i as f64).collect();
        let p = polyfit(&x, &y, &w, 3).unwrap();
        for (a, b) in p.iter().zip(&truth) {
            assert!((a - b).abs() < 1e-10, "{p:?}");
        }
        assert!(polyfit(&x[..3], &y[..3], &w[..3], 3).is_none());
    }

    #[test]
    fn finds_the_roots_of_a_derivative() {
        // p = -(x - 0.3)^2 (x + 0.5): p' roots at 0.3 and -0.2333...
        let p = [-0.045, 0.21, 0.1, -1.0];
        let mut r = roots_in(&derivative(&p), -1.0, 1.0);
        r.sort_by(f64::total_cmp);
        assert_eq!(r.len(), 2);
        assert!((r[0] + 7.0 / 30.0).abs() < 1e-12 && (r[1] - 0.3).abs() < 1e-12, "{r:?}");
    }
}
