//! Conversations on Discord against the fake: a reply to the bot's answer, a reply to a reply,
//! a thread opened for the answer, a DM (and its quiet time), a forum post, the bot restarted
//! between two turns of a reply chain (the chain is read from the API), and replies to
//! deleted messages. Every test ends with the shared checks of [`Bot::stop`] (spec, routes, no
//! pings).

use super::*;

/// A forum channel listed among the answer channels.
const FORUM: u64 = 1_200_000_000_000_000_006;

fn config() -> DiscordConfig {
    DiscordConfig {
        guild_id: Some(GUILD),
        answer_channels: vec![ANSWERS],
        ..DiscordConfig::default()
    }
}

impl Bot {
    /// Alice replies to message `to` in `channel` (no ping); returns her message's id.
    fn reply(&self, content: &str, to: &str, channel: u64, guild: Option<u64>) -> String {
        let to: u64 = to.parse().expect("snowflakes are numbers");
        let message = self
            .fake
            .message_reply(content, &alice(), channel, guild, &Mentions::default(), to);
        let id = message["id"].as_str().expect("messages have ids").to_string();
        self.fake.dispatch("MESSAGE_CREATE", message);
        id
    }

    /// The bot's finished messages in `channel`, once there are at least `count`.
    async fn messages_in(&self, channel: u64, count: usize) -> Vec<Value> {
        self.fake
            .wait_until(WAIT, |view| {
                let sent: Vec<Value> = view
                    .messages_in(channel)
                    .into_iter()
                    .filter(|m| !is_partial(m))
                    .collect();
                (sent.len() >= count).then_some(sent)
            })
            .await
            .unwrap_or_else(|| panic!("fewer than {count} answers in channel {channel}"))
    }
}

fn id(message: &Value) -> String {
    message["id"].as_str().expect("messages have ids").to_string()
}

#[tokio::test]
async fn a_reply_to_an_answer_continues_its_conversation_and_so_does_a_reply_to_that() {
    let bot = Bot::start_on(FakeDiscord::start().await, config(), offline_assistant()).await;
    let first = bot.mention("IaaS 단점이 뭐야?");
    let answer = bot.reply_to(&first).await;
    assert_eq!(title(&answer), "IaaS — 단점", "{}", text(&answer));

    // No mention, no ping: replying to the bot's answer is enough.
    let second = bot.reply("그럼 PaaS는?", &id(&answer), GENERAL, Some(GUILD));
    let answer = bot.reply_to(&second).await;
    assert_eq!(
        title(&answer),
        "PaaS — 단점",
        "the new entry keeps the aspect: {}",
        text(&answer)
    );

    let third = bot.reply("둘 차이는?", &id(&answer), GENERAL, Some(GUILD));
    let answer = bot.reply_to(&third).await;
    let shown = text(&answer);
    assert!(
        shown.contains("IaaS") && shown.contains("PaaS"),
        "compares the two: {shown}"
    );
    assert!(korean(&shown), "{shown}");

    // A fresh mention starts over: the same words now ask what PaaS is.
    let fresh = bot.mention("그럼 PaaS는?");
    let answer = bot.reply_to(&fresh).await;
    assert_eq!(
        title(&answer),
        "PaaS (서비스형 플랫폼 (Platform as a Service))",
        "{}",
        text(&answer)
    );
    bot.stop().await;
}

#[tokio::test]
async fn thread_answers_open_a_thread_where_the_conversation_goes_on_without_mentions() {
    let config = DiscordConfig {
        thread_answers: true,
        ..config()
    };
    let bot = Bot::start_on(FakeDiscord::start().await, config, offline_assistant()).await;
    let question = bot.say("what is FaaS?", &alice(), ANSWERS, Some(GUILD), &Mentions::default());
    let thread: u64 = question.parse().expect("a snowflake");
    let answers = bot.messages_in(thread, 1).await;
    assert!(text(&answers[0]).contains("FaaS"), "{}", text(&answers[0]));
    let threads = bot.fake.threads_created();
    assert_eq!(threads.len(), 1, "one thread for the question");
    assert_eq!(threads[0]["parent_id"], ANSWERS.to_string());
    assert_eq!(threads[0]["name"], "what is FaaS?");

    // In the bot's thread every message is for the bot, and continues the conversation.
    bot.say(
        "and its downsides?",
        &alice(),
        thread,
        Some(GUILD),
        &Mentions::default(),
    );
    let answers = bot.messages_in(thread, 2).await;
    assert_eq!(title(&answers[1]), "FaaS — Cons", "{}", text(&answers[1]));
    assert_eq!(bot.fake.threads_created().len(), 1, "no second thread inside the first");
    bot.stop().await;
}

#[tokio::test]
async fn a_dm_conversation_goes_on_until_it_has_been_quiet() {
    let bot = Bot::start_on(FakeDiscord::start().await, config(), offline_assistant()).await;
    let first = bot.say("IaaS 단점?", &alice(), DM, None, &Mentions::default());
    bot.reply_to(&first).await;
    let second = bot.say("PaaS는?", &alice(), DM, None, &Mentions::default());
    let answer = bot.reply_to(&second).await;
    assert_eq!(title(&answer), "PaaS — 단점", "{}", text(&answer));
    bot.stop().await;

    // With no quiet time allowed, every DM starts fresh.
    let config = DiscordConfig {
        dm_quiet_minutes: 0,
        ..config()
    };
    let bot = Bot::start_on(FakeDiscord::start().await, config, offline_assistant()).await;
    let first = bot.say("IaaS 단점?", &alice(), DM, None, &Mentions::default());
    bot.reply_to(&first).await;
    let second = bot.say("PaaS는?", &alice(), DM, None, &Mentions::default());
    let answer = bot.reply_to(&second).await;
    assert_eq!(
        title(&answer),
        "PaaS (서비스형 플랫폼 (Platform as a Service))",
        "{}",
        text(&answer)
    );
    bot.stop().await;
}

#[tokio::test]
async fn a_new_forum_post_gets_an_answer_in_its_thread_and_follow_ups_there_too() {
    let fake = FakeDiscord::start().await;
    fake.add_channel(FORUM, Some(GUILD), 15, None);
    let config = DiscordConfig {
        answer_channels: vec![ANSWERS, FORUM],
        ..config()
    };
    let bot = Bot::start_on(fake, config, offline_assistant()).await;
    let (thread_create, starter) = bot
        .fake
        .forum_post(FORUM, GUILD, &alice(), "SaaS 질문", "SaaS 장점이 뭐야?");
    let post: u64 = id(&starter).parse().expect("a snowflake");
    bot.fake.dispatch("THREAD_CREATE", thread_create);
    bot.fake.dispatch("MESSAGE_CREATE", starter);
    let answers = bot.messages_in(post, 1).await;
    assert_eq!(title(&answers[0]), "SaaS — 장점", "{}", text(&answers[0]));
    assert_eq!(answers[0]["message_reference"]["message_id"], post.to_string());

    bot.say("단점은?", &alice(), post, Some(GUILD), &Mentions::default());
    let answers = bot.messages_in(post, 2).await;
    assert_eq!(title(&answers[1]), "SaaS — 단점", "{}", text(&answers[1]));
    bot.stop().await;
}

#[tokio::test]
async fn after_a_restart_a_reply_chain_is_read_back_from_discord() {
    let bot = Bot::start_on(FakeDiscord::start().await, config(), offline_assistant()).await;
    let first = bot.mention("what are the downsides of IaaS?");
    let answer = bot.reply_to(&first).await;
    let second = bot.reply("and PaaS?", &id(&answer), GENERAL, Some(GUILD));
    let answer = bot.reply_to(&second).await;
    assert_eq!(title(&answer), "PaaS — Cons");
    let fake = bot.stop().await;

    // A new process remembers nothing: the chain comes from the API.
    let bot = Bot::start_on(fake, config(), offline_assistant()).await;
    let third = bot.reply("compare them", &id(&answer), GENERAL, Some(GUILD));
    let answer = bot.reply_to(&third).await;
    let shown = text(&answer);
    assert!(shown.contains("IaaS") && shown.contains("PaaS"), "{shown}");
    let read = |message: &str| {
        bot.fake
            .requests()
            .iter()
            .any(|r| r.method == "GET" && r.path.ends_with(&format!("/messages/{message}")))
    };
    assert!(read(&second), "the question the answer replied to was read back");
    assert!(read(&first), "and the one before it, through the earlier answer");
    bot.stop().await;
}

#[tokio::test]
async fn replies_to_deleted_messages_are_answered_on_their_own() {
    let bot = Bot::start_on(FakeDiscord::start().await, config(), offline_assistant()).await;
    let first = bot.mention("IaaS 단점?");
    let answer = bot.reply_to(&first).await;
    let fake = bot.stop().await;
    // The question is gone and the bot restarted: nothing to read the reply against.
    fake.delete_message(first.parse().expect("a snowflake"));
    let bot = Bot::start_on(fake, config(), offline_assistant()).await;
    let second = bot.reply("그럼 PaaS는?", &id(&answer), GENERAL, Some(GUILD));
    let reply = bot.reply_to(&second).await;
    assert_eq!(
        title(&reply),
        "PaaS (서비스형 플랫폼 (Platform as a Service))",
        "{}",
        text(&reply)
    );

    // A (pinging) reply to a deleted answer of the bot's: `referenced_message` is null.
    let third = bot.mention("SaaS 장점?");
    let answer = bot.reply_to(&third).await;
    bot.fake.delete_message(id(&answer).parse().expect("a snowflake"));
    let pinged = Mentions {
        users: vec![bot.fake.bot_user()],
        ..Mentions::default()
    };
    let deleted: u64 = id(&answer).parse().expect("a snowflake");
    let message = bot
        .fake
        .message_reply("what is FaaS?", &alice(), GENERAL, Some(GUILD), &pinged, deleted);
    assert!(message["referenced_message"].is_null());
    let fourth = id(&message);
    bot.fake.dispatch("MESSAGE_CREATE", message);
    let reply = bot.reply_to(&fourth).await;
    assert!(text(&reply).contains("FaaS"), "{}", text(&reply));
    bot.stop().await;
}

#[tokio::test]
async fn in_someone_elses_thread_the_conversation_goes_on_when_the_bot_is_asked_again() {
    const THREAD: u64 = 1_200_000_000_000_000_007;
    let fake = FakeDiscord::start().await;
    fake.add_channel(THREAD, Some(GUILD), 11, Some(GENERAL));
    let bot = Bot::start_on(fake, config(), offline_assistant()).await;
    bot.fake.guild_create(GUILD, &[(GENERAL, 0)]);
    let bot_user = bot.fake.bot_user();
    let mention = Mentions {
        users: vec![bot_user.clone()],
        ..Mentions::default()
    };
    let ask = |text: &str| {
        bot.say(
            &format!("<@{}> {text}", bot_user.id),
            &alice(),
            THREAD,
            Some(GUILD),
            &mention,
        )
    };
    let first = ask("what are the pros of SaaS?");
    bot.reply_to(&first).await;
    // Talk among people in the thread is not for the bot.
    bot.say("nice, thanks bob", &alice(), THREAD, Some(GUILD), &Mentions::default());
    let second = ask("and CaaS?");
    let answer = bot.reply_to(&second).await;
    assert_eq!(title(&answer), "CaaS — Pros", "{}", text(&answer));
    assert_eq!(
        bot.fake.messages_in(THREAD).len(),
        2,
        "nothing said to the chat among people"
    );
    bot.stop().await;
}
