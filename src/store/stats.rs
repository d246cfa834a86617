//! Reading the store back: one user's score, a scope's leaderboard, and the figures of
//! `xaas stats`. Plain SQL over one connection; days are UTC (SQLite's `date(at, 'unixepoch')`).

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::{Score, Standing, UserKey};

/// How many items the top lists hold.
const TOP: usize = 20;
/// How many recent questions and comments are shown.
const RECENT: usize = 20;
/// How many quiz players are shown.
const TOP_PLAYERS: usize = 10;
/// The most lines a leaderboard shows.
pub const MAX_LEADERBOARD: usize = 25;

/// What the store has seen since a moment: what `xaas stats` prints. Empty when there is no
/// file yet.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Stats {
    /// The start of the period (UTC, `YYYY-MM-DD HH:MM:SS`), or `None` for everything.
    pub since: Option<String>,
    /// Answers given.
    pub questions: u64,
    /// Answers per UTC day, oldest first.
    pub per_day: Vec<DayCount>,
    /// Answers per reply language.
    pub by_lang: Vec<Count>,
    /// Answers per kind.
    pub by_kind: Vec<Count>,
    /// Answers per mode (offline, grounded, fallback).
    pub by_mode: Vec<Count>,
    /// Answers per surface (slash, message, button, cli).
    pub by_surface: Vec<Count>,
    /// The entries answers were about most.
    pub top_entries: Vec<IdCount>,
    /// The aspects asked about most.
    pub top_aspects: Vec<Count>,
    /// "I don't know" answers.
    pub dont_know: DontKnow,
    /// The terms of the "I don't know" questions, most frequent first: what is missing.
    pub unanswered_terms: Vec<TermCount>,
    /// The latest "I don't know" questions' text (only those kept: `keep_question_text`).
    pub unanswered_questions: Vec<KeptQuestion>,
    /// 👍 and 👎.
    pub votes: Votes,
    /// 👎 per entry, most first.
    pub down_by_entry: Vec<IdCount>,
    /// The terms of the questions of 👎 answers, most frequent first.
    pub down_terms: Vec<TermCount>,
    /// The latest "what was wrong?" comments.
    pub comments: Vec<Comment>,
    /// The quiz.
    pub quiz: QuizStats,
    /// Events dropped at a full queue, all time, as counted at each clean shutdown.
    pub dropped_events: u64,
}

/// Answers on one UTC day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DayCount {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// Answers.
    pub count: u64,
}

/// A label (language, kind, mode, surface, aspect) and how often.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Count {
    /// The label.
    pub key: String,
    /// How often.
    pub count: u64,
}

/// An entry id and how often.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IdCount {
    /// The entry id.
    pub id: String,
    /// How often.
    pub count: u64,
}

/// A term and how often.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TermCount {
    /// The term, after the analyzer.
    pub term: String,
    /// How often.
    pub count: u64,
}

/// How many answers were "I don't know", and their share.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DontKnow {
    /// "I don't know" answers.
    pub count: u64,
    /// Their share of all answers, 0 to 1.
    pub rate: f64,
}

/// A kept question text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeptQuestion {
    /// When (UTC).
    pub at: String,
    /// The question.
    pub text: String,
}

/// Votes in the period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Votes {
    /// 👍.
    pub up: u64,
    /// 👎.
    pub down: u64,
}

/// A 👎 comment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comment {
    /// When (UTC).
    pub at: String,
    /// What the user wrote.
    pub text: String,
    /// The answer's entries.
    pub entries: Vec<String>,
}

/// The quiz in the period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct QuizStats {
    /// Distinct players.
    pub players: u64,
    /// Answers.
    pub answered: u64,
    /// Right answers.
    pub correct: u64,
    /// The players with the most right answers in the period.
    pub top: Vec<QuizPlayer>,
}

/// One quiz player in the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QuizPlayer {
    /// Their latest display name.
    pub display_name: String,
    /// Right answers in the period.
    pub correct: u64,
    /// Answers in the period.
    pub answered: u64,
    /// Their best streak (all time, in that scope).
    pub best_streak: u64,
}

/// One user's stored score in a scope; `None` when they never answered there.
pub(crate) fn stored_score(connection: &Connection, scope: &str, user: &UserKey) -> rusqlite::Result<Option<Score>> {
    connection
        .prepare_cached(
            "SELECT correct, answered, streak, best_streak FROM quiz_scores WHERE scope = ?1 AND user = ?2",
        )?
        .query_row((scope, user.as_str()), |row| {
            Ok(Score {
                correct: row.get::<_, i64>(0)? as u64,
                answered: row.get::<_, i64>(1)? as u64,
                streak: row.get::<_, i64>(2)? as u64,
                best_streak: row.get::<_, i64>(3)? as u64,
            })
        })
        .optional()
}

/// The stored top `limit` of a scope, by right answers then best streak, with their keys.
pub(crate) fn stored_leaderboard(
    connection: &Connection,
    scope: &str,
    limit: usize,
) -> rusqlite::Result<Vec<(UserKey, Standing)>> {
    let mut statement = connection.prepare_cached(
        "SELECT user, display_name, correct, answered, streak, best_streak FROM quiz_scores
         WHERE scope = ?1 ORDER BY correct DESC, best_streak DESC, answered ASC, display_name ASC LIMIT ?2",
    )?;
    let rows = statement.query_map((scope, limit as i64), |row| {
        Ok((
            UserKey::from_stored(row.get(0)?),
            Standing {
                display_name: row.get(1)?,
                score: Score {
                    correct: row.get::<_, i64>(2)? as u64,
                    answered: row.get::<_, i64>(3)? as u64,
                    streak: row.get::<_, i64>(4)? as u64,
                    best_streak: row.get::<_, i64>(5)? as u64,
                },
            },
        ))
    })?;
    rows.collect()
}

/// The order of a leaderboard: right answers, then best streak, then fewer answers.
pub(crate) fn rank(standings: &mut [Standing]) {
    standings.sort_by(|a, b| {
        (b.score.correct, b.score.best_streak, a.score.answered, &a.display_name).cmp(&(
            a.score.correct,
            a.score.best_streak,
            b.score.answered,
            &b.display_name,
        ))
    });
}

/// Everything `xaas stats` shows, for events at or after `since` (unix seconds).
pub(crate) fn stats(connection: &Connection, since: Option<i64>) -> rusqlite::Result<Stats> {
    let from = since.unwrap_or(i64::MIN);
    let count = |sql: &str| -> rusqlite::Result<u64> {
        connection
            .query_row(sql, [from], |row| row.get::<_, Option<i64>>(0))
            .map(|n| n.unwrap_or(0) as u64)
    };
    let pairs = |sql: &str| -> rusqlite::Result<Vec<(String, u64)>> {
        let mut statement = connection.prepare(sql)?;
        let rows = statement.query_map([from], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)? as u64))
        })?;
        rows.collect()
    };
    let counts = |sql: &str| -> rusqlite::Result<Vec<Count>> {
        Ok(pairs(sql)?
            .into_iter()
            .map(|(key, count)| Count { key, count })
            .collect())
    };
    let ids = |sql: &str| -> rusqlite::Result<Vec<IdCount>> {
        Ok(pairs(sql)?
            .into_iter()
            .map(|(id, count)| IdCount { id, count })
            .collect())
    };
    let terms = |sql: &str| -> rusqlite::Result<Vec<TermCount>> {
        Ok(pairs(sql)?
            .into_iter()
            .map(|(term, count)| TermCount { term, count })
            .collect())
    };
    let by = |column: &str| {
        counts(&format!(
            "SELECT {column}, count(*) FROM answered WHERE at >= ?1 GROUP BY 1 ORDER BY 2 DESC, 1"
        ))
    };

    let questions = count("SELECT count(*) FROM answered WHERE at >= ?1")?;
    let dont_know = count("SELECT count(*) FROM answered WHERE at >= ?1 AND dont_know = 1")?;
    let per_day = pairs("SELECT date(at, 'unixepoch'), count(*) FROM answered WHERE at >= ?1 GROUP BY 1 ORDER BY 1")?
        .into_iter()
        .map(|(day, count)| DayCount { day, count })
        .collect();
    let top_entries = ids(&format!(
        "SELECT entry.value, count(*) FROM answered, json_each(answered.entries) AS entry
         WHERE answered.at >= ?1 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {TOP}"
    ))?;
    let top_aspects = counts(&format!(
        "SELECT aspect, count(*) FROM answered WHERE at >= ?1 AND aspect IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {TOP}"
    ))?;
    let unanswered_terms = terms(&format!(
        "SELECT term.value, count(*) FROM answered, json_each(answered.question_terms) AS term
         WHERE answered.at >= ?1 AND answered.dont_know = 1 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {TOP}"
    ))?;
    let unanswered_questions = {
        let mut statement = connection.prepare(&format!(
            "SELECT datetime(at, 'unixepoch'), question_text FROM answered
             WHERE at >= ?1 AND dont_know = 1 AND question_text IS NOT NULL ORDER BY at DESC, id DESC LIMIT {RECENT}"
        ))?;
        let rows = statement.query_map([from], |row| {
            Ok(KeptQuestion {
                at: row.get(0)?,
                text: row.get(1)?,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let votes = Votes {
        up: count("SELECT count(*) FROM votes WHERE at >= ?1 AND up = 1")?,
        down: count("SELECT count(*) FROM votes WHERE at >= ?1 AND up = 0")?,
    };
    let down_by_entry = ids(&format!(
        "SELECT entry.value, count(*) FROM votes, json_each(votes.entries) AS entry
         WHERE votes.at >= ?1 AND votes.up = 0 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {TOP}"
    ))?;
    let down_terms = terms(&format!(
        "SELECT term.value, count(*) FROM votes, json_each(votes.question_terms) AS term
         WHERE votes.at >= ?1 AND votes.up = 0 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {TOP}"
    ))?;
    let comments = {
        let mut statement = connection.prepare(&format!(
            "SELECT datetime(comment_at, 'unixepoch'), comment, entries FROM votes
             WHERE comment_at >= ?1 AND comment IS NOT NULL ORDER BY comment_at DESC LIMIT {RECENT}"
        ))?;
        let rows = statement.query_map([from], |row| {
            let entries: String = row.get(2)?;
            Ok(Comment {
                at: row.get(0)?,
                text: row.get(1)?,
                entries: serde_json::from_str(&entries).unwrap_or_default(),
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let quiz = QuizStats {
        players: count("SELECT count(DISTINCT user) FROM quiz_answers WHERE at >= ?1")?,
        answered: count("SELECT count(*) FROM quiz_answers WHERE at >= ?1")?,
        correct: count("SELECT sum(correct) FROM quiz_answers WHERE at >= ?1")?,
        top: {
            let mut statement = connection.prepare(&format!(
                "SELECT coalesce(s.display_name, ''), sum(a.correct), count(*), coalesce(s.best_streak, 0)
                 FROM quiz_answers AS a LEFT JOIN quiz_scores AS s ON s.scope = a.scope AND s.user = a.user
                 WHERE a.at >= ?1 GROUP BY a.scope, a.user
                 ORDER BY 2 DESC, 4 DESC, 3 ASC, 1 ASC LIMIT {TOP_PLAYERS}"
            ))?;
            let rows = statement.query_map([from], |row| {
                Ok(QuizPlayer {
                    display_name: row.get(0)?,
                    correct: row.get::<_, i64>(1)? as u64,
                    answered: row.get::<_, i64>(2)? as u64,
                    best_streak: row.get::<_, i64>(3)? as u64,
                })
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        },
    };
    let dropped_events = connection
        .query_row("SELECT value FROM meta WHERE key = 'dropped_total'", [], |row| {
            row.get::<_, i64>(0)
        })
        .optional()?
        .unwrap_or(0) as u64;
    let since = match since {
        Some(at) => Some(connection.query_row("SELECT datetime(?1, 'unixepoch')", [at], |row| row.get(0))?),
        None => None,
    };
    Ok(Stats {
        since,
        questions,
        per_day,
        by_lang: by("lang")?,
        by_kind: by("kind")?,
        by_mode: by("mode")?,
        by_surface: by("surface")?,
        top_entries,
        top_aspects,
        dont_know: DontKnow {
            count: dont_know,
            rate: if questions == 0 {
                0.0
            } else {
                dont_know as f64 / questions as f64
            },
        },
        unanswered_terms,
        unanswered_questions,
        votes,
        down_by_entry,
        down_terms,
        comments,
        quiz,
        dropped_events,
    })
}
