//! The form of a follow-up: what it says besides names and cue words, and which words mark it
//! as one ("it", "그럼", "둘 중", "more"). Only language-level word lists live here.

use super::super::intent;
use super::super::Snapshot;
use crate::search::analyzer::{self, Script, Word};
use crate::search::{is_other_domain_word, Search};

/// The share of a follow-up's own words (besides names and cues) the knowledge base must know
/// for the follow-up to be read against the conversation: the off-topic gate's own bar.
const MIN_KNOWN_SHARE: f32 = 0.5;

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
/// The form of a turn: how much it says of its own, and which follow-up cues it carries.
#[derive(Debug, Default)]
pub(super) struct Shape {
    /// Words besides names, cues and fillers: what the turn asks about on its own.
    pub(super) residual: usize,
    /// The same, not counting words that ask for more or for an example.
    pub(super) residual_besides_more: usize,
    /// A word that points back or opens a follow-up ("it", "그럼", "what about"), or asks
    /// for more, an example or which is better.
    pub(super) marker: bool,
    /// A word that points back ("it", "그건", "둘").
    pub(super) anaphor: bool,
    /// A word of another domain (lunch, the weather): the turn is judged on its own.
    pub(super) other_domain: bool,
    /// Whether most of the residual words occur in the knowledge base.
    pub(super) known: bool,
    /// A word that asks for more of the same.
    pub(super) more: bool,
    /// A phrase that asks for an example.
    pub(super) example: bool,
    /// A word that asks which of several is better, cheaper, faster.
    pub(super) which: bool,
    /// Whether the residual words are all such comparison words.
    pub(super) which_only: bool,
}

impl Shape {
    pub(super) fn of(snapshot: &Snapshot, text: &str, search: &Search) -> Shape {
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

#[cfg(test)]
mod tests {
    use super::*;

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
