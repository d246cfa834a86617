//! The lead: one to three sentences that answer the question directly, in the reply
//! language, from the facts that matched it best — the year for a "when" question, the role
//! for "which role does Copilot play", the cons for a downsides question, the definition for
//! "what is X". Everything else in a reply supports the lead.
//!
//! Only language-level wording lives here; the facts and names come from the knowledge base.

use rustc_hash::FxHashSet as HashSet;

use super::compose::layers;
use super::intent::{Aspect, Intent};
use crate::knowledge::{Entry, FactAspect, KnowledgeBase, Lang, Layer};
use crate::search::Search;

/// The longest lead, in characters: a chat message's first lines, not a paragraph.
const MAX_LEAD_CHARS: usize = 420;
/// List items a lead names at most ("the main downsides: A; B; C").
const MAX_LEAD_ITEMS: usize = 3;

/// The fact aspects an intent aspect asks for. "Layer" asks for who manages a layer or for
/// a layer of the AI stack; the facts that match decide which.
pub(super) fn fact_aspects(aspect: Aspect) -> &'static [FactAspect] {
    match aspect {
        Aspect::Definition => &[FactAspect::Definition],
        Aspect::Analogy => &[FactAspect::Analogy],
        Aspect::Features => &[FactAspect::Feature],
        Aspect::Providers => &[FactAspect::Provider],
        Aspect::UseCases => &[FactAspect::UseCase],
        Aspect::Pros => &[FactAspect::Pro],
        Aspect::Cons => &[FactAspect::Con],
        Aspect::Management => &[FactAspect::Manage],
        Aspect::Glance => &[FactAspect::Customer],
    }
}

/// The aspect of the intent that a fact aspect answers, for choosing the sections that
/// support a lead; `None` for the aspects shown as the entry's own sections.
pub(super) fn intent_aspect(aspect: FactAspect) -> Option<Aspect> {
    match aspect {
        FactAspect::Definition | FactAspect::Name => Some(Aspect::Definition),
        FactAspect::Analogy => Some(Aspect::Analogy),
        FactAspect::Feature => Some(Aspect::Features),
        FactAspect::Provider => Some(Aspect::Providers),
        FactAspect::UseCase => Some(Aspect::UseCases),
        FactAspect::Pro => Some(Aspect::Pros),
        FactAspect::Con => Some(Aspect::Cons),
        FactAspect::Manage => Some(Aspect::Management),
        FactAspect::Customer => Some(Aspect::Glance),
        FactAspect::History | FactAspect::Role | FactAspect::Layer | FactAspect::Example | FactAspect::Section => None,
    }
}

/// What the words besides a name must score in one fact for it to lead ("customize" in
/// "can I customize SaaS much?"); more when the question asks what the entry is.
const REST_MIN_SCORE: f32 = 1.5;
const REST_MIN_SCORE_DEFINES: f32 = 3.0;

/// What a section's introduction weighs against the items under it.
const INTRO_WEIGHT: f32 = 0.4;

/// What a fact weighs in its own entry's file against a fact about it held elsewhere.
const HOLDER_WEIGHT: f32 = 1.5;

/// How much better than the best definition a fact must match to lead an answer to a
/// question that asks for nothing in particular ("which role does Poe play in IQaaS?").
const SPECIFIC_FACT_MARGIN: f32 = 1.3;

/// What a lead is asked to answer.
pub(super) struct LeadQuestion<'a> {
    /// The search that answered it (facts, words).
    pub search: &'a Search,
    /// Its intent.
    pub intent: &'a Intent,
    /// The reply language.
    pub lang: Lang,
    /// The question's terms, for picking sentences.
    pub terms: &'a HashSet<String>,
    /// The question as asked.
    pub text: &'a str,
}

/// The lead of an answer about `entry`, and the aspect of the fact it rests on. `named` says
/// whether the question named the entry; when it did not ("which model gives complete
/// control?"), the lead says which entry it is.
pub(super) fn about_entry(
    knowledge: &KnowledgeBase,
    question: &LeadQuestion,
    entry: usize,
    named: bool,
) -> (String, FactAspect) {
    let entries = knowledge.entries();
    let lang = question.lang;
    let target = &entries[entry];
    let wanted: Vec<FactAspect> = question
        .intent
        .aspects
        .iter()
        .flat_map(|a| fact_aspects(*a).iter().copied())
        .chain(question.intent.layer.then_some(FactAspect::Layer))
        .collect();
    // "IQaaS full form?": the full name.
    if question.intent.full_name && target.full_name.get(lang) != target.name.get(lang) {
        // "PHI stands for what?": the alias whose initials spell the one asked about.
        let asked = question
            .search
            .mentions
            .iter()
            .find(|m| m.entry == entry)
            .map(|m| m.text.as_str());
        let spelled = asked.and_then(|asked| {
            target.aliases().find(|alias| {
                let initials: String = alias
                    .split_whitespace()
                    .filter_map(|word| word.chars().next())
                    .flat_map(char::to_lowercase)
                    .collect();
                initials.chars().count() >= 2 && initials == asked
            })
        });
        if let (Some(asked), Some(alias)) = (asked, spelled) {
            return (format!("{} — {alias}.", asked.to_uppercase()), FactAspect::Name);
        }
        let text = match lang {
            Lang::En => format!("{} stands for {}.", target.name.en, target.full_name.en),
            Lang::Ko => format!("{}는 {}의 약자예요.", target.name.ko, target.full_name.ko),
        };
        return (text, FactAspect::Name);
    }
    // "Who manages the OS in CaaS?": the split of the layers answers it in one sentence;
    // so does a question that names a layer and asks nothing else ("PaaS면 운영체제 신경 안
    // 써도 돼?"). Layers of a stack (the AI stack) are not who manages them.
    // "Is the OS my problem or the provider's?": a named layer with "provider" asks who runs it.
    let names_layer =
        (wanted.is_empty() || wanted.contains(&FactAspect::Provider)) && names_infrastructure_layer(question.text);
    if (wanted.contains(&FactAspect::Manage) || names_layer) && !question.intent.stack {
        if let Some(text) = management_lead(target, question) {
            let prefix = if named {
                String::new()
            } else {
                format!("{} — ", target.name.get(lang))
            };
            return (bounded(&format!("{prefix}{text}")), FactAspect::Manage);
        }
    }
    let prefix = if named {
        String::new()
    } else {
        format!("{} — ", target.name.get(lang))
    };
    // A list aspect asked of a named entry: its main items, best match first.
    if let Some(aspect) = wanted
        .iter()
        .copied()
        .find(|a| {
            matches!(
                a,
                FactAspect::Pro | FactAspect::Con | FactAspect::Feature | FactAspect::UseCase | FactAspect::Provider
            )
        })
        .filter(|_| named || question.search.facts.is_empty())
    {
        if let Some(list) = list_lead(knowledge, question, entry, aspect) {
            return (bounded(&list), aspect);
        }
    }
    let facts = knowledge.facts();
    let plain_definition = wanted.is_empty() || wanted == [FactAspect::Definition];
    // "Can I customize SaaS much?": no aspect cue, but the words besides the name match one
    // of its facts; that fact answers, not the definition.
    if named && plain_definition && !question.intent.when {
        let needed = if question.intent.defines {
            REST_MIN_SCORE_DEFINES
        } else {
            REST_MIN_SCORE
        };
        let specific = question
            .search
            .rest_facts
            .iter()
            .find(|hit| facts[hit.fact].about == entry && facts[hit.fact].aspect != FactAspect::Name)
            .filter(|hit| hit.score >= needed && facts[hit.fact].aspect != FactAspect::Definition);
        if let Some(hit) = specific {
            let fact = &facts[hit.fact];
            let prefix = if fact.aspect == FactAspect::Provider {
                format!("{} — ", target.name.get(lang))
            } else {
                String::new()
            };
            return (
                bounded(&format!("{prefix}{}", sentences(fact.text.get(lang), question))),
                fact.aspect,
            );
        }
    }
    let best = best_fact(knowledge, question, entry, &wanted);
    let chosen = match best {
        // "What is IaaS?": the one-sentence summary says it best, unless a fact of another
        // aspect matches the rest of the question clearly better.
        Some((index, score, definition_score))
            if named
                && plain_definition
                && !question.intent.when
                && (question.intent.defines
                    || facts[index].aspect == FactAspect::Definition
                    || score < definition_score * SPECIFIC_FACT_MARGIN) =>
        {
            None
        }
        other => other.map(|(index, _, _)| index),
    };
    match chosen {
        Some(index) => {
            let fact = &facts[index];
            let mut text = sentences(fact.text.get(lang), question);
            // A layer's body says "this layer"; its heading says which one.
            if let Some(heading) = fact.heading.as_ref().filter(|_| fact.aspect == FactAspect::Layer) {
                text = format!("{}: {text}", heading.get(lang));
            }
            // "Is Heroku PaaS?": a provider's line does not name the model it belongs to.
            let prefix = if prefix.is_empty() && fact.aspect == FactAspect::Provider {
                format!("{} — ", target.name.get(lang))
            } else {
                prefix
            };
            (bounded(&format!("{prefix}{text}")), fact.aspect)
        }
        None => (
            bounded(&format!("{prefix}{}", target.summary.get(lang))),
            FactAspect::Definition,
        ),
    }
}

/// The lead of a comparison: the one-line difference, what each delivers and what is left
/// to you, before the side-by-side sections.
pub(super) fn comparison(entries: &[&Entry], lang: Lang) -> String {
    let parts: Vec<String> = entries
        .iter()
        .map(|entry| {
            let delivery = entry.comparison.as_ref().map(|c| c.delivery.get(lang));
            let managed = entry.management.as_ref().map(|m| layers(&m.customer, lang));
            let name = entry.name.get(lang);
            match (delivery, managed, lang) {
                (Some(d), Some(m), Lang::En) => format!("{name} delivers {} and leaves you {m}", lowercase_first(d)),
                (Some(d), Some(m), Lang::Ko) => {
                    format!("{name}는 {d}{} 제공하고 사용자는 {m}{} 관리", object(d), object(&m))
                }
                (None, Some(m), Lang::En) => format!("with {name} you manage {m}"),
                (None, Some(m), Lang::Ko) => format!("{name}에서는 사용자가 {m}{} 관리", object(&m)),
                _ => format!("{name}: {}", first_sentence(entry.summary.get(lang))),
            }
        })
        .collect();
    let joined = match lang {
        Lang::En => format!("{}.", parts.join("; ")),
        Lang::Ko => format!("{}합니다.", parts.join("하고, ")),
    };
    bounded(&capitalize(&joined))
}

/// The lead for a product or provider that several entries share ("AWS"): which models it
/// belongs to and with what.
pub(super) fn shared_product(knowledge: &KnowledgeBase, label: &str, owners: &[usize], lang: Lang) -> String {
    let entries = knowledge.entries();
    let key = label.to_lowercase();
    let parts: Vec<String> = owners
        .iter()
        .map(|&owner| {
            let entry = &entries[owner];
            let products: Vec<&str> = entry
                .providers
                .iter()
                .filter(|p| p.name.to_lowercase() == key || p.products.iter().any(|x| x.to_lowercase() == key))
                .flat_map(|p| p.products.iter().map(String::as_str))
                .take(3)
                .collect();
            if products.is_empty() {
                entry.name.get(lang).to_string()
            } else {
                format!("{} ({})", entry.name.get(lang), products.join(", "))
            }
        })
        .collect();
    bounded(&match lang {
        Lang::En => format!("{label} spans several service models: {}.", parts.join(", ")),
        Lang::Ko => format!("{label}는 여러 서비스 모델에 걸쳐 있어요: {}.", parts.join(", ")),
    })
}

/// Words people use for a layer of the stack, besides its label.
const LAYER_WORDS: &[(Layer, &[&str])] = &[
    (Layer::Networking, &["network", "네트워크", "네트워킹"]),
    (Layer::Storage, &["storage", "disk", "스토리지", "저장소"]),
    (Layer::Servers, &["server", "hardware", "서버", "하드웨어"]),
    (
        Layer::Virtualization,
        &["virtualization", "hypervisor", "가상화", "하이퍼바이저"],
    ),
    (Layer::Os, &[" os ", "operating system", "운영 체제", "운영체제", " os"]),
    (Layer::Middleware, &["middleware", "미들웨어"]),
    (Layer::Runtime, &["runtime", "런타임"]),
    (Layer::Data, &[" data", "데이터"]),
    (
        Layer::Application,
        &["application", " app ", " app", "애플리케이션", "앱"],
    ),
];

/// Whether the question names a layer below the data (the OS, the runtime, the servers):
/// a question about one of those and a model is a question of who manages it.
fn names_infrastructure_layer(question: &str) -> bool {
    let text = format!(" {} ", question.to_lowercase());
    LAYER_WORDS
        .iter()
        .filter(|(layer, _)| {
            !matches!(
                layer,
                Layer::Data | Layer::Application | Layer::Servers | Layer::Runtime
            )
        })
        .any(|(_, words)| words.iter().any(|w| text.contains(w)))
}

/// Who manages what, as the lead of a management question: the layers it names and who
/// runs them, or the whole split when it names none.
fn management_lead(entry: &Entry, question: &LeadQuestion) -> Option<String> {
    let management = entry.management.as_ref()?;
    let lang = question.lang;
    let name = entry.name.get(lang);
    let text = format!(" {} ", question.text.to_lowercase());
    let named: Vec<Layer> = LAYER_WORDS
        .iter()
        .filter(|(_, words)| words.iter().any(|w| text.contains(w)))
        .map(|(layer, _)| *layer)
        .collect();
    let list = |list: &[Layer]| layers(list, lang);
    if named.is_empty() {
        return Some(match lang {
            Lang::En => format!(
                "With {name} you manage: {}; the provider manages: {}.",
                list(&management.customer),
                list(&management.provider)
            ),
            Lang::Ko => format!(
                "{name}에서 사용자가 관리하는 것: {}. 제공자가 관리하는 것: {}.",
                list(&management.customer),
                list(&management.provider)
            ),
        });
    }
    let yours: Vec<Layer> = named
        .iter()
        .copied()
        .filter(|l| management.customer.contains(l))
        .collect();
    let theirs: Vec<Layer> = named
        .iter()
        .copied()
        .filter(|l| management.provider.contains(l))
        .collect();
    let mut parts = Vec::new();
    if !theirs.is_empty() {
        parts.push(match lang {
            Lang::En => format!("in {name} the provider manages {}", list(&theirs)),
            Lang::Ko => format!(
                "{name}에서 {}{} 제공자가 관리합니다",
                list(&theirs),
                topic(&list(&theirs))
            ),
        });
    }
    if !yours.is_empty() {
        parts.push(match lang {
            Lang::En => format!("you manage {} yourself", list(&yours)),
            Lang::Ko => format!("{}{} 사용자가 직접 관리합니다", list(&yours), topic(&list(&yours))),
        });
    }
    let joined = match lang {
        Lang::En => format!("{}.", capitalize(&parts.join("; "))),
        Lang::Ko => format!("{}.", parts.join(". ")),
    };
    Some(match management.note.as_ref() {
        Some(note) => format!("{joined} {}", first_sentence(note.get(lang))),
        None => joined,
    })
}

/// The Korean topic particle: 은 after a final consonant, 는 after a vowel.
fn topic(word: &str) -> &'static str {
    match object(word) {
        "를" => "는",
        "을" => "은",
        _ => "은(는)",
    }
}

/// "The main downsides of PaaS: A; B; C." — the items' labels (the words before a colon)
/// or first sentences, the ones matching the question first.
fn list_lead(knowledge: &KnowledgeBase, question: &LeadQuestion, entry: usize, aspect: FactAspect) -> Option<String> {
    let lang = question.lang;
    let facts = knowledge.facts();
    let matched: Vec<usize> = question
        .search
        .facts
        .iter()
        .filter(|hit| facts[hit.fact].about == entry && facts[hit.fact].aspect == aspect)
        .map(|hit| hit.fact)
        .collect();
    let mut order = matched;
    for &index in knowledge.facts_about(entry) {
        let fact = &facts[index];
        if fact.aspect == aspect && fact.holder == entry && !order.contains(&index) {
            order.push(index);
        }
    }
    if order.is_empty() {
        return None;
    }
    let name = knowledge.entries()[entry].name.get(lang);
    let items: Vec<String> = order
        .iter()
        .take(MAX_LEAD_ITEMS)
        .map(|&index| short_item(facts[index].text.get(lang), name))
        .collect();
    let heading = match (aspect, lang) {
        (FactAspect::Pro, Lang::En) => format!("The main advantages of {name}"),
        (FactAspect::Pro, Lang::Ko) => format!("{name}의 주요 장점"),
        (FactAspect::Con, Lang::En) => format!("The main downsides of {name}"),
        (FactAspect::Con, Lang::Ko) => format!("{name}의 주요 단점"),
        (FactAspect::Feature, Lang::En) => format!("{name}'s key features"),
        (FactAspect::Feature, Lang::Ko) => format!("{name}의 주요 특징"),
        (FactAspect::UseCase, Lang::En) => format!("{name} is used for"),
        (FactAspect::UseCase, Lang::Ko) => format!("{name}의 대표적인 활용 사례"),
        (_, Lang::En) => format!("{name} is offered by"),
        (_, Lang::Ko) => format!("{name}의 대표적인 제공업체"),
    };
    Some(format!("{heading}: {}.", items.join("; ")))
}

/// The best fact about `entry` for the question, its score, and the best score of a
/// definition fact (for comparing). When aspects are asked for and the entry has facts of
/// them, only those count, matched or not ("the analogy for PaaS" matches no analogy's words);
/// for a "when" question, a fact that states a year weighs more.
fn best_fact(
    knowledge: &KnowledgeBase,
    question: &LeadQuestion,
    entry: usize,
    wanted: &[FactAspect],
) -> Option<(usize, f32, f32)> {
    let facts = knowledge.facts();
    let lang = question.lang;
    let about = knowledge.facts_about(entry);
    let matched = |index: usize| {
        question
            .search
            .facts
            .iter()
            .find(|hit| hit.fact == index)
            .map_or(0.0, |hit| hit.score)
    };
    let has_wanted = about.iter().any(|&index| wanted.contains(&facts[index].aspect));
    let mut definition_score = 0.0f32;
    let mut best: Option<(usize, f32)> = None;
    for &index in about {
        let fact = &facts[index];
        if fact.aspect == FactAspect::Name {
            continue;
        }
        let mut score = matched(index);
        // The entry's own file says it best; a row about it elsewhere is a summary.
        if fact.holder == entry {
            score *= HOLDER_WEIGHT;
        }
        if fact.intro {
            score *= INTRO_WEIGHT;
        }
        if fact.aspect == FactAspect::Definition {
            definition_score = definition_score.max(score);
        }
        if has_wanted && !wanted.contains(&fact.aspect) {
            continue;
        }
        if question.intent.when && has_year(fact.text.get(lang)) {
            score = score * 4.0 + 1.0;
        }
        // Unmatched facts of a wanted aspect stay candidates, in the order of the file.
        if score <= 0.0 && !has_wanted {
            continue;
        }
        if best.is_none_or(|(_, top)| score > top) {
            best = Some((index, score));
        }
    }
    best.map(|(index, score)| (index, score, definition_score))
}

/// Up to two sentences of `text` that answer the question: the whole text when short,
/// otherwise the sentences sharing most terms with it (one with a year for "when").
fn sentences(text: &str, question: &LeadQuestion) -> String {
    if text.chars().count() <= 260 {
        return text.to_string();
    }
    let parts = split_sentences(text);
    let mut scored: Vec<(usize, usize)> = parts
        .iter()
        .enumerate()
        .map(|(index, sentence)| {
            let lower = sentence.to_lowercase();
            let mut shared = question.terms.iter().filter(|t| lower.contains(t.as_str())).count() * 2;
            if question.intent.when && has_year(sentence) {
                shared += 10;
            }
            (index, shared)
        })
        .collect();
    scored.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut chosen: Vec<usize> = scored.iter().take(2).map(|(index, _)| *index).collect();
    chosen.sort_unstable();
    chosen.iter().map(|&i| parts[i]).collect::<Vec<_>>().join(" ")
}

/// Sentences of a text: split after `.`, `?` or `!` followed by a space.
fn split_sentences(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    for window in bytes.windows(2) {
        let ((index, c), (next_index, next)) = (window[0], window[1]);
        if matches!(c, '.' | '?' | '!') && next.is_whitespace() {
            let sentence = text[start..index + c.len_utf8()].trim();
            if !sentence.is_empty() {
                parts.push(sentence);
            }
            start = next_index;
        }
    }
    let rest = text[start..].trim();
    if !rest.is_empty() {
        parts.push(rest);
    }
    parts
}

fn first_sentence(text: &str) -> &str {
    split_sentences(text).first().copied().unwrap_or(text)
}

/// A list item as a lead names it: its label ("Vendor lock-in: …" → "Vendor lock-in") when
/// it has a short one, else its first sentence without the final stop.
/// A row of a table about the entry starts with its name ("PaaS: risks locking you in"): the
/// part after the name is the item.
fn short_item(text: &str, name: &str) -> String {
    let text = match text.split_once(": ") {
        Some((label, rest)) if label.trim().eq_ignore_ascii_case(name) => rest,
        Some((label, _)) if label.chars().count() <= 60 => return label.trim().to_string(),
        _ => text,
    };
    first_sentence(text).trim_end_matches(['.', '。']).to_string()
}

/// Whether a text names a year (four digits from 1900 to 2099).
fn has_year(text: &str) -> bool {
    let digits: Vec<char> = text.chars().collect();
    digits.windows(4).enumerate().any(|(index, window)| {
        let before = index.checked_sub(1).map(|i| digits[i]);
        let after = digits.get(index + 4);
        window.iter().all(char::is_ascii_digit)
            && matches!(&window[..2], ['1', '9'] | ['2', '0'])
            && !before.is_some_and(|c| c.is_ascii_digit())
            && !after.is_some_and(char::is_ascii_digit)
    })
}

/// The Korean object particle for a word: 을 after a final consonant, 를 after a vowel,
/// 을(를) when the word does not end in Hangul.
fn object(word: &str) -> &'static str {
    match word.trim_end_matches([')', ' ']).chars().last() {
        Some(c @ '가'..='힣') => {
            if (c as u32 - '가' as u32).is_multiple_of(28) {
                "를"
            } else {
                "을"
            }
        }
        _ => "을(를)",
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if chars.clone().next().is_some_and(char::is_lowercase) => {
            first.to_lowercase().chain(chars).collect()
        }
        _ => text.to_string(),
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Cut to [`MAX_LEAD_CHARS`] at a sentence or word boundary.
fn bounded(text: &str) -> String {
    if text.chars().count() <= MAX_LEAD_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(MAX_LEAD_CHARS).collect();
    let end = cut
        .rfind(['.', '?', '!'])
        .filter(|&i| i > MAX_LEAD_CHARS / 2)
        .map(|i| i + 1);
    match end {
        Some(end) => cut[..end].to_string(),
        None => format!("{}…", cut[..cut.rfind(' ').unwrap_or(cut.len())].trim_end()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_particles_and_items() {
        assert!(has_year("enacted in 1996."));
        assert!(has_year("2018년 5월"));
        assert!(!has_year("Regulation 12345"));
        assert_eq!(object("인프라"), "를");
        assert_eq!(object("플랫폼"), "을");
        assert_eq!(short_item("Vendor lock-in: hard to leave.", "PaaS"), "Vendor lock-in");
        assert_eq!(short_item("PaaS: risks lock-in. More.", "PaaS"), "risks lock-in");
        assert_eq!(split_sentences("One. Two? Three"), ["One.", "Two?", "Three"]);
        assert!(bounded(&"word ".repeat(200)).chars().count() <= MAX_LEAD_CHARS + 1);
    }
}
