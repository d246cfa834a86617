//! Turns Korean and English text into comparable words and index terms.
//!
//! Korean is not split by whitespace alone: a word carries its particle (`IaaS랑`,
//! `온프레미스의`), loanwords arrive glued to Latin (`GPU서비스`), and compounds are spaced
//! either way. So the analyzer splits where the script changes, strips particles, and indexes
//! each Hangul word together with its two-syllable chunks. English words get a light plural
//! stemmer that leaves the `-aaS` names alone. The same analysis runs on knowledge text and on
//! questions, so both sides always agree.

use rustc_hash::FxHashSet;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

use crate::knowledge::Lang;

/// The script a word is written in; it decides how the word is stemmed and indexed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Script {
    /// Latin letters and digits (`iaas`, `ec2`, `365`).
    Latin,
    /// Hangul syllables.
    Hangul,
}

/// One word of a text after normalization: lowercase, NFKC, Hangul particles stripped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The normalized form used for matching.
    pub text: String,
    /// Its script.
    pub script: Script,
    /// The Hangul word before a particle was stripped, when one was: the "particle" may
    /// have been the end of the noun itself (`레스토랑` is not `레스토` + `랑`), so both
    /// forms are terms.
    pub unstripped: Option<String>,
}

/// Korean particles and copula endings, longest first so `이랑` wins over `랑`.
const PARTICLES: &[&str] = &[
    "이라는",
    "으로서",
    "으로써",
    "에서는",
    "에서도",
    "에게서",
    "까지는",
    "이라고",
    "이랑은",
    "이에요",
    "입니다",
    "인가요",
    "인데요",
    "으로는",
    "들은",
    "들이",
    "들을",
    "들의",
    "들도",
    "이란",
    "이랑",
    "에서",
    "에게",
    "한테",
    "께서",
    "으로",
    "부터",
    "까지",
    "보다",
    "처럼",
    "만큼",
    "하고",
    "이나",
    "이며",
    "이고",
    "이야",
    "이요",
    "에는",
    "에도",
    "와는",
    "과는",
    "와의",
    "과의",
    "와도",
    "과도",
    "로는",
    "로서",
    "로써",
    "라는",
    "라고",
    "예요",
    "에요",
    "인가",
    "인지",
    "란",
    "랑",
    "와",
    "과",
    "의",
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "에",
    "도",
    "만",
    "로",
    "야",
    "나",
    "요",
    "며",
    "고",
    "엔",
    "들",
];

/// Words that carry no topic in either language; dropped from index terms (the assistant
/// still sees them as words, for intent).
const STOPWORDS: &[&str] = &[
    // English
    "a",
    "an",
    "the",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "am",
    "of",
    "for",
    "to",
    "in",
    "on",
    "at",
    "by",
    "and",
    "or",
    "but",
    "with",
    "from",
    "as",
    "into",
    "about",
    "it",
    "its",
    "this",
    "that",
    "these",
    "those",
    "what",
    "whats",
    "which",
    "who",
    "whom",
    "why",
    "when",
    "where",
    "how",
    "do",
    "does",
    "did",
    "doing",
    "can",
    "could",
    "should",
    "would",
    "will",
    "shall",
    "may",
    "might",
    "must",
    "i",
    "me",
    "my",
    "we",
    "our",
    "you",
    "your",
    "he",
    "she",
    "they",
    "them",
    "their",
    "tell",
    "explain",
    "describe",
    "please",
    "pls",
    "plz",
    "give",
    "show",
    "know",
    "want",
    "need",
    "use",
    "used",
    "using",
    "get",
    "make",
    "like",
    "some",
    "any",
    "all",
    "there",
    "here",
    "than",
    "then",
    "so",
    "if",
    "not",
    "no",
    "yes",
    "also",
    "just",
    "more",
    "most",
    "better",
    "best",
    "good",
    "vs",
    "versus",
    "between",
    "difference",
    "different",
    "differ",
    "compare",
    "compared",
    "comparison",
    "mean",
    "meaning",
    "means",
    "definition",
    "define",
    "exactly",
    "really",
    "thing",
    "things",
    "one",
    "ones",
    "kind",
    "type",
    "sort",
    "way",
    "hey",
    "hi",
    "hello",
    "thanks",
    "thank",
    "ok",
    "okay",
    "again",
    "other",
    "each",
    "much",
    "many",
    "very",
    "example",
    "examples",
    "e",
    "g",
    "eg",
    "s",
    "t",
    "category",
    "categories",
    "belong",
    "belongs",
    "fall",
    "falls",
    "under",
    "classify",
    "classified",
    "called",
    "call",
    "named",
    // Korean (after particle stripping)
    "뭐",
    "뭔",
    "뭐가",
    "뭐를",
    "뭐로",
    "뭘로",
    "뭐하는",
    "거예",
    "중에",
    "건가",
    "뭐하",
    "거에",
    "거는",
    "거를",
    "걸",
    "건데",
    "거지",
    "분류",
    "속해",
    "속하",
    "속함",
    "해당",
    "어디서",
    "어디에",
    "뭐야",
    "뭐지",
    "뭐예",
    "뭐에",
    "뭔가",
    "뭘",
    "무엇",
    "무엇인",
    "무슨",
    "어떤",
    "어떻게",
    "어느",
    "어디",
    "언제",
    "누가",
    "누구",
    "왜",
    "좀",
    "그냥",
    "알려줘",
    "알려주세",
    "알려",
    "설명",
    "설명해줘",
    "설명해",
    "설명해주세",
    "해줘",
    "해주세",
    "주세",
    "줘",
    "해",
    "하는",
    "하면",
    "하려면",
    "할",
    "한",
    "했",
    "있어",
    "있나",
    "있는",
    "있어",
    "없는",
    "것",
    "거",
    "건",
    "게",
    "수",
    "등",
    "및",
    "또",
    "그리고",
    "그럼",
    "이거",
    "그거",
    "저거",
    "이건",
    "그건",
    "대해",
    "대해서",
    "관해",
    "관련",
    "뜻",
    "의미",
    "정의",
    "개념",
    "차이",
    "차이점",
    "비교",
    "비교해줘",
    "비교해",
    "다른",
    "달라",
    "다르",
    "다른가",
    "같은",
    "같아",
    "처럼",
    "예시",
    "들어",
    "써야",
    "써",
    "나아",
    "좋아",
    "좋은",
    "더",
    "가장",
    "제일",
    "정말",
    "진짜",
    "그래서",
    "근데",
    "혹시",
    "궁금",
    "궁금해",
    "궁금해요",
    "질문",
    "말해줘",
    "쉽게",
    "간단히",
    "이야",
    "인가",
    "뭔지",
    "무엇인지",
    "어때",
    "어떄",
    "해요",
    "하나",
    "요",
    "는",
    "은",
    "이",
    "가",
    "을",
    "를",
    "의",
    "에",
    "와",
    "과",
    "랑",
    "란",
    "야",
    "도",
    "로",
    "다",
    "해봐",
    "봐",
];

static PARTICLE_SET: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
static STOPWORD_SET: OnceLock<FxHashSet<&'static str>> = OnceLock::new();

/// A word list as a set, built on first use: the lists are read for every word of every
/// text, and a linear scan of a few hundred strings dominated index building.
fn lookup(set: &'static OnceLock<FxHashSet<&'static str>>, words: &[&'static str]) -> &'static FxHashSet<&'static str> {
    set.get_or_init(|| words.iter().copied().collect())
}

/// Splits text into normalized words. Never fails: any string yields some (maybe no) words.
pub fn words(text: &str) -> Vec<Word> {
    // Most text is already in NFKC; the quick check skips the costly pass for it.
    let normalized: String = match unicode_normalization::is_nfkc_quick(text.chars()) {
        unicode_normalization::IsNormalized::Yes => text.chars().flat_map(char::to_lowercase).collect(),
        _ => text.nfkc().flat_map(char::to_lowercase).collect(),
    };
    let mut words = Vec::new();
    let mut current = String::new();
    let mut current_script = None;
    for c in normalized.chars() {
        let script = if is_hangul_syllable(c) {
            Some(Script::Hangul)
        } else if c.is_alphanumeric() && !is_cjk_other(c) {
            Some(Script::Latin)
        } else {
            None
        };
        if script != current_script && !current.is_empty() {
            push_word(&mut words, std::mem::take(&mut current), current_script);
        }
        current_script = script;
        if script.is_some() {
            current.push(c);
        }
    }
    if !current.is_empty() {
        push_word(&mut words, current, current_script);
    }
    words
}

fn push_word(words: &mut Vec<Word>, text: String, script: Option<Script>) {
    match script {
        Some(Script::Latin) => words.push(Word {
            text,
            script: Script::Latin,
            unstripped: None,
        }),
        Some(Script::Hangul) => {
            if lookup(&PARTICLE_SET, PARTICLES).contains(text.as_str()) {
                return;
            }
            let stripped = strip_particle(&text);
            let unstripped = (stripped.len() != text.len()).then(|| text.clone());
            words.push(Word {
                text: stripped.to_string(),
                script: Script::Hangul,
                unstripped,
            });
        }
        None => {}
    }
}

/// Removes one trailing particle, keeping at least two syllables of the word.
pub fn strip_particle(word: &str) -> &str {
    let length = word.chars().count();
    for particle in PARTICLES {
        if let Some(stem) = word.strip_suffix(particle) {
            if length - particle.chars().count() >= 2 {
                return stem;
            }
        }
    }
    word
}

/// Final syllables that end Korean verb and adjective forms (connective, final and
/// nominalizing endings): `먹어`, `하고`, `가서`, `붙여`, `쓰려면`, `하기`, `싫어`, `있지`.
const PREDICATE_ENDINGS: &[char] = &[
    '다', '요', '어', '아', '여', '해', '게', '고', '서', '면', '데', '기', '지', '래', '까', '죠', '네', '자', '냐',
    '니', '워', '와', '려', '야', '대', '봐', '줘', '써', '가', '러', '며', '도', '든', '예', '돼', '됨', '함',
];

/// Whether a Hangul word looks like a verb or adjective form rather than a noun: it ends in
/// a predicate ending, or its last syllable carries the final ㄴ/ㄹ of an adnominal form
/// (`먹는`, `아플`, `빌린`). A heuristic for words the knowledge base does not know; nouns
/// it knows are recognised before this is asked.
pub fn looks_predicate(word: &str) -> bool {
    let Some(last) = word.chars().last() else { return false };
    if word.chars().count() < 2 {
        return false;
    }
    if PREDICATE_ENDINGS.contains(&last) {
        return true;
    }
    if !is_hangul_syllable(last) {
        return false;
    }
    let code = u32::from(last);
    // Hangul syllable = 0xAC00 + (initial * 21 + medial) * 28 + final; final 4 is ㄴ, 8 is ㄹ.
    let fin = (code - 0xAC00) % 28;
    let syllable = char::from_u32(code - fin).unwrap_or(last);
    // 는/은/을/를/할/될/한/된/운/울/던/인 and their kin: adnominal endings.
    matches!(fin, 4 | 8) && matches!(syllable, '느' | '으' | '하' | '되' | '우' | '프' | '쁘')
}

/// Whether a word carries no topic.
pub fn is_stopword(word: &str) -> bool {
    lookup(&STOPWORD_SET, STOPWORDS).contains(word)
}

/// A light English stemmer: plurals, `-ing`, `-ed`, `-ly` and a final `-e` go, so `renting`
/// meets `rent`, `prices` meets `pricing` and `managed` meets `manage`. Short words and the
/// `-aaS` names are left alone. It only needs to be consistent: the index and the questions
/// both go through it.
pub fn stem_latin(word: &str) -> &str {
    if !word.is_ascii()
        || word.len() <= 4
        || word.ends_with("aas")
        || word.ends_with("ss")
        || word.ends_with("us")
        || word.ends_with("is")
    {
        return word;
    }
    let mut stem = plural_stem(word);
    if stem.len() >= 6 && stem.ends_with("ing") {
        stem = &stem[..stem.len() - 3];
    } else if (stem.len() >= 5 && stem.ends_with("ed")) || (stem.len() >= 6 && stem.ends_with("ly")) {
        stem = &stem[..stem.len() - 2];
    }
    let bytes = stem.as_bytes();
    if let [.., a, b] = bytes {
        // runn → run, shipp → ship; but keep "ll" (install) and "ss" (access).
        if a == b && !matches!(b, b'l' | b's') && !b"aeiou".contains(b) && stem.len() >= 4 {
            stem = &stem[..stem.len() - 1];
        }
    }
    if stem.len() >= 5 && stem.ends_with('e') {
        stem = &stem[..stem.len() - 1];
    }
    stem
}

fn plural_stem(word: &str) -> &str {
    if let Some(stem) = word.strip_suffix("ies") {
        return stem; // "policies" -> "polic", the same on both sides
    }
    for ending in ["ches", "shes", "xes", "sses"] {
        if word.ends_with(ending) {
            return &word[..word.len() - 2];
        }
    }
    word.strip_suffix('s').unwrap_or(word)
}

/// Index terms for a text: Latin words stemmed, Hangul words plus their two-syllable chunks,
/// stopwords dropped. `push` receives each term once per occurrence.
pub fn for_each_term(words: &[Word], mut push: impl FnMut(&str)) {
    for word in words {
        if is_stopword(&word.text) {
            continue;
        }
        match word.script {
            Script::Latin => push(stem_latin(&word.text)),
            Script::Hangul => {
                push(&word.text);
                if let Some(unstripped) = &word.unstripped {
                    push(unstripped);
                }
                let chars: Vec<(usize, char)> = word.text.char_indices().collect();
                if chars.len() >= 3 {
                    for pair in chars.windows(2) {
                        let start = pair[0].0;
                        let end = pair[1].0 + pair[1].1.len_utf8();
                        push(&word.text[start..end]);
                    }
                }
            }
        }
    }
}

/// The words of a text that say what it asks, as the analyzer reads them (normalized,
/// particles stripped, stopwords dropped, each once, at most 16): what is kept of a question
/// the knowledge base could not answer when its text may not be.
pub fn terms(text: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for word in words(text) {
        if !is_stopword(&word.text) && !terms.contains(&word.text) && terms.len() < 16 {
            terms.push(word.text);
        }
    }
    terms
}

/// The language a question is written in: any Hangul means Korean.
pub fn detect_lang(text: &str) -> Lang {
    if text.chars().any(crate::knowledge::is_hangul) {
        Lang::Ko
    } else {
        Lang::En
    }
}

/// Whether `c` is a precomposed Hangul syllable (가–힣).
pub fn is_hangul_syllable(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// Hangul jamo and CJK ideographs: alphanumeric to Unicode, but not part of a Latin word.
fn is_cjk_other(c: char) -> bool {
    crate::knowledge::is_hangul(c) || ('\u{3040}'..='\u{9FFF}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        words(text).into_iter().map(|word| word.text).collect()
    }

    fn terms(text: &str) -> Vec<String> {
        let mut terms = Vec::new();
        for_each_term(&words(text), |term| terms.push(term.to_string()));
        terms
    }

    #[test]
    fn splits_scripts_and_strips_particles() {
        assert_eq!(texts("IaaS랑 PaaS 차이"), ["iaas", "paas", "차이"]);
        assert_eq!(texts("온프레미스의 단점은?"), ["온프레미스", "단점"]);
        assert_eq!(texts("GPU서비스를 쓰려면"), ["gpu", "서비스", "쓰려면"]);
        assert_eq!(texts("사스가 뭐야"), ["사스", "뭐야"]);
        assert_eq!(texts("ＩａａＳ"), ["iaas"]);
        assert_eq!(texts("차이"), ["차이"], "two-syllable words keep their last syllable");
    }

    #[test]
    fn hangul_words_index_their_bigrams() {
        assert_eq!(
            terms("클라우드컴퓨팅"),
            ["클라우드컴퓨팅", "클라", "라우", "우드", "드컴", "컴퓨", "퓨팅"]
        );
        assert_eq!(terms("what is the PaaS"), ["paas"]);
    }

    #[test]
    fn predicate_forms_are_told_from_nouns() {
        for verb in [
            "먹는",
            "싶은데",
            "붙여",
            "하기",
            "아플",
            "빌리는",
            "쓰는",
            "가서",
            "싫어",
        ] {
            assert!(looks_predicate(verb), "{verb}");
        }
        for noun in ["허리", "맥주", "서버", "클라우드", "가격", "점심", "날씨", "전동드릴"] {
            assert!(!looks_predicate(noun), "{noun}");
        }
    }

    #[test]
    fn stemming_leaves_service_model_names() {
        assert_eq!(stem_latin("saas"), "saas");
        assert_eq!(stem_latin("providers"), "provider");
        assert_eq!(stem_latin("containers"), "container");
        assert_eq!(stem_latin("renting"), "rent");
        assert_eq!(stem_latin("managed"), stem_latin("manage"));
        assert_eq!(stem_latin("pricing"), stem_latin("prices"));
        assert_eq!(stem_latin("running"), "run");
        assert_eq!(stem_latin("aws"), "aws");
    }

    #[test]
    fn any_text_is_safe() {
        for text in ["", "\u{0}\u{7}", "🙂🙂", "ㅋㅋㅋ", "\u{1100}\u{1161}", "a\u{AC00}b"] {
            let _ = terms(text);
        }
        assert_eq!(detect_lang("IaaS가 뭐야"), Lang::Ko);
        assert_eq!(detect_lang("what is IaaS"), Lang::En);
    }
}
