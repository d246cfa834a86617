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
    let png = encode(&pixmap).map_err(|error| PictureError::Render(error.to_string()))?;
    Ok((png, size.width(), size.height()))
}

/// Compression level of the palette PNG: measured on the pictures here, level 4 unfiltered
/// is within 3% of the smallest file at a third of the time of level 6 with filtering.
const PNG_LEVEL: u8 = 4;

/// The picture as a PNG. It is flat colours on an opaque background, so it holds a hundred
/// or so colours (the fills, the inks and their anti-aliased blends): written as an 8-bit
/// palette image, losslessly, it is half the bytes of RGBA and three times faster to
/// compress. Palette images compress best without row filters. A picture with transparency
/// or more than 256 colours (none today) falls back to tiny-skia's RGBA encoder.
fn encode(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    let Some((palette, indices)) = palette_image(pixmap) else {
        return pixmap.encode_png();
    };
    let mut png = Vec::with_capacity(indices.len() / 16);
    let mut encoder = png::Encoder::new(&mut png, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_palette(palette);
    encoder.set_deflate_compression(png::DeflateCompression::Level(PNG_LEVEL));
    encoder.set_filter(png::Filter::NoFilter);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&indices)?;
    writer.finish()?;
    Ok(png)
}

/// The RGB palette and one index per pixel, when every pixel is opaque (so premultiplied
/// and straight colour agree) and there are at most 256 colours; `None` otherwise.
fn palette_image(pixmap: &tiny_skia::Pixmap) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut palette: Vec<u8> = Vec::with_capacity(3 * 256);
    let mut lookup: rustc_hash::FxHashMap<[u8; 4], u8> = rustc_hash::FxHashMap::default();
    let mut indices: Vec<u8> = Vec::with_capacity(pixmap.data().len() / 4);
    // Most pixels repeat their left neighbour: one comparison instead of a lookup.
    let mut last: Option<([u8; 4], u8)> = None;
    for pixel in pixmap.data().chunks_exact(4) {
        let pixel: [u8; 4] = pixel.try_into().ok()?;
        let index = match last {
            Some((colour, index)) if colour == pixel => index,
            _ => {
                if pixel[3] != u8::MAX {
                    return None;
                }
                let index = match lookup.get(&pixel) {
                    Some(index) => *index,
                    None => {
                        let index = u8::try_from(lookup.len()).ok()?;
                        lookup.insert(pixel, index);
                        palette.extend_from_slice(&pixel[..3]);
                        index
                    }
                };
                last = Some((pixel, index));
                index
            }
        };
        indices.push(index);
    }
    Some((palette, indices))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes a PNG into RGBA bytes with the `png` crate itself (palettes expanded).
    fn decode(png: &[u8]) -> (png::ColorType, Vec<u8>) {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
        decoder.set_transformations(png::Transformations::normalize_to_color8() | png::Transformations::ALPHA);
        let mut reader = decoder.read_info().expect("a PNG header");
        let stored = reader.info().color_type;
        let mut pixels = vec![0; reader.output_buffer_size().expect("a size")];
        let frame = reader.next_frame(&mut pixels).expect("a frame");
        pixels.truncate(frame.buffer_size());
        (stored, pixels)
    }

    #[test]
    fn the_palette_png_is_lossless_and_other_pictures_fall_back_to_rgba() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#FFFFFF"/><circle cx="10" cy="10" r="7" fill="#0072B2"/><text x="20" y="15" font-size="12">가A</text></svg>"##;
        let options = usvg::Options {
            fontdb: fonts(),
            font_family: FONT_FAMILY.to_string(),
            ..usvg::Options::default()
        };
        let tree = usvg::Tree::from_str(svg, &options).expect("svg");
        let mut pixmap = tiny_skia::Pixmap::new(40, 20).expect("canvas");
        resvg::render(&tree, tiny_skia::Transform::identity(), &mut pixmap.as_mut());
        let (stored, pixels) = decode(&encode(&pixmap).expect("png"));
        assert_eq!(stored, png::ColorType::Indexed);
        assert_eq!(pixels, pixmap.data(), "every pixel as rendered");

        // 400 shades of grey: more than a palette holds.
        let mut shades = tiny_skia::Pixmap::new(400, 1).expect("canvas");
        for (x, pixel) in shades.pixels_mut().iter_mut().enumerate() {
            let v = (x % 256) as u8;
            let w = (x / 2) as u8;
            *pixel = tiny_skia::PremultipliedColorU8::from_rgba(v, w, 0, 255).expect("opaque");
        }
        let (stored, pixels) = decode(&encode(&shades).expect("png"));
        assert_eq!(stored, png::ColorType::Rgba);
        assert_eq!(pixels, shades.data());
        // Transparency keeps the alpha channel.
        let clear = tiny_skia::Pixmap::new(4, 4).expect("canvas");
        assert_eq!(decode(&encode(&clear).expect("png")).0, png::ColorType::Rgba);
    }
}
