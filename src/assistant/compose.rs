//! The offline composer: builds a [`Reply`] from knowledge entries alone, in either language.
//! Every other path (the LLM, its fallback) reuses these replies, so offline always works.

use rustc_hash::FxHashSet as HashSet;

use super::intent::Aspect;
use super::reply::{Mode, Reply, ReplyKind, ReplySection, Source};
use crate::knowledge::{Entry, EntryKind, KnowledgeBase, Lang, Layer, Text};

fn heading(aspect: Aspect, lang: Lang) -> &'static str {
    match aspect {
        Aspect::Definition => lang.pick("What it is", "정의"),
        Aspect::Analogy => lang.pick("Analogies", "비유"),
        Aspect::Features => lang.pick("Features", "특징"),
        Aspect::Providers => lang.pick("Providers and products", "주요 제공업체와 제품"),
        Aspect::UseCases => lang.pick("Use cases", "활용 사례"),
        Aspect::Pros => lang.pick("Pros", "장점"),
        Aspect::Cons => lang.pick("Cons", "단점"),
        Aspect::Management => lang.pick("Who manages what", "누가 무엇을 관리하나"),
        Aspect::Glance => lang.pick("At a glance", "한눈에 보기"),
    }
}

/// The order of a full explanation.
const FULL_ORDER: [Aspect; 9] = Aspect::ALL;

fn bullets<'a>(items: impl IntoIterator<Item = &'a Text>, lang: Lang) -> String {
    items
        .into_iter()
        .map(|text| format!("• {}", text.get(lang)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The layers' names in `lang`, or "nothing" for none.
pub(super) fn layers(list: &[Layer], lang: Lang) -> String {
    if list.is_empty() {
        return lang.pick("nothing", "없음").to_string();
    }
    list.iter()
        .map(|layer| layer.label(lang))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Orders items so the ones sharing the most terms with the question come first; ties keep
/// the knowledge base's order. Terms are matched as substrings of the lowercased item text
/// (stems and Hangul chunks both are), which needs no second pass of the analyzer.
fn by_relevance<T>(items: &[T], text_of: impl Fn(&T) -> [&str; 2], question_terms: &HashSet<String>) -> Vec<usize> {
    let mut order: Vec<(usize, usize)> = items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            if question_terms.is_empty() {
                return (index, 0);
            }
            // Hangul has no case: lowering the ASCII letters is enough, and far cheaper.
            let texts = text_of(item).map(str::to_ascii_lowercase);
            let shared = question_terms
                .iter()
                .filter(|term| texts.iter().any(|text| text.contains(term.as_str())))
                .count();
            (index, shared)
        })
        .collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    order.into_iter().map(|(index, _)| index).collect()
}

/// The section for one aspect of one entry, or `None` when the entry has nothing on it.
fn aspect_section(entry: &Entry, aspect: Aspect, lang: Lang, terms: &HashSet<String>) -> Option<ReplySection> {
    let body = match aspect {
        Aspect::Definition => format!("{}\n{}", entry.summary.get(lang), entry.definition.get(lang)),
        Aspect::Analogy if !entry.analogies.is_empty() => {
            let order = by_relevance(&entry.analogies, |a| [a.text.en.as_str(), a.text.ko.as_str()], terms);
            bullets(order.into_iter().map(|i| &entry.analogies[i].text), lang)
        }
        Aspect::Features if !entry.features.is_empty() => {
            let order = by_relevance(&entry.features, |t| [t.en.as_str(), t.ko.as_str()], terms);
            bullets(order.into_iter().map(|i| &entry.features[i]), lang)
        }
        Aspect::Providers if !entry.providers.is_empty() => {
            let order = by_relevance(
                &entry.providers,
                |p| {
                    [
                        p.name.as_str(),
                        if p.products.is_empty() {
                            ""
                        } else {
                            p.products[0].as_str()
                        },
                    ]
                },
                terms,
            );
            order
                .into_iter()
                .map(|i| {
                    let provider = &entry.providers[i];
                    if provider.products.is_empty() {
                        format!("• {}: {}", provider.name, provider.about.get(lang))
                    } else {
                        format!(
                            "• {} ({}): {}",
                            provider.name,
                            provider.products.join(", "),
                            provider.about.get(lang)
                        )
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
        }
        Aspect::UseCases if !entry.use_cases.is_empty() => {
            let order = by_relevance(&entry.use_cases, |t| [t.en.as_str(), t.ko.as_str()], terms);
            bullets(order.into_iter().map(|i| &entry.use_cases[i]), lang)
        }
        Aspect::Pros if !entry.pros.is_empty() => bullets(&entry.pros, lang),
        Aspect::Cons if !entry.cons.is_empty() => bullets(&entry.cons, lang),
        Aspect::Management => {
            let management = entry.management.as_ref()?;
            let mut body = format!(
                "{}: {}\n{}: {}",
                lang.pick("You manage", "사용자가 관리"),
                layers(&management.customer, lang),
                lang.pick("The provider manages", "제공자가 관리"),
                layers(&management.provider, lang)
            );
            if let Some(note) = &management.note {
                body.push('\n');
                body.push_str(note.get(lang));
            }
            body
        }
        Aspect::Glance => {
            let comparison = entry.comparison.as_ref()?;
            [
                (lang.pick("Delivered as", "제공 형태"), &comparison.delivery),
                (lang.pick("Typical use", "주요 사용 사례"), &comparison.typical_use),
                (lang.pick("You manage", "관리 범위"), &comparison.you_manage),
                (lang.pick("Main customers", "주요 고객"), &comparison.customers),
            ]
            .iter()
            .map(|(label, text)| format!("• {label}: {}", text.get(lang)))
            .collect::<Vec<_>>()
            .join("\n")
        }
        _ => return None,
    };
    Some(ReplySection {
        heading: heading(aspect, lang).to_string(),
        body,
    })
}

/// The entry's own extra sections, most relevant to the question first.
fn extra_sections(entry: &Entry, lang: Lang, terms: &HashSet<String>) -> Vec<ReplySection> {
    by_relevance(&entry.sections, |s| [s.title.en.as_str(), s.body.ko.as_str()], terms)
        .into_iter()
        .map(|i| ReplySection {
            heading: entry.sections[i].title.get(lang).to_string(),
            body: entry.sections[i].body.get(lang).to_string(),
        })
        .collect()
}

fn reply(lang: Lang, kind: ReplyKind, title: String, sections: Vec<ReplySection>, sources: Vec<Source>) -> Reply {
    Reply {
        lang,
        kind,
        mode: Mode::Offline,
        title,
        lead: String::new(),
        sections,
        sources,
        about: Vec::new(),
        aspect: None,
        detailed: false,
        resolved: None,
    }
}

/// Whether `entry` has anything to say about `aspect` (topics have no providers, say): front
/// ends offer only the aspects that have an answer.
pub fn has_aspect(entry: &Entry, aspect: Aspect, lang: Lang) -> bool {
    aspect_section(entry, aspect, lang, &HashSet::default()).is_some()
}

/// The full explanation of one entry (`/model`, `xaas model`).
pub fn model(entry: &Entry, lang: Lang, sources: Vec<Source>) -> Reply {
    let none = HashSet::default();
    let sections = aspect_sections(entry, lang, &none)
        .chain(extra_sections(entry, lang, &none))
        .collect();
    overview(entry, lang, sources, sections)
}

/// Everything about one entry, the aspect asked about first: the answer to "tell me more"
/// after a first answer, or to "IaaS 자세히".
pub fn detailed(entry: &Entry, first: Option<Aspect>, lang: Lang, sources: Vec<Source>) -> Reply {
    let none = HashSet::default();
    let first = first.filter(|aspect| *aspect != Aspect::Definition);
    let sections = first
        .and_then(|aspect| aspect_section(entry, aspect, lang, &none))
        .into_iter()
        .chain(
            FULL_ORDER
                .iter()
                .filter(|aspect| Some(**aspect) != first)
                .filter_map(|aspect| aspect_section(entry, *aspect, lang, &none)),
        )
        .chain(extra_sections(entry, lang, &none))
        .collect();
    let mut reply = overview(entry, lang, sources, sections);
    if let Some(aspect) = first {
        reply.title = format!("{} — {}", entry.name.get(lang), heading(aspect, lang));
    }
    reply.detailed = true;
    reply
}

/// Sections a first answer shows at most: the lead answers, these support it, and the full
/// entry is one command (or button) away.
pub const MAX_ANSWER_SECTIONS: usize = 3;

/// The first answer to "what is IaaS?": the definition, an analogy and the features; the full
/// explanation stays with `/model`.
pub fn brief(entry: &Entry, lang: Lang, sources: Vec<Source>) -> Reply {
    let none = HashSet::default();
    let sections = aspect_sections(entry, lang, &none).take(MAX_ANSWER_SECTIONS).collect();
    overview(entry, lang, sources, sections)
}

/// The entry's sections in the order of a full explanation, built only as far as they are read.
fn aspect_sections<'a>(
    entry: &'a Entry,
    lang: Lang,
    terms: &'a HashSet<String>,
) -> impl Iterator<Item = ReplySection> + 'a {
    FULL_ORDER
        .iter()
        .filter_map(move |aspect| aspect_section(entry, *aspect, lang, terms))
}

/// An explanation of `entry` made of `sections`; it rests on the entry itself when no
/// sources are given.
fn overview(entry: &Entry, lang: Lang, sources: Vec<Source>, sections: Vec<ReplySection>) -> Reply {
    let sources = if sources.is_empty() {
        vec![source_of(entry, lang, 1.0)]
    } else {
        sources
    };
    reply(lang, ReplyKind::Model, entry.title(lang), sections, sources)
}

/// A focused answer about one entry that leads with what was asked, then says in short what
/// the entry is. `lead_sections` puts the entry's own sections first (topic questions).
pub fn answer(
    entry: &Entry,
    aspects: &[Aspect],
    lead_sections: bool,
    lang: Lang,
    question_terms: &HashSet<String>,
    sources: Vec<Source>,
) -> Reply {
    let mut sections: Vec<ReplySection> = aspects
        .iter()
        .filter_map(|aspect| aspect_section(entry, *aspect, lang, question_terms))
        .collect();
    if lead_sections || (sections.is_empty() && entry.kind == EntryKind::Topic) {
        sections.extend(extra_sections(entry, lang, question_terms).into_iter().take(2));
    }
    if !aspects.contains(&Aspect::Definition) {
        let short = ReplySection {
            heading: lang.pick("In short", "요약").to_string(),
            body: if sections.is_empty() {
                format!("{}\n{}", entry.summary.get(lang), entry.definition.get(lang))
            } else {
                entry.summary.get(lang).to_string()
            },
        };
        sections.push(short);
    }
    sections.truncate(MAX_ANSWER_SECTIONS);
    let title = match aspects.first() {
        Some(aspect)
            if *aspect != Aspect::Definition
                && !sections.is_empty()
                && sections[0].heading == heading(*aspect, lang) =>
        {
            format!("{} — {}", entry.name.get(lang), heading(*aspect, lang))
        }
        _ => entry.title(lang),
    };
    reply(lang, ReplyKind::Answer, title, sections, sources)
}

/// Entries side by side, leading with the aspects asked about; a topic that relates all of
/// them (the IaaS-vs-PaaS discussion) adds its sections.
pub fn compare(
    entries: &[&Entry],
    aspects: &[Aspect],
    lang: Lang,
    knowledge: &KnowledgeBase,
    sources: Vec<Source>,
) -> Reply {
    let mut order: Vec<Aspect> = aspects.iter().copied().filter(|a| *a != Aspect::Definition).collect();
    for aspect in [
        Aspect::Glance,
        Aspect::Management,
        Aspect::Pros,
        Aspect::Cons,
        Aspect::Analogy,
    ] {
        if !order.contains(&aspect) {
            order.push(aspect);
        }
    }
    let mut sections = vec![ReplySection {
        heading: lang.pick("In short", "요약").to_string(),
        body: entries
            .iter()
            .map(|entry| format!("• {}: {}", entry.name.get(lang), entry.summary.get(lang)))
            .collect::<Vec<_>>()
            .join("\n"),
    }];
    for aspect in order {
        let rows: Vec<String> = entries
            .iter()
            .filter_map(|entry| compare_row(entry, aspect, lang))
            .collect();
        if rows.len() >= 2 {
            sections.push(ReplySection {
                heading: heading(aspect, lang).to_string(),
                body: rows.join("\n"),
            });
        }
    }
    let mut sources = sources;
    let ids: Vec<&str> = entries.iter().map(|entry| entry.id.as_str()).collect();
    // The topic that compares exactly these (IaaS vs PaaS) adds its discussion; a topic that
    // merely relates to them (the AI stack) does not.
    for topic in knowledge
        .entries()
        .iter()
        .filter(|e| is_comparison_topic(e, knowledge.entries()))
    {
        if ids.len() >= 2
            && ids.iter().all(|id| topic.related.iter().any(|r| r == id))
            && !ids.contains(&topic.id.as_str())
        {
            sections.extend(extra_sections(topic, lang, &HashSet::default()));
            if !sources.iter().any(|s| s.id == topic.id) {
                sources.push(source_of(topic, lang, 0.5));
            }
        }
    }
    let title = entries
        .iter()
        .map(|entry| entry.name.get(lang))
        .collect::<Vec<_>>()
        .join(" vs ");
    reply(lang, ReplyKind::Compare, title, sections, sources)
}

/// One entry's line in a comparison section.
fn compare_row(entry: &Entry, aspect: Aspect, lang: Lang) -> Option<String> {
    let name = entry.name.get(lang);
    let joined = |items: &[Text]| items.iter().map(|t| t.get(lang)).collect::<Vec<_>>().join(" / ");
    let body = match aspect {
        Aspect::Pros if !entry.pros.is_empty() => joined(&entry.pros),
        Aspect::Cons if !entry.cons.is_empty() => joined(&entry.cons),
        Aspect::Features if !entry.features.is_empty() => joined(&entry.features),
        Aspect::UseCases if !entry.use_cases.is_empty() => joined(&entry.use_cases),
        Aspect::Analogy if !entry.analogies.is_empty() => entry
            .analogies
            .iter()
            .map(|a| a.text.get(lang))
            .collect::<Vec<_>>()
            .join(" / "),
        Aspect::Providers if !entry.providers.is_empty() => entry
            .providers
            .iter()
            .map(|p| {
                if p.products.is_empty() {
                    p.name.clone()
                } else {
                    format!("{} ({})", p.name, p.products.join(", "))
                }
            })
            .collect::<Vec<_>>()
            .join(", "),
        Aspect::Management => {
            let management = entry.management.as_ref()?;
            format!(
                "{} {} · {} {}",
                lang.pick("you:", "사용자:"),
                layers(&management.customer, lang),
                lang.pick("provider:", "제공자:"),
                layers(&management.provider, lang)
            )
        }
        Aspect::Glance => {
            let c = entry.comparison.as_ref()?;
            format!(
                "{} {} · {} {} · {} {} · {} {}",
                lang.pick("delivered as", "제공 형태"),
                c.delivery.get(lang),
                lang.pick("you manage", "관리 범위"),
                c.you_manage.get(lang),
                lang.pick("customers", "주요 고객"),
                c.customers.get(lang),
                lang.pick("typical use", "주요 사용 사례"),
                c.typical_use.get(lang)
            )
        }
        Aspect::Definition => entry.definition.get(lang).to_string(),
        _ => return None,
    };
    Some(format!("• {name}: {body}"))
}

/// The honest "I don't know", saying what the bot can help with.
pub fn dont_know(knowledge: &KnowledgeBase, lang: Lang) -> Reply {
    let names = |kind: EntryKind| {
        knowledge
            .entries()
            .iter()
            .filter(|entry| entry.kind == kind)
            .map(|entry| entry.name.get(lang))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let body = match lang {
        Lang::En => format!(
            "I only answer from my knowledge base about cloud service models, and it does not cover this question.\n\
             • Models: {}\n• Topics: {}\n\
             Try: \"What is IaaS?\", \"IaaS vs PaaS\", \"cons of SaaS\", \"who provides GPUaaS?\"",
            names(EntryKind::Model),
            names(EntryKind::Topic)
        ),
        Lang::Ko => format!(
            "저는 클라우드 서비스 모델에 관한 지식 베이스로만 답하는데, 이 질문은 그 범위 밖이에요.\n\
             • 서비스 모델: {}\n• 주제: {}\n\
             예: \"IaaS가 뭐야?\", \"IaaS랑 PaaS 차이\", \"SaaS 단점\", \"GPUaaS 제공업체는?\"",
            names(EntryKind::Model),
            names(EntryKind::Topic)
        ),
    };
    reply(
        lang,
        ReplyKind::DontKnow,
        lang.pick("I don't know that one", "잘 모르는 질문이에요").to_string(),
        vec![ReplySection {
            heading: lang.pick("What I can help with", "도와드릴 수 있는 것").to_string(),
            body,
        }],
        Vec::new(),
    )
}

/// A topic that compares other entries (`IaaS vs PaaS`): it relates to two or more entries
/// and its name names each of them.
pub fn is_comparison_topic(entry: &Entry, entries: &[Entry]) -> bool {
    let name = entry.name.en.to_lowercase();
    entry.kind == EntryKind::Topic
        && entry.related.len() >= 2
        && entry.related.iter().all(|id| {
            entries
                .iter()
                .find(|e| &e.id == id)
                .is_some_and(|related| name.contains(&related.name.en.to_lowercase()))
        })
}

/// A source list entry for `entry` with a relative score.
pub fn source_of(entry: &Entry, lang: Lang, score: f32) -> Source {
    Source {
        id: entry.id.clone(),
        title: entry.title(lang),
        score: (score * 100.0).round() / 100.0,
    }
}
