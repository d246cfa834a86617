//! The validated, plain-data shape of one knowledge entry.
//!
//! Everything here has passed validation: ids are unique and referenced ids exist, every text
//! has both languages, layers are listed once. Code above this layer can rely on that.

use std::fmt;

/// A reply or text language. The knowledge base is written in exactly these two.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    En,
    /// Korean.
    Ko,
}

impl Lang {
    /// The ISO 639-1 code, as used in config, JSON output and Discord locales.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    /// The English or the Korean wording of a fixed label, as this language reads it.
    pub fn pick<'a>(self, en: &'a str, ko: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Ko => ko,
        }
    }

    /// Parses `en` / `ko` (and Discord-style `en-US`, `ko-KR`); anything else is `None`.
    pub fn from_code(code: &str) -> Option<Lang> {
        let lower = code.trim().to_ascii_lowercase();
        match lower.split(['-', '_']).next() {
            Some("en") => Some(Lang::En),
            Some("ko") => Some(Lang::Ko),
            _ => None,
        }
    }
}

/// Whether `id` is written as an entry id must be: lowercase ASCII letters, digits and `-`,
/// not empty. The loader holds the files to it; ids read back from elsewhere (a button) are
/// checked against it before they are looked up.
pub fn is_entry_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One piece of prose in both languages; neither is empty after validation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    /// The English text.
    pub en: String,
    /// The Korean text.
    pub ko: String,
}

impl Text {
    /// The text in `lang`, so callers never match on the language themselves.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ko => &self.ko,
        }
    }
}

/// Whether an entry is one of the service models or a topic around them (a regulation, the
/// AI stack, a discussion); models get the full comparison treatment, topics do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A cloud service model (IaaS, PaaS, ...).
    Model,
    /// A topic the article covers (GDPR, the AI stack, ...).
    Topic,
}

/// One layer of the classic nine-layer stack used to say who manages what.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    /// Networking.
    Networking,
    /// Storage.
    Storage,
    /// Physical servers.
    Servers,
    /// The hypervisor / virtualization layer.
    Virtualization,
    /// The operating system.
    Os,
    /// Middleware.
    Middleware,
    /// The language runtime.
    Runtime,
    /// The data.
    Data,
    /// The application itself.
    Application,
}

impl Layer {
    /// All layers, bottom of the stack first, the order every table shows them in.
    pub const ALL: [Layer; 9] = [
        Layer::Networking,
        Layer::Storage,
        Layer::Servers,
        Layer::Virtualization,
        Layer::Os,
        Layer::Middleware,
        Layer::Runtime,
        Layer::Data,
        Layer::Application,
    ];

    /// The key used in knowledge files.
    pub fn key(self) -> &'static str {
        match self {
            Layer::Networking => "networking",
            Layer::Storage => "storage",
            Layer::Servers => "servers",
            Layer::Virtualization => "virtualization",
            Layer::Os => "os",
            Layer::Middleware => "middleware",
            Layer::Runtime => "runtime",
            Layer::Data => "data",
            Layer::Application => "application",
        }
    }

    /// Parses a knowledge-file key.
    pub fn from_key(key: &str) -> Option<Layer> {
        Layer::ALL.into_iter().find(|layer| layer.key() == key)
    }

    /// The layer's display name in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Layer::Networking, Lang::En) => "Networking",
            (Layer::Networking, Lang::Ko) => "네트워킹",
            (Layer::Storage, Lang::En) => "Storage",
            (Layer::Storage, Lang::Ko) => "스토리지",
            (Layer::Servers, Lang::En) => "Servers",
            (Layer::Servers, Lang::Ko) => "서버",
            (Layer::Virtualization, Lang::En) => "Virtualization",
            (Layer::Virtualization, Lang::Ko) => "가상화",
            (Layer::Os, Lang::En) => "OS",
            (Layer::Os, Lang::Ko) => "운영 체제",
            (Layer::Middleware, Lang::En) => "Middleware",
            (Layer::Middleware, Lang::Ko) => "미들웨어",
            (Layer::Runtime, Lang::En) => "Runtime",
            (Layer::Runtime, Lang::Ko) => "런타임",
            (Layer::Data, Lang::En) => "Data",
            (Layer::Data, Lang::Ko) => "데이터",
            (Layer::Application, Lang::En) => "Application",
            (Layer::Application, Lang::Ko) => "애플리케이션",
        }
    }
}

/// An everyday comparison that makes a model easy to grasp.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Analogy {
    /// A short label of the scene (housing, farming, meal-kit, ...).
    pub scene: String,
    /// The analogy itself.
    pub text: Text,
}

/// A company or product offering the model, so "who sells this?" has an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provider {
    /// The language-neutral name (AWS, Heroku, ...).
    pub name: String,
    /// Product names (EC2, S3, ...), also used as retrieval terms.
    pub products: Vec<String>,
    /// What it offers.
    pub about: Text,
}

/// The article's comparison-table columns for one model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// What is delivered (infrastructure, platform, ...).
    pub delivery: Text,
    /// What it is typically used for.
    pub typical_use: Text,
    /// What the customer still manages.
    pub you_manage: Text,
    /// Who typically buys it.
    pub customers: Text,
}

/// Who manages which stack layer: every layer is in exactly one of the two lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Management {
    /// Layers the customer manages, bottom first.
    pub customer: Vec<Layer>,
    /// Layers the provider manages, bottom first.
    pub provider: Vec<Layer>,
    /// A nuance the plain split cannot say.
    pub note: Option<Text>,
}

/// Anything else the article says about an entry, under its own heading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// The heading.
    pub title: Text,
    /// The body (an introduction when the section has items).
    pub body: Text,
    /// The entry the section is about when it is not the one holding it.
    pub about: Option<String>,
    /// What kind of fact the body states; items inherit it.
    pub aspect: Option<FactAspect>,
    /// Facts stated one by one (table rows, roles, dates), shown as a list under the body.
    pub items: Vec<SectionItem>,
}

/// One fact of a section, with what it is about when that differs from its section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionItem {
    /// The entry it is about; `None` is the section's (or the holder's).
    pub about: Option<String>,
    /// Its aspect; `None` is the section's.
    pub aspect: Option<FactAspect>,
    /// The fact.
    pub text: Text,
}

/// What a fact says about its entry. Answers pick facts by it: the cons for a downsides
/// question, the date for a "when" question. Knowledge files name it where the place of a
/// fact does not already say (`aspect = "role"` on a section).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FactAspect {
    /// Names, aliases, products: what people call it (never shown as an answer).
    Name,
    /// What it is.
    Definition,
    /// An everyday comparison.
    Analogy,
    /// A feature.
    Feature,
    /// A company or product that offers it.
    Provider,
    /// What it is used for.
    UseCase,
    /// Who typically uses it.
    Customer,
    /// An advantage.
    Pro,
    /// A disadvantage.
    Con,
    /// Who manages which layer, or what is left to you.
    Manage,
    /// When something happened: a law enacted, a report published.
    History,
    /// A role (IQaaS's augment, automate, change) with its examples.
    Role,
    /// A layer of a stack and what sits in it.
    Layer,
    /// A worked example.
    Example,
    /// Any other discussion.
    Section,
}

impl FactAspect {
    /// Every aspect, in the order knowledge files may name them.
    pub const ALL: [FactAspect; 15] = [
        FactAspect::Name,
        FactAspect::Definition,
        FactAspect::Analogy,
        FactAspect::Feature,
        FactAspect::Provider,
        FactAspect::UseCase,
        FactAspect::Customer,
        FactAspect::Pro,
        FactAspect::Con,
        FactAspect::Manage,
        FactAspect::History,
        FactAspect::Role,
        FactAspect::Layer,
        FactAspect::Example,
        FactAspect::Section,
    ];

    /// The key used in knowledge files and JSON.
    pub fn key(self) -> &'static str {
        match self {
            FactAspect::Name => "name",
            FactAspect::Definition => "definition",
            FactAspect::Analogy => "analogy",
            FactAspect::Feature => "feature",
            FactAspect::Provider => "provider",
            FactAspect::UseCase => "use_case",
            FactAspect::Customer => "customer",
            FactAspect::Pro => "pro",
            FactAspect::Con => "con",
            FactAspect::Manage => "manage",
            FactAspect::History => "history",
            FactAspect::Role => "role",
            FactAspect::Layer => "layer",
            FactAspect::Example => "example",
            FactAspect::Section => "section",
        }
    }

    /// Parses a knowledge-file key.
    pub fn from_key(key: &str) -> Option<FactAspect> {
        FactAspect::ALL.into_iter().find(|aspect| aspect.key() == key)
    }
}

/// One thing the knowledge base states, the unit of retrieval and of grounding: its text in
/// both languages, the entry it is about (a row of the overview about PaaS is about `paas`)
/// and the entry whose file holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    /// Index into [`crate::knowledge::KnowledgeBase::entries`] of the entry it is about.
    pub about: usize,
    /// Index of the entry whose file holds it.
    pub holder: usize,
    /// What it says.
    pub aspect: FactAspect,
    /// The fact itself.
    pub text: Text,
    /// The heading it sits under (a section title), for context in prompts and answers.
    pub heading: Option<Text>,
    /// It introduces the items that follow it (a section body above its items): the items
    /// say the particular things, so they answer before it.
    pub intro: bool,
}

/// One validated knowledge entry: a service model or a topic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The stable id (`iaas`), equal to the file stem.
    pub id: String,
    /// Model or topic.
    pub kind: EntryKind,
    /// Ids of related entries, all known.
    pub related: Vec<String>,
    /// Short display name.
    pub name: Text,
    /// Full name.
    pub full_name: Text,
    /// Extra retrieval terms, English.
    pub aliases_en: Vec<String>,
    /// Extra retrieval terms, Korean.
    pub aliases_ko: Vec<String>,
    /// One sentence.
    pub summary: Text,
    /// A paragraph.
    pub definition: Text,
    /// Analogies.
    pub analogies: Vec<Analogy>,
    /// Features.
    pub features: Vec<Text>,
    /// Providers and products.
    pub providers: Vec<Provider>,
    /// Use cases.
    pub use_cases: Vec<Text>,
    /// Advantages.
    pub pros: Vec<Text>,
    /// Disadvantages.
    pub cons: Vec<Text>,
    /// Comparison-table columns.
    pub comparison: Option<Comparison>,
    /// Who manages what.
    pub management: Option<Management>,
    /// Other sections.
    pub sections: Vec<Section>,
}

impl Entry {
    /// The title shown to users: "IaaS (Infrastructure as a Service)" style, or just the name
    /// when the full name adds nothing.
    pub fn title(&self, lang: Lang) -> String {
        let name = self.name.get(lang);
        let full = self.full_name.get(lang);
        if full.is_empty() || full.eq_ignore_ascii_case(name) || full.contains(name) {
            if full.is_empty() {
                name.to_string()
            } else {
                full.to_string()
            }
        } else {
            format!("{name} ({full})")
        }
    }

    /// All aliases in both languages: retrieval matches either whatever the reply language.
    pub fn aliases(&self) -> impl Iterator<Item = &str> {
        self.aliases_en.iter().chain(self.aliases_ko.iter()).map(String::as_str)
    }
}
