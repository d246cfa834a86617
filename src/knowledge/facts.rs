//! Facts: every item of the knowledge base that states one thing, with the entry it is
//! about and its aspect, derived from where it sits in the files.
//!
//! A feature is a fact about its entry with aspect `feature`; a row of the overview's table
//! carries `about = "paas"` in the file and is a fact about PaaS. Nothing here knows an entry
//! by name: what a fact is about is data.

use super::entry::{Entry, Fact, FactAspect, Text};

/// Labels of the comparison-table columns and the who-manages-what split, as fact text.
fn labelled(label_en: &str, label_ko: &str, text: &Text) -> Text {
    Text {
        en: format!("{label_en}: {}", text.en),
        ko: format!("{label_ko}: {}", text.ko),
    }
}

/// All facts of `entries`, entry by entry in the order of their files.
pub(super) fn facts_of(entries: &[Entry]) -> Vec<Fact> {
    let mut facts = Vec::new();
    for (holder, entry) in entries.iter().enumerate() {
        let mut add = |about: usize, aspect: FactAspect, text: Text, heading: Option<&Text>| {
            facts.push(Fact {
                about,
                holder,
                aspect,
                text,
                heading: heading.cloned(),
                intro: false,
            });
        };
        let position_of = |id: &Option<String>| id.as_ref().and_then(|id| entries.iter().position(|e| &e.id == id));
        let mut names_en = vec![entry.id.clone(), entry.name.en.clone(), entry.full_name.en.clone()];
        names_en.extend(entry.aliases_en.iter().cloned());
        let mut names_ko = vec![entry.name.ko.clone(), entry.full_name.ko.clone()];
        names_ko.extend(entry.aliases_ko.iter().cloned());
        add(
            holder,
            FactAspect::Name,
            Text {
                en: names_en.join(", "),
                ko: names_ko.join(", "),
            },
            None,
        );
        add(holder, FactAspect::Definition, entry.summary.clone(), None);
        add(holder, FactAspect::Definition, entry.definition.clone(), None);
        for analogy in &entry.analogies {
            add(holder, FactAspect::Analogy, analogy.text.clone(), None);
        }
        for text in &entry.features {
            add(holder, FactAspect::Feature, text.clone(), None);
        }
        for provider in &entry.providers {
            let name = if provider.products.is_empty() {
                provider.name.clone()
            } else {
                format!("{} ({})", provider.name, provider.products.join(", "))
            };
            add(
                holder,
                FactAspect::Provider,
                Text {
                    en: format!("{name}: {}", provider.about.en),
                    ko: format!("{name}: {}", provider.about.ko),
                },
                None,
            );
        }
        for text in &entry.use_cases {
            add(holder, FactAspect::UseCase, text.clone(), None);
        }
        for text in &entry.pros {
            add(holder, FactAspect::Pro, text.clone(), None);
        }
        for text in &entry.cons {
            add(holder, FactAspect::Con, text.clone(), None);
        }
        if let Some(comparison) = &entry.comparison {
            add(
                holder,
                FactAspect::Definition,
                labelled("Delivered as", "제공 형태", &comparison.delivery),
                None,
            );
            add(
                holder,
                FactAspect::UseCase,
                labelled("Typical use", "주요 사용 사례", &comparison.typical_use),
                None,
            );
            add(
                holder,
                FactAspect::Manage,
                labelled("What you manage", "사용자가 관리하는 범위", &comparison.you_manage),
                None,
            );
            add(
                holder,
                FactAspect::Customer,
                labelled("Main customers", "주요 고객", &comparison.customers),
                None,
            );
        }
        if let Some(management) = &entry.management {
            let layers = |list: &[super::Layer], lang| {
                list.iter()
                    .map(|layer| layer.label(lang))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let none = |text: String, empty: &str| if text.is_empty() { empty.to_string() } else { text };
            add(
                holder,
                FactAspect::Manage,
                Text {
                    en: format!(
                        "You manage: {}. The provider manages: {}.",
                        none(layers(&management.customer, super::Lang::En), "nothing"),
                        none(layers(&management.provider, super::Lang::En), "nothing")
                    ),
                    ko: format!(
                        "사용자가 관리: {}. 제공자가 관리: {}.",
                        none(layers(&management.customer, super::Lang::Ko), "없음"),
                        none(layers(&management.provider, super::Lang::Ko), "없음")
                    ),
                },
                None,
            );
            if let Some(note) = &management.note {
                add(holder, FactAspect::Manage, note.clone(), None);
            }
        }
        for section in &entry.sections {
            let section_about = position_of(&section.about).unwrap_or(holder);
            let section_aspect = section.aspect.unwrap_or(FactAspect::Section);
            add(
                section_about,
                section_aspect,
                section.body.clone(),
                Some(&section.title),
            );
            for item in &section.items {
                add(
                    position_of(&item.about).unwrap_or(section_about),
                    item.aspect.unwrap_or(section_aspect),
                    item.text.clone(),
                    Some(&section.title),
                );
            }
        }
    }
    // A section body followed by items under the same heading introduces them.
    for index in 0..facts.len().saturating_sub(1) {
        let first_of_heading = index == 0 || facts[index - 1].heading != facts[index].heading;
        let next = &facts[index + 1];
        if facts[index].heading.is_some()
            && first_of_heading
            && next.heading == facts[index].heading
            && next.holder == facts[index].holder
        {
            facts[index].intro = true;
        }
    }
    facts
}
