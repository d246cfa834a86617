//! `/quiz` (`/퀴즈`) and `/leaderboard` (`/순위`), and the quiz's buttons: a question from the
//! knowledge base with four choices, the verdict with its explanation and source, the score
//! and streak, and "next question".
//!
//! A question's buttons carry the question itself ([`crate::quiz::QuizKey`]), so they work
//! after a restart and are refused politely once the knowledge has changed under them. The
//! person who started the quiz answers in place; anyone else pressing answers for themselves,
//! in an ephemeral copy. A question counts once per person.

use std::time::Duration;

use serenity::builder::{AutocompleteChoice, CreateAutocompleteResponse};
use serenity::client::Context as SerenityContext;
use serenity::model::application::ComponentInteraction;

use super::components;
use super::delivery::{Destination, Extras};
use super::interactions::{interaction_user, say, show};
use super::locale;
use super::render::{self, Embed};
use super::types::{Context, Data, Error};
use crate::knowledge::Lang;
use crate::quiz::{QuizError, QuizKeyError, QuizQuestion};

/// How many answered questions are remembered, so one counts once per person.
const REMEMBERED_ANSWERS: u64 = 50_000;
/// How long they are remembered.
const REMEMBERED_FOR: Duration = Duration::from_secs(24 * 60 * 60);
const COLOUR_QUESTION: u32 = 0x58_65_F2;
const COLOUR_RIGHT: u32 = 0x2E_CC_71;
const COLOUR_WRONG: u32 = 0xE7_4C_3C;

/// Who answered which question: a bounded memory, so pressing the right answer again on
/// someone else's question scores nothing.
pub(super) fn answered_questions() -> moka::sync::Cache<(u64, String), ()> {
    moka::sync::Cache::builder()
        .max_capacity(REMEMBERED_ANSWERS)
        .time_to_live(REMEMBERED_FOR)
        .build()
}

/// A quiz question about cloud service models
#[poise::command(
    slash_command,
    name_localized("ko", "퀴즈"),
    description_localized("ko", "클라우드 서비스 모델 퀴즈를 풉니다")
)]
pub(super) async fn quiz(
    ctx: Context<'_>,
    #[description = "Only questions about this model or topic"]
    #[name_localized("ko", "주제")]
    #[description_localized("ko", "이 모델이나 주제에 대한 문제만")]
    #[autocomplete = "autocomplete_topic"]
    topic: Option<String>,
) -> Result<(), Error> {
    let lang = locale::lang_of_locale(ctx.locale());
    let snapshot = ctx.data().assistant.snapshot();
    // a name or alias works as well as the id; anything else is no topic, and says so
    let topic = topic.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(|name| {
        ctx.data()
            .assistant
            .resolve(name)
            .unwrap_or_else(|_| name.to_lowercase())
    });
    let mut destination = Destination::Interaction(ctx);
    match snapshot.quiz().question(ctx.id(), lang, topic.as_deref()) {
        Ok(question) => {
            let extras = Extras {
                components: components::quiz_choices(&question),
                files: Vec::new(),
            };
            destination
                .send_with(
                    vec![vec![question_embed(&question, snapshot.knowledge())]],
                    extras,
                    false,
                )
                .await?;
            tracing::info!(surface = "slash", kind = "quiz", "asked a quiz question");
        }
        Err(QuizError::UnknownTopic { .. } | QuizError::NoQuestions { .. }) => {
            let topics: Vec<String> = snapshot
                .quiz()
                .topics()
                .iter()
                .filter_map(|id| snapshot.knowledge().get(id).map(|e| e.name.get(lang).to_string()))
                .collect();
            destination
                .send_text(&locale::no_quiz_topic(&topics, lang), true)
                .await?;
        }
    }
    Ok(())
}

/// The server's top quiz scores
#[poise::command(
    slash_command,
    name_localized("ko", "순위"),
    description_localized("ko", "이 서버의 퀴즈 순위를 봅니다")
)]
pub(super) async fn leaderboard(ctx: Context<'_>) -> Result<(), Error> {
    let lang = locale::lang_of_locale(ctx.locale());
    let standings = ctx
        .data()
        .feedback
        .leaderboard(ctx.guild_id().map(|g| g.get()), ctx.author().id);
    let (title, empty) = locale::leaderboard(lang);
    let lines: Vec<String> = standings
        .iter()
        .enumerate()
        .map(|(rank, standing)| {
            locale::standing(
                rank + 1,
                &plain_name(&standing.display_name),
                standing.score.correct,
                standing.score.answered,
                standing.score.best_streak,
                lang,
            )
        })
        .collect();
    let description = if lines.is_empty() {
        empty.to_string()
    } else {
        lines.join("\n")
    };
    let embed = Embed {
        title: Some(title.to_string()),
        description: Some(render::truncate(&description, render::DESCRIPTION_MAX)),
        colour: COLOUR_QUESTION,
        ..Embed::default()
    };
    Destination::Interaction(ctx).send(vec![vec![embed]], false).await
}

async fn autocomplete_topic(ctx: Context<'_>, partial: &str) -> CreateAutocompleteResponse {
    let lang = locale::lang_of_locale(ctx.locale());
    let snapshot = ctx.data().assistant.snapshot();
    let key = partial.trim().to_lowercase();
    let choices = snapshot
        .quiz()
        .topics()
        .into_iter()
        .filter_map(|id| snapshot.knowledge().get(id))
        .filter(|entry| {
            key.is_empty()
                || entry.id.contains(&key)
                || entry.name.en.to_lowercase().contains(&key)
                || entry.name.ko.contains(&key)
        })
        .take(25)
        .map(|entry| AutocompleteChoice::new(render::truncate(&entry.title(lang), 100), entry.id.clone()))
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

/// A choice pressed: right or wrong, why, the score; in place for the quiz's owner.
pub(super) async fn answered(ctx: &SerenityContext, data: &Data, press: &ComponentInteraction) -> Result<(), Error> {
    let lang = locale::lang_of_locale(Some(&press.locale));
    let snapshot = data.assistant.snapshot();
    let answer = match snapshot.quiz().parse(&press.data.custom_id) {
        Ok(answer) => answer,
        Err(QuizKeyError::Stale | QuizKeyError::UnknownEntry(_)) => {
            return say(ctx, press, locale::stale_button(lang)).await;
        }
        Err(_) => return say(ctx, press, locale::unknown_button(lang)).await,
    };
    let question = &answer.question;
    let asked = press
        .data
        .custom_id
        .rsplit_once(':')
        .map_or(press.data.custom_id.clone(), |(asked, _)| asked.to_string());
    let seen = (press.user.id.get(), asked);
    if data.answered_questions.contains_key(&seen) {
        return say(ctx, press, locale::already_answered(question.lang)).await;
    }
    data.answered_questions.insert(seen, ());
    let right = answer.is_right();
    let score = data.feedback.quiz(
        press.guild_id.map(|g| g.get()),
        press.user.id,
        &display_name(press),
        question,
        right,
    );
    let source = snapshot
        .knowledge()
        .get(&question.source)
        .map_or_else(|| question.source.clone(), |entry| entry.title(question.lang));
    let mut embed = question_embed(question, snapshot.knowledge());
    let verdict = locale::quiz_verdict(right, &question.choices[question.answer], question.lang);
    let description = format!(
        "{}\n\n**{verdict}**\n{}\n*{}*",
        embed.description.unwrap_or_default(),
        question.explanation,
        locale::source_line(&source, question.lang)
    );
    embed.description = Some(render::truncate(&description, render::DESCRIPTION_MAX));
    embed.colour = if right { COLOUR_RIGHT } else { COLOUR_WRONG };
    embed.footer = Some(locale::quiz_score(
        score.correct,
        score.answered,
        score.streak,
        question.lang,
    ));
    let extras = Extras {
        components: components::quiz_answered(question, answer.choice, question.topic.as_deref()),
        files: Vec::new(),
    };
    let mine = interaction_user(press) == Some(press.user.id);
    show(ctx, press, vec![vec![embed]], extras, mine).await?;
    tracing::info!(
        surface = "button",
        kind = "quiz",
        right,
        in_place = mine,
        "answered a quiz question"
    );
    Ok(())
}

/// "Next question": a new question from the press's id, in place for the quiz's owner.
pub(super) async fn next(
    ctx: &SerenityContext,
    data: &Data,
    press: &ComponentInteraction,
    lang: Lang,
    topic: Option<&str>,
) -> Result<(), Error> {
    let snapshot = data.assistant.snapshot();
    let Ok(question) = snapshot.quiz().question(press.id.get(), lang, topic) else {
        return say(ctx, press, locale::stale_button(lang)).await;
    };
    let extras = Extras {
        components: components::quiz_choices(&question),
        files: Vec::new(),
    };
    let mine = interaction_user(press) == Some(press.user.id);
    show(
        ctx,
        press,
        vec![vec![question_embed(&question, snapshot.knowledge())]],
        extras,
        mine,
    )
    .await
}

/// A question as an embed: what it asks and its numbered choices.
fn question_embed(question: &QuizQuestion, knowledge: &crate::knowledge::KnowledgeBase) -> Embed {
    let choices: Vec<String> = question
        .choices
        .iter()
        .enumerate()
        .map(|(index, choice)| format!("{}. {choice}", index + 1))
        .collect();
    let topic = question
        .topic
        .as_deref()
        .and_then(|id| knowledge.get(id))
        .map(|entry| format!(" · {}", entry.name.get(question.lang)))
        .unwrap_or_default();
    Embed {
        title: Some(format!("{}{topic}", locale::quiz_title(question.lang))),
        description: Some(render::truncate(
            &format!("{}\n\n{}", question.prompt, choices.join("\n")),
            render::DESCRIPTION_MAX,
        )),
        colour: COLOUR_QUESTION,
        ..Embed::default()
    }
}

/// The name a leaderboard shows: the server nickname, else the display name, else the user
/// name. Never a mention.
fn display_name(press: &ComponentInteraction) -> String {
    press
        .member
        .as_ref()
        .and_then(|member| member.nick.clone())
        .or_else(|| press.user.global_name.clone())
        .unwrap_or_else(|| press.user.name.clone())
}

/// A name as plain text: markdown and mention syntax escaped, so it shows as typed.
fn plain_name(name: &str) -> String {
    let mut plain = String::new();
    for c in render::truncate(name, 32).chars() {
        if matches!(
            c,
            '*' | '_' | '~' | '`' | '|' | '>' | '<' | '@' | '#' | '[' | ']' | '\\'
        ) {
            plain.push('\\');
        }
        plain.push(c);
    }
    plain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_show_as_typed_and_never_mention() {
        assert_eq!(plain_name("**Kim**"), "\\*\\*Kim\\*\\*");
        assert_eq!(plain_name("@everyone"), "\\@everyone");
        assert_eq!(plain_name("<@123>"), "\\<\\@123\\>");
    }
}
