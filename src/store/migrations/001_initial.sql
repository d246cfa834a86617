-- 001_initial: what the bot remembers. Users are keyed hashes (meta.salt), never raw ids;
-- question text is kept only when [store] keep_question_text = true. Times are unix seconds.

-- The database's own settings: the salt of the user keys.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;

-- One row per answer given: what kind, in which mode and language, about which entries.
CREATE TABLE answered (
    id                INTEGER PRIMARY KEY,
    at                INTEGER NOT NULL,
    user              TEXT NOT NULL,
    surface           TEXT NOT NULL,
    lang              TEXT NOT NULL,
    kind              TEXT NOT NULL,
    mode              TEXT NOT NULL,
    entries           TEXT NOT NULL DEFAULT '[]', -- JSON array of entry ids, best first
    aspect            TEXT,
    knowledge_version TEXT NOT NULL,
    dont_know         INTEGER NOT NULL DEFAULT 0,
    question_terms    TEXT,                       -- JSON array, only for "I don't know"
    question_text     TEXT                        -- only when keep_question_text
);
CREATE INDEX answered_at ON answered (at);

-- One vote per answer and user: pressing again replaces it; a 👎 may carry a comment.
CREATE TABLE votes (
    answer_id         INTEGER NOT NULL,
    user              TEXT NOT NULL,
    at                INTEGER NOT NULL,
    up                INTEGER NOT NULL,
    entries           TEXT NOT NULL DEFAULT '[]',
    kind              TEXT NOT NULL DEFAULT '',
    mode              TEXT NOT NULL DEFAULT '',
    lang              TEXT NOT NULL DEFAULT '',
    knowledge_version TEXT NOT NULL DEFAULT '',
    question_terms    TEXT,                       -- JSON array, only for 👎
    question_text     TEXT,                       -- only for 👎 and when keep_question_text
    comment           TEXT,
    comment_at        INTEGER,
    PRIMARY KEY (answer_id, user)
);
CREATE INDEX votes_at ON votes (at);

-- Every quiz answer, for stats over a period.
CREATE TABLE quiz_answers (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    scope   TEXT NOT NULL,
    user    TEXT NOT NULL,
    correct INTEGER NOT NULL,
    kind    TEXT NOT NULL,
    topic   TEXT
);
CREATE INDEX quiz_answers_at ON quiz_answers (at);

-- Each user's running score in a scope (a guild id, or "dm").
CREATE TABLE quiz_scores (
    scope        TEXT NOT NULL,
    user         TEXT NOT NULL,
    display_name TEXT NOT NULL,
    correct      INTEGER NOT NULL DEFAULT 0,
    answered     INTEGER NOT NULL DEFAULT 0,
    streak       INTEGER NOT NULL DEFAULT 0,
    best_streak  INTEGER NOT NULL DEFAULT 0,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (scope, user)
) WITHOUT ROWID;
CREATE INDEX quiz_scores_rank ON quiz_scores (scope, correct DESC, best_streak DESC);
