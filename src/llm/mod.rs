//! The LLM providers behind one trait: [`LlmClient`] turns a [`ChatRequest`] (a system and a
//! user text) into the model's answer, whole or as a stream of text deltas.
//!
//! # Layout
//! - `http`: what every provider shares — one reqwest client, the concurrency limit, the
//!   overall timeout, retries with backoff and `Retry-After`, reading SSE streams, and turning
//!   transport failures into [`LlmError`] without secrets.
//! - `openai`: the OpenAI-compatible chat completions wire format (also Ollama, vLLM,
//!   llama.cpp, OpenRouter, Groq).
//! - `anthropic`: Anthropic's Messages API wire format.
//!
//! This module owns the wire formats and the call policy, and nothing about what is asked: it
//! never renders prompts, never decides when to fall back to the offline answer, and never
//! logs a prompt, an answer or the API key. The key travels only in a request header marked
//! sensitive; no error, log line or `Debug` output carries it.

mod anthropic;
mod http;
mod openai;

use std::sync::Arc;

use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;

use crate::config::{LlmConfig, ProviderKind};

/// One question to the model: the system instructions, the conversation so far and the user
/// message, all rendered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChatRequest {
    /// The system prompt (instructions and grounding).
    pub system: String,
    /// Earlier messages of the conversation, oldest first, alternating user and assistant
    /// and starting with a user message; empty for a fresh question.
    pub history: Vec<ChatMessage>,
    /// The user message (the question and its context).
    pub user: String,
}

/// Who wrote an earlier message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// The person asking.
    User,
    /// The bot.
    Assistant,
}

impl Role {
    /// The role's name in both wire formats.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }
}

/// One earlier message of a conversation.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ChatMessage {
    /// Who wrote it.
    pub role: Role,
    /// What it said.
    pub content: String,
}

/// The messages of `request` after the system prompt, as both wire formats list them.
pub(crate) fn messages(request: &ChatRequest) -> Vec<serde_json::Value> {
    request
        .history
        .iter()
        .map(|message| serde_json::json!({"role": message.role.as_str(), "content": message.content}))
        .chain(std::iter::once(
            serde_json::json!({"role": "user", "content": request.user}),
        ))
        .collect()
}

/// A model behind an HTTP API.
///
/// Every call is bounded by the configured timeout (waiting for a slot, all attempts and
/// backoff included), retried only for 429, 5xx and connection failures, and limited in
/// concurrency across all calls of one client.
pub trait LlmClient: Send + Sync {
    /// The whole answer, as the model wrote it (not yet cleaned by [`clean_answer`]).
    fn complete<'a>(&'a self, request: &'a ChatRequest) -> BoxFuture<'a, Result<String, LlmError>>;

    /// The answer as text deltas in order. The stream ends after the provider's end marker;
    /// when the body ends without it the last item is [`LlmError::Truncated`]. After an error
    /// the stream ends.
    fn stream<'a>(&'a self, request: &'a ChatRequest) -> BoxStream<'a, Result<String, LlmError>>;

    /// The provider's name (`openai`, `anthropic`), for logs and errors.
    fn name(&self) -> &str;
}

/// Why the model gave no answer. No variant ever holds the API key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LlmError {
    /// The server could not be reached, or the connection broke.
    #[error("{provider}: cannot reach the llm api: {message}")]
    Connect {
        /// The provider's name.
        provider: String,
        /// What failed, without the URL.
        message: String,
    },
    /// No (complete) answer within the configured timeout.
    #[error("{provider}: no answer within {secs}s")]
    Timeout {
        /// The provider's name.
        provider: String,
        /// The configured bound, `llm.timeout_secs`.
        secs: u64,
    },
    /// The server answered with an error status (or reported one inside the body).
    #[error("{provider}: the llm api answered {status}: {body}")]
    Status {
        /// The provider's name.
        provider: String,
        /// The HTTP status, or the status the body reported.
        status: u16,
        /// The start of the error body (at most about 200 characters, on one line).
        body: String,
    },
    /// The body was not in the provider's format.
    #[error("{provider}: malformed answer: {message}")]
    Malformed {
        /// The provider's name.
        provider: String,
        /// What was wrong with it.
        message: String,
    },
    /// The model answered with no text.
    #[error("{provider}: the model gave an empty answer")]
    EmptyAnswer {
        /// The provider's name.
        provider: String,
    },
    /// A stream ended without the provider's end marker.
    #[error("{provider}: the answer stream ended before it was complete")]
    Truncated {
        /// The provider's name.
        provider: String,
    },
    /// Every concurrency slot stayed taken for the whole timeout.
    #[error("{provider}: all {limit} llm slots stayed busy for the whole timeout")]
    Busy {
        /// The provider's name.
        provider: String,
        /// `llm.max_concurrent`.
        limit: usize,
    },
    /// The configuration cannot make a client.
    #[error("llm configuration: {message}")]
    Config {
        /// What is wrong and what to do.
        message: String,
    },
}

impl LlmError {
    /// Whether another attempt may succeed: 429, 5xx and connection failures.
    pub fn is_retryable(&self) -> bool {
        match self {
            LlmError::Connect { .. } => true,
            LlmError::Status { status, .. } => *status == 429 || (500..=599).contains(status),
            _ => false,
        }
    }

    /// A short name of the failure kind, for structured logs.
    pub fn kind(&self) -> &'static str {
        match self {
            LlmError::Connect { .. } => "connect",
            LlmError::Timeout { .. } => "timeout",
            LlmError::Status { .. } => "status",
            LlmError::Malformed { .. } => "malformed",
            LlmError::EmptyAnswer { .. } => "empty_answer",
            LlmError::Truncated { .. } => "truncated",
            LlmError::Busy { .. } => "busy",
            LlmError::Config { .. } => "config",
        }
    }
}

/// The client for `config.provider`, or `None` when the provider is `none`.
///
/// All calls of the returned client share one reqwest client (connect timeout
/// `connect_timeout_secs`) and one limit of `max_concurrent` calls at once.
pub fn connect(config: &LlmConfig) -> Result<Option<Arc<dyn LlmClient>>, LlmError> {
    let client: Arc<dyn LlmClient> = match config.provider {
        ProviderKind::None => return Ok(None),
        ProviderKind::Openai => Arc::new(http::WireClient::new(&openai::WIRE, config)?),
        ProviderKind::Anthropic => Arc::new(http::WireClient::new(&anthropic::WIRE, config)?),
    };
    Ok(Some(client))
}

/// The answer a user may see: reasoning blocks (`<think>…</think>`, `<thinking>…</thinking>`,
/// an unclosed `<think>` to the end, or reasoning before a lone `</think>`) removed, trimmed,
/// and at most `max_chars` characters. A longer answer is cut at the last sentence end or
/// line break before the limit (or, failing that, a space) and ends with "…".
pub fn clean_answer(text: &str, max_chars: usize) -> String {
    let visible = strip_reasoning(text);
    bound_chars(visible.trim(), max_chars)
}

/// The reasoning tags some models wrap their thinking in, longest first.
const REASONING_TAGS: [&str; 2] = ["thinking", "think"];

fn strip_reasoning(text: &str) -> String {
    let mut text = text.to_string();
    // A lone closing tag: the server dropped the opening one, so everything before it is
    // reasoning.
    for tag in REASONING_TAGS {
        let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
        if let Some(end) = find_ascii_ci(&text, &close, 0) {
            if find_ascii_ci(&text[..end], &open, 0).is_none() {
                text.replace_range(..end + close.len(), "");
            }
        }
    }
    for tag in REASONING_TAGS {
        let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
        let mut from = 0;
        while let Some(start) = find_ascii_ci(&text, &open, from) {
            match find_ascii_ci(&text, &close, start + open.len()) {
                Some(end) => text.replace_range(start..end + close.len(), ""),
                None => text.truncate(start),
            }
            from = start;
        }
    }
    text
}

/// The byte offset of `needle` (ASCII) in `haystack` at or after `from`, ignoring ASCII case.
fn find_ascii_ci(haystack: &str, needle: &str, from: usize) -> Option<usize> {
    let bytes = haystack.as_bytes();
    let needle = needle.as_bytes();
    if needle.is_empty() || bytes.len() < needle.len() {
        return None;
    }
    (from..=bytes.len() - needle.len()).find(|&at| bytes[at..at + needle.len()].eq_ignore_ascii_case(needle))
}

fn bound_chars(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    if max_chars == 0 {
        return String::new();
    }
    // Room for the ellipsis.
    let keep = max_chars - 1;
    let end = text.char_indices().nth(keep).map_or(text.len(), |(at, _)| at);
    let head = &text[..end];
    let following = text[end..].chars().next();
    let at_least = head.len() / 2;
    // A full stop counts when whitespace follows ("3.5" is no sentence end); the CJK ones
    // always do.
    let sentence_end = head
        .char_indices()
        .rev()
        .filter(|&(at, c)| {
            let next = head[at + c.len_utf8()..].chars().next().or(following);
            matches!(c, '\n' | '。' | '！' | '？')
                || (matches!(c, '.' | '!' | '?') && next.is_none_or(char::is_whitespace))
        })
        .map(|(at, c)| if c == '\n' { at } else { at + c.len_utf8() })
        .find(|&cut| cut >= at_least);
    let cut = sentence_end
        .or_else(|| head.rfind(char::is_whitespace).filter(|&at| at >= at_least))
        .unwrap_or(head.len());
    format!("{}…", head[..cut].trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn think_blocks_are_removed() {
        assert_eq!(
            clean_answer("<think>plan the answer</think>\n\nIaaS rents servers.", 100),
            "IaaS rents servers."
        );
        assert_eq!(clean_answer("A.<think>x</think> B.<think>y</think>", 100), "A. B.");
        assert_eq!(clean_answer("<THINK>loud</THINK>ok", 100), "ok");
        assert_eq!(
            clean_answer("<thinking>\nsteps\n</thinking>\nPaaS runs code.", 100),
            "PaaS runs code."
        );
    }

    #[test]
    fn an_unclosed_think_block_runs_to_the_end() {
        assert_eq!(
            clean_answer("SaaS is software.\n<think>and then I", 100),
            "SaaS is software."
        );
        assert_eq!(clean_answer("<think>only reasoning", 100), "");
    }

    #[test]
    fn reasoning_before_a_lone_closing_tag_is_removed() {
        assert_eq!(
            clean_answer("the user wants x</think>\nFaaS runs functions.", 100),
            "FaaS runs functions."
        );
    }

    #[test]
    fn text_without_reasoning_is_only_trimmed() {
        assert_eq!(
            clean_answer("  클라우드는 <b>좋다</b>.  \n", 100),
            "클라우드는 <b>좋다</b>."
        );
    }

    #[test]
    fn long_answers_are_cut_at_a_sentence_end() {
        let text = "First sentence here. Second sentence is longer than the limit allows.";
        let cut = clean_answer(text, 40);
        assert_eq!(cut, "First sentence here.…");
        assert!(cut.chars().count() <= 40);
    }

    #[test]
    fn long_answers_are_cut_at_a_line_break() {
        let text = "line one is here\nline two goes on and on and on";
        assert_eq!(clean_answer(text, 25), "line one is here…");
    }

    #[test]
    fn a_decimal_point_is_not_a_sentence_end() {
        let text = "Version 3.5 of the thing is fine and more words follow here";
        let cut = clean_answer(text, 20);
        assert!(!cut.ends_with("3.…"), "{cut}");
        assert!(cut.chars().count() <= 20, "{cut}");
    }

    #[test]
    fn cutting_is_char_safe_for_korean() {
        let text = "가나다라마바사아자차카타파하".repeat(30);
        let cut = clean_answer(&text, 50);
        assert_eq!(cut.chars().count(), 50);
        assert!(cut.ends_with('…'));
        let text = "첫 문장입니다. 두 번째 문장은 아주 길어서 한도를 넘습니다 정말로 깁니다.";
        assert_eq!(clean_answer(text, 20), "첫 문장입니다. 두 번째 문장은…");
    }

    #[test]
    fn short_limits_never_overflow() {
        assert_eq!(clean_answer("abcdef", 0), "");
        assert_eq!(clean_answer("abcdef", 1), "…");
        assert_eq!(clean_answer("abcdef", 3), "ab…");
        assert_eq!(clean_answer("abc", 3), "abc");
    }

    #[test]
    fn retryable_errors_are_429_5xx_and_connect() {
        let status = |status| LlmError::Status {
            provider: "openai".into(),
            status,
            body: String::new(),
        };
        assert!(status(429).is_retryable());
        assert!(status(503).is_retryable());
        assert!(!status(400).is_retryable());
        assert!(!status(401).is_retryable());
        assert!(LlmError::Connect {
            provider: "openai".into(),
            message: "refused".into()
        }
        .is_retryable());
        assert!(!LlmError::Truncated {
            provider: "openai".into()
        }
        .is_retryable());
    }

    #[test]
    fn provider_none_gives_no_client() {
        let client = connect(&LlmConfig::default()).expect("none is valid");
        assert!(client.is_none());
    }
}
