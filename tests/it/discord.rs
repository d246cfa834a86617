//! The Discord bot end to end: the real `xaas::discord::serve`, in-process over the built-in
//! knowledge base, against the fake Discord (REST + gateway) on loopback; one test runs the
//! `xaas serve` binary and stops it with SIGTERM.
//!
//! Every test ends by stopping the bot through its shutdown future and checking that every
//! REST body matched Discord's OpenAPI spec, no unknown route was called, and every message,
//! edit and interaction response the bot sent carried `allowed_mentions` with nothing to parse
//! (and so pinged nobody).

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use serde_json::{json, Value};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use xaas::assistant::Assistant;
use xaas::config::{DiscordConfig, LimitsConfig, LlmConfig, ProviderKind};
use xaas::discord::{serve, DiscordError};
use xaas::knowledge::KnowledgeBase;

use crate::support::fake_discord::{FakeDiscord, FakeDiscordOptions, FakeUser, Mentions, Recorded};
use crate::support::fake_llm::{FakeLlm, Reply as LlmReply};

mod components;
mod conversations;

const WAIT: Duration = Duration::from_secs(10);
const TOKEN: &str = "test-token-for-the-fake";
const GUILD: u64 = 1_200_000_000_000_000_001;
const GENERAL: u64 = 1_200_000_000_000_000_002;
const ANSWERS: u64 = 1_200_000_000_000_000_003;
const DM: u64 = 1_200_000_000_000_000_004;
const ROLE: u64 = 1_200_000_000_000_000_005;
/// Message flags: EPHEMERAL and LOADING (a deferred response's placeholder).
const EPHEMERAL: u64 = 1 << 6;
const LOADING: u64 = 1 << 7;
const APOLOGY_EN: &str = "Sorry, something went wrong while answering. Please try again in a moment.";

fn alice() -> FakeUser {
    FakeUser::human(1_200_000_000_000_000_010, "alice")
}

fn offline_assistant() -> Assistant {
    Assistant::new(KnowledgeBase::builtin().expect("the built-in knowledge base loads"))
}

fn llm_assistant(fake_llm: &FakeLlm, timeout_secs: u64) -> Assistant {
    llm_assistant_with(fake_llm, timeout_secs, LlmConfig::default().max_answer_chars)
}

fn llm_assistant_with(fake_llm: &FakeLlm, timeout_secs: u64, max_answer_chars: usize) -> Assistant {
    let config = LlmConfig {
        max_answer_chars,
        provider: ProviderKind::Openai,
        base_url: Some(fake_llm.openai_base()),
        model: "test-model".to_string(),
        timeout_secs,
        connect_timeout_secs: 1,
        max_retries: 0,
        api_key: Some(SecretString::from("sk-test-not-a-key".to_string())),
        ..LlmConfig::default()
    };
    let client = xaas::llm::connect(&config)
        .expect("a valid LLM config")
        .expect("a provider is set");
    offline_assistant().with_llm(client, &config)
}

/// The bot running `serve` on the test's runtime, and the fake it talks to.
struct Bot {
    fake: FakeDiscord,
    stop: Option<oneshot::Sender<()>>,
    running: JoinHandle<Result<(), DiscordError>>,
}

impl Bot {
    /// Commands in the test guild, `ANSWERS` as answer channel, no LLM.
    async fn start() -> Bot {
        Bot::start_with(Some(GUILD), FakeDiscordOptions::default(), offline_assistant()).await
    }

    /// Starts the fake and the bot and waits until the bot is READY and registered its
    /// commands (poise handles no event before that).
    async fn start_with(guild: Option<u64>, options: FakeDiscordOptions, assistant: Assistant) -> Bot {
        let fake = FakeDiscord::start_with(options).await;
        let config = DiscordConfig {
            guild_id: guild,
            answer_channels: vec![ANSWERS],
            ..DiscordConfig::default()
        };
        Bot::start_on(fake, config, assistant).await
    }

    /// Starts the bot with `config` (its API base and token set here) against `fake`, which
    /// may have served an earlier bot: a restart.
    async fn start_on(fake: FakeDiscord, config: DiscordConfig, assistant: Assistant) -> Bot {
        Bot::start_with_store(fake, config, assistant, None).await
    }

    /// [`Bot::start_on`] with `store` recording answers, votes and quiz scores.
    async fn start_with_store(
        fake: FakeDiscord,
        config: DiscordConfig,
        assistant: impl Into<Arc<Assistant>>,
        store: Option<xaas::store::Store>,
    ) -> Bot {
        let guild = config.guild_id;
        let config = DiscordConfig {
            api_base: Some(fake.api_base()),
            token: Some(SecretString::from(TOKEN.to_string())),
            ..config
        };
        let registered_before = fake.requests().iter().filter(|r| r.method == "PUT").count();
        let (stop, stopped) = oneshot::channel::<()>();
        let assistant: Arc<Assistant> = assistant.into();
        let running = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            serve(&config, assistant, store, shutdown).await
        });
        assert!(fake.wait_ready(WAIT).await, "the bot identified on the fake gateway");
        let commands = match guild {
            Some(guild) => format!("/applications/{}/guilds/{guild}/commands", fake.application_id()),
            None => format!("/applications/{}/commands", fake.application_id()),
        };
        fake.wait_until(WAIT, |_| {
            let registered = fake
                .requests()
                .iter()
                .filter(|r| r.is("PUT", &commands) && r.status == 200)
                .count();
            (registered > registered_before).then_some(())
        })
        .await
        .expect("the bot registered its commands");
        Bot {
            fake,
            stop: Some(stop),
            running,
        }
    }

    /// Stops the bot through its shutdown future, expects `serve` to return `Ok`, and runs the
    /// checks every test shares.
    async fn stop(mut self) -> FakeDiscord {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let served = tokio::time::timeout(WAIT, &mut self.running)
            .await
            .expect("serve returns after the shutdown signal")
            .expect("serve did not panic");
        assert!(served.is_ok(), "serve ended with {served:?}");
        self.fake.assert_no_spec_violations();
        self.fake.assert_no_unknown_routes();
        assert_no_pings(&self.fake);
        self.fake
    }

    /// Dispatches a MESSAGE_CREATE; returns the message id.
    fn say(&self, content: &str, author: &FakeUser, channel: u64, guild: Option<u64>, mentions: &Mentions) -> String {
        let message = self.fake.message_create(content, author, channel, guild, mentions);
        let id = message["id"].as_str().expect("messages have ids").to_string();
        self.fake.dispatch("MESSAGE_CREATE", message);
        id
    }

    /// Alice mentions the bot in the general channel.
    fn mention(&self, question: &str) -> String {
        let bot = self.fake.bot_user();
        let mentions = Mentions {
            users: vec![bot.clone()],
            ..Mentions::default()
        };
        self.say(
            &format!("<@{}> {question}", bot.id),
            &alice(),
            GENERAL,
            Some(GUILD),
            &mentions,
        )
    }

    /// Alice runs a slash command in the general channel; returns the interaction token.
    fn slash(&self, name: &str, options: Value, locale: &str) -> String {
        let payload = self
            .fake
            .slash_command(name, options, locale, Some(GUILD), GENERAL, &alice());
        let token = payload["token"].as_str().expect("interactions have tokens").to_string();
        self.fake.dispatch("INTERACTION_CREATE", payload);
        token
    }

    /// Alice types into an autocompleted option; returns the choices the bot offered.
    async fn autocomplete(&self, name: &str, options: Value, locale: &str) -> Vec<(String, String)> {
        let payload = self
            .fake
            .autocomplete(name, options, locale, Some(GUILD), GENERAL, &alice());
        let token = payload["token"].as_str().expect("interactions have tokens").to_string();
        self.fake.dispatch("INTERACTION_CREATE", payload);
        let choices = self
            .fake
            .wait_until(WAIT, |_| self.fake.autocomplete_choices(&token))
            .await
            .expect("the bot answered the autocomplete");
        assert_eq!(self.fake.interaction_callback(&token), Some(8));
        choices
            .as_array()
            .expect("choices are a list")
            .iter()
            .map(|c| {
                (
                    c["name"].as_str().unwrap_or("").to_string(),
                    c["value"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    }

    /// The finished original response of an interaction (not the "thinking…" placeholder, not
    /// a partial answer).
    async fn response(&self, token: &str) -> Value {
        self.fake
            .wait_until(WAIT, |_| {
                self.fake.original_response(token).filter(|m| {
                    m["flags"].as_u64().unwrap_or(0) & LOADING == 0 && !is_partial(m) && !text(m).is_empty()
                })
            })
            .await
            .unwrap_or_else(|| panic!("no response to interaction {token}"))
    }

    /// The bot's finished reply to a message.
    async fn reply_to(&self, question: &str) -> Value {
        self.fake
            .wait_until(WAIT, |view| {
                view.sent_messages()
                    .into_iter()
                    .find(|m| m["message_reference"]["message_id"] == question && !is_partial(m))
            })
            .await
            .unwrap_or_else(|| panic!("no reply to message {question}"))
    }
}

/// A partial LLM answer shows "writing…" in its footer.
fn is_partial(message: &Value) -> bool {
    message["embeds"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|embed| matches!(embed["footer"]["text"].as_str(), Some("writing…" | "작성 중…")))
}

/// Content, titles, descriptions, fields and footers of a message, one per line.
fn text(message: &Value) -> String {
    let mut parts = vec![message["content"].as_str().unwrap_or("").to_string()];
    for embed in message["embeds"].as_array().into_iter().flatten() {
        for key in ["title", "description"] {
            parts.push(embed[key].as_str().unwrap_or("").to_string());
        }
        for field in embed["fields"].as_array().into_iter().flatten() {
            parts.push(field["name"].as_str().unwrap_or("").to_string());
            parts.push(field["value"].as_str().unwrap_or("").to_string());
        }
        parts.push(embed["footer"]["text"].as_str().unwrap_or("").to_string());
    }
    parts.retain(|p| !p.is_empty());
    parts.join("\n")
}

fn title(message: &Value) -> &str {
    message["embeds"][0]["title"].as_str().unwrap_or("")
}

fn footer(message: &Value) -> String {
    message["embeds"]
        .as_array()
        .and_then(|embeds| embeds.last())
        .and_then(|embed| embed["footer"]["text"].as_str())
        .unwrap_or("")
        .to_string()
}

fn hangul_share(text: &str) -> f32 {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count().max(1);
    let hangul = text.chars().filter(|c| ('가'..='힣').contains(c)).count();
    hangul as f32 / letters as f32
}

fn korean(text: &str) -> bool {
    hangul_share(text) > 0.3
}

fn english(text: &str) -> bool {
    hangul_share(text) < 0.05
}

/// The body of a request that creates or edits a message, if it is one: channel messages and
/// their edits, interaction responses (4 message, 5 deferred, 7 update) and webhook messages.
fn message_body(request: &Recorded) -> Option<&Value> {
    let path = request.path.strip_prefix("/api/v10").unwrap_or(&request.path);
    match request.method.as_str() {
        "POST" if path.starts_with("/interactions/") && path.ends_with("/callback") => {
            matches!(request.body["type"].as_u64(), Some(4 | 5 | 7)).then_some(&request.body["data"])
        }
        "POST" if path.starts_with("/channels/") && path.ends_with("/messages") => Some(&request.body),
        "POST" | "PATCH" if path.starts_with("/webhooks/") => Some(&request.body),
        "PATCH" if path.starts_with("/channels/") && path.contains("/messages/") => Some(&request.body),
        _ => None,
    }
}

/// Every message body sent disables mention parsing (and the reply ping), and no message the
/// fake stored resolved a single mention.
fn assert_no_pings(fake: &FakeDiscord) {
    for request in fake.requests() {
        let Some(body) = message_body(&request) else {
            continue;
        };
        let allowed = &body["allowed_mentions"];
        assert_eq!(
            allowed["parse"],
            json!([]),
            "{} {} without allowed_mentions.parse = []: {body}",
            request.method,
            request.path
        );
        assert!(
            allowed["replied_user"].is_null() || allowed["replied_user"] == false,
            "{body}"
        );
        assert!(allowed["users"].as_array().is_none_or(Vec::is_empty), "{body}");
        assert!(allowed["roles"].as_array().is_none_or(Vec::is_empty), "{body}");
    }
    for message in fake.sent_messages() {
        assert_eq!(message["mentions"], json!([]), "pinged users: {message}");
        assert_eq!(message["mention_roles"], json!([]), "pinged roles: {message}");
        assert_eq!(message["mention_everyone"], false, "pinged everyone: {message}");
    }
}

fn count_message_bodies(fake: &FakeDiscord) -> usize {
    fake.requests().iter().filter(|r| message_body(r).is_some()).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identifies_heartbeats_and_registers_localized_commands_in_the_guild() {
    let options = FakeDiscordOptions {
        heartbeat_interval_ms: 100,
        ..FakeDiscordOptions::default()
    };
    let bot = Bot::start_with(Some(GUILD), options, offline_assistant()).await;
    let fake = &bot.fake;

    let identifies = fake.identifies();
    assert_eq!(identifies.len(), 1);
    assert_eq!(identifies[0].token, format!("Bot {TOKEN}"));
    let intents = 1 | (1 << 9) | (1 << 12) | (1 << 15); // GUILDS, GUILD_MESSAGES, DIRECT_MESSAGES, MESSAGE_CONTENT
    assert_eq!(identifies[0].intents, intents);
    assert_eq!(xaas::discord::intents().bits(), intents);
    assert!(fake.connection_queries()[0].contains("v=10"));
    assert!(
        fake.wait_until(WAIT, |_| (fake.heartbeats() >= 2).then_some(()))
            .await
            .is_some(),
        "heartbeats at the HELLO interval"
    );

    let commands = fake.guild_commands(GUILD);
    let by_name: HashMap<&str, &Value> = commands.iter().map(|c| (c["name"].as_str().unwrap_or(""), c)).collect();
    let mut names: Vec<&str> = by_name.keys().copied().collect();
    names.sort_unstable();
    assert_eq!(names, ["ask", "compare", "help", "leaderboard", "model", "quiz"]);
    for (name, korean_name) in [
        ("ask", "질문"),
        ("compare", "비교"),
        ("help", "도움말"),
        ("leaderboard", "순위"),
        ("model", "모델"),
        ("quiz", "퀴즈"),
    ] {
        let command = by_name[name];
        assert_eq!(command["name_localizations"]["ko"], korean_name, "{command}");
        assert!(
            korean(command["description_localizations"]["ko"].as_str().unwrap_or("")),
            "{command}"
        );
        assert!(english(command["description"].as_str().unwrap_or("")), "{command}");
    }
    let options = |name: &str| by_name[name]["options"].as_array().cloned().unwrap_or_default();
    let model = options("model");
    assert_eq!(model.len(), 1);
    assert_eq!(model[0]["name"], "name");
    assert_eq!(model[0]["name_localizations"]["ko"], "이름");
    assert!(korean(
        model[0]["description_localizations"]["ko"].as_str().unwrap_or("")
    ));
    assert_eq!(model[0]["type"], 3);
    assert_eq!(model[0]["required"], true);
    assert_eq!(model[0]["autocomplete"], true);
    let compare = options("compare");
    let compare_names: Vec<(&str, &str)> = compare
        .iter()
        .map(|o| {
            (
                o["name"].as_str().unwrap_or(""),
                o["name_localizations"]["ko"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(compare_names, [("first", "첫째"), ("second", "둘째")]);
    assert!(compare
        .iter()
        .all(|o| o["autocomplete"] == true && o["required"] == true));
    let ask = options("ask");
    assert_eq!(ask.len(), 1);
    assert_eq!(
        (ask[0]["name"].clone(), ask[0]["name_localizations"]["ko"].clone()),
        (json!("question"), json!("질문"))
    );
    assert_ne!(ask[0]["autocomplete"], true);
    assert_eq!(ask[0]["max_length"], 1000);
    assert!(options("help").is_empty());
    assert!(fake.global_commands().is_empty(), "a guild is set: nothing global");

    let requests = fake.requests();
    assert!(requests.iter().any(|r| r.is("GET", "/gateway")));
    assert!(
        !requests.iter().any(|r| r.path.contains("/applications/@me")),
        "no owner lookup at startup"
    );
    assert!(requests
        .iter()
        .all(|r| r.headers.get("authorization").map(String::as_str) == Some(&format!("Bot {TOKEN}"))));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_guild_commands_are_registered_globally() {
    let bot = Bot::start_with(None, FakeDiscordOptions::default(), offline_assistant()).await;
    assert_eq!(bot.fake.global_commands().len(), 6);
    assert!(bot.fake.guild_commands(GUILD).is_empty());
    let token = bot.slash("model", json!([{"name": "name", "type": 3, "value": "paas"}]), "en-US");
    assert!(title(&bot.response(&token).await).contains("PaaS"));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autocomplete_offers_entries_by_id_name_or_alias_in_both_languages() {
    let bot = Bot::start().await;
    let focused = |name: &str, value: &str| json!([{"name": name, "type": 3, "value": value, "focused": true}]);

    let choices = bot.autocomplete("model", focused("name", "iq"), "en-US").await;
    assert!(!choices.is_empty() && choices.len() <= 25);
    let (name, value) = &choices[0];
    assert_eq!(value, "iqaas", "{choices:?}");
    assert!(name.contains("IQaaS"), "{choices:?}");

    let choices = bot.autocomplete("model", focused("name", "온프"), "ko").await;
    assert_eq!(choices[0].1, "on-premise", "{choices:?}");
    assert!(
        choices[0].0.contains("온프레미스"),
        "shown in the user's locale: {choices:?}"
    );
    let choices = bot.autocomplete("model", focused("name", "온프"), "en-US").await;
    assert_eq!(choices[0].1, "on-premise", "{choices:?}");
    assert!(choices[0].0.contains("On-premise"), "{choices:?}");

    let choices = bot.autocomplete("model", focused("name", ""), "en-US").await;
    assert!(choices.len() >= 10 && choices.len() <= 25, "{choices:?}");

    let options = json!([
        {"name": "first", "type": 3, "value": "iaas"},
        {"name": "second", "type": 3, "value": "pa", "focused": true},
    ]);
    let choices = bot.autocomplete("compare", options, "en-US").await;
    assert_eq!(choices[0].1, "paas", "{choices:?}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model_answers_at_once_in_the_users_locale() {
    let bot = Bot::start().await;
    let token = bot.slash("model", json!([{"name": "name", "type": 3, "value": "iaas"}]), "en-US");
    let response = bot.response(&token).await;
    assert_eq!(
        bot.fake.interaction_callback(&token),
        Some(4),
        "offline answers are not deferred"
    );
    assert!(title(&response).starts_with("IaaS"), "{response}");
    assert!(english(&text(&response)), "{}", text(&response));
    assert!(footer(&response).contains("offline answer"), "{}", footer(&response));
    assert_eq!(
        response["flags"].as_u64().unwrap_or(0) & EPHEMERAL,
        0,
        "answers are public"
    );
    assert!(
        !response["embeds"][0]["fields"].as_array().is_none_or(Vec::is_empty),
        "sections are fields"
    );
    assert!(
        !response["embeds"][0]["description"]
            .as_str()
            .unwrap_or("")
            .trim()
            .is_empty(),
        "the lead (or the first section) comes first, as the description: {response}"
    );

    let token = bot.slash("model", json!([{"name": "name", "type": 3, "value": "사스"}]), "ko");
    let response = bot.response(&token).await;
    assert!(title(&response).contains("SaaS"), "{response}");
    assert!(korean(&text(&response)), "{}", text(&response));
    assert!(footer(&response).contains("오프라인"), "{}", footer(&response));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_puts_two_models_side_by_side() {
    let bot = Bot::start().await;
    let options = json!([
        {"name": "first", "type": 3, "value": "iaas"},
        {"name": "second", "type": 3, "value": "paas"},
    ]);
    let token = bot.slash("compare", options, "en-GB");
    let response = bot.response(&token).await;
    let all = text(&response);
    assert!(all.contains("IaaS") && all.contains("PaaS"), "{all}");
    let footer = footer(&response);
    assert!(
        footer.starts_with("Sources: IaaS") && footer.contains("PaaS"),
        "{footer}"
    );

    let options = json!([
        {"name": "first", "type": 3, "value": "saas"},
        {"name": "second", "type": 3, "value": "온프레미스"},
    ]);
    let token = bot.slash("compare", options, "ko");
    let response = bot.response(&token).await;
    assert!(korean(&text(&response)), "{}", text(&response));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_answers_in_the_questions_language_and_admits_what_it_does_not_know() {
    let bot = Bot::start().await;
    let ask = |question: &str, locale: &str| {
        bot.slash(
            "ask",
            json!([{"name": "question", "type": 3, "value": question}]),
            locale,
        )
    };
    let korean_question = ask("서버리스 장점이 뭐야?", "en-US");
    let english_question = ask("What are the cons of SaaS?", "ko");
    let off_topic = ask("What's the best pizza topping in Naples?", "en-US");
    let off_topic_korean = ask("내일 서울 날씨 어때?", "en-US");

    let response = bot.response(&korean_question).await;
    assert!(
        korean(&text(&response)),
        "the question's language, not the locale: {response}"
    );
    assert!(text(&response).contains("FaaS"), "{response}");
    let response = bot.response(&english_question).await;
    assert!(english(&text(&response)), "{response}");
    assert!(text(&response).contains("SaaS"), "{response}");

    let response = bot.response(&off_topic).await;
    assert!(title(&response).contains("don't know"), "{response}");
    assert!(english(&text(&response)));
    assert!(
        !footer(&response).contains("Sources"),
        "a don't-know rests on nothing: {response}"
    );
    let response = bot.response(&off_topic_korean).await;
    assert!(korean(&text(&response)), "{response}");
    for token in [&korean_question, &english_question, &off_topic, &off_topic_korean] {
        assert_eq!(bot.fake.interaction_callback(token), Some(4));
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_model_names_get_a_short_ephemeral_hint_with_suggestions() {
    let bot = Bot::start().await;
    let token = bot.slash(
        "model",
        json!([{"name": "name", "type": 3, "value": "zzqqxx"}]),
        "en-US",
    );
    let response = bot.response(&token).await;
    assert_ne!(response["flags"].as_u64().unwrap_or(0) & EPHEMERAL, 0, "{response}");
    let content = response["content"].as_str().unwrap_or("");
    assert!(
        content.starts_with("I don't know a model or topic called `zzqqxx`"),
        "{content}"
    );
    assert!(response["embeds"].as_array().is_none_or(Vec::is_empty));

    let options = json!([
        {"name": "first", "type": 3, "value": "iaas"},
        {"name": "second", "type": 3, "value": "zzqqxx"},
    ]);
    let token = bot.slash("compare", options, "ko");
    let response = bot.response(&token).await;
    assert_ne!(response["flags"].as_u64().unwrap_or(0) & EPHEMERAL, 0);
    assert!(
        response["content"].as_str().unwrap_or("").contains("찾지 못했어요"),
        "{response}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_lists_every_entry_and_how_to_ask() {
    let bot = Bot::start().await;
    let knowledge = KnowledgeBase::builtin().expect("the built-in knowledge base loads");
    for (locale, korean_reply) in [("ko", true), ("en-US", false)] {
        let token = bot.slash("help", json!([]), locale);
        let response = bot.response(&token).await;
        assert_ne!(response["flags"].as_u64().unwrap_or(0) & EPHEMERAL, 0);
        let all = text(&response);
        for entry in knowledge.entries() {
            let name = if korean_reply { &entry.name.ko } else { &entry.name.en };
            assert!(all.contains(name.as_str()), "{} missing from {all}", entry.id);
        }
        assert_eq!(korean_reply, all.contains("/질문"), "{all}");
        assert!(all.contains("/ask") || all.contains("/질문"));
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mentions_direct_messages_and_answer_channels_are_answered_as_replies() {
    let bot = Bot::start().await;
    let mentioned = bot.mention("what is SaaS?");
    let direct = bot.say("IaaS가 뭐야?", &alice(), DM, None, &Mentions::default());
    let in_answer_channel = bot.say("GDPR", &alice(), ANSWERS, Some(GUILD), &Mentions::default());
    let bot_id = bot.fake.bot_user_id();
    let nickname_mention = bot.say(
        &format!("<@!{bot_id}> serverless?"),
        &alice(),
        GENERAL,
        Some(GUILD),
        &Mentions {
            users: vec![bot.fake.bot_user()],
            ..Mentions::default()
        },
    );

    let reply = bot.reply_to(&mentioned).await;
    assert_eq!(reply["channel_id"], GENERAL.to_string());
    assert_eq!(reply["type"], 19, "a reply");
    assert!(title(&reply).contains("SaaS"), "the mention is stripped: {reply}");
    assert!(english(&text(&reply)));
    assert_eq!(reply["mentions"], json!([]), "the author is not pinged by the reply");

    let reply = bot.reply_to(&direct).await;
    assert_eq!(reply["channel_id"], DM.to_string());
    assert!(title(&reply).contains("IaaS") && korean(&text(&reply)), "{reply}");

    let reply = bot.reply_to(&in_answer_channel).await;
    assert_eq!(reply["channel_id"], ANSWERS.to_string());
    assert!(title(&reply).contains("GDPR"), "{reply}");

    let reply = bot.reply_to(&nickname_mention).await;
    assert!(title(&reply).contains("FaaS"), "{reply}");

    // a mention with nothing asked gets the help
    let empty = bot.mention("");
    let reply = bot.reply_to(&empty).await;
    assert!(text(&reply).contains("/ask"), "{reply}");
    assert_eq!(bot.fake.sent_messages().len(), 5);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_channels_bots_and_the_bot_itself_are_ignored() {
    let bot = Bot::start().await;
    let bot_user = bot.fake.bot_user();
    let pinging = Mentions {
        users: vec![bot_user.clone()],
        ..Mentions::default()
    };
    bot.say("what is SaaS?", &alice(), GENERAL, Some(GUILD), &Mentions::default());
    bot.say(
        &format!("<@{}> what is SaaS?", bot_user.id),
        &FakeUser::bot(1_200_000_000_000_000_099, "other-bot"),
        GENERAL,
        Some(GUILD),
        &pinging,
    );
    bot.say(
        "SaaS is software you rent.",
        &bot_user,
        ANSWERS,
        Some(GUILD),
        &Mentions::default(),
    );
    bot.say(
        &format!("<@{}> what is PaaS?", bot_user.id),
        &bot_user,
        GENERAL,
        Some(GUILD),
        &pinging,
    );
    // events are read in order; once this one is answered, the others were seen
    let last = bot.mention("what is IaaS?");
    let reply = bot.reply_to(&last).await;
    assert!(title(&reply).contains("IaaS"));
    let stopped = bot.stop().await;
    assert_eq!(stopped.sent_messages().len(), 1, "{:#?}", stopped.sent_messages());
    assert!(!stopped.requests().iter().any(|r| r.path.ends_with("/typing")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_is_ever_pinged_even_by_questions_full_of_mentions() {
    let bot = Bot::start().await;
    let bot_user = bot.fake.bot_user();
    let alice_id = alice().id;
    let loud = format!("@everyone @here <@&{ROLE}> <@{alice_id}> <@!{alice_id}>");
    let mentions = Mentions {
        users: vec![bot_user.clone(), alice()],
        roles: vec![ROLE],
        everyone: true,
    };
    let question = bot.say(
        &format!("<@{}> {loud} what is PaaS?", bot_user.id),
        &alice(),
        GENERAL,
        Some(GUILD),
        &mentions,
    );
    let in_answer_channel = bot.say(&format!("{loud} 사스"), &alice(), ANSWERS, Some(GUILD), &mentions);
    let empty = bot.say(
        &format!("<@{}>", bot_user.id),
        &alice(),
        GENERAL,
        Some(GUILD),
        &mentions,
    );
    // echoed back in the content of the unknown-name hint, where Discord would resolve them
    let unknown = bot.slash("model", json!([{"name": "name", "type": 3, "value": loud}]), "en-US");
    let asked = bot.slash(
        "ask",
        json!([{"name": "question", "type": 3, "value": format!("{loud} IaaS vs PaaS?")}]),
        "en-US",
    );

    for id in [&question, &in_answer_channel, &empty] {
        let reply = bot.reply_to(id).await;
        assert_eq!(reply["mentions"], json!([]), "{reply}");
        assert_eq!(reply["mention_roles"], json!([]));
        assert_eq!(reply["mention_everyone"], false);
    }
    let hint = bot.response(&unknown).await;
    let content = hint["content"].as_str().unwrap_or("");
    assert!(
        content.contains("@everyone") && content.contains(&format!("<@&{ROLE}>")),
        "{content}"
    );
    assert_eq!(hint["mentions"], json!([]), "{hint}");
    assert_eq!(hint["mention_roles"], json!([]));
    assert_eq!(hint["mention_everyone"], false);
    let answer = bot.response(&asked).await;
    assert!(text(&answer).contains("PaaS"), "{answer}");
    assert!(count_message_bodies(&bot.fake) >= 5);
    bot.stop().await; // checks allowed_mentions on every body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn op_7_reconnect_resumes_and_the_bot_keeps_answering() {
    let bot = Bot::start().await;
    let before = bot.mention("what is CaaS?");
    assert!(title(&bot.reply_to(&before).await).contains("CaaS"));

    assert!(bot.fake.send_reconnect());
    let after = bot.mention("what is GPUaaS?");
    let token = bot.slash("model", json!([{"name": "name", "type": 3, "value": "hipaa"}]), "en-US");
    assert!(title(&bot.reply_to(&after).await).contains("GPUaaS"));
    assert!(title(&bot.response(&token).await).contains("HIPAA"));

    let resumes = bot.fake.resumes();
    assert_eq!(resumes.len(), 1);
    assert!(resumes[0].accepted, "the same session resumed");
    assert_eq!(resumes[0].token, format!("Bot {TOKEN}"));
    assert_eq!(bot.fake.identifies().len(), 1, "no new IDENTIFY");
    assert_eq!(bot.fake.connections(), 2);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_get_an_apology_and_the_bot_answers_the_next_question() {
    let bot = Bot::start().await;
    bot.fake
        .fail_next("POST", &format!("/channels/{GENERAL}/messages"), 500, 1);
    let failed = bot.mention("what is SaaS?");
    let apology = bot.reply_to(&failed).await;
    assert_eq!(apology["content"], APOLOGY_EN, "{apology}");
    assert!(
        apology["embeds"].as_array().is_none_or(Vec::is_empty),
        "no error text, no half answer"
    );

    let next = bot.mention("what is PaaS?");
    assert!(title(&bot.reply_to(&next).await).contains("PaaS"));

    // the same for a slash command whose response fails
    bot.fake.fail_next("POST", "/interactions/", 500, 1);
    let failed = bot.slash("model", json!([{"name": "name", "type": 3, "value": "iaas"}]), "ko");
    let apology = bot.response(&failed).await;
    assert!(
        apology["content"].as_str().unwrap_or("").starts_with("죄송합니다"),
        "{apology}"
    );
    assert_ne!(apology["flags"].as_u64().unwrap_or(0) & EPHEMERAL, 0);
    let next = bot.slash("model", json!([{"name": "name", "type": 3, "value": "iaas"}]), "en-US");
    assert!(title(&bot.response(&next).await).contains("IaaS"));

    // a command Discord still has but the bot does not (a stale registration)
    let stale = bot.slash("pricing", json!([]), "en-US");
    let apology = bot.response(&stale).await;
    assert_eq!(apology["content"], APOLOGY_EN, "{apology}");
    assert_ne!(apology["flags"].as_u64().unwrap_or(0) & EPHEMERAL, 0);

    let statuses: Vec<u16> = bot.fake.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 500).count(), 2);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_questions_at_once_are_each_answered_exactly_once() {
    let bot = Bot::start().await;
    let questions = [
        "what is SaaS?",
        "IaaS가 뭐야?",
        "cons of PaaS",
        "서버리스 장점",
        "who provides GPUaaS?",
        "온프레미스랑 IaaS 차이",
        "what is the weather today?",
        "HIPAA",
        "CaaS vs FaaS",
        "IQaaS 예시",
    ];
    let ids: Vec<String> = (0..50).map(|i| bot.mention(questions[i % questions.len()])).collect();
    let all_answered = bot
        .fake
        .wait_until(WAIT, |view| {
            let sent = view.sent_messages();
            ids.iter()
                .all(|id| sent.iter().any(|m| m["message_reference"]["message_id"] == id.as_str()))
                .then_some(sent)
        })
        .await
        .expect("every question answered in time");
    for id in &ids {
        let replies = all_answered
            .iter()
            .filter(|m| m["message_reference"]["message_id"] == id.as_str())
            .count();
        assert_eq!(replies, 1, "question {id} answered {replies} times");
    }
    let stopped = bot.stop().await;
    assert_eq!(stopped.sent_messages().len(), 50);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_an_llm_slash_answers_are_deferred_then_the_original_is_edited() {
    let llm = FakeLlm::start([LlmReply::answer(
        "IaaS means renting servers, storage and networks; you install and manage the operating system. @everyone",
    )])
    .await;
    let bot = Bot::start_with(Some(GUILD), FakeDiscordOptions::default(), llm_assistant(&llm, 5)).await;
    let token = bot.slash(
        "ask",
        json!([{"name": "question", "type": 3, "value": "What is IaaS?"}]),
        "en-US",
    );
    let response = bot.response(&token).await;
    assert_eq!(bot.fake.interaction_callback(&token), Some(5), "deferred first");
    assert!(response["embeds"][0]["description"]
        .as_str()
        .unwrap_or("")
        .contains("IaaS means renting servers"));
    assert!(footer(&response).contains("written by the LLM"), "{response}");
    assert!(footer(&response).contains("IaaS"), "sources stay: {response}");

    let requests = bot.fake.requests();
    let deferred = requests
        .iter()
        .find(|r| r.path.ends_with("/callback") && r.body["type"] == 5)
        .expect("a deferred response");
    assert_eq!(deferred.body["data"]["allowed_mentions"]["parse"], json!([]));
    let edit = requests
        .iter()
        .find(|r| r.is("PATCH", "/webhooks/") && r.path.ends_with("/messages/@original"))
        .expect("the original response is edited");
    assert_eq!(edit.body["allowed_mentions"]["parse"], json!([]));
    assert!(edit.body["embeds"][0]["description"]
        .as_str()
        .unwrap_or("")
        .contains("operating system. @everyone"));

    // a free-form question: typing while the LLM answers, then the reply
    let question = bot.mention("what is PaaS?");
    let reply = bot.reply_to(&question).await;
    assert!(
        text(&reply).contains("IaaS means renting servers"),
        "the fake's scripted text: {reply}"
    );
    assert!(bot
        .fake
        .requests()
        .iter()
        .any(|r| r.is("POST", &format!("/channels/{GENERAL}/typing"))));

    // the final edit fails: the "thinking…" placeholder becomes the apology, not a dead end
    bot.fake.fail_next("PATCH", "/webhooks/", 500, 1);
    let failed = bot.slash(
        "ask",
        json!([{"name": "question", "type": 3, "value": "SaaS 단점"}]),
        "ko",
    );
    let apology = bot.response(&failed).await;
    assert!(
        apology["content"].as_str().unwrap_or("").starts_with("죄송합니다"),
        "{apology}"
    );
    assert!(apology["embeds"].as_array().is_none_or(Vec::is_empty), "{apology}");

    // nothing to ground an answer on: no LLM call, no deferring
    let calls = llm.count();
    let token = bot.slash(
        "ask",
        json!([{"name": "question", "type": 3, "value": "best pizza in Naples?"}]),
        "en-US",
    );
    assert!(title(&bot.response(&token).await).contains("don't know"));
    assert_eq!(bot.fake.interaction_callback(&token), Some(4));
    assert_eq!(llm.count(), calls);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn llm_answers_are_limited_per_discord_user() {
    let llm = FakeLlm::start([LlmReply::answer(
        "A cloud service model, delivered by the provider over the internet.",
    )])
    .await;
    let limits = LimitsConfig {
        llm_per_user_per_minute: 1,
        ..LimitsConfig::default()
    };
    let assistant = llm_assistant(&llm, 5).with_limits(&limits);
    let bot = Bot::start_with(Some(GUILD), FakeDiscordOptions::default(), assistant).await;
    let ask = |question: &str| {
        bot.slash(
            "ask",
            json!([{"name": "question", "type": 3, "value": question}]),
            "en-US",
        )
    };

    let first = bot.response(&ask("What is IaaS?")).await;
    assert!(
        text(&first).contains("delivered by the provider over the internet"),
        "{first}"
    );
    let second = bot.response(&ask("What is PaaS?")).await;
    assert!(
        !text(&second).contains("delivered by the provider over the internet"),
        "alice is over her quota: {second}"
    );
    assert!(text(&second).contains("limit"), "{second}");
    // another user still gets the model
    let bob = FakeUser::human(1_200_000_000_000_000_011, "bob");
    let bot_user = bot.fake.bot_user();
    let mentions = Mentions {
        users: vec![bot_user.clone()],
        ..Mentions::default()
    };
    let question = bot.say(
        &format!("<@{}> what is SaaS?", bot_user.id),
        &bob,
        GENERAL,
        Some(GUILD),
        &mentions,
    );
    assert!(text(&bot.reply_to(&question).await).contains("delivered by the provider over the internet"));
    assert_eq!(llm.count(), 2);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_llm_answer_is_streamed_by_edits_then_replaced_by_the_fallback() {
    // the model writes a little, then stalls until the 2-second timeout: the first edit (after
    // ~1.5 s) shows the text so far, the last one the offline answer marked as a fallback
    let llm = FakeLlm::start([LlmReply::Stall(
        "SaaS is software you use over the internet".to_string(),
    )])
    .await;
    let bot = Bot::start_with(Some(GUILD), FakeDiscordOptions::default(), llm_assistant(&llm, 2)).await;
    let token = bot.slash(
        "ask",
        json!([{"name": "question", "type": 3, "value": "What is SaaS?"}]),
        "en-US",
    );
    let question = bot.mention("SaaS가 뭐야?");

    let response = bot.response(&token).await;
    assert!(footer(&response).contains("offline answer"), "{response}");
    assert!(title(&response).contains("SaaS"));
    let reply = bot.reply_to(&question).await;
    assert!(footer(&reply).contains("오프라인"), "{reply}");

    let requests = bot.fake.requests();
    let edits: Vec<&Recorded> = requests
        .iter()
        .filter(|r| r.is("PATCH", "/webhooks/") && r.path.ends_with("/@original"))
        .collect();
    assert!(edits.len() >= 2 && edits.len() <= 3, "{} edits", edits.len());
    let partial = &edits[0].body["embeds"][0];
    assert_eq!(partial["footer"]["text"], "writing…");
    assert!(partial["description"]
        .as_str()
        .unwrap_or("")
        .contains("SaaS is software"));
    // the message reply: a placeholder reply with the partial text, then edited in place
    let placeholder = requests
        .iter()
        .find(|r| r.is("POST", &format!("/channels/{GENERAL}/messages")))
        .expect("a placeholder reply");
    assert_eq!(placeholder.body["embeds"][0]["footer"]["text"], "작성 중…");
    assert!(requests
        .iter()
        .any(|r| r.is("PATCH", &format!("/channels/{GENERAL}/messages/"))));
    let replies: Vec<Value> = bot
        .fake
        .sent_messages()
        .into_iter()
        .filter(|m| m["message_reference"]["message_id"] == question.as_str())
        .collect();
    assert_eq!(replies.len(), 1, "edited in place, not sent twice");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_longer_than_one_message_continue_in_followups_and_further_replies() {
    // ~13,000 characters: more than two messages' 6,000 each
    let paragraph = "IaaS lets you rent servers, storage and networks and run your own systems on them. ";
    // Each paragraph opens differently: the guard takes one line said three times for a loop.
    let openings = [
        "First", "Then", "Also", "Next", "Besides", "Moreover", "Further", "Finally",
    ];
    let long = openings
        .iter()
        .map(|opening| format!("{opening}: {}", paragraph.repeat(20)))
        .collect::<Vec<_>>()
        .join("\n\n");
    let llm = FakeLlm::start([LlmReply::answer(long.clone())]).await;
    let assistant = llm_assistant_with(&llm, 5, 20_000);
    let bot = Bot::start_with(Some(GUILD), FakeDiscordOptions::default(), assistant).await;

    let token = bot.slash(
        "ask",
        json!([{"name": "question", "type": 3, "value": "What is IaaS?"}]),
        "en-US",
    );
    let first = bot.response(&token).await;
    let followups = bot
        .fake
        .wait_until(WAIT, |_| {
            let posted: Vec<Recorded> = bot
                .fake
                .requests()
                .into_iter()
                .filter(|r| r.is("POST", &format!("/webhooks/{}/{token}", bot.fake.application_id())))
                .collect();
            posted
                .iter()
                .any(|r| footer(&r.body).contains("written by the LLM"))
                .then_some(posted)
        })
        .await
        .expect("the rest of the answer follows up, the footer last");
    assert_eq!(followups.len(), 2, "13,000 characters fill three messages");
    let mut shown = text(&first);
    for followup in &followups {
        assert_eq!(followup.status, 200);
        shown.push_str(&text(&followup.body));
    }
    let squeeze = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    assert!(squeeze(&shown).contains(&squeeze(&long)), "the whole answer, in order");
    assert!(first["embeds"]
        .as_array()
        .is_some_and(|e| e.iter().all(|e| e["footer"].is_null())));

    let question = bot.mention("what is IaaS, in detail?");
    let replies = bot
        .fake
        .wait_until(WAIT, |view| {
            let replies: Vec<Value> = view
                .sent_messages()
                .into_iter()
                .filter(|m| m["message_reference"]["message_id"] == question.as_str())
                .collect();
            replies
                .iter()
                .any(|m| footer(m).contains("written by the LLM"))
                .then_some(replies)
        })
        .await
        .expect("replies, the footer last");
    assert_eq!(replies.len(), 3);
    assert!(footer(&replies[2]).contains("written by the LLM"));
    assert!(
        replies.iter().all(|m| m["type"] == 19),
        "each part is a reply to the question"
    );
    bot.stop().await;
}

#[tokio::test]
async fn serve_refuses_a_missing_token_and_bad_settings_at_once() {
    let assistant = Arc::new(offline_assistant());
    let config = DiscordConfig::default();
    let error = serve(&config, Arc::clone(&assistant), None, std::future::pending())
        .await
        .expect_err("no token");
    assert!(matches!(error, DiscordError::MissingToken));
    assert!(error.to_string().contains("DISCORD_TOKEN"), "{error}");

    let token = Some(SecretString::from(TOKEN.to_string()));
    let config = DiscordConfig {
        api_base: Some("127.0.0.1:1".to_string()),
        token: token.clone(),
        ..DiscordConfig::default()
    };
    let error = serve(&config, Arc::clone(&assistant), None, std::future::pending())
        .await
        .expect_err("no scheme");
    assert!(error.to_string().contains("api_base"), "{error}");
    let config = DiscordConfig {
        guild_id: Some(0),
        token,
        ..DiscordConfig::default()
    };
    let error = serve(&config, assistant, None, std::future::pending())
        .await
        .expect_err("id 0");
    assert!(error.to_string().contains("guild_id"), "{error}");
    assert!(!format!("{error:?}").contains(TOKEN));
}

/// The `xaas serve` binary against the fake; `XAAS_*` settings cleared so the developer's own
/// environment does not leak in.
fn xaas_serve(api_base: Option<&str>, token: Option<&str>) -> Command {
    xaas_serve_with_store(api_base, token, &std::env::temp_dir().join("xaas-serve-test.sqlite3"))
}

/// [`xaas_serve`] recording into the store at `store`.
fn xaas_serve_with_store(api_base: Option<&str>, token: Option<&str>, store: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xaas"));
    command
        .arg("serve")
        .env("XAAS_STORE_PATH", store)
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for name in [
        "XAAS_CONFIG",
        "XAAS_KNOWLEDGE_DIR",
        "XAAS_PROMPTS_DIR",
        "XAAS_LLM_PROVIDER",
        "XAAS_LLM_BASE_URL",
        "XAAS_LLM_API_KEY",
        "XAAS_DISCORD_API_BASE",
        "DISCORD_TOKEN",
    ] {
        command.env_remove(name);
    }
    if let Some(api_base) = api_base {
        command.env("XAAS_DISCORD_API_BASE", api_base);
    }
    if let Some(token) = token {
        command.env("DISCORD_TOKEN", token);
    }
    command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_needs_a_token_and_stops_cleanly_on_sigterm() {
    let output = tokio::task::spawn_blocking(|| xaas_serve(None, None).output())
        .await
        .expect("the blocking task ran")
        .expect("xaas runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("DISCORD_TOKEN"), "{stderr}");

    // A store that is no database is a clear error at start, and is left as it was.
    let dir = tempfile::tempdir().expect("a temp dir");
    let broken = dir.path().join("broken.sqlite3");
    std::fs::write(&broken, b"this is not a database, it is a shopping list").expect("written");
    let output = tokio::task::spawn_blocking({
        let broken = broken.clone();
        move || xaas_serve_with_store(None, Some(TOKEN), &broken).output()
    })
    .await
    .expect("the blocking task ran")
    .expect("xaas runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("broken.sqlite3"), "names the file: {stderr}");
    assert_eq!(
        std::fs::read(&broken).expect("still there"),
        b"this is not a database, it is a shopping list"
    );

    let store = dir.path().join("store.sqlite3");
    let fake = FakeDiscord::start().await;
    let mut child = xaas_serve_with_store(Some(&fake.api_base()), Some(TOKEN), &store)
        .spawn()
        .expect("xaas serve starts");
    let ready = fake.wait_ready(WAIT).await;
    let commands = format!("/applications/{}/commands", fake.application_id());
    let registered = fake.wait_for_request(|r| r.is("PUT", &commands), WAIT).await;
    // One answered question, recorded just before SIGTERM: the drained queue keeps it.
    let question = fake.message_create("what is PaaS?", &alice(), DM, None, &Mentions::default());
    fake.dispatch("MESSAGE_CREATE", question);
    let answered = fake
        .wait_for_request(|r| r.is("POST", &format!("/channels/{DM}/messages")), WAIT)
        .await;
    assert!(answered.is_some(), "the DM was answered");
    // SIGTERM to the child started above, by its pid
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    let pid = child.id().to_string();
    let status = tokio::task::spawn_blocking(move || child.wait());
    let status = match tokio::time::timeout(WAIT, status).await {
        Ok(status) => status.expect("the blocking task ran"),
        Err(_) => {
            let _ = Command::new("kill").args(["-KILL", &pid]).status();
            panic!("xaas serve did not exit after SIGTERM");
        }
    };
    assert!(
        ready && registered.is_some(),
        "the binary connected and registered its commands"
    );
    assert!(killed.success());
    assert_eq!(status.expect("an exit status").code(), Some(0));
    assert_eq!(fake.identifies()[0].token, format!("Bot {TOKEN}"));
    fake.assert_no_spec_violations();
    fake.assert_no_unknown_routes();
    let stats = Command::new(env!("CARGO_BIN_EXE_xaas"))
        .args(["stats", "--json"])
        .env("XAAS_STORE_PATH", &store)
        .env_remove("XAAS_CONFIG")
        .output()
        .expect("xaas stats runs");
    let stats: Value = serde_json::from_slice(&stats.stdout).expect("JSON stats");
    assert_eq!(stats["questions"], 1, "nothing lost on SIGTERM: {stats}");
}
