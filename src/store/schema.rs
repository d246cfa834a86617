//! Opening the file and its schema: WAL, the migrations under `migrations/` (applied in
//! order, one transaction each, counted by `PRAGMA user_version`), the salt of the user keys,
//! and the probes that turn a locked, read-only, corrupt or newer file into a clear error
//! before the bot answers anyone. Nothing here ever rewrites a file it cannot read.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::StoreError;

/// The migrations, in order; the schema version is how many have been applied. A new one is
/// a new file here, never an edit of one that has shipped.
const MIGRATIONS: &[(&str, &str)] = &[("001_initial", include_str!("migrations/001_initial.sql"))];

/// The schema version this build writes: the number of migrations it knows.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// How long opening waits for another connection's lock before calling the file locked: long
/// enough for a checkpoint, short enough that a held lock is a prompt error at start.
const OPEN_BUSY_TIMEOUT: Duration = Duration::from_millis(500);

/// How long the writer waits for a lock before it tries again (and says so in the log).
pub(crate) const WRITER_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The `meta` key of the user keys' salt.
const SALT_KEY: &str = "salt";

/// Opens (creating it and its folder) the store's file for the writer: reads it first, so a
/// file that is not a database fails before anything is written; refuses a newer schema;
/// switches to WAL; migrates; makes sure the salt exists; and probes for the write lock.
/// Returns the connection and the salt.
pub(crate) fn open_for_writing(path: &Path) -> Result<(Connection, Vec<u8>), StoreError> {
    let sqlite = |source| StoreError::from_sqlite(path, source);
    if let Some(folder) = path.parent().filter(|folder| !folder.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(|source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    }
    let mut connection = Connection::open(path).map_err(sqlite)?;
    connection.busy_timeout(OPEN_BUSY_TIMEOUT).map_err(sqlite)?;
    // not a database, or one a newer xaas wrote: said before anything is changed
    schema_version(&connection, path)?;
    // SQLite opens a write-protected file read-only without a word; say it here.
    if connection.is_readonly(rusqlite::MAIN_DB).map_err(sqlite)? {
        return Err(StoreError::ReadOnly {
            path: path.to_path_buf(),
        });
    }
    let mode: String = connection
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .map_err(sqlite)?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(path = %path.display(), mode, "the store could not switch to WAL; writes will block readers");
    }
    // In WAL, NORMAL loses nothing when the process dies; only a power cut may lose the last
    // transactions.
    connection
        .pragma_update(None, "synchronous", "NORMAL")
        .map_err(sqlite)?;
    migrate(&mut connection, path)?;
    connection
        .execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)",
            (SALT_KEY, fresh_salt(path)?),
        )
        .map_err(sqlite)?;
    // The write probe: a lock held by someone else shows now, not at the first vote.
    connection.execute_batch("BEGIN IMMEDIATE; COMMIT;").map_err(sqlite)?;
    let salt: Vec<u8> = connection
        .query_row("SELECT value FROM meta WHERE key = ?1", [SALT_KEY], |row| row.get(0))
        .map_err(sqlite)?;
    connection.busy_timeout(WRITER_BUSY_TIMEOUT).map_err(sqlite)?;
    Ok((connection, salt))
}

/// A second connection to an opened store, for lookups and stats; it cannot write.
pub(crate) fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let sqlite = |source| StoreError::from_sqlite(path, source);
    let connection = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(sqlite)?;
    connection.busy_timeout(WRITER_BUSY_TIMEOUT).map_err(sqlite)?;
    connection.pragma_update(None, "query_only", true).map_err(sqlite)?;
    Ok(connection)
}

/// Opens an existing store read-only, for `xaas stats` and `xaas check`; `None` when there is
/// no file yet. Never creates, migrates or writes the database. Returns its schema version.
pub(crate) fn open_existing(path: &Path) -> Result<Option<(Connection, u32)>, StoreError> {
    if !path.exists() {
        return Ok(None);
    }
    let sqlite = |source| StoreError::from_sqlite(path, source);
    let connection = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(sqlite)?;
    connection.busy_timeout(OPEN_BUSY_TIMEOUT).map_err(sqlite)?;
    let found = schema_version(&connection, path)?;
    Ok(Some((connection, found)))
}

/// The file's `user_version`, after reading its schema: a file that is not a database (or a
/// damaged header) fails here, as `Corrupt`, and one a newer xaas wrote as `NewerSchema`.
fn schema_version(connection: &Connection, path: &Path) -> Result<u32, StoreError> {
    let sqlite = |source| StoreError::from_sqlite(path, source);
    connection
        .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get::<_, i64>(0))
        .map_err(sqlite)?;
    let found = connection
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(sqlite)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found,
            known: SCHEMA_VERSION,
        });
    }
    Ok(found)
}

/// Applies the migrations the file has not had, each in its own transaction with the version
/// bump, so a crash leaves the file at one version or the next. The version is read again
/// inside the transaction in case another process migrated it meanwhile.
fn migrate(connection: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let sqlite = |source| StoreError::from_sqlite(path, source);
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate() {
        let version = index as u32 + 1;
        let transaction = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sqlite)?;
        let found: u32 = transaction
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(sqlite)?;
        if found >= version {
            continue;
        }
        transaction.execute_batch(sql).map_err(sqlite)?;
        transaction
            .pragma_update(None, "user_version", version)
            .map_err(sqlite)?;
        transaction.commit().map_err(sqlite)?;
        tracing::info!(path = %path.display(), migration = name, version, "store migrated");
    }
    Ok(())
}

/// 32 random bytes from the operating system, the salt of a new database's user keys.
fn fresh_salt(path: &Path) -> Result<Vec<u8>, StoreError> {
    use ring::rand::SecureRandom;
    let mut salt = vec![0u8; 32];
    ring::rand::SystemRandom::new()
        .fill(&mut salt)
        .map_err(|_| StoreError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other("the operating system gave no random bytes for the salt"),
        })?;
    Ok(salt)
}

/// Row counts of a store at the current schema, for `xaas check`.
pub(crate) fn row_counts(connection: &Connection) -> rusqlite::Result<super::RowCounts> {
    let count = |sql: &str| {
        connection
            .query_row(sql, [], |row| row.get::<_, i64>(0))
            .map(|n| n as u64)
    };
    Ok(super::RowCounts {
        answered: count("SELECT count(*) FROM answered")?,
        votes: count("SELECT count(*) FROM votes")?,
        quiz_answers: count("SELECT count(*) FROM quiz_answers")?,
        quiz_players: count("SELECT count(DISTINCT user) FROM quiz_scores")?,
    })
}
