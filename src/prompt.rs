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

use crate::knowledge::{Entry, Lang};

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

/// What the templates see of one entry: its text in the reply language, flattened to lines.
#[derive(Serialize)]
struct EntryContext {
    id: String,
    title: String,
    summary: String,
    definition: String,
    analogies: Vec<String>,
    features: Vec<String>,
    providers: Vec<String>,
    use_cases: Vec<String>,
    pros: Vec<String>,
    cons: Vec<String>,
    glance: Vec<String>,
    management: String,
    sections: Vec<SectionContext>,
}

#[derive(Serialize)]
struct SectionContext {
    title: String,
    body: String,
}

impl EntryContext {
    fn of(entry: &Entry, lang: Lang) -> EntryContext {
        let texts = |items: &[crate::knowledge::Text]| items.iter().map(|t| t.get(lang).to_string()).collect();
        EntryContext {
            id: entry.id.clone(),
            title: entry.title(lang),
            summary: entry.summary.get(lang).to_string(),
            definition: entry.definition.get(lang).to_string(),
            analogies: entry.analogies.iter().map(|a| a.text.get(lang).to_string()).collect(),
            features: texts(&entry.features),
            providers: entry
                .providers
                .iter()
                .map(|p| {
                    if p.products.is_empty() {
                        format!("{}: {}", p.name, p.about.get(lang))
                    } else {
                        format!("{} ({}): {}", p.name, p.products.join(", "), p.about.get(lang))
                    }
                })
                .collect(),
            use_cases: texts(&entry.use_cases),
            pros: texts(&entry.pros),
            cons: texts(&entry.cons),
            glance: entry
                .comparison
                .as_ref()
                .map(|c| {
                    vec![
                        format!("delivered as: {}", c.delivery.get(lang)),
                        format!("typical use: {}", c.typical_use.get(lang)),
                        format!("customer manages: {}", c.you_manage.get(lang)),
                        format!("main customers: {}", c.customers.get(lang)),
                    ]
                })
                .unwrap_or_default(),
            management: entry
                .management
                .as_ref()
                .map(|m| {
                    let names = |layers: &[crate::knowledge::Layer]| {
                        layers.iter().map(|l| l.key()).collect::<Vec<_>>().join(", ")
                    };
                    let mut text = format!("customer: {}; provider: {}", names(&m.customer), names(&m.provider));
                    if let Some(note) = &m.note {
                        text.push_str(&format!(" ({})", note.get(lang)));
                    }
                    text
                })
                .unwrap_or_default(),
            sections: entry
                .sections
                .iter()
                .map(|s| SectionContext {
                    title: s.title.get(lang).to_string(),
                    body: s.body.get(lang).to_string(),
                })
                .collect(),
        }
    }
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
        prompts.render("IaaS?", Lang::En, &[], 300)?;
        Ok(prompts)
    }

    /// Where the templates came from.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Renders both messages for `question`, grounded in `entries` (best first).
    pub fn render(
        &self,
        question: &str,
        lang: Lang,
        entries: &[&Entry],
        max_words: usize,
    ) -> Result<RenderedPrompt, PromptError> {
        let lang_name = match lang {
            Lang::En => "English",
            Lang::Ko => "Korean",
        };
        let entries: Vec<EntryContext> = entries.iter().map(|e| EntryContext::of(e, lang)).collect();
        let context = context! {
            question => question,
            lang => lang.code(),
            lang_name => lang_name,
            entries => minijinja::Value::from(minijinja::value::Serde(&entries)),
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
        let rendered = prompts
            .render("IaaS 단점이 뭐야?", Lang::Ko, &[iaas], 250)
            .expect("renders");
        assert!(rendered.system.contains("Korean"));
        assert!(rendered.system.contains("[iaas]") || rendered.system.contains("square brackets"));
        assert!(rendered.user.contains("<entry id=\"iaas\">"));
        assert!(rendered.user.contains("IaaS 단점이 뭐야?"));
        assert!(rendered.user.contains(&iaas.summary.ko));
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
