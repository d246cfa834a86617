//! The grounded prompt: templates in `prompts/` rendered with the retrieved entries, the
//! question and the reply language.
//!
//! The templates are data (edit them without touching code); the built-in copies are
//! compiled in so the binary works anywhere, and `--prompts DIR` / the config can point at a
//! folder. Undefined variables are errors, so a broken template fails at load or first render,
//! never silently.

use std::path::{Path, PathBuf};

use minijinja::{context, Environment, UndefinedBehavior};
use serde::Serialize;

use crate::knowledge::Lang;

/// The system prompt template's file name.
pub const SYSTEM_TEMPLATE: &str = "system.jinja";
/// The user prompt template's file name.
pub const USER_TEMPLATE: &str = "user.jinja";

const BUILTIN: [(&str, &str); 2] = [
    (SYSTEM_TEMPLATE, include_str!("../prompts/system.jinja")),
    (USER_TEMPLATE, include_str!("../prompts/user.jinja")),
];

/// Why the prompt templates could not be loaded or rendered.
#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    /// A template file could not be read.
    #[error("cannot read prompt template {path}: {error}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error; part of the message, not chained, so it is printed once.
        error: std::io::Error,
    },
    /// A template does not parse or does not render.
    #[error("prompt template {name}: {message}")]
    Template {
        /// The template's file name.
        name: String,
        /// What minijinja said, with the line where it knows it.
        message: String,
    },
}

/// The two messages sent to the model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedPrompt {
    /// The rules.
    pub system: String,
    /// The entries and the question.
    pub user: String,
}

/// The loaded, checked prompt templates.
pub struct Prompts {
    environment: Environment<'static>,
    origin: String,
}

impl std::fmt::Debug for Prompts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prompts").field("origin", &self.origin).finish()
    }
}

/// What the templates see of one entry the answer rests on: its id (for citations), title
/// and one-line summary, in the reply language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroundingEntry {
    /// The entry id, cited as `[id]`.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its one-sentence summary.
    pub summary: String,
}

/// What the templates see of one fact: the id of the entry it is about, its aspect
/// (`con`, `role`, ...) and its text in the reply language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroundingFact {
    /// The id of the entry the fact is about, cited as `[id]`.
    pub id: String,
    /// The aspect's key.
    pub aspect: String,
    /// The fact.
    pub text: String,
}

impl Prompts {
    /// The templates compiled into the binary.
    pub fn builtin() -> Result<Prompts, PromptError> {
        Prompts::from_sources(
            BUILTIN.iter().map(|(n, s)| (n.to_string(), s.to_string())).collect(),
            "built-in",
        )
    }

    /// Loads `system.jinja` and `user.jinja` from `dir`.
    pub fn from_dir(dir: &Path) -> Result<Prompts, PromptError> {
        let mut sources = Vec::new();
        for name in [SYSTEM_TEMPLATE, USER_TEMPLATE] {
            let path = dir.join(name);
            let text = std::fs::read_to_string(&path).map_err(|error| PromptError::Io { path, error })?;
            sources.push((name.to_string(), text));
        }
        Prompts::from_sources(sources, &dir.display().to_string())
    }

    fn from_sources(sources: Vec<(String, String)>, origin: &str) -> Result<Prompts, PromptError> {
        let mut environment = Environment::new();
        environment.set_undefined_behavior(UndefinedBehavior::Strict);
        for (name, text) in sources {
            environment
                .add_template_owned(name.clone(), text)
                .map_err(|error| template_error(&name, &error))?;
        }
        let prompts = Prompts {
            environment,
            origin: origin.to_string(),
        };
        // Render once with a sample so a template that names a missing variable fails now.
        prompts.render("IaaS?", Lang::En, &[], &[], 300)?;
        Ok(prompts)
    }

    /// Where the templates came from.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Renders both messages for `question`, grounded in `facts` about `entries` (both best
    /// first).
    pub fn render(
        &self,
        question: &str,
        lang: Lang,
        entries: &[GroundingEntry],
        facts: &[GroundingFact],
        max_words: usize,
    ) -> Result<RenderedPrompt, PromptError> {
        let lang_name = match lang {
            Lang::En => "English",
            Lang::Ko => "Korean",
        };
        let context = context! {
            question => question,
            lang => lang.code(),
            lang_name => lang_name,
            entries => minijinja::Value::from(minijinja::value::Serde(entries)),
            facts => minijinja::Value::from(minijinja::value::Serde(facts)),
            max_words => max_words,
        };
        let render = |name: &str| {
            self.environment
                .get_template(name)
                .and_then(|template| template.render(&context))
                .map(|text| text.trim().to_string())
                .map_err(|error| template_error(name, &error))
        };
        Ok(RenderedPrompt {
            system: render(SYSTEM_TEMPLATE)?,
            user: render(USER_TEMPLATE)?,
        })
    }
}

fn template_error(name: &str, error: &minijinja::Error) -> PromptError {
    let mut message = error.to_string();
    if let Some(line) = error.line() {
        if !message.contains("line") {
            message.push_str(&format!(" (line {line})"));
        }
    }
    PromptError::Template {
        name: name.to_string(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::KnowledgeBase;

    #[test]
    fn renders_entries_question_and_language() {
        let knowledge = KnowledgeBase::builtin().expect("built-in knowledge");
        let prompts = Prompts::builtin().expect("built-in prompts");
        let iaas = knowledge.get("iaas").expect("iaas entry");
        let entry = GroundingEntry {
            id: iaas.id.clone(),
            title: iaas.title(Lang::Ko),
            summary: iaas.summary.ko.clone(),
        };
        let fact = GroundingFact {
            id: "iaas".to_string(),
            aspect: "con".to_string(),
            text: iaas.cons[0].ko.clone(),
        };
        let rendered = prompts
            .render("IaaS 단점이 뭐야?", Lang::Ko, &[entry], &[fact], 250)
            .expect("renders");
        assert!(rendered.system.contains("Korean"));
        assert!(rendered.system.contains("[iaas]") || rendered.system.contains("square brackets"));
        assert!(rendered.user.contains("[iaas]"));
        assert!(rendered.user.contains("IaaS 단점이 뭐야?"));
        assert!(rendered.user.contains(&iaas.summary.ko));
        assert!(rendered.user.contains(&iaas.cons[0].ko));
    }

    #[test]
    fn a_broken_template_is_an_error_naming_it() {
        let error = Prompts::from_sources(
            vec![
                (SYSTEM_TEMPLATE.to_string(), "{{ nope }}".to_string()),
                (USER_TEMPLATE.to_string(), "{{ question }}".to_string()),
            ],
            "test",
        )
        .expect_err("undefined variable");
        assert!(error.to_string().contains("system.jinja"), "{error}");
        let error = Prompts::from_sources(
            vec![
                (SYSTEM_TEMPLATE.to_string(), "ok".to_string()),
                (USER_TEMPLATE.to_string(), "{% for x in %}".to_string()),
            ],
            "test",
        )
        .expect_err("syntax error");
        assert!(error.to_string().contains("user.jinja"), "{error}");
    }
}
