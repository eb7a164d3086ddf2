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
        }
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
}
