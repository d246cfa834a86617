//! The question kinds: what each one reads from the knowledge base, which wrong choices it
//! may offer, and why none of them is also true.
//!
//! Every kind builds *candidates*: a question with its right answer and a pool of wrong
//! choices that the knowledge base does not support in any way it can be read to. The rule
//! is one-sided on purpose: when in doubt a choice leaves the pool (a question with fewer
//! possible distractors is fine; a question with two right answers is a bug), and a
//! candidate whose pool holds fewer than three choices is never asked.
//!
//! What is read, kind by kind (all of it data, none of it named in code):
//! - analogy: the `analogies` of models; the wrong models are those the analogy does not name
//!   and that have no analogy of the same text.
//! - product: provider names and products of models; the wrong models are those that neither
//!   list it nor mention it anywhere (AWS, listed under five models, is asked with the three
//!   that do not list it as the wrong choices).
//! - manage: `[management]`; a layer that the note, the "what you manage" column or another
//!   entry's who-manages row mentions together with the other side ("you still configure your
//!   virtual networks" under IaaS) is contested and never a choice.
//! - stack layer: the `layer` sections of one entry titled "<position>: <name>", whose title
//!   names the model they match ("Layer 2: Cloud platforms (IaaS)"); a layer the model's own
//!   texts also speak of (IaaS "matches the data-center and cloud-platform layers") is no
//!   wrong choice for it.
//! - year: a sentence about a topic that states exactly one year; the wrong years are near it
//!   and stated nowhere about that topic (GDPR's 2016 is never a wrong answer for 2018).
//! - role: `role` items written "<Role>: <what it does> (<example>, <example>)"; the wrong
//!   examples are other roles' examples that no text of the asked role names.

use rustc_hash::FxHashSet;

use super::reading::{blank_names, blank_the_year, name_key, sentences, speaks_of, terms, years, Named};
use super::QuestionKind;
use crate::knowledge::{Entry, EntryKind, Fact, FactAspect, KnowledgeBase, Lang, Layer, Provider, Text};

/// What a choice stands for in the knowledge base, so that tests can check every choice
/// against the data independently of how the pool was built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Value {
    /// An entry (a model), by index.
    Model(usize),
    /// A layer of the who-manages-what stack.
    Layer(Layer),
    /// A layer of a stack such as Coatue's AI stack, by the index of its section's fact.
    StackLayer(usize),
    /// A year.
    Year(u16),
    /// An example named in a role, as the knowledge base writes it.
    Example(String),
}

/// One choice: what is shown, where it sorts when the choices are shown in order, and what
/// it stands for.
#[derive(Clone, Debug)]
pub(super) struct Choice {
    /// The text shown, in the question's language.
    pub text: String,
    /// Its place when choices are shown in order (years ascending).
    pub rank: u32,
    /// What it stands for.
    pub value: Value,
}

/// What a question asks, in the knowledge base's own terms. Read by the tests' oracle.
#[derive(Clone, Debug)]
#[cfg_attr(not(test), allow(dead_code))]
pub(super) enum Claim {
    /// Which model the analogy fact describes.
    Analogy { fact: usize },
    /// Which model lists the provider or product with this name key.
    Product { key: String },
    /// Which layer the customer (or the provider) manages in this entry.
    Manage { entry: usize, customer: bool },
    /// Which layer of a stack (a section fact) the model corresponds to.
    StackLayer { model: usize },
    /// Which year the sentence about this entry states.
    Year { entry: usize },
    /// Which example belongs to the role with this label (English, lowercase).
    Role { about: usize, label: String },
}

/// A question ready to be asked but for the random parts: which three wrong choices out of
/// the pool, and their order.
#[derive(Clone, Debug)]
pub(super) struct Candidate {
    /// Its kind.
    pub kind: QuestionKind,
    /// The entry it is about: the first choice a seed makes after the kind, and what a
    /// button's id names so that a changed knowledge base is noticed.
    pub about: usize,
    /// The entry whose file states the answer.
    pub source: usize,
    /// The entries a topic filter matches it by.
    pub subjects: Vec<usize>,
    /// Candidates of one group are variants of one question (the same product, another
    /// right layer); a seed picks a group, then a variant, so no group crowds out the rest.
    pub group: String,
    /// The question.
    pub prompt: String,
    /// The right choice.
    pub answer: Choice,
    /// Wrong choices, distinct from each other and from the answer, none of them also true;
    /// at least three.
    pub pool: Vec<Choice>,
    /// Show the four choices in rank order (years) instead of shuffled.
    pub sorted: bool,
    /// Why the answer is right, from the knowledge base.
    pub explanation: String,
    /// What it asks, for the tests' oracle.
    #[cfg_attr(not(test), allow(dead_code))]
    pub claim: Claim,
}

/// Every candidate the knowledge base yields, in English and in Korean, kind by kind, in
/// knowledge order. The reading is shared; only the texts differ by language.
pub(super) fn candidates(knowledge: &KnowledgeBase) -> [Vec<Candidate>; 2] {
    let mut reader = Reader::new(knowledge, Lang::En);
    let english = reader.all();
    reader.lang = Lang::Ko;
    let korean = reader.all();
    [english, korean]
}

/// How far a wrong year may lie from the right one: near enough to be a real question.
const MAX_YEAR_DISTANCE: u16 = 5;

/// Words that make a sentence about who manages a layer speak of the customer's side.
const CUSTOMER_CUES: &[&str] = &[
    "you",
    "your",
    "yours",
    "yourself",
    "customer",
    "customers",
    "사용자",
    "고객",
    "직접",
];
/// Words that make it speak of the provider's side.
const PROVIDER_CUES: &[&str] = &["provider", "providers", "제공자", "제공업체"];

/// The knowledge base, read once for one language: the models, every entry's name keys and
/// every fact's words.
struct Reader<'a> {
    knowledge: &'a KnowledgeBase,
    lang: Lang,
    /// Indexes of the model entries, in knowledge order.
    models: Vec<usize>,
    /// Per entry, the keys of its id, names and full names.
    name_keys: Vec<Vec<String>>,
    /// Per entry, those plus its aliases (a Hangul alias of one or two syllables is too
    /// likely an everyday word to count).
    all_name_keys: Vec<Vec<String>>,
    /// Per fact, its English and its Korean text prepared for name matching.
    fact_words: Vec<[Named; 2]>,
}

impl<'a> Reader<'a> {
    fn new(knowledge: &'a KnowledgeBase, lang: Lang) -> Reader<'a> {
        let entries = knowledge.entries();
        let models = (0..entries.len())
            .filter(|&e| entries[e].kind == EntryKind::Model)
            .collect();
        let name_keys = entries
            .iter()
            .map(|entry| {
                let mut keys: Vec<String> = own_names(entry).iter().map(|name| name_key(name)).collect();
                keys.retain(|key| !key.is_empty());
                keys.dedup();
                keys
            })
            .collect();
        let all_name_keys = entries
            .iter()
            .map(|entry| {
                let mut keys: Vec<String> = all_names(entry).iter().map(|name| name_key(name)).collect();
                keys.retain(|key| !key.is_empty());
                keys.sort();
                keys.dedup();
                keys
            })
            .collect();
        let fact_words = knowledge
            .facts()
            .iter()
            .map(|fact| [Named::new(&fact.text.en), Named::new(&fact.text.ko)])
            .collect();
        Reader {
            knowledge,
            lang,
            models,
            name_keys,
            all_name_keys,
            fact_words,
        }
    }

    fn all(&self) -> Vec<Candidate> {
        let mut found = Vec::new();
        self.analogies(&mut found);
        self.products(&mut found);
        self.management(&mut found);
        self.stack_layers(&mut found);
        self.years(&mut found);
        self.roles(&mut found);
        found
    }

    fn entries(&self) -> &'a [Entry] {
        self.knowledge.entries()
    }

    fn facts(&self) -> &'a [Fact] {
        self.knowledge.facts()
    }

    /// Whether these words name entry `entry` by any of its names or aliases.
    fn names_entry(&self, text: &Named, entry: usize) -> bool {
        self.all_name_keys[entry].iter().any(|key| text.names(key))
    }

    /// The model entries that these words name by id, name or full name.
    fn models_named(&self, text: &Named) -> Vec<usize> {
        self.models
            .iter()
            .copied()
            .filter(|&model| self.name_keys[model].iter().any(|key| text.names(key)))
            .collect()
    }

    /// Whether any fact about entry `entry`, or held in its file, names `key` in either language.
    fn mentions(&self, entry: usize, key: &str) -> bool {
        self.knowledge
            .facts_about(entry)
            .iter()
            .any(|&fact| self.fact_words[fact].iter().any(|text| text.names(key)))
    }

    /// A model's name as a choice.
    fn model_choice(&self, model: usize) -> Choice {
        Choice {
            text: self.entries()[model].name.get(self.lang).to_string(),
            rank: u32::try_from(model).unwrap_or(u32::MAX),
            value: Value::Model(model),
        }
    }

    fn name(&self, entry: usize) -> &'a str {
        self.entries()[entry].name.get(self.lang)
    }

    /// Analogy → which model.
    fn analogies(&self, found: &mut Vec<Candidate>) {
        let entries = self.entries();
        for (index, fact) in self.facts().iter().enumerate() {
            if fact.aspect != FactAspect::Analogy || entries[fact.about].kind != EntryKind::Model {
                continue;
            }
            let about = fact.about;
            let names_to_blank = all_names(&entries[about]);
            let blanked = blank_names(fact.text.get(self.lang), &names_to_blank);
            // Still naming the answer (a spelling the blanking missed): no question.
            if self.names_entry(&Named::new(&blanked), about) {
                continue;
            }
            let same_text = |model: usize| {
                self.knowledge.facts_about(model).iter().any(|&other| {
                    let other = &self.facts()[other];
                    other.about == model && other.aspect == FactAspect::Analogy && other.text == fact.text
                })
            };
            let pool = self
                .models
                .iter()
                .copied()
                .filter(|&model| model != about)
                .filter(|&model| !self.fact_words[index].iter().any(|text| self.names_entry(text, model)))
                .filter(|&model| !same_text(model))
                .map(|model| self.model_choice(model))
                .collect();
            let prompt = match self.lang {
                Lang::En => format!("Which service model does this analogy describe?\n“{blanked}”"),
                Lang::Ko => format!("다음 비유는 어떤 서비스 모델을 설명할까요?\n“{blanked}”"),
            };
            let explanation = format!("{}: {}", entries[about].title(self.lang), fact.text.get(self.lang));
            push(
                found,
                Candidate {
                    kind: QuestionKind::Analogy,
                    about,
                    source: fact.holder,
                    subjects: vec![about, fact.holder],
                    group: format!("fact-{index}"),
                    prompt,
                    answer: self.model_choice(about),
                    pool,
                    sorted: false,
                    explanation,
                    claim: Claim::Analogy { fact: index },
                },
            );
        }
    }

    /// Provider or product → which model.
    fn products(&self, found: &mut Vec<Candidate>) {
        /// One provider name or product, with every model that lists it.
        struct Item<'k> {
            key: String,
            /// What the question shows: "EC2 (AWS)" for a product, "AWS" for a provider.
            clue: String,
            is_product: bool,
            /// For a provider, the key of its first word: the company, which may offer
            /// other models under other names (Google Cloud and Google Workspace).
            company: Option<String>,
            holders: Vec<(usize, &'k Provider)>,
        }
        let entries = self.entries();
        let mut items: Vec<Item<'a>> = Vec::new();
        for &model in &self.models {
            for provider in &entries[model].providers {
                let labels = std::iter::once((provider.name.clone(), false))
                    .chain(provider.products.iter().map(|product| (product.clone(), true)));
                for (label, is_product) in labels {
                    let key = name_key(&label);
                    if key.is_empty() {
                        continue;
                    }
                    let position = match items.iter().position(|item| item.key == key) {
                        Some(position) => position,
                        None => {
                            // "EC2 (AWS)"; but "Gemini", not "Gemini (Google Gemini)".
                            let clue = if is_product && !name_key(&provider.name).contains(&key) {
                                format!("{label} ({})", provider.name)
                            } else {
                                label.clone()
                            };
                            let company = (!is_product)
                                .then(|| label.split_whitespace().next().map(name_key))
                                .flatten()
                                .filter(|company| !company.is_empty());
                            items.push(Item {
                                key,
                                clue,
                                is_product,
                                company,
                                holders: Vec::new(),
                            });
                            items.len() - 1
                        }
                    };
                    if !items[position].holders.iter().any(|(holder, _)| *holder == model) {
                        items[position].holders.push((model, provider));
                    }
                }
            }
        }
        for item in &items {
            let pool: Vec<Choice> = self
                .models
                .iter()
                .copied()
                .filter(|&model| !item.holders.iter().any(|(holder, _)| *holder == model))
                .filter(|&model| !self.all_name_keys[model].contains(&item.key))
                .filter(|&model| !self.mentions(model, &item.key))
                .filter(|&model| {
                    item.company
                        .as_ref()
                        .is_none_or(|company| !self.mentions(model, company))
                })
                .map(|model| self.model_choice(model))
                .collect();
            for &(holder, provider) in &item.holders {
                let prompt = match (self.lang, item.is_product) {
                    (Lang::En, true) => format!("Which of these service models is {} an example of?", item.clue),
                    (Lang::En, false) => format!(
                        "Which of these service models is {} listed as a provider of?",
                        item.clue
                    ),
                    (Lang::Ko, true) => format!("다음 중 {}에 해당하는 서비스 모델은 무엇일까요?", item.clue),
                    (Lang::Ko, false) => format!(
                        "다음 중 제공 업체 목록에 {} 항목이 있는 서비스 모델은 무엇일까요?",
                        item.clue
                    ),
                };
                let listed = if provider.products.is_empty() {
                    provider.name.clone()
                } else {
                    format!("{} ({})", provider.name, provider.products.join(", "))
                };
                let others: Vec<&str> = item
                    .holders
                    .iter()
                    .filter(|(other, _)| *other != holder)
                    .map(|(other, _)| self.name(*other))
                    .collect();
                let mut explanation = match self.lang {
                    Lang::En => format!(
                        "{} lists {listed}: {}",
                        entries[holder].title(self.lang),
                        provider.about.en
                    ),
                    Lang::Ko => format!("{}의 제공 업체: {listed}. {}", self.name(holder), provider.about.ko),
                };
                if !others.is_empty() {
                    let others = others.join(", ");
                    explanation.push_str(&match self.lang {
                        Lang::En => format!(
                            " {} is also listed under {others}, none of which was among the choices.",
                            item.clue
                        ),
                        Lang::Ko => format!(
                            " {} 항목은 {others}에도 있지만, 이 모델들은 보기에 없었습니다.",
                            item.clue
                        ),
                    });
                }
                push(
                    found,
                    Candidate {
                        kind: QuestionKind::Product,
                        about: holder,
                        source: holder,
                        subjects: vec![holder],
                        group: item.key.clone(),
                        prompt,
                        answer: self.model_choice(holder),
                        pool: pool.clone(),
                        sorted: false,
                        explanation,
                        claim: Claim::Product { key: item.key.clone() },
                    },
                );
            }
        }
    }

    /// Which layer you (or the provider) manage in a model.
    fn management(&self, found: &mut Vec<Candidate>) {
        let entries = self.entries();
        for &model in &self.models {
            let entry = &entries[model];
            let Some(management) = &entry.management else { continue };
            let contested = self.contested_layers(model);
            for customer in [true, false] {
                let (side, other) = if customer {
                    (&management.customer, &management.provider)
                } else {
                    (&management.provider, &management.customer)
                };
                let layer_choice = |layer: Layer| Choice {
                    text: layer.label(self.lang).to_string(),
                    rank: Layer::ALL.iter().position(|l| *l == layer).map_or(0, |p| p as u32),
                    value: Value::Layer(layer),
                };
                let pool: Vec<Choice> = other
                    .iter()
                    .copied()
                    .filter(|layer| !contested.contains(layer))
                    .map(layer_choice)
                    .collect();
                let list = |layers: &[Layer], none: &str| {
                    if layers.is_empty() {
                        none.to_string()
                    } else {
                        layers
                            .iter()
                            .map(|layer| layer.label(self.lang))
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                };
                let name = self.name(model);
                let explanation = match self.lang {
                    Lang::En => format!(
                        "In {name} you manage: {}. The provider manages: {}.",
                        list(&management.customer, "nothing"),
                        list(&management.provider, "nothing")
                    ),
                    Lang::Ko => format!(
                        "{name}에서 사용자가 관리: {}. 제공자가 관리: {}.",
                        list(&management.customer, "없음"),
                        list(&management.provider, "없음")
                    ),
                };
                let prompt = match (self.lang, customer) {
                    (Lang::En, true) => format!("In {name}, which of these layers do you manage yourself?"),
                    (Lang::En, false) => format!("In {name}, which of these layers does the provider manage?"),
                    (Lang::Ko, true) => format!("{name}에서 사용자가 직접 관리하는 계층은 다음 중 무엇일까요?"),
                    (Lang::Ko, false) => format!("{name}에서 제공자가 관리하는 계층은 다음 중 무엇일까요?"),
                };
                for &right in side.iter().filter(|layer| !contested.contains(layer)) {
                    push(
                        found,
                        Candidate {
                            kind: QuestionKind::Manage,
                            about: model,
                            source: model,
                            subjects: vec![model],
                            group: if customer { "you" } else { "provider" }.to_string(),
                            prompt: prompt.clone(),
                            answer: layer_choice(right),
                            pool: pool.clone(),
                            sorted: false,
                            explanation: explanation.clone(),
                            claim: Claim::Manage { entry: model, customer },
                        },
                    );
                }
            }
        }
    }

    /// The layers of `model` that some text puts on the other side too: a provider-managed
    /// layer mentioned in a sentence that speaks of the customer, or the reverse. Read from
    /// the management note, the "what you manage" column (all of it the customer's side) and
    /// who-manages facts about the model held by other entries (the overview's rows).
    fn contested_layers(&self, model: usize) -> Vec<Layer> {
        let entry = &self.entries()[model];
        let Some(management) = &entry.management else {
            return Vec::new();
        };
        // (text, always the customer's side)
        let mut statements: Vec<(&str, bool)> = Vec::new();
        if let Some(note) = &management.note {
            statements.push((&note.en, false));
            statements.push((&note.ko, false));
        }
        if let Some(comparison) = &entry.comparison {
            statements.push((&comparison.you_manage.en, true));
            statements.push((&comparison.you_manage.ko, true));
        }
        for &fact in self.knowledge.facts_about(model) {
            let fact = &self.facts()[fact];
            if fact.about == model && fact.holder != model && fact.aspect == FactAspect::Manage {
                statements.push((&fact.text.en, false));
                statements.push((&fact.text.ko, false));
            }
        }
        let mut contested = Vec::new();
        for (text, customer_side) in statements {
            for sentence in sentences(text) {
                let words: Vec<String> = crate::search::analyzer::words(sentence)
                    .into_iter()
                    .map(|w| w.text)
                    .collect();
                let has = |cues: &[&str]| words.iter().any(|word| cues.contains(&word.as_str()));
                let customer_cue = customer_side || has(CUSTOMER_CUES);
                let provider_cue = has(PROVIDER_CUES);
                let sentence_terms = terms(sentence);
                let spoken = |layer: Layer| {
                    speaks_of(&sentence_terms, layer.label(Lang::En))
                        || speaks_of(&sentence_terms, layer.label(Lang::Ko))
                };
                for &layer in &management.provider {
                    if customer_cue && spoken(layer) && !contested.contains(&layer) {
                        contested.push(layer);
                    }
                }
                for &layer in &management.customer {
                    if provider_cue && spoken(layer) && !contested.contains(&layer) {
                        contested.push(layer);
                    }
                }
            }
        }
        contested
    }

    /// The stacks of the knowledge base: per entry holding them, the `layer` section facts
    /// titled "<position>: <name>", at least four of them.
    fn stacks(&self) -> Vec<(usize, Vec<StackLayer>)> {
        let mut stacks: Vec<(usize, Vec<StackLayer>)> = Vec::new();
        for (index, fact) in self.facts().iter().enumerate() {
            if fact.aspect != FactAspect::Layer || fact.intro {
                continue;
            }
            let Some(heading) = &fact.heading else { continue };
            let (Some(en), Some(ko)) = (layer_name(&heading.en), layer_name(&heading.ko)) else {
                continue;
            };
            let layer = StackLayer {
                fact: index,
                name: Text { en, ko },
                models: self.models_named(&Named::new(&heading.en)),
            };
            match stacks.iter_mut().find(|(holder, _)| *holder == fact.holder) {
                Some((_, layers)) => layers.push(layer),
                None => stacks.push((fact.holder, vec![layer])),
            }
        }
        stacks.retain(|(_, layers)| layers.len() >= 4);
        stacks
    }

    /// Which stack layer a model corresponds to.
    fn stack_layers(&self, found: &mut Vec<Candidate>) {
        for (holder, layers) in self.stacks() {
            let stack_sentences = self.stack_sentences(holder);
            for &model in &self.models {
                if !layers.iter().any(|layer| layer.models.contains(&model)) {
                    continue;
                }
                let said = said_about(&stack_sentences, model);
                let is_true = |layer: &StackLayer| {
                    layer.models.contains(&model)
                        || said
                            .iter()
                            .any(|text| speaks_of(text, &layer.name.en) || speaks_of(text, &layer.name.ko))
                };
                let layer_choice = |(position, layer): (usize, &StackLayer)| Choice {
                    text: layer.name.get(self.lang).to_string(),
                    rank: position as u32,
                    value: Value::StackLayer(layer.fact),
                };
                let pool: Vec<Choice> = layers
                    .iter()
                    .enumerate()
                    .filter(|(_, layer)| !is_true(layer))
                    .map(layer_choice)
                    .collect();
                let stack_name = self.name(holder);
                let name = self.name(model);
                for (position, layer) in layers
                    .iter()
                    .enumerate()
                    .filter(|(_, layer)| layer.models.contains(&model))
                {
                    let fact = &self.facts()[layer.fact];
                    let heading = fact.heading.as_ref().map_or("", |heading| heading.get(self.lang));
                    let prompt = match self.lang {
                        Lang::En => format!("In {stack_name}, which layer does {name} correspond to?"),
                        Lang::Ko => format!("{stack_name}에서 {name}에 대응하는 계층은 무엇일까요?"),
                    };
                    push(
                        found,
                        Candidate {
                            kind: QuestionKind::StackLayer,
                            about: model,
                            source: holder,
                            subjects: vec![model, holder],
                            group: format!("fact-{}", layer.fact),
                            prompt,
                            answer: layer_choice((position, layer)),
                            pool: pool.clone(),
                            sorted: false,
                            explanation: format!("{heading}: {}", fact.text.get(self.lang)),
                            claim: Claim::StackLayer { model },
                        },
                    );
                }
            }
        }
    }

    /// The sentences that may say something about a model in the stack held by `holder`:
    /// those of every `layer` fact and of the stack's entry, both languages, read once.
    fn stack_sentences(&self, holder: usize) -> Vec<StackSentence> {
        let mut found = Vec::new();
        for fact in self.facts() {
            if fact.aspect != FactAspect::Layer && fact.holder != holder {
                continue;
            }
            for text in [&fact.text.en, &fact.text.ko] {
                for sentence in sentences(text) {
                    found.push(StackSentence {
                        about: fact.about,
                        layer: fact.aspect == FactAspect::Layer,
                        in_stack: fact.holder == holder,
                        named: self.models_named(&Named::new(sentence)),
                        terms: terms(sentence),
                    });
                }
            }
        }
        found
    }

    /// The year a sentence about a topic states.
    fn years(&self, found: &mut Vec<Candidate>) {
        let entries = self.entries();
        for (topic, entry) in entries.iter().enumerate() {
            if entry.kind != EntryKind::Topic {
                continue;
            }
            let facts_about = self.knowledge.facts_about(topic);
            let stated: FxHashSet<u16> = facts_about
                .iter()
                .flat_map(|&fact| {
                    let text = &self.facts()[fact].text;
                    years(&text.en).into_iter().chain(years(&text.ko))
                })
                .map(|at| at.year)
                .collect();
            let mut asked: Vec<String> = Vec::new();
            for &index in facts_about {
                let fact = &self.facts()[index];
                if fact.about != topic || !matches!(fact.aspect, FactAspect::Definition | FactAspect::History) {
                    continue;
                }
                for sentence in sentences(fact.text.get(self.lang)) {
                    let Some((year, blanked)) = blank_the_year(sentence) else {
                        continue;
                    };
                    if asked.contains(&blanked) {
                        continue;
                    }
                    asked.push(blanked.clone());
                    let year_choice = |year: u16| Choice {
                        text: year.to_string(),
                        rank: u32::from(year),
                        value: Value::Year(year),
                    };
                    let pool: Vec<Choice> = (1..=MAX_YEAR_DISTANCE)
                        .flat_map(|distance| [year.checked_sub(distance), year.checked_add(distance)])
                        .flatten()
                        .filter(|near| (1900..=2099).contains(near) && !stated.contains(near))
                        .map(year_choice)
                        .collect();
                    let name = self.name(topic);
                    let prompt = match self.lang {
                        Lang::En => format!("{name}: which year fills the blank?\n“{blanked}”"),
                        Lang::Ko => format!("{name}: 빈칸에 들어갈 연도는 무엇일까요?\n“{blanked}”"),
                    };
                    push(
                        found,
                        Candidate {
                            kind: QuestionKind::Year,
                            about: topic,
                            source: fact.holder,
                            subjects: vec![topic, fact.holder],
                            group: blanked.clone(),
                            prompt,
                            answer: year_choice(year),
                            pool,
                            sorted: true,
                            explanation: sentence.to_string(),
                            claim: Claim::Year { entry: topic },
                        },
                    );
                }
            }
        }
    }

    /// Which example belongs to a role.
    fn roles(&self, found: &mut Vec<Candidate>) {
        let roles: Vec<Role> = self
            .facts()
            .iter()
            .enumerate()
            .filter(|(_, fact)| fact.aspect == FactAspect::Role && !fact.intro)
            .filter_map(|(index, fact)| Role::read(index, fact))
            .collect();
        // Whether any text of the role `label` of `about` names `key`.
        let named_by_role = |about: usize, label: &str, key: &str| {
            roles
                .iter()
                .filter(|role| role.about == about && role.label_key == label)
                .any(|role| self.fact_words[role.fact].iter().any(|text| text.names(key)))
        };
        for role in roles.iter().filter(|role| !role.examples.is_empty()) {
            let example_choice = |role: &Role, position: usize| Choice {
                text: role.example(position, self.lang).to_string(),
                rank: 0,
                value: Value::Example(role.examples[position].clone()),
            };
            let mut pool: Vec<Choice> = Vec::new();
            for other in roles
                .iter()
                .filter(|other| other.about == role.about && other.label_key != role.label_key)
            {
                for (position, example) in other.examples.iter().enumerate() {
                    if !named_by_role(role.about, &role.label_key, &name_key(example)) {
                        pool.push(example_choice(other, position));
                    }
                }
            }
            let fact = &self.facts()[role.fact];
            let name = self.name(role.about);
            let label = role.label.get(self.lang);
            let description = role.description.get(self.lang);
            let prompt = match self.lang {
                Lang::En => format!("{name}'s role “{label}”: {description} Which of these is an example of it?"),
                Lang::Ko => format!("{name}의 역할 “{label}”: {description} 다음 중 이 역할의 예는 무엇일까요?"),
            };
            for position in 0..role.examples.len() {
                push(
                    found,
                    Candidate {
                        kind: QuestionKind::Role,
                        about: role.about,
                        source: fact.holder,
                        subjects: vec![role.about, fact.holder],
                        group: role.label_key.clone(),
                        prompt: prompt.clone(),
                        answer: example_choice(role, position),
                        pool: pool.clone(),
                        sorted: false,
                        explanation: fact.text.get(self.lang).to_string(),
                        claim: Claim::Role {
                            about: role.about,
                            label: role.label_key.clone(),
                        },
                    },
                );
            }
        }
    }
}

/// One sentence that may say something about a model in a stack.
struct StackSentence {
    /// The entry its fact is about.
    about: usize,
    /// Its fact is a `layer` fact.
    layer: bool,
    /// Its fact is held by the stack's entry.
    in_stack: bool,
    /// The models it names.
    named: Vec<usize>,
    terms: FxHashSet<String>,
}

/// The terms of every sentence that says something about `model` in a stack: the sentences
/// of its own `layer` facts that name no other model, and the sentences of the stack's entry
/// that name it and no other model.
fn said_about(sentences: &[StackSentence], model: usize) -> Vec<&FxHashSet<String>> {
    sentences
        .iter()
        .filter(|sentence| {
            let own = sentence.about == model && sentence.layer;
            let others = sentence.named.iter().any(|&other| other != model);
            !others && (own || (sentence.in_stack && sentence.named.contains(&model)))
        })
        .map(|sentence| &sentence.terms)
        .collect()
}

/// One layer of a stack.
struct StackLayer {
    /// The index of its section's fact.
    fact: usize,
    /// Its name: the title after the position, without the model in parentheses.
    name: Text,
    /// The models its title names.
    models: Vec<usize>,
}

/// The name in a stack layer's title "Layer 2: Cloud platforms (IaaS)" → "Cloud platforms";
/// `None` for a title without a position.
fn layer_name(title: &str) -> Option<String> {
    let (_, name) = title.split_once(": ")?;
    let name = match name
        .trim_end()
        .strip_suffix(')')
        .and_then(|rest| rest.rfind('(').map(|at| &rest[..at]))
    {
        Some(without) => without.trim(),
        None => name.trim(),
    };
    (!name.is_empty()).then(|| name.to_string())
}

/// One role item: "Augment: it extends what users can do themselves (GitHub Copilot, Poe)."
struct Role {
    fact: usize,
    about: usize,
    /// The English label, lowercase: the role's identity across files and languages.
    label_key: String,
    label: Text,
    /// What it does, without the examples.
    description: Text,
    /// The examples in parentheses at the end, as the English text writes them.
    examples: Vec<String>,
    /// The same in the Korean text, when it lists as many.
    examples_ko: Vec<String>,
}

impl Role {
    fn read(fact_index: usize, fact: &Fact) -> Option<Role> {
        let (label_en, rest_en) = fact.text.en.split_once(": ")?;
        if label_en.split_whitespace().count() > 3 || label_en.trim().is_empty() {
            return None;
        }
        let (label_ko, rest_ko) = fact.text.ko.split_once(": ").unwrap_or((label_en, &fact.text.ko));
        let (description_en, examples) = trailing_list(rest_en);
        let (description_ko, examples_ko) = trailing_list(rest_ko);
        Some(Role {
            fact: fact_index,
            about: fact.about,
            label_key: label_en.trim().to_lowercase(),
            label: Text {
                en: label_en.trim().to_string(),
                ko: label_ko.trim().to_string(),
            },
            description: Text {
                en: description_en,
                ko: description_ko,
            },
            examples,
            examples_ko,
        })
    }

    fn example(&self, position: usize, lang: Lang) -> &str {
        match lang {
            Lang::Ko if self.examples_ko.len() == self.examples.len() => &self.examples_ko[position],
            _ => &self.examples[position],
        }
    }
}

/// "does X (A, B)." → ("does X.", ["A", "B"]); a text without a list at its end is returned
/// whole with no examples.
fn trailing_list(text: &str) -> (String, Vec<String>) {
    let trimmed = text.trim_end();
    let stop = trimmed.ends_with('.');
    let body = trimmed.trim_end_matches('.');
    let Some(inner_end) = body.strip_suffix(')') else {
        return (text.trim().to_string(), Vec::new());
    };
    let Some(open) = inner_end.rfind('(') else {
        return (text.trim().to_string(), Vec::new());
    };
    let examples: Vec<String> = inner_end[open + 1..]
        .split(',')
        .map(|example| example.trim().to_string())
        .filter(|example| !example.is_empty())
        .collect();
    let mut description = inner_end[..open].trim_end().to_string();
    if stop {
        description.push('.');
    }
    (description, examples)
}

/// An entry's id, names and full names.
fn own_names(entry: &Entry) -> Vec<&str> {
    vec![
        entry.id.as_str(),
        &entry.name.en,
        &entry.name.ko,
        &entry.full_name.en,
        &entry.full_name.ko,
    ]
}

/// Those plus its aliases, but for one- and two-syllable Hangul ones.
fn all_names(entry: &Entry) -> Vec<&str> {
    let mut names = own_names(entry);
    names.extend(entry.aliases().filter(|alias| !short_hangul(alias)));
    names
}

fn short_hangul(alias: &str) -> bool {
    alias.chars().any(crate::knowledge::is_hangul) && alias.chars().filter(|c| !c.is_whitespace()).count() <= 2
}

/// Keeps a candidate whose pool, made distinct (from the answer and from each other, by
/// their shown text, case-insensitively), still holds three wrong choices.
fn push(found: &mut Vec<Candidate>, mut candidate: Candidate) {
    let shown = |choice: &Choice| choice.text.trim().to_lowercase();
    let mut seen = vec![shown(&candidate.answer)];
    candidate.pool.retain(|choice| {
        let text = shown(choice);
        if text.is_empty() || seen.contains(&text) || choice.value == candidate.answer.value {
            false
        } else {
            seen.push(text);
            true
        }
    });
    if candidate.pool.len() >= 3 && !candidate.answer.text.trim().is_empty() {
        found.push(candidate);
    }
}
