//! Benchmarks of the store: what `Store::record` and `Store::quiz_answer` cost the caller
//! (an answer's path), the drop path of a full queue, and the writer's throughput (events
//! written per second, batched in transactions, from the first record to `close`). Figures
//! and the command that produced them are in docs/PERFORMANCE.md.

use std::time::{Duration, Instant, SystemTime};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use xaas::store::{Answered, Asked, Event, QuizAnswer, Store, StoreConfig};

fn event(store: &Store, n: u64) -> Event {
    Event::Answered(Answered {
        at: SystemTime::now(),
        user: store.user_key("discord", n % 500),
        surface: "slash".to_string(),
        lang: "ko".to_string(),
        kind: "answer".to_string(),
        mode: "offline".to_string(),
        entries: vec!["paas".to_string(), "iaas".to_string()],
        aspect: Some("cons".to_string()),
        knowledge_version: "db09c6c2".to_string(),
        unanswered: n.is_multiple_of(5).then(|| Asked {
            text: "오늘 점심 뭐 먹지?".to_string(),
            terms: vec!["오늘".to_string(), "점심".to_string()],
        }),
    })
}

fn open(dir: &tempfile::TempDir, name: &str, queue_capacity: usize) -> Store {
    Store::open(&StoreConfig {
        path: dir.path().join(name),
        keep_question_text: false,
        queue_capacity,
    })
    .expect("store opens")
}

fn store(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");

    // The caller's cost with room in the queue: the events are built outside the timing,
    // and the queue is flushed between samples so it never fills.
    let queued = open(&dir, "record.sqlite3", 1_000_000);
    c.bench_function("store/record (queued)", |b| {
        b.iter_custom(|iters| {
            let events: Vec<Event> = (0..iters).map(|n| event(&queued, n)).collect();
            let start = Instant::now();
            for event in events {
                queued.record(event);
            }
            let elapsed = start.elapsed();
            queued.flush();
            elapsed
        })
    });
    assert_eq!(queued.dropped(), 0, "nothing dropped while measuring the queued path");
    c.bench_function("store/quiz_answer (in memory + queued)", |b| {
        b.iter_custom(|iters| {
            let answers: Vec<QuizAnswer> = (0..iters)
                .map(|n| QuizAnswer {
                    at: SystemTime::now(),
                    scope: "123456789".to_string(),
                    user: queued.user_key("discord", n % 500),
                    display_name: format!("player {}", n % 500),
                    correct: !n.is_multiple_of(3),
                    kind: "analogy".to_string(),
                    topic: None,
                })
                .collect();
            let start = Instant::now();
            for answer in answers {
                queued.quiz_answer(answer);
            }
            let elapsed = start.elapsed();
            queued.flush();
            elapsed
        })
    });
    let report = queued.close().expect("closes");
    println!("store/record: {report:?}");

    // The drop path: a queue of one behind a writer that another connection holds up.
    let full = open(&dir, "full.sqlite3", 1);
    let holder = rusqlite::Connection::open(dir.path().join("full.sqlite3")).expect("connection");
    holder.execute_batch("BEGIN EXCLUSIVE").expect("holds the lock");
    for n in 0..4 {
        full.record(event(&full, n));
    }
    c.bench_function("store/record (queue full: dropped)", |b| {
        b.iter_custom(|iters| {
            let events: Vec<Event> = (0..iters).map(|n| event(&full, n)).collect();
            let start = Instant::now();
            for event in events {
                full.record(event);
            }
            start.elapsed()
        })
    });
    holder.execute_batch("COMMIT").expect("releases");
    println!("store/full: {:?}", full.close().expect("closes"));

    // The writer: 10,000 events into a fresh file, from the first record to close.
    const EVENTS: u64 = 10_000;
    let mut group = c.benchmark_group("store/write");
    group.throughput(Throughput::Elements(EVENTS));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(6));
    let mut round = 0u64;
    group.bench_function("10k events, open to close", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                round += 1;
                let store = open(&dir, &format!("write-{round}.sqlite3"), 16_384);
                let events: Vec<Event> = (0..EVENTS).map(|n| event(&store, n)).collect();
                let start = Instant::now();
                for event in events {
                    store.record(event);
                }
                let report = store.close().expect("closes");
                total += start.elapsed();
                assert_eq!(report.written, EVENTS);
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, store);
criterion_main!(benches);
