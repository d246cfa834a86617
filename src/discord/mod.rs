//! The Discord front end: a thin poise/serenity adapter over the same [`Assistant`] the command
//! line uses. It turns slash commands and free-form messages into [`crate::assistant::Question`]s
//! and renders the [`crate::assistant::Reply`]s as embeds; no answer logic lives here.
//!
//! # Layout
//! - `types`: the shared [`Data`](types::Data) and the framework's type aliases.
//! - `commands`: `/model`, `/compare`, `/ask`, `/help` and autocomplete, over plain functions.
//! - `quiz`: `/quiz`, `/leaderboard` and the quiz's buttons.
//! - `interactions`: presses and modal submits on answers (aspects, "compare with…", votes).
//! - `ids`: what a control's `custom_id` carries, written and read back strictly.
//! - `components`: the buttons, menus and modal of answers and quiz questions (pure).
//! - `decorate`: a reply with its controls and, where it helps, the who-manages-what picture.
//! - `feedback`: answers, votes and quiz scores into the store.
//! - `messages`: free-form questions (mentions, replies, DMs, answer channels, threads, forums).
//! - `conversations`: where a conversation lives (reply chain, thread, DM) and its earlier
//!   turns, kept in memory only and read back from Discord when forgotten.
//! - `delivery`: responses, replies, deferring and streaming edits; never a ping.
//! - `render`: `Reply` → embeds within Discord's limits (pure).
//! - `locale`: the Korean and English strings, and the language of a Discord locale.
//! - `errors`: the central `on_error` and log-safe error descriptions.
//!
//! It must not: hold answer logic, call search or the LLM directly, let any message ping, or
//! show error text to users.

mod commands;
mod components;
mod conversations;
mod decorate;
mod delivery;
mod errors;
mod feedback;
mod ids;
mod interactions;
mod locale;
mod messages;
mod quiz;
mod render;
mod types;

use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use secrecy::ExposeSecret;
use serenity::client::{ClientBuilder, FullEvent};
use serenity::http::{Http, HttpBuilder};
use serenity::model::gateway::GatewayIntents;
use serenity::model::id::{ChannelId, GuildId};

use crate::assistant::Assistant;
use crate::config::{DiscordConfig, DISCORD_TOKEN_ENV};
use crate::store::Store;
use types::{Data, Error};

/// The bound on one request to Discord's REST API.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The bound on opening a connection to it.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Discord's own API base, as serenity spells it.
const DISCORD_API_BASE: &str = "https://discord.com";
/// How long shutting down may take before the client is dropped anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Why the bot could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum DiscordError {
    /// No token in the environment.
    #[error("no Discord bot token: set {DISCORD_TOKEN_ENV} to the bot's token")]
    MissingToken,
    /// A configuration value Discord cannot use.
    #[error("discord.{key}: {message}")]
    InvalidConfig {
        /// The key under `[discord]`.
        key: &'static str,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client for Discord")]
    HttpClient(#[source] reqwest::Error),
    /// The gateway or the REST API failed for good (a refused token, say).
    #[error("the Discord client stopped")]
    Client(#[source] Box<serenity::Error>),
}

/// The gateway events the bot needs: guilds (for channels), guild and direct messages, and
/// their content (a privileged intent, enabled in the developer portal).
pub fn intents() -> GatewayIntents {
    GatewayIntents::GUILDS
        | GatewayIntents::GUILD_MESSAGES
        | GatewayIntents::DIRECT_MESSAGES
        | GatewayIntents::MESSAGE_CONTENT
}

/// Runs the bot until `shutdown` completes, then closes the gateway cleanly and returns.
///
/// Commands are registered in `config.guild_id` when set (instant), else globally. With
/// `config.api_base`, all REST calls go to `{api_base}/api/v10/...` (the gateway URL comes from
/// there too). The token comes from the environment only (see [`DiscordConfig::token`]).
pub async fn serve(
    config: &DiscordConfig,
    assistant: Arc<Assistant>,
    store: Option<Store>,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), DiscordError> {
    let token = config.token.as_ref().ok_or(DiscordError::MissingToken)?;
    let guild_id = match config.guild_id {
        Some(0) => return Err(invalid("guild_id", "0 is no Discord id; copy the server's id".into())),
        other => other.map(GuildId::new),
    };
    if config.answer_channels.contains(&0) {
        return Err(invalid(
            "answer_channels",
            "0 is no Discord id; copy each channel's id".into(),
        ));
    }
    let answer_channels: HashSet<ChannelId> = config.answer_channels.iter().copied().map(ChannelId::new).collect();
    let http = http_client(token.expose_secret(), config.api_base.as_deref())?;
    let conversations = conversations::Conversations::new(config);
    let thread_answers = config.thread_answers;

    let options = poise::FrameworkOptions {
        commands: commands::all(),
        on_error: |error| Box::pin(errors::on_error(error)),
        event_handler: |framework, event| Box::pin(on_event(framework, event)),
        // poise's default lets user mentions ping
        allowed_mentions: Some(delivery::no_pings()),
        // no prefix commands, and a message starting with a mention is a question, not a command
        prefix_options: poise::PrefixFrameworkOptions {
            prefix: None,
            mention_as_prefix: false,
            ..Default::default()
        },
        // no owner-only commands, so no application-info call at startup (poise's builder
        // would turn this back on; `Framework::new` keeps it)
        initialize_owners: false,
        ..Default::default()
    };
    let framework = poise::Framework::new(options, move |ctx, ready, framework| {
        Box::pin(async move {
            register(&ctx.http, &framework.options().commands, guild_id).await;
            Ok(Data {
                assistant,
                bot_id: ready.user.id,
                answer_channels,
                thread_answers,
                conversations,
                feedback: feedback::Feedback::new(store),
                answered_questions: quiz::answered_questions(),
            })
        })
    });

    let mut client = ClientBuilder::new_with_http(http, intents())
        .framework(framework)
        .await
        .map_err(client_error)?;
    let shard_manager = Arc::clone(&client.shard_manager);
    let running = client.start();
    tokio::pin!(running);
    tokio::select! {
        result = &mut running => return result.map_err(client_error),
        () = shutdown => {}
    }
    tracing::info!("shutting down the Discord client");
    shard_manager.shutdown_all().await;
    match tokio::time::timeout(SHUTDOWN_GRACE, running).await {
        Ok(result) => result.map_err(client_error),
        Err(_) => {
            tracing::warn!("the Discord client did not stop in time; leaving it");
            Ok(())
        }
    }
}

fn client_error(error: serenity::Error) -> DiscordError {
    DiscordError::Client(Box::new(error))
}

fn invalid(key: &'static str, message: String) -> DiscordError {
    DiscordError::InvalidConfig { key, message }
}

/// serenity's HTTP client: bounded requests, no pings by default, and, with an API base, every
/// request sent there. serenity's own rate limiter ignores the proxy setting, so it is off then
/// (the proxy, or the fake Discord of the tests, answers rate limits itself).
fn http_client(token: &str, api_base: Option<&str>) -> Result<Http, DiscordError> {
    let client = reqwest::Client::builder()
        .use_rustls_tls()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .build()
        .map_err(DiscordError::HttpClient)?;
    let mut builder = HttpBuilder::new(token)
        .client(client)
        .default_allowed_mentions(delivery::no_pings());
    let base = api_base
        .map(|base| base.trim().trim_end_matches('/'))
        // Discord itself is no proxy: keep serenity's rate limiter for it
        .filter(|base| !base.is_empty() && *base != DISCORD_API_BASE);
    if let Some(base) = base {
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(invalid(
                "api_base",
                format!("`{base}` is not an http:// or https:// URL (like http://127.0.0.1:8080)"),
            ));
        }
        builder = builder.proxy(base).ratelimiter_disabled(true);
    }
    Ok(builder.build())
}

/// Registers the commands in one guild (instant) or globally. A failure is logged, not fatal:
/// free-form questions still work, and the commands Discord already has may still match.
async fn register(http: &Http, commands: &[poise::Command<Data, Error>], guild_id: Option<GuildId>) {
    let (scope, result) = match guild_id {
        Some(guild) => ("guild", poise::builtins::register_in_guild(http, commands, guild).await),
        None => ("global", poise::builtins::register_globally(http, commands).await),
    };
    match result {
        Ok(()) => tracing::info!(scope, count = commands.len(), "registered the slash commands"),
        Err(error) => tracing::error!(
            scope,
            error = %errors::describe(&error),
            "could not register the slash commands; they may be missing or out of date"
        ),
    }
}

async fn on_event(framework: poise::FrameworkContext<'_, Data, Error>, event: &FullEvent) -> Result<(), Error> {
    match event {
        FullEvent::Message { new_message } => {
            messages::handle(framework.serenity_context, framework.user_data, new_message).await;
        }
        FullEvent::InteractionCreate { interaction } => {
            interactions::handle(framework.serenity_context, framework.user_data, interaction).await;
        }
        FullEvent::Ready { data_about_bot } => {
            tracing::info!(
                user = %data_about_bot.user.name,
                guilds = data_about_bot.guilds.len(),
                "connected to the Discord gateway"
            );
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_api_base_becomes_serenitys_proxy_without_its_rate_limiter() {
        let http = http_client("token", Some(" http://127.0.0.1:9/ ")).expect("a valid base");
        assert_eq!(http.proxy.as_deref(), Some("http://127.0.0.1:9"));
        assert!(http.ratelimiter.is_none(), "serenity's rate limiter bypasses the proxy");
        assert!(http.default_allowed_mentions.is_some());
        for base in [
            None,
            Some(""),
            Some("https://discord.com"),
            Some("https://discord.com/"),
        ] {
            let http = http_client("token", base).expect("no proxy");
            assert!(http.proxy.is_none(), "{base:?}");
            assert!(http.ratelimiter.is_some(), "{base:?}");
        }
        assert!(matches!(
            http_client("token", Some("discord.example")),
            Err(DiscordError::InvalidConfig { key: "api_base", .. })
        ));
    }

    #[test]
    fn no_pings_parses_nothing() {
        let http = http_client("token", None).expect("no proxy");
        let value = serde_json::to_value(&http.default_allowed_mentions).expect("serializes");
        assert_eq!(value["parse"], serde_json::json!([]));
        assert!(value.get("replied_user").is_none_or(|v| v == false));
        assert_eq!(intents().bits(), 1 | (1 << 9) | (1 << 12) | (1 << 15));
    }
}
