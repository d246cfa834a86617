//! Who manages what, as a picture: the responsibility stack of the article (layers as rows,
//! application at the top; models as columns, on-premise first) drawn into PNG bytes.
//!
//! Knowledge in, bytes out. This module owns the chart (`chart`: which cell is yours and
//! which the provider's, straight from each entry's `management`), its layout and SVG text
//! (`svg`), and the rendering with the font shipped in `assets/fonts/` (`render`). It does no
//! I/O (the font is compiled in; no system fonts, no network) and knows nothing about Discord
//! or the command line: front ends resolve the names a user typed into entry ids, call
//! [`responsibility_png`], and send or write the bytes.
//!
//! Entries without a `management` split (the topics: GDPR, the AI stack, ...) are an error,
//! [`PictureError::NoManagement`], rather than skipped: a user who asked for one should be
//! told it has no such picture, not handed a picture without it.

mod chart;
mod render;
mod svg;

pub use chart::{responsibility_chart, Chart, Column, Manager};

use crate::knowledge::{KnowledgeBase, Lang};

/// The most columns one picture has (the baseline included): a picture stays readable, and
/// the work of drawing it is bounded whatever a caller passes in.
pub const MAX_COLUMNS: usize = 10;

/// What to draw besides the entries asked for. Plain data, so a front end can build it from
/// its own flags (`--lang`, `--no-baseline`, a Discord locale).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PictureOptions {
    /// The language of every label: title, layers, column names, legend.
    pub lang: Lang,
    /// Put the baseline first: the model where you manage every layer (on-premise in the
    /// built-in knowledge base, found from its data, not its id), as the article's picture
    /// does, so each model reads as "what you no longer run". Not added twice when asked for.
    pub baseline: bool,
    /// Pixels per layout unit: 2.0 keeps text crisp on high-density screens and in Discord's
    /// full-size view, for a PNG that is still small (flat colours compress well).
    pub scale: f32,
}

impl PictureOptions {
    /// The defaults: the baseline first, at scale 2.
    pub fn new(lang: Lang) -> PictureOptions {
        PictureOptions {
            lang,
            baseline: true,
            scale: 2.0,
        }
    }
}

/// A rendered picture: the PNG bytes, their size, and a text alternative.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picture {
    /// The PNG file.
    pub png: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// What the picture shows, in its language, for screen readers and for Discord's
    /// attachment description (one line per column).
    pub alt_text: String,
}

/// Why a picture cannot be drawn. Callers resolve names to ids first (`Assistant::resolve`),
/// so the first two name an id that exists but does not fit.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PictureError {
    /// No entry was asked for (the baseline alone is no answer to anything).
    #[error("no model to draw; name at least one")]
    NoEntries,
    /// An id the knowledge base does not hold.
    #[error("no entry with the id `{id}`")]
    UnknownEntry {
        /// The id passed in.
        id: String,
    },
    /// A topic, or a model without a who-manages-what split in its knowledge file.
    #[error("`{id}` has no who-manages-what split to draw; pick service models such as iaas, paas or saas")]
    NoManagement {
        /// The entry's id.
        id: String,
    },
    /// More columns than [`MAX_COLUMNS`].
    #[error("{count} columns is too many for one picture; at most {max}")]
    TooManyColumns {
        /// Columns asked for, the baseline included.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// The renderer refused the picture (a bug here, not bad input: the SVG is built by
    /// this module).
    #[error("cannot render the picture: {0}")]
    Render(String),
}

/// Draws who manages what for the entries `ids` (in any order; columns run from most to
/// least you manage, the baseline first) as a PNG. Errors when an id is unknown or has no
/// management split, when nothing is asked for, or past [`MAX_COLUMNS`].
pub fn responsibility_png(
    knowledge: &KnowledgeBase,
    ids: &[&str],
    options: &PictureOptions,
) -> Result<Picture, PictureError> {
    let chart = responsibility_chart(knowledge, ids, options)?;
    let layout = svg::Layout::new(&chart);
    let text = svg::svg(&chart, &layout);
    let (png, width, height) = render::png(&text, options.scale)?;
    Ok(Picture {
        png,
        width,
        height,
        alt_text: chart.alt_text(),
    })
}

/// The SVG text [`responsibility_png`] renders, for inspection and tests; its text uses the
/// family of the shipped font, so other renderers need that font to show it the same.
pub fn responsibility_svg(
    knowledge: &KnowledgeBase,
    ids: &[&str],
    options: &PictureOptions,
) -> Result<String, PictureError> {
    let chart = responsibility_chart(knowledge, ids, options)?;
    Ok(svg::svg(&chart, &svg::Layout::new(&chart)))
}

#[cfg(test)]
mod tests;
