//! `xaas chat`: one conversation in the terminal. Each line is a turn, answered with the
//! earlier turns as its context, so "그럼 PaaS는?" after "IaaS 단점이 뭐야?" asks for PaaS's
//! downsides, as it does in a Discord reply chain. The follow-up rules are the assistant's;
//! this only keeps the turns.
//!
//! On a terminal it is an editor with line editing and history (rustyline); with standard
//! input piped it reads one turn per line and answers each as it arrives. `/reset` starts a
//! new conversation, `/quit` (or Ctrl-D, or the end of input) leaves.

use std::io::{self, BufRead, IsTerminal, Write};

use crate::assistant::{Question, Reply, Turn};
use crate::knowledge::Lang;

use super::render;

/// The turns a terminal conversation keeps: as many as a Discord conversation.
const MAX_TURNS: usize = 12;

/// A line that starts the conversation over.
const RESET: &str = "/reset";
/// A line that leaves.
const QUIT: &[&str] = &["/quit", "/exit"];

/// How `xaas chat` shows its answers.
pub(super) struct ChatOptions {
    /// One JSON object per turn instead of text.
    pub json: bool,
    /// The reply language, when fixed.
    pub lang: Option<Lang>,
}

/// Runs the conversation on standard input until it ends; `answer` answers one question.
pub(super) fn chat(options: &ChatOptions, out: &mut impl Write, answer: impl Fn(&Question) -> Reply) -> io::Result<()> {
    let mut session = Session {
        options,
        answer,
        turns: Vec::new(),
    };
    if io::stdin().is_terminal() && !options.json {
        return interactive(out, |line, out| session.line(line, out).map(|_| ()));
    }
    for line in io::stdin().lock().lines() {
        if session.line(&line?, out)? == Step::Quit {
            break;
        }
    }
    Ok(())
}

/// What a line did to the conversation.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    Go,
    Quit,
}

/// One terminal conversation: its turns so far, and how to answer and show the next.
struct Session<'a, F> {
    options: &'a ChatOptions,
    answer: F,
    turns: Vec<Turn>,
}

impl<F: Fn(&Question) -> Reply> Session<'_, F> {
    /// Handles one line: a command, or a turn answered and shown.
    fn line(&mut self, line: &str, out: &mut dyn Write) -> io::Result<Step> {
        let line = line.trim();
        if line.is_empty() {
            return Ok(Step::Go);
        }
        if QUIT.contains(&line) {
            return Ok(Step::Quit);
        }
        if line == RESET {
            self.turns.clear();
            if !self.options.json {
                writeln!(out, "(new conversation)")?;
                out.flush()?;
            }
            return Ok(Step::Go);
        }
        let question = Question::new(line).in_lang(self.options.lang).after(self.turns.clone());
        let reply = (self.answer)(&question);
        if self.options.json {
            let resolved = reply.resolved.as_deref().unwrap_or(line);
            writeln!(out, "{}", render::json_turn(line, resolved, &reply))?;
        } else {
            if let Some(resolved) = &reply.resolved {
                writeln!(out, "({resolved})")?;
            }
            writeln!(out, "{}", render::terminal(&reply))?;
        }
        out.flush()?;
        self.turns.push(Turn::of(line, &reply));
        if self.turns.len() > MAX_TURNS {
            self.turns.remove(0);
        }
        Ok(Step::Go)
    }
}

/// The terminal editor: a prompt, line editing and history, until `/quit` or Ctrl-D.
fn interactive(out: &mut impl Write, mut turn: impl FnMut(&str, &mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    use rustyline::error::ReadlineError;
    let mut editor = rustyline::DefaultEditor::new().map_err(io::Error::other)?;
    writeln!(
        out,
        "Ask about cloud service models (한국어 OK). Follow-ups keep the context; /reset starts over, /quit leaves."
    )?;
    out.flush()?;
    loop {
        match editor.readline("xaas> ") {
            Ok(line) => {
                let line = line.trim();
                if line.is_empty() {
                    continue;
                }
                let _ = editor.add_history_entry(line);
                if QUIT.contains(&line) {
                    return Ok(());
                }
                turn(line, out)?;
            }
            // Ctrl-C drops the line being typed, as shells do; Ctrl-D leaves.
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => return Ok(()),
            Err(error) => return Err(io::Error::other(error)),
        }
    }
}
