//! SVG text to PNG bytes with resvg, and the one font it may use.
//!
//! The font is a subset of Noto Sans CJK KR (SIL OFL 1.1) compiled into the binary: the
//! characters the picture can draw and nothing else (`assets/fonts/README.md` says how to
//! regenerate it). No system font is ever looked up, so a picture looks the same on every
//! machine and needs no font installed.

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia;
use resvg::usvg;
use resvg::usvg::fontdb;

use super::PictureError;

/// The family name inside the shipped font files; the SVG asks for it by name.
pub(super) const FONT_FAMILY: &str = "Noto Sans CJK KR";

/// Noto Sans CJK KR Regular, subset (see `assets/fonts/README.md`).
pub(super) static REGULAR: &[u8] = include_bytes!("../../assets/fonts/NotoSansCJKkr-Regular.subset.otf");
/// Noto Sans CJK KR Bold, subset: the title and the column headings.
pub(super) static BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoSansCJKkr-Bold.subset.otf");

/// The smallest and largest scale accepted: below it text is unreadable, above it a PNG
/// grows past what any chat shows.
const SCALES: std::ops::RangeInclusive<f32> = 0.5..=4.0;

/// The font database with the two shipped faces only. Built once: it is the same for
/// every picture, and immutable.
fn fonts() -> Arc<fontdb::Database> {
    static FONTS: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut database = fontdb::Database::new();
            for face in [REGULAR, BOLD] {
                database.load_font_source(fontdb::Source::Binary(Arc::new(face)));
            }
            Arc::new(database)
        })
        .clone()
}

/// Renders `svg` at `scale` (clamped to 0.5–4) into PNG bytes, with their width and height.
pub(super) fn png(svg: &str, scale: f32) -> Result<(Vec<u8>, u32, u32), PictureError> {
    let scale = if scale.is_finite() {
        scale.clamp(*SCALES.start(), *SCALES.end())
    } else {
        2.0
    };
    let options = usvg::Options {
        font_family: FONT_FAMILY.to_string(),
        languages: vec!["ko".to_string(), "en".to_string()],
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|error| PictureError::Render(error.to_string()))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or_else(|| PictureError::Render(format!("cannot scale the picture by {scale}")))?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| PictureError::Render(format!("no {}×{} canvas", size.width(), size.height())))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    let png = pixmap
        .encode_png()
        .map_err(|error| PictureError::Render(error.to_string()))?;
    Ok((png, size.width(), size.height()))
}
