//! The search index over facts: every fact is a small document, and each entry is ranked by
//! BM25F over the fields made of the facts *about* it (a row of the overview about PaaS
//! counts for PaaS, not for the overview). The facts themselves are ranked too, so answers
//! lead with the fact that matched. Mentions and typos live in `mentions`, the off-topic gate
//! in `gate`.
//!
//! Retrieval terms live in the knowledge files (names, aliases, providers, prose); this
//! module holds no entry-specific word.

use rustc_hash::{FxHashMap, FxHashSet};

use super::analyzer::{self, Script, Word};
use super::gate::{
    asks_for_entry, beginnings_of, is_arithmetic, other_domain_phrase, ANALOGY_CUES, DOMAIN_CUES, MIN_COVERAGE,
    MIN_COVERAGE_WHICH, OTHER_DOMAIN_WORDS,
};
use super::mentions::{letter_counts, phrases_of, Mention, MentionKind, SharedMention, SharedProducts};
use super::scoring::best_field;
use crate::knowledge::{FactAspect, KnowledgeBase};

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
    pub(super) const ALL: [Field; 10] = [
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

    pub(super) fn weight(self) -> f32 {
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

    pub(super) fn slot(self) -> usize {
        self as usize
    }

    /// The field a fact of this aspect is indexed in.
    fn of(aspect: FactAspect) -> Field {
        match aspect {
            FactAspect::Name => Field::Name,
            FactAspect::Definition => Field::Summary,
            FactAspect::Analogy => Field::Analogies,
            FactAspect::Feature => Field::Features,
            FactAspect::Provider => Field::Providers,
            FactAspect::UseCase => Field::UseCases,
            FactAspect::Pro => Field::Pros,
            FactAspect::Con => Field::Cons,
            FactAspect::Customer | FactAspect::Manage => Field::Comparison,
            FactAspect::History | FactAspect::Role | FactAspect::Layer | FactAspect::Example | FactAspect::Section => {
                Field::Sections
            }
        }
    }
}

pub(super) const FIELDS: usize = Field::ALL.len();
/// The most words of a question that are looked at: a question is answered about its
/// beginning, and search time stays bounded for any input.
const MAX_WORDS: usize = 48;
/// Below this BM25 score, a question that mentions no entry is off-topic.
const MIN_SCORE: f32 = 2.0;
/// A hit is kept as a source while it scores this share of the best hit.
const RELATIVE_CUT: f32 = 0.35;
/// Sources kept at most.
const MAX_HITS: usize = 4;
/// What an explicit mention adds to an entry's score, so a named entry always ranks first.
const MENTION_BONUS: f32 = 100.0;

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
    /// Products or providers several entries share (`AWS`), named outside any mention.
    pub shared: Vec<SharedMention>,
    /// Relevant entries, best first; empty when the question is off-topic.
    pub hits: Vec<Hit>,
    /// Typo corrections made (`iqass` → `iqaas`), for logs and tests.
    pub corrections: Vec<(String, String)>,
    /// Every matching entry ranked by its text alone, names aside, even when the named
    /// entries fill [`Search::hits`]; empty when off-topic.
    pub by_text: Vec<Hit>,
    /// The best-matching facts, best first (at most 32); empty when off-topic.
    pub facts: Vec<FactHit>,
    /// The facts matching the words of the question outside its names, best first: what
    /// "can I customize SaaS much?" asks about SaaS. Empty when off-topic or all names.
    pub rest_facts: Vec<FactHit>,
}

/// One retrieved fact.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FactHit {
    /// Index into [`KnowledgeBase::facts`].
    pub fact: usize,
    /// BM25 relevance of the fact's own text.
    pub score: f32,
}

/// One term's occurrences in one fact.
pub(super) struct Posting {
    /// The entry the fact is about.
    pub(super) entry: usize,
    /// The fact.
    pub(super) fact: u32,
    pub(super) field: Field,
    pub(super) count: f32,
    /// Whether it counts for the entry: a section heading is indexed with every item under it,
    /// but counts for the entry once.
    pub(super) for_entry: bool,
}

/// The index over one knowledge base; rebuilt whenever the knowledge base changes.
pub struct Index {
    pub(super) postings: FxHashMap<String, (f32, Vec<Posting>)>,
    pub(super) field_lengths: Vec<[f32; FIELDS]>,
    pub(super) average_lengths: [f32; FIELDS],
    /// Terms per fact, and their average, for the facts' own BM25.
    pub(super) fact_lengths: Vec<f32>,
    pub(super) average_fact_length: f32,
    /// The aspect of each fact: facts of analogies count only when analogies are asked for.
    pub(super) fact_fields: Vec<Field>,
    pub(super) phrases: FxHashMap<String, (usize, MentionKind)>,
    /// Products and providers several entries share (`AWS`).
    pub(super) shared: SharedProducts,
    /// Latin words of names, aliases and products that typos are corrected towards, each
    /// with its bag of letters (see [`letter_counts`]), counted once here and not per question.
    pub(super) typo_vocabulary: Vec<(String, [u8; 37])>,
    /// Latin words of provider and product names (`kubernetes`, `heroku`): a typo corrected
    /// into one of them stands even outside a full name.
    pub(super) product_words: FxHashSet<String>,
    /// Whole Hangul words of the knowledge text outside analogies, for the off-topic gate:
    /// two-syllable chunks are good for ranking but too loose to say a word is known.
    pub(super) hangul_words: FxHashSet<String>,
    /// Whole Hangul words of analogies, known only when a question asks for an analogy.
    pub(super) analogy_hangul_words: FxHashSet<String>,
    /// The first three or more syllables of longer known words: people shorten loanwords
    /// (`온프레` for 온프레미스, `쿠버네` for 쿠버네티스).
    pub(super) hangul_beginnings: FxHashSet<String>,
    /// The largest inverse document frequency: what an unknown word weighs in the gate.
    pub(super) max_idf: f32,
}

impl Index {
    /// Builds the index: every fact of every entry in both languages.
    pub fn build(knowledge: &KnowledgeBase) -> Index {
        let entries = knowledge.entries();
        let facts = knowledge.facts();
        let mut counts: FxHashMap<String, Vec<Posting>> = FxHashMap::default();
        let mut field_lengths = vec![[0.0; FIELDS]; entries.len()];
        let mut fact_lengths = vec![0.0f32; facts.len()];
        let mut fact_fields = Vec::with_capacity(facts.len());
        let mut hangul_words = FxHashSet::default();
        let mut analogy_hangul_words = FxHashSet::default();
        let mut previous_heading: Option<&crate::knowledge::Text> = None;
        for (position, fact) in facts.iter().enumerate() {
            let field = Field::of(fact.aspect);
            fact_fields.push(field);
            // A heading counts for the entry with the first fact under it only.
            let heading_for_entry = fact.heading.is_some() && fact.heading.as_ref() != previous_heading;
            previous_heading = fact.heading.as_ref();
            let texts = [
                (fact.heading.as_ref().map(|h| h.en.as_str()), heading_for_entry),
                (fact.heading.as_ref().map(|h| h.ko.as_str()), heading_for_entry),
                (Some(fact.text.en.as_str()), true),
                (Some(fact.text.ko.as_str()), true),
            ];
            for (text, for_entry) in texts {
                let Some(text) = text else { continue };
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
                    if for_entry {
                        field_lengths[fact.about][field.slot()] += 1.0;
                    }
                    fact_lengths[position] += 1.0;
                    if !counts.contains_key(term) {
                        counts.insert(term.to_string(), Vec::new());
                    }
                    let Some(postings) = counts.get_mut(term) else { return };
                    // Texts arrive fact by fact, so a repeat is the last posting.
                    match postings
                        .last_mut()
                        .filter(|p| p.fact as usize == position && p.for_entry == for_entry)
                    {
                        Some(posting) => posting.count += 1.0,
                        None => postings.push(Posting {
                            entry: fact.about,
                            fact: position as u32,
                            field,
                            count: 1.0,
                            for_entry,
                        }),
                    }
                });
            }
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
        let (phrases, shared, typo_vocabulary) = phrases_of(entries);
        let product_words = entries
            .iter()
            .flat_map(|entry| &entry.providers)
            .flat_map(|provider| std::iter::once(&provider.name).chain(&provider.products))
            .flat_map(|label| analyzer::words(label))
            .filter(|word| word.script == Script::Latin)
            .map(|word| word.text)
            .collect();
        let average_fact_length = fact_lengths.iter().sum::<f32>() / (fact_lengths.len().max(1) as f32);
        Index {
            postings,
            field_lengths,
            average_lengths,
            fact_lengths,
            average_fact_length,
            fact_fields,
            phrases,
            shared,
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
        let (mut scores, mut by_field) = self.score_entries(&terms, asks_analogy);

        // Two everyday-looking names together (`EKS랑 람다`) are as good as one clear name.
        let shared = self.shared_mentions(&words, &mentions);
        // A shared product of one word (`aws`, `azure`) is as weak as a one-word product.
        let strong_mention =
            mentions.iter().any(|m| !m.is_weak()) || mentions.len() >= 2 || shared.iter().any(|s| s.words.len() > 1);
        let other_domain = words
            .iter()
            .any(|word| OTHER_DOMAIN_WORDS.contains(&word.text.as_str()))
            || is_arithmetic(question, &words);
        // The time, the date, a poem: chit-chat that names nothing, read at most once, and only
        // when a check needs it.
        let chit_chat_once = std::cell::OnceCell::new();
        let chit_chat = || *chit_chat_once.get_or_init(|| other_domain_phrase(&normalized));
        let on_topic = if strong_mention {
            true
        } else if other_domain {
            false
        } else if !mentions.is_empty() || !shared.is_empty() {
            // Only everyday-looking names: the rest of the question must be on topic too.
            let rest: Vec<Word> = words
                .iter()
                .enumerate()
                .filter(|(index, _)| {
                    !mentions.iter().any(|m| m.words.contains(index)) && !shared.iter().any(|s| s.words.contains(index))
                })
                .map(|(_, word)| word.clone())
                .collect();
            self.coverage(&rest, asks_analogy)
                .is_none_or(|share| share > MIN_COVERAGE)
        } else {
            let best = scores.iter().copied().fold(0.0, f32::max);
            // "Which model …?" asks for an entry by what it does: fewer of its words need be
            // the knowledge base's own ("costs a fortune up front").
            let needed = if asks_for_entry(&normalized) {
                MIN_COVERAGE_WHICH
            } else {
                MIN_COVERAGE
            };
            best >= MIN_SCORE
                && !self.one_common_word(&words)
                && !chit_chat()
                && self.coverage(&words, asks_analogy).is_some_and(|share| share > needed)
        };
        // "You get the field and the water but plant the seeds yourself": an analogy told
        // without saying it is one, recognised when one analogy shares several of its words.
        let mut asks_analogy = asks_analogy;
        let on_topic = on_topic
            || (!asks_analogy
                && mentions.is_empty()
                && !other_domain
                && !chit_chat()
                && self.told_analogy(&words, &terms));
        if on_topic && !asks_analogy && mentions.is_empty() && scores.iter().all(|s| *s < MIN_SCORE) {
            asks_analogy = true;
            (scores, by_field) = self.score_entries(&terms, true);
        }
        if !on_topic {
            return Search {
                words,
                mentions,
                shared: Vec::new(),
                hits: Vec::new(),
                corrections,
                by_text: Vec::new(),
                facts: Vec::new(),
                rest_facts: Vec::new(),
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
        let facts = self.score_facts(&terms, asks_analogy);
        let rest_facts = if mentions.is_empty() {
            Vec::new()
        } else {
            let mut rest_terms: Vec<String> = Vec::new();
            let rest: Vec<Word> = words
                .iter()
                .enumerate()
                .filter(|(index, _)| !mentions.iter().any(|m| m.words.contains(index)))
                .map(|(_, word)| word.clone())
                .collect();
            analyzer::for_each_term(&rest, |term| {
                if !rest_terms.iter().any(|seen| seen == term) {
                    rest_terms.push(term.to_string());
                }
            });
            // The entry is named, so an analogy's everyday words are safe to match.
            self.score_facts(&rest_terms, true)
        };
        Search {
            words,
            mentions,
            shared,
            hits,
            corrections,
            by_text,
            facts,
            rest_facts,
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
