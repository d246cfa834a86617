//! Presses and modal submits: the controls under answers (an aspect, the full explanation,
//! "compare with…", 👍 / 👎 and the "what was wrong?" modal) and the quiz's buttons.
//!
//! Everything a press needs is in its `custom_id` ([`super::ids`]); nothing is looked up in
//! memory that a restart would lose. The person who asked changes their answer in place (the
//! interaction is answered with an update of the message); anyone else gets their own
//! ephemeral copy to explore. An id this bot did not write, or for entries the knowledge base
//! no longer has, gets a polite ephemeral message. Every press is answered at once: what a
//! press shows is offline (no LLM), well within Discord's three seconds.

use serenity::builder::{
    CreateInteractionResponse, CreateInteractionResponseFollowup, CreateInteractionResponseMessage,
};
use serenity::client::Context as SerenityContext;
use serenity::model::application::{
    ActionRowComponent, ComponentInteraction, ComponentInteractionDataKind, Interaction, ModalInteraction,
};
use serenity::model::id::UserId;

use super::decorate::{decorate, Picture};
use super::delivery::{no_pings, with_extras_on_last, Extras};
use super::errors::describe;
use super::ids::{self, Control, Parsed, View};
use super::locale;
use super::quiz;
use super::render::{self, Messages};
use super::types::{Data, Error};
use crate::assistant::{Aspect, Reply, Turn};
use crate::knowledge::EntryKind;

/// Handles a component press or a modal submit; slash commands and autocomplete are poise's.
/// Failures are logged; Discord never sees a panic (the event task catches it and the user
/// gets the apology when the interaction is still unanswered).
pub(super) async fn handle(ctx: &SerenityContext, data: &Data, interaction: &Interaction) {
    let result = match interaction {
        Interaction::Component(press) => pressed(ctx, data, press).await,
        Interaction::Modal(submit) => submitted(ctx, data, submit).await,
        _ => return,
    };
    if let Err(error) = result {
        tracing::warn!(surface = "button", error = %describe(error.as_ref()), "answering a press failed");
    }
}

async fn pressed(ctx: &SerenityContext, data: &Data, press: &ComponentInteraction) -> Result<(), Error> {
    let lang = locale::lang_of_locale(Some(&press.locale));
    match ids::parse(&press.data.custom_id) {
        Ok(Parsed::Control(control)) => control_pressed(ctx, data, press, control).await,
        Ok(Parsed::QuizAnswer) => quiz::answered(ctx, data, press).await,
        Ok(Parsed::NextQuestion { lang, topic }) => quiz::next(ctx, data, press, lang, topic.as_deref()).await,
        Ok(Parsed::Complaint(_)) | Err(_) => {
            tracing::info!(surface = "button", "refused a button this bot did not make");
            say(ctx, press, locale::unknown_button(lang)).await
        }
    }
}

async fn control_pressed(
    ctx: &SerenityContext,
    data: &Data,
    press: &ComponentInteraction,
    control: Control,
) -> Result<(), Error> {
    let snapshot = data.assistant.snapshot();
    let lang = control.state.lang;
    let (ids, aspect) = match control.view {
        View::Up | View::Down => return voted(ctx, data, press, &control).await,
        View::Aspect(aspect) => (control.state.entries.clone(), Some(aspect)),
        View::More => (control.state.entries.clone(), None),
        View::CompareWith => {
            let chosen = match &press.data.kind {
                ComponentInteractionDataKind::StringSelect { values } => values.first().cloned(),
                _ => None,
            };
            let first = control.state.entries.first().cloned();
            // only a model of this knowledge base, besides the one already shown
            let chosen = chosen.filter(|id| {
                snapshot.knowledge().get(id).is_some_and(|e| e.kind == EntryKind::Model) && Some(id) != first.as_ref()
            });
            match (first, chosen) {
                (Some(first), Some(chosen)) => (vec![first, chosen], None),
                _ => return say(ctx, press, locale::stale_button(lang)).await,
            }
        }
    };
    let Some(reply) = snapshot.view(&ids, aspect, lang) else {
        return say(ctx, press, locale::stale_button(lang)).await;
    };
    let mine = press.user.id == control.owner;
    let picture = if aspect.is_none() || aspect == Some(Aspect::Management) {
        Picture::Always
    } else {
        Picture::WhenAsked
    };
    let (messages, extras) = decorate(&reply, &snapshot, press.user.id, picture);
    // kept before it shows: a reply to the changed answer may come the moment it does
    if mine {
        data.conversations
            .pressed(press.message.id, Turn::of(&reply.title, &reply));
    }
    show(ctx, press, messages, extras, mine).await?;
    data.feedback.answered("button", press.user.id, "", &reply, &snapshot);
    log_press(&control, &reply, mine);
    Ok(())
}

/// Shows an answer: in place for the person who asked (`mine`), else as their own ephemeral
/// copy. An answer longer than one message continues in follow-ups.
pub(super) async fn show(
    ctx: &SerenityContext,
    press: &ComponentInteraction,
    messages: Messages,
    extras: Extras,
    mine: bool,
) -> Result<(), Error> {
    let mut messages = with_extras_on_last(messages, extras).into_iter();
    let (first, first_extras) = messages.next().unwrap_or_default();
    let message = CreateInteractionResponseMessage::new()
        .embeds(first)
        .components(first_extras.components)
        .files(first_extras.files)
        .allowed_mentions(no_pings());
    let response = if mine {
        CreateInteractionResponse::UpdateMessage(message)
    } else {
        CreateInteractionResponse::Message(message.ephemeral(true))
    };
    press.create_response(&ctx.http, response).await?;
    for (embeds, these) in messages {
        let followup = CreateInteractionResponseFollowup::new()
            .embeds(embeds)
            .components(these.components)
            .files(these.files)
            .ephemeral(!mine)
            .allowed_mentions(no_pings());
        press.create_followup(&ctx.http, followup).await?;
    }
    Ok(())
}

/// 👍 thanks; 👎 opens "what was wrong?" (the vote is kept whether or not it is filled in).
async fn voted(
    ctx: &SerenityContext,
    data: &Data,
    press: &ComponentInteraction,
    control: &Control,
) -> Result<(), Error> {
    let up = control.view == View::Up;
    let question = data.conversations.question_of(press.message.id);
    data.feedback
        .vote(press.user.id, press.message.id, up, &control.state, question.as_deref());
    tracing::info!(
        surface = "button",
        vote = if up { "up" } else { "down" },
        "recorded a vote"
    );
    let modal = (!up)
        .then(|| super::components::complaint_modal(press.message.id.get(), &control.state))
        .flatten();
    match modal {
        Some(modal) => {
            press
                .create_response(&ctx.http, CreateInteractionResponse::Modal(modal))
                .await?;
            Ok(())
        }
        None => say(ctx, press, locale::thanks_for_vote(up, control.state.lang)).await,
    }
}

async fn submitted(ctx: &SerenityContext, data: &Data, submit: &ModalInteraction) -> Result<(), Error> {
    let lang = locale::lang_of_locale(Some(&submit.locale));
    let Ok(Parsed::Complaint(complaint)) = ids::parse(&submit.data.custom_id) else {
        tracing::info!(surface = "modal", "refused a modal this bot did not make");
        return reply_ephemeral(ctx, submit, locale::unknown_button(lang)).await;
    };
    let text: String = submit
        .data
        .components
        .iter()
        .flat_map(|row| row.components.iter())
        .find_map(|component| match component {
            ActionRowComponent::InputText(input) if input.custom_id == super::components::COMPLAINT_INPUT => {
                input.value.clone()
            }
            _ => None,
        })
        .unwrap_or_default()
        .chars()
        .take(usize::from(super::components::COMPLAINT_MAX))
        .collect();
    if !text.trim().is_empty() {
        data.feedback.complaint(submit.user.id, complaint.answer, &text);
        tracing::info!(surface = "modal", "recorded what a 👎 said was wrong");
    }
    reply_ephemeral(ctx, submit, locale::thanks_for_complaint(complaint.state.lang)).await
}

/// A short ephemeral message in answer to a press.
pub(super) async fn say(ctx: &SerenityContext, press: &ComponentInteraction, text: &str) -> Result<(), Error> {
    press.create_response(&ctx.http, ephemeral_text(text)).await?;
    Ok(())
}

async fn reply_ephemeral(ctx: &SerenityContext, submit: &ModalInteraction, text: &str) -> Result<(), Error> {
    submit.create_response(&ctx.http, ephemeral_text(text)).await?;
    Ok(())
}

/// `text` as a message only the person who pressed or submitted sees, pinging no one.
fn ephemeral_text(text: &str) -> CreateInteractionResponse {
    let message = CreateInteractionResponseMessage::new()
        .content(render::content(text))
        .ephemeral(true)
        .allowed_mentions(no_pings());
    CreateInteractionResponse::Message(message)
}

/// The person who asked the question a message answers, for messages that are responses to
/// an interaction (slash commands, and copies made by a press).
pub(super) fn interaction_user(press: &ComponentInteraction) -> Option<UserId> {
    use serenity::model::application::MessageInteractionMetadata as Metadata;
    match press.message.interaction_metadata.as_deref()? {
        Metadata::Command(metadata) => Some(metadata.user.id),
        Metadata::Component(metadata) => Some(metadata.user.id),
        Metadata::ModalSubmit(metadata) => Some(metadata.user.id),
        _ => None,
    }
}

fn log_press(control: &Control, reply: &Reply, mine: bool) {
    tracing::info!(
        surface = "button",
        lang = reply.lang.code(),
        kind = reply.kind.as_str(),
        entries = %control.state.entries.join(","),
        in_place = mine,
        "answered a press"
    );
}
