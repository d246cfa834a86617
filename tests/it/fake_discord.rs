//! Self-tests of the fake Discord (no bot involved): REST routes parse with serenity's types and
//! its own HTTP client, the gateway handshake, resume and dispatch, spec validation, failure
//! injection, and the payload builders.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use serenity::builder::{
    CreateAllowedMentions, CreateAutocompleteResponse, CreateCommand, CreateCommandOption, CreateInteractionResponse,
    CreateInteractionResponseFollowup, CreateInteractionResponseMessage, CreateMessage, EditInteractionResponse,
};
use serenity::model::application::{Command, CommandDataOptionValue, CommandOptionType, Interaction};
use serenity::model::channel::Message;
use serenity::model::event::{Event, GatewayEvent};
use serenity::model::id::{ApplicationId, ChannelId, UserId};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::support::fake_discord::{FakeDiscord, FakeDiscordOptions, FakeUser, Mentions};

const WAIT: Duration = Duration::from_secs(10);
const GUILD: u64 = 1_100_000_000_000_000_001;
const CHANNEL: u64 = 1_100_000_000_000_000_002;
const DM_CHANNEL: u64 = 1_100_000_000_000_000_003;

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

fn alice() -> FakeUser {
    FakeUser::human(1_100_000_000_000_000_010, "alice")
}

fn serenity_http(fake: &FakeDiscord) -> serenity::http::Http {
    serenity::http::HttpBuilder::new("fake-token")
        .proxy(fake.api_base())
        .ratelimiter_disabled(true)
        .application_id(ApplicationId::new(fake.application_id()))
        .build()
}

async fn connect(fake: &FakeDiscord) -> Socket {
    // serenity appends `?v=10` through the url crate, which adds the `/` path; a raw client must
    let url = format!("{}/?v=10&encoding=json", fake.gateway_url());
    let (socket, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("the fake gateway accepts WebSockets");
    socket
}

/// The next text frame as JSON.
async fn next_frame(socket: &mut Socket) -> Value {
    loop {
        let frame = tokio::time::timeout(WAIT, socket.next())
            .await
            .expect("a frame in time");
        match frame.expect("the socket is open").expect("a valid frame") {
            WsMessage::Text(text) => return serde_json::from_str(&text).expect("frames are JSON"),
            WsMessage::Close(frame) => panic!("closed: {frame:?}"),
            _ => continue,
        }
    }
}

async fn send(socket: &mut Socket, frame: Value) {
    socket
        .send(WsMessage::Text(frame.to_string()))
        .await
        .expect("send a frame");
}

fn identify() -> Value {
    json!({"op": 2, "d": {
        "token": "Bot fake-token",
        "intents": 33_281,
        "properties": {"os": "linux", "browser": "test", "device": "test"},
        "compress": false,
        "large_threshold": 250,
        "shard": [0, 1],
    }})
}

/// Connects and identifies; returns the socket and the READY frame.
async fn connect_ready(fake: &FakeDiscord) -> (Socket, Value) {
    let mut socket = connect(fake).await;
    let hello = next_frame(&mut socket).await;
    assert_eq!(hello["op"], 10, "{hello}");
    send(&mut socket, identify()).await;
    let ready = next_frame(&mut socket).await;
    (socket, ready)
}

#[tokio::test]
async fn rest_basics_parse_with_serenitys_own_client() {
    let fake = FakeDiscord::start().await;
    let client = reqwest::Client::new();
    let gateway: Value = client
        .get(format!("{}/api/v10/gateway", fake.api_base()))
        .send()
        .await
        .expect("GET /gateway")
        .json()
        .await
        .expect("JSON");
    assert_eq!(gateway["url"], fake.gateway_url());
    assert!(fake.gateway_url().starts_with("ws://127.0.0.1:"));

    let http = serenity_http(&fake);
    assert_eq!(
        http.get_gateway().await.expect("serenity parses the gateway").url,
        fake.gateway_url()
    );
    let bot_gateway = http.get_bot_gateway().await.expect("serenity parses /gateway/bot");
    assert_eq!(bot_gateway.shards, 1);
    let me = http.get_current_user().await.expect("serenity parses /users/@me");
    assert_eq!(me.id.get(), fake.bot_user_id());
    assert!(me.bot);
    let application = http
        .get_current_application_info()
        .await
        .expect("serenity parses the application");
    assert_eq!(application.id.get(), fake.application_id());
    assert_eq!(application.owner.map(|o| o.id.get()), Some(fake.owner_user_id()));

    let dm = UserId::new(alice().id)
        .create_dm_channel(&http)
        .await
        .expect("serenity parses the DM channel");
    assert_eq!(dm.recipient.id.get(), alice().id);
    ChannelId::new(CHANNEL)
        .broadcast_typing(&http)
        .await
        .expect("typing is 204");

    let recorded = fake
        .wait_for_request(|r| r.is("GET", "/users/@me") && r.path.ends_with("/@me"), WAIT)
        .await
        .expect("the request was recorded");
    assert_eq!(
        recorded.headers.get("authorization").map(String::as_str),
        Some("Bot fake-token")
    );
    assert_eq!(recorded.status, 200);
    assert!(fake.requests().iter().all(|r| r.path.starts_with("/api/v10/")));
    fake.assert_no_unknown_routes();
    fake.assert_no_spec_violations();
}

#[tokio::test]
async fn unknown_routes_answer_404_and_are_recorded() {
    let fake = FakeDiscord::start().await;
    let response = reqwest::Client::new()
        .get(format!("{}/api/v10/guilds/1/audit-logs?limit=5", fake.api_base()))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.expect("a Discord JSON error");
    assert_eq!(body["code"], 0);
    assert!(body["message"].is_string());
    let unknown = fake.unknown_routes();
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0].path, "/api/v10/guilds/1/audit-logs");
    assert_eq!(unknown[0].query.as_deref(), Some("limit=5"));
    assert_eq!(unknown[0].body, Value::Null);
}

#[tokio::test]
async fn gateway_hello_identify_ready_heartbeat_and_dispatch() {
    let fake = FakeDiscord::start_with(FakeDiscordOptions {
        heartbeat_interval_ms: 1234,
        ..Default::default()
    })
    .await;
    let mut socket = connect(&fake).await;
    let hello = next_frame(&mut socket).await;
    assert_eq!(hello["op"], 10);
    assert_eq!(hello["d"]["heartbeat_interval"], 1234);
    assert!(matches!(
        serde_json::from_value::<GatewayEvent>(hello),
        Ok(GatewayEvent::Hello(1234))
    ));

    send(&mut socket, identify()).await;
    let ready = next_frame(&mut socket).await;
    assert_eq!(
        (ready["op"].clone(), ready["t"].clone(), ready["s"].clone()),
        (json!(0), json!("READY"), json!(1))
    );
    assert_eq!(ready["d"]["resume_gateway_url"], fake.gateway_url());
    match serde_json::from_value::<GatewayEvent>(ready).expect("serenity parses READY") {
        GatewayEvent::Dispatch(1, Event::Ready(event)) => {
            assert_eq!(event.ready.application.id.get(), fake.application_id());
            assert_eq!(event.ready.user.id.get(), fake.bot_user_id());
        }
        other => panic!("expected READY, got {other:?}"),
    }
    assert!(fake.wait_ready(WAIT).await);
    let identifies = fake.identifies();
    assert_eq!(identifies.len(), 1);
    assert_eq!(identifies[0].token, "Bot fake-token");
    assert_eq!(identifies[0].intents, 33_281);
    assert_eq!(identifies[0].data["properties"]["os"], "linux");
    assert!(fake.connection_queries()[0].contains("v=10"));

    send(&mut socket, json!({"op": 1, "d": 1})).await;
    let ack = next_frame(&mut socket).await;
    assert_eq!(ack["op"], 11);
    assert!(matches!(
        serde_json::from_value::<GatewayEvent>(ack),
        Ok(GatewayEvent::HeartbeatAck)
    ));
    assert_eq!(fake.heartbeats(), 1);

    let message = fake.message_create("hello", &alice(), CHANNEL, Some(GUILD), &Mentions::default());
    fake.dispatch("MESSAGE_CREATE", message);
    let dispatched = next_frame(&mut socket).await;
    assert_eq!(dispatched["s"], 2);
    match serde_json::from_value::<GatewayEvent>(dispatched).expect("serenity parses MESSAGE_CREATE") {
        GatewayEvent::Dispatch(2, Event::MessageCreate(event)) => assert_eq!(event.message.content, "hello"),
        other => panic!("expected MESSAGE_CREATE, got {other:?}"),
    }
    assert_eq!(fake.gateway_frames().len(), 2, "IDENTIFY and one heartbeat");
}

#[tokio::test]
async fn reconnect_opens_a_new_socket_that_resumes_and_gets_queued_events() {
    let fake = FakeDiscord::start().await;
    let (mut old, ready) = connect_ready(&fake).await;
    let session_id = ready["d"]["session_id"]
        .as_str()
        .expect("READY has a session")
        .to_string();
    assert!(fake.wait_ready(WAIT).await);

    assert!(fake.send_reconnect());
    assert_eq!(next_frame(&mut old).await["op"], 7);
    assert!(matches!(
        fake.wait_until(WAIT, |view| (!view.ready()).then_some(())).await,
        Some(())
    ));
    // dispatched while no session is current: queued until the RESUME
    fake.dispatch(
        "MESSAGE_CREATE",
        fake.message_create("queued", &alice(), CHANNEL, Some(GUILD), &Mentions::default()),
    );

    // like serenity: open the new socket first, RESUME at once, then drop the old one
    let mut new = connect(&fake).await;
    send(
        &mut new,
        json!({"op": 6, "d": {"token": "Bot fake-token", "session_id": session_id, "seq": 1}}),
    )
    .await;
    drop(old);
    assert_eq!(next_frame(&mut new).await["op"], 10);
    let resumed = next_frame(&mut new).await;
    assert_eq!(
        (resumed["t"].clone(), resumed["s"].clone()),
        (json!("RESUMED"), json!(2))
    );
    assert!(matches!(
        serde_json::from_value::<GatewayEvent>(resumed),
        Ok(GatewayEvent::Dispatch(2, Event::Resumed(_)))
    ));
    let queued = next_frame(&mut new).await;
    assert_eq!(
        (queued["t"].clone(), queued["s"].clone(), queued["d"]["content"].clone()),
        (json!("MESSAGE_CREATE"), json!(3), json!("queued"))
    );

    assert!(fake.wait_ready(WAIT).await);
    assert!(fake
        .wait_until(WAIT, |view| (view.connections() == 2).then_some(()))
        .await
        .is_some());
    assert_eq!(fake.connections(), 2);
    assert_eq!(fake.identifies().len(), 1);
    let resumes = fake.resumes();
    assert_eq!(resumes.len(), 1);
    assert!(resumes[0].accepted);
    assert_eq!(
        (resumes[0].session_id.as_str(), resumes[0].seq),
        (session_id.as_str(), 1)
    );
    assert_eq!(resumes[0].token, "Bot fake-token");

    // an unknown session is refused with op 9, not resumable
    let mut stranger = connect(&fake).await;
    send(
        &mut stranger,
        json!({"op": 6, "d": {"token": "Bot fake-token", "session_id": "nope", "seq": 5}}),
    )
    .await;
    assert_eq!(next_frame(&mut stranger).await["op"], 10);
    let invalid = next_frame(&mut stranger).await;
    assert_eq!((invalid["op"].clone(), invalid["d"].clone()), (json!(9), json!(false)));
    assert!(fake
        .wait_until(WAIT, |view| (view.resume_count() == 2).then_some(()))
        .await
        .is_some());
}

#[tokio::test]
async fn dropping_the_fake_closes_the_gateway() {
    let fake = FakeDiscord::start().await;
    let (mut socket, _) = connect_ready(&fake).await;
    drop(fake);
    let end = tokio::time::timeout(WAIT, socket.next())
        .await
        .expect("the socket ends in time");
    assert!(
        matches!(end, None | Some(Ok(WsMessage::Close(_))) | Some(Err(_))),
        "{end:?}"
    );
}

#[tokio::test]
async fn request_bodies_are_validated_against_the_openapi_spec() {
    let fake = FakeDiscord::start().await;
    let client = reqwest::Client::new();
    let url = format!("{}/api/v10/channels/{CHANNEL}/messages", fake.api_base());
    let post = |body: Value| {
        client
            .post(&url)
            .header("authorization", "Bot fake-token")
            .json(&body)
            .send()
    };

    let response = post(json!({"content": "hi", "allowed_mentions": {"parse": []}}))
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let message: Message = response.json().await.expect("serenity parses the created message");
    assert_eq!(message.content, "hi");
    assert_eq!(message.author.id.get(), fake.bot_user_id());
    fake.assert_no_spec_violations();
    assert_eq!(
        fake.requests()[0].body,
        json!({"content": "hi", "allowed_mentions": {"parse": []}})
    );

    post(json!({"content": 5})).await.expect("request");
    post(json!({"content": "hi", "allowed_mentions": {"parse": ["nobody"]}}))
        .await
        .expect("request");
    let violations = fake.spec_violations();
    assert_eq!(violations.len(), 2, "{violations:#?}");
    for violation in &violations {
        assert_eq!(violation.operation.as_deref(), Some("/channels/{channel_id}/messages"));
        assert_eq!(violation.method, "POST");
        assert!(!violation.errors.is_empty());
    }
    assert!(
        violations[0].errors.iter().any(|e| e.contains("/content")),
        "{:?}",
        violations[0].errors
    );
    assert!(
        violations[1].errors.iter().any(|e| e.contains("/allowed_mentions")),
        "{:?}",
        violations[1].errors
    );
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| fake.assert_no_spec_violations()));
    assert!(
        panicked.is_err(),
        "assert_no_spec_violations panics when there are violations"
    );
}

#[tokio::test]
async fn fail_next_fails_the_given_number_of_requests_then_succeeds() {
    let fake = FakeDiscord::start().await;
    fake.fail_next("POST", "/channels/", 500, 1);
    let http = serenity_http(&fake);
    let channel = ChannelId::new(CHANNEL);
    let error = channel.say(&http, "first").await.expect_err("the injected 500");
    assert!(
        error.to_string().contains("500") || format!("{error:?}").contains("500"),
        "{error:?}"
    );
    let message = channel.say(&http, "second").await.expect("the next one succeeds");
    assert_eq!(message.content, "second");
    let statuses: Vec<u16> = fake
        .requests()
        .iter()
        .filter(|r| r.is("POST", "/channels/"))
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [500, 200]);
    assert_eq!(fake.sent_messages().len(), 1);
    let second = fake.wait_until(WAIT, |view| {
        view.sent_messages().into_iter().find(|m| m["content"] == "second")
    });
    assert!(second.await.is_some());
}

#[tokio::test]
async fn builders_parse_with_serenitys_types() {
    let fake = FakeDiscord::start().await;
    let options = json!([{"name": "question", "type": 3, "value": "IaaS가 뭐야?"}]);
    let payload = fake.slash_command("ask", options, "ko", Some(GUILD), CHANNEL, &alice());
    let Interaction::Command(command) = serde_json::from_value(payload.clone()).expect("serenity parses it") else {
        panic!("a slash command is Interaction::Command");
    };
    assert_eq!(command.data.name, "ask");
    assert_eq!(command.locale, "ko");
    assert_eq!(command.guild_id.map(|g| g.get()), Some(GUILD));
    assert_eq!(command.channel_id.get(), CHANNEL);
    assert_eq!(command.user.id.get(), alice().id, "the member's user");
    assert_eq!(command.application_id.get(), fake.application_id());
    assert_eq!(
        command.data.options[0].value,
        CommandDataOptionValue::String("IaaS가 뭐야?".into())
    );

    let dm = fake.slash_command("ask", json!([]), "en-US", None, DM_CHANNEL, &alice());
    let Interaction::Command(dm) = serde_json::from_value(dm.clone()).expect("serenity parses the DM one") else {
        panic!("a slash command is Interaction::Command");
    };
    assert_eq!((dm.guild_id, dm.user.id.get()), (None, alice().id));
    assert_ne!(dm.token, command.token, "fresh tokens");
    assert_ne!(dm.id, command.id, "fresh ids");

    let focused = json!([{"name": "model", "type": 3, "value": "Ia", "focused": true}]);
    let payload = fake.autocomplete("model", focused, "en-US", Some(GUILD), CHANNEL, &alice());
    let Interaction::Autocomplete(autocomplete) = serde_json::from_value(payload).expect("serenity parses it") else {
        panic!("type 4 is Interaction::Autocomplete");
    };
    let option = autocomplete.data.autocomplete().expect("a focused option");
    assert_eq!((option.name, option.value), ("model", "Ia"));

    let bot = fake.bot_user();
    let mentions = Mentions {
        users: vec![bot.clone()],
        roles: vec![42],
        everyone: false,
    };
    let payload = fake.message_create(
        &format!("<@{}> what is SaaS?", bot.id),
        &alice(),
        CHANNEL,
        Some(GUILD),
        &mentions,
    );
    let message: Message = serde_json::from_value(payload).expect("serenity parses MESSAGE_CREATE data");
    assert_eq!(message.author.id.get(), alice().id);
    assert!(!message.author.bot);
    assert_eq!(message.guild_id.map(|g| g.get()), Some(GUILD));
    assert!(message.member.is_some());
    assert_eq!(message.mentions[0].id.get(), bot.id);
    assert_eq!(message.mention_roles[0].get(), 42);
    let from_bot = fake.message_create(
        "beep",
        &FakeUser::bot(7, "other-bot"),
        DM_CHANNEL,
        None,
        &Mentions::default(),
    );
    let from_bot: Message = serde_json::from_value(from_bot).expect("serenity parses a DM message");
    assert!(from_bot.author.bot && from_bot.guild_id.is_none());
}

#[tokio::test]
async fn interactions_are_acknowledged_once_then_edited_and_followed_up() {
    let fake = FakeDiscord::start().await;
    let http = serenity_http(&fake);
    let payload = fake.slash_command("ask", json!([]), "en-US", Some(GUILD), CHANNEL, &alice());
    fake.dispatch("INTERACTION_CREATE", payload.clone()); // no gateway yet: queued, starts the deadline
    let Interaction::Command(command) = serde_json::from_value(payload).expect("serenity parses it") else {
        panic!("a slash command");
    };
    let defer = CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new());
    command
        .create_response(&http, defer.clone())
        .await
        .expect("the first callback is 204");
    assert!(
        command.create_response(&http, defer).await.is_err(),
        "a second acknowledgement is refused (40060)"
    );
    assert_eq!(fake.interaction_callback(&command.token), Some(5));

    let edit = EditInteractionResponse::new()
        .content("IaaS is ...")
        .allowed_mentions(CreateAllowedMentions::new());
    let edited = command
        .edit_response(&http, edit)
        .await
        .expect("serenity parses the edited original");
    assert_eq!(edited.content, "IaaS is ...");
    let original = command.get_response(&http).await.expect("GET @original");
    assert_eq!(original.id, edited.id);
    assert_eq!(
        fake.original_response(&command.token).expect("stored")["content"],
        "IaaS is ..."
    );
    let followup = command
        .create_followup(&http, CreateInteractionResponseFollowup::new().content("more"))
        .await
        .expect("serenity parses the followup");
    assert_eq!(followup.content, "more");
    command.delete_response(&http).await.expect("DELETE @original is 204");

    let focused = json!([{"name": "model", "type": 3, "value": "Ia", "focused": true}]);
    let Interaction::Autocomplete(autocomplete) =
        serde_json::from_value(fake.autocomplete("model", focused, "en-US", None, DM_CHANNEL, &alice()))
            .expect("parses")
    else {
        panic!("autocomplete");
    };
    let choices = CreateAutocompleteResponse::new().add_string_choice("IaaS", "iaas");
    autocomplete
        .create_response(&http, CreateInteractionResponse::Autocomplete(choices))
        .await
        .expect("204");
    assert_eq!(
        fake.autocomplete_choices(&autocomplete.token),
        Some(json!([{"name": "IaaS", "value": "iaas"}]))
    );

    fake.assert_no_unknown_routes();
    fake.assert_no_spec_violations();
}

#[tokio::test]
async fn late_acknowledgements_are_unknown_interactions() {
    let fake = FakeDiscord::start_with(FakeDiscordOptions {
        interaction_ack_deadline: Duration::ZERO,
        ..Default::default()
    })
    .await;
    let http = serenity_http(&fake);
    let payload = fake.slash_command("ask", json!([]), "en-US", Some(GUILD), CHANNEL, &alice());
    let Interaction::Command(command) = serde_json::from_value(payload).expect("parses") else {
        panic!("command")
    };
    let defer = CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new());
    assert!(command.create_response(&http, defer).await.is_err());
    let recorded = fake
        .wait_for_request(|r| r.path.ends_with("/callback"), WAIT)
        .await
        .expect("recorded");
    assert_eq!(recorded.status, 404);
    let statuses = fake.wait_until(WAIT, |view| {
        Some(view.requests().iter().map(|r| r.status).collect::<Vec<_>>())
    });
    assert_eq!(statuses.await, Some(vec![404]));
}

#[tokio::test]
async fn commands_are_overwritten_in_bulk_with_stable_ids() {
    let fake = FakeDiscord::start().await;
    let http = serenity_http(&fake);
    let ask = || {
        CreateCommand::new("ask")
            .description("Ask about cloud service models")
            .name_localized("ko", "질문")
            .add_option(CreateCommandOption::new(CommandOptionType::String, "question", "Your question").required(true))
    };
    let first = Command::set_global_commands(&http, vec![ask()])
        .await
        .expect("serenity parses the commands");
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].name, "ask");
    assert_eq!(first[0].application_id.get(), fake.application_id());
    let second = Command::set_global_commands(&http, vec![ask(), CreateCommand::new("model").description("Model")])
        .await
        .expect("second overwrite");
    assert_eq!(second[0].id, first[0].id, "same name keeps its id");
    assert_ne!(second[0].version, first[0].version, "a new version");
    assert_eq!(fake.global_commands().len(), 2);
    let fetched = Command::get_global_commands(&http).await.expect("GET commands");
    assert_eq!(fetched.len(), 2);

    let guild = serenity::model::id::GuildId::new(GUILD);
    let in_guild = guild.set_commands(&http, vec![ask()]).await.expect("guild overwrite");
    assert_eq!(in_guild[0].guild_id, Some(guild));
    assert_eq!(fake.guild_commands(GUILD).len(), 1);
    let payload = fake.slash_command("ask", json!([]), "en-US", Some(GUILD), CHANNEL, &alice());
    assert_eq!(
        payload["data"]["id"],
        json!(in_guild[0].id.to_string()),
        "interactions carry the registered id"
    );

    fake.assert_no_unknown_routes();
    fake.assert_no_spec_violations();
}

#[tokio::test]
async fn sent_messages_resolve_mentions_like_discord() {
    let fake = FakeDiscord::start().await;
    let http = serenity_http(&fake);
    let channel = ChannelId::new(CHANNEL);
    let question = fake.message_create("hi bot", &alice(), CHANNEL, Some(GUILD), &Mentions::default());
    let question: Message = serde_json::from_value(question).expect("parses");
    let pinging = format!("<@{}> <@&77> @everyone", alice().id);

    // no allowed_mentions: everything pings
    let loud = channel
        .send_message(&http, CreateMessage::new().content(&pinging))
        .await
        .expect("sent");
    assert_eq!(loud.mentions.len(), 1);
    assert_eq!(loud.mention_roles.len(), 1);
    assert!(loud.mention_everyone);

    // allowed_mentions with nothing to parse, replying without pinging the author
    let quiet = CreateMessage::new()
        .content(&pinging)
        .reference_message(&question)
        .allowed_mentions(CreateAllowedMentions::new());
    let quiet = channel.send_message(&http, quiet).await.expect("sent");
    assert!(quiet.mentions.is_empty() && quiet.mention_roles.is_empty() && !quiet.mention_everyone);
    assert_eq!(quiet.referenced_message.map(|m| m.id), Some(question.id));

    // a reply to a message the fake never saw is refused
    let unknown = question.id.get() + 1;
    let stray = CreateMessage::new()
        .content("?")
        .reference_message((channel, serenity::model::id::MessageId::new(unknown)));
    assert!(channel.send_message(&http, stray).await.is_err());

    let edited = channel
        .edit_message(
            &http,
            loud.id,
            serenity::builder::EditMessage::new()
                .content("calm")
                .allowed_mentions(CreateAllowedMentions::new()),
        )
        .await
        .expect("edit");
    assert_eq!((edited.content.as_str(), edited.mentions.len()), ("calm", 0));
    assert!(edited.edited_timestamp.is_some());
    let sent = fake.sent_messages();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0]["content"], "calm");
    fake.assert_no_spec_violations();
}

#[tokio::test]
async fn invalid_sessions_and_closes_make_clients_identify_again() {
    let fake = FakeDiscord::start().await;
    let (mut socket, _) = connect_ready(&fake).await;
    assert!(fake.send_invalid_session(false));
    let invalid = next_frame(&mut socket).await;
    assert_eq!((invalid["op"].clone(), invalid["d"].clone()), (json!(9), json!(false)));
    assert!(fake
        .wait_until(WAIT, |view| (!view.ready()).then_some(()))
        .await
        .is_some());
    assert!(!fake.send_reconnect(), "nothing is current after op 9");

    send(&mut socket, identify()).await;
    let ready = next_frame(&mut socket).await;
    assert_eq!(
        (ready["t"].clone(), ready["s"].clone()),
        (json!("READY"), json!(1)),
        "a new session starts at 1"
    );
    assert!(fake
        .wait_until(WAIT, |view| (view.identify_count() == 2).then_some(()))
        .await
        .is_some());

    assert!(fake.close_connection(4000));
    let closed = tokio::time::timeout(WAIT, socket.next())
        .await
        .expect("a close in time");
    match closed {
        Some(Ok(WsMessage::Close(Some(frame)))) => assert_eq!(u16::from(frame.code), 4000),
        other => panic!("expected a close frame with 4000, got {other:?}"),
    }
    fake.shutdown().await;
}

/// Relays the content of every MESSAGE_CREATE a real serenity client receives.
struct Relay(tokio::sync::mpsc::UnboundedSender<String>);

#[serenity::async_trait]
impl serenity::client::EventHandler for Relay {
    async fn message(&self, _context: serenity::client::Context, message: Message) {
        let _ = self.0.send(message.content);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_serenity_client_identifies_resumes_after_op_7_and_receives_dispatches() {
    let fake = FakeDiscord::start().await;
    let (relay, mut received) = tokio::sync::mpsc::unbounded_channel();
    let intents = serenity::model::gateway::GatewayIntents::GUILD_MESSAGES
        | serenity::model::gateway::GatewayIntents::MESSAGE_CONTENT;
    let mut client = serenity::client::ClientBuilder::new_with_http(serenity_http(&fake), intents)
        .event_handler(Relay(relay))
        .await
        .expect("a serenity client against the fake");
    let shard_manager = client.shard_manager.clone();
    let running = tokio::spawn(async move { client.start().await });

    assert!(
        fake.wait_ready(WAIT).await,
        "serenity found the gateway through GET /gateway and identified"
    );
    assert_eq!(fake.identifies()[0].token, "Bot fake-token");
    assert_eq!(fake.identifies()[0].intents, intents.bits());
    assert!(fake.connection_queries()[0].contains("v=10"));
    fake.dispatch(
        "MESSAGE_CREATE",
        fake.message_create("one", &alice(), CHANNEL, Some(GUILD), &Mentions::default()),
    );
    assert_eq!(
        tokio::time::timeout(WAIT, received.recv())
            .await
            .expect("in time")
            .as_deref(),
        Some("one")
    );

    assert!(fake.send_reconnect());
    fake.dispatch(
        "MESSAGE_CREATE",
        fake.message_create("two", &alice(), CHANNEL, Some(GUILD), &Mentions::default()),
    );
    assert_eq!(
        tokio::time::timeout(WAIT, received.recv())
            .await
            .expect("in time")
            .as_deref(),
        Some("two")
    );
    assert_eq!(fake.connections(), 2);
    assert_eq!(fake.identifies().len(), 1, "op 7 leads to a RESUME, not a new IDENTIFY");
    let resumes = fake.resumes();
    assert_eq!(resumes.len(), 1);
    assert!(resumes[0].accepted);

    shard_manager.shutdown_all().await;
    let _ = tokio::time::timeout(WAIT, running).await;
    fake.assert_no_unknown_routes();
}
