//! Reading knowledge files and turning them into validated [`Entry`] values.
//!
//! Every problem is collected, not just the first, and each names the file, the entry, the
//! field and the line:column, so one run of `xaas check` shows everything to fix. Nothing here
//! panics on any file content.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;

use super::entry::{
    Analogy, Comparison, Entry, EntryKind, FactAspect, Layer, Management, Provider, Section, SectionItem, Text,
};
use super::raw::{RawEntry, RawKind, RawManagement, RawSection, RawText};
use crate::located_toml::{self, line_column};

/// One knowledge file's name and contents, from disk or compiled in.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Where it came from; shown in every error about it.
    pub path: PathBuf,
    /// The TOML text.
    pub text: String,
}

/// One problem in one knowledge file, located as precisely as the file allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// The file.
    pub file: PathBuf,
    /// The entry id (from the file, else the file stem).
    pub entry: String,
    /// The field path (`summary.ko`, `features[2].en`), when one is to blame.
    pub field: Option<String>,
    /// 1-based line and column, when known.
    pub position: Option<(usize, usize)>,
    /// What is wrong, lowercase, saying what to do where it helps.
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": entry `{}`", self.entry)?;
        if let Some(field) = &self.field {
            write!(f, ", field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Why a knowledge base could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    /// The folder (or a file in it) could not be read.
    #[error("cannot read {path}: {error}")]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// The underlying error; part of the message, not chained, so it is printed once.
        error: std::io::Error,
    },
    /// The folder holds no `*.toml` file.
    #[error("no knowledge files (*.toml) in {0}")]
    Empty(PathBuf),
    /// One or more files are invalid; every problem is listed.
    #[error("{}", list_errors(.0))]
    Invalid(Vec<LoadError>),
}

fn list_errors(errors: &[LoadError]) -> String {
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    format!(
        "{} problem{} in the knowledge base:\n  {}",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" },
        lines.join("\n  ")
    )
}

/// A loaded, validated knowledge base: the entries plus a version that changes whenever any
/// file does, so caches and logs can tell two knowledge bases apart.
#[derive(Clone, Debug)]
pub struct KnowledgeBase {
    entries: Vec<Entry>,
    /// Every fact, derived from `entries` once at load.
    facts: Vec<super::Fact>,
    /// Per entry, the indexes of the facts about it or held in its file, in order.
    facts_about: Vec<Vec<usize>>,
    version: String,
    origin: String,
}

impl KnowledgeBase {
    /// The knowledge base compiled into the binary.
    pub fn builtin() -> Result<KnowledgeBase, KnowledgeError> {
        KnowledgeBase::from_files(super::builtin_files(), "built-in")
    }

    /// Loads every `*.toml` file in `dir` (not recursive; `README.md` and others are ignored).
    pub fn from_dir(dir: &Path) -> Result<KnowledgeBase, KnowledgeError> {
        let io_error = |error| KnowledgeError::Io {
            path: dir.to_path_buf(),
            error,
        };
        let mut paths = Vec::new();
        for item in std::fs::read_dir(dir).map_err(io_error)? {
            let path = item.map_err(io_error)?.path();
            if path.extension().is_some_and(|ext| ext == "toml") && path.is_file() {
                paths.push(path);
            }
        }
        if paths.is_empty() {
            return Err(KnowledgeError::Empty(dir.to_path_buf()));
        }
        paths.sort();
        let mut files = Vec::with_capacity(paths.len());
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|error| KnowledgeError::Io {
                path: path.clone(),
                error,
            })?;
            files.push(SourceFile { path, text });
        }
        KnowledgeBase::from_files(files, &dir.display().to_string())
    }

    /// Parses and validates `files`; `origin` says where they came from, for `xaas check`.
    pub fn from_files(files: Vec<SourceFile>, origin: &str) -> Result<KnowledgeBase, KnowledgeError> {
        let mut errors = Vec::new();
        let mut entries = Vec::new();
        let mut id_spans: Vec<(usize, Range<usize>)> = Vec::new();
        let mut references: Vec<Vec<Reference>> = Vec::new();
        let mut parsed_files = Vec::new();
        for (index, file) in files.iter().enumerate() {
            let mut check = Checker::new(file);
            if let Some((entry, id_span, referenced)) = check.entry() {
                entries.push(entry);
                id_spans.push((index, id_span));
                references.push(referenced);
                parsed_files.push(index);
            }
            errors.extend(check.errors);
        }
        cross_check(&files, &entries, &id_spans, &references, &mut errors);
        if !errors.is_empty() {
            return Err(KnowledgeError::Invalid(errors));
        }
        if entries.is_empty() {
            return Err(KnowledgeError::Empty(PathBuf::from(origin)));
        }
        entries.sort_by_key(|entry| entry.kind == EntryKind::Topic);
        let facts = super::facts::facts_of(&entries);
        let mut facts_about = vec![Vec::new(); entries.len()];
        for (index, fact) in facts.iter().enumerate() {
            facts_about[fact.about].push(index);
            // A fact held in one entry's file about another (IQaaS's roles in the AI stack's
            // file) belongs to both: the holder's questions may ask for it too.
            if fact.holder != fact.about {
                facts_about[fact.holder].push(index);
            }
        }
        Ok(KnowledgeBase {
            entries,
            facts,
            facts_about,
            version: content_version(&files),
            origin: origin.to_string(),
        })
    }

    /// All entries: models first, then topics, each group in file-name order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Every fact of every entry, in entry order: the unit retrieval scores and grounding
    /// sends (see [`Fact`](super::Fact)).
    pub fn facts(&self) -> &[super::Fact] {
        &self.facts
    }

    /// The indexes into [`KnowledgeBase::facts`] of the facts about entry `entry`, wherever
    /// they are held, and of those its own file holds about others, in file order.
    pub fn facts_about(&self, entry: usize) -> &[usize] {
        self.facts_about.get(entry).map_or(&[], Vec::as_slice)
    }

    /// The position of the entry with this id in [`KnowledgeBase::entries`].
    pub fn position(&self, id: &str) -> Option<usize> {
        self.entries.iter().position(|entry| entry.id == id)
    }

    /// The entry with this id.
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|entry| entry.id == id)
    }

    /// A short hash of every file's name and contents.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Where the files came from (`built-in` or a folder).
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

/// FNV-1a over names and contents: stable across runs and platforms, which `DefaultHasher`
/// does not promise.
fn content_version(files: &[SourceFile]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in files {
        let name = file.path.file_name().map(|name| name.to_string_lossy().into_owned());
        for byte in name
            .unwrap_or_default()
            .bytes()
            .chain([0])
            .chain(file.text.bytes())
            .chain([0])
        {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{:08x}", hash >> 32)
}

/// Validation that needs all entries: duplicate ids and aliases, unknown references.
fn cross_check(
    files: &[SourceFile],
    entries: &[Entry],
    id_spans: &[(usize, Range<usize>)],
    references: &[Vec<Reference>],
    errors: &mut Vec<LoadError>,
) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (position, entry) in entries.iter().enumerate() {
        let (file_index, span) = &id_spans[position];
        let file = &files[*file_index];
        if let Some(first) = seen.insert(&entry.id, *file_index) {
            errors.push(located(
                file,
                &entry.id,
                Some("id"),
                span.clone(),
                format!("duplicate id, already used by {}", files[first].path.display()),
            ));
        }
    }
    let ids: HashSet<&str> = entries.iter().map(|entry| entry.id.as_str()).collect();
    for (position, entry) in entries.iter().enumerate() {
        let file = &files[id_spans[position].0];
        for reference in &references[position] {
            let itself = reference.field.starts_with("related") && reference.id == entry.id;
            if !ids.contains(reference.id.as_str()) || itself {
                let message = if itself {
                    "an entry cannot be related to itself".to_string()
                } else {
                    format!("unknown entry id `{}`", reference.id)
                };
                errors.push(located(
                    file,
                    &entry.id,
                    Some(&reference.field),
                    reference.span.clone(),
                    message,
                ));
            }
        }
    }
    let mut alias_owner: HashMap<String, &str> = HashMap::new();
    for (position, entry) in entries.iter().enumerate() {
        for alias in entry.aliases() {
            let key = alias.to_lowercase();
            match alias_owner.get(key.as_str()) {
                Some(owner) if *owner != entry.id => errors.push(LoadError {
                    file: files[id_spans[position].0].path.clone(),
                    entry: entry.id.clone(),
                    field: Some("aliases".to_string()),
                    position: None,
                    message: format!("alias `{alias}` is also an alias of `{owner}`; an alias must point at one entry"),
                }),
                _ => {
                    alias_owner.insert(key, &entry.id);
                }
            }
        }
    }
}

fn located(file: &SourceFile, entry: &str, field: Option<&str>, span: Range<usize>, message: String) -> LoadError {
    LoadError {
        file: file.path.clone(),
        entry: entry.to_string(),
        field: field.map(str::to_string),
        position: Some(line_column(&file.text, span.start)),
        message,
    }
}

/// An entry id named inside a file (`related`, a section's `about`), checked once all
/// entries are known.
struct Reference {
    field: String,
    id: String,
    span: Range<usize>,
}

/// Validates one file, collecting every problem it finds.
struct Checker<'a> {
    file: &'a SourceFile,
    entry: String,
    errors: Vec<LoadError>,
}

impl<'a> Checker<'a> {
    fn new(file: &'a SourceFile) -> Checker<'a> {
        let stem = file
            .path
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Named by the file until the file says its own id (see `entry`).
        Checker {
            file,
            entry: stem,
            errors: Vec::new(),
        }
    }

    fn error(&mut self, field: &str, span: Range<usize>, message: impl Into<String>) {
        let error = located(self.file, &self.entry, Some(field), span, message.into());
        self.errors.push(error);
    }

    /// The entry, its id span and the entry ids it names; `None` when serde failed.
    fn entry(&mut self) -> Option<(Entry, Range<usize>, Vec<Reference>)> {
        let raw = match located_toml::parse::<RawEntry>(&self.file.text) {
            Ok(raw) => {
                self.entry = raw.id.get_ref().clone();
                raw
            }
            Err(error) => {
                // The entry is named by its own id when the file is at least valid TOML; the
                // text is read a second time only on this error path.
                if let Some(id) = self
                    .file
                    .text
                    .parse::<toml::Table>()
                    .ok()
                    .and_then(|table| table.get("id").and_then(|id| id.as_str().map(str::to_string)))
                {
                    self.entry = id;
                }
                self.errors.push(LoadError {
                    file: self.file.path.clone(),
                    entry: self.entry.clone(),
                    field: error.field,
                    position: error.position,
                    message: error.message,
                });
                return None;
            }
        };
        let stem = self
            .file
            .path
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default();
        let id = raw.id.get_ref().trim().to_string();
        if !super::is_entry_id(&id) {
            self.error("id", raw.id.span(), "an id is lowercase ascii letters, digits and '-'");
        } else if id != stem {
            self.error(
                "id",
                raw.id.span(),
                format!("id `{id}` differs from the file name `{stem}.toml`; rename one"),
            );
        }
        let related = raw.related.iter().map(|id| id.get_ref().trim().to_string()).collect();
        let mut references: Vec<Reference> = raw
            .related
            .iter()
            .enumerate()
            .map(|(index, id)| Reference {
                field: format!("related[{index}]"),
                id: id.get_ref().trim().to_string(),
                span: id.span(),
            })
            .collect();
        let entry = Entry {
            id,
            kind: match raw.kind {
                RawKind::Model => EntryKind::Model,
                RawKind::Topic => EntryKind::Topic,
            },
            related,
            name: self.text("name", &raw.name, false),
            full_name: self.text("full_name", &raw.full_name, false),
            aliases_en: self.aliases("aliases.en", &raw.aliases.en),
            aliases_ko: self.aliases("aliases.ko", &raw.aliases.ko),
            summary: self.text("summary", &raw.summary, true),
            definition: self.text("definition", &raw.definition, true),
            analogies: raw
                .analogies
                .iter()
                .enumerate()
                .map(|(index, analogy)| Analogy {
                    scene: self.plain(&format!("analogies[{index}].scene"), &analogy.scene),
                    text: self.pair(&format!("analogies[{index}]"), &analogy.en, &analogy.ko, true),
                })
                .collect(),
            features: self.texts("features", &raw.features),
            providers: raw
                .providers
                .iter()
                .enumerate()
                .map(|(index, provider)| Provider {
                    name: self.plain(&format!("providers[{index}].name"), &provider.name),
                    products: provider
                        .products
                        .iter()
                        .enumerate()
                        .map(|(product, name)| self.plain(&format!("providers[{index}].products[{product}]"), name))
                        .collect(),
                    about: self.pair(&format!("providers[{index}]"), &provider.en, &provider.ko, true),
                })
                .collect(),
            use_cases: self.texts("use_cases", &raw.use_cases),
            pros: self.texts("pros", &raw.pros),
            cons: self.texts("cons", &raw.cons),
            comparison: raw.comparison.as_ref().map(|comparison| Comparison {
                delivery: self.text("comparison.delivery", &comparison.delivery, false),
                typical_use: self.text("comparison.typical_use", &comparison.typical_use, false),
                you_manage: self.text("comparison.you_manage", &comparison.you_manage, false),
                customers: self.text("comparison.customers", &comparison.customers, false),
            }),
            management: raw.management.as_ref().map(|management| self.management(management)),
            sections: raw
                .sections
                .iter()
                .enumerate()
                .map(|(index, section)| self.section(index, section, &mut references))
                .collect(),
        };
        Some((entry, raw.id.span(), references))
    }

    fn section(&mut self, index: usize, raw: &RawSection, references: &mut Vec<Reference>) -> Section {
        let field = format!("sections[{index}]");
        let mut about = |checker: &mut Checker, field: String, value: &Option<Spanned<String>>| {
            value.as_ref().map(|id| {
                let text = checker.plain(&field, id);
                references.push(Reference {
                    field,
                    id: text.clone(),
                    span: id.span(),
                });
                text
            })
        };
        let section_about = about(self, format!("{field}.about"), &raw.about);
        let items = raw
            .items
            .iter()
            .enumerate()
            .map(|(item_index, item)| {
                let item_field = format!("{field}.items[{item_index}]");
                SectionItem {
                    about: about(self, format!("{item_field}.about"), &item.about),
                    aspect: self.aspect(&format!("{item_field}.aspect"), &item.aspect),
                    text: self.pair(&item_field, &item.en, &item.ko, true),
                }
            })
            .collect();
        Section {
            title: self.text(&format!("{field}.title"), &raw.title, false),
            body: self.text(&format!("{field}.body"), &raw.body, true),
            about: section_about,
            aspect: self.aspect(&format!("{field}.aspect"), &raw.aspect),
            items,
        }
    }

    fn aspect(&mut self, field: &str, raw: &Option<Spanned<String>>) -> Option<FactAspect> {
        let raw = raw.as_ref()?;
        let aspect = FactAspect::from_key(raw.get_ref().trim());
        if aspect.is_none() || aspect == Some(FactAspect::Name) {
            let known: Vec<&str> = FactAspect::ALL
                .iter()
                .filter(|aspect| **aspect != FactAspect::Name)
                .map(|aspect| aspect.key())
                .collect();
            self.error(
                field,
                raw.span(),
                format!("unknown aspect `{}`; use one of {}", raw.get_ref(), known.join(", ")),
            );
        }
        aspect
    }

    fn plain(&mut self, field: &str, value: &Spanned<String>) -> String {
        let text = value.get_ref().trim();
        if text.is_empty() {
            self.error(field, value.span(), "empty text");
        }
        text.to_string()
    }

    fn pair(&mut self, field: &str, en: &Spanned<String>, ko: &Spanned<String>, prose: bool) -> Text {
        let en = self.plain(&format!("{field}.en"), en);
        let ko_text = self.plain(&format!("{field}.ko"), ko);
        if prose && !ko_text.is_empty() && !ko_text.chars().any(is_hangul) {
            self.error(
                &format!("{field}.ko"),
                ko.span(),
                "the Korean text has no Hangul; is it still in English?",
            );
        }
        Text { en, ko: ko_text }
    }

    fn text(&mut self, field: &str, raw: &RawText, prose: bool) -> Text {
        self.pair(field, &raw.en, &raw.ko, prose)
    }

    fn texts(&mut self, field: &str, raw: &[RawText]) -> Vec<Text> {
        raw.iter()
            .enumerate()
            .map(|(index, text)| self.text(&format!("{field}[{index}]"), text, true))
            .collect()
    }

    fn aliases(&mut self, field: &str, raw: &Spanned<Vec<Spanned<String>>>) -> Vec<String> {
        if raw.get_ref().is_empty() {
            self.error(field, raw.span(), "give at least one alias");
        }
        raw.get_ref()
            .iter()
            .enumerate()
            .map(|(index, alias)| self.plain(&format!("{field}[{index}]"), alias))
            .collect()
    }

    fn management(&mut self, raw: &RawManagement) -> Management {
        let mut seen: HashSet<Layer> = HashSet::new();
        let mut layers = |checker: &mut Checker, side: &str, list: &[Spanned<String>]| -> Vec<Layer> {
            let mut layers = Vec::new();
            for (index, key) in list.iter().enumerate() {
                let field = format!("management.{side}[{index}]");
                match Layer::from_key(key.get_ref().trim()) {
                    None => checker.error(
                        &field,
                        key.span(),
                        format!(
                            "unknown layer `{}`; layers are {}",
                            key.get_ref(),
                            Layer::ALL.map(Layer::key).join(", ")
                        ),
                    ),
                    Some(layer) if !seen.insert(layer) => {
                        checker.error(&field, key.span(), format!("layer `{}` is listed twice", layer.key()));
                    }
                    Some(layer) => layers.push(layer),
                }
            }
            layers.sort();
            layers
        };
        let customer = layers(self, "customer", &raw.customer);
        let provider = layers(self, "provider", &raw.provider);
        let missing: Vec<&str> = Layer::ALL
            .into_iter()
            .filter(|layer| !customer.contains(layer) && !provider.contains(layer))
            .map(Layer::key)
            .collect();
        if !missing.is_empty() {
            let span = raw.customer.first().map_or(0..0, Spanned::span);
            self.error(
                "management",
                span,
                format!("layers missing from both lists: {}", missing.join(", ")),
            );
        }
        Management {
            customer,
            provider,
            note: raw.note.as_ref().map(|note| self.text("management.note", note, true)),
        }
    }
}

/// Hangul syllables and jamo: enough to tell Korean text from English.
pub(crate) fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> SourceFile {
        SourceFile {
            path: PathBuf::from(format!("k/{name}")),
            text: text.to_string(),
        }
    }

    const GOOD: &str = r#"
id = "demo"
kind = "model"
name = { en = "Demo", ko = "데모" }
full_name = { en = "Demo as a Service", ko = "서비스형 데모" }
aliases = { en = ["demo"], ko = ["데모"] }
summary = { en = "A demo.", ko = "데모입니다." }
definition = { en = "A demo entry.", ko = "데모 항목입니다." }
"#;

    fn errors_of(files: Vec<SourceFile>) -> Vec<LoadError> {
        match KnowledgeBase::from_files(files, "test") {
            Err(KnowledgeError::Invalid(errors)) => errors,
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn a_good_file_loads() {
        let kb = KnowledgeBase::from_files(vec![file("demo.toml", GOOD)], "test").expect("valid");
        assert_eq!(kb.entries().len(), 1);
        assert_eq!(
            kb.get("demo").map(|entry| entry.summary.ko.as_str()),
            Some("데모입니다.")
        );
    }

    #[test]
    fn empty_text_names_field_and_position() {
        let text = GOOD.replace("ko = \"데모입니다.\"", "ko = \"  \"");
        let errors = errors_of(vec![file("demo.toml", &text)]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field.as_deref(), Some("summary.ko"));
        assert_eq!(errors[0].position.map(|(line, _)| line), Some(7));
        assert!(errors[0].to_string().starts_with("k/demo.toml:7:"), "{}", errors[0]);
    }

    #[test]
    fn missing_language_and_unknown_field_are_reported() {
        let text = GOOD.replace(", ko = \"데모 항목입니다.\"", "");
        let errors = errors_of(vec![file("demo.toml", &text)]);
        assert!(errors[0].message.contains("missing field `ko`"), "{}", errors[0]);
        assert_eq!(errors[0].field.as_deref(), Some("definition"));
        let text = format!("{GOOD}\nflavour = \"x\"\n");
        let errors = errors_of(vec![file("demo.toml", &text)]);
        assert!(errors[0].message.contains("unknown field `flavour`"), "{}", errors[0]);
        assert!(errors[0].position.is_some());
    }

    #[test]
    fn duplicates_and_unknown_references_are_reported() {
        let other = GOOD
            .replace("id = \"demo\"", "id = \"other\"\nrelated = [\"nowhere\"]")
            .replace("\"demo\"]", "\"other\"]")
            .replace("[\"데모\"]", "[\"다른\"]");
        let copy = GOOD.to_string();
        let errors = errors_of(vec![
            file("demo.toml", GOOD),
            file("other.toml", &other),
            file("demo.toml", &copy),
        ]);
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(text.iter().any(|line| line.contains("duplicate id")), "{text:?}");
        assert!(
            text.iter()
                .any(|line| line.contains("unknown entry id `nowhere`") && line.contains("related[0]")),
            "{text:?}"
        );
    }

    #[test]
    fn section_items_become_facts_about_their_entry_and_bad_ones_are_located() {
        let sectioned = format!(
            "{GOOD}\n[[sections]]\ntitle = {{ en = \"Rows\", ko = \"행\" }}\naspect = \"manage\"\n\
             body = {{ en = \"The table.\", ko = \"표입니다.\" }}\n\n[[sections.items]]\naspect = \"con\"\n\
             en = \"Demo: slow.\"\nko = \"데모: 느립니다.\"\n"
        );
        let kb = KnowledgeBase::from_files(vec![file("demo.toml", &sectioned)], "test").expect("valid");
        let row = kb
            .facts()
            .iter()
            .find(|f| f.text.en == "Demo: slow.")
            .expect("the item is a fact");
        assert_eq!(row.aspect, crate::knowledge::FactAspect::Con);
        assert_eq!(kb.entries()[row.about].id, "demo");
        assert!(kb.facts().iter().any(|f| f.intro && f.text.en == "The table."));

        let broken = sectioned.replace("aspect = \"con\"", "aspect = \"cons\"\nabout = \"nowhere\"");
        let errors = errors_of(vec![file("demo.toml", &broken)]);
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            text.iter()
                .any(|l| l.contains("sections[0].items[0].aspect") && l.contains("unknown aspect `cons`")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|l| l.contains("sections[0].items[0].about") && l.contains("unknown entry id `nowhere`")),
            "{text:?}"
        );
        assert!(errors.iter().all(|e| e.position.is_some()), "{text:?}");
    }

    #[test]
    fn broken_toml_and_wrong_id_never_panic() {
        for text in ["", "id = ", "id = 3", "\u{0}", "[[[", "id = \"demo\"\nkind = \"nope\""] {
            let errors = errors_of(vec![file("demo.toml", text)]);
            assert!(!errors.is_empty());
        }
        let errors = errors_of(vec![file("renamed.toml", GOOD)]);
        assert!(errors[0].message.contains("differs from the file name"));
    }

    #[test]
    fn management_layers_are_checked() {
        let text = format!("{GOOD}\n[management]\ncustomer = [\"data\", \"data\"]\nprovider = [\"cpu\"]\n");
        let errors = errors_of(vec![file("demo.toml", &text)]);
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(text.iter().any(|line| line.contains("listed twice")), "{text:?}");
        assert!(text.iter().any(|line| line.contains("unknown layer `cpu`")), "{text:?}");
        assert!(
            text.iter().any(|line| line.contains("missing from both lists")),
            "{text:?}"
        );
    }
}
