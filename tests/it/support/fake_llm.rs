//! A fake LLM API on 127.0.0.1 that speaks both real wire formats: OpenAI chat completions at
//! `POST /v1/chat/completions` and Anthropic messages at `POST /v1/messages`.
//!
//! Each request takes the next [`Reply`] from a script (the last one repeats once the script
//! runs out) and renders it in the format of the path it came to, as a whole JSON body or,
//! when the request asks for `"stream": true`, as that provider's SSE events in several
//! chunks. Every request is recorded (path, lowercase headers, JSON body) for assertions.
//! Nothing here touches the internet.
//!
//! In an async test: `let fake = FakeLlm::start([Reply::answer("hi")]).await;`. In a plain
//! `#[test]` that runs the `xaas` binary: `let fake = FakeLlm::start_blocking([...]);` (the
//! server then runs on its own thread), and point `XAAS_LLM_BASE_URL` at
//! [`FakeLlm::openai_base`] or [`FakeLlm::anthropic_base`].

use std::collections::{BTreeMap, VecDeque};
use std::future::IntoFuture;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use futures_util::stream::{self, BoxStream, StreamExt};
use serde_json::{json, Value};

/// The answer used when no script was given.
const DEFAULT_ANSWER: &str = "This is the fake model's answer.";
/// The pause between two chunks of a stream, so they reach the client as separate reads.
const CHUNK_PAUSE: Duration = Duration::from_millis(3);

/// What the fake does with one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// A whole answer: a completion/message body, or a complete SSE stream with its end marker.
    Answer(String),
    /// An error status, with an optional `Retry-After` value and body (default: the
    /// provider's JSON error shape).
    Status {
        /// The HTTP status.
        status: u16,
        /// The `Retry-After` header, verbatim.
        retry_after: Option<String>,
        /// The body; `None` gives a JSON error in the provider's shape.
        body: Option<String>,
    },
    /// Never answers: the request waits until the client gives up.
    Hang,
    /// A 200 whose body is not the format: broken JSON, or for a stream an event whose data
    /// is not JSON.
    Garbage,
    /// A stream that sends the start of this text as deltas, then closes the connection
    /// without the end marker (a non-stream request gets a body cut the same way).
    Cut(String),
    /// A stream that sends this text as deltas, then stays open and silent.
    Stall(String),
    /// An answer with no text: empty content, or a stream with only its frame and end marker.
    Empty,
    /// Exactly this response, whatever the path.
    Raw {
        /// The HTTP status.
        status: u16,
        /// The `Content-Type` header.
        content_type: String,
        /// The body, verbatim.
        body: String,
    },
}

impl Reply {
    /// A whole answer with this text.
    pub fn answer(text: impl Into<String>) -> Reply {
        Reply::Answer(text.into())
    }

    /// An error status with the provider's JSON error body and no `Retry-After`.
    pub fn status(status: u16) -> Reply {
        Reply::Status {
            status,
            retry_after: None,
            body: None,
        }
    }

    /// The same status reply with a `Retry-After` header (seconds, or any text).
    pub fn retry_after(self, value: impl Into<String>) -> Reply {
        match self {
            Reply::Status { status, body, .. } => Reply::Status {
                status,
                retry_after: Some(value.into()),
                body,
            },
            other => other,
        }
    }

    /// The same status reply with this body instead of the provider's JSON error.
    pub fn with_body(self, text: impl Into<String>) -> Reply {
        match self {
            Reply::Status {
                status, retry_after, ..
            } => Reply::Status {
                status,
                retry_after,
                body: Some(text.into()),
            },
            other => other,
        }
    }

    /// Exactly this response.
    pub fn raw(status: u16, content_type: &str, body: impl Into<String>) -> Reply {
        Reply::Raw {
            status,
            content_type: content_type.to_string(),
            body: body.into(),
        }
    }
}

/// One request the fake received.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// The path, e.g. `/v1/chat/completions`.
    pub path: String,
    /// The HTTP method.
    pub method: String,
    /// Headers by lowercase name (the last value of a repeated header).
    pub headers: BTreeMap<String, String>,
    /// The body as JSON, or `Value::Null` when it was not JSON.
    pub body: Value,
}

impl Recorded {
    /// A header's value by (any case of) its name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(&name.to_ascii_lowercase()).map(String::as_str)
    }

    /// Whether the request asked for a stream.
    pub fn is_stream(&self) -> bool {
        self.body["stream"] == Value::Bool(true)
    }
}

/// The wire format a path speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    OpenAi,
    Anthropic,
}

/// What the handlers share with the test.
#[derive(Default)]
struct Shared {
    script: VecDeque<Reply>,
    last: Option<Reply>,
    requests: Vec<Recorded>,
}

type SharedState = Arc<Mutex<Shared>>;

/// How the server runs, and so how it stops.
enum Runner {
    /// On the test's own runtime; aborted on drop.
    Task(tokio::task::JoinHandle<()>),
    /// On its own thread and runtime; stopped and joined on drop.
    Thread {
        stop: Option<tokio::sync::oneshot::Sender<()>>,
        thread: Option<std::thread::JoinHandle<()>>,
    },
}

/// A running fake LLM API. Dropping it stops the server.
pub struct FakeLlm {
    address: SocketAddr,
    shared: SharedState,
    runner: Runner,
}

impl FakeLlm {
    /// Starts the fake on the current tokio runtime with these replies, in order.
    pub async fn start(script: impl IntoIterator<Item = Reply>) -> FakeLlm {
        let shared = shared_state(script);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let address = listener.local_addr().expect("a bound listener has an address");
        let app = router(shared.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("the fake llm serves");
        });
        FakeLlm {
            address,
            shared,
            runner: Runner::Task(task),
        }
    }

    /// Starts the fake on its own thread and runtime, for tests that are not async (such as
    /// running the `xaas` binary).
    pub fn start_blocking(script: impl IntoIterator<Item = Reply>) -> FakeLlm {
        let shared = shared_state(script);
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        listener.set_nonblocking(true).expect("a non-blocking listener");
        let address = listener.local_addr().expect("a bound listener has an address");
        let app = router(shared.clone());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for the fake llm");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
                tokio::select! {
                    served = axum::serve(listener, app).into_future() => served.expect("the fake llm serves"),
                    _ = stopped => {}
                }
            });
        });
        FakeLlm {
            address,
            shared,
            runner: Runner::Thread {
                stop: Some(stop),
                thread: Some(thread),
            },
        }
    }

    /// The base URL for `provider = "openai"`: `http://127.0.0.1:PORT/v1`.
    pub fn openai_base(&self) -> String {
        format!("http://{}/v1", self.address)
    }

    /// The base URL for `provider = "anthropic"`: `http://127.0.0.1:PORT`.
    pub fn anthropic_base(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<Recorded> {
        self.lock().requests.clone()
    }

    /// How many requests came in so far.
    pub fn count(&self) -> usize {
        self.lock().requests.len()
    }

    /// The most recent request.
    pub fn last_request(&self) -> Option<Recorded> {
        self.lock().requests.last().cloned()
    }

    /// Adds a reply to the end of the script.
    pub fn push(&self, reply: Reply) {
        self.lock().script.push_back(reply);
    }

    fn lock(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for FakeLlm {
    fn drop(&mut self) {
        match &mut self.runner {
            Runner::Task(task) => task.abort(),
            Runner::Thread { stop, thread } => {
                if let Some(stop) = stop.take() {
                    let _ = stop.send(());
                }
                if let Some(thread) = thread.take() {
                    let _ = thread.join();
                }
            }
        }
    }
}

fn shared_state(script: impl IntoIterator<Item = Reply>) -> SharedState {
    Arc::new(Mutex::new(Shared {
        script: script.into_iter().collect(),
        ..Shared::default()
    }))
}

fn router(shared: SharedState) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(shared)
}

async fn handle(
    State(shared): State<SharedState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let recorded = Recorded {
        path: uri.path().to_string(),
        method: method.to_string(),
        headers: headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    };
    let format = match (method, uri.path()) {
        (Method::POST, "/v1/chat/completions") => Some(Format::OpenAi),
        (Method::POST, "/v1/messages") => Some(Format::Anthropic),
        _ => None,
    };
    let stream = recorded.is_stream();
    let model = recorded.body["model"].as_str().unwrap_or("fake-model").to_string();
    let reply = take_reply(&shared, recorded, format.is_some());
    match (format, reply) {
        (Some(format), Some(reply)) => render(format, &model, stream, reply).await,
        _ => respond(
            404,
            "application/json",
            Body::from(r#"{"error":{"message":"no such path"}}"#),
            None,
        ),
    }
}

/// Records the request and, when it came to a known path, takes the next reply (a wrong path
/// takes none).
fn take_reply(shared: &SharedState, recorded: Recorded, known_path: bool) -> Option<Reply> {
    let mut shared = shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    shared.requests.push(recorded);
    if !known_path {
        return None;
    }
    let next = shared.script.pop_front().or_else(|| shared.last.clone());
    shared.last = next.clone();
    Some(next.unwrap_or_else(|| Reply::answer(DEFAULT_ANSWER)))
}

async fn render(format: Format, model: &str, stream: bool, reply: Reply) -> Response {
    match reply {
        Reply::Answer(text) if stream => sse(format, model, &text, Ending::Complete),
        Reply::Answer(text) => json_response(whole_body(format, model, &text)),
        Reply::Empty if stream => sse(format, model, "", Ending::Complete),
        Reply::Empty => json_response(whole_body(format, model, "")),
        Reply::Status {
            status,
            retry_after,
            body,
        } => {
            let body = body.unwrap_or_else(|| error_body(format, status));
            respond(status, "application/json", Body::from(body), retry_after)
        }
        Reply::Hang => std::future::pending().await,
        Reply::Garbage if stream => respond(
            200,
            "text/event-stream",
            Body::from("data: {\"choices\": [garbage\n\n"),
            None,
        ),
        Reply::Garbage => respond(200, "application/json", Body::from("{\"this is\": not json"), None),
        Reply::Cut(text) if stream => sse(format, model, &text, Ending::Cut),
        Reply::Cut(text) => {
            let whole = whole_body(format, model, &text).to_string();
            let (head, _) = split_in_half(&whole);
            let chunks = vec![
                Ok(head.to_string()),
                Err(std::io::Error::other("the fake cut the body")),
            ];
            respond(200, "application/json", Body::from_stream(stream::iter(chunks)), None)
        }
        Reply::Stall(text) if stream => sse(format, model, &text, Ending::Stall),
        Reply::Stall(_) => std::future::pending().await,
        Reply::Raw {
            status,
            content_type,
            body,
        } => respond(status, &content_type, Body::from(body), None),
    }
}

fn respond(status: u16, content_type: &str, body: Body, retry_after: Option<String>) -> Response {
    let mut builder = Response::builder()
        .status(StatusCode::from_u16(status).expect("a valid status in the script"))
        .header("content-type", content_type);
    if let Some(value) = retry_after {
        builder = builder.header("retry-after", value);
    }
    builder.body(body).expect("a valid response")
}

fn json_response(value: Value) -> Response {
    respond(200, "application/json", Body::from(value.to_string()), None)
}

/// A whole answer body in the provider's shape.
fn whole_body(format: Format, model: &str, text: &str) -> Value {
    match format {
        Format::OpenAi => json!({
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": 0,
            "model": model,
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        }),
        Format::Anthropic => {
            let content = if text.is_empty() {
                json!([])
            } else {
                json!([{"type": "text", "text": text}])
            };
            json!({
                "id": "msg_fake",
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": content,
                "stop_reason": "end_turn",
                "stop_sequence": null,
                "usage": {"input_tokens": 10, "output_tokens": 5},
            })
        }
    }
}

/// A JSON error body in the provider's shape.
fn error_body(format: Format, status: u16) -> String {
    match format {
        Format::OpenAi => json!({
            "error": {"message": format!("fake error {status}"), "type": "server_error", "param": null, "code": null}
        }),
        Format::Anthropic => json!({
            "type": "error",
            "error": {"type": "api_error", "message": format!("fake error {status}")}
        }),
    }
    .to_string()
}

/// How a fake stream ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ending {
    /// With the end marker, then the body closes.
    Complete,
    /// The connection breaks right after the deltas.
    Cut,
    /// Nothing more is sent, and the body stays open.
    Stall,
}

/// `text` split near its middle, on a character boundary.
fn split_in_half(text: &str) -> (&str, &str) {
    let middle = (0..=text.len() / 2)
        .rev()
        .find(|&at| text.is_char_boundary(at))
        .unwrap_or(0);
    text.split_at(middle)
}

/// The text in a few pieces (split on character boundaries), as a model would stream it.
pub fn pieces(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return Vec::new();
    }
    let size = chars.len().div_ceil(4).max(1);
    chars.chunks(size).map(|chunk| chunk.iter().collect()).collect()
}

/// A `text/event-stream` response carrying `text` in the provider's event format.
fn sse(format: Format, model: &str, text: &str, ending: Ending) -> Response {
    let deltas = pieces(text);
    let mut events = Vec::new();
    match format {
        Format::OpenAi => {
            let chunk = |delta: Value, finish: Value| {
                let value = json!({
                    "id": "chatcmpl-fake",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                });
                format!("data: {value}\n\n")
            };
            events.push(chunk(json!({"role": "assistant"}), Value::Null));
            events.extend(deltas.iter().map(|delta| chunk(json!({"content": delta}), Value::Null)));
            if ending == Ending::Complete {
                events.push(chunk(json!({}), json!("stop")));
                events.push("data: [DONE]\n\n".to_string());
            }
        }
        Format::Anthropic => {
            let event = |name: &str, data: Value| format!("event: {name}\ndata: {data}\n\n");
            events.push(event(
                "message_start",
                json!({"type": "message_start", "message": {
                    "id": "msg_fake", "type": "message", "role": "assistant", "model": model, "content": [],
                    "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 10, "output_tokens": 1},
                }}),
            ));
            if !deltas.is_empty() {
                events.push(event(
                    "content_block_start",
                    json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
                ));
                events.push(event("ping", json!({"type": "ping"})));
            }
            events.extend(deltas.iter().map(|delta| {
                event(
                    "content_block_delta",
                    json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": delta}}),
                )
            }));
            if ending == Ending::Complete {
                if !deltas.is_empty() {
                    events.push(event(
                        "content_block_stop",
                        json!({"type": "content_block_stop", "index": 0}),
                    ));
                }
                events.push(event(
                    "message_delta",
                    json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null},
                           "usage": {"output_tokens": 5}}),
                ));
                events.push(event("message_stop", json!({"type": "message_stop"})));
            }
        }
    }
    // Split one event across two chunks too, as real networks do.
    if let Some(first) = events.first().cloned() {
        let (head, tail) = split_in_half(&first);
        events.splice(0..1, [head.to_string(), tail.to_string()]);
    }
    let paced = stream::iter(events).then(|event| async move {
        tokio::time::sleep(CHUNK_PAUSE).await;
        Ok::<String, std::io::Error>(event)
    });
    let body: BoxStream<'static, Result<String, std::io::Error>> = match ending {
        Ending::Complete => paced.boxed(),
        Ending::Cut => paced
            .chain(stream::once(async {
                // The pause lets the deltas reach the client before the connection breaks.
                tokio::time::sleep(CHUNK_PAUSE).await;
                Err(std::io::Error::other("the fake cut the stream"))
            }))
            .boxed(),
        Ending::Stall => paced.chain(stream::pending()).boxed(),
    };
    respond(200, "text/event-stream", Body::from_stream(body), None)
}
