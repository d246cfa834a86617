//! The bot as it runs: the real `xaas serve` process against the fake Discord on loopback.
//! Prints the time from the gateway event (a direct message dispatched by the fake) to the
//! bot's reply arriving at the fake's REST API, as median and p99 over many questions, and
//! the bot process's resident memory after them. Not a criterion benchmark: one long run
//! whose distribution is the figure. Then the same for button presses on a `/model` answer
//! (an aspect shown in place; every third press draws the who-manages-what picture), from the
//! press to the bot's interaction callback. Run with `cargo bench --bench discord`; the
//! figures go to docs/PERFORMANCE.md.

#[allow(dead_code)]
#[path = "../tests/it/support/fake_discord.rs"]
mod fake_discord;

#[path = "questions.rs"]
mod questions;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fake_discord::{FakeDiscord, FakeUser, Mentions};
use questions::QUESTIONS as SAMPLE;

const QUESTIONS: usize = 1000;
const PRESSES: usize = 300;
/// The buttons pressed in turn: a list, a picture, a list.
const BUTTONS: [&str; 3] = ["Pros & cons", "Who manages what", "Providers"];

fn resident_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with(field))
                .and_then(|line| line.split_whitespace().nth(1).and_then(|value| value.parse().ok()))
        })
        .unwrap_or(0)
}

fn main() {
    if std::env::args().any(|arg| arg == "--list") {
        return; // `cargo test --benches` asks benches for their list; there is nothing to list
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let fake = FakeDiscord::start().await;
        let store = std::env::temp_dir().join(format!("xaas-bench-{}.sqlite3", std::process::id()));
        let mut bot = Command::new(env!("CARGO_BIN_EXE_xaas"))
            .arg("serve")
            .env("XAAS_STORE_PATH", &store)
            .env("DISCORD_TOKEN", "bench-token")
            .env("XAAS_DISCORD_API_BASE", fake.api_base())
            .env("RUST_LOG", "warn")
            .env_remove("XAAS_CONFIG")
            .env_remove("XAAS_LLM_PROVIDER")
            .stdout(Stdio::null())
            .spawn()
            .expect("xaas serve starts");
        assert!(fake.wait_ready(Duration::from_secs(30)).await, "the bot identifies");
        let before = resident_kib(bot.id(), "VmRSS:");

        let user = FakeUser::human(1_300_000_000_000_000_001, "bench-user");
        let channel = 1_300_000_000_000_000_002;
        let mut latencies = Vec::with_capacity(QUESTIONS);
        for index in 0..QUESTIONS {
            let question = SAMPLE[index % SAMPLE.len()];
            let message = fake.message_create(question, &user, channel, None, &Mentions::default());
            let id = message["id"].as_str().expect("an id").to_string();
            let started = Instant::now();
            fake.dispatch("MESSAGE_CREATE", message);
            let reply = fake
                .wait_for_request(
                    |request| {
                        request.method == "POST"
                            && request.body["message_reference"]["message_id"].as_str() == Some(id.as_str())
                    },
                    Duration::from_secs(10),
                )
                .await;
            assert!(reply.is_some(), "question {index} answered");
            latencies.push(started.elapsed());
        }
        let after = resident_kib(bot.id(), "VmRSS:");

        let command = fake.slash_command(
            "model",
            serde_json::json!([{"name": "name", "type": 3, "value": "iaas"}]),
            "en-US",
            None,
            channel,
            &user,
        );
        let token = command["token"].as_str().expect("a token").to_string();
        fake.dispatch("INTERACTION_CREATE", command);
        let answer = fake
            .wait_until(Duration::from_secs(10), |_| fake.original_response(&token))
            .await
            .expect("the /model answer");
        let message: u64 = answer["id"].as_str().and_then(|id| id.parse().ok()).expect("an id");
        let mut presses = Vec::with_capacity(PRESSES);
        for index in 0..PRESSES {
            let label = BUTTONS[index % BUTTONS.len()];
            let shown = fake.message(message).expect("the answer");
            let custom_id = shown["components"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
                .find(|c| c["label"] == label && c["disabled"] != true)
                .and_then(|c| c["custom_id"].as_str().map(str::to_string))
                .expect("the button");
            let started = Instant::now();
            let pressed = fake.press(message, &custom_id, &user, "en-US");
            let answered = fake
                .wait_until(Duration::from_secs(10), |_| fake.interaction_callback(&pressed))
                .await;
            assert_eq!(answered, Some(7), "press {index} updated the answer");
            presses.push(started.elapsed());
        }
        let peak = resident_kib(bot.id(), "VmHWM:");
        let _ = bot.kill();
        let _ = bot.wait();
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", store.display()));
        }
        presses.sort();
        let press_at = |share: f64| presses[((presses.len() as f64 * share) as usize).min(presses.len() - 1)];

        latencies.sort();
        let at = |share: f64| latencies[((latencies.len() as f64 * share) as usize).min(latencies.len() - 1)];
        println!("discord/dm-question-to-reply over {QUESTIONS} questions (offline answers, loopback fake Discord):");
        println!("  median {:?}  p90 {:?}  p99 {:?}  max {:?}", at(0.5), at(0.9), at(0.99), latencies[latencies.len() - 1]);
        println!("  bot resident memory: {before} KiB after READY, {after} KiB after {QUESTIONS} questions (peak {peak} KiB)");
        println!("discord/press-to-callback over {PRESSES} presses (aspects in place, a third with the picture):");
        println!(
            "  median {:?}  p90 {:?}  p99 {:?}  max {:?}",
            press_at(0.5),
            press_at(0.9),
            press_at(0.99),
            presses[presses.len() - 1]
        );
    });
}
