//! Renders a [`Reply`] (and the help text) into Discord embeds that respect every Discord limit,
//! by splitting into more fields, embeds and messages, never by failing or dropping text (the
//! one cut: a reply's lead, the direct answer of one to three sentences, is at most one
//! description, and a longer one ends in "…").
//!
//! Pure: plain data in, plain [`Embed`]s out; [`Embed::to_serenity`] is the only step that
//! touches serenity's builders. Lengths are counted in UTF-16 code units, which is never less
//! than what Discord counts, so a rendering that passes here passes there.

use serenity::builder::{CreateEmbed, CreateEmbedFooter};

use super::locale;
use crate::assistant::{Mode, Reply, ReplyKind, ReplySection};
use crate::knowledge::{EntryKind, KnowledgeBase, Lang};

/// A message's `content`.
pub(super) const CONTENT_MAX: usize = 2000;
/// An embed title.
pub(super) const TITLE_MAX: usize = 256;
/// An embed description.
pub(super) const DESCRIPTION_MAX: usize = 4096;
/// A field name.
pub(super) const FIELD_NAME_MAX: usize = 256;
/// A field value.
pub(super) const FIELD_VALUE_MAX: usize = 1024;
/// Fields in one embed.
pub(super) const FIELDS_MAX: usize = 25;
/// Embeds in one message.
pub(super) const EMBEDS_MAX: usize = 10;
/// Titles, descriptions, field names and values and footers of all embeds of one message.
pub(super) const MESSAGE_TOTAL_MAX: usize = 6000;
/// Our own bound on a footer (Discord allows 2048): the footer's room is kept free in every
/// message, so it must stay small.
const FOOTER_MAX: usize = 512;
/// The shortest piece of a long lead worth starting in the room left in a message; with less
/// room the lead continues in the next message.
const MIN_PIECE: usize = 1000;
/// How many sources a footer names before "+N more".
const FOOTER_SOURCES: usize = 5;
/// The name of a field that continues the previous one (Discord refuses empty names).
const CONTINUED: &str = "\u{200b}";

/// Embed colours by what the reply is, so a glance tells them apart.
const COLOUR_OFFLINE: u32 = 0x2E_CC_71;
const COLOUR_LLM: u32 = 0x58_65_F2;
const COLOUR_FALLBACK: u32 = 0xE6_7E_22;
const COLOUR_DONT_KNOW: u32 = 0x95_A5_A6;
const COLOUR_HELP: u32 = 0x58_65_F2;
/// Small talk is about the bot itself, like the help.
const COLOUR_SMALL_TALK: u32 = COLOUR_HELP;

/// One embed, as plain data.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Embed {
    /// Only the first embed of an answer has one.
    pub title: Option<String>,
    /// The answer's lead (or, without one, its first section), or its continuation.
    pub description: Option<String>,
    /// The sections.
    pub fields: Vec<Field>,
    /// Only the last embed of an answer has one: sources and mode.
    pub footer: Option<String>,
    /// The side colour.
    pub colour: u32,
    /// An image shown inside the embed: `attachment://name.png` for a file sent with it.
    pub image: Option<String>,
}

/// One embed field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Field {
    /// The heading (or [`CONTINUED`]).
    pub name: String,
    /// The text.
    pub value: String,
}

/// Something to show as embeds before it is laid out: a title, a lead, headed sections and a
/// footer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Document {
    /// The title of the whole answer.
    pub title: String,
    /// The first part, shown as the description (continued in more embeds when longer than
    /// one).
    pub lead: String,
    /// The other parts, as (heading, body); each becomes one or more fields.
    pub sections: Vec<(String, String)>,
    /// Sources and mode, or anything else for the end.
    pub footer: String,
    /// The side colour of every embed.
    pub colour: u32,
}

/// Messages to send in order, each a list of embeds within every limit.
pub(super) type Messages = Vec<Vec<Embed>>;

impl Embed {
    /// What this embed counts toward a message's 6,000.
    pub(super) fn size(&self) -> usize {
        self.title.as_deref().map_or(0, length)
            + self.description.as_deref().map_or(0, length)
            + self
                .fields
                .iter()
                .map(|f| length(&f.name) + length(&f.value))
                .sum::<usize>()
            + self.footer.as_deref().map_or(0, length)
    }

    fn is_empty(&self) -> bool {
        self.title.is_none() && self.description.is_none() && self.fields.is_empty()
    }

    /// The serenity builder for this embed.
    pub(super) fn to_serenity(&self) -> CreateEmbed {
        let mut embed = CreateEmbed::new().colour(self.colour);
        if let Some(title) = &self.title {
            embed = embed.title(title);
        }
        if let Some(description) = &self.description {
            embed = embed.description(description);
        }
        for field in &self.fields {
            embed = embed.field(&field.name, &field.value, false);
        }
        if let Some(footer) = &self.footer {
            embed = embed.footer(CreateEmbedFooter::new(footer));
        }
        if let Some(image) = &self.image {
            embed = embed.image(image);
        }
        embed
    }
}

/// The serenity builders for one message's embeds.
pub(super) fn to_serenity(embeds: &[Embed]) -> Vec<CreateEmbed> {
    embeds.iter().map(Embed::to_serenity).collect()
}

/// A reply as messages of embeds: title, the lead as the description, the sections as fields,
/// and a footer with the sources and the mode.
pub(super) fn reply(reply: &Reply) -> Messages {
    layout(&document(reply))
}

/// A reply as a [`Document`].
///
/// The description is the reply's lead (the direct answer), cut to one description, and every
/// section becomes fields after it. Without a lead, or for an LLM answer (whose text, its one
/// section, already is the answer the lead would repeat), the first section is the description
/// instead, continued over more embeds when it is longer. Small talk is one plain embed: no
/// fields, no footer.
pub(super) fn document(reply: &Reply) -> Document {
    if reply.kind == ReplyKind::SmallTalk {
        return small_talk(reply);
    }
    let lead = reply.lead.trim();
    let (lead, sections) = if lead.is_empty() || reply.mode == Mode::Llm {
        let mut sections = reply.sections.iter();
        let lead = sections.next().map(section_text).unwrap_or_default();
        (lead, sections.as_slice())
    } else {
        (truncate(lead, DESCRIPTION_MAX), reply.sections.as_slice())
    };
    Document {
        title: reply.title.clone(),
        lead,
        sections: sections.iter().map(|s| (s.heading.clone(), s.body.clone())).collect(),
        footer: footer(reply),
        colour: colour(reply),
    }
}

/// A greeting or thanks answered: the title, then the lead and the section(s) as one
/// description; it rests on no sources, so there is no footer.
fn small_talk(reply: &Reply) -> Document {
    let lead = reply.lead.trim();
    let mut parts: Vec<String> = Vec::new();
    if !lead.is_empty() {
        parts.push(lead.to_string());
    }
    for section in &reply.sections {
        // a section that only repeats the lead says nothing new
        if section.heading.trim().is_empty() && section.body.trim() == lead {
            continue;
        }
        let text = section_text(section);
        if !text.trim().is_empty() {
            parts.push(text);
        }
    }
    Document {
        title: reply.title.clone(),
        lead: parts.join("\n\n"),
        sections: Vec::new(),
        footer: String::new(),
        colour: COLOUR_SMALL_TALK,
    }
}

/// A section as description text: its heading in bold over its body.
fn section_text(section: &ReplySection) -> String {
    if section.heading.trim().is_empty() {
        section.body.clone()
    } else {
        format!("**{}**\n{}", section.heading.trim(), section.body)
    }
}

/// "Sources: IaaS (...), PaaS (...) · offline answer from the knowledge base".
fn footer(reply: &Reply) -> String {
    let mode = locale::mode_label(reply.mode, reply.lang);
    if reply.sources.is_empty() {
        return mode.to_string();
    }
    let mut names: Vec<String> = reply
        .sources
        .iter()
        .take(FOOTER_SOURCES)
        .map(|source| {
            if source.title.trim().is_empty() {
                source.id.clone()
            } else {
                source.title.clone()
            }
        })
        .collect();
    if reply.sources.len() > FOOTER_SOURCES {
        names.push(locale::more_sources(reply.sources.len() - FOOTER_SOURCES, reply.lang));
    }
    format!("{}: {} · {mode}", locale::sources_label(reply.lang), names.join(", "))
}

fn colour(reply: &Reply) -> u32 {
    if reply.kind == ReplyKind::DontKnow {
        return COLOUR_DONT_KNOW;
    }
    match reply.mode {
        Mode::Offline => COLOUR_OFFLINE,
        Mode::Llm => COLOUR_LLM,
        Mode::Fallback => COLOUR_FALLBACK,
    }
}

/// What the bot knows and how to ask, from the knowledge base in use.
pub(super) fn help(knowledge: &KnowledgeBase, lang: Lang) -> Document {
    let text = locale::help(lang);
    let listing = |kind: EntryKind| -> String {
        knowledge
            .entries()
            .iter()
            .filter(|entry| entry.kind == kind)
            .map(|entry| format!("• **{}**: {}", entry.name.get(lang), entry.summary.get(lang).trim()))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut sections = Vec::new();
    for (heading, body) in [
        (text.models, listing(EntryKind::Model)),
        (text.topics, listing(EntryKind::Topic)),
        (text.examples_heading, text.examples.to_string()),
    ] {
        if !body.is_empty() {
            sections.push((heading.to_string(), body));
        }
    }
    Document {
        title: text.title.to_string(),
        lead: text.how_to_ask.to_string(),
        sections,
        footer: locale::help_footer(knowledge.entries().len(), knowledge.version(), lang),
        colour: COLOUR_HELP,
    }
}

/// The embed shown while an LLM answer is still streaming in: the title, the text so far and a
/// "writing…" footer.
pub(super) fn partial(title: &str, text: &str, lang: Lang) -> Embed {
    Embed {
        title: non_empty(truncate(title, TITLE_MAX)),
        description: non_empty(truncate(text.trim(), DESCRIPTION_MAX)).or_else(|| Some("…".to_string())),
        fields: Vec::new(),
        footer: Some(locale::writing(lang).to_string()),
        colour: COLOUR_LLM,
        image: None,
    }
}

/// A message `content` within Discord's 2,000.
pub(super) fn content(text: &str) -> String {
    truncate(text, CONTENT_MAX)
}

fn non_empty(text: String) -> Option<String> {
    (!text.trim().is_empty()).then_some(text)
}

/// Lays a document out as messages of embeds within every limit. The title goes on the first
/// embed, the footer on the last; the lead fills descriptions (continuing in new embeds when
/// longer than one), each section fills fields (continuing in more fields), and a new embed or
/// message starts whenever one more piece would break a limit.
pub(super) fn layout(document: &Document) -> Messages {
    let footer = truncate(document.footer.trim(), FOOTER_MAX);
    // Every message keeps room for the footer, so whichever message ends up last can carry it.
    let budget = MESSAGE_TOTAL_MAX - length(&footer);
    let mut layout = Layout {
        done: Vec::new(),
        current: Vec::new(),
        open: Embed {
            title: non_empty(truncate(document.title.trim(), TITLE_MAX)),
            colour: document.colour,
            ..Embed::default()
        },
        used: 0,
        budget,
        colour: document.colour,
    };
    layout.used = layout.open.size();

    layout.add_lead(&document.lead);
    for (heading, body) in &document.sections {
        let name = truncate(heading.trim(), FIELD_NAME_MAX);
        let name = if name.is_empty() { CONTINUED.to_string() } else { name };
        for (index, piece) in chunks(body, FIELD_VALUE_MAX).into_iter().enumerate() {
            layout.add_field(&name, piece, index > 0);
        }
    }
    layout.finish(footer)
}

/// The state of [`layout`]: finished messages, the finished embeds of the current message, the
/// embed being filled and how much of the current message's budget is used.
struct Layout {
    done: Messages,
    current: Vec<Embed>,
    open: Embed,
    used: usize,
    budget: usize,
    colour: u32,
}

impl Layout {
    /// Fills descriptions with the lead: the first after the title, then new embeds, each
    /// piece as long as the room left in the message allows (a new message when fewer than
    /// [`MIN_PIECE`] would fit).
    fn add_lead(&mut self, lead: &str) {
        let mut rest = lead.trim();
        while !rest.is_empty() {
            let available = self.budget.saturating_sub(self.used);
            let open_is_free = self.open.description.is_none() && self.open.fields.is_empty();
            if !open_is_free || available < MIN_PIECE {
                self.close_embed();
                if self.current.len() >= EMBEDS_MAX || available < MIN_PIECE {
                    self.flush_message();
                }
            }
            let room = DESCRIPTION_MAX.min(self.budget.saturating_sub(self.used));
            let (piece, tail) = next_piece(rest, room);
            self.used += length(&piece);
            self.open.description = Some(piece);
            rest = tail;
        }
    }

    fn add_field(&mut self, heading: &str, value: String, continued: bool) {
        // priced with the full heading, whichever name it ends up with
        let cost = length(heading) + length(&value);
        if self.open.fields.len() >= FIELDS_MAX {
            self.start_embed(cost);
        } else if self.used + cost > self.budget {
            self.start_message();
        }
        let name = if continued && !self.open.fields.is_empty() {
            CONTINUED
        } else {
            heading
        };
        self.used += length(name) + length(&value);
        self.open.fields.push(Field {
            name: name.to_string(),
            value,
        });
    }

    /// Closes the open embed and opens a new one, in a new message when this one is full.
    fn start_embed(&mut self, cost: usize) {
        self.close_embed();
        if self.current.len() >= EMBEDS_MAX || self.used + cost > self.budget {
            self.flush_message();
        }
    }

    fn start_message(&mut self) {
        self.close_embed();
        self.flush_message();
    }

    fn close_embed(&mut self) {
        let fresh = Embed {
            colour: self.colour,
            ..Embed::default()
        };
        let embed = std::mem::replace(&mut self.open, fresh);
        if !embed.is_empty() {
            self.current.push(embed);
        }
    }

    fn flush_message(&mut self) {
        if !self.current.is_empty() {
            self.done.push(std::mem::take(&mut self.current));
        }
        self.used = 0;
    }

    fn finish(mut self, footer: String) -> Messages {
        self.close_embed();
        self.flush_message();
        if self.done.is_empty() {
            self.done.push(vec![Embed {
                description: Some("…".to_string()),
                colour: self.colour,
                ..Embed::default()
            }]);
        }
        if !footer.is_empty() {
            if let Some(last) = self.done.last_mut().and_then(|message| message.last_mut()) {
                last.footer = Some(footer);
            }
        }
        self.done
    }
}

/// A text's length as Discord may count it (UTF-16 code units).
pub(super) fn length(text: &str) -> usize {
    text.encode_utf16().count()
}

/// The byte index of the longest prefix of `text` no longer than `max`.
fn prefix_end(text: &str, max: usize) -> usize {
    let mut units = 0;
    for (index, character) in text.char_indices() {
        units += character.len_utf16();
        if units > max {
            return index;
        }
    }
    text.len()
}

/// `text` cut to at most `max` (with "…" at the cut).
pub(super) fn truncate(text: &str, max: usize) -> String {
    if length(text) <= max {
        return text.to_string();
    }
    let end = prefix_end(text, max.saturating_sub(1));
    format!("{}…", text[..end].trim_end())
}

/// Splits `text` into trimmed, non-empty pieces of at most `max`, cutting at the last
/// paragraph break, else line break, else sentence end, else space that keeps a piece at least
/// half full; a word longer than that is cut where it must be.
pub(super) fn chunks(text: &str, max: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let (piece, tail) = next_piece(rest, max);
        if !piece.is_empty() {
            pieces.push(piece);
        }
        rest = tail;
    }
    pieces
}

/// The first piece of the trimmed `text` (at most `max`, cut as [`chunks`] does) and the
/// trimmed rest.
fn next_piece(text: &str, max: usize) -> (String, &str) {
    if length(text) <= max {
        return (text.to_string(), "");
    }
    let window = &text[..prefix_end(text, max)];
    let cut = match window.is_empty() {
        // only when `max` is smaller than one character: take that character anyway
        true => text.chars().next().map_or(text.len(), char::len_utf8),
        false => best_cut(window),
    };
    let (piece, tail) = text.split_at(cut);
    (piece.trim_end().to_string(), tail.trim_start())
}

/// Where to cut `window` (a non-empty prefix that fits): the byte index the piece ends at,
/// never 0.
fn best_cut(window: &str) -> usize {
    let half = window.len() / 2;
    let after = |found: Option<usize>, skip: usize| found.map(|index| index + skip).filter(|&cut| cut > half);
    if let Some(cut) = after(window.rfind("\n\n"), 0) {
        return cut;
    }
    if let Some(cut) = after(window.rfind('\n'), 0) {
        return cut;
    }
    let sentence_end = [". ", "! ", "? ", "。", ".\n"]
        .iter()
        .filter_map(|mark| window.rfind(mark).map(|index| index + mark.trim_end().len()))
        .max();
    if let Some(cut) = after(sentence_end, 0) {
        return cut;
    }
    if let Some(cut) = after(window.rfind(char::is_whitespace), 0) {
        return cut;
    }
    window.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistant::{ReplySection, Source};

    fn limits_hold(messages: &Messages) {
        assert!(!messages.is_empty());
        for message in messages {
            assert!(
                !message.is_empty() && message.len() <= EMBEDS_MAX,
                "{} embeds",
                message.len()
            );
            let total: usize = message.iter().map(Embed::size).sum();
            assert!(total <= MESSAGE_TOTAL_MAX, "message total {total}");
            for embed in message {
                assert!(!embed.is_empty(), "an empty embed");
                assert!(embed.title.as_deref().map_or(0, length) <= TITLE_MAX);
                let description = embed.description.as_deref().map_or(0, length);
                assert!(description <= DESCRIPTION_MAX, "description {description}");
                assert!(embed.fields.len() <= FIELDS_MAX, "{} fields", embed.fields.len());
                for field in &embed.fields {
                    assert!(!field.name.is_empty() && length(&field.name) <= FIELD_NAME_MAX);
                    assert!(!field.value.trim().is_empty() && length(&field.value) <= FIELD_VALUE_MAX);
                }
                assert!(embed.footer.as_deref().map_or(0, length) <= 2048);
            }
        }
        let footers = messages.iter().flatten().filter(|e| e.footer.is_some()).count();
        assert!(footers <= 1, "only the last embed has a footer");
    }

    fn squeeze(text: &str) -> String {
        text.chars().filter(|c| !c.is_whitespace() && *c != '…').collect()
    }

    fn all_text(messages: &Messages) -> String {
        let mut text = String::new();
        for embed in messages.iter().flatten() {
            text.push_str(embed.description.as_deref().unwrap_or(""));
            for field in &embed.fields {
                text.push_str(&field.value);
            }
        }
        text
    }

    fn reply_with(title: &str, sections: Vec<(&str, String)>, sources: usize) -> Reply {
        Reply {
            lang: Lang::En,
            kind: ReplyKind::Model,
            mode: Mode::Offline,
            title: title.to_string(),
            lead: String::new(),
            sections: sections
                .into_iter()
                .map(|(heading, body)| ReplySection {
                    heading: heading.to_string(),
                    body,
                })
                .collect(),
            sources: (0..sources)
                .map(|i| Source {
                    id: format!("entry-{i}"),
                    title: format!("Entry {i}"),
                    score: 1.0,
                })
                .collect(),
            about: Vec::new(),
            aspect: None,
            detailed: false,
            resolved: None,
        }
    }

    #[test]
    fn a_small_reply_is_one_embed_with_title_lead_fields_and_footer() {
        let reply = reply_with(
            "IaaS (Infrastructure as a Service)",
            vec![
                ("What it is", "Servers for rent.".to_string()),
                ("Pros", "• Flexible".to_string()),
                ("Cons", "• Work".to_string()),
            ],
            2,
        );
        let messages = super::reply(&reply);
        limits_hold(&messages);
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].len(), 1);
        let embed = &messages[0][0];
        assert_eq!(embed.title.as_deref(), Some("IaaS (Infrastructure as a Service)"));
        assert_eq!(embed.description.as_deref(), Some("**What it is**\nServers for rent."));
        let names: Vec<&str> = embed.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Pros", "Cons"]);
        assert_eq!(
            embed.footer.as_deref(),
            Some("Sources: Entry 0, Entry 1 · offline answer from the knowledge base")
        );
        assert_eq!(embed.colour, COLOUR_OFFLINE);
    }

    #[test]
    fn the_lead_is_the_description_and_every_section_a_field_after_it() {
        let mut reply = reply_with(
            "IaaS (Infrastructure as a Service)",
            vec![
                ("What it is", "Servers for rent.".to_string()),
                ("Pros", "• Flexible".to_string()),
            ],
            1,
        );
        reply.lead = " IaaS rents you servers, storage and networks; you run the rest. ".to_string();
        let messages = super::reply(&reply);
        limits_hold(&messages);
        assert_eq!(
            messages,
            vec![vec![Embed {
                title: Some("IaaS (Infrastructure as a Service)".to_string()),
                description: Some("IaaS rents you servers, storage and networks; you run the rest.".to_string()),
                fields: vec![
                    Field {
                        name: "What it is".to_string(),
                        value: "Servers for rent.".to_string(),
                    },
                    Field {
                        name: "Pros".to_string(),
                        value: "• Flexible".to_string(),
                    },
                ],
                footer: Some("Sources: Entry 0 · offline answer from the knowledge base".to_string()),
                colour: COLOUR_OFFLINE,
                image: None,
            }]]
        );
        // a fallback is the offline answer: its lead shows too
        reply.mode = Mode::Fallback;
        let messages = super::reply(&reply);
        assert!(messages[0][0]
            .description
            .as_deref()
            .is_some_and(|d| d.starts_with("IaaS rents")));
        assert_eq!(messages[0][0].fields.len(), 2);
    }

    #[test]
    fn an_llm_answer_shows_its_text_not_the_lead_again() {
        let mut reply = reply_with(
            "SaaS",
            vec![("", "SaaS is software you rent. You log in.".to_string())],
            1,
        );
        reply.mode = Mode::Llm;
        reply.lead = "SaaS is software you rent.".to_string();
        let messages = super::reply(&reply);
        limits_hold(&messages);
        let embed = &messages[0][0];
        assert_eq!(
            embed.description.as_deref(),
            Some("SaaS is software you rent. You log in.")
        );
        assert!(embed.fields.is_empty());
        assert_eq!(
            squeeze(&all_text(&messages)).matches("SaaSissoftwareyourent").count(),
            1
        );
    }

    #[test]
    fn a_long_lead_is_cut_to_one_description_and_every_limit_still_holds() {
        let mut reply = reply_with(&"T".repeat(1000), vec![("What it is", "Servers.".to_string())], 3);
        reply.lead = "x".repeat(5000);
        let messages = super::reply(&reply);
        limits_hold(&messages);
        let description = messages[0][0].description.as_deref().unwrap_or("");
        assert_eq!(length(description), DESCRIPTION_MAX);
        assert!(description.ends_with('…'), "the cut is marked");
        assert_eq!(messages[0][0].fields[0].name, "What it is");

        // with a long lead and sections to fill several messages, nothing of the sections is lost
        let sentence = "IaaS rents out servers, storage and networks; you run everything above them. ";
        let sections: Vec<(&str, String)> = (0..30)
            .map(|i| match i % 2 {
                0 => ("Heading", sentence.repeat(30)),
                _ => ("한국어 제목", "서버와 스토리지를 빌려 씁니다. ".repeat(70)),
            })
            .collect();
        let expected: String = sections.iter().map(|(_, body)| squeeze(body)).collect();
        let mut reply = reply_with("Long", sections, 12);
        reply.lead = "🚀".repeat(3000); // 6,000 UTF-16 units
        let messages = super::reply(&reply);
        limits_hold(&messages);
        assert!(messages.len() > 2, "{} messages", messages.len());
        let lead = messages[0][0].description.as_deref().unwrap_or("");
        assert!(length(lead) <= DESCRIPTION_MAX && lead.ends_with('…'));
        let fields: String = messages
            .iter()
            .flatten()
            .flat_map(|embed| embed.fields.iter().map(|f| f.value.as_str()))
            .collect();
        assert_eq!(squeeze(&fields), expected);
        assert!(messages
            .last()
            .and_then(|m| m.last())
            .is_some_and(|e| e.footer.is_some()));
    }

    #[test]
    fn small_talk_is_one_plain_embed_without_sources() {
        let mut reply = reply_with(
            "Hi!",
            vec![("", "Ask me about IaaS, PaaS, SaaS and more.".to_string())],
            0,
        );
        reply.kind = ReplyKind::SmallTalk;
        reply.lead = "Hello! I explain cloud service models.".to_string();
        let messages = super::reply(&reply);
        limits_hold(&messages);
        assert_eq!(
            messages,
            vec![vec![Embed {
                title: Some("Hi!".to_string()),
                description: Some(
                    "Hello! I explain cloud service models.\n\nAsk me about IaaS, PaaS, SaaS and more.".to_string()
                ),
                fields: Vec::new(),
                footer: None,
                colour: COLOUR_SMALL_TALK,
                image: None,
            }]]
        );
        // even if the engine named sources, small talk shows none; a section repeating the lead
        // is not shown twice, and without a lead the section alone is the description
        reply.sources = reply_with("", vec![], 2).sources;
        reply.sections[0].body = reply.lead.clone();
        let messages = super::reply(&reply);
        assert_eq!(
            messages[0][0].description.as_deref(),
            Some("Hello! I explain cloud service models.")
        );
        assert!(messages.iter().flatten().all(|e| e.footer.is_none()));
        reply.lead.clear();
        let messages = super::reply(&reply);
        assert_eq!(
            messages[0][0].description.as_deref(),
            Some("Hello! I explain cloud service models.")
        );
        assert!(messages
            .iter()
            .flatten()
            .all(|e| e.footer.is_none() && e.fields.is_empty()));
    }

    #[test]
    fn footers_name_at_most_five_sources_and_say_the_mode_in_the_reply_language() {
        let mut reply = reply_with("t", vec![("", "x".to_string())], 7);
        reply.lang = Lang::Ko;
        reply.mode = Mode::Llm;
        let text = footer(&reply);
        assert!(text.starts_with("출처: Entry 0, "), "{text}");
        assert!(text.contains("외 2개") && !text.contains("Entry 5"), "{text}");
        assert!(text.ends_with(locale::mode_label(Mode::Llm, Lang::Ko)));
        reply.sources.clear();
        reply.kind = ReplyKind::DontKnow;
        assert_eq!(footer(&reply), locale::mode_label(Mode::Llm, Lang::Ko));
    }

    #[test]
    fn an_llm_answer_without_heading_is_the_description() {
        let mut reply = reply_with("SaaS", vec![("", "SaaS is software you rent.".to_string())], 1);
        reply.mode = Mode::Llm;
        let messages = super::reply(&reply);
        assert_eq!(
            messages[0][0].description.as_deref(),
            Some("SaaS is software you rent.")
        );
        assert!(messages[0][0].fields.is_empty());
        assert_eq!(messages[0][0].colour, COLOUR_LLM);
    }

    #[test]
    fn huge_replies_split_into_fields_embeds_and_messages_within_every_limit() {
        let sentence = "IaaS rents out servers, storage and networks; you run everything above them. ";
        let hangul = "서버와 스토리지를 빌려 쓰고 그 위의 모든 것은 직접 관리합니다. ";
        let emoji = "☁️🚀 ";
        let long_lead = sentence.repeat(400); // ~30,000
        let mut sections = vec![("What it is", long_lead.clone())];
        let mut originals = vec![long_lead];
        for i in 0..40 {
            let body = match i % 3 {
                0 => sentence.repeat(60),
                1 => hangul.repeat(80),
                _ => format!("{}{}", emoji.repeat(300), "x".repeat(3000)),
            };
            originals.push(body.clone());
            sections.push(("A very long heading that keeps going and going", body));
        }
        let long_title = "T".repeat(1000);
        let reply = reply_with(&long_title, sections, 12);
        let messages = super::reply(&reply);
        limits_hold(&messages);
        assert!(messages.len() > 5, "{} messages", messages.len());
        assert!(length(messages[0][0].title.as_deref().unwrap_or("")) <= TITLE_MAX);
        assert!(messages
            .last()
            .and_then(|m| m.last())
            .is_some_and(|e| e.footer.is_some()));
        // nothing is lost: every character of every section is somewhere, in order
        let expected: String = originals.iter().map(|t| squeeze(t)).collect();
        assert_eq!(squeeze(&all_text(&messages)), format!("**Whatitis**{expected}"));
    }

    #[test]
    fn more_than_25_sections_continue_in_another_embed() {
        let sections: Vec<(&str, String)> = (0..60).map(|_| ("Heading", "short body".to_string())).collect();
        let messages = super::reply(&reply_with("Many", sections, 1));
        limits_hold(&messages);
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].len(), 3);
        assert_eq!(messages[0].iter().map(|e| e.fields.len()).sum::<usize>(), 59);
        assert!(messages[0][1].title.is_none());
    }

    #[test]
    fn a_continued_section_repeats_its_heading_only_in_a_new_embed() {
        let body = "word ".repeat(700); // 3,500: four fields
        let messages = super::reply(&reply_with("t", vec![("lead", "x".to_string()), ("Long", body)], 0));
        limits_hold(&messages);
        let names: Vec<&str> = messages[0][0].fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Long", CONTINUED, CONTINUED, CONTINUED]);
    }

    #[test]
    fn empty_replies_still_render_something_valid() {
        let messages = super::reply(&reply_with("", vec![], 0));
        limits_hold(&messages);
        let messages = layout(&Document {
            title: String::new(),
            lead: String::new(),
            sections: vec![("heading".into(), "  ".into())],
            footer: String::new(),
            colour: 0,
        });
        limits_hold(&messages);
        assert_eq!(messages[0][0].description.as_deref(), Some("…"));
    }

    #[test]
    fn chunks_cut_at_paragraphs_then_lines_then_sentences_then_spaces() {
        let text = format!("{}\n\n{}", "a".repeat(60), "b".repeat(60));
        assert_eq!(chunks(&text, 100), ["a".repeat(60), "b".repeat(60)]);
        let text = format!("{}\n{}", "a".repeat(60), "b".repeat(60));
        assert_eq!(chunks(&text, 100), ["a".repeat(60), "b".repeat(60)]);
        let text = format!("{}. {} end", "a".repeat(60), "b".repeat(30));
        assert_eq!(
            chunks(&text, 80),
            [format!("{}.", "a".repeat(60)), format!("{} end", "b".repeat(30))]
        );
        let text = format!("{} {}", "a".repeat(70), "b".repeat(70));
        assert_eq!(chunks(&text, 100), ["a".repeat(70), "b".repeat(70)]);
        let word = "x".repeat(250);
        let pieces = chunks(&word, 100);
        assert_eq!(pieces.iter().map(String::len).collect::<Vec<_>>(), [100, 100, 50]);
        assert!(chunks("   ", 10).is_empty());
    }

    #[test]
    fn chunks_count_utf16_and_never_split_a_character() {
        let text = "🚀".repeat(100); // 200 UTF-16 units
        let pieces = chunks(&text, 51);
        assert!(pieces.iter().all(|p| length(p) <= 51));
        assert_eq!(pieces.concat(), text);
        let korean = "가나다라마바사 ".repeat(100);
        let pieces = chunks(&korean, 64);
        assert!(pieces.iter().all(|p| length(p) <= 64 && !p.is_empty()));
        assert_eq!(squeeze(&pieces.concat()), squeeze(&korean));
    }

    #[test]
    fn truncate_marks_the_cut() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("abcdefghij", 5), "abcd…");
        assert_eq!(length(&truncate(&"🚀".repeat(10), 5)), 5);
        assert_eq!(length(&content(&"x".repeat(5000))), CONTENT_MAX);
    }

    #[test]
    fn help_lists_every_entry_in_the_requested_language() {
        let knowledge = KnowledgeBase::builtin().expect("the built-in knowledge base loads");
        for lang in [Lang::En, Lang::Ko] {
            let document = help(&knowledge, lang);
            let messages = layout(&document);
            limits_hold(&messages);
            let text = all_text(&messages);
            for entry in knowledge.entries() {
                assert!(text.contains(entry.name.get(lang)), "{} missing in {lang}", entry.id);
            }
        }
        assert!(help(&knowledge, Lang::Ko).title.contains("클라우드"));
    }

    #[test]
    fn every_built_in_entry_renders_within_the_limits_in_both_languages() {
        let assistant =
            crate::assistant::Assistant::new(KnowledgeBase::builtin().expect("the built-in knowledge base loads"));
        let snapshot = assistant.snapshot();
        for entry in snapshot.knowledge().entries() {
            for lang in [Lang::En, Lang::Ko] {
                let mut reply = assistant.model(&entry.id, lang).expect("every id resolves");
                let messages = super::reply(&reply);
                limits_hold(&messages);
                // and with a lead as long as a description, in front of every section
                reply.lead = entry.summary.get(lang).repeat(40);
                let with_lead = super::reply(&reply);
                limits_hold(&with_lead);
                assert_eq!(
                    with_lead[0][0].fields.first().map(|f| f.name.as_str()),
                    reply.sections.first().map(|s| s.heading.as_str())
                );
                let sizes: Vec<usize> = messages.iter().map(|m| m.iter().map(Embed::size).sum()).collect();
                println!("{} {lang}: {} message(s) {sizes:?}", entry.id, messages.len());
            }
        }
    }

    #[test]
    fn partial_embeds_fit_and_say_writing() {
        let embed = partial("SaaS", &"text ".repeat(2000), Lang::Ko);
        assert!(length(embed.description.as_deref().unwrap_or("")) <= DESCRIPTION_MAX);
        assert_eq!(embed.footer.as_deref(), Some("작성 중…"));
        assert_eq!(partial("t", "", Lang::En).description.as_deref(), Some("…"));
    }

    #[test]
    fn serenity_embeds_serialize_what_was_laid_out() {
        let embed = Embed {
            title: Some("t".into()),
            description: Some("d".into()),
            fields: vec![Field {
                name: "n".into(),
                value: "v".into(),
            }],
            footer: Some("f".into()),
            colour: 7,
            image: None,
        };
        let json = serde_json::to_value(embed.to_serenity()).expect("embeds serialize");
        assert_eq!(json["title"], "t");
        assert_eq!(json["description"], "d");
        assert_eq!(json["fields"][0]["name"], "n");
        assert_eq!(json["fields"][0]["value"], "v");
        assert_eq!(json["fields"][0]["inline"], false);
        assert_eq!(json["footer"]["text"], "f");
        assert_eq!(json["color"], 7);
    }
}
