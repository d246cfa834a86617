//! Retrieval: finds the knowledge entries a Korean or English question is about, or none.
//!
//! - `analyzer`: normalization, script split, Korean particles, Hangul bigrams, stemming.
//! - `index`: the index over facts and the search that ties the parts together.
//! - `scoring`: BM25F of entries from their facts, BM25 of facts.
//! - `mentions`: names, aliases, products (one entry's or shared), typo correction.
//! - `gate`: the off-topic gate.
//!
//! This layer knows nothing about replies, LLMs or Discord.

pub mod analyzer;
mod gate;
mod index;
mod mentions;
mod scoring;

pub use gate::{asks_for_entry, is_other_domain_word};
pub use index::{FactHit, Field, Hit, Index, Search};
pub use mentions::{Mention, MentionKind, SharedMention};
