//! The `xaas` command line: a thin adapter that parses arguments, builds the one
//! [`Assistant`], and renders its replies; `xaas quiz` plays the questions of
//! [`crate::quiz`] the same way. No answer or question logic lives here.

mod chat;
mod quiz;
mod render;
mod stats;

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::assistant::{Assistant, Question, Reply};
use crate::config::Config;
use crate::knowledge::Lang;
use crate::picture::{self, PictureOptions};
use crate::{llm, reload};

/// Command-line arguments of `xaas`.
#[derive(Parser, Debug)]
#[command(
    name = "xaas",
    version,
    about = "Ask about cloud service models (IaaS, PaaS, SaaS, GPUaaS, IQaaS, ...) in Korean or English"
)]
pub struct Cli {
    /// The config file (default: $XAAS_CONFIG; without either, built-in defaults).
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,
    /// A knowledge folder to use instead of the built-in knowledge base ($XAAS_KNOWLEDGE_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    knowledge: Option<PathBuf>,
    /// A prompts folder (system.jinja, user.jinja) instead of the built-in one ($XAAS_PROMPTS_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    prompts: Option<PathBuf>,
    /// Log lines (on stderr) as readable text or as JSON objects, one per line.
    #[arg(long, global = true, value_enum, env = "XAAS_LOG_FORMAT", default_value_t = LogFormat::Text)]
    log_format: LogFormat,
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
        /// Answer from the knowledge base only, even when an LLM is configured.
        #[arg(long)]
        offline: bool,
        /// Print the exact prompt a grounded answer would send, without sending it.
        #[arg(long, conflicts_with = "json")]
        show_prompt: bool,
    },
    /// A conversation: follow-ups ("그럼 PaaS는?", "and its downsides?") keep the context.
    /// On a terminal, an editor with history; piped, one turn per line. `/reset` starts over.
    Chat {
        #[command(flatten)]
        output: Output,
        /// Answer from the knowledge base only, even when an LLM is configured.
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
    /// A multiple-choice quiz from the knowledge base: answer each question with 1-4 (typed
    /// or piped, one answer a line); right or wrong, the explanation and its source, the score.
    Quiz {
        /// Language of the questions (default: en).
        #[arg(long, value_parser = parse_lang)]
        lang: Option<Lang>,
        /// Only questions about this model or topic id (iaas, gdpr, ai-stack, ...).
        #[arg(long, value_name = "ID")]
        topic: Option<String>,
        /// How many questions (1-100).
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=100))]
        count: u16,
        /// The same seed asks the same questions (default: from the clock; it is printed).
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Draw who manages what (the responsibility stack) for one or more models as a PNG,
    /// on-premise first as the baseline.
    Picture {
        /// The models: ids, names or aliases (iaas, 사스, serverless, ...).
        #[arg(required = true)]
        names: Vec<String>,
        /// Label language (default: Korean when a name has Hangul, else English).
        #[arg(long, value_parser = parse_lang)]
        lang: Option<Lang>,
        /// Leave out the on-premise baseline column.
        #[arg(long)]
        no_baseline: bool,
        /// Where to write the PNG.
        #[arg(short = 'o', long = "output", value_name = "FILE.png")]
        output: PathBuf,
    },
    /// What the bot's store has seen: questions per day, by language, kind and mode; the most
    /// asked entries and aspects; the don't-know rate and the unanswered terms; 👎 by entry;
    /// quiz players and scores. Reads the store without creating or changing it.
    Stats {
        /// Only what happened since: 90m, 24h, 7d, 2w, or a day (YYYY-MM-DD, UTC).
        #[arg(long, value_name = "WHEN", value_parser = stats::parse_since)]
        since: Option<stats::Since>,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Load and validate the configuration, knowledge base, prompts and store, and say what
    /// was loaded.
    Check,
    /// Run the Discord bot until SIGINT or SIGTERM (the token comes from DISCORD_TOKEN).
    Serve,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Readable text.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
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
/// honest don't-know included), 2 bad arguments, configuration or knowledge. `init_logs` is
/// called once the arguments are known, with the log format and the default filter (`info`
/// for `serve`, `warn` otherwise; `RUST_LOG` overrides), so the binary alone sets up logging.
pub fn run(args: impl IntoIterator<Item = std::ffi::OsString>, init_logs: impl FnOnce(LogFormat, &str)) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    let default_filter = if matches!(cli.command, Command::Serve) {
        "info"
    } else {
        "warn"
    };
    init_logs(cli.log_format, default_filter);
    match execute(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("xaas: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// The merged configuration; command-line folders win over the file and the environment.
fn load_config(cli: &Cli) -> anyhow::Result<Config> {
    let mut config = Config::load(cli.config.as_deref(), |name| std::env::var(name).ok())?;
    if let Some(dir) = &cli.knowledge {
        config.knowledge.dir = Some(dir.clone());
    }
    if let Some(dir) = &cli.prompts {
        config.knowledge.prompts_dir = Some(dir.clone());
    }
    Ok(config)
}

/// Where the configuration says knowledge and prompts come from: read at start and, for
/// `serve`, watched for changes.
fn sources(config: &Config) -> reload::Sources {
    reload::Sources {
        knowledge_dir: config.knowledge.dir.clone(),
        prompts_dir: config.knowledge.prompts_dir.clone(),
    }
}

/// `assistant` answering through the configured LLM, if one is configured.
fn with_configured_llm(assistant: Assistant, config: &Config) -> anyhow::Result<Assistant> {
    Ok(match llm::connect(&config.llm)? {
        Some(client) => assistant.with_llm(client, &config.llm),
        None => assistant,
    })
}

fn execute(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = load_config(&cli)?;
    if let Command::Stats { since, json } = &cli.command {
        // The store only: a broken knowledge folder does not hide what was recorded.
        let mut out = io::BufWriter::new(io::stdout().lock());
        stats::run(&config.store, *since, *json, &mut out)?;
        let _ = out.flush();
        return Ok(ExitCode::SUCCESS);
    }
    let (knowledge, prompts) = reload::load(&sources(&config))?;
    if let Command::Quiz {
        lang,
        topic,
        count,
        seed,
    } = &cli.command
    {
        let options = quiz::QuizOptions {
            lang: lang.unwrap_or(Lang::En),
            topic: topic.clone(),
            count: usize::from(*count),
            seed: seed.unwrap_or_else(quiz::fresh_seed),
            echo: !io::stdin().is_terminal(),
        };
        let stdout = io::stdout();
        let mut out = io::BufWriter::new(stdout.lock());
        let played = quiz::play(
            &crate::quiz::Quiz::build(&knowledge),
            &options,
            io::stdin().lock(),
            &mut out,
        );
        return match played {
            Ok(_) => Ok(ExitCode::SUCCESS),
            // A closed pipe is no error worth a status of its own.
            Err(error)
                if error
                    .downcast_ref::<io::Error>()
                    .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe) =>
            {
                Ok(ExitCode::SUCCESS)
            }
            Err(error) => Err(error),
        };
    }
    let assistant = Assistant::with_prompts(knowledge, prompts);
    if let Command::Serve = cli.command {
        return serve(&config, assistant);
    }
    let stdout = io::stdout();
    // Rust's stdout writes at every newline; answers are flushed where it matters instead
    // (after a one-off answer, and before a read of stdin that may wait).
    let mut out = io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    match cli.command {
        Command::Ask {
            question,
            output,
            offline,
            show_prompt,
        } => {
            if show_prompt {
                let question = Question::new(question.join(" ")).in_lang(output.lang);
                match assistant.prompt(&question)? {
                    Some(prompt) => {
                        let _ = writeln!(out, "--- system ---\n{}\n--- user ---\n{}", prompt.system, prompt.user);
                    }
                    None => {
                        let _ = writeln!(
                            out,
                            "(nothing in the knowledge base matches; no LLM call would be made)"
                        );
                    }
                }
                return Ok(ExitCode::SUCCESS);
            }
            let assistant = if offline {
                assistant
            } else {
                with_configured_llm(assistant, &config)?
            };
            if assistant.llm_enabled() {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
                let answer = |question: &Question| runtime.block_on(assistant.respond(question, None));
                // One question at a time: each LLM answer is written as soon as it is back.
                ask(&question, &output, &mut out, answer, Batches { workers: 1, max: 1 })?;
            } else {
                let workers = std::thread::available_parallelism().map_or(1, usize::from).clamp(1, 8);
                let answer = |question: &Question| assistant.answer(question);
                ask(
                    &question,
                    &output,
                    &mut out,
                    answer,
                    Batches {
                        workers,
                        max: MAX_BATCH,
                    },
                )?;
            }
        }
        Command::Chat { output, offline } => {
            let options = chat::ChatOptions {
                json: output.json,
                lang: output.lang,
            };
            let assistant = if offline {
                assistant
            } else {
                with_configured_llm(assistant, &config)?
            };
            if assistant.llm_enabled() {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
                chat::chat(&options, &mut out, |question| {
                    runtime.block_on(assistant.respond(question, None))
                })?;
            } else {
                chat::chat(&options, &mut out, |question| assistant.answer(question))?;
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
        Command::Picture {
            names,
            lang,
            no_baseline,
            output,
        } => {
            let ids = names
                .iter()
                .map(|name| assistant.resolve(name))
                .collect::<Result<Vec<String>, _>>()?;
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            let options = PictureOptions {
                baseline: !no_baseline,
                ..PictureOptions::new(lang.unwrap_or(guess_lang(&names.join(" "))))
            };
            let picture = picture::responsibility_png(assistant.snapshot().knowledge(), &ids, &options)?;
            std::fs::write(&output, &picture.png)
                .with_context(|| format!("cannot write the picture to {}", output.display()))?;
            let _ = writeln!(
                out,
                "{}: {}×{} PNG, {} bytes\n{}",
                output.display(),
                picture.width,
                picture.height,
                picture.png.len(),
                picture.alt_text
            );
        }
        Command::Check => {
            let snapshot = assistant.snapshot();
            let knowledge = snapshot.knowledge();
            let models = knowledge
                .entries()
                .iter()
                .filter(|e| e.kind == crate::knowledge::EntryKind::Model)
                .count();
            let origin = config
                .origin
                .as_ref()
                .map_or("built-in defaults".to_string(), |p| p.display().to_string());
            let _ = writeln!(out, "config: {origin}");
            let llm = &config.llm;
            if llm.enabled() {
                let key = if llm.api_key.is_some() { "set" } else { "not set" };
                let _ = writeln!(
                    out,
                    "llm: {} model {} at {} (timeout {}s, key {key})",
                    llm.provider,
                    llm.model,
                    llm.base_url(),
                    llm.timeout_secs
                );
            } else {
                let _ = writeln!(out, "llm: none (answers are offline)");
            }
            let _ = writeln!(
                out,
                "knowledge: {} entries ({} models, {} topics) from {}, version {}",
                knowledge.entries().len(),
                models,
                knowledge.entries().len() - models,
                knowledge.origin(),
                knowledge.version()
            );
            let _ = writeln!(out, "prompts: {}", snapshot.prompts().origin());
            let _ = writeln!(out, "{}", stats::check_line(&config.store.path)?);
            let _ = writeln!(out, "ok");
        }
        // answered above, before stdout was locked
        Command::Serve | Command::Quiz { .. } | Command::Stats { .. } => {}
    }
    // A closed pipe is no error worth a status of its own.
    let _ = out.flush();
    Ok(ExitCode::SUCCESS)
}

/// `xaas serve`: the Discord bot over the same assistant (with the LLM when one is
/// configured), on a multi-threaded runtime, until SIGINT or SIGTERM. A missing token or a bad
/// configuration is exit status 2 (through the caller); the bot failing later is 1.
fn serve(config: &Config, assistant: Assistant) -> anyhow::Result<ExitCode> {
    if config.discord.token.is_none() {
        anyhow::bail!(crate::discord::DiscordError::MissingToken);
    }
    // LLM answers per Discord user per minute, and the longest question read
    let assistant = with_configured_llm(assistant.with_limits(&config.limits), config)?;
    // A locked, read-only, corrupt or newer store is an error now, not when the first vote comes.
    let store = crate::store::Store::open(&config.store)?;
    tracing::info!(path = %store.path().display(), "opened the store");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let assistant = Arc::new(assistant);
    let sources = sources(config);
    let served = runtime.block_on(async {
        // Edits to the knowledge and prompts folders (and SIGHUP) reload while the bot runs.
        let _watcher = reload::watch(assistant.clone(), sources)?;
        tracing::info!(
            knowledge_version = %assistant.snapshot().knowledge().version(),
            knowledge = %assistant.snapshot().knowledge().origin(),
            prompts = %assistant.snapshot().prompts().origin(),
            llm = %config.llm.provider,
            "starting the Discord bot"
        );
        anyhow::Ok(
            crate::discord::serve(
                &config.discord,
                assistant.clone(),
                Some(store.clone()),
                shutdown_signal(),
            )
            .await,
        )
    })?;
    // The runtime is done with the store: what is still queued is written before we exit.
    drop(runtime);
    match store.close() {
        Ok(report) => tracing::info!(written = report.written, dropped = report.dropped, "closed the store"),
        Err(error) => eprintln!("xaas: {:#}", anyhow::Error::from(error)),
    }
    match served {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(
            error @ (crate::discord::DiscordError::MissingToken | crate::discord::DiscordError::InvalidConfig { .. }),
        ) => Err(error.into()),
        Err(error) => {
            eprintln!("xaas: {:#}", anyhow::Error::from(error));
            Ok(ExitCode::from(1))
        }
    }
}

/// Completes on SIGINT (Ctrl-C) or, on Unix, SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("SIGINT received"),
        () = terminate => tracing::info!("SIGTERM received"),
    }
}

/// The most questions answered together from what is already waiting on stdin.
const MAX_BATCH: usize = 4096;
/// Questions a worker takes at a time from a batch.
const PIECE: usize = 64;

/// How piped questions are answered: by how many threads, and how many of those already
/// waiting on stdin at most at once.
struct Batches {
    workers: usize,
    max: usize,
}

/// Answers the question given on the command line, or every line of stdin, in order. The
/// lines already waiting (up to `batches.max`) are answered and rendered on `batches.workers`
/// threads, then written in order, and the output is flushed before a read that may wait, so
/// an interactive pipe still gets each answer as its question arrives.
fn ask(
    words: &[String],
    output: &Output,
    out: &mut impl Write,
    answer: impl Fn(&Question) -> Reply + Sync,
    batches: Batches,
) -> anyhow::Result<()> {
    if !words.is_empty() {
        let question = Question::new(words.join(" ")).in_lang(output.lang);
        let reply = answer(&question);
        print(out, &question.text, &reply, output.json, false);
        return Ok(());
    }
    let workers = batches.workers.max(1);
    let mut input = io::BufReader::with_capacity(1024 * 1024, io::stdin().lock());
    let mut done = false;
    while !done {
        let mut batch: Vec<String> = Vec::new();
        loop {
            let mut line = String::new();
            if input.read_line(&mut line)? == 0 {
                done = true;
                break;
            }
            batch.push(line.trim_end_matches(['\n', '\r']).to_string());
            // Stop at what is already here: the next read might wait for the user.
            if batch.len() >= batches.max || !input.buffer().contains(&b'\n') {
                break;
            }
        }
        let render = |text: &String| {
            let question = Question::new(text.as_str()).in_lang(output.lang);
            let reply = answer(&question);
            rendered(&question.text, &reply, output.json, true)
        };
        let texts: Vec<String> = if batch.len() < 2 * workers {
            batch.iter().map(render).collect()
        } else {
            // Small pieces handed out in turn keep every core busy to the end of the batch.
            let next = std::sync::atomic::AtomicUsize::new(0);
            let pieces = batch.len().div_ceil(PIECE);
            let mut answered: Vec<(usize, String)> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..workers)
                    .map(|_| {
                        scope.spawn(|| {
                            let mut mine = Vec::new();
                            loop {
                                let piece = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                if piece >= pieces {
                                    break mine;
                                }
                                let lines = &batch[piece * PIECE..((piece + 1) * PIECE).min(batch.len())];
                                // One string per piece: far fewer allocations to hand across threads.
                                mine.push((piece, lines.iter().map(render).collect::<String>()));
                            }
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|handle| handle.join().unwrap_or_default())
                    .collect()
            });
            answered.sort_unstable_by_key(|(piece, _)| *piece);
            answered.into_iter().map(|(_, text)| text).collect()
        };
        for text in texts {
            if out.write_all(text.as_bytes()).is_err() {
                return Ok(());
            }
        }
        if out.flush().is_err() {
            return Ok(());
        }
    }
    Ok(())
}

/// One reply as it is written: a JSON line, or the terminal text (with a blank line after it
/// when several are written one after another).
fn rendered(question: &str, reply: &Reply, json: bool, stream: bool) -> String {
    let mut text = if json {
        render::json(question, reply)
    } else {
        render::terminal(reply)
    };
    if json || stream {
        text.push('\n');
    }
    text
}

/// `model`/`compare` names are short; a Hangul name means a Korean reply, else English.
fn guess_lang(names: &str) -> Lang {
    crate::search::analyzer::detect_lang(names)
}

/// Writes one reply; `false` when stdout is gone (a closed pipe), so the caller stops.
fn print(out: &mut impl Write, question: &str, reply: &Reply, json: bool, stream: bool) -> bool {
    let written = out.write_all(rendered(question, reply, json, stream).as_bytes());
    // A streamed answer is flushed by the reading loop, once no more input is waiting.
    written.and_then(|()| if stream { Ok(()) } else { out.flush() }).is_ok()
}
