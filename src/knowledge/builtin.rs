//! The knowledge base compiled into the binary, so `xaas ask` works from any directory with no
//! files next to it. `build.rs` lists `knowledge/*.toml` at build time.

use super::SourceFile;

include!(concat!(env!("OUT_DIR"), "/builtin_knowledge.rs"));

/// The built-in knowledge files, named `<built-in>/<file>` so errors still say which one.
pub fn builtin_files() -> Vec<SourceFile> {
    BUILTIN_KNOWLEDGE
        .iter()
        .map(|(name, text)| SourceFile {
            path: format!("<built-in>/knowledge/{name}").into(),
            text: (*text).to_string(),
        })
        .collect()
}
