//! The one integration-test binary: the real `xaas` binary and library against fakes on 127.0.0.1.
//!
//! - `cli`: the `xaas` binary end to end (ask, --json, stdin, model, compare, check, exit codes).
//! - `knowledge`: loading errors name the file, entry, field and line:column.
//! - `eval`: the retrieval evaluation set, held to a floor.
//! - `llm`: the LLM providers against fake OpenAI/Anthropic servers on loopback.
//! - `support`: shared helpers and fakes.

mod cli;
mod eval;
mod fake_discord;
mod knowledge;
mod llm;
mod support;
