//! The plot style every SVG of the workspace shares: one palette, one caption font, one size.

use plotters::style::RGBColor;

/// Series colours, in order of use.
pub const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(127, 127, 127),
    RGBColor(148, 103, 189),
];

/// The colour of the `i`-th series.
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Caption font and size.
pub const CAPTION: (&str, u32) = ("sans-serif", 20);

/// Width of every plot, in pixels.
pub const WIDTH: u32 = 1000;

/// Height of one panel, in pixels.
pub const PANEL_HEIGHT: u32 = 320;
