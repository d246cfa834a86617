//! The retrieval evaluation: every question in `tests/data/eval.toml` goes through the real
//! assistant; hit@1, comparison recall and off-topic rejection are printed per language and
//! held to a floor.

use std::collections::BTreeMap;

use serde::Deserialize;
use xaas::assistant::{Assistant, Question, ReplyKind};
use xaas::knowledge::KnowledgeBase;

/// The floor every metric must reach, in each language.
const FLOOR: f64 = 0.95;

#[derive(Deserialize)]
struct EvalFile {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    q: String,
    lang: String,
    kind: String,
    expect: Vec<String>,
    #[serde(default)]
    also: Vec<String>,
}

#[derive(Default)]
struct Tally {
    hits: usize,
    hit_total: usize,
    recall: f64,
    compare_total: usize,
    rejected: usize,
    offtopic_total: usize,
}

impl Tally {
    fn rates(&self) -> [f64; 3] {
        let rate = |num: f64, den: usize| if den == 0 { 1.0 } else { num / den as f64 };
        [
            rate(self.hits as f64, self.hit_total),
            rate(self.recall, self.compare_total),
            rate(self.rejected as f64, self.offtopic_total),
        ]
    }
}

#[test]
fn retrieval_meets_the_floor_in_both_languages() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/eval.toml"))
        .expect("tests/data/eval.toml is part of the repository");
    let file: EvalFile = toml::from_str(&text).expect("eval.toml parses");
    let assistant = Assistant::new(KnowledgeBase::builtin().expect("built-in knowledge loads"));
    let snapshot = assistant.snapshot();
    let ids: Vec<&str> = snapshot.knowledge().entries().iter().map(|e| e.id.as_str()).collect();
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut failures = Vec::new();
    for case in &file.case {
        for id in case.expect.iter().chain(&case.also) {
            assert!(
                ids.contains(&id.as_str()),
                "eval case {:?} names unknown id {id}",
                case.q
            );
        }
        let reply = assistant.answer(&Question::new(case.q.as_str()));
        let got: Vec<&str> = reply.sources.iter().map(|s| s.id.as_str()).collect();
        let tally = tallies.entry(case.lang.clone()).or_default();
        if case.kind == "offtopic" {
            tally.offtopic_total += 1;
            // A greeting or thanks is answered as small talk: no sources either.
            if matches!(reply.kind, ReplyKind::DontKnow | ReplyKind::SmallTalk) && reply.sources.is_empty() {
                tally.rejected += 1;
            } else {
                failures.push(format!("offtopic answered: {:?} -> {got:?}", case.q));
            }
        } else if case.kind == "compare" {
            tally.compare_total += 1;
            let window = &got[..got.len().min(case.expect.len())];
            let found = case.expect.iter().filter(|id| window.contains(&id.as_str())).count();
            tally.recall += found as f64 / case.expect.len() as f64;
            if found < case.expect.len() || reply.kind != ReplyKind::Compare {
                failures.push(format!(
                    "compare {:?}: want {:?}, got {got:?} ({:?})",
                    case.q, case.expect, reply.kind
                ));
            }
        } else {
            tally.hit_total += 1;
            let first = got.first().copied().unwrap_or("-");
            if case.expect.iter().take(1).chain(&case.also).any(|id| id == first) {
                tally.hits += 1;
            } else {
                failures.push(format!(
                    "{} {:?}: want {:?}, got {got:?}",
                    case.kind, case.q, case.expect
                ));
            }
        }
    }
    let mut report = format!(
        "{} questions\nlang  hit@1 (n)     compare recall (n)  off-topic rejection (n)\n",
        file.case.len()
    );
    let mut below = Vec::new();
    for (lang, tally) in &tallies {
        let [hit, recall, rejection] = tally.rates();
        report.push_str(&format!(
            "{lang:<5} {hit:.3} ({:>3}) {recall:>9.3} ({:>3}) {rejection:>13.3} ({:>3})\n",
            tally.hit_total, tally.compare_total, tally.offtopic_total
        ));
        for (name, value) in [
            ("hit@1", hit),
            ("comparison recall", recall),
            ("off-topic rejection", rejection),
        ] {
            if value < FLOOR {
                below.push(format!("{lang} {name} {value:.3} < {FLOOR}"));
            }
        }
    }
    report.push_str(&baseline_report(&file, snapshot.knowledge()));
    for failure in &failures {
        report.push_str(&format!("  miss: {failure}\n"));
    }
    print!("{report}");
    // Also kept on disk, so CI can show the figures of a passing run.
    // (target/ may not exist yet when CARGO_TARGET_DIR points elsewhere.)
    let _ = std::fs::create_dir_all(concat!(env!("CARGO_MANIFEST_DIR"), "/target"));
    let _ = std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/target/eval-report.txt"), &report);
    assert!(below.is_empty(), "below the floor: {below:?}");
}

/// A plain BM25 baseline on the same knowledge and questions, for docs/PERFORMANCE.md:
/// whitespace tokens (lowercased, punctuation trimmed), every text of an entry in one bag,
/// no particles, no aliases matching, no typo tolerance, no off-topic gate.
fn baseline_report(file: &EvalFile, knowledge: &KnowledgeBase) -> String {
    fn tokens(text: &str) -> Vec<String> {
        text.split_whitespace()
            .map(|word| word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
            .filter(|word| !word.is_empty())
            .collect()
    }
    let documents: Vec<(String, Vec<String>)> = knowledge
        .entries()
        .iter()
        .map(|entry| {
            let mut text = String::new();
            for pair in [&entry.name, &entry.full_name, &entry.summary, &entry.definition] {
                text.push_str(&format!("{} {} ", pair.en, pair.ko));
            }
            for alias in entry.aliases() {
                text.push_str(alias);
                text.push(' ');
            }
            let lists = [&entry.features, &entry.use_cases, &entry.pros, &entry.cons];
            for item in lists
                .into_iter()
                .flatten()
                .chain(entry.analogies.iter().map(|a| &a.text))
            {
                text.push_str(&format!("{} {} ", item.en, item.ko));
            }
            for provider in &entry.providers {
                text.push_str(&format!(
                    "{} {} {} {} ",
                    provider.name,
                    provider.products.join(" "),
                    provider.about.en,
                    provider.about.ko
                ));
            }
            for section in &entry.sections {
                text.push_str(&format!(
                    "{} {} {} {} ",
                    section.title.en, section.title.ko, section.body.en, section.body.ko
                ));
            }
            (entry.id.clone(), tokens(&text))
        })
        .collect();
    let count = documents.len() as f64;
    let average = documents.iter().map(|(_, words)| words.len() as f64).sum::<f64>() / count;
    let mut frequency: std::collections::HashMap<&str, f64> = std::collections::HashMap::new();
    for (_, words) in &documents {
        let unique: std::collections::HashSet<&str> = words.iter().map(String::as_str).collect();
        for word in unique {
            *frequency.entry(word).or_default() += 1.0;
        }
    }
    let rank = |question: &str| -> Vec<&str> {
        let terms = tokens(question);
        let mut scored: Vec<(f64, &str)> = documents
            .iter()
            .map(|(id, words)| {
                let length = words.len() as f64;
                let score = terms
                    .iter()
                    .map(|term| {
                        let tf = words.iter().filter(|word| *word == term).count() as f64;
                        let df = frequency.get(term.as_str()).copied().unwrap_or(0.0);
                        let idf = (1.0 + (count - df + 0.5) / (df + 0.5)).ln();
                        idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * length / average))
                    })
                    .sum();
                (score, id.as_str())
            })
            .filter(|(score, _)| *score > 0.0)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored.into_iter().map(|(_, id)| id).collect()
    };
    // Per language: (hit@1 hits, questions), (comparison recall summed, comparisons).
    let mut rates: BTreeMap<&str, [(f64, usize); 2]> = BTreeMap::new();
    for case in file.case.iter().filter(|case| case.kind != "offtopic") {
        let ranked = rank(&case.q);
        let slot = rates.entry(case.lang.as_str()).or_default();
        if case.kind == "compare" {
            let window = &ranked[..ranked.len().min(case.expect.len())];
            let found = case.expect.iter().filter(|id| window.contains(&id.as_str())).count();
            slot[1].0 += found as f64 / case.expect.len() as f64;
            slot[1].1 += 1;
        } else {
            let first = ranked.first().copied().unwrap_or("-");
            if case.expect.iter().take(1).chain(&case.also).any(|id| id == first) {
                slot[0].0 += 1.0;
            }
            slot[0].1 += 1;
        }
    }
    let mut report =
        String::from("baseline: plain BM25, whitespace tokens, no gate (answers every off-topic question)\n");
    for (lang, [hits, compares]) in rates {
        let rate = |(good, total): (f64, usize)| good / total.max(1) as f64;
        report.push_str(&format!(
            "{lang:<5} {:.3} ({:>3}) {:>9.3} ({:>3}) {:>13.3}\n",
            rate(hits),
            hits.1,
            rate(compares),
            compares.1,
            0.0
        ));
    }
    report
}
