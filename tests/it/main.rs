//! The one integration-test binary: the real `xaas` binary and library against fakes on 127.0.0.1.
//!
//! - `cli`: the `xaas` binary end to end (ask, --json, stdin, model, compare, check, quiz,
//!   picture, exit codes).
//! - `knowledge`: loading errors name the file, entry, field and line:column.
//! - `eval`: the retrieval evaluation set, held to a floor.
//! - `conversations`: the conversation evaluation set (follow-ups), held to a floor.
//! - `llm`: the LLM providers against fake OpenAI/Anthropic servers on loopback.
//! - `grounded`: the assistant's LLM path (prompt, sources, stream, cache, every fallback),
//!   in-process and through the binary.
//! - `hostile`: property tests (any string is a question) and prompt-injection tests.
//! - `fake_discord`: self-tests of the fake Discord (REST + gateway) the bot is tested against,
//!   components, modals and attachments included.
//! - `reload`: hot reload of real knowledge and prompts folders (edits, broken files, SIGHUP).
//! - `real_llm`: the grounded path against a real llama.cpp server, only when
//!   `XAAS_TEST_REAL_LLM_URL` is set (skipped, and says so, otherwise).
//! - `store`: the embedded store (restart, drain at close, a full queue, what is never written)
//!   and `xaas stats` / `xaas check` on stores made by the test.
//! - `smalltalk`: greetings, thanks, "who are you" through the binary and the LLM path.
//! - `support`: shared helpers and fakes.

mod cli;
mod conversations;
mod discord;
mod eval;
mod fake_discord;
mod grounded;
mod hostile;
mod knowledge;
mod llm;
mod real_llm;
mod reload;
mod smalltalk;
mod store;
mod support;
