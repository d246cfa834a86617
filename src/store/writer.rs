//! The single writer thread: it takes what the front ends recorded from a bounded queue and
//! writes it in batches, one transaction per batch. Nothing here runs on an answer's path;
//! a full queue drops (and counts) instead of waiting.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rusqlite::{Connection, Transaction, TransactionBehavior};

use super::events::{cut, unix, MAX_COMMENT_CHARS, MAX_LABEL_CHARS, MAX_LIST_ITEMS, MAX_TEXT_CHARS};
use super::scores::{ScoreKey, Scores};
use super::{Answered, Asked, Event, QuizAnswer, StoreError, Vote, VoteComment};

/// The most events written in one transaction: big enough that a burst costs one commit,
/// small enough that a flush or close is not held up for long.
const BATCH: usize = 512;

/// How often a queue that keeps overflowing is logged.
const DROP_LOG_EVERY: Duration = Duration::from_secs(60);

/// What goes through the queue.
pub(crate) enum Message {
    /// A front end's event.
    Event(Event),
    /// A quiz answer (already applied to the in-memory score).
    Quiz(QuizAnswer),
    /// Answer on the channel once everything queued before is written.
    Flush(SyncSender<()>),
    /// Write everything queued, checkpoint the WAL and stop.
    Close(SyncSender<()>),
}

/// What the store's handles and the writer thread share.
pub(crate) struct Shared {
    /// Events committed.
    pub(crate) written: AtomicU64,
    /// Events dropped at a full (or closed) queue.
    pub(crate) dropped: AtomicU64,
    /// Events the database refused.
    pub(crate) failed: AtomicU64,
    /// The quiz scores in memory.
    pub(crate) scores: Scores,
    /// Whether question text is written at all.
    pub(crate) keep_question_text: bool,
    /// When a drop was last logged, and the drops since.
    drop_log: Mutex<(Option<Instant>, u64)>,
}

impl Shared {
    /// Fresh counters.
    pub(crate) fn new(keep_question_text: bool) -> Shared {
        Shared {
            written: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            scores: Scores::default(),
            keep_question_text,
            drop_log: Mutex::new((None, 0)),
        }
    }

    /// Counts one dropped event and logs it: the first one, then at most once a minute with
    /// the count. Never waits: if another thread is logging, this drop is counted only.
    pub(crate) fn note_drop(&self, why: &'static str) {
        let total = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
        let Ok(mut log) = self.drop_log.try_lock() else {
            return;
        };
        let (last, since) = &mut *log;
        *since += 1;
        if last.is_none_or(|at| at.elapsed() >= DROP_LOG_EVERY) {
            tracing::warn!(dropped = *since, total, why, "store: events dropped, not written");
            *last = Some(Instant::now());
            *since = 0;
        }
    }
}

/// The writer thread's loop: until `Close`, or until every handle is gone (then what is
/// queued is still written).
pub(crate) fn run(mut connection: Connection, queue: Receiver<Message>, shared: &Shared, path: &std::path::Path) {
    let mut closing: Option<SyncSender<()>> = None;
    while closing.is_none() {
        let Ok(first) = queue.recv() else {
            break;
        };
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match queue.try_recv() {
                Ok(message) => batch.push(message),
                Err(_) => break,
            }
        }
        closing = handle(&mut connection, batch, shared, path);
    }
    if let Some(reply) = closing {
        // Anything recorded after `close` was called, by other handles, is written too.
        let rest: Vec<Message> = queue.try_iter().collect();
        handle(&mut connection, rest, shared, path);
        finish(&connection, shared, path);
        let _ = reply.send(());
    } else {
        finish(&connection, shared, path);
    }
}

/// Writes a batch in order, answering flushes once what came before them is committed.
/// Returns the reply channel of a `Close` found in it.
fn handle(
    connection: &mut Connection,
    batch: Vec<Message>,
    shared: &Shared,
    path: &std::path::Path,
) -> Option<SyncSender<()>> {
    let mut pending: Vec<Message> = Vec::with_capacity(batch.len());
    let mut closing = None;
    for message in batch {
        match message {
            Message::Flush(reply) => {
                commit(connection, std::mem::take(&mut pending), shared, path);
                let _ = reply.send(());
            }
            Message::Close(reply) => closing = Some(reply),
            event => pending.push(event),
        }
    }
    commit(connection, pending, shared, path);
    closing
}

/// Writes `events` in one transaction, waiting out another process's lock (and saying so);
/// any other failure loses this batch, counted as failed and logged.
fn commit(connection: &mut Connection, events: Vec<Message>, shared: &Shared, path: &std::path::Path) {
    if events.is_empty() {
        return;
    }
    let mut attempts = 0u32;
    let outcome = loop {
        attempts += 1;
        match write(connection, &events, shared.keep_question_text) {
            Err(error) if StoreError::is_busy(&error) => {
                if attempts == 1 || attempts.is_multiple_of(12) {
                    tracing::warn!(path = %path.display(), attempts, "store: the file is locked by another connection; waiting to write");
                }
            }
            other => break other,
        }
    };
    let count = events.len() as u64;
    match outcome {
        Ok(()) => {
            shared.written.fetch_add(count, Ordering::Relaxed);
        }
        Err(error) => {
            shared.failed.fetch_add(count, Ordering::Relaxed);
            tracing::error!(path = %path.display(), events = count, error = %StoreError::from_sqlite(path, error), "store: a batch could not be written");
        }
    }
    for message in &events {
        if let Message::Quiz(answer) = message {
            shared.scores.settle(&score_key(answer));
        }
    }
}

/// The key of a quiz answer's score.
pub(crate) fn score_key(answer: &QuizAnswer) -> ScoreKey {
    (answer.scope.clone(), answer.user.clone())
}

fn write(connection: &mut Connection, events: &[Message], keep_text: bool) -> rusqlite::Result<()> {
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for message in events {
        match message {
            Message::Event(Event::Answered(answered)) => write_answered(&transaction, answered, keep_text)?,
            Message::Event(Event::Vote(vote)) => write_vote(&transaction, vote, keep_text)?,
            Message::Event(Event::VoteComment(comment)) => write_comment(&transaction, comment)?,
            Message::Quiz(answer) => write_quiz(&transaction, answer)?,
            Message::Flush(_) | Message::Close(_) => {}
        }
    }
    transaction.commit()
}

/// A list of labels as the JSON array stored, bounded.
fn list(items: &[String]) -> String {
    let items: Vec<String> = items
        .iter()
        .take(MAX_LIST_ITEMS)
        .map(|item| cut(item, MAX_LABEL_CHARS))
        .collect();
    serde_json::to_string(&items).unwrap_or_else(|_| "[]".to_string())
}

/// The terms and (when kept) the text of a question.
fn asked(question: Option<&Asked>, keep_text: bool) -> (Option<String>, Option<String>) {
    match question {
        Some(asked) => (
            Some(list(&asked.terms)),
            keep_text.then(|| cut(&asked.text, MAX_TEXT_CHARS)),
        ),
        None => (None, None),
    }
}

fn label(text: &str) -> String {
    cut(text, MAX_LABEL_CHARS)
}

fn write_answered(transaction: &Transaction, answered: &Answered, keep_text: bool) -> rusqlite::Result<()> {
    let (terms, text) = asked(answered.unanswered.as_ref(), keep_text);
    transaction
        .prepare_cached(
            "INSERT INTO answered (at, user, surface, lang, kind, mode, entries, aspect, knowledge_version,
                                   dont_know, question_terms, question_text)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?
        .execute(rusqlite::params![
            unix(answered.at),
            answered.user.as_str(),
            label(&answered.surface),
            label(&answered.lang),
            label(&answered.kind),
            label(&answered.mode),
            list(&answered.entries),
            answered.aspect.as_deref().map(label),
            label(&answered.knowledge_version),
            answered.unanswered.is_some(),
            terms,
            text,
        ])?;
    Ok(())
}

fn write_vote(transaction: &Transaction, vote: &Vote, keep_text: bool) -> rusqlite::Result<()> {
    // The question is kept for a 👎 only: that is what the maintainers look at.
    let (terms, text) = asked(vote.question.as_ref().filter(|_| !vote.up), keep_text);
    transaction
        .prepare_cached(
            "INSERT INTO votes (answer_id, user, at, up, entries, kind, mode, lang, knowledge_version,
                                question_terms, question_text)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (answer_id, user) DO UPDATE SET
                at = excluded.at, up = excluded.up, entries = excluded.entries, kind = excluded.kind,
                mode = excluded.mode, lang = excluded.lang, knowledge_version = excluded.knowledge_version,
                question_terms = excluded.question_terms, question_text = excluded.question_text,
                comment = CASE WHEN votes.up = excluded.up THEN votes.comment END,
                comment_at = CASE WHEN votes.up = excluded.up THEN votes.comment_at END",
        )?
        .execute(rusqlite::params![
            vote.answer_id as i64,
            vote.user.as_str(),
            unix(vote.at),
            vote.up,
            list(&vote.entries),
            label(&vote.kind),
            label(&vote.mode),
            label(&vote.lang),
            label(&vote.knowledge_version),
            terms,
            text,
        ])?;
    Ok(())
}

fn write_comment(transaction: &Transaction, comment: &VoteComment) -> rusqlite::Result<()> {
    let text = cut(comment.comment.trim(), MAX_COMMENT_CHARS);
    let at = unix(comment.at);
    let updated = transaction
        .prepare_cached("UPDATE votes SET comment = ?1, comment_at = ?2 WHERE answer_id = ?3 AND user = ?4")?
        .execute(rusqlite::params![
            text,
            at,
            comment.answer_id as i64,
            comment.user.as_str()
        ])?;
    if updated == 0 {
        // The vote itself was dropped: a comment only follows a 👎, so keep it as one.
        transaction
            .prepare_cached(
                "INSERT INTO votes (answer_id, user, at, up, comment, comment_at) VALUES (?1, ?2, ?3, 0, ?4, ?3)",
            )?
            .execute(rusqlite::params![
                comment.answer_id as i64,
                comment.user.as_str(),
                at,
                text
            ])?;
    }
    Ok(())
}

fn write_quiz(transaction: &Transaction, answer: &QuizAnswer) -> rusqlite::Result<()> {
    let at = unix(answer.at);
    transaction
        .prepare_cached(
            "INSERT INTO quiz_answers (at, scope, user, correct, kind, topic) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(rusqlite::params![
            at,
            label(&answer.scope),
            answer.user.as_str(),
            answer.correct,
            label(&answer.kind),
            answer.topic.as_deref().map(label),
        ])?;
    // Relative to the row, so the file stays right whatever the memory held.
    transaction
        .prepare_cached(
            "INSERT INTO quiz_scores (scope, user, display_name, correct, answered, streak, best_streak, updated_at)
             VALUES (?1, ?2, ?3, ?4, 1, ?4, ?4, ?5)
             ON CONFLICT (scope, user) DO UPDATE SET
                display_name = excluded.display_name,
                correct = correct + excluded.correct,
                answered = answered + 1,
                streak = CASE WHEN excluded.correct = 1 THEN streak + 1 ELSE 0 END,
                best_streak = max(best_streak, CASE WHEN excluded.correct = 1 THEN streak + 1 ELSE 0 END),
                updated_at = excluded.updated_at",
        )?
        .execute(rusqlite::params![
            label(&answer.scope),
            answer.user.as_str(),
            label(&answer.display_name),
            i64::from(answer.correct),
            at,
        ])?;
    Ok(())
}

/// At the end: adds this session's drops to the file's total, and checkpoints the WAL into
/// the database so the file alone holds everything.
fn finish(connection: &Connection, shared: &Shared, path: &std::path::Path) {
    let dropped = shared.dropped.load(Ordering::Relaxed);
    let result = connection
        .execute(
            "INSERT INTO meta (key, value) VALUES ('dropped_total', ?1)
             ON CONFLICT (key) DO UPDATE SET value = value + excluded.value",
            [dropped as i64],
        )
        .and_then(|_| connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())));
    if let Err(error) = result {
        tracing::warn!(path = %path.display(), %error, "store: the final checkpoint failed; the WAL file holds the rest");
    }
    if dropped > 0 {
        tracing::warn!(path = %path.display(), dropped, "store: events were dropped since start (queue full)");
    }
}
