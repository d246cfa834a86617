//! The question a follow-up stands for, worded with the engine's own cue words so the one
//! engine reads it back as meant: "PaaS 단점", "FaaS cons", "IaaS vs PaaS 비유".

use super::super::intent::Aspect;
use crate::knowledge::{Entry, Lang};

/// The entries' names in `lang`.
fn names(entries: &[&Entry], lang: Lang, separator: &str) -> String {
    entries
        .iter()
        .map(|entry| entry.name.get(lang))
        .collect::<Vec<_>>()
        .join(separator)
}

/// The short question a follow-up stands for: "PaaS 단점", "FaaS cons", "IaaS vs PaaS 비유",
/// "tell me more about IaaS cons". Worded with the engine's own cues, so it is read back as
/// meant (a unit test asks every entry and aspect).
pub(super) fn phrase(entries: &[&Entry], aspect: Option<Aspect>, more: bool, lang: Lang) -> String {
    if entries.len() >= 2 {
        let mut text = phrase_compare(entries, aspect, lang);
        if more {
            text.push_str(match lang {
                Lang::En => " in detail",
                Lang::Ko => " 자세히",
            });
        }
        return text;
    }
    let name = names(entries, lang, " ");
    let asked = match (aspect.filter(|a| !more || *a != Aspect::Definition), lang) {
        (None, Lang::En) => name.clone(),
        (None, Lang::Ko) => name.clone(),
        (Some(aspect), lang) => aspect_phrase(&name, aspect, lang),
    };
    match (more, lang) {
        (false, _) => asked,
        (true, Lang::En) => format!("tell me more: {asked}"),
        (true, Lang::Ko) => format!("{asked} 자세히"),
    }
}

/// One entry's aspect asked in `lang`.
fn aspect_phrase(name: &str, aspect: Aspect, lang: Lang) -> String {
    match lang {
        Lang::En => match aspect {
            Aspect::Definition => format!("what is {name}?"),
            Aspect::Analogy => format!("{name} analogy"),
            Aspect::Features => format!("{name} features"),
            Aspect::Providers => format!("{name} providers"),
            Aspect::UseCases => format!("{name} use cases"),
            Aspect::Pros => format!("{name} pros"),
            Aspect::Cons => format!("{name} cons"),
            Aspect::Management => format!("who manages what in {name}"),
            Aspect::Glance => format!("who uses {name}"),
        },
        Lang::Ko => match aspect {
            Aspect::Definition => format!("{name} 뭐야?"),
            Aspect::Analogy => format!("{name} 비유"),
            Aspect::Features => format!("{name} 특징"),
            Aspect::Providers => format!("{name} 제공업체"),
            Aspect::UseCases => format!("{name} 활용 사례"),
            Aspect::Pros => format!("{name} 장점"),
            Aspect::Cons => format!("{name} 단점"),
            Aspect::Management => format!("{name} 누가 관리"),
            Aspect::Glance => format!("{name} 주요 고객"),
        },
    }
}

/// "IaaS vs PaaS", "IaaS vs PaaS 단점".
pub(super) fn phrase_compare(entries: &[&Entry], aspect: Option<Aspect>, lang: Lang) -> String {
    let pair = names(entries, lang, " vs ");
    match aspect {
        None => pair,
        Some(aspect) => {
            let word = match (aspect, lang) {
                (Aspect::Management, Lang::En) => "who manages what".to_string(),
                (Aspect::Management, Lang::Ko) => "누가 관리".to_string(),
                (aspect, lang) => aspect_phrase("", aspect, lang).trim().to_string(),
            };
            format!("{pair} {word}")
        }
    }
}

/// The turn as asked, with the entries it is about put in front: "FaaS: how does it scale?".
pub(super) fn injected(entries: &[&Entry], text: &str, lang: Lang) -> String {
    format!("{}: {}", names(entries, lang, ", "), text.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phrase_reads_back_as_the_entry_and_aspect_it_stands_for() {
        use crate::assistant::{Assistant, Question};
        use crate::knowledge::{EntryKind, KnowledgeBase};
        let assistant = Assistant::new(KnowledgeBase::builtin().expect("built-in knowledge loads"));
        let snapshot = assistant.snapshot();
        let mut wrong = Vec::new();
        for entry in snapshot
            .knowledge()
            .entries()
            .iter()
            .filter(|e| e.kind == EntryKind::Model)
        {
            for aspect in Aspect::ALL {
                for lang in [Lang::En, Lang::Ko] {
                    let text = phrase(&[entry], Some(aspect), false, lang);
                    let reply = assistant.answer(&Question::new(text.clone()));
                    if reply.about != [entry.id.clone()] || reply.aspect != Some(aspect) {
                        wrong.push(format!("{text:?} → {:?} {:?}", reply.about, reply.aspect));
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }
}
