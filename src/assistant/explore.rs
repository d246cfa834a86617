//! Answers picked rather than asked: the aspect, the fuller explanation or the comparison a
//! button under an answer shows. The entries come by id (from a button's `custom_id`), so
//! nothing is searched; an id the knowledge base no longer has is `None`, for the front end
//! to say so politely.

use super::compose;
use super::intent::Aspect;
use super::reply::Reply;
use super::Snapshot;
use crate::knowledge::{Entry, EntryKind, Lang};

/// The aspects a button can lead with, in the order the buttons show them. Pros stand for
/// "pros and cons": the one button shows both.
pub const EXPLORABLE: [Aspect; 5] = [
    Aspect::Pros,
    Aspect::Analogy,
    Aspect::Management,
    Aspect::Providers,
    Aspect::UseCases,
];

impl Snapshot {
    /// The answer about the entries `ids` that leads with `aspect` (pros come with cons), or
    /// with no aspect the full explanation (one entry) or comparison (several). `None` when
    /// an id is not in the knowledge base or none is given.
    pub fn view(&self, ids: &[String], aspect: Option<Aspect>, lang: Lang) -> Option<Reply> {
        let entries = self.entries_of(ids)?;
        let aspects: Vec<Aspect> = match aspect {
            Some(Aspect::Pros) => vec![Aspect::Pros, Aspect::Cons],
            Some(aspect) => vec![aspect],
            None => Vec::new(),
        };
        let sources = entries.iter().map(|e| compose::source_of(e, lang, 1.0)).collect();
        let mut reply = match (&entries[..], aspect) {
            ([entry], None) => compose::model(entry, lang, sources),
            ([entry], Some(_)) => compose::answer(entry, &aspects, false, lang, &Default::default(), sources),
            (entries, _) => compose::compare(entries, &aspects, lang, self.knowledge(), sources),
        };
        if let ([entry], Some(Aspect::Pros)) = (&entries[..], aspect) {
            // the one button shows both sides, and its title says so
            let both = lang.pick("Pros and cons", "장단점");
            reply.title = format!("{} — {both}", entry.name.get(lang));
        }
        reply.about = entries.iter().map(|e| e.id.clone()).collect();
        reply.aspect = aspect;
        reply.detailed = aspect.is_none();
        Some(reply)
    }

    /// Which of [`EXPLORABLE`] every one of the entries `ids` has something to say about.
    pub fn explorable(&self, ids: &[String], lang: Lang) -> Vec<Aspect> {
        let Some(entries) = self.entries_of(ids) else {
            return Vec::new();
        };
        EXPLORABLE
            .into_iter()
            .filter(|aspect| entries.iter().all(|e| compose::has_aspect(e, *aspect, lang)))
            .collect()
    }

    /// The models a "compare with…" menu offers next to the entries `ids`: every other
    /// model, in knowledge order.
    pub fn other_models(&self, ids: &[String]) -> Vec<&Entry> {
        self.knowledge()
            .entries()
            .iter()
            .filter(|e| e.kind == EntryKind::Model && !ids.contains(&e.id))
            .collect()
    }

    fn entries_of(&self, ids: &[String]) -> Option<Vec<&Entry>> {
        if ids.is_empty() {
            return None;
        }
        ids.iter().map(|id| self.knowledge().get(id)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistant::ReplyKind;
    use crate::knowledge::KnowledgeBase;
    use crate::prompt::Prompts;

    fn snapshot() -> Snapshot {
        Snapshot::new(
            KnowledgeBase::builtin().expect("the built-in knowledge base loads"),
            Prompts::builtin().expect("the built-in prompts load"),
        )
    }

    fn ids(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|id| id.to_string()).collect()
    }

    #[test]
    fn a_view_leads_with_its_aspect_in_the_language_asked() {
        let snapshot = snapshot();
        let reply = snapshot
            .view(&ids(&["iaas"]), Some(Aspect::Pros), Lang::Ko)
            .expect("iaas");
        assert_eq!(reply.about, ids(&["iaas"]));
        assert_eq!(reply.lang, Lang::Ko);
        let headings: Vec<&str> = reply.sections.iter().map(|s| s.heading.as_str()).collect();
        assert!(headings.len() >= 2, "pros and cons: {headings:?}");
        assert_eq!(reply.title, "IaaS — 장단점");
        let reply = snapshot.view(&ids(&["iaas", "paas"]), None, Lang::En).expect("both");
        assert_eq!(reply.kind, ReplyKind::Compare);
        let reply = snapshot.view(&ids(&["faas"]), None, Lang::En).expect("faas");
        assert_eq!(reply.kind, ReplyKind::Model);
        assert!(reply.detailed);
    }

    #[test]
    fn unknown_ids_have_no_view_and_topics_offer_fewer_aspects() {
        let snapshot = snapshot();
        assert!(snapshot.view(&ids(&["gone"]), None, Lang::En).is_none());
        assert!(snapshot.view(&[], None, Lang::En).is_none());
        assert_eq!(snapshot.explorable(&ids(&["saas"]), Lang::En).len(), EXPLORABLE.len());
        assert!(snapshot.explorable(&ids(&["gdpr"]), Lang::En).len() < EXPLORABLE.len());
        let others = snapshot.other_models(&ids(&["saas"]));
        assert!(!others.iter().any(|e| e.id == "saas" || e.kind != EntryKind::Model));
        assert!(others.len() >= 6 && others.len() <= 25);
    }
}
