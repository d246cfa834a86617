//! Every user-facing string the Discord front end writes itself, in English and Korean, and the
//! choice of language from a Discord locale.
//!
//! Answers come from the assistant in their own language; this module only holds the frame
//! around them (footers, help, apologies, the unknown-name hint). Command and option names and
//! descriptions are attribute literals on the commands in `commands.rs`, because poise's macro
//! needs literals there.

use crate::assistant::{Aspect, Mode};
use crate::knowledge::Lang;

/// The reply language for a Discord locale: `ko` (any region) is Korean, anything else English.
pub(super) fn lang_of_locale(locale: Option<&str>) -> Lang {
    match locale.and_then(Lang::from_code) {
        Some(Lang::Ko) => Lang::Ko,
        _ => Lang::En,
    }
}

/// How a reply's footer says where its words came from.
pub(super) fn mode_label(mode: Mode, lang: Lang) -> &'static str {
    match (mode, lang) {
        (Mode::Offline, Lang::En) => "offline answer from the knowledge base",
        (Mode::Offline, Lang::Ko) => "지식 베이스에서 찾은 오프라인 답변",
        (Mode::Llm, Lang::En) => "written by the LLM from the knowledge base",
        (Mode::Llm, Lang::Ko) => "지식 베이스를 바탕으로 LLM이 작성한 답변",
        (Mode::Fallback, Lang::En) => "the LLM was unavailable, so this is the offline answer",
        (Mode::Fallback, Lang::Ko) => "LLM을 쓸 수 없어 오프라인 답변으로 대신했습니다",
    }
}

/// The label in front of the sources in a footer.
pub(super) fn sources_label(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Sources",
        Lang::Ko => "출처",
    }
}

/// "and N more" after the sources a footer lists.
pub(super) fn more_sources(count: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!("+{count} more"),
        Lang::Ko => format!("외 {count}개"),
    }
}

/// The footer of a message that is still being written by the LLM.
pub(super) fn writing(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "writing…",
        Lang::Ko => "작성 중…",
    }
}

/// The short apology sent when answering failed; the cause is only logged.
pub(super) fn apology(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Sorry, something went wrong while answering. Please try again in a moment.",
        Lang::Ko => "죄송합니다. 답변하는 중에 문제가 생겼어요. 잠시 후 다시 시도해 주세요.",
    }
}

/// The reply to a `/model` or `/compare` name that is no entry: the name, the closest entries'
/// display names, and where to see them all.
pub(super) fn unknown_name(name: &str, suggestions: &[String], lang: Lang) -> String {
    let name = if name.is_empty() { "?" } else { name };
    match lang {
        Lang::En => {
            let mut text = format!("I don't know a model or topic called `{name}`.");
            if !suggestions.is_empty() {
                text.push_str(&format!(" Did you mean {}?", suggestions.join(", ")));
            }
            text.push_str(" `/help` lists everything I know.");
            text
        }
        Lang::Ko => {
            let mut text = format!("`{name}`(이)라는 모델이나 주제는 찾지 못했어요.");
            if !suggestions.is_empty() {
                text.push_str(&format!(" 혹시 {} 중 하나인가요?", suggestions.join(", ")));
            }
            text.push_str(" 전체 목록은 `/도움말`에서 볼 수 있어요.");
            text
        }
    }
}

/// The fixed parts of the help message.
pub(super) struct HelpText {
    /// The embed title.
    pub title: &'static str,
    /// How to ask, shown first.
    pub how_to_ask: &'static str,
    /// The heading over the service models.
    pub models: &'static str,
    /// The heading over the other topics.
    pub topics: &'static str,
    /// The heading over the example questions.
    pub examples_heading: &'static str,
    /// Example questions, one per line.
    pub examples: &'static str,
}

/// The help message's fixed text in `lang`.
pub(super) fn help(lang: Lang) -> HelpText {
    match lang {
        Lang::En => HelpText {
            title: "What I know: cloud service models",
            how_to_ask: "Ask me in English or Korean and I answer in the language you ask in \
                         (한국어로 물어보시면 한국어로 답합니다).\n\
                         • `/ask` a question, `/model` to explain one model or topic, `/compare` two of them\n\
                         • or mention me, send me a direct message, or write in an answer channel\n\
                         • the buttons under an answer show its other sides; reply to an answer to follow up\n\
                         • `/quiz` to test yourself, `/leaderboard` for the server's best",
            models: "Service models",
            topics: "Topics",
            examples_heading: "Try",
            examples: "• What is IaaS?\n• IaaS vs PaaS\n• What are the cons of SaaS?\n• Who provides GPUaaS?\n\
                       • 서버리스가 뭐야?",
        },
        Lang::Ko => HelpText {
            title: "알려 드릴 수 있는 것: 클라우드 서비스 모델",
            how_to_ask: "한국어나 영어로 물어보시면 물어본 언어로 답합니다.\n\
                         • `/질문`으로 질문하기, `/모델`로 모델이나 주제 하나 설명 듣기, `/비교`로 둘을 비교하기\n\
                         • 또는 저를 멘션하거나, DM을 보내거나, 답변 채널에 글을 쓰세요\n\
                         • 답변 아래 버튼으로 다른 측면을 보고, 답변에 답장하면 이어서 물어볼 수 있어요\n\
                         • `/퀴즈`로 실력을 확인하고, `/순위`로 서버 순위를 보세요",
            models: "서비스 모델",
            topics: "주제",
            examples_heading: "이렇게 물어보세요",
            examples: "• IaaS가 뭐야?\n• IaaS와 PaaS 차이\n• SaaS의 단점은?\n• GPUaaS는 어디서 제공해?\n\
                       • What is serverless?",
        },
    }
}

/// The help footer: how many entries and which knowledge version.
pub(super) fn help_footer(entries: usize, version: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{entries} entries · knowledge version {version}"),
        Lang::Ko => format!("항목 {entries}개 · 지식 베이스 버전 {version}"),
    }
}

/// A button that shows an aspect of the answer's models: the words people use for it.
pub(super) fn aspect_button(aspect: Aspect, lang: Lang) -> &'static str {
    match (aspect, lang) {
        (Aspect::Pros | Aspect::Cons, Lang::En) => "Pros & cons",
        (Aspect::Pros | Aspect::Cons, Lang::Ko) => "장단점",
        (Aspect::Analogy, Lang::En) => "Analogies",
        (Aspect::Analogy, Lang::Ko) => "비유",
        (Aspect::Management, Lang::En) => "Who manages what",
        (Aspect::Management, Lang::Ko) => "누가 관리하나",
        (Aspect::Providers, Lang::En) => "Providers",
        (Aspect::Providers, Lang::Ko) => "제공업체",
        (Aspect::UseCases, Lang::En) => "Use cases",
        (Aspect::UseCases, Lang::Ko) => "사용 사례",
        (Aspect::Definition, Lang::En) => "In short",
        (Aspect::Definition, Lang::Ko) => "요약",
        (Aspect::Features, Lang::En) => "Features",
        (Aspect::Features, Lang::Ko) => "특징",
        (Aspect::Glance, Lang::En) => "At a glance",
        (Aspect::Glance, Lang::Ko) => "한눈에 보기",
    }
}

/// The button that shows the whole explanation.
pub(super) fn more_button(lang: Lang) -> &'static str {
    lang.pick("Full explanation", "자세히")
}

/// The placeholder of the "compare with…" menu.
pub(super) fn compare_placeholder(lang: Lang) -> &'static str {
    lang.pick("Compare with…", "다른 모델과 비교…")
}

/// The ephemeral thanks for a vote.
pub(super) fn thanks_for_vote(up: bool, lang: Lang) -> &'static str {
    match (up, lang) {
        (true, Lang::En) => "Thanks! Glad it helped.",
        (true, Lang::Ko) => "고마워요! 도움이 됐다니 다행이에요.",
        (false, Lang::En) => "Thanks for telling me. It is noted for the people who keep the knowledge base.",
        (false, Lang::Ko) => "알려 주셔서 고마워요. 지식 베이스를 관리하는 분들께 전달할게요.",
    }
}

/// The title of the "what was wrong?" modal (at most 45 characters).
pub(super) fn complaint_title(lang: Lang) -> &'static str {
    lang.pick("What was wrong?", "무엇이 아쉬웠나요?")
}

/// The label of its one text box (at most 45 characters).
pub(super) fn complaint_label(lang: Lang) -> &'static str {
    lang.pick("What was wrong or missing? (optional)", "틀리거나 빠진 점 (선택)")
}

/// The thanks for a filled-in "what was wrong?".
pub(super) fn thanks_for_complaint(lang: Lang) -> &'static str {
    lang.pick(
        "Thank you, that helps us fix the knowledge base.",
        "고마워요. 지식 베이스를 고치는 데 도움이 돼요.",
    )
}

/// A button whose answer's models are gone from the knowledge base (renamed or removed).
pub(super) fn stale_button(lang: Lang) -> &'static str {
    lang.pick("This button belongs to an answer I can no longer show: the knowledge base has changed since. Please ask again.",
        "이 버튼의 답변은 더 이상 보여 드릴 수 없어요. 그 뒤로 지식 베이스가 바뀌었어요. 다시 질문해 주세요.",
    )
}

/// A button this bot did not make, or that an older version made.
pub(super) fn unknown_button(lang: Lang) -> &'static str {
    lang.pick(
        "Sorry, I can't use this button. Try asking again or `/help`.",
        "죄송해요, 이 버튼은 쓸 수 없어요. 다시 질문하거나 `/도움말`을 보세요.",
    )
}

/// The quiz's title over a question.
pub(super) fn quiz_title(lang: Lang) -> &'static str {
    lang.pick("Quiz", "퀴즈")
}

/// Right or wrong, and which answer was right.
pub(super) fn quiz_verdict(right: bool, answer: &str, lang: Lang) -> String {
    match (right, lang) {
        (true, Lang::En) => format!("✅ Right: {answer}"),
        (true, Lang::Ko) => format!("✅ 정답이에요: {answer}"),
        (false, Lang::En) => format!("❌ Not quite. The answer is {answer}"),
        (false, Lang::Ko) => format!("❌ 아쉬워요. 정답은 {answer}"),
    }
}

/// A player's score line.
pub(super) fn quiz_score(correct: u64, answered: u64, streak: u64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Score {correct}/{answered} · streak {streak}"),
        Lang::Ko => format!("점수 {correct}/{answered} · 연속 정답 {streak}"),
    }
}

/// The quiz's "next question" button.
pub(super) fn next_question(lang: Lang) -> &'static str {
    lang.pick("Next question", "다음 문제")
}

/// The source line under an explanation.
pub(super) fn source_line(title: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Source: {title}"),
        Lang::Ko => format!("출처: {title}"),
    }
}

/// The leaderboard's title, and what it says when nobody has played.
pub(super) fn leaderboard(lang: Lang) -> (&'static str, &'static str) {
    match lang {
        Lang::En => (
            "Quiz leaderboard",
            "Nobody has answered a quiz here yet. Start with `/quiz`.",
        ),
        Lang::Ko => (
            "퀴즈 순위",
            "아직 여기서 퀴즈를 푼 사람이 없어요. `/퀴즈`로 시작해 보세요.",
        ),
    }
}

/// One leaderboard row; the name is plain text already.
pub(super) fn standing(rank: usize, name: &str, correct: u64, answered: u64, best: u64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("**{rank}.** {name} — {correct} right of {answered} · best streak {best}"),
        Lang::Ko => format!("**{rank}.** {name} — {answered}문제 중 {correct}개 정답 · 최고 연속 {best}"),
    }
}

/// A quiz topic that has no questions: which topics do.
pub(super) fn no_quiz_topic(topics: &[String], lang: Lang) -> String {
    match lang {
        Lang::En => format!("I have no quiz questions on that. Try one of: {}.", topics.join(", ")),
        Lang::Ko => format!(
            "그 주제의 퀴즈 문제는 없어요. 이 중에서 골라 보세요: {}.",
            topics.join(", ")
        ),
    }
}

/// A quiz question pressed again by someone who has answered it.
pub(super) fn already_answered(lang: Lang) -> &'static str {
    lang.pick(
        "You have answered this question already. Press \"Next question\" or use `/quiz` for a new one.",
        "이미 푼 문제예요. \"다음 문제\"를 누르거나 `/퀴즈`로 새 문제를 받아 보세요.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_locales_get_korean_and_everything_else_english() {
        assert_eq!(lang_of_locale(Some("ko")), Lang::Ko);
        assert_eq!(lang_of_locale(Some("ko-KR")), Lang::Ko);
        assert_eq!(lang_of_locale(Some("en-US")), Lang::En);
        assert_eq!(lang_of_locale(Some("en-GB")), Lang::En);
        assert_eq!(lang_of_locale(Some("ja")), Lang::En);
        assert_eq!(lang_of_locale(Some("")), Lang::En);
        assert_eq!(lang_of_locale(None), Lang::En);
    }

    #[test]
    fn unknown_names_list_suggestions_in_the_users_language() {
        let suggestions = vec!["IaaS".to_string(), "PaaS".to_string()];
        let en = unknown_name("xaas", &suggestions, Lang::En);
        assert!(en.contains("`xaas`") && en.contains("IaaS, PaaS"), "{en}");
        let ko = unknown_name("xaas", &suggestions, Lang::Ko);
        assert!(
            ko.contains("`xaas`") && ko.contains("IaaS, PaaS") && ko.contains("찾지 못했어요"),
            "{ko}"
        );
        assert!(!unknown_name("x", &[], Lang::En).contains("Did you mean"));
    }

    #[test]
    fn control_labels_fit_discord_and_speak_both_languages() {
        let hangul = |text: &str| text.chars().any(|c| ('가'..='힣').contains(&c));
        for aspect in Aspect::ALL {
            assert!(aspect_button(aspect, Lang::En).chars().count() <= 80);
            assert!(hangul(aspect_button(aspect, Lang::Ko)));
        }
        for lang in [Lang::En, Lang::Ko] {
            assert!(complaint_title(lang).chars().count() <= 45);
            assert!(complaint_label(lang).chars().count() <= 45);
            assert!(compare_placeholder(lang).chars().count() <= 150);
        }
        assert!(hangul(quiz_verdict(false, "IaaS", Lang::Ko).as_str()));
    }

    #[test]
    fn every_mode_has_a_label_in_both_languages() {
        for mode in [Mode::Offline, Mode::Llm, Mode::Fallback] {
            assert!(!mode_label(mode, Lang::En).is_empty());
            assert!(mode_label(mode, Lang::Ko).chars().any(|c| ('가'..='힣').contains(&c)));
        }
    }
}
