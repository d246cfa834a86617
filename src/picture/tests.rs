//! The chart against the knowledge base, the PNG decoded back, and the shipped fonts against
//! every character a picture can draw.

use resvg::tiny_skia::Pixmap;
use skrifa::MetadataProvider;

use super::svg::{Layout, PROVIDER_FILL, YOU_FILL};
use super::*;
use crate::knowledge::{KnowledgeBase, Layer};

fn knowledge() -> KnowledgeBase {
    KnowledgeBase::builtin().expect("the built-in knowledge base loads")
}

fn ids(chart: &Chart) -> Vec<&str> {
    chart.columns.iter().map(|column| column.id.as_str()).collect()
}

#[test]
fn the_chart_follows_each_entrys_management_split() {
    let knowledge = knowledge();
    let chart = responsibility_chart(&knowledge, &["iaas", "saas"], &PictureOptions::new(Lang::En)).expect("chart");
    assert_eq!(
        ids(&chart),
        ["on-premise", "iaas", "saas"],
        "on-premise leads as the baseline"
    );
    for column in &chart.columns {
        let management = knowledge
            .get(&column.id)
            .and_then(|entry| entry.management.as_ref())
            .expect("management");
        for layer in Layer::ALL {
            let expected = if management.provider.contains(&layer) {
                Manager::Provider
            } else {
                Manager::You
            };
            assert_eq!(column.manager(layer), expected, "{} {layer:?}", column.id);
        }
    }
    assert_eq!(
        chart.columns[1].manager(Layer::Os),
        Manager::You,
        "IaaS: the OS is yours"
    );
    assert_eq!(
        chart.columns[2].manager(Layer::Os),
        Manager::Provider,
        "SaaS: the provider's"
    );
    assert_eq!(chart.rows().next(), Some(Layer::Application), "application at the top");
    assert_eq!(chart.rows().last(), Some(Layer::Networking));
}

#[test]
fn columns_run_from_most_to_least_you_manage_each_once() {
    let knowledge = knowledge();
    let options = PictureOptions::new(Lang::Ko);
    let chart = responsibility_chart(&knowledge, &["saas", "paas", "iaas", "saas"], &options).expect("chart");
    assert_eq!(ids(&chart), ["on-premise", "iaas", "paas", "saas"]);
    assert_eq!(chart.columns[0].name, "온프레미스", "names in the chart's language");
    let chart = responsibility_chart(&knowledge, &["iaas", "on-premise"], &options).expect("chart");
    assert_eq!(
        ids(&chart),
        ["on-premise", "iaas"],
        "the baseline asked for is not drawn twice"
    );
    let without = PictureOptions {
        baseline: false,
        ..options
    };
    let chart = responsibility_chart(&knowledge, &["faas", "caas"], &without).expect("chart");
    assert_eq!(ids(&chart), ["caas", "faas"]);
    let many: Vec<&str> = std::iter::repeat_n("iaas", 10_000).collect();
    let chart = responsibility_chart(&knowledge, &many, &options).expect("repeats collapse");
    assert_eq!(ids(&chart), ["on-premise", "iaas"]);
}

#[test]
fn topics_unknown_ids_and_empty_lists_are_errors() {
    let knowledge = knowledge();
    let options = PictureOptions::new(Lang::En);
    assert_eq!(
        responsibility_png(&knowledge, &["iaas", "gdpr"], &options),
        Err(PictureError::NoManagement { id: "gdpr".into() })
    );
    assert_eq!(
        responsibility_png(&knowledge, &["nope"], &options),
        Err(PictureError::UnknownEntry { id: "nope".into() })
    );
    assert_eq!(
        responsibility_png(&knowledge, &[], &options),
        Err(PictureError::NoEntries)
    );
    let message = PictureError::NoManagement { id: "gdpr".into() }.to_string();
    assert!(message.contains("`gdpr`") && message.contains("iaas"), "{message}");
}

/// The colour at the centre of the left edge band of a cell (clear of its word and its
/// rounded corners), as `#RRGGBB`.
fn cell_colour(pixmap: &Pixmap, layout: &Layout, column: usize, row: usize, scale: f32) -> String {
    let cell = layout.cell(column, row);
    let x = ((cell.x + 6.0) * scale) as u32;
    let y = ((cell.y + cell.height / 2.0) * scale) as u32;
    let pixel = pixmap.pixel(x, y).expect("inside the picture").demultiply();
    format!("#{:02X}{:02X}{:02X}", pixel.red(), pixel.green(), pixel.blue())
}

#[test]
fn the_png_decodes_with_the_right_size_and_colours_where_the_knowledge_says() {
    let knowledge = knowledge();
    for lang in [Lang::En, Lang::Ko] {
        let options = PictureOptions::new(lang);
        let picture = responsibility_png(&knowledge, &["iaas", "saas"], &options).expect("picture");
        assert!(picture.png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG file");
        let pixmap = Pixmap::decode_png(&picture.png).expect("the PNG decodes");
        assert_eq!((pixmap.width(), pixmap.height()), (picture.width, picture.height));
        let chart = responsibility_chart(&knowledge, &["iaas", "saas"], &options).expect("chart");
        let layout = Layout::new(&chart);
        assert_eq!(picture.width, (layout.width * options.scale) as u32);
        assert_eq!(picture.height, (layout.height * options.scale) as u32);
        assert!(
            picture.width >= 500 && picture.height >= 500,
            "{}×{}",
            picture.width,
            picture.height
        );

        let os = chart.rows().position(|layer| layer == Layer::Os).expect("an OS row");
        let application = chart.rows().position(|layer| layer == Layer::Application).expect("row");
        let data = chart.rows().position(|layer| layer == Layer::Data).expect("row");
        let colour = |column, row| cell_colour(&pixmap, &layout, column, row, options.scale);
        assert_eq!(colour(0, os), YOU_FILL, "on-premise: the OS is yours");
        assert_eq!(colour(1, os), YOU_FILL, "IaaS: the OS is yours");
        assert_eq!(colour(2, os), PROVIDER_FILL, "SaaS: the provider's");
        assert_eq!(colour(1, application), YOU_FILL);
        assert_eq!(colour(2, application), PROVIDER_FILL);
        assert_eq!(colour(2, data), YOU_FILL, "SaaS: your data stays yours");
        let networking = chart.rows().count() - 1;
        assert_eq!(colour(1, networking), PROVIDER_FILL);
        assert_eq!(colour(0, networking), YOU_FILL);

        // Text is drawn: the title's band has dark ink, the cells their words.
        let dark = |x0: u32, y0: u32, x1: u32, y1: u32| {
            (y0..y1)
                .flat_map(|y| (x0..x1).map(move |x| (x, y)))
                .filter(|(x, y)| pixmap.pixel(*x, *y).is_some_and(|p| p.red() < 80 && p.green() < 80))
                .count()
        };
        let scale = options.scale;
        assert!(
            dark(0, 0, picture.width, (70.0 * scale) as u32) > 200,
            "{lang}: a title"
        );
        let cell = layout.cell(2, os);
        let inked = dark(
            (cell.x * scale) as u32,
            (cell.y * scale) as u32,
            ((cell.x + cell.width) * scale) as u32,
            ((cell.y + cell.height) * scale) as u32,
        );
        assert!(inked > 20, "{lang}: the provider's word in the cell");
    }
}

#[test]
fn the_alt_text_says_the_same_as_the_picture() {
    let knowledge = knowledge();
    let picture = responsibility_png(&knowledge, &["saas"], &PictureOptions::new(Lang::En)).expect("picture");
    let lines: Vec<&str> = picture.alt_text.lines().collect();
    assert_eq!(lines[0], "Who manages what");
    assert!(
        lines[1].starts_with("On-premise — you manage Networking, Storage"),
        "{}",
        lines[1]
    );
    assert!(!lines[1].contains("provider"), "{}", lines[1]);
    assert_eq!(
        lines[2],
        "SaaS — you manage Data; provider manages Networking, Storage, Servers, Virtualization, OS, \
         Middleware, Runtime, Application"
    );
    let picture = responsibility_png(&knowledge, &["iaas"], &PictureOptions::new(Lang::Ko)).expect("picture");
    assert!(
        picture.alt_text.contains("IaaS — 직접 관리: 운영 체제"),
        "{}",
        picture.alt_text
    );
}

#[test]
fn names_are_escaped_in_the_svg() {
    let knowledge = knowledge();
    let svg = responsibility_svg(&knowledge, &["iaas"], &PictureOptions::new(Lang::En)).expect("svg");
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    assert!(svg.contains(">IaaS</text>"), "{svg}");
    assert_eq!(
        super::svg::escape("R&D <\"x\"> it's"),
        "R&amp;D &lt;&quot;x&quot;&gt; it&apos;s"
    );
}

#[test]
fn the_shipped_fonts_cover_everything_a_picture_draws() {
    let knowledge = knowledge();
    let mut drawn = String::new();
    for lang in [Lang::En, Lang::Ko] {
        drawn.push_str(super::chart::title(lang));
        for who in [Manager::You, Manager::Provider] {
            drawn.push_str(who.cell_word(lang));
            drawn.push_str(who.legend(lang));
        }
        for layer in Layer::ALL {
            drawn.push_str(layer.label(lang));
        }
        for entry in knowledge.entries().iter().filter(|entry| entry.management.is_some()) {
            drawn.push_str(entry.name.get(lang));
        }
    }
    for (file, bytes) in [("Regular", super::render::REGULAR), ("Bold", super::render::BOLD)] {
        let font = skrifa::FontRef::new(bytes).expect("the shipped font parses");
        let charmap = font.charmap();
        let mut missing: Vec<char> = drawn
            .chars()
            .filter(|c| !c.is_whitespace() && charmap.map(*c).is_none())
            .collect();
        missing.sort_unstable();
        missing.dedup();
        assert!(
            missing.is_empty(),
            "the {file} subset lacks {missing:?}: run `python3 assets/fonts/subset.py` (assets/fonts/README.md)"
        );
    }
}
