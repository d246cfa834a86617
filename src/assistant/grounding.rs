//! What a grounded prompt carries: the facts that answer the question, each with the id of
//! the entry it is about, and a one-line summary of each entry the reply rests on — not
//! whole entries. A one-line question gets a prompt of a few hundred words.

use super::intent;
use super::lead;
use super::reply::{Reply, ReplyKind};
use crate::knowledge::{FactAspect, KnowledgeBase};
use crate::prompt::{GroundingEntry, GroundingFact};
use crate::search::Search;

/// Facts a prompt carries at most.
const MAX_FACTS: usize = 8;
/// Matched facts taken before the facts of the aspects asked for are added.
const MAX_MATCHED_FACTS: usize = 5;
/// A matched fact is sent while it scores this share of the best one.
const RELATIVE_CUT: f32 = 0.5;
/// A fact longer than this is cut at a sentence boundary.
const MAX_FACT_CHARS: usize = 400;

/// The entries (summaries) and facts that ground an answer to `question`, whose offline
/// reply is `offline`, in the reply's language.
pub(super) fn grounding(
    knowledge: &KnowledgeBase,
    search: &Search,
    question: &str,
    offline: &Reply,
) -> (Vec<GroundingEntry>, Vec<GroundingFact>) {
    let lang = offline.lang;
    let entries = knowledge.entries();
    let facts = knowledge.facts();
    let ids: Vec<usize> = offline
        .sources
        .iter()
        .filter_map(|s| knowledge.position(&s.id))
        .collect();
    let relevant = |hit: &&crate::search::FactHit| {
        ids.contains(&facts[hit.fact].about) && facts[hit.fact].aspect != FactAspect::Name
    };
    let intent = intent::detect(question);
    // The aspects asked for, to add their facts when their words did not match ("downsides"
    // matches no con's words); a definition is always carried by the summaries.
    let asked: Vec<FactAspect> = intent
        .aspects
        .iter()
        .flat_map(|a| lead::fact_aspects(*a).iter().copied())
        .filter(|aspect| *aspect != FactAspect::Definition)
        .collect();
    // Asked for the downsides, the prompt carries downsides, not every fact naming the entry.
    let relevant =
        |hit: &&crate::search::FactHit| relevant(hit) && (asked.is_empty() || asked.contains(&facts[hit.fact].aspect));
    let best = search.facts.iter().find(relevant).map_or(0.0, |hit| hit.score);
    let mut chosen: Vec<usize> = search
        .facts
        .iter()
        .filter(relevant)
        .filter(|hit| hit.score >= best * RELATIVE_CUT)
        .take(MAX_MATCHED_FACTS)
        .map(|hit| hit.fact)
        .collect();
    let main: Vec<usize> = if offline.kind == ReplyKind::Compare {
        ids.iter()
            .copied()
            .filter(|&i| entries[i].comparison.is_some())
            .collect()
    } else {
        ids.first().copied().into_iter().collect()
    };
    let add = |index: usize, chosen: &mut Vec<usize>| {
        if chosen.len() < MAX_FACTS && !chosen.contains(&index) {
            chosen.push(index);
        }
    };
    for &aspect in &asked {
        for &entry in &main {
            for (index, fact) in facts.iter().enumerate() {
                if fact.about == entry && fact.holder == entry && fact.aspect == aspect {
                    add(index, &mut chosen);
                }
            }
        }
    }
    // A comparison without aspects: what each delivers and what is left to you.
    if offline.kind == ReplyKind::Compare && intent.aspects.is_empty() {
        for &entry in &main {
            let manage = facts
                .iter()
                .position(|f| f.about == entry && f.holder == entry && f.aspect == FactAspect::Manage);
            if let Some(index) = manage {
                add(index, &mut chosen);
            }
        }
    }
    // "What is IaaS?": the definition, when nothing more particular matched.
    if chosen.is_empty() {
        if let Some(&entry) = main.first() {
            if let Some(index) = facts
                .iter()
                .enumerate()
                .filter(|(_, f)| f.about == entry && f.aspect == FactAspect::Definition)
                .map(|(index, _)| index)
                .nth(1)
            {
                add(index, &mut chosen);
            }
        }
    }
    let summaries = ids
        .iter()
        .map(|&index| GroundingEntry {
            id: entries[index].id.clone(),
            title: entries[index].title(lang),
            summary: entries[index].summary.get(lang).to_string(),
        })
        .collect();
    let grounded = chosen
        .into_iter()
        .map(|index| {
            let fact = &facts[index];
            let text = cut(fact.text.get(lang));
            GroundingFact {
                id: entries[fact.about].id.clone(),
                aspect: fact.aspect.key().to_string(),
                text: match &fact.heading {
                    Some(heading) if fact.aspect == FactAspect::Layer => format!("{}: {text}", heading.get(lang)),
                    _ => text,
                },
            }
        })
        .collect();
    (summaries, grounded)
}

/// `text` cut to [`MAX_FACT_CHARS`] at the last sentence end before it.
fn cut(text: &str) -> String {
    if text.chars().count() <= MAX_FACT_CHARS {
        return text.to_string();
    }
    let head: String = text.chars().take(MAX_FACT_CHARS).collect();
    match head.rfind(". ").or_else(|| head.rfind("다. ")) {
        Some(end) if end > MAX_FACT_CHARS / 3 => head[..=end].to_string(),
        _ => format!("{}…", head.trim_end()),
    }
}
