//! The store through its public API and the `xaas` binary: a restart keeps scores, votes,
//! comments and answers; `close` drains the queue; a full queue drops and counts without
//! blocking; question text and raw user ids stay out of the file; `xaas stats` and
//! `xaas check` read a store made here.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use xaas::store::{self, Answered, Asked, Event, QuizAnswer, Score, Store, StoreConfig, Vote, VoteComment};

fn config(path: PathBuf) -> StoreConfig {
    StoreConfig {
        path,
        keep_question_text: false,
        queue_capacity: 1024,
    }
}

/// 2025-01-01T00:00:00Z plus `hours`.
fn at(hours: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_735_689_600 + hours * 3600)
}

fn answered(store: &Store, user: u64, hours: u64, entries: &[&str], unanswered: Option<Asked>) -> Event {
    Event::Answered(Answered {
        at: at(hours),
        user: store.user_key("discord", user),
        surface: "message".to_string(),
        lang: if hours.is_multiple_of(2) { "en" } else { "ko" }.to_string(),
        kind: if unanswered.is_some() { "dont_know" } else { "answer" }.to_string(),
        mode: "offline".to_string(),
        entries: entries.iter().map(|id| id.to_string()).collect(),
        aspect: Some("cons".to_string()),
        knowledge_version: "k1".to_string(),
        unanswered,
    })
}

fn down_vote(store: &Store, user: u64, answer_id: u64, question: &str) -> Event {
    Event::Vote(Vote {
        at: at(3),
        user: store.user_key("discord", user),
        answer_id,
        up: false,
        entries: vec!["paas".to_string()],
        kind: "answer".to_string(),
        mode: "offline".to_string(),
        lang: "en".to_string(),
        knowledge_version: "k1".to_string(),
        question: Some(Asked {
            text: question.to_string(),
            terms: vec!["paas".to_string(), "price".to_string()],
        }),
    })
}

fn play(store: &Store, user: u64, name: &str, correct: bool) -> Score {
    store.quiz_answer(QuizAnswer {
        at: at(4),
        scope: "1234".to_string(),
        user: store.user_key("discord", user),
        display_name: name.to_string(),
        correct,
        kind: "analogy".to_string(),
        topic: Some("iaas".to_string()),
    })
}

#[test]
fn a_restart_keeps_scores_votes_comments_and_answers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config(dir.path().join("xaas.sqlite3"));
    let store = Store::open(&config).expect("opens");
    let key = store.user_key("discord", 42);
    store.record(answered(&store, 42, 0, &["iaas"], None));
    store.record(answered(&store, 42, 1, &[], Some(Asked::default())));
    store.record(down_vote(&store, 42, 9000, "how much is paas"));
    store.record(Event::VoteComment(VoteComment {
        at: at(3),
        user: key.clone(),
        answer_id: 9000,
        comment: "prices are missing".to_string(),
    }));
    play(&store, 42, "ann", true);
    let before = play(&store, 42, "ann", true);
    let stats_before = {
        store.flush();
        store.stats(None).expect("stats")
    };
    let report = store.close().expect("closes");
    assert_eq!((report.written, report.dropped, report.failed), (6, 0, 0));

    let store = Store::open(&config).expect("reopens");
    assert_eq!(
        store.user_key("discord", 42),
        key,
        "the salt is the file's: same keys after a restart"
    );
    assert_eq!(store.score("1234", &key), before);
    assert_eq!(store.stats(None).expect("stats"), stats_before);
    assert_eq!(stats_before.questions, 2);
    assert_eq!(stats_before.votes.down, 1);
    assert_eq!(stats_before.comments[0].text, "prices are missing");
    let after = play(&store, 42, "ann", true);
    assert_eq!(
        (after.correct, after.streak, after.best_streak),
        (3, 3, 3),
        "the streak goes on"
    );
    let board = store.leaderboard("1234", 10).expect("leaderboard");
    assert_eq!(board.len(), 1);
    assert_eq!(board[0].display_name, "ann");
    store.close().expect("closes");
}

#[test]
fn close_writes_everything_recorded_before_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = StoreConfig {
        queue_capacity: 10_000,
        ..config(dir.path().join("drain.sqlite3"))
    };
    let store = Store::open(&config).expect("opens");
    for n in 0..5_000 {
        store.record(answered(&store, n % 50, n % 72, &["saas"], None));
    }
    let report = store.close().expect("closes");
    assert_eq!((report.written, report.dropped), (5_000, 0));
    let inspection = store::inspect(&config.path).expect("inspects").expect("exists");
    assert_eq!(inspection.counts.map(|counts| counts.answered), Some(5_000));
    assert!(
        !wal(&config.path).exists() || std::fs::metadata(wal(&config.path)).map(|m| m.len()).unwrap_or(0) == 0,
        "the WAL is checkpointed into the file at close"
    );
}

#[test]
fn a_full_queue_drops_and_counts_without_blocking() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = StoreConfig {
        queue_capacity: 4,
        ..config(dir.path().join("full.sqlite3"))
    };
    let store = Store::open(&config).expect("opens");
    // Another connection holds the write lock: the writer waits, the queue fills.
    let holder = rusqlite::Connection::open(&config.path).expect("another connection");
    holder.execute_batch("BEGIN EXCLUSIVE").expect("holds the write lock");
    let recorded = 1_000u64;
    for n in 0..recorded {
        store.record(answered(&store, n, 0, &["faas"], None));
    }
    // reaching this line at all is the point: record never waited for the writer
    assert!(store.dropped() > 0, "a queue of 4 behind a held lock drops");
    holder.execute_batch("COMMIT").expect("releases");
    let report = store.close().expect("closes");
    assert_eq!(report.written + report.dropped, recorded, "{report:?}");
    assert_eq!(report.failed, 0);
    let counts = store::inspect(&config.path).expect("inspects").and_then(|i| i.counts);
    assert_eq!(counts.map(|c| c.answered), Some(report.written));
    let stats = store::read_stats(&config.path, None).expect("stats").expect("exists");
    assert_eq!(
        stats.dropped_events, report.dropped,
        "the drops are counted in the file at close"
    );
}

fn wal(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push("-wal");
    PathBuf::from(name)
}

/// The database file and its WAL, as bytes.
fn raw_bytes(path: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(path).expect("the database file");
    bytes.extend(std::fs::read(wal(path)).unwrap_or_default());
    bytes
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

#[test]
fn question_text_is_kept_only_when_configured_and_raw_user_ids_never() {
    const QUESTION: &str = "where do purple zebra quokkas host their lambdas";
    const USER: u64 = 987_654_321_098_765_432;
    for keep in [false, true] {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = StoreConfig {
            keep_question_text: keep,
            ..config(dir.path().join("text.sqlite3"))
        };
        let store = Store::open(&config).expect("opens");
        let asked = Asked {
            text: QUESTION.to_string(),
            terms: vec!["zebra".to_string(), "quokka".to_string()],
        };
        store.record(answered(&store, USER, 0, &[], Some(asked)));
        store.record(down_vote(&store, USER, 77, QUESTION));
        store.flush();
        let live = raw_bytes(&config.path);
        let stats = store.stats(None).expect("stats");
        store.close().expect("closes");
        let closed = raw_bytes(&config.path);
        for bytes in [&live, &closed] {
            assert_eq!(
                contains(bytes, QUESTION.as_bytes()),
                keep,
                "keep_question_text = {keep}"
            );
            assert!(contains(bytes, b"quokka"), "the terms are always kept");
            assert!(!contains(bytes, USER.to_string().as_bytes()), "no raw id as text");
            assert!(!contains(bytes, &USER.to_be_bytes()), "no raw id as an integer");
        }
        assert_eq!(stats.unanswered_questions.len(), usize::from(keep));
        assert_eq!(stats.unanswered_terms.len(), 2);
    }
}

fn xaas(args: &[&str], store_path: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xaas"))
        .args(args)
        .env_remove("XAAS_KNOWLEDGE_DIR")
        .env_remove("XAAS_CONFIG")
        .env_remove("XAAS_LLM_PROVIDER")
        .env("XAAS_STORE_PATH", store_path)
        .current_dir(std::env::temp_dir())
        .output()
        .expect("the xaas binary runs")
}

fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A store with a known set of events, closed.
fn known_store(path: &Path) {
    let store = Store::open(&config(path.to_path_buf())).expect("opens");
    store.record(answered(&store, 1, 0, &["iaas", "paas"], None));
    store.record(answered(&store, 2, 1, &["iaas"], None));
    store.record(answered(
        &store,
        3,
        30,
        &[],
        Some(Asked {
            text: "ignored".to_string(),
            terms: vec!["pizza".to_string()],
        }),
    ));
    store.record(down_vote(&store, 1, 5, "q"));
    play(&store, 1, "ann", true);
    play(&store, 2, "bob", false);
    store.close().expect("closes");
}

#[test]
fn stats_prints_a_summary_and_json_of_a_store_and_refuses_a_bad_since() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("stats.sqlite3");
    known_store(&path);

    let output = xaas(&["stats"], &path);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let summary = text(&output);
    for expected in [
        "questions: 3",
        "don't know: 1 (33.3%)",
        "2025-01-01  2",
        "2025-01-02  1",
        "most asked entries: iaas 2, paas 1",
        "most frequent terms: pizza 1",
        "👎 1",
        "👎 by entry: paas 1",
        "quiz: 2 players, 2 answers, 1 right",
        "1. ann  1/1 right, best streak 1",
    ] {
        assert!(summary.contains(expected), "{expected:?} in:\n{summary}");
    }

    let output = xaas(&["stats", "--json", "--since", "2025-01-02"], &path);
    assert!(output.status.success());
    let value: serde_json::Value = serde_json::from_str(text(&output).trim()).expect("one JSON object");
    assert_eq!(value["since"], "2025-01-02 00:00:00");
    assert_eq!(value["questions"], 1);
    assert_eq!(value["dont_know"]["count"], 1);
    assert_eq!(value["unanswered_terms"][0]["term"], "pizza");
    assert_eq!(value["votes"]["down"], 0);
    assert_eq!(value["per_day"][0]["day"], "2025-01-02");

    let output = xaas(&["stats", "--since", "last tuesday"], &path);
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("use 90m, 24h, 7d"), "{error}");
}

#[test]
fn stats_and_check_on_a_missing_store_say_so_and_create_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("none").join("xaas.sqlite3");
    let output = xaas(&["stats"], &path);
    assert!(output.status.success());
    assert!(text(&output).contains("no data yet"), "{}", text(&output));
    let output = xaas(&["stats", "--json"], &path);
    assert!(output.status.success());
    let value: serde_json::Value = serde_json::from_str(text(&output).trim()).expect("JSON");
    assert_eq!(value["questions"], 0);
    let output = xaas(&["check"], &path);
    assert!(output.status.success());
    assert!(text(&output).contains("not created yet"), "{}", text(&output));
    assert!(!path.exists() && !dir.path().join("none").exists(), "nothing created");
}

#[test]
fn check_reports_an_existing_store_and_fails_on_a_corrupt_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("check.sqlite3");
    known_store(&path);
    let output = xaas(&["check"], &path);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report = text(&output);
    assert!(
        report.contains(&format!(
            "store: {}, schema version {}",
            path.display(),
            store::SCHEMA_VERSION
        )),
        "{report}"
    );
    assert!(
        report.contains("3 answers, 1 votes, 2 quiz answers by 2 players"),
        "{report}"
    );

    let garbage = dir.path().join("garbage.sqlite3");
    std::fs::write(
        &garbage,
        b"this is not a database, not at all; it is plain text. ".repeat(100),
    )
    .expect("write");
    let output = xaas(&["check"], &garbage);
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("not a readable database"), "{error}");
    assert!(error.contains("garbage.sqlite3"), "{error}");
}
