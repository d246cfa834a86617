//! What a question asks for: a comparison, and which parts of an entry (downsides,
//! providers, analogies, ...). Cue words are language-level knowledge, so they live here and
//! not in the knowledge files, which hold only entry-specific terms.

/// A part of an entry a question can ask about; the answer leads with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Aspect {
    /// What it is.
    Definition,
    /// Everyday analogies.
    Analogy,
    /// Features.
    Features,
    /// Providers and products.
    Providers,
    /// Use cases.
    UseCases,
    /// Advantages.
    Pros,
    /// Disadvantages.
    Cons,
    /// Who manages which layer.
    Management,
    /// The comparison-table columns (delivery, typical use, customers).
    Glance,
}

impl Aspect {
    /// Every aspect, in the order of a full explanation.
    pub const ALL: [Aspect; 9] = [
        Aspect::Definition,
        Aspect::Analogy,
        Aspect::Features,
        Aspect::Providers,
        Aspect::UseCases,
        Aspect::Pros,
        Aspect::Cons,
        Aspect::Management,
        Aspect::Glance,
    ];

    /// The name used in JSON, logs and evaluation files.
    pub fn as_str(self) -> &'static str {
        match self {
            Aspect::Definition => "definition",
            Aspect::Analogy => "analogy",
            Aspect::Features => "features",
            Aspect::Providers => "providers",
            Aspect::UseCases => "use_cases",
            Aspect::Pros => "pros",
            Aspect::Cons => "cons",
            Aspect::Management => "management",
            Aspect::Glance => "glance",
        }
    }

    /// The aspect called `name` ([`Aspect::as_str`]).
    pub fn from_name(name: &str) -> Option<Aspect> {
        Aspect::ALL.into_iter().find(|aspect| aspect.as_str() == name)
    }
}

/// Cue substrings per aspect, checked against the lowercased question.
const CUES: &[(Aspect, &[&str])] = &[
    (
        Aspect::Cons,
        &[
            "단점",
            "약점",
            "한계",
            "문제점",
            "리스크",
            "위험",
            "불편",
            "어려운 점",
            "어려움",
            "어려운 이유",
            "곤란",
            "걱정",
            "catch",
            "hard for",
            "difficult",
            "concern",
            "worry",
            "expensive",
            "costly",
            "비싸",
            "돈 많이",
            "아쉬운",
            "downside",
            "disadvantage",
            " cons ",
            " con ",
            "drawback",
            "weakness",
            "limitation",
            "risk",
            "problem",
            "pitfall",
            "bad at",
            "negative",
        ],
    ),
    (
        Aspect::Pros,
        &[
            "장점",
            "이점",
            "강점",
            "좋은 점",
            "좋은점",
            "혜택",
            "메리트",
            "이득",
            "왜 써",
            "왜 쓰",
            "advantage",
            " pros ",
            "benefit",
            "upside",
            "strength",
            "why use",
            "why would",
            "merit",
            "positive",
            "big win",
            "the win",
            "why choose",
        ],
    ),
    (
        Aspect::Providers,
        &[
            "제공업체",
            "업체",
            "벤더",
            "회사",
            "제품",
            "어디서",
            "누가 제공",
            "대표적",
            "대표 서비스",
            "대표 제품",
            "어디 거",
            "어디꺼",
            "어디 꺼",
            "서비스 예",
            "제공사",
            "provider",
            "vendor",
            "compan",
            "product",
            "who offers",
            "who sells",
            "who provides",
            "offering",
            "which service",
            "brands",
        ],
    ),
    (
        Aspect::UseCases,
        &[
            "활용",
            "사례",
            "용도",
            "언제 쓰",
            "언제 써",
            "언제 사용",
            "어디에 쓰",
            "어디에 써",
            "쓰임",
            "적합",
            "use case",
            "usecase",
            "used for",
            "어떤 데서",
            "어떤 곳에서",
            "when to use",
            "when should",
            "good for",
            "suitable",
            "scenario",
            "use it for",
            "applications of",
        ],
    ),
    (
        Aspect::Analogy,
        &[
            "비유",
            "비슷",
            "빗대",
            "예를 들",
            "쉽게 설명",
            "쉽게",
            "analogy",
            "analogies",
            "metaphor",
            "eli5",
            "simple terms",
            "simply",
            "like i'm",
            "like im",
            "real-life",
            "real life",
            "everyday example",
            "explained with",
            "explain with",
        ],
    ),
    (
        Aspect::Features,
        &["특징", "특성", "feature", "characteristic", "trait", "key point"],
    ),
    (
        Aspect::Management,
        &[
            "관리",
            "누가 운영",
            "책임",
            "레이어",
            "계층",
            "담당",
            "manage",
            "responsib",
            "patch",
            "누구 몫",
            "맡아",
            "맡는",
            "맡고",
            "누가 해",
            "누가 챙",
            "who handles",
            "who runs",
            "layer",
            "who takes care",
            "shared responsibility",
        ],
    ),
    (
        Aspect::Glance,
        &[
            "고객",
            "누가 써",
            "사람들이 써",
            "사람들이 쓰",
            "누가 주로",
            "누가 쓰",
            "대상",
            "customer",
            "who uses",
            "audience",
            "target user",
        ],
    ),
    (
        Aspect::Definition,
        &[
            "정의",
            "뜻",
            "의미",
            "개념",
            "define",
            "definition",
            "meaning",
            "stand for",
            "stands for",
        ],
    ),
];

const COMPARE_CUES: &[&str] = &[
    "차이",
    "비교",
    "다른",
    "달라",
    "다르",
    "다름",
    "뭐가 나",
    "어느 게",
    "어느게",
    "어떤 게 나",
    "어떤게 나",
    "대신",
    "중에",
    " 중 ",
    "뭘 골",
    "고를",
    " vs ",
    " vs. ",
    "versus",
    "differ",
    "compare",
    "comparison",
    "better",
    " or ",
    "which one",
    "contrast",
];

/// Cues that a list of models is a sequence to explain (IaaS → PaaS → SaaS → IQaaS), not a
/// set to put side by side.
const SEQUENCE_CUES: &[&str] = &[
    "흐름",
    "거쳐",
    "진화",
    "발전 과정",
    "발전과정",
    "확장 과정",
    "변천",
    "순서",
    "→",
    "->",
    "progression",
    "evolution",
    "evolve",
    "timeline",
    "lineage",
];

/// Cues that a question asks when something happened (a law enacted, a report published).
const WHEN_CUES: &[&str] = &[
    "언제",
    "몇 년",
    "몇년",
    "연도",
    "년도",
    "시행일",
    "제정일",
    " when ",
    "what year",
    "which year",
    "since when",
    " date ",
    " year ",
];

/// Cues that a question asks what something is ("what is PaaS?", "서버리스는 뭐야"): its
/// definition leads, whatever other words match.
const DEFINE_CUES: &[&str] = &[
    "what is",
    "what's",
    "whats",
    "what are",
    "explain",
    "tell me about",
    "뭐야",
    "뭐예요",
    "뭐에요",
    "뭔가요",
    "뭐임",
    "뭔데",
    "뭐지",
    "무엇",
    "설명",
    "란 ",
    "이란",
    "알려",
];

/// Cues that a question asks for more than a first answer ("IaaS 자세히", "tell me more about
/// PaaS"): everything the entry has, not the two or three sections of a first answer.
const MORE_CUES: &[&str] = &[
    "tell me more",
    "more detail",
    "more about",
    "in detail",
    "in depth",
    "elaborate",
    "go on",
    "keep going",
    "everything about",
    "자세히",
    "자세하게",
    "상세",
    "더 알려",
    "더 설명",
    "더 자세",
    "좀 더",
    "더 말해",
    "계속",
];

/// Cues that a question is about a layer of a stack (AI stack layers, or the layers someone
/// manages).
const LAYER_CUES: &[&str] = &["layer", "tier", "계층", "레이어", "층", "stack", "스택"];
/// Cues that the layers asked about are a stack's (the AI stack), not who manages them.
const STACK_CUES: &[&str] = &["stack", "스택"];
/// Cues that a question asks what a name stands for.
const NAME_CUES: &[&str] = &[
    "full form",
    "full name",
    "stand for",
    "stands for",
    "abbreviation",
    "short for",
    "풀네임",
    "풀 네임",
    "약자",
    "줄임말",
    "원래 이름",
];

/// What a question asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Intent {
    /// The question names a layer or a stack.
    pub layer: bool,
    /// The layers asked about are a stack's.
    pub stack: bool,
    /// The question asks what a name stands for.
    pub full_name: bool,
    /// The question asks what something is.
    pub defines: bool,
    /// The question asks when something happened: the lead names a year.
    pub when: bool,
    /// The question contrasts entries.
    pub compare: bool,
    /// The question asks how a series of models leads from one to the next.
    pub sequence: bool,
    /// The question asks for more detail than a first answer gives.
    pub more: bool,
    /// Aspects asked about, in the order of [`CUES`].
    pub aspects: Vec<Aspect>,
}

/// Reads the intent from a question's text.
pub fn detect(question: &str) -> Intent {
    let text = padded(question);
    let (automaton, cues) = matcher();
    let mut aspect_found = [false; CUES.len()];
    let mut found = [false; 8];
    for hit in automaton.find_overlapping_iter(&text) {
        match cues[hit.pattern().as_usize()] {
            Cue::Aspect(index) => aspect_found[index] = true,
            Cue::Flag(flag) => found[flag as usize] = true,
        }
    }
    let aspects: Vec<Aspect> = CUES
        .iter()
        .zip(aspect_found)
        .filter(|(_, found)| *found)
        .map(|((aspect, _), _)| *aspect)
        .collect();
    let arrows = question.contains('→') || question.contains("->");
    let when = found[Flag::When as usize] && !aspects.contains(&Aspect::UseCases);
    Intent {
        layer: found[Flag::Layer as usize],
        stack: found[Flag::Stack as usize],
        full_name: found[Flag::FullName as usize],
        defines: found[Flag::Define as usize],
        when,
        compare: found[Flag::Compare as usize],
        sequence: arrows || found[Flag::Sequence as usize],
        more: found[Flag::More as usize],
        aspects,
    }
}

/// The question lowercased and padded like the matcher reads it, with every cue blanked
/// out: what is left is what the question says besides asking for an aspect, a comparison
/// or a definition (the follow-up reader's test of an elliptical turn like "그럼 단점은?").
pub(super) fn without_cues(question: &str) -> String {
    let text = padded(question);
    let (automaton, _) = matcher();
    let mut blank = vec![false; text.len()];
    for hit in automaton.find_overlapping_iter(&text) {
        // A cue blanks the rest of its word too: `downside` takes `downsides`, `단점` `단점은`.
        let rest = text[hit.end()..]
            .find(|c: char| !c.is_alphanumeric())
            .map_or(text.len(), |len| hit.end() + len);
        blank[hit.start()..rest].iter_mut().for_each(|b| *b = true);
    }
    text.char_indices()
        .map(|(at, c)| if blank[at] { ' ' } else { c })
        .collect()
}

/// The yes/no cues besides the aspects.
#[derive(Clone, Copy)]
enum Flag {
    Compare,
    Sequence,
    When,
    Define,
    Layer,
    Stack,
    FullName,
    More,
}

/// What a matched cue stands for.
#[derive(Clone, Copy)]
enum Cue {
    /// The aspect at this index of [`CUES`].
    Aspect(usize),
    /// One of the flags.
    Flag(Flag),
}

/// Every cue in one automaton, built once: a question is read once for all of them instead
/// of once per cue (there are several hundred).
fn matcher() -> &'static (aho_corasick::AhoCorasick, Vec<Cue>) {
    static MATCHER: std::sync::OnceLock<(aho_corasick::AhoCorasick, Vec<Cue>)> = std::sync::OnceLock::new();
    MATCHER.get_or_init(|| {
        let mut patterns: Vec<&str> = Vec::new();
        let mut cues: Vec<Cue> = Vec::new();
        for (index, (_, list)) in CUES.iter().enumerate() {
            for cue in *list {
                patterns.push(cue);
                cues.push(Cue::Aspect(index));
            }
        }
        let flags: [(&[&str], Flag); 8] = [
            (COMPARE_CUES, Flag::Compare),
            (SEQUENCE_CUES, Flag::Sequence),
            (WHEN_CUES, Flag::When),
            (DEFINE_CUES, Flag::Define),
            (LAYER_CUES, Flag::Layer),
            (STACK_CUES, Flag::Stack),
            (NAME_CUES, Flag::FullName),
            (MORE_CUES, Flag::More),
        ];
        for (list, flag) in flags {
            for cue in list {
                patterns.push(cue);
                cues.push(Cue::Flag(flag));
            }
        }
        let automaton = aho_corasick::AhoCorasick::new(&patterns)
            .expect("the cue lists are a few hundred short literals, well within the automaton's limits");
        (automaton, cues)
    })
}

/// English intensifiers people put inside a cue ("who *actually* uses it?", "what *exactly*
/// is PaaS?"): they change no meaning, so the matcher reads past them.
const INTENSIFIERS: [&str; 6] = ["actually", "really", "exactly", "basically", "honestly", "literally"];

/// The question lowercased, punctuation turned into spaces, intensifiers dropped, padded with
/// a space on each side, so English cues written with spaces match whole words only.
fn padded(question: &str) -> String {
    let mut text = String::with_capacity(question.len() + 2);
    text.push(' ');
    for c in question.chars().flat_map(char::to_lowercase) {
        text.push(if c.is_alphanumeric() || c == '\'' { c } else { ' ' });
    }
    text.push(' ');
    for word in INTENSIFIERS {
        let padded_word = format!(" {word} ");
        while let Some(at) = text.find(&padded_word) {
            text.replace_range(at..at + padded_word.len(), " ");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_aspects_and_comparisons() {
        assert_eq!(detect("PaaS 단점은?").aspects, [Aspect::Cons]);
        assert_eq!(detect("cons of SaaS").aspects, [Aspect::Cons]);
        assert_eq!(detect("who provides GPUaaS?").aspects, [Aspect::Providers]);
        assert!(detect("IaaS랑 PaaS 차이").compare);
        assert!(detect("heroku vs ec2").compare);
        assert!(!detect("what is paas").compare);
        assert!(!detect("should I consider devs").compare);
        assert!(detect("should I consider devs").aspects.is_empty());
        assert_eq!(detect("IaaS에서 OS는 누가 관리해?").aspects, [Aspect::Management]);
        assert!(detect("IaaS 자세히 알려줘").more);
        assert!(detect("tell me more about PaaS").more);
        assert!(!detect("is PaaS more expensive?").more);
    }

    #[test]
    fn intensifiers_inside_a_cue_change_nothing() {
        for (plain, intensified) in [
            ("who uses PaaS?", "who actually uses PaaS?"),
            ("what is FaaS?", "what exactly is FaaS?"),
            ("what are the cons of SaaS", "what are the really cons of SaaS"),
        ] {
            assert_eq!(detect(plain).aspects, detect(intensified).aspects, "{intensified}");
            assert_eq!(detect(plain).defines, detect(intensified).defines, "{intensified}");
        }
        assert_eq!(padded("Really?"), "  ");
        assert!(padded("reallyfast").contains("reallyfast"), "whole words only");
    }

    #[test]
    fn without_cues_leaves_what_else_was_said() {
        assert_eq!(
            without_cues("그럼 단점은?").split_whitespace().collect::<Vec<_>>(),
            ["그럼"]
        );
        assert_eq!(
            without_cues("and the downsides of lunch?")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["and", "the", "of", "lunch"]
        );
    }
}
