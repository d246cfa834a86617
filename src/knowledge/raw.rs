//! The on-disk shape of a knowledge file, exactly as serde reads it, with spans kept on every
//! string so that validation errors can point at a line and column.

use serde::Deserialize;
use toml::Spanned;

/// A bilingual text as written in the file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawText {
    pub en: Spanned<String>,
    pub ko: Spanned<String>,
}

/// Both alias lists.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAliases {
    pub en: Spanned<Vec<Spanned<String>>>,
    pub ko: Spanned<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAnalogy {
    pub scene: Spanned<String>,
    pub en: Spanned<String>,
    pub ko: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawProvider {
    pub name: Spanned<String>,
    #[serde(default)]
    pub products: Vec<Spanned<String>>,
    pub en: Spanned<String>,
    pub ko: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawComparison {
    pub delivery: RawText,
    pub typical_use: RawText,
    pub you_manage: RawText,
    pub customers: RawText,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawManagement {
    pub customer: Vec<Spanned<String>>,
    pub provider: Vec<Spanned<String>>,
    pub note: Option<RawText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSection {
    pub title: RawText,
    pub body: RawText,
    /// What the section is about when it is another entry (a row of the overview about PaaS).
    pub about: Option<Spanned<String>>,
    /// The kind of fact the section states (`history`, `role`, `layer`, ...).
    pub aspect: Option<Spanned<String>>,
    #[serde(default)]
    pub items: Vec<RawItem>,
}

/// One fact inside a section: a table row, a role with its examples, a date.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawItem {
    pub about: Option<Spanned<String>>,
    pub aspect: Option<Spanned<String>>,
    pub en: Spanned<String>,
    pub ko: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "lowercase")]
pub(super) enum RawKind {
    Model,
    Topic,
}

/// One whole knowledge file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEntry {
    pub id: Spanned<String>,
    pub kind: RawKind,
    #[serde(default)]
    pub related: Vec<Spanned<String>>,
    pub name: RawText,
    pub full_name: RawText,
    pub aliases: RawAliases,
    pub summary: RawText,
    pub definition: RawText,
    #[serde(default)]
    pub analogies: Vec<RawAnalogy>,
    #[serde(default)]
    pub features: Vec<RawText>,
    #[serde(default)]
    pub providers: Vec<RawProvider>,
    #[serde(default)]
    pub use_cases: Vec<RawText>,
    #[serde(default)]
    pub pros: Vec<RawText>,
    #[serde(default)]
    pub cons: Vec<RawText>,
    pub comparison: Option<RawComparison>,
    pub management: Option<RawManagement>,
    #[serde(default)]
    pub sections: Vec<RawSection>,
}
