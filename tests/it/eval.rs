//! The answer evaluation: every question in `tests/data/eval.toml` goes through the real
//! assistant. Per language it reports hit@1, comparison recall, off-topic rejection, small-talk
//! recognition and lead accuracy, each held to its floor below; a breakdown by kind; the size
//! of the grounded prompt (reported, not held to anything); a plain BM25 baseline; and every
//! miss, with what was expected and what came back.

use std::collections::BTreeMap;

use serde::Deserialize;
use xaas::assistant::{Assistant, Question, Reply, ReplyKind};
use xaas::knowledge::KnowledgeBase;

/// In-domain questions whose first source is the expected entry (or one of `also`).
const HIT_AT_1_FLOOR: f64 = 0.95;
/// Comparisons: the share of expected entries found among the first `len(expect)` sources.
const COMPARE_RECALL_FLOOR: f64 = 0.95;
/// Off-topic questions answered with a don't-know.
const OFFTOPIC_REJECTION_FLOOR: f64 = 0.95;
/// Greetings, thanks, "who are you", laughter, emoji answered as small talk.
const SMALLTALK_FLOOR: f64 = 0.95;
/// Questions with a `lead` list whose reply lead contains one of its strings.
const LEAD_FLOOR: f64 = 0.90;

/// A miss line shows this many characters of the reply's lead.
const LEAD_SHOWN_CHARS: usize = 80;
/// A miss line shows this many of the reply's sources.
const SOURCES_SHOWN: usize = 3;

#[derive(Deserialize)]
struct EvalFile {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    q: String,
    lang: String,
    kind: String,
    expect: Vec<String>,
    #[serde(default)]
    also: Vec<String>,
    /// The reply's lead must contain one of these (both sides lowercased).
    #[serde(default)]
    lead: Vec<String>,
}

impl Case {
    fn is_offtopic(&self) -> bool {
        self.kind == "offtopic"
    }

    fn is_smalltalk(&self) -> bool {
        self.kind == "smalltalk"
    }

    /// A question the knowledge base answers: neither off-topic nor small talk.
    fn in_domain(&self) -> bool {
        !self.is_offtopic() && !self.is_smalltalk()
    }

    /// Whether `first` (the best source) is an acceptable hit@1.
    fn accepts_first(&self, first: &str) -> bool {
        self.expect.iter().take(1).chain(&self.also).any(|id| id == first)
    }

    /// What the case asks for, for a miss line.
    fn wanted(&self) -> String {
        let mut wanted = match self.kind.as_str() {
            "offtopic" => "dont_know".to_string(),
            "smalltalk" => "smalltalk".to_string(),
            "compare" => format!("compare of {:?}", self.expect),
            _ if self.also.is_empty() => format!("{:?}", &self.expect[..1]),
            _ => format!("{:?} or {:?}", &self.expect[..1], self.also),
        };
        if !self.lead.is_empty() {
            wanted.push_str(&format!(", lead with one of {:?}", self.lead));
        }
        wanted
    }
}

/// Per-language counts; each metric is `good / total`.
#[derive(Default)]
struct Tally {
    hits: usize,
    hit_total: usize,
    recall: f64,
    compare_total: usize,
    rejected: usize,
    offtopic_total: usize,
    smalltalk: usize,
    smalltalk_total: usize,
    leads: usize,
    lead_total: usize,
}

/// The metrics of one language, with their floors, in report order.
struct Rate {
    name: &'static str,
    value: f64,
    total: usize,
    floor: f64,
}

impl Tally {
    fn rates(&self) -> [Rate; 5] {
        let rate = |name, good: f64, total: usize, floor| Rate {
            name,
            value: if total == 0 { 1.0 } else { good / total as f64 },
            total,
            floor,
        };
        [
            rate("hit@1", self.hits as f64, self.hit_total, HIT_AT_1_FLOOR),
            rate(
                "comparison recall",
                self.recall,
                self.compare_total,
                COMPARE_RECALL_FLOOR,
            ),
            rate(
                "off-topic rejection",
                self.rejected as f64,
                self.offtopic_total,
                OFFTOPIC_REJECTION_FLOOR,
            ),
            rate(
                "small talk",
                self.smalltalk as f64,
                self.smalltalk_total,
                SMALLTALK_FLOOR,
            ),
            rate("lead", self.leads as f64, self.lead_total, LEAD_FLOOR),
        ]
    }
}

/// Per kind and language: cases, cases passing their main check, and lead (good, total).
#[derive(Default)]
struct KindTally {
    total: usize,
    passed: usize,
    leads: usize,
    lead_total: usize,
}

/// What came back, for a miss line: the kind, the first sources and the start of the lead.
fn describe(reply: &Reply) -> String {
    let sources: Vec<&str> = reply
        .sources
        .iter()
        .take(SOURCES_SHOWN)
        .map(|s| s.id.as_str())
        .collect();
    let more = if reply.sources.len() > SOURCES_SHOWN {
        ", …"
    } else {
        ""
    };
    let mut lead: String = reply.lead.chars().take(LEAD_SHOWN_CHARS).collect();
    if reply.lead.chars().count() > LEAD_SHOWN_CHARS {
        lead.push('…');
    }
    format!("{} [{}{more}] lead {lead:?}", reply.kind.as_str(), sources.join(", "))
}

#[test]
fn retrieval_meets_the_floor_in_both_languages() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/eval.toml"))
        .expect("tests/data/eval.toml is part of the repository");
    let file: EvalFile = toml::from_str(&text).expect("eval.toml parses");
    let assistant = Assistant::new(KnowledgeBase::builtin().expect("built-in knowledge loads"));
    let snapshot = assistant.snapshot();
    let ids: Vec<&str> = snapshot.knowledge().entries().iter().map(|e| e.id.as_str()).collect();
    check_cases(&file, &ids);

    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut kinds: BTreeMap<(String, String), KindTally> = BTreeMap::new();
    let mut failures = Vec::new();
    // (chars of system + user, question) per language, for in-domain questions with a prompt.
    let mut prompt_sizes: BTreeMap<String, Vec<(usize, &str)>> = BTreeMap::new();
    let mut without_prompt: BTreeMap<String, usize> = BTreeMap::new();
    for case in &file.case {
        let reply = assistant.answer(&Question::new(case.q.as_str()));
        let got: Vec<&str> = reply.sources.iter().map(|s| s.id.as_str()).collect();
        let tally = tallies.entry(case.lang.clone()).or_default();
        let by_kind = kinds.entry((case.kind.clone(), case.lang.clone())).or_default();
        // The checks this case failed, named as in the report.
        let mut missed: Vec<&str> = Vec::new();
        if case.is_offtopic() {
            tally.offtopic_total += 1;
            if reply.kind == ReplyKind::DontKnow {
                tally.rejected += 1;
            } else {
                missed.push("off-topic");
            }
        } else if case.is_smalltalk() {
            tally.smalltalk_total += 1;
            if reply.kind == ReplyKind::SmallTalk {
                tally.smalltalk += 1;
            } else {
                missed.push("small talk");
            }
        } else if case.kind == "compare" {
            tally.compare_total += 1;
            let window = &got[..got.len().min(case.expect.len())];
            let found = case.expect.iter().filter(|id| window.contains(&id.as_str())).count();
            tally.recall += found as f64 / case.expect.len() as f64;
            if found < case.expect.len() || reply.kind != ReplyKind::Compare {
                missed.push("compare");
            }
        } else {
            tally.hit_total += 1;
            // An in-domain question is never small talk or a don't-know, whatever its sources.
            let answered = !matches!(reply.kind, ReplyKind::SmallTalk | ReplyKind::DontKnow);
            if answered && case.accepts_first(got.first().copied().unwrap_or("-")) {
                tally.hits += 1;
            } else {
                missed.push("hit@1");
            }
        }
        by_kind.total += 1;
        if missed.is_empty() {
            by_kind.passed += 1;
        }
        if !case.lead.is_empty() {
            tally.lead_total += 1;
            by_kind.lead_total += 1;
            let lead = reply.lead.to_lowercase();
            if case.lead.iter().any(|want| lead.contains(&want.to_lowercase())) {
                tally.leads += 1;
                by_kind.leads += 1;
            } else {
                missed.push("lead");
            }
        }
        if !missed.is_empty() {
            failures.push(format!(
                "[{}] {} ({}) {:?}: want {}; got {}",
                missed.join(", "),
                case.kind,
                case.lang,
                case.q,
                case.wanted(),
                describe(&reply)
            ));
        }
        if case.in_domain() {
            match assistant.prompt(&Question::new(case.q.as_str())) {
                Ok(Some(prompt)) => {
                    let size = prompt.system.chars().count() + prompt.user.chars().count();
                    prompt_sizes
                        .entry(case.lang.clone())
                        .or_default()
                        .push((size, case.q.as_str()));
                }
                Ok(None) => *without_prompt.entry(case.lang.clone()).or_default() += 1,
                Err(error) => panic!("the built-in prompts fail to render {:?}: {error}", case.q),
            }
        }
    }

    let in_domain = file.case.iter().filter(|case| case.in_domain()).count();
    let mut report = format!(
        "{} questions: {in_domain} in-domain ({} with a lead), {} off-topic, {} small talk\n",
        file.case.len(),
        file.case.iter().filter(|case| !case.lead.is_empty()).count(),
        file.case.iter().filter(|case| case.is_offtopic()).count(),
        file.case.iter().filter(|case| case.is_smalltalk()).count(),
    );
    report.push_str("lang  hit@1 (n)     compare recall (n)  off-topic rejection (n)  small talk (n)  lead (n)\n");
    let mut below = Vec::new();
    for (lang, tally) in &tallies {
        let [hit, recall, rejection, smalltalk, lead] = tally.rates();
        report.push_str(&format!(
            "{lang:<5} {:.3} ({:>3}) {:>9.3} ({:>3}) {:>13.3} ({:>3}) {:>17.3} ({:>3}) {:>9.3} ({:>3})\n",
            hit.value,
            hit.total,
            recall.value,
            recall.total,
            rejection.value,
            rejection.total,
            smalltalk.value,
            smalltalk.total,
            lead.value,
            lead.total,
        ));
        for rate in tally.rates() {
            if rate.value < rate.floor {
                below.push(format!("{lang} {} {:.3} < {}", rate.name, rate.value, rate.floor));
            }
        }
    }
    report.push_str(&format!(
        "floors: hit@1 {HIT_AT_1_FLOOR}, comparison recall {COMPARE_RECALL_FLOOR}, off-topic rejection \
         {OFFTOPIC_REJECTION_FLOOR}, small talk {SMALLTALK_FLOOR}, lead {LEAD_FLOOR}\n"
    ));
    report.push_str(&kind_report(&kinds));
    report.push_str(&prompt_report(&mut prompt_sizes, &without_prompt));
    report.push_str(&baseline_report(&file, snapshot.knowledge()));
    report.push_str(&format!("{} misses\n", failures.len()));
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

/// The set itself must make sense: known languages and ids, expectations that fit the kind,
/// the language the bot will detect (a lead is written in it), and no question twice.
fn check_cases(file: &EvalFile, ids: &[&str]) {
    let mut seen = std::collections::HashSet::new();
    for case in &file.case {
        let q = &case.q;
        assert!(
            case.lang == "en" || case.lang == "ko",
            "eval case {q:?}: lang must be en or ko"
        );
        assert_eq!(
            Question::new(q.as_str()).reply_lang().code(),
            case.lang,
            "eval case {q:?}: the bot reads it as another language"
        );
        for id in case.expect.iter().chain(&case.also) {
            assert!(ids.contains(&id.as_str()), "eval case {q:?} names unknown id {id}");
        }
        if case.in_domain() {
            assert!(
                !case.expect.is_empty(),
                "eval case {q:?}: an in-domain case expects an id"
            );
        } else {
            assert!(
                case.expect.is_empty() && case.also.is_empty() && case.lead.is_empty(),
                "eval case {q:?}: a {} case expects nothing",
                case.kind
            );
        }
        assert!(
            case.lead.iter().all(|want| !want.trim().is_empty()),
            "eval case {q:?}: an empty lead string matches anything"
        );
        assert!(seen.insert(q.trim().to_lowercase()), "eval case {q:?} appears twice");
    }
}

/// Each kind in each language: how many cases pass their main check (hit@1, the comparison,
/// the don't-know or the small talk) and, where asked, the lead.
fn kind_report(kinds: &BTreeMap<(String, String), KindTally>) -> String {
    let mut report = String::from("by kind       lang    n  passed  lead (n)\n");
    for ((kind, lang), tally) in kinds {
        let passed = tally.passed as f64 / tally.total as f64;
        let lead = if tally.lead_total == 0 {
            String::from("-")
        } else {
            format!(
                "{:.3} ({:>2})",
                tally.leads as f64 / tally.lead_total as f64,
                tally.lead_total
            )
        };
        report.push_str(&format!(
            "  {kind:<11} {lang:<4} {:>4}  {passed:>6.3}  {lead}\n",
            tally.total
        ));
    }
    report
}

/// Median and maximum size of the grounded prompt (system + user, in chars) over the
/// in-domain questions that retrieve something, per language and overall.
fn prompt_report(sizes: &mut BTreeMap<String, Vec<(usize, &str)>>, without: &BTreeMap<String, usize>) -> String {
    fn line(label: &str, sizes: &mut [(usize, &str)], without: usize) -> String {
        sizes.sort();
        let Some(&(max, max_question)) = sizes.last() else {
            return format!("  {label:<4} no prompts ({without} without)\n");
        };
        let n = sizes.len();
        let median = if n % 2 == 1 {
            sizes[n / 2].0
        } else {
            (sizes[n / 2 - 1].0 + sizes[n / 2].0) / 2
        };
        format!("  {label:<4} n {n:>3} (+{without} without)  median {median:>5}  max {max:>5}  ({max_question:?})\n")
    }
    let mut report = String::from("grounded prompt size, chars of system + user, in-domain questions:\n");
    let mut all = Vec::new();
    for (lang, sizes) in sizes.iter_mut() {
        report.push_str(&line(lang, sizes, without.get(lang).copied().unwrap_or(0)));
        all.extend(sizes.iter().copied());
    }
    report.push_str(&line("all", &mut all, without.values().sum()));
    report
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
    for case in file.case.iter().filter(|case| case.in_domain()) {
        let ranked = rank(&case.q);
        let slot = rates.entry(case.lang.as_str()).or_default();
        if case.kind == "compare" {
            let window = &ranked[..ranked.len().min(case.expect.len())];
            let found = case.expect.iter().filter(|id| window.contains(&id.as_str())).count();
            slot[1].0 += found as f64 / case.expect.len() as f64;
            slot[1].1 += 1;
        } else {
            let first = ranked.first().copied().unwrap_or("-");
            if case.accepts_first(first) {
                slot[0].0 += 1.0;
            }
            slot[0].1 += 1;
        }
    }
    let mut report = String::from(
        "baseline: plain BM25, whitespace tokens, no gate (answers every off-topic question, no small talk, no lead)\n",
    );
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
