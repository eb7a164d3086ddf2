//! Target ratios: a value measured in one run, the bound it must keep, and whether it did.

use serde::{Deserialize, Serialize};

/// Which side of its bound a ratio must stay on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// At least this much.
    AtLeast(f64),
    /// At most this much.
    AtMost(f64),
}

impl Bound {
    /// The bound's value.
    pub fn value(self) -> f64 {
        match self {
            Bound::AtLeast(bound) | Bound::AtMost(bound) => bound,
        }
    }

    /// Whether `value` keeps the bound.
    pub fn holds(self, value: f64) -> bool {
        match self {
            Bound::AtLeast(bound) => value >= bound,
            Bound::AtMost(bound) => value <= bound,
        }
    }
}

impl std::fmt::Display for Bound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Bound::AtLeast(bound) => write!(f, "≥ {bound}"),
            Bound::AtMost(bound) => write!(f, "≤ {bound}"),
        }
    }
}

/// A target ratio and whether this run met it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ratio {
    /// The target's id (`P5`, `S1`, ...).
    pub id: String,
    /// What is divided by what, and where it was measured.
    pub description: String,
    /// The measured value, if both sides were measured.
    pub value: Option<f64>,
    /// The target.
    pub bound: Bound,
    /// Whether the value keeps the bound (`None` when not measured).
    pub met: Option<bool>,
    /// Why, when it is missed; or how it was measured.
    #[serde(default)]
    pub note: String,
    /// The lowest and highest value, when the ratio was measured in several rounds and `value`
    /// is their median.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spread: Option<(f64, f64)>,
}

impl Ratio {
    /// `value` against `bound`.
    pub fn new(
        id: impl Into<String>,
        description: impl Into<String>,
        value: Option<f64>,
        bound: Bound,
    ) -> Self {
        Self {
            id: id.into(),
            description: description.into(),
            value,
            bound,
            met: value.map(|v| bound.holds(v)),
            note: String::new(),
            spread: None,
        }
    }

    /// The median over rounds of `numerators[i] / denominators[i]` (round `i` measured both
    /// sides), with its spread. Undecided (`met` is `None`) when the spread (highest − lowest)
    /// exceeds the median's distance to the bound: the runs disagree more than the target is
    /// near. One round is [`Ratio::of`].
    pub fn of_rounds(
        id: impl Into<String>,
        description: impl Into<String>,
        numerators: &[f64],
        denominators: &[f64],
        bound: Bound,
    ) -> Self {
        let mut values: Vec<f64> = numerators
            .iter()
            .zip(denominators)
            .filter(|(_, d)| **d > 0.0)
            .map(|(n, d)| n / d)
            .collect();
        if values.len() < 2 {
            return Self::new(id, description, values.first().copied(), bound);
        }
        values.sort_by(f64::total_cmp);
        let middle = values.len() / 2;
        let median = if values.len().is_multiple_of(2) {
            (values[middle - 1] + values[middle]) / 2.0
        } else {
            values[middle]
        };
        let (low, high) = (values[0], values[values.len() - 1]);
        let mut ratio = Self::new(id, description, Some(median), bound);
        ratio.spread = Some((low, high));
        if high - low > (median - bound.value()).abs() {
            ratio.met = None;
            ratio.note = format!(
                "undecided: the median of {} rounds is {median:.2}, {:.2} from the target, but \
                 the rounds spread over {:.2} ({low:.2} to {high:.2})",
                values.len(),
                (median - bound.value()).abs(),
                high - low
            );
        }
        ratio
    }

    /// `numerator / denominator` against `bound`, when both were measured.
    pub fn of(
        id: impl Into<String>,
        description: impl Into<String>,
        numerator: Option<f64>,
        denominator: Option<f64>,
        bound: Bound,
    ) -> Self {
        let value = numerator
            .zip(denominator)
            .filter(|(_, d)| *d > 0.0)
            .map(|(n, d)| n / d);
        Self::new(id, description, value, bound)
    }

    /// The same ratio with a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = note.into();
        self
    }

    /// The value as a table cell.
    pub fn value_cell(&self) -> String {
        if let (Some(v), Some((low, high))) = (self.value, self.spread) {
            return format!("{v:.2} ({low:.2}–{high:.2})");
        }
        match self.value {
            None => "not measured".to_owned(),
            Some(v) if v.abs() >= 100.0 => format!("{v:.0}"),
            Some(v) => format!("{v:.2}"),
        }
    }

    /// Whether it was met, as a table cell.
    pub fn met_cell(&self) -> &'static str {
        match self.met {
            Some(true) => "yes",
            Some(false) => "**no**",
            None if self.value.is_some() && self.spread.is_some() => "undecided",
            None => "—",
        }
    }
}

/// The table of ratios, with the notes of missed ones beneath it.
pub fn ratio_table(ratios: &[Ratio]) -> String {
    let mut table = crate::Table::new(["id", "ratio", "value", "target", "met"]);
    for r in ratios {
        table.row([
            r.id.clone(),
            r.description.clone(),
            r.value_cell(),
            r.bound.to_string(),
            r.met_cell().to_owned(),
        ]);
    }
    let mut text = table.markdown();
    for r in ratios.iter().filter(|r| !r.note.is_empty()) {
        text.push_str(&format!("\n{}: {}\n", r.id, r.note));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ratio_knows_its_side_of_the_bound() {
        let r = Ratio::of("P5", "a / b", Some(3.0), Some(4.0), Bound::AtLeast(0.75));
        assert_eq!(r.met, Some(true));
        assert_eq!(r.value_cell(), "0.75");
        let r = Ratio::of("P9", "a / b", Some(9.0), Some(2.0), Bound::AtMost(4.0));
        assert_eq!(r.met, Some(false));
        let r = Ratio::of("P3", "a / b", None, Some(2.0), Bound::AtMost(1.5));
        assert_eq!((r.value, r.met), (None, None));
        assert_eq!(Bound::AtMost(1.5).to_string(), "≤ 1.5");
    }

    #[test]
    fn rounds_give_a_median_with_its_spread_and_undecided_when_it_straddles() {
        // 0.80, 0.90, 0.95: median 0.90, spread 0.15 > distance 0.05 to 0.85.
        let r = Ratio::of_rounds(
            "S1",
            "a / b",
            &[8.0, 9.0, 9.5],
            &[10.0; 3],
            Bound::AtLeast(0.85),
        );
        assert_eq!(r.value, Some(0.9));
        assert_eq!(r.spread, Some((0.8, 0.95)));
        assert_eq!(r.met, None);
        assert_eq!(r.met_cell(), "undecided");
        assert_eq!(r.value_cell(), "0.90 (0.80–0.95)");
        // 0.90, 0.92, 0.94, 0.96: median 0.93, spread 0.06 < distance 0.08: decided, met.
        let r = Ratio::of_rounds(
            "S1",
            "a / b",
            &[9.0, 9.2, 9.4, 9.6],
            &[10.0; 4],
            Bound::AtLeast(0.85),
        );
        assert!((r.value.unwrap() - 0.93).abs() < 1e-9);
        assert_eq!(r.met, Some(true));
        // The same, well below the target: decided, missed.
        let r = Ratio::of_rounds("S1", "a / b", &[5.0, 5.1], &[10.0; 2], Bound::AtLeast(0.85));
        assert_eq!(r.met, Some(false));
        // One round: a plain ratio.
        let r = Ratio::of_rounds("S1", "a / b", &[9.0], &[10.0], Bound::AtLeast(0.85));
        assert_eq!((r.value, r.spread, r.met), (Some(0.9), None, Some(true)));
    }
}
