//! The LLM path ("IQaaS"): the retrieved entries and the question go to the configured model
//! through the [`LlmClient`] trait, and its cleaned answer comes back with the same sources.
//!
//! Every failure (error status, timeout, malformed body, empty answer, a cut stream) becomes
//! the offline reply marked [`Mode::Fallback`], with the reason logged at warn. No retrieved
//! entry means no call at all. Identical questions share one call through a bounded cache.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use moka::future::Cache;

use super::reply::{Mode, Reply, ReplySection};
use super::Snapshot;
use crate::config::LlmConfig;
use crate::knowledge::Lang;
use crate::llm::{clean_answer, ChatRequest, LlmClient, LlmError};

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
}

/// The configured model and the answer cache; prompts come from the snapshot in use.
pub(super) struct Grounded {
    client: Arc<dyn LlmClient>,
    cache: Cache<CacheKey, Arc<String>>,
    max_answer_chars: usize,
    /// A last bound on top of the client's own timeout, so no caller ever waits unbounded.
    deadline: Duration,
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
        }
    }

    /// The model's answer to `offline`'s question, or `offline` itself marked as fallback.
    /// `on_delta` sees the text as it streams (a cache hit arrives as one piece). The caller
    /// asks only for replies with sources: a don't-know never reaches the model.
    pub(super) async fn answer(
        &self,
        question: &str,
        offline: Reply,
        snapshot: &Snapshot,
        on_delta: Option<&mut (dyn FnMut(&str) + Send)>,
    ) -> Reply {
        let knowledge = snapshot.knowledge();
        let key = CacheKey {
            question: normalize(question),
            lang: offline.lang,
            knowledge: knowledge.version().to_string(),
        };
        // The prompt is built only on a cache miss: a hit costs a lookup, nothing more.
        let request = || {
            snapshot
                .grounded_prompt(question, &offline)
                .map(|prompt| ChatRequest {
                    system: prompt.system,
                    user: prompt.user,
                })
                .map_err(|error| LlmError::Config {
                    message: format!("prompt template failed: {error}"),
                })
        };
        let max_chars = self.max_answer_chars;
        let result = match on_delta {
            None => {
                let call = self.cache.try_get_with(key, async {
                    let request = request()?;
                    let text = self.client.complete(&request).await?;
                    checked(tidy(&text, max_chars), self.client.name())
                });
                match tokio::time::timeout(self.deadline, call).await {
                    Ok(result) => result.map_err(|error| error.to_string()),
                    Err(_) => Err("no answer within the deadline".to_string()),
                }
            }
            Some(on_delta) => match self.cache.get(&key).await {
                Some(text) => {
                    on_delta(&text);
                    Ok(text)
                }
                None => match request() {
                    Err(error) => Err(error.to_string()),
                    Ok(request) => match tokio::time::timeout(self.deadline, self.stream(&request, on_delta)).await {
                        Ok(Ok(text)) => {
                            let text = Arc::new(text);
                            self.cache.insert(key, text.clone()).await;
                            Ok(text)
                        }
                        Ok(Err(error)) => Err(error.to_string()),
                        Err(_) => Err("no answer within the deadline".to_string()),
                    },
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
            Err(reason) => {
                tracing::warn!(provider = %self.client.name(), %reason, "llm answer failed; answering offline");
                fallback(offline)
            }
        }
    }

    /// Streams the answer; `on_delta` sees the cleaned text as it grows (a reasoning block
    /// is never shown, not even while it streams).
    async fn stream(&self, request: &ChatRequest, on_delta: &mut (dyn FnMut(&str) + Send)) -> Result<String, LlmError> {
        let mut stream = self.client.stream(request);
        let mut whole = String::new();
        let mut shown = String::new();
        while let Some(delta) = stream.next().await {
            whole.push_str(&delta?);
            let visible = tidy(&whole, self.max_answer_chars);
            if let Some(new) = visible.strip_prefix(shown.as_str()) {
                if !new.is_empty() {
                    on_delta(new);
                    shown = visible;
                }
            }
        }
        checked(tidy(&whole, self.max_answer_chars), self.client.name()).map(|text| text.to_string())
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
