//! The OpenAI-compatible chat completions wire format: `POST {base_url}/chat/completions`.
//!
//! It owns the request body, the answer at `choices[0].message.content`, and the stream of
//! `data: {"choices":[{"delta":{"content":…}}]}` events that ends with `data: [DONE]`. The
//! same format serves OpenAI, Ollama, vLLM, llama.cpp, OpenRouter and Groq, so the
//! `Authorization` header is sent only when a key is set (local servers need none). It does no
//! I/O of its own: timeouts, retries and concurrency live in `http`.

use serde_json::{json, Value};

use super::http::{error_in_body, missing, not_json, temperature, Headers, Settings, StreamEvent, Wire};
use super::{ChatRequest, LlmError};
use crate::config::LlmConfig;

/// The OpenAI-compatible chat completions wire format.
pub(super) const WIRE: Wire = Wire {
    name: "openai",
    path: "/chat/completions",
    headers,
    request_body,
    parse_answer,
    parse_event,
};

/// The key, when set, goes in `Authorization: Bearer`; local servers need none.
fn headers(config: &LlmConfig) -> Result<Headers, LlmError> {
    let headers = Headers::new().with("content-type", "application/json");
    match &config.api_key {
        Some(key) => headers.with_secret("authorization", "Bearer ", key),
        None => Ok(headers),
    }
}

/// The chat completions request body.
fn request_body(settings: &Settings, request: &ChatRequest, stream: bool) -> Value {
    let mut messages = vec![json!({"role": "system", "content": request.system})];
    messages.extend(super::messages(request));
    json!({
        "model": settings.model,
        "messages": messages,
        "max_tokens": settings.max_tokens,
        "temperature": temperature(settings.temperature),
        "stream": stream,
    })
}

/// The answer in a whole chat completion body: `choices[0].message.content`.
fn parse_answer(body: &str) -> Result<String, LlmError> {
    let value: Value = serde_json::from_str(body).map_err(|error| not_json(WIRE.name, error))?;
    if let Some(error) = body_error(&value) {
        return Err(error);
    }
    let message = value
        .get("choices")
        .and_then(|choices| choices.get(0))
        .and_then(|choice| choice.get("message"))
        .ok_or_else(|| missing(WIRE.name, "choices[0].message"))?;
    let text =
        content_text(message.get("content")).ok_or_else(|| missing(WIRE.name, "text in choices[0].message.content"))?;
    if text.trim().is_empty() {
        return Err(LlmError::EmptyAnswer {
            provider: WIRE.name.to_string(),
        });
    }
    Ok(text)
}

/// What one stream event's data means: a content delta, the `[DONE]` marker, or nothing.
fn parse_event(data: &str) -> Result<StreamEvent, LlmError> {
    let data = data.trim();
    if data == "[DONE]" {
        return Ok(StreamEvent::Stop);
    }
    if data.is_empty() {
        return Ok(StreamEvent::Skip);
    }
    let value: Value = serde_json::from_str(data).map_err(|error| not_json(WIRE.name, error))?;
    if let Some(error) = body_error(&value) {
        return Err(error);
    }
    let choices = value
        .get("choices")
        .and_then(Value::as_array)
        .ok_or_else(|| missing(WIRE.name, "choices in a stream chunk"))?;
    // No choices: a usage or filter-results chunk. No content: the role-only first chunk or
    // the last one with `finish_reason`.
    let delta = choices.first().and_then(|choice| choice.get("delta"));
    match delta.and_then(|delta| content_text(delta.get("content"))) {
        Some(text) => Ok(StreamEvent::Delta(text)),
        None => Ok(StreamEvent::Skip),
    }
}

/// A `content` that is a string, or (some compatible servers) a list of text parts.
fn content_text(content: Option<&Value>) -> Option<String> {
    match content? {
        Value::String(text) => Some(text.clone()),
        Value::Array(parts) => Some(
            parts
                .iter()
                .filter_map(|part| part.get("text").and_then(Value::as_str))
                .collect::<String>(),
        ),
        _ => None,
    }
}

/// An `error` object in a 200 body (OpenRouter and some proxies report upstream failures so):
/// a numeric `code` or `status` is the status; `server_error` and rate limits map to 500 and
/// 429; anything else is malformed.
fn body_error(value: &Value) -> Option<LlmError> {
    let error = value.get("error").filter(|error| !error.is_null())?;
    let message = error
        .get("message")
        .and_then(Value::as_str)
        .or_else(|| error.as_str())
        .unwrap_or("no message");
    let number = |field: &str| {
        error.get(field).and_then(|code| {
            code.as_u64()
                .or_else(|| code.as_str().and_then(|code| code.parse().ok()))
        })
    };
    let kind = error.get("type").and_then(Value::as_str).unwrap_or_default();
    let status = number("code")
        .or_else(|| number("status"))
        .and_then(|status| u16::try_from(status).ok())
        .or(match kind {
            "server_error" => Some(500),
            "rate_limit_exceeded" | "rate_limit_error" => Some(429),
            _ => None,
        });
    Some(error_in_body(WIRE.name, status, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings {
            model: "gpt-test".into(),
            max_tokens: 321,
            temperature: 0.5,
        }
    }

    fn request() -> ChatRequest {
        ChatRequest {
            system: "be brief".into(),
            user: "what is IaaS?".into(),
            ..ChatRequest::default()
        }
    }

    #[test]
    fn the_request_body_has_model_messages_and_bounds() {
        let body = request_body(&settings(), &request(), true);
        assert_eq!(
            body,
            json!({
                "model": "gpt-test",
                "messages": [
                    {"role": "system", "content": "be brief"},
                    {"role": "user", "content": "what is IaaS?"},
                ],
                "max_tokens": 321,
                "temperature": 0.5,
                "stream": true,
            })
        );
        assert_eq!(request_body(&settings(), &request(), false)["stream"], false);
    }

    #[test]
    fn the_answer_is_the_first_choice_content() {
        let body = r#"{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"IaaS rents servers."},"finish_reason":"stop"}]}"#;
        assert_eq!(parse_answer(body), Ok("IaaS rents servers.".to_string()));
        let parts = r#"{"choices":[{"message":{"content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}}]}"#;
        assert_eq!(parse_answer(parts), Ok("ab".to_string()));
    }

    #[test]
    fn malformed_bodies_are_malformed() {
        for body in [
            "not json",
            "",
            r#"{"choices":[]}"#,
            r#"{"object":"chat.completion"}"#,
            r#"{"choices":[{"message":{"content":42}}]}"#,
            r#"{"choices":[{"message":{"role":"assistant"}}]}"#,
        ] {
            assert!(matches!(parse_answer(body), Err(LlmError::Malformed { .. })), "{body}");
        }
    }

    #[test]
    fn an_empty_answer_is_an_error() {
        let body = r#"{"choices":[{"message":{"role":"assistant","content":"  \n"}}]}"#;
        assert_eq!(
            parse_answer(body),
            Err(LlmError::EmptyAnswer {
                provider: "openai".into()
            })
        );
    }

    #[test]
    fn an_error_object_in_a_200_body_is_reported() {
        let body = r#"{"error":{"message":"upstream overloaded","code":502}}"#;
        assert_eq!(
            parse_answer(body),
            Err(LlmError::Status {
                provider: "openai".into(),
                status: 502,
                body: "upstream overloaded".into()
            })
        );
        let body = r#"{"error":{"message":"quota","type":"rate_limit_exceeded","code":"rate_limit"}}"#;
        assert!(matches!(parse_answer(body), Err(LlmError::Status { status: 429, .. })));
        let body = r#"{"error":{"message":"strange thing"}}"#;
        assert!(
            matches!(parse_answer(body), Err(LlmError::Malformed { message, .. }) if message.contains("strange thing"))
        );
        let body = r#"{"error":null,"choices":[{"message":{"content":"fine"}}]}"#;
        assert_eq!(parse_answer(body), Ok("fine".to_string()));
    }

    #[test]
    fn stream_events_are_deltas_skips_or_the_end() {
        let delta = r#"{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}"#;
        assert_eq!(parse_event(delta), Ok(StreamEvent::Delta("Hel".into())));
        let role_only = r#"{"choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":null}]}"#;
        assert_eq!(parse_event(role_only), Ok(StreamEvent::Skip));
        let null_content = r#"{"choices":[{"delta":{"content":null},"finish_reason":"stop"}]}"#;
        assert_eq!(parse_event(null_content), Ok(StreamEvent::Skip));
        let usage = r#"{"choices":[],"usage":{"total_tokens":3}}"#;
        assert_eq!(parse_event(usage), Ok(StreamEvent::Skip));
        assert_eq!(parse_event("[DONE]"), Ok(StreamEvent::Stop));
        assert_eq!(parse_event(" [DONE] "), Ok(StreamEvent::Stop));
    }

    #[test]
    fn malformed_stream_events_are_errors() {
        assert!(matches!(parse_event("{\"choices\":"), Err(LlmError::Malformed { .. })));
        assert!(matches!(parse_event("garbage"), Err(LlmError::Malformed { .. })));
        assert!(matches!(
            parse_event(r#"{"id":"no choices"}"#),
            Err(LlmError::Malformed { .. })
        ));
        let error = r#"{"error":{"message":"overloaded","type":"server_error"}}"#;
        assert!(matches!(parse_event(error), Err(LlmError::Status { status: 500, .. })));
    }
}
