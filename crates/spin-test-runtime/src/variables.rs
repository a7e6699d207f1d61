//! Application and component variables, resolved as Spin resolves them.
//!
//! Spin (`crates/expressions`, `crates/variables/src/env.rs`, `crates/factor-variables`)
//! resolves an application variable by asking its providers in turn and falling back to
//! the manifest default. `spin up` without a runtime config has one provider: the
//! environment, reading `SPIN_VARIABLE_<UPPERCASE_NAME>` and, when that is not set, a
//! `.env` file read from the *current working directory* (its default `dotenv_path` is the
//! relative path `.env`). A component sees only the variables its `[component.x.variables]`
//! declares; each value is a template (`"prefix {{ app_var }} suffix"`) over application
//! variables. Templates naming unknown application variables stop the app at start-up.
//!
//! The environment does not change while the process runs, so everything is resolved once
//! at start-up ([`Variables::resolve`]); a required variable that no provider supplies stops
//! start-up with Spin's message, naming the variable and never printing any value.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::manifest::{Manifest, validate_variable_name};

/// A variable failure; the variants mirror Spin's expression errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A name breaking Spin's variable-name rules.
    #[error("invalid variable name: {0}")]
    InvalidName(String),
    /// A template that does not parse or names an unknown application variable.
    #[error("invalid variable template: {0}")]
    InvalidTemplate(String),
    /// A provider failed, or nobody supplied a required variable.
    #[error("provider error: {0}")]
    Provider(String),
    /// The component declares no such variable.
    #[error("undefined variable: {0}")]
    Undefined(String),
}

/// Result alias for this module.
pub type Result<T> = std::result::Result<T, Error>;

/// A parsed `{{ expr }}` template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Lit(String),
    Expr(String),
}

impl Template {
    /// Parses a template: literal text with `{{ name }}` expressions.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTemplate`] on an unmatched `{{`.
    pub fn parse(text: &str) -> Result<Self> {
        let mut parts = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix("{{") {
                let (expr, tail) = after.split_once("}}").ok_or_else(|| {
                    Error::InvalidTemplate("unmatched '{{' in template".to_owned())
                })?;
                parts.push(Part::Expr(expr.trim().to_owned()));
                rest = tail;
            } else {
                let end = rest.find("{{").unwrap_or(rest.len());
                parts.push(Part::Lit(rest[..end].to_owned()));
                rest = &rest[end..];
            }
        }
        Ok(Self { parts })
    }

    /// The application variables the template refers to.
    pub fn references(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Expr(e) => Some(e.as_str()),
            Part::Lit(_) => None,
        })
    }

    /// Substitutes resolved application variables.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidName`] for a reference not in `values`.
    pub fn render(&self, values: &HashMap<String, String>) -> Result<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Lit(l) => out.push_str(l),
                Part::Expr(e) => {
                    out.push_str(values.get(e).ok_or_else(|| Error::InvalidName(e.clone()))?)
                }
            }
        }
        Ok(out)
    }
}

/// Where variable values come from besides manifest defaults.
pub trait Provider {
    /// The value of application variable `name`, if this provider has one.
    ///
    /// # Errors
    ///
    /// A message when the provider itself fails.
    fn get(&self, name: &str) -> std::result::Result<Option<String>, String>;
}

/// Reads one environment variable (the process environment, or a test's map).
type EnvLookup = Box<dyn Fn(&str) -> std::result::Result<String, std::env::VarError> + Send + Sync>;

/// Spin's default provider: `SPIN_VARIABLE_<NAME>` from the environment, then `.env`.
pub struct EnvProvider {
    lookup: EnvLookup,
    dotenv: std::result::Result<HashMap<String, String>, String>,
}

impl EnvProvider {
    /// The process environment and the `.env` file at `dotenv_path` (Spin: `./.env`).
    pub fn from_process(dotenv_path: &Path) -> Self {
        Self::new(|k| std::env::var(k), load_dotenv(dotenv_path))
    }

    /// A provider over any lookup function and pre-loaded dotenv entries.
    pub fn new(
        lookup: impl Fn(&str) -> std::result::Result<String, std::env::VarError> + Send + Sync + 'static,
        dotenv: std::result::Result<HashMap<String, String>, String>,
    ) -> Self {
        Self {
            lookup: Box::new(lookup),
            dotenv,
        }
    }

    /// The environment variable Spin reads for `name`.
    pub fn env_key(name: &str) -> String {
        format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase())
    }
}

impl Provider for EnvProvider {
    fn get(&self, name: &str) -> std::result::Result<Option<String>, String> {
        let key = Self::env_key(name);
        match (self.lookup)(&key) {
            Ok(v) => Ok(Some(v)),
            Err(std::env::VarError::NotPresent) => match &self.dotenv {
                Ok(map) => Ok(map.get(&key).cloned()),
                Err(e) => Err(e.clone()),
            },
            Err(e) => Err(format!("failed to resolve env var {key}: {e}")),
        }
    }
}

/// Reads a dotenv file as Spin does: a missing file is empty, a malformed one an error.
fn load_dotenv(path: &Path) -> std::result::Result<HashMap<String, String>, String> {
    match dotenvy::from_path_iter(path) {
        Err(_) => Ok(HashMap::new()),
        Ok(iter) => iter
            .collect::<std::result::Result<HashMap<_, _>, _>>()
            .map_err(|e| format!("reading {}: {e}", path.display())),
    }
}

/// Every variable value of the application, resolved.
#[derive(Debug, Clone, Default)]
pub struct Variables {
    app: HashMap<String, String>,
    components: HashMap<String, BTreeMap<String, String>>,
}

impl Variables {
    /// Resolves all application variables through `providers` (then defaults) and every
    /// component's variable templates.
    ///
    /// # Errors
    ///
    /// [`Error::Provider`] naming a required variable nobody supplies (Spin's
    /// `Variable data not provided for "name"`), [`Error::InvalidTemplate`] for a component
    /// template naming an unknown application variable.
    pub fn resolve(manifest: &Manifest, providers: &[&dyn Provider]) -> Result<Self> {
        let mut app = HashMap::new();
        for (name, var) in &manifest.variables {
            let mut value = None;
            for provider in providers {
                if let Some(v) = provider.get(name).map_err(Error::Provider)? {
                    value = Some(v);
                    break;
                }
            }
            let value = value.or_else(|| var.default.clone()).ok_or_else(|| {
                Error::Provider(format!(
                    "Variable data not provided for \"{name}\": set {} in the environment or in .env",
                    EnvProvider::env_key(name)
                ))
            })?;
            app.insert(name.clone(), value);
        }
        let mut components = HashMap::new();
        for (id, component) in &manifest.components {
            let mut resolved = BTreeMap::new();
            for (key, text) in &component.variables {
                let template = Template::parse(text)?;
                if let Some(unknown) = template.references().find(|r| !app.contains_key(*r)) {
                    return Err(Error::InvalidTemplate(format!(
                        "unknown variable {unknown:?} in component {id:?} variable {key:?}"
                    )));
                }
                resolved.insert(key.clone(), template.render(&app)?);
            }
            components.insert(id.clone(), resolved);
        }
        Ok(Self { app, components })
    }

    /// Renders a template over application variables (used for `allowed_outbound_hosts`).
    ///
    /// # Errors
    ///
    /// As [`Template::parse`] and [`Template::render`].
    pub fn render(&self, text: &str) -> Result<String> {
        Template::parse(text)?.render(&self.app)
    }

    /// What `fermyon:spin/variables.get(name)` returns inside `component`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidName`] for a malformed name, [`Error::Undefined`] for a name the
    /// component does not declare (with Spin's message text).
    pub fn get(&self, component: &str, name: &str) -> Result<String> {
        validate_variable_name(name)
            .map_err(|reason| Error::InvalidName(format!("{name:?}: {reason}")))?;
        let vars = self
            .components
            .get(component)
            .ok_or_else(|| Error::Undefined(format!("no variable for component {component:?}")))?;
        vars.get(name)
            .cloned()
            .ok_or_else(|| Error::Undefined(format!("no variable for {component:?}.{name:?}")))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn manifest() -> Manifest {
        Manifest::parse(
            r#"
spin_manifest_version = 2
[application]
name = "a"
[variables]
db_host = { required = true }
db_port = { default = "5432" }
token = { required = true, secret = true }
[trigger]
[component.web]
source = "w.wasm"
[component.web.variables]
url = "postgres://{{ db_host }}:{{db_port}}/x?sslmode=disable"
plain = "literal"
tok = "{{ token }}"
"#,
            Path::new("spin.toml"),
        )
        .expect("manifest")
    }

    fn provider(env: &[(&str, &str)], dotenv: &[(&str, &str)]) -> EnvProvider {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let dotenv = dotenv
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        EnvProvider::new(
            move |k| env.get(k).cloned().ok_or(std::env::VarError::NotPresent),
            Ok(dotenv),
        )
    }

    #[test]
    fn templates_parse_like_spin() {
        let t = Template::parse("a-{{ x }}-b{{y}}").expect("parse");
        assert_eq!(t.references().collect::<Vec<_>>(), vec!["x", "y"]);
        assert!(Template::parse("{{ ok }} {{ unmatched").is_err());
        let values = HashMap::from([
            ("x".to_owned(), "1".to_owned()),
            ("y".to_owned(), "2".to_owned()),
        ]);
        assert_eq!(t.render(&values).expect("render"), "a-1-b2");
    }

    #[test]
    fn env_beats_dotenv_beats_default() -> Result<()> {
        let p = provider(
            &[
                ("SPIN_VARIABLE_DB_HOST", "envhost"),
                ("SPIN_VARIABLE_TOKEN", "t"),
            ],
            &[
                ("SPIN_VARIABLE_DB_HOST", "dotenvhost"),
                ("SPIN_VARIABLE_DB_PORT", "6543"),
            ],
        );
        let v = Variables::resolve(&manifest(), &[&p])?;
        assert_eq!(
            v.get("web", "url")?,
            "postgres://envhost:6543/x?sslmode=disable"
        );
        assert_eq!(v.get("web", "plain")?, "literal");
        let p = provider(
            &[("SPIN_VARIABLE_DB_HOST", "h"), ("SPIN_VARIABLE_TOKEN", "t")],
            &[],
        );
        let v = Variables::resolve(&manifest(), &[&p])?;
        assert_eq!(v.get("web", "url")?, "postgres://h:5432/x?sslmode=disable");
        Ok(())
    }

    #[test]
    fn missing_required_variable_is_named_without_values() {
        let p = provider(&[("SPIN_VARIABLE_DB_HOST", "s3cr3t-host")], &[]);
        let err = Variables::resolve(&manifest(), &[&p]).expect_err("token is missing");
        let text = err.to_string();
        assert!(text.contains("\"token\""), "{text}");
        assert!(text.contains("SPIN_VARIABLE_TOKEN"), "{text}");
        assert!(!text.contains("s3cr3t"), "{text}");
    }

    #[test]
    fn component_sees_only_its_declared_variables() -> Result<()> {
        let p = provider(
            &[("SPIN_VARIABLE_DB_HOST", "h"), ("SPIN_VARIABLE_TOKEN", "t")],
            &[],
        );
        let v = Variables::resolve(&manifest(), &[&p])?;
        // An application variable is not a component variable.
        assert_eq!(
            v.get("web", "db_host"),
            Err(Error::Undefined(
                "no variable for \"web\".\"db_host\"".to_owned()
            ))
        );
        assert!(matches!(
            v.get("web", "Bad-Name"),
            Err(Error::InvalidName(_))
        ));
        assert!(matches!(v.get("other", "url"), Err(Error::Undefined(_))));
        Ok(())
    }

    #[test]
    fn unknown_template_reference_is_refused() {
        let m = Manifest::parse(
            "spin_manifest_version = 2\n[application]\nname='a'\n[trigger]\n[component.c]\nsource='c.wasm'\nvariables = { x = '{{ nope }}' }",
            Path::new("spin.toml"),
        )
        .expect("manifest");
        let err = Variables::resolve(&m, &[]).expect_err("unknown variable");
        assert!(matches!(err, Error::InvalidTemplate(_)));
    }

    #[test]
    fn dotenv_file_is_read_and_missing_file_is_empty() -> std::result::Result<(), String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let path = dir.path().join(".env");
        assert_eq!(load_dotenv(&path)?, HashMap::new());
        std::fs::write(&path, "SPIN_VARIABLE_DB_HOST=from-file\n# comment\n")
            .map_err(|e| e.to_string())?;
        let map = load_dotenv(&path)?;
        assert_eq!(
            map.get("SPIN_VARIABLE_DB_HOST").map(String::as_str),
            Some("from-file")
        );
        Ok(())
    }
}
