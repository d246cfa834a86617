//! The one engine behind every front end: turns a [`Question`] into a [`Reply`].
//!
//! It decides the reply language, retrieves entries, reads the intent (define, compare,
//! a particular aspect, off-topic) and composes the offline answer. It never imports a
//! front end's crates (clap, serenity, poise) and renders nothing itself.

mod compose;
mod intent;
mod reply;

use std::collections::HashSet;

pub use intent::{Aspect, Intent};
pub use reply::{Mode, Reply, ReplyKind, ReplySection, Source};

use crate::knowledge::{Entry, EntryKind, KnowledgeBase, Lang};
use crate::search::{analyzer, Field, Index, MentionKind, Search};

/// A question from any front end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// What was asked, as typed.
    pub text: String,
    /// The reply language when the caller knows better (a Discord locale, `--lang`);
    /// otherwise it follows the question: Hangul → Korean, else English.
    pub lang: Option<Lang>,
}

impl Question {
    /// A question whose reply language follows its text.
    pub fn new(text: impl Into<String>) -> Question {
        Question {
            text: text.into(),
            lang: None,
        }
    }

    /// The same question with the reply language fixed.
    pub fn in_lang(mut self, lang: Option<Lang>) -> Question {
        self.lang = lang;
        self
    }

    /// The language the reply will be in.
    pub fn reply_lang(&self) -> Lang {
        self.lang.unwrap_or_else(|| analyzer::detect_lang(&self.text))
    }
}

/// A name given to `model`/`compare` that is no entry, with the closest entries to suggest.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no model or topic called `{name}`{}", suggest_list(.suggestions))]
pub struct UnknownName {
    /// What was asked for.
    pub name: String,
    /// Ids of the closest entries, best first.
    pub suggestions: Vec<String>,
}

fn suggest_list(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", suggestions.join(", "))
    }
}

/// The assistant over one knowledge base and its index.
pub struct Assistant {
    knowledge: KnowledgeBase,
    index: Index,
}

impl Assistant {
    /// Builds the index for `knowledge`; the knowledge base is validated already.
    pub fn new(knowledge: KnowledgeBase) -> Assistant {
        let index = Index::build(&knowledge);
        Assistant { knowledge, index }
    }

    /// The knowledge base in use.
    pub fn knowledge(&self) -> &KnowledgeBase {
        &self.knowledge
    }

    /// Retrieval only, for evaluation and the grounded prompt.
    pub fn search(&self, text: &str) -> Search {
        self.index.search(text)
    }

    /// Answers a question from the knowledge base alone, without any network.
    pub fn answer(&self, question: &Question) -> Reply {
        let lang = question.reply_lang();
        let search = self.index.search(&question.text);
        self.compose(&question.text, &search, lang)
    }

    /// Composes the offline reply for an already-run search.
    fn compose(&self, text: &str, search: &Search, lang: Lang) -> Reply {
        let entries = self.knowledge.entries();
        let Some(top) = search.hits.first() else {
            return compose::dont_know(&self.knowledge, lang);
        };
        let intent = intent::detect(text);
        let sources: Vec<Source> = search
            .hits
            .iter()
            .map(|hit| compose::source_of(&entries[hit.entry], lang, hit.score / top.score))
            .collect();

        if let Some(compared) = self.compared(search, &intent) {
            let compared: Vec<&Entry> = compared.into_iter().map(|i| &entries[i]).collect();
            let mut sources: Vec<Source> = compared.iter().map(|e| compose::source_of(e, lang, 1.0)).collect();
            for source in compose_sources_rest(&sources, search, entries, lang, top.score) {
                sources.push(source);
            }
            return compose::compare(&compared, &intent.aspects, lang, &self.knowledge, sources);
        }

        let entry = &entries[top.entry];
        let mention = search.mentions.iter().find(|m| m.entry == top.entry);
        let asked: Vec<Aspect> = intent.aspects.clone();
        if let Some(mention) = mention {
            if mention.kind == MentionKind::Name && (asked.is_empty() || asked == [Aspect::Definition]) {
                return compose::model(entry, lang, sources);
            }
        }
        let mut aspects = asked;
        let mut lead_sections = false;
        if aspects.is_empty() {
            match (mention.map(|m| m.kind), top.field) {
                (Some(MentionKind::Product), _) | (None, Some(Field::Providers)) => {
                    aspects = vec![Aspect::Providers, Aspect::Definition]
                }
                (_, Some(Field::UseCases)) => aspects = vec![Aspect::UseCases],
                (_, Some(Field::Pros)) => aspects = vec![Aspect::Pros],
                (_, Some(Field::Cons)) => aspects = vec![Aspect::Cons],
                (_, Some(Field::Features)) => aspects = vec![Aspect::Features],
                (_, Some(Field::Analogies)) => aspects = vec![Aspect::Analogy, Aspect::Definition],
                (_, Some(Field::Comparison)) => aspects = vec![Aspect::Glance, Aspect::Management],
                (_, Some(Field::Sections)) => lead_sections = true,
                _ if entry.kind == EntryKind::Model => return compose::model(entry, lang, sources),
                _ => lead_sections = true,
            }
        }
        let terms = question_terms(search);
        compose::answer(entry, &aspects, lead_sections, lang, &terms, sources)
    }

    /// The entries a question compares, in the order it names them; `None` when it does not
    /// compare. Two named models compare even without a cue word ("IaaS PaaS").
    fn compared(&self, search: &Search, intent: &Intent) -> Option<Vec<usize>> {
        let entries = self.knowledge.entries();
        let mut named: Vec<usize> = Vec::new();
        for mention in &search.mentions {
            let entry = &entries[mention.entry];
            // A topic that is itself a comparison (IaaS vs PaaS) stands for what it compares.
            if entry.kind == EntryKind::Topic && intent.compare && entry.related.len() >= 2 && search.mentions.len() == 1 {
                for id in &entry.related {
                    if let Some(position) = entries.iter().position(|e| &e.id == id) {
                        named.push(position);
                    }
                }
                continue;
            }
            if !named.contains(&mention.entry) {
                named.push(mention.entry);
            }
        }
        if named.len() < 2 {
            return None;
        }
        let all_models = named.iter().all(|i| entries[*i].kind == EntryKind::Model);
        (intent.compare || all_models).then_some(named)
    }

    /// Resolves a name typed to `/model` or `xaas model`: id, name, alias or a close typo.
    pub fn resolve(&self, name: &str) -> Result<&Entry, UnknownName> {
        let key: String = name.trim().to_lowercase();
        let entries = self.knowledge.entries();
        if let Some(entry) = entries.iter().find(|e| e.id == key) {
            return Ok(entry);
        }
        let search = self.index.search(name);
        if let Some(mention) = search.mentions.first() {
            return Ok(&entries[mention.entry]);
        }
        let mut scored: Vec<(usize, &Entry)> = entries
            .iter()
            .map(|entry| {
                let distance = std::iter::once(entry.id.as_str())
                    .chain([entry.name.en.as_str(), entry.name.ko.as_str()])
                    .chain(entry.aliases())
                    .map(|label| strsim::levenshtein(&label.to_lowercase(), &key))
                    .min()
                    .unwrap_or(usize::MAX);
                (distance, entry)
            })
            .collect();
        scored.sort_by_key(|(distance, _)| *distance);
        let mut suggestions: Vec<String> = scored
            .iter()
            .filter(|(distance, _)| *distance <= key.chars().count().max(3))
            .take(3)
            .map(|(_, entry)| entry.id.clone())
            .collect();
        for hit in search.hits.iter().take(3) {
            let id = &entries[hit.entry].id;
            if !suggestions.contains(id) {
                suggestions.insert(0, id.clone());
            }
        }
        suggestions.truncate(3);
        Err(UnknownName {
            name: name.trim().to_string(),
            suggestions,
        })
    }

    /// The full explanation of the entry `name` resolves to.
    pub fn model(&self, name: &str, lang: Lang) -> Result<Reply, UnknownName> {
        let entry = self.resolve(name)?;
        Ok(compose::model(entry, lang, Vec::new()))
    }

    /// Two or more entries side by side.
    pub fn compare(&self, names: &[&str], lang: Lang) -> Result<Reply, UnknownName> {
        let mut entries: Vec<&Entry> = Vec::new();
        if names.is_empty() {
            return Err(UnknownName {
                name: String::new(),
                suggestions: Vec::new(),
            });
        }
        for name in names {
            let entry = self.resolve(name)?;
            if !entries.iter().any(|e| e.id == entry.id) {
                entries.push(entry);
            }
        }
        if entries.len() < 2 {
            return Ok(compose::model(entries[0], lang, Vec::new()));
        }
        let sources = entries.iter().map(|e| compose::source_of(e, lang, 1.0)).collect();
        Ok(compose::compare(&entries, &[], lang, &self.knowledge, sources))
    }
}

/// Sources after the compared entries: the other hits, relative to the best score.
fn compose_sources_rest(first: &[Source], search: &Search, entries: &[Entry], lang: Lang, top: f32) -> Vec<Source> {
    search
        .hits
        .iter()
        .filter(|hit| !first.iter().any(|s| s.id == entries[hit.entry].id))
        .map(|hit| compose::source_of(&entries[hit.entry], lang, hit.score / top))
        .collect()
}

fn question_terms(search: &Search) -> HashSet<String> {
    let mut terms = HashSet::new();
    analyzer::for_each_term(&search.words, |term| {
        terms.insert(term.to_string());
    });
    terms
}
