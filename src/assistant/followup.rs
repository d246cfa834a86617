//! Follow-ups: a turn read against the earlier turns of its conversation.
//!
//! "IaaS 단점이 뭐야?" → "그럼 PaaS는?" asks for PaaS's downsides; "what is FaaS?" → "and its
//! downsides?" asks for FaaS's; "둘 차이는?" compares the last two entries; "more" shows the
//! rest of the same answer. A follow-up is rewritten into the question it stands for ("PaaS
//! 단점"), which the one engine then answers like any other: the reader only decides what was
//! meant, never how to answer it.
//!
//! What stays on its own: a question that names its entries and aspect; anything whose own
//! words are off-topic (context never turns lunch into PaaS); and the turn after an
//! off-topic one. Small talk is skipped over, so "고마워!" does not end a conversation.

use super::conversation::Turn;
use super::intent::{self, Aspect};
use super::reply::ReplyKind;
use super::Snapshot;
use crate::knowledge::{Entry, Lang};
use crate::search::analyzer::{self, Script, Word};
use crate::search::{is_other_domain_word, Search};

/// The share of a follow-up's own words (besides names and cues) the knowledge base must know
/// for the follow-up to be read against the conversation: the off-topic gate's own bar.
const MIN_KNOWN_SHARE: f32 = 0.5;

/// A turn that names nothing and says at most this many words of its own ("비용은?", "what
/// about security?") is about what is being discussed.
const MAX_SHORT_RESIDUAL: usize = 2;

/// Words that point back at what was just discussed.
const ANAPHORS: &[&str] = &[
    "it", "its", "it's", "itself", "they", "them", "their", "theirs", "this", "that", "these", "those", "both",
    "either", "former", "latter", "each", "one", "ones", "two",
];
/// Korean words that point back (matched as the start of a word: 그건, 그거는, 둘다, 걔는).
const ANAPHOR_PREFIXES_KO: &[&str] = &[
    "그거", "그것", "그건", "그게", "이거", "이것", "이건", "이게", "저거", "저것", "걔", "얘", "둘", "두개", "두 개",
    "각각", "그쪽", "이쪽", "거기",
];
/// Words that open a follow-up ("and PaaS?", "그럼 PaaS는?", "what about security?").
const CONNECTIVES: &[&str] = &[
    "and",
    "also",
    "then",
    "so",
    "what about",
    "how about",
    "and what",
    "그럼",
    "그러면",
    "그렇다면",
    "그리고",
    "또",
    "근데",
    "그런데",
    "그래서",
];
/// Words that carry nothing a follow-up must answer on its own beyond the stopwords: fillers,
/// question words, and the verbs of asking.
const FILLERS: &[&str] = &[
    "and",
    "also",
    "too",
    "then",
    "so",
    "now",
    "ok",
    "okay",
    "what",
    "about",
    "how",
    "please",
    "again",
    "well",
    "hmm",
    "right",
    "tell",
    "show",
    "give",
    "explain",
    "say",
    "me",
    "us",
    "any",
    "there",
    "have",
    "has",
    "got",
    "the",
    "a",
    "an",
    "is",
    "are",
    "do",
    "does",
    "of",
    "for",
    "in",
    "with",
    "on",
    "one",
    "ones",
    "two",
    "그리고",
    "또",
    "그래",
    "그래서",
    "혹시",
    "아",
    "음",
    "좀",
    "요",
    "네",
    "응",
    "그",
    "이",
    "저",
    "다",
    "모두",
    "뭐",
    "뭔데",
    "뭐야",
    "어때",
    "어떤데",
    "어떻게",
    "어떨까",
    "어떤가",
    "어떤지",
    "어떠",
    "있어",
    "없어",
    "있나",
    "없나",
    "해줘",
    "알려줘",
    "설명",
    "궁금",
    "그럼",
    "그러면",
    "그렇다면",
    "근데",
    "그런데",
    "경우",
    "쪽",
    "건",
    "거",
    "것",
    // adverbs that change nothing asked
    "usually",
    "actually",
    "really",
    "exactly",
    "typically",
    "mostly",
    "mainly",
    "main",
    "basically",
    "just",
    "even",
    "still",
    "generally",
    "normally",
    "quickly",
    "briefly",
    "simply",
    "pls",
    "plz",
    "thx",
    "정확히",
    "주로",
    "보통",
    "많이",
    "대체로",
    "대충",
    "간단히",
    "진짜",
    "실제로",
    "제일",
    "가장",
    "특히",
    "대표",
    "대표적",
    "주요",
    "어떤",
    "무슨",
    "우리",
];
/// Everyday topics the knowledge base also mentions (weather simulations run on GPUs), which
/// in a follow-up are small talk: "and the weather?" is not about the model just discussed.
const SMALL_TALK_TOPICS: &[&str] = &["weather", "날씨", "traffic", "교통"];
/// Words that ask for more of the same answer.
const MORE_WORDS: &[&str] = &[
    "more",
    "detail",
    "details",
    "detailed",
    "further",
    "continue",
    "elaborate",
    "else",
    "deeper",
    "deep",
    "depth",
    "specific",
    "specifically",
    "더",
    "계속",
    "자세히",
    "추가",
    "구체적",
    "구체적으로",
    "상세히",
];
/// Phrases that ask for an example of what was just said.
const EXAMPLE_PHRASES: &[&str] = &[
    "예를 들",
    "예를들",
    "예시",
    "예로",
    "example",
    "for instance",
    "e.g",
    "such as",
];
/// Words that make a comparison of what was discussed: "which is cheaper?", "뭐가 더 나아?".
const WHICH_WORDS: &[&str] = &[
    "which",
    "whichever",
    "cheaper",
    "cheapest",
    "faster",
    "easier",
    "simpler",
    "safer",
    "better",
    "best",
    "worse",
    "more",
    "less",
    "어느",
    "어떤게",
    "뭐가",
    "누가",
    "더",
    "덜",
    "싸",
    "싼",
    "저렴",
    "나아",
    "나은",
    "낫",
    "좋아",
    "좋은",
    "빨라",
    "빠른",
    "쉬워",
    "쉬운",
    "편해",
    "편한",
    "diff",
    "difference",
    "between",
    "vs",
    "versus",
    "맞아",
    "맞는",
];

/// How a turn reads in its conversation.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Reading {
    /// On its own, as if nothing came before.
    Alone,
    /// As this question ("그럼 PaaS는?" → "PaaS 단점").
    Resolved(String),
    /// As a follow-up about something else ("and the weather?"): not about the knowledge
    /// base, whatever its words share with it.
    OffTopic,
}

/// How `text` reads after `earlier`.
pub(super) fn read(snapshot: &Snapshot, text: &str, lang: Lang, earlier: &[Turn]) -> Reading {
    let Some(context) = Context::of(earlier) else {
        return Reading::Alone;
    };
    let search = snapshot.search(text);
    let shape = Shape::of(snapshot, text, &search);
    if shape.other_domain && search.mentions.is_empty() && shape.marker {
        return Reading::OffTopic;
    }
    match resolve(snapshot, text, lang, &context, &search, &shape) {
        Some(resolved) => Reading::Resolved(resolved),
        None => Reading::Alone,
    }
}

/// The question `text` stands for in its conversation, when it is a follow-up; `None` when it
/// is answered on its own.
fn resolve(
    snapshot: &Snapshot,
    text: &str,
    lang: Lang,
    context: &Context<'_>,
    search: &Search,
    shape: &Shape,
) -> Option<String> {
    let entries = snapshot.knowledge().entries();
    let intent = intent::detect(text);
    let named = named(snapshot, search);
    let elliptical = shape.residual == 0;
    let short = shape.residual <= MAX_SHORT_RESIDUAL && shape.known;
    if !(elliptical || shape.marker || short) || shape.other_domain {
        return None;
    }
    let follows = elliptical || shape.marker;
    // Words of its own that the knowledge base does not know are judged on their own, unless
    // they only say how two things compare ("그럼 둘 중 뭐가 덜 골치 아파?").
    let compares_what_was_said = shape.which && (shape.anaphor || intent.compare);
    if !elliptical && search.hits.is_empty() && !shape.known && !compares_what_was_said {
        return None;
    }
    let aspect = intent.aspects.iter().copied().find(|a| *a != Aspect::Definition);
    let names = |ids: &[String]| -> Vec<&Entry> {
        ids.iter()
            .filter_map(|id| entries.iter().find(|entry| &entry.id == id))
            .collect()
    };
    let last = names(&context.last.about);
    if last.is_empty() {
        return None;
    }

    // "more", "자세히", "예를 들면?": the next level of the same answer.
    if named.is_empty() && (shape.more || shape.example || intent.more) && shape.residual_besides_more == 0 {
        let first_answer_of_what_it_is = matches!(context.last.aspect, None | Some(Aspect::Definition));
        if shape.example && !shape.more && !intent.more && first_answer_of_what_it_is && last.len() == 1 {
            return Some(phrase(&last, Some(Aspect::UseCases), false, lang));
        }
        return Some(phrase(&last, context.last.aspect, true, lang));
    }

    // "둘 차이는?", "compare them", "which is cheaper?", "SaaS랑 비교하면?".
    if (intent.compare || shape.which) && named.len() < 2 {
        if let Some(pair) = pair(&named, context, entries) {
            return Some(if elliptical || shape.which_only {
                phrase_compare(&pair, aspect, lang)
            } else {
                injected(&pair, text, lang)
            });
        }
    }

    // "and its downsides?", "비유로 설명해 줘", "what is it?": the aspect of the same entries.
    if named.is_empty() && (aspect.is_some() || intent.defines) && follows {
        let aspect = aspect.or(Some(Aspect::Definition));
        // "pros and cons?" asks two aspects, which only the turn's own words say.
        let several = intent.aspects.iter().filter(|a| **a != Aspect::Definition).count() > 1;
        return Some(if elliptical && !several {
            phrase(&last, aspect, false, lang)
        } else {
            injected(&last, text, lang)
        });
    }

    // "그럼 PaaS는?": the same aspect of another entry.
    if !named.is_empty() && aspect.is_none() && !intent.defines && !intent.more && elliptical {
        let kept = context.last.aspect.filter(|a| *a != Aspect::Definition)?;
        let now: Vec<&Entry> = named.iter().map(|&i| &entries[i]).collect();
        return Some(phrase(&now, Some(kept), false, lang));
    }

    // "what about security?", "how does it scale?", "비용은?": a short question that names
    // nothing is about what is being discussed, unless it asks which model fits.
    let asks_for_entry = crate::search::asks_for_entry(&text.to_lowercase());
    let nothing_else_asked = aspect.is_none() && !intent.defines;
    if named.is_empty() && !elliptical && (shape.marker || (short && nothing_else_asked)) && !asks_for_entry {
        return Some(injected(&last, text, lang));
    }
    None
}

/// The two entries a comparison follow-up compares: the latest of the conversation, then
/// those it names ("compare it with IaaS" → on-premise vs IaaS); `None` when there are not two.
fn pair<'a>(named: &[usize], context: &Context<'_>, entries: &'a [Entry]) -> Option<Vec<&'a Entry>> {
    let named: Vec<&Entry> = named.iter().map(|&i| &entries[i]).collect();
    let wanted = 2usize.saturating_sub(named.len());
    let mut pair: Vec<&Entry> = context
        .recent
        .iter()
        .rev()
        .filter_map(|id| entries.iter().find(|entry| &entry.id == id))
        .filter(|entry| !named.iter().any(|n| n.id == entry.id))
        .take(wanted)
        .collect();
    // In the order they came up.
    pair.reverse();
    pair.extend(named);
    (pair.len() >= 2).then_some(pair)
}

/// What the earlier turns leave to read a follow-up against.
struct Context<'a> {
    /// The last turn that was about the knowledge base.
    last: &'a Turn,
    /// The entries of the latest topical turns, each once, in the order they last came up.
    recent: Vec<String>,
}

impl<'a> Context<'a> {
    /// The context of `earlier`, skipping small talk; none after an off-topic turn.
    fn of(earlier: &'a [Turn]) -> Option<Context<'a>> {
        let mut turns = earlier.iter().rev().filter(|turn| turn.kind != ReplyKind::SmallTalk);
        let last = turns.next()?;
        if !last.is_topical() {
            return None;
        }
        let mut topical: Vec<&Turn> = std::iter::once(last)
            .chain(turns.take_while(|turn| turn.is_topical()))
            .collect();
        topical.reverse();
        let mut recent: Vec<String> = Vec::new();
        for id in topical.iter().flat_map(|turn| &turn.about) {
            recent.retain(|seen| seen != id);
            recent.push(id.clone());
        }
        Some(Context { last, recent })
    }
}

/// The entries a turn names, in order, with a comparison topic ("IaaS vs PaaS") standing for
/// what it compares.
fn named(snapshot: &Snapshot, search: &Search) -> Vec<usize> {
    let entries = snapshot.knowledge().entries();
    let mut named: Vec<usize> = Vec::new();
    for mention in &search.mentions {
        if super::compose::is_comparison_topic(&entries[mention.entry], entries) {
            for id in &entries[mention.entry].related {
                if let Some(position) = entries.iter().position(|e| &e.id == id) {
                    if !named.contains(&position) {
                        named.push(position);
                    }
                }
            }
        } else if !named.contains(&mention.entry) {
            named.push(mention.entry);
        }
    }
    named
}

/// The form of a turn: how much it says of its own, and which follow-up cues it carries.
#[derive(Debug, Default)]
struct Shape {
    /// Words besides names, cues and fillers: what the turn asks about on its own.
    residual: usize,
    /// The same, not counting words that ask for more or for an example.
    residual_besides_more: usize,
    /// A word that points back or opens a follow-up ("it", "그럼", "what about"), or asks
    /// for more, an example or which is better.
    marker: bool,
    /// A word that points back ("it", "그건", "둘").
    anaphor: bool,
    /// A word of another domain (lunch, the weather): the turn is judged on its own.
    other_domain: bool,
    /// Whether most of the residual words occur in the knowledge base.
    known: bool,
    /// A word that asks for more of the same.
    more: bool,
    /// A phrase that asks for an example.
    example: bool,
    /// A word that asks which of several is better, cheaper, faster.
    which: bool,
    /// Whether the residual words are all such comparison words.
    which_only: bool,
}

impl Shape {
    fn of(snapshot: &Snapshot, text: &str, search: &Search) -> Shape {
        let normalized = format!(" {} ", text.to_lowercase());
        let anaphor = search.words.iter().any(is_anaphor);
        let mut shape = Shape {
            example: EXAMPLE_PHRASES.iter().any(|p| normalized.contains(p)),
            marker: anaphor
                || CONNECTIVES.iter().any(|c| {
                    starts_phrase(&normalized, c) || (c.chars().count() > 1 && is_hangul(c) && normalized.contains(c))
                }),
            anaphor,
            other_domain: search
                .words
                .iter()
                .any(|w| is_other_domain_word(&w.text) || SMALL_TALK_TOPICS.contains(&w.text.as_str())),
            ..Shape::default()
        };
        let mut residual_words: Vec<Word> = Vec::new();
        // What is left once the cues are blanked out and the names set aside.
        let rest = snapshot.search(&intent::without_cues(text));
        let mut residual_which = 0;
        for (index, word) in rest.words.iter().enumerate() {
            let in_name = rest.mentions.iter().any(|m| m.words.contains(&index))
                || rest.shared.iter().any(|s| s.words.contains(&index));
            if in_name {
                continue;
            }
            let more = MORE_WORDS.contains(&word.text.as_str());
            let which = is_which(word);
            let example = word.text.starts_with("example") || word.text == "instance" || word.text.starts_with("예시");
            if !(more || which || example) && is_filler(word) {
                continue;
            }
            shape.more |= more;
            shape.which |= which;
            shape.example |= example;
            if which {
                residual_which += 1;
            }
            shape.residual += 1;
            if !(more || example) {
                shape.residual_besides_more += 1;
            }
            if !(more || example || which) {
                residual_words.push(word.clone());
            }
        }
        shape.marker |= shape.more || shape.example || shape.which;
        shape.known = snapshot
            .index
            .known_share(&residual_words)
            .is_none_or(|share| share >= MIN_KNOWN_SHARE);
        shape.which_only = shape.which && residual_which == shape.residual;
        if shape.which_only {
            // "which is cheaper?" says nothing of its own but the comparison.
            shape.residual = 0;
        }
        shape
    }
}

fn is_hangul(text: &str) -> bool {
    text.chars().any(analyzer::is_hangul_syllable)
}

/// Whether `phrase` starts the normalized turn, or follows punctuation ("ok, and PaaS?").
fn starts_phrase(normalized: &str, phrase: &str) -> bool {
    let trimmed = normalized.trim_start_matches(|c: char| !c.is_alphanumeric());
    trimmed.starts_with(&format!("{phrase} ")) || trimmed == phrase
}

fn is_anaphor(word: &Word) -> bool {
    match word.script {
        Script::Latin => ANAPHORS.contains(&word.text.as_str()),
        Script::Hangul => {
            let full = word.unstripped.as_deref().unwrap_or(&word.text);
            ANAPHOR_PREFIXES_KO.iter().any(|p| full.starts_with(p))
        }
    }
}

fn is_filler(word: &Word) -> bool {
    let text = word.text.as_str();
    if analyzer::is_stopword(text) || FILLERS.contains(&text) || is_anaphor(word) {
        return true;
    }
    match word.script {
        Script::Latin => text.chars().count() < 2,
        Script::Hangul => {
            analyzer::looks_predicate(text)
                || text.chars().count() < 2
                || word.unstripped.as_deref().is_some_and(|u| FILLERS.contains(&u))
        }
    }
}

fn is_which(word: &Word) -> bool {
    let text = word.text.as_str();
    WHICH_WORDS.contains(&text) || (word.script == Script::Hangul && WHICH_WORDS.iter().any(|w| text.starts_with(w)))
}

/// The entries' names in `lang`.
fn names(entries: &[&Entry], lang: Lang, separator: &str) -> String {
    entries
        .iter()
        .map(|entry| entry.name.get(lang))
        .collect::<Vec<_>>()
        .join(separator)
}

/// The short question a follow-up stands for: "PaaS 단점", "FaaS cons", "IaaS vs PaaS 비유",
/// "tell me more about IaaS cons". Worded with the engine's own cues, so it is read back as
/// meant (a unit test asks every entry and aspect).
fn phrase(entries: &[&Entry], aspect: Option<Aspect>, more: bool, lang: Lang) -> String {
    if entries.len() >= 2 {
        let mut text = phrase_compare(entries, aspect, lang);
        if more {
            text.push_str(match lang {
                Lang::En => " in detail",
                Lang::Ko => " 자세히",
            });
        }
        return text;
    }
    let name = names(entries, lang, " ");
    let asked = match (aspect.filter(|a| !more || *a != Aspect::Definition), lang) {
        (None, Lang::En) => name.clone(),
        (None, Lang::Ko) => name.clone(),
        (Some(aspect), lang) => aspect_phrase(&name, aspect, lang),
    };
    match (more, lang) {
        (false, _) => asked,
        (true, Lang::En) => format!("tell me more: {asked}"),
        (true, Lang::Ko) => format!("{asked} 자세히"),
    }
}

/// One entry's aspect asked in `lang`.
fn aspect_phrase(name: &str, aspect: Aspect, lang: Lang) -> String {
    match lang {
        Lang::En => match aspect {
            Aspect::Definition => format!("what is {name}?"),
            Aspect::Analogy => format!("{name} analogy"),
            Aspect::Features => format!("{name} features"),
            Aspect::Providers => format!("{name} providers"),
            Aspect::UseCases => format!("{name} use cases"),
            Aspect::Pros => format!("{name} pros"),
            Aspect::Cons => format!("{name} cons"),
            Aspect::Management => format!("who manages what in {name}"),
            Aspect::Glance => format!("who uses {name}"),
        },
        Lang::Ko => match aspect {
            Aspect::Definition => format!("{name} 뭐야?"),
            Aspect::Analogy => format!("{name} 비유"),
            Aspect::Features => format!("{name} 특징"),
            Aspect::Providers => format!("{name} 제공업체"),
            Aspect::UseCases => format!("{name} 활용 사례"),
            Aspect::Pros => format!("{name} 장점"),
            Aspect::Cons => format!("{name} 단점"),
            Aspect::Management => format!("{name} 누가 관리"),
            Aspect::Glance => format!("{name} 주요 고객"),
        },
    }
}

/// "IaaS vs PaaS", "IaaS vs PaaS 단점".
fn phrase_compare(entries: &[&Entry], aspect: Option<Aspect>, lang: Lang) -> String {
    let pair = names(entries, lang, " vs ");
    match aspect {
        None => pair,
        Some(aspect) => {
            let word = match (aspect, lang) {
                (Aspect::Management, Lang::En) => "who manages what".to_string(),
                (Aspect::Management, Lang::Ko) => "누가 관리".to_string(),
                (aspect, lang) => aspect_phrase("", aspect, lang).trim().to_string(),
            };
            format!("{pair} {word}")
        }
    }
}

/// The turn as asked, with the entries it is about put in front: "FaaS: how does it scale?".
fn injected(entries: &[&Entry], text: &str, lang: Lang) -> String {
    format!("{}: {}", names(entries, lang, ", "), text.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phrase_reads_back_as_the_entry_and_aspect_it_stands_for() {
        use crate::assistant::{Assistant, Question};
        use crate::knowledge::{EntryKind, KnowledgeBase};
        let assistant = Assistant::new(KnowledgeBase::builtin().expect("built-in knowledge loads"));
        let snapshot = assistant.snapshot();
        let mut wrong = Vec::new();
        for entry in snapshot
            .knowledge()
            .entries()
            .iter()
            .filter(|e| e.kind == EntryKind::Model)
        {
            for aspect in Aspect::ALL {
                for lang in [Lang::En, Lang::Ko] {
                    let text = phrase(&[entry], Some(aspect), false, lang);
                    let reply = assistant.answer(&Question::new(text.clone()));
                    if reply.about != [entry.id.clone()] || reply.aspect != Some(aspect) {
                        wrong.push(format!("{text:?} → {:?} {:?}", reply.about, reply.aspect));
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn markers_and_fillers_are_told_apart() {
        let word = |text: &str| analyzer::words(text).remove(0);
        assert!(is_anaphor(&word("its")));
        assert!(is_anaphor(&word("그건")));
        assert!(is_anaphor(&word("둘다")));
        assert!(!is_anaphor(&word("점심")));
        assert!(is_filler(&word("뭐야")));
        assert!(!is_filler(&word("lunch")));
        assert!(starts_phrase(" and paas? ", "and"));
        assert!(starts_phrase(" what about saas ", "what about"));
        assert!(!starts_phrase(" android ", "and"));
    }
}
