//! `xaas quiz`: the quiz in the terminal. Asks the questions [`crate::quiz::Quiz`] makes,
//! reads each answer (1–4) as a line of standard input, so it works typed or piped, and says
//! right or wrong with the explanation and its source, keeping the score and the streak. The
//! questions, their choices and what is right are the quiz module's; this only shows them and
//! counts.

use std::io::{self, BufRead, Write};

use crate::knowledge::Lang;
use crate::quiz::{Quiz, QuizQuestion};

/// Lines that end the quiz early (as does the end of input).
const QUIT: &[&str] = &["q", "quit", "exit", "/quit", "/exit", "그만"];

/// What `xaas quiz` was asked for.
pub(super) struct QuizOptions {
    /// The language of the questions and of everything printed.
    pub lang: Lang,
    /// An entry id the questions are about.
    pub topic: Option<String>,
    /// How many questions.
    pub count: usize,
    /// The session's seed; printed, so a session can be replayed.
    pub seed: u64,
    /// Write each answer read after the `>` prompt: piped answers are not echoed by a
    /// terminal, and the transcript should still show them.
    pub echo: bool,
}

/// The score at the end.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Score {
    /// Questions answered.
    pub answered: usize,
    /// Answered right.
    pub right: usize,
    /// Right answers in a row, now.
    pub streak: usize,
    /// The longest such run.
    pub best_streak: usize,
}

/// Plays one session: the questions for `options` from `quiz`, answers read from `input`,
/// everything written to `out`. Ends after the last question, on a quit line or at the end of
/// input, and prints the final score either way. An unknown topic is an error before
/// anything is asked.
pub(super) fn play(
    quiz: &Quiz,
    options: &QuizOptions,
    mut input: impl BufRead,
    out: &mut impl Write,
) -> anyhow::Result<Score> {
    let questions = quiz.questions(options.seed, options.lang, options.topic.as_deref(), options.count)?;
    let lang = options.lang;
    let mut score = Score::default();
    writeln!(out, "{}", header(lang, questions.len(), options.seed))?;
    'questions: for (number, question) in questions.iter().enumerate() {
        writeln!(out)?;
        write_question(out, lang, number + 1, questions.len(), question)?;
        let choice = loop {
            write!(out, "> ")?;
            out.flush()?;
            let mut line = String::new();
            if input.read_line(&mut line)? == 0 {
                writeln!(out)?;
                writeln!(out, "{}", lang.pick("(end of input)", "(입력이 끝났습니다)"))?;
                break 'questions;
            }
            let line = line.trim();
            if options.echo {
                writeln!(out, "{line}")?;
            }
            if QUIT.contains(&line.to_lowercase().as_str()) {
                break 'questions;
            }
            match read_choice(line) {
                Some(choice) => break choice,
                None => writeln!(
                    out,
                    "{}",
                    lang.pick(
                        "Answer with 1, 2, 3 or 4 (q to quit).",
                        "1, 2, 3, 4 중 하나로 답해 주세요 (q: 그만하기)."
                    )
                )?,
            }
        };
        score.answered += 1;
        let right = question.answer;
        if question.is_right(choice) {
            score.right += 1;
            score.streak += 1;
            score.best_streak = score.best_streak.max(score.streak);
            writeln!(out, "{}", lang.pick("Right!", "정답입니다!"))?;
        } else {
            score.streak = 0;
            let shown = format!("{}) {}", right + 1, question.choices[right]);
            match lang {
                Lang::En => writeln!(out, "Wrong: the answer is {shown}.")?,
                Lang::Ko => writeln!(out, "틀렸습니다. 정답은 {shown}입니다.")?,
            }
        }
        writeln!(out, "{}", question.explanation)?;
        writeln!(out, "{} {}", lang.pick("source:", "출처:"), question.source)?;
        match lang {
            Lang::En => writeln!(
                out,
                "score: {}/{}, streak {}",
                score.right, score.answered, score.streak
            )?,
            Lang::Ko => writeln!(
                out,
                "점수: {}/{}, 연속 정답 {}",
                score.right, score.answered, score.streak
            )?,
        }
    }
    writeln!(out)?;
    match lang {
        Lang::En => writeln!(
            out,
            "final score: {}/{} (best streak {})",
            score.right, score.answered, score.best_streak
        )?,
        Lang::Ko => writeln!(
            out,
            "최종 점수: {}/{} (최고 연속 정답 {})",
            score.right, score.answered, score.best_streak
        )?,
    }
    out.flush()?;
    Ok(score)
}

/// The session's first line: how many questions, and the seed that replays them.
fn header(lang: Lang, count: usize, seed: u64) -> String {
    match lang {
        Lang::En => format!(
            "xaas quiz: {count} question{}, seed {seed} (replay with --seed {seed}). Answer 1-4; q quits.",
            if count == 1 { "" } else { "s" }
        ),
        Lang::Ko => format!(
            "xaas 퀴즈: {count}문제, 시드 {seed} (--seed {seed}로 다시 풀 수 있습니다). 1-4로 답하고, q로 그만합니다."
        ),
    }
}

/// One question: its number, the prompt, and the numbered choices.
fn write_question(
    out: &mut impl Write,
    lang: Lang,
    number: usize,
    count: usize,
    question: &QuizQuestion,
) -> io::Result<()> {
    match lang {
        Lang::En => writeln!(out, "Question {number}/{count}")?,
        Lang::Ko => writeln!(out, "문제 {number}/{count}")?,
    }
    writeln!(out, "{}", question.prompt)?;
    for (index, choice) in question.choices.iter().enumerate() {
        writeln!(out, "  {}) {choice}", index + 1)?;
    }
    Ok(())
}

/// "3", "3)", "3." or a full-width "３" → index 2; anything else is no answer.
fn read_choice(line: &str) -> Option<usize> {
    let digit = line.trim_end_matches([')', '.']).trim();
    let mut chars = digit.chars();
    let first = chars.next()?;
    if chars.next().is_some() {
        return None;
    }
    let value = match first {
        '1'..='4' => first as usize - '1' as usize,
        '１'..='４' => first as usize - '１' as usize,
        _ => return None,
    };
    Some(value)
}

/// A seed when none is given: the clock and the process id, mixed. Only the terminal needs
/// one; the quiz itself never reads a clock.
pub(super) fn fresh_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos() as u64);
    let mixed = nanos ^ (u64::from(std::process::id()) << 32);
    // Keep it short enough to type back: the low 32 bits.
    mixed & 0xFFFF_FFFF
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::KnowledgeBase;

    fn quiz() -> Quiz {
        Quiz::build(&KnowledgeBase::builtin().expect("the built-in knowledge base loads"))
    }

    fn options(lang: Lang, count: usize) -> QuizOptions {
        QuizOptions {
            lang,
            topic: None,
            count,
            seed: 1,
            echo: true,
        }
    }

    #[test]
    fn reads_answers_in_the_forms_people_type() {
        assert_eq!(read_choice("1"), Some(0));
        assert_eq!(read_choice("4)"), Some(3));
        assert_eq!(read_choice("2."), Some(1));
        assert_eq!(read_choice("３"), Some(2));
        for wrong in ["", "0", "5", "12", "a", "1 2"] {
            assert_eq!(read_choice(wrong), None, "{wrong:?}");
        }
    }

    #[test]
    fn keeps_the_score_and_the_streak() {
        let quiz = quiz();
        let options = options(Lang::En, 4);
        let questions = quiz.questions(1, Lang::En, None, 4).expect("questions");
        // right, right, wrong, right
        let answers: Vec<String> = questions
            .iter()
            .enumerate()
            .map(|(index, q)| {
                let choice = if index == 2 { (q.answer + 1) % 4 } else { q.answer };
                (choice + 1).to_string()
            })
            .collect();
        let input = format!("nonsense\n{}\n", answers.join("\n"));
        let mut out = Vec::new();
        let score = play(&quiz, &options, input.as_bytes(), &mut out).expect("plays");
        assert_eq!(
            score,
            Score {
                answered: 4,
                right: 3,
                streak: 1,
                best_streak: 2
            }
        );
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.contains("Answer with 1, 2, 3 or 4"), "{text}");
        assert!(text.contains("final score: 3/4 (best streak 2)"), "{text}");
        assert_eq!(text.matches("source: ").count(), 4, "{text}");
    }

    #[test]
    fn the_end_of_input_or_q_ends_early_with_a_score() {
        let quiz = quiz();
        let mut out = Vec::new();
        let score = play(&quiz, &options(Lang::Ko, 3), "q\n".as_bytes(), &mut out).expect("plays");
        assert_eq!(score.answered, 0);
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.contains("최종 점수: 0/0"), "{text}");
        let mut out = Vec::new();
        play(&quiz, &options(Lang::En, 3), "1\n".as_bytes(), &mut out).expect("plays");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(
            text.contains("(end of input)") && text.contains("final score: "),
            "{text}"
        );
    }
}
