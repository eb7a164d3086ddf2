//! How an operation's cost grows with the number of live sessions N, stated in one line: flat,
//! log N, or faster (with the exponent of the power of N it grows like).
//!
//! The rule, from the cost at the smallest and the largest N measured (a ratio `g` of costs and a
//! ratio `r` of N):
//!
//! - **flat**: `g ≤ 1.25` (noise across four orders of magnitude of N is about that much);
//! - **log N**: `g ≤ 1.5 · ln(N_max) / ln(N_min)` (a B-tree's depth, or a hash map's cache
//!   misses, grow like that);
//! - **faster than log N**: anything more, reported as `∝ N^k` with `k = ln g / ln r`.

use std::collections::BTreeMap;

use serde::Serialize;

/// How a cost grows with N.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "class")]
pub enum Growth {
    /// About the same cost at every N.
    Flat { factor: f64 },
    /// Within what log N allows.
    LogN { factor: f64 },
    /// Faster than log N: like N to the power `exponent`.
    Faster { factor: f64, exponent: f64 },
}

impl Growth {
    /// The growth of costs in µs by N; `None` with fewer than two N or a cost that is not
    /// positive.
    pub fn of(micros: &BTreeMap<usize, f64>) -> Option<Self> {
        let (&n_min, &lo) = micros.first_key_value()?;
        let (&n_max, &hi) = micros.last_key_value()?;
        if n_max <= n_min || n_min < 2 || lo <= 0.0 || hi <= 0.0 {
            return None;
        }
        let factor = hi / lo;
        let log_allowance = 1.5 * (n_max as f64).ln() / (n_min as f64).ln();
        Some(if factor <= 1.25 {
            Growth::Flat { factor }
        } else if factor <= log_allowance {
            Growth::LogN { factor }
        } else {
            Growth::Faster {
                factor,
                exponent: factor.ln() / (n_max as f64 / n_min as f64).ln(),
            }
        })
    }

    /// Whether it grows faster than log N.
    pub fn is_faster(self) -> bool {
        matches!(self, Growth::Faster { .. })
    }

    /// The table cell: the factor and the class.
    pub fn cell(self) -> String {
        match self {
            Growth::Flat { factor } => format!("×{factor:.2}: flat"),
            Growth::LogN { factor } => format!("×{factor:.2}: log N"),
            Growth::Faster { factor, exponent } => {
                format!("×{factor:.2}: **faster than log N** (∝ N^{exponent:.2})")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Growth;

    fn growth(points: &[(usize, f64)]) -> Option<Growth> {
        Growth::of(&points.iter().copied().collect())
    }

    #[test]
    fn each_class_is_told_apart() {
        assert!(matches!(
            growth(&[(1_000, 1.0), (10_000_000, 1.2)]),
            Some(Growth::Flat { .. })
        ));
        // ln(1e7) / ln(1e3) = 2.33: a B-tree a few levels deeper.
        assert!(matches!(
            growth(&[(1_000, 1.0), (10_000_000, 2.3)]),
            Some(Growth::LogN { .. })
        ));
        let Some(Growth::Faster { exponent, .. }) = growth(&[(1_000, 1.0), (1_000_000, 1_000.0)])
        else {
            panic!("a linear cost is faster than log N");
        };
        assert!((exponent - 1.0).abs() < 1e-9, "{exponent}");
    }

    #[test]
    fn too_little_to_tell_is_none() {
        assert_eq!(growth(&[]), None);
        assert_eq!(growth(&[(1_000, 1.0)]), None);
        assert_eq!(growth(&[(1_000, 0.0), (10_000, 1.0)]), None);
    }
}
