//! Where a Discord conversation lives, and how its earlier turns are found: a reply to one of
//! the bot's answers continues that answer's conversation, a message in a thread where the bot
//! has answered continues the thread's, and a DM continues until a quiet time passes. The turns
//! go to the assistant, which reads the follow-up; nothing here decides what a turn means.
//!
//! Conversations are kept in memory only ([`Store`]: bounded in count and idle age), keyed by
//! Discord ids; no message text is written to disk or logs. A reply chain the bot no longer
//! remembers (after a restart) is read back from Discord, a bounded number of answers deep, and
//! its questions are asked again offline to recover what each answer was about.

use std::sync::Arc;
use std::time::Duration;

use serenity::http::Http;
use serenity::model::channel::Message;
use serenity::model::id::{ChannelId, MessageId, UserId};

use super::messages::strip_mentions;
use crate::assistant::{Assistant, Kept, Question, Store, Turn};
use crate::config::DiscordConfig;

/// A place a conversation can be reached from.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub(super) enum Place {
    /// One of the bot's answer messages: a reply to it continues the conversation.
    Answer(MessageId),
    /// A thread the bot has answered in.
    Thread(ChannelId),
    /// A direct-message channel.
    Direct(ChannelId),
}

/// The conversations the bot remembers, and how far back it reads what it forgot.
pub(super) struct Conversations {
    store: Store<Place>,
    dm_quiet: Duration,
    chain_depth: usize,
}

/// The conversation a message continues.
#[derive(Debug, Default)]
pub(super) struct Found {
    /// Its earlier turns, oldest first; empty for a fresh conversation.
    pub earlier: Vec<Arc<Turn>>,
    /// Whether it lives in a thread that is the bot's own.
    pub owned_thread: bool,
}

impl Conversations {
    /// The store `config` describes.
    pub(super) fn new(config: &DiscordConfig) -> Conversations {
        Conversations {
            store: Store::new(
                config.max_conversations,
                Duration::from_secs(config.conversation_idle_minutes.max(1) * 60),
                config.conversation_turns,
            ),
            dm_quiet: Duration::from_secs(config.dm_quiet_minutes * 60),
            chain_depth: config.reply_chain_depth,
        }
    }

    /// Whether `channel` is a thread the bot opened or answered a forum post in: every message
    /// there is for the bot.
    pub(super) fn owns_thread(&self, channel: ChannelId) -> bool {
        self.store.get(&Place::Thread(channel)).is_some_and(|kept| kept.owned)
    }

    /// Whether `message` is one of the bot's answers it remembers (maybe deleted since).
    pub(super) fn remembers_answer(&self, message: MessageId) -> bool {
        self.store.get(&Place::Answer(message)).is_some()
    }

    /// The question the answer `message` answered, while the bot remembers it: what a 👎
    /// on that answer keeps (never written anywhere unless the store is told to keep text).
    pub(super) fn question_of(&self, message: MessageId) -> Option<String> {
        let kept = self.store.get(&Place::Answer(message))?;
        kept.turns.last().map(|turn| turn.asked.clone())
    }

    /// An answer changed in place by a press of its asker: the conversation at that answer
    /// now ends with what it shows, so "그럼 PaaS는?" in reply to it follows the new aspect.
    pub(super) fn pressed(&self, answer: MessageId, turn: Turn) {
        let earlier: Vec<Arc<Turn>> = self
            .store
            .get(&Place::Answer(answer))
            .map(|kept| kept.turns[..kept.turns.len().saturating_sub(1)].to_vec())
            .unwrap_or_default();
        self.store.add([Place::Answer(answer)], &earlier, turn, false);
    }

    /// The conversation `message` continues: the answer it replies to (from memory, else
    /// read from Discord), else its thread, else its DM while not quiet for too long.
    pub(super) async fn find(&self, http: &Http, assistant: &Assistant, bot: UserId, message: &Message) -> Found {
        if let Some(replied) = message.message_reference.as_ref().and_then(|r| r.message_id) {
            if let Some(kept) = self.store.get(&Place::Answer(replied)) {
                return Found {
                    earlier: kept.turns.clone(),
                    owned_thread: self.owns_thread(message.channel_id),
                };
            }
            let answer = match &message.referenced_message {
                Some(answer) => Some(answer.as_ref().clone()),
                // Deleted, or not sent along: ask Discord (a deleted one is a fresh start).
                None => http.get_message(message.channel_id, replied).await.ok(),
            };
            if let Some(answer) = answer.filter(|answer| answer.author.id == bot) {
                let earlier = self.read_chain(http, assistant, bot, answer).await;
                if !earlier.is_empty() {
                    return Found {
                        earlier,
                        owned_thread: self.owns_thread(message.channel_id),
                    };
                }
            }
        }
        if let Some(kept) = self.store.get(&Place::Thread(message.channel_id)) {
            return Found {
                earlier: kept.turns.clone(),
                owned_thread: kept.owned,
            };
        }
        if message.guild_id.is_none() {
            if let Some(kept) = self.store.get(&Place::Direct(message.channel_id)) {
                if kept.at.elapsed() < self.dm_quiet {
                    return Found {
                        earlier: kept.turns.clone(),
                        owned_thread: false,
                    };
                }
            }
        }
        Found::default()
    }

    /// Keeps the conversation after an answer, before the answer is sent (the next message
    /// in a thread or DM may come at once): at its thread when it is in one, and at its DM.
    pub(super) fn keep(
        &self,
        found: &Found,
        turn: Turn,
        thread: Option<(ChannelId, bool)>,
        direct: Option<ChannelId>,
    ) -> Arc<Kept> {
        let owned = thread.is_some_and(|(_, owned)| owned) || found.owned_thread;
        let places = thread
            .map(|(channel, _)| Place::Thread(channel))
            .into_iter()
            .chain(direct.map(Place::Direct));
        self.store.add(places, &found.earlier, turn, owned)
    }

    /// Keeps `kept` at each message of its answer, once sent: a reply to any continues it.
    pub(super) fn keep_answers(&self, kept: &Arc<Kept>, answers: &[MessageId]) {
        for answer in answers {
            self.store.put(Place::Answer(*answer), kept);
        }
    }

    /// A reply chain read back from Discord, from the bot's `answer` to the oldest question
    /// at most [`DiscordConfig::reply_chain_depth`] answers back. Each answer replies to its
    /// question; a question that replies to an earlier answer of the bot's continues the
    /// chain. The questions are answered again offline, in order, to recover what each was
    /// about; the answer texts are the bot's own words as Discord has them. A message that is
    /// gone ends the chain there.
    async fn read_chain(&self, http: &Http, assistant: &Assistant, bot: UserId, answer: Message) -> Vec<Arc<Turn>> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut answer = answer;
        for _ in 0..self.chain_depth {
            let Some(question_id) = answer.message_reference.as_ref().and_then(|r| r.message_id) else {
                break;
            };
            let channel = answer
                .message_reference
                .as_ref()
                .map_or(answer.channel_id, |r| r.channel_id);
            let Ok(question) = http.get_message(channel, question_id).await else {
                break;
            };
            pairs.push((strip_mentions(&question.content, bot), shown_text(&answer)));
            let earlier = match (&question.referenced_message, &question.message_reference) {
                (Some(earlier), _) => Some(earlier.as_ref().clone()),
                (None, Some(reference)) => match reference.message_id {
                    Some(id) => http.get_message(reference.channel_id, id).await.ok(),
                    None => None,
                },
                (None, None) => None,
            };
            match earlier {
                Some(earlier) if earlier.author.id == bot => answer = earlier,
                _ => break,
            }
        }
        pairs.reverse();
        let mut turns: Vec<Arc<Turn>> = Vec::new();
        for (asked, shown) in pairs {
            let earlier: Vec<Turn> = turns.iter().map(|turn| Turn::clone(turn)).collect();
            let reply = assistant.answer(&Question::new(asked.clone()).after(earlier));
            let mut turn = Turn::of(&asked, &reply);
            if !shown.is_empty() {
                turn.answer = Turn::of(&asked, &reply_text(&reply, &shown)).answer;
            }
            turns.push(Arc::new(turn));
        }
        turns
    }
}

/// What an answer message shows as text: its content, else its first embed's description.
fn shown_text(message: &Message) -> String {
    if !message.content.trim().is_empty() {
        return message.content.clone();
    }
    message
        .embeds
        .first()
        .and_then(|embed| embed.description.clone())
        .unwrap_or_default()
}

/// `reply` with `shown` as its lead, so a turn keeps the words Discord showed.
fn reply_text(reply: &crate::assistant::Reply, shown: &str) -> crate::assistant::Reply {
    let mut reply = reply.clone();
    reply.lead = shown.to_string();
    reply
}
