//! Follow-ups: a turn read against the earlier turns of its conversation.
//!
//! "IaaS 단점이 뭐야?" → "그럼 PaaS는?" asks for PaaS's downsides; "what is FaaS?" → "and its
//! downsides?" asks for FaaS's; "둘 차이는?" compares the last two entries; "more" shows the
//! rest of the same answer. A follow-up is rewritten into the question it stands for ("PaaS
//! 단점"), which the one engine then answers like any other: the reader only decides what was
//! meant, never how to answer it.
//!
//! What stays on its own: a question that names its entries and aspect; anything whose own
//! words are off-topic (context never turns lunch into PaaS); and the turn after an
//! off-topic one. Small talk is skipped over, so "고마워!" does not end a conversation.

mod phrase;
mod shape;

use super::conversation::Turn;
use super::intent::{self, Aspect};
use super::reply::ReplyKind;
use super::Snapshot;
use crate::knowledge::{Entry, Lang};
use crate::search::Search;
use phrase::{injected, phrase, phrase_compare};
use shape::Shape;

/// A turn that names nothing and says at most this many words of its own ("비용은?", "what
/// about security?") is about what is being discussed.
const MAX_SHORT_RESIDUAL: usize = 2;

/// How a turn reads in its conversation.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Reading {
    /// On its own, as if nothing came before.
    Alone,
    /// As this question ("그럼 PaaS는?" → "PaaS 단점").
    Resolved(String),
    /// As a follow-up about something else ("and the weather?"): not about the knowledge
    /// base, whatever its words share with it.
    OffTopic,
}

/// How `text` reads after `earlier`.
pub(super) fn read(snapshot: &Snapshot, text: &str, lang: Lang, earlier: &[Turn]) -> Reading {
    let Some(context) = Context::of(earlier) else {
        return Reading::Alone;
    };
    let search = snapshot.search(text);
    let shape = Shape::of(snapshot, text, &search);
    if shape.other_domain && search.mentions.is_empty() && shape.marker {
        return Reading::OffTopic;
    }
    match resolve(snapshot, text, lang, &context, &search, &shape) {
        Some(resolved) => Reading::Resolved(resolved),
        None => Reading::Alone,
    }
}

/// The question `text` stands for in its conversation, when it is a follow-up; `None` when it
/// is answered on its own.
fn resolve(
    snapshot: &Snapshot,
    text: &str,
    lang: Lang,
    context: &Context<'_>,
    search: &Search,
    shape: &Shape,
) -> Option<String> {
    let entries = snapshot.knowledge().entries();
    let intent = intent::detect(text);
    let named = named(snapshot, search);
    let elliptical = shape.residual == 0;
    let short = shape.residual <= MAX_SHORT_RESIDUAL && shape.known;
    if !(elliptical || shape.marker || short) || shape.other_domain {
        return None;
    }
    let follows = elliptical || shape.marker;
    // Words of its own that the knowledge base does not know are judged on their own, unless
    // they only say how two things compare ("그럼 둘 중 뭐가 덜 골치 아파?").
    let compares_what_was_said = shape.which && (shape.anaphor || intent.compare);
    if !elliptical && search.hits.is_empty() && !shape.known && !compares_what_was_said {
        return None;
    }
    let aspect = intent.aspects.iter().copied().find(|a| *a != Aspect::Definition);
    let names = |ids: &[String]| -> Vec<&Entry> {
        ids.iter()
            .filter_map(|id| entries.iter().find(|entry| &entry.id == id))
            .collect()
    };
    let last = names(&context.last.about);
    if last.is_empty() {
        return None;
    }

    // "more", "자세히", "예를 들면?": the next level of the same answer.
    if named.is_empty() && (shape.more || shape.example || intent.more) && shape.residual_besides_more == 0 {
        let first_answer_of_what_it_is = matches!(context.last.aspect, None | Some(Aspect::Definition));
        if shape.example && !shape.more && !intent.more && first_answer_of_what_it_is && last.len() == 1 {
            return Some(phrase(&last, Some(Aspect::UseCases), false, lang));
        }
        return Some(phrase(&last, context.last.aspect, true, lang));
    }

    // "둘 차이는?", "compare them", "which is cheaper?", "SaaS랑 비교하면?".
    if (intent.compare || shape.which) && named.len() < 2 {
        if let Some(pair) = pair(&named, context, entries) {
            return Some(if elliptical || shape.which_only {
                phrase_compare(&pair, aspect, lang)
            } else {
                injected(&pair, text, lang)
            });
        }
    }

    // "and its downsides?", "비유로 설명해 줘", "what is it?": the aspect of the same entries.
    if named.is_empty() && (aspect.is_some() || intent.defines) && follows {
        let aspect = aspect.or(Some(Aspect::Definition));
        // "pros and cons?" asks two aspects, which only the turn's own words say.
        let several = intent.aspects.iter().filter(|a| **a != Aspect::Definition).count() > 1;
        return Some(if elliptical && !several {
            phrase(&last, aspect, false, lang)
        } else {
            injected(&last, text, lang)
        });
    }

    // "그럼 PaaS는?": the same aspect of another entry.
    if !named.is_empty() && aspect.is_none() && !intent.defines && !intent.more && elliptical {
        let kept = context.last.aspect.filter(|a| *a != Aspect::Definition)?;
        let now: Vec<&Entry> = named.iter().map(|&i| &entries[i]).collect();
        return Some(phrase(&now, Some(kept), false, lang));
    }

    // "what about security?", "how does it scale?", "비용은?": a short question that names
    // nothing is about what is being discussed, unless it asks which model fits.
    let asks_for_entry = crate::search::asks_for_entry(&text.to_lowercase());
    let nothing_else_asked = aspect.is_none() && !intent.defines;
    if named.is_empty() && !elliptical && (shape.marker || (short && nothing_else_asked)) && !asks_for_entry {
        return Some(injected(&last, text, lang));
    }
    None
}

/// The two entries a comparison follow-up compares: the latest of the conversation, then
/// those it names ("compare it with IaaS" → on-premise vs IaaS); `None` when there are not two.
fn pair<'a>(named: &[usize], context: &Context<'_>, entries: &'a [Entry]) -> Option<Vec<&'a Entry>> {
    let named: Vec<&Entry> = named.iter().map(|&i| &entries[i]).collect();
    let wanted = 2usize.saturating_sub(named.len());
    let mut pair: Vec<&Entry> = context
        .recent
        .iter()
        .rev()
        .filter_map(|id| entries.iter().find(|entry| &entry.id == id))
        .filter(|entry| !named.iter().any(|n| n.id == entry.id))
        .take(wanted)
        .collect();
    // In the order they came up.
    pair.reverse();
    pair.extend(named);
    (pair.len() >= 2).then_some(pair)
}

/// What the earlier turns leave to read a follow-up against.
struct Context<'a> {
    /// The last turn that was about the knowledge base.
    last: &'a Turn,
    /// The entries of the latest topical turns, each once, in the order they last came up.
    recent: Vec<String>,
}

impl<'a> Context<'a> {
    /// The context of `earlier`, skipping small talk; none after an off-topic turn.
    fn of(earlier: &'a [Turn]) -> Option<Context<'a>> {
        let mut turns = earlier.iter().rev().filter(|turn| turn.kind != ReplyKind::SmallTalk);
        let last = turns.next()?;
        if !last.is_topical() {
            return None;
        }
        let mut topical: Vec<&Turn> = std::iter::once(last)
            .chain(turns.take_while(|turn| turn.is_topical()))
            .collect();
        topical.reverse();
        let mut recent: Vec<String> = Vec::new();
        for id in topical.iter().flat_map(|turn| &turn.about) {
            recent.retain(|seen| seen != id);
            recent.push(id.clone());
        }
        Some(Context { last, recent })
    }
}

/// The entries a turn names, in order, with a comparison topic ("IaaS vs PaaS") standing for
/// what it compares.
fn named(snapshot: &Snapshot, search: &Search) -> Vec<usize> {
    let entries = snapshot.knowledge().entries();
    let mut named: Vec<usize> = Vec::new();
    for mention in &search.mentions {
        if super::compose::is_comparison_topic(&entries[mention.entry], entries) {
            for id in &entries[mention.entry].related {
                if let Some(position) = entries.iter().position(|e| &e.id == id) {
                    if !named.contains(&position) {
                        named.push(position);
                    }
                }
            }
        } else if !named.contains(&mention.entry) {
            named.push(mention.entry);
        }
    }
    named
}
