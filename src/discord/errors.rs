//! The one place framework errors end: each is logged with its cause and the user gets a short
//! apology in their language (ephemeral when it can be). Users never see error text.

use poise::{CommandInteractionType, FrameworkError};
use serenity::builder::{CreateInteractionResponse, CreateInteractionResponseMessage};
use serenity::http::HttpError;

use super::delivery::{no_pings, Destination};
use super::locale;
use super::types::{Data, Error};

/// poise's `on_error`: log, then apologise to whoever invoked the command.
pub(super) async fn on_error(error: FrameworkError<'_, Data, Error>) {
    match &error {
        FrameworkError::Setup { error, .. } => {
            tracing::error!(error = %describe(error.as_ref()), "setting up the bot failed");
        }
        FrameworkError::EventHandler { error, event, .. } => {
            tracing::warn!(error = %describe(error.as_ref()), event = event.snake_case_name(), "handling an event failed");
        }
        FrameworkError::Command { error, ctx, .. } => {
            tracing::warn!(error = %describe(error.as_ref()), command = %ctx.command().qualified_name, "a command failed");
        }
        FrameworkError::CommandPanic { payload, ctx, .. } => {
            tracing::error!(
                panic = payload.as_deref().unwrap_or("(no message)"),
                command = %ctx.command().qualified_name,
                "a command panicked"
            );
        }
        FrameworkError::ArgumentParse { error, ctx, .. } => {
            tracing::warn!(error = %error, command = %ctx.command().qualified_name, "could not read the command's options");
        }
        FrameworkError::CommandStructureMismatch { description, ctx, .. } => {
            tracing::warn!(
                description,
                command = %ctx.command().qualified_name,
                "Discord's copy of the command differs from ours; restarting the bot registers them again"
            );
        }
        FrameworkError::UnknownInteraction {
            interaction, framework, ..
        } => {
            tracing::warn!(command = %interaction.data.name, "an interaction for a command this bot does not have");
            // no poise context to answer through, but the user still gets an answer
            let lang = locale::lang_of_locale(Some(&interaction.locale));
            let apology = CreateInteractionResponseMessage::new()
                .content(locale::apology(lang))
                .ephemeral(true)
                .allowed_mentions(no_pings());
            let response = CreateInteractionResponse::Message(apology);
            if let Err(error) = interaction
                .create_response(&framework.serenity_context.http, response)
                .await
            {
                tracing::warn!(error = %describe(&error), "could not send the apology either");
            }
        }
        FrameworkError::UnknownCommand { .. } => {}
        other => tracing::warn!(error = %other, "framework error"),
    }
    if let Some(poise::Context::Application(ctx)) = error.ctx() {
        if ctx.interaction_type == CommandInteractionType::Autocomplete {
            return;
        }
        let lang = locale::lang_of_locale(ctx.locale());
        if let Err(error) = Destination::Interaction(ctx)
            .send_text(locale::apology(lang), true)
            .await
        {
            tracing::warn!(error = %describe(error.as_ref()), "could not send the apology either");
        }
    }
}

/// An error as one log-safe line: Discord's status and message for failed requests, and for
/// transport errors only their kind, because their text holds the URL and an interaction's
/// URL holds its token.
pub(super) fn describe(error: &(dyn std::error::Error + Send + Sync + 'static)) -> String {
    match error.downcast_ref::<serenity::Error>() {
        Some(serenity::Error::Http(HttpError::UnsuccessfulRequest(response))) => format!(
            "discord answered {} {}: {}",
            response.method, response.status_code, response.error.message
        ),
        Some(serenity::Error::Http(HttpError::Request(request))) => {
            let kind = if request.is_timeout() {
                "timed out"
            } else if request.is_connect() {
                "could not connect"
            } else {
                "failed"
            };
            format!("request to discord {kind}")
        }
        Some(other) => other.to_string(),
        None => error.to_string(),
    }
}
