//! Scoring: BM25F of entries over the fields made of the facts about them, BM25 of the facts
//! themselves, and the test that a question tells an analogy without saying so.
//!
//! Pure arithmetic over the postings `index` built; no word lists live here.

use super::analyzer::{self, Word};
use super::index::{FactHit, Field, Index, FIELDS};

const K1: f32 = 1.2;
const B: f32 = 0.75;
/// Words a question must share with one analogy to be read as that analogy told plainly.
const TOLD_ANALOGY_WORDS: usize = 3;
/// Facts kept in [`super::Search::facts`]: enough to lead any answer and ground any prompt.
const MAX_FACTS: usize = 32;

impl Index {
    /// Every entry's BM25F score over the fields of the facts about it, and the part each
    /// field contributed; analogies only when asked for.
    pub(super) fn score_entries(&self, terms: &[String], asks_analogy: bool) -> (Vec<f32>, Vec<[f32; FIELDS]>) {
        let mut scores = vec![0.0f32; self.field_lengths.len()];
        let mut by_field = vec![[0.0f32; FIELDS]; self.field_lengths.len()];
        let mut weighted = vec![0.0f32; self.field_lengths.len()];
        for term in terms {
            let Some((idf, postings)) = self.postings.get(term) else {
                continue;
            };
            weighted.fill(0.0);
            for posting in postings {
                if (posting.field == Field::Analogies && !asks_analogy) || !posting.for_entry {
                    continue;
                }
                let slot = posting.field.slot();
                let length = self.field_lengths[posting.entry][slot] / self.average_lengths[slot].max(1.0);
                let normalized = posting.count / (1.0 - B + B * length);
                let part = posting.field.weight() * normalized;
                weighted[posting.entry] += part;
                by_field[posting.entry][slot] += idf * part;
            }
            for (entry, &tf) in weighted.iter().enumerate() {
                if tf > 0.0 {
                    scores[entry] += idf * tf * (K1 + 1.0) / (K1 + tf);
                }
            }
        }
        (scores, by_field)
    }

    /// Whether one analogy shares [`TOLD_ANALOGY_WORDS`] or more of the question's words.
    pub(super) fn told_analogy(&self, words: &[Word], terms: &[String]) -> bool {
        let Some(best) = self
            .score_facts(terms, true)
            .into_iter()
            .find(|hit| self.fact_fields[hit.fact] == Field::Analogies)
        else {
            return false;
        };
        let in_fact = |term: &str| {
            self.postings
                .get(term)
                .is_some_and(|(_, postings)| postings.iter().any(|p| p.fact as usize == best.fact))
        };
        let shared = words
            .iter()
            .filter(|word| !analyzer::is_stopword(&word.text) && word.text.chars().count() >= 2)
            .filter(|word| {
                let mut found = false;
                analyzer::for_each_term(std::slice::from_ref(*word), |term| found |= in_fact(term));
                found
            })
            .count();
        shared >= TOLD_ANALOGY_WORDS
    }

    /// The facts' own BM25 over `terms`, best first; analogies only when asked for.
    pub(super) fn score_facts(&self, terms: &[String], asks_analogy: bool) -> Vec<FactHit> {
        let mut scores = vec![0.0f32; self.fact_lengths.len()];
        for term in terms {
            let Some((idf, postings)) = self.postings.get(term) else {
                continue;
            };
            for posting in postings {
                let fact = posting.fact as usize;
                if self.fact_fields[fact] == Field::Analogies && !asks_analogy {
                    continue;
                }
                let length = self.fact_lengths[fact] / self.average_fact_length.max(1.0);
                let tf = posting.count / (1.0 - B + B * length);
                scores[fact] += idf * tf * (K1 + 1.0) / (K1 + tf);
            }
        }
        let mut hits: Vec<FactHit> = scores
            .into_iter()
            .enumerate()
            .filter(|(_, score)| *score > 0.0)
            .map(|(fact, score)| FactHit { fact, score })
            .collect();
        let order = |a: &FactHit, b: &FactHit| b.score.total_cmp(&a.score).then(a.fact.cmp(&b.fact));
        // Only the best are kept: find them first, then sort just those.
        if hits.len() > MAX_FACTS {
            hits.select_nth_unstable_by(MAX_FACTS, order);
            hits.truncate(MAX_FACTS);
        }
        hits.sort_by(order);
        hits
    }
}

pub(super) fn best_field(scores: &[f32; FIELDS]) -> Option<Field> {
    Field::ALL
        .into_iter()
        .filter(|field| scores[field.slot()] > 0.0)
        .max_by(|a, b| scores[a.slot()].total_cmp(&scores[b.slot()]))
}
