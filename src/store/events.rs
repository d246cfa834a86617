//! The plain data the front ends hand to the store, and what it hands back. Strings, not the
//! engine's types, so the store stays independent of them (`"ko"`, `"define"`, `"offline"`).

use std::time::SystemTime;

use serde::Serialize;

use super::UserKey;

/// Something to remember, written by the writer thread in the order it was recorded.
#[derive(Clone, Debug)]
pub enum Event {
    /// An answer was given.
    Answered(Answered),
    /// 👍 or 👎 on an answer.
    Vote(Vote),
    /// The "what was wrong?" of a 👎.
    VoteComment(VoteComment),
}

/// A question as the store may keep it: `text` only when `[store] keep_question_text` is on,
/// `terms` (the analyzer's, which name what was asked without the wording) always.
#[derive(Clone, Debug, Default)]
pub struct Asked {
    /// The question as asked; dropped before writing unless question text is kept.
    pub text: String,
    /// Its terms after the analyzer.
    pub terms: Vec<String>,
}

/// One answer given, for stats: how much is asked, in which language, about what.
#[derive(Clone, Debug)]
pub struct Answered {
    /// When it was answered.
    pub at: SystemTime,
    /// Who asked (hashed).
    pub user: UserKey,
    /// Where: "slash", "message", "button", "cli".
    pub surface: String,
    /// The reply's language code ("ko", "en").
    pub lang: String,
    /// The reply's kind ("define", "compare", "dont_know", ...).
    pub kind: String,
    /// "offline", "grounded", "fallback".
    pub mode: String,
    /// The entries it was about, best first.
    pub entries: Vec<String>,
    /// The aspect asked about, if any ("cons", "providers").
    pub aspect: Option<String>,
    /// The knowledge base's version that answered.
    pub knowledge_version: String,
    /// `Some` for an "I don't know": what was asked, so the knowledge base can grow.
    pub unanswered: Option<Asked>,
}

/// 👍 or 👎 on one answer. One vote per (answer, user): pressing again replaces it.
#[derive(Clone, Debug)]
pub struct Vote {
    /// When it was pressed.
    pub at: SystemTime,
    /// Who voted (hashed).
    pub user: UserKey,
    /// The Discord message id of the answer.
    pub answer_id: u64,
    /// 👍 (`true`) or 👎.
    pub up: bool,
    /// The answer's entries, best first.
    pub entries: Vec<String>,
    /// The answer's kind.
    pub kind: String,
    /// The answer's mode.
    pub mode: String,
    /// The answer's language code.
    pub lang: String,
    /// The knowledge base's version that answered.
    pub knowledge_version: String,
    /// The question; kept only for a 👎.
    pub question: Option<Asked>,
}

/// The optional "what was wrong?" of a 👎; it attaches to that vote.
#[derive(Clone, Debug)]
pub struct VoteComment {
    /// When it was sent.
    pub at: SystemTime,
    /// Who wrote it (hashed).
    pub user: UserKey,
    /// The Discord message id of the answer.
    pub answer_id: u64,
    /// The comment; cut to [`MAX_COMMENT_CHARS`].
    pub comment: String,
}

/// One quiz answer by one user in one scope.
#[derive(Clone, Debug)]
pub struct QuizAnswer {
    /// When it was answered.
    pub at: SystemTime,
    /// A guild id as a string, or "dm": scores are per server.
    pub scope: String,
    /// Who answered (hashed).
    pub user: UserKey,
    /// The name the leaderboard shows (the latest one the user answered with).
    pub display_name: String,
    /// Whether the choice was right.
    pub correct: bool,
    /// The question's kind ("analogy", "year", ...).
    pub kind: String,
    /// The topic the quiz was limited to, if any.
    pub topic: Option<String>,
}

/// A user's running quiz score in a scope.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Score {
    /// Right answers.
    pub correct: u64,
    /// All answers.
    pub answered: u64,
    /// Right answers in a row, reset by a wrong one.
    pub streak: u64,
    /// The longest streak so far.
    pub best_streak: u64,
}

impl Score {
    /// The score after one more answer.
    pub fn after(self, correct: bool) -> Score {
        if correct {
            let streak = self.streak + 1;
            Score {
                correct: self.correct + 1,
                answered: self.answered + 1,
                streak,
                best_streak: self.best_streak.max(streak),
            }
        } else {
            Score {
                answered: self.answered + 1,
                streak: 0,
                ..self
            }
        }
    }
}

/// One line of a leaderboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Standing {
    /// The latest display name the user answered with (shown as text, never a ping).
    pub display_name: String,
    /// Their score in the scope.
    pub score: Score,
}

/// What `close` did: every event recorded was either written, dropped (queue full) or failed
/// (the database refused it; logged).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CloseReport {
    /// Events written since open.
    pub written: u64,
    /// Events dropped because the queue was full (or the store already closed).
    pub dropped: u64,
    /// Events the database refused (an error other than a lock; each batch logged).
    pub failed: u64,
}

/// The longest 👎 comment kept, in characters.
pub const MAX_COMMENT_CHARS: usize = 500;
/// The longest question text kept, in characters.
pub const MAX_TEXT_CHARS: usize = 2000;
/// The most terms kept per question, and entries per answer.
pub const MAX_LIST_ITEMS: usize = 48;
/// The longest display name, term, entry id or label kept, in characters.
pub const MAX_LABEL_CHARS: usize = 100;

/// `text` cut to `max` characters.
pub(crate) fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => text[..end].to_string(),
        None => text.to_string(),
    }
}

/// Unix seconds of `at` (0 before the epoch).
pub(crate) fn unix(at: SystemTime) -> i64 {
    at.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |since| i64::try_from(since.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_answer_resets_the_streak_but_not_the_best() {
        let score = Score::default().after(true).after(true).after(false).after(true);
        assert_eq!(
            score,
            Score {
                correct: 3,
                answered: 4,
                streak: 1,
                best_streak: 2
            }
        );
    }

    #[test]
    fn cut_counts_characters_not_bytes() {
        assert_eq!(cut("가나다라", 2), "가나");
        assert_eq!(cut("ab", 5), "ab");
    }
}
