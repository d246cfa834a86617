//! How answers reach Discord: as the response to a slash command or as a reply to a message,
//! deferred and streamed when the LLM writes them, and always without pinging anyone.
//!
//! Every body this module sends carries `allowed_mentions` with nothing to parse, whatever
//! serenity's or poise's defaults would add: that is the one rule no path may skip. Edits of an
//! interaction's original response in particular get no client-wide default from serenity.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serenity::builder::{
    CreateActionRow, CreateAllowedMentions, CreateAttachment, CreateEmbed, CreateInteractionResponse,
    CreateInteractionResponseFollowup, CreateInteractionResponseMessage, CreateMessage, EditInteractionResponse,
    EditMessage,
};
use serenity::http::{Http, Typing};
use serenity::model::channel::{Message, MessageReference};
use serenity::model::id::{ChannelId, MessageId, UserId};

use super::render::{self, Embed, Messages};
use super::types::{Context, Error, Stage};
use crate::assistant::{Assistant, Question, Reply, ReplyKind};

/// The most often a streaming answer is edited: Discord allows about five edits per five
/// seconds per channel, and readers do not need more.
pub(super) const STREAM_EDIT_INTERVAL: Duration = Duration::from_millis(1500);

/// `allowed_mentions` that let nothing ping: no `@everyone`/`@here`, no roles, no users, and
/// not the author of the message replied to.
pub(super) fn no_pings() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
}

/// What an answer's last message carries besides its embeds: the controls under it and the
/// files its embeds show (the who-manages-what picture).
#[derive(Default)]
pub(super) struct Extras {
    /// Buttons and menus, from `components`.
    pub components: Vec<CreateActionRow>,
    /// Files referenced from the embeds as `attachment://name`.
    pub files: Vec<CreateAttachment>,
}

/// Each message of an answer as serenity embeds, with what it carries besides: every extra on
/// the last one (the one the controls act on), nothing on the others.
pub(super) fn with_extras_on_last(messages: Messages, extras: Extras) -> Vec<(Vec<CreateEmbed>, Extras)> {
    let mut sent: Vec<(Vec<CreateEmbed>, Extras)> = messages
        .iter()
        .map(|embeds| (render::to_serenity(embeds), Extras::default()))
        .collect();
    match sent.last_mut() {
        Some((_, last)) => *last = extras,
        None => sent.push((Vec::new(), extras)),
    }
    sent
}

/// Where an answer goes.
pub(super) enum Destination<'a> {
    /// The response to a slash command; how far it got is kept in poise's invocation data, so
    /// `on_error` sees it too.
    Interaction(Context<'a>),
    /// Replies to a question message.
    Reply(MessageReply<'a>),
}

/// The state of answering one message.
pub(super) struct MessageReply<'a> {
    http: Arc<Http>,
    question: &'a Message,
    /// Where the answer goes: the question's channel, or a thread opened for it.
    channel: ChannelId,
    /// Whether the answer replies to the question (not across channels: a thread opened on
    /// the question already shows it).
    reference: bool,
    /// The messages sent so far, in order; a reply to any of them continues the conversation.
    sent: Vec<MessageId>,
    /// The reply that shows a streaming answer, edited until the answer is complete.
    placeholder: Option<MessageId>,
    /// Typing shown while an LLM answer is prepared; stops when dropped.
    typing: Option<Typing>,
}

impl<'a> Destination<'a> {
    /// Replies to `question` in its channel.
    pub(super) fn reply(http: &Arc<Http>, question: &'a Message) -> Destination<'a> {
        Destination::Reply(MessageReply {
            http: Arc::clone(http),
            question,
            channel: question.channel_id,
            reference: true,
            sent: Vec::new(),
            placeholder: None,
            typing: None,
        })
    }

    /// Answers `question` in `thread`, a thread opened on it.
    pub(super) fn in_thread(http: &Arc<Http>, question: &'a Message, thread: ChannelId) -> Destination<'a> {
        Destination::Reply(MessageReply {
            http: Arc::clone(http),
            question,
            channel: thread,
            reference: thread == question.channel_id,
            sent: Vec::new(),
            placeholder: None,
            typing: None,
        })
    }

    /// The messages sent to answer a question message, in order (none for a slash command).
    pub(super) fn sent(&self) -> &[MessageId] {
        match self {
            Destination::Interaction(_) => &[],
            Destination::Reply(reply) => &reply.sent,
        }
    }

    /// Tells the user an answer is coming: a deferred response ("thinking…") for a slash
    /// command, typing for a message.
    pub(super) async fn defer(&mut self) -> Result<(), Error> {
        match self {
            Destination::Interaction(ctx) => {
                if stage(*ctx).await.is_some() {
                    return Ok(());
                }
                let deferred = CreateInteractionResponseMessage::new().allowed_mentions(no_pings());
                ctx.interaction
                    .create_response(ctx.http(), CreateInteractionResponse::Defer(deferred))
                    .await?;
                ctx.has_sent_initial_response
                    .store(true, std::sync::atomic::Ordering::SeqCst);
                set_stage(*ctx, Stage::Deferred).await;
            }
            Destination::Reply(reply) => {
                if reply.typing.is_none() {
                    reply.typing = Some(reply.channel.start_typing(&reply.http));
                }
            }
        }
        Ok(())
    }

    /// Shows an answer still being written: edits the deferred response, or sends (then edits)
    /// a placeholder reply.
    pub(super) async fn show_partial(&mut self, embed: &Embed) -> Result<(), Error> {
        let embeds = vec![embed.to_serenity()];
        match self {
            Destination::Interaction(ctx) => {
                if stage(*ctx).await != Some(Stage::Deferred) {
                    return Ok(());
                }
                let edit = EditInteractionResponse::new()
                    .embeds(embeds)
                    .allowed_mentions(no_pings());
                ctx.interaction.edit_response(ctx.http(), edit).await?;
            }
            Destination::Reply(reply) => match reply.placeholder {
                Some(id) => reply.edit(id, None, embeds, Extras::default()).await?,
                None => {
                    let id = reply.send(None, embeds, Extras::default()).await?;
                    reply.placeholder = Some(id);
                }
            },
        }
        Ok(())
    }

    /// Sends a finished answer: the first message replaces the deferred response or the
    /// placeholder when there is one, the others follow.
    pub(super) async fn send(&mut self, messages: Messages, ephemeral: bool) -> Result<(), Error> {
        self.send_with(messages, Extras::default(), ephemeral).await
    }

    /// Sends a finished answer as [`Destination::send`] does, `extras` on its last message
    /// (the one the controls act on: pressing one edits it).
    pub(super) async fn send_with(&mut self, messages: Messages, extras: Extras, ephemeral: bool) -> Result<(), Error> {
        let mut messages = with_extras_on_last(messages, extras).into_iter();
        let (first, first_extras) = messages.next().unwrap_or_default();
        self.send_first(None, first, first_extras, ephemeral).await?;
        for (embeds, extras) in messages {
            self.follow_up(None, embeds, extras, ephemeral).await?;
        }
        Ok(())
    }

    /// Sends a short text (an apology, an unknown-name hint) the same way.
    pub(super) async fn send_text(&mut self, text: &str, ephemeral: bool) -> Result<(), Error> {
        self.send_first(Some(render::content(text)), Vec::new(), Extras::default(), ephemeral)
            .await
    }

    async fn send_first(
        &mut self,
        content: Option<String>,
        embeds: Vec<serenity::builder::CreateEmbed>,
        extras: Extras,
        ephemeral: bool,
    ) -> Result<(), Error> {
        let Extras { components, files } = extras;
        match self {
            Destination::Interaction(ctx) => {
                match stage(*ctx).await {
                    None => {
                        let mut message = CreateInteractionResponseMessage::new()
                            .embeds(embeds)
                            .components(components)
                            .files(files)
                            .ephemeral(ephemeral)
                            .allowed_mentions(no_pings());
                        if let Some(content) = content {
                            message = message.content(content);
                        }
                        ctx.interaction
                            .create_response(ctx.http(), CreateInteractionResponse::Message(message))
                            .await?;
                        ctx.has_sent_initial_response
                            .store(true, std::sync::atomic::Ordering::SeqCst);
                    }
                    Some(Stage::Deferred) => {
                        let mut edit = EditInteractionResponse::new()
                            .content(content.unwrap_or_default())
                            .embeds(embeds)
                            .components(components)
                            .allowed_mentions(no_pings());
                        for file in files {
                            edit = edit.new_attachment(file);
                        }
                        ctx.interaction.edit_response(ctx.http(), edit).await?;
                    }
                    Some(Stage::Answered) => {
                        let extras = Extras { components, files };
                        return self.follow_up(content, embeds, extras, ephemeral).await;
                    }
                }
                set_stage(*ctx, Stage::Answered).await;
            }
            Destination::Reply(reply) => {
                if let Some(typing) = reply.typing.take() {
                    let _ = typing.stop();
                }
                match reply.placeholder {
                    // kept until the edit succeeds, so an apology replaces a partial answer too
                    Some(id) => {
                        reply.edit(id, content, embeds, Extras { components, files }).await?;
                        reply.placeholder = None;
                    }
                    None => {
                        reply.send(content, embeds, Extras { components, files }).await?;
                    }
                }
            }
        }
        Ok(())
    }

    async fn follow_up(
        &mut self,
        content: Option<String>,
        embeds: Vec<serenity::builder::CreateEmbed>,
        extras: Extras,
        ephemeral: bool,
    ) -> Result<(), Error> {
        match self {
            Destination::Interaction(ctx) => {
                let mut followup = CreateInteractionResponseFollowup::new()
                    .embeds(embeds)
                    .components(extras.components)
                    .files(extras.files)
                    .ephemeral(ephemeral)
                    .allowed_mentions(no_pings());
                if let Some(content) = content {
                    followup = followup.content(content);
                }
                ctx.interaction.create_followup(ctx.http(), followup).await?;
            }
            Destination::Reply(reply) => {
                reply.send(content, embeds, extras).await?;
            }
        }
        Ok(())
    }
}

impl MessageReply<'_> {
    /// A new reply to the question; never pings its author or anyone else.
    async fn send(
        &mut self,
        content: Option<String>,
        embeds: Vec<serenity::builder::CreateEmbed>,
        extras: Extras,
    ) -> Result<MessageId, Error> {
        let mut message = CreateMessage::new()
            .embeds(embeds)
            .components(extras.components)
            .add_files(extras.files)
            .allowed_mentions(no_pings());
        if self.reference {
            // the question may be deleted meanwhile: then the answer goes out as a plain message
            let reference = MessageReference::from(self.question).fail_if_not_exists(false);
            message = message.reference_message(reference);
        }
        if let Some(content) = content {
            message = message.content(content);
        }
        let sent = self.channel.send_message(&self.http, message).await?;
        self.sent.push(sent.id);
        Ok(sent.id)
    }

    /// Replaces a reply's content and embeds.
    async fn edit(
        &self,
        id: MessageId,
        content: Option<String>,
        embeds: Vec<serenity::builder::CreateEmbed>,
        extras: Extras,
    ) -> Result<(), Error> {
        let mut edit = EditMessage::new()
            .content(content.unwrap_or_default())
            .embeds(embeds)
            .components(extras.components)
            .allowed_mentions(no_pings());
        for file in extras.files {
            edit = edit.new_attachment(file);
        }
        self.channel.edit_message(&self.http, id, edit).await?;
        Ok(())
    }
}

async fn stage(ctx: Context<'_>) -> Option<Stage> {
    ctx.invocation_data::<Stage>().await.map(|stage| *stage)
}

async fn set_stage(ctx: Context<'_>, stage: Stage) {
    ctx.set_invocation_data(stage).await;
}

/// The answer to `question` from `user` (whose LLM answers the assistant may limit): the
/// offline one at once when no LLM is configured, nothing in the knowledge base matches or the
/// question is small talk (a greeting needs no model, nor a share of the user's quota);
/// otherwise the destination is deferred first (Discord wants an acknowledgement within 3
/// seconds) and the LLM's answer is streamed into it.
pub(super) async fn answer(
    assistant: &Assistant,
    user: UserId,
    question: &Question,
    destination: &mut Destination<'_>,
) -> Result<Reply, Error> {
    let offline = assistant.answer(question);
    if !assistant.llm_enabled() || matches!(offline.kind, ReplyKind::DontKnow | ReplyKind::SmallTalk) {
        return Ok(offline);
    }
    destination.defer().await?;
    Ok(stream(assistant, &user.to_string(), question, &offline.title, destination).await)
}

/// Runs the LLM answer and, while it streams, shows the text so far at most once per
/// [`STREAM_EDIT_INTERVAL`]. A failed partial edit is logged and skipped: the final answer
/// still goes out.
async fn stream(
    assistant: &Assistant,
    user: &str,
    question: &Question,
    title: &str,
    destination: &mut Destination<'_>,
) -> Reply {
    let streamed = Arc::new(Mutex::new(String::new()));
    let mut on_delta = {
        let streamed = Arc::clone(&streamed);
        move |delta: &str| {
            if let Ok(mut text) = streamed.lock() {
                text.push_str(delta);
            }
        }
    };
    let lang = question.reply_lang();
    let respond = assistant.respond_as(Some(user), question, Some(&mut on_delta));
    tokio::pin!(respond);
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + STREAM_EDIT_INTERVAL, STREAM_EDIT_INTERVAL);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut shown = 0;
    loop {
        tokio::select! {
            reply = &mut respond => return reply,
            _ = ticker.tick() => {
                let text = streamed.lock().map(|text| text.clone()).unwrap_or_default();
                if text.trim().len() > shown {
                    shown = text.trim().len();
                    if let Err(error) = destination.show_partial(&render::partial(title, &text, lang)).await {
                        tracing::warn!(error = %super::errors::describe(error.as_ref()), "could not show a partial answer");
                    }
                }
            }
        }
    }
}

/// The one info line per answered question: no content, no ids of people.
pub(super) fn log_answer(surface: &'static str, user: UserId, assistant: &Assistant, reply: &Reply, started: Instant) {
    let sources: Vec<&str> = reply.sources.iter().map(|source| source.id.as_str()).collect();
    tracing::info!(
        surface,
        user = %hashed_user(user),
        lang = reply.lang.code(),
        kind = reply.kind.as_str(),
        mode = reply.mode.as_str(),
        latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        sources = %sources.join(","),
        knowledge_version = %assistant.snapshot().knowledge().version(),
        "answered a question"
    );
}

/// A user id as logs show it: hashed with a key drawn once per process, so one run's lines
/// can be followed per user without the logs saying who the user is.
fn hashed_user(user: UserId) -> String {
    use std::hash::BuildHasher;
    static KEY: std::sync::OnceLock<std::collections::hash_map::RandomState> = std::sync::OnceLock::new();
    format!("{:016x}", KEY.get_or_init(Default::default).hash_one(user.get()))
}
