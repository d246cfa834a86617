//! A question's identity with a chosen answer, small enough for a Discord button's
//! `custom_id` (at most 100 characters), and read back like any other input: validated field
//! by field, and then against the knowledge base.
//!
//! The form is `xq1:<kind>:<seed>:<lang>:<topic>:<about>:<check>:<choice>`:
//! - `xq1`: what it is and the version of this form (a later form gets `xq2`);
//! - `kind`: the two-letter [`QuestionKind::code`];
//! - `seed`: the question's seed in base 36 (at most 13 characters for a u64);
//! - `lang`: `en` or `ko`;
//! - `topic`: the topic filter's entry id, or `-` for none;
//! - `about`: the id of the entry the question is about, so a button about an entry that is
//!   gone says so;
//! - `check`: [`QuizQuestion::fingerprint`] in base 36, so a button whose question changed
//!   with the knowledge base is stale rather than silently a different question;
//! - `choice`: the chosen index, `0` to `3`.
//!
//! Only the canonical spelling is accepted (lowercase base 36 without leading zeros, exact
//! field count), so one question and choice have exactly one id.

use super::{QuestionKind, QuizQuestion};
use crate::knowledge::Lang;

/// Discord's limit on a component's `custom_id`, in characters.
pub const MAX_CUSTOM_ID_LEN: usize = 100;

/// What an id starts with: the quiz's, in this form.
const PREFIX: &str = "xq1";

/// The longest entry id an id carries; a knowledge base's ids are far shorter.
const MAX_ID_LEN: usize = 40;

/// A question's identity plus a chosen answer: what a button carries. Plain data; build it
/// with [`QuizQuestion::key`], write it with [`QuizKey::encode`], read it back with
/// [`super::Quiz::parse`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuizKey {
    /// The question's kind.
    pub kind: QuestionKind,
    /// Its seed.
    pub seed: u64,
    /// Its language.
    pub lang: Lang,
    /// The topic filter it was asked under.
    pub topic: Option<String>,
    /// The entry it is about.
    pub about: String,
    /// Its fingerprint.
    pub check: u32,
    /// The chosen index into its choices.
    pub choice: usize,
}

/// Why a `custom_id` is no quiz answer (any more).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QuizKeyError {
    /// Not written by [`QuizKey::encode`]: the reason says which part is wrong.
    #[error("not a quiz button id: {0}")]
    Malformed(&'static str),
    /// Longer than Discord allows (when writing) or than any id written here (when reading).
    #[error("a quiz button id is at most {MAX_CUSTOM_ID_LEN} characters; this one has {0}")]
    TooLong(usize),
    /// It names an entry that is no longer in the knowledge base.
    #[error("`{0}` is no longer in the knowledge base; start a new quiz")]
    UnknownEntry(String),
    /// Its question is not the one the knowledge base asks for that seed any more.
    #[error("this question has changed since it was asked; start a new quiz")]
    Stale,
}

/// A button read back: the question it belongs to and the choice it picks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuizAnswer {
    /// The question, regenerated from the id and checked against its fingerprint.
    pub question: QuizQuestion,
    /// The chosen index into `question.choices`.
    pub choice: usize,
}

impl QuizAnswer {
    /// Whether the choice is the right one.
    pub fn is_right(&self) -> bool {
        self.question.is_right(self.choice)
    }
}

impl QuizKey {
    /// The `custom_id` form. An error for a choice outside `0..4`, an entry id that is not
    /// one (empty, too long, other characters), or a result over [`MAX_CUSTOM_ID_LEN`].
    pub fn encode(&self) -> Result<String, QuizKeyError> {
        if self.choice > 3 {
            return Err(QuizKeyError::Malformed("the choice is not 0 to 3"));
        }
        if let Some(topic) = &self.topic {
            check_id(topic, "the topic is not an entry id")?;
        }
        check_id(&self.about, "the entry is not an entry id")?;
        let text = format!(
            "{PREFIX}:{}:{}:{}:{}:{}:{}:{}",
            self.kind.code(),
            crate::base36::encode(self.seed),
            self.lang.code(),
            self.topic.as_deref().unwrap_or("-"),
            self.about,
            crate::base36::encode(u64::from(self.check)),
            self.choice
        );
        if text.len() > MAX_CUSTOM_ID_LEN {
            return Err(QuizKeyError::TooLong(text.chars().count()));
        }
        Ok(text)
    }

    /// Reads the form [`QuizKey::encode`] writes, and only that: the syntax alone, not
    /// whether the knowledge base still has the question (that is [`super::Quiz::parse`]).
    pub fn decode(text: &str) -> Result<QuizKey, QuizKeyError> {
        // Bounded work: nothing longer than an id can be one.
        if text.len() > MAX_CUSTOM_ID_LEN {
            return Err(QuizKeyError::TooLong(text.chars().count()));
        }
        let fields: Vec<&str> = text.split(':').collect();
        let [prefix, kind, seed, lang, topic, about, check, choice] = fields[..] else {
            return Err(QuizKeyError::Malformed("wrong number of fields"));
        };
        if prefix != PREFIX {
            return Err(QuizKeyError::Malformed("not a quiz id of this version"));
        }
        let kind = QuestionKind::from_code(kind).ok_or(QuizKeyError::Malformed("unknown question kind"))?;
        let seed = crate::base36::decode(seed).ok_or(QuizKeyError::Malformed("the seed is not base 36"))?;
        let lang = match lang {
            "en" => Lang::En,
            "ko" => Lang::Ko,
            _ => return Err(QuizKeyError::Malformed("the language is not en or ko")),
        };
        let topic = match topic {
            "-" => None,
            topic => {
                check_id(topic, "the topic is not an entry id")?;
                Some(topic.to_string())
            }
        };
        check_id(about, "the entry is not an entry id")?;
        let check = crate::base36::decode(check)
            .and_then(|check| u32::try_from(check).ok())
            .ok_or(QuizKeyError::Malformed("the check is not base 36"))?;
        let choice = match choice {
            "0" => 0,
            "1" => 1,
            "2" => 2,
            "3" => 3,
            _ => return Err(QuizKeyError::Malformed("the choice is not 0 to 3")),
        };
        Ok(QuizKey {
            kind,
            seed,
            lang,
            topic,
            about: about.to_string(),
            check,
            choice,
        })
    }
}

/// An entry id as the knowledge base allows them: lowercase ASCII letters, digits and `-`.
fn check_id(id: &str, problem: &'static str) -> Result<(), QuizKeyError> {
    if id.len() <= MAX_ID_LEN && crate::knowledge::is_entry_id(id) {
        Ok(())
    } else {
        Err(QuizKeyError::Malformed(problem))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> QuizKey {
        QuizKey {
            kind: QuestionKind::Year,
            seed: u64::MAX,
            lang: Lang::Ko,
            topic: Some("ai-stack".to_string()),
            about: "cloud-computing".to_string(),
            check: u32::MAX,
            choice: 3,
        }
    }

    #[test]
    fn the_longest_key_fits_a_custom_id_and_reads_back() {
        let text = key().encode().expect("fits");
        assert!(text.len() <= MAX_CUSTOM_ID_LEN, "{text}");
        assert_eq!(QuizKey::decode(&text), Ok(key()));
        let none = QuizKey { topic: None, ..key() };
        assert_eq!(QuizKey::decode(&none.encode().expect("fits")), Ok(none));
    }

    #[test]
    fn malformed_ids_say_which_part_is_wrong() {
        let good = key().encode().expect("fits");
        assert_eq!(
            QuizKey::decode(""),
            Err(QuizKeyError::Malformed("wrong number of fields"))
        );
        let cases = [
            good.replacen("xq1", "xq2", 1),
            good.replacen(":yr:", ":zz:", 1),
            good.replacen(":ko:", ":fr:", 1),
            good.replacen(":ko:", ":ko-KR:", 1),
            good.replacen(":ai-stack:", ":AI-stack:", 1),
            good.replacen(":ai-stack:", "::", 1),
            format!("{}9", &good[..good.len() - 1]),
            format!("{good}:"),
        ];
        let mut fields: Vec<String> = good.split(':').map(str::to_string).collect();
        fields[6] = format!("0{}", fields[6]);
        let cases = cases.into_iter().chain([fields.join(":")]);
        for case in cases {
            assert!(
                matches!(QuizKey::decode(&case), Err(QuizKeyError::Malformed(_))),
                "{case}"
            );
        }
        let long = "x".repeat(MAX_CUSTOM_ID_LEN + 1);
        assert_eq!(
            QuizKey::decode(&long),
            Err(QuizKeyError::TooLong(MAX_CUSTOM_ID_LEN + 1))
        );
    }

    #[test]
    fn encode_refuses_what_decode_would() {
        assert!(QuizKey { choice: 4, ..key() }.encode().is_err());
        assert!(QuizKey {
            about: "Not An Id".to_string(),
            ..key()
        }
        .encode()
        .is_err());
        assert!(QuizKey {
            about: "a".repeat(MAX_ID_LEN + 1),
            ..key()
        }
        .encode()
        .is_err());
    }
}
