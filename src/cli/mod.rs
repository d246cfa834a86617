//! The `xaas` command line: a thin adapter that parses arguments, builds the one
//! [`Assistant`], and renders its replies. No answer logic lives here.

mod render;

use std::io::{self, BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::assistant::{Assistant, Question, Reply};
use crate::knowledge::{KnowledgeBase, Lang};

/// Command-line arguments of `xaas`.
#[derive(Parser, Debug)]
#[command(name = "xaas", version, about = "Ask about cloud service models (IaaS, PaaS, SaaS, GPUaaS, IQaaS, ...) in Korean or English")]
pub struct Cli {
    /// A knowledge folder to use instead of the built-in knowledge base.
    #[arg(long, global = true, env = "XAAS_KNOWLEDGE_DIR", value_name = "DIR")]
    knowledge: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Answer a question; with no question, answer each line of standard input.
    Ask {
        /// The question (several words are joined); omit to read questions from stdin.
        question: Vec<String>,
        #[command(flatten)]
        output: Output,
        /// Answer from the knowledge base only, without any LLM.
        #[arg(long)]
        offline: bool,
    },
    /// Explain one model or topic by id, name or alias (iaas, 사스, serverless, ...).
    Model {
        /// The model or topic.
        name: String,
        #[command(flatten)]
        output: Output,
    },
    /// Compare two (or more) models side by side.
    Compare {
        /// The first model.
        first: String,
        /// The second model, and any more.
        #[arg(required = true)]
        others: Vec<String>,
        #[command(flatten)]
        output: Output,
    },
    /// Load and validate the configuration and knowledge base, and say what was loaded.
    Check,
}

#[derive(Args, Debug)]
struct Output {
    /// Print one JSON object per answer, on one line.
    #[arg(long)]
    json: bool,
    /// Reply language (default: the question's language; English for `model`/`compare`).
    #[arg(long, value_parser = parse_lang)]
    lang: Option<Lang>,
}

fn parse_lang(value: &str) -> Result<Lang, String> {
    Lang::from_code(value).ok_or_else(|| format!("`{value}` is not a reply language; use ko or en"))
}

/// Runs `xaas` with these arguments and returns the process exit code: 0 answered (an
/// honest don't-know included), 2 bad arguments, configuration or knowledge.
pub fn run(args: impl IntoIterator<Item = std::ffi::OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    match execute(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("xaas: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn load_knowledge(dir: Option<&PathBuf>) -> anyhow::Result<KnowledgeBase> {
    let knowledge = match dir {
        Some(dir) => KnowledgeBase::from_dir(dir)?,
        None => KnowledgeBase::builtin()?,
    };
    Ok(knowledge)
}

fn execute(cli: Cli) -> anyhow::Result<ExitCode> {
    let knowledge = load_knowledge(cli.knowledge.as_ref())?;
    let assistant = Assistant::new(knowledge);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match cli.command {
        Command::Ask { question, output, offline: _ } => {
            if question.is_empty() {
                let stdin = io::stdin();
                for line in stdin.lock().lines() {
                    let line = line?;
                    let question = Question::new(line.trim_end_matches('\r')).in_lang(output.lang);
                    let reply = assistant.answer(&question);
                    if !print(&mut out, &question.text, &reply, output.json, true) {
                        break;
                    }
                }
            } else {
                let question = Question::new(question.join(" ")).in_lang(output.lang);
                let reply = assistant.answer(&question);
                print(&mut out, &question.text, &reply, output.json, false);
            }
        }
        Command::Model { name, output } => {
            let reply = assistant.model(&name, output.lang.unwrap_or(guess_lang(&name)))?;
            print(&mut out, &name, &reply, output.json, false);
        }
        Command::Compare { first, others, output } => {
            let mut names = vec![first.as_str()];
            names.extend(others.iter().map(String::as_str));
            let lang = output.lang.unwrap_or(guess_lang(&names.join(" ")));
            let reply = assistant.compare(&names, lang)?;
            print(&mut out, &names.join(" vs "), &reply, output.json, false);
        }
        Command::Check => {
            let knowledge = assistant.knowledge();
            let models = knowledge.entries().iter().filter(|e| e.kind == crate::knowledge::EntryKind::Model).count();
            let _ = writeln!(
                out,
                "knowledge: {} entries ({} models, {} topics) from {}, version {}",
                knowledge.entries().len(),
                models,
                knowledge.entries().len() - models,
                knowledge.origin(),
                knowledge.version()
            );
            let _ = writeln!(out, "ok");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `model`/`compare` names are short; a Hangul name means a Korean reply, else English.
fn guess_lang(names: &str) -> Lang {
    crate::search::analyzer::detect_lang(names)
}

/// Writes one reply; `false` when stdout is gone (a closed pipe), so the caller stops.
fn print(out: &mut impl Write, question: &str, reply: &Reply, json: bool, stream: bool) -> bool {
    let text = if json {
        render::json(question, reply)
    } else if stream {
        format!("{}\n", render::terminal(reply))
    } else {
        render::terminal(reply)
    };
    let written = if json { writeln!(out, "{text}") } else { write!(out, "{text}") };
    written.and_then(|()| out.flush()).is_ok()
}
