//! Reading the knowledge base's prose the way the quiz needs it: sentences, years, whether a
//! text names something, whether it speaks of a label's words, and blanking a name out.
//!
//! Words and terms come from the search analyzer, so "data-center" meets "Data center" and
//! `네트워킹은` meets `네트워킹` here exactly as they do in retrieval. Nothing here knows an
//! entry by name.

use rustc_hash::FxHashSet;

use crate::knowledge::is_hangul;
use crate::search::analyzer;

/// What a blanked-out name or year is replaced with, in both languages.
pub(super) const BLANK: &str = "____";

/// Splits prose into sentences: after `.`, `!` or `?` followed by whitespace or the end.
/// Good enough for the knowledge base's own prose, which is all it is given.
pub(super) fn sentences(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if matches!(c, '.' | '!' | '?') && chars.peek().is_none_or(|(_, next)| next.is_whitespace()) {
            let end = at + c.len_utf8();
            let sentence = text[start..end].trim();
            if !sentence.is_empty() {
                found.push(sentence);
            }
            start = end;
        }
    }
    let rest = text[start..].trim();
    if !rest.is_empty() {
        found.push(rest);
    }
    found
}

/// One four-digit year (1900–2099) in a text, where it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct YearAt {
    /// The year.
    pub year: u16,
    /// Its byte range's start in the text.
    pub start: usize,
    /// Whether it stands as a year of its own ("in 1996", "2018년"), not as part of a number,
    /// an identifier or an address ("2016/679", "revolution-2023").
    pub alone: bool,
}

/// Every run of exactly four digits from 1900 to 2099 in `text`.
pub(super) fn years(text: &str) -> Vec<YearAt> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut index = 0;
    while index < bytes.len() {
        if !bytes[index].is_ascii_digit() {
            index += 1;
            continue;
        }
        let start = index;
        while index < bytes.len() && bytes[index].is_ascii_digit() {
            index += 1;
        }
        if index - start != 4 {
            continue;
        }
        let Ok(year) = text[start..index].parse::<u16>() else {
            continue;
        };
        if !(1900..=2099).contains(&year) {
            continue;
        }
        let before = start.checked_sub(1).map(|at| bytes[at]);
        let after = bytes.get(index).copied();
        let after_next = bytes.get(index + 1).copied();
        let glued_before = before.is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'/' | b'.' | b':'));
        let glued_after = after.is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'-' | b'/'))
            || (matches!(after, Some(b'.' | b',')) && after_next.is_some_and(|b| b.is_ascii_digit()));
        found.push(YearAt {
            year,
            start,
            alone: !glued_before && !glued_after,
        });
    }
    found
}

/// The one year a sentence states, with the sentence blanked where it stood: `None` when the
/// sentence states no year or more than one, or holds its year inside a number or an address
/// too (a blank there would be a puzzle of its own).
pub(super) fn blank_the_year(sentence: &str) -> Option<(u16, String)> {
    let found = years(sentence);
    let year = found.first()?.year;
    if found.iter().any(|at| at.year != year || !at.alone) {
        return None;
    }
    let mut blanked = String::with_capacity(sentence.len());
    let mut copied = 0;
    for at in &found {
        blanked.push_str(&sentence[copied..at.start]);
        blanked.push_str(BLANK);
        copied = at.start + 4;
    }
    blanked.push_str(&sentence[copied..]);
    Some((year, blanked))
}

/// The matching key of a name: its words stemmed and joined without spaces, as retrieval
/// compares names, so `Cloud Run`, `cloud-run` and `CloudRun` are one name.
pub(super) fn name_key(name: &str) -> String {
    analyzer::words(name)
        .iter()
        .map(|word| analyzer::stem_latin(&word.text))
        .collect()
}

/// A text prepared for "does it name this?": its words stemmed and joined without spaces,
/// with where each word starts and ends, so a name is found in one substring search and
/// only where it covers whole words.
#[derive(Clone, Debug, Default)]
pub(super) struct Named {
    joined: String,
    /// Byte offsets in `joined` where a word starts, ascending.
    starts: Vec<usize>,
    /// Byte offsets in `joined` where a word ends, ascending.
    ends: Vec<usize>,
}

impl Named {
    /// Prepares `text`.
    pub(super) fn new(text: &str) -> Named {
        let mut named = Named::default();
        for word in analyzer::words(text) {
            named.starts.push(named.joined.len());
            named.joined.push_str(analyzer::stem_latin(&word.text));
            named.ends.push(named.joined.len());
        }
        named
    }

    /// Whether consecutive whole words of the text join to `key` (from [`name_key`]): the
    /// text names it, in any spacing, and `s3` is not found inside another word.
    pub(super) fn names(&self, key: &str) -> bool {
        !key.is_empty()
            && self.joined.match_indices(key).any(|(at, _)| {
                self.starts.binary_search(&at).is_ok() && self.ends.binary_search(&(at + key.len())).is_ok()
            })
    }
}

/// A text's index terms (stemmed Latin words, Hangul words and their two-syllable chunks,
/// stopwords dropped), as a set.
pub(super) fn terms(text: &str) -> FxHashSet<String> {
    let mut set = FxHashSet::default();
    analyzer::for_each_term(&analyzer::words(text), |term| {
        set.insert(term.to_string());
    });
    set
}

/// The parts of a label that each name one thing: "Data center, hardware and power" is
/// "Data center", "hardware", "power"; "데이터센터·하드웨어·전력" likewise.
pub(super) fn label_parts(label: &str) -> Vec<&str> {
    label
        .split([',', '·', '/', '&'])
        .flat_map(|part| part.split(" and "))
        .flat_map(|part| part.split(" or "))
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect()
}

/// Whether a text with these terms speaks of the label: every term of one of its parts is
/// among them. Deliberately generous, since it decides what a quiz may *not* offer as wrong.
pub(super) fn speaks_of(text_terms: &FxHashSet<String>, label: &str) -> bool {
    label_parts(label).into_iter().any(|part| {
        let part_terms = terms(part);
        !part_terms.is_empty() && part_terms.iter().all(|term| text_terms.contains(term))
    })
}

/// `text` with every occurrence of each of `names` replaced by [`BLANK`]: Latin names
/// case-insensitively and as whole words ("IaaS" not inside "IaaS-like"'s neighbours' words),
/// Hangul names wherever they start a word (a particle may follow). Longer names go first,
/// so a full name is blanked whole before its short name is looked for.
pub(super) fn blank_names(text: &str, names: &[&str]) -> String {
    let mut names: Vec<&str> = names.iter().copied().filter(|name| !name.trim().is_empty()).collect();
    names.sort_by_key(|name| std::cmp::Reverse(name.len()));
    names.dedup();
    let mut text = text.to_string();
    for name in names {
        text = blank_one(&text, name);
    }
    text
}

fn blank_one(text: &str, name: &str) -> String {
    let hangul = name.chars().any(is_hangul);
    let mut result = String::with_capacity(text.len());
    let mut index = 0;
    while let Some(c) = text[index..].chars().next() {
        let rest = &text[index..];
        let here = if hangul {
            rest.starts_with(name)
        } else {
            rest.len() >= name.len()
                && rest.is_char_boundary(name.len())
                && rest[..name.len()].eq_ignore_ascii_case(name)
        };
        // A Hangul name may carry a particle after it; a Latin one must end its word.
        let starts_a_word = || {
            text[..index].chars().next_back().is_none_or(|before| {
                if hangul {
                    !is_hangul(before)
                } else {
                    !before.is_alphanumeric()
                }
            })
        };
        let ends_a_word = || {
            hangul
                || text[index + name.len()..]
                    .chars()
                    .next()
                    .is_none_or(|after| !after.is_ascii_alphanumeric())
        };
        if here && starts_a_word() && ends_a_word() {
            result.push_str(BLANK);
            index += name.len();
        } else {
            result.push(c);
            index += c.len_utf8();
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_at_stops_followed_by_space() {
        assert_eq!(
            sentences("One. Two? Three! Version 2.0 stays. 끝입니다. 마지막"),
            vec!["One.", "Two?", "Three!", "Version 2.0 stays.", "끝입니다.", "마지막"]
        );
        assert!(sentences("").is_empty());
    }

    #[test]
    fn years_alone_and_inside_numbers() {
        let found = years("adopted in April 2016 as Regulation (EU) 2016/679; 2018년 5월; see /x-2023 and 12345");
        let summary: Vec<(u16, bool)> = found.iter().map(|at| (at.year, at.alone)).collect();
        assert_eq!(summary, vec![(2016, true), (2016, false), (2018, true), (2023, false)]);
        assert!(years("3000 and 1899 and 20180").is_empty());
    }

    #[test]
    fn the_year_of_a_sentence_is_blanked_only_when_it_is_the_only_one() {
        assert_eq!(
            blank_the_year("HIPAA was enacted in 1996."),
            Some((1996, "HIPAA was enacted in ____.".to_string()))
        );
        assert_eq!(
            blank_the_year("GDPR은 2018년 5월 25일부터 시행된 규정입니다."),
            Some((2018, "GDPR은 ____년 5월 25일부터 시행된 규정입니다.".to_string()))
        );
        assert_eq!(blank_the_year("Adopted in 2016 and applied since 2018."), None);
        assert_eq!(
            blank_the_year("Adopted in April 2016 as Regulation (EU) 2016/679."),
            None
        );
        assert_eq!(blank_the_year("No year here."), None);
    }

    #[test]
    fn names_match_whole_words_and_any_spacing() {
        let text = Named::new("Cloud Run functions and CloudRun, with S3 buckets; AWS3 is not S3.");
        assert!(text.names(&name_key("cloud run")));
        assert!(text.names(&name_key("Cloud-Run functions")));
        assert!(text.names(&name_key("S3")));
        assert!(!Named::new("AWS3 only").names(&name_key("S3")));
        assert!(!Named::new("the runner").names(&name_key("run")));
        assert!(!text.names(""));
    }

    #[test]
    fn speaks_of_a_label_part() {
        let text = terms("IaaS matches the data-center and cloud-platform layers.");
        assert!(speaks_of(&text, "Data center, hardware and power"));
        assert!(speaks_of(&text, "Cloud platforms"));
        assert!(!speaks_of(&text, "AI developer tools"));
        let korean = terms("물리 데이터센터와 네트워크를 제공합니다.");
        assert!(speaks_of(&korean, "데이터센터·하드웨어·전력"));
        assert_eq!(
            label_parts("Data center, hardware and power"),
            vec!["Data center", "hardware", "power"]
        );
    }

    #[test]
    fn names_are_blanked_as_whole_words() {
        assert_eq!(
            blank_names("IQaaS works the same way; iqaas too, but not IQaaSy.", &["IQaaS"]),
            "____ works the same way; ____ too, but not IQaaSy."
        );
        assert_eq!(
            blank_names("IQaaS도 이미 만들어진 지능을 빌립니다.", &["IQaaS"]),
            "____도 이미 만들어진 지능을 빌립니다."
        );
        assert_eq!(
            blank_names("온프레미스는 직접 운영합니다.", &["온프레미스", "On-Premise"]),
            "____는 직접 운영합니다."
        );
        assert_eq!(
            blank_names(
                "Infrastructure as a Service (IaaS) rents servers.",
                &["IaaS", "Infrastructure as a Service"]
            ),
            "____ (____) rents servers."
        );
    }
}
