//! The quiz: multiple-choice questions generated from the knowledge base, in Korean or
//! English, for `xaas quiz` and (later) Discord buttons.
//!
//! Pure: no Discord, no I/O, no clock, no global random numbers. A question is a function of
//! the knowledge base, a seed, a language and an optional topic, so the same seed asks the
//! same question on every run, and a button that carries its seed (see [`QuizKey`]) finds its
//! question again after a restart.
//!
//! - `kinds`: the six question kinds, what each reads from the knowledge base and which wrong
//!   choices it may offer (never one that is also true).
//! - `reading`: sentences, years, names and label words, read through the search analyzer.
//! - `key`: the compact, validated identity of a question and a chosen answer that fits a
//!   Discord `custom_id`.
//! - `rng`: SplitMix64, seeded by the caller.
//!
//! This module never imports the assistant, a front end, an LLM or a Discord or CLI crate.

mod key;
mod kinds;
mod reading;
mod rng;

pub use key::{QuizAnswer, QuizKey, QuizKeyError, MAX_CUSTOM_ID_LEN};

use kinds::Candidate;
use rng::Rng;

use crate::knowledge::{KnowledgeBase, Lang};

/// What a question asks. Each kind reads one part of the knowledge base (see `kinds`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QuestionKind {
    /// An everyday analogy: which model does it describe?
    Analogy,
    /// A provider or product (AWS, EC2, Heroku): which model is it?
    Product,
    /// Who manages which layer: which of these layers do you (or the provider) manage?
    Manage,
    /// A layer of a stack such as Coatue's AI stack: which one does a model correspond to?
    StackLayer,
    /// A year stated about a topic (GDPR, HIPAA, the Coatue report): which one fills the blank?
    Year,
    /// A role (IQaaS's augment, automate, change): which of these is an example of it?
    Role,
}

impl QuestionKind {
    /// Every kind, in the order a seed chooses among them.
    pub const ALL: [QuestionKind; 6] = [
        QuestionKind::Analogy,
        QuestionKind::Product,
        QuestionKind::Manage,
        QuestionKind::StackLayer,
        QuestionKind::Year,
        QuestionKind::Role,
    ];

    /// The two-letter code in a [`QuizKey`]: short, because a `custom_id` has 100 characters.
    pub fn code(self) -> &'static str {
        match self {
            QuestionKind::Analogy => "an",
            QuestionKind::Product => "pr",
            QuestionKind::Manage => "mg",
            QuestionKind::StackLayer => "st",
            QuestionKind::Year => "yr",
            QuestionKind::Role => "ro",
        }
    }

    /// Parses a code written by [`QuestionKind::code`].
    pub fn from_code(code: &str) -> Option<QuestionKind> {
        QuestionKind::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// A readable name, for logs.
    pub fn name(self) -> &'static str {
        match self {
            QuestionKind::Analogy => "analogy",
            QuestionKind::Product => "product",
            QuestionKind::Manage => "manage",
            QuestionKind::StackLayer => "stack_layer",
            QuestionKind::Year => "year",
            QuestionKind::Role => "role",
        }
    }
}

/// One multiple-choice question, plain data for a front end to render: exactly four
/// distinct choices, exactly one of them right.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuizQuestion {
    /// What it asks.
    pub kind: QuestionKind,
    /// The language of every text in it.
    pub lang: Lang,
    /// The seed it was generated from; with the language and topic it regenerates it.
    pub seed: u64,
    /// The topic filter it was generated under, if any (an entry id).
    pub topic: Option<String>,
    /// The id of the entry it is about (the model of a who-manages question, GDPR for its year).
    pub about: String,
    /// The id of the entry whose file states the answer: the source a front end cites.
    pub source: String,
    /// The question itself (it may span lines: a quoted analogy or sentence follows).
    pub prompt: String,
    /// The four choices, in the order shown.
    pub choices: [String; 4],
    /// The index into `choices` of the right one.
    pub answer: usize,
    /// Why the answer is right, from the knowledge base, in the question's language.
    pub explanation: String,
}

impl QuizQuestion {
    /// Whether `choice` (an index into `choices`) is the right one.
    pub fn is_right(&self, choice: usize) -> bool {
        choice == self.answer
    }

    /// The identity of this question with `choice` picked: what a button carries.
    pub fn key(&self, choice: usize) -> QuizKey {
        QuizKey {
            kind: self.kind,
            seed: self.seed,
            lang: self.lang,
            topic: self.topic.clone(),
            about: self.about.clone(),
            check: self.fingerprint(),
            choice,
        }
    }

    /// The `custom_id` of the button for `choice`: at most [`MAX_CUSTOM_ID_LEN`] characters,
    /// read back by [`Quiz::parse`]. An error only for a choice out of range or ids too long.
    pub fn custom_id(&self, choice: usize) -> Result<String, QuizKeyError> {
        self.key(choice).encode()
    }

    /// A 32-bit FNV-1a hash of what the question shows, so a button made before a knowledge
    /// change that altered its question is told apart from one that still matches. Stable
    /// across runs and platforms, which `DefaultHasher` does not promise.
    pub fn fingerprint(&self) -> u32 {
        let mut hash: u32 = 0x811c_9dc5;
        let answer = self.answer.to_string();
        let parts = [self.kind.code(), &self.about, &self.source, &self.prompt, &answer]
            .into_iter()
            .chain(self.choices.iter().map(String::as_str));
        for part in parts {
            for byte in part.bytes().chain([0]) {
                hash ^= u32::from(byte);
                hash = hash.wrapping_mul(0x0100_0193);
            }
        }
        hash
    }
}

/// Why no question could be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QuizError {
    /// The topic is no entry id.
    #[error("no model or topic `{topic}`; use one of: {}", .known.join(", "))]
    UnknownTopic {
        /// The topic asked for.
        topic: String,
        /// The topics that have questions, to say what to do instead.
        known: Vec<String>,
    },
    /// The knowledge base (or the topic) yields no question.
    #[error("{}", match .topic {
        Some(topic) => format!("there are no quiz questions about `{topic}`; try another topic"),
        None => "the knowledge base yields no quiz questions".to_string(),
    })]
    NoQuestions {
        /// The topic asked for, if any.
        topic: Option<String>,
    },
}

/// Every question one knowledge base can ask, read once: build it with the knowledge base
/// (at start and on reload) and ask it for questions by seed. Reading is the costly part;
/// a question is then a few picks.
#[derive(Clone, Debug)]
pub struct Quiz {
    /// The knowledge base's entry ids, by index.
    ids: Vec<String>,
    /// The candidates in English and in Korean.
    english: Vec<Candidate>,
    korean: Vec<Candidate>,
}

/// Mixed into the seed for the second stage of a pick, so that stage draws the same numbers
/// whether it follows the first stage (a new question) or runs alone (a button read back).
const STAGE_TWO: u64 = 0x5155_495A_5155_495A;

/// How many seeds a session tries for one question before it allows a repeat (a narrow topic
/// such as GDPR has only one or two questions).
const TRIES_AGAINST_REPEATS: usize = 16;

impl Quiz {
    /// Reads every question `knowledge` can ask, in both languages.
    pub fn build(knowledge: &KnowledgeBase) -> Quiz {
        let [english, korean] = kinds::candidates(knowledge);
        Quiz {
            ids: knowledge.entries().iter().map(|entry| entry.id.clone()).collect(),
            english,
            korean,
        }
    }

    fn candidates(&self, lang: Lang) -> &[Candidate] {
        match lang {
            Lang::En => &self.english,
            Lang::Ko => &self.korean,
        }
    }

    /// The entry ids there are questions about, in knowledge order: what `--topic` accepts.
    pub fn topics(&self) -> Vec<&str> {
        let mut topics: Vec<usize> = self.english.iter().flat_map(|c| c.subjects.iter().copied()).collect();
        topics.sort_unstable();
        topics.dedup();
        topics.into_iter().map(|entry| self.ids[entry].as_str()).collect()
    }

    /// The question for `seed` in `lang`, about `topic` (an entry id such as `iaas`, `gdpr`,
    /// `ai-stack`) when one is given. The same arguments give the same question for the same
    /// knowledge base. A seed picks a kind, then an entry, then the question and its choices,
    /// so every kind comes up as often, whatever the number of products or analogies.
    pub fn question(&self, seed: u64, lang: Lang, topic: Option<&str>) -> Result<QuizQuestion, QuizError> {
        let topic = self.topic(topic)?;
        let matching = self.matching(lang, topic);
        let mut rng = Rng::new(seed);
        let kinds: Vec<QuestionKind> = QuestionKind::ALL
            .into_iter()
            .filter(|kind| matching.iter().any(|candidate| candidate.kind == *kind))
            .collect();
        if kinds.is_empty() {
            return Err(QuizError::NoQuestions {
                topic: topic.map(|entry| self.ids[entry].clone()),
            });
        }
        let kind = kinds[rng.below(kinds.len())];
        let mut abouts: Vec<usize> = matching
            .iter()
            .filter(|candidate| candidate.kind == kind)
            .map(|candidate| candidate.about)
            .collect();
        abouts.dedup();
        abouts.sort_unstable();
        abouts.dedup();
        let about = abouts[rng.below(abouts.len())];
        self.assemble(&matching, kind, about, seed, lang, topic)
            .ok_or(QuizError::NoQuestions {
                topic: topic.map(|entry| self.ids[entry].clone()),
            })
    }

    /// `count` questions for one session from one seed, each with a seed of its own (drawn
    /// from `seed`), without repeating a question while the topic has others to ask.
    pub fn questions(
        &self,
        seed: u64,
        lang: Lang,
        topic: Option<&str>,
        count: usize,
    ) -> Result<Vec<QuizQuestion>, QuizError> {
        let mut seeds = Rng::new(seed);
        let mut asked: Vec<QuizQuestion> = Vec::with_capacity(count);
        while asked.len() < count {
            let mut tries = 0;
            loop {
                let question = self.question(seeds.next_u64(), lang, topic)?;
                tries += 1;
                let repeat = asked.iter().any(|earlier| {
                    earlier.prompt == question.prompt
                        && earlier.choices[earlier.answer] == question.choices[question.answer]
                });
                if !repeat || tries >= TRIES_AGAINST_REPEATS {
                    asked.push(question);
                    break;
                }
            }
        }
        Ok(asked)
    }

    /// Reads a button's `custom_id` back: the question it was made for (regenerated from its
    /// seed) and the choice it picks. Anything malformed, too long, naming an entry no longer
    /// in the knowledge base, or made for a question that has changed since is an error; no
    /// string panics it.
    pub fn parse(&self, custom_id: &str) -> Result<QuizAnswer, QuizKeyError> {
        let key = QuizKey::decode(custom_id)?;
        let topic = match &key.topic {
            Some(topic) => Some(
                self.position(topic)
                    .ok_or_else(|| QuizKeyError::UnknownEntry(topic.clone()))?,
            ),
            None => None,
        };
        let about = self
            .position(&key.about)
            .ok_or_else(|| QuizKeyError::UnknownEntry(key.about.clone()))?;
        let matching = self.matching(key.lang, topic);
        let question = self
            .assemble(&matching, key.kind, about, key.seed, key.lang, topic)
            .ok_or(QuizKeyError::Stale)?;
        if question.fingerprint() != key.check {
            return Err(QuizKeyError::Stale);
        }
        Ok(QuizAnswer {
            question,
            choice: key.choice,
        })
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.ids.iter().position(|known| known == id)
    }

    /// The topic's entry index; an unknown one is an error that lists the known ones.
    fn topic(&self, topic: Option<&str>) -> Result<Option<usize>, QuizError> {
        let Some(topic) = topic else { return Ok(None) };
        let wanted = topic.trim().to_lowercase();
        match self.position(&wanted) {
            Some(entry) => Ok(Some(entry)),
            None => Err(QuizError::UnknownTopic {
                topic: topic.to_string(),
                known: self.topics().into_iter().map(str::to_string).collect(),
            }),
        }
    }

    /// The candidates in `lang` that the topic filter lets through.
    fn matching(&self, lang: Lang, topic: Option<usize>) -> Vec<&Candidate> {
        self.candidates(lang)
            .iter()
            .filter(|candidate| topic.is_none_or(|topic| candidate.subjects.contains(&topic)))
            .collect()
    }

    /// The second stage of a pick, the one a button replays: among the candidates of `kind`
    /// about `about`, a group, a variant, three wrong choices and their order, all from the
    /// seed alone. `None` when there is no such candidate (any more).
    fn assemble(
        &self,
        matching: &[&Candidate],
        kind: QuestionKind,
        about: usize,
        seed: u64,
        lang: Lang,
        topic: Option<usize>,
    ) -> Option<QuizQuestion> {
        let mine: Vec<&Candidate> = matching
            .iter()
            .copied()
            .filter(|candidate| candidate.kind == kind && candidate.about == about)
            .collect();
        let mut groups: Vec<&str> = Vec::new();
        for candidate in &mine {
            if !groups.contains(&candidate.group.as_str()) {
                groups.push(&candidate.group);
            }
        }
        if groups.is_empty() {
            return None;
        }
        let mut rng = Rng::new(seed ^ STAGE_TWO);
        let group = groups[rng.below(groups.len())];
        let variants: Vec<&Candidate> = mine.into_iter().filter(|candidate| candidate.group == group).collect();
        let candidate = variants[rng.below(variants.len())];
        let mut wrong: Vec<usize> = (0..candidate.pool.len()).collect();
        rng.shuffle(&mut wrong);
        // (is the answer, the choice)
        let mut picked: Vec<(bool, &kinds::Choice)> = vec![(true, &candidate.answer)];
        picked.extend(wrong.into_iter().take(3).map(|index| (false, &candidate.pool[index])));
        if picked.len() != 4 {
            return None;
        }
        if candidate.sorted {
            picked.sort_by_key(|(_, choice)| choice.rank);
        } else {
            rng.shuffle(&mut picked);
        }
        let answer = picked.iter().position(|(is_answer, _)| *is_answer)?;
        let choices = [
            picked[0].1.text.clone(),
            picked[1].1.text.clone(),
            picked[2].1.text.clone(),
            picked[3].1.text.clone(),
        ];
        Some(QuizQuestion {
            kind,
            lang,
            seed,
            topic: topic.map(|entry| self.ids[entry].clone()),
            about: self.ids[candidate.about].clone(),
            source: self.ids[candidate.source].clone(),
            prompt: candidate.prompt.clone(),
            choices,
            answer,
            explanation: candidate.explanation.clone(),
        })
    }
}

#[cfg(test)]
mod tests;
