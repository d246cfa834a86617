//! Names in a question: explicit mentions of names, aliases and products (compared in a
//! spacing-free, stemmed form), and typo correction of Latin words towards them.

use rustc_hash::FxHashMap;
use std::ops::Range;

use super::analyzer::{self, Script, Word};
use super::index::Index;
use crate::knowledge::Entry;

/// The longest name, alias or product, in words.
const MAX_PHRASE_WORDS: usize = 6;

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
    /// The entry is named by its name later in the question too ("is Heroku PaaS?").
    pub also_named: bool,
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
        !self.also_named && (short_hangul || one_word_product)
    }
}

/// A product or provider several entries offer (`AWS`, `Azure`), named in a question: the
/// answer says which models it spans.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedMention {
    /// The label as the knowledge base writes it.
    pub label: String,
    /// Indexes of the entries that list it, in knowledge order.
    pub entries: Vec<usize>,
    /// Which of the question's words matched.
    pub words: Range<usize>,
}

impl Index {
    /// Products several entries share, named in words no entry mention covers.
    pub(super) fn shared_mentions(&self, words: &[Word], mentions: &[Mention]) -> Vec<SharedMention> {
        let mut found: Vec<SharedMention> = Vec::new();
        if self.shared.is_empty() {
            return found;
        }
        let mut key = String::new();
        let mut start = 0;
        while start < words.len() {
            let mut matched = 0;
            if !mentions.iter().any(|m| m.words.contains(&start)) {
                if let Some((end, (label, entries))) = longest_phrase(&self.shared, words, start, &mut key) {
                    if !found.iter().any(|f| &f.label == label) {
                        found.push(SharedMention {
                            label: label.clone(),
                            entries: entries.clone(),
                            words: start..end,
                        });
                    }
                    matched = end - start;
                }
            }
            start += matched.max(1);
        }
        found
    }

    /// Replaces unknown Latin words of four or more letters by the closest name, alias or
    /// product within one edit (two for words of eight or more letters).
    pub(super) fn correct_typos(&self, words: &mut [Word]) -> Vec<(usize, String, String)> {
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
    pub(super) fn mentions(&self, words: &[Word]) -> Vec<Mention> {
        let mut mentions: Vec<Mention> = Vec::new();
        let mut key = String::new();
        let mut start = 0;
        while start < words.len() {
            let mut matched = 0;
            if let Some((end, (entry, kind))) = longest_phrase(&self.phrases, words, start, &mut key) {
                let key = phrase_key(words[start..end].iter().map(|word| word.text.as_str()));
                {
                    match mentions.iter_mut().find(|m| m.entry == *entry) {
                        // "is Heroku PaaS?": named by its name too, the mention is a name.
                        Some(earlier) if *kind == MentionKind::Name => earlier.also_named = true,
                        Some(_) => {}
                        None => mentions.push(Mention {
                            entry: *entry,
                            kind: *kind,
                            text: key,
                            words: start..end,
                            also_named: false,
                        }),
                    }
                    matched = end - start;
                }
            }
            start += matched.max(1);
        }
        mentions
    }
}

/// The longest phrase of `map` that starts at word `start`, and where it ends. The key grows
/// word by word in `key`, one buffer for the whole question.
fn longest_phrase<'m, T>(
    map: &'m FxHashMap<String, T>,
    words: &[Word],
    start: usize,
    key: &mut String,
) -> Option<(usize, &'m T)> {
    key.clear();
    let mut longest = None;
    for (offset, word) in words[start..].iter().take(MAX_PHRASE_WORDS).enumerate() {
        key.push_str(analyzer::stem_latin(&word.text));
        if let Some(value) = map.get(key.as_str()) {
            longest = Some((start + offset + 1, value));
        }
    }
    longest
}

/// How often each ASCII letter and digit occurs; other characters share one slot.
pub(super) fn letter_counts(word: &str) -> [u8; 37] {
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

/// The matching key of a phrase: its words stemmed and joined without spaces, so
/// `on-premises`, `on premise` and `onpremise` meet, and so do `서비스형 인프라` and
/// `서비스형인프라`.
fn phrase_key<'a>(words: impl Iterator<Item = &'a str>) -> String {
    words.map(analyzer::stem_latin).collect()
}

/// Phrase key → the product or provider label and the entries that offer it.
pub(super) type SharedProducts = FxHashMap<String, (String, Vec<usize>)>;

/// Names, aliases and unambiguous products → entry; products several entries share
/// (`AWS`); and the Latin words typos are corrected towards.
pub(super) fn phrases_of(entries: &[Entry]) -> (FxHashMap<String, (usize, MentionKind)>, SharedProducts, Vec<String>) {
    let mut names: FxHashMap<String, (usize, MentionKind)> = FxHashMap::default();
    let mut products: FxHashMap<String, (String, Vec<usize>)> = FxHashMap::default();
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
                    let (_, owners) = products.entry(key).or_insert_with(|| (label.clone(), Vec::new()));
                    if !owners.contains(&position) {
                        owners.push(position);
                    }
                }
            }
        }
    }
    let mut shared = FxHashMap::default();
    for (key, (label, owners)) in products {
        if let [owner] = owners[..] {
            names.entry(key).or_insert((owner, MentionKind::Product));
        } else if !names.contains_key(&key) {
            shared.insert(key, (label, owners));
        }
    }
    (names, shared, vocabulary)
}
