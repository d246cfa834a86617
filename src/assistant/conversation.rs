//! What the assistant remembers of a conversation: the earlier turns a front end hands back
//! with each new question (a Discord reply chain, a thread, a DM, a terminal session).
//!
//! A turn keeps what was asked, a short form of what was answered (for the LLM's earlier
//! messages) and what the answer was about: its entries and aspect, which is all the
//! follow-up reader needs. Entries are kept by id, so a turn still reads after a reload.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::intent::Aspect;
use super::reply::{Reply, ReplyKind};

/// The most characters of an answer a turn keeps: the gist for the LLM's earlier messages,
/// and a bound on what a conversation costs in memory.
pub const MAX_TURN_ANSWER_CHARS: usize = 600;
/// The most characters of a question a turn keeps.
pub const MAX_TURN_QUESTION_CHARS: usize = 1000;

/// One earlier turn of a conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Turn {
    /// What was asked, as typed.
    pub asked: String,
    /// What the bot answered, shortened to [`MAX_TURN_ANSWER_CHARS`].
    pub answer: String,
    /// The entries the answer was about (ids), in the order it named them; empty for a
    /// don't-know or small talk.
    pub about: Vec<String>,
    /// The aspect the answer led with, when it led with one.
    pub aspect: Option<Aspect>,
    /// Whether the answer showed everything ("more" was asked), not a first answer.
    pub detailed: bool,
    /// What kind of answer it was.
    pub kind: ReplyKind,
}

impl Turn {
    /// The turn `asked` made, answered by `reply`.
    pub fn of(asked: &str, reply: &Reply) -> Turn {
        let answer = if reply.lead.is_empty() {
            reply.sections.first().map_or(reply.title.as_str(), |s| s.body.as_str())
        } else {
            reply.lead.as_str()
        };
        Turn {
            asked: cut(asked, MAX_TURN_QUESTION_CHARS),
            answer: cut(answer, MAX_TURN_ANSWER_CHARS),
            about: reply.about.clone(),
            aspect: reply.aspect,
            detailed: reply.detailed,
            kind: reply.kind,
        }
    }

    /// Whether the turn was about the knowledge base (not small talk, not a don't-know).
    pub fn is_topical(&self) -> bool {
        !self.about.is_empty()
    }

    /// The bytes this turn holds, for bounding a store of conversations.
    pub fn weight(&self) -> usize {
        std::mem::size_of::<Turn>()
            + self.asked.len()
            + self.answer.len()
            + self
                .about
                .iter()
                .map(|id| id.len() + std::mem::size_of::<String>())
                .sum::<usize>()
    }
}

/// `text` cut to at most `max` characters at a character boundary.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => text[..at].to_string(),
        None => text.to_string(),
    }
}

/// The earlier turns an LLM sees as earlier messages: the most recent ones, at most
/// `max_turns` of them and `max_chars` characters in all (questions and answers), oldest
/// first. A turn that does not fit whole is left out with everything before it.
pub fn history(turns: &[Turn], max_turns: usize, max_chars: usize) -> &[Turn] {
    let mut used = 0;
    let mut first = turns.len();
    for (index, turn) in turns.iter().enumerate().rev().take(max_turns) {
        let size = turn.asked.chars().count() + turn.answer.chars().count();
        if used + size > max_chars {
            break;
        }
        used += size;
        first = index;
    }
    &turns[first..]
}

/// Conversations kept in memory by a front end, keyed by where they live (a Discord answer,
/// thread or DM): bounded in count (the least recently used go first) and in idle age, each
/// to its last `max_turns` turns. Nothing is written anywhere.
///
/// A conversation's turns are shared, not copied: the state after each answer holds the same
/// turns as the state before it plus one, so a long reply chain costs one turn per answer.
pub struct Store<K> {
    cache: moka::sync::Cache<K, Arc<Kept>>,
    max_turns: usize,
}

/// One kept conversation.
#[derive(Debug)]
pub struct Kept {
    /// Its turns, oldest first.
    pub turns: Vec<Arc<Turn>>,
    /// When its last turn was added.
    pub at: Instant,
    /// Whether the place is the bot's own (a thread it opened, a forum post it answered):
    /// there every message is for the bot.
    pub owned: bool,
}

impl Kept {
    /// The turns as a question's earlier turns.
    pub fn earlier(&self) -> Vec<Turn> {
        self.turns.iter().map(|turn| Turn::clone(turn)).collect()
    }
}

impl<K: std::hash::Hash + Eq + Send + Sync + 'static> Store<K> {
    /// A store of at most `max_conversations`, each forgotten after `max_idle` without a new
    /// turn and kept to its last `max_turns` turns.
    pub fn new(max_conversations: u64, max_idle: Duration, max_turns: usize) -> Store<K> {
        Store {
            cache: moka::sync::Cache::builder()
                .max_capacity(max_conversations)
                .time_to_idle(max_idle)
                .build(),
            max_turns: max_turns.max(1),
        }
    }

    /// The conversation kept at `key`.
    pub fn get(&self, key: &K) -> Option<Arc<Kept>> {
        self.cache.get(key)
    }

    /// Keeps `earlier` plus `turn` at each of `keys` (one conversation can be reached from
    /// several places: the answer replied to, its thread, the DM), and returns it.
    pub fn add(&self, keys: impl IntoIterator<Item = K>, earlier: &[Arc<Turn>], turn: Turn, owned: bool) -> Arc<Kept> {
        let skip = (earlier.len() + 1).saturating_sub(self.max_turns);
        let mut turns: Vec<Arc<Turn>> = earlier.iter().skip(skip).cloned().collect();
        turns.push(Arc::new(turn));
        let kept = Arc::new(Kept {
            turns,
            at: Instant::now(),
            owned,
        });
        for key in keys {
            self.cache.insert(key, Arc::clone(&kept));
        }
        kept
    }

    /// Keeps `kept` at `key` too (an answer's messages, once they are sent), unless something
    /// newer is there already: a press on the answer that changed it in the meantime.
    pub fn put(&self, key: K, kept: &Arc<Kept>) {
        self.cache.entry(key).or_insert_with(|| Arc::clone(kept));
    }

    /// How many conversations are kept, after pending evictions are applied.
    pub fn len(&self) -> u64 {
        self.cache.run_pending_tasks();
        self.cache.entry_count()
    }

    /// Whether none is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes the kept conversations hold: each conversation's own data, and each turn
    /// once however many conversations share it. For measuring the bound.
    pub fn weight(&self) -> usize {
        self.cache.run_pending_tasks();
        let mut seen: rustc_hash::FxHashSet<*const Turn> = rustc_hash::FxHashSet::default();
        let mut bytes = 0;
        for (_, kept) in self.cache.iter() {
            bytes += std::mem::size_of::<Kept>() + kept.turns.len() * std::mem::size_of::<Arc<Turn>>();
            for turn in &kept.turns {
                if seen.insert(Arc::as_ptr(turn)) {
                    bytes += turn.weight();
                }
            }
        }
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn(asked: &str, answer: &str) -> Turn {
        Turn {
            asked: asked.into(),
            answer: answer.into(),
            about: vec!["iaas".into()],
            aspect: None,
            detailed: false,
            kind: ReplyKind::Model,
        }
    }

    #[test]
    fn history_keeps_the_latest_turns_within_both_bounds() {
        let turns = vec![turn("one", "aaaa"), turn("two", "bbbb"), turn("three", "cccc")];
        assert_eq!(history(&turns, 2, 1000).len(), 2);
        assert_eq!(history(&turns, 2, 1000)[0].asked, "two");
        assert_eq!(history(&turns, 10, 17).len(), 2, "three+cccc and two+bbbb fit in 16");
        assert!(history(&turns, 10, 5).is_empty());
        assert!(history(&turns, 0, 1000).is_empty());
    }

    #[test]
    fn a_turn_keeps_a_bounded_gist() {
        let long = "가".repeat(5000);
        let kept = turn(&cut(&long, MAX_TURN_QUESTION_CHARS), &cut(&long, MAX_TURN_ANSWER_CHARS));
        assert_eq!(kept.asked.chars().count(), MAX_TURN_QUESTION_CHARS);
        assert_eq!(kept.answer.chars().count(), MAX_TURN_ANSWER_CHARS);
        let store: Store<u64> = Store::new(10, Duration::from_secs(60), 4);
        let mut earlier: Vec<Arc<Turn>> = Vec::new();
        for n in 0..9 {
            earlier = store.add([n], &earlier, kept.clone(), false).turns.clone();
        }
        assert_eq!(earlier.len(), 4, "kept to the last four turns");
        assert_eq!(store.get(&8).map(|k| k.turns.len()), Some(4));
    }

    #[test]
    fn the_store_is_bounded_in_count() {
        let store: Store<u64> = Store::new(100, Duration::from_secs(60), 4);
        for n in 0..1000 {
            store.add([n], &[], turn("q", "a"), false);
        }
        assert!(store.len() <= 100, "{} kept", store.len());
    }
}
