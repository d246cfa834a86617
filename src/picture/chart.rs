//! The chart as plain data: which columns, in which order, and who manages each layer in
//! each. Everything the picture says comes from here, so it is tested without drawing.

use crate::knowledge::{Entry, KnowledgeBase, Lang, Layer};

use super::{PictureError, PictureOptions, MAX_COLUMNS};

/// Who manages one layer of one model: the two colours of the picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Manager {
    /// The customer ("you").
    You,
    /// The cloud provider.
    Provider,
}

impl Manager {
    /// The word written inside a cell, so the picture does not rely on colour alone.
    pub fn cell_word(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Manager::You, Lang::En) => "You",
            (Manager::You, Lang::Ko) => "직접",
            (Manager::Provider, Lang::En) => "Provider",
            (Manager::Provider, Lang::Ko) => "제공자",
        }
    }

    /// The legend's words for it.
    pub fn legend(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Manager::You, Lang::En) => "You manage",
            (Manager::You, Lang::Ko) => "직접 관리",
            (Manager::Provider, Lang::En) => "Provider manages",
            (Manager::Provider, Lang::Ko) => "제공자 관리",
        }
    }
}

/// The picture's title in `lang`.
pub(super) fn title(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Who manages what",
        Lang::Ko => "누가 무엇을 관리하나요?",
    }
}

/// One model's column: its name and who manages each layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The entry id.
    pub id: String,
    /// The entry's short name in the chart's language (the column heading).
    pub name: String,
    /// Who manages each layer, in [`Layer::ALL`] order (bottom of the stack first).
    pub managers: [Manager; Layer::ALL.len()],
}

impl Column {
    /// Who manages `layer` here.
    pub fn manager(&self, layer: Layer) -> Manager {
        let row = Layer::ALL
            .iter()
            .position(|l| *l == layer)
            .expect("Layer::ALL lists every layer");
        self.managers[row]
    }

    /// How many layers are yours: the columns are ordered by it.
    fn yours(&self) -> usize {
        self.managers.iter().filter(|m| **m == Manager::You).count()
    }
}

/// The whole chart: the language, and the columns left to right.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chart {
    /// The language of every label.
    pub lang: Lang,
    /// The columns, left to right: the baseline, then from most to least you manage.
    pub columns: Vec<Column>,
}

impl Chart {
    /// The rows, top to bottom: the application at the top, networking at the bottom, as
    /// in the article's picture.
    pub fn rows(&self) -> impl Iterator<Item = Layer> {
        Layer::ALL.into_iter().rev()
    }

    /// What the picture shows, as text: the title, then one line per column with the
    /// layers each side manages (screen readers, Discord's attachment description).
    pub fn alt_text(&self) -> String {
        let lang = self.lang;
        let mut text = title(lang).to_string();
        for column in &self.columns {
            let list = |who: Manager| {
                Layer::ALL
                    .into_iter()
                    .filter(|layer| column.manager(*layer) == who)
                    .map(|layer| layer.label(lang))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let (yours, theirs) = (list(Manager::You), list(Manager::Provider));
            let parts: Vec<String> = [(Manager::You, yours), (Manager::Provider, theirs)]
                .into_iter()
                .filter(|(_, layers)| !layers.is_empty())
                .map(|(who, layers)| match lang {
                    Lang::En => format!("{} {layers}", who.legend(lang).to_lowercase()),
                    Lang::Ko => format!("{}: {layers}", who.legend(lang)),
                })
                .collect();
            text.push('\n');
            text.push_str(&format!("{} — {}", column.name, parts.join("; ")));
        }
        text
    }
}

/// The chart for the entries `ids` (see [`super::responsibility_png`] for the rules): each
/// id once, the baseline first when wanted, the rest ordered from most to least you manage
/// (the article's staircase; the order asked for breaks ties).
pub fn responsibility_chart(
    knowledge: &KnowledgeBase,
    ids: &[&str],
    options: &PictureOptions,
) -> Result<Chart, PictureError> {
    let lang = options.lang;
    if ids.is_empty() {
        return Err(PictureError::NoEntries);
    }
    let mut asked: Vec<&Entry> = Vec::new();
    for id in ids {
        let entry = knowledge
            .get(id)
            .ok_or_else(|| PictureError::UnknownEntry { id: id.to_string() })?;
        if entry.management.is_none() {
            return Err(PictureError::NoManagement { id: entry.id.clone() });
        }
        if !asked.iter().any(|e| e.id == entry.id) {
            asked.push(entry);
        }
        // Checked as the list grows, so a huge list costs no more than a long one.
        if asked.len() > MAX_COLUMNS {
            return Err(PictureError::TooManyColumns {
                count: asked.len(),
                max: MAX_COLUMNS,
            });
        }
    }
    let mut columns: Vec<Column> = asked.iter().map(|entry| column(entry, lang)).collect();
    columns.sort_by_key(|column| std::cmp::Reverse(column.yours()));
    if options.baseline {
        let baseline = knowledge.entries().iter().find(|entry| {
            entry
                .management
                .as_ref()
                .is_some_and(|management| management.provider.is_empty())
        });
        if let Some(baseline) = baseline {
            columns.retain(|column| column.id != baseline.id);
            columns.insert(0, column(baseline, lang));
        }
    }
    if columns.len() > MAX_COLUMNS {
        return Err(PictureError::TooManyColumns {
            count: columns.len(),
            max: MAX_COLUMNS,
        });
    }
    Ok(Chart { lang, columns })
}

/// One entry's column. Validation put every layer in exactly one list; a layer in neither
/// (never, after validation) would count as yours, the cautious reading.
fn column(entry: &Entry, lang: Lang) -> Column {
    let provider = entry
        .management
        .as_ref()
        .map(|management| management.provider.as_slice())
        .unwrap_or_default();
    let managers = Layer::ALL.map(|layer| {
        if provider.contains(&layer) {
            Manager::Provider
        } else {
            Manager::You
        }
    });
    Column {
        id: entry.id.clone(),
        name: entry.name.get(lang).to_string(),
        managers,
    }
}
