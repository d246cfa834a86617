//! The controls under an answer and a quiz question: which buttons and menus they get, in the
//! answer's language and within Discord's component limits (at most 5 rows, 5 buttons a row,
//! a select menu alone in its row with at most 25 options). Pure: a reply in, builders out;
//! every `custom_id` comes from [`super::ids`].

use serenity::builder::{
    CreateActionRow, CreateButton, CreateInputText, CreateModal, CreateSelectMenu, CreateSelectMenuKind,
    CreateSelectMenuOption,
};
use serenity::model::application::{ButtonStyle, InputTextStyle};
use serenity::model::channel::ReactionType;
use serenity::model::id::UserId;

use super::ids::{self, AnswerState, View, MAX_ENTRIES};
use super::locale;
use super::render::truncate;
use crate::assistant::{Aspect, Reply, ReplyKind, Snapshot};
use crate::knowledge::{Entry, Lang};
use crate::quiz::QuizQuestion;

/// Discord's bounds on what a control shows.
const BUTTON_LABEL_MAX: usize = 80;
const OPTION_TEXT_MAX: usize = 100;
const OPTIONS_MAX: usize = 25;
/// How long a "what was wrong?" may be: a sentence or two, not an essay.
pub(super) const COMPLAINT_MAX: u16 = 500;
/// The `custom_id` of the modal's text box.
pub(super) const COMPLAINT_INPUT: &str = "what";

/// The state an answer's controls carry.
pub(super) fn state_of(reply: &Reply, snapshot: &Snapshot) -> AnswerState {
    AnswerState {
        lang: reply.lang,
        entries: reply.about.iter().take(MAX_ENTRIES).cloned().collect(),
        kind: reply.kind,
        mode: reply.mode,
        version: ids::short_version(snapshot.knowledge().version()),
    }
}

/// The controls under `reply`, pressed in place by `owner`: the aspects its entries have
/// (the one shown highlighted and disabled), "compare with…" for a model, the full
/// explanation when this is not it, and 👍 / 👎. Small talk gets none; "I don't know" only
/// the votes (a 👎 there tells what is missing).
pub(super) fn answer_controls(reply: &Reply, snapshot: &Snapshot, owner: UserId) -> Vec<CreateActionRow> {
    if reply.kind == ReplyKind::SmallTalk {
        return Vec::new();
    }
    let state = state_of(reply, snapshot);
    let lang = reply.lang;
    let control = |view: View| ids::control(view, &state, owner);
    let mut rows = Vec::new();
    let about = &state.entries;
    if !about.is_empty() && about.len() == reply.about.len() {
        let shown = reply
            .aspect
            .map(|aspect| if aspect == Aspect::Cons { Aspect::Pros } else { aspect });
        let aspects: Vec<CreateButton> = snapshot
            .explorable(about, lang)
            .into_iter()
            .filter_map(|aspect| {
                let id = control(View::Aspect(aspect))?;
                let current = shown == Some(aspect);
                Some(
                    CreateButton::new(id)
                        .label(truncate(locale::aspect_button(aspect, lang), BUTTON_LABEL_MAX))
                        .style(if current {
                            ButtonStyle::Primary
                        } else {
                            ButtonStyle::Secondary
                        })
                        .disabled(current),
                )
            })
            .collect();
        if !aspects.is_empty() {
            rows.push(CreateActionRow::Buttons(aspects));
        }
        let all_models = about.iter().all(|id| {
            snapshot
                .knowledge()
                .get(id)
                .is_some_and(|e| e.kind == crate::knowledge::EntryKind::Model)
        });
        if all_models && about.len() <= 2 {
            let others = snapshot.other_models(about);
            if let (false, Some(id)) = (others.is_empty(), control(View::CompareWith)) {
                rows.push(CreateActionRow::SelectMenu(compare_menu(id, &others, lang)));
            }
        }
    }
    let mut last: Vec<CreateButton> = [(View::Up, "👍"), (View::Down, "👎")]
        .into_iter()
        .filter_map(|(view, emoji)| {
            Some(
                CreateButton::new(control(view)?)
                    .emoji(ReactionType::Unicode(emoji.to_string()))
                    .style(ButtonStyle::Secondary),
            )
        })
        .collect();
    if !reply.detailed && !about.is_empty() {
        if let Some(id) = control(View::More) {
            last.push(
                CreateButton::new(id)
                    .label(locale::more_button(lang))
                    .style(ButtonStyle::Primary),
            );
        }
    }
    if !last.is_empty() {
        rows.push(CreateActionRow::Buttons(last));
    }
    rows
}

/// "Compare with…": the other models by their name in the answer's language.
fn compare_menu(id: String, others: &[&Entry], lang: Lang) -> CreateSelectMenu {
    let options = others
        .iter()
        .take(OPTIONS_MAX)
        .map(|entry| {
            CreateSelectMenuOption::new(truncate(&entry.title(lang), OPTION_TEXT_MAX), entry.id.clone())
                .description(truncate(entry.summary.get(lang), OPTION_TEXT_MAX))
        })
        .collect();
    CreateSelectMenu::new(id, CreateSelectMenuKind::String { options })
        .placeholder(locale::compare_placeholder(lang))
        .min_values(1)
        .max_values(1)
}

/// The "what was wrong?" modal for a 👎 on the answer message `answer`; `None` when its id
/// would not fit (the vote is kept anyway).
pub(super) fn complaint_modal(answer: u64, state: &AnswerState) -> Option<CreateModal> {
    let id = ids::complaint(answer, state)?;
    let lang = state.lang;
    let input = CreateInputText::new(
        InputTextStyle::Paragraph,
        locale::complaint_label(lang),
        COMPLAINT_INPUT,
    )
    .required(false)
    .max_length(COMPLAINT_MAX);
    Some(CreateModal::new(id, locale::complaint_title(lang)).components(vec![CreateActionRow::InputText(input)]))
}

/// A quiz question's four choices, unanswered; an empty list when an id would not fit.
pub(super) fn quiz_choices(question: &QuizQuestion) -> Vec<CreateActionRow> {
    let buttons: Option<Vec<CreateButton>> = (0..question.choices.len())
        .map(|choice| {
            let id = question.custom_id(choice).ok()?;
            Some(
                CreateButton::new(id)
                    .label(choice_label(question, choice))
                    .style(ButtonStyle::Secondary),
            )
        })
        .collect();
    buttons
        .map(|buttons| vec![CreateActionRow::Buttons(buttons)])
        .unwrap_or_default()
}

/// The choices after an answer: disabled, the right one green, a wrong pick red, then "next
/// question".
pub(super) fn quiz_answered(question: &QuizQuestion, picked: usize, topic: Option<&str>) -> Vec<CreateActionRow> {
    let choices: Vec<CreateButton> = (0..question.choices.len())
        .filter_map(|choice| {
            let style = if question.is_right(choice) {
                ButtonStyle::Success
            } else if choice == picked {
                ButtonStyle::Danger
            } else {
                ButtonStyle::Secondary
            };
            Some(
                CreateButton::new(question.custom_id(choice).ok()?)
                    .label(choice_label(question, choice))
                    .style(style)
                    .disabled(true),
            )
        })
        .collect();
    let mut rows = vec![CreateActionRow::Buttons(choices)];
    if let Some(id) = ids::next_question(question.lang, topic) {
        rows.push(CreateActionRow::Buttons(vec![CreateButton::new(id)
            .label(locale::next_question(question.lang))
            .style(ButtonStyle::Primary)]));
    }
    rows
}

/// "1. IaaS": a choice as a button shows it (the number matches the question's list).
fn choice_label(question: &QuizQuestion, choice: usize) -> String {
    truncate(
        &format!("{}. {}", choice + 1, question.choices[choice]),
        BUTTON_LABEL_MAX,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistant::Assistant;
    use crate::knowledge::KnowledgeBase;
    use serde_json::Value;

    fn assistant() -> Assistant {
        Assistant::new(KnowledgeBase::builtin().expect("the built-in knowledge base loads"))
    }

    fn json(rows: &[CreateActionRow]) -> Vec<Value> {
        rows.iter()
            .map(|row| serde_json::to_value(row).expect("serializes"))
            .collect()
    }

    /// Every component of every row, as JSON.
    fn components(rows: &[Value]) -> Vec<&Value> {
        rows.iter()
            .flat_map(|row| row["components"].as_array().into_iter().flatten())
            .collect()
    }

    fn check_limits(rows: &[Value]) {
        assert!(rows.len() <= 5, "{rows:?}");
        let mut seen = std::collections::HashSet::new();
        for row in rows {
            let items = row["components"].as_array().expect("a row has components");
            assert!(!items.is_empty() && items.len() <= 5);
            if items.iter().any(|c| c["type"] == 3) {
                assert_eq!(items.len(), 1, "a select menu is alone in its row");
                assert!(items[0]["options"].as_array().is_some_and(|o| o.len() <= 25));
            }
            for item in items {
                let id = item["custom_id"].as_str().expect("every control has an id");
                assert!(id.len() <= 100 && seen.insert(id.to_string()), "{id}");
                assert!(item["label"].as_str().is_none_or(|l| l.chars().count() <= 80));
            }
        }
    }

    #[test]
    fn an_answer_about_a_model_offers_its_aspects_a_comparison_and_votes_in_its_language() {
        let assistant = assistant();
        let snapshot = assistant.snapshot();
        let reply = assistant.answer(&crate::assistant::Question::new("IaaS 단점이 뭐야?"));
        let rows = json(&answer_controls(&reply, &snapshot, UserId::new(7)));
        check_limits(&rows);
        let labels: Vec<&str> = components(&rows).iter().filter_map(|c| c["label"].as_str()).collect();
        for label in ["장단점", "비유", "누가 관리하나", "제공업체", "사용 사례", "자세히"] {
            assert!(labels.contains(&label), "{label} in {labels:?}");
        }
        let all = components(&rows);
        let shown: Vec<&&Value> = all.iter().filter(|c| c["disabled"] == true).collect();
        assert_eq!(shown.len(), 1, "the aspect shown is the one disabled");
        assert_eq!(shown[0]["label"], "장단점");
        let menu = components(&rows)
            .into_iter()
            .find(|c| c["type"] == 3)
            .expect("compare with…");
        let values: Vec<&str> = menu["options"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| o["value"].as_str())
            .collect();
        assert!(values.contains(&"paas") && !values.contains(&"iaas"), "{values:?}");
        let emoji: Vec<&str> = components(&rows)
            .iter()
            .filter_map(|c| c["emoji"]["name"].as_str())
            .collect();
        assert_eq!(emoji, ["👍", "👎"]);
        for component in components(&rows) {
            let id = component["custom_id"].as_str().expect("an id");
            let ids::Parsed::Control(control) = ids::parse(id).expect("reads back") else {
                panic!("an answer control: {id}");
            };
            assert_eq!(control.owner, UserId::new(7));
            assert_eq!(control.state.entries, ["iaas"]);
            assert_eq!(control.state.lang, Lang::Ko);
        }
    }

    #[test]
    fn full_explanations_small_talk_and_dont_know_get_fewer_controls() {
        let assistant = assistant();
        let snapshot = assistant.snapshot();
        let model = assistant.model("saas", Lang::En).expect("saas");
        let labels: Vec<String> = components(&json(&answer_controls(&model, &snapshot, UserId::new(1))))
            .iter()
            .filter_map(|c| c["label"].as_str().map(str::to_string))
            .collect();
        assert!(
            !labels.iter().any(|l| l == "Full explanation"),
            "it is the full one: {labels:?}"
        );
        let hello = assistant.answer(&crate::assistant::Question::new("hi!"));
        assert!(answer_controls(&hello, &snapshot, UserId::new(1)).is_empty());
        let unknown = assistant.answer(&crate::assistant::Question::new("how do I bake bread?"));
        let rows = json(&answer_controls(&unknown, &snapshot, UserId::new(1)));
        assert_eq!(components(&rows).len(), 2, "only the votes: {rows:?}");
        let gdpr = assistant.model("gdpr", Lang::En).expect("gdpr");
        let rows = json(&answer_controls(&gdpr, &snapshot, UserId::new(1)));
        check_limits(&rows);
        assert!(
            !components(&rows).iter().any(|c| c["type"] == 3),
            "no comparison of a topic with models"
        );
    }

    #[test]
    fn quiz_choices_become_answered_buttons_and_a_next_question() {
        let snapshot = assistant().snapshot();
        let quiz = crate::quiz::Quiz::build(snapshot.knowledge());
        let question = quiz.question(3, Lang::Ko, None).expect("a question");
        let rows = json(&quiz_choices(&question));
        check_limits(&rows);
        assert_eq!(components(&rows).len(), 4);
        let wrong = (question.answer + 1) % 4;
        let rows = json(&quiz_answered(&question, wrong, None));
        check_limits(&rows);
        let styles: Vec<u64> = components(&rows).iter().filter_map(|c| c["style"].as_u64()).collect();
        assert_eq!(styles.iter().filter(|s| **s == 3).count(), 1, "one green: {styles:?}");
        assert_eq!(styles.iter().filter(|s| **s == 4).count(), 1, "one red: {styles:?}");
        assert!(components(&rows).last().is_some_and(|c| c["label"] == "다음 문제"));
    }

    #[test]
    fn the_complaint_modal_fits_discord() {
        let reply = assistant().answer(&crate::assistant::Question::new("what is paas"));
        let snapshot = assistant().snapshot();
        let modal = complaint_modal(123, &state_of(&reply, &snapshot)).expect("fits");
        let value = serde_json::to_value(&modal).expect("serializes");
        assert!(value["title"].as_str().is_some_and(|t| t.chars().count() <= 45));
        assert!(value["custom_id"].as_str().is_some_and(|id| id.starts_with("xf1:")));
    }
}
