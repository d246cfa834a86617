//! The quiz against the built-in knowledge base: every candidate checked by an oracle that
//! reads the data directly, the traps the data sets (AWS under five models, GDPR's two years,
//! IaaS in two AI-stack layers, the nuances of who manages what), determinism, topics, and
//! button ids read back, broken or stale.

use std::sync::OnceLock;

use proptest::prelude::*;

use super::kinds::{self, Candidate, Claim, Value};
use super::reading::{name_key, Named};
use super::*;
use crate::knowledge::{KnowledgeBase, Layer, SourceFile};

fn knowledge() -> &'static KnowledgeBase {
    static KNOWLEDGE: OnceLock<KnowledgeBase> = OnceLock::new();
    KNOWLEDGE.get_or_init(|| KnowledgeBase::builtin().expect("the built-in knowledge base loads"))
}

fn quiz() -> &'static Quiz {
    static QUIZ: OnceLock<Quiz> = OnceLock::new();
    QUIZ.get_or_init(|| Quiz::build(knowledge()))
}

fn entry(id: &str) -> usize {
    knowledge().position(id).expect("a built-in entry")
}

/// Whether `value` answers `claim`, read straight from the data: the plainest reading of
/// each kind, independent of how `kinds` builds its pools.
fn holds(claim: &Claim, value: &Value) -> bool {
    let knowledge = knowledge();
    let entries = knowledge.entries();
    let facts = knowledge.facts();
    match (claim, value) {
        (Claim::Analogy { fact }, Value::Model(model)) => {
            let fact = &facts[*fact];
            let entry = &entries[*model];
            let keys = [
                name_key(&entry.name.en),
                name_key(&entry.full_name.en),
                name_key(&entry.id),
            ];
            fact.about == *model
                || [&fact.text.en, &fact.text.ko]
                    .iter()
                    .any(|text| keys.iter().any(|key| Named::new(text).names(key)))
        }
        (Claim::Product { key }, Value::Model(model)) => entries[*model].providers.iter().any(|provider| {
            name_key(&provider.name) == *key || provider.products.iter().any(|product| name_key(product) == *key)
        }),
        (Claim::Manage { entry, customer }, Value::Layer(layer)) => {
            let management = entries[*entry]
                .management
                .as_ref()
                .expect("asked about a model with a split");
            if *customer {
                management.customer.contains(layer)
            } else {
                management.provider.contains(layer)
            }
        }
        (Claim::StackLayer { model }, Value::StackLayer(fact)) => {
            let title = &facts[*fact].heading.as_ref().expect("a layer has a title").en;
            Named::new(title).names(&name_key(&entries[*model].name.en))
        }
        (Claim::Year { entry }, Value::Year(year)) => knowledge.facts_about(*entry).iter().any(|&fact| {
            let text = &facts[fact].text;
            text.en.contains(&year.to_string()) || text.ko.contains(&year.to_string())
        }),
        (Claim::Role { about, label }, Value::Example(example)) => knowledge.facts().iter().any(|fact| {
            fact.about == *about
                && fact.aspect == crate::knowledge::FactAspect::Role
                && fact.text.en.to_lowercase().starts_with(&format!("{label}:"))
                && fact.text.en.to_lowercase().contains(&example.to_lowercase())
        }),
        (claim, value) => panic!("a {value:?} cannot answer {claim:?}"),
    }
}

fn all_candidates() -> Vec<Candidate> {
    let [mut all, korean] = kinds::candidates(knowledge());
    all.extend(korean);
    all
}

#[test]
fn every_candidate_has_one_right_answer_and_only_wrong_distractors() {
    let all = all_candidates();
    assert!(
        all.len() > 50,
        "the knowledge base yields many questions: {}",
        all.len()
    );
    for candidate in &all {
        let context = format!("{:?} {}", candidate.kind, candidate.prompt);
        assert!(
            holds(&candidate.claim, &candidate.answer.value),
            "the answer holds: {context}"
        );
        assert!(candidate.pool.len() >= 3, "{context}");
        for wrong in &candidate.pool {
            assert!(
                !holds(&candidate.claim, &wrong.value),
                "{:?} is also true: {context}",
                wrong.text
            );
            assert_ne!(
                wrong.text.to_lowercase(),
                candidate.answer.text.to_lowercase(),
                "{context}"
            );
        }
        let mut shown: Vec<String> = candidate.pool.iter().map(|choice| choice.text.to_lowercase()).collect();
        shown.sort();
        shown.dedup();
        assert_eq!(shown.len(), candidate.pool.len(), "distinct: {context}");
        assert!(!candidate.explanation.trim().is_empty(), "{context}");
    }
}

#[test]
fn every_kind_is_asked_in_both_languages() {
    for lang in [Lang::En, Lang::Ko] {
        let candidates = quiz().candidates(lang);
        for kind in QuestionKind::ALL {
            assert!(candidates.iter().any(|c| c.kind == kind), "{kind:?} in {lang}");
        }
        if lang == Lang::Ko {
            for candidate in candidates {
                assert!(
                    candidate.prompt.chars().any(crate::knowledge::is_hangul),
                    "a Korean prompt: {}",
                    candidate.prompt
                );
            }
        }
    }
}

#[test]
fn a_shared_provider_never_makes_two_choices_right() {
    let aws = name_key("AWS");
    let holders: Vec<usize> = knowledge()
        .entries()
        .iter()
        .enumerate()
        .filter(|(_, entry)| entry.providers.iter().any(|p| name_key(&p.name) == aws))
        .map(|(index, _)| index)
        .collect();
    assert!(holders.len() >= 3, "AWS is listed under several models");
    let asked: Vec<&Candidate> = quiz()
        .english
        .iter()
        .filter(|c| matches!(&c.claim, Claim::Product { key } if *key == aws))
        .collect();
    assert!(
        !asked.is_empty(),
        "AWS is asked about, with the models that do not list it"
    );
    for candidate in asked {
        for wrong in &candidate.pool {
            let Value::Model(model) = wrong.value else {
                panic!("a model")
            };
            assert!(!holders.contains(&model), "{} lists AWS", wrong.text);
        }
        assert!(
            candidate.explanation.contains("also listed under"),
            "{}",
            candidate.explanation
        );
    }
}

#[test]
fn gdpr_years_never_offer_the_other_year_it_states() {
    let gdpr = entry("gdpr");
    for candidate in all_candidates()
        .iter()
        .filter(|c| c.kind == QuestionKind::Year && c.about == gdpr)
    {
        assert_eq!(candidate.answer.value, Value::Year(2018), "{}", candidate.prompt);
        assert!(candidate.prompt.contains("____"), "{}", candidate.prompt);
        assert!(!candidate.prompt.contains("2018"), "{}", candidate.prompt);
        for wrong in &candidate.pool {
            assert_ne!(
                wrong.value,
                Value::Year(2016),
                "adopted in 2016, so never a wrong answer"
            );
            let Value::Year(year) = wrong.value else {
                panic!("a year")
            };
            assert!(year.abs_diff(2018) <= 6, "near the right year: {year}");
        }
    }
    let hipaa = entry("hipaa");
    assert!(all_candidates()
        .iter()
        .any(|c| c.about == hipaa && c.answer.value == Value::Year(1996)));
}

#[test]
fn iaas_is_not_asked_with_the_data_center_layer_it_also_claims() {
    let iaas = entry("iaas");
    let asked: Vec<Candidate> = all_candidates()
        .into_iter()
        .filter(|c| c.kind == QuestionKind::StackLayer && c.about == iaas)
        .collect();
    assert!(!asked.is_empty());
    for candidate in &asked {
        assert!(["Cloud platforms", "클라우드 플랫폼"].contains(&candidate.answer.text.as_str()));
        for wrong in &candidate.pool {
            assert!(
                !wrong.text.contains("Data center") && !wrong.text.contains("데이터센터"),
                "iaas.toml: IaaS matches the data-center layer too"
            );
        }
    }
    // Every model the stack's titles name has a stack question.
    for id in ["gpuaas", "iaas", "iqaas", "paas", "saas"] {
        assert!(
            quiz()
                .english
                .iter()
                .any(|c| c.kind == QuestionKind::StackLayer && c.about == entry(id)),
            "{id}"
        );
    }
}

#[test]
fn layers_a_note_puts_on_both_sides_are_never_choices() {
    let layers_in = |id: &str, customer: bool| -> Vec<Layer> {
        quiz()
            .english
            .iter()
            .filter(|c| matches!(c.claim, Claim::Manage { entry, customer: side } if entry == knowledge().position(id).unwrap_or(usize::MAX) && side == customer))
            .flat_map(|c| c.pool.iter().chain([&c.answer]))
            .filter_map(|choice| match choice.value {
                Value::Layer(layer) => Some(layer),
                _ => None,
            })
            .collect()
    };
    // "you still configure your virtual networks, firewall rules and security groups"
    assert!(!layers_in("iaas", true).contains(&Layer::Networking));
    assert!(layers_in("iaas", true).contains(&Layer::Storage));
    // "the data your functions read and write ... is still yours"
    assert!(!layers_in("faas", true).contains(&Layer::Data));
    assert!(!layers_in("faas", false).contains(&Layer::Data));
    // "you also patch the nodes' operating system"; the provider runs the container runtime
    assert!(!layers_in("caas", true).contains(&Layer::Os));
    assert!(!layers_in("caas", false).contains(&Layer::Runtime));
    // "Your own application that makes the calls is of course yours to run"
    assert!(!layers_in("iqaas", true).contains(&Layer::Application));
    // On-premise has no provider: nothing to ask.
    assert!(layers_in("on-premise", true).is_empty() && layers_in("on-premise", false).is_empty());
}

#[test]
fn analogies_blank_the_answer_and_never_offer_a_model_they_name() {
    let iqaas = entry("iqaas");
    let iaas = entry("iaas");
    let gpuaas = entry("gpuaas");
    for candidate in all_candidates().iter().filter(|c| c.kind == QuestionKind::Analogy) {
        let name = &knowledge().entries()[candidate.about].name.en;
        assert!(!candidate.prompt.contains(name.as_str()), "{}", candidate.prompt);
        if candidate.about == iqaas {
            assert!(candidate.prompt.contains("____"), "{}", candidate.prompt);
        }
        // GPUaaS's housing analogy says "as with IaaS".
        if candidate.about == gpuaas && candidate.prompt.contains("IaaS") {
            assert!(!candidate.pool.iter().any(|c| c.value == Value::Model(iaas)));
        }
    }
}

#[test]
fn roles_ask_for_an_example_and_offer_other_roles_examples() {
    let roles: Vec<Candidate> = quiz()
        .english
        .iter()
        .filter(|c| c.kind == QuestionKind::Role)
        .cloned()
        .collect();
    assert_eq!(roles.len(), 6, "three roles, two examples each");
    let augment = roles
        .iter()
        .find(|c| c.answer.text == "GitHub Copilot")
        .expect("Copilot augments");
    assert!(augment.prompt.contains("Augment"), "{}", augment.prompt);
    assert!(
        !augment.prompt.contains("Copilot") && !augment.prompt.contains("Poe"),
        "{}",
        augment.prompt
    );
    let wrong: Vec<&str> = augment.pool.iter().map(|c| c.text.as_str()).collect();
    assert!(!wrong.contains(&"Poe"), "{wrong:?}");
    assert!(
        wrong.contains(&"Cursor") && wrong.contains(&"Character.ai"),
        "{wrong:?}"
    );
}

#[test]
fn the_same_seed_asks_the_same_question() {
    let rebuilt = Quiz::build(knowledge());
    for seed in [0, 1, 42, u64::MAX] {
        for lang in [Lang::En, Lang::Ko] {
            let first = quiz().question(seed, lang, None).expect("a question");
            assert_eq!(rebuilt.question(seed, lang, None), Ok(first));
        }
    }
    let distinct: std::collections::HashSet<String> = (0..200)
        .map(|seed| quiz().question(seed, Lang::En, None).expect("a question").prompt)
        .collect();
    assert!(
        distinct.len() > 30,
        "seeds spread over the questions: {}",
        distinct.len()
    );
}

#[test]
fn every_kind_comes_up_across_seeds() {
    let kinds: std::collections::HashSet<QuestionKind> = (0..300)
        .map(|seed| quiz().question(seed, Lang::Ko, None).expect("a question").kind)
        .collect();
    assert_eq!(kinds.len(), QuestionKind::ALL.len());
}

#[test]
fn a_topic_limits_the_questions_to_it() {
    for seed in 0..100 {
        let question = quiz()
            .question(seed, Lang::En, Some("gdpr"))
            .expect("GDPR has questions");
        assert_eq!(question.about, "gdpr");
        assert_eq!(question.kind, QuestionKind::Year);
        assert_eq!(question.topic.as_deref(), Some("gdpr"));
        let question = quiz()
            .question(seed, Lang::Ko, Some("ai-stack"))
            .expect("the AI stack has questions");
        assert!(
            question.source == "ai-stack" || question.about == "ai-stack",
            "{question:?}"
        );
        let question = quiz()
            .question(seed, Lang::En, Some("IaaS"))
            .expect("ids are read case-insensitively");
        assert!(question.about == "iaas" || question.source == "iaas", "{question:?}");
    }
    let error = quiz()
        .question(1, Lang::En, Some("kubernetes"))
        .expect_err("no such entry");
    assert!(matches!(&error, QuizError::UnknownTopic { known, .. } if known.iter().any(|t| t == "gdpr")));
    assert!(error.to_string().contains("gdpr"), "{error}");
}

#[test]
fn a_session_does_not_repeat_while_it_has_other_questions() {
    let questions = quiz().questions(7, Lang::En, None, 20).expect("questions");
    assert_eq!(questions.len(), 20);
    let mut prompts: Vec<(&str, &str)> = questions
        .iter()
        .map(|q| (q.prompt.as_str(), q.choices[q.answer].as_str()))
        .collect();
    prompts.sort_unstable();
    prompts.dedup();
    assert_eq!(prompts.len(), 20);
    // GDPR has one question in English: the session repeats it rather than fail.
    assert_eq!(quiz().questions(7, Lang::En, Some("gdpr"), 3).map(|q| q.len()), Ok(3));
}

#[test]
fn a_button_id_reads_back_to_its_question_and_choice() {
    for seed in 0..50 {
        let question = quiz().question(seed, Lang::Ko, None).expect("a question");
        for choice in 0..4 {
            let id = question.custom_id(choice).expect("fits a custom_id");
            assert!(id.len() <= MAX_CUSTOM_ID_LEN, "{id}");
            let answer = quiz().parse(&id).expect("reads back");
            assert_eq!(answer.question, question);
            assert_eq!(answer.choice, choice);
            assert_eq!(answer.is_right(), choice == question.answer);
        }
    }
    let question = quiz().question(3, Lang::En, Some("ai-stack")).expect("a question");
    let id = question.custom_id(2).expect("fits");
    assert_eq!(quiz().parse(&id).map(|a| a.question), Ok(question.clone()));
    assert!(question.custom_id(4).is_err());
}

#[test]
fn a_button_about_a_missing_entry_or_a_changed_question_is_refused() {
    let question = quiz().question(11, Lang::En, Some("gdpr")).expect("a question");
    let mut key = question.key(0);
    key.about = "gone".to_string();
    let id = key.encode().expect("well formed");
    assert_eq!(quiz().parse(&id), Err(QuizKeyError::UnknownEntry("gone".to_string())));
    let mut key = question.key(0);
    key.topic = Some("gone".to_string());
    assert_eq!(
        quiz().parse(&key.encode().expect("well formed")),
        Err(QuizKeyError::UnknownEntry("gone".to_string()))
    );
    let mut key = question.key(0);
    key.check ^= 1;
    assert_eq!(
        quiz().parse(&key.encode().expect("well formed")),
        Err(QuizKeyError::Stale)
    );
    let mut key = question.key(0);
    key.kind = QuestionKind::Role;
    assert_eq!(
        quiz().parse(&key.encode().expect("well formed")),
        Err(QuizKeyError::Stale)
    );

    // The same knowledge base with GDPR's date changed: the old button is stale, not wrong.
    let files: Vec<SourceFile> = crate::knowledge::builtin_files()
        .into_iter()
        .map(|mut file| {
            if file.path.ends_with("gdpr.toml") {
                file.text = file.text.replace("25 May 2018", "25 May 2019");
            }
            file
        })
        .collect();
    let changed = Quiz::build(&KnowledgeBase::from_files(files, "test").expect("still valid"));
    let id = question.custom_id(question.answer).expect("fits");
    assert_eq!(changed.parse(&id), Err(QuizKeyError::Stale));
    // An unrelated question's button still works after the change.
    let other = quiz().question(5, Lang::En, Some("hipaa")).expect("a question");
    let answer = changed
        .parse(&other.custom_id(1).expect("fits"))
        .expect("unchanged question");
    assert_eq!(answer.question, other);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_string_is_refused_or_read_without_a_panic(text in any::<String>()) {
        let _ = quiz().parse(&text);
        let _ = QuizKey::decode(&text);
    }

    #[test]
    fn id_shaped_strings_never_panic(text in "xq1:[a-z]{0,3}:[0-9a-z]{0,14}:[a-z]{0,3}:[-a-z]{0,12}:[-a-z]{0,12}:[0-9a-z]{0,8}:[0-9]{0,2}") {
        let _ = quiz().parse(&text);
    }

    #[test]
    fn every_question_has_four_distinct_choices_and_one_answer(seed in any::<u64>(), korean in any::<bool>()) {
        let lang = if korean { Lang::Ko } else { Lang::En };
        let question = quiz().question(seed, lang, None).expect("a question");
        prop_assert!(question.answer < 4);
        let mut shown: Vec<String> = question.choices.iter().map(|c| c.trim().to_lowercase()).collect();
        shown.sort();
        shown.dedup();
        prop_assert_eq!(shown.len(), 4);
        prop_assert!(question.choices.iter().all(|c| !c.trim().is_empty()));
        // The question is one of the candidates, with its answer and three of its pool.
        let candidates = quiz().candidates(lang);
        let candidate = candidates
            .iter()
            .find(|c| c.prompt == question.prompt && c.answer.text == question.choices[question.answer])
            .expect("built from a candidate");
        for (index, choice) in question.choices.iter().enumerate() {
            if index != question.answer {
                let wrong = candidate.pool.iter().find(|c| &c.text == choice).expect("from the pool");
                prop_assert!(!holds(&candidate.claim, &wrong.value));
            }
        }
        let id = question.custom_id(question.answer).expect("fits");
        prop_assert_eq!(quiz().parse(&id).map(|a| a.question), Ok(question));
    }
}
