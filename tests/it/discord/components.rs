//! Interactive answers on Discord against the fake: the controls under answers (aspects,
//! "compare with…", the full explanation, 👍 / 👎 and the "what was wrong?" modal), pressed
//! by the asker (the message is updated in place) and by someone else (their own ephemeral
//! copy); forged and stale ids; buttons after a restart; the who-manages-what picture sent as
//! a multipart attachment referenced from the embed; the quiz round trip and the leaderboard;
//! votes and quiz scores kept in the store and shown by `xaas stats`. Every test ends with
//! the shared checks of [`Bot::stop`] (spec, routes, no pings).

use super::*;

fn bob() -> FakeUser {
    FakeUser::human(1_200_000_000_000_000_011, "bob")
}

fn config() -> DiscordConfig {
    DiscordConfig {
        guild_id: Some(GUILD),
        answer_channels: vec![ANSWERS],
        ..DiscordConfig::default()
    }
}

/// Every component of a message, rows flattened.
fn components(message: &Value) -> Vec<Value> {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .collect()
}

/// The `custom_id` of the control labelled `label` (or with the emoji `label`).
fn control(message: &Value, label: &str) -> String {
    components(message)
        .into_iter()
        .find(|c| c["label"] == label || c["emoji"]["name"] == label)
        .and_then(|c| c["custom_id"].as_str().map(str::to_string))
        .unwrap_or_else(|| panic!("no control {label:?} on {}", message["components"]))
}

/// The custom id of the message's select menu.
fn menu(message: &Value) -> String {
    components(message)
        .into_iter()
        .find(|c| c["type"] == 3)
        .and_then(|c| c["custom_id"].as_str().map(str::to_string))
        .expect("a select menu")
}

impl Bot {
    /// The bot recording into a new store in `dir`: the bot, the store (to close) and its file.
    async fn start_recording(dir: &tempfile::TempDir) -> (Bot, xaas::store::Store, std::path::PathBuf) {
        let path = dir.path().join("store.sqlite3");
        let store = xaas::store::Store::open(&store_config(&path)).expect("the store opens");
        let bot = Bot::start_with_store(
            FakeDiscord::start().await,
            config(),
            offline_assistant(),
            Some(store.clone()),
        )
        .await;
        (bot, store, path)
    }

    /// Waits for the bot's callback to the interaction `token`; returns its type and body.
    async fn callback(&self, token: &str) -> (u64, Value) {
        self.fake
            .wait_until(WAIT, |_| {
                let kind = self.fake.interaction_callback(token)?;
                Some((kind, self.fake.interaction_response(token).unwrap_or(Value::Null)))
            })
            .await
            .unwrap_or_else(|| panic!("no callback to interaction {token}"))
    }

    /// The message `id` as the fake holds it now.
    fn stored(&self, id: &Value) -> Value {
        let id: u64 = id.as_str().and_then(|id| id.parse().ok()).expect("a message id");
        self.fake.message(id).expect("the fake holds the message")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model_answers_carry_controls_and_the_picture_as_an_attachment_in_the_embed() {
    let bot = Bot::start_on(FakeDiscord::start().await, config(), offline_assistant()).await;
    let token = bot.slash("model", json!([{"name": "name", "type": 3, "value": "iaas"}]), "ko");
    let answer = bot.response(&token).await;
    for label in ["장단점", "비유", "누가 관리하나", "제공업체", "사용 사례", "👍", "👎"] {
        control(&answer, label);
    }
    assert!(
        !components(&answer).iter().any(|c| c["label"] == "자세히"),
        "/model is the full explanation already"
    );
    let options: Vec<String> = components(&answer)
        .into_iter()
        .find(|c| c["type"] == 3)
        .and_then(|c| c["options"].as_array().cloned())
        .into_iter()
        .flatten()
        .filter_map(|o| o["value"].as_str().map(str::to_string))
        .collect();
    assert!(options.contains(&"paas".to_string()) && !options.contains(&"iaas".to_string()));

    // The picture went as a multipart file and shows inside the embed.
    let callback = bot
        .fake
        .requests()
        .into_iter()
        .find(|r| r.is("POST", "/interactions/") && !r.files.is_empty())
        .expect("the answer was sent with a file");
    let file = &callback.files[0];
    assert_eq!(file.filename, "who-manages-what.png");
    let png = image_size(&file.bytes);
    assert!(png.0 >= 400 && png.1 >= 300, "a readable picture: {png:?}");
    let image = answer["embeds"]
        .as_array()
        .and_then(|embeds| embeds.last())
        .and_then(|embed| embed["image"]["url"].as_str())
        .unwrap_or("");
    assert!(image.ends_with("/who-manages-what.png"), "{image}");
    assert_eq!(answer["attachments"][0]["filename"], "who-manages-what.png");
    bot.stop().await;
}

/// Width and height from a PNG's header.
fn image_size(png: &[u8]) -> (u32, u32) {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    let word = |at: usize| u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]);
    (word(16), word(20))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_asker_changes_the_answer_in_place_and_anyone_else_gets_a_copy() {
    let bot = Bot::start_on(FakeDiscord::start().await, config(), offline_assistant()).await;
    let token = bot.slash(
        "ask",
        json!([{"name": "question", "type": 3, "value": "what is FaaS?"}]),
        "en-US",
    );
    let answer = bot.response(&token).await;
    assert!(title(&answer).contains("FaaS"), "{}", text(&answer));

    // Alice asked: her answer becomes the pros and cons, in place.
    let pressed = bot
        .fake
        .press(&answer, &control(&answer, "Pros & cons"), &alice(), "en-US");
    let (kind, _) = bot.callback(&pressed).await;
    assert_eq!(kind, 7, "UPDATE_MESSAGE");
    let updated = bot.stored(&answer["id"]);
    let shown = text(&updated);
    assert!(shown.contains("Pros") && shown.contains("Cons"), "{shown}");
    let current: Vec<Value> = components(&updated)
        .into_iter()
        .filter(|c| c["disabled"] == true)
        .collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["label"], "Pros & cons");

    // Bob presses "Analogies" on Alice's answer: his own ephemeral copy; hers stays.
    let pressed = bot.fake.press(&updated, &control(&updated, "Analogies"), &bob(), "ko");
    let (kind, body) = bot.callback(&pressed).await;
    assert_eq!(kind, 4, "a new message");
    assert_eq!(body["data"]["flags"].as_u64().unwrap_or(0) & EPHEMERAL, EPHEMERAL);
    assert!(text(&body["data"]).contains("Analog"), "{}", text(&body["data"]));
    assert_eq!(text(&bot.stored(&answer["id"])), shown, "Alice's answer is unchanged");

    // "Compare with…" PaaS answers with the comparison; the full explanation is one click.
    let chosen = bot.fake.choose(&updated, &menu(&updated), &["paas"], &alice(), "en-US");
    assert_eq!(bot.callback(&chosen).await.0, 7);
    let compared = bot.stored(&answer["id"]);
    let shown = text(&compared);
    assert!(shown.contains("FaaS") && shown.contains("PaaS"), "{shown}");
    assert!(
        compared["attachments"].as_array().is_some_and(|a| !a.is_empty()),
        "a comparison shows who manages what"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn message_answers_have_controls_and_a_press_follows_into_the_conversation() {
    let bot = Bot::start_on(FakeDiscord::start().await, config(), offline_assistant()).await;
    let question = bot.mention("IaaS가 뭐야?");
    let answer = bot.reply_to(&question).await;
    let pressed = bot.fake.press(&answer, &control(&answer, "장단점"), &alice(), "ko");
    assert_eq!(bot.callback(&pressed).await.0, 7);
    assert!(text(&bot.stored(&answer["id"])).contains("단점"));
    // Replying to the changed answer follows what it shows now.
    let to: u64 = answer["id"].as_str().and_then(|id| id.parse().ok()).expect("an id");
    let reply = bot
        .fake
        .message_reply("그럼 PaaS는?", &alice(), GENERAL, Some(GUILD), &Mentions::default(), to);
    let id = reply["id"].as_str().expect("an id").to_string();
    bot.fake.dispatch("MESSAGE_CREATE", reply);
    let next = bot.reply_to(&id).await;
    let shown = text(&next);
    assert!(
        shown.contains("PaaS") && (shown.contains("장점") || shown.contains("단점")),
        "{shown}"
    );
    // "자세히" on the changed answer: the full explanation, with the picture.
    let changed = bot.stored(&answer["id"]);
    let pressed = bot.fake.press(&changed, &control(&changed, "자세히"), &alice(), "ko");
    assert_eq!(bot.callback(&pressed).await.0, 7);
    let full = bot.stored(&answer["id"]);
    assert!(
        text(&full).contains("비유") && text(&full).contains("제공업체"),
        "{}",
        text(&full)
    );
    assert_eq!(full["attachments"][0]["filename"], "who-manages-what.png");
    assert!(
        !components(&full).iter().any(|c| c["label"] == "자세히"),
        "it is the full one now"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_to_a_slash_answer_follows_up_and_its_thumbs_down_knows_the_question() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (bot, store, path) = Bot::start_recording(&dir).await;
    let token = bot.slash(
        "ask",
        json!([{"name": "question", "type": 3, "value": "what is FaaS?"}]),
        "en-US",
    );
    let answer = bot.response(&token).await;
    let to: u64 = answer["id"].as_str().and_then(|id| id.parse().ok()).expect("an id");
    // the bot remembers the answer once it has read its id back; wait for that read
    bot.fake
        .wait_for_request(|r| r.is("GET", "/webhooks/") && r.path.ends_with("@original"), WAIT)
        .await
        .expect("the bot read its answer's id");
    // and keeps it the moment the read returns: give that moment (no time is asserted)
    tokio::time::sleep(Duration::from_millis(300)).await;
    let reply = bot.fake.message_reply(
        "and its downsides?",
        &alice(),
        GENERAL,
        Some(GUILD),
        &Mentions::default(),
        to,
    );
    let id = reply["id"].as_str().expect("an id").to_string();
    bot.fake.dispatch("MESSAGE_CREATE", reply);
    let next = bot.reply_to(&id).await;
    assert!(
        title(&next).contains("FaaS") && title(&next).contains("Cons"),
        "{}",
        text(&next)
    );

    let pressed = bot.fake.press(&answer, &control(&answer, "👎"), &alice(), "en-US");
    assert_eq!(bot.callback(&pressed).await.0, 9);
    bot.stop().await;
    store.close().expect("closes");
    let stats = store_stats(&path);
    assert!(
        stats["down_terms"].to_string().contains("faas"),
        "the 👎's question terms: {stats}"
    );
}

/// What `xaas stats --json` reports of the store at `path`.
fn store_stats(path: &std::path::Path) -> Value {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_xaas"))
        .args(["stats", "--json"])
        .env("XAAS_STORE_PATH", path)
        .env_remove("XAAS_CONFIG")
        .output()
        .expect("xaas stats runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_and_stale_ids_get_a_polite_ephemeral_no() {
    let bot = Bot::start_on(FakeDiscord::start().await, config(), offline_assistant()).await;
    let token = bot.slash("model", json!([{"name": "name", "type": 3, "value": "saas"}]), "en-US");
    let answer = bot.response(&token).await;
    let real = control(&answer, "Providers");
    let forged = [
        "hello".to_string(),
        real.replace("xa1:", "xa9:"),
        real.replace(":saas:", ":nothing-here:"),
        format!("{}{}", &real[..real.len() / 2], "::::"),
        "xq1:zz:0:en:-:saas:0:0".to_string(),
        "xn1:fr:-".to_string(),
    ];
    for id in forged {
        let mut press = bot.fake.component_interaction(&answer, &real, None, &alice(), "en-US");
        press["data"]["custom_id"] = json!(id);
        let pressed = bot.fake.dispatch_interaction(press);
        let (kind, body) = bot.callback(&pressed).await;
        assert_eq!(kind, 4, "{id}");
        assert_eq!(
            body["data"]["flags"].as_u64().unwrap_or(0) & EPHEMERAL,
            EPHEMERAL,
            "{id}"
        );
        let said = body["data"]["content"].as_str().unwrap_or("");
        assert!(said.contains("Sorry") || said.contains("ask again"), "{id}: {said}");
    }
    assert_eq!(text(&bot.stored(&answer["id"])), text(&answer), "nothing changed");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buttons_keep_working_after_a_restart() {
    let bot = Bot::start_on(FakeDiscord::start().await, config(), offline_assistant()).await;
    let token = bot.slash("model", json!([{"name": "name", "type": 3, "value": "gpuaas"}]), "ko");
    let answer = bot.response(&token).await;
    let fake = bot.stop().await;
    let bot = Bot::start_on(fake, config(), offline_assistant()).await;
    let pressed = bot.fake.press(&answer, &control(&answer, "제공업체"), &alice(), "ko");
    assert_eq!(bot.callback(&pressed).await.0, 7);
    let shown = text(&bot.stored(&answer["id"]));
    assert!(shown.contains("GPUaaS") && shown.contains("제공"), "{shown}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buttons_keep_working_after_a_knowledge_reload() {
    let assistant = Arc::new(offline_assistant());
    let bot = Bot::start_with_store(FakeDiscord::start().await, config(), Arc::clone(&assistant), None).await;
    let token = bot.slash("model", json!([{"name": "name", "type": 3, "value": "iaas"}]), "en-US");
    let answer = bot.response(&token).await;
    let before = control(&answer, "Providers");

    // The knowledge folder changes (a new version) while the answer is on screen.
    let dir = tempfile::tempdir().expect("a temp dir");
    for file in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/knowledge")).expect("knowledge/") {
        let path = file.expect("an entry").path();
        if path.extension().is_some_and(|ext| ext == "toml") {
            std::fs::copy(&path, dir.path().join(path.file_name().expect("a name"))).expect("copied");
        }
    }
    let iaas = dir.path().join("iaas.toml");
    let edited = format!(
        "{}\n# edited while the bot runs\n",
        std::fs::read_to_string(&iaas).expect("read")
    );
    std::fs::write(&iaas, edited).expect("written");
    let reloaded = KnowledgeBase::from_dir(dir.path()).expect("the edited knowledge loads");
    assert_ne!(reloaded.version(), assistant.snapshot().knowledge().version());
    assistant.reload(reloaded, xaas::prompt::Prompts::builtin().expect("built-in prompts"));

    let pressed = bot.fake.press(&answer, &before, &alice(), "en-US");
    assert_eq!(bot.callback(&pressed).await.0, 7);
    let updated = bot.stored(&answer["id"]);
    assert!(text(&updated).contains("Providers"), "{}", text(&updated));
    let after = control(&updated, "Analogies");
    let version = |id: &str| id.rsplit(':').next().unwrap_or("").to_string();
    assert_ne!(version(&before), version(&after), "new buttons carry the new version");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thumbs_down_asks_what_was_wrong_and_both_are_kept_for_xaas_stats() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (bot, store, path) = Bot::start_recording(&dir).await;
    let question = bot.mention("how do I bake sourdough bread?");
    let answer = bot.reply_to(&question).await;
    let pressed = bot.fake.press(&answer, &control(&answer, "👎"), &alice(), "en-US");
    let (kind, modal) = bot.callback(&pressed).await;
    assert_eq!(kind, 9, "a modal");
    let input = modal["data"]["components"][0]["components"][0]["custom_id"]
        .as_str()
        .expect("a text box")
        .to_string();
    let submitted = bot
        .fake
        .submit_modal(&pressed, &[(&input, "It should say it has no recipes.")], &alice());
    let (kind, thanks) = bot.callback(&submitted).await;
    assert_eq!(kind, 4);
    assert_eq!(thanks["data"]["flags"].as_u64().unwrap_or(0) & EPHEMERAL, EPHEMERAL);
    // 👍 on a model answer from Bob.
    let token = bot.slash("model", json!([{"name": "name", "type": 3, "value": "paas"}]), "en-US");
    let model = bot.response(&token).await;
    let pressed = bot.fake.press(&model, &control(&model, "👍"), &bob(), "en-US");
    assert_eq!(bot.callback(&pressed).await.0, 4);
    bot.stop().await;
    store.close().expect("the store closes, its queue drained");

    let stats = store_stats(&path);
    assert_eq!(stats["votes"]["down"], 1, "{stats}");
    assert_eq!(stats["votes"]["up"], 1, "{stats}");
    let text = stats.to_string();
    assert!(
        text.contains("It should say it has no recipes."),
        "the comment is kept: {text}"
    );
    assert!(text.contains("sourdough"), "the unanswered terms are kept: {text}");
    assert!(
        !text.contains("how do I bake sourdough bread?"),
        "not the question text by default"
    );
    assert!(!text.contains(&alice().id.to_string()), "no user ids");
}

fn store_config(path: &std::path::Path) -> xaas::store::StoreConfig {
    xaas::store::StoreConfig {
        path: path.to_path_buf(),
        keep_question_text: false,
        queue_capacity: 1024,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quiz_round_trip_scores_once_per_person_and_fills_the_leaderboard() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (bot, store, _) = Bot::start_recording(&dir).await;
    let token = bot.slash("quiz", json!([]), "ko");
    let question = bot.response(&token).await;
    assert!(title(&question).contains("퀴즈"), "{}", text(&question));
    let choices: Vec<Value> = components(&question);
    assert_eq!(choices.len(), 4);

    let quiz = xaas::quiz::Quiz::build(&KnowledgeBase::builtin().expect("the built-in knowledge base"));
    let ids: Vec<String> = choices
        .iter()
        .filter_map(|c| c["custom_id"].as_str().map(str::to_string))
        .collect();
    let right = |yes: bool| {
        ids.iter()
            .find(|id| quiz.parse(id).is_ok_and(|answer| answer.is_right() == yes))
            .expect("one right and three wrong choices")
            .clone()
    };

    // Bob answers Alice's question for himself, rightly, in an ephemeral copy; once only.
    let pressed = bot.fake.press(&question, &right(true), &bob(), "en-US");
    let (kind, body) = bot.callback(&pressed).await;
    assert_eq!(kind, 4);
    assert_eq!(body["data"]["flags"].as_u64().unwrap_or(0) & EPHEMERAL, EPHEMERAL);
    assert!(footer(&body["data"]).contains("1/1"), "{}", footer(&body["data"]));
    let again = bot.fake.press(&question, &right(true), &bob(), "en-US");
    let (_, body) = bot.callback(&again).await;
    assert!(
        body["data"]["content"].as_str().unwrap_or("").contains("이미 푼 문제"),
        "a question counts once: {body}"
    );
    assert_eq!(
        components(&bot.stored(&question["id"])).len(),
        4,
        "Alice's question is unchanged"
    );

    // Alice answers wrong, in place: the verdict, the explanation, the source, her score, the
    // next question.
    let pressed = bot.fake.press(&question, &right(false), &alice(), "ko");
    assert_eq!(bot.callback(&pressed).await.0, 7);
    let answered = bot.stored(&question["id"]);
    let shown = text(&answered);
    assert!(shown.contains("아쉬워요"), "{shown}");
    assert!(shown.contains("출처"), "{shown}");
    assert!(footer(&answered).contains("0/1"), "{}", footer(&answered));
    let buttons: Vec<Value> = components(&answered);
    assert!(buttons.iter().take(4).all(|c| c["disabled"] == true));
    assert_eq!(
        buttons.iter().filter(|c| c["style"] == 3).count(),
        1,
        "the right one is green"
    );
    assert_eq!(buttons.iter().filter(|c| c["style"] == 4).count(), 1, "her pick is red");

    // Next question, in place for Alice.
    let next = control(&answered, "다음 문제");
    let pressed = bot.fake.press(&answered, &next, &alice(), "ko");
    assert_eq!(bot.callback(&pressed).await.0, 7);
    assert_eq!(components(&bot.stored(&question["id"])).len(), 4);

    let token = bot.slash("leaderboard", json!([]), "en-US");
    let board = text(&bot.response(&token).await);
    assert!(board.contains("bob") && board.contains("alice"), "{board}");
    assert!(board.find("bob") < board.find("alice"), "bob was right: {board}");
    bot.stop().await;
    store.close().expect("closes");
}
