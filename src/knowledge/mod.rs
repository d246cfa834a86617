//! The knowledge base: what an entry is, and how `knowledge/*.toml` becomes one.
//!
//! This module owns the schema (`entry`), reading and validating files (`load`), and the
//! built-in copy compiled into the binary (`builtin`). It does no I/O beyond reading files and
//! knows nothing about search, LLMs, HTTP or Discord.

mod builtin;
mod entry;
mod facts;
mod load;
mod raw;

pub use builtin::builtin_files;
pub use entry::{
    is_entry_id, Analogy, Comparison, Entry, EntryKind, Fact, FactAspect, Lang, Layer, Management, Provider, Section,
    SectionItem, Text,
};
pub(crate) use load::is_hangul;
pub use load::{KnowledgeBase, KnowledgeError, LoadError, SourceFile};
