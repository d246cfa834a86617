//! `xaas stats`: what the store has seen, as a readable summary or one JSON object, read
//! without creating or writing the file; and the store's line of `xaas check`. Parsing
//! `--since` (`7d`, `24h`, `90m`, `2w`, `YYYY-MM-DD`) lives here too, by hand: four forms do
//! not need a date crate.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::config::StoreConfig;
use crate::store::{self, Count, IdCount, Stats, StoreError, TermCount};

/// The start of the period `--since` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Since {
    /// That long before now.
    Ago(Duration),
    /// Midnight UTC of a day, as unix seconds.
    Day(i64),
}

/// The longest period `--since` takes: a century.
const MAX_AGO: Duration = Duration::from_secs(100 * 366 * 86_400);

/// Reads `--since`: a number with `m`, `h`, `d` or `w`, or a `YYYY-MM-DD` day (UTC).
pub(super) fn parse_since(text: &str) -> Result<Since, String> {
    let text = text.trim();
    let wrong = || format!("`{text}` is not a period; use 90m, 24h, 7d, 2w or a day as YYYY-MM-DD");
    if let Some(day) = parse_day(text) {
        return day
            .map(Since::Day)
            .ok_or_else(|| format!("`{text}` is not a day of the calendar"));
    }
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(wrong)?;
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().map_err(|_| wrong())?;
    let seconds = match unit {
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(wrong()),
    };
    let ago = number
        .checked_mul(seconds)
        .map(Duration::from_secs)
        .filter(|ago| *ago <= MAX_AGO)
        .ok_or_else(|| format!("`{text}` is longer than a century"))?;
    Ok(Since::Ago(ago))
}

/// `Some(None)` for text shaped like `YYYY-MM-DD` that is no real day; `None` for other shapes.
fn parse_day(text: &str) -> Option<Option<i64>> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shaped {
        return None;
    }
    let year: i64 = text[0..4].parse().ok()?;
    let month: u32 = text[5..7].parse().ok()?;
    let day: u32 = text[8..10].parse().ok()?;
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Some(None),
    };
    if !(1..=days_in_month).contains(&day) {
        return Some(None);
    }
    Some(Some(days_from_civil(year, month, day) * 86_400))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The moment `since` names, `now` being now.
pub(super) fn since_time(since: Since, now: SystemTime) -> SystemTime {
    match since {
        Since::Ago(ago) => now.checked_sub(ago).unwrap_or(SystemTime::UNIX_EPOCH),
        Since::Day(seconds) => u64::try_from(seconds).map_or(SystemTime::UNIX_EPOCH, |seconds| {
            SystemTime::UNIX_EPOCH + Duration::from_secs(seconds)
        }),
    }
}

/// `xaas stats`: prints the figures of the store at `config.path`, or says there is none yet.
pub(super) fn run(config: &StoreConfig, since: Option<Since>, json: bool, out: &mut impl Write) -> anyhow::Result<()> {
    let since = since.map(|since| since_time(since, SystemTime::now()));
    let path = &config.path;
    let stats = store::read_stats(path, since)?;
    let text = match (stats, json) {
        (Some(stats), true) => serde_json::to_string(&stats)? + "\n",
        (None, true) => serde_json::to_string(&Stats::default())? + "\n",
        (Some(stats), false) => summary(path, &stats),
        (None, false) => format!(
            "no data yet: there is no store at {} (the bot creates it on first use; [store] path or XAAS_STORE_PATH names it)\n",
            path.display()
        ),
    };
    let _ = out.write_all(text.as_bytes());
    Ok(())
}

/// The stats as readable text: one section per question, with counts.
pub(super) fn summary(path: &Path, stats: &Stats) -> String {
    let mut out = String::new();
    let period = stats
        .since
        .as_ref()
        .map_or("all time".to_string(), |since| format!("since {since} UTC"));
    let _ = writeln!(out, "store: {} ({period})", path.display());
    let _ = writeln!(out, "\nquestions: {}", stats.questions);
    let _ = writeln!(
        out,
        "  don't know: {} ({:.1}%)",
        stats.dont_know.count,
        stats.dont_know.rate * 100.0
    );
    if !stats.per_day.is_empty() {
        let _ = writeln!(out, "  per day (UTC):");
        for day in &stats.per_day {
            let _ = writeln!(out, "    {}  {}", day.day, day.count);
        }
    }
    let _ = writeln!(out, "  languages: {}", counts(&stats.by_lang));
    let _ = writeln!(out, "  kinds: {}", counts(&stats.by_kind));
    let _ = writeln!(out, "  modes: {}", counts(&stats.by_mode));
    let _ = writeln!(out, "  surfaces: {}", counts(&stats.by_surface));
    let _ = writeln!(out, "  most asked entries: {}", ids(&stats.top_entries));
    let _ = writeln!(out, "  most asked aspects: {}", counts(&stats.top_aspects));
    let _ = writeln!(out, "\nunanswered (I don't know): {}", stats.dont_know.count);
    let _ = writeln!(out, "  most frequent terms: {}", terms(&stats.unanswered_terms));
    if !stats.unanswered_questions.is_empty() {
        let _ = writeln!(out, "  latest questions (kept text):");
        for question in &stats.unanswered_questions {
            let _ = writeln!(out, "    {}  {}", question.at, one_line(&question.text));
        }
    }
    let _ = writeln!(out, "\nvotes: 👍 {}, 👎 {}", stats.votes.up, stats.votes.down);
    let _ = writeln!(out, "  👎 by entry: {}", ids(&stats.down_by_entry));
    let _ = writeln!(out, "  👎 question terms: {}", terms(&stats.down_terms));
    if !stats.comments.is_empty() {
        let _ = writeln!(out, "  latest comments:");
        for comment in &stats.comments {
            let _ = writeln!(
                out,
                "    {}  [{}] {}",
                comment.at,
                comment.entries.join(", "),
                one_line(&comment.text)
            );
        }
    }
    let quiz = &stats.quiz;
    let _ = writeln!(
        out,
        "\nquiz: {} players, {} answers, {} right",
        quiz.players, quiz.answered, quiz.correct
    );
    for (rank, player) in quiz.top.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {}. {}  {}/{} right, best streak {}",
            rank + 1,
            one_line(&player.display_name),
            player.correct,
            player.answered,
            player.best_streak
        );
    }
    if stats.dropped_events > 0 {
        let _ = writeln!(out, "\ndropped events (queue full, all time): {}", stats.dropped_events);
    }
    out
}

fn list(items: impl Iterator<Item = (String, u64)>) -> String {
    let text: Vec<String> = items.map(|(key, count)| format!("{key} {count}")).collect();
    if text.is_empty() {
        "-".to_string()
    } else {
        text.join(", ")
    }
}

fn counts(items: &[Count]) -> String {
    list(items.iter().map(|item| (item.key.clone(), item.count)))
}

fn ids(items: &[IdCount]) -> String {
    list(items.iter().map(|item| (item.id.clone(), item.count)))
}

fn terms(items: &[TermCount]) -> String {
    list(items.iter().map(|item| (item.term.clone(), item.count)))
}

/// User text on one terminal line: line breaks and control characters become spaces.
fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// The store's line of `xaas check`, read without creating or writing the file; a corrupt,
/// locked or newer file is the error.
pub(super) fn check_line(path: &Path) -> Result<String, StoreError> {
    let shown = path.display();
    Ok(match store::inspect(path)? {
        None => format!("store: {shown} (not created yet; the bot creates it on first use)"),
        Some(inspection) => match inspection.counts {
            Some(counts) => format!(
                "store: {shown}, schema version {}, {} answers, {} votes, {} quiz answers by {} players",
                inspection.schema_version, counts.answered, counts.votes, counts.quiz_answers, counts.quiz_players
            ),
            None => format!(
                "store: {shown}, schema version {} (migrated to {} when the bot opens it)",
                inspection.schema_version,
                store::SCHEMA_VERSION
            ),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_reads_minutes_hours_days_weeks_and_days_of_the_calendar() {
        assert_eq!(parse_since("90m"), Ok(Since::Ago(Duration::from_secs(90 * 60))));
        assert_eq!(parse_since("24h"), Ok(Since::Ago(Duration::from_secs(86_400))));
        assert_eq!(parse_since("7d"), Ok(Since::Ago(Duration::from_secs(7 * 86_400))));
        assert_eq!(parse_since("2w"), Ok(Since::Ago(Duration::from_secs(14 * 86_400))));
        assert_eq!(parse_since("1970-01-02"), Ok(Since::Day(86_400)));
        assert_eq!(parse_since("2025-01-01"), Ok(Since::Day(1_735_689_600)));
        assert_eq!(parse_since("2024-02-29"), Ok(Since::Day(1_709_164_800)));
        for bad in [
            "",
            "7",
            "d",
            "7x",
            "-7d",
            "7 d",
            "2025-02-30",
            "2023-02-29",
            "2025-13-01",
            "99999999999999d",
        ] {
            assert!(parse_since(bad).is_err(), "{bad}");
        }
        assert!(parse_since("7x").expect_err("bad").contains("use 90m, 24h, 7d"));
    }

    #[test]
    fn since_counts_back_from_the_given_now() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        assert_eq!(
            since_time(Since::Ago(Duration::from_secs(1000)), now),
            SystemTime::UNIX_EPOCH + Duration::from_secs(999_000)
        );
        assert_eq!(
            since_time(Since::Day(86_400), now),
            SystemTime::UNIX_EPOCH + Duration::from_secs(86_400)
        );
    }
}
