//! Small talk through the real `xaas` binary and the LLM path: greetings, thanks and "who are
//! you" get a short reply of kind `smalltalk` in the asker's language, with no sources and no
//! LLM call; a real question behind a greeting is still answered.

use std::process::{Command, Output};
use std::time::Duration;

use secrecy::SecretString;
use xaas::assistant::{Assistant, Mode, Question, ReplyKind};
use xaas::config::{LlmConfig, ProviderKind};
use xaas::knowledge::KnowledgeBase;

use crate::support::fake_llm::{FakeLlm, Reply as Script};

fn ask_json(question: &str) -> serde_json::Value {
    let output: Output = Command::new(env!("CARGO_BIN_EXE_xaas"))
        .args(["ask", "--json", question])
        .env_remove("XAAS_KNOWLEDGE_DIR")
        .env_remove("XAAS_CONFIG")
        .env_remove("XAAS_LLM_PROVIDER")
        .current_dir(std::env::temp_dir())
        .output()
        .expect("the xaas binary runs");
    assert!(
        output.status.success(),
        "{question}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(String::from_utf8_lossy(&output.stdout).trim()).expect("one JSON object")
}

#[test]
fn small_talk_gets_a_smalltalk_reply_in_the_askers_language_with_no_sources() {
    for (question, lang, opening) in [
        ("고마워", "ko", "천만에요"),
        ("<@123456789> 안녕하세요~~", "ko", "안녕하세요"),
        ("ㅎㅇ", "ko", "안녕하세요"),
        ("hi there!", "en", "Hi!"),
        ("thx", "en", "welcome"),
        ("who are you?", "en", "xaas-bot"),
        ("도움말", "ko", "할 수 있는"),
        ("👍", "en", "Got it"),
    ] {
        let value = ask_json(question);
        assert_eq!(value["kind"], "smalltalk", "{question}");
        assert_eq!(value["lang"], lang, "{question}");
        assert_eq!(value["mode"], "offline", "{question}");
        assert_eq!(value["sources"].as_array().map(Vec::len), Some(0), "{question}");
        let answer = value["answer"].as_str().expect("answer is text");
        assert!(answer.contains(opening), "{question}: {answer}");
    }
}

#[test]
fn a_greeting_in_front_of_a_question_and_other_chit_chat_are_no_small_talk() {
    let value = ask_json("hi, what is IaaS?");
    assert_ne!(value["kind"], "smalltalk");
    assert_eq!(value["sources"][0]["id"], "iaas");
    let value = ask_json("안녕 PaaS 단점이 뭐야?");
    assert_ne!(value["kind"], "smalltalk");
    assert_eq!(value["sources"][0]["id"], "paas");
    for question in ["tell me a joke", "오늘 날씨 어때?"] {
        assert_eq!(ask_json(question)["kind"], "dont_know", "{question}");
    }
}

#[tokio::test]
async fn small_talk_never_calls_the_llm() {
    let fake = FakeLlm::start([Script::answer("should never be asked")]).await;
    let config = LlmConfig {
        provider: ProviderKind::Openai,
        base_url: Some(fake.openai_base()),
        model: "smalltalk-model".to_string(),
        timeout_secs: 2,
        connect_timeout_secs: 1,
        max_retries: 0,
        api_key: Some(SecretString::from("sk-smalltalk-test".to_string())),
        ..LlmConfig::default()
    };
    let client = xaas::llm::connect(&config)
        .expect("a valid llm config")
        .expect("a provider is set");
    let assistant = Assistant::new(KnowledgeBase::builtin().expect("built-in knowledge")).with_llm(client, &config);
    for question in ["hello", "고마워요", "what can you do?", "ㅋㅋㅋ"] {
        let reply = tokio::time::timeout(
            Duration::from_secs(15),
            assistant.respond(&Question::new(question), None),
        )
        .await
        .expect("an answer within the bound");
        assert_eq!(reply.kind, ReplyKind::SmallTalk, "{question}");
        assert_eq!(reply.mode, Mode::Offline, "{question}");
        assert!(reply.sources.is_empty(), "{question}");
        assert!(assistant
            .prompt(&Question::new(question))
            .expect("prompts render")
            .is_none());
    }
    assert_eq!(fake.count(), 0);
}
