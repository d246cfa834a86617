//! Self-tests of the fake Discord (no bot involved): REST routes parse with serenity's types and
//! its own HTTP client, the gateway handshake, resume and dispatch, spec validation, failure
//! injection, and the payload builders. `components`: message components, modals and
//! attachments.

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

mod components;

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
    fake.assert_no_response_violations();
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
    fake.assert_no_response_violations();
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
    fake.assert_no_response_violations();
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
    fake.assert_no_response_violations();
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

const THREAD: u64 = 1_100_000_000_000_000_004;
const FORUM: u64 = 1_100_000_000_000_000_005;

/// A reqwest call to the fake's REST API; returns the status and the JSON body (`null` if none).
async fn call(fake: &FakeDiscord, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}/api/v10{path}", fake.api_base()))
        .header("authorization", "Bot fake-token");
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("the fake answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).expect("JSON")
    };
    (status, body)
}

fn id_of(value: &Value) -> u64 {
    value["id"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .expect("a snowflake id")
}

#[tokio::test]
async fn replies_deletions_and_thread_messages_parse_with_serenity() {
    let fake = FakeDiscord::start().await;
    let bob = FakeUser::human(1_100_000_000_000_000_011, "bob");
    let question = fake.message_create("what is PaaS?", &alice(), CHANNEL, Some(GUILD), &Mentions::default());
    let question_id = id_of(&question);
    let pinging = Mentions {
        users: vec![alice()],
        ..Default::default()
    };
    let reply = fake.message_reply("and SaaS?", &bob, CHANNEL, Some(GUILD), &pinging, question_id);
    assert_eq!(reply["type"], 19);
    assert_eq!(
        reply["message_reference"],
        json!({"type": 0, "message_id": question_id.to_string(), "channel_id": CHANNEL.to_string(), "guild_id": GUILD.to_string()})
    );
    let parsed: Message = serde_json::from_value(reply.clone()).expect("serenity parses a reply");
    assert_eq!(parsed.kind, serenity::model::channel::MessageType::InlineReply);
    let referenced = parsed.referenced_message.as_deref().expect("the replied-to message");
    assert_eq!(
        (referenced.id.get(), referenced.content.as_str()),
        (question_id, "what is PaaS?")
    );
    let reference = parsed.message_reference.expect("a reference");
    assert_eq!(reference.message_id.map(|m| m.get()), Some(question_id));
    assert_eq!(reference.guild_id.map(|g| g.get()), Some(GUILD));
    assert_eq!(parsed.mentions[0].id.get(), alice().id);

    // a reply to a reply carries its target one level deep, like Discord
    let nested = fake.message_reply(
        "hm",
        &alice(),
        CHANNEL,
        Some(GUILD),
        &Mentions::default(),
        id_of(&reply),
    );
    assert_eq!(
        nested["referenced_message"]["message_reference"]["message_id"],
        question_id.to_string()
    );
    assert!(nested["referenced_message"].get("referenced_message").is_none());

    let deleted = fake.delete_message(question_id).expect("the message existed");
    assert_eq!(
        deleted,
        json!({"id": question_id.to_string(), "channel_id": CHANNEL.to_string(), "guild_id": GUILD.to_string()})
    );
    let event: serenity::model::event::MessageDeleteEvent =
        serde_json::from_value(deleted).expect("serenity parses MESSAGE_DELETE");
    assert_eq!(event.message_id.get(), question_id);
    assert!(fake.delete_message(question_id).is_none(), "already gone");
    assert!(fake.message(question_id).is_none());

    let late = fake.message_reply(
        "still there?",
        &bob,
        CHANNEL,
        Some(GUILD),
        &Mentions::default(),
        question_id,
    );
    assert!(
        late["referenced_message"].is_null(),
        "Discord sends null for a deleted target"
    );
    assert!(late.as_object().expect("an object").contains_key("referenced_message"));
    assert_eq!(late["message_reference"]["message_id"], question_id.to_string());
    let late: Message = serde_json::from_value(late).expect("serenity parses a reply to a deleted message");
    assert!(late.referenced_message.is_none());
    assert_eq!(
        late.message_reference.and_then(|r| r.message_id).map(|m| m.get()),
        Some(question_id)
    );

    // in a DM, the reference has no guild
    let dm_question = fake.message_create("hi", &alice(), DM_CHANNEL, None, &Mentions::default());
    let dm_reply = fake.message_reply(
        "?",
        &alice(),
        DM_CHANNEL,
        None,
        &Mentions::default(),
        id_of(&dm_question),
    );
    assert!(dm_reply["message_reference"].get("guild_id").is_none());
    serde_json::from_value::<Message>(dm_reply).expect("serenity parses a DM reply");

    fake.add_channel(THREAD, Some(GUILD), 11, Some(CHANNEL));
    let in_thread = fake.message_create("in a thread", &alice(), THREAD, Some(GUILD), &Mentions::default());
    let in_thread: Message = serde_json::from_value(in_thread).expect("serenity parses a thread message");
    assert_eq!((in_thread.channel_id.get(), in_thread.position), (THREAD, Some(1)));
    assert_eq!(in_thread.guild_id.map(|g| g.get()), Some(GUILD));
    let thread = fake.channel(THREAD).expect("known");
    assert_eq!(
        (thread["message_count"].clone(), thread["total_message_sent"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(thread["last_message_id"], in_thread.id.to_string());
    fake.delete_message(in_thread.id.get());
    let thread = fake.channel(THREAD).expect("known");
    assert_eq!(
        (thread["message_count"].clone(), thread["total_message_sent"].clone()),
        (json!(0), json!(1))
    );
}

#[tokio::test]
async fn deleted_messages_answer_unknown_message() {
    let fake = FakeDiscord::start().await;
    let http = serenity_http(&fake);
    let message = fake.message_create("bye", &alice(), CHANNEL, Some(GUILD), &Mentions::default());
    let id = id_of(&message);
    let path = format!("/channels/{CHANNEL}/messages/{id}");
    let (status, fetched) = call(&fake, reqwest::Method::GET, &path, None).await;
    assert_eq!(status, 200);
    assert!(
        fetched.get("guild_id").is_none() && fetched.get("member").is_none(),
        "the REST form: {fetched}"
    );
    let fetched = ChannelId::new(CHANNEL)
        .message(&http, id)
        .await
        .expect("serenity parses GET message");
    assert_eq!(fetched.content, "bye");

    fake.delete_message(id);
    assert_eq!(
        call(&fake, reqwest::Method::GET, &path, None).await,
        (404, json!({"message": "Unknown Message", "code": 10008}))
    );
    assert!(ChannelId::new(CHANNEL).message(&http, id).await.is_err());

    // the bot's DELETE leaves a tombstone too, so a user's reply to it references its channel
    let sent = ChannelId::new(CHANNEL).say(&http, "oops").await.expect("sent");
    sent.delete(&http).await.expect("DELETE is 204");
    let reply = fake.message_reply("?", &alice(), CHANNEL, Some(GUILD), &Mentions::default(), sent.id.get());
    assert!(reply["referenced_message"].is_null());
    assert_eq!(reply["message_reference"]["channel_id"], CHANNEL.to_string());
    assert!(fake.messages_in(CHANNEL).is_empty());
    fake.assert_no_spec_violations();
    fake.assert_no_response_violations();
}

#[tokio::test]
async fn known_channels_answer_get_channel_like_discord() {
    use serenity::model::channel::{Channel, ChannelType};
    let fake = FakeDiscord::start().await;
    let http = serenity_http(&fake);
    fake.add_channel(CHANNEL, Some(GUILD), 0, None);
    fake.add_channel(FORUM, Some(GUILD), 15, None);
    fake.add_channel(THREAD, Some(GUILD), 11, Some(CHANNEL));
    fake.message_create("hi", &alice(), DM_CHANNEL, None, &Mentions::default());

    let Channel::Guild(text) = ChannelId::new(CHANNEL)
        .to_channel(&http)
        .await
        .expect("GET a text channel")
    else {
        panic!("a guild channel");
    };
    assert_eq!((text.kind, text.guild_id.get()), (ChannelType::Text, GUILD));
    let Channel::Guild(forum) = ChannelId::new(FORUM).to_channel(&http).await.expect("GET a forum") else {
        panic!("a guild channel");
    };
    assert_eq!(forum.kind, ChannelType::Forum);
    let Channel::Guild(thread) = ChannelId::new(THREAD).to_channel(&http).await.expect("GET a thread") else {
        panic!("a guild channel");
    };
    assert_eq!(thread.kind, ChannelType::PublicThread);
    assert_eq!(thread.parent_id.map(|p| p.get()), Some(CHANNEL));
    assert_eq!(thread.owner_id.map(|o| o.get()), Some(fake.owner_user_id()));
    let metadata = thread.thread_metadata.expect("thread_metadata");
    assert!(!metadata.archived && !metadata.locked);
    assert_eq!(u16::from(metadata.auto_archive_duration), 1440);
    assert!(metadata.archive_timestamp.is_some());
    assert_eq!((thread.message_count, thread.member_count), (Some(0), Some(1)));
    let Channel::Private(dm) = ChannelId::new(DM_CHANNEL).to_channel(&http).await.expect("GET a DM") else {
        panic!("a DM channel");
    };
    assert_eq!(dm.recipient.id.get(), alice().id, "the DM's author is its recipient");

    assert_eq!(
        call(&fake, reqwest::Method::GET, "/channels/42", None).await,
        (404, json!({"message": "Unknown Channel", "code": 10003}))
    );
    assert!(ChannelId::new(42).to_channel(&http).await.is_err());

    // the bot's messages in a thread land in its guild; interactions there carry the thread
    let said = ChannelId::new(THREAD)
        .say(&http, "answer")
        .await
        .expect("sent in the thread");
    assert_eq!(said.position, Some(1));
    let stored = fake.messages_in(THREAD);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["guild_id"], GUILD.to_string());
    let payload = fake.slash_command("ask", json!([]), "en-US", Some(GUILD), THREAD, &alice());
    let Interaction::Command(command) = serde_json::from_value(payload).expect("parses") else {
        panic!("a slash command");
    };
    let channel = command.channel.expect("the interaction's channel");
    assert_eq!((channel.id.get(), channel.kind), (THREAD, ChannelType::PublicThread));
    assert!(channel.permissions.is_some());

    // opening a DM twice answers the same channel, which is then known
    let first = UserId::new(alice().id + 1).create_dm_channel(&http).await.expect("DM");
    let second = UserId::new(alice().id + 1).create_dm_channel(&http).await.expect("DM");
    assert_eq!(first.id, second.id);
    assert!(matches!(first.id.to_channel(&http).await, Ok(Channel::Private(_))));

    fake.assert_no_unknown_routes();
    fake.assert_no_spec_violations();
    fake.assert_no_response_violations();
}

#[tokio::test]
async fn threads_start_from_messages_like_discord() {
    use serenity::builder::CreateThread;
    use serenity::model::channel::{AutoArchiveDuration, ChannelType};
    let fake = FakeDiscord::start().await;
    let http = serenity_http(&fake);
    let (mut socket, _) = connect_ready(&fake).await;
    let question = fake.message_create("what is IaaS?", &alice(), CHANNEL, Some(GUILD), &Mentions::default());
    let question_id = id_of(&question);

    let thread = ChannelId::new(CHANNEL)
        .create_thread_from_message(
            &http,
            serenity::model::id::MessageId::new(question_id),
            CreateThread::new("IaaS").auto_archive_duration(AutoArchiveDuration::OneHour),
        )
        .await
        .expect("serenity parses the thread");
    assert_eq!(thread.id.get(), question_id, "a thread from a message takes its id");
    assert_eq!(thread.kind, ChannelType::PublicThread);
    assert_eq!(thread.parent_id.map(|p| p.get()), Some(CHANNEL));
    assert_eq!(thread.owner_id.map(|o| o.get()), Some(fake.bot_user_id()));
    assert_eq!((thread.guild_id.get(), thread.name.as_str()), (GUILD, "IaaS"));
    assert_eq!(
        thread.thread_metadata.map(|m| u16::from(m.auto_archive_duration)),
        Some(60)
    );
    let recorded = fake
        .wait_for_request(|r| r.path.ends_with("/threads"), WAIT)
        .await
        .expect("recorded");
    assert_eq!(recorded.status, 201);

    let created = next_frame(&mut socket).await;
    assert_eq!(
        (created["t"].clone(), created["d"]["newly_created"].clone()),
        (json!("THREAD_CREATE"), json!(true))
    );
    match serde_json::from_value::<GatewayEvent>(created).expect("serenity parses THREAD_CREATE") {
        GatewayEvent::Dispatch(_, Event::ThreadCreate(event)) => assert_eq!(event.thread.id.get(), question_id),
        other => panic!("expected THREAD_CREATE, got {other:?}"),
    }
    let starter = ChannelId::new(CHANNEL)
        .message(&http, question_id)
        .await
        .expect("GET the starter");
    assert_eq!(
        starter.thread.map(|t| t.id.get()),
        Some(question_id),
        "the message knows its thread"
    );
    assert_eq!(fake.channel(question_id).expect("a known channel")["type"], 11);

    let path = format!("/channels/{CHANNEL}/messages/{question_id}/threads");
    assert_eq!(
        call(&fake, reqwest::Method::POST, &path, Some(json!({"name": "again"}))).await,
        (
            400,
            json!({"message": "A thread has already been created for this message", "code": 160004})
        )
    );
    let unknown = format!("/channels/{CHANNEL}/messages/{}/threads", question_id + 1);
    let (status, body) = call(&fake, reqwest::Method::POST, &unknown, Some(json!({"name": "x"}))).await;
    assert_eq!((status, body["code"].clone()), (404, json!(10008)));
    let nowhere = format!("/channels/43/messages/{question_id}/threads");
    let (status, body) = call(&fake, reqwest::Method::POST, &nowhere, Some(json!({"name": "x"}))).await;
    assert_eq!((status, body["code"].clone()), (404, json!(10003)));
    let dm_message = fake.message_create("hi", &alice(), DM_CHANNEL, None, &Mentions::default());
    let in_dm = format!("/channels/{DM_CHANNEL}/messages/{}/threads", id_of(&dm_message));
    let (status, body) = call(&fake, reqwest::Method::POST, &in_dm, Some(json!({"name": "x"}))).await;
    assert_eq!((status, body["code"].clone()), (400, json!(50024)));
    fake.assert_no_spec_violations();

    // a bad body: Discord's 400 50035, and a recorded spec violation
    let other = fake.message_create("more", &alice(), CHANNEL, Some(GUILD), &Mentions::default());
    let path = format!("/channels/{CHANNEL}/messages/{}/threads", id_of(&other));
    let (status, body) = call(
        &fake,
        reqwest::Method::POST,
        &path,
        Some(json!({"auto_archive_duration": 5})),
    )
    .await;
    assert_eq!((status, body["code"].clone()), (400, json!(50035)));
    assert!(body["errors"]["name"].is_object(), "{body}");
    let violations = fake.spec_violations();
    assert_eq!(violations.len(), 1, "{violations:#?}");
    assert_eq!(
        violations[0].operation.as_deref(),
        Some("/channels/{channel_id}/messages/{message_id}/threads")
    );

    // the bot answers in the thread
    let answer = ChannelId::new(question_id)
        .say(&http, "IaaS is ...")
        .await
        .expect("sent in the thread");
    assert_eq!(answer.channel_id.get(), question_id);
    let in_thread = fake.wait_until(WAIT, |view| (view.messages_in(question_id).len() == 1).then_some(()));
    assert!(in_thread.await.is_some());
    assert_eq!(fake.messages_in(question_id)[0]["content"], "IaaS is ...");
    assert!(fake.messages_in(CHANNEL).is_empty());
    let threads = fake.threads_created();
    assert_eq!(threads.len(), 1);
    assert_eq!(threads[0]["message_count"], 1);
    assert!(threads[0].get("newly_created").is_none());
    fake.assert_no_response_violations();
}

#[tokio::test]
async fn threads_start_without_messages_and_the_bot_posts_in_forums() {
    use serenity::builder::{CreateForumPost, CreateThread};
    use serenity::model::channel::ChannelType;
    let fake = FakeDiscord::start().await;
    let http = serenity_http(&fake);
    fake.add_channel(CHANNEL, Some(GUILD), 0, None);
    fake.add_channel(FORUM, Some(GUILD), 15, None);

    let public = ChannelId::new(CHANNEL)
        .create_thread(&http, CreateThread::new("public").kind(ChannelType::PublicThread))
        .await
        .expect("serenity parses the thread");
    assert_eq!(
        (public.kind, public.parent_id.map(|p| p.get())),
        (ChannelType::PublicThread, Some(CHANNEL))
    );
    assert_ne!(public.id.get(), CHANNEL);
    let (status, private) = call(
        &fake,
        reqwest::Method::POST,
        &format!("/channels/{CHANNEL}/threads"),
        Some(json!({"name": "p"})),
    )
    .await;
    assert_eq!(
        (status, private["type"].clone()),
        (201, json!(12)),
        "Discord's default is private"
    );
    assert_eq!(private["thread_metadata"]["invitable"], true);

    let post = ChannelId::new(FORUM)
        .create_forum_post(
            &http,
            CreateForumPost::new("Which model?", CreateMessage::new().content("IaaS or PaaS")),
        )
        .await
        .expect("serenity parses the forum post");
    assert_eq!(
        (post.kind, post.parent_id.map(|p| p.get())),
        (ChannelType::PublicThread, Some(FORUM))
    );
    let starter = ChannelId::new(post.id.get())
        .message(&http, post.id.get())
        .await
        .expect("the starter");
    assert_eq!(
        (starter.id.get(), starter.channel_id.get()),
        (post.id.get(), post.id.get())
    );
    assert_eq!(starter.content, "IaaS or PaaS");
    let (status, body) = call(
        &fake,
        reqwest::Method::POST,
        &format!("/channels/{FORUM}/threads"),
        Some(json!({"name": "no message"})),
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (400, json!(50035)),
        "a forum post needs a message"
    );
    let (status, body) = call(
        &fake,
        reqwest::Method::POST,
        "/channels/44/threads",
        Some(json!({"name": "x"})),
    )
    .await;
    assert_eq!((status, body["code"].clone()), (404, json!(10003)));

    let created: Vec<u64> = fake.threads_created().iter().map(id_of).collect();
    assert_eq!(created, [public.id.get(), id_of(&private), post.id.get()]);
    // THREAD_CREATEs made while no session was current wait for the next READY
    let (mut socket, _) = connect_ready(&fake).await;
    for expected in &created {
        let frame = next_frame(&mut socket).await;
        assert_eq!(
            (frame["t"].clone(), id_of(&frame["d"])),
            (json!("THREAD_CREATE"), *expected)
        );
    }
    fake.assert_no_spec_violations();
    fake.assert_no_response_violations();
}

#[tokio::test]
async fn forum_posts_from_users_come_as_a_thread_and_its_starter_message() {
    let fake = FakeDiscord::start().await;
    let (mut socket, _) = connect_ready(&fake).await;
    let (thread_create, message_create) = fake.forum_post(FORUM, GUILD, &alice(), "Which model?", "IaaS or PaaS?");
    let thread_id = id_of(&thread_create);
    assert_eq!(thread_create["newly_created"], true);
    assert_eq!(thread_create["parent_id"], FORUM.to_string());
    assert_eq!(thread_create["owner_id"], alice().id.to_string());
    assert_eq!(thread_create["name"], "Which model?");
    assert_eq!(
        id_of(&message_create),
        thread_id,
        "the starter message has the thread's id"
    );
    assert_eq!(message_create["channel_id"], thread_id.to_string());

    fake.dispatch("THREAD_CREATE", thread_create);
    fake.dispatch("MESSAGE_CREATE", message_create);
    match serde_json::from_value::<GatewayEvent>(next_frame(&mut socket).await).expect("parses") {
        GatewayEvent::Dispatch(_, Event::ThreadCreate(event)) => {
            assert_eq!(event.thread.id.get(), thread_id);
            assert_eq!(event.thread.kind, serenity::model::channel::ChannelType::PublicThread);
            assert_eq!(event.thread.guild_id.get(), GUILD);
        }
        other => panic!("expected THREAD_CREATE first, got {other:?}"),
    }
    match serde_json::from_value::<GatewayEvent>(next_frame(&mut socket).await).expect("parses") {
        GatewayEvent::Dispatch(_, Event::MessageCreate(event)) => {
            assert_eq!(
                (event.message.id.get(), event.message.channel_id.get()),
                (thread_id, thread_id)
            );
            assert_eq!(
                (event.message.content.as_str(), event.message.position),
                ("IaaS or PaaS?", Some(0))
            );
        }
        other => panic!("expected MESSAGE_CREATE, got {other:?}"),
    }
    assert_eq!(fake.channel(FORUM).expect("the forum became known")["type"], 15);
    let thread = fake.channel(thread_id).expect("the thread is known");
    assert_eq!(
        (thread["message_count"].clone(), thread["applied_tags"].clone()),
        (json!(0), json!([]))
    );
    assert!(fake.threads_created().is_empty(), "only the bot's threads are listed");

    // the bot answers in the post
    let http = serenity_http(&fake);
    let said = ChannelId::new(thread_id).say(&http, "PaaS").await.expect("sent");
    assert_eq!(said.position, Some(1));
    assert_eq!(fake.messages_in(thread_id)[0]["guild_id"], GUILD.to_string());
    fake.assert_no_response_violations();
}

#[tokio::test]
async fn thread_history_pages_newest_first() {
    use serenity::builder::GetMessages;
    let fake = FakeDiscord::start().await;
    let http = serenity_http(&fake);
    fake.add_channel(THREAD, Some(GUILD), 11, Some(CHANNEL));
    let mut ids = Vec::new();
    for n in 0..5 {
        let message = fake.message_create(&format!("m{n}"), &alice(), THREAD, Some(GUILD), &Mentions::default());
        ids.push(id_of(&message));
        let said = ChannelId::new(THREAD).say(&http, format!("a{n}")).await.expect("sent");
        ids.push(said.id.get());
    }
    fake.message_create("elsewhere", &alice(), CHANNEL, Some(GUILD), &Mentions::default());
    let newest_first: Vec<u64> = ids.iter().rev().copied().collect();
    let page = |query: &str| {
        let path = format!("/channels/{THREAD}/messages{query}");
        let fake = &fake;
        async move {
            let (status, body) = call(fake, reqwest::Method::GET, &path, None).await;
            assert_eq!(status, 200, "{body}");
            body.as_array()
                .expect("an array")
                .iter()
                .map(id_of)
                .collect::<Vec<u64>>()
        }
    };
    assert_eq!(page("").await, newest_first);
    assert_eq!(page("?limit=3").await, newest_first[..3]);
    assert_eq!(page(&format!("?limit=2&before={}", ids[6])).await, [ids[5], ids[4]]);
    assert_eq!(page(&format!("?limit=2&after={}", ids[2])).await, [ids[4], ids[3]]);
    assert_eq!(
        page(&format!("?limit=3&around={}", ids[5])).await,
        [ids[6], ids[5], ids[4]]
    );
    assert_eq!(page(&format!("?before={}", ids[0])).await, Vec::<u64>::new());

    let (_, body) = call(
        &fake,
        reqwest::Method::GET,
        &format!("/channels/{THREAD}/messages?limit=1"),
        None,
    )
    .await;
    assert!(body[0].get("guild_id").is_none(), "the REST form");
    let history = ChannelId::new(THREAD)
        .messages(&http, GetMessages::new().before(ids[9]).limit(4))
        .await
        .expect("serenity parses the history");
    let contents: Vec<&str> = history.iter().map(|m| m.content.as_str()).collect();
    assert_eq!(contents, ["m4", "a3", "m3", "a2"]);
    assert_eq!(history[0].position, Some(9));
    fake.assert_no_spec_violations();

    // out of range or malformed: Discord's 400 50035, and a recorded spec violation
    for query in ["?limit=101", "?limit=0", "?before=abc"] {
        let (status, body) = call(
            &fake,
            reqwest::Method::GET,
            &format!("/channels/{THREAD}/messages{query}"),
            None,
        )
        .await;
        assert_eq!((status, body["code"].clone()), (400, json!(50035)), "{query}");
    }
    let violations = fake.spec_violations();
    assert_eq!(violations.len(), 3, "{violations:#?}");
    assert!(
        violations.iter().all(|v| v.errors[0].contains("query parameter")),
        "{violations:#?}"
    );
    let (status, body) = call(&fake, reqwest::Method::GET, "/channels/45/messages", None).await;
    assert_eq!((status, body["code"].clone()), (404, json!(10003)));
    fake.assert_no_response_violations();
}

/// Relays thread creations a real serenity client receives.
struct ThreadRelay(tokio::sync::mpsc::UnboundedSender<u64>);

#[serenity::async_trait]
impl serenity::client::EventHandler for ThreadRelay {
    async fn thread_create(&self, _context: serenity::client::Context, thread: serenity::model::channel::GuildChannel) {
        let _ = self.0.send(thread.id.get());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guild_create_fills_serenitys_cache_so_thread_create_is_cached() {
    let fake = FakeDiscord::start().await;
    let (relay, mut threads) = tokio::sync::mpsc::unbounded_channel();
    let intents = serenity::model::gateway::GatewayIntents::GUILDS;
    let mut client = serenity::client::ClientBuilder::new_with_http(serenity_http(&fake), intents)
        .event_handler(ThreadRelay(relay))
        .await
        .expect("a serenity client against the fake");
    let cache = client.cache.clone();
    let shard_manager = client.shard_manager.clone();
    let running = tokio::spawn(async move { client.start().await });
    assert!(fake.wait_ready(WAIT).await);

    // without GUILD_CREATE, serenity has no guild to put a thread in
    fake.add_channel(THREAD, Some(GUILD), 11, Some(CHANNEL));
    let (orphan, _) = fake.forum_post(FORUM + 1, GUILD + 1, &alice(), "elsewhere", "?");
    fake.dispatch("THREAD_CREATE", orphan.clone());
    let received = tokio::time::timeout(WAIT, threads.recv()).await.expect("in time");
    assert_eq!(received, Some(id_of(&orphan)));
    assert!(cache.guild(GUILD + 1).is_none());

    let data = fake.guild_create(GUILD, &[(CHANNEL, 0)]);
    assert_eq!(data["channels"].as_array().map(Vec::len), Some(1));
    assert_eq!(data["threads"][0]["id"], THREAD.to_string());
    let (post, _) = fake.forum_post(FORUM, GUILD, &alice(), "Which model?", "?");
    fake.dispatch("THREAD_CREATE", post.clone());
    let received = tokio::time::timeout(WAIT, threads.recv()).await.expect("in time");
    assert_eq!(received, Some(id_of(&post)));
    {
        let guild = cache.guild(GUILD).expect("GUILD_CREATE cached the guild");
        assert!(guild.channels.contains_key(&ChannelId::new(CHANNEL)));
        let cached: Vec<u64> = guild.threads.iter().map(|t| t.id.get()).collect();
        assert_eq!(
            cached,
            [THREAD, id_of(&post)],
            "GUILD_CREATE's threads, then THREAD_CREATE's"
        );
        assert!(guild.members.contains_key(&UserId::new(fake.bot_user_id())));
    }

    shard_manager.shutdown_all().await;
    let _ = tokio::time::timeout(WAIT, running).await;
    fake.assert_no_unknown_routes();
}
