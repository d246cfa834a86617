//! The LLM path ("IQaaS"): the retrieved entries and the question go to the configured model
//! through the [`LlmClient`] trait, and its cleaned answer comes back with the same sources.
//!
//! Every failure (error status, timeout, malformed body, empty answer, a cut stream) becomes
//! the offline reply marked [`Mode::Fallback`], with the reason logged at warn. So does an
//! answer the [`guard`] rejects (wrong language, a citation of an entry not given, a number
//! found in no fact, only the question echoed); echoed prompt markup is removed before
//! anything is shown, streamed or cached. No retrieved entry means no call at all. Identical
//! questions share one call through a bounded cache, which only ever holds answers that passed
//! the guard.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use moka::future::Cache;

use super::conversation::{self, Turn};
use super::guard::{self, Grounding, Rejection};
use super::reply::{Mode, Reply, ReplySection};
use super::Snapshot;
use crate::config::LlmConfig;
use crate::knowledge::Lang;
use crate::llm::{clean_answer, ChatMessage, ChatRequest, LlmClient, LlmError, Role};

/// Answers longer than this many words are asked not to be written (the prompt says so);
/// `max_answer_chars` bounds what a user sees whatever the model does.
pub(super) const MAX_WORDS: usize = 350;

/// What identifies one answer in the cache: the normalized question, the reply language and
/// the knowledge version (a reload must not serve answers grounded in old entries).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct CacheKey {
    question: String,
    lang: Lang,
    knowledge: String,
    /// The earlier messages the model sees: the same question in another conversation is
    /// another request.
    history: Vec<ChatMessage>,
}

/// The configured model and the answer cache; prompts come from the snapshot in use.
pub(super) struct Grounded {
    client: Arc<dyn LlmClient>,
    cache: Cache<CacheKey, Arc<String>>,
    max_answer_chars: usize,
    /// A last bound on top of the client's own timeout, so no caller ever waits unbounded.
    deadline: Duration,
    /// How many earlier turns, and how many of their characters, the model sees.
    history_turns: usize,
    history_chars: usize,
}

impl Grounded {
    pub(super) fn new(client: Arc<dyn LlmClient>, config: &LlmConfig) -> Grounded {
        Grounded {
            client,
            cache: Cache::builder()
                // A TTL of 0 turns the cache off: nothing is kept.
                .max_capacity(if config.cache_ttl_secs == 0 {
                    0
                } else {
                    config.cache_capacity
                })
                .time_to_live(Duration::from_secs(config.cache_ttl_secs.max(1)))
                .build(),
            max_answer_chars: config.max_answer_chars,
            deadline: Duration::from_secs(config.timeout_secs) + Duration::from_secs(1),
            history_turns: config.history_turns,
            history_chars: config.history_chars,
        }
    }

    /// The model's answer to `offline`'s question, or `offline` itself marked as fallback.
    /// `on_delta` sees the text as it streams (a cache hit arrives as one piece). The caller
    /// asks only for replies with sources: a don't-know never reaches the model.
    /// `question` is the question as understood (a follow-up resolved); `earlier` are the
    /// conversation's turns, of which the latest go to the model as earlier messages.
    pub(super) async fn answer(
        &self,
        question: &str,
        earlier: &[Turn],
        offline: Reply,
        snapshot: &Snapshot,
        on_delta: Option<&mut (dyn FnMut(&str) + Send)>,
    ) -> Reply {
        let knowledge = snapshot.knowledge();
        let history: Vec<ChatMessage> = conversation::history(earlier, self.history_turns, self.history_chars)
            .iter()
            .flat_map(|turn| {
                [
                    ChatMessage {
                        role: Role::User,
                        content: turn.asked.clone(),
                    },
                    ChatMessage {
                        role: Role::Assistant,
                        content: turn.answer.clone(),
                    },
                ]
            })
            .collect();
        let key = CacheKey {
            question: normalize(question),
            lang: offline.lang,
            knowledge: knowledge.version().to_string(),
            history: history.clone(),
        };
        // The prompt is built only on a cache miss: a hit costs a lookup, nothing more.
        let request = || {
            snapshot
                .grounded_prompt(question, &offline)
                .map(|prompt| ChatRequest {
                    system: prompt.system,
                    history: history.clone(),
                    user: prompt.user,
                })
                .map_err(|error| LlmError::Config {
                    message: format!("prompt template failed: {error}"),
                })
        };
        // What the answer may rest on: the entries the prompt carries (exactly the sources)
        // and everything the prompt and the question say.
        let allowed_ids: Vec<&str> = offline.sources.iter().map(|source| source.id.as_str()).collect();
        let prompt_of = |request: &ChatRequest| format!("{}\n{}", request.system, request.user);
        let lang = offline.lang;
        let max_chars = self.max_answer_chars;
        let result: Result<Arc<String>, Failure> = match on_delta {
            None => {
                let call = self.cache.try_get_with(key, async {
                    let request = request()?;
                    let text = self.client.complete(&request).await?;
                    let shown = guard::guard(
                        &tidy(&text, max_chars),
                        lang,
                        &allowed_ids,
                        &prompt_of(&request),
                        question,
                    )?;
                    checked(shown, self.client.name()).map_err(Failure::from)
                });
                match tokio::time::timeout(self.deadline, call).await {
                    // The cache hands errors out shared; the reason is all the log needs.
                    Ok(result) => result.map_err(Arc::unwrap_or_clone),
                    Err(_) => Err(Failure::Deadline),
                }
            }
            Some(on_delta) => match self.cache.get(&key).await {
                Some(text) => {
                    on_delta(&text);
                    Ok(text)
                }
                None => match request() {
                    Err(error) => Err(Failure::Llm(error)),
                    Ok(request) => {
                        let prompt = prompt_of(&request);
                        let grounding = Grounding::new(&allowed_ids, &prompt, question);
                        let streamed = self.stream(&request, lang, &grounding, on_delta);
                        match tokio::time::timeout(self.deadline, streamed).await {
                            Ok(Ok(text)) => {
                                let text = Arc::new(text);
                                self.cache.insert(key, text.clone()).await;
                                Ok(text)
                            }
                            Ok(Err(failure)) => Err(failure),
                            Err(_) => Err(Failure::Deadline),
                        }
                    }
                },
            },
        };
        match result {
            Ok(text) => Reply {
                mode: Mode::Llm,
                sections: vec![ReplySection {
                    heading: String::new(),
                    body: text.to_string(),
                }],
                ..offline
            },
            Err(Failure::Rejected(rejection)) => {
                tracing::warn!(
                    provider = %self.client.name(),
                    reason = rejection.as_str(),
                    detail = rejection.detail(),
                    "llm answer rejected by the guard: {rejection}; answering offline"
                );
                fallback(offline)
            }
            Err(failure) => {
                tracing::warn!(
                    provider = %self.client.name(),
                    reason = failure.reason(),
                    error = %failure,
                    "llm answer failed; answering offline"
                );
                fallback(offline)
            }
        }
    }

    /// Streams the answer; `on_delta` sees the cleaned text as it grows, word by word: a
    /// reasoning block is never shown, not even while it streams, nor is prompt markup (a
    /// fragment that may become a tag waits for the next delta), and the word being written
    /// waits for the space after it. That settled text is checked as it grows: once it cites
    /// an entry not given or states a number found in no fact, no later delta can make the
    /// answer acceptable, so the stream is dropped at once, and the offending word was never
    /// shown. The whole answer then goes through the guard like an unstreamed one, and only
    /// then is its last word shown. When it is rejected (the language is judged only here) the
    /// caller returns the offline reply, which the front end shows in place of the streamed
    /// text.
    async fn stream(
        &self,
        request: &ChatRequest,
        lang: Lang,
        grounding: &Grounding<'_>,
        on_delta: &mut (dyn FnMut(&str) + Send),
    ) -> Result<String, Failure> {
        let mut stream = self.client.stream(request);
        let mut whole = String::new();
        let mut shown = String::new();
        // Passes on what `visible` adds to what was shown; a `visible` that does not extend it
        // (a bound that moved its cut) waits for the final reply.
        let mut show = |visible: &str| {
            if let Some(new) = visible.strip_prefix(shown.as_str()) {
                if !new.is_empty() {
                    on_delta(new);
                    shown = visible.to_string();
                }
            }
        };
        while let Some(delta) = stream.next().await {
            whole.push_str(&delta?);
            let visible = guard::visible_so_far(&tidy(&whole, self.max_answer_chars));
            let settled = guard::settled(&visible);
            if let Some(rejection) = guard::ungrounded(settled, grounding) {
                return Err(Failure::Rejected(rejection));
            }
            show(settled);
        }
        let text = guard::check(&tidy(&whole, self.max_answer_chars), lang, grounding)?;
        let text = checked(text, self.client.name())?;
        show(&text);
        Ok(text.to_string())
    }
}

/// Why no LLM answer is shown: the call failed, the guard rejected the answer, or the answer
/// took longer than the grounded path's own deadline.
#[derive(Clone, Debug, thiserror::Error)]
enum Failure {
    /// The provider gave no usable answer.
    #[error(transparent)]
    Llm(#[from] LlmError),
    /// The model answered, but not in a way that may be shown.
    #[error("the answer was rejected: {0}")]
    Rejected(Rejection),
    /// No answer within the deadline on top of the client's timeout.
    #[error("no answer within the deadline")]
    Deadline,
}

impl From<Rejection> for Failure {
    fn from(rejection: Rejection) -> Failure {
        Failure::Rejected(rejection)
    }
}

impl Failure {
    /// The short machine-readable reason for the log: the error kind (`timeout`, `status`,
    /// …), the guard's rejection (`wrong_language`, …) or `deadline`.
    fn reason(&self) -> &'static str {
        match self {
            Failure::Llm(error) => error.kind(),
            Failure::Rejected(rejection) => rejection.as_str(),
            Failure::Deadline => "deadline",
        }
    }
}

/// Model output made fit for a chat: reasoning blocks removed, images that would load from
/// outside hosts turned into their alt text, length bounded.
fn tidy(text: &str, max_chars: usize) -> String {
    clean_answer(&without_images(text), max_chars)
}

/// `![alt](https://…)` → `alt`: a chat client would fetch the image from whatever host the
/// model (or an injected instruction) named.
fn without_images(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("![") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let parsed = after.find("](").and_then(|close| {
            let url_start = close + 2;
            after[url_start..].find(')').map(|end| (close, url_start + end + 1))
        });
        match parsed {
            Some((close, end)) if !after[..close].contains('\n') => {
                out.push_str(after[..close].trim());
                rest = &after[end..];
            }
            _ => {
                out.push_str("![");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn checked(text: String, provider: &str) -> Result<Arc<String>, LlmError> {
    if text.trim().is_empty() {
        Err(LlmError::EmptyAnswer {
            provider: provider.to_string(),
        })
    } else {
        Ok(Arc::new(text))
    }
}

fn fallback(offline: Reply) -> Reply {
    Reply {
        mode: Mode::Fallback,
        ..offline
    }
}

/// Lowercase, whitespace collapsed, surrounding punctuation dropped: "IaaS?" and "iaas" are
/// the same question.
fn normalize(question: &str) -> String {
    question
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_become_their_alt_text_and_the_rest_stays() {
        assert_eq!(
            without_images("see ![diagram](https://evil.example/x.png?k=1) and [docs](https://a.b)"),
            "see diagram and [docs](https://a.b)"
        );
        assert_eq!(without_images("a ![ unclosed"), "a ![ unclosed");
        assert_eq!(tidy("<think>plan</think>![x](http://h/i.png) IaaS", 100), "x IaaS");
    }

    #[test]
    fn normalized_questions_share_a_key() {
        assert_eq!(normalize("  IaaS가   뭐야? "), normalize("iaas가 뭐야"));
    }
}
