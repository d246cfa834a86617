//! Anthropic's Messages API wire format: `POST {base_url}/v1/messages`.
//!
//! It owns the request body (the system text is a top-level field, not a message), the answer
//! as the concatenation of the `text` content blocks, and the stream of named events
//! (`message_start`, `content_block_delta` with `text_delta`, …, `message_stop`) in which an
//! `error` event is an error. It does no I/O of its own: timeouts, retries and concurrency
//! live in `http`.

use serde_json::{json, Value};

use super::http::{error_in_body, missing, not_json, temperature, Headers, Settings, StreamEvent, Wire};
use super::{ChatRequest, LlmError};
use crate::config::LlmConfig;

/// The API version this module speaks.
const API_VERSION: &str = "2023-06-01";

/// Anthropic's Messages API wire format.
pub(super) const WIRE: Wire = Wire {
    name: "anthropic",
    path: "/v1/messages",
    headers,
    request_body,
    parse_answer,
    parse_event,
};

/// The key, when set, goes in `x-api-key`, next to the API version.
fn headers(config: &LlmConfig) -> Result<Headers, LlmError> {
    let headers = Headers::new()
        .with("anthropic-version", API_VERSION)
        .with("content-type", "application/json");
    match &config.api_key {
        Some(key) => headers.with_secret("x-api-key", "", key),
        None => Ok(headers),
    }
}

/// The Messages API request body.
fn request_body(settings: &Settings, request: &ChatRequest, stream: bool) -> Value {
    json!({
        "model": settings.model,
        "system": request.system,
        "messages": super::messages(request),
        "max_tokens": settings.max_tokens,
        "temperature": temperature(settings.temperature),
        "stream": stream,
    })
}

/// The answer in a whole message body: its `text` content blocks, joined.
fn parse_answer(body: &str) -> Result<String, LlmError> {
    let value: Value = serde_json::from_str(body).map_err(|error| not_json(WIRE.name, error))?;
    if let Some(error) = body_error(&value) {
        return Err(error);
    }
    let blocks = value
        .get("content")
        .and_then(Value::as_array)
        .ok_or_else(|| missing(WIRE.name, "content list"))?;
    let mut text = String::new();
    for block in blocks
        .iter()
        .filter(|block| block.get("type").and_then(Value::as_str) == Some("text"))
    {
        let part = block
            .get("text")
            .and_then(Value::as_str)
            .ok_or_else(|| missing(WIRE.name, "text in a text content block"))?;
        text.push_str(part);
    }
    if text.trim().is_empty() {
        return Err(LlmError::EmptyAnswer {
            provider: WIRE.name.to_string(),
        });
    }
    Ok(text)
}

/// What one stream event's data means. The data's `type` repeats the SSE event name, so only
/// the data is read. Unknown event types are skipped, as Anthropic asks of clients.
fn parse_event(data: &str) -> Result<StreamEvent, LlmError> {
    if data.trim().is_empty() {
        return Ok(StreamEvent::Skip);
    }
    let value: Value = serde_json::from_str(data).map_err(|error| not_json(WIRE.name, error))?;
    let kind = value
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| missing(WIRE.name, "type in a stream event"))?;
    match kind {
        "content_block_delta" => {
            let delta = value
                .get("delta")
                .ok_or_else(|| missing(WIRE.name, "delta in content_block_delta"))?;
            match delta.get("type").and_then(Value::as_str) {
                Some("text_delta") => delta
                    .get("text")
                    .and_then(Value::as_str)
                    .map(|text| StreamEvent::Delta(text.to_string()))
                    .ok_or_else(|| missing(WIRE.name, "text in a text_delta")),
                // thinking_delta, signature_delta, input_json_delta: not answer text.
                Some(_) => Ok(StreamEvent::Skip),
                None => Err(missing(WIRE.name, "delta.type in content_block_delta")),
            }
        }
        "content_block_start" => {
            let block = value.get("content_block");
            let is_text = block.and_then(|block| block.get("type")).and_then(Value::as_str) == Some("text");
            match block.and_then(|block| block.get("text")).and_then(Value::as_str) {
                Some(text) if is_text => Ok(StreamEvent::Delta(text.to_string())),
                _ => Ok(StreamEvent::Skip),
            }
        }
        "message_stop" => Ok(StreamEvent::Stop),
        "error" => Err(body_error(&value).unwrap_or_else(|| missing(WIRE.name, "error object in an error event"))),
        _ => Ok(StreamEvent::Skip),
    }
}

/// An error body or event (`{"type":"error","error":{"type":…,"message":…}}`) as the status
/// Anthropic documents for its error type; unknown types are malformed.
fn body_error(value: &Value) -> Option<LlmError> {
    let error = value.get("error").filter(|error| error.is_object())?;
    let message = error.get("message").and_then(Value::as_str).unwrap_or("no message");
    let status = match error.get("type").and_then(Value::as_str).unwrap_or_default() {
        "invalid_request_error" => Some(400),
        "authentication_error" => Some(401),
        "billing_error" => Some(402),
        "permission_error" => Some(403),
        "not_found_error" => Some(404),
        "request_too_large" => Some(413),
        "rate_limit_error" => Some(429),
        "api_error" => Some(500),
        "timeout_error" => Some(504),
        "overloaded_error" => Some(529),
        _ => None,
    };
    Some(error_in_body(WIRE.name, status, message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::{ChatMessage, Role};

    fn settings() -> Settings {
        Settings {
            model: "claude-test".into(),
            max_tokens: 500,
            temperature: 0.25,
        }
    }

    #[test]
    fn the_request_body_puts_the_system_text_at_the_top() {
        let request = ChatRequest {
            system: "answer in Korean".into(),
            user: "SaaS가 뭐야?".into(),
            ..ChatRequest::default()
        };
        assert_eq!(
            request_body(&settings(), &request, false),
            json!({
                "model": "claude-test",
                "system": "answer in Korean",
                "messages": [{"role": "user", "content": "SaaS가 뭐야?"}],
                "max_tokens": 500,
                "temperature": 0.25,
                "stream": false,
            })
        );
        assert_eq!(request_body(&settings(), &request, true)["stream"], true);
    }

    #[test]
    fn earlier_turns_come_before_the_question_in_turn_order() {
        let request = ChatRequest {
            system: "s".into(),
            history: vec![
                ChatMessage {
                    role: Role::User,
                    content: "IaaS 단점이 뭐야?".into(),
                },
                ChatMessage {
                    role: Role::Assistant,
                    content: "직접 관리할 것이 많습니다.".into(),
                },
            ],
            user: "그럼 PaaS는?".into(),
        };
        let body = request_body(&settings(), &request, false);
        let roles: Vec<&str> = body["messages"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| m["role"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(roles, ["user", "assistant", "user"]);
        assert_eq!(body["messages"][2]["content"], "그럼 PaaS는?");
    }

    #[test]
    fn the_answer_joins_the_text_blocks_only() {
        let body = r#"{"id":"msg_1","type":"message","role":"assistant","content":[
            {"type":"thinking","thinking":"hmm","signature":"s"},
            {"type":"text","text":"SaaS is "},
            {"type":"text","text":"software you rent."}
        ],"stop_reason":"end_turn"}"#;
        assert_eq!(parse_answer(body), Ok("SaaS is software you rent.".to_string()));
    }

    #[test]
    fn malformed_bodies_are_malformed() {
        for body in [
            "<html>bad gateway</html>",
            r#"{"type":"message"}"#,
            r#"{"content":"text"}"#,
            r#"{"content":[{"type":"text"}]}"#,
            r#"{"type":"error","error":{"type":"brand_new_error","message":"?"}}"#,
        ] {
            assert!(matches!(parse_answer(body), Err(LlmError::Malformed { .. })), "{body}");
        }
    }

    #[test]
    fn no_text_is_an_empty_answer() {
        for body in [r#"{"content":[]}"#, r#"{"content":[{"type":"text","text":" "}]}"#] {
            assert_eq!(
                parse_answer(body),
                Err(LlmError::EmptyAnswer {
                    provider: "anthropic".into()
                }),
                "{body}"
            );
        }
    }

    #[test]
    fn an_error_body_maps_to_its_status() {
        let body = r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
        assert_eq!(
            parse_answer(body),
            Err(LlmError::Status {
                provider: "anthropic".into(),
                status: 529,
                body: "Overloaded".into()
            })
        );
    }

    #[test]
    fn stream_events_are_deltas_skips_or_the_end() {
        let cases = [
            (
                r#"{"type":"message_start","message":{"id":"m","content":[]}}"#,
                StreamEvent::Skip,
            ),
            (
                r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
                StreamEvent::Delta(String::new()),
            ),
            (r#"{"type":"ping"}"#, StreamEvent::Skip),
            (
                r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"#,
                StreamEvent::Delta("Hi".into()),
            ),
            (
                r#"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"x"}}"#,
                StreamEvent::Skip,
            ),
            (r#"{"type":"content_block_stop","index":0}"#, StreamEvent::Skip),
            (
                r#"{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}"#,
                StreamEvent::Skip,
            ),
            (r#"{"type":"some_future_event"}"#, StreamEvent::Skip),
            (r#"{"type":"message_stop"}"#, StreamEvent::Stop),
        ];
        for (data, expected) in cases {
            assert_eq!(parse_event(data), Ok(expected), "{data}");
        }
    }

    #[test]
    fn bad_or_error_events_are_errors() {
        let error = r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
        assert!(matches!(parse_event(error), Err(LlmError::Status { status: 529, .. })));
        assert!(matches!(
            parse_event(r#"{"type":"error"}"#),
            Err(LlmError::Malformed { .. })
        ));
        assert!(matches!(parse_event("{not json"), Err(LlmError::Malformed { .. })));
        assert!(matches!(parse_event(r#"{"index":0}"#), Err(LlmError::Malformed { .. })));
        let no_text = r#"{"type":"content_block_delta","delta":{"type":"text_delta"}}"#;
        assert!(matches!(parse_event(no_text), Err(LlmError::Malformed { .. })));
        let no_delta = r#"{"type":"content_block_delta","index":0}"#;
        assert!(matches!(parse_event(no_delta), Err(LlmError::Malformed { .. })));
    }
}
