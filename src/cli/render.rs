//! Renders a [`Reply`] for a terminal or as one line of JSON. The reply itself stays plain
//! data; this is the only place that decides how the CLI shows it.

use serde::Serialize;

use crate::assistant::{Reply, ReplySection, Source};

/// A reply as readable terminal text: title, sections, then the sources and the mode.
pub fn terminal(reply: &Reply) -> String {
    let mut out = String::new();
    out.push_str(&reply.title);
    out.push('\n');
    out.push_str(&"=".repeat(reply.title.chars().count().clamp(3, 60)));
    out.push('\n');
    for section in &reply.sections {
        out.push('\n');
        if !section.heading.is_empty() {
            out.push_str(&format!("## {}\n", section.heading));
        }
        out.push_str(&section.body);
        out.push('\n');
    }
    out.push('\n');
    let sources = if reply.sources.is_empty() {
        "-".to_string()
    } else {
        reply
            .sources
            .iter()
            .map(|source| format!("{} ({:.2})", source.id, source.score))
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push_str(&format!("[{}] sources: {sources}\n", reply.mode.as_str()));
    out
}

/// The one-line JSON object `xaas ask --json` prints per question.
#[derive(Serialize)]
struct JsonReply<'a> {
    question: &'a str,
    lang: &'a str,
    kind: &'a str,
    mode: &'a str,
    title: &'a str,
    answer: String,
    sections: &'a [ReplySection],
    sources: &'a [Source],
}

/// A reply as one line of JSON (no trailing newline).
pub fn json(question: &str, reply: &Reply) -> String {
    let value = JsonReply {
        question,
        lang: reply.lang.code(),
        kind: reply.kind.as_str(),
        mode: reply.mode.as_str(),
        title: &reply.title,
        answer: reply.text(),
        sections: &reply.sections,
        sources: &reply.sources,
    };
    serde_json::to_string(&value).unwrap_or_else(|error| format!("{{\"error\":\"cannot encode reply: {error}\"}}"))
}
