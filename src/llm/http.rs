//! The call policy every provider shares: one reqwest client, a concurrency limit, one
//! deadline over the whole call, retries with exponential backoff and `Retry-After`, bounded
//! body reads, and the SSE stream reader.
//!
//! It knows nothing of any wire format: providers hand it a JSON body and pure functions that
//! parse a whole body or one SSE event's data. It must never put the API key, a prompt or an
//! answer into an error or a log line; headers holding a key are marked sensitive, and error
//! bodies are cut short with the key blanked out.

use std::future::Future;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::time::{timeout_at, Instant};

use super::{ChatRequest, LlmClient, LlmError};
use crate::config::LlmConfig;

/// The first retry waits about this long; each next one twice as long (plus jitter).
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
/// No single backoff is longer than this.
const MAX_BACKOFF: Duration = Duration::from_secs(10);
/// A whole (non-streamed) answer body larger than this is refused.
const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
/// How much of an error body is read; only its start is kept.
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;
/// How many characters of an error body an [`LlmError::Status`] keeps.
const ERROR_EXCERPT_CHARS: usize = 200;

/// Parses a whole response body into the answer text.
pub(super) type ParseBody = fn(&str) -> Result<String, LlmError>;
/// Parses one SSE event's `data` into what it means for the stream.
pub(super) type ParseEvent = fn(&str) -> Result<StreamEvent, LlmError>;

/// What one SSE event means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum StreamEvent {
    /// More answer text.
    Delta(String),
    /// Nothing for the answer (metadata, pings, role-only chunks).
    Skip,
    /// The provider's end marker: the answer is complete.
    Stop,
}

/// What every request body repeats, from the configuration.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Settings {
    /// The model name.
    pub(super) model: String,
    /// The most tokens the model may write.
    pub(super) max_tokens: u32,
    /// Sampling temperature.
    pub(super) temperature: f32,
}

/// One wire format: where requests go, which headers carry the key, and the pure request
/// builder and parsers. A provider module is one `Wire` constant; the call policy is shared.
pub(super) struct Wire {
    /// `openai` or `anthropic`, in errors and logs.
    pub(super) name: &'static str,
    /// Appended to the configured base URL.
    pub(super) path: &'static str,
    /// The provider's headers for this configuration (the key among them, when set).
    pub(super) headers: fn(&LlmConfig) -> Result<Headers, LlmError>,
    /// The request body; `true` asks for a stream.
    pub(super) request_body: fn(&Settings, &ChatRequest, bool) -> Value,
    /// A whole response body into the answer.
    pub(super) parse_answer: ParseBody,
    /// One SSE event's data into a stream event.
    pub(super) parse_event: ParseEvent,
}

/// The client for one wire format, endpoint and model.
pub(super) struct WireClient {
    wire: &'static Wire,
    transport: Transport,
    settings: Settings,
}

impl WireClient {
    /// The client `config` describes, speaking `wire`.
    pub(super) fn new(wire: &'static Wire, config: &LlmConfig) -> Result<WireClient, LlmError> {
        let url = format!("{}{}", config.base_url(), wire.path);
        Ok(WireClient {
            wire,
            transport: Transport::new(wire.name, config, url, (wire.headers)(config)?)?,
            settings: Settings {
                model: config.model.clone(),
                max_tokens: config.max_tokens,
                temperature: config.temperature,
            },
        })
    }
}

impl LlmClient for WireClient {
    fn complete<'a>(&'a self, request: &'a ChatRequest) -> BoxFuture<'a, Result<String, LlmError>> {
        Box::pin(async move {
            let body = (self.wire.request_body)(&self.settings, request, false);
            self.transport.complete(&body, self.wire.parse_answer).await
        })
    }

    fn stream<'a>(&'a self, request: &'a ChatRequest) -> BoxStream<'a, Result<String, LlmError>> {
        let body = (self.wire.request_body)(&self.settings, request, true);
        self.transport
            .stream(body, self.wire.parse_event, self.wire.parse_answer)
    }

    fn name(&self) -> &str {
        self.wire.name
    }
}

/// One provider endpoint with the shared call policy.
pub(super) struct Transport {
    /// `openai` or `anthropic`, in errors and logs.
    provider: &'static str,
    client: reqwest::Client,
    url: String,
    /// Provider headers; those holding the key are marked sensitive so `Debug` hides them.
    headers: HeaderMap,
    /// Kept only to blank the key out of error bodies that echo it.
    api_key: Option<SecretString>,
    timeout: Duration,
    max_retries: u32,
    slots: Semaphore,
    max_concurrent: usize,
}

/// The provider headers a [`Transport`] sends, built by the provider from its key.
pub(super) struct Headers(HeaderMap);

impl Headers {
    /// No headers yet.
    pub(super) fn new() -> Headers {
        Headers(HeaderMap::new())
    }

    /// A plain header.
    pub(super) fn with(mut self, name: &'static str, value: &'static str) -> Headers {
        self.0
            .insert(HeaderName::from_static(name), HeaderValue::from_static(value));
        self
    }

    /// A header holding the key (`prefix` + key), marked sensitive.
    pub(super) fn with_secret(
        mut self,
        name: &'static str,
        prefix: &str,
        key: &SecretString,
    ) -> Result<Headers, LlmError> {
        let mut value =
            HeaderValue::from_str(&format!("{prefix}{}", key.expose_secret())).map_err(|_| LlmError::Config {
                message: "the api key holds characters that cannot go in an http header; check XAAS_LLM_API_KEY"
                    .to_string(),
            })?;
        value.set_sensitive(true);
        self.0.insert(HeaderName::from_static(name), value);
        Ok(self)
    }
}

/// Why one attempt failed, with what the retry policy needs to know.
#[derive(Debug)]
struct Failure {
    error: LlmError,
    /// The server's `Retry-After`, in seconds.
    retry_after: Option<Duration>,
}

impl From<LlmError> for Failure {
    fn from(error: LlmError) -> Failure {
        Failure {
            error,
            retry_after: None,
        }
    }
}

/// An open SSE answer stream, holding its concurrency slot until dropped.
struct OpenStream<'a> {
    events: BoxStream<'static, Result<sse_stream::Sse, sse_stream::Error>>,
    deadline: Instant,
    parse_event: ParseEvent,
    seen_text: bool,
    _slot: SemaphorePermit<'a>,
}

/// Where a stream is.
enum StreamState<'a> {
    Start(Value),
    Open(OpenStream<'a>),
    Done,
}

/// What a successful streaming request gave back.
enum Opened<'a> {
    /// An SSE body.
    Events(OpenStream<'a>),
    /// A server that ignored `stream: true` and sent the whole answer.
    Whole(String),
}

impl Transport {
    /// A transport for `provider` posting to `url`. Fails on settings no call could work with.
    pub(super) fn new(
        provider: &'static str,
        config: &LlmConfig,
        url: String,
        headers: Headers,
    ) -> Result<Transport, LlmError> {
        let bad = |message: &str| {
            Err(LlmError::Config {
                message: message.to_string(),
            })
        };
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return bad("llm.base_url must start with http:// or https://");
        }
        if config.model.trim().is_empty() {
            return bad("llm.model is empty; set a model name (or XAAS_LLM_MODEL)");
        }
        if config.timeout_secs == 0 {
            return bad("llm.timeout_secs must be at least 1");
        }
        if config.max_concurrent == 0 {
            return bad("llm.max_concurrent must be at least 1");
        }
        if config.api_key.is_none() && config.base_url() == config.provider.default_base_url() {
            return Err(LlmError::Config {
                message: format!("{provider}'s public api needs a key; set XAAS_LLM_API_KEY"),
            });
        }
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(config.connect_timeout_secs.max(1)))
            .user_agent(concat!("xaas-bot/", env!("CARGO_PKG_VERSION")));
        if is_loopback(&url) {
            // A local model server is never reached through a proxy.
            builder = builder.no_proxy();
        }
        let client = builder.build().map_err(|error| LlmError::Config {
            message: format!("cannot build the http client: {}", describe(error)),
        })?;
        Ok(Transport {
            provider,
            client,
            url,
            headers: headers.0,
            api_key: config.api_key.clone(),
            timeout: Duration::from_secs(config.timeout_secs),
            max_retries: config.max_retries,
            slots: Semaphore::new(config.max_concurrent),
            max_concurrent: config.max_concurrent,
        })
    }

    /// Posts `body` and parses the whole answer with `parse`, within the timeout and with
    /// retries.
    pub(super) async fn complete(&self, body: &Value, parse: ParseBody) -> Result<String, LlmError> {
        let deadline = Instant::now() + self.timeout;
        let _slot = self.slot(deadline).await?;
        let attempt = || async move {
            let response = self.send(body, false).await?;
            let text = self.read_body(response, MAX_BODY_BYTES).await?;
            Ok::<String, Failure>(parse(&text)?)
        };
        match timeout_at(deadline, self.with_retries(deadline, attempt)).await {
            Ok(result) => result.map_err(|error| self.scrub(error)),
            Err(_) => Err(self.timed_out()),
        }
    }

    /// Posts `body` (which asks for a stream) and yields the text deltas `parse_event` finds.
    /// Retries happen only before the body starts; the timeout bounds the whole stream. A
    /// server that answers with a whole JSON body instead is parsed with `parse_body`.
    pub(super) fn stream<'a>(
        &'a self,
        body: Value,
        parse_event: ParseEvent,
        parse_body: ParseBody,
    ) -> BoxStream<'a, Result<String, LlmError>> {
        futures_util::stream::unfold(StreamState::Start(body), move |state| async move {
            match state {
                StreamState::Start(body) => match self.open_stream(&body, parse_event, parse_body).await {
                    Ok(Opened::Events(open)) => self.next_delta(open).await,
                    Ok(Opened::Whole(text)) => Some((Ok(text), StreamState::Done)),
                    Err(error) => Some((Err(error), StreamState::Done)),
                },
                StreamState::Open(open) => self.next_delta(open).await,
                StreamState::Done => None,
            }
        })
        .map(move |item| item.map_err(|error| self.scrub(error)))
        .boxed()
    }

    async fn open_stream(
        &self,
        body: &Value,
        parse_event: ParseEvent,
        parse_body: ParseBody,
    ) -> Result<Opened<'_>, LlmError> {
        let deadline = Instant::now() + self.timeout;
        let slot = self.slot(deadline).await?;
        let attempt = || async move {
            let response = self.send(body, true).await?;
            let is_sse = response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|value| value.to_str().ok())
                .is_some_and(|value| value.to_ascii_lowercase().contains("text/event-stream"));
            if is_sse {
                Ok::<Result<reqwest::Response, String>, Failure>(Ok(response))
            } else {
                // Not a stream: read it whole, within the same retries (a body cut here is a
                // connection failure like any other).
                let text = self.read_body(response, MAX_BODY_BYTES).await?;
                Ok(Err(parse_body(&text)?))
            }
        };
        let opened = match timeout_at(deadline, self.with_retries(deadline, attempt)).await {
            Ok(result) => result?,
            Err(_) => return Err(self.timed_out()),
        };
        match opened {
            Ok(response) => Ok(Opened::Events(OpenStream {
                events: sse_stream::SseByteStream::new(response.bytes_stream()).boxed(),
                deadline,
                parse_event,
                seen_text: false,
                _slot: slot,
            })),
            Err(text) => Ok(Opened::Whole(text)),
        }
    }

    /// The next non-empty delta of an open stream, or its end.
    async fn next_delta<'a>(&self, mut open: OpenStream<'a>) -> Option<(Result<String, LlmError>, StreamState<'a>)> {
        loop {
            let event = match timeout_at(open.deadline, open.events.next()).await {
                Err(_) => return Some((Err(self.timed_out()), StreamState::Done)),
                Ok(None) => return Some((Err(self.truncated()), StreamState::Done)),
                Ok(Some(Err(error))) => {
                    tracing::warn!(provider = self.provider, error = %error, "llm stream broke off");
                    return Some((Err(self.truncated()), StreamState::Done));
                }
                Ok(Some(Ok(event))) => event,
            };
            let Some(data) = event.data.as_deref() else {
                continue;
            };
            match (open.parse_event)(data) {
                Ok(StreamEvent::Delta(text)) if text.is_empty() => continue,
                Ok(StreamEvent::Delta(text)) => {
                    open.seen_text |= !text.trim().is_empty();
                    return Some((Ok(text), StreamState::Open(open)));
                }
                Ok(StreamEvent::Skip) => continue,
                Ok(StreamEvent::Stop) if open.seen_text => return None,
                Ok(StreamEvent::Stop) => {
                    let error = LlmError::EmptyAnswer {
                        provider: self.provider.to_string(),
                    };
                    return Some((Err(error), StreamState::Done));
                }
                Err(error) => {
                    tracing::warn!(
                        provider = self.provider,
                        kind = error.kind(),
                        "llm stream reported an error"
                    );
                    return Some((Err(error), StreamState::Done));
                }
            }
        }
    }

    /// A concurrency slot, or [`LlmError::Busy`] when none frees up before `deadline`.
    async fn slot(&self, deadline: Instant) -> Result<SemaphorePermit<'_>, LlmError> {
        match timeout_at(deadline, self.slots.acquire()).await {
            Ok(Ok(slot)) => Ok(slot),
            // The semaphore is never closed; treat it like a full one all the same.
            Ok(Err(_)) | Err(_) => {
                tracing::warn!(
                    provider = self.provider,
                    limit = self.max_concurrent,
                    "no llm slot within the timeout"
                );
                Err(LlmError::Busy {
                    provider: self.provider.to_string(),
                    limit: self.max_concurrent,
                })
            }
        }
    }

    /// Runs `attempt` up to `max_retries + 1` times while it fails with a retryable error and
    /// the next wait still ends before `deadline`. Every failed attempt is logged.
    async fn with_retries<T, F, Fut>(&self, deadline: Instant, mut attempt: F) -> Result<T, LlmError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Failure>>,
    {
        let backoff = ExponentialBuilder::new()
            .with_min_delay(FIRST_BACKOFF)
            .with_max_delay(MAX_BACKOFF)
            .with_factor(2.0)
            .with_jitter()
            .with_max_times(self.max_retries as usize);
        let mut number = 0u32;
        let logged_attempt = || {
            number += 1;
            let this_attempt = number;
            let future = attempt();
            async move {
                let result = future.await;
                if let Err(failure) = &result {
                    let status = match &failure.error {
                        LlmError::Status { status, .. } => Some(*status),
                        _ => None,
                    };
                    tracing::warn!(
                        provider = self.provider,
                        attempt = this_attempt,
                        status,
                        kind = failure.error.kind(),
                        retryable = failure.error.is_retryable(),
                        "llm attempt failed"
                    );
                }
                result
            }
        };
        logged_attempt
            .retry(backoff)
            .when(|failure: &Failure| failure.error.is_retryable())
            .adjust(|failure: &Failure, delay: Option<Duration>| {
                // `delay` is `None` once the retries are used up; `Retry-After` never adds one.
                let delay = failure.retry_after.unwrap_or(delay?);
                let left = deadline.saturating_duration_since(Instant::now());
                // A wait that would outlast the deadline is not worth starting: report the
                // real error now instead of a timeout later.
                (delay < left).then_some(delay)
            })
            .notify(|failure: &Failure, delay: Duration| {
                tracing::debug!(
                    provider = self.provider,
                    kind = failure.error.kind(),
                    delay_ms = delay.as_millis() as u64,
                    "retrying the llm call"
                );
            })
            .await
            .map_err(|failure| failure.error)
    }

    /// One POST; a non-success status becomes a [`Failure`] carrying `Retry-After`.
    async fn send(&self, body: &Value, stream: bool) -> Result<reqwest::Response, Failure> {
        let accept = if stream {
            "text/event-stream"
        } else {
            "application/json"
        };
        let response = self
            .client
            .post(&self.url)
            .headers(self.headers.clone())
            .header(ACCEPT, accept)
            .json(body)
            .send()
            .await
            .map_err(|error| self.connect_error(error))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let text = self.read_body(response, MAX_ERROR_BODY_BYTES).await.unwrap_or_default();
        Err(Failure {
            error: LlmError::Status {
                provider: self.provider.to_string(),
                status: status.as_u16(),
                body: self.error_excerpt(&text),
            },
            retry_after,
        })
    }

    /// The body as text, at most `limit` bytes; a longer answer body is malformed, a longer
    /// error body is cut.
    async fn read_body(&self, mut response: reqwest::Response, limit: usize) -> Result<String, Failure> {
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|error| self.connect_error(error))? {
            let room = limit - bytes.len();
            if chunk.len() > room {
                if limit == MAX_BODY_BYTES {
                    return Err(LlmError::Malformed {
                        provider: self.provider.to_string(),
                        message: format!("the answer body is larger than {} MiB", MAX_BODY_BYTES / 1024 / 1024),
                    }
                    .into());
                }
                bytes.extend_from_slice(&chunk[..room]);
                break;
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The start of an error body on one line, with the key blanked out. A JSON error's
    /// `message` is preferred to the raw JSON.
    fn error_excerpt(&self, body: &str) -> String {
        let message = serde_json::from_str::<Value>(body)
            .ok()
            .and_then(|value| {
                let error = value.get("error")?;
                error
                    .get("message")
                    .or(Some(error))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .unwrap_or_else(|| body.to_string());
        let redacted = match &self.api_key {
            Some(key) if !key.expose_secret().is_empty() => message.replace(key.expose_secret(), "[redacted]"),
            _ => message,
        };
        let one_line = redacted.split_whitespace().collect::<Vec<_>>().join(" ");
        excerpt(&one_line, ERROR_EXCERPT_CHARS)
    }

    /// The error as the caller may see it: the key blanked out wherever a server echoed it,
    /// and server-supplied text bounded.
    fn scrub(&self, error: LlmError) -> LlmError {
        let key = self
            .api_key
            .as_ref()
            .map(|key| key.expose_secret())
            .filter(|key| !key.is_empty());
        let clean = |text: String, max_chars: usize| {
            let text = match key {
                Some(key) if text.contains(key) => text.replace(key, "[redacted]"),
                _ => text,
            };
            excerpt(&text, max_chars)
        };
        match error {
            LlmError::Status { provider, status, body } => LlmError::Status {
                provider,
                status,
                body: clean(body, ERROR_EXCERPT_CHARS),
            },
            LlmError::Malformed { provider, message } => LlmError::Malformed {
                provider,
                message: clean(message, 2 * ERROR_EXCERPT_CHARS),
            },
            LlmError::Connect { provider, message } => LlmError::Connect {
                provider,
                message: clean(message, 2 * ERROR_EXCERPT_CHARS),
            },
            other => other,
        }
    }

    fn connect_error(&self, error: reqwest::Error) -> Failure {
        LlmError::Connect {
            provider: self.provider.to_string(),
            message: describe(error),
        }
        .into()
    }

    fn timed_out(&self) -> LlmError {
        tracing::warn!(
            provider = self.provider,
            timeout_secs = self.timeout.as_secs(),
            "llm call timed out"
        );
        LlmError::Timeout {
            provider: self.provider.to_string(),
            secs: self.timeout.as_secs(),
        }
    }

    fn truncated(&self) -> LlmError {
        LlmError::Truncated {
            provider: self.provider.to_string(),
        }
    }
}

/// A reqwest error and its causes on one line, without the URL (which could carry
/// credentials in its user info or query).
fn describe(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// At most `max_chars` characters of `text`, with "…" when cut.
pub(super) fn excerpt(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// Whether `url`'s host is this machine.
fn is_loopback(url: &str) -> bool {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = if let Some(rest) = host_port.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|address| address.is_loopback())
}

/// An error object found inside a 200 body, as the provider's error: `Status` when it names
/// an HTTP status, `Malformed` otherwise. The message is put on one line; the transport
/// bounds it once the key is blanked out.
pub(super) fn error_in_body(provider: &str, status: Option<u16>, message: &str) -> LlmError {
    let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
    match status {
        Some(status) if (100..=599).contains(&status) => LlmError::Status {
            provider: provider.to_string(),
            status,
            body: message,
        },
        _ => LlmError::Malformed {
            provider: provider.to_string(),
            message: format!("the body reports an error: {message}"),
        },
    }
}

/// A temperature as JSON would show it: `0.2`, not the `0.20000000298023224` the `f32`
/// widens to.
pub(super) fn temperature(value: f32) -> f64 {
    value.to_string().parse().unwrap_or(f64::from(value))
}

/// A body that is not JSON, as a malformed answer (serde's message names the position, not
/// the content).
pub(super) fn not_json(provider: &str, error: serde_json::Error) -> LlmError {
    LlmError::Malformed {
        provider: provider.to_string(),
        message: format!("the body is not json: {error}"),
    }
}

/// A body that lacks what the format requires.
pub(super) fn missing(provider: &str, what: &str) -> LlmError {
    LlmError::Malformed {
        provider: provider.to_string(),
        message: format!("the body has no {what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_recognised() {
        assert!(is_loopback("http://127.0.0.1:8080/v1"));
        assert!(is_loopback("http://localhost:11434/v1"));
        assert!(is_loopback("http://[::1]:80"));
        assert!(!is_loopback("https://api.openai.com/v1"));
        assert!(!is_loopback("http://10.0.0.2:8000"));
    }

    #[test]
    fn temperatures_keep_their_short_form() {
        assert_eq!(serde_json::json!(temperature(0.2)).to_string(), "0.2");
        assert_eq!(serde_json::json!(temperature(1.0)).to_string(), "1.0");
    }

    #[test]
    fn excerpts_are_char_safe_and_bounded() {
        assert_eq!(excerpt("abc", 5), "abc");
        assert_eq!(excerpt("가나다라", 2), "가나…");
        assert_eq!(excerpt(&"x".repeat(1000), 200).chars().count(), 201);
    }

    #[test]
    fn an_error_with_a_status_is_a_status_error() {
        let error = error_in_body("openai", Some(429), "slow  down\nplease");
        assert_eq!(
            error,
            LlmError::Status {
                provider: "openai".into(),
                status: 429,
                body: "slow down please".into()
            }
        );
        assert!(matches!(
            error_in_body("openai", None, "odd"),
            LlmError::Malformed { .. }
        ));
    }

    fn transport(key: Option<&str>) -> Transport {
        let config = LlmConfig {
            provider: crate::config::ProviderKind::Openai,
            base_url: Some("http://127.0.0.1:9/v1".into()),
            model: "m".into(),
            api_key: key.map(|key| SecretString::from(key.to_string())),
            ..LlmConfig::default()
        };
        Transport::new(
            "openai",
            &config,
            "http://127.0.0.1:9/v1/chat/completions".into(),
            Headers::new(),
        )
        .expect("valid settings")
    }

    #[test]
    fn error_bodies_lose_the_key_and_keep_the_message() {
        let transport = transport(Some("sk-very-secret"));
        let body =
            r#"{"error":{"message":"Incorrect API key provided: sk-very-secret.","type":"invalid_request_error"}}"#;
        assert_eq!(transport.error_excerpt(body), "Incorrect API key provided: [redacted].");
        assert_eq!(transport.error_excerpt("plain\n\ntext"), "plain text");
        assert_eq!(
            transport.error_excerpt(&"y".repeat(500)).chars().count(),
            ERROR_EXCERPT_CHARS + 1
        );
    }

    #[test]
    fn errors_from_bodies_lose_the_key_before_they_are_cut() {
        let transport = transport(Some("sk-very-secret"));
        let long = format!("{} sk-very-secret tail", "x".repeat(190));
        let scrubbed = transport.scrub(error_in_body("openai", Some(400), &long));
        let LlmError::Status { body, .. } = &scrubbed else {
            panic!("a status error: {scrubbed:?}");
        };
        assert!(!body.contains("sk-very"), "{body}");
        assert_eq!(body.chars().count(), ERROR_EXCERPT_CHARS + 1);
        let malformed = transport.scrub(error_in_body("openai", None, "key sk-very-secret"));
        assert!(!malformed.to_string().contains("sk-very-secret"), "{malformed}");
    }

    #[test]
    fn secret_headers_are_hidden_from_debug() {
        let key = SecretString::from("sk-hidden".to_string());
        let headers = Headers::new()
            .with_secret("authorization", "Bearer ", &key)
            .expect("valid header");
        let debug = format!("{:?}", headers.0);
        assert!(!debug.contains("sk-hidden"), "{debug}");
        let bad = SecretString::from("bad\nkey".to_string());
        let error = Headers::new()
            .with_secret("x-api-key", "", &bad)
            .err()
            .expect("newline refused");
        assert!(!error.to_string().contains("bad"), "{error}");
    }

    #[test]
    fn settings_no_call_could_use_are_refused() {
        let mut config = LlmConfig {
            provider: crate::config::ProviderKind::Openai,
            model: "m".into(),
            ..LlmConfig::default()
        };
        let url = || "https://api.openai.com/v1/chat/completions".to_string();
        let error = Transport::new("openai", &config, url(), Headers::new())
            .err()
            .expect("public api without key");
        assert!(error.to_string().contains("XAAS_LLM_API_KEY"), "{error}");
        config.base_url = Some("http://127.0.0.1:1/v1".into());
        config.max_concurrent = 0;
        assert!(Transport::new("openai", &config, url(), Headers::new()).is_err());
        config.max_concurrent = 1;
        assert!(Transport::new("openai", &config, "ftp://x".into(), Headers::new()).is_err());
    }
}
