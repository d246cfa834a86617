//! The platform-neutral answer: plain data that every front end renders its own way
//! (terminal text, JSON, Discord embeds). Nothing here knows how it will be shown.

use serde::Serialize;

use super::intent::Aspect;
use crate::knowledge::Lang;

/// What kind of answer a reply is; front ends pick layouts by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyKind {
    /// An explanation of one model or topic.
    Model,
    /// Two or more entries side by side.
    Compare,
    /// A free-form answer that leads with what was asked.
    Answer,
    /// Nothing in the knowledge base covers the question.
    DontKnow,
    /// A greeting, thanks, "who are you", "help": a short friendly word about the bot, with
    /// no sources and no LLM call.
    #[serde(rename = "smalltalk")]
    SmallTalk,
}

impl ReplyKind {
    /// The name used in JSON and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            ReplyKind::Model => "model",
            ReplyKind::Compare => "compare",
            ReplyKind::Answer => "answer",
            ReplyKind::DontKnow => "dont_know",
            ReplyKind::SmallTalk => "smalltalk",
        }
    }
}

/// Where the answer's words came from, so users and logs can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Composed from the knowledge base without any network.
    Offline,
    /// Written by the configured LLM from the retrieved entries.
    Llm,
    /// The LLM failed, so this is the offline answer.
    Fallback,
}

impl Mode {
    /// The name used in JSON and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Offline => "offline",
            Mode::Llm => "llm",
            Mode::Fallback => "fallback",
        }
    }
}

/// One headed part of a reply; a Discord embed field, a terminal paragraph.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReplySection {
    /// The heading, in the reply language.
    pub heading: String,
    /// The body; lines starting with "• " are list items.
    pub body: String,
}

/// A knowledge entry the reply rests on.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Source {
    /// The entry id (`iaas`).
    pub id: String,
    /// Its title in the reply language.
    pub title: String,
    /// Relevance from 0 to 1, relative to the best source.
    pub score: f32,
}

/// A complete answer to one question.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reply {
    /// The reply language.
    pub lang: Lang,
    /// Explanation, comparison, free-form answer or don't-know.
    pub kind: ReplyKind,
    /// Offline, LLM or fallback.
    pub mode: Mode,
    /// A one-line title.
    pub title: String,
    /// The direct answer: one to three sentences in the reply language that answer the
    /// question from its best facts, shown before anything else. People read this first;
    /// the sections below support it.
    pub lead: String,
    /// The body, in reading order.
    pub sections: Vec<ReplySection>,
    /// The entries it rests on, best first; empty for don't-know.
    pub sources: Vec<Source>,
    /// The entries the answer is about (ids): the one explained, or those compared. Fewer
    /// than the sources, which also list neighbours; a follow-up is read against these.
    pub about: Vec<String>,
    /// The aspect the answer leads with, when it leads with one.
    pub aspect: Option<Aspect>,
    /// Whether it shows everything the entries have ("tell me more"), not a first answer.
    pub detailed: bool,
    /// The question as the assistant understood it when it was read against earlier turns
    /// ("그럼 PaaS는?" → "PaaS 단점"); `None` when it was answered on its own.
    pub resolved: Option<String>,
}

impl Reply {
    /// The whole answer as plain text: title, the lead, then each section under its heading.
    pub fn text(&self) -> String {
        let mut text = self.title.clone();
        if !self.lead.is_empty() {
            text.push_str("\n\n");
            text.push_str(&self.lead);
        }
        for section in &self.sections {
            text.push_str("\n\n");
            if !section.heading.is_empty() {
                text.push_str(&section.heading);
                text.push('\n');
            }
            text.push_str(&section.body);
        }
        text
    }
}
