//! `StoreError`: what can go wrong with the store's file, each message naming the file and
//! saying what to do. Classifying SQLite's result codes lives here and nowhere else.

use std::path::{Path, PathBuf};

use rusqlite::ffi::ErrorCode;

/// A store that cannot be opened or read. Every variant carries the file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process (or connection) holds the file's write lock.
    #[error(
        "the store {} is locked by another process: stop the other xaas using it, or set [store] path (XAAS_STORE_PATH) to another file",
        path.display()
    )]
    Locked {
        /// The database file.
        path: PathBuf,
    },
    /// The file or its folder cannot be written by this user.
    #[error(
        "the store {} is read-only: make the file and its folder writable by this user, or set [store] path (XAAS_STORE_PATH) to a writable place",
        path.display()
    )]
    ReadOnly {
        /// The database file.
        path: PathBuf,
    },
    /// Not a SQLite database, or a damaged one. The file is left exactly as it was.
    #[error(
        "the store {} is not a readable database ({detail}); it was left untouched: move it aside (keep it to recover from) and start again to create a new one",
        path.display()
    )]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        detail: String,
    },
    /// Written by a newer xaas whose migrations this one does not know.
    #[error(
        "the store {} has schema version {found}, newer than this xaas knows ({known}): run a newer xaas, or set [store] path (XAAS_STORE_PATH) to another file",
        path.display()
    )]
    NewerSchema {
        /// The database file.
        path: PathBuf,
        /// Its `user_version`.
        found: u32,
        /// The newest version this build has migrations for.
        known: u32,
    },
    /// The folder cannot be created, or the writer thread cannot start.
    #[error("cannot prepare the store {}: {source}", path.display())]
    Io {
        /// The database file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Any other SQLite failure.
    #[error("the store {} failed: {source}", path.display())]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// The cause.
        source: rusqlite::Error,
    },
}

impl StoreError {
    /// The SQLite error `source`, classified: locked, read-only and corrupt files get their own
    /// variant so the message can say what to do.
    pub(crate) fn from_sqlite(path: &Path, source: rusqlite::Error) -> StoreError {
        let path = path.to_path_buf();
        let code = match &source {
            rusqlite::Error::SqliteFailure(error, _) => Some(error.code),
            _ => None,
        };
        match code {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Locked { path },
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly { path },
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
                path,
                detail: source.to_string(),
            },
            _ => StoreError::Sqlite { path, source },
        }
    }

    /// Whether waiting could help (another connection holds the lock).
    pub(crate) fn is_busy(source: &rusqlite::Error) -> bool {
        matches!(
            source,
            rusqlite::Error::SqliteFailure(error, _)
                if matches!(error.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: std::os::raw::c_int) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None)
    }

    #[test]
    fn sqlite_codes_become_errors_that_say_what_to_do() {
        let path = Path::new("/data/xaas.sqlite3");
        let read_only = StoreError::from_sqlite(path, failure(rusqlite::ffi::SQLITE_READONLY));
        assert!(matches!(read_only, StoreError::ReadOnly { .. }));
        assert!(read_only
            .to_string()
            .contains("/data/xaas.sqlite3 is read-only: make the file"));
        let busy = failure(rusqlite::ffi::SQLITE_BUSY);
        assert!(StoreError::is_busy(&busy));
        assert!(matches!(StoreError::from_sqlite(path, busy), StoreError::Locked { .. }));
        let corrupt = StoreError::from_sqlite(path, failure(rusqlite::ffi::SQLITE_NOTADB));
        assert!(matches!(corrupt, StoreError::Corrupt { .. }));
        let full = StoreError::from_sqlite(path, failure(rusqlite::ffi::SQLITE_FULL));
        assert!(
            full.to_string().starts_with("the store /data/xaas.sqlite3 failed"),
            "{full}"
        );
    }
}
