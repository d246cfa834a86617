//! The grounded path against a real OpenAI-compatible server (llama.cpp with a tiny model, see
//! `../shared/tools/real-llm/README.md`), when `XAAS_TEST_REAL_LLM_URL` names one; otherwise
//! every test here returns at once, saying it was skipped, so `cargo test` stays offline.
//!
//! A 135M model invents things, writes broken Korean and echoes prompt markup: what a fake
//! cannot. Whatever it writes, a user must see either a clean LLM answer in the reply language
//! or the offline answer marked fallback — never markup, never the wrong language.
//!
//!     eval "$(../shared/tools/real-llm/start.sh 18080)"
//!     XAAS_TEST_REAL_LLM_URL=$base_url cargo test --test it real_llm -- --nocapture

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use xaas::assistant::{Assistant, Mode, Question, Reply, Turn};
use xaas::config::{LlmConfig, ProviderKind};
use xaas::knowledge::{KnowledgeBase, Lang};

use crate::support::PROMPT_MARKUP;

/// Questions in both languages whose prompts mostly fit the model's 8k context (Korean takes
/// many tokens per character in its vocabulary; a prompt that does not fit is a 400 and a
/// fallback, which is fine too).
const QUESTIONS: [&str; 10] = [
    "What is IaaS?",
    "What are the downsides of SaaS?",
    "What is HIPAA?",
    "What is GDPR?",
    "Who provides IaaS?",
    "사스가 뭐야?",
    "사스 단점",
    "HIPAA가 뭐야?",
    "GDPR이 뭐야?",
    "IQaaS가 뭐야?",
];

/// The real server's base URL, or `None` (and a note) when the test is to be skipped.
fn real_url() -> Option<String> {
    match std::env::var("XAAS_TEST_REAL_LLM_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url.trim().to_string()),
        _ => {
            println!("skipped: set XAAS_TEST_REAL_LLM_URL to a real OpenAI-compatible server to run this");
            None
        }
    }
}

/// The built-in knowledge answering through the real server at `url`.
fn real_assistant(url: String) -> Assistant {
    let config = LlmConfig {
        provider: ProviderKind::Openai,
        base_url: Some(url),
        model: "smollm2".to_string(),
        // A small model on two cores reads an 8k prompt in a few seconds.
        timeout_secs: 120,
        max_retries: 0,
        // Every question is asked twice (whole, then streamed): no cache between them.
        cache_ttl_secs: 0,
        ..LlmConfig::default()
    };
    let client = xaas::llm::connect(&config)
        .expect("a valid llm config")
        .expect("a provider is set");
    Assistant::new(KnowledgeBase::builtin().expect("built-in knowledge")).with_llm(client, &config)
}

/// The log lines the assistant writes, kept for the report (why each fallback happened).
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// Takes what was logged since the last call.
    fn take(&self) -> String {
        let mut bytes = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        String::from_utf8_lossy(&std::mem::take(&mut *bytes)).into_owned()
    }
}

/// The `reason` field of the warn line that explains a fallback.
fn reason_in(logs: &str) -> String {
    logs.lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|line| line["level"] == "WARN" && line["target"] == "xaas::assistant::grounded")
        .filter_map(|line| line["reason"].as_str().map(str::to_string))
        .next_back()
        .unwrap_or_else(|| "?".to_string())
}

fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

/// What a user may be shown: a clean LLM answer in the reply language, or a fallback.
fn assert_acceptable(question: &str, reply: &Reply, streamed: &str) {
    for markup in PROMPT_MARKUP {
        assert!(!streamed.contains(markup), "{question}: markup streamed: {streamed:?}");
    }
    match reply.mode {
        Mode::Fallback => {}
        Mode::Llm => {
            let body = &reply.sections[0].body;
            for markup in PROMPT_MARKUP {
                assert!(!body.contains(markup), "{question}: markup shown: {body:?}");
            }
            let hangul = body.chars().filter(|&c| is_hangul(c)).count();
            let letters = body.chars().filter(|c| c.is_alphabetic()).count();
            match reply.lang {
                Lang::Ko => assert!(hangul > 0, "{question}: a Korean reply without Hangul: {body:?}"),
                Lang::En => assert!(hangul * 2 < letters, "{question}: an English reply in Hangul: {body:?}"),
            }
        }
        Mode::Offline => panic!("{question}: an LLM is configured, so the reply is llm or fallback"),
    }
}

#[tokio::test]
async fn whatever_a_real_small_model_writes_the_user_sees_a_clean_answer_or_the_fallback() {
    let Some(url) = real_url() else { return };
    let assistant = real_assistant(url);

    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_max_level(tracing::Level::WARN)
        .with_writer(move || writer.clone())
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);

    let mut tally: Vec<(String, &'static str, String)> = Vec::new();
    for question in QUESTIONS {
        for streamed in [false, true] {
            let mut pieces = String::new();
            let mut on_delta = |delta: &str| pieces.push_str(delta);
            let asked = Question::new(question);
            let ask = assistant.respond(&asked, streamed.then_some(&mut on_delta as _));
            let reply = tokio::time::timeout(Duration::from_secs(180), ask)
                .await
                .expect("an answer within the bound");
            let logged = logs.take();
            assert_acceptable(question, &reply, &pieces);
            let how = if streamed { "streamed" } else { "whole" };
            let outcome = match reply.mode {
                Mode::Llm => format!("llm: {:?}", reply.sections[0].body),
                _ => format!("fallback ({})", reason_in(&logged)),
            };
            println!("{question} [{how}] -> {outcome}");
            tally.push((question.to_string(), how, outcome));
        }
    }
    let llm = tally
        .iter()
        .filter(|(_, _, outcome)| outcome.starts_with("llm"))
        .count();
    println!("{llm} llm, {} fallback of {}", tally.len() - llm, tally.len());
}

/// Conversations through the real model: each follow-up goes with its earlier turns as
/// earlier messages and is grounded in the question as understood; whatever the model makes
/// of it, the user sees a clean answer about the resolved entries, or the fallback.
#[tokio::test]
async fn follow_ups_through_a_real_small_model_stay_clean_and_on_the_resolved_entries() {
    let Some(url) = real_url() else { return };
    let assistant = real_assistant(url);
    let conversations: [(&[&str], &str); 4] = [
        (&["What is FaaS?", "and its downsides?"], "faas"),
        (&["IaaS 단점이 뭐야?", "그럼 PaaS는?"], "paas"),
        (&["What are the pros of SaaS?", "thanks!", "what about IaaS?"], "iaas"),
        (&["GDPR이 뭐야?", "HIPAA는?", "둘 차이는?"], "gdpr"),
    ];
    for (turns, about) in conversations {
        let mut earlier: Vec<Turn> = Vec::new();
        let mut last = None;
        for turn in turns {
            let question = Question::new(*turn).after(earlier.clone());
            let reply = tokio::time::timeout(Duration::from_secs(180), assistant.respond(&question, None))
                .await
                .expect("an answer within the bound");
            if reply.kind != xaas::assistant::ReplyKind::SmallTalk {
                assert_acceptable(turn, &reply, "");
            }
            println!(
                "{turn:?} (resolved {:?}) -> {} {}",
                reply.resolved,
                reply.mode.as_str(),
                reply
                    .sections
                    .first()
                    .map_or("", |s| s.body.as_str())
                    .chars()
                    .take(120)
                    .collect::<String>()
            );
            earlier.push(Turn::of(turn, &reply));
            last = Some(reply);
        }
        let last = last.expect("turns were asked");
        assert!(last.about.iter().any(|id| id == about), "{turns:?}: {:?}", last.about);
    }
}
