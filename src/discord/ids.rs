//! What a button, a select menu or a modal on an answer carries in its `custom_id`: all a
//! click needs, so buttons keep working after a restart or a knowledge reload and no click
//! looks anything up in memory.
//!
//! `xa1:{view}:{lang}:{entries}:{kind}:{mode}:{owner}:{version}` is an answer control (an
//! aspect, "more", "compare with…", 👍, 👎), `xf1:{answer}:{lang}:{entries}:{kind}:{mode}:
//! {version}` the "what was wrong?" modal of a 👎, `xn1:{lang}:{topic}` the quiz's "next
//! question" (the quiz's own answer buttons are `xq1:…`, see [`crate::quiz`]). Numbers are in
//! base 36. Reading is strict and bounded: anything longer than Discord allows, with a field
//! out of place, or with an unknown code is refused, never panics; whether the entries still
//! exist is for the caller to check against the knowledge base it serves.

use serenity::model::id::UserId;

use crate::assistant::{Aspect, Mode, ReplyKind};
use crate::knowledge::Lang;

/// Discord's limit on a `custom_id`, in characters.
pub(super) const MAX_CUSTOM_ID: usize = 100;
/// The most entries an answer control carries (a comparison of two, or three named at once).
pub(super) const MAX_ENTRIES: usize = 3;
/// How much of the knowledge version an id keeps: enough to tell versions apart in the stats.
const VERSION_CHARS: usize = 8;
/// The longest entry id an id carries.
const MAX_ENTRY_ID: usize = 40;

/// What pressing an answer control asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum View {
    /// The answer about these entries that leads with this aspect (장단점 shows pros and cons).
    Aspect(Aspect),
    /// The full explanation ("자세히" / "More").
    More,
    /// The select menu "compare with…": the chosen model is in the interaction's values.
    CompareWith,
    /// 👍.
    Up,
    /// 👎.
    Down,
}

impl View {
    fn code(self) -> &'static str {
        match self {
            View::Aspect(aspect) => aspect_code(aspect),
            View::More => "more",
            View::CompareWith => "cmp",
            View::Up => "up",
            View::Down => "down",
        }
    }

    fn from_code(code: &str) -> Option<View> {
        Some(match code {
            "more" => View::More,
            "cmp" => View::CompareWith,
            "up" => View::Up,
            "down" => View::Down,
            code => View::Aspect(Aspect::ALL.into_iter().find(|a| aspect_code(*a) == code)?),
        })
    }
}

fn aspect_code(aspect: Aspect) -> &'static str {
    match aspect {
        Aspect::Definition => "def",
        Aspect::Analogy => "ana",
        Aspect::Features => "fea",
        Aspect::Providers => "pro",
        Aspect::UseCases => "use",
        Aspect::Pros => "pc",
        Aspect::Cons => "con",
        Aspect::Management => "mgt",
        Aspect::Glance => "gla",
    }
}

/// The answer a control sits on: what it is about and how it was made (for feedback), and
/// who asked (only they change it in place).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct AnswerState {
    /// The reply's language: labels and the answers a click gives.
    pub lang: Lang,
    /// The entries it is about, at most [`MAX_ENTRIES`].
    pub entries: Vec<String>,
    /// Its kind.
    pub kind: ReplyKind,
    /// How it was written.
    pub mode: Mode,
    /// The knowledge version it was answered from, shortened.
    pub version: String,
}

/// An answer control read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Control {
    /// What it asks for.
    pub view: View,
    /// The answer it is on.
    pub state: AnswerState,
    /// Who asked the question the answer answers.
    pub owner: UserId,
}

/// The 👎 modal read back: the answer it is about and its state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Complaint {
    /// The Discord message id of the answer.
    pub answer: u64,
    /// The answer's state.
    pub state: AnswerState,
}

/// Any id this bot writes, read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Parsed {
    /// An answer control.
    Control(Control),
    /// The "what was wrong?" modal.
    Complaint(Complaint),
    /// The quiz's "next question" in a language, under a topic.
    NextQuestion {
        /// The language of the quiz.
        lang: Lang,
        /// Its topic filter.
        topic: Option<String>,
    },
    /// A quiz answer button: [`crate::quiz::Quiz::parse`] reads the rest.
    QuizAnswer,
}

/// Why an id is refused: someone forged it, or an older bot wrote it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a button of this bot: {0}")]
pub(super) struct Refused(pub &'static str);

/// Shortens a knowledge version to what ids carry.
pub(super) fn short_version(version: &str) -> String {
    version
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(VERSION_CHARS)
        .collect()
}

/// The id of an answer control; `None` when the state does not fit Discord's limit (the
/// control is then left out, not cut).
pub(super) fn control(view: View, state: &AnswerState, owner: UserId) -> Option<String> {
    let id = format!(
        "xa1:{}:{}:{}:{}",
        view.code(),
        state_fields(state),
        crate::base36::encode(owner.get()),
        state.version
    );
    fits(id)
}

/// The id of the "what was wrong?" modal for the answer message `answer`.
pub(super) fn complaint(answer: u64, state: &AnswerState) -> Option<String> {
    fits(format!(
        "xf1:{}:{}:{}",
        crate::base36::encode(answer),
        state_fields(state),
        state.version
    ))
}

/// The id of the quiz's "next question".
pub(super) fn next_question(lang: Lang, topic: Option<&str>) -> Option<String> {
    fits(format!("xn1:{}:{}", lang.code(), topic.unwrap_or("-")))
}

fn fits(id: String) -> Option<String> {
    (id.len() <= MAX_CUSTOM_ID).then_some(id)
}

fn state_fields(state: &AnswerState) -> String {
    format!(
        "{}:{}:{}:{}",
        state.lang.code(),
        state.entries.join(","),
        kind_code(state.kind),
        mode_code(state.mode)
    )
}

/// Reads an id back. Bounded: an id longer than Discord allows is refused unread.
pub(super) fn parse(id: &str) -> Result<Parsed, Refused> {
    if id.len() > MAX_CUSTOM_ID {
        return Err(Refused("longer than any id"));
    }
    let fields: Vec<&str> = id.split(':').collect();
    match fields[..] {
        ["xa1", view, lang, entries, kind, mode, owner, version] => {
            let view = View::from_code(view).ok_or(Refused("unknown view"))?;
            let owner = crate::base36::decode(owner)
                .filter(|id| *id != 0)
                .ok_or(Refused("the owner is no user id"))?;
            Ok(Parsed::Control(Control {
                view,
                state: state(lang, entries, kind, mode, version)?,
                owner: UserId::new(owner),
            }))
        }
        ["xf1", answer, lang, entries, kind, mode, version] => Ok(Parsed::Complaint(Complaint {
            answer: crate::base36::decode(answer)
                .filter(|id| *id != 0)
                .ok_or(Refused("the answer is no message id"))?,
            state: state(lang, entries, kind, mode, version)?,
        })),
        ["xn1", lang, topic] => Ok(Parsed::NextQuestion {
            lang: parse_lang(lang)?,
            topic: match topic {
                "-" => None,
                topic => Some(entry_id(topic)?.to_string()),
            },
        }),
        ["xq1", ..] => Ok(Parsed::QuizAnswer),
        _ => Err(Refused("not an id of this version")),
    }
}

fn state(lang: &str, entries: &str, kind: &str, mode: &str, version: &str) -> Result<AnswerState, Refused> {
    let entries: Vec<String> = if entries.is_empty() {
        Vec::new()
    } else {
        entries
            .split(',')
            .map(|id| entry_id(id).map(str::to_string))
            .collect::<Result<_, _>>()?
    };
    if entries.len() > MAX_ENTRIES {
        return Err(Refused("too many entries"));
    }
    if version.len() > VERSION_CHARS || !version.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Refused("the version is malformed"));
    }
    Ok(AnswerState {
        lang: parse_lang(lang)?,
        entries,
        kind: kind_from_code(kind).ok_or(Refused("unknown kind"))?,
        mode: mode_from_code(mode).ok_or(Refused("unknown mode"))?,
        version: version.to_string(),
    })
}

fn parse_lang(code: &str) -> Result<Lang, Refused> {
    match code {
        "en" => Ok(Lang::En),
        "ko" => Ok(Lang::Ko),
        _ => Err(Refused("unknown language")),
    }
}

/// An entry id as the knowledge base writes them: lower-case letters, digits and dashes.
fn entry_id(id: &str) -> Result<&str, Refused> {
    (id.len() <= MAX_ENTRY_ID && crate::knowledge::is_entry_id(id))
        .then_some(id)
        .ok_or(Refused("not an entry id"))
}

const KINDS: [(ReplyKind, &str); 5] = [
    (ReplyKind::Model, "m"),
    (ReplyKind::Compare, "c"),
    (ReplyKind::Answer, "a"),
    (ReplyKind::DontKnow, "d"),
    (ReplyKind::SmallTalk, "s"),
];
const MODES: [(Mode, &str); 3] = [(Mode::Offline, "o"), (Mode::Llm, "l"), (Mode::Fallback, "f")];

fn kind_code(kind: ReplyKind) -> &'static str {
    KINDS.iter().find(|(k, _)| *k == kind).map_or("a", |(_, code)| code)
}

fn kind_from_code(code: &str) -> Option<ReplyKind> {
    KINDS.iter().find(|(_, c)| *c == code).map(|(kind, _)| *kind)
}

fn mode_code(mode: Mode) -> &'static str {
    MODES.iter().find(|(m, _)| *m == mode).map_or("o", |(_, code)| code)
}

fn mode_from_code(code: &str) -> Option<Mode> {
    MODES.iter().find(|(_, c)| *c == code).map(|(mode, _)| *mode)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> AnswerState {
        AnswerState {
            lang: Lang::Ko,
            entries: vec!["on-premise".into(), "gpuaas".into(), "iqaas".into()],
            kind: ReplyKind::Compare,
            mode: Mode::Fallback,
            version: short_version("0123abcd9876"),
        }
    }

    #[test]
    fn every_control_reads_back_and_fits_discords_limit() {
        let owner = UserId::new(u64::MAX);
        let views =
            Aspect::ALL
                .into_iter()
                .map(View::Aspect)
                .chain([View::More, View::CompareWith, View::Up, View::Down]);
        for view in views {
            let id = control(view, &state(), owner).expect("the longest state fits");
            assert!(id.len() <= MAX_CUSTOM_ID, "{id}");
            assert_eq!(
                parse(&id),
                Ok(Parsed::Control(Control {
                    view,
                    state: state(),
                    owner
                }))
            );
        }
        let id = complaint(u64::MAX, &state()).expect("fits");
        assert_eq!(
            parse(&id),
            Ok(Parsed::Complaint(Complaint {
                answer: u64::MAX,
                state: state()
            }))
        );
        let id = next_question(Lang::En, Some("ai-stack")).expect("fits");
        assert_eq!(
            parse(&id),
            Ok(Parsed::NextQuestion {
                lang: Lang::En,
                topic: Some("ai-stack".into())
            })
        );
    }

    #[test]
    fn forged_ids_are_refused_not_panicked_on() {
        let good = control(View::Up, &state(), UserId::new(42)).expect("fits");
        let forged = [
            String::new(),
            "xa1".into(),
            good.replace("xa1", "xa2"),
            good.replace(":up:", ":nope:"),
            good.replace(":ko:", ":fr:"),
            good.replace("on-premise", "ON PREMISE"),
            good.replace(":c:", ":z:"),
            good.replace(":16:", ":0:"),
            format!("{good}:extra"),
            "x".repeat(10_000),
            "xa1:up:ko:a,b,c,d:c:o:16:abc".into(),
            "xa1:up:ko:iaas:c:o:zzzzzzzzzzzzzzzzz:abc".into(),
            "xf1:0:ko:iaas:c:o:abc".into(),
            "xn1:ko:../etc".into(),
            "xa1:up:ko:iaas:c:o:1:ab!cd".into(),
        ];
        for id in forged {
            assert!(parse(&id).is_err(), "{id}");
        }
        assert_eq!(parse("xq1:anything"), Ok(Parsed::QuizAnswer));
    }

    #[test]
    fn a_state_too_long_for_an_id_gives_no_id() {
        let mut long = state();
        long.entries = vec!["a".repeat(40), "b".repeat(40)];
        assert_eq!(control(View::Up, &long, UserId::new(1)), None);
    }
}
