//! The built-in knowledge base: required entries, complete models, and the seed article's
//! facts present in both languages.

use xaas::knowledge::{Entry, EntryKind, KnowledgeBase, Lang};

fn builtin() -> KnowledgeBase {
    KnowledgeBase::builtin().unwrap_or_else(|error| panic!("built-in knowledge must load: {error}"))
}

/// Every text of an entry in one language, for fact checks.
fn text_of(entry: &Entry, lang: Lang) -> String {
    let mut parts: Vec<String> = vec![
        entry.name.get(lang).into(),
        entry.full_name.get(lang).into(),
        entry.summary.get(lang).into(),
        entry.definition.get(lang).into(),
    ];
    parts.extend(entry.analogies.iter().map(|a| a.text.get(lang).to_string()));
    for list in [&entry.features, &entry.use_cases, &entry.pros, &entry.cons] {
        parts.extend(list.iter().map(|t| t.get(lang).to_string()));
    }
    for provider in &entry.providers {
        parts.push(format!(
            "{} {} {}",
            provider.name,
            provider.products.join(" "),
            provider.about.get(lang)
        ));
    }
    if let Some(c) = &entry.comparison {
        for t in [&c.delivery, &c.typical_use, &c.you_manage, &c.customers] {
            parts.push(t.get(lang).into());
        }
    }
    for section in &entry.sections {
        parts.push(format!("{} {}", section.title.get(lang), section.body.get(lang)));
        parts.extend(section.items.iter().map(|item| item.text.get(lang).to_string()));
    }
    parts.join("\n")
}

#[test]
fn has_every_required_entry_and_complete_models() {
    let knowledge = builtin();
    for id in [
        "on-premise",
        "iaas",
        "caas",
        "paas",
        "faas",
        "saas",
        "gpuaas",
        "iqaas",
        "gdpr",
        "hipaa",
        "ai-stack",
    ] {
        assert!(knowledge.get(id).is_some(), "missing entry {id}");
    }
    for entry in knowledge.entries().iter().filter(|e| e.kind == EntryKind::Model) {
        assert!(!entry.analogies.is_empty(), "{}: analogies", entry.id);
        assert!(!entry.features.is_empty(), "{}: features", entry.id);
        assert!(
            !entry.providers.is_empty() || entry.id == "on-premise",
            "{}: providers",
            entry.id
        );
        assert!(!entry.use_cases.is_empty(), "{}: use cases", entry.id);
        assert!(
            !entry.pros.is_empty() && !entry.cons.is_empty(),
            "{}: pros and cons",
            entry.id
        );
        assert!(entry.comparison.is_some(), "{}: comparison columns", entry.id);
        assert!(entry.management.is_some(), "{}: who manages what", entry.id);
    }
    let on_premise = knowledge
        .get("on-premise")
        .and_then(|e| e.management.as_ref())
        .expect("on-premise layers");
    assert!(
        on_premise.provider.is_empty(),
        "on-premise: the customer manages everything"
    );
    let saas = knowledge
        .get("saas")
        .and_then(|e| e.management.as_ref())
        .expect("saas layers");
    assert!(saas.provider.len() >= 8, "saas: the provider manages almost everything");
}

#[test]
fn seed_facts_are_present_in_both_languages() {
    let knowledge = builtin();
    // (entry, facts that must appear in that entry's English and Korean text)
    let facts: &[(&str, &[&str])] = &[
        ("iaas", &["EC2", "S3", "Azure", "Virtual Machines"]),
        ("paas", &["App Engine", "Heroku"]),
        (
            "saas",
            &["Google Workspace", "Microsoft 365", "Salesforce", "CRM", "ERP"],
        ),
        ("gpuaas", &["Elastic Graphics", "NV", "3D"]),
        ("iqaas", &["Gemini", "GPT", "Claude"]),
        ("gdpr", &["2018", "25"]),
        ("hipaa", &["1996", "PHI"]),
        (
            "ai-stack",
            &[
                "Coatue",
                "2023",
                "Copilot",
                "Cursor",
                "Poe",
                "Runway",
                "Character.ai",
                "GPTs",
                "ChatGPT",
                "AWS",
                "Azure",
                "GCP",
            ],
        ),
        ("iaas-vs-paas", &["EC2", "AMI", "Heroku"]),
    ];
    for (id, needles) in facts {
        let entry = knowledge.get(id).unwrap_or_else(|| panic!("entry {id}"));
        for lang in [Lang::En, Lang::Ko] {
            let text = text_of(entry, lang);
            for needle in *needles {
                assert!(text.contains(needle), "{id} ({lang}) lacks {needle:?}");
            }
        }
    }
    let analogy_scenes: Vec<String> = knowledge
        .entries()
        .iter()
        .flat_map(|e| e.analogies.iter().map(|a| a.scene.clone()))
        .collect();
    for scene in [
        "housing",
        "farming",
        "meal-kit",
        "restaurant",
        "power-tool",
        "robot-vacuum",
    ] {
        assert!(
            analogy_scenes.iter().any(|s| s == scene),
            "missing analogy scene {scene}"
        );
    }
}

#[test]
fn korean_text_is_korean() {
    for entry in builtin().entries() {
        assert!(
            entry
                .definition
                .ko
                .chars()
                .any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c)),
            "{}",
            entry.id
        );
        assert!(
            entry.definition.en.is_ascii()
                || !entry
                    .definition
                    .en
                    .chars()
                    .any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c)),
            "{}",
            entry.id
        );
    }
}
