//! A fake Discord on 127.0.0.1 for the bot's integration tests: REST v10 (axum) and gateway v10
//! (tokio-tungstenite), speaking the wire format serenity 0.12.5 and poise 0.7.1 expect.
//!
//! What it owns:
//! - **REST**: the routes the bot uses (gateway URL, current user and application, command
//!   registration, interaction callbacks and webhooks, channel messages: create, get, edit,
//!   delete, list with `limit`/`before`/`after`/`around`, typing, DM channels, `GET` of known
//!   channels, starting threads from a message or without one, forum posts by the bot).
//!   Every request is recorded in order; every JSON body and every query parameter the spec
//!   declares is validated against Discord's OpenAPI 3.1 spec in
//!   `tests/data/discord-api-spec/openapi.json` (so are the fake's own JSON answers, kept apart
//!   in `response_violations`); unknown routes answer 404 and are recorded; `fail_next` injects
//!   Discord-style errors.
//! - **Channels**: the channels the fake knows (added with `add_channel`, implied by the
//!   messages and interactions it builds, DMs it opened, threads started through REST or by
//!   `forum_post`) answer `GET /channels/{id}` as Discord renders them (text, forum, thread with
//!   `thread_metadata` and counts, DM); others answer 404 10003. Threads keep `last_message_id`,
//!   `message_count` and `total_message_sent` up to date and their messages carry `position`.
//! - **Gateway**: HELLO, IDENTIFY → READY, RESUME → RESUMED, heartbeats → ACK, dispatches with
//!   sequence numbers, op 7 reconnects; several connections over time, the newest session is
//!   current. Dispatches made while no session is current are queued and sent after the next
//!   READY or RESUMED. Starting a thread through REST dispatches THREAD_CREATE
//!   (`newly_created: true`) like Discord.
//! - **Payload builders** that serenity's own types parse: INTERACTION_CREATE (slash commands,
//!   autocomplete, component presses and choices, modal submits), MESSAGE_CREATE (messages and
//!   replies, type 19 with `message_reference` and `referenced_message`, `null` once the target is
//!   deleted), MESSAGE_DELETE, forum posts (THREAD_CREATE plus the starter MESSAGE_CREATE whose id
//!   is the thread's) and GUILD_CREATE.
//! - **Interactions** answered like Discord: every callback type with its body recorded, the
//!   3-second ack deadline, 40060 for a second callback, callback types checked against the
//!   interaction type, UPDATE_MESSAGE (7) and DEFERRED_UPDATE_MESSAGE (6) editing the message the
//!   component is on (which is then `@original`), modals (9) stored for [`FakeDiscord::submit_modal`].
//!   Responses carry `interaction_metadata` (and `interaction` for commands); responses to
//!   components are replies (type 19) to the component's message.
//! - **Components and attachments** (`components` and `attachments` submodules): Discord's
//!   component rules the spec cannot express, checked on every message body and reported as spec
//!   violations; multipart file parts recorded ([`Recorded::files`]), turned into Discord-like
//!   `attachments` and resolved from `attachment://` embed URLs.
//!
//! Messages are stored in the gateway form (with `guild_id` and `member`); `GET` of messages
//! answers the REST form, without them, like Discord. Ephemeral messages (flag 64) exist only for
//! their interaction: channel routes answer 404 10008 for them and leave them out of history.
//!
//! What it must not do: touch the internet (the spec's `$ref`s resolve inside the loaded document,
//! never over the network), or sleep to wait — waiting awaits a `watch` channel bumped on every
//! change.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response as WsResponse};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

// explicit paths: `benches/discord.rs` includes this file through `#[path]`, where nested modules
// would otherwise resolve next to it rather than in `fake_discord/`
#[path = "fake_discord/attachments.rs"]
mod attachments;
#[path = "fake_discord/components.rs"]
mod components;

pub use attachments::RecordedFile;

/// Where Discord's OpenAPI spec is checked in (with its license and version).
const SPEC_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/discord-api-spec/openapi.json");
/// The URI the spec document is registered under; `#/components/...` refs resolve against it.
const SPEC_URI: &str = "https://discord.com/api/v10/openapi.json";
/// Milliseconds from the Unix epoch to Discord's epoch (2015-01-01), the base of snowflakes.
const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;
/// What Discord reports as the upload limit in interactions (10 MiB).
const ATTACHMENT_SIZE_LIMIT: u64 = 10 * 1024 * 1024;
/// The largest request body the fake reads: room for several files over the upload limit, so
/// that oversized uploads get Discord's 413 40005 from the route rather than from the server.
const REQUEST_SIZE_LIMIT: usize = 64 * 1024 * 1024;
/// Permissions the fake grants the bot and members: everything (as Discord's string form).
const ALL_PERMISSIONS: &str = "2251799813685247";
/// Message flags: EPHEMERAL and LOADING (a deferred response's placeholder).
const FLAG_EPHEMERAL: u64 = 1 << 6;
const FLAG_LOADING: u64 = 1 << 7;
/// Channel types the fake renders specially (Discord's numbering).
const CHANNEL_TEXT: u64 = 0;
const CHANNEL_DM: u64 = 1;
const CHANNEL_ANNOUNCEMENT: u64 = 5;
const CHANNEL_ANNOUNCEMENT_THREAD: u64 = 10;
const CHANNEL_PUBLIC_THREAD: u64 = 11;
const CHANNEL_PRIVATE_THREAD: u64 = 12;
const CHANNEL_FORUM: u64 = 15;
const CHANNEL_MEDIA: u64 = 16;
/// A thread's `thread_metadata.auto_archive_duration` unless asked otherwise (one day).
const DEFAULT_AUTO_ARCHIVE_MINUTES: u64 = 1440;
/// `GET /channels/{id}/messages` without `limit`.
const DEFAULT_MESSAGE_PAGE: usize = 50;

static NEXT_INCREMENT: AtomicU64 = AtomicU64::new(1);

/// A fresh snowflake: now since Discord's epoch in the high bits, a process-wide counter below,
/// so ids are unique across every fake in the test binary and increase over time.
pub fn snowflake() -> u64 {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    let increment = NEXT_INCREMENT.fetch_add(1, Ordering::Relaxed);
    (now_ms.saturating_sub(DISCORD_EPOCH_MS) << 22) | (increment & 0x3F_FFFF)
}

fn now_timestamp() -> String {
    serenity::model::Timestamp::now().to_string()
}

/// Knobs for [`FakeDiscord::start_with`]; [`Default`] is Discord's behaviour.
#[derive(Clone, Debug)]
pub struct FakeDiscordOptions {
    /// The heartbeat interval sent in HELLO, in milliseconds (Discord: about 41 250).
    pub heartbeat_interval_ms: u64,
    /// How long after an interaction is dispatched its first callback is accepted; later ones get
    /// Discord's 404 "Unknown interaction" (10062). Discord allows 3 seconds.
    pub interaction_ack_deadline: Duration,
}

impl Default for FakeDiscordOptions {
    fn default() -> Self {
        FakeDiscordOptions {
            heartbeat_interval_ms: 45_000,
            interaction_ack_deadline: Duration::from_secs(3),
        }
    }
}

/// A Discord user as the builders and the fake's responses render it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeUser {
    /// The user's snowflake.
    pub id: u64,
    /// The unique username (Discord's new usernames: lowercase, no discriminator).
    pub username: String,
    /// Whether the account is a bot; the bot must ignore messages from bots.
    pub bot: bool,
}

impl FakeUser {
    /// A human user.
    pub fn human(id: u64, username: &str) -> Self {
        FakeUser {
            id,
            username: username.to_string(),
            bot: false,
        }
    }

    /// Another bot account (not the bot under test).
    pub fn bot(id: u64, username: &str) -> Self {
        FakeUser {
            id,
            username: username.to_string(),
            bot: true,
        }
    }

    /// The user object as Discord sends it inside messages, members and interactions.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id.to_string(),
            "username": self.username,
            "discriminator": "0",
            "global_name": null,
            "avatar": null,
            "bot": self.bot,
            "system": false,
            "public_flags": 0,
            "flags": 0,
            "primary_guild": null,
        })
    }
}

/// Who a MESSAGE_CREATE mentions, as Discord resolved it.
#[derive(Clone, Debug, Default)]
pub struct Mentions {
    /// Users mentioned (`<@id>`), bot included when the bot is pinged.
    pub users: Vec<FakeUser>,
    /// Roles mentioned (`<@&id>`).
    pub roles: Vec<u64>,
    /// Whether `@everyone` or `@here` pinged.
    pub everyone: bool,
}

/// One REST request as the fake received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// Upper-case HTTP method.
    pub method: String,
    /// The path as sent, including `/api/v10`.
    pub path: String,
    /// The query string without `?`, if any.
    pub query: Option<String>,
    /// Headers with lower-case names (repeated headers joined with ", ").
    pub headers: BTreeMap<String, String>,
    /// The JSON body (for multipart requests: the `payload_json` part), or `null` when empty.
    pub body: Value,
    /// The file parts of a multipart request (`files[n]`), in the order sent; empty otherwise.
    pub files: Vec<RecordedFile>,
    /// The status the fake answered with.
    pub status: u16,
}

impl Recorded {
    /// Whether this is `method` on a path starting with `path_prefix` (with or without `/api/v10`).
    pub fn is(&self, method: &str, path_prefix: &str) -> bool {
        self.method.eq_ignore_ascii_case(method) && path_matches(&self.path, path_prefix)
    }
}

/// A request (body or declared query parameter) that does not match Discord's OpenAPI spec, or
/// one of the fake's answers that does not.
#[derive(Clone, Debug)]
pub struct SpecViolation {
    /// Upper-case HTTP method.
    pub method: String,
    /// The path as sent.
    pub path: String,
    /// The spec's path template the request matched (e.g. `/channels/{channel_id}/messages`).
    pub operation: Option<String>,
    /// What is wrong, one line per error (instance path, message, schema path).
    pub errors: Vec<String>,
    /// The body as sent (for [`FakeDiscord::response_violations`]: the fake's answer).
    pub body: Value,
}

/// One IDENTIFY (op 2) as received.
#[derive(Clone, Debug)]
pub struct Identify {
    /// The token exactly as sent (serenity sends `Bot <token>`).
    pub token: String,
    /// The gateway intents bit set.
    pub intents: u64,
    /// The whole `d` payload.
    pub data: Value,
}

/// One RESUME (op 6) as received.
#[derive(Clone, Debug)]
pub struct Resume {
    /// The token as sent.
    pub token: String,
    /// The session the client asked to resume.
    pub session_id: String,
    /// The last sequence number the client saw.
    pub seq: u64,
    /// Whether it matched the fake's session (if not, the fake answered op 9).
    pub accepted: bool,
}

/// A running fake Discord; dropping it shuts both servers down.
pub struct FakeDiscord {
    shared: Arc<Shared>,
    api_addr: SocketAddr,
    gateway_addr: SocketAddr,
    /// Dropping or setting it tells every server task and gateway connection to stop.
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

struct Shared {
    options: FakeDiscordOptions,
    application_id: u64,
    bot: FakeUser,
    owner: FakeUser,
    gateway_url: String,
    rest: Mutex<RestState>,
    gateway: Mutex<GatewayState>,
    /// Bumped on every recorded change, so waiters await instead of polling.
    changes: watch::Sender<u64>,
}

#[derive(Default)]
struct RestState {
    requests: Vec<Recorded>,
    unknown_routes: Vec<Recorded>,
    violations: Vec<SpecViolation>,
    /// The fake's own JSON answers that do not match the spec's response schemas.
    response_violations: Vec<SpecViolation>,
    failures: Vec<Failure>,
    global_commands: Vec<Value>,
    guild_commands: HashMap<u64, Vec<Value>>,
    /// Interactions built by this fake, by token.
    interactions: HashMap<String, InteractionState>,
    /// Every message the fake knows (built or created through REST), by id, edits applied.
    messages: HashMap<u64, Value>,
    /// Ids of the messages created through REST, in order.
    sent: Vec<u64>,
    /// Deleted messages' (channel, guild), so replies to them reference the right place.
    deleted: HashMap<u64, (u64, Option<u64>)>,
    /// The channels the fake knows, by id, as `GET /channels/{id}` answers them.
    channels: HashMap<u64, Value>,
    /// Ids of the threads the bot started through REST, in order.
    threads_created: Vec<u64>,
    /// The request being routed (the REST lock is held from routing to recording).
    current: CurrentRequest,
    /// The files behind every attachment the fake created, by the attachment's `url`.
    attachment_files: HashMap<String, RecordedFile>,
}

/// What routing one request needs beyond its JSON body, and what it finds; reset per request.
/// Routes reach it through [`RestState`] so the message helpers deep below them (create, edit,
/// `apply_content`) need no extra parameters.
#[derive(Default)]
struct CurrentRequest {
    /// The request's file parts (`files[n]`).
    files: Vec<RecordedFile>,
    /// Where the message fields sit in the body, for problem paths: empty for message bodies,
    /// `/data` for interaction callbacks.
    at: String,
    /// Discord rules the request breaks that the spec cannot express (component limits,
    /// attachments); recorded as a spec violation of this request.
    problems: Vec<String>,
    /// Whether a route attached the uploaded files to a message.
    files_used: bool,
    /// Attachments created by this request: their `url` and file.
    stored: Vec<(String, RecordedFile)>,
}

struct Failure {
    method: String,
    path_prefix: String,
    status: u16,
    remaining: usize,
}

struct InteractionState {
    id: u64,
    /// Discord's interaction type: 2 command, 3 component, 4 autocomplete, 5 modal submit.
    kind: u64,
    channel_id: u64,
    guild_id: Option<u64>,
    /// Who triggered it (the only one who may submit the modal it opens).
    user: FakeUser,
    /// The user's locale; a modal submit inherits it from the interaction that opened the modal.
    locale: String,
    /// The command's name (legacy `interaction.name` of its responses).
    name: String,
    /// The message the component is on (components, and submits of modals opened by one):
    /// UPDATE_MESSAGE edits it, and after 6 or 7 it is `@original`.
    message: Option<u64>,
    /// `interaction_metadata` of the messages answering this interaction.
    metadata: Value,
    /// When the interaction was dispatched (or built, if never dispatched); the ack deadline
    /// counts from here.
    created: Instant,
    /// The callback type, once acknowledged.
    callback: Option<u64>,
    /// The accepted callback's body (`payload_json` for multipart callbacks).
    response: Option<Value>,
    original: Option<u64>,
    /// Followup messages created through the interaction's webhook.
    followups: Vec<u64>,
    autocomplete_choices: Option<Value>,
    /// The modal a callback 9 opened (`data`, components in Discord's answer form).
    modal: Option<Value>,
    /// Whether that modal was submitted (a modal closes when submitted).
    modal_submitted: bool,
}

#[derive(Default)]
struct GatewayState {
    connections: usize,
    queries: Vec<String>,
    identifies: Vec<Identify>,
    resumes: Vec<Resume>,
    heartbeats: usize,
    received: Vec<Value>,
    session_id: Option<String>,
    seq: u64,
    /// Live connections' outboxes, by connection number.
    outboxes: HashMap<usize, mpsc::UnboundedSender<Message>>,
    /// The connection whose session is current (after READY or RESUMED).
    current: Option<usize>,
    /// Dispatches waiting for a current session: (event name, data).
    pending: Vec<(String, Value)>,
}

impl GatewayState {
    fn send_dispatch(&mut self, connection: usize, event: &str, data: Value) -> u64 {
        self.seq += 1;
        let frame = json!({"op": 0, "t": event, "s": self.seq, "d": data});
        if let Some(outbox) = self.outboxes.get(&connection) {
            let _ = outbox.send(Message::Text(frame.to_string()));
        }
        self.seq
    }

    /// Makes `connection` current and sends it the queued dispatches; returns the tokens of the
    /// interactions among them, whose ack deadline starts now.
    fn make_current(&mut self, connection: usize) -> Vec<String> {
        self.current = Some(connection);
        let mut interaction_tokens = Vec::new();
        for (event, data) in std::mem::take(&mut self.pending) {
            if event == "INTERACTION_CREATE" {
                interaction_tokens.extend(data["token"].as_str().map(str::to_string));
            }
            self.send_dispatch(connection, &event, data);
        }
        interaction_tokens
    }
}

impl FakeDiscord {
    /// Starts REST and gateway on 127.0.0.1 with Discord's defaults.
    pub async fn start() -> FakeDiscord {
        FakeDiscord::start_with(FakeDiscordOptions::default()).await
    }

    /// Starts REST and gateway on 127.0.0.1 with `options`.
    pub async fn start_with(options: FakeDiscordOptions) -> FakeDiscord {
        let api_listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the fake REST port");
        let gateway_listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake gateway port");
        let api_addr = api_listener.local_addr().expect("REST listener has an address");
        let gateway_addr = gateway_listener.local_addr().expect("gateway listener has an address");
        let (changes, _) = watch::channel(0);
        let shared = Arc::new(Shared {
            options,
            application_id: snowflake(),
            bot: FakeUser::bot(snowflake(), "xaas"),
            owner: FakeUser::human(snowflake(), "owner"),
            gateway_url: format!("ws://{gateway_addr}"),
            rest: Mutex::new(RestState::default()),
            gateway: Mutex::new(GatewayState::default()),
            changes,
        });
        let (shutdown, _) = watch::channel(false);

        // uploads up to Discord's limit and beyond must reach the route (axum's default is 2 MB)
        let router = Router::new()
            .fallback(handle_rest)
            .layer(axum::extract::DefaultBodyLimit::max(REQUEST_SIZE_LIMIT))
            .with_state(Arc::clone(&shared));
        let mut stop = shutdown.subscribe();
        let api = tokio::spawn(async move {
            let _ = axum::serve(api_listener, router)
                .with_graceful_shutdown(async move {
                    let _ = stop.changed().await;
                })
                .await;
        });
        let gateway = tokio::spawn(accept_gateway(
            gateway_listener,
            Arc::clone(&shared),
            shutdown.subscribe(),
        ));
        FakeDiscord {
            shared,
            api_addr,
            gateway_addr,
            shutdown,
            tasks: vec![api, gateway],
        }
    }

    /// The REST base the bot is configured with: `http://127.0.0.1:PORT` (routes are under `/api/v10`).
    pub fn api_base(&self) -> String {
        format!("http://{}", self.api_addr)
    }

    /// The gateway URL (`ws://127.0.0.1:PORT`), as `GET /api/v10/gateway` reports it.
    pub fn gateway_url(&self) -> String {
        format!("ws://{}", self.gateway_addr)
    }

    /// The application's snowflake (READY, `/oauth2/applications/@me`, webhooks).
    pub fn application_id(&self) -> u64 {
        self.shared.application_id
    }

    /// The bot user's snowflake.
    pub fn bot_user_id(&self) -> u64 {
        self.shared.bot.id
    }

    /// The bot user (username `xaas`).
    pub fn bot_user(&self) -> FakeUser {
        self.shared.bot.clone()
    }

    /// The application owner's snowflake (poise treats this user as an owner).
    pub fn owner_user_id(&self) -> u64 {
        self.shared.owner.id
    }

    /// Stops both servers and waits for their accept loops to end.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        for task in std::mem::take(&mut self.tasks) {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), task).await.is_err() {
                abort.abort();
            }
        }
    }

    // ---- REST: records and assertions ----

    /// Every REST request so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.rest().requests.clone()
    }

    /// Requests to routes the fake does not know (answered 404).
    pub fn unknown_routes(&self) -> Vec<Recorded> {
        self.shared.rest().unknown_routes.clone()
    }

    /// Request bodies that do not match Discord's OpenAPI spec.
    pub fn spec_violations(&self) -> Vec<SpecViolation> {
        self.shared.rest().violations.clone()
    }

    /// The fake's own JSON answers that do not match the spec's response schema for their
    /// status (`body` is the answer): bugs of the fake, not of the bot.
    pub fn response_violations(&self) -> Vec<SpecViolation> {
        self.shared.rest().response_violations.clone()
    }

    /// Panics listing every response violation (see [`FakeDiscord::response_violations`]).
    pub fn assert_no_response_violations(&self) {
        let violations = self.response_violations();
        if !violations.is_empty() {
            panic!(
                "{} answer(s) of the fake violate Discord's OpenAPI spec:\n{}",
                violations.len(),
                listing(&violations)
            );
        }
    }

    /// Panics listing every spec violation, if there are any.
    pub fn assert_no_spec_violations(&self) {
        let violations = self.spec_violations();
        if !violations.is_empty() {
            panic!(
                "{} request(s) violate Discord's OpenAPI spec:\n{}",
                violations.len(),
                listing(&violations)
            );
        }
    }

    /// Panics listing every request to an unknown route, if there are any.
    pub fn assert_no_unknown_routes(&self) {
        let unknown = self.unknown_routes();
        if !unknown.is_empty() {
            let listing: Vec<String> = unknown.iter().map(|r| format!("{} {}", r.method, r.path)).collect();
            panic!(
                "requests to routes the fake Discord does not know:\n{}",
                listing.join("\n")
            );
        }
    }

    /// Makes the next `count` requests of `method` on paths starting with `path_prefix` (with or
    /// without `/api/v10`) fail with `status` and a Discord JSON error body. They are still
    /// recorded and validated.
    pub fn fail_next(&self, method: &str, path_prefix: &str, status: u16, count: usize) {
        self.shared.rest().failures.push(Failure {
            method: method.to_ascii_uppercase(),
            path_prefix: path_prefix.to_string(),
            status,
            remaining: count,
        });
    }

    /// Waits for a recorded request (already recorded or arriving within `timeout`) that
    /// `predicate` accepts; the first such in arrival order.
    pub async fn wait_for_request(&self, predicate: impl Fn(&Recorded) -> bool, timeout: Duration) -> Option<Recorded> {
        self.wait_until(timeout, |view| {
            view.shared.rest().requests.iter().find(|r| predicate(r)).cloned()
        })
        .await
    }

    /// Global commands as last registered (with ids and versions).
    pub fn global_commands(&self) -> Vec<Value> {
        self.shared.rest().global_commands.clone()
    }

    /// A guild's commands as last registered.
    pub fn guild_commands(&self, guild_id: u64) -> Vec<Value> {
        self.shared
            .rest()
            .guild_commands
            .get(&guild_id)
            .cloned()
            .unwrap_or_default()
    }

    /// Messages the bot created through REST (channel messages, interaction responses,
    /// followups), in creation order, edits applied; deleted ones are left out.
    pub fn sent_messages(&self) -> Vec<Value> {
        let rest = self.shared.rest();
        rest.sent
            .iter()
            .filter_map(|id| rest.messages.get(id).cloned())
            .collect()
    }

    /// Messages the bot created through REST in `channel` (a channel or thread id), in creation
    /// order, edits applied; deleted ones are left out.
    pub fn messages_in(&self, channel: u64) -> Vec<Value> {
        messages_in(&self.shared.rest(), channel)
    }

    /// The threads the bot started through REST (from a message, without one, forum posts), in
    /// order, as `GET /channels/{id}` answers them now (counts and `last_message_id` current).
    pub fn threads_created(&self) -> Vec<Value> {
        let rest = self.shared.rest();
        rest.threads_created
            .iter()
            .filter_map(|id| rest.channels.get(id).cloned())
            .collect()
    }

    /// A channel the fake knows, as `GET /channels/{id}` answers it.
    pub fn channel(&self, id: u64) -> Option<Value> {
        self.shared.rest().channels.get(&id).cloned()
    }

    /// A stored message (gateway form, edits applied), unless deleted or never seen.
    pub fn message(&self, id: u64) -> Option<Value> {
        self.shared.rest().messages.get(&id).cloned()
    }

    /// The original response of the interaction with `token`, edits applied, if there is one.
    pub fn original_response(&self, token: &str) -> Option<Value> {
        let rest = self.shared.rest();
        let id = rest.interactions.get(token)?.original?;
        rest.messages.get(&id).cloned()
    }

    /// The interaction callback type the bot answered with (4 message, 5 deferred, 6 deferred
    /// update, 7 update, 8 autocomplete, 9 modal), if it answered.
    pub fn interaction_callback(&self, token: &str) -> Option<u64> {
        self.shared.rest().interactions.get(token)?.callback
    }

    /// The body of the callback the fake accepted for the interaction with `token` (`{type,
    /// data}` as sent; for a multipart callback its `payload_json`), if the bot answered. Refused
    /// callbacks (late, second, wrong type) are only in [`FakeDiscord::requests`].
    pub fn interaction_response(&self, token: &str) -> Option<Value> {
        self.shared.rest().interactions.get(token)?.response.clone()
    }

    /// The modal the bot opened in answer to the interaction with `token` (callback 9): its
    /// `custom_id`, `title` and `components` as Discord renders them (numbered `id`s, no nulls).
    pub fn modal(&self, token: &str) -> Option<Value> {
        self.shared.rest().interactions.get(token)?.modal.clone()
    }

    /// The uploaded file behind an attachment the fake created, by the attachment's `url` (as in
    /// a stored message's `attachments[].url` or a resolved embed image's `url`).
    pub fn attachment(&self, url: &str) -> Option<RecordedFile> {
        self.shared.rest().attachment_files.get(url).cloned()
    }

    /// The choices the bot answered an autocomplete interaction with, if it did.
    pub fn autocomplete_choices(&self, token: &str) -> Option<Value> {
        self.shared.rest().interactions.get(token)?.autocomplete_choices.clone()
    }

    // ---- Gateway ----

    /// Waits until a session is READY (or RESUMED) and current; `false` on timeout.
    pub async fn wait_ready(&self, timeout: Duration) -> bool {
        self.wait_until(timeout, |view| view.shared.gateway().current.map(|_| ()))
            .await
            .is_some()
    }

    /// Sends a dispatch (op 0) with the next sequence number on the current session, or queues
    /// it until the next READY/RESUMED when there is none. INTERACTION_CREATE starts the
    /// interaction's ack deadline.
    pub fn dispatch(&self, event: &str, data: Value) {
        self.shared.dispatch(event, data);
    }

    /// Sends op 7 RECONNECT on the current connection; the session stays resumable and later
    /// dispatches wait for the RESUME. `false` if no connection was current.
    pub fn send_reconnect(&self) -> bool {
        self.send_and_detach(json!({"op": 7, "d": null}))
    }

    /// Sends op 9 INVALID SESSION (`resumable` as `d`) on the current connection; when not
    /// resumable the session is forgotten, so a RESUME gets another op 9.
    pub fn send_invalid_session(&self, resumable: bool) -> bool {
        if !resumable {
            self.shared.gateway().session_id = None;
        }
        self.send_and_detach(json!({"op": 9, "d": resumable}))
    }

    /// Closes the current connection with a close `code` (4000 = unknown error, resumable).
    pub fn close_connection(&self, code: u16) -> bool {
        let frame = Message::Close(Some(CloseFrame {
            code: CloseCode::from(code),
            reason: "fake discord".into(),
        }));
        self.detach_current(frame)
    }

    fn send_and_detach(&self, frame: Value) -> bool {
        self.detach_current(Message::Text(frame.to_string()))
    }

    fn detach_current(&self, message: Message) -> bool {
        let mut gateway = self.shared.gateway();
        let Some(connection) = gateway.current.take() else {
            return false;
        };
        if let Some(outbox) = gateway.outboxes.get(&connection) {
            let _ = outbox.send(message);
        }
        drop(gateway);
        self.shared.changed();
        true
    }

    /// How many WebSocket connections were accepted so far.
    pub fn connections(&self) -> usize {
        self.shared.gateway().connections
    }

    /// The query string of each connection, in order (serenity sends `v=10`).
    pub fn connection_queries(&self) -> Vec<String> {
        self.shared.gateway().queries.clone()
    }

    /// Every IDENTIFY received, in order.
    pub fn identifies(&self) -> Vec<Identify> {
        self.shared.gateway().identifies.clone()
    }

    /// Every RESUME received, in order.
    pub fn resumes(&self) -> Vec<Resume> {
        self.shared.gateway().resumes.clone()
    }

    /// How many heartbeats (op 1) were received (each was ACKed).
    pub fn heartbeats(&self) -> usize {
        self.shared.gateway().heartbeats
    }

    /// Every frame the clients sent, in order (IDENTIFY, RESUME, heartbeats, presence updates...).
    pub fn gateway_frames(&self) -> Vec<Value> {
        self.shared.gateway().received.clone()
    }

    /// Waits until `check` returns `Some` (checked now and after every change), or `timeout`.
    pub async fn wait_until<T>(
        &self,
        timeout: Duration,
        check: impl Fn(&FakeDiscordView<'_>) -> Option<T>,
    ) -> Option<T> {
        let view = FakeDiscordView { shared: &self.shared };
        let mut changes = self.shared.changes.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            changes.borrow_and_update();
            if let Some(found) = check(&view) {
                return Some(found);
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => continue,
                Ok(Err(_)) | Err(_) => return check(&view),
            }
        }
    }

    // ---- Payload builders ----

    /// INTERACTION_CREATE data for a slash command (type 2) `name` with `options`
    /// (`[{name, type, value}]`), from `user` in `channel` of `guild` (or the bot's DM when
    /// `None`), in `locale`. The interaction's id and token are fresh; the command id is the
    /// registered command's when there is one.
    pub fn slash_command(
        &self,
        name: &str,
        options: Value,
        locale: &str,
        guild: Option<u64>,
        channel: u64,
        user: &FakeUser,
    ) -> Value {
        self.interaction(2, name, options, locale, guild, channel, user)
    }

    /// INTERACTION_CREATE data for autocomplete (type 4); one option should carry
    /// `"focused": true` with the partial text as a string value.
    pub fn autocomplete(
        &self,
        name: &str,
        options: Value,
        locale: &str,
        guild: Option<u64>,
        channel: u64,
        user: &FakeUser,
    ) -> Value {
        self.interaction(4, name, options, locale, guild, channel, user)
    }

    #[allow(clippy::too_many_arguments)]
    fn interaction(
        &self,
        kind: u64,
        name: &str,
        options: Value,
        locale: &str,
        guild: Option<u64>,
        channel: u64,
        user: &FakeUser,
    ) -> Value {
        let command_id = {
            let rest = self.shared.rest();
            guild
                .and_then(|g| rest.guild_commands.get(&g))
                .into_iter()
                .flatten()
                .chain(rest.global_commands.iter())
                .find(|c| c["name"] == name)
                .and_then(|c| c["id"].as_str().map(str::to_string))
                .unwrap_or_else(|| snowflake().to_string())
        };
        self.new_interaction(InteractionSpec {
            kind,
            data: json!({"id": command_id, "name": name, "type": 1, "options": options}),
            locale,
            guild,
            channel,
            user,
            name: name.to_string(),
            message: None,
            triggering: None,
        })
    }

    /// Registers a fresh interaction (new id and token; its ack deadline starts now, and again
    /// when dispatched) and returns its INTERACTION_CREATE data: the envelope Discord sends with
    /// every interaction type (channel with the app's permissions, `member` in guilds or `user`
    /// in DMs, locales, `app_permissions`, integration owners, context, upload limit) around
    /// `spec.data`, plus `message` in the REST form, as stored now, for interactions on a message.
    fn new_interaction(&self, spec: InteractionSpec<'_>) -> Value {
        let id = snowflake();
        let token = format!("fake-interaction-token-{id}-{}", snowflake());
        let owners = match spec.guild {
            Some(guild_id) => json!({"0": guild_id.to_string()}),
            None => json!({"0": "0"}),
        };
        let mut metadata = json!({
            "id": id.to_string(),
            "type": spec.kind,
            "user": spec.user.to_json(),
            "authorizing_integration_owners": owners,
        });
        if let (3, Some(message_id)) = (spec.kind, spec.message) {
            metadata["interacted_message_id"] = json!(message_id.to_string());
        }
        if let Some(triggering) = spec.triggering {
            metadata["triggering_interaction_metadata"] = triggering;
        }
        let mut rest = self.shared.rest();
        ensure_channel(&mut rest, spec.channel, spec.guild, spec.user);
        let mut channel_json = rest.channels[&spec.channel].clone();
        if spec.guild.is_some() {
            channel_json["permissions"] = json!(ALL_PERMISSIONS);
        }
        let message_json = spec.message.and_then(|m| rest.messages.get(&m)).map(rest_message_json);
        rest.interactions.insert(
            token.clone(),
            InteractionState {
                id,
                kind: spec.kind,
                channel_id: spec.channel,
                guild_id: spec.guild,
                user: spec.user.clone(),
                locale: spec.locale.to_string(),
                name: spec.name,
                message: spec.message,
                metadata,
                created: Instant::now(),
                callback: None,
                response: None,
                original: None,
                followups: Vec::new(),
                autocomplete_choices: None,
                modal: None,
                modal_submitted: false,
            },
        );
        drop(rest);

        let mut interaction = json!({
            "id": id.to_string(),
            "application_id": self.shared.application_id.to_string(),
            "type": spec.kind,
            "token": token,
            "version": 1,
            "data": spec.data,
            "channel_id": spec.channel.to_string(),
            "channel": channel_json,
            "locale": spec.locale,
            "app_permissions": ALL_PERMISSIONS,
            "entitlements": [],
            "authorizing_integration_owners": owners,
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        });
        if let Some(message) = message_json {
            interaction["message"] = message;
        }
        match spec.guild {
            Some(guild_id) => {
                interaction["guild_id"] = json!(guild_id.to_string());
                interaction["guild_locale"] = json!("en-US");
                interaction["member"] = member_json(spec.user);
                interaction["context"] = json!(0);
            }
            None => {
                interaction["user"] = spec.user.to_json();
                interaction["context"] = json!(1);
            }
        }
        interaction
    }

    /// MESSAGE_CREATE data: `content` by `author` in `channel` of `guild` (a DM when `None`),
    /// mentioning `mentions`. The message is remembered, so replies referencing it are accepted;
    /// an unknown channel becomes known (a text channel `general` in `guild`, or a DM with
    /// `author`). In a known thread the message counts and carries `position`.
    pub fn message_create(
        &self,
        content: &str,
        author: &FakeUser,
        channel: u64,
        guild: Option<u64>,
        mentions: &Mentions,
    ) -> Value {
        let message = user_message(snowflake(), content, author, channel, guild, mentions);
        let mut rest = self.shared.rest();
        ensure_channel(&mut rest, channel, guild, author);
        store_message(&mut rest, message)
    }

    /// MESSAGE_CREATE data for a reply (type 19) by `author` to message `replied_to`, otherwise
    /// like [`FakeDiscord::message_create`]. `message_reference` is `{type: 0, message_id,
    /// channel_id, guild_id}` of the target (its stored channel and guild, even once deleted;
    /// `channel`/`guild` for an id the fake never saw). `referenced_message` is the stored
    /// target, one level deep, or `null` when it was deleted, as Discord sends it. Who is
    /// mentioned is `mentions` only: add the target's author for a pinging reply (Discord's
    /// default in clients).
    pub fn message_reply(
        &self,
        content: &str,
        author: &FakeUser,
        channel: u64,
        guild: Option<u64>,
        mentions: &Mentions,
        replied_to: u64,
    ) -> Value {
        let mut message = user_message(snowflake(), content, author, channel, guild, mentions);
        let mut rest = self.shared.rest();
        ensure_channel(&mut rest, channel, guild, author);
        let (referenced, target_channel, target_guild) = match rest.messages.get(&replied_to) {
            Some(target) => (
                referenced_copy(target),
                snowflake_of(&target["channel_id"]).unwrap_or(channel),
                snowflake_of(&target["guild_id"]),
            ),
            None => {
                let (target_channel, target_guild) = rest.deleted.get(&replied_to).copied().unwrap_or((channel, guild));
                (Value::Null, target_channel, target_guild)
            }
        };
        message["type"] = json!(19);
        message["message_reference"] = json!({
            "type": 0,
            "message_id": replied_to.to_string(),
            "channel_id": target_channel.to_string(),
        });
        if let Some(target_guild) = target_guild {
            message["message_reference"]["guild_id"] = json!(target_guild.to_string());
        }
        message["referenced_message"] = referenced;
        store_message(&mut rest, message)
    }

    /// Deletes a stored message (any: built or sent by the bot), as a user or moderator would:
    /// `GET /channels/{c}/messages/{id}` then answers 404 10008, replies to it carry
    /// `referenced_message: null`, a thread's `message_count` goes down. Returns MESSAGE_DELETE
    /// data (`id`, `channel_id`, `guild_id` in guilds) for the test to dispatch, or `None` when
    /// the fake has no such message. Dispatches nothing.
    pub fn delete_message(&self, id: u64) -> Option<Value> {
        let message = remove_message(&mut self.shared.rest(), id)?;
        let mut data = json!({"id": message["id"], "channel_id": message["channel_id"]});
        if !message["guild_id"].is_null() {
            data["guild_id"] = message["guild_id"].clone();
        }
        Some(data)
    }

    /// Makes a channel known (replacing what the fake knew of it), so `GET /channels/{id}`
    /// answers it and the bot's messages there land in `guild`. `kind` is Discord's channel type:
    /// 1 DM (no guild; the recipient is the first human author of a stored message there, else
    /// the application owner), 10/11/12 threads (`parent` required; owner the application owner,
    /// name `thread-{id}`, `thread_metadata` open), anything else a guild channel named
    /// `channel-{id}` (0 text, 15 forum `forum-{id}` with no tags; `parent` is its category).
    /// Panics when a guild channel or thread has no guild, or a thread no parent.
    pub fn add_channel(&self, id: u64, guild: Option<u64>, kind: u64, parent: Option<u64>) {
        let mut rest = self.shared.rest();
        let json = match (kind, guild) {
            (CHANNEL_DM, _) => {
                let channel = id.to_string();
                let recipient = rest
                    .messages
                    .values()
                    .filter(|m| m["channel_id"].as_str() == Some(channel.as_str()))
                    .filter(|m| m["author"]["bot"] != json!(true))
                    .min_by_key(|m| snowflake_of(&m["id"]))
                    .map(|m| m["author"].clone())
                    .unwrap_or_else(|| self.shared.owner.to_json());
                dm_channel_with(id, recipient)
            }
            (kind, Some(guild)) if is_thread_kind(kind) => {
                let parent = parent.unwrap_or_else(|| panic!("add_channel: thread {id} needs a parent channel"));
                let name = format!("thread-{id}");
                let parent_kind = rest.channels.get(&parent).and_then(|c| c["type"].as_u64());
                let in_forum = matches!(parent_kind, Some(CHANNEL_FORUM | CHANNEL_MEDIA));
                thread_json(&ThreadSpec {
                    id,
                    kind,
                    guild,
                    parent,
                    owner: self.shared.owner.id,
                    name: &name,
                    auto_archive_minutes: DEFAULT_AUTO_ARCHIVE_MINUTES,
                    rate_limit_per_user: 0,
                    tags: in_forum.then(|| json!([])),
                })
            }
            (kind, Some(guild)) => {
                let name = match kind {
                    CHANNEL_FORUM => format!("forum-{id}"),
                    _ => format!("channel-{id}"),
                };
                guild_channel_json(id, guild, kind, parent, &name)
            }
            (kind, None) => panic!("add_channel: channel {id} of type {kind} needs a guild"),
        };
        rest.channels.insert(id, json);
        drop(rest);
        self.shared.changed();
    }

    /// A forum post by `author` in `forum` of `guild`, as Discord delivers it. Creates a thread
    /// (type 11, a fresh snowflake id, `parent_id` = `forum`, `owner_id` = `author`, `name` =
    /// `title`, `applied_tags` empty) and its starter message (type 0, `content`, id = the
    /// thread's id, `channel_id` = the thread's id, `position` 0); both are stored (an unknown
    /// `forum` becomes a known forum channel). Returns (THREAD_CREATE data with `newly_created:
    /// true`, MESSAGE_CREATE data of the starter message); dispatch them in that order.
    pub fn forum_post(&self, forum: u64, guild: u64, author: &FakeUser, title: &str, content: &str) -> (Value, Value) {
        let id = snowflake();
        let mut rest = self.shared.rest();
        rest.channels
            .entry(forum)
            .or_insert_with(|| guild_channel_json(forum, guild, CHANNEL_FORUM, None, &format!("forum-{forum}")));
        let thread = thread_json(&ThreadSpec {
            id,
            kind: CHANNEL_PUBLIC_THREAD,
            guild,
            parent: forum,
            owner: author.id,
            name: title,
            auto_archive_minutes: DEFAULT_AUTO_ARCHIVE_MINUTES,
            rate_limit_per_user: 0,
            tags: Some(json!([])),
        });
        rest.channels.insert(id, thread);
        let starter = user_message(id, content, author, id, Some(guild), &Mentions::default());
        let starter = store_message(&mut rest, starter);
        let created = thread_create_json(&rest.channels[&id]);
        (created, starter)
    }

    /// Dispatches GUILD_CREATE for `guild` (serenity caches the guild, its channels and threads
    /// from it; THREAD_CREATE only reaches the cache of a guild it has) and returns the data.
    /// `channels` are (id, type) of non-thread channels to make known first (like
    /// [`FakeDiscord::add_channel`] without a parent, when not known with that type); the event
    /// lists every known channel of the guild, threads under `threads`, and the bot as a
    /// member. Panics on a thread type in `channels` (add threads with `add_channel`).
    pub fn guild_create(&self, guild: u64, channels: &[(u64, u64)]) -> Value {
        for &(id, kind) in channels {
            assert!(
                !is_thread_kind(kind),
                "guild_create: {id} is a thread; add it with add_channel"
            );
            let known = self.shared.rest().channels.get(&id).and_then(|c| c["type"].as_u64());
            if known != Some(kind) {
                self.add_channel(id, Some(guild), kind, None);
            }
        }
        let data = {
            let rest = self.shared.rest();
            let guild_id = guild.to_string();
            let mut in_guild: Vec<&Value> = rest
                .channels
                .values()
                .filter(|c| c["guild_id"].as_str() == Some(guild_id.as_str()))
                .collect();
            in_guild.sort_by_key(|c| snowflake_of(&c["id"]));
            let (threads, others): (Vec<&Value>, Vec<&Value>) = in_guild
                .into_iter()
                .partition(|c| c["type"].as_u64().is_some_and(is_thread_kind));
            guild_create_json(&self.shared, guild, &others, &threads)
        };
        self.shared.dispatch("GUILD_CREATE", data.clone());
        data
    }
}

/// What [`FakeDiscord::new_interaction`] builds an interaction from.
struct InteractionSpec<'a> {
    /// Discord's interaction type (2, 3, 4 or 5).
    kind: u64,
    /// The type's `data` payload.
    data: Value,
    locale: &'a str,
    guild: Option<u64>,
    channel: u64,
    user: &'a FakeUser,
    /// The command's name (commands and autocomplete); empty otherwise.
    name: String,
    /// The message the interaction is on (components; modal submits of modals opened by one).
    message: Option<u64>,
    /// For modal submits: the `interaction_metadata` of the interaction that opened the modal.
    triggering: Option<Value>,
}

/// A message by a user (the gateway form, with `guild_id` and `member` in guilds).
fn user_message(
    id: u64,
    content: &str,
    author: &FakeUser,
    channel: u64,
    guild: Option<u64>,
    mentions: &Mentions,
) -> Value {
    let mut message = json!({
        "id": id.to_string(),
        "channel_id": channel.to_string(),
        "author": author.to_json(),
        "content": content,
        "timestamp": now_timestamp(),
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": mentions.everyone,
        "mentions": mentions.users.iter().map(FakeUser::to_json).collect::<Vec<_>>(),
        "mention_roles": mentions.roles.iter().map(u64::to_string).collect::<Vec<_>>(),
        "attachments": [],
        "embeds": [],
        "components": [],
        "pinned": false,
        "type": 0,
        "flags": 0,
        "nonce": id.to_string(),
    });
    if let Some(guild_id) = guild {
        message["guild_id"] = json!(guild_id.to_string());
        let mut member = member_json(author);
        if let Some(fields) = member.as_object_mut() {
            fields.remove("user");
        }
        message["member"] = member;
    }
    message
}

/// GUILD_CREATE data: a small guild owned by the application owner, with the `@everyone` role
/// (all permissions), the bot as its one member, `channels` (without `guild_id`, as Discord
/// sends them there) and active `threads`.
fn guild_create_json(shared: &Shared, guild: u64, channels: &[&Value], threads: &[&Value]) -> Value {
    let channels: Vec<Value> = channels
        .iter()
        .map(|c| {
            let mut c = (*c).clone();
            if let Some(fields) = c.as_object_mut() {
                fields.remove("guild_id");
            }
            c
        })
        .collect();
    let mut guild_json = json!({
        "id": guild.to_string(),
        "name": format!("guild-{guild}"),
        "icon": null,
        "icon_hash": null,
        "splash": null,
        "discovery_splash": null,
        "owner_id": shared.owner.id.to_string(),
        "afk_channel_id": null,
        "afk_timeout": 300,
        "widget_enabled": false,
        "widget_channel_id": null,
        "verification_level": 0,
        "default_message_notifications": 1,
        "explicit_content_filter": 0,
        "roles": [{
            "id": guild.to_string(),
            "name": "@everyone",
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
            "hoist": false,
            "icon": null,
            "unicode_emoji": null,
            "position": 0,
            "permissions": ALL_PERMISSIONS,
            "managed": false,
            "mentionable": false,
            "flags": 0,
        }],
        "emojis": [],
        "features": [],
        "mfa_level": 0,
        "application_id": null,
        "system_channel_id": null,
        "system_channel_flags": 0,
        "rules_channel_id": null,
        "max_presences": null,
        "max_members": 500_000,
        "vanity_url_code": null,
        "description": null,
        "banner": null,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": null,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "nsfw_level": 0,
        "stickers": [],
        "premium_progress_bar_enabled": false,
        "safety_alerts_channel_id": null,
        "incidents_data": null,
    });
    // GUILD_CREATE's extra fields (one `json!` would exceed the macro recursion limit)
    let extra = json!({
        "joined_at": "2024-01-01T00:00:00.000000+00:00",
        "large": false,
        "unavailable": false,
        "member_count": 1,
        "voice_states": [],
        "members": [member_json(&shared.bot)],
        "channels": channels,
        "threads": threads,
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    });
    if let (Some(fields), Value::Object(extra)) = (guild_json.as_object_mut(), extra) {
        fields.extend(extra);
    }
    guild_json
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// A read-only look at the fake's state for [`FakeDiscord::wait_until`] checks.
pub struct FakeDiscordView<'a> {
    shared: &'a Shared,
}

impl FakeDiscordView<'_> {
    /// Every REST request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.rest().requests.clone()
    }

    /// How many WebSocket connections were accepted.
    pub fn connections(&self) -> usize {
        self.shared.gateway().connections
    }

    /// How many IDENTIFYs were received.
    pub fn identify_count(&self) -> usize {
        self.shared.gateway().identifies.len()
    }

    /// How many RESUMEs were received.
    pub fn resume_count(&self) -> usize {
        self.shared.gateway().resumes.len()
    }

    /// Whether a session is current (READY or RESUMED, not detached by op 7/9 or a close).
    pub fn ready(&self) -> bool {
        self.shared.gateway().current.is_some()
    }

    /// Messages the bot created through REST, edits applied.
    pub fn sent_messages(&self) -> Vec<Value> {
        let rest = self.shared.rest();
        rest.sent
            .iter()
            .filter_map(|id| rest.messages.get(id).cloned())
            .collect()
    }

    /// Messages the bot created through REST in `channel`, edits applied.
    pub fn messages_in(&self, channel: u64) -> Vec<Value> {
        messages_in(&self.shared.rest(), channel)
    }
}

fn messages_in(rest: &RestState, channel: u64) -> Vec<Value> {
    let channel = channel.to_string();
    rest.sent
        .iter()
        .filter_map(|id| rest.messages.get(id))
        .filter(|m| m["channel_id"].as_str() == Some(channel.as_str()))
        .cloned()
        .collect()
}

/// Violations one per paragraph, for panics.
fn listing(violations: &[SpecViolation]) -> String {
    violations
        .iter()
        .map(|v| {
            format!(
                "{} {} (spec: {}):\n    {}\n    body: {}",
                v.method,
                v.path,
                v.operation.as_deref().unwrap_or("no operation"),
                v.errors.join("\n    "),
                v.body
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl Shared {
    fn rest(&self) -> MutexGuard<'_, RestState> {
        self.rest.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn gateway(&self) -> MutexGuard<'_, GatewayState> {
        self.gateway.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Restarts the ack deadline of the interactions with these tokens (they are being sent now).
    fn start_ack_deadlines(&self, tokens: impl IntoIterator<Item = String>) {
        let mut rest = self.rest();
        for token in tokens {
            if let Some(interaction) = rest.interactions.get_mut(&token) {
                interaction.created = Instant::now();
            }
        }
    }

    fn changed(&self) {
        self.changes.send_modify(|n| *n += 1);
    }

    /// See [`FakeDiscord::dispatch`]. Must not be called with the REST lock held.
    fn dispatch(&self, event: &str, data: Value) {
        if event == "INTERACTION_CREATE" {
            self.start_ack_deadlines(data["token"].as_str().map(str::to_string));
        }
        let mut gateway = self.gateway();
        match gateway.current {
            Some(connection) => {
                gateway.send_dispatch(connection, event, data);
            }
            None => gateway.pending.push((event.to_string(), data)),
        }
    }

    fn application_json(&self) -> Value {
        json!({
            "id": self.application_id.to_string(),
            "name": "xaas-test",
            "icon": null,
            "description": "xaas-bot under test",
            "summary": "",
            "type": null,
            "bot_public": false,
            "bot_require_code_grant": false,
            "verify_key": "0000000000000000000000000000000000000000000000000000000000000000",
            "flags": 0,
            "owner": self.owner.to_json(),
            "team": null,
            "bot": self.bot.to_json(),
            "redirect_uris": [],
            "interactions_endpoint_url": null,
            "role_connections_verification_url": null,
            "tags": [],
            "approximate_guild_count": 1,
            "integration_types_config": {"0": {}},
            "flags_new": "0",
            "approximate_user_install_count": 0,
            "approximate_user_authorization_count": 0,
            "explicit_content_filter": 0,
            "eligible_oauth2_scopes": ["bot", "applications.commands"],
        })
    }

    fn current_user_json(&self) -> Value {
        let mut user = self.bot.to_json();
        user["verified"] = json!(true);
        user["mfa_enabled"] = json!(false);
        user["email"] = json!(null);
        user["locale"] = json!("en-US");
        user
    }
}

// ---- REST ----

/// What a route answers: a status and an optional JSON body; `unknown` marks unrouted requests;
/// `dispatches` are sent on the gateway once the REST state is unlocked.
struct Reply {
    status: u16,
    body: Option<Value>,
    unknown: bool,
    dispatches: Vec<(String, Value)>,
}

impl Reply {
    fn with_status(status: u16, body: Option<Value>) -> Reply {
        Reply {
            status,
            body,
            unknown: false,
            dispatches: Vec::new(),
        }
    }

    fn json(body: Value) -> Reply {
        Reply::with_status(200, Some(body))
    }

    fn created(body: Value) -> Reply {
        Reply::with_status(201, Some(body))
    }

    fn no_content() -> Reply {
        Reply::with_status(204, None)
    }

    fn error(status: u16, code: u64, message: &str) -> Reply {
        Reply::with_status(status, Some(json!({"message": message, "code": code})))
    }

    /// Discord's 400 50035 "Invalid Form Body", with `field`'s error in Discord's nesting.
    fn invalid_form(field: &str, code: &str, message: &str) -> Reply {
        Reply::with_status(
            400,
            Some(json!({
                "message": "Invalid Form Body",
                "code": 50035,
                "errors": {field: {"_errors": [{"code": code, "message": message}]}},
            })),
        )
    }

    fn unknown() -> Reply {
        Reply {
            unknown: true,
            ..Reply::with_status(404, Some(json!({"message": "404: Not Found", "code": 0})))
        }
    }

    fn dispatching(mut self, event: &str, data: Value) -> Reply {
        self.dispatches.push((event.to_string(), data));
        self
    }

    fn injected(status: u16) -> Reply {
        let reason = StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Error");
        let mut body = json!({"message": format!("{status}: {reason}"), "code": 0});
        if status == 429 {
            body["retry_after"] = json!(0.0);
            body["global"] = json!(false);
        }
        Reply::with_status(status, Some(body))
    }
}

fn path_matches(path: &str, prefix: &str) -> bool {
    path.starts_with(prefix) || path.strip_prefix("/api/v10").is_some_and(|p| p.starts_with(prefix))
}

async fn handle_rest(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    header_map: HeaderMap,
    raw_body: Bytes,
) -> Response {
    let method = method.as_str().to_ascii_uppercase();
    let path = uri.path().to_string();
    let query = uri.query().map(str::to_string);
    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in &header_map {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        headers
            .entry(name.as_str().to_ascii_lowercase())
            .and_modify(|v| *v = format!("{v}, {value}"))
            .or_insert(value);
    }
    let ParsedBody {
        json: body,
        problems: body_problems,
        files,
    } = parse_body(headers.get("content-type").map(String::as_str), &raw_body);

    let api_path = path.strip_prefix("/api/v10").map(str::to_string);
    let mut errors = body_problems;
    let mut operation = None;
    if let Some(api_path) = &api_path {
        let (check_method, check_path, check_query, check_body) = (
            method.clone(),
            api_path.clone(),
            query.clone(),
            attachments::for_spec(&body),
        );
        let checked = tokio::task::spawn_blocking(move || {
            spec::check(&check_method, &check_path, check_query.as_deref(), &check_body)
        })
        .await
        .unwrap_or_else(|error| Err((None, vec![format!("the validator panicked: {error}")])));
        if let Err((template, problems)) = checked {
            operation = template;
            errors.extend(problems);
        }
    }

    let mut reply = {
        let mut rest = shared.rest();
        rest.current = CurrentRequest {
            files: files.clone(),
            ..CurrentRequest::default()
        };
        let injected = rest
            .failures
            .iter_mut()
            .find(|f| f.remaining > 0 && f.method == method && path_matches(&path, &f.path_prefix));
        let reply = match injected {
            Some(failure) => {
                failure.remaining -= 1;
                Reply::injected(failure.status)
            }
            None => match attachments::too_large(&files) {
                Some(problem) => {
                    rest.current.problems.push(problem);
                    Reply::error(413, 40005, "Request entity too large")
                }
                None => route(&shared, &mut rest, &method, &path, query.as_deref(), &body),
            },
        };
        let current = std::mem::take(&mut rest.current);
        errors.extend(current.problems);
        if !files.is_empty() && !current.files_used && reply.status < 300 {
            errors.push(format!(
                "{} file(s) uploaded to {method} {path}, which attaches no files: Discord drops them",
                files.len()
            ));
        }
        rest.attachment_files.extend(current.stored);
        if !errors.is_empty() && api_path.is_some() {
            let operation = operation.or_else(|| api_path.as_deref().and_then(|p| spec::operation_of(&method, p)));
            rest.violations.push(SpecViolation {
                method: method.clone(),
                path: path.clone(),
                operation,
                errors,
                body: body.clone(),
            });
        }
        let recorded = Recorded {
            method: method.clone(),
            path: path.clone(),
            query,
            headers,
            body,
            files,
            status: reply.status,
        };
        if reply.unknown {
            rest.unknown_routes.push(recorded.clone());
        }
        rest.requests.push(recorded);
        reply
    };
    for (event, data) in std::mem::take(&mut reply.dispatches) {
        shared.dispatch(&event, data);
    }
    shared.changed();

    if let (Some(api_path), Some(answer), false) = (path.strip_prefix("/api/v10"), &reply.body, reply.unknown) {
        let (check_method, check_path, check_body, status) =
            (method.clone(), api_path.to_string(), answer.clone(), reply.status);
        let checked =
            tokio::task::spawn_blocking(move || spec::check_response(&check_method, &check_path, status, &check_body))
                .await
                .unwrap_or_else(|error| Err((None, vec![format!("the validator panicked: {error}")])));
        if let Err((operation, errors)) = checked {
            shared.rest().response_violations.push(SpecViolation {
                method: method.clone(),
                path: path.clone(),
                operation,
                errors,
                body: answer.clone(),
            });
            shared.changed();
        }
    }

    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match reply.body {
        Some(body) => (status, axum::Json(body)).into_response(),
        None => status.into_response(),
    }
}

/// A request body as the fake reads it.
struct ParsedBody {
    /// The JSON body: `null` when empty, the `payload_json` part of a multipart body, or the raw
    /// text when it is not JSON.
    json: Value,
    /// What is wrong with the body's form (not JSON, a malformed multipart part, ...).
    problems: Vec<String>,
    /// The file parts of a multipart body.
    files: Vec<RecordedFile>,
}

/// Reads a JSON or `multipart/form-data` body (see [`attachments::parse_multipart`]).
fn parse_body(content_type: Option<&str>, raw: &[u8]) -> ParsedBody {
    let mut parsed = ParsedBody {
        json: Value::Null,
        problems: Vec::new(),
        files: Vec::new(),
    };
    if raw.is_empty() {
        return parsed;
    }
    if let Some(boundary) = content_type
        .filter(|c| c.starts_with("multipart/form-data"))
        .and_then(|c| c.split(';').find_map(|p| p.trim().strip_prefix("boundary=")))
    {
        let multipart = attachments::parse_multipart(boundary.trim_matches('"'), raw);
        parsed.problems = multipart.problems;
        parsed.files = multipart.files;
        match multipart.payload_json {
            Some(content) => match serde_json::from_slice(&content) {
                Ok(value) => parsed.json = value,
                Err(error) => {
                    parsed.json = Value::String(String::from_utf8_lossy(&content).into_owned());
                    parsed.problems.push(format!("payload_json is not JSON: {error}"));
                }
            },
            None => parsed
                .problems
                .push("multipart body without a payload_json part".to_string()),
        }
        return parsed;
    }
    match serde_json::from_slice(raw) {
        Ok(value) => parsed.json = value,
        Err(error) => {
            parsed.json = Value::String(String::from_utf8_lossy(raw).into_owned());
            parsed.problems.push(format!("body is not JSON: {error}"));
        }
    }
    parsed
}

fn route(shared: &Shared, rest: &mut RestState, method: &str, path: &str, query: Option<&str>, body: &Value) -> Reply {
    let Some(api_path) = path.strip_prefix("/api/v10/") else {
        return Reply::unknown();
    };
    let segments: Vec<&str> = api_path.trim_end_matches('/').split('/').collect();
    let app = shared.application_id.to_string();
    let id = |segment: &str| segment.parse::<u64>().ok();
    match (method, segments.as_slice()) {
        ("GET", ["gateway"]) => Reply::json(json!({"url": shared.gateway_url})),
        ("GET", ["gateway", "bot"]) => Reply::json(json!({
            "url": shared.gateway_url,
            "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1},
        })),
        ("GET", ["users", "@me"]) => Reply::json(shared.current_user_json()),
        ("GET", ["oauth2", "applications", "@me"]) | ("GET", ["applications", "@me"]) => {
            Reply::json(shared.application_json())
        }
        ("GET", ["applications", a, "commands"]) if *a == app => {
            Reply::json(Value::Array(rest.global_commands.clone()))
        }
        ("PUT", ["applications", a, "commands"]) if *a == app => {
            let commands = overwrite_commands(shared, &rest.global_commands, None, body);
            rest.global_commands = commands.clone();
            Reply::json(Value::Array(commands))
        }
        ("POST", ["applications", a, "commands"]) if *a == app => {
            let command = upsert_command(shared, &mut rest.global_commands, None, body);
            Reply::json(command)
        }
        ("GET", ["applications", a, "guilds", g, "commands"]) if *a == app && id(g).is_some() => {
            Reply::json(Value::Array(
                rest.guild_commands
                    .get(&id(g).unwrap_or_default())
                    .cloned()
                    .unwrap_or_default(),
            ))
        }
        ("PUT", ["applications", a, "guilds", g, "commands"]) if *a == app && id(g).is_some() => {
            let guild = id(g).unwrap_or_default();
            let old = rest.guild_commands.get(&guild).cloned().unwrap_or_default();
            let commands = overwrite_commands(shared, &old, Some(guild), body);
            rest.guild_commands.insert(guild, commands.clone());
            Reply::json(Value::Array(commands))
        }
        ("POST", ["applications", a, "guilds", g, "commands"]) if *a == app && id(g).is_some() => {
            let guild = id(g).unwrap_or_default();
            let list = rest.guild_commands.entry(guild).or_default();
            Reply::json(upsert_command(shared, list, Some(guild), body))
        }
        ("POST", ["interactions", interaction_id, token, "callback"]) => {
            interaction_callback(shared, rest, interaction_id, token, body)
        }
        (_, ["webhooks", a, ..]) if *a != app => Reply::error(404, 10015, "Unknown Webhook"),
        ("GET" | "PATCH" | "DELETE", ["webhooks", _, token, "messages", "@original"]) => {
            let Some(interaction) = rest.interactions.get(*token) else {
                return Reply::error(404, 10015, "Unknown Webhook");
            };
            let Some(message_id) = interaction.original else {
                return Reply::error(404, 10008, "Unknown Message");
            };
            webhook_message(rest, method, token, message_id, body)
        }
        ("GET" | "PATCH" | "DELETE", ["webhooks", _, token, "messages", message]) if id(message).is_some() => {
            let Some(interaction) = rest.interactions.get(*token) else {
                return Reply::error(404, 10015, "Unknown Webhook");
            };
            let message_id = id(message).unwrap_or_default();
            if interaction.original != Some(message_id) && !interaction.followups.contains(&message_id) {
                return Reply::error(404, 10008, "Unknown Message");
            }
            webhook_message(rest, method, token, message_id, body)
        }
        ("POST", ["webhooks", _, token]) => {
            let Some(interaction) = rest.interactions.get(*token) else {
                return Reply::error(404, 10015, "Unknown Webhook");
            };
            if interaction.callback.is_none() {
                return Reply::error(404, 10015, "Unknown Webhook");
            }
            match answer_message(shared, rest, token, body, true) {
                Ok(message) => {
                    let id = snowflake_of(&message["id"]).unwrap_or_default();
                    if let Some(interaction) = rest.interactions.get_mut(*token) {
                        interaction.followups.push(id);
                    }
                    Reply::json(message)
                }
                Err(reply) => reply,
            }
        }
        ("POST", ["channels", channel, "messages"]) if id(channel).is_some() => {
            let channel_id = id(channel).unwrap_or_default();
            let guild_id = guild_of_channel(rest, channel_id);
            match new_message(shared, rest, channel_id, guild_id, body, 0) {
                Ok(message) => Reply::json(message),
                Err(reply) => reply,
            }
        }
        ("GET" | "PATCH" | "DELETE", ["channels", channel, "messages", message])
            if id(channel).is_some() && id(message).is_some() =>
        {
            let message_id = id(message).unwrap_or_default();
            let in_channel = rest
                .messages
                .get(&message_id)
                .is_some_and(|m| m["channel_id"] == *channel && !is_ephemeral(m));
            if !in_channel {
                return Reply::error(404, 10008, "Unknown Message");
            }
            match method {
                "GET" => Reply::json(rest_message_json(&rest.messages[&message_id])),
                "DELETE" => {
                    remove_message(rest, message_id);
                    Reply::no_content()
                }
                _ => {
                    let bot_id = shared.bot.id.to_string();
                    if rest.messages[&message_id]["author"]["id"] != bot_id.as_str() {
                        return Reply::error(403, 50005, "Cannot edit a message authored by another user");
                    }
                    Reply::json(edit_message(rest, message_id, body))
                }
            }
        }
        ("GET", ["channels", channel, "messages"]) if id(channel).is_some() => {
            list_messages(rest, id(channel).unwrap_or_default(), query.unwrap_or(""))
        }
        ("GET", ["channels", channel]) if id(channel).is_some() => {
            match rest.channels.get(&id(channel).unwrap_or_default()) {
                Some(known) => Reply::json(known.clone()),
                None => Reply::error(404, 10003, "Unknown Channel"),
            }
        }
        ("POST", ["channels", channel, "messages", message, "threads"])
            if id(channel).is_some() && id(message).is_some() =>
        {
            let (channel_id, message_id) = (id(channel).unwrap_or_default(), id(message).unwrap_or_default());
            start_thread_from_message(shared, rest, channel_id, message_id, body)
        }
        ("POST", ["channels", channel, "threads"]) if id(channel).is_some() => {
            start_thread(shared, rest, id(channel).unwrap_or_default(), body)
        }
        ("POST", ["channels", channel, "typing"]) if id(channel).is_some() => Reply::no_content(),
        ("POST", ["users", "@me", "channels"]) => {
            let Some(recipient) = body["recipient_id"].as_str().and_then(|r| r.parse::<u64>().ok()) else {
                return Reply::invalid_form("recipient_id", "BASE_TYPE_REQUIRED", "This field is required");
            };
            // Discord answers the same DM channel for the same recipient
            let recipient_id = recipient.to_string();
            let existing = rest
                .channels
                .values()
                .find(|c| c["type"] == CHANNEL_DM && c["recipients"][0]["id"].as_str() == Some(recipient_id.as_str()));
            if let Some(existing) = existing {
                return Reply::json(existing.clone());
            }
            let channel_id = snowflake();
            let user = FakeUser::human(recipient, &format!("user-{recipient}"));
            let channel = dm_channel_json(channel_id, &user);
            rest.channels.insert(channel_id, channel.clone());
            Reply::json(channel)
        }
        _ => Reply::unknown(),
    }
}

/// The guild a channel belongs to: a known channel's, else from the interactions and messages
/// the fake built.
fn guild_of_channel(rest: &RestState, channel_id: u64) -> Option<u64> {
    let channel = channel_id.to_string();
    if let Some(known) = rest.channels.get(&channel_id) {
        return snowflake_of(&known["guild_id"]);
    }
    rest.interactions
        .values()
        .find(|i| i.channel_id == channel_id)
        .and_then(|i| i.guild_id)
        .or_else(|| {
            rest.messages
                .values()
                .find(|m| m["channel_id"] == channel.as_str())
                .and_then(|m| m["guild_id"].as_str())
                .and_then(|g| g.parse().ok())
        })
}

/// A command as Discord returns it: the request's fields plus id, application_id, version and
/// the defaults Discord fills in. Ids survive re-registration under the same name and type.
fn command_json(shared: &Shared, existing: &[Value], guild: Option<u64>, request: &Value) -> Value {
    let mut command = request.clone();
    let kind = request["type"].as_u64().unwrap_or(1);
    let same = existing
        .iter()
        .find(|c| c["name"] == request["name"] && c["type"].as_u64() == Some(kind));
    let id = same
        .and_then(|c| c["id"].as_str().map(str::to_string))
        .unwrap_or_else(|| snowflake().to_string());
    let Some(fields) = command.as_object_mut() else {
        return command;
    };
    if let Some(options) = fields.get_mut("options") {
        *options = discord_options(options);
    }
    fields.insert("id".into(), json!(id));
    fields.insert("type".into(), json!(kind));
    fields.insert("application_id".into(), json!(shared.application_id.to_string()));
    fields.insert("version".into(), json!(snowflake().to_string()));
    fields.entry("description").or_insert(json!(""));
    fields.entry("default_member_permissions").or_insert(Value::Null);
    fields.entry("nsfw").or_insert(json!(false));
    fields.entry("name_localizations").or_insert(Value::Null);
    fields.entry("description_localizations").or_insert(Value::Null);
    match guild {
        Some(guild_id) => {
            fields.insert("guild_id".into(), json!(guild_id.to_string()));
        }
        None => {
            fields.entry("dm_permission").or_insert(json!(true));
            fields.entry("integration_types").or_insert(json!([0]));
            fields.entry("contexts").or_insert(Value::Null);
        }
    }
    command
}

/// Command options as Discord answers them: without the `null` fields and empty `choices`,
/// `options` and `channel_types` that a request may carry.
fn discord_options(options: &Value) -> Value {
    let Some(options) = options.as_array() else {
        return options.clone();
    };
    let options = options.iter().map(|option| {
        let Some(fields) = option.as_object() else {
            return option.clone();
        };
        let kept = fields.iter().filter_map(|(key, value)| match value {
            Value::Null => None,
            Value::Array(items)
                if items.is_empty() && ["choices", "options", "channel_types"].contains(&key.as_str()) =>
            {
                None
            }
            _ if key == "options" => Some((key.clone(), discord_options(value))),
            _ => Some((key.clone(), value.clone())),
        });
        Value::Object(kept.collect())
    });
    Value::Array(options.collect())
}

fn overwrite_commands(shared: &Shared, existing: &[Value], guild: Option<u64>, body: &Value) -> Vec<Value> {
    let requests = body.as_array().cloned().unwrap_or_default();
    requests
        .iter()
        .map(|request| command_json(shared, existing, guild, request))
        .collect()
}

fn upsert_command(shared: &Shared, list: &mut Vec<Value>, guild: Option<u64>, body: &Value) -> Value {
    let command = command_json(shared, list, guild, body);
    match list.iter_mut().find(|c| c["id"] == command["id"]) {
        Some(slot) => *slot = command.clone(),
        None => list.push(command.clone()),
    }
    command
}

/// `POST /interactions/{id}/{token}/callback`: the first answer to an interaction, within the
/// ack deadline, of a callback type valid for the interaction's type (Discord: 6 and 7 only for
/// components and modals opened by one, 8 only for autocomplete, 9 not for modal submits).
/// 4 and 5 create the response message (`@original`), 6 makes the component's message
/// `@original`, 7 edits it in place (and makes it `@original`), 8 keeps the choices, 9 checks
/// and keeps the modal.
fn interaction_callback(
    shared: &Shared,
    rest: &mut RestState,
    interaction_id: &str,
    token: &str,
    body: &Value,
) -> Reply {
    let deadline = shared.options.interaction_ack_deadline;
    let Some(interaction) = rest.interactions.get(token) else {
        return Reply::error(404, 10062, "Unknown interaction");
    };
    if interaction.id.to_string() != interaction_id || interaction.created.elapsed() > deadline {
        return Reply::error(404, 10062, "Unknown interaction");
    }
    if interaction.callback.is_some() {
        return Reply::error(400, 40060, "Interaction has already been acknowledged.");
    }
    let Some(kind) = body["type"].as_u64() else {
        return Reply::error(400, 50035, "Invalid Form Body");
    };
    let (interaction_kind, component_message) = (interaction.kind, interaction.message);
    let allowed: &[u64] = match (interaction_kind, component_message.is_some()) {
        (2, _) => &[4, 5, 9],
        (3, _) => &[4, 5, 6, 7, 9],
        (4, _) => &[8],
        (5, true) => &[4, 5, 6, 7],
        (5, false) => &[4, 5],
        _ => &[],
    };
    if !allowed.contains(&kind) {
        let names = ["", "ping", "command", "component", "autocomplete", "modal submit"];
        let name = names.get(interaction_kind as usize).copied().unwrap_or("unknown");
        let choices = allowed.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
        rest.current.problems.push(format!(
            "at '/type': callback type {kind} is not valid for {name} interactions (Discord accepts {{{choices}}})"
        ));
        return Reply::invalid_form(
            "type",
            "BASE_TYPE_CHOICES",
            &format!("Value must be one of {{{choices}}}."),
        );
    }
    rest.current.at = "/data".to_string();
    let data = &body["data"];
    let mut modal = None;
    let original = match kind {
        4 => match answer_message(shared, rest, token, data, false) {
            Ok(message) => snowflake_of(&message["id"]),
            Err(reply) => return reply,
        },
        5 => {
            let flags = FLAG_LOADING | (data["flags"].as_u64().unwrap_or(0) & FLAG_EPHEMERAL);
            let placeholder = json!({"content": "", "flags": flags, "allowed_mentions": {"parse": []}});
            match answer_message(shared, rest, token, &placeholder, false) {
                Ok(message) => snowflake_of(&message["id"]),
                Err(reply) => return reply,
            }
        }
        6 => component_message,
        7 => match component_message.filter(|id| rest.messages.contains_key(id)) {
            Some(message_id) => {
                edit_message(rest, message_id, data);
                Some(message_id)
            }
            None => return Reply::error(404, 10008, "Unknown Message"),
        },
        9 => {
            modal = Some(components::modal(data, "/data", &mut rest.current.problems));
            None
        }
        _ => None,
    };
    let interaction = rest
        .interactions
        .get_mut(token)
        .expect("looked up above under the same lock");
    interaction.callback = Some(kind);
    interaction.response = Some(body.clone());
    interaction.original = original;
    interaction.modal = modal;
    if kind == 8 {
        interaction.autocomplete_choices = Some(data["choices"].clone());
    }
    Reply::no_content()
}

/// Creates a message answering the interaction with `token` (callback 4 or 5, or a followup):
/// `body` in the interaction's channel, from the application's webhook, with
/// `interaction_metadata` (plus `original_response_message_id` on followups) and, for commands,
/// the legacy `interaction`. Answers to components (and to modals opened by one) are replies
/// (type 19) to the component's message, as Discord makes them; answers to commands are type 20.
fn answer_message(
    shared: &Shared,
    rest: &mut RestState,
    token: &str,
    body: &Value,
    followup: bool,
) -> Result<Value, Reply> {
    let interaction = rest.interactions.get(token).expect("callers look the interaction up");
    let (channel_id, guild_id, reply_to) = (interaction.channel_id, interaction.guild_id, interaction.message);
    let mut metadata = interaction.metadata.clone();
    if let (true, Some(original)) = (followup, interaction.original) {
        metadata["original_response_message_id"] = json!(original.to_string());
    }
    let legacy = (interaction.kind == 2).then(|| {
        json!({
            "id": interaction.id.to_string(),
            "type": 2,
            "name": interaction.name,
            "user": interaction.user.to_json(),
        })
    });
    let mut body = body.clone();
    let kind = match reply_to {
        Some(target) => {
            body["message_reference"] = json!({"message_id": target.to_string(), "fail_if_not_exists": false});
            0
        }
        None => 20,
    };
    let message = new_message(shared, rest, channel_id, guild_id, &body, kind)?;
    let id = snowflake_of(&message["id"]).unwrap_or_default();
    let stored = rest.messages.get_mut(&id).expect("new_message stores the message");
    let application_id = json!(shared.application_id.to_string());
    stored["webhook_id"] = application_id.clone();
    stored["application_id"] = application_id;
    stored["interaction_metadata"] = metadata;
    if let Some(legacy) = legacy {
        stored["interaction"] = legacy;
    }
    Ok(stored.clone())
}

fn webhook_message(rest: &mut RestState, method: &str, token: &str, message_id: u64, body: &Value) -> Reply {
    if !rest.messages.contains_key(&message_id) {
        return Reply::error(404, 10008, "Unknown Message");
    }
    match method {
        "GET" => Reply::json(rest.messages[&message_id].clone()),
        "DELETE" => {
            remove_message(rest, message_id);
            if let Some(interaction) = rest.interactions.get_mut(token) {
                if interaction.original == Some(message_id) {
                    interaction.original = None;
                }
            }
            Reply::no_content()
        }
        _ => Reply::json(edit_message(rest, message_id, body)),
    }
}

/// Creates a message from a create-message body (`kind` 0 for channel messages, 20 for
/// interaction responses), remembering it as sent by the bot.
fn new_message(
    shared: &Shared,
    rest: &mut RestState,
    channel_id: u64,
    guild_id: Option<u64>,
    body: &Value,
    kind: u64,
) -> Result<Value, Reply> {
    new_message_with_id(shared, rest, snowflake(), channel_id, guild_id, body, kind)
}

/// [`new_message`] with a given id (a forum post's starter message has the thread's id).
fn new_message_with_id(
    shared: &Shared,
    rest: &mut RestState,
    id: u64,
    channel_id: u64,
    guild_id: Option<u64>,
    body: &Value,
    kind: u64,
) -> Result<Value, Reply> {
    let mut referenced = Value::Null;
    let mut kind = kind;
    if let Some(reference) = body["message_reference"].as_object() {
        let target = reference
            .get("message_id")
            .and_then(Value::as_str)
            .and_then(|id| id.parse::<u64>().ok());
        match target.and_then(|id| rest.messages.get(&id)) {
            Some(message) => referenced = referenced_copy(message),
            None if reference.get("fail_if_not_exists") != Some(&json!(false)) => {
                return Err(Reply::invalid_form(
                    "message_reference",
                    "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
                    "Unknown message",
                ));
            }
            None => {}
        }
        if kind == 0 {
            kind = 19;
        }
    }
    let mut message = json!({
        "id": id.to_string(),
        "channel_id": channel_id.to_string(),
        "author": shared.bot.to_json(),
        "content": "",
        "timestamp": now_timestamp(),
        "edited_timestamp": null,
        "tts": body["tts"].as_bool().unwrap_or(false),
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "pinned": false,
        "type": kind,
        "flags": 0,
    });
    if let Some(guild_id) = guild_id {
        message["guild_id"] = json!(guild_id.to_string());
    }
    if kind == 20 {
        message["webhook_id"] = json!(shared.application_id.to_string());
        message["application_id"] = json!(shared.application_id.to_string());
    }
    if !referenced.is_null() {
        message["message_reference"] = json!({
            "type": 0,
            "message_id": referenced["id"],
            "channel_id": referenced["channel_id"],
        });
        if !referenced["guild_id"].is_null() {
            message["message_reference"]["guild_id"] = referenced["guild_id"].clone();
        }
        message["referenced_message"] = referenced;
    }
    apply_content(&mut message, body, true, &mut rest.current);
    let message = store_message(rest, message);
    rest.sent.push(id);
    Ok(message)
}

/// A message as `referenced_message` carries it: one level deep, like Discord (the copy keeps
/// its own `message_reference` but not its `referenced_message`).
fn referenced_copy(message: &Value) -> Value {
    let mut copy = message.clone();
    if let Some(fields) = copy.as_object_mut() {
        fields.remove("referenced_message");
    }
    copy
}

/// A stored message as Discord's REST answers it: without the gateway-only `guild_id` and
/// `member`, also in the `referenced_message` it carries.
fn rest_message_json(message: &Value) -> Value {
    let mut message = message.clone();
    if let Some(fields) = message.as_object_mut() {
        fields.remove("guild_id");
        fields.remove("member");
        if let Some(referenced) = fields.get_mut("referenced_message").and_then(Value::as_object_mut) {
            referenced.remove("guild_id");
            referenced.remove("member");
        }
    }
    message
}

/// Whether a stored message is ephemeral (flag 64): only its interaction's webhook reaches it.
fn is_ephemeral(message: &Value) -> bool {
    message["flags"].as_u64().unwrap_or(0) & FLAG_EPHEMERAL != 0
}

/// A snowflake field (`"123"`) as a number; `None` for null, missing or malformed.
fn snowflake_of(value: &Value) -> Option<u64> {
    value.as_str().and_then(|id| id.parse().ok())
}

fn is_thread_kind(kind: u64) -> bool {
    matches!(
        kind,
        CHANNEL_ANNOUNCEMENT_THREAD | CHANNEL_PUBLIC_THREAD | CHANNEL_PRIVATE_THREAD
    )
}

/// Remembers a message (built or created through REST) and updates its channel, when known:
/// `last_message_id` and, in threads, `message_count`, `total_message_sent` and the message's
/// `position` (0 for a forum post's starter message, which has the thread's id and is not
/// counted, like Discord). Returns the message as stored.
fn store_message(rest: &mut RestState, mut message: Value) -> Value {
    let Some(id) = snowflake_of(&message["id"]) else {
        return message;
    };
    let channel_id = snowflake_of(&message["channel_id"]).unwrap_or_default();
    if let Some(channel) = rest.channels.get_mut(&channel_id) {
        channel["last_message_id"] = json!(id.to_string());
        if channel["type"].as_u64().is_some_and(is_thread_kind) {
            let mut position = 0;
            if id != channel_id {
                position = channel["total_message_sent"].as_u64().unwrap_or(0) + 1;
                channel["total_message_sent"] = json!(position);
                channel["message_count"] = json!(channel["message_count"].as_u64().unwrap_or(0) + 1);
            }
            message["position"] = json!(position);
        }
    }
    rest.messages.insert(id, message.clone());
    message
}

/// Forgets a message, leaving a tombstone (its channel and guild) for replies to it; a thread's
/// `message_count` goes down (not `total_message_sent`, like Discord). Returns the message.
fn remove_message(rest: &mut RestState, id: u64) -> Option<Value> {
    let message = rest.messages.remove(&id)?;
    let channel_id = snowflake_of(&message["channel_id"]).unwrap_or_default();
    rest.deleted
        .insert(id, (channel_id, snowflake_of(&message["guild_id"])));
    if let Some(channel) = rest.channels.get_mut(&channel_id) {
        if channel["type"].as_u64().is_some_and(is_thread_kind) && id != channel_id {
            let count = channel["message_count"].as_u64().unwrap_or(0);
            channel["message_count"] = json!(count.saturating_sub(1));
        }
    }
    Some(message)
}

fn edit_message(rest: &mut RestState, message_id: u64, body: &Value) -> Value {
    let RestState { messages, current, .. } = rest;
    let message = messages.get_mut(&message_id).expect("callers check the message exists");
    apply_content(message, body, body.get("content").is_some(), current);
    let edits = ["content", "embeds", "components", "attachments"];
    if edits.iter().any(|field| body.get(*field).is_some()) || !current.files.is_empty() {
        message["edited_timestamp"] = json!(now_timestamp());
    }
    // an edit of a deferred response's placeholder replaces it
    if let Some(flags) = message["flags"].as_u64() {
        message["flags"] = json!(flags & !FLAG_LOADING);
    }
    message.clone()
}

/// Copies content, embeds, flags and components (checked against Discord's component rules,
/// stored in Discord's answer form) from a request body, applies its attachments and uploaded
/// files, resolves `attachment://` embed URLs, and, when `resolve_mentions`, resolves mentions
/// the way Discord does: `<@id>`, `<@&id>` and `@everyone`/`@here` ping unless
/// `allowed_mentions` forbids it (no `allowed_mentions` = everything allowed), and a reply pings
/// its author unless `allowed_mentions` is sent without `replied_user: true`. Rules broken go to
/// `current.problems`. An edit keeps EPHEMERAL (and LOADING, cleared by the caller) whatever
/// `flags` it sends, like Discord.
fn apply_content(message: &mut Value, body: &Value, resolve_mentions: bool, current: &mut CurrentRequest) {
    if let Some(content) = body.get("content").filter(|c| c.is_string()) {
        message["content"] = content.clone();
    }
    if let Some(embeds) = body.get("embeds").filter(|e| e.is_array()) {
        let embeds: Vec<Value> = embeds
            .as_array()
            .into_iter()
            .flatten()
            .map(|embed| {
                let mut embed = embed.clone();
                if let Some(fields) = embed.as_object_mut() {
                    fields.entry("type").or_insert(json!("rich"));
                }
                embed
            })
            .collect();
        message["embeds"] = Value::Array(embeds);
    }
    if let Some(flags) = body.get("flags").and_then(Value::as_u64) {
        let kept = message["flags"].as_u64().unwrap_or(0) & (FLAG_LOADING | FLAG_EPHEMERAL);
        message["flags"] = json!(flags | kept);
    }
    if let Some(components) = body.get("components").filter(|c| c.is_array()) {
        let flags = message["flags"].as_u64().unwrap_or(0);
        let at = format!("{}/components", current.at);
        components::check_message_components(components, &at, flags, &mut current.problems);
        message["components"] = components::answer_form(components);
    }
    attachments::apply(message, body, current);
    if body.get("embeds").is_some_and(Value::is_array) {
        attachments::resolve_embeds(message, current);
    }
    if !resolve_mentions {
        return;
    }
    let content = message["content"].as_str().unwrap_or("").to_string();
    let allowed = body.get("allowed_mentions").filter(|a| !a.is_null());
    let parses = |kind: &str| match allowed {
        None => true,
        Some(allowed) => allowed["parse"].as_array().is_some_and(|p| p.iter().any(|k| k == kind)),
    };
    let listed = |kind: &str, id: &str| {
        allowed.is_some_and(|allowed| allowed[kind].as_array().is_some_and(|ids| ids.iter().any(|i| i == id)))
    };
    let mut users: Vec<Value> = Vec::new();
    for id in mention_ids(&content, "<@", &['!']) {
        if (parses("users") || listed("users", &id)) && !users.iter().any(|u| u["id"] == id) {
            users.push(FakeUser::human(id.parse().unwrap_or_default(), &format!("user-{id}")).to_json());
        }
    }
    let replied_user_pinged = allowed.is_none_or(|a| a["replied_user"].as_bool().unwrap_or(false));
    if replied_user_pinged {
        if let Some(author) = message
            .get("referenced_message")
            .map(|r| r["author"].clone())
            .filter(|a| !a.is_null())
        {
            if !users.iter().any(|u| u["id"] == author["id"]) {
                users.push(author);
            }
        }
    }
    let roles: Vec<Value> = mention_ids(&content, "<@&", &[])
        .into_iter()
        .filter(|id| parses("roles") || listed("roles", id))
        .map(Value::String)
        .collect();
    let everyone = (content.contains("@everyone") || content.contains("@here")) && parses("everyone");
    message["mentions"] = Value::Array(users);
    message["mention_roles"] = Value::Array(roles);
    message["mention_everyone"] = json!(everyone);
}

/// The ids in `<@123>`-style mentions starting with `open` (optionally followed by one of `skip`).
fn mention_ids(content: &str, open: &str, skip: &[char]) -> Vec<String> {
    let mut ids = Vec::new();
    let mut rest = content;
    while let Some(start) = rest.find(open) {
        let after = &rest[start + open.len()..];
        let after = after.strip_prefix(|c| skip.contains(&c)).unwrap_or(after);
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() && after[digits.len()..].starts_with('>') {
            ids.push(digits);
        }
        rest = &rest[start + open.len()..];
    }
    ids
}

fn member_json(user: &FakeUser) -> Value {
    json!({
        "user": user.to_json(),
        "nick": null,
        "avatar": null,
        "banner": null,
        "roles": [],
        "joined_at": "2024-01-01T00:00:00.000000+00:00",
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "permissions": ALL_PERMISSIONS,
        "communication_disabled_until": null,
    })
}

/// A guild channel that is not a thread (text, announcement, category, forum, ...) as
/// `GET /channels/{id}` answers it: no `permissions`, which only interactions carry.
fn guild_channel_json(channel: u64, guild: u64, kind: u64, parent: Option<u64>, name: &str) -> Value {
    let mut json = json!({
        "id": channel.to_string(),
        "type": kind,
        "guild_id": guild.to_string(),
        "name": name,
        "position": 0,
        "parent_id": parent.map(|p| p.to_string()),
        "permission_overwrites": [],
        "nsfw": false,
        "topic": null,
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "flags": 0,
    });
    if matches!(kind, CHANNEL_FORUM | CHANNEL_MEDIA) {
        json["available_tags"] = json!([]);
        json["default_reaction_emoji"] = Value::Null;
        json["default_sort_order"] = Value::Null;
        json["default_forum_layout"] = json!(0);
        json["default_thread_rate_limit_per_user"] = json!(0);
    }
    json
}

/// What a thread is started with.
struct ThreadSpec<'a> {
    id: u64,
    kind: u64,
    guild: u64,
    parent: u64,
    owner: u64,
    name: &'a str,
    auto_archive_minutes: u64,
    rate_limit_per_user: u64,
    /// Forum and media posts carry `applied_tags`.
    tags: Option<Value>,
}

/// A new thread as Discord renders it: its creator is its one member, no messages yet,
/// `thread_metadata` open and unlocked, archive timestamp = creation time.
fn thread_json(thread: &ThreadSpec<'_>) -> Value {
    let now = now_timestamp();
    let mut json = json!({
        "id": thread.id.to_string(),
        "type": thread.kind,
        "guild_id": thread.guild.to_string(),
        "parent_id": thread.parent.to_string(),
        "owner_id": thread.owner.to_string(),
        "name": thread.name,
        "last_message_id": null,
        "last_pin_timestamp": null,
        "rate_limit_per_user": thread.rate_limit_per_user,
        "flags": 0,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "thread_metadata": {
            "archived": false,
            "auto_archive_duration": thread.auto_archive_minutes,
            "archive_timestamp": now,
            "locked": false,
            "create_timestamp": now,
        },
    });
    if thread.kind == CHANNEL_PRIVATE_THREAD {
        json["thread_metadata"]["invitable"] = json!(true);
    }
    if let Some(tags) = &thread.tags {
        json["applied_tags"] = tags.clone();
    }
    json
}

/// THREAD_CREATE data for a thread just created: the channel plus `newly_created: true`.
fn thread_create_json(thread: &Value) -> Value {
    let mut data = thread.clone();
    data["newly_created"] = json!(true);
    data
}

fn dm_channel_json(channel: u64, user: &FakeUser) -> Value {
    dm_channel_with(channel, user.to_json())
}

/// A DM channel with `recipient` (a user object).
fn dm_channel_with(channel: u64, recipient: Value) -> Value {
    json!({
        "id": channel.to_string(),
        "type": CHANNEL_DM,
        "last_message_id": null,
        "flags": 0,
        "recipients": [recipient],
    })
}

/// Registers a channel the fake's builders imply, unless known: a text channel named `general`
/// in `guild`, or a DM with `user` when there is no guild.
fn ensure_channel(rest: &mut RestState, channel: u64, guild: Option<u64>, user: &FakeUser) {
    rest.channels.entry(channel).or_insert_with(|| match guild {
        Some(guild) => guild_channel_json(channel, guild, CHANNEL_TEXT, None, "general"),
        None => dm_channel_json(channel, user),
    });
}

/// Whether the channel exists for Discord: known, or holding messages the fake saw.
fn channel_exists(rest: &RestState, channel_id: u64) -> bool {
    let channel = channel_id.to_string();
    rest.channels.contains_key(&channel_id)
        || rest
            .messages
            .values()
            .any(|m| m["channel_id"].as_str() == Some(channel.as_str()))
}

/// A thread's name, auto-archive duration and slowmode from a start-thread body, validated like
/// Discord (400 50035 naming the field). `default_archive` applies when the body has none.
fn thread_options(body: &Value, default_archive: u64) -> Result<(String, u64, u64), Reply> {
    let name = match &body["name"] {
        Value::String(name) if (1..=100).contains(&name.chars().count()) => name.clone(),
        Value::String(_) => {
            return Err(Reply::invalid_form(
                "name",
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 100 in length.",
            ))
        }
        Value::Null => {
            return Err(Reply::invalid_form(
                "name",
                "BASE_TYPE_REQUIRED",
                "This field is required",
            ))
        }
        _ => {
            return Err(Reply::invalid_form(
                "name",
                "STRING_TYPE_CONVERT",
                "Could not interpret as string.",
            ))
        }
    };
    let auto_archive = match &body["auto_archive_duration"] {
        Value::Null => default_archive,
        value => match value.as_u64() {
            Some(minutes @ (60 | 1440 | 4320 | 10080)) => minutes,
            _ => {
                return Err(Reply::invalid_form(
                    "auto_archive_duration",
                    "BASE_TYPE_CHOICES",
                    "Value must be one of {60, 1440, 4320, 10080}.",
                ))
            }
        },
    };
    let rate_limit = match &body["rate_limit_per_user"] {
        Value::Null => 0,
        value => match value.as_u64() {
            Some(seconds @ 0..=21_600) => seconds,
            _ => {
                return Err(Reply::invalid_form(
                    "rate_limit_per_user",
                    "NUMBER_TYPE_MAX",
                    "int value should be less than or equal to 21600.",
                ))
            }
        },
    };
    Ok((name, auto_archive, rate_limit))
}

/// `POST /channels/{channel}/messages/{message}/threads`: the thread takes the message's id, the
/// message gets `thread`, THREAD_CREATE goes to the current session.
fn start_thread_from_message(
    shared: &Shared,
    rest: &mut RestState,
    channel_id: u64,
    message_id: u64,
    body: &Value,
) -> Reply {
    let channel = channel_id.to_string();
    let Some(message) = rest
        .messages
        .get(&message_id)
        .filter(|m| m["channel_id"].as_str() == Some(channel.as_str()))
    else {
        return if channel_exists(rest, channel_id) {
            Reply::error(404, 10008, "Unknown Message")
        } else {
            Reply::error(404, 10003, "Unknown Channel")
        };
    };
    let already = !message["thread"].is_null() || rest.channels.contains_key(&message_id);
    let parent = rest.channels.get(&channel_id);
    let parent_kind = parent.and_then(|c| c["type"].as_u64()).unwrap_or(CHANNEL_TEXT);
    let default_archive = parent
        .and_then(|c| c["default_auto_archive_duration"].as_u64())
        .unwrap_or(DEFAULT_AUTO_ARCHIVE_MINUTES);
    let guild = guild_of_channel(rest, channel_id);
    let Some(guild) = guild.filter(|_| matches!(parent_kind, CHANNEL_TEXT | CHANNEL_ANNOUNCEMENT)) else {
        return Reply::error(400, 50024, "Cannot execute action on this channel type");
    };
    if already {
        return Reply::error(400, 160004, "A thread has already been created for this message");
    }
    let (name, auto_archive_minutes, rate_limit_per_user) = match thread_options(body, default_archive) {
        Ok(options) => options,
        Err(reply) => return reply,
    };
    let kind = if parent_kind == CHANNEL_ANNOUNCEMENT {
        CHANNEL_ANNOUNCEMENT_THREAD
    } else {
        CHANNEL_PUBLIC_THREAD
    };
    let thread = thread_json(&ThreadSpec {
        id: message_id,
        kind,
        guild,
        parent: channel_id,
        owner: shared.bot.id,
        name: &name,
        auto_archive_minutes,
        rate_limit_per_user,
        tags: None,
    });
    rest.channels.insert(message_id, thread.clone());
    rest.threads_created.push(message_id);
    if let Some(message) = rest.messages.get_mut(&message_id) {
        message["thread"] = thread.clone();
    }
    let created = thread_create_json(&thread);
    Reply::created(thread).dispatching("THREAD_CREATE", created)
}

/// `POST /channels/{channel}/threads`: a thread without a starter message in a text channel
/// (`type` 10, 11 or 12; Discord's default is 12, private), or a post in a forum or media channel,
/// whose required `message` becomes the starter message with the thread's id; either way
/// THREAD_CREATE goes to the current session.
fn start_thread(shared: &Shared, rest: &mut RestState, channel_id: u64, body: &Value) -> Reply {
    if !channel_exists(rest, channel_id) {
        return Reply::error(404, 10003, "Unknown Channel");
    }
    let parent = rest.channels.get(&channel_id);
    let parent_kind = parent.and_then(|c| c["type"].as_u64()).unwrap_or(CHANNEL_TEXT);
    let default_archive = parent
        .and_then(|c| c["default_auto_archive_duration"].as_u64())
        .unwrap_or(DEFAULT_AUTO_ARCHIVE_MINUTES);
    let allowed = matches!(
        parent_kind,
        CHANNEL_TEXT | CHANNEL_ANNOUNCEMENT | CHANNEL_FORUM | CHANNEL_MEDIA
    );
    let Some(guild) = guild_of_channel(rest, channel_id).filter(|_| allowed) else {
        return Reply::error(400, 50024, "Cannot execute action on this channel type");
    };
    let (name, auto_archive_minutes, rate_limit_per_user) = match thread_options(body, default_archive) {
        Ok(options) => options,
        Err(reply) => return reply,
    };
    let id = snowflake();
    let post = matches!(parent_kind, CHANNEL_FORUM | CHANNEL_MEDIA);
    let kind = if post {
        CHANNEL_PUBLIC_THREAD
    } else {
        match &body["type"] {
            Value::Null => CHANNEL_PRIVATE_THREAD,
            value => match value.as_u64() {
                Some(kind) if is_thread_kind(kind) => kind,
                _ => return Reply::invalid_form("type", "BASE_TYPE_CHOICES", "Value must be one of {10, 11, 12}."),
            },
        }
    };
    let starter = body.get("message").filter(|m| m.is_object());
    if post && starter.is_none() {
        return Reply::invalid_form("message", "BASE_TYPE_REQUIRED", "This field is required");
    }
    let tags = post.then(|| body["applied_tags"].as_array().cloned().map_or(json!([]), Value::Array));
    let thread = thread_json(&ThreadSpec {
        id,
        kind,
        guild,
        parent: channel_id,
        owner: shared.bot.id,
        name: &name,
        auto_archive_minutes,
        rate_limit_per_user,
        tags,
    });
    rest.channels.insert(id, thread);
    let answer = match starter {
        Some(starter) => match new_message_with_id(shared, rest, id, id, Some(guild), starter, 0) {
            Ok(message) => {
                let mut thread = rest.channels[&id].clone();
                thread["message"] = rest_message_json(&message);
                thread
            }
            Err(reply) => {
                rest.channels.remove(&id);
                return reply;
            }
        },
        None => rest.channels[&id].clone(),
    };
    rest.threads_created.push(id);
    let created = thread_create_json(&rest.channels[&id]);
    Reply::created(answer).dispatching("THREAD_CREATE", created)
}

/// `GET /channels/{channel}/messages`: the channel's messages newest first, at most `limit`
/// (1–100, default 50), before, after or around a message id (at most one applies, `around`
/// first), in the REST form.
fn list_messages(rest: &RestState, channel_id: u64, query: &str) -> Reply {
    let pairs = query_pairs(query);
    let param = |name: &str| pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    let limit = match param("limit").map(str::parse::<i64>) {
        None => DEFAULT_MESSAGE_PAGE,
        Some(Ok(limit @ 1..=100)) => limit as usize,
        Some(Ok(limit)) if limit < 1 => {
            return Reply::invalid_form(
                "limit",
                "NUMBER_TYPE_MIN",
                "int value should be greater than or equal to 1.",
            )
        }
        Some(Ok(_)) => {
            return Reply::invalid_form(
                "limit",
                "NUMBER_TYPE_MAX",
                "int value should be less than or equal to 100.",
            )
        }
        Some(Err(_)) => return Reply::invalid_form("limit", "NUMBER_TYPE_COERCE", "Value is not int."),
    };
    let mut anchors = Vec::new();
    for name in ["around", "before", "after"] {
        match param(name).map(str::parse::<u64>) {
            None => {}
            Some(Ok(id)) => anchors.push((name, id)),
            Some(Err(_)) => return Reply::invalid_form(name, "NUMBER_TYPE_COERCE", "Value is not snowflake."),
        }
    }
    if !channel_exists(rest, channel_id) {
        return Reply::error(404, 10003, "Unknown Channel");
    }
    let channel = channel_id.to_string();
    let mut ids: Vec<u64> = rest
        .messages
        .iter()
        .filter(|(_, m)| m["channel_id"].as_str() == Some(channel.as_str()) && !is_ephemeral(m))
        .map(|(id, _)| *id)
        .collect();
    ids.sort_unstable_by(|a, b| b.cmp(a));
    let page: Vec<u64> = match anchors.first() {
        None => ids.into_iter().take(limit).collect(),
        Some(("before", before)) => ids.into_iter().filter(|id| id < before).take(limit).collect(),
        Some(("after", after)) => {
            let newer: Vec<u64> = ids.into_iter().filter(|id| id > after).collect();
            let skip = newer.len().saturating_sub(limit);
            newer.into_iter().skip(skip).collect()
        }
        Some((_, around)) => {
            let newer: Vec<u64> = ids.iter().copied().filter(|id| id > around).collect();
            let newer_count = (limit / 2).min(newer.len());
            let older = ids.iter().copied().filter(|id| id <= around).take(limit - newer_count);
            newer[newer.len() - newer_count..]
                .iter()
                .copied()
                .chain(older)
                .collect()
        }
    };
    Reply::json(Value::Array(
        page.iter().map(|id| rest_message_json(&rest.messages[id])).collect(),
    ))
}

/// A query string's `name=value` pairs, decoded.
fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

/// `%XX` escapes and `+` decoded; malformed escapes are kept as they are.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| text.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (bytes[i], escaped) {
            (_, Some(byte)) => {
                decoded.push(byte);
                i += 3;
            }
            (b'+', None) => {
                decoded.push(b' ');
                i += 1;
            }
            (byte, None) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

// ---- Gateway ----

async fn accept_gateway(listener: TcpListener, shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = shutdown.changed() => return,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                tokio::spawn(serve_gateway_connection(Arc::clone(&shared), stream, shutdown.clone()));
            }
        }
    }
}

async fn serve_gateway_connection(shared: Arc<Shared>, stream: TcpStream, mut shutdown: watch::Receiver<bool>) {
    let mut query = String::new();
    // the callback's signature is tungstenite's, large error type included
    #[allow(clippy::result_large_err)]
    let callback = |request: &Request, response: WsResponse| -> Result<WsResponse, ErrorResponse> {
        query = request.uri().query().unwrap_or("").to_string();
        Ok(response)
    };
    let Ok(socket) = tokio_tungstenite::accept_hdr_async(stream, callback).await else {
        return;
    };
    let (mut sink, mut incoming) = socket.split();
    let (outbox, mut outgoing) = mpsc::unbounded_channel::<Message>();
    let connection = {
        let mut gateway = shared.gateway();
        gateway.connections += 1;
        gateway.queries.push(query);
        let connection = gateway.connections;
        gateway.outboxes.insert(connection, outbox.clone());
        connection
    };
    shared.changed();
    let hello =
        json!({"op": 10, "d": {"heartbeat_interval": shared.options.heartbeat_interval_ms}, "s": null, "t": null});
    let _ = outbox.send(Message::Text(hello.to_string()));

    loop {
        tokio::select! {
            _ = shutdown.changed() => {
                let _ = sink.send(Message::Close(None)).await;
                break;
            }
            Some(message) = outgoing.recv() => {
                let closing = matches!(message, Message::Close(_));
                if sink.send(message).await.is_err() || closing {
                    break;
                }
            }
            frame = incoming.next() => match frame {
                Some(Ok(Message::Text(text))) => handle_gateway_frame(&shared, connection, &text),
                Some(Ok(Message::Binary(bytes))) => handle_gateway_frame(&shared, connection, &String::from_utf8_lossy(&bytes)),
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            }
        }
    }

    let mut gateway = shared.gateway();
    gateway.outboxes.remove(&connection);
    if gateway.current == Some(connection) {
        gateway.current = None;
    }
    drop(gateway);
    shared.changed();
}

fn handle_gateway_frame(shared: &Shared, connection: usize, text: &str) {
    let frame: Value = serde_json::from_str(text).unwrap_or_else(|_| json!({"op": null, "raw": text}));
    let mut gateway = shared.gateway();
    gateway.received.push(frame.clone());
    let data = &frame["d"];
    let mut flushed_interactions = Vec::new();
    match frame["op"].as_u64() {
        Some(1) => {
            gateway.heartbeats += 1;
            if let Some(outbox) = gateway.outboxes.get(&connection) {
                let _ = outbox.send(Message::Text(
                    json!({"op": 11, "d": null, "s": null, "t": null}).to_string(),
                ));
            }
        }
        Some(2) => {
            gateway.identifies.push(Identify {
                token: data["token"].as_str().unwrap_or("").to_string(),
                intents: data["intents"].as_u64().unwrap_or(0),
                data: data.clone(),
            });
            let session_id = format!("fake-session-{}", snowflake());
            gateway.session_id = Some(session_id.clone());
            gateway.seq = 0;
            let ready = json!({
                "v": 10,
                "user": shared.current_user_json(),
                "guilds": [],
                "session_id": session_id,
                "session_type": "normal",
                "resume_gateway_url": shared.gateway_url,
                "shard": [0, 1],
                "application": {"id": shared.application_id.to_string(), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "_trace": ["fake-discord"],
            });
            gateway.send_dispatch(connection, "READY", ready);
            flushed_interactions = gateway.make_current(connection);
        }
        Some(6) => {
            let session_id = data["session_id"].as_str().unwrap_or("").to_string();
            let accepted = gateway.session_id.as_deref() == Some(session_id.as_str());
            gateway.resumes.push(Resume {
                token: data["token"].as_str().unwrap_or("").to_string(),
                session_id,
                seq: data["seq"].as_u64().unwrap_or(0),
                accepted,
            });
            if accepted {
                gateway.send_dispatch(connection, "RESUMED", json!({"_trace": ["fake-discord"]}));
                flushed_interactions = gateway.make_current(connection);
            } else if let Some(outbox) = gateway.outboxes.get(&connection) {
                let _ = outbox.send(Message::Text(
                    json!({"op": 9, "d": false, "s": null, "t": null}).to_string(),
                ));
            }
        }
        _ => {}
    }
    drop(gateway);
    // the frames go out when this connection's task returns to its loop, so this runs first
    shared.start_ack_deadlines(flushed_interactions);
    shared.changed();
}

// ---- OpenAPI validation ----

/// Request-body validation against Discord's OpenAPI 3.1 document. The document is loaded once
/// per test binary and registered as one JSON Schema 2020-12 resource under [`SPEC_URI`]; each
/// operation's `application/json` schema is copied with its `#/...` refs rewritten to
/// `SPEC_URI#/...`, so they resolve inside the registered document, never over the network.
mod spec {
    use super::*;

    struct Operation {
        method: String,
        template: String,
        segments: Vec<String>,
        body_schema: Option<Value>,
        body_required: bool,
        /// Query parameters the operation (or its path) declares: name, required, schema.
        query: Vec<(String, bool, Value)>,
        /// JSON response schemas by status key (`200`, `201`, `4XX`, ...).
        responses: Vec<(String, Value)>,
    }

    struct Spec {
        registry: jsonschema::Registry<'static>,
        operations: Vec<Operation>,
        /// Compiled schemas by key (`body 3`, `query 3 limit`, `response 3 200`).
        validators: Mutex<HashMap<String, Result<Arc<jsonschema::Validator>, String>>>,
    }

    fn spec() -> &'static Spec {
        static SPEC: OnceLock<Spec> = OnceLock::new();
        SPEC.get_or_init(|| {
            let text = std::fs::read_to_string(SPEC_PATH).unwrap_or_else(|e| panic!("read {SPEC_PATH}: {e}"));
            let document: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {SPEC_PATH}: {e}"));
            let mut operations = Vec::new();
            for (template, item) in document["paths"].as_object().into_iter().flatten() {
                for (method, operation) in item.as_object().into_iter().flatten() {
                    if !["get", "put", "post", "patch", "delete"].contains(&method.as_str()) {
                        continue;
                    }
                    let request_body = &operation["requestBody"];
                    let body_schema = request_body["content"]["application/json"]["schema"].clone();
                    let query = item["parameters"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .chain(operation["parameters"].as_array().into_iter().flatten())
                        .filter(|p| p["in"] == "query")
                        .filter_map(|p| {
                            let name = p["name"].as_str()?.to_string();
                            let required = p["required"].as_bool().unwrap_or(false);
                            Some((name, required, absolute_refs(p["schema"].clone())))
                        })
                        .collect();
                    let responses = operation["responses"]
                        .as_object()
                        .into_iter()
                        .flatten()
                        .filter_map(|(status, response)| {
                            let schema = response["content"]["application/json"]["schema"].clone();
                            (!schema.is_null()).then(|| (status.clone(), absolute_refs(schema)))
                        })
                        .collect();
                    operations.push(Operation {
                        method: method.to_ascii_uppercase(),
                        template: template.clone(),
                        segments: template
                            .trim_start_matches('/')
                            .split('/')
                            .map(str::to_string)
                            .collect(),
                        body_schema: (!body_schema.is_null()).then(|| absolute_refs(body_schema)),
                        body_required: request_body["required"].as_bool().unwrap_or(false),
                        query,
                        responses,
                    });
                }
            }
            let registry = jsonschema::Registry::new()
                .draft(jsonschema::Draft::Draft202012)
                .add(SPEC_URI, document)
                .and_then(|builder| builder.prepare())
                .unwrap_or_else(|e| panic!("register Discord's OpenAPI document as a schema resource: {e}"));
            Spec {
                registry,
                operations,
                validators: Mutex::new(HashMap::new()),
            }
        })
    }

    /// Rewrites every document-local `$ref` (`#/components/...`) to `SPEC_URI#/components/...`.
    fn absolute_refs(mut schema: Value) -> Value {
        fn walk(value: &mut Value) {
            match value {
                Value::Object(fields) => {
                    for (key, field) in fields.iter_mut() {
                        match field {
                            Value::String(reference) if key == "$ref" && reference.starts_with('#') => {
                                *reference = format!("{SPEC_URI}{reference}");
                            }
                            _ => walk(field),
                        }
                    }
                }
                Value::Array(items) => items.iter_mut().for_each(walk),
                _ => {}
            }
        }
        walk(&mut schema);
        schema
    }

    /// The operation for `method` on `path` (relative to `/api/v10`): the template whose literal
    /// segments all match, preferring more literal segments (`/users/@me` over `/users/{user_id}`).
    fn find(spec: &Spec, method: &str, path: &str) -> Option<usize> {
        let segments: Vec<&str> = path.trim_start_matches('/').trim_end_matches('/').split('/').collect();
        spec.operations
            .iter()
            .enumerate()
            .filter(|(_, op)| op.method == method && op.segments.len() == segments.len())
            .filter(|(_, op)| {
                op.segments.iter().zip(&segments).all(|(template, actual)| {
                    (template.starts_with('{') && template.ends_with('}') && !actual.is_empty()) || template == actual
                })
            })
            .max_by_key(|(_, op)| op.segments.iter().filter(|s| !s.starts_with('{')).count())
            .map(|(index, _)| index)
    }

    /// The spec's path template for `method` on `path` (relative to `/api/v10`), if it has one.
    pub(super) fn operation_of(method: &str, path: &str) -> Option<String> {
        let spec = spec();
        find(spec, method, path).map(|index| spec.operations[index].template.clone())
    }

    /// A compiled validator for `schema`, cached under `key`.
    fn validator(spec: &Spec, key: String, schema: &Value) -> Result<Arc<jsonschema::Validator>, String> {
        let mut validators = spec.validators.lock().unwrap_or_else(|p| p.into_inner());
        validators
            .entry(key)
            .or_insert_with_key(|key| {
                jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft202012)
                    .with_registry(&spec.registry)
                    .build(schema)
                    .map(Arc::new)
                    .map_err(|e| format!("the spec's schema ({key}) does not compile: {e}"))
            })
            .clone()
    }

    /// Every error `validator` finds in `instance`, one line each, prefixed with `at`.
    fn errors_of(validator: &jsonschema::Validator, at: &str, instance: &Value) -> Vec<String> {
        validator
            .iter_errors(instance)
            .map(|error| {
                format!(
                    "{at}at '{}': {} (schema {})",
                    error.instance_path(),
                    error,
                    error.schema_path()
                )
            })
            .collect()
    }

    /// Checks a request's body and its query parameters (those the operation declares; Discord
    /// ignores others) against the spec; `Err((template, errors))` when they do not conform.
    pub(super) fn check(
        method: &str,
        path: &str,
        query: Option<&str>,
        body: &Value,
    ) -> Result<(), (Option<String>, Vec<String>)> {
        let spec = spec();
        let Some(index) = find(spec, method, path) else {
            return if body.is_null() {
                Ok(())
            } else {
                Err((
                    None,
                    vec![format!("no {method} {path} operation in the spec takes a body")],
                ))
            };
        };
        let operation = &spec.operations[index];
        let template = Some(operation.template.clone());
        let mut errors = check_query(spec, index, query.unwrap_or(""));
        match &operation.body_schema {
            None if !body.is_null() => errors.push("the operation takes no JSON body, but one was sent".to_string()),
            None => {}
            Some(_) if body.is_null() && operation.body_required => {
                errors.push("the operation requires a JSON body, but none was sent".to_string())
            }
            Some(_) if body.is_null() => {}
            Some(schema) => match validator(spec, format!("body {index}"), schema) {
                Ok(validator) => errors.extend(errors_of(&validator, "", body)),
                Err(error) => errors.push(error),
            },
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err((template, errors))
        }
    }

    /// Checks the declared query parameters. Query values are strings; a value passes when the
    /// string, or the number or boolean it spells, matches the parameter's schema.
    fn check_query(spec: &Spec, index: usize, query: &str) -> Vec<String> {
        let pairs = query_pairs(query);
        let mut errors = Vec::new();
        for (name, required, schema) in &spec.operations[index].query {
            let mut values = pairs.iter().filter(|(n, _)| n == name).peekable();
            if values.peek().is_none() && *required {
                errors.push(format!("the required query parameter '{name}' is missing"));
            }
            let validator = match validator(spec, format!("query {index} {name}"), schema) {
                Ok(validator) => validator,
                Err(error) => {
                    errors.push(error);
                    continue;
                }
            };
            for (_, raw) in values {
                let mut candidates = Vec::new();
                if let Ok(number) = raw.parse::<i64>() {
                    candidates.push(json!(number));
                } else if let Ok(number) = raw.parse::<f64>() {
                    candidates.push(json!(number));
                }
                if let Ok(flag) = raw.parse::<bool>() {
                    candidates.push(json!(flag));
                }
                candidates.push(Value::String(raw.clone()));
                if !candidates.iter().any(|c| validator.is_valid(c)) {
                    errors.extend(errors_of(
                        &validator,
                        &format!("query parameter '{name}' "),
                        &candidates[0],
                    ));
                }
            }
        }
        errors
    }

    /// Checks one of the fake's own JSON answers against the operation's response schema for
    /// `status` (exact, else `2XX`/`4XX`-style); no schema there means nothing to check.
    pub(super) fn check_response(
        method: &str,
        path: &str,
        status: u16,
        body: &Value,
    ) -> Result<(), (Option<String>, Vec<String>)> {
        let spec = spec();
        let Some(index) = find(spec, method, path) else {
            return Ok(());
        };
        let operation = &spec.operations[index];
        let (exact, class) = (status.to_string(), format!("{}XX", status / 100));
        let Some((key, schema)) = operation
            .responses
            .iter()
            .find(|(key, _)| *key == exact)
            .or_else(|| operation.responses.iter().find(|(key, _)| *key == class))
        else {
            return Ok(());
        };
        let errors = match validator(spec, format!("response {index} {key}"), schema) {
            Ok(validator) => errors_of(&validator, "", body),
            Err(error) => vec![error],
        };
        if errors.is_empty() {
            Ok(())
        } else {
            Err((Some(operation.template.clone()), errors))
        }
    }
}
