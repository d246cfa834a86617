//! The last check on an LLM answer before anyone sees it: prompt markup the model echoed is
//! removed, and an answer that is plainly not grounded is rejected so the caller can answer
//! offline instead.
//!
//! A small model (and sometimes a big one) copies the prompt's scaffolding into its reply
//! (`</entry>`, `<question>`, `<|im_end|>`) or makes up XML of its own, answers a Korean
//! question in English (or drifts into a third script), cites entries it was never given,
//! invents years and percentages, or just repeats the question. The prompt asks it not to;
//! this module is what holds when the model does anyway. The checks are cheap, pure and
//! conservative — hand-written scans over the text, no regex, no network — and each rejection
//! has a short machine-readable name for the logs ([`Rejection::as_str`]). What they cannot
//! see is a fluent sentence that is false, or Korean that is merely broken: those still pass.
//!
//! It owns only text-in, verdict-out: it never calls the model, never logs, never decides what
//! is shown instead (the grounded path does), and knows nothing of any knowledge entry beyond
//! the ids and the grounding text it is handed.

use std::collections::HashSet;
use std::fmt;

use crate::knowledge::{is_hangul, Lang};
use crate::search::analyzer::strip_particle;

/// Names of the XML-ish tags the prompt templates use (and ones a template may use next, such
/// as `<facts>`/`<fact id="…">`, plus chat-role wrappers models like to invent). A tag with one
/// of these names is prompt markup wherever it shows up in an answer, with or without
/// attributes; other names are markup only in the shapes [`strip_markup`] lists.
const PROMPT_TAGS: [&str; 15] = [
    "answer",
    "assistant",
    "context",
    "entries",
    "entry",
    "fact",
    "facts",
    "knowledge",
    "question",
    "response",
    "rules",
    "s",
    "source",
    "system",
    "user",
];

/// Chat roles that follow a turn-start token (`<|im_start|>assistant`): part of the template.
const ROLES: [&str; 3] = ["assistant", "system", "user"];

/// Longest `<|…|>` special token recognized: real ones are short, so a long `<|` run is text.
const MAX_SPECIAL_TOKEN: usize = 64;

/// Longest `<tag attributes>` recognized: the prompt's tags are one short line.
const MAX_TAG: usize = 256;

/// Longest `[…]` read as a citation: a few ids at most.
const MAX_CITATION: usize = 80;

/// A Korean answer has at least this share of Hangul (weighted, see [`HANGUL_WEIGHT`]): one
/// that lists products in Latin letters still has its particles and verbs in Hangul (a
/// provider list reads about 40%), while an English answer that repeats a Korean label or two
/// stays below it (the 135M model's "사블 단점 (Banggai) is a Japanese term…" is under 10%).
/// Rejecting a borderline Korean answer costs little: the offline answer is still right.
const MIN_HANGUL_SHARE: f64 = 0.25;

/// An English answer has at least this share of Latin letters: "IaaS (서비스형 인프라) rents
/// servers" is English with a Korean gloss; an answer that is mostly Hangul is not.
const MIN_LATIN_SHARE: f64 = 1.0 / 3.0;

/// A Hangul syllable block holds an initial, a vowel and often a final: about three Latin
/// letters' worth, so it weighs three when scripts are compared.
const HANGUL_WEIGHT: usize = 3;

/// Why an answer is not shown. The variants carrying text say which token gave it away (an id
/// or a number, never more of the answer), for the log line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Rejection {
    /// The answer is not in the reply language: no (or hardly any) Hangul for Korean, mostly
    /// Hangul or another script for English. A reader asked in one language; the other is no
    /// answer for them.
    WrongLanguage,
    /// A bracketed id (`[iaas]`) that names no entry the prompt carried: the model cites a
    /// source it was not given, so what it attributes to that source is its own invention.
    UnknownCitation(String),
    /// A number (a year, a percentage, a count) found in none of the grounding: prices,
    /// dates and figures are what a model invents most convincingly.
    UngroundedNumber(String),
    /// The answer only repeats words of the question ("IQaaS가 뭐야?" back again): it says
    /// nothing, and what little it says would pass the language check on the asker's words.
    EchoedQuestion,
    /// The same line three times or more: a small model caught in a loop says nothing more
    /// the second time, and the loop hides what it said the first.
    Repetition,
    /// An acronym or product-like name (two capitals or more: `DDoS`, `CeLDP`) that is in
    /// none of the grounding: the model names a thing it was not told about.
    UngroundedTerm(String),
    /// Most of the answer's own words are in neither the facts nor the question: "You're
    /// welcome! I'm glad to help." to "what about IaaS?", or Korean word salad. A grounded
    /// answer rewords its facts, but mostly with their words.
    UngroundedWords,
}

impl Rejection {
    /// The short name logs use: `wrong_language`, `unknown_citation`, `ungrounded_number`,
    /// `echoed_question`.
    pub(super) fn as_str(&self) -> &'static str {
        match self {
            Rejection::WrongLanguage => "wrong_language",
            Rejection::EchoedQuestion => "echoed_question",
            Rejection::UnknownCitation(_) => "unknown_citation",
            Rejection::UngroundedNumber(_) => "ungrounded_number",
            Rejection::Repetition => "repetition",
            Rejection::UngroundedTerm(_) => "ungrounded_term",
            Rejection::UngroundedWords => "ungrounded_words",
        }
    }

    /// The token that gave the answer away (an id, a number), or "" when there is none.
    pub(super) fn detail(&self) -> &str {
        match self {
            Rejection::WrongLanguage
            | Rejection::EchoedQuestion
            | Rejection::Repetition
            | Rejection::UngroundedWords => "",
            Rejection::UnknownCitation(token)
            | Rejection::UngroundedNumber(token)
            | Rejection::UngroundedTerm(token) => token,
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::WrongLanguage => f.write_str("the answer is not in the reply language"),
            Rejection::EchoedQuestion => f.write_str("the answer only repeats the question"),
            Rejection::UnknownCitation(id) => write!(f, "the answer cites [{id}], which it was not given"),
            Rejection::UngroundedNumber(number) => {
                write!(f, "the answer states {number}, which is in none of its facts")
            }
            Rejection::Repetition => f.write_str("the answer repeats one line over and over"),
            Rejection::UngroundedTerm(term) => write!(f, "the answer names {term}, which is in none of its facts"),
            Rejection::UngroundedWords => f.write_str("most of the answer's words are in none of its facts"),
        }
    }
}

/// What an answer may rest on: the ids of the entries the prompt carried, every number in the
/// prompt and the question, and the question's words (an answer's language is judged on what
/// it adds to them). Built once per answer, so a streamed answer is checked against it delta
/// after delta without scanning the prompt again.
pub(super) struct Grounding<'a> {
    allowed_ids: &'a [&'a str],
    numbers: HashSet<String>,
    /// The prompt and the question, lowercased: where a named term must appear.
    known_text: String,
    question_words: Vec<&'a str>,
}

impl<'a> Grounding<'a> {
    /// The grounding of an answer to `question` that was given the entries `allowed_ids` in
    /// `prompt` (the system and user text sent).
    pub(super) fn new(allowed_ids: &'a [&'a str], prompt: &str, question: &'a str) -> Grounding<'a> {
        Grounding {
            allowed_ids,
            numbers: numbers(prompt)
                .chain(numbers(question))
                .map(|number| number.normalized)
                .collect(),
            known_text: format!("{prompt}\n{question}").to_lowercase(),
            question_words: question
                .split_whitespace()
                .map(bare)
                .filter(|word| !word.is_empty())
                .collect(),
        }
    }

    /// Whether `word` (bare) is one of the question's, ignoring ASCII case.
    fn in_question(&self, word: &str) -> bool {
        self.question_words.iter().any(|asked| asked.eq_ignore_ascii_case(word))
    }
}

/// A word without the punctuation around it and a trailing Korean particle, so the question's
/// words are recognized however the answer inflects them: `"[iaas]."` → `iaas`, `뭐야?` →
/// `뭐야`, `단점이` → `단점`.
fn bare(word: &str) -> &str {
    strip_particle(word.trim_matches(|c: char| !c.is_alphanumeric()))
}

/// The answer as it may be shown — prompt markup removed — or why it may not be shown at all.
///
/// `answer` is the tidied model output, `lang` the reply language, `allowed_ids` the ids of
/// the entries the prompt carried, `prompt` the system and user text that was sent, and
/// `question` what was asked. An answer that was only markup comes back empty, for the caller
/// to treat as the empty answer it is.
pub(super) fn guard(
    answer: &str,
    lang: Lang,
    allowed_ids: &[&str],
    prompt: &str,
    question: &str,
) -> Result<String, Rejection> {
    check(answer, lang, &Grounding::new(allowed_ids, prompt, question))
}

/// [`guard`] against a [`Grounding`] built already.
pub(super) fn check(answer: &str, lang: Lang, grounding: &Grounding<'_>) -> Result<String, Rejection> {
    let text = without_prompt_lines(&strip_markup(answer, false));
    if text.is_empty() {
        return Ok(text);
    }
    if let Some(rejection) = ungrounded(&text, grounding) {
        return Err(rejection);
    }
    if repeats_a_line(&text) {
        return Err(Rejection::Repetition);
    }
    if let Some(term) = named_terms(&text).find(|term| !grounding.known_text.contains(&term.to_lowercase())) {
        return Err(Rejection::UngroundedTerm(term.to_string()));
    }
    let has_letters = |word: &str| word.chars().any(char::is_alphabetic);
    let own_words = text
        .split_whitespace()
        .filter(|word| !grounding.in_question(bare(word)));
    if text.split_whitespace().any(has_letters) && !own_words.clone().any(has_letters) {
        return Err(Rejection::EchoedQuestion);
    }
    if !in_language(own_words, lang) {
        return Err(Rejection::WrongLanguage);
    }
    if grounded_share(&text, grounding).is_some_and(|share| share < MIN_GROUNDED_SHARE) {
        return Err(Rejection::UngroundedWords);
    }
    Ok(text)
}

/// The least share of an answer's content words found in its grounding. Measured on the real
/// 135M model: its answers that restate facts score 0.7 and more; its small talk in place of
/// an answer and its broken Korean score 0.4 and less.
const MIN_GROUNDED_SHARE: f64 = 0.5;
/// An answer with fewer content words than this is not judged by its words (a name or a year).
const MIN_JUDGED_WORDS: usize = 3;

/// The share of the answer's content words (stopwords and the question's own words aside)
/// that the prompt or question contain; `None` for an answer too short to judge. Latin words
/// are compared by their stem, Hangul words by their first two syllables, so "downsides"
/// matches "downside" and "필요하다" matches "필요합니다".
fn grounded_share(text: &str, grounding: &Grounding<'_>) -> Option<f64> {
    use crate::search::analyzer::{is_stopword, stem_latin, words};
    let mut judged = 0usize;
    let mut found = 0usize;
    for word in words(text) {
        let word = word.text;
        if is_stopword(&word) || grounding.in_question(&word) || !word.chars().any(char::is_alphabetic) {
            continue;
        }
        let key: String = if word.chars().any(is_hangul) {
            word.chars().take(2).collect()
        } else if word.chars().count() >= 3 {
            stem_latin(&word).to_string()
        } else {
            continue;
        };
        judged += 1;
        if grounding.known_text.contains(&key) {
            found += 1;
        }
    }
    (judged >= MIN_JUDGED_WORDS).then(|| found as f64 / judged as f64)
}

/// What of a streaming answer may be shown so far: markup removed, and a trailing fragment
/// that may still grow into a tag (`</ent`) held back, so a tag never flashes on screen and
/// the shown text only ever grows.
pub(super) fn visible_so_far(partial: &str) -> String {
    strip_markup(partial, true)
}

/// The part of a streaming answer's visible text that later deltas cannot change: up to its
/// last whitespace, so a number or citation still being written (`20` of `2019`) is neither
/// judged nor shown yet. Grows as the visible text grows.
pub(super) fn settled(visible: &str) -> &str {
    visible
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or("", |(at, _)| &visible[..at])
}

/// A rejection no later text can undo: the first citation of an entry not given, or number
/// found in none of the grounding. On a settled stream prefix this ends the stream early; the
/// language is judged only on the whole answer, since an answer may open with product names.
pub(super) fn ungrounded(text: &str, grounding: &Grounding<'_>) -> Option<Rejection> {
    if let Some(id) = citations(text).find(|id| !grounding.allowed_ids.contains(id)) {
        return Some(Rejection::UnknownCitation(id.to_string()));
    }
    numbers(text)
        .filter(|number| !number.list_marker)
        .find(|number| !grounding.numbers.contains(&number.normalized))
        .map(|number| Rejection::UngroundedNumber(number.text.to_string()))
}

// --- the prompt's own lines, loops and names ----------------------------------------------

/// The headings of the user prompt (see `prompts/user.jinja`), which a model echoes.
const PROMPT_HEADINGS: [&str; 3] = [
    "entries the answer may cite",
    "facts that answer the question",
    "question (",
];

/// The aspects a fact line of the prompt carries after its id (`[gdpr] (section)`).
const FACT_LABELS: [&str; 14] = [
    "(definition)",
    "(analogy)",
    "(feature)",
    "(provider)",
    "(use_case)",
    "(customer)",
    "(pro)",
    "(con)",
    "(manage)",
    "(history)",
    "(role)",
    "(layer)",
    "(example)",
    "(section)",
];

/// `text` without what the prompt itself says: the answer ends where a model starts a heading
/// of the prompt again ("Question (English):" opens another turn), and the aspect labels of
/// fact lines (`[gdpr] (section)`) go, keeping the citation.
fn without_prompt_lines(text: &str) -> String {
    let mut kept: Vec<String> = Vec::new();
    for line in text.lines() {
        let lower = line.trim_start().trim_start_matches(['-', '*', ' ']).to_lowercase();
        if PROMPT_HEADINGS.iter().any(|heading| lower.starts_with(heading)) {
            if lower.starts_with("question (") {
                break;
            }
            continue;
        }
        let mut line = line.to_string();
        for label in FACT_LABELS {
            for spaced in [format!("] {label}"), format!("]{label}")] {
                line = line.replace(&spaced, "]");
            }
        }
        kept.push(line);
    }
    kept.join("\n").trim().to_string()
}

/// Whether one line of some length (a sentence, not a list marker) comes three times or more.
fn repeats_a_line(text: &str) -> bool {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| line.chars().count() >= 12)
        .collect();
    lines
        .iter()
        .enumerate()
        .any(|(index, line)| lines[index..].iter().filter(|other| *other == line).count() >= 3)
}

/// Latin words with two capitals or more (`DDoS`, `CeLDP`, `AWS`): acronyms and product-like
/// names, the things a model makes up that read as facts.
fn named_terms(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '.'))
        .map(|word| word.trim_matches(['-', '.']))
        .filter(|word| word.chars().filter(char::is_ascii_uppercase).count() >= 2)
}

// --- markup -----------------------------------------------------------------------------

/// `text` without markup; lines trimmed at the end, at most one blank line in a row, trimmed.
///
/// Markup is: a tag named in [`PROMPT_TAGS`] (`<entry id="…">`, `</question>`, `<fact/>`); a
/// tag of any name with a quoted attribute (`<posting name="Korea">`, `<mention id="x" />`),
/// which is XML a model made up, never a placeholder like `<image>`; the closing tag of such a
/// made-up element; a bare tag alone on its line (`<output>`), which wraps the answer; and
/// `<|…|>` special tokens. A tag on a line of its own goes with its line. A special token
/// after some text ends the answer there: what a model writes after `<|im_end|>` or a new
/// `<|im_start|>` is another turn, not this answer. Everything else with a `<` is text:
/// "a < b", `docker run <image>`, `<->`.
///
/// With `partial`, the text is still streaming: a trailing fragment that may become markup is
/// held back. Without it, a trailing fragment that can only be the start of markup (an answer
/// cut inside `</entr`) is dropped, and anything else (a lone `<`) stays.
fn strip_markup(text: &str, partial: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // After a turn-start token: a role name right after it belongs to the template.
    let mut after_special = false;
    // Names of made-up elements opened so far, whose closing tags are markup too.
    let mut opened: Vec<&str> = Vec::new();
    while let Some(at) = rest.find('<') {
        push_text(&mut out, &rest[..at], &mut after_special, false);
        let from = &rest[at..];
        let line_start = out[out.rfind('\n').map_or(0, |newline| newline + 1)..]
            .trim()
            .is_empty();
        match markup_at(from, &opened, line_start, partial) {
            Markup::Special(length) => {
                if !out.trim().is_empty() {
                    return tidy_whitespace(&out);
                }
                after_special = true;
                rest = &from[length..];
            }
            Markup::Tag { length, opens } => {
                opened.extend(opens);
                rest = &from[length..];
                let line_end = rest.trim_start_matches([' ', '\t']);
                if line_start && line_end.starts_with('\n') {
                    // A tag on a line of its own goes with its line.
                    out.truncate(out.trim_end_matches([' ', '\t']).len());
                    rest = &line_end[1..];
                } else if out.chars().next_back().is_some_and(char::is_alphanumeric)
                    && rest.chars().next().is_some_and(char::is_alphanumeric)
                {
                    // "IaaS</entry>rents": the words stay apart.
                    out.push(' ');
                }
            }
            Markup::Unfinished { markup } if partial || markup => return tidy_whitespace(&out),
            Markup::Unfinished { .. } | Markup::Text => {
                push_text(&mut out, "<", &mut after_special, false);
                rest = &from[1..];
            }
        }
    }
    push_text(&mut out, rest, &mut after_special, partial);
    tidy_whitespace(&out)
}

/// Appends `text`, dropping a role name that directly follows a turn-start token. When `text`
/// ends a stream that is still coming (`growing`), a word after the token that may still
/// become a role name (`assist`) is held back.
fn push_text(out: &mut String, text: &str, after_special: &mut bool, growing: bool) {
    if text.is_empty() {
        return;
    }
    let mut text = text;
    if std::mem::take(after_special) {
        let word_end = text.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(text.len());
        let word = &text[..word_end];
        if growing && word_end == text.len() && spells(ROLES, word, false) {
            return;
        }
        if spells(ROLES, word, true) {
            text = &text[word_end..];
        }
    }
    out.push_str(text);
}

/// What starts at a `<`.
#[derive(Debug, PartialEq, Eq)]
enum Markup<'t> {
    /// A `<|…|>` special token this many bytes long.
    Special(usize),
    /// A tag `length` bytes long; `opens` names a made-up element it opens (or self-closes).
    Tag {
        /// Its length in bytes.
        length: usize,
        /// The element name when it opens a made-up element, whose closing tag goes too.
        opens: Option<&'t str>,
    },
    /// The text ends where markup may still be coming; `markup` when it can only be markup
    /// (`</entr`, `<|im_`, `<post a="`), not when it may still turn out text (`<`, `<b`).
    Unfinished {
        /// Whether the fragment is markup whatever follows.
        markup: bool,
    },
    /// A plain `<`.
    Text,
}

/// Reads the markup, if any, at the start of `text` (which starts with `<`), knowing the
/// made-up elements `opened` so far, whether only whitespace precedes it on its line, and
/// whether more text may still come.
fn markup_at<'t>(text: &'t str, opened: &[&str], line_start: bool, partial: bool) -> Markup<'t> {
    let bytes = text.as_bytes();
    if bytes.get(1) == Some(&b'|') {
        for (at, c) in text.char_indices().skip(2) {
            if at > MAX_SPECIAL_TOKEN || c.is_whitespace() || c == '<' {
                return Markup::Text;
            }
            if text[at..].starts_with("|>") {
                return if at > 2 { Markup::Special(at + 2) } else { Markup::Text };
            }
        }
        return Markup::Unfinished { markup: true };
    }
    let closing = bytes.get(1) == Some(&b'/');
    let name_start = if closing { 2 } else { 1 };
    let name_end = text[name_start..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == ':'))
        .map_or(text.len(), |at| name_start + at);
    let name = &text[name_start..name_end];
    let closing_names: &[&str] = if closing { opened } else { &[] };
    if name_end == text.len() {
        // The text ends inside the name (a lone `<` may still be "a < b").
        if ((closing || !name.is_empty()) && spells(PROMPT_TAGS, name, false))
            || spells(closing_names.iter().copied(), name, false)
        {
            return Markup::Unfinished { markup: true };
        }
        // `<b` may still become `<b class="…">`, and at the start of a line `</b` may still
        // be a wrapper's closing tag alone on its line.
        return if (!closing || line_start) && name.chars().next().is_none_or(|c| c.is_ascii_alphabetic()) {
            Markup::Unfinished { markup: false }
        } else {
            Markup::Text
        };
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Markup::Text;
    }
    let known = spells(PROMPT_TAGS, name, true) || spells(closing_names.iter().copied(), name, true);
    let after = &text[name_end..];
    if after.starts_with('>') || (!closing && after.starts_with("/>")) {
        let length = name_end + if after.starts_with('>') { 1 } else { 2 };
        if known {
            return Markup::Tag { length, opens: None };
        }
        // A bare tag alone on its line (`<response>`, `</output>`) wraps the answer: markup.
        // In a sentence (`docker run <image>`) it is a placeholder.
        let line_rest = &text[length..];
        let line_rest = line_rest.find('\n').map_or(line_rest, |newline| &line_rest[..newline]);
        if !line_start || !line_rest.trim().is_empty() {
            return Markup::Text;
        }
        return if partial && !text[length..].contains('\n') {
            // whether the line goes on is not known yet
            Markup::Unfinished { markup: false }
        } else {
            Markup::Tag {
                length,
                opens: (!closing).then_some(name),
            }
        };
    }
    if after == "/" && !closing && (known || line_start) {
        // `<entry/` may still become `<entry/>`
        return Markup::Unfinished { markup: known };
    }
    if closing || !after.starts_with([' ', '\t']) {
        return Markup::Text;
    }
    // Attributes: up to the '>' on the same line. A quoted value makes it XML.
    let mut quoted = false;
    let mut previous = ' ';
    for (at, c) in after.char_indices() {
        if name_end + at > MAX_TAG || c == '\n' || c == '<' {
            return Markup::Text;
        }
        quoted |= previous == '=' && (c == '"' || c == '\'');
        if c == '>' {
            if !(known || quoted) {
                return Markup::Text;
            }
            // Even a self-closed made-up element is recorded: models close those again, too.
            return Markup::Tag {
                length: name_end + at + 1,
                opens: (!known).then_some(name),
            };
        }
        if !c.is_whitespace() {
            previous = c;
        }
    }
    if name_end + after.len() > MAX_TAG {
        Markup::Text
    } else {
        Markup::Unfinished {
            markup: known || quoted,
        }
    }
}

/// Whether one of `names` is `name` (`whole`) or starts with it, ignoring ASCII case.
fn spells<'n>(names: impl IntoIterator<Item = &'n str>, name: &str, whole: bool) -> bool {
    names.into_iter().any(|known| {
        if whole {
            known.eq_ignore_ascii_case(name)
        } else {
            known.len() >= name.len() && known.as_bytes()[..name.len()].eq_ignore_ascii_case(name.as_bytes())
        }
    })
}

/// Lines trimmed at the end, runs of blank lines cut to one, the whole trimmed: removing a tag
/// that stood on its own line leaves no hole. Growing input gives growing output, so a stream
/// shown through it only ever grows.
fn tidy_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_lines = 0;
    for line in text.trim().split('\n') {
        let line = line.trim_end();
        if line.is_empty() {
            blank_lines += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_lines > 0 { "\n\n" } else { "\n" });
        }
        blank_lines = 0;
        out.push_str(line);
    }
    out
}

// --- citations --------------------------------------------------------------------------

/// Every bracketed id in `text`: `[iaas]`, each of `[iaas, paas]`. Only brackets whose every
/// part looks like an id count — lowercase ASCII, digits and '-', starting with a letter, two
/// characters at least — so `[1]` (a number), `[x]` (a checkbox), `[see below]` (prose) and
/// `[docs](…)` (a link) are not citations.
fn citations(text: &str) -> impl Iterator<Item = &str> {
    let mut at = 0;
    std::iter::from_fn(move || {
        while let Some(open) = text[at..].find('[') {
            let start = at + open;
            match citation_length(&text[start..]) {
                Some(length) => {
                    at = start + length;
                    return Some(&text[start + 1..start + length - 1]);
                }
                None => at = start + 1,
            }
        }
        at = text.len();
        None
    })
    .flat_map(|content| content.split([',', ';']).map(str::trim))
}

/// Whether `token` looks like an entry id: `iaas`, `iaas-vs-paas`, `on-premise`.
fn looks_like_id(token: &str) -> bool {
    token.len() >= 2
        && token.starts_with(|c: char| c.is_ascii_lowercase())
        && token
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

// --- numbers ----------------------------------------------------------------------------

/// One number in a text.
#[derive(Debug, PartialEq, Eq)]
struct Number<'t> {
    /// As written: `2019`, `1,000`, `3.5`.
    text: &'t str,
    /// Without thousands separators, for comparing: `1000`.
    normalized: String,
    /// A list marker (`1.`, `2)`, `(3)` opening a line): a position, not a claim.
    list_marker: bool,
}

/// Every number in `text`: runs of ASCII digits, with `.` between digits (`3.5`) and `,`
/// before exactly three digits (`1,000`). Digits inside words count too (`EC2`, `H100`): an
/// invented model number is an invented figure. Digits inside a bracketed id are the id's.
fn numbers(text: &str) -> impl Iterator<Item = Number<'_>> {
    let bytes = text.as_bytes();
    let mut at = 0;
    // Only whitespace and markdown markers since the line began.
    let mut line_start = true;
    std::iter::from_fn(move || {
        while at < bytes.len() {
            let byte = bytes[at];
            if byte == b'\n' {
                line_start = true;
                at += 1;
                continue;
            }
            if byte == b'[' {
                if let Some(length) = citation_length(&text[at..]) {
                    at += length;
                    line_start = false;
                    continue;
                }
            }
            if !byte.is_ascii_digit() {
                if !(byte.is_ascii_whitespace() || matches!(byte, b'#' | b'>' | b'*' | b'-' | b'+' | b'(')) {
                    line_start = false;
                }
                at += 1;
                continue;
            }
            let start = at;
            let mut end = at + 1;
            while continues_number(bytes, end) {
                end += 1;
            }
            let list_marker = line_start
                && matches!(bytes.get(end), Some(b'.' | b')'))
                && bytes.get(end + 1).is_none_or(u8::is_ascii_whitespace);
            at = end;
            line_start = false;
            let written = &text[start..end];
            return Some(Number {
                text: written,
                normalized: written.replace(',', ""),
                list_marker,
            });
        }
        None
    })
}

/// Whether the byte at `at` belongs to the number before it: a digit, a `.` between digits,
/// or a `,` before exactly three digits.
fn continues_number(bytes: &[u8], at: usize) -> bool {
    match bytes.get(at) {
        Some(byte) if byte.is_ascii_digit() => true,
        Some(b'.') => bytes.get(at + 1).is_some_and(u8::is_ascii_digit),
        Some(b',') => {
            bytes.len() >= at + 4
                && bytes[at + 1..at + 4].iter().all(u8::is_ascii_digit)
                && !bytes.get(at + 4).is_some_and(u8::is_ascii_digit)
        }
        _ => false,
    }
}

/// The length of the bracketed citation at the start of `text`, if it is one (see
/// [`citations`]).
fn citation_length(text: &str) -> Option<usize> {
    let inside = &text[1..];
    let close = inside.find([']', '[', '\n'])?;
    let ok = inside[close..].starts_with(']')
        && close <= MAX_CITATION
        && !inside[close + 1..].starts_with('(')
        && inside[..close].split([',', ';']).all(|part| looks_like_id(part.trim()));
    ok.then_some(close + 2)
}

// --- language ---------------------------------------------------------------------------

/// Whether `words` are written in `lang`, judged by the share of their letters in that script
/// (Hangul syllables weighted, see [`HANGUL_WEIGHT`]). Words without letters are in no
/// language, and neither are words with letters of a third script (Cyrillic, Hebrew, Chinese,
/// kana…): no answer here needs one, and a small model drifting into one has lost the thread.
fn in_language<'w>(words: impl Iterator<Item = &'w str>, lang: Lang) -> bool {
    let (mut hangul, mut latin) = (0usize, 0usize);
    for c in words.flat_map(str::chars) {
        if is_hangul(c) {
            hangul += if ('\u{AC00}'..='\u{D7A3}').contains(&c) {
                HANGUL_WEIGHT
            } else {
                1
            };
        } else if c.is_ascii_alphabetic() || (c.is_alphabetic() && c <= '\u{024F}') {
            latin += 1;
        } else if is_third_script(c) {
            return false;
        }
    }
    let total = (hangul + latin) as f64;
    if total == 0.0 {
        return false;
    }
    match lang {
        Lang::Ko => hangul as f64 / total >= MIN_HANGUL_SHARE,
        Lang::En => latin as f64 / total >= MIN_LATIN_SHARE,
    }
}

/// A letter of a script that is neither Latin nor Hangul: the alphabets from Greek to
/// Ethiopic, kana and CJK ideographs. Letter-like symbols (`Ⓐ`, `Ⅱ`, fullwidth forms) are
/// not counted: they are typography, not a language.
fn is_third_script(c: char) -> bool {
    c.is_alphabetic() && (('\u{0370}'..'\u{2000}').contains(&c) || ('\u{3040}'..='\u{9FFF}').contains(&c))
}

#[cfg(test)]
mod prompt_line_tests {
    use super::*;

    #[test]
    fn prompt_lines_loops_and_invented_names() {
        assert_eq!(
            without_prompt_lines("The answer is: [gdpr] (section) GDPR is a rule.\n\nQuestion (English):\nmore"),
            "The answer is: [gdpr] GDPR is a rule."
        );
        assert!(repeats_a_line(
            "DDoS attack on clouds\nDDoS attack on clouds\nDDoS attack on clouds"
        ));
        assert!(!repeats_a_line("- a\n- a\n- a"));
        let grounding = Grounding::new(
            &["gdpr"],
            "GDPR is the EU's rule (EU의 데이터 보호 규정); AWS offers EC2.",
            "GDPR이 뭐야?",
        );
        let invented = check("GDPR은 DDoS 공격을 막는 규정입니다.", Lang::Ko, &grounding);
        assert_eq!(invented, Err(Rejection::UngroundedTerm("DDoS".to_string())));
        assert!(check("GDPR은 EU의 데이터 보호 규정입니다 [gdpr].", Lang::Ko, &grounding).is_ok());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A grounding like the real prompt's: the rules (with the word limit), two entries, the
    /// question.
    const GROUNDING: &str = "Rules: at most 350 words, cite [iaas] or [paas].\n\
        <entry id=\"iaas\">\n# IaaS\nAmazon EC2 (AWS) rents servers; Coatue's 2023 report; 3D rendering; \
        99.95% uptime; 1,000 instances. Pros: control, flexibility, scale, choice, more; read the docs \
        at https://example.com (Ⅱ, Ⓐ, café, naïve, résumé; an unclosed bracket, see below). 대표적인 제공업체는 다음과 같습니다: \
        Microsoft Azure Virtual Machines, Google Cloud Compute Engine. 서비스로 서버를 빌려 씁니다.\n</entry>\n\
        <entry id=\"paas\">\n# PaaS\nHeroku runs code. 코드만 올리면 됩니다.\n</entry>\n\
        Question (English):\n<question>\n";
    const IDS: [&str; 2] = ["iaas", "paas"];

    const QUESTION: &str = "What changed in 2024?";

    fn en(answer: &str) -> Result<String, Rejection> {
        guard(answer, Lang::En, &IDS, GROUNDING, QUESTION)
    }

    fn ko(answer: &str) -> Result<String, Rejection> {
        guard(answer, Lang::Ko, &IDS, GROUNDING, "IaaS 단점이 뭐야?")
    }

    #[test]
    fn echoed_prompt_tags_are_removed() {
        assert_eq!(
            en("<answer>IaaS rents servers [iaas].</answer>\n</entry>").as_deref(),
            Ok("IaaS rents servers [iaas].")
        );
        assert_eq!(
            en("<entry id=\"iaas\">\nIaaS rents servers.\n</entry>\n\n\n<entry id=\"paas\">\nPaaS runs code.\n</entry>")
                .as_deref(),
            Ok("IaaS rents servers.\n\nPaaS runs code.")
        );
        assert_eq!(
            en("<question>What is IaaS?</question> IaaS rents servers.").as_deref(),
            Ok("What is IaaS? IaaS rents servers.")
        );
        assert_eq!(
            en("<facts><fact id=\"iaas-1\">IaaS rents servers.</fact></facts>").as_deref(),
            Ok("IaaS rents servers.")
        );
        assert_eq!(
            en("IaaS</ENTRY>rents<Fact/>servers.").as_deref(),
            Ok("IaaS rents servers.")
        );
    }

    #[test]
    fn special_tokens_are_removed_and_end_the_answer() {
        assert_eq!(
            en("<|im_start|>assistant\nIaaS rents servers.<|im_end|>\n<|im_start|>user\nmore?").as_deref(),
            Ok("IaaS rents servers.")
        );
        assert_eq!(
            en("<|start_header_id|>assistant<|end_header_id|>\n\nPaaS runs code.<|eot_id|>").as_deref(),
            Ok("PaaS runs code.")
        );
        assert_eq!(strip_markup("<|endoftext|>", false), "", "nothing said: nothing to cut");
    }

    #[test]
    fn made_up_xml_with_attributes_is_removed_with_its_closing_tag() {
        // What SmolLM2-135M wrote after a Korean prompt, the Korean shortened.
        let answer = "사스는 소프트웨어입니다.\n</entry>\n<posting name=\"Korea\" type=\"application_context\">\n  \
                      <mention id=\"saber-gafet\" description=\"협문\" />\n</mention>\n</posting>";
        assert_eq!(strip_markup(answer, false), "사스는 소프트웨어입니다.");
        assert_eq!(
            strip_markup("see <a href=\"https://x.example\">the docs</a> on IaaS", false),
            "see the docs on IaaS"
        );
        // no quoted attribute, no prompt name, not alone on a line: a placeholder, kept
        assert_eq!(
            strip_markup("run docker <image> </image>", false),
            "run docker <image> </image>"
        );
    }

    #[test]
    fn a_bare_tag_alone_on_its_line_is_a_wrapper() {
        // `<response>` opened two of the real model's answers
        assert_eq!(
            strip_markup("<response>\nHIPAA covers health data.", false),
            "HIPAA covers health data."
        );
        assert_eq!(
            strip_markup("  <output>\nIaaS rents servers.\n</output>  ", false),
            "IaaS rents servers."
        );
        assert_eq!(strip_markup("<output> IaaS", false), "<output> IaaS");
        assert_eq!(visible_so_far("IaaS\n<output>"), "IaaS", "not known yet: held back");
        assert_eq!(visible_so_far("IaaS\n<output> rents"), "IaaS\n<output> rents");
        assert_eq!(visible_so_far("IaaS\n<output>\nrents"), "IaaS\nrents");
    }

    #[test]
    fn legitimate_angle_brackets_stay() {
        for text in [
            "a < b and b > c, so IaaS wins",
            "use <b>bold</b> or <user-id> placeholders",
            "IaaS <-> PaaS",
            "x<y",
            "ends with <",
            "<| not a token |> here",
        ] {
            assert_eq!(strip_markup(text, false), text, "{text}");
        }
    }

    #[test]
    fn an_answer_cut_inside_a_tag_loses_the_fragment() {
        assert_eq!(
            strip_markup("IaaS rents servers.\n</entr", false),
            "IaaS rents servers."
        );
        assert_eq!(
            strip_markup("IaaS rents servers. <entry id=\"pa", false),
            "IaaS rents servers."
        );
        assert_eq!(strip_markup("IaaS rents servers.<|im_e", false), "IaaS rents servers.");
        assert_eq!(strip_markup("IaaS <zebra", false), "IaaS <zebra");
    }

    #[test]
    fn a_stream_holds_back_what_may_become_a_tag_and_only_grows() {
        let answers = [
            (
                "IaaS</entry> rents a < b <entry id=\"x\">servers <post kind=\"a\">[iaas]</post>.<|im_end|>junk",
                "IaaS rents a < b servers [iaas].",
            ),
            (
                "<response>\nHIPAA covers health data.\n</entry>\n\n<mention id=\"x\" />\n</mention>\nSo: x<y.",
                "HIPAA covers health data.\n\nSo: x<y.",
            ),
            (
                "<|im_start|>assistant\n<answer>\n1. IaaS\n  <output>\n2. PaaS <b>\n</answer>",
                "1. IaaS\n2. PaaS <b>",
            ),
        ];
        for (answer, expected) in answers {
            let mut shown = String::new();
            for end in (0..=answer.len()).filter(|&end| answer.is_char_boundary(end)) {
                let visible = visible_so_far(&answer[..end]);
                assert!(visible.starts_with(&shown), "{shown:?} then {visible:?}");
                for markup in ["</", "<e", "<|", "<p", "<r", "<m", "<a", "<o"] {
                    assert!(!visible.contains(markup), "{visible:?}");
                }
                shown = visible;
            }
            assert_eq!(shown, strip_markup(answer, false));
            assert_eq!(shown, expected);
        }
        // what the property below once found
        for answer in [
            "</x>",
            "<entryentry",
            "<entry/>",
            "<</IaaS/",
            "</answer/>",
            "<|im_start|>assistant",
        ] {
            let mut shown = String::new();
            for end in (0..=answer.len()).filter(|&end| answer.is_char_boundary(end)) {
                let visible = visible_so_far(&answer[..end]);
                assert!(visible.starts_with(&shown), "{answer:?}: {shown:?} then {visible:?}");
                shown = visible;
            }
            assert!(strip_markup(answer, false).starts_with(&shown), "{answer:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 1024, ..Default::default() })]

        /// Whatever the model streams, what is shown only grows, is a beginning of the whole
        /// answer's cleaned text, and nothing panics on any cut.
        #[test]
        fn a_stream_only_ever_grows(parts in proptest::collection::vec(proptest::sample::select(vec![
            "<", ">", "/", "|", "<|", "|>", "</", "<entry", "</entry>", "<entry id=\"iaas\">", "entry", " id=\"",
            "<x a=\"1\">", "</x>", "<response>", "answer", "assistant", "<|im_start|>", "<|im_end|>", "\n", " ",
            "  ", "IaaS", "단점", "a < b", "1.", "2019", "[iaas]", "[", "]", "é", "\t", "/>",
        ]), 0..24)) {
            let answer = parts.concat();
            let mut shown = String::new();
            for end in (0..=answer.len()).filter(|&end| answer.is_char_boundary(end)) {
                let visible = visible_so_far(&answer[..end]);
                proptest::prop_assert!(visible.starts_with(&shown), "{:?}: {:?} then {:?}", answer, shown, visible);
                shown = visible;
            }
            // what was held back at the end comes with the whole answer
            let whole = strip_markup(&answer, false);
            proptest::prop_assert!(whole.starts_with(&shown), "{:?}: {:?} then {:?}", answer, shown, whole);
            let _ = en(&answer);
        }
    }

    #[test]
    fn the_wrong_language_is_rejected_both_ways() {
        assert_eq!(
            ko("IaaS rents servers, storage and networks [iaas]."),
            Err(Rejection::WrongLanguage)
        );
        assert_eq!(
            ko("IaaS rents servers, storage and networks; the 단점 is the work left to you."),
            Err(Rejection::WrongLanguage),
            "one echoed Korean word does not make a Korean answer"
        );
        assert_eq!(
            ko(
                "사블 (Banggai)\n- 사블 (Banggai) is a Japanese term for banggai in Korean.\n\
                - 사블 (Banggai) is a Japanese term referring to the city of Banggai."
            ),
            Err(Rejection::WrongLanguage),
            "a Korean label on English lines (real 135M output) is English"
        );
        assert_eq!(
            en("IaaS는 서버와 스토리지, 네트워크를 빌려 쓰는 모델입니다 [iaas]."),
            Err(Rejection::WrongLanguage)
        );
        assert_eq!(
            en("IaaS是租用服务器的模式。它提供存储和网络。"),
            Err(Rejection::WrongLanguage)
        );
        // a third script in either language: the model lost the thread (real 135M output)
        assert_eq!(
            ko("사븐은 이것처리, 민니에섚 고갡 한작쉬않יה (saber-gafet-faktör)이 모두 사용되도만 이므를 확ת신인다."),
            Err(Rejection::WrongLanguage)
        );
        assert_eq!(en("IaaS means аренда servers."), Err(Rejection::WrongLanguage));
        assert!(en("IaaS Ⅱ: Ⓐ servers, café naïve résumé.").is_ok());
        assert_eq!(ko("[paas] ..."), Err(Rejection::WrongLanguage));
        assert_eq!(
            guard(
                "사스 단점 (Banggai) is a Korean language.",
                Lang::Ko,
                &IDS,
                GROUNDING,
                "사스 단점"
            ),
            Err(Rejection::WrongLanguage),
            "judged on what it adds to the question's words (real 135M output)"
        );
        assert_eq!(en("..."), Err(Rejection::WrongLanguage));
    }

    #[test]
    fn an_answer_that_only_repeats_the_question_is_rejected() {
        let echo = |question: &str, answer: &str| guard(answer, Lang::Ko, &IDS, GROUNDING, question);
        assert_eq!(echo("IQaaS가 뭐야?", "IQaaS가 뭐야?"), Err(Rejection::EchoedQuestion));
        assert_eq!(
            echo("IaaS 단점이 뭐야?", "<question>IaaS 단점?</question>"),
            Err(Rejection::EchoedQuestion)
        );
        assert!(echo("IaaS 단점이 뭐야?", "IaaS 단점은 관리 부담입니다 [iaas].").is_ok());
    }

    #[test]
    fn a_korean_answer_with_english_product_names_is_korean() {
        let answer = "IaaS의 대표적인 제공업체는 다음과 같습니다.\n- AWS: Amazon EC2\n\
                      - Microsoft Azure: Azure Virtual Machines\n- Google Cloud: Compute Engine [iaas]";
        assert_eq!(ko(answer).as_deref(), Ok(answer));
        let answer =
            "IaaS는 Amazon EC2 같은 서비스로 서버를 빌려 씁니다 [iaas]. PaaS는 Heroku처럼 코드만 올리면 됩니다 [paas].";
        assert_eq!(ko(answer).as_deref(), Ok(answer));
        // and an English answer may gloss a Korean term
        let answer = "IaaS (서비스형 인프라) rents servers [iaas].";
        assert_eq!(en(answer).as_deref(), Ok(answer));
    }

    #[test]
    fn a_citation_of_an_entry_not_given_is_rejected() {
        assert_eq!(
            en("SaaS is finished software [saas]."),
            Err(Rejection::UnknownCitation("saas".into()))
        );
        assert_eq!(
            en("Both rent [iaas, gpuaas]."),
            Err(Rejection::UnknownCitation("gpuaas".into()))
        );
        assert_eq!(
            en("IaaS vs PaaS [iaas-vs-paas]."),
            Err(Rejection::UnknownCitation("iaas-vs-paas".into()))
        );
        assert!(en("IaaS [iaas] and PaaS [iaas; paas] and [paas][iaas].").is_ok());
    }

    #[test]
    fn brackets_that_are_no_ids_are_no_citations() {
        for answer in [
            "IaaS rents servers [see below].",
            "- [x] servers rented",
            "read [the docs](https://example.com) on IaaS",
            "IaaS [IaaS] rents servers",
            "an unclosed [bracket about IaaS",
        ] {
            assert!(en(answer).is_ok(), "{answer}");
        }
    }

    #[test]
    fn an_invented_year_or_number_is_rejected() {
        assert_eq!(
            en("IaaS was invented in 2019 [iaas]."),
            Err(Rejection::UngroundedNumber("2019".into()))
        );
        assert_eq!(
            en("IaaS cuts costs by 35% [iaas]."),
            Err(Rejection::UngroundedNumber("35".into()))
        );
        assert_eq!(
            en("There are 7 kinds of IaaS."),
            Err(Rejection::UngroundedNumber("7".into()))
        );
        assert_eq!(
            ko("IaaS는 2019년에 나왔습니다 [iaas]."),
            Err(Rejection::UngroundedNumber("2019".into()))
        );
        assert_eq!(
            en("Rent an H200 on IaaS."),
            Err(Rejection::UngroundedNumber("200".into()))
        );
        assert_eq!(
            en("IaaS offers 99.9% uptime."),
            Err(Rejection::UngroundedNumber("99.9".into()))
        );
        assert_eq!(
            en("IaaS is cheaper [7]."),
            Err(Rejection::UngroundedNumber("7".into())),
            "a footnote is a number, not a citation"
        );
    }

    #[test]
    fn numbers_in_the_grounding_or_the_question_are_fine() {
        for answer in [
            "Coatue's 2023 report puts IaaS at the bottom [iaas].",
            "Amazon EC2 rents servers [iaas].",
            "IaaS promises 99.95% uptime on 1000 instances, or 1,000.",
            "Heroku is PaaS; 3D rendering needs IaaS; in 2024 nothing changed.",
            "IaaS is one model [3].",
        ] {
            assert!(en(answer).is_ok(), "{answer}: {:?}", en(answer));
        }
    }

    #[test]
    fn an_answer_whose_words_are_not_its_facts_is_rejected() {
        // real 135M output, to "what about IaaS?" after "thanks!"
        assert_eq!(en("You're welcome! I'm glad to help."), Err(Rejection::UngroundedWords));
        assert_eq!(
            en("Clouds are fluffy and birds sing loudly over mountains."),
            Err(Rejection::UngroundedWords)
        );
        // rewording the facts is fine, and so is a short answer
        assert!(en("IaaS rents servers, for example Amazon EC2 from AWS [iaas].").is_ok());
        assert!(en("Heroku.").is_ok());
    }

    #[test]
    fn list_markers_are_no_claims() {
        let answer = "IaaS pros:\n1. control\n2) flexibility\n  8. scale\n(9) choice\n## 10. More\n- 11. nested";
        assert!(en(answer).is_ok(), "{:?}", en(answer));
        assert_eq!(
            en("1. IaaS has 12 regions."),
            Err(Rejection::UngroundedNumber("12".into())),
            "a number inside a list item still counts"
        );
        assert_eq!(
            en("IaaS 8. PaaS"),
            Err(Rejection::UngroundedNumber("8".into())),
            "only at the start of a line"
        );
    }

    #[test]
    fn a_settled_stream_prefix_is_judged_but_not_a_number_being_written() {
        let grounding = Grounding::new(&IDS, GROUNDING, QUESTION);
        let judged = |visible: &str| ungrounded(settled(visible), &grounding);
        assert_eq!(settled("IaaS came in 20"), "IaaS came in");
        assert_eq!(settled("IaaS"), "");
        assert_eq!(judged("IaaS came in 20"), None);
        assert_eq!(judged("IaaS came in 2019"), None);
        assert_eq!(
            judged("IaaS came in 2019 and"),
            Some(Rejection::UngroundedNumber("2019".into()))
        );
        assert_eq!(
            judged("see [saas] for"),
            Some(Rejection::UnknownCitation("saas".into()))
        );
        assert_eq!(
            judged("IaaS is explained in English "),
            None,
            "language waits for the end"
        );
    }

    #[test]
    fn an_answer_of_markup_alone_is_empty_not_foreign() {
        assert_eq!(ko("</entry>\n<|im_end|>").as_deref(), Ok(""));
    }

    #[test]
    fn rejections_name_themselves_for_the_log() {
        assert_eq!(Rejection::WrongLanguage.as_str(), "wrong_language");
        assert_eq!(Rejection::UnknownCitation("x".into()).as_str(), "unknown_citation");
        assert_eq!(Rejection::UngroundedNumber("9".into()).as_str(), "ungrounded_number");
        assert_eq!(Rejection::UngroundedNumber("9".into()).detail(), "9");
    }
}
