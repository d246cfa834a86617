//! The one engine behind every front end: turns a [`Question`] into a [`Reply`].
//!
//! It decides the reply language, retrieves entries, reads the intent (define, compare,
//! a particular aspect, off-topic) and composes the offline answer. It never imports a
//! front end's crates (clap, serenity, poise) and renders nothing itself.

mod compose;
mod conversation;
mod explore;
mod followup;
mod grounded;
mod grounding;
mod guard;
mod intent;
mod lead;
mod limits;
mod reply;
mod smalltalk;

use rustc_hash::FxHashSet as HashSet;
use std::sync::Arc;

use arc_swap::ArcSwap;

pub use conversation::{history, Kept, Store, Turn};
pub use explore::EXPLORABLE;
pub use intent::{Aspect, Intent};
pub use reply::{Mode, Reply, ReplyKind, ReplySection, Source};

use crate::config::{LimitsConfig, LlmConfig};
use crate::knowledge::{Entry, EntryKind, KnowledgeBase, Lang};
use crate::llm::LlmClient;
use crate::prompt::{Prompts, RenderedPrompt};
use crate::search::{analyzer, Field, Index, MentionKind, Search};
use grounded::Grounded;

/// How many retrieved entries a grounded prompt carries: enough for a three-way comparison
/// plus one neighbour, few enough to keep the prompt small and on topic.
const MAX_GROUNDING_ENTRIES: usize = 4;

/// The one engine every front end shares: the current [`Snapshot`] (swapped whole on reload)
/// and, when configured, the LLM that writes grounded answers.
pub struct Assistant {
    current: ArcSwap<Snapshot>,
    llm: Option<Grounded>,
    /// LLM answers per user per minute; `None` is no limit.
    limiter: Option<limits::UserLimiter>,
    /// Questions are read up to this many characters.
    max_question_chars: usize,
}

impl Assistant {
    /// An offline assistant over `knowledge` with the built-in prompt templates.
    pub fn new(knowledge: KnowledgeBase) -> Assistant {
        let prompts = Prompts::builtin().expect("the built-in prompt templates are checked by the unit tests");
        Assistant::with_prompts(knowledge, prompts)
    }

    /// An offline assistant over `knowledge` and `prompts`.
    pub fn with_prompts(knowledge: KnowledgeBase, prompts: Prompts) -> Assistant {
        let defaults = LimitsConfig::default();
        Assistant {
            current: ArcSwap::from_pointee(Snapshot::new(knowledge, prompts)),
            llm: None,
            limiter: None,
            max_question_chars: defaults.max_question_chars,
        }
    }

    /// The same assistant with these bounds: the longest question read, and how many LLM
    /// answers one user may get per minute (see [`Assistant::respond_as`]).
    pub fn with_limits(mut self, limits: &LimitsConfig) -> Assistant {
        self.limiter = limits::UserLimiter::new(limits.llm_per_user_per_minute);
        self.max_question_chars = limits.max_question_chars.max(1);
        self
    }

    /// The same assistant answering through `client` when asked for grounded answers.
    pub fn with_llm(mut self, client: Arc<dyn LlmClient>, config: &LlmConfig) -> Assistant {
        self.llm = Some(Grounded::new(client, config));
        self
    }

    /// Whether grounded answers go to an LLM.
    pub fn llm_enabled(&self) -> bool {
        self.llm.is_some()
    }

    /// The snapshot answers are read from right now; cheap, never blocks a reload.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// Swaps in a new knowledge base and prompts; answers already running finish on the old
    /// snapshot. The caller validates first, so the last good version keeps serving on error.
    pub fn reload(&self, knowledge: KnowledgeBase, prompts: Prompts) {
        self.current.store(Arc::new(Snapshot::new(knowledge, prompts)));
    }

    /// Answers a question from the knowledge base alone, without any network.
    pub fn answer(&self, question: &Question) -> Reply {
        let (bounded, cut) = self.bounded(question);
        self.noted(self.current.load().answer(&bounded), cut)
    }

    /// Answers through the LLM when one is configured (the offline answer otherwise, or
    /// marked `fallback` when the LLM fails). `on_delta` sees the text as it streams.
    pub async fn respond(&self, question: &Question, on_delta: Option<&mut (dyn FnMut(&str) + Send)>) -> Reply {
        self.respond_as(None, question, on_delta).await
    }

    /// [`Assistant::respond`] on behalf of `user` (any stable key, such as a Discord user id):
    /// past the user's quota of LLM answers, the offline answer with a note that says when
    /// to try again.
    pub async fn respond_as(
        &self,
        user: Option<&str>,
        question: &Question,
        on_delta: Option<&mut (dyn FnMut(&str) + Send)>,
    ) -> Reply {
        let (bounded, cut) = self.bounded(question);
        let snapshot = self.snapshot();
        let offline = snapshot.answer(&bounded);
        let reply = match &self.llm {
            Some(_) if matches!(offline.kind, ReplyKind::DontKnow | ReplyKind::SmallTalk) => offline,
            Some(llm) => {
                let refused = user
                    .zip(self.limiter.as_ref())
                    .and_then(|(user, limiter)| limiter.check(user).err().map(|wait| (limiter.per_minute(), wait)));
                match refused {
                    Some((per_minute, wait)) => limits::limited_note(offline, per_minute, wait),
                    None => {
                        // The grounding is retrieved for the question as understood.
                        let asked = offline.resolved.clone().unwrap_or_else(|| bounded.text.clone());
                        let mut reply = llm
                            .answer(&asked, &bounded.earlier, ground(offline), &snapshot, on_delta)
                            .await;
                        // The model's text is the answer; the offline lead stays with the fallback.
                        if reply.mode == Mode::Llm {
                            reply.lead.clear();
                        }
                        reply
                    }
                }
            }
            None => offline,
        };
        self.noted(reply, cut)
    }

    /// `reply` with the note that says the question was cut, when it was.
    fn noted(&self, reply: Reply, cut: bool) -> Reply {
        if cut {
            limits::truncated_note(reply, self.max_question_chars)
        } else {
            reply
        }
    }

    /// The question cut to [`LimitsConfig::max_question_chars`], and whether it was cut.
    fn bounded(&self, question: &Question) -> (Question, bool) {
        let (text, cut) = limits::bounded(&question.text, self.max_question_chars);
        (
            Question {
                text: text.to_string(),
                // The whole question decides the language, not just its beginning.
                lang: Some(question.reply_lang()),
                earlier: question.earlier.clone(),
            },
            cut,
        )
    }

    /// The exact prompt a grounded answer to `question` would send, without sending it;
    /// `None` when nothing is retrieved (no call would be made).
    pub fn prompt(&self, question: &Question) -> Result<Option<RenderedPrompt>, crate::prompt::PromptError> {
        let snapshot = self.snapshot();
        let offline = ground(snapshot.answer(question));
        if matches!(offline.kind, ReplyKind::DontKnow | ReplyKind::SmallTalk) {
            return Ok(None);
        }
        let asked = offline.resolved.as_deref().unwrap_or(&question.text);
        snapshot.grounded_prompt(asked, &offline).map(Some)
    }

    /// Resolves a name typed to `/model` or `xaas model`: id, name, alias or a close typo.
    /// Returns the entry id.
    pub fn resolve(&self, name: &str) -> Result<String, UnknownName> {
        self.current.load().resolve(name).map(|entry| entry.id.clone())
    }

    /// The full explanation of the entry `name` resolves to.
    pub fn model(&self, name: &str, lang: Lang) -> Result<Reply, UnknownName> {
        self.current.load().model(name, lang)
    }

    /// Two or more entries side by side.
    pub fn compare(&self, names: &[&str], lang: Lang) -> Result<Reply, UnknownName> {
        self.current.load().compare(names, lang)
    }
}

/// The offline reply with its sources cut to what a grounded prompt carries, so an LLM
/// answer's sources are exactly the entries the model was given.
fn ground(mut reply: Reply) -> Reply {
    reply.sources.truncate(MAX_GROUNDING_ENTRIES);
    reply
}

/// A question from any front end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// What was asked, as typed.
    pub text: String,
    /// The reply language when the caller knows better (a Discord locale, `--lang`);
    /// otherwise it follows the question: Hangul → Korean, else English.
    pub lang: Option<Lang>,
    /// The earlier turns of its conversation, oldest first; empty for a fresh question.
    /// The front end finds them (a reply chain, a thread, a terminal session); the
    /// assistant reads the question against them.
    pub earlier: Vec<Turn>,
}

impl Question {
    /// A question whose reply language follows its text.
    pub fn new(text: impl Into<String>) -> Question {
        Question {
            text: text.into(),
            lang: None,
            earlier: Vec::new(),
        }
    }

    /// The same question as the next turn after `earlier`.
    pub fn after(mut self, earlier: Vec<Turn>) -> Question {
        self.earlier = earlier;
        self
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

/// One consistent version of everything an answer reads: the knowledge base, its index and
/// the prompt templates. A reload builds a new snapshot and swaps it in whole, so an answer
/// never mixes two versions.
pub struct Snapshot {
    knowledge: KnowledgeBase,
    index: Index,
    prompts: Prompts,
    /// The quiz's questions, read on first use (the command line's `ask` never needs them).
    quiz: std::sync::OnceLock<crate::quiz::Quiz>,
}

impl Snapshot {
    /// Builds the index for `knowledge` (validated already) next to `prompts`.
    pub fn new(knowledge: KnowledgeBase, prompts: Prompts) -> Snapshot {
        let index = Index::build(&knowledge);
        Snapshot {
            knowledge,
            index,
            prompts,
            quiz: std::sync::OnceLock::new(),
        }
    }

    /// The quiz of this knowledge base: a reload brings a new one with the new snapshot, so a
    /// question and the knowledge it was made from never disagree.
    pub fn quiz(&self) -> &crate::quiz::Quiz {
        self.quiz.get_or_init(|| crate::quiz::Quiz::build(&self.knowledge))
    }

    /// The knowledge base in use.
    pub fn knowledge(&self) -> &KnowledgeBase {
        &self.knowledge
    }

    /// The prompt templates in use.
    pub fn prompts(&self) -> &Prompts {
        &self.prompts
    }

    /// The prompt that grounds an LLM answer to `question` in `offline`'s sources, in its
    /// language: what `--show-prompt` prints and what the grounded path sends.
    pub fn grounded_prompt(
        &self,
        question: &str,
        offline: &Reply,
    ) -> Result<RenderedPrompt, crate::prompt::PromptError> {
        let search = self.index.search(question);
        let (entries, facts) = grounding::grounding(&self.knowledge, &search, question, offline);
        self.prompts
            .render(question, offline.lang, &entries, &facts, grounded::MAX_WORDS)
    }

    /// Retrieval only, for evaluation and the grounded prompt.
    pub fn search(&self, text: &str) -> Search {
        self.index.search(text)
    }

    /// Answers a question from this snapshot alone, without any network.
    pub fn answer(&self, question: &Question) -> Reply {
        let lang = question.reply_lang();
        if let Some(kind) = smalltalk::detect(&question.text) {
            return smalltalk::reply(kind, lang, &self.knowledge);
        }
        if !question.earlier.is_empty() {
            match followup::read(self, &question.text, lang, &question.earlier) {
                followup::Reading::Alone => {}
                followup::Reading::Resolved(resolved) => {
                    let search = self.index.search(&resolved);
                    let mut reply = self.compose(&resolved, &search, lang);
                    reply.resolved = Some(resolved);
                    return reply;
                }
                followup::Reading::OffTopic => return compose::dont_know(&self.knowledge, lang),
            }
        }
        let search = self.index.search(&question.text);
        self.compose(&question.text, &search, lang)
    }

    /// Composes the offline reply for an already-run search: the lead that answers the
    /// question, then the two or three sections that support it.
    fn compose(&self, text: &str, search: &Search, lang: Lang) -> Reply {
        let entries = self.knowledge.entries();
        let Some(top) = search.hits.first() else {
            return compose::dont_know(&self.knowledge, lang);
        };
        let intent = intent::detect(text);
        let terms = question_terms(search);
        let question = lead::LeadQuestion {
            search,
            intent: &intent,
            lang,
            terms: &terms,
            text,
        };
        let sources: Vec<Source> = search
            .hits
            .iter()
            .map(|hit| compose::source_of(&entries[hit.entry], lang, hit.score / top.score))
            .collect();

        // "IaaS → PaaS → SaaS → IQaaS": a sequence of models is a topic of its own, not a
        // comparison, so the topic whose text tells it best leads; failing that, the entry
        // whose text does.
        if intent.sequence && search.mentions.len() >= 3 {
            let best_text = search.by_text.first();
            let topic = search
                .by_text
                .iter()
                .find(|hit| entries[hit.entry].kind == EntryKind::Topic);
            let lead = match (topic, best_text) {
                (Some(topic), Some(best)) if topic.text_score >= best.text_score * SEQUENCE_TOPIC_SHARE => Some(topic),
                (_, best) => best,
            };
            if let Some(lead) = lead {
                let mut sources = sources;
                match sources.iter().position(|s| s.id == entries[lead.entry].id) {
                    Some(position) => {
                        let first = sources.remove(position);
                        sources.insert(0, first);
                    }
                    None => sources.insert(0, compose::source_of(&entries[lead.entry], lang, 1.0)),
                }
                sources.truncate(MAX_GROUNDING_ENTRIES + 1);
                let mut reply = compose::answer(&entries[lead.entry], &intent.aspects, true, lang, &terms, sources);
                reply.lead = lead::about_entry(&self.knowledge, &question, lead.entry, true).0;
                reply.about = vec![entries[lead.entry].id.clone()];
                return reply;
            }
        }

        if let Some(compared) = self.compared(search, &intent) {
            let compared: Vec<&Entry> = compared.into_iter().map(|i| &entries[i]).collect();
            let mut sources: Vec<Source> = compared.iter().map(|e| compose::source_of(e, lang, 1.0)).collect();
            for source in compose_sources_rest(&sources, search, entries, lang, top.score) {
                sources.push(source);
            }
            let mut reply = compose::compare(&compared, &intent.aspects, lang, &self.knowledge, sources);
            reply.lead = lead::comparison(&compared, lang);
            reply.about = compared.iter().map(|e| e.id.clone()).collect();
            reply.aspect = intent.aspects.iter().copied().find(|a| *a != Aspect::Definition);
            // The first answer: the summary and the two sections asked for (or what each
            // delivers and who manages what); `/compare` and "more" show everything.
            if intent.more {
                reply.detailed = true;
            } else {
                reply.sections.truncate(compose::MAX_ANSWER_SECTIONS);
            }
            return reply;
        }

        // "AWS는 어떤 서비스 모델이야?": a provider several models share, and no model named.
        if search.mentions.is_empty() {
            if let Some(shared) = search.shared.first() {
                let owners: Vec<usize> = shared.entries.clone();
                let mut sources: Vec<Source> = owners
                    .iter()
                    .map(|&i| compose::source_of(&entries[i], lang, 1.0))
                    .collect();
                sources.truncate(MAX_GROUNDING_ENTRIES);
                let best = owners
                    .iter()
                    .copied()
                    .find(|i| search.hits.first().is_some_and(|hit| hit.entry == *i))
                    .unwrap_or(owners[0]);
                let mut reply = compose::answer(&entries[best], &[Aspect::Providers], false, lang, &terms, sources);
                reply.title = shared.label.clone();
                reply.lead = lead::shared_product(&self.knowledge, &shared.label, &owners, lang);
                reply.about = reply.sources.iter().map(|s| s.id.clone()).collect();
                reply.aspect = Some(Aspect::Providers);
                return reply;
            }
        }

        // No name in the question ("which model gives complete control?"): the entry whose
        // fact matched best answers, when it was retrieved at all, so a model whose row in
        // the overview matched wins over the overview.
        let chosen = if search.mentions.is_empty() {
            let facts = self.knowledge.facts();
            search
                .facts
                .iter()
                .find(|hit| facts[hit.fact].aspect != crate::knowledge::FactAspect::Name)
                .map(|hit| facts[hit.fact].about)
                .and_then(|about| search.hits.iter().find(|hit| hit.entry == about))
                .unwrap_or(top)
        } else {
            top
        };
        let mut sources = sources;
        if let Some(position) = sources.iter().position(|s| s.id == entries[chosen.entry].id) {
            let first = sources.remove(position);
            sources.insert(0, first);
        }
        let entry = &entries[chosen.entry];
        let mention = search.mentions.iter().find(|m| m.entry == chosen.entry);
        let named = mention.is_some();
        let (lead, lead_aspect) = lead::about_entry(&self.knowledge, &question, chosen.entry, named);
        let mut aspects: Vec<Aspect> = intent.aspects.clone();
        let mut lead_sections = false;
        if aspects.is_empty() || aspects == [Aspect::Definition] {
            // The sections support the lead: those of its fact's aspect.
            match lead::intent_aspect(lead_aspect) {
                Some(Aspect::Definition) => {
                    let product = mention.is_some_and(|m| m.kind == MentionKind::Product)
                        || (mention.is_none() && chosen.field == Some(Field::Providers));
                    if product {
                        aspects = vec![Aspect::Providers, Aspect::Definition];
                    } else if entry.kind == EntryKind::Model {
                        let mut reply = if intent.more {
                            compose::detailed(entry, None, lang, sources)
                        } else {
                            compose::brief(entry, lang, sources)
                        };
                        reply.lead = lead;
                        reply.about = vec![entry.id.clone()];
                        reply.aspect = Some(Aspect::Definition);
                        return reply;
                    } else {
                        lead_sections = true;
                    }
                }
                Some(aspect) => aspects = vec![aspect, Aspect::Definition],
                None => lead_sections = true,
            }
        }
        let aspect = aspects
            .first()
            .copied()
            .filter(|_| !lead_sections || !intent.aspects.is_empty());
        let mut reply = if intent.more && entry.kind == EntryKind::Model {
            compose::detailed(entry, aspect, lang, sources)
        } else {
            compose::answer(entry, &aspects, lead_sections, lang, &terms, sources)
        };
        reply.lead = lead;
        reply.about = vec![entry.id.clone()];
        reply.aspect = aspect;
        reply
    }

    /// The entries a question compares, in the order it names them; `None` when it does not
    /// compare. Two named models compare even without a cue word ("IaaS PaaS").
    fn compared(&self, search: &Search, intent: &Intent) -> Option<Vec<usize>> {
        let entries = self.knowledge.entries();
        let mut named: Vec<usize> = Vec::new();
        for mention in &search.mentions {
            let entry = &entries[mention.entry];
            // A topic that is itself a comparison (IaaS vs PaaS) stands for what it compares.
            let expands = intent.compare || search.mentions.len() > 1;
            if expands && compose::is_comparison_topic(entry, entries) {
                for id in &entry.related {
                    if let Some(position) = entries.iter().position(|e| &e.id == id) {
                        if !named.contains(&position) {
                            named.push(position);
                        }
                    }
                }
                continue;
            }
            if !named.contains(&mention.entry) {
                named.push(mention.entry);
            }
        }
        // "Claude API vs renting GPUs": one side named, the other described; the best entry
        // the description found stands for it, when it is a model and clearly relevant.
        if intent.compare && named.len() == 1 {
            let described = search
                .hits
                .iter()
                .find(|hit| !named.contains(&hit.entry) && entries[hit.entry].kind == EntryKind::Model);
            if let Some(hit) = described.filter(|hit| hit.text_score >= DESCRIBED_SIDE_MIN_SCORE) {
                named.push(hit.entry);
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
        // A name is short; anything longer is cut, so a pasted essay costs no more than a name.
        let (name, _) = limits::bounded(name.trim(), MAX_NAME_CHARS);
        let key: String = name.to_lowercase();
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
            name: name.to_string(),
            suggestions,
        })
    }

    /// The full explanation of the entry `name` resolves to.
    pub fn model(&self, name: &str, lang: Lang) -> Result<Reply, UnknownName> {
        let entry = self.resolve(name)?;
        let mut reply = compose::model(entry, lang, Vec::new());
        reply.about = vec![entry.id.clone()];
        reply.detailed = true;
        Ok(reply)
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
        let mut reply = if entries.len() < 2 {
            compose::model(entries[0], lang, Vec::new())
        } else {
            let sources = entries.iter().map(|e| compose::source_of(e, lang, 1.0)).collect();
            compose::compare(&entries, &[], lang, &self.knowledge, sources)
        };
        reply.about = entries.iter().map(|e| e.id.clone()).collect();
        reply.detailed = true;
        Ok(reply)
    }
}

/// The longest model or topic name read by [`Assistant::resolve`].
const MAX_NAME_CHARS: usize = 64;

/// How close a topic's text score must come to the best entry's for the topic to lead a
/// sequence question.
const SEQUENCE_TOPIC_SHARE: f32 = 0.5;

/// The text score a described (unnamed) side of a comparison needs: a few solid matches,
/// not one stray word.
const DESCRIBED_SIDE_MIN_SCORE: f32 = 4.0;

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
    let mut terms = HashSet::default();
    analyzer::for_each_term(&search.words, |term| {
        terms.insert(term.to_string());
    });
    terms
}
