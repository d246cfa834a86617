//! The real LLM clients from `xaas::llm::connect` against the fake OpenAI/Anthropic API on
//! loopback: what goes over the wire, what comes back, and how every failure ends — in the
//! right error, within the timeout, never showing the key.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use secrecy::SecretString;
use xaas::config::{LlmConfig, ProviderKind};
use xaas::llm::{connect, ChatRequest, LlmClient, LlmError};

use crate::support::fake_llm::{pieces, FakeLlm, Reply};

/// A key distinctive enough that any leak of it (or of its middle) is found.
const KEY: &str = "sk-test-QX7secretMIDDLEpart9000";
const KEY_MIDDLE: &str = "secretMIDDLE";
const PROVIDERS: [ProviderKind; 2] = [ProviderKind::Openai, ProviderKind::Anthropic];
const SYSTEM: &str = "SYSTEM: answer only from the entries below.";
const USER: &str = "USER: IaaS가 뭐야?";

fn config(provider: ProviderKind, fake: &FakeLlm, key: Option<&str>) -> LlmConfig {
    let base_url = match provider {
        ProviderKind::Anthropic => fake.anthropic_base(),
        _ => fake.openai_base(),
    };
    LlmConfig {
        provider,
        base_url: Some(base_url),
        model: "test-model".to_string(),
        timeout_secs: 2,
        connect_timeout_secs: 1,
        max_tokens: 300,
        temperature: 0.3,
        max_retries: 2,
        max_concurrent: 4,
        api_key: key.map(|key| SecretString::from(key.to_string())),
        ..LlmConfig::default()
    }
}

fn client(config: &LlmConfig) -> Arc<dyn LlmClient> {
    connect(config).expect("a valid config").expect("a provider is set")
}

fn request() -> ChatRequest {
    ChatRequest {
        system: SYSTEM.to_string(),
        user: USER.to_string(),
        ..ChatRequest::default()
    }
}

fn path(provider: ProviderKind) -> &'static str {
    match provider {
        ProviderKind::Anthropic => "/v1/messages",
        _ => "/v1/chat/completions",
    }
}

/// Every item of the stream; asserts that an error, if any, is the last one.
async fn drain(client: &dyn LlmClient, request: &ChatRequest) -> (Vec<String>, Option<LlmError>) {
    let items: Vec<Result<String, LlmError>> = client.stream(request).collect().await;
    let mut deltas = Vec::new();
    let mut error = None;
    for item in items {
        assert!(error.is_none(), "nothing may follow an error in the stream");
        match item {
            Ok(delta) => deltas.push(delta),
            Err(failure) => error = Some(failure),
        }
    }
    (deltas, error)
}

/// Runs `call` and returns what it gave and how long it took.
async fn timed<T>(call: impl std::future::Future<Output = T>) -> (T, Duration) {
    let started = Instant::now();
    let result = call.await;
    (result, started.elapsed())
}

fn assert_no_key(error: &LlmError) {
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(
            !text.contains(KEY) && !text.contains(KEY_MIDDLE),
            "the key leaked: {text}"
        );
    }
}

#[tokio::test]
async fn openai_sends_the_chat_completions_format_and_returns_the_answer() {
    let fake = FakeLlm::start([Reply::answer("IaaS rents you servers.")]).await;
    let client = client(&config(ProviderKind::Openai, &fake, Some(KEY)));
    assert_eq!(client.name(), "openai");
    assert_eq!(
        client.complete(&request()).await,
        Ok("IaaS rents you servers.".to_string())
    );
    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    let sent = &requests[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path, "/v1/chat/completions");
    assert_eq!(sent.header("Authorization"), Some(format!("Bearer {KEY}").as_str()));
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(sent.header("x-api-key"), None);
    assert_eq!(sent.body["model"], "test-model");
    assert_eq!(sent.body["messages"][0]["role"], "system");
    assert_eq!(sent.body["messages"][0]["content"], SYSTEM);
    assert_eq!(sent.body["messages"][1]["role"], "user");
    assert_eq!(sent.body["messages"][1]["content"], USER);
    assert_eq!(sent.body["max_tokens"], 300);
    assert_eq!(sent.body["temperature"].to_string(), "0.3");
    assert!(!sent.is_stream());
}

#[tokio::test]
async fn openai_without_a_key_sends_no_authorization_header() {
    let fake = FakeLlm::start([Reply::answer("local model answer")]).await;
    let client = client(&config(ProviderKind::Openai, &fake, None));
    assert_eq!(client.complete(&request()).await, Ok("local model answer".to_string()));
    let sent = fake.last_request().expect("one request");
    assert_eq!(sent.header("authorization"), None);
    assert_eq!(sent.path, "/v1/chat/completions");
}

#[tokio::test]
async fn anthropic_sends_the_messages_format_and_returns_the_answer() {
    let fake = FakeLlm::start([Reply::answer("SaaS is software you rent.")]).await;
    let client = client(&config(ProviderKind::Anthropic, &fake, Some(KEY)));
    assert_eq!(client.name(), "anthropic");
    assert_eq!(
        client.complete(&request()).await,
        Ok("SaaS is software you rent.".to_string())
    );
    let sent = fake.last_request().expect("one request");
    assert_eq!(fake.count(), 1);
    assert_eq!(sent.path, "/v1/messages");
    assert_eq!(sent.header("x-api-key"), Some(KEY));
    assert_eq!(sent.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(sent.header("authorization"), None);
    assert_eq!(sent.body["model"], "test-model");
    assert_eq!(sent.body["system"], SYSTEM);
    assert_eq!(sent.body["messages"].as_array().map(Vec::len), Some(1));
    assert_eq!(sent.body["messages"][0]["role"], "user");
    assert_eq!(sent.body["messages"][0]["content"], USER);
    assert_eq!(sent.body["max_tokens"], 300);
    assert!(!sent.is_stream());
}

#[tokio::test]
async fn both_providers_stream_the_answer_in_several_deltas() {
    let text = "PaaS runs your code; 플랫폼이 서버를 관리합니다.";
    for provider in PROVIDERS {
        let fake = FakeLlm::start([Reply::answer(text)]).await;
        let client = client(&config(provider, &fake, Some(KEY)));
        let (deltas, error) = drain(client.as_ref(), &request()).await;
        assert_eq!(error, None, "{provider}");
        assert!(deltas.len() > 1, "{provider}: several deltas, got {deltas:?}");
        assert_eq!(deltas, pieces(text), "{provider}");
        assert_eq!(deltas.concat(), text);
        let sent = fake.last_request().expect("one request");
        assert_eq!(sent.path, path(provider));
        assert!(sent.is_stream(), "{provider}");
        assert_eq!(sent.header("accept"), Some("text/event-stream"));
        assert_eq!(fake.count(), 1);
    }
}

#[tokio::test]
async fn server_errors_are_retried_then_reported() {
    for provider in PROVIDERS {
        let fake = FakeLlm::start([Reply::status(500)]).await;
        let config = config(provider, &fake, Some(KEY));
        let client = client(&config);
        let (result, took) = timed(client.complete(&request())).await;
        match result {
            Err(LlmError::Status { status: 500, body, .. }) => assert!(body.contains("fake error 500"), "{body}"),
            other => panic!("{provider}: expected a 500, got {other:?}"),
        }
        assert_eq!(fake.count(), config.max_retries as usize + 1, "{provider}");
        assert!(took < Duration::from_secs(config.timeout_secs), "{provider}: {took:?}");

        let (deltas, error) = drain(client.as_ref(), &request()).await;
        assert!(deltas.is_empty());
        assert!(
            matches!(error, Some(LlmError::Status { status: 500, .. })),
            "{provider}: {error:?}"
        );
        assert_eq!(fake.count(), 2 * (config.max_retries as usize + 1), "{provider}");
    }
}

#[tokio::test]
async fn a_client_error_is_not_retried() {
    for provider in PROVIDERS {
        let fake = FakeLlm::start([Reply::status(400)]).await;
        let client = client(&config(provider, &fake, Some(KEY)));
        let result = client.complete(&request()).await;
        assert!(
            matches!(result, Err(LlmError::Status { status: 400, .. })),
            "{provider}: {result:?}"
        );
        assert_eq!(fake.count(), 1, "{provider}");
    }
}

#[tokio::test]
async fn a_429_with_retry_after_zero_is_retried_and_then_answers() {
    for provider in PROVIDERS {
        let script = [Reply::status(429).retry_after("0"), Reply::answer("after the wait")];
        let fake = FakeLlm::start(script.clone()).await;
        let client = client(&config(provider, &fake, Some(KEY)));
        let (result, took) = timed(client.complete(&request())).await;
        assert_eq!(result, Ok("after the wait".to_string()), "{provider}");
        assert_eq!(fake.count(), 2, "{provider}");
        assert!(
            took < Duration::from_millis(500),
            "Retry-After: 0 replaces the backoff: {took:?}"
        );

        let fake = FakeLlm::start(script).await;
        let client = self::client(&config(provider, &fake, Some(KEY)));
        let (deltas, error) = drain(client.as_ref(), &request()).await;
        assert_eq!(error, None, "{provider}");
        assert_eq!(deltas.concat(), "after the wait");
        assert_eq!(fake.count(), 2, "{provider}");
    }
}

#[tokio::test]
async fn a_retry_after_beyond_the_timeout_is_not_waited_for() {
    let fake = FakeLlm::start([Reply::status(429).retry_after("30")]).await;
    let client = client(&config(ProviderKind::Openai, &fake, Some(KEY)));
    let (result, took) = timed(client.complete(&request())).await;
    assert!(
        matches!(result, Err(LlmError::Status { status: 429, .. })),
        "{result:?}"
    );
    assert_eq!(fake.count(), 1);
    assert!(took < Duration::from_secs(1), "{took:?}");
}

#[tokio::test]
async fn a_hanging_server_ends_in_a_timeout_within_the_bound() {
    for provider in PROVIDERS {
        let fake = FakeLlm::start([Reply::Hang]).await;
        let config = LlmConfig {
            timeout_secs: 1,
            ..config(provider, &fake, Some(KEY))
        };
        let client = client(&config);
        let (result, took) = timed(client.complete(&request())).await;
        assert_eq!(
            result,
            Err(LlmError::Timeout {
                provider: provider.to_string(),
                secs: 1
            })
        );
        assert!(
            took >= Duration::from_secs(1) && took < Duration::from_millis(1500),
            "{provider}: {took:?}"
        );

        let ((deltas, error), took) = timed(drain(client.as_ref(), &request())).await;
        assert!(deltas.is_empty());
        assert!(
            matches!(error, Some(LlmError::Timeout { secs: 1, .. })),
            "{provider}: {error:?}"
        );
        assert!(took < Duration::from_millis(1500), "{provider}: {took:?}");
    }
}

#[tokio::test]
async fn a_stalled_stream_is_ended_by_the_timeout() {
    for provider in PROVIDERS {
        let fake = FakeLlm::start([Reply::Stall("the start of an answer".to_string())]).await;
        let config = LlmConfig {
            timeout_secs: 1,
            ..config(provider, &fake, Some(KEY))
        };
        let client = client(&config);
        let ((deltas, error), took) = timed(drain(client.as_ref(), &request())).await;
        assert_eq!(deltas.concat(), "the start of an answer", "{provider}");
        assert!(matches!(error, Some(LlmError::Timeout { .. })), "{provider}: {error:?}");
        assert!(took < Duration::from_millis(1500), "{provider}: {took:?}");
    }
}

#[tokio::test]
async fn a_garbage_body_is_malformed() {
    for provider in PROVIDERS {
        let fake = FakeLlm::start([Reply::Garbage]).await;
        let client = client(&config(provider, &fake, Some(KEY)));
        let result = client.complete(&request()).await;
        assert!(
            matches!(result, Err(LlmError::Malformed { .. })),
            "{provider}: {result:?}"
        );
        let (deltas, error) = drain(client.as_ref(), &request()).await;
        assert!(deltas.is_empty());
        assert!(
            matches!(error, Some(LlmError::Malformed { .. })),
            "{provider}: {error:?}"
        );
        assert_eq!(fake.count(), 2, "{provider}: a malformed body is not retried");
    }
}

#[tokio::test]
async fn a_stream_cut_in_the_middle_is_truncated_after_its_first_deltas() {
    let text = "Containers as a service runs your images on a managed cluster.";
    for provider in PROVIDERS {
        let fake = FakeLlm::start([Reply::Cut(text.to_string())]).await;
        let client = client(&config(provider, &fake, Some(KEY)));
        let (deltas, error) = drain(client.as_ref(), &request()).await;
        assert_eq!(deltas, pieces(text), "{provider}: the deltas before the cut arrive");
        assert_eq!(
            error,
            Some(LlmError::Truncated {
                provider: provider.to_string()
            })
        );
        assert_eq!(fake.count(), 1, "{provider}: a started stream is not retried");
    }
}

#[tokio::test]
async fn a_whole_body_cut_in_the_middle_is_a_connection_failure() {
    let fake = FakeLlm::start([Reply::Cut("half of this never arrives".to_string())]).await;
    let config = config(ProviderKind::Anthropic, &fake, Some(KEY));
    let result = client(&config).complete(&request()).await;
    assert!(matches!(result, Err(LlmError::Connect { .. })), "{result:?}");
    assert_eq!(fake.count(), config.max_retries as usize + 1);
}

#[tokio::test]
async fn a_stream_that_ends_without_its_end_marker_is_truncated() {
    let openai = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n";
    let anthropic = concat!(
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"content\":[]}}\n\n",
        "event: content_block_delta\n",
        "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}\n\n",
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
    );
    for (provider, body) in [(ProviderKind::Openai, openai), (ProviderKind::Anthropic, anthropic)] {
        let fake = FakeLlm::start([Reply::raw(200, "text/event-stream", body)]).await;
        let client = client(&config(provider, &fake, Some(KEY)));
        let (deltas, error) = drain(client.as_ref(), &request()).await;
        assert_eq!(deltas, vec!["Hel".to_string()], "{provider}");
        assert!(
            matches!(error, Some(LlmError::Truncated { .. })),
            "{provider}: {error:?}"
        );
    }
}

#[tokio::test]
async fn an_error_reported_inside_a_200_body_is_a_status() {
    let body = r#"{"error":{"message":"upstream provider is down","code":503}}"#;
    let fake = FakeLlm::start([Reply::raw(200, "application/json", body)]).await;
    let config = config(ProviderKind::Openai, &fake, Some(KEY));
    let result = client(&config).complete(&request()).await;
    match result {
        Err(LlmError::Status { status: 503, body, .. }) => assert_eq!(body, "upstream provider is down"),
        other => panic!("expected a 503, got {other:?}"),
    }
    assert_eq!(
        fake.count(),
        config.max_retries as usize + 1,
        "a reported 503 is retried like a real one"
    );

    let event = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";
    let fake = FakeLlm::start([Reply::raw(200, "text/event-stream", event)]).await;
    let client = client(&self::config(ProviderKind::Anthropic, &fake, Some(KEY)));
    let (_, error) = drain(client.as_ref(), &request()).await;
    assert!(matches!(error, Some(LlmError::Status { status: 529, .. })), "{error:?}");
}

#[tokio::test]
async fn an_empty_answer_is_an_error() {
    for provider in PROVIDERS {
        let fake = FakeLlm::start([Reply::Empty]).await;
        let client = client(&config(provider, &fake, Some(KEY)));
        let empty = LlmError::EmptyAnswer {
            provider: provider.to_string(),
        };
        assert_eq!(client.complete(&request()).await, Err(empty.clone()), "{provider}");
        let (deltas, error) = drain(client.as_ref(), &request()).await;
        assert!(deltas.is_empty(), "{provider}: {deltas:?}");
        assert_eq!(error, Some(empty), "{provider}");
    }
}

#[tokio::test]
async fn no_free_slot_within_the_timeout_is_busy() {
    let fake = FakeLlm::start([
        Reply::Stall("holding the only slot".to_string()),
        Reply::answer("my turn"),
    ])
    .await;
    let config = LlmConfig {
        timeout_secs: 1,
        max_concurrent: 1,
        ..config(ProviderKind::Openai, &fake, Some(KEY))
    };
    let client = client(&config);
    let request = request();
    let mut held = client.stream(&request);
    assert!(matches!(held.next().await, Some(Ok(_))), "the stream holds the slot");
    let (result, took) = timed(client.complete(&request)).await;
    assert_eq!(
        result,
        Err(LlmError::Busy {
            provider: "openai".to_string(),
            limit: 1
        })
    );
    assert!(took < Duration::from_millis(1500), "{took:?}");
    assert_eq!(fake.count(), 1, "the busy call never reached the server");
    drop(held);
    assert_eq!(client.complete(&request).await, Ok("my turn".to_string()));
}

#[tokio::test]
async fn an_unreachable_server_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let address = listener.local_addr().expect("an address");
    drop(listener);
    for provider in PROVIDERS {
        let config = LlmConfig {
            provider,
            base_url: Some(format!("http://{address}")),
            model: "test-model".to_string(),
            timeout_secs: 2,
            api_key: Some(SecretString::from(KEY.to_string())),
            ..LlmConfig::default()
        };
        let (result, took) = timed(client(&config).complete(&request())).await;
        match &result {
            Err(error @ LlmError::Connect { .. }) => assert_no_key(error),
            other => panic!("{provider}: expected a connect error, got {other:?}"),
        }
        assert!(took < Duration::from_millis(2500), "{took:?}");
    }
}

#[tokio::test]
async fn no_error_ever_shows_the_key() {
    let echo = format!("{{\"error\":{{\"message\":\"Incorrect API key provided: {KEY}\"}}}}");
    let scripts = [
        Reply::status(401).with_body(echo.clone()),
        Reply::status(500).with_body(format!("upstream said {KEY} was wrong")),
        Reply::status(429).retry_after("0"),
        Reply::Hang,
        Reply::Garbage,
        Reply::Cut("partial".to_string()),
        Reply::Empty,
        Reply::raw(
            200,
            "application/json",
            format!("{{\"error\":{{\"message\":\"key {KEY}\",\"code\":400}}}}"),
        ),
    ];
    for provider in PROVIDERS {
        for reply in scripts.clone() {
            let fake = FakeLlm::start([reply.clone()]).await;
            let config = LlmConfig {
                timeout_secs: 1,
                max_retries: 1,
                ..config(provider, &fake, Some(KEY))
            };
            let client = client(&config);
            let error = client.complete(&request()).await.expect_err("every script here fails");
            assert_no_key(&error);
            let (_, error) = drain(client.as_ref(), &request()).await;
            assert_no_key(&error.unwrap_or_else(|| panic!("{provider} {reply:?}: the stream fails")));
        }
    }
}

#[test]
fn connect_gives_no_client_for_provider_none_and_refuses_a_keyless_public_api() {
    assert!(connect(&LlmConfig::default()).expect("none is valid").is_none());
    let public = LlmConfig {
        provider: ProviderKind::Anthropic,
        model: "claude".to_string(),
        ..LlmConfig::default()
    };
    match connect(&public) {
        Err(error @ LlmError::Config { .. }) => assert!(error.to_string().contains("XAAS_LLM_API_KEY"), "{error}"),
        Err(other) => panic!("expected a config error, got {other:?}"),
        Ok(_) => panic!("a keyless client for the public api"),
    }
}

#[test]
fn the_fake_also_runs_outside_a_runtime_for_cli_tests() {
    let fake = FakeLlm::start_blocking([Reply::answer("first")]);
    fake.push(Reply::answer("second"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for the client");
    let client = client(&config(ProviderKind::Openai, &fake, None));
    let answers = runtime.block_on(async {
        let first = client.complete(&request()).await;
        let second = client.complete(&request()).await;
        let third = client.complete(&request()).await;
        (first, second, third)
    });
    assert_eq!(answers.0, Ok("first".to_string()));
    assert_eq!(answers.1, Ok("second".to_string()));
    assert_eq!(answers.2, Ok("second".to_string()), "the last reply repeats");
    assert_eq!(fake.count(), 3);
}

/// Log output gathered in memory.
#[derive(Clone, Default)]
struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("the log buffer")).into_owned()
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("the log buffer").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

#[tokio::test]
async fn failed_attempts_are_logged_with_provider_and_status_but_never_the_key_or_prompt() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    // The test runtime has one thread, so this subscriber sees the client, reqwest and hyper.
    let _guard = tracing::subscriber::set_default(subscriber);
    for provider in PROVIDERS {
        let fake = FakeLlm::start([Reply::status(503).with_body(format!("echo {KEY}")), Reply::Garbage]).await;
        let client = client(&config(provider, &fake, Some(KEY)));
        let result = client.complete(&request()).await;
        assert!(matches!(result, Err(LlmError::Malformed { .. })), "{result:?}");
        let (_, error) = drain(client.as_ref(), &request()).await;
        assert!(error.is_some());
    }
    let logs = captured.text();
    assert!(logs.contains("llm attempt failed"), "{logs}");
    assert!(
        logs.contains("status=503") && logs.contains("provider=\"openai\""),
        "{logs}"
    );
    assert!(logs.contains("provider=\"anthropic\""), "{logs}");
    for secret in [KEY, KEY_MIDDLE, SYSTEM, USER] {
        assert!(!logs.contains(secret), "logs show {secret:?}:\n{logs}");
    }
}
