//! A reply made ready to send: its embeds, the controls under it and, where a picture says it
//! better, the who-manages-what picture inside its last embed. One place decides, so slash
//! commands, message replies and button presses show answers the same way.

use serenity::builder::CreateAttachment;
use serenity::model::id::UserId;

use super::components;
use super::delivery::Extras;
use super::render::{self, Messages};
use crate::assistant::{Aspect, Reply, Snapshot};
use crate::picture::{self, PictureOptions};

/// The picture's file name; the embed shows it as `attachment://` + this.
pub(super) const PICTURE_FILE: &str = "who-manages-what.png";
/// Discord's bound on an attachment's description (its alt text).
const ALT_TEXT_MAX: usize = 1024;

/// When to attach the picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Picture {
    /// `/model`, `/compare` and full explanations: whenever the entries have one.
    Always,
    /// Other answers: only when they are about who manages what.
    WhenAsked,
}

/// The messages and extras for `reply`, controls owned by `owner`.
pub(super) fn decorate(reply: &Reply, snapshot: &Snapshot, owner: UserId, picture: Picture) -> (Messages, Extras) {
    let mut messages = render::reply(reply);
    let mut extras = Extras {
        components: components::answer_controls(reply, snapshot, owner),
        files: Vec::new(),
    };
    let wanted = match picture {
        Picture::Always => true,
        Picture::WhenAsked => reply.aspect == Some(Aspect::Management),
    };
    if wanted {
        if let Some(file) = picture_of(reply, snapshot) {
            if let Some(embed) = messages.last_mut().and_then(|embeds| embeds.last_mut()) {
                embed.image = Some(format!("attachment://{PICTURE_FILE}"));
                extras.files.push(file);
            }
        }
    }
    (messages, extras)
}

/// The picture of the reply's entries in its language, when every one of them has a
/// who-manages-what split (topics have none: no picture, not an error).
fn picture_of(reply: &Reply, snapshot: &Snapshot) -> Option<CreateAttachment> {
    if reply.about.is_empty() || reply.about.len() >= picture::MAX_COLUMNS {
        return None;
    }
    let ids: Vec<&str> = reply.about.iter().map(String::as_str).collect();
    let options = PictureOptions::new(reply.lang);
    match picture::responsibility_png(snapshot.knowledge(), &ids, &options) {
        Ok(picture) => Some(
            CreateAttachment::bytes(picture.png, PICTURE_FILE)
                .description(render::truncate(&picture.alt_text, ALT_TEXT_MAX)),
        ),
        Err(error) => {
            tracing::debug!(error = %error, "no picture for this answer");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistant::Assistant;
    use crate::knowledge::{KnowledgeBase, Lang};

    #[test]
    fn models_get_the_picture_in_their_last_embed_and_topics_none() {
        let assistant = Assistant::new(KnowledgeBase::builtin().expect("the built-in knowledge base loads"));
        let snapshot = assistant.snapshot();
        let reply = assistant.compare(&["iaas", "saas"], Lang::Ko).expect("both");
        let (messages, extras) = decorate(&reply, &snapshot, UserId::new(1), Picture::Always);
        assert_eq!(extras.files.len(), 1);
        let last = messages.last().and_then(|m| m.last()).expect("an embed");
        assert_eq!(last.image.as_deref(), Some("attachment://who-manages-what.png"));
        assert!(!extras.components.is_empty());
        let gdpr = assistant.model("gdpr", Lang::En).expect("gdpr");
        let (messages, extras) = decorate(&gdpr, &snapshot, UserId::new(1), Picture::Always);
        assert!(extras.files.is_empty());
        assert!(messages.iter().flatten().all(|embed| embed.image.is_none()));
        let cons = assistant.answer(&crate::assistant::Question::new("PaaS 단점"));
        let (_, extras) = decorate(&cons, &snapshot, UserId::new(1), Picture::WhenAsked);
        assert!(extras.files.is_empty(), "not about who manages what");
    }
}
