//! Shared test helpers and loopback fakes; nothing here touches the internet.
//!
//! - `fake_llm`: a fake OpenAI/Anthropic API on 127.0.0.1 with scripted replies that records
//!   every request.

pub mod fake_discord;
pub mod fake_llm;

/// Tags and tokens of the prompt that must never reach a user, whatever the model echoes.
pub const PROMPT_MARKUP: [&str; 10] = [
    "<entry",
    "</entry",
    "<question",
    "</question",
    "<answer",
    "</answer",
    "<fact",
    "</fact",
    "<|",
    "|>",
];
