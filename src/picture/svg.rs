//! Where everything goes (`Layout`) and the SVG text that draws it. Sizes are in layout
//! units (CSS pixels); the renderer scales them.
//!
//! Colours are the Okabe–Ito pair blue `#0072B2` (you) and orange `#E69F00` (provider):
//! told apart with every common colour-vision deficiency, and far apart in lightness, so
//! even a greyscale print keeps them apart. Each cell also carries its word ("You",
//! "제공자"), so nothing depends on colour alone.

use super::chart::{title, Chart, Manager};
use super::render::FONT_FAMILY;

/// Fill of the cells you manage (Okabe–Ito blue).
pub(super) const YOU_FILL: &str = "#0072B2";
/// Fill of the cells the provider manages (Okabe–Ito orange).
pub(super) const PROVIDER_FILL: &str = "#E69F00";
/// Text on the blue cells: white is 5.1:1 against it.
const YOU_TEXT: &str = "#FFFFFF";
/// Text on the orange cells: near-black is over 9:1 against it.
const PROVIDER_TEXT: &str = "#1A1A1A";
const INK: &str = "#1A1A1A";
const MUTED_INK: &str = "#444444";

const MARGIN: f32 = 24.0;
const TITLE_SIZE: f32 = 22.0;
const TITLE_BLOCK: f32 = 44.0;
const HEADER_SIZE: f32 = 15.0;
const HEADER_BLOCK: f32 = 34.0;
const LABEL_SIZE: f32 = 14.0;
const CELL_SIZE: f32 = 13.0;
const CELL_HEIGHT: f32 = 32.0;
const GAP: f32 = 4.0;
const MIN_COLUMN_WIDTH: f32 = 96.0;
const LEGEND_GAP: f32 = 18.0;
const SWATCH: f32 = 16.0;
const LEGEND_SIZE: f32 = 14.0;

/// A rectangle in layout units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Rect {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

/// The positions of everything, computed once from the chart so the SVG and the tests
/// agree on where a cell is.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Layout {
    /// The whole picture.
    pub width: f32,
    pub height: f32,
    /// The row-label column's width.
    label_width: f32,
    /// Every model column's width.
    column_width: f32,
    /// The top of the first row of cells.
    grid_top: f32,
    /// The top of the legend.
    legend_top: f32,
}

impl Layout {
    /// Sizes the columns to the longest heading and label (estimated from the text: the
    /// layout comes before any shaping), and the picture to what it holds.
    pub fn new(chart: &Chart) -> Layout {
        let lang = chart.lang;
        let label_width = chart
            .rows()
            .map(|layer| text_width(layer.label(lang), LABEL_SIZE))
            .fold(0.0, f32::max)
            + 16.0;
        let column_width = chart
            .columns
            .iter()
            .map(|column| text_width(&column.name, HEADER_SIZE) + 20.0)
            .chain([
                text_width(Manager::Provider.cell_word(lang), CELL_SIZE) + 20.0,
                MIN_COLUMN_WIDTH,
            ])
            .fold(0.0, f32::max);
        let columns = chart.columns.len() as f32;
        let grid_width = label_width + columns * column_width + (columns - 1.0).max(0.0) * GAP;
        let legend_width =
            legend_entry_width(Manager::You, chart) + 24.0 + legend_entry_width(Manager::Provider, chart);
        let content_width = grid_width.max(text_width(title(lang), TITLE_SIZE)).max(legend_width);
        let grid_top = MARGIN + TITLE_BLOCK + HEADER_BLOCK;
        let rows = chart.rows().count() as f32;
        let legend_top = grid_top + rows * CELL_HEIGHT + (rows - 1.0) * GAP + LEGEND_GAP;
        Layout {
            width: (MARGIN * 2.0 + content_width).ceil(),
            height: (legend_top + SWATCH + MARGIN).ceil(),
            label_width,
            column_width,
            grid_top,
            legend_top,
        }
    }

    /// The cell of column `column` (left to right) and row `row` (top to bottom).
    pub fn cell(&self, column: usize, row: usize) -> Rect {
        Rect {
            x: MARGIN + self.label_width + column as f32 * (self.column_width + GAP),
            y: self.grid_top + row as f32 * (CELL_HEIGHT + GAP),
            width: self.column_width,
            height: CELL_HEIGHT,
        }
    }

    /// The legend's swatch for `who`.
    pub fn swatch(&self, who: Manager, chart: &Chart) -> Rect {
        let x = match who {
            Manager::You => MARGIN,
            Manager::Provider => MARGIN + legend_entry_width(Manager::You, chart) + 24.0,
        };
        Rect {
            x,
            y: self.legend_top,
            width: SWATCH,
            height: SWATCH,
        }
    }
}

/// A swatch, its gap and its words.
fn legend_entry_width(who: Manager, chart: &Chart) -> f32 {
    SWATCH + 8.0 + text_width(who.legend(chart.lang), LEGEND_SIZE)
}

/// An estimate of how wide `text` is at `size`, on the generous side: Hangul is a full em,
/// Latin capitals about two thirds, the rest a bit over half.
fn text_width(text: &str, size: f32) -> f32 {
    text.chars()
        .map(|c| match c {
            c if crate::knowledge::is_hangul(c) => 1.0,
            ' ' => 0.3,
            'A'..='Z' | 'm' | 'w' => 0.7,
            'i' | 'l' | 'j' | 't' | 'f' | 'r' | '.' | ',' | '\'' | '-' => 0.35,
            _ => 0.58,
        })
        .sum::<f32>()
        * size
}

/// The SVG text of the chart laid out by `layout`.
pub(super) fn svg(chart: &Chart, layout: &Layout) -> String {
    let lang = chart.lang;
    let mut out = String::with_capacity(8 * 1024);
    out.push_str(&format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT_FAMILY}">"#,
        w = layout.width,
        h = layout.height
    ));
    out.push_str(r##"<rect width="100%" height="100%" fill="#FFFFFF"/>"##);
    text(
        &mut out,
        MARGIN,
        MARGIN + TITLE_SIZE,
        TITLE_SIZE,
        "start",
        true,
        INK,
        title(lang),
    );
    for (index, column) in chart.columns.iter().enumerate() {
        let top = layout.cell(index, 0);
        text(
            &mut out,
            top.x + top.width / 2.0,
            layout.grid_top - HEADER_BLOCK / 2.0 + HEADER_SIZE * 0.35,
            HEADER_SIZE,
            "middle",
            true,
            INK,
            &column.name,
        );
        for (row, layer) in chart.rows().enumerate() {
            let cell = layout.cell(index, row);
            let who = column.manager(layer);
            let (fill, ink) = match who {
                Manager::You => (YOU_FILL, YOU_TEXT),
                Manager::Provider => (PROVIDER_FILL, PROVIDER_TEXT),
            };
            out.push_str(&format!(
                r#"<rect x="{}" y="{}" width="{}" height="{}" rx="4" fill="{fill}"/>"#,
                cell.x, cell.y, cell.width, cell.height
            ));
            text(
                &mut out,
                cell.x + cell.width / 2.0,
                cell.y + cell.height / 2.0 + CELL_SIZE * 0.35,
                CELL_SIZE,
                "middle",
                false,
                ink,
                who.cell_word(lang),
            );
        }
    }
    for (row, layer) in chart.rows().enumerate() {
        let cell = layout.cell(0, row);
        text(
            &mut out,
            cell.x - 12.0,
            cell.y + cell.height / 2.0 + LABEL_SIZE * 0.35,
            LABEL_SIZE,
            "end",
            false,
            MUTED_INK,
            layer.label(lang),
        );
    }
    for who in [Manager::You, Manager::Provider] {
        let swatch = layout.swatch(who, chart);
        let fill = match who {
            Manager::You => YOU_FILL,
            Manager::Provider => PROVIDER_FILL,
        };
        out.push_str(&format!(
            r#"<rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="{fill}"/>"#,
            swatch.x, swatch.y, swatch.width, swatch.height
        ));
        text(
            &mut out,
            swatch.x + SWATCH + 8.0,
            swatch.y + SWATCH / 2.0 + LEGEND_SIZE * 0.35,
            LEGEND_SIZE,
            "start",
            false,
            INK,
            who.legend(lang),
        );
    }
    out.push_str("</svg>");
    out
}

/// Appends one `<text>` element; `words` are escaped (entry names come from files).
#[allow(clippy::too_many_arguments)]
fn text(out: &mut String, x: f32, y: f32, size: f32, anchor: &str, bold: bool, fill: &str, words: &str) {
    let weight = if bold { r#" font-weight="bold""# } else { "" };
    out.push_str(&format!(
        r#"<text x="{x}" y="{y}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{weight}>{}</text>"#,
        escape(words)
    ));
}

/// XML text escaping: names such as "Coatue's AI stack" or "R&D" stay text.
pub(super) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0; a name never needs one.
            c if c.is_control() => {}
            c => escaped.push(c),
        }
    }
    escaped
}
