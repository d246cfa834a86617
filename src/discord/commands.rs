//! The slash commands `/model`, `/compare`, `/ask` and `/help` (Korean: `/모델`, `/비교`,
//! `/질문`, `/도움말`) and the autocomplete of model names; `/quiz` and `/leaderboard` are in
//! `quiz.rs`.
//!
//! Each command is a few lines over a plain function that is tested without Discord. Replies to
//! `/model`, `/compare` and `/help` are in the user's Discord locale; `/ask` answers in the
//! question's language. Names and descriptions are Discord's (32 and 100 characters at most).

use std::time::Instant;

use serenity::builder::{AutocompleteChoice, CreateAutocompleteResponse};
use unicode_normalization::UnicodeNormalization;

use super::decorate::{decorate, Picture};
use super::delivery::{self, Destination};
use super::locale;
use super::render;
use super::types::{Context, Data, Error};
use crate::assistant::{Assistant, Question, Reply, Turn, UnknownName};
use crate::knowledge::{EntryKind, Lang};

/// Discord shows at most this many autocomplete choices.
const MAX_CHOICES: usize = 25;
/// Discord's bound on a choice's name.
const CHOICE_NAME_MAX: usize = 100;
/// How much of an unknown name the hint repeats.
const ECHOED_NAME_MAX: usize = 100;

/// Every command, in the order `/help` lists them.
pub(super) fn all() -> Vec<poise::Command<Data, Error>> {
    vec![
        ask(),
        model(),
        compare(),
        super::quiz::quiz(),
        super::quiz::leaderboard(),
        help(),
    ]
}

/// Explain one cloud service model or topic
#[poise::command(
    slash_command,
    name_localized("ko", "모델"),
    description_localized("ko", "클라우드 서비스 모델이나 주제 하나를 설명합니다")
)]
pub(super) async fn model(
    ctx: Context<'_>,
    #[description = "A model or topic: IaaS, PaaS, SaaS, serverless, GDPR, …"]
    #[name_localized("ko", "이름")]
    #[description_localized("ko", "모델이나 주제: IaaS, PaaS, 사스, 서버리스, GDPR 등")]
    #[autocomplete = "autocomplete_entry"]
    name: String,
) -> Result<(), Error> {
    let started = Instant::now();
    let lang = locale::lang_of_locale(ctx.locale());
    let answer = explain(&ctx.data().assistant, &name, lang);
    send_answer(ctx, answer, started).await
}

/// Compare two cloud service models or topics side by side
#[poise::command(
    slash_command,
    name_localized("ko", "비교"),
    description_localized("ko", "클라우드 서비스 모델이나 주제 두 가지를 나란히 비교합니다")
)]
pub(super) async fn compare(
    ctx: Context<'_>,
    #[description = "The first model or topic"]
    #[name_localized("ko", "첫째")]
    #[description_localized("ko", "첫 번째 모델이나 주제")]
    #[autocomplete = "autocomplete_entry"]
    first: String,
    #[description = "The second model or topic"]
    #[name_localized("ko", "둘째")]
    #[description_localized("ko", "두 번째 모델이나 주제")]
    #[autocomplete = "autocomplete_entry"]
    second: String,
) -> Result<(), Error> {
    let started = Instant::now();
    let lang = locale::lang_of_locale(ctx.locale());
    let answer = compare_entries(&ctx.data().assistant, &first, &second, lang);
    send_answer(ctx, answer, started).await
}

/// Ask a question about cloud service models, in English or Korean
#[poise::command(
    slash_command,
    name_localized("ko", "질문"),
    description_localized("ko", "클라우드 서비스 모델에 대해 한국어나 영어로 질문합니다")
)]
pub(super) async fn ask(
    ctx: Context<'_>,
    #[description = "Your question, e.g. What is IaaS? / IaaS가 뭐야?"]
    #[name_localized("ko", "질문")]
    #[description_localized("ko", "질문 내용 (예: IaaS가 뭐야? / What is IaaS?)")]
    #[max_length = 1000]
    question: String,
) -> Result<(), Error> {
    let started = Instant::now();
    // the assistant reads at most `limits.max_question_chars` of it, and says so
    let question = Question::new(question);
    let mut destination = Destination::Interaction(ctx);
    let reply = delivery::answer(&ctx.data().assistant, ctx.author().id, &question, &mut destination).await?;
    let snapshot = ctx.data().assistant.snapshot();
    let (messages, extras) = decorate(&reply, &snapshot, ctx.author().id, Picture::WhenAsked);
    destination.send_with(messages, extras, false).await?;
    delivery::log_answer("slash", ctx.author().id, &ctx.data().assistant, &reply, started);
    ctx.data()
        .feedback
        .answered("slash", ctx.author().id, &question.text, &reply, &snapshot);
    remember(ctx, &question.text, &reply).await;
    Ok(())
}

/// Keeps a slash answer's conversation at its message, once sent: the question itself started
/// fresh, but a reply to the answer follows up on it (and a 👎 on it knows what was asked).
/// One read of the response; when it fails the answer is simply not remembered.
async fn remember(ctx: Context<'_>, asked: &str, reply: &Reply) {
    match ctx.interaction.get_response(ctx.http()).await {
        Ok(message) => {
            let conversations = &ctx.data().conversations;
            let kept = conversations.keep(&Default::default(), Turn::of(asked, reply), None, None);
            conversations.keep_answers(&kept, &[message.id]);
        }
        Err(error) => tracing::debug!(error = %super::errors::describe(&error), "slash answer not remembered"),
    }
}

/// What I know and how to ask
#[poise::command(
    slash_command,
    name_localized("ko", "도움말"),
    description_localized("ko", "알려 드릴 수 있는 것과 묻는 방법")
)]
pub(super) async fn help(ctx: Context<'_>) -> Result<(), Error> {
    let lang = locale::lang_of_locale(ctx.locale());
    let snapshot = ctx.data().assistant.snapshot();
    let messages = render::layout(&render::help(snapshot.knowledge(), lang));
    Destination::Interaction(ctx).send(messages, true).await
}

/// Choices for a model-name option: entries whose id, names or aliases (in either language)
/// match what was typed, shown by their name in the user's locale.
async fn autocomplete_entry(ctx: Context<'_>, partial: &str) -> CreateAutocompleteResponse {
    let lang = locale::lang_of_locale(ctx.locale());
    let choices = complete(&ctx.data().assistant, partial, lang)
        .into_iter()
        .map(|(name, id)| AutocompleteChoice::new(name, id))
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

/// What `/model` and `/compare` answer: a reply, or a short hint when a name is no entry.
#[derive(Debug)]
pub(super) enum Answer {
    /// The explanation or comparison.
    Reply(Reply),
    /// The hint for an unknown name, in the user's language.
    Unknown(String),
}

/// Sends an [`Answer`] at once (offline answers need no deferring); an unknown name's hint is
/// ephemeral.
async fn send_answer(ctx: Context<'_>, answer: Answer, started: Instant) -> Result<(), Error> {
    let mut destination = Destination::Interaction(ctx);
    match answer {
        Answer::Reply(reply) => {
            let snapshot = ctx.data().assistant.snapshot();
            let (messages, extras) = decorate(&reply, &snapshot, ctx.author().id, Picture::Always);
            destination.send_with(messages, extras, false).await?;
            delivery::log_answer("slash", ctx.author().id, &ctx.data().assistant, &reply, started);
            ctx.data()
                .feedback
                .answered("slash", ctx.author().id, "", &reply, &snapshot);
            remember(ctx, &reply.title, &reply).await;
        }
        Answer::Unknown(hint) => {
            destination.send_text(&hint, true).await?;
            tracing::info!(surface = "slash", kind = "unknown_name", "answered with suggestions");
        }
    }
    Ok(())
}

/// `/model`: the full explanation of the entry `name` resolves to.
pub(super) fn explain(assistant: &Assistant, name: &str, lang: Lang) -> Answer {
    match assistant.model(name, lang) {
        Ok(reply) => Answer::Reply(reply),
        Err(unknown) => Answer::Unknown(unknown_hint(assistant, &unknown, lang)),
    }
}

/// `/compare`: the two entries side by side (one explanation when both name the same entry).
pub(super) fn compare_entries(assistant: &Assistant, first: &str, second: &str, lang: Lang) -> Answer {
    match assistant.compare(&[first, second], lang) {
        Ok(reply) => Answer::Reply(reply),
        Err(unknown) => Answer::Unknown(unknown_hint(assistant, &unknown, lang)),
    }
}

/// "I don't know `x`. Did you mean IaaS, PaaS?" with the suggestions' names in `lang`.
fn unknown_hint(assistant: &Assistant, unknown: &UnknownName, lang: Lang) -> String {
    let snapshot = assistant.snapshot();
    let names: Vec<String> = unknown
        .suggestions
        .iter()
        .map(|id| {
            snapshot
                .knowledge()
                .get(id)
                .map_or_else(|| id.clone(), |entry| entry.name.get(lang).to_string())
        })
        .collect();
    let echoed: String = unknown
        .name
        .chars()
        .map(|c| if c == '`' || c.is_control() { ' ' } else { c })
        .collect();
    let echoed = render::truncate(echoed.trim(), ECHOED_NAME_MAX);
    render::content(&locale::unknown_name(&echoed, &names, lang))
}

/// Autocomplete: (display name in `lang`, entry id) for the entries matching `partial`, best
/// first, at most 25. An exact label beats a prefix, a prefix beats the start of a word, which
/// beats any substring; models come before topics. With no match at all (a typo), the entry the
/// assistant resolves the text to, or its suggestions. Matching ignores case, spacing and
/// punctuation, and compares Hangul by its letters, so a syllable still being typed (`온ㅍ`)
/// matches.
pub(super) fn complete(assistant: &Assistant, partial: &str, lang: Lang) -> Vec<(String, String)> {
    let snapshot = assistant.snapshot();
    let entries = snapshot.knowledge().entries();
    let key = fold(partial);
    let mut ranked: Vec<(u8, bool, usize)> = entries
        .iter()
        .enumerate()
        .filter_map(|(index, entry)| {
            let labels = [
                entry.id.as_str(),
                entry.name.en.as_str(),
                entry.name.ko.as_str(),
                entry.full_name.en.as_str(),
                entry.full_name.ko.as_str(),
            ];
            let rank = labels
                .into_iter()
                .chain(entry.aliases())
                .filter_map(|label| rank(&key, label))
                .min()?;
            Some((rank, entry.kind != EntryKind::Model, index))
        })
        .collect();
    if ranked.is_empty() && !key.is_empty() {
        let ids = match assistant.resolve(partial) {
            Ok(id) => vec![id],
            Err(unknown) => unknown.suggestions,
        };
        ranked = ids
            .iter()
            .filter_map(|id| entries.iter().position(|entry| &entry.id == id))
            .enumerate()
            .map(|(order, index)| (u8::try_from(order).unwrap_or(u8::MAX), false, index))
            .collect();
    }
    ranked.sort();
    ranked.dedup_by_key(|(_, _, index)| *index);
    ranked
        .into_iter()
        .take(MAX_CHOICES)
        .map(|(_, _, index)| {
            let entry = &entries[index];
            (render::truncate(&entry.title(lang), CHOICE_NAME_MAX), entry.id.clone())
        })
        .collect()
}

/// How well `label` matches the folded `key` (lower is better); `None` when it does not.
fn rank(key: &str, label: &str) -> Option<u8> {
    if key.is_empty() {
        return Some(3);
    }
    let whole = fold(label);
    if whole == key {
        Some(0)
    } else if whole.starts_with(key) {
        Some(1)
    } else if label
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| fold(word).starts_with(key))
    {
        Some(2)
    } else if whole.contains(key) {
        Some(3)
    } else {
        None
    }
}

/// Lowercase letters and digits only, Hangul decomposed into its letters (NFKD also turns a
/// lone typed consonant such as `ㅍ` into the letter a syllable starts with).
fn fold(text: &str) -> String {
    text.nfkd()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistant::ReplyKind;
    use crate::knowledge::KnowledgeBase;

    fn assistant() -> Assistant {
        Assistant::new(KnowledgeBase::builtin().expect("the built-in knowledge base loads"))
    }

    fn ids(choices: &[(String, String)]) -> Vec<&str> {
        choices.iter().map(|(_, id)| id.as_str()).collect()
    }

    #[test]
    fn english_partials_complete_to_entries_shown_in_the_users_language() {
        let assistant = assistant();
        let choices = complete(&assistant, "iq", Lang::En);
        assert_eq!(ids(&choices).first(), Some(&"iqaas"), "{choices:?}");
        assert!(choices[0].0.contains("IQaaS"));
        let choices = complete(&assistant, "on-prem", Lang::Ko);
        assert_eq!(ids(&choices).first(), Some(&"on-premise"));
        assert!(choices[0].0.contains("온프레미스"), "{choices:?}");
    }

    #[test]
    fn korean_partials_complete_even_mid_syllable() {
        let assistant = assistant();
        for partial in ["온프", "온ㅍ", "온프레미스"] {
            let choices = complete(&assistant, partial, Lang::Ko);
            assert_eq!(ids(&choices).first(), Some(&"on-premise"), "{partial}: {choices:?}");
        }
        let choices = complete(&assistant, "온프", Lang::En);
        assert!(choices[0].0.contains("On-premise"), "{choices:?}");
        let choices = complete(&assistant, "사스", Lang::Ko);
        assert!(ids(&choices).contains(&"saas"), "an alias: {choices:?}");
    }

    #[test]
    fn an_empty_partial_offers_every_entry_models_first_and_at_most_25() {
        let assistant = assistant();
        let choices = complete(&assistant, "", Lang::En);
        let snapshot = assistant.snapshot();
        let entries = snapshot.knowledge().entries();
        assert_eq!(choices.len(), entries.len().min(MAX_CHOICES));
        let first_topic = choices
            .iter()
            .position(|(_, id)| snapshot.knowledge().get(id).is_some_and(|e| e.kind == EntryKind::Topic))
            .unwrap_or(choices.len());
        assert!(choices[first_topic..]
            .iter()
            .all(|(_, id)| snapshot.knowledge().get(id).is_some_and(|e| e.kind == EntryKind::Topic)));
        assert!(choices.iter().all(|(name, _)| name.chars().count() <= CHOICE_NAME_MAX));
    }

    #[test]
    fn typos_fall_back_to_what_the_assistant_resolves() {
        let choices = complete(&assistant(), "iqass", Lang::En);
        assert!(ids(&choices).contains(&"iqaas"), "{choices:?}");
        assert!(complete(&assistant(), "🙂🙂🙂 nothing like it", Lang::En).len() <= MAX_CHOICES);
    }

    #[test]
    fn exact_labels_rank_before_prefixes_and_substrings() {
        assert_eq!(rank("iaas", "IaaS"), Some(0));
        assert_eq!(rank("ia", "IaaS"), Some(1));
        assert_eq!(rank("service", "Infrastructure as a Service"), Some(2));
        assert_eq!(rank("aas", "IaaS"), Some(3));
        assert_eq!(rank("zzz", "IaaS"), None);
        assert_eq!(fold("On-Premise"), "onpremise");
    }

    #[test]
    fn model_explains_in_the_requested_language() {
        let assistant = assistant();
        let Answer::Reply(reply) = explain(&assistant, "iaas", Lang::Ko) else {
            panic!("iaas is an entry");
        };
        assert_eq!(reply.lang, Lang::Ko);
        assert_eq!(reply.kind, ReplyKind::Model);
        let Answer::Reply(reply) = explain(&assistant, "사스", Lang::En) else {
            panic!("사스 is an alias");
        };
        assert!(reply.title.contains("SaaS"));
    }

    #[test]
    fn unknown_names_get_a_short_hint_with_suggestions() {
        let assistant = assistant();
        let Answer::Unknown(hint) = explain(&assistant, "zzzz `@everyone`", Lang::En) else {
            panic!("no such entry");
        };
        assert!(hint.starts_with("I don't know"), "{hint}");
        assert!(
            hint.chars().filter(|c| *c == '`').count() % 2 == 0,
            "backticks stay balanced: {hint}"
        );
        assert!(hint.chars().count() <= render::CONTENT_MAX);
        let Answer::Unknown(hint) = compare_entries(&assistant, "iaas", "zzqqxx", Lang::Ko) else {
            panic!("zzqqxx is no entry");
        };
        assert!(hint.contains("`zzqqxx`") && hint.contains("찾지 못했어요"), "{hint}");
    }

    #[test]
    fn compare_puts_both_side_by_side() {
        let Answer::Reply(reply) = compare_entries(&assistant(), "iaas", "paas", Lang::En) else {
            panic!("both are entries");
        };
        assert_eq!(reply.kind, ReplyKind::Compare);
        let ids: Vec<&str> = reply.sources.iter().map(|s| s.id.as_str()).collect();
        assert!(ids.starts_with(&["iaas", "paas"]), "{ids:?}");
    }

    #[test]
    fn commands_are_named_and_described_in_both_languages() {
        type Localizations = [(std::borrow::Cow<'static, str>, std::borrow::Cow<'static, str>)];
        let has_ko = |list: &Localizations| list.iter().any(|(locale, text)| locale == "ko" && !text.is_empty());
        for command in all() {
            assert!(command.name.len() <= 32);
            let description = command.description.as_deref().unwrap_or("");
            assert!(
                !description.is_empty() && description.chars().count() <= 100,
                "{}",
                command.name
            );
            assert!(has_ko(&command.name_localizations), "{}", command.name);
            assert!(has_ko(&command.description_localizations), "{}", command.name);
            for parameter in &command.parameters {
                assert!(has_ko(&parameter.name_localizations), "{}", parameter.name);
                assert!(has_ko(&parameter.description_localizations), "{}", parameter.name);
            }
        }
    }
}
