//! The conversation evaluation: every conversation in `tests/data/conversations.toml` is asked
//! turn by turn through the real assistant, each turn with the earlier ones as its context
//! (exactly what `xaas chat` and the Discord front end pass). It reports, per language, the
//! share of follow-up turns (every turn after the first) and of whole conversations answered
//! as expected, a breakdown by rule, and every miss with what came back; both shares are held
//! to floors.

use std::collections::BTreeMap;

use serde::Deserialize;
use xaas::assistant::{Assistant, Question, Reply, ReplyKind, Turn};
use xaas::knowledge::KnowledgeBase;

/// Follow-up turns answered as expected, per language.
const FOLLOW_UP_FLOOR: f64 = 0.90;
/// Whole conversations with every turn answered as expected, per language.
const CONVERSATION_FLOOR: f64 = 0.85;

#[derive(Deserialize)]
struct ConversationFile {
    conversation: Vec<Conversation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Conversation {
    rule: String,
    lang: String,
    turn: Vec<Expected>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    ask: String,
    #[serde(default)]
    about: Vec<String>,
    aspect: Option<String>,
    kind: Option<String>,
    #[serde(default)]
    longer: bool,
}

impl Expected {
    /// What is wrong with `reply` (answering after `previous`), or `None` when it is right.
    fn check(&self, reply: &Reply, previous: Option<&Reply>) -> Option<String> {
        let mut wrong = Vec::new();
        if !self.about.is_empty() {
            let mut got = reply.about.clone();
            got.sort();
            let mut want = self.about.clone();
            want.sort();
            if got != want {
                wrong.push(format!("about {got:?}, want {want:?}"));
            }
        }
        if let Some(aspect) = &self.aspect {
            let got = reply.aspect.map_or("-", |a| a.as_str());
            if got != aspect {
                wrong.push(format!("aspect {got}, want {aspect}"));
            }
        }
        let kind = self
            .kind
            .as_deref()
            .unwrap_or(if self.about.is_empty() { "" } else { "any answer" });
        let kind_ok = match kind {
            "compare" => reply.kind == ReplyKind::Compare,
            "dont_know" => reply.kind == ReplyKind::DontKnow,
            "smalltalk" => reply.kind == ReplyKind::SmallTalk,
            "any answer" => !matches!(reply.kind, ReplyKind::DontKnow | ReplyKind::SmallTalk),
            _ => true,
        };
        if !kind_ok {
            wrong.push(format!("kind {}, want {kind}", reply.kind.as_str()));
        }
        if self.longer {
            let shown = |reply: &Reply| reply.text().chars().count();
            if previous.is_none_or(|previous| shown(reply) <= shown(previous)) {
                wrong.push(format!(
                    "{} chars, not more than the previous {}",
                    shown(reply),
                    previous.map_or(0, shown)
                ));
            }
        }
        (!wrong.is_empty()).then(|| wrong.join("; "))
    }
}

#[derive(Default)]
struct Tally {
    follow_ups: usize,
    follow_ups_right: usize,
    conversations: usize,
    conversations_right: usize,
}

impl Tally {
    fn share(right: usize, all: usize) -> f64 {
        if all == 0 {
            1.0
        } else {
            right as f64 / all as f64
        }
    }
}

#[test]
fn follow_ups_are_read_against_their_conversation() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/conversations.toml");
    let text = std::fs::read_to_string(path).expect("the conversation set is in the repo");
    let file: ConversationFile = toml::from_str(&text).expect("the conversation set parses");
    let assistant = Assistant::new(KnowledgeBase::builtin().expect("built-in knowledge loads"));

    let mut by_lang: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_rule: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut misses: Vec<String> = Vec::new();
    let mut korean = 0;
    for conversation in &file.conversation {
        korean += usize::from(conversation.lang == "ko");
        let tally = by_lang.entry(conversation.lang.clone()).or_default();
        let mut earlier: Vec<Turn> = Vec::new();
        let mut previous: Option<Reply> = None;
        let mut all_right = true;
        let mut transcript = Vec::new();
        for (index, expected) in conversation.turn.iter().enumerate() {
            let question = Question::new(expected.ask.clone()).after(earlier.clone());
            let reply = assistant.answer(&question);
            let wrong = expected.check(&reply, previous.as_ref());
            transcript.push(format!(
                "    {:?} → {} {:?} {} (resolved {:?}){}",
                expected.ask,
                reply.kind.as_str(),
                reply.about,
                reply.aspect.map_or("-", |a| a.as_str()),
                reply.resolved,
                wrong.as_ref().map(|w| format!("  ✗ {w}")).unwrap_or_default()
            ));
            if index > 0 {
                tally.follow_ups += 1;
                tally.follow_ups_right += usize::from(wrong.is_none());
            }
            all_right &= wrong.is_none();
            earlier.push(Turn::of(&expected.ask, &reply));
            previous = Some(reply);
        }
        tally.conversations += 1;
        tally.conversations_right += usize::from(all_right);
        let rule = by_rule.entry(conversation.rule.clone()).or_default();
        rule.0 += usize::from(all_right);
        rule.1 += 1;
        if !all_right {
            misses.push(format!(
                "  [{} {}]\n{}",
                conversation.lang,
                conversation.rule,
                transcript.join("\n")
            ));
        }
    }

    println!(
        "conversation eval: {} conversations, {korean} Korean",
        file.conversation.len()
    );
    for (lang, tally) in &by_lang {
        println!(
            "  {lang}: follow-up turns {:.3} ({}/{}), whole conversations {:.3} ({}/{})",
            Tally::share(tally.follow_ups_right, tally.follow_ups),
            tally.follow_ups_right,
            tally.follow_ups,
            Tally::share(tally.conversations_right, tally.conversations),
            tally.conversations_right,
            tally.conversations,
        );
    }
    for (rule, (right, all)) in &by_rule {
        println!("  {rule:<26} {right}/{all}");
    }
    if !misses.is_empty() {
        println!("misses:\n{}", misses.join("\n"));
    }

    assert!(file.conversation.len() >= 60, "at least 60 conversations");
    assert!(korean * 2 >= file.conversation.len() * 9 / 10, "about half are Korean");
    for (lang, tally) in &by_lang {
        let follow_ups = Tally::share(tally.follow_ups_right, tally.follow_ups);
        let conversations = Tally::share(tally.conversations_right, tally.conversations);
        assert!(
            follow_ups >= FOLLOW_UP_FLOOR,
            "{lang}: follow-up turns {follow_ups:.3} < {FOLLOW_UP_FLOOR}"
        );
        assert!(
            conversations >= CONVERSATION_FLOOR,
            "{lang}: whole conversations {conversations:.3} < {CONVERSATION_FLOOR}"
        );
    }
}

/// The store a front end keeps conversations in stays bounded however many conversations
/// come: 10,000 at most, each of its last turns, so twice as many conversations cost no more.
/// Prints what the kept conversations weigh and what the process's memory grew by.
#[test]
fn the_conversation_store_stays_bounded_under_10000_conversations() {
    use std::sync::Arc;
    use std::time::Duration;
    use xaas::assistant::Store;

    const MAX: u64 = 10_000;
    const TURNS: usize = 8;
    let assistant = Assistant::new(KnowledgeBase::builtin().expect("built-in knowledge loads"));
    // The largest turn a conversation keeps: a question and an answer cut to their bounds.
    let reply = assistant.answer(&Question::new("IaaS 단점이 뭐야?"));
    let long = "가".repeat(5_000);
    let mut largest = Turn::of(&long, &reply);
    largest.answer = long.clone();
    let largest = Turn::of(&largest.asked, &xaas::assistant::Reply { lead: long, ..reply });

    let resident_kib = || {
        std::fs::read_to_string("/proc/self/statm")
            .ok()
            .and_then(|statm| statm.split_whitespace().nth(1)?.parse::<u64>().ok())
            .map(|pages| pages * 4)
    };
    let before = resident_kib();
    let store: Store<u64> = Store::new(MAX, Duration::from_secs(3600), TURNS);
    let fill = |from: u64, to: u64| {
        for conversation in from..to {
            let mut earlier: Vec<Arc<Turn>> = Vec::new();
            for turn in 0..TURNS as u64 {
                earlier = store
                    .add([conversation * 100 + turn], &earlier, largest.clone(), false)
                    .turns
                    .clone();
            }
            if conversation % 1000 == 0 {
                store.len();
            }
        }
    };
    fill(0, 12_000);
    let weight_at_12k = store.weight();
    assert!(store.len() <= MAX, "{} kept", store.len());
    fill(12_000, 24_000);
    let weight_at_24k = store.weight();
    let kept = store.len();
    assert!(kept <= MAX, "{kept} kept");
    assert!(
        weight_at_24k as f64 <= weight_at_12k as f64 * 1.1,
        "twice the conversations, no more memory: {weight_at_12k} → {weight_at_24k} bytes"
    );
    println!(
        "conversation store: {kept} kept of 24,000 × {TURNS} turns of maximal size; kept conversations hold {:.1} MiB; resident memory grew by {} KiB",
        weight_at_24k as f64 / (1024.0 * 1024.0),
        before
            .zip(resident_kib())
            .map_or("?".to_string(), |(before, after)| after.saturating_sub(before).to_string())
    );
}
