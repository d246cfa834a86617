//! The off-topic gate: whether a question is about the knowledge base at all.
//!
//! A question that names no entry must score and must have most of its (IDF-weighted) topic
//! words in the knowledge base; words of other domains and arithmetic veto a question that
//! names nothing clearly. Only language-level lists live here, never entry-specific words.

use rustc_hash::FxHashSet;

use super::analyzer::{self, Script, Word};
use super::index::{Field, Index};

/// At least this share of a question's topic words must occur in the knowledge base.
pub(super) const MIN_COVERAGE: f32 = 0.5;
/// The share needed when the question asks which entry does something.
pub(super) const MIN_COVERAGE_WHICH: f32 = 0.3;
/// A question of one topic word needs a word this telling (IDF): "what time is it" is not
/// about FaaS because "idle time" is.
const ONE_WORD_MIN_IDF: f32 = 1.6;

/// Phrases that ask which entry fits a description ("which model …", "뭐라고 불러?").
const WHICH_CUES: &[&str] = &[
    "which model",
    "which one",
    "which option",
    "which service",
    "which cloud",
    "what model",
    "what kind of cloud",
    "what's that called",
    "what is that called",
    "what's it called",
    "what is it called",
    "what do you call",
    "어떤 모델",
    "무슨 모델",
    "어느 모델",
    "어떤 서비스",
    "무슨 서비스",
    "뭐라 그래",
    "뭐라고 해",
    "뭐라고 불러",
    "뭐라고 하",
    "모델이 뭐",
    "모델은 뭐",
    "모델은?",
];

/// Phrases of chit-chat that share words with the knowledge base: the time, the date, a poem.
const OTHER_DOMAIN_PHRASES: &[&str] = &[
    "what time",
    "today's date",
    "todays date",
    "what day is",
    "몇 시",
    "몇시",
    "오늘 날짜",
    "무슨 요일",
    "시 한 편",
    "시 써",
    "시를 써",
    "write a poem",
    "write me a poem",
    "haiku",
    "tell me a joke",
];

/// Whether a word can say what a question is about. One Hangul syllable (때, 집, 법) or a
/// bare number (2, 17) says too little either way to count: "2 더하기 2" is not about the
/// knowledge base because of the 2s.
fn is_topic_word(word: &Word) -> bool {
    !(analyzer::is_stopword(&word.text)
        || is_number(word)
        || (word.script == Script::Hangul && word.text.chars().count() < 2))
}

/// Whether the question (lowercased) asks which entry fits what it describes ("which model
/// …?", "뭐라고 불러?"): in a conversation, such a question is still answered on its own.
pub fn asks_for_entry(normalized: &str) -> bool {
    WHICH_CUES.iter().any(|cue| normalized.contains(cue))
}

/// Whether the question is chit-chat by one of [`OTHER_DOMAIN_PHRASES`].
pub(super) fn other_domain_phrase(normalized: &str) -> bool {
    OTHER_DOMAIN_PHRASES.iter().any(|phrase| normalized.contains(phrase))
}

/// Words that ask for an analogy (checked as substrings of the normalized question).
pub(super) const ANALOGY_CUES: &[&str] = &[
    "비유",
    "비슷",
    "빗대",
    "같은",
    "같아",
    "처럼",
    "마치",
    "닮",
    "analog",
    "metaphor",
    "like a",
    "like an",
    "similar",
    "resembl",
    "compared to a",
];
/// Words that say the question is about cloud service models at all.
pub(super) const DOMAIN_CUES: &[&str] = &[
    "클라우드",
    "모델",
    "서비스형",
    "cloud",
    "model",
    "as a service",
    "as-a-service",
    "xaas",
];

/// Words of other domains people chat about (money, food, sport, entertainment, health,
/// small talk). Without a clear name of a model or topic, a question that uses one is not
/// about the knowledge base, however many of its other words occur there ("should I buy
/// nvidia stock" shares `buy` and `nvidia` with GPUaaS). Matched against whole words.
pub(super) const OTHER_DOMAIN_WORDS: &[&str] = &[
    "stock",
    "stocks",
    "shares",
    "invest",
    "investing",
    "investment",
    "crypto",
    "bitcoin",
    "dividend",
    "recipe",
    "recipes",
    "lunch",
    "dinner",
    "breakfast",
    "snack",
    "pizza",
    "burger",
    "beer",
    "wine",
    "movie",
    "movies",
    "film",
    "song",
    "songs",
    "lyrics",
    "football",
    "soccer",
    "baseball",
    "basketball",
    "nba",
    "nfl",
    "horoscope",
    "girlfriend",
    "boyfriend",
    "dating",
    "joke",
    "poem",
    "headache",
    "flu",
    "주식",
    "코인",
    "비트코인",
    "배당",
    "점심",
    "저녁",
    "아침밥",
    "메뉴",
    "맛집",
    "레시피",
    "요리법",
    "맥주",
    "소주",
    "영화",
    "드라마",
    "노래",
    "가사",
    "축구",
    "야구",
    "농구",
    "운세",
    "연애",
    "여자친구",
    "남자친구",
    "감기",
    "두통",
    "농담",
    "vacation",
    "weekend",
    "holiday",
    "birthday",
    "휴가",
    "주말",
    "생일",
];

/// Whether `word` (analyzed) belongs to another domain people chat about: lunch, the
/// weather, football. A follow-up that says one is judged on its own, whatever came before.
pub fn is_other_domain_word(word: &str) -> bool {
    OTHER_DOMAIN_WORDS.contains(&word)
}

/// Words that ask about a part of any entry (its downsides, providers, features): they carry
/// no entry of their own, but a question made of a name and one of them is on topic.
pub(super) const ASPECT_WORDS: &[&str] = &[
    "단점",
    "장점",
    "특징",
    "장단점",
    "약점",
    "강점",
    "한계",
    "사례",
    "활용",
    "용도",
    "비유",
    "예시",
    "제공업체",
    "업체",
    "회사",
    "제품",
    "고객",
    "관리",
    "책임",
    "downside",
    "downsid",
    "upside",
    "pro",
    "con",
    "advantage",
    "advantag",
    "disadvantage",
    "disadvantag",
    "benefit",
    "drawback",
    "feature",
    "featur",
    "provider",
    "vendor",
    "product",
    "customer",
    "example",
    "analogy",
    "analogi",
    "limitation",
    "weakness",
    "strength",
    "use",
];

/// Words and signs of arithmetic, which is never about the knowledge base.
pub(super) const ARITHMETIC_WORDS: &[&str] = &[
    "plus",
    "minus",
    "times",
    "divided",
    "multiplied",
    "더하기",
    "빼기",
    "곱하기",
    "나누기",
    "곱하면",
    "더하면",
];

/// A bare number (`2`, `17`, `2023`), as opposed to a word with digits in it (`ec2`, `s3`).
pub(super) fn is_number(word: &Word) -> bool {
    word.text.chars().all(|c| c.is_ascii_digit())
}

/// "What is 17 times 23", "2 더하기 2는?": two numbers and an operator between them.
pub(super) fn is_arithmetic(question: &str, words: &[Word]) -> bool {
    let numbers = words.iter().filter(|word| is_number(word)).count();
    numbers >= 2
        && (words.iter().any(|word| ARITHMETIC_WORDS.contains(&word.text.as_str()))
            || question.contains(['+', '*', '×', '÷', '=']))
}

impl Index {
    /// Whether the question's only topic word is a common one of the knowledge base.
    pub(super) fn one_common_word(&self, words: &[Word]) -> bool {
        let topic: Vec<&Word> = words.iter().filter(|word| is_topic_word(word)).collect();
        match topic[..] {
            [word] if word.script == Script::Latin => self
                .postings
                .get(analyzer::stem_latin(&word.text))
                .is_some_and(|(idf, _)| *idf < ONE_WORD_MIN_IDF),
            _ => false,
        }
    }

    /// The share of `words`' topic words (IDF-weighted) that occur in the knowledge base, any
    /// field; `None` when none is a topic word. What the follow-up reader asks of the words a
    /// turn says besides its cues: "how does it scale?" is about the conversation's entry,
    /// "and the downsides of a four-day week?" is not.
    pub fn known_share(&self, words: &[Word]) -> Option<f32> {
        self.coverage(words, true)
    }

    /// The share of the question's topic words that occur in the knowledge base; `None`
    pub(super) fn coverage(&self, words: &[Word], asks_analogy: bool) -> Option<f32> {
        let known = |term: &str| {
            self.postings
                .get(term)
                .is_some_and(|(_, postings)| postings.iter().any(|p| asks_analogy || p.field != Field::Analogies))
        };
        // Words weigh by how telling they are: a word of one entry says more than a word
        // of every entry, and an unknown word weighs as much as the rarest known one.
        let unknown_weight = self.max_idf;
        // Known words weigh at least half an unknown one: a word found everywhere in the
        // knowledge base (server, model) is common because it is the domain's own word.
        let weight_of = |term: &str| {
            self.postings
                .get(term)
                .map_or(unknown_weight * 0.5, |(idf, _)| idf.max(unknown_weight * 0.5))
        };
        let mut topic_weight = 0.0f32;
        let mut known_weight = 0.0f32;
        for word in words {
            if !is_topic_word(word) {
                continue;
            }
            let (found, term) = match word.script {
                Script::Latin => {
                    let stem = analyzer::stem_latin(&word.text);
                    (known(stem) || ASPECT_WORDS.contains(&stem), stem)
                }
                Script::Hangul => (
                    self.knows_hangul(&word.text, asks_analogy)
                        || word
                            .unstripped
                            .as_ref()
                            .is_some_and(|whole| self.knows_hangul(whole, asks_analogy))
                        || ASPECT_WORDS.iter().any(|aspect| word.text.starts_with(aspect)),
                    word.text.as_str(),
                ),
            };
            if found {
                let weight = weight_of(term);
                known_weight += weight;
                topic_weight += weight;
            } else if !(word.script == Script::Hangul && analyzer::looks_predicate(&word.text)) {
                // An unknown verb or adjective form (먹는, 싶은데, 붙여) says how, not what:
                // the nouns decide whether the question is about the knowledge base.
                topic_weight += unknown_weight;
            }
        }
        (topic_weight > 0.0).then(|| known_weight / topic_weight)
    }

    /// Whether a Hangul word of a question is a word of the knowledge text: the word itself,
    /// its longest known beginning of two or more syllables (`렌더링하려면` → `렌더링`, verb
    /// endings), or two known words glued together (`클라우드컴퓨팅`).
    fn knows_hangul(&self, word: &str, asks_analogy: bool) -> bool {
        let is_known =
            |text: &str| self.hangul_words.contains(text) || (asks_analogy && self.analogy_hangul_words.contains(text));
        if is_known(word) || self.hangul_beginnings.contains(word) {
            return true;
        }
        let bounds: Vec<usize> = word.char_indices().map(|(index, _)| index).skip(2).collect();
        bounds.iter().any(|&end| is_known(&word[..end]))
            || bounds
                .iter()
                .any(|&middle| is_known(&word[..middle]) && is_known(&word[middle..]))
    }
}

/// Every beginning of three or more syllables of the words of four or more.
pub(super) fn beginnings_of(words: &FxHashSet<String>) -> FxHashSet<String> {
    let mut beginnings = FxHashSet::default();
    for word in words {
        let bounds: Vec<usize> = word.char_indices().map(|(index, _)| index).collect();
        for &end in bounds.iter().skip(3) {
            beginnings.insert(word[..end].to_string());
        }
    }
    beginnings
}
