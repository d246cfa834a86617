//! What the bot remembers about how it did: every answer (without its text), votes and what
//! a 👎 says was wrong, quiz scores. A thin adapter from Discord's ids and the assistant's
//! replies to the store's plain events; the store never blocks an answer (its queue drops
//! and counts when full), and without a store nothing is recorded and scores are zero.

use std::time::SystemTime;

use serenity::model::id::{MessageId, UserId};

use super::ids::AnswerState;
use crate::assistant::{Reply, ReplyKind, Snapshot};
use crate::quiz::QuizQuestion;
use crate::search::analyzer;
use crate::store::{Answered, Asked, Event, QuizAnswer, Score, Standing, Store, Vote, VoteComment};

/// The platform name users are hashed under.
const PLATFORM: &str = "discord";
/// The most leaderboard rows shown.
pub(super) const LEADERBOARD_ROWS: usize = 10;

/// The store, if one is configured, as the Discord front end uses it.
#[derive(Clone, Default)]
pub(super) struct Feedback {
    store: Option<Store>,
}

impl Feedback {
    /// Records into `store`; `None` records nothing.
    pub(super) fn new(store: Option<Store>) -> Feedback {
        Feedback { store }
    }

    /// An answer went out on `surface` ("slash", "message", "button"). Its question's text is
    /// given to the store only for "I don't know" (the store keeps it only when configured to,
    /// and its terms otherwise).
    pub(super) fn answered(&self, surface: &str, user: UserId, question: &str, reply: &Reply, snapshot: &Snapshot) {
        let Some(store) = &self.store else { return };
        if reply.kind == ReplyKind::SmallTalk {
            return;
        }
        let unanswered = (reply.kind == ReplyKind::DontKnow).then(|| asked(question));
        store.record(Event::Answered(Answered {
            at: SystemTime::now(),
            user: store.user_key(PLATFORM, user.get()),
            surface: surface.to_string(),
            lang: reply.lang.code().to_string(),
            kind: reply.kind.as_str().to_string(),
            mode: reply.mode.as_str().to_string(),
            entries: reply.about.clone(),
            aspect: reply.aspect.map(|aspect| aspect.as_str().to_string()),
            knowledge_version: snapshot.knowledge().version().to_string(),
            unanswered,
        }));
    }

    /// 👍 or 👎 on the answer message `answer`; a 👎 keeps the question it answered when the
    /// bot still remembers it.
    pub(super) fn vote(&self, user: UserId, answer: MessageId, up: bool, state: &AnswerState, question: Option<&str>) {
        let Some(store) = &self.store else { return };
        store.record(Event::Vote(Vote {
            at: SystemTime::now(),
            user: store.user_key(PLATFORM, user.get()),
            answer_id: answer.get(),
            up,
            entries: state.entries.clone(),
            kind: state.kind.as_str().to_string(),
            mode: state.mode.as_str().to_string(),
            lang: state.lang.code().to_string(),
            knowledge_version: state.version.clone(),
            question: if up { None } else { question.map(asked) },
        }));
    }

    /// What a 👎 said was wrong.
    pub(super) fn complaint(&self, user: UserId, answer: u64, text: &str) {
        let Some(store) = &self.store else { return };
        store.record(Event::VoteComment(VoteComment {
            at: SystemTime::now(),
            user: store.user_key(PLATFORM, user.get()),
            answer_id: answer,
            comment: text.trim().to_string(),
        }));
    }

    /// A quiz answer by `user` (shown as `display_name` on the leaderboard) in the server
    /// `guild`, or in their DMs: their score and streak after it.
    pub(super) fn quiz(
        &self,
        guild: Option<u64>,
        user: UserId,
        display_name: &str,
        question: &QuizQuestion,
        right: bool,
    ) -> Score {
        let Some(store) = &self.store else {
            return Score::default();
        };
        store.quiz_answer(QuizAnswer {
            at: SystemTime::now(),
            scope: scope(store, guild, user),
            user: store.user_key(PLATFORM, user.get()),
            display_name: display_name.to_string(),
            correct: right,
            kind: question.kind.code().to_string(),
            topic: question.topic.clone(),
        })
    }

    /// The top scores in the server `guild`, or for `user` alone in DMs (DM players never see
    /// each other); empty without a store or when reading fails (logged).
    pub(super) fn leaderboard(&self, guild: Option<u64>, user: UserId) -> Vec<Standing> {
        let Some(store) = &self.store else {
            return Vec::new();
        };
        store
            .leaderboard(&scope(store, guild, user), LEADERBOARD_ROWS)
            .unwrap_or_else(|error| {
                tracing::warn!(error = %error, "could not read the leaderboard");
                Vec::new()
            })
    }
}

/// Where quiz scores count: the server's id, or for direct messages the player's own hashed
/// key, so a DM leaderboard is theirs alone and names no one else.
fn scope(store: &Store, guild: Option<u64>, user: UserId) -> String {
    match guild {
        Some(guild) => guild.to_string(),
        None => format!("dm:{}", store.user_key(PLATFORM, user.get()).as_str()),
    }
}

fn asked(question: &str) -> Asked {
    Asked {
        text: question.to_string(),
        terms: analyzer::terms(question),
    }
}
