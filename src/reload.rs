//! Hot reload: edits to the knowledge folder or the prompts folder take effect while the bot
//! runs, without a restart.
//!
//! A change (seen by watching the folders, or asked for with SIGHUP) loads and validates
//! everything anew; only a complete, valid snapshot is swapped into the [`Assistant`], so a
//! broken file leaves the last good version serving, is logged with its file, entry and field,
//! and is retried on the next change. Readers never wait: the swap is atomic. This module
//! knows nothing about Discord; `serve` starts it next to the bot.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher as _};
use tokio::sync::watch;

use crate::assistant::Assistant;
use crate::knowledge::{KnowledgeBase, KnowledgeError};
use crate::prompt::{PromptError, Prompts};

/// How long the folders must stay quiet before a reload: editors write a file in several
/// steps (temporary file, rename), and a burst of events is one change.
const QUIET: Duration = Duration::from_millis(300);

/// Where the knowledge base and prompts are read from; `None` means the built-in copy, which
/// never changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sources {
    /// The knowledge folder.
    pub knowledge_dir: Option<PathBuf>,
    /// The prompts folder.
    pub prompts_dir: Option<PathBuf>,
}

/// Why a reload did not happen; the previous snapshot keeps serving.
#[derive(Debug, thiserror::Error)]
pub enum ReloadError {
    /// The knowledge base did not load or validate.
    #[error(transparent)]
    Knowledge(#[from] KnowledgeError),
    /// The prompt templates did not load or render.
    #[error(transparent)]
    Prompts(#[from] PromptError),
    /// The folders could not be watched.
    #[error("cannot watch {path} for changes: {message}")]
    Watch {
        /// The folder.
        path: PathBuf,
        /// What the watcher said.
        message: String,
    },
}

/// What the last reload attempt did, for logs and tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReloadEvent {
    /// Nothing has been reloaded yet; the snapshot the process started with serves.
    Started(String),
    /// A new snapshot serves; the knowledge version it carries.
    Loaded(String),
    /// A reload failed; the previous snapshot still serves. The error, with file and field.
    Failed(String),
}

/// Loads and validates the knowledge base and prompts from `sources`.
pub fn load(sources: &Sources) -> Result<(KnowledgeBase, Prompts), ReloadError> {
    let knowledge = match &sources.knowledge_dir {
        Some(dir) => KnowledgeBase::from_dir(dir)?,
        None => KnowledgeBase::builtin()?,
    };
    let prompts = match &sources.prompts_dir {
        Some(dir) => Prompts::from_dir(dir)?,
        None => Prompts::builtin()?,
    };
    Ok((knowledge, prompts))
}

/// Reloads once: on success the new snapshot serves and its knowledge version is returned;
/// on failure nothing changes.
pub fn reload(assistant: &Assistant, sources: &Sources) -> Result<String, ReloadError> {
    let (knowledge, prompts) = load(sources)?;
    let version = knowledge.version().to_string();
    assistant.reload(knowledge, prompts);
    Ok(version)
}

/// A running watcher; dropping it stops watching.
pub struct Watcher {
    _watcher: Option<notify::RecommendedWatcher>,
    events: watch::Receiver<ReloadEvent>,
    task: tokio::task::JoinHandle<()>,
}

impl Watcher {
    /// The outcome of the latest reload attempt, updated as they happen.
    pub fn events(&self) -> watch::Receiver<ReloadEvent> {
        self.events.clone()
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Watches the folders in `sources` (and, on Unix, SIGHUP) and reloads `assistant` on every
/// change. Must be called inside a tokio runtime. With nothing to watch (built-in knowledge
/// and prompts), only SIGHUP is listened to.
pub fn watch(assistant: Arc<Assistant>, sources: Sources) -> Result<Watcher, ReloadError> {
    let (changed_tx, mut changed) = tokio::sync::mpsc::unbounded_channel::<()>();
    let mut watcher = None;
    let folders: Vec<PathBuf> = [&sources.knowledge_dir, &sources.prompts_dir]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    if !folders.is_empty() {
        let sender = changed_tx.clone();
        let mut notifier = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if event.is_ok_and(|event| !event.kind.is_access()) {
                let _ = sender.send(());
            }
        })
        .map_err(|error| ReloadError::Watch {
            path: folders[0].clone(),
            message: error.to_string(),
        })?;
        for folder in &folders {
            // The folder, not the files: editors save by writing a new file and renaming it.
            notifier
                .watch(folder, RecursiveMode::NonRecursive)
                .map_err(|error| ReloadError::Watch {
                    path: folder.clone(),
                    message: error.to_string(),
                })?;
        }
        watcher = Some(notifier);
    }
    spawn_hangup_listener(changed_tx);

    let started = assistant.snapshot().knowledge().version().to_string();
    let (events_tx, events) = watch::channel(ReloadEvent::Started(started));
    let task = tokio::spawn(async move {
        while changed.recv().await.is_some() {
            // Let the burst settle, then reload once for all of it.
            loop {
                match tokio::time::timeout(QUIET, changed.recv()).await {
                    Ok(Some(())) => continue,
                    Ok(None) => return,
                    Err(_) => break,
                }
            }
            let event = match reload(&assistant, &sources) {
                Ok(version) => {
                    tracing::info!(knowledge_version = %version, "reloaded knowledge and prompts");
                    ReloadEvent::Loaded(version)
                }
                Err(error) => {
                    tracing::error!(%error, "reload failed; the last good knowledge and prompts keep serving");
                    ReloadEvent::Failed(error.to_string())
                }
            };
            let _ = events_tx.send(event);
        }
    });
    Ok(Watcher {
        _watcher: watcher,
        events,
        task,
    })
}

#[cfg(unix)]
fn spawn_hangup_listener(changed: tokio::sync::mpsc::UnboundedSender<()>) {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::hangup()) {
        Ok(mut hangups) => {
            tokio::spawn(async move {
                while hangups.recv().await.is_some() {
                    tracing::info!("SIGHUP: reloading knowledge and prompts");
                    if changed.send(()).is_err() {
                        return;
                    }
                }
            });
        }
        Err(error) => tracing::warn!(%error, "cannot listen for SIGHUP; reload by editing files only"),
    }
}

#[cfg(not(unix))]
fn spawn_hangup_listener(_changed: tokio::sync::mpsc::UnboundedSender<()>) {}
