//! The embedded store: what the bot remembers between runs — answers given (for stats), 👍/👎
//! and their comments, the "I don't know" questions, quiz scores — in one SQLite file in WAL
//! mode, behind this one module so a server database can replace it when several bot
//! processes share state.
//!
//! It must never slow an answer down: [`Store::record`] only puts the event on a bounded
//! queue (dropping and counting it when the queue is full), and one writer thread writes in
//! batches. It holds no raw user id (users are [`UserKey`]s, a keyed hash under the file's
//! own salt) and no message text except a 👎 comment and, only when
//! `[store] keep_question_text` is on, the text of questions it could not answer well.
//!
//! # Layout
//! - `events`: the plain data recorded and read back.
//! - `user`: the user keys.
//! - `schema`: opening, probes, migrations (`migrations/NNN_name.sql`).
//! - `writer`: the queue's other end.
//! - `scores`: quiz scores in memory, bounded.
//! - `stats`: the queries behind scores, leaderboards and `xaas stats`.
//! - `error`: [`StoreError`].

mod error;
mod events;
mod schema;
mod scores;
mod stats;
mod user;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::SystemTime;

use rusqlite::Connection;

pub use crate::config::StoreConfig;
pub use error::StoreError;
pub use events::{
    Answered, Asked, CloseReport, Event, QuizAnswer, Score, Standing, Vote, VoteComment, MAX_COMMENT_CHARS,
    MAX_LABEL_CHARS, MAX_LIST_ITEMS, MAX_TEXT_CHARS,
};
pub use schema::SCHEMA_VERSION;
pub use stats::{
    Comment, Count, DayCount, DontKnow, IdCount, KeptQuestion, QuizPlayer, QuizStats, Stats, TermCount, Votes,
    MAX_LEADERBOARD,
};
pub use user::UserKey;

use events::{cut, unix};
use user::UserHasher;
use writer::{Message, Shared};

/// The store: cheap to clone (an `Arc` inside), shared by every task of the bot.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    /// The writer's end of the queue.
    queue: SyncSender<Message>,
    /// Counters, scores in memory, settings the writer needs too.
    shared: Arc<Shared>,
    /// Lookups and stats; a separate connection, so reading never waits for the writer (WAL).
    reader: Mutex<Connection>,
    hasher: UserHasher,
    /// Joined by `close`.
    writer: Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the store at `config.path` (creating the file and its folder on first use),
    /// switches it to WAL, applies the migrations it lacks and starts the writer thread on a
    /// queue of `config.queue_capacity` events. A locked, read-only, corrupt or newer file is
    /// an error here, at start, never a silent new file.
    pub fn open(config: &StoreConfig) -> Result<Store, StoreError> {
        let path = config.path.clone();
        let (connection, salt) = schema::open_for_writing(&path)?;
        let reader = schema::open_reader(&path)?;
        let shared = Arc::new(Shared::new(config.keep_question_text));
        let (queue, receiver) = mpsc::sync_channel(config.queue_capacity.max(1));
        let writer = {
            let shared = shared.clone();
            let path = path.clone();
            std::thread::Builder::new()
                .name("xaas-store".to_string())
                .spawn(move || writer::run(connection, receiver, &shared, &path))
                .map_err(|source| StoreError::Io {
                    path: config.path.clone(),
                    source,
                })?
        };
        tracing::debug!(path = %path.display(), "store opened");
        Ok(Store {
            inner: Arc::new(Inner {
                path,
                queue,
                shared,
                reader: Mutex::new(reader),
                hasher: UserHasher::new(&salt),
                writer: Mutex::new(Some(writer)),
            }),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Queues `event` for the writer without ever waiting: when the queue is full it is
    /// dropped, counted ([`Store::dropped`]) and logged (the first time, then at most once a
    /// minute).
    pub fn record(&self, event: Event) {
        self.send(Message::Event(event));
    }

    fn send(&self, message: Message) -> bool {
        match self.inner.queue.try_send(message) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) => {
                self.inner.shared.note_drop("the queue is full");
                false
            }
            Err(TrySendError::Disconnected(_)) => {
                self.inner.shared.note_drop("the store is closed");
                false
            }
        }
    }

    /// Events dropped since open because the queue was full (or the store closed).
    pub fn dropped(&self) -> u64 {
        self.inner.shared.dropped.load(Ordering::Relaxed)
    }

    /// Events written since open.
    pub fn written(&self) -> u64 {
        self.inner.shared.written.load(Ordering::Relaxed)
    }

    /// The key the store knows a user by: a keyed hash of `platform` ("discord", "cli") and
    /// `id` under this database's salt, 32 hex characters. Raw ids are never stored.
    pub fn user_key(&self, platform: &str, id: u64) -> UserKey {
        self.inner.hasher.key(platform, id)
    }

    /// Applies a quiz answer to the user's score in its scope at once and returns the new
    /// score (so the reply can show it even while the write is queued), then queues the
    /// write. A user not in memory is read from the file first (one indexed lookup).
    pub fn quiz_answer(&self, mut answer: QuizAnswer) -> Score {
        answer.scope = cut(&answer.scope, MAX_LABEL_CHARS);
        answer.display_name = cut(answer.display_name.trim(), MAX_LABEL_CHARS);
        let key = writer::score_key(&answer);
        let scores = &self.inner.shared.scores;
        let stored = if scores.get(&key).is_some() {
            None
        } else {
            self.stored_score(&answer.scope, &answer.user)
        };
        let score = scores.apply(key.clone(), stored, &answer.display_name, answer.correct);
        if !self.send(Message::Quiz(answer)) {
            scores.settle(&key);
        }
        score
    }

    /// A user's score in a scope: from memory when they played lately, else from the file.
    pub fn score(&self, scope: &str, user: &UserKey) -> Score {
        let scope = cut(scope, MAX_LABEL_CHARS);
        let key = (scope, user.clone());
        self.inner
            .shared
            .scores
            .get(&key)
            .or_else(|| self.stored_score(&key.0, user))
            .unwrap_or_default()
    }

    /// The file's score, logging (not failing) when it cannot be read: a quiz reply is
    /// better with a score from zero than with no reply.
    fn stored_score(&self, scope: &str, user: &UserKey) -> Option<Score> {
        match stats::stored_score(&self.reader(), scope, user) {
            Ok(score) => score,
            Err(error) => {
                tracing::warn!(error = %StoreError::from_sqlite(&self.inner.path, error), "store: cannot read a quiz score");
                None
            }
        }
    }

    /// The top `limit` (at most [`MAX_LEADERBOARD`]) of a scope (a guild id, or "dm"), by
    /// right answers, then best streak; scores still queued for writing count already.
    pub fn leaderboard(&self, scope: &str, limit: usize) -> Result<Vec<Standing>, StoreError> {
        let limit = limit.min(MAX_LEADERBOARD);
        let scope = cut(scope, MAX_LABEL_CHARS);
        let stored = stats::stored_leaderboard(&self.reader(), &scope, limit)
            .map_err(|error| StoreError::from_sqlite(&self.inner.path, error))?;
        // Whoever is in memory has a score at least the file's: anyone outside both the
        // file's top and memory cannot outrank them.
        let mut by_user: std::collections::HashMap<UserKey, Standing> = stored.into_iter().collect();
        for (user, display_name, score) in self.inner.shared.scores.in_scope(&scope) {
            by_user.insert(user, Standing { display_name, score });
        }
        let mut standings: Vec<Standing> = by_user.into_values().collect();
        stats::rank(&mut standings);
        standings.truncate(limit);
        Ok(standings)
    }

    /// The figures of `xaas stats` for what has been written, since `since` (all if `None`).
    pub fn stats(&self, since: Option<SystemTime>) -> Result<Stats, StoreError> {
        stats::stats(&self.reader(), since.map(unix)).map_err(|error| StoreError::from_sqlite(&self.inner.path, error))
    }

    /// Waits until everything recorded before this call is written. For tests and tools;
    /// never call it on an answer's path.
    pub fn flush(&self) {
        let (reply, done) = mpsc::sync_channel(1);
        if self.inner.queue.send(Message::Flush(reply)).is_ok() {
            let _ = done.recv();
        }
    }

    /// Writes everything recorded before it (waiting for room in the queue if need be),
    /// stops the writer thread and checkpoints the WAL into the file. Called on shutdown
    /// (SIGINT, SIGTERM); events recorded afterwards through other clones are dropped.
    pub fn close(self) -> Result<CloseReport, StoreError> {
        let (reply, done) = mpsc::sync_channel(1);
        if self.inner.queue.send(Message::Close(reply)).is_ok() {
            let _ = done.recv();
        }
        let writer = self
            .inner
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(writer) = writer {
            writer.join().map_err(|_| StoreError::Io {
                path: self.inner.path.clone(),
                source: std::io::Error::other("the writer thread panicked"),
            })?;
        }
        let shared = &self.inner.shared;
        Ok(CloseReport {
            written: shared.written.load(Ordering::Relaxed),
            dropped: shared.dropped.load(Ordering::Relaxed),
            failed: shared.failed.load(Ordering::Relaxed),
        })
    }

    fn reader(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.inner
            .reader
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// What `xaas check` says about a store file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspection {
    /// The file.
    pub path: PathBuf,
    /// Its schema version (0: an empty file, never opened by the bot).
    pub schema_version: u32,
    /// Rows, when the file is at this build's schema.
    pub counts: Option<RowCounts>,
}

/// How much a store holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RowCounts {
    /// Answers recorded.
    pub answered: u64,
    /// Votes.
    pub votes: u64,
    /// Quiz answers.
    pub quiz_answers: u64,
    /// Quiz players (in any scope).
    pub quiz_players: u64,
}

/// Looks at a store without creating, migrating or writing it: `None` when the file does not
/// exist. A corrupt, locked or newer file is the same error `Store::open` would give.
pub fn inspect(path: &Path) -> Result<Option<Inspection>, StoreError> {
    let Some((connection, schema_version)) = schema::open_existing(path)? else {
        return Ok(None);
    };
    let counts = if schema_version == SCHEMA_VERSION {
        Some(schema::row_counts(&connection).map_err(|error| StoreError::from_sqlite(path, error))?)
    } else {
        None
    };
    Ok(Some(Inspection {
        path: path.to_path_buf(),
        schema_version,
        counts,
    }))
}

/// The stats of a store read without creating or writing it (for `xaas stats`): `None` when
/// the file does not exist; empty figures for a file the bot never migrated.
pub fn read_stats(path: &Path, since: Option<SystemTime>) -> Result<Option<Stats>, StoreError> {
    let Some((connection, schema_version)) = schema::open_existing(path)? else {
        return Ok(None);
    };
    if schema_version < SCHEMA_VERSION {
        return Ok(Some(Stats::default()));
    }
    stats::stats(&connection, since.map(unix))
        .map(Some)
        .map_err(|error| StoreError::from_sqlite(path, error))
}

#[cfg(test)]
mod tests;
