//! The configuration: built-in defaults, then one TOML file, then `XAAS_*` environment
//! variables, in that order of precedence.
//!
//! Secrets (the LLM API key, the Discord token) come only from the environment: a secret
//! written in the file is refused, and the `Debug` of anything holding one is redacted. Every
//! error names the file, the key and the line:column. This module holds no global state; the
//! loaded [`Config`] is passed to whoever needs it.

use std::fmt;
use std::path::{Path, PathBuf};

use secrecy::SecretString;
use serde::Deserialize;

use crate::located_toml::{self, TomlError};

/// The environment variable that selects a config file when `--config` is not given.
pub const CONFIG_ENV: &str = "XAAS_CONFIG";
/// The only place the LLM API key is read from.
pub const LLM_KEY_ENV: &str = "XAAS_LLM_API_KEY";
/// The only place the Discord bot token is read from.
pub const DISCORD_TOKEN_ENV: &str = "DISCORD_TOKEN";

/// Keys that hold secrets and therefore may never appear in the file.
const SECRET_KEYS: [&str; 7] = [
    "api_key",
    "apikey",
    "key",
    "token",
    "discord_token",
    "secret",
    "password",
];

/// The whole configuration, after defaults, file and environment are merged.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where the knowledge base and prompts come from.
    pub knowledge: KnowledgeConfig,
    /// The LLM API, if any.
    pub llm: LlmConfig,
    /// The Discord front end.
    pub discord: DiscordConfig,
    /// Bounds on what one question may cost.
    pub limits: LimitsConfig,
    /// The embedded database (feedback, unanswered questions, quiz scores).
    pub store: StoreConfig,
    /// The file this came from, if any; shown by `xaas check`.
    #[serde(skip)]
    pub origin: Option<PathBuf>,
}

/// Where to read knowledge and prompt files from; empty means the built-in copies.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KnowledgeConfig {
    /// A knowledge folder (`XAAS_KNOWLEDGE_DIR` overrides).
    pub dir: Option<PathBuf>,
    /// A prompts folder holding `system.jinja` and `user.jinja` (`XAAS_PROMPTS_DIR` overrides).
    pub prompts_dir: Option<PathBuf>,
}

/// Which LLM API answers grounded questions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// No LLM: every answer is the offline one.
    #[default]
    None,
    /// OpenAI-compatible chat completions (OpenAI, Ollama, vLLM, llama.cpp, OpenRouter, Groq,
    /// Gemini's compatible endpoint).
    Openai,
    /// Anthropic's Messages API.
    Anthropic,
}

impl ProviderKind {
    /// The name used in config, logs and errors.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::None => "none",
            ProviderKind::Openai => "openai",
            ProviderKind::Anthropic => "anthropic",
        }
    }

    fn parse(value: &str) -> Option<ProviderKind> {
        match value.trim().to_ascii_lowercase().as_str() {
            "none" | "" | "off" => Some(ProviderKind::None),
            "openai" => Some(ProviderKind::Openai),
            "anthropic" => Some(ProviderKind::Anthropic),
            _ => None,
        }
    }

    /// The API base used when `base_url` is not set.
    pub fn default_base_url(self) -> &'static str {
        match self {
            ProviderKind::None => "",
            ProviderKind::Openai => "https://api.openai.com/v1",
            ProviderKind::Anthropic => "https://api.anthropic.com",
        }
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `[llm]`: the model that writes grounded answers, and the bounds around calling it. Its
/// `Debug` shows the key as `[REDACTED]` (secrecy's `SecretString` does that itself).
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LlmConfig {
    /// `none`, `openai` or `anthropic` (`XAAS_LLM_PROVIDER`).
    pub provider: ProviderKind,
    /// The API base; for `openai` it includes the version path (`XAAS_LLM_BASE_URL`).
    pub base_url: Option<String>,
    /// The model name (`XAAS_LLM_MODEL`).
    pub model: String,
    /// The bound on one whole answer, retries and waiting for a slot included
    /// (`XAAS_LLM_TIMEOUT_SECS`).
    pub timeout_secs: u64,
    /// The bound on opening a connection.
    pub connect_timeout_secs: u64,
    /// The most tokens the model may write.
    pub max_tokens: u32,
    /// Sampling temperature, 0 to 2.
    pub temperature: f32,
    /// Retries after a 429 or 5xx, within `timeout_secs`.
    pub max_retries: u32,
    /// How many LLM calls may run at once across all users.
    pub max_concurrent: usize,
    /// How many answers the cache keeps.
    pub cache_capacity: u64,
    /// How long a cached answer is reused, in seconds; 0 turns the cache off.
    pub cache_ttl_secs: u64,
    /// The longest answer a user sees; longer model output is cut at a sentence.
    pub max_answer_chars: usize,
    /// How many earlier turns of a conversation the model sees as earlier messages.
    pub history_turns: usize,
    /// The most characters of earlier turns (questions and answers) the model sees.
    pub history_chars: usize,
    /// From `XAAS_LLM_API_KEY` only; never from the file.
    #[serde(skip)]
    pub api_key: Option<SecretString>,
}

impl Default for LlmConfig {
    fn default() -> LlmConfig {
        LlmConfig {
            provider: ProviderKind::None,
            base_url: None,
            model: String::new(),
            timeout_secs: 20,
            connect_timeout_secs: 5,
            max_tokens: 800,
            temperature: 0.2,
            max_retries: 2,
            max_concurrent: 4,
            cache_capacity: 1000,
            cache_ttl_secs: 3600,
            max_answer_chars: 3500,
            history_turns: 4,
            history_chars: 3000,
            api_key: None,
        }
    }
}

impl LlmConfig {
    /// The base URL in use: the configured one or the provider's default, without a trailing
    /// slash.
    pub fn base_url(&self) -> String {
        self.base_url
            .clone()
            .filter(|url| !url.trim().is_empty())
            .unwrap_or_else(|| self.provider.default_base_url().to_string())
            .trim_end_matches('/')
            .to_string()
    }

    /// Whether grounded answers go to an LLM at all.
    pub fn enabled(&self) -> bool {
        self.provider != ProviderKind::None
    }
}

/// `[discord]`: where the bot registers commands and which channels it answers in. Its
/// `Debug` shows the token as `[REDACTED]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiscordConfig {
    /// Register commands in this guild only (instant); otherwise globally.
    pub guild_id: Option<u64>,
    /// Channels where every message is a question, not only mentions. A forum channel listed
    /// here gets an answer to every new post, in the post's thread.
    pub answer_channels: Vec<u64>,
    /// Answer questions in answer channels in a new thread opened on the question, so each
    /// conversation has its own place.
    pub thread_answers: bool,
    /// A DM conversation continues until this many minutes pass without a message.
    pub dm_quiet_minutes: u64,
    /// The most conversations kept in memory; the least recently used are forgotten first.
    pub max_conversations: u64,
    /// A conversation is forgotten after this many minutes without a new turn.
    pub conversation_idle_minutes: u64,
    /// The most turns one conversation keeps.
    pub conversation_turns: usize,
    /// How many answers back a reply chain is read from Discord when the bot does not
    /// remember it (after a restart, say).
    pub reply_chain_depth: usize,
    /// Another Discord API base (a proxy or a test fake); `XAAS_DISCORD_API_BASE` overrides.
    pub api_base: Option<String>,
    /// From `DISCORD_TOKEN` only; never from the file.
    #[serde(skip)]
    pub token: Option<SecretString>,
}

impl Default for DiscordConfig {
    fn default() -> DiscordConfig {
        DiscordConfig {
            guild_id: None,
            answer_channels: Vec::new(),
            thread_answers: false,
            dm_quiet_minutes: 30,
            max_conversations: 10_000,
            conversation_idle_minutes: 24 * 60,
            conversation_turns: 8,
            reply_chain_depth: 6,
            api_base: None,
            token: None,
        }
    }
}

/// `[limits]`: what one question or one user may cost.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    /// Questions longer than this (in characters) are answered about their beginning.
    pub max_question_chars: usize,
    /// LLM answers one user may get per minute; past it the answer is the offline one.
    pub llm_per_user_per_minute: u32,
}

impl Default for LimitsConfig {
    fn default() -> LimitsConfig {
        LimitsConfig {
            max_question_chars: 1000,
            llm_per_user_per_minute: 6,
        }
    }
}

/// The store's file when none is configured: in the working directory, where a service's
/// state usually lives (systemd's `WorkingDirectory`, a container's volume).
pub const DEFAULT_STORE_PATH: &str = "xaas.sqlite3";

/// `[store]`: the embedded database (see [`crate::store`]). `store::Store::open` takes this
/// very type, so the bot and the CLI cannot disagree about where the file is.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// The SQLite file (`XAAS_STORE_PATH` overrides). A relative path written in the config
    /// file is relative to that file's folder; the default and the environment's are relative
    /// to the working directory. Created, with its folder, on first use.
    pub path: PathBuf,
    /// Keep the text of questions answered "I don't know" and of 👎 answers. Off by default:
    /// then only their terms (after the analyzer) are kept.
    pub keep_question_text: bool,
    /// Events waiting for the writer; past it they are dropped and counted, never waited for.
    pub queue_capacity: usize,
}

impl Default for StoreConfig {
    fn default() -> StoreConfig {
        StoreConfig {
            path: PathBuf::from(DEFAULT_STORE_PATH),
            keep_question_text: false,
            queue_capacity: 1024,
        }
    }
}

/// A configuration problem, located in the file where it can be.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {}", where_of(.file, .position), key_of(.key), .message)]
pub struct ConfigError {
    /// The file, or `None` for an environment variable.
    pub file: Option<PathBuf>,
    /// The key (`llm.timeout_secs`) or environment variable to blame.
    pub key: Option<String>,
    /// 1-based line and column in the file.
    pub position: Option<(usize, usize)>,
    /// What is wrong and what to do.
    pub message: String,
}

fn where_of(file: &Option<PathBuf>, position: &Option<(usize, usize)>) -> String {
    match (file, position) {
        (Some(file), Some((line, column))) => format!("{}:{line}:{column}", file.display()),
        (Some(file), None) => file.display().to_string(),
        (None, _) => "environment".to_string(),
    }
}

fn key_of(key: &Option<String>) -> String {
    key.as_ref().map(|key| format!(": key `{key}`")).unwrap_or_default()
}

impl Config {
    /// Loads the configuration: `path` (or `$XAAS_CONFIG`) if given, then the environment as
    /// read by `env`. With no file the built-in defaults apply. `env` is a parameter so tests
    /// need not touch the process environment.
    pub fn load(path: Option<&Path>, env: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let from_env = env(CONFIG_ENV)
            .filter(|value| !value.trim().is_empty())
            .map(PathBuf::from);
        let path = path.map(Path::to_path_buf).or(from_env);
        let (mut config, text) = match &path {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|error| ConfigError {
                    file: Some(path.clone()),
                    key: None,
                    position: None,
                    message: format!("cannot read the config file: {error}"),
                })?;
                let mut config = Config::parse(&text, path)?;
                config.origin = Some(path.clone());
                // Paths named in the file are relative to the file, not to where xaas runs.
                let base = path.parent().unwrap_or(Path::new("."));
                let store_path_in_file = sets_store_path(&text).then_some(&mut config.store.path);
                for dir in [&mut config.knowledge.dir, &mut config.knowledge.prompts_dir]
                    .into_iter()
                    .flatten()
                    .chain(store_path_in_file)
                {
                    if dir.is_relative() {
                        *dir = base.join(&*dir);
                    }
                }
                (config, text)
            }
            None => (Config::default(), String::new()),
        };
        config.apply_env(&env)?;
        config.validate(path.as_deref(), &text)?;
        Ok(config)
    }

    /// Parses one config file's text; `path` is only for error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let located = |error: TomlError| ConfigError {
            file: Some(path.to_path_buf()),
            key: error.field,
            position: error.position,
            message: error.message,
        };
        let table: toml::Table = located_toml::parse(text).map_err(located)?;
        if let Some(key) = find_secret(&table, "") {
            return Err(ConfigError {
                file: Some(path.to_path_buf()),
                position: locate_key(text, &key),
                message: format!(
                    "secrets are not read from the config file; remove it and set {LLM_KEY_ENV} or {DISCORD_TOKEN_ENV} in the environment"
                ),
                key: Some(key),
            });
        }
        located_toml::parse(text).map_err(located)
    }

    fn apply_env(&mut self, env: &impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        let get = |name: &str| env(name).filter(|value| !value.trim().is_empty());
        let bad = |name: &str, message: String| ConfigError {
            file: None,
            key: Some(name.to_string()),
            position: None,
            message,
        };
        if let Some(dir) = get("XAAS_KNOWLEDGE_DIR") {
            self.knowledge.dir = Some(PathBuf::from(dir));
        }
        if let Some(dir) = get("XAAS_PROMPTS_DIR") {
            self.knowledge.prompts_dir = Some(PathBuf::from(dir));
        }
        if let Some(value) = get("XAAS_LLM_PROVIDER") {
            self.llm.provider = ProviderKind::parse(&value).ok_or_else(|| {
                bad(
                    "XAAS_LLM_PROVIDER",
                    format!("`{value}` is not a provider; use none, openai or anthropic"),
                )
            })?;
        }
        if let Some(value) = get("XAAS_LLM_BASE_URL") {
            self.llm.base_url = Some(value);
        }
        if let Some(value) = get("XAAS_LLM_MODEL") {
            self.llm.model = value;
        }
        if let Some(value) = get("XAAS_LLM_TIMEOUT_SECS") {
            self.llm.timeout_secs = value.trim().parse().map_err(|_| {
                bad(
                    "XAAS_LLM_TIMEOUT_SECS",
                    format!("`{value}` is not a whole number of seconds"),
                )
            })?;
        }
        if let Some(key) = get(LLM_KEY_ENV) {
            self.llm.api_key = Some(SecretString::from(key.trim().to_string()));
        }
        if let Some(token) = get(DISCORD_TOKEN_ENV) {
            self.discord.token = Some(SecretString::from(token.trim().to_string()));
        }
        if let Some(value) = get("XAAS_DISCORD_API_BASE") {
            self.discord.api_base = Some(value);
        }
        if let Some(value) = get("XAAS_STORE_PATH") {
            self.store.path = PathBuf::from(value);
        }
        Ok(())
    }

    /// Range checks after the environment is applied; `text` is the file's, to point at the
    /// offending line when the value came from the file.
    fn validate(&self, path: Option<&Path>, text: &str) -> Result<(), ConfigError> {
        let fail = |key: &str, message: &str| {
            Err(ConfigError {
                file: path.map(Path::to_path_buf),
                key: Some(key.to_string()),
                position: locate_key(text, key),
                message: message.to_string(),
            })
        };
        let llm = &self.llm;
        if llm.enabled() && llm.model.trim().is_empty() {
            return fail(
                "llm.model",
                "a model name is required when an llm provider is set (or XAAS_LLM_MODEL)",
            );
        }
        if llm.enabled() {
            let base = llm.base_url();
            if !(base.starts_with("http://") || base.starts_with("https://")) {
                return fail("llm.base_url", "must start with http:// or https://");
            }
        }
        if !(1..=600).contains(&llm.timeout_secs) {
            return fail("llm.timeout_secs", "must be between 1 and 600");
        }
        if !(1..=120).contains(&llm.connect_timeout_secs) {
            return fail("llm.connect_timeout_secs", "must be between 1 and 120");
        }
        if !(1..=32_000).contains(&llm.max_tokens) {
            return fail("llm.max_tokens", "must be between 1 and 32000");
        }
        if !(0.0..=2.0).contains(&llm.temperature) {
            return fail("llm.temperature", "must be between 0 and 2");
        }
        if llm.max_retries > 10 {
            return fail("llm.max_retries", "must be at most 10");
        }
        if !(1..=256).contains(&llm.max_concurrent) {
            return fail("llm.max_concurrent", "must be between 1 and 256");
        }
        if !(200..=100_000).contains(&llm.max_answer_chars) {
            return fail("llm.max_answer_chars", "must be between 200 and 100000");
        }
        if llm.history_turns > 50 {
            return fail("llm.history_turns", "must be at most 50");
        }
        if llm.history_chars > 100_000 {
            return fail("llm.history_chars", "must be at most 100000");
        }
        if !(20..=100_000).contains(&self.limits.max_question_chars) {
            return fail("limits.max_question_chars", "must be between 20 and 100000");
        }
        if !(1..=1_000_000).contains(&self.discord.max_conversations) {
            return fail("discord.max_conversations", "must be between 1 and 1000000");
        }
        if !(1..=50).contains(&self.discord.conversation_turns) {
            return fail("discord.conversation_turns", "must be between 1 and 50");
        }
        if self.discord.reply_chain_depth > 50 {
            return fail("discord.reply_chain_depth", "must be at most 50");
        }
        if self.discord.conversation_idle_minutes == 0 {
            return fail("discord.conversation_idle_minutes", "must be at least 1");
        }
        if self.store.path.as_os_str().is_empty() {
            return fail("store.path", "must name a file (or leave it out for xaas.sqlite3)");
        }
        if !(1..=1_000_000).contains(&self.store.queue_capacity) {
            return fail("store.queue_capacity", "must be between 1 and 1000000");
        }
        if let Some(base) = &self.discord.api_base {
            if !(base.starts_with("http://") || base.starts_with("https://")) {
                return fail("discord.api_base", "must start with http:// or https://");
            }
        }
        Ok(())
    }
}

/// Whether the file's text sets `[store] path` itself (so it is relative to the file).
fn sets_store_path(text: &str) -> bool {
    text.parse::<toml::Table>()
        .ok()
        .and_then(|table| table.get("store")?.get("path").cloned())
        .is_some()
}

/// The first key, anywhere in the table, whose name says it holds a secret.
fn find_secret(table: &toml::Table, prefix: &str) -> Option<String> {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        if SECRET_KEYS.contains(&key.to_ascii_lowercase().as_str()) {
            return Some(path);
        }
        if let toml::Value::Table(inner) = value {
            if let Some(found) = find_secret(inner, &path) {
                return Some(found);
            }
        }
    }
    None
}

/// The line:column where `key` (`llm.timeout_secs`) is set in `text`, by a plain scan of
/// `[section]` headers and `name =` lines; `None` when the file does not set it.
fn locate_key(text: &str, key: &str) -> Option<(usize, usize)> {
    let (section, name) = key.rsplit_once('.').unwrap_or(("", key));
    let mut current = String::new();
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if let Some(header) = trimmed.strip_prefix('[') {
            current = header.trim_end_matches(']').trim().to_string();
            continue;
        }
        let Some((left, _)) = trimmed.split_once('=') else {
            continue;
        };
        let left = left.trim().trim_matches('"');
        let full = if current.is_empty() {
            left.to_string()
        } else {
            format!("{current}.{left}")
        };
        if full == key || (current == section && left == name) {
            return Some((number + 1, line.len() - line.trim_start().len() + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn defaults_are_offline_and_valid() {
        let config = Config::load(None, no_env).expect("defaults load");
        assert_eq!(config.llm.provider, ProviderKind::None);
        assert!(!config.llm.enabled());
    }

    #[test]
    fn unknown_key_and_wrong_type_name_the_key_and_line() {
        let path = Path::new("x.toml");
        let error = Config::parse("[llm]\nprovider = \"openai\"\ntimeout = 3\n", path).expect_err("unknown key");
        let text = error.to_string();
        assert!(text.starts_with("x.toml:3:1"), "{text}");
        assert!(text.contains("timeout"), "{text}");
        let error = Config::parse("[llm]\ntimeout_secs = \"ten\"\n", path).expect_err("wrong type");
        assert_eq!(error.key.as_deref(), Some("llm.timeout_secs"));
        assert_eq!(error.position.map(|p| p.0), Some(2));
    }

    #[test]
    fn a_secret_in_the_file_is_refused() {
        let error = Config::parse(
            "[llm]\nprovider = \"openai\"\napi_key = \"sk-live-123\"\n",
            Path::new("c.toml"),
        )
        .expect_err("secret refused");
        assert_eq!(error.key.as_deref(), Some("llm.api_key"));
        assert_eq!(error.position.map(|p| p.0), Some(3));
        assert!(!error.to_string().contains("sk-live-123"));
    }

    #[test]
    fn environment_overrides_the_file_and_keys_stay_redacted() {
        let dir = std::env::temp_dir().join(format!("xaas-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("xaas.toml");
        std::fs::write(
            &path,
            "[llm]\nprovider = \"anthropic\"\nmodel = \"m1\"\ntimeout_secs = 30\n",
        )
        .expect("write");
        let env = |name: &str| match name {
            "XAAS_LLM_PROVIDER" => Some("openai".to_string()),
            "XAAS_LLM_TIMEOUT_SECS" => Some("7".to_string()),
            "XAAS_LLM_API_KEY" => Some("sk-secret-value".to_string()),
            "DISCORD_TOKEN" => Some("discord-secret-token".to_string()),
            _ => None,
        };
        let config = Config::load(Some(&path), env).expect("loads");
        assert_eq!(config.llm.provider, ProviderKind::Openai);
        assert_eq!(config.llm.model, "m1");
        assert_eq!(config.llm.timeout_secs, 7);
        assert_eq!(config.llm.base_url(), "https://api.openai.com/v1");
        assert_eq!(
            config
                .llm
                .api_key
                .as_ref()
                .map(|k| k.expose_secret().to_string())
                .as_deref(),
            Some("sk-secret-value")
        );
        let debug = format!("{config:?}");
        assert!(!debug.contains("sk-secret-value"), "{debug}");
        assert!(!debug.contains("discord-secret-token"), "{debug}");
        assert_eq!(debug.matches("[REDACTED]").count(), 2, "{debug}");
    }

    #[test]
    fn out_of_range_values_are_errors() {
        let dir = std::env::temp_dir().join(format!("xaas-range-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("xaas.toml");
        std::fs::write(&path, "# comment\n[llm]\nmodel = \"m\"\ntemperature = 5.0\n").expect("write");
        let error = Config::load(Some(&path), no_env).expect_err("temperature out of range");
        assert_eq!(error.key.as_deref(), Some("llm.temperature"));
        assert_eq!(error.position, Some((4, 1)));
        let env = |name: &str| (name == "XAAS_LLM_TIMEOUT_SECS").then(|| "0".to_string());
        let error = Config::load(None, env).expect_err("zero timeout");
        assert_eq!(error.key.as_deref(), Some("llm.timeout_secs"));
        let env = |name: &str| (name == "XAAS_LLM_PROVIDER").then(|| "gpt".to_string());
        assert!(Config::load(None, env)
            .expect_err("bad provider")
            .to_string()
            .contains("XAAS_LLM_PROVIDER"));
    }

    #[test]
    fn store_path_is_relative_to_the_file_that_names_it() {
        let dir = std::env::temp_dir().join(format!("xaas-store-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("xaas.toml");
        std::fs::write(
            &path,
            "[store]\npath = \"data/bot.sqlite3\"\nkeep_question_text = true\n",
        )
        .expect("write");
        let config = Config::load(Some(&path), no_env).expect("loads");
        assert_eq!(config.store.path, dir.join("data/bot.sqlite3"));
        assert!(config.store.keep_question_text);
        assert_eq!(config.store.queue_capacity, 1024);

        std::fs::write(&path, "[store]\nqueue_capacity = 8\n").expect("write");
        let config = Config::load(Some(&path), no_env).expect("loads");
        assert_eq!(
            config.store.path,
            PathBuf::from(DEFAULT_STORE_PATH),
            "the default is the working directory's"
        );
        assert!(!config.store.keep_question_text, "question text is off by default");

        let env = |name: &str| (name == "XAAS_STORE_PATH").then(|| "/var/lib/xaas/x.sqlite3".to_string());
        let config = Config::load(Some(&path), env).expect("loads");
        assert_eq!(config.store.path, PathBuf::from("/var/lib/xaas/x.sqlite3"));

        std::fs::write(&path, "[store]\nqueue_capacity = 0\n").expect("write");
        let error = Config::load(Some(&path), no_env).expect_err("zero capacity");
        assert_eq!(error.key.as_deref(), Some("store.queue_capacity"));
        assert_eq!(error.position, Some((2, 1)));
    }
}
