//! The store against real files in temporary folders: opening and its errors, what is and is
//! not written, votes, scores, leaderboards and the figures of stats.

use std::time::{Duration, SystemTime};

use super::*;

fn config(dir: &tempfile::TempDir) -> StoreConfig {
    StoreConfig {
        path: dir.path().join("data").join("xaas.sqlite3"),
        keep_question_text: false,
        queue_capacity: 1024,
    }
}

fn at(hours: u64) -> SystemTime {
    // 2025-01-01T00:00:00Z, then `hours` later
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_735_689_600 + hours * 3600)
}

fn answered(store: &Store, user: u64, hours: u64, lang: &str, entries: &[&str], unanswered: Option<Asked>) -> Event {
    Event::Answered(Answered {
        at: at(hours),
        user: store.user_key("discord", user),
        surface: "slash".to_string(),
        lang: lang.to_string(),
        kind: if unanswered.is_some() { "dont_know" } else { "define" }.to_string(),
        mode: "offline".to_string(),
        entries: entries.iter().map(|id| id.to_string()).collect(),
        aspect: None,
        knowledge_version: "v1".to_string(),
        unanswered,
    })
}

fn vote(store: &Store, user: u64, answer_id: u64, up: bool, entries: &[&str]) -> Event {
    Event::Vote(Vote {
        at: at(1),
        user: store.user_key("discord", user),
        answer_id,
        up,
        entries: entries.iter().map(|id| id.to_string()).collect(),
        kind: "define".to_string(),
        mode: "offline".to_string(),
        lang: "en".to_string(),
        knowledge_version: "v1".to_string(),
        question: Some(Asked {
            text: "what is the question".to_string(),
            terms: vec!["question".to_string()],
        }),
    })
}

fn quiz(store: &Store, scope: &str, user: u64, name: &str, correct: bool) -> Score {
    store.quiz_answer(QuizAnswer {
        at: at(2),
        scope: scope.to_string(),
        user: store.user_key("discord", user),
        display_name: name.to_string(),
        correct,
        kind: "year".to_string(),
        topic: None,
    })
}

#[test]
fn a_store_is_shared_across_threads() {
    fn send_and_sync<T: Send + Sync + Clone>() {}
    send_and_sync::<Store>();
}

#[test]
fn opens_an_absent_file_and_a_zero_length_one_and_migrates_both() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config(&dir);
    let store = Store::open(&config).expect("opens, creating the folder and file");
    store.close().expect("closes");
    let inspected = inspect(&config.path).expect("inspects").expect("exists");
    assert_eq!(inspected.schema_version, SCHEMA_VERSION);
    assert_eq!(inspected.counts, Some(RowCounts::default()));

    let empty = dir.path().join("empty.sqlite3");
    std::fs::write(&empty, b"").expect("zero-length file");
    assert_eq!(
        inspect(&empty)
            .expect("an empty file is a database")
            .map(|i| i.schema_version),
        Some(0)
    );
    let store = Store::open(&StoreConfig {
        path: empty.clone(),
        ..config.clone()
    })
    .expect("an empty file is migrated");
    store.close().expect("closes");
    assert_eq!(
        inspect(&empty).expect("inspects").map(|i| i.schema_version),
        Some(SCHEMA_VERSION)
    );
}

#[test]
fn a_missing_file_is_none_and_not_created() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("nothing.sqlite3");
    assert_eq!(inspect(&path).expect("no error"), None);
    assert_eq!(read_stats(&path, None).expect("no error"), None);
    assert!(!path.exists());
}

#[test]
fn a_vote_pressed_again_replaces_the_first_and_a_comment_attaches_to_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&config(&dir)).expect("opens");
    store.record(vote(&store, 7, 1000, true, &["iaas"]));
    store.record(vote(&store, 7, 1000, false, &["iaas"]));
    store.record(Event::VoteComment(VoteComment {
        at: at(1),
        user: store.user_key("discord", 7),
        answer_id: 1000,
        comment: "x".repeat(MAX_COMMENT_CHARS + 50),
    }));
    // a comment whose vote never arrived still counts as a 👎
    store.record(Event::VoteComment(VoteComment {
        at: at(1),
        user: store.user_key("discord", 8),
        answer_id: 2000,
        comment: "outdated".to_string(),
    }));
    store.flush();
    let stats = store.stats(None).expect("stats");
    assert_eq!(stats.votes, Votes { up: 0, down: 2 });
    assert_eq!(
        stats.down_by_entry,
        vec![IdCount {
            id: "iaas".to_string(),
            count: 1
        }]
    );
    assert_eq!(stats.comments.len(), 2);
    let long = stats
        .comments
        .iter()
        .find(|c| c.entries == ["iaas"])
        .expect("the attached comment");
    assert_eq!(long.text.chars().count(), MAX_COMMENT_CHARS);
    // 👎 then 👍: the comment of the 👎 goes with it
    store.record(vote(&store, 7, 1000, true, &["iaas"]));
    store.flush();
    let stats = store.stats(None).expect("stats");
    assert_eq!(stats.votes, Votes { up: 1, down: 1 });
    assert_eq!(stats.comments.len(), 1);
    store.close().expect("closes");
}

#[test]
fn scores_show_at_once_and_the_leaderboard_is_ordered_and_bounded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&config(&dir)).expect("opens");
    assert_eq!(quiz(&store, "g1", 1, "ann", true).streak, 1);
    assert_eq!(quiz(&store, "g1", 1, "ann", true).streak, 2);
    let score = quiz(&store, "g1", 1, "Ann", false);
    assert_eq!(
        score,
        Score {
            correct: 2,
            answered: 3,
            streak: 0,
            best_streak: 2
        }
    );
    quiz(&store, "g1", 2, "bob", true);
    quiz(&store, "g1", 2, "bob", true);
    quiz(&store, "g1", 3, "cy", true);
    quiz(&store, "g2", 4, "elsewhere", true);
    for user in 10..50 {
        quiz(&store, "g1", user, &format!("p{user}"), false);
    }
    // before any flush: the leaderboard counts what is still queued
    let board = store.leaderboard("g1", 100).expect("leaderboard");
    assert_eq!(board.len(), MAX_LEADERBOARD);
    // bob and Ann have 2 right; bob's best streak is 2 in 2 answers, Ann's 2 in 3
    let names: Vec<&str> = board.iter().take(3).map(|s| s.display_name.as_str()).collect();
    assert_eq!(names, ["bob", "Ann", "cy"], "the latest display name is shown");
    assert!(board.iter().all(|s| s.display_name != "elsewhere"), "scopes are apart");
    store.flush();
    let board = store.leaderboard("g1", 2).expect("leaderboard");
    assert_eq!(board.len(), 2);
    assert_eq!(store.score("g1", &store.user_key("discord", 1)), score);
    assert_eq!(store.score("g9", &store.user_key("discord", 1)), Score::default());
    store.close().expect("closes");
}

#[test]
fn stats_count_a_known_set_of_events() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&config(&dir)).expect("opens");
    let unknown = |terms: &[&str]| {
        Some(Asked {
            text: "ignored".to_string(),
            terms: terms.iter().map(|t| t.to_string()).collect(),
        })
    };
    store.record(answered(&store, 1, 0, "en", &["iaas", "paas"], None));
    store.record(answered(&store, 1, 1, "en", &["iaas"], None));
    store.record(answered(&store, 2, 25, "ko", &["saas"], None));
    store.record(answered(&store, 2, 26, "ko", &[], unknown(&["pizza", "lunch"])));
    store.record(answered(&store, 3, 49, "en", &[], unknown(&["pizza"])));
    store.record(vote(&store, 1, 10, false, &["iaas", "paas"]));
    store.record(vote(&store, 2, 11, false, &["iaas"]));
    store.record(vote(&store, 3, 12, true, &["saas"]));
    quiz(&store, "g1", 1, "ann", true);
    quiz(&store, "g1", 1, "ann", true);
    quiz(&store, "g1", 2, "bob", false);
    store.flush();
    let stats = store.stats(None).expect("stats");
    assert_eq!(stats.questions, 5);
    let days: Vec<(&str, u64)> = stats.per_day.iter().map(|d| (d.day.as_str(), d.count)).collect();
    assert_eq!(days, [("2025-01-01", 2), ("2025-01-02", 2), ("2025-01-03", 1)]);
    assert_eq!(
        stats.by_lang,
        [
            Count {
                key: "en".to_string(),
                count: 3
            },
            Count {
                key: "ko".to_string(),
                count: 2
            }
        ]
    );
    assert_eq!(stats.dont_know.count, 2);
    assert!((stats.dont_know.rate - 0.4).abs() < 1e-9);
    assert_eq!(
        stats.unanswered_terms,
        [
            TermCount {
                term: "pizza".to_string(),
                count: 2
            },
            TermCount {
                term: "lunch".to_string(),
                count: 1
            }
        ]
    );
    assert!(stats.unanswered_questions.is_empty(), "text is not kept by default");
    assert_eq!(
        stats.top_entries[0],
        IdCount {
            id: "iaas".to_string(),
            count: 2
        }
    );
    assert_eq!(stats.votes, Votes { up: 1, down: 2 });
    assert_eq!(
        stats.down_by_entry[0],
        IdCount {
            id: "iaas".to_string(),
            count: 2
        }
    );
    assert_eq!(
        stats.down_by_entry[1],
        IdCount {
            id: "paas".to_string(),
            count: 1
        }
    );
    assert_eq!((stats.quiz.players, stats.quiz.answered, stats.quiz.correct), (2, 3, 2));
    assert_eq!(stats.quiz.top[0].display_name, "ann");
    assert_eq!((stats.quiz.top[0].correct, stats.quiz.top[0].best_streak), (2, 2));

    let recent = store.stats(Some(at(24))).expect("stats since");
    assert_eq!(recent.questions, 3);
    assert_eq!(recent.since.as_deref(), Some("2025-01-02 00:00:00"));
    assert_eq!(recent.votes, Votes::default(), "the votes were before");
    store.close().expect("closes");
}

#[test]
fn a_garbage_file_is_corrupt_and_left_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("garbage.sqlite3");
    let bytes: Vec<u8> = (0..8192u32).map(|n| (n * 7 + 13) as u8).collect();
    std::fs::write(&path, &bytes).expect("write");
    let error = Store::open(&StoreConfig {
        path: path.clone(),
        ..config(&dir)
    })
    .expect_err("garbage is refused");
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
    assert!(error.to_string().contains("garbage.sqlite3"), "{error}");
    assert!(error.to_string().contains("move it aside"), "{error}");
    assert!(matches!(inspect(&path), Err(StoreError::Corrupt { .. })));
    assert_eq!(std::fs::read(&path).expect("read"), bytes, "not a byte changed");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names.len(), 1, "no WAL or other file beside it: {names:?}");
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("newer.sqlite3");
    let connection = Connection::open(&path).expect("open");
    connection
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .expect("set version");
    drop(connection);
    let error = Store::open(&StoreConfig {
        path: path.clone(),
        ..config(&dir)
    })
    .expect_err("newer");
    assert!(
        matches!(error, StoreError::NewerSchema { found, known, .. } if found == SCHEMA_VERSION + 1 && known == SCHEMA_VERSION),
        "{error}"
    );
    assert!(matches!(inspect(&path), Err(StoreError::NewerSchema { .. })));
}

#[test]
fn a_file_locked_by_another_connection_is_locked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config(&dir);
    Store::open(&config).expect("creates").close().expect("closes");
    let holder = Connection::open(&config.path).expect("another connection");
    holder.execute_batch("BEGIN EXCLUSIVE").expect("holds the lock");
    let error = Store::open(&config).expect_err("locked");
    assert!(matches!(error, StoreError::Locked { .. }), "{error}");
    assert!(error.to_string().contains("locked by another process"), "{error}");
    holder.execute_batch("COMMIT").expect("releases");
    Store::open(&config)
        .expect("opens once released")
        .close()
        .expect("closes");
}

#[cfg(unix)]
#[test]
fn a_read_only_file_is_read_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config(&dir);
    Store::open(&config).expect("creates").close().expect("closes");
    std::fs::set_permissions(&config.path, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let writable = || std::fs::OpenOptions::new().append(true).open(&config.path).is_ok();
    // Root writes to a 0444 file; on Linux the immutable attribute stops root too.
    let _immutable = writable().then(|| Immutable::set(&config.path)).flatten();
    if writable() {
        eprintln!("skipped: this user (root?) can write a 0444 file and chattr +i is unavailable, so it is not read-only here");
        return;
    }
    let error = Store::open(&config).expect_err("read-only");
    assert!(matches!(error, StoreError::ReadOnly { .. }), "{error}");
    assert!(error.to_string().contains("is read-only"), "{error}");
}

/// `chattr +i` on a file until dropped.
#[cfg(unix)]
struct Immutable(std::path::PathBuf);

#[cfg(unix)]
impl Immutable {
    fn set(path: &std::path::Path) -> Option<Immutable> {
        let status = std::process::Command::new("chattr")
            .arg("+i")
            .arg(path)
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        status.success().then(|| Immutable(path.to_path_buf()))
    }
}

#[cfg(unix)]
impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}
