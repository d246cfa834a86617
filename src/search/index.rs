//! The search index: BM25F over the fields of every entry, explicit mentions of names,
//! aliases and products, typo tolerance for Latin words, and the off-topic gate.
//!
//! Retrieval terms live in the knowledge files (names, aliases, providers, prose); this
//! module holds only language-level cue words, never entry-specific ones.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::analyzer::{self, Script, Word};
use crate::knowledge::{Entry, KnowledgeBase};

/// Where in an entry a term was found; weights differ, and the assistant leads its answer
/// with the part of the entry that matched best.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// Id, name, full name, aliases.
    Name,
    /// Provider names, products and what they offer.
    Providers,
    /// Summary and definition.
    Summary,
    /// Features.
    Features,
    /// Use cases.
    UseCases,
    /// Advantages.
    Pros,
    /// Disadvantages.
    Cons,
    /// Comparison-table columns and who-manages-what notes.
    Comparison,
    /// Analogies: everyday words, so they count only when the question asks for an analogy
    /// or is clearly about cloud models ("a hotel booking" is not a question about SaaS).
    Analogies,
    /// Other sections.
    Sections,
}

impl Field {
    const ALL: [Field; 10] = [
        Field::Name,
        Field::Providers,
        Field::Summary,
        Field::Features,
        Field::UseCases,
        Field::Pros,
        Field::Cons,
        Field::Comparison,
        Field::Analogies,
        Field::Sections,
    ];

    fn weight(self) -> f32 {
        match self {
            Field::Name => 3.0,
            Field::Providers => 2.0,
            Field::Summary => 1.5,
            Field::UseCases => 1.5,
            Field::Features | Field::Pros | Field::Cons | Field::Comparison => 1.0,
            Field::Analogies => 1.5,
            Field::Sections => 0.8,
        }
    }

    fn slot(self) -> usize {
        self as usize
    }
}

const FIELDS: usize = Field::ALL.len();
const K1: f32 = 1.2;
const B: f32 = 0.75;
/// The most words of a question that are looked at: a question is answered about its
/// beginning, and search time stays bounded for any input.
const MAX_WORDS: usize = 48;
/// The longest name, alias or product, in words.
const MAX_PHRASE_WORDS: usize = 6;
/// Below this BM25 score, a question that mentions no entry is off-topic.
const MIN_SCORE: f32 = 2.0;
/// At least this share of a question's topic words must occur in the knowledge base.
const MIN_COVERAGE: f32 = 0.5;
/// A hit is kept as a source while it scores this share of the best hit.
const RELATIVE_CUT: f32 = 0.35;
/// Sources kept at most.
const MAX_HITS: usize = 4;
/// What an explicit mention adds to an entry's score, so a named entry always ranks first.
const MENTION_BONUS: f32 = 100.0;

/// Words that ask for an analogy (checked as substrings of the normalized question).
const ANALOGY_CUES: &[&str] = &[
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
const DOMAIN_CUES: &[&str] = &[
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
const OTHER_DOMAIN_WORDS: &[&str] = &[
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
];

/// Words that ask about a part of any entry (its downsides, providers, features): they carry
/// no entry of their own, but a question made of a name and one of them is on topic.
const ASPECT_WORDS: &[&str] = &[
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
const ARITHMETIC_WORDS: &[&str] = &[
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
fn is_number(word: &Word) -> bool {
    word.text.chars().all(|c| c.is_ascii_digit())
}

/// "What is 17 times 23", "2 더하기 2는?": two numbers and an operator between them.
fn is_arithmetic(question: &str, words: &[Word]) -> bool {
    let numbers = words.iter().filter(|word| is_number(word)).count();
    numbers >= 2
        && (words.iter().any(|word| ARITHMETIC_WORDS.contains(&word.text.as_str()))
            || question.contains(['+', '*', '×', '÷', '=']))
}

/// How an entry was named in a question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MentionKind {
    /// By id, name, full name or alias.
    Name,
    /// By a product or provider name that belongs to this entry alone.
    Product,
}

/// An entry named explicitly in a question, in the order the question names them.
#[derive(Clone, Debug, PartialEq)]
pub struct Mention {
    /// Index into [`KnowledgeBase::entries`].
    pub entry: usize,
    /// Name or product.
    pub kind: MentionKind,
    /// The words that matched, as normalized.
    pub text: String,
    /// Which of the question's words matched.
    pub words: Range<usize>,
}

impl Mention {
    /// A mention that may be an everyday word rather than a name: a one-word product
    /// (`lambda` is also a programming term, `excel` a verb) or a Hangul alias of one or two
    /// syllables (`파스` is also a pain patch, `카스` a beer). Such a mention counts only when
    /// whatever else the question says is about the knowledge base too.
    pub fn is_weak(&self) -> bool {
        let short_hangul =
            self.text.chars().all(|c| c.is_alphabetic() && !c.is_ascii()) && self.text.chars().count() <= 2;
        let one_word_product = self.kind == MentionKind::Product && self.words.len() == 1;
        short_hangul || one_word_product
    }
}

/// One retrieved entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    /// Index into [`KnowledgeBase::entries`].
    pub entry: usize,
    /// Relevance; explicit mentions include a large bonus.
    pub score: f32,
    /// Relevance from the text alone, without the mention bonus: which entry talks most
    /// about what was asked when several are named.
    pub text_score: f32,
    /// The field that contributed most, for leading the answer with it.
    pub field: Option<Field>,
}

/// What a question retrieved.
#[derive(Clone, Debug, Default)]
pub struct Search {
    /// The question's words after normalization and typo correction.
    pub words: Vec<Word>,
    /// Entries the question names, in order of appearance, without repeats.
    pub mentions: Vec<Mention>,
    /// Relevant entries, best first; empty when the question is off-topic.
    pub hits: Vec<Hit>,
    /// Typo corrections made (`iqass` → `iqaas`), for logs and tests.
    pub corrections: Vec<(String, String)>,
    /// Every matching entry ranked by its text alone, names aside, even when the named
    /// entries fill [`Search::hits`]; empty when off-topic.
    pub by_text: Vec<Hit>,
}

struct Posting {
    entry: usize,
    field: Field,
    count: f32,
}

/// The index over one knowledge base; rebuilt whenever the knowledge base changes.
pub struct Index {
    postings: HashMap<String, (f32, Vec<Posting>)>,
    field_lengths: Vec<[f32; FIELDS]>,
    average_lengths: [f32; FIELDS],
    phrases: HashMap<String, (usize, MentionKind)>,
    /// Latin words of names, aliases and products that typos are corrected towards, each
    /// with its bag of letters (see [`letter_counts`]), counted once here and not per question.
    typo_vocabulary: Vec<(String, [u8; 37])>,
    /// Latin words of provider and product names (`kubernetes`, `heroku`): a typo corrected
    /// into one of them stands even outside a full name.
    product_words: HashSet<String>,
    /// Whole Hangul words of the knowledge text outside analogies, for the off-topic gate:
    /// two-syllable chunks are good for ranking but too loose to say a word is known.
    hangul_words: HashSet<String>,
    /// Whole Hangul words of analogies, known only when a question asks for an analogy.
    analogy_hangul_words: HashSet<String>,
    /// The first three or more syllables of longer known words: people shorten loanwords
    /// (`온프레` for 온프레미스, `쿠버네` for 쿠버네티스).
    hangul_beginnings: HashSet<String>,
    /// The largest inverse document frequency: what an unknown word weighs in the gate.
    max_idf: f32,
}

impl Index {
    /// Builds the index: every field of every entry in both languages.
    pub fn build(knowledge: &KnowledgeBase) -> Index {
        let entries = knowledge.entries();
        let mut counts: HashMap<String, Vec<Posting>> = HashMap::new();
        let mut field_lengths = vec![[0.0; FIELDS]; entries.len()];
        let mut hangul_words = HashSet::new();
        let mut analogy_hangul_words = HashSet::new();
        for (position, entry) in entries.iter().enumerate() {
            for_each_field_text(entry, |field, text| {
                let words = analyzer::words(text);
                let known = if field == Field::Analogies {
                    &mut analogy_hangul_words
                } else {
                    &mut hangul_words
                };
                for word in words
                    .iter()
                    .filter(|w| w.script == Script::Hangul && !analyzer::is_stopword(&w.text))
                {
                    for form in std::iter::once(&word.text).chain(&word.unstripped) {
                        if !known.contains(form) {
                            known.insert(form.clone());
                        }
                    }
                }
                analyzer::for_each_term(&words, |term| {
                    field_lengths[position][field.slot()] += 1.0;
                    if !counts.contains_key(term) {
                        counts.insert(term.to_string(), Vec::new());
                    }
                    let Some(postings) = counts.get_mut(term) else { return };
                    // Texts arrive entry by entry, so a repeat is almost always the last posting;
                    // a second posting for the same entry and field scores the same (BM25F's
                    // field term frequency is linear in the count).
                    match postings.last_mut().filter(|p| p.entry == position && p.field == field) {
                        Some(posting) => posting.count += 1.0,
                        None => postings.push(Posting {
                            entry: position,
                            field,
                            count: 1.0,
                        }),
                    }
                });
            });
        }
        let total = entries.len().max(1) as f32;
        let postings = counts
            .into_iter()
            .map(|(term, postings)| {
                let mut documents: Vec<usize> = postings.iter().map(|p| p.entry).collect();
                documents.dedup();
                documents.sort_unstable();
                documents.dedup();
                let frequency = documents.len() as f32;
                let idf = (1.0 + (total - frequency + 0.5) / (frequency + 0.5)).ln();
                (term, (idf, postings))
            })
            .collect();
        let mut average_lengths = [0.0; FIELDS];
        for lengths in &field_lengths {
            for slot in 0..FIELDS {
                average_lengths[slot] += lengths[slot] / total;
            }
        }
        let (phrases, typo_vocabulary) = phrases_of(entries);
        let product_words = entries
            .iter()
            .flat_map(|entry| &entry.providers)
            .flat_map(|provider| std::iter::once(&provider.name).chain(&provider.products))
            .flat_map(|label| analyzer::words(label))
            .filter(|word| word.script == Script::Latin)
            .map(|word| word.text)
            .collect();
        Index {
            postings,
            field_lengths,
            average_lengths,
            phrases,
            typo_vocabulary: typo_vocabulary
                .into_iter()
                .map(|word| {
                    let letters = letter_counts(&word);
                    (word, letters)
                })
                .collect(),
            product_words,
            hangul_beginnings: beginnings_of(&hangul_words),
            hangul_words,
            analogy_hangul_words,
            max_idf: (1.0 + (total - 1.0 + 0.5) / 1.5f32).ln(),
        }
    }

    /// Searches for `question`. Any string is accepted; off-topic questions get no hits.
    pub fn search(&self, question: &str) -> Search {
        let mut words = analyzer::words(question);
        words.truncate(MAX_WORDS);
        let mut corrections = self.correct_typos(&mut words);
        let mentions = self.mentions(&words);
        // A correction stands only where it completes a name (`iqass` → IQaaS); elsewhere it
        // would turn an ordinary word into a topic word (`stock` → `stack`).
        corrections.retain(|(index, original, corrected)| {
            let named = mentions.iter().any(|m| m.words.contains(index)) || self.product_words.contains(corrected);
            if !named {
                words[*index].text = original.clone();
            }
            named
        });
        let corrections: Vec<(String, String)> = corrections.into_iter().map(|(_, from, to)| (from, to)).collect();
        let normalized = question.to_lowercase();
        // "like" as a word ("like renting a furnished place"), not inside "likely" or "unlike".
        let says_like = words.iter().any(|word| word.text == "like");
        let asks_analogy = says_like
            || ANALOGY_CUES.iter().any(|cue| normalized.contains(cue))
            || DOMAIN_CUES.iter().any(|cue| normalized.contains(cue));

        let mut terms: Vec<String> = Vec::new();
        analyzer::for_each_term(&words, |term| {
            if !terms.iter().any(|seen| seen == term) {
                terms.push(term.to_string());
            }
        });
        let mut scores = vec![0.0f32; self.field_lengths.len()];
        let mut by_field = vec![[0.0f32; FIELDS]; self.field_lengths.len()];
        for term in &terms {
            let Some((idf, postings)) = self.postings.get(term) else {
                continue;
            };
            let mut weighted = vec![0.0f32; self.field_lengths.len()];
            for posting in postings {
                if posting.field == Field::Analogies && !asks_analogy {
                    continue;
                }
                let slot = posting.field.slot();
                let length = self.field_lengths[posting.entry][slot] / self.average_lengths[slot].max(1.0);
                let normalized = posting.count / (1.0 - B + B * length);
                let part = posting.field.weight() * normalized;
                weighted[posting.entry] += part;
                by_field[posting.entry][slot] += idf * part;
            }
            for (entry, tf) in weighted.into_iter().enumerate() {
                if tf > 0.0 {
                    scores[entry] += idf * tf * (K1 + 1.0) / (K1 + tf);
                }
            }
        }

        // Two everyday-looking names together (`EKS랑 람다`) are as good as one clear name.
        let strong_mention = mentions.iter().any(|m| !m.is_weak()) || mentions.len() >= 2;
        let other_domain = words
            .iter()
            .any(|word| OTHER_DOMAIN_WORDS.contains(&word.text.as_str()))
            || is_arithmetic(question, &words);
        let on_topic = if strong_mention {
            true
        } else if other_domain {
            false
        } else if !mentions.is_empty() {
            // Only everyday-looking names: the rest of the question must be on topic too.
            let rest: Vec<Word> = words
                .iter()
                .enumerate()
                .filter(|(index, _)| !mentions.iter().any(|m| m.words.contains(index)))
                .map(|(_, word)| word.clone())
                .collect();
            self.coverage(&rest, asks_analogy)
                .is_none_or(|share| share > MIN_COVERAGE)
        } else {
            let best = scores.iter().copied().fold(0.0, f32::max);
            best >= MIN_SCORE
                && self
                    .coverage(&words, asks_analogy)
                    .is_some_and(|share| share > MIN_COVERAGE)
        };
        if !on_topic {
            return Search {
                words,
                mentions,
                hits: Vec::new(),
                corrections,
                by_text: Vec::new(),
            };
        }
        let text_scores = scores.clone();
        for (order, mention) in mentions.iter().enumerate() {
            scores[mention.entry] += MENTION_BONUS - order as f32;
        }
        let mut hits: Vec<Hit> = scores
            .iter()
            .enumerate()
            .filter(|(_, score)| **score > 0.0)
            .map(|(entry, score)| Hit {
                entry,
                score: *score,
                text_score: text_scores[entry],
                field: best_field(&by_field[entry]),
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
        let mut by_text = hits.clone();
        by_text.sort_by(|a, b| b.text_score.total_cmp(&a.text_score).then(a.entry.cmp(&b.entry)));
        let unmentioned_best = hits
            .iter()
            .find(|hit| !mentions.iter().any(|m| m.entry == hit.entry))
            .map_or(0.0, |hit| hit.score);
        let top = hits.first().map_or(0.0, |hit| hit.score);
        let floor = if mentions.is_empty() {
            top
        } else {
            unmentioned_best.max(MIN_SCORE * 3.0)
        };
        hits.retain(|hit| mentions.iter().any(|m| m.entry == hit.entry) || hit.score >= floor * RELATIVE_CUT);
        hits.truncate(MAX_HITS.max(mentions.len()));
        Search {
            words,
            mentions,
            hits,
            corrections,
            by_text,
        }
    }

    /// Replaces unknown Latin words of four or more letters by the closest name, alias or
    /// product within one edit (two for words of eight or more letters).
    fn correct_typos(&self, words: &mut [Word]) -> Vec<(usize, String, String)> {
        let mut corrections = Vec::new();
        for (index, word) in words.iter_mut().enumerate() {
            let length = word.text.chars().count();
            if word.script != Script::Latin
                || length < 4
                || analyzer::is_stopword(&word.text)
                || self.postings.contains_key(analyzer::stem_latin(&word.text))
                || word.text.chars().any(|c| c.is_ascii_digit())
            {
                continue;
            }
            let allowed = if length >= 8 { 2 } else { 1 };
            let letters = letter_counts(&word.text);
            let best = self
                .typo_vocabulary
                .iter()
                .filter(|(known, _)| known.len().abs_diff(word.text.len()) <= allowed)
                // Each edit changes the bag of letters by at most two: a cheap bound that
                // skips most of the vocabulary before the edit distance is computed.
                .filter(|(_, known_letters)| letter_difference(&letters, known_letters) <= 2 * allowed)
                .map(|(known, _)| known)
                .map(|known| (strsim::osa_distance(known, &word.text), known))
                .filter(|(distance, _)| *distance <= allowed)
                .min_by_key(|(distance, _)| *distance);
            if let Some((_, known)) = best {
                corrections.push((index, std::mem::replace(&mut word.text, known.clone()), known.clone()));
            }
        }
        corrections
    }

    /// Entries named in the question, longest match first, left to right.
    fn mentions(&self, words: &[Word]) -> Vec<Mention> {
        let mut mentions: Vec<Mention> = Vec::new();
        let mut start = 0;
        while start < words.len() {
            let mut matched = 0;
            for end in (start + 1..=(start + MAX_PHRASE_WORDS).min(words.len())).rev() {
                let key = phrase_key(words[start..end].iter().map(|word| word.text.as_str()));
                if let Some((entry, kind)) = self.phrases.get(&key) {
                    if !mentions.iter().any(|m| m.entry == *entry) {
                        mentions.push(Mention {
                            entry: *entry,
                            kind: *kind,
                            text: key,
                            words: start..end,
                        });
                    }
                    matched = end - start;
                    break;
                }
            }
            start += matched.max(1);
        }
        mentions
    }

    /// The share of the question's topic words that occur in the knowledge base; `None`
    /// when the question has no topic words at all.
    fn coverage(&self, words: &[Word], asks_analogy: bool) -> Option<f32> {
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
            // One Hangul syllable (때, 집, 법) or a bare number (2, 17) says too little either
            // way to count: "2 더하기 2" is not about the knowledge base because of the 2s.
            if analyzer::is_stopword(&word.text)
                || is_number(word)
                || (word.script == Script::Hangul && word.text.chars().count() < 2)
            {
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
fn beginnings_of(words: &HashSet<String>) -> HashSet<String> {
    let mut beginnings = HashSet::new();
    for word in words {
        let bounds: Vec<usize> = word.char_indices().map(|(index, _)| index).collect();
        for &end in bounds.iter().skip(3) {
            beginnings.insert(word[..end].to_string());
        }
    }
    beginnings
}

/// How often each ASCII letter and digit occurs; other characters share one slot.
fn letter_counts(word: &str) -> [u8; 37] {
    let mut counts = [0u8; 37];
    for byte in word.bytes() {
        let slot = match byte {
            b'a'..=b'z' => usize::from(byte - b'a'),
            b'0'..=b'9' => 26 + usize::from(byte - b'0'),
            _ => 36,
        };
        counts[slot] = counts[slot].saturating_add(1);
    }
    counts
}

fn letter_difference(a: &[u8; 37], b: &[u8; 37]) -> usize {
    a.iter().zip(b).map(|(x, y)| usize::from(x.abs_diff(*y))).sum()
}

fn best_field(scores: &[f32; FIELDS]) -> Option<Field> {
    Field::ALL
        .into_iter()
        .filter(|field| scores[field.slot()] > 0.0)
        .max_by(|a, b| scores[a.slot()].total_cmp(&scores[b.slot()]))
}

/// The matching key of a phrase: its words stemmed and joined without spaces, so
/// `on-premises`, `on premise` and `onpremise` meet, and so do `서비스형 인프라` and
/// `서비스형인프라`.
fn phrase_key<'a>(words: impl Iterator<Item = &'a str>) -> String {
    words.map(analyzer::stem_latin).collect()
}

/// Names, aliases and unambiguous products → entry, plus the Latin words typos are
/// corrected towards.
fn phrases_of(entries: &[Entry]) -> (HashMap<String, (usize, MentionKind)>, Vec<String>) {
    let mut names: HashMap<String, (usize, MentionKind)> = HashMap::new();
    let mut products: HashMap<String, Vec<usize>> = HashMap::new();
    let mut vocabulary: Vec<String> = Vec::new();
    let mut add_vocabulary = |words: &[Word]| {
        for word in words {
            if word.script == Script::Latin && word.text.len() >= 4 && !vocabulary.contains(&word.text) {
                vocabulary.push(word.text.clone());
            }
        }
    };
    for (position, entry) in entries.iter().enumerate() {
        let labels = [
            entry.id.as_str(),
            &entry.name.en,
            &entry.name.ko,
            &entry.full_name.en,
            &entry.full_name.ko,
        ];
        for label in labels.into_iter().chain(entry.aliases()) {
            let words = analyzer::words(label);
            add_vocabulary(&words);
            let key = phrase_key(words.iter().map(|word| word.text.as_str()));
            if !key.is_empty() {
                names.entry(key).or_insert((position, MentionKind::Name));
            }
        }
        for provider in &entry.providers {
            for label in std::iter::once(&provider.name).chain(&provider.products) {
                let words = analyzer::words(label);
                add_vocabulary(&words);
                let key = phrase_key(words.iter().map(|word| word.text.as_str()));
                if !key.is_empty() {
                    let owners = products.entry(key).or_default();
                    if !owners.contains(&position) {
                        owners.push(position);
                    }
                }
            }
        }
    }
    for (key, owners) in products {
        if let [owner] = owners[..] {
            names.entry(key).or_insert((owner, MentionKind::Product));
        }
    }
    (names, vocabulary)
}

/// Calls `visit` with every indexed text of `entry` and the field it belongs to.
fn for_each_field_text(entry: &Entry, mut visit: impl FnMut(Field, &str)) {
    let mut both = |field: Field, text: &crate::knowledge::Text| {
        visit(field, &text.en);
        visit(field, &text.ko);
    };
    both(Field::Name, &entry.name);
    both(Field::Name, &entry.full_name);
    both(Field::Summary, &entry.summary);
    both(Field::Summary, &entry.definition);
    for analogy in &entry.analogies {
        both(Field::Analogies, &analogy.text);
    }
    for text in &entry.features {
        both(Field::Features, text);
    }
    for provider in &entry.providers {
        both(Field::Providers, &provider.about);
    }
    for text in &entry.use_cases {
        both(Field::UseCases, text);
    }
    for text in &entry.pros {
        both(Field::Pros, text);
    }
    for text in &entry.cons {
        both(Field::Cons, text);
    }
    if let Some(comparison) = &entry.comparison {
        for text in [
            &comparison.delivery,
            &comparison.typical_use,
            &comparison.you_manage,
            &comparison.customers,
        ] {
            both(Field::Comparison, text);
        }
    }
    if let Some(note) = entry.management.as_ref().and_then(|m| m.note.as_ref()) {
        both(Field::Comparison, note);
    }
    for section in &entry.sections {
        both(Field::Sections, &section.title);
        both(Field::Sections, &section.body);
    }
    visit(Field::Name, &entry.id);
    for alias in entry.aliases() {
        visit(Field::Name, alias);
    }
    for provider in &entry.providers {
        visit(Field::Providers, &provider.name);
        for product in &provider.products {
            visit(Field::Providers, product);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> (KnowledgeBase, Index) {
        let knowledge = KnowledgeBase::builtin().expect("built-in knowledge");
        let index = Index::build(&knowledge);
        (knowledge, index)
    }

    fn top(knowledge: &KnowledgeBase, search: &Search) -> Option<String> {
        search.hits.first().map(|hit| knowledge.entries()[hit.entry].id.clone())
    }

    #[test]
    fn names_with_particles_and_typos_are_found() {
        let (knowledge, index) = index();
        assert_eq!(
            top(&knowledge, &index.search("IaaS랑 PaaS 차이")).as_deref(),
            Some("iaas-vs-paas")
        );
        assert_eq!(
            top(&knowledge, &index.search("온프레미스의 단점")).as_deref(),
            Some("on-premise")
        );
        let search = index.search("iqass providers");
        assert_eq!(top(&knowledge, &search).as_deref(), Some("iqaas"));
        assert_eq!(search.corrections, [("iqass".to_string(), "iqaas".to_string())]);
    }

    #[test]
    fn a_correction_that_completes_no_name_is_undone() {
        let (_, index) = index();
        let search = index.search("should I buy nvidia stock");
        assert!(
            search.words.iter().any(|word| word.text == "stock"),
            "{:?}",
            search.words
        );
        assert!(search.corrections.is_empty());
    }

    #[test]
    fn weak_names_need_an_on_topic_rest() {
        let (knowledge, index) = index();
        assert!(index.search("허리 아플 때 파스 어디에 붙여?").hits.is_empty());
        assert!(index.search("how to write a lambda in python").hits.is_empty());
        assert_eq!(top(&knowledge, &index.search("파스 단점")).as_deref(), Some("paas"));
        assert_eq!(
            top(&knowledge, &index.search("EKS랑 람다 중에 뭐 써?")).as_deref(),
            Some("caas")
        );
    }

    #[test]
    fn arithmetic_and_other_domains_are_off_topic() {
        let (_, index) = index();
        for question in [
            "2 더하기 2는?",
            "what is 17 times 23",
            "오늘 점심 메뉴 추천",
            "best pizza in town",
        ] {
            assert!(index.search(question).hits.is_empty(), "{question}");
        }
    }
}
