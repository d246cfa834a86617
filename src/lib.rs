//! xaas-bot: a bilingual (Korean/English) assistant that explains cloud service models.
//!
//! A question comes in from a front end (the `xaas` command line, later Discord), becomes a
//! platform-neutral [`assistant::Question`], goes through one [`assistant::Assistant`], and
//! comes back as a platform-neutral [`assistant::Reply`] that the front end renders.
//!
//! # Layout
//! Modules are listed in layer order; a module only uses the ones above it in this list.
//! - [`config`]: one TOML file plus `XAAS_*` environment variables; secrets only from the
//!   environment.
//! - `located_toml` (private): TOML into typed values, with errors that say the field and
//!   the line:column; shared by `config` and `knowledge`.
//! - [`knowledge`]: the schema, loading and validation of `knowledge/*.toml`.
//! - [`picture`]: who manages what as a PNG (the responsibility stack), pure: knowledge in,
//!   bytes out, with its own compiled-in font.
//! - [`search`]: the Korean/English analyzer, BM25 ranking, typo tolerance, off-topic gate.
//! - [`prompt`]: the grounded prompt templates in `prompts/`.
//! - [`llm`]: the LLM providers (OpenAI-compatible, Anthropic) behind one trait.
//! - [`assistant`]: intent, language choice, the offline composer, grounding.
//! - [`quiz`]: multiple-choice questions generated from the knowledge base (pure: seeded,
//!   no I/O), and the button ids that find them again.
//! - [`store`]: the embedded database (SQLite, one writer thread): feedback, unanswered
//!   questions, quiz scores, and the figures of `xaas stats`. Never blocks an answer.
//! - [`reload`]: hot reload of the knowledge and prompts folders (file watching, SIGHUP).
//! - [`discord`]: the Discord bot, a thin adapter over the assistant.
//! - [`cli`]: the `xaas` command line, a thin adapter over the assistant.
#![warn(missing_docs)]

pub mod assistant;
mod base36;
pub mod cli;
pub mod config;
pub mod discord;
pub mod knowledge;
pub mod llm;
mod located_toml;
pub mod picture;
pub mod prompt;
pub mod quiz;
pub mod reload;
pub mod search;
pub mod store;
