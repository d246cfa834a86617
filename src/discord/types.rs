//! The state every command and event handler shares, and the framework's type aliases.

use std::collections::HashSet;
use std::sync::Arc;

use serenity::model::id::{ChannelId, UserId};

use crate::assistant::Assistant;

/// What handlers share: the one engine and what the bot needs to know about itself.
pub(super) struct Data {
    /// The same assistant the CLI uses; answers come only from it.
    pub assistant: Arc<Assistant>,
    /// The bot's own user, to recognise mentions of it and ignore its own messages.
    pub bot_id: UserId,
    /// Channels where every message is a question.
    pub answer_channels: HashSet<ChannelId>,
    /// Whether questions in answer channels are answered in a thread opened on them.
    pub thread_answers: bool,
    /// The conversations the bot remembers, in memory only.
    pub conversations: super::conversations::Conversations,
    /// Answers, votes and quiz scores, recorded in the store when there is one.
    pub feedback: super::feedback::Feedback,
    /// Who answered which quiz question, so each counts once per person.
    pub answered_questions: moka::sync::Cache<(u64, String), ()>,
}

/// What commands and handlers may fail with; the central `on_error` logs it and apologises.
pub(super) type Error = Box<dyn std::error::Error + Send + Sync>;

/// Every command is a slash command, so commands get the application context.
pub(super) type Context<'a> = poise::ApplicationContext<'a, Data, Error>;

/// How far a slash command got in answering, kept in poise's invocation data so that `on_error`
/// knows whether to respond, to replace a "thinking…" placeholder, or to follow up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stage {
    /// Deferred: the original response is a placeholder (or a partial answer).
    Deferred,
    /// The answer (or its first message) is out.
    Answered,
}
