//! The grounded ("IQaaS") path end to end: the real assistant (and the real `xaas` binary)
//! against the fake LLM APIs on loopback. What the model is sent, what comes back, and how
//! every failure ends in the offline answer marked `fallback`, within the timeout.

use std::process::{Command, Output};
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use xaas::assistant::{Assistant, Mode, Question, Reply, ReplyKind, Turn};
use xaas::config::{LlmConfig, ProviderKind};
use xaas::knowledge::KnowledgeBase;

use crate::support::fake_llm::{FakeLlm, Reply as Script};
use crate::support::PROMPT_MARKUP;

const KEY: &str = "sk-grounded-test-KEY123secret";
const PROVIDERS: [ProviderKind; 2] = [ProviderKind::Openai, ProviderKind::Anthropic];

fn llm_config(provider: ProviderKind, fake: &FakeLlm) -> LlmConfig {
    LlmConfig {
        provider,
        base_url: Some(match provider {
            ProviderKind::Anthropic => fake.anthropic_base(),
            _ => fake.openai_base(),
        }),
        model: "grounded-model".to_string(),
        timeout_secs: 2,
        connect_timeout_secs: 1,
        max_retries: 1,
        api_key: Some(SecretString::from(KEY.to_string())),
        ..LlmConfig::default()
    }
}

fn assistant(config: &LlmConfig) -> Assistant {
    let client = xaas::llm::connect(config)
        .expect("a valid llm config")
        .expect("a provider is set");
    Assistant::new(KnowledgeBase::builtin().expect("built-in knowledge")).with_llm(client, config)
}

/// The answer, bounded well beyond the configured timeout so a hang fails the test instead of
/// stalling it.
async fn respond(assistant: &Assistant, question: &str) -> Reply {
    tokio::time::timeout(
        Duration::from_secs(15),
        assistant.respond(&Question::new(question), None),
    )
    .await
    .expect("an answer within the bound")
}

#[tokio::test]
async fn the_model_gets_the_retrieved_entries_and_the_question_and_its_answer_keeps_the_sources() {
    for provider in PROVIDERS {
        let fake = FakeLlm::start([Script::answer("IaaS는 인프라를 빌려 쓰는 모델입니다 [iaas].")]).await;
        let assistant = assistant(&llm_config(provider, &fake));
        let reply = respond(&assistant, "IaaS 단점이 뭐야?").await;
        assert_eq!(reply.mode, Mode::Llm, "{provider}");
        assert_eq!(reply.sources[0].id, "iaas");
        assert!(reply.text().contains("인프라를 빌려 쓰는 모델"), "{}", reply.text());

        let request = fake.last_request().expect("one call");
        assert_eq!(request.body["model"], "grounded-model");
        let body = request.body.to_string();
        assert!(body.contains("- [iaas] "), "the prompt carries the entry: {body}");
        assert!(body.contains("IaaS 단점이 뭐야?"), "the prompt carries the question");
        assert!(body.contains("Korean"), "the prompt asks for the asker's language");
        // Every entry the model was given is a source, in rank order, and nothing else.
        for source in &reply.sources {
            assert!(body.contains(&format!("- [{}] ", source.id)), "{}", source.id);
        }
    }
}

#[tokio::test]
async fn a_streamed_answer_arrives_in_pieces_without_the_reasoning() {
    for provider in PROVIDERS {
        let text = "<think>the user wants cons</think>PaaS의 단점은 플랫폼 종속입니다 [paas].";
        let fake = FakeLlm::start([Script::answer(text)]).await;
        let assistant = assistant(&llm_config(provider, &fake));
        let mut pieces: Vec<String> = Vec::new();
        let mut on_delta = |delta: &str| pieces.push(delta.to_string());
        let reply = tokio::time::timeout(
            Duration::from_secs(15),
            assistant.respond(&Question::new("PaaS 단점"), Some(&mut on_delta)),
        )
        .await
        .expect("an answer within the bound");
        assert_eq!(reply.mode, Mode::Llm);
        assert!(fake.last_request().expect("a call").is_stream());
        let streamed = pieces.concat();
        assert_eq!(streamed, "PaaS의 단점은 플랫폼 종속입니다 [paas].");
        assert!(!streamed.contains("think"), "{pieces:?}");
        assert_eq!(
            reply.text().trim_end(),
            format!("{}\n\n{}", reply.title, streamed).trim_end()
        );
    }
}

#[tokio::test]
async fn every_failure_is_the_offline_answer_marked_fallback() {
    let offline =
        Assistant::new(KnowledgeBase::builtin().expect("built-in knowledge")).answer(&Question::new("IaaS 장점"));
    let failures = [
        ("500", Script::status(500)),
        ("hang", Script::Hang),
        ("garbage", Script::Garbage),
        ("empty", Script::Empty),
        ("cut", Script::Cut("IaaS는".to_string())),
    ];
    for provider in PROVIDERS {
        for (name, script) in failures.clone() {
            let fake = FakeLlm::start([script]).await;
            let config = LlmConfig {
                timeout_secs: 1,
                ..llm_config(provider, &fake)
            };
            let assistant = assistant(&config);
            let reply = respond(&assistant, "IaaS 장점").await;
            assert_eq!(reply.mode, Mode::Fallback, "{provider} {name}");
            assert_eq!(
                reply.sections, offline.sections,
                "{provider} {name}: the offline answer"
            );
            assert_eq!(reply.sources[0].id, "iaas");

            // The streaming path falls back the same way, whatever was streamed before.
            let mut ignore = |_: &str| {};
            let streamed = tokio::time::timeout(
                Duration::from_secs(15),
                assistant.respond(&Question::new("IaaS 장점이 뭐야"), Some(&mut ignore)),
            )
            .await
            .expect("an answer within the bound");
            assert_eq!(streamed.mode, Mode::Fallback, "{provider} {name} streamed");
        }
    }
}

#[tokio::test]
async fn a_429_then_success_answers_from_the_model() {
    let fake = FakeLlm::start([Script::status(429).retry_after("0"), Script::answer("ok [saas]")]).await;
    let assistant = assistant(&llm_config(ProviderKind::Openai, &fake));
    let reply = respond(&assistant, "what is SaaS").await;
    assert_eq!(reply.mode, Mode::Llm);
    assert_eq!(fake.count(), 2);
}

#[tokio::test]
async fn nothing_retrieved_means_no_call_and_an_honest_dont_know() {
    let fake = FakeLlm::start([Script::answer("should never be asked")]).await;
    let assistant = assistant(&llm_config(ProviderKind::Openai, &fake));
    for question in ["오늘 점심 뭐 먹지?", "who won the football game"] {
        let reply = respond(&assistant, question).await;
        assert_eq!(reply.kind, ReplyKind::DontKnow, "{question}");
        assert!(reply.sources.is_empty());
    }
    assert_eq!(fake.count(), 0);
}

#[tokio::test]
async fn identical_questions_are_answered_from_the_cache() {
    let fake = FakeLlm::start([Script::answer("cached [faas]")]).await;
    let anthropic = assistant(&llm_config(ProviderKind::Anthropic, &fake));
    let first = respond(&anthropic, "What is FaaS?").await;
    let again = respond(&anthropic, "  what is faas ").await;
    assert_eq!(first.mode, Mode::Llm);
    assert_eq!(again.text(), first.text());
    // Concurrent identical misses share one call, too.
    let fresh = FakeLlm::start([Script::answer("one call [caas]")]).await;
    let shared = Arc::new(assistant(&llm_config(ProviderKind::Openai, &fresh)));
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let shared = shared.clone();
            tokio::spawn(async move { shared.respond(&Question::new("what is CaaS"), None).await })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.expect("no panic").mode, Mode::Llm);
    }
    assert_eq!(fake.count(), 1);
    assert_eq!(fresh.count(), 1);
}

#[tokio::test]
async fn a_different_language_is_a_different_answer() {
    // each answer in its reply language, or the guard would (rightly) reject it
    let fake = FakeLlm::start([Script::answer("answer"), Script::answer("답변")]).await;
    let assistant = assistant(&llm_config(ProviderKind::Openai, &fake));
    respond(&assistant, "what is SaaS").await;
    let korean = assistant
        .respond(
            &Question::new("what is SaaS").in_lang(Some(xaas::knowledge::Lang::Ko)),
            None,
        )
        .await;
    assert_eq!(korean.mode, Mode::Llm);
    assert_eq!(fake.count(), 2);
}

#[tokio::test]
async fn outside_images_are_not_rendered_and_length_is_bounded() {
    let long = format!(
        "![pixel](https://tracker.example/p.png) {}",
        "IaaS is infrastructure. ".repeat(2000)
    );
    let fake = FakeLlm::start([Script::answer(long)]).await;
    let config = LlmConfig {
        max_answer_chars: 1000,
        ..llm_config(ProviderKind::Openai, &fake)
    };
    let reply = respond(&assistant(&config), "what is IaaS").await;
    assert_eq!(reply.mode, Mode::Llm);
    let body = &reply.sections[0].body;
    assert!(!body.contains("https://tracker.example"), "{body}");
    assert!(body.chars().count() <= 1000);
}

#[tokio::test]
async fn past_the_per_user_quota_the_answer_is_offline_with_a_note() {
    // no citation: the questions below retrieve different entries, and citing one not given
    // is an answer the guard rejects
    let fake = FakeLlm::start([Script::answer("from the model")]).await;
    let config = llm_config(ProviderKind::Openai, &fake);
    let limits = xaas::config::LimitsConfig {
        llm_per_user_per_minute: 2,
        ..Default::default()
    };
    let assistant = assistant(&config).with_limits(&limits);
    let ask = |user: &'static str, text: &'static str| {
        let assistant = &assistant;
        async move { assistant.respond_as(Some(user), &Question::new(text), None).await }
    };
    assert_eq!(ask("alice", "what is IaaS").await.mode, Mode::Llm);
    assert_eq!(ask("alice", "what is PaaS").await.mode, Mode::Llm);
    let limited = ask("alice", "IaaS 단점").await;
    assert_eq!(limited.mode, Mode::Offline);
    let note = limited.sections.last().expect("a note");
    assert_eq!(note.heading, "참고", "in the asker's language");
    assert!(
        note.body.contains("1분에 2번") && note.body.contains("초 뒤"),
        "{}",
        note.body
    );
    assert_eq!(
        ask("bob", "what is SaaS").await.mode,
        Mode::Llm,
        "other users are not limited"
    );
    // A don't-know never spends the quota.
    assert_eq!(ask("carol", "오늘 점심 뭐 먹지").await.kind, ReplyKind::DontKnow);
}

#[tokio::test]
async fn a_long_question_is_answered_about_its_beginning_and_says_so() {
    let limits = xaas::config::LimitsConfig {
        max_question_chars: 40,
        ..Default::default()
    };
    let assistant = Assistant::new(KnowledgeBase::builtin().expect("built-in knowledge")).with_limits(&limits);
    let question = format!("PaaS 단점이 뭐야? {}", "아주 긴 설명 ".repeat(5000));
    let reply = assistant.respond(&Question::new(question), None).await;
    assert_eq!(reply.sources[0].id, "paas");
    let note = reply.sections.last().expect("a note");
    assert!(note.body.contains("40자"), "{}", note.body);
    // The language comes from the whole question, even when the beginning is English.
    let mixed = format!("{} 이건 한국어 질문", "IaaS ".repeat(20));
    assert_eq!(assistant.answer(&Question::new(mixed)).lang, xaas::knowledge::Lang::Ko);
}

// --- the guard: what the model writes is checked before anyone sees it ------------------

/// The offline reply to `question`: what a rejected answer falls back to.
fn offline(question: &str) -> Reply {
    Assistant::new(KnowledgeBase::builtin().expect("built-in knowledge")).answer(&Question::new(question))
}

/// The streamed reply to `question`, and the pieces shown while it streamed.
async fn respond_streamed(assistant: &Assistant, question: &str) -> (Reply, Vec<String>) {
    let mut pieces: Vec<String> = Vec::new();
    let mut on_delta = |delta: &str| pieces.push(delta.to_string());
    let reply = tokio::time::timeout(
        Duration::from_secs(15),
        assistant.respond(&Question::new(question), Some(&mut on_delta)),
    )
    .await
    .expect("an answer within the bound");
    (reply, pieces)
}

#[tokio::test]
async fn echoed_prompt_markup_is_removed_and_the_answer_still_shown() {
    let echoed = "<answer>\nPaaS의 단점은 플랫폼 종속입니다 [paas].\n</entry>\n</answer>\n<question>PaaS 단점</question><|im_end|>";
    for provider in PROVIDERS {
        for streamed in [false, true] {
            let fake = FakeLlm::start([Script::answer(echoed)]).await;
            let assistant = assistant(&llm_config(provider, &fake));
            let (reply, pieces) = if streamed {
                respond_streamed(&assistant, "PaaS 단점").await
            } else {
                (respond(&assistant, "PaaS 단점").await, Vec::new())
            };
            assert_eq!(reply.mode, Mode::Llm, "{provider} streamed={streamed}");
            let body = &reply.sections[0].body;
            assert_eq!(body, "PaaS의 단점은 플랫폼 종속입니다 [paas].\nPaaS 단점");
            for markup in PROMPT_MARKUP {
                assert!(!body.contains(markup), "{body}");
                assert!(
                    pieces.iter().all(|piece| !piece.contains(markup)),
                    "no markup while streaming either: {pieces:?}"
                );
            }
            if streamed {
                assert_eq!(&pieces.concat(), body, "the stream shows what the reply says");
            }
        }
    }
}

#[tokio::test]
async fn an_answer_the_guard_rejects_is_the_offline_answer_and_is_not_cached() {
    let cases = [
        // a Korean question answered in English
        ("IaaS 장점이 뭐야?", "IaaS gives you control over servers [iaas]."),
        // an English question answered in Korean
        (
            "what are the pros of IaaS?",
            "IaaS는 서버를 마음대로 다룰 수 있습니다 [iaas].",
        ),
        // a year in none of the facts
        (
            "what are the pros of IaaS?",
            "IaaS was introduced in 2006 and gives you control [iaas].",
        ),
        // an entry the prompt did not carry
        (
            "what are the pros of IaaS?",
            "IaaS gives you control, unlike HIPAA [hipaa].",
        ),
    ];
    // the control: the same question, answered properly, is shown
    let fake = FakeLlm::start([Script::answer("IaaS gives you control over servers [iaas].")]).await;
    let control = respond(
        &assistant(&llm_config(ProviderKind::Openai, &fake)),
        "what are the pros of IaaS?",
    )
    .await;
    assert_eq!(control.mode, Mode::Llm);
    for provider in PROVIDERS {
        for (question, answer) in cases {
            let expected = offline(question);
            let fake = FakeLlm::start([Script::answer(answer)]).await;
            let assistant = assistant(&llm_config(provider, &fake));
            let reply = respond(&assistant, question).await;
            assert_eq!(reply.mode, Mode::Fallback, "{provider}: {answer}");
            assert_eq!(reply.sections, expected.sections, "{provider}: the offline text");
            assert_eq!(reply.sources, expected.sources);
            // not cached: asking again asks the model again
            let again = respond(&assistant, question).await;
            assert_eq!(again.mode, Mode::Fallback);
            assert_eq!(fake.count(), 2, "{provider}: {answer}");

            let (streamed, _) = respond_streamed(&assistant, question).await;
            assert_eq!(streamed.mode, Mode::Fallback, "{provider} streamed: {answer}");
            assert_eq!(streamed.sections, expected.sections);
            assert_eq!(fake.count(), 3, "a rejected stream is not cached either");
        }
    }
}

#[tokio::test]
async fn grounded_numbers_list_markers_and_given_citations_pass() {
    // "2023" is in the facts sent (PaaS's layer in Coatue's 2023 report); list markers are no
    // claims
    let answer =
        "PaaS와 AI 스택:\n1. AI 개발 도구 계층 [paas]\n2. 플랫폼 제공 [paas]\nCoatue의 2023년 보고서가 이렇게 봅니다.";
    let fake = FakeLlm::start([Script::answer(answer)]).await;
    let assistant = assistant(&llm_config(ProviderKind::Openai, &fake));
    let reply = respond(&assistant, "PaaS는 AI 스택에서 어디에 있어?").await;
    assert_eq!(reply.mode, Mode::Llm);
    assert_eq!(reply.sections[0].body, answer);
}

#[tokio::test]
async fn a_stream_that_states_an_invented_number_stops_before_showing_it() {
    // The model keeps the stream open after its text: only the guard's early stop ends it
    // before the timeout.
    let text = "IaaS grew 35 percent in a single year and everyone moved to it [iaas] quickly";
    for provider in PROVIDERS {
        let fake = FakeLlm::start([Script::Stall(text.to_string())]).await;
        let config = LlmConfig {
            timeout_secs: 10,
            ..llm_config(provider, &fake)
        };
        let assistant = assistant(&config);
        let started = std::time::Instant::now();
        let (reply, pieces) = respond_streamed(&assistant, "what are the pros of IaaS?").await;
        assert_eq!(reply.mode, Mode::Fallback, "{provider}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{provider}: stopped at the number, not at the timeout ({:?})",
            started.elapsed()
        );
        assert!(!pieces.concat().contains("35"), "{provider}: never shown: {pieces:?}");
        assert_eq!(reply.sections, offline("what are the pros of IaaS?").sections);
    }
}

// --- the real binary --------------------------------------------------------------------

fn xaas_with_llm(fake: &FakeLlm, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xaas"))
        .args(args)
        .env_remove("XAAS_CONFIG")
        .env_remove("XAAS_KNOWLEDGE_DIR")
        .env("XAAS_LLM_PROVIDER", "openai")
        .env("XAAS_LLM_BASE_URL", fake.openai_base())
        .env("XAAS_LLM_MODEL", "cli-model")
        .env("XAAS_LLM_TIMEOUT_SECS", "2")
        .env("XAAS_LLM_API_KEY", KEY)
        .env("RUST_LOG", "debug")
        .current_dir(std::env::temp_dir())
        .output()
        .expect("the xaas binary runs")
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_str(String::from_utf8_lossy(&output.stdout).trim()).expect("one JSON object")
}

#[test]
fn the_cli_answers_through_the_configured_llm() {
    let fake = FakeLlm::start_blocking([Script::answer("SaaS는 완성된 소프트웨어입니다 [saas].")]);
    let output = xaas_with_llm(&fake, &["ask", "--json", "사스가 뭐야?"]);
    assert!(output.status.success());
    let value = json(&output);
    assert_eq!(value["mode"], "llm");
    assert_eq!(value["sources"][0]["id"], "saas");
    assert!(value["answer"]
        .as_str()
        .unwrap_or_default()
        .contains("완성된 소프트웨어"));
    assert_eq!(
        fake.last_request().expect("a call").header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    let logs = String::from_utf8_lossy(&output.stderr);
    assert!(!logs.contains(KEY), "the key never reaches the logs");
}

#[test]
fn the_cli_falls_back_when_the_llm_fails_and_says_why_in_the_log() {
    let fake = FakeLlm::start_blocking([Script::status(503)]);
    let output = xaas_with_llm(&fake, &["ask", "--json", "what are the downsides of PaaS?"]);
    assert!(output.status.success(), "a failing LLM is not a failing answer");
    let value = json(&output);
    assert_eq!(value["mode"], "fallback");
    assert_eq!(value["sources"][0]["id"], "paas");
    assert!(value["answer"].as_str().unwrap_or_default().contains("PaaS"));
    let logs = String::from_utf8_lossy(&output.stderr);
    assert!(logs.contains("WARN"), "{logs}");
    assert!(!logs.contains(KEY), "{logs}");
}

#[test]
fn a_rejected_answer_is_logged_with_a_short_reason() {
    let cases = [
        ("PaaS 단점이 뭐야?", "PaaS locks you in [paas].", "wrong_language"),
        (
            "what are the downsides of PaaS?",
            "PaaS locks you in [saas].",
            "unknown_citation",
        ),
        (
            "what are the downsides of PaaS?",
            "PaaS locks in 73% of teams [paas].",
            "ungrounded_number",
        ),
    ];
    for (question, answer, reason) in cases {
        let fake = FakeLlm::start_blocking([Script::answer(answer)]);
        let output = xaas_with_llm(&fake, &["--log-format", "json", "ask", "--json", question]);
        assert!(output.status.success());
        assert_eq!(json(&output)["mode"], "fallback", "{answer}");
        let logs = String::from_utf8_lossy(&output.stderr);
        let warned = logs
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .find(|line| line["level"] == "WARN" && line["reason"] == reason);
        assert!(warned.is_some(), "{reason}: {logs}");
    }
}

#[test]
fn offline_and_show_prompt_send_nothing() {
    let fake = FakeLlm::start_blocking([Script::answer("never")]);
    let output = xaas_with_llm(&fake, &["ask", "--json", "--offline", "what is IaaS"]);
    assert_eq!(json(&output)["mode"], "offline");
    let output = xaas_with_llm(&fake, &["ask", "--show-prompt", "IaaS랑 PaaS 차이"]);
    assert!(output.status.success());
    let prompt = String::from_utf8_lossy(&output.stdout);
    assert!(
        prompt.contains("--- system ---") && prompt.contains("--- user ---"),
        "{prompt}"
    );
    assert!(prompt.contains("- [iaas] ") && prompt.contains("- [paas] "), "{prompt}");
    assert!(prompt.contains("IaaS랑 PaaS 차이"));
    assert!(prompt.contains("Korean"));
    assert_eq!(fake.count(), 0);
}

#[test]
fn a_key_in_the_config_file_is_refused() {
    let dir = std::env::temp_dir().join(format!("xaas-grounded-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("xaas.toml");
    std::fs::write(
        &path,
        "[llm]\nprovider = \"openai\"\nmodel = \"m\"\napi_key = \"sk-in-file-123\"\n",
    )
    .expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_xaas"))
        .args(["--config", path.to_str().expect("utf-8"), "check"])
        .env_remove("XAAS_CONFIG")
        .output()
        .expect("xaas runs");
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(
        error.contains("xaas.toml:4:1") && error.contains("llm.api_key"),
        "{error}"
    );
    assert!(error.contains("XAAS_LLM_API_KEY"), "says what to do: {error}");
    assert!(!error.contains("sk-in-file-123"), "{error}");
}

#[test]
fn logs_can_be_json_lines_without_the_question_or_the_key() {
    let fake = FakeLlm::start_blocking([Script::status(500)]);
    let output = xaas_with_llm(
        &fake,
        &["--log-format", "json", "ask", "--json", "private question about PaaS"],
    );
    assert!(output.status.success());
    let logs = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<serde_json::Value> = logs
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("a JSON log line: {line}")))
        .collect();
    assert!(lines.iter().any(|line| line["level"] == "WARN"), "{logs}");
    assert!(!logs.contains(KEY), "{logs}");
    let at_info: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|line| line["level"] == "INFO" || line["level"] == "WARN")
        .collect();
    assert!(
        at_info
            .iter()
            .all(|line| !line.to_string().contains("private question")),
        "{logs}"
    );
}

#[tokio::test]
async fn a_follow_up_sends_the_earlier_turns_and_is_grounded_in_the_resolved_question() {
    for provider in PROVIDERS {
        let fake = FakeLlm::start([Script::answer("PaaS는 특정 플랫폼에 묶일 위험이 있습니다 [paas].")]).await;
        let config = LlmConfig {
            history_turns: 1,
            ..llm_config(provider, &fake)
        };
        let assistant = assistant(&config);
        let first = offline("what is SaaS?");
        let second = offline("IaaS 단점이 뭐야?");
        let earlier = vec![
            Turn::of("what is SaaS?", &first),
            Turn::of("IaaS 단점이 뭐야?", &second),
        ];
        let question = Question::new("그럼 PaaS는?").after(earlier);
        let reply = tokio::time::timeout(Duration::from_secs(15), assistant.respond(&question, None))
            .await
            .expect("an answer within the bound");
        assert_eq!(reply.mode, Mode::Llm, "{provider}");
        assert_eq!(reply.resolved.as_deref(), Some("PaaS 단점"));
        assert_eq!(reply.sources[0].id, "paas", "grounded in the resolved question");

        let request = fake.last_request().expect("one call");
        let messages = request.body["messages"].as_array().expect("messages").clone();
        let turns: Vec<(&str, &str)> = messages
            .iter()
            .filter(|m| m["role"] != "system")
            .map(|m| (m["role"].as_str().unwrap_or(""), m["content"].as_str().unwrap_or("")))
            .collect();
        // One earlier turn (history_turns = 1): its question and the bot's answer, then the
        // question as understood, with the facts about PaaS's downsides.
        assert_eq!(turns.len(), 3, "{provider}: {turns:?}");
        assert_eq!(turns[0], ("user", "IaaS 단점이 뭐야?"));
        assert_eq!(turns[1].0, "assistant");
        assert_eq!(turns[1].1, second.lead, "the bot's answer as it was shown");
        assert_eq!(turns[2].0, "user");
        assert!(turns[2].1.contains("PaaS 단점"), "{}", turns[2].1);
        assert!(turns[2].1.contains("[paas]"), "{}", turns[2].1);
        assert!(
            !request.body.to_string().contains("what is SaaS?"),
            "older turns are left out"
        );
    }
}

#[tokio::test]
async fn no_history_means_no_earlier_messages() {
    let fake = FakeLlm::start([Script::answer("IaaS는 인프라를 빌려 쓰는 모델입니다 [iaas].")]).await;
    let config = LlmConfig {
        history_turns: 0,
        ..llm_config(ProviderKind::Openai, &fake)
    };
    let assistant = assistant(&config);
    let earlier = vec![Turn::of("what is SaaS?", &offline("what is SaaS?"))];
    let question = Question::new("IaaS 단점이 뭐야?").after(earlier);
    let reply = assistant.respond(&question, None).await;
    assert_eq!(reply.mode, Mode::Llm);
    let request = fake.last_request().expect("one call");
    let roles: Vec<&str> = request.body["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| m["role"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(roles, ["system", "user"]);
}
