//! Renders a [`Reply`] for a terminal or as one line of JSON. The reply itself stays plain
//! data; this is the only place that decides how the CLI shows it.

use serde::Serialize;

use crate::assistant::{Aspect, Mode, Reply, ReplySection, Source};

/// A reply as readable terminal text: title, the lead (the direct answer), sections, then the
/// sources and the mode.
pub fn terminal(reply: &Reply) -> String {
    let mut out = String::new();
    out.push_str(&reply.title);
    out.push('\n');
    out.push_str(&"=".repeat(reply.title.chars().count().clamp(3, 60)));
    out.push('\n');
    if let Some(lead) = shown_lead(reply) {
        out.push('\n');
        out.push_str(lead);
        out.push('\n');
    }
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

/// The lead as the terminal shows it: none when empty, nor for an LLM answer, whose text
/// (its one section) already is the answer and would only be repeated.
fn shown_lead(reply: &Reply) -> Option<&str> {
    let lead = reply.lead.trim();
    (!lead.is_empty() && reply.mode != Mode::Llm).then_some(lead)
}

/// The one-line JSON object `xaas ask --json` prints per question (and `xaas chat --json`
/// per turn, with `resolved`).
#[derive(Serialize)]
struct JsonReply<'a> {
    question: &'a str,
    /// The question as the assistant understood it, in a conversation ("PaaS 단점").
    #[serde(skip_serializing_if = "Option::is_none")]
    resolved: Option<&'a str>,
    lang: &'a str,
    kind: &'a str,
    mode: &'a str,
    title: &'a str,
    /// The direct answer (empty when the engine gave none).
    lead: &'a str,
    answer: String,
    sections: &'a [ReplySection],
    sources: &'a [Source],
    /// The entries the answer is about (ids).
    about: &'a [String],
    /// The aspect it leads with, when it leads with one.
    aspect: Option<Aspect>,
}

/// A reply as one line of JSON (no trailing newline).
pub fn json(question: &str, reply: &Reply) -> String {
    encode(question, None, reply)
}

/// One turn of `xaas chat --json`: [`json`] plus the question as understood.
pub fn json_turn(question: &str, resolved: &str, reply: &Reply) -> String {
    encode(question, Some(resolved), reply)
}

fn encode(question: &str, resolved: Option<&str>, reply: &Reply) -> String {
    let value = JsonReply {
        question,
        resolved,
        lang: reply.lang.code(),
        kind: reply.kind.as_str(),
        mode: reply.mode.as_str(),
        title: &reply.title,
        lead: &reply.lead,
        answer: reply.text(),
        sections: &reply.sections,
        sources: &reply.sources,
        about: &reply.about,
        aspect: reply.aspect,
    };
    serde_json::to_string(&value).unwrap_or_else(|error| format!("{{\"error\":\"cannot encode reply: {error}\"}}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistant::ReplyKind;
    use crate::knowledge::Lang;

    fn reply(lead: &str) -> Reply {
        Reply {
            lang: Lang::En,
            kind: ReplyKind::Answer,
            mode: Mode::Offline,
            title: "PaaS — Cons".to_string(),
            lead: lead.to_string(),
            sections: vec![
                ReplySection {
                    heading: "Cons".to_string(),
                    body: "• Less control".to_string(),
                },
                ReplySection {
                    heading: "What it is".to_string(),
                    body: "A platform to run code on.".to_string(),
                },
            ],
            sources: vec![Source {
                id: "paas".to_string(),
                title: "PaaS".to_string(),
                score: 1.0,
            }],
            about: vec!["paas".to_string()],
            aspect: None,
            detailed: false,
            resolved: None,
        }
    }

    #[test]
    fn the_lead_comes_right_after_the_title_before_the_sections() {
        let text = terminal(&reply("PaaS trades control for speed: the provider runs the platform."));
        assert_eq!(
            text,
            "PaaS — Cons\n===========\n\n\
             PaaS trades control for speed: the provider runs the platform.\n\n\
             ## Cons\n• Less control\n\n\
             ## What it is\nA platform to run code on.\n\n\
             [offline] sources: paas (1.00)\n"
        );
    }

    #[test]
    fn an_empty_lead_changes_nothing() {
        let text = terminal(&reply("  "));
        assert_eq!(
            text,
            "PaaS — Cons\n===========\n\n\
             ## Cons\n• Less control\n\n\
             ## What it is\nA platform to run code on.\n\n\
             [offline] sources: paas (1.00)\n"
        );
    }

    #[test]
    fn an_llm_answer_is_its_own_text_without_the_lead_repeated() {
        let mut reply = reply("PaaS is a platform.");
        reply.mode = Mode::Llm;
        reply.sections = vec![ReplySection {
            heading: String::new(),
            body: "PaaS is a platform. You bring the code.".to_string(),
        }];
        let text = terminal(&reply);
        assert_eq!(text.matches("PaaS is a platform.").count(), 1, "{text}");
        assert!(text.ends_with("[llm] sources: paas (1.00)\n"), "{text}");
        // fallback answers are the offline ones, lead included
        reply.mode = Mode::Fallback;
        assert_eq!(terminal(&reply).matches("PaaS is a platform.").count(), 2);
    }

    #[test]
    fn small_talk_has_no_sources_and_its_kind_in_json() {
        let reply = Reply {
            kind: ReplyKind::SmallTalk,
            title: "Hi!".to_string(),
            lead: "Hello! Ask me about cloud service models.".to_string(),
            sections: vec![ReplySection {
                heading: String::new(),
                body: "Try: What is IaaS?".to_string(),
            }],
            sources: Vec::new(),
            ..reply("")
        };
        let text = terminal(&reply);
        assert_eq!(
            text,
            "Hi!\n===\n\nHello! Ask me about cloud service models.\n\nTry: What is IaaS?\n\n[offline] sources: -\n"
        );
        let value: serde_json::Value = serde_json::from_str(&json("hi", &reply)).expect("valid JSON");
        assert_eq!(value["kind"], "smalltalk");
        assert_eq!(value["lead"], "Hello! Ask me about cloud service models.");
        assert_eq!(value["sources"], serde_json::json!([]));
    }

    #[test]
    fn json_carries_the_lead_next_to_the_title() {
        let line = json(
            "what are the downsides of PaaS?",
            &reply("PaaS trades control for speed."),
        );
        assert!(!line.contains('\n'), "one line");
        let value: serde_json::Value = serde_json::from_str(&line).expect("valid JSON");
        assert_eq!(value["lead"], "PaaS trades control for speed.");
        assert_eq!(value["kind"], "answer");
        assert!(value["answer"]
            .as_str()
            .is_some_and(|answer| answer.starts_with("PaaS — Cons\n\nPaaS trades control for speed.")));
        let value: serde_json::Value = serde_json::from_str(&json("q", &reply(""))).expect("valid JSON");
        assert_eq!(value["lead"], "", "the key is there even when empty");
    }
}
