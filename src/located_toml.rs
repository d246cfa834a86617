//! Reading a TOML document into a typed value so that a failure says where: the field path
//! (`llm.timeout_secs`, `features[2].en`) and the line:column. The knowledge loader and the
//! configuration both read their files this way and wrap the result in their own error.

use std::ops::Range;

use serde::de::DeserializeOwned;

/// Why a TOML document did not become the value, located as precisely as the text allows.
#[derive(Debug)]
pub(crate) struct TomlError {
    /// The field path to blame; `None` for a syntax error or the document as a whole.
    pub(crate) field: Option<String>,
    /// 1-based line and column, when known.
    pub(crate) position: Option<(usize, usize)>,
    /// What is wrong, trimmed; syntax errors start with "invalid TOML: ".
    pub(crate) message: String,
}

/// `text` deserialized into `T`.
pub(crate) fn parse<T: DeserializeOwned>(text: &str) -> Result<T, TomlError> {
    let at = |span: Option<Range<usize>>| span.map(|span| line_column(text, span.start));
    let deserializer = toml::Deserializer::parse(text).map_err(|error| TomlError {
        field: None,
        position: at(error.span()),
        message: format!("invalid TOML: {}", error.message().trim()),
    })?;
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        TomlError {
            field: (path != ".").then_some(path),
            position: at(inner.span()),
            message: inner.message().trim().to_string(),
        }
    })
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |tail| tail.chars().count()) + 1;
    (line, column)
}
