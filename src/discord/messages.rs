//! Free-form questions: a message that mentions the bot, a direct message, or any message in
//! an answer channel is a question, answered as a reply to it in the question's language.
//!
//! Messages from bots (the bot itself included), system messages, and messages elsewhere that
//! do not mention the bot are ignored. Failures are handled here, like `on_error` does for
//! commands: logged, and answered with a short apology; never a panic, never silence.

use std::collections::HashSet;
use std::panic::AssertUnwindSafe;
use std::time::Instant;

use futures_util::FutureExt;

use serenity::builder::CreateThread;
use serenity::client::Context as SerenityContext;
use serenity::model::channel::{Channel, Message, MessageType};
use serenity::model::id::{ChannelId, GuildId, UserId};

use super::conversations::Found;
use super::decorate::{decorate, Picture};
use super::delivery::{self, Destination};
use super::errors::describe;
use super::locale;
use super::render;
use super::types::{Data, Error};
use crate::assistant::{Question, Reply, Turn};
use crate::knowledge::Lang;

/// What to do with a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Decision {
    /// Not for the bot.
    Ignore,
    /// For the bot, but with nothing asked: answer with the help.
    Help,
    /// A question, with the bot's mentions stripped.
    Ask(String),
}

/// The facts about a message that decide whether it is a question; plain data so the rule is
/// tested without Discord.
#[derive(Clone, Debug)]
pub(super) struct Incoming<'a> {
    /// The author.
    pub author: UserId,
    /// Whether the author is a bot (or a webhook).
    pub author_is_bot: bool,
    /// A user's message (default or reply), not a system message (join, pin, ...).
    pub regular: bool,
    /// The text.
    pub content: &'a str,
    /// Where it was posted.
    pub channel: ChannelId,
    /// Whether it was posted in a server (else it is a direct message).
    pub in_guild: bool,
    /// Whether Discord lists the bot among the mentioned users.
    pub mentions_bot: bool,
    /// Whether it replies to one of the bot's messages (a reply need not ping to be one).
    pub replies_to_bot: bool,
    /// Whether it was posted where every message is for the bot: a thread the bot opened, or
    /// a new post in a forum listed among the answer channels.
    pub bot_place: bool,
}

impl<'a> Incoming<'a> {
    /// The facts of a received message; `bot_place` is whether its channel is the bot's
    /// own thread or a new forum post it answers.
    pub(super) fn of(message: &'a Message, bot: UserId, bot_place: bool) -> Incoming<'a> {
        Incoming {
            author: message.author.id,
            author_is_bot: message.author.bot || message.webhook_id.is_some(),
            regular: matches!(message.kind, MessageType::Regular | MessageType::InlineReply),
            content: &message.content,
            channel: message.channel_id,
            in_guild: message.guild_id.is_some(),
            mentions_bot: message.mentions.iter().any(|user| user.id == bot),
            replies_to_bot: message
                .referenced_message
                .as_ref()
                .is_some_and(|replied| replied.author.id == bot),
            bot_place,
        }
    }
}

/// Whether and what a message asks. A mention, a direct message or an answer channel makes it
/// a question; an empty one after stripping the mention gets the help, except in an answer
/// channel without a mention (an image, say), which is left alone.
pub(super) fn decide(incoming: &Incoming<'_>, bot: UserId, answer_channels: &HashSet<ChannelId>) -> Decision {
    if incoming.author_is_bot || incoming.author == bot || !incoming.regular {
        return Decision::Ignore;
    }
    let mentioned = incoming.mentions_bot || mentions(incoming.content, bot) || incoming.replies_to_bot;
    let direct = !incoming.in_guild;
    let answer_channel = answer_channels.contains(&incoming.channel) || incoming.bot_place;
    if !(mentioned || direct || answer_channel) {
        return Decision::Ignore;
    }
    let question = strip_mentions(incoming.content, bot);
    if !question.is_empty() {
        Decision::Ask(question)
    } else if mentioned || direct {
        Decision::Help
    } else {
        Decision::Ignore
    }
}

/// Whether `content` mentions `bot` as `<@id>` or `<@!id>`.
fn mentions(content: &str, bot: UserId) -> bool {
    content.contains(&format!("<@{bot}>")) || content.contains(&format!("<@!{bot}>"))
}

/// `content` without the bot's mentions (`<@id>`, `<@!id>`), whitespace tidied.
pub(super) fn strip_mentions(content: &str, bot: UserId) -> String {
    let stripped = content
        .replace(&format!("<@{bot}>"), " ")
        .replace(&format!("<@!{bot}>"), " ");
    stripped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Handles one MESSAGE_CREATE: answers it when it is a question, in its conversation, and
/// never fails outward.
pub(super) async fn handle(ctx: &SerenityContext, data: &Data, message: &Message) {
    let owned_thread = data.conversations.owns_thread(message.channel_id);
    let forum_post = !owned_thread && is_forum_post(ctx, data, message).await;
    let mut incoming = Incoming::of(message, data.bot_id, owned_thread || forum_post);
    // A reply to an answer the bot remembers, even one deleted since (Discord then sends no
    // referenced message to tell whose it was).
    incoming.replies_to_bot |= message
        .message_reference
        .as_ref()
        .and_then(|reference| reference.message_id)
        .is_some_and(|replied| data.conversations.remembers_answer(replied));
    let decision = decide(&incoming, data.bot_id, &data.answer_channels);
    let question = match decision {
        Decision::Ignore => return,
        Decision::Help => None,
        Decision::Ask(text) => Some(text),
    };
    let started = Instant::now();
    let lang = question.as_deref().map_or(Lang::En, analyzer_lang);
    let found = match &question {
        Some(_) => {
            data.conversations
                .find(&ctx.http, &data.assistant, data.bot_id, message)
                .await
        }
        None => Found::default(),
    };
    // Where the answer goes: a new thread on the question (thread_answers), the forum post's
    // own thread, or a reply in place.
    let mut thread: Option<(ChannelId, bool)> = forum_post.then_some((message.channel_id, true));
    let opens_thread = data.thread_answers
        && question.is_some()
        && found.earlier.is_empty()
        && incoming.in_guild
        && data.answer_channels.contains(&message.channel_id);
    if opens_thread {
        match open_thread(ctx, message, question.as_deref().unwrap_or_default()).await {
            Ok(opened) => thread = Some((opened, true)),
            Err(error) => tracing::warn!(
                surface = "message",
                error = %describe(error.as_ref()),
                "could not open a thread for the answer; replying in the channel"
            ),
        }
    }
    let mut destination = match thread {
        Some((channel, _)) => Destination::in_thread(&ctx.http, message, channel),
        None => Destination::reply(&ctx.http, message),
    };
    let question = question.map(|text| {
        let earlier: Vec<Turn> = found.earlier.iter().map(|turn| Turn::clone(turn)).collect();
        Question::new(text).after(earlier)
    });
    if thread.is_none()
        && question.is_some()
        && incoming.in_guild
        && (found.owned_thread || is_thread(ctx, message.guild_id, message.channel_id))
    {
        thread = Some((message.channel_id, found.owned_thread));
    }
    let direct = (!incoming.in_guild).then_some(message.channel_id);
    let mut kept = None;
    let keep = |reply: &Reply| {
        let asked = question.as_ref().map_or("", |q| q.text.as_str());
        kept = Some(data.conversations.keep(&found, Turn::of(asked, reply), thread, direct));
    };
    // a panic would end this event's task silently; it becomes an error and an apology instead
    let answered = AssertUnwindSafe(answer(
        data,
        message.author.id,
        question.as_ref(),
        &mut destination,
        keep,
    ))
    .catch_unwind()
    .await
    .unwrap_or_else(|_| Err("answering the message panicked".into()));
    if let Some(kept) = &kept {
        data.conversations.keep_answers(kept, destination.sent());
    }
    match answered {
        Ok(Some(reply)) => {
            delivery::log_answer("message", message.author.id, &data.assistant, &reply, started);
        }
        Ok(None) => tracing::debug!(surface = "message", "answered an empty mention with the help"),
        Err(error) => {
            tracing::warn!(surface = "message", error = %describe(error.as_ref()), "answering a message failed");
            if let Err(error) = destination.send_text(locale::apology(lang), false).await {
                tracing::warn!(surface = "message", error = %describe(error.as_ref()), "could not send the apology either");
            }
        }
    }
}

fn analyzer_lang(text: &str) -> Lang {
    Question::new(text).reply_lang()
}

/// The longest thread name Discord accepts.
const MAX_THREAD_NAME_CHARS: usize = 100;

/// Opens a public thread on `message`, named after the question, and returns it.
async fn open_thread(ctx: &SerenityContext, message: &Message, question: &str) -> Result<ChannelId, Error> {
    let mut name: String = question.chars().take(MAX_THREAD_NAME_CHARS).collect();
    if name.trim().is_empty() {
        name = "xaas".to_string();
    }
    let thread = message
        .channel_id
        .create_thread_from_message(&ctx.http, message.id, CreateThread::new(name))
        .await?;
    Ok(thread.id)
}

/// Whether `message` starts a new post in a forum listed among the answer channels: a forum
/// post's first message has the id of its thread, whose parent is the forum.
async fn is_forum_post(ctx: &SerenityContext, data: &Data, message: &Message) -> bool {
    if message.guild_id.is_none() || message.id.get() != message.channel_id.get() {
        return false;
    }
    match message.channel_id.to_channel(ctx).await {
        Ok(Channel::Guild(channel)) => {
            channel.thread_metadata.is_some()
                && channel
                    .parent_id
                    .is_some_and(|parent| data.answer_channels.contains(&parent))
        }
        _ => false,
    }
}

/// Whether `channel` is a thread of `guild`, by serenity's cache (filled from GUILD_CREATE,
/// which lists a guild's active threads, and THREAD_CREATE): no request on the answer path.
fn is_thread(ctx: &SerenityContext, guild: Option<GuildId>, channel: ChannelId) -> bool {
    guild
        .and_then(|guild| ctx.cache.guild(guild))
        .is_some_and(|guild| guild.threads.iter().any(|thread| thread.id == channel))
}

/// Sends the answer to `question` (or the help when there is none) and returns the reply;
/// `keep` sees the reply before it is sent, to keep the conversation.
async fn answer(
    data: &Data,
    user: UserId,
    question: Option<&Question>,
    destination: &mut Destination<'_>,
    keep: impl FnOnce(&Reply),
) -> Result<Option<Reply>, Error> {
    let Some(question) = question else {
        let snapshot = data.assistant.snapshot();
        destination
            .send(render::layout(&render::help(snapshot.knowledge(), Lang::En)), false)
            .await?;
        return Ok(None);
    };
    let reply = delivery::answer(&data.assistant, user, question, destination).await?;
    keep(&reply);
    let snapshot = data.assistant.snapshot();
    let (messages, extras) = decorate(&reply, &snapshot, user, Picture::WhenAsked);
    destination.send_with(messages, extras, false).await?;
    data.feedback
        .answered("message", user, &question.text, &reply, &snapshot);
    Ok(Some(reply))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOT: UserId = UserId::new(900);
    const ALICE: UserId = UserId::new(10);
    const GENERAL: ChannelId = ChannelId::new(1);
    const ANSWERS: ChannelId = ChannelId::new(2);

    fn incoming(content: &str) -> Incoming<'_> {
        Incoming {
            author: ALICE,
            author_is_bot: false,
            regular: true,
            content,
            channel: GENERAL,
            in_guild: true,
            mentions_bot: false,
            replies_to_bot: false,
            bot_place: false,
        }
    }

    fn channels() -> HashSet<ChannelId> {
        HashSet::from([ANSWERS])
    }

    #[test]
    fn mentions_are_questions_with_the_mention_stripped() {
        let message = incoming("<@900> what is SaaS?");
        assert_eq!(
            decide(&message, BOT, &channels()),
            Decision::Ask("what is SaaS?".into())
        );
        let message = incoming("IaaS가 <@!900> 뭐야?");
        assert_eq!(decide(&message, BOT, &channels()), Decision::Ask("IaaS가 뭐야?".into()));
        // listed by Discord as mentioned (a reply to the bot) without the token in the text
        let message = Incoming {
            mentions_bot: true,
            ..incoming("and PaaS?")
        };
        assert_eq!(decide(&message, BOT, &channels()), Decision::Ask("and PaaS?".into()));
    }

    #[test]
    fn direct_messages_and_answer_channels_need_no_mention() {
        let direct = Incoming {
            in_guild: false,
            ..incoming("what is FaaS?")
        };
        assert_eq!(decide(&direct, BOT, &channels()), Decision::Ask("what is FaaS?".into()));
        let answer_channel = Incoming {
            channel: ANSWERS,
            ..incoming("GDPR?")
        };
        assert_eq!(decide(&answer_channel, BOT, &channels()), Decision::Ask("GDPR?".into()));
    }

    #[test]
    fn others_bots_itself_and_system_messages_are_ignored() {
        assert_eq!(decide(&incoming("what is SaaS?"), BOT, &channels()), Decision::Ignore);
        let other_user = incoming("<@901> what is SaaS?");
        assert_eq!(decide(&other_user, BOT, &channels()), Decision::Ignore);
        let bot = Incoming {
            author_is_bot: true,
            ..incoming("<@900> what is SaaS?")
        };
        assert_eq!(decide(&bot, BOT, &channels()), Decision::Ignore);
        let itself = Incoming {
            author: BOT,
            channel: ANSWERS,
            ..incoming("SaaS is ...")
        };
        assert_eq!(decide(&itself, BOT, &channels()), Decision::Ignore);
        let system = Incoming {
            regular: false,
            in_guild: false,
            ..incoming("pinned a message")
        };
        assert_eq!(decide(&system, BOT, &channels()), Decision::Ignore);
    }

    #[test]
    fn empty_questions_get_the_help_unless_nobody_asked() {
        assert_eq!(decide(&incoming("<@900>"), BOT, &channels()), Decision::Help);
        assert_eq!(
            decide(&incoming("  <@!900>  <@900> "), BOT, &channels()),
            Decision::Help
        );
        let direct = Incoming {
            in_guild: false,
            ..incoming("   ")
        };
        assert_eq!(decide(&direct, BOT, &channels()), Decision::Help);
        let image_only = Incoming {
            channel: ANSWERS,
            ..incoming("")
        };
        assert_eq!(decide(&image_only, BOT, &channels()), Decision::Ignore);
    }

    #[test]
    fn stripping_keeps_other_mentions_and_tidies_spaces() {
        assert_eq!(
            strip_mentions("<@900>\n  hi <@12> <@&5> @everyone <@900>", BOT),
            "hi <@12> <@&5> @everyone"
        );
        assert_eq!(
            strip_mentions("<@9000> x", BOT),
            "<@9000> x",
            "another id that starts alike"
        );
        assert_eq!(strip_mentions("", BOT), "");
    }
}
