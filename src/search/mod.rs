//! Retrieval: finds the knowledge entries a Korean or English question is about, or none.
//!
//! - `analyzer`: normalization, script split, Korean particles, Hangul bigrams, stemming.
//! - `index`: BM25F over weighted entry fields, name/alias/product mentions, typo
//!   tolerance, and the off-topic gate.
//!
//! This layer knows nothing about replies, LLMs or Discord.

pub mod analyzer;
mod gate;
mod index;
mod mentions;

pub use index::{FactHit, Field, Hit, Index, Search};
pub use mentions::{Mention, MentionKind, SharedMention};
