//! Reading `spin.toml` (manifest version 2) into typed data.
//!
//! Owns the manifest schema and its static validation: names, routes' shape, references
//! between triggers, components and dependencies. The field set mirrors Spin's
//! `crates/manifest/src/schema/v2{,/component,/dependency,/trigger}.rs` and
//! `crates/http/src/config.rs`: the tables Spin declares with `deny_unknown_fields`
//! reject unknown keys here too, so a manifest this runtime accepts is one `spin up`
//! accepts. Keys that Spin accepts but that cannot matter to this runtime (build
//! settings, descriptions, `tool` tables) are parsed and ignored; features this runtime
//! does not implement (remote sources, files, key-value stores, …) are refused by
//! [`Manifest::check_supported`] with a message that says so.
//!
//! The project must keep running on Spin 3.x as well as 4.x, so
//! [`Manifest::check_spin3_compatible`] also refuses what Spin 3.6.3's schema
//! (`crates/manifest/src/schema/v2.rs` before the 4.0 split) does not know: a dependency
//! written `{ component = "<id>" }`, and an `inherit_configuration` key on a dependency
//! entry. Spin 3.6.3 stops at start-up on both ("data did not match any variant of
//! untagged enum ComponentDependency"); the portable form is `{ path = "<file>.wasm" }`
//! with `dependencies_inherit_configuration = true` on the component.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A manifest that failed to load or validate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read.
    #[error("cannot read manifest {path}: {source}")]
    Read {
        /// The manifest path.
        path: PathBuf,
        /// The I/O failure.
        source: std::io::Error,
    },
    /// The file is not valid TOML or does not match the v2 schema.
    #[error("invalid manifest {path}: {message}")]
    Parse {
        /// The manifest path.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// `spin_manifest_version` names a version other than 2.
    #[error(
        "unsupported manifest version {found}: spin-test-runtime (like Spin 4) reads `spin_manifest_version = 2`"
    )]
    Version {
        /// The version found in the file.
        found: String,
    },
    /// A structurally valid manifest that breaks one of Spin's rules.
    #[error("invalid manifest: {0}")]
    Invalid(String),
    /// A valid Spin manifest using a feature this runtime does not implement.
    #[error("not supported by spin-test-runtime: {0}")]
    Unsupported(String),
    /// A Spin 4 manifest form that Spin 3.x refuses at start-up.
    #[error("{0}")]
    Spin3Incompatible(String),
}

/// Result alias for this module.
pub type Result<T> = std::result::Result<T, Error>;

/// The whole `spin.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always 2; checked before the rest is parsed.
    pub spin_manifest_version: toml::Value,
    /// `[application]`.
    pub application: Application,
    /// `[variables]`: application variables.
    #[serde(default)]
    pub variables: BTreeMap<String, Variable>,
    /// `[[trigger.<type>]]`, kept as raw tables: only `http` is typed (Spin, too, leaves
    /// trigger configuration opaque until the trigger reads it). Spin requires the table.
    #[serde(rename = "trigger")]
    pub triggers: BTreeMap<String, Vec<toml::Table>>,
    /// `[component.<id>]`.
    #[serde(rename = "component", default)]
    pub components: BTreeMap<String, Component>,
}

/// `[application]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(
    dead_code,
    reason = "parsed to validate the manifest like Spin does; unused here"
)]
pub struct Application {
    /// The application name.
    pub name: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    authors: Vec<String>,
    #[serde(default)]
    targets: Vec<toml::Value>,
    #[serde(rename = "trigger", default)]
    trigger_global_configs: BTreeMap<String, toml::Table>,
    #[serde(default)]
    tool: BTreeMap<String, toml::Table>,
}

/// An application variable.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variable {
    /// Free text, ignored.
    #[serde(default)]
    pub description: Option<String>,
    /// A value must be supplied at runtime.
    #[serde(default)]
    pub required: bool,
    /// The value when nothing else supplies one.
    #[serde(default)]
    pub default: Option<String>,
    /// Never print the value.
    #[serde(default)]
    pub secret: bool,
}

/// `[component.<id>]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(
    dead_code,
    reason = "parsed to validate the manifest like Spin does; unused here"
)]
pub struct Component {
    /// Where the Wasm binary is.
    pub source: toml::Value,
    #[serde(default)]
    description: String,
    /// Component variables: name → template over application variables.
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    #[serde(default)]
    environment: BTreeMap<String, String>,
    #[serde(default)]
    files: Vec<toml::Value>,
    #[serde(default)]
    exclude_files: Vec<String>,
    #[serde(default)]
    allowed_http_hosts: Vec<String>,
    /// `scheme://host[:port]` entries, possibly templated.
    #[serde(default)]
    pub allowed_outbound_hosts: Vec<String>,
    #[serde(default, alias = "key-value-stores")]
    key_value_stores: Vec<String>,
    /// SQLite database labels the component may open (kebab-case or snake_case).
    #[serde(default, alias = "sqlite-databases")]
    pub sqlite_databases: Vec<String>,
    #[serde(default)]
    ai_models: Vec<String>,
    #[serde(default)]
    targets: Option<Vec<toml::Value>>,
    #[serde(default)]
    build: Option<toml::Table>,
    #[serde(default)]
    tool: BTreeMap<String, toml::Table>,
    /// Dependencies inherit this component's configuration unless an entry says otherwise.
    #[serde(default)]
    pub dependencies_inherit_configuration: Option<bool>,
    /// Import name → how to satisfy it.
    #[serde(default)]
    pub dependencies: BTreeMap<String, Dependency>,
    #[serde(default)]
    profile: BTreeMap<String, toml::Table>,
}

/// One entry of `[component.<id>.dependencies]`, as Spin's `ComponentDependency`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum Dependency {
    /// `"pkg:name" = ">= 0.1"`: from a registry.
    Version(String),
    /// `{ version = …, registry = …, package = …, export = … }`: from a registry.
    Package {
        /// Version constraint.
        version: String,
        /// Registry host.
        registry: Option<String>,
        /// Package name.
        package: Option<String>,
        /// Export to use.
        export: Option<String>,
        /// Inherit the parent's configuration.
        inherit_configuration: Option<InheritConfiguration>,
    },
    /// `{ path = "x.wasm" }`.
    Local {
        /// Relative to the manifest directory.
        path: PathBuf,
        /// Export to use; defaults to the import's name.
        export: Option<String>,
        /// Inherit the parent's configuration.
        inherit_configuration: Option<InheritConfiguration>,
    },
    /// `{ url = …, digest = … }`.
    Http {
        /// Download address.
        url: String,
        /// `sha256:…`.
        digest: String,
        /// Export to use.
        export: Option<String>,
        /// Inherit the parent's configuration.
        inherit_configuration: Option<InheritConfiguration>,
    },
    /// `{ component = "<id>" }`: another component of this manifest.
    AppComponent {
        /// The component id.
        component: String,
        /// Export to use; defaults to the import's name.
        export: Option<String>,
        /// Inherit the parent's configuration.
        inherit_configuration: Option<InheritConfiguration>,
    },
}

/// `inherit_configuration = true | false | ["key", …]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum InheritConfiguration {
    /// All or nothing.
    All(bool),
    /// Named configuration keys (Spin itself does not implement this yet).
    Some(Vec<String>),
}

impl Dependency {
    fn inherit_configuration(&self) -> Option<&InheritConfiguration> {
        match self {
            Dependency::Version(_) => None,
            Dependency::Package {
                inherit_configuration,
                ..
            }
            | Dependency::Local {
                inherit_configuration,
                ..
            }
            | Dependency::Http {
                inherit_configuration,
                ..
            }
            | Dependency::AppComponent {
                inherit_configuration,
                ..
            } => inherit_configuration.as_ref(),
        }
    }

    /// Whether the dependency shares its parent's configuration: an explicit entry wins,
    /// otherwise the component's `dependencies_inherit_configuration` (default false).
    pub fn inherits(&self, component_default: Option<bool>) -> bool {
        match self.inherit_configuration() {
            Some(InheritConfiguration::All(all)) => *all,
            Some(InheritConfiguration::Some(keys)) => !keys.is_empty(),
            None => component_default.unwrap_or(false),
        }
    }

    /// The export named by the entry, if any.
    pub fn export(&self) -> Option<&str> {
        match self {
            Dependency::Version(_) => None,
            Dependency::Package { export, .. }
            | Dependency::Local { export, .. }
            | Dependency::Http { export, .. }
            | Dependency::AppComponent { export, .. } => export.as_deref(),
        }
    }
}

/// An `[[trigger.http]]` entry, as Spin's `HttpTriggerConfig` plus the manifest's
/// generic trigger fields.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpTrigger {
    /// Optional trigger id.
    #[serde(default)]
    pub id: String,
    /// The component id (inline component tables are refused as unsupported).
    #[serde(default)]
    pub component: Option<toml::Value>,
    /// Reserved by Spin.
    #[serde(default)]
    pub components: BTreeMap<String, toml::Value>,
    /// Trigger-level dependencies (middleware); not supported here.
    #[serde(default)]
    pub dependencies: BTreeMap<String, toml::Value>,
    /// The route pattern, or `{ private = true }`.
    pub route: Route,
    /// `{ type = "http" }` (the default) or `{ type = "wagi" }`.
    #[serde(default)]
    pub executor: Option<Executor>,
    /// A response served by the host without running a component.
    #[serde(default)]
    pub static_response: Option<StaticResponse>,
}

/// A trigger's `route`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Route {
    /// A pattern such as `/api/...`.
    Pattern(String),
    /// `{ private = true }`: reachable only by service chaining.
    Private(PrivateRoute),
}

/// `route = { private = true }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivateRoute {
    /// Must be true.
    pub private: bool,
}

/// A trigger's `executor`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", tag = "type")]
pub enum Executor {
    /// `wasi:http` (or Spin's legacy inbound-http).
    #[serde(alias = "spin")]
    Http,
    /// CGI-style modules.
    Wagi(toml::Table),
}

/// `static_response = { status_code, headers, body }`.
#[derive(Debug, Clone, Deserialize)]
pub struct StaticResponse {
    /// Defaults to 200.
    #[serde(default)]
    pub status_code: Option<u16>,
    /// Response headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Response body.
    #[serde(default)]
    pub body: Option<String>,
}

impl Manifest {
    /// Reads and validates the manifest at `path`.
    ///
    /// # Errors
    ///
    /// Any [`Error`]: unreadable file, bad TOML, wrong version, broken references.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parses and validates manifest text; `path` is only used in messages.
    ///
    /// # Errors
    ///
    /// As [`Manifest::load`], minus reading.
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let parse_err = |message: String| Error::Parse {
            path: path.to_owned(),
            message,
        };
        let raw: toml::Table = toml::from_str(text).map_err(|e| parse_err(e.to_string()))?;
        match raw.get("spin_manifest_version") {
            Some(toml::Value::Integer(2)) => {}
            Some(other) => {
                return Err(Error::Version {
                    found: other.to_string(),
                });
            }
            None => return Err(parse_err("missing `spin_manifest_version`".to_owned())),
        }
        let manifest: Manifest = raw.try_into().map_err(|e| parse_err(e.to_string()))?;
        manifest.validate()?;
        Ok(manifest)
    }

    /// The HTTP triggers, typed.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when an entry does not match Spin's HTTP trigger schema.
    pub fn http_triggers(&self) -> Result<Vec<HttpTrigger>> {
        self.triggers
            .get("http")
            .map(|tables| {
                tables
                    .iter()
                    .enumerate()
                    .map(|(i, table)| {
                        table.clone().try_into::<HttpTrigger>().map_err(|e| {
                            Error::Invalid(format!("trigger.http entry {}: {e}", i + 1))
                        })
                    })
                    .collect()
            })
            .unwrap_or_else(|| Ok(Vec::new()))
    }

    fn validate(&self) -> Result<()> {
        for (name, var) in &self.variables {
            validate_variable_name(name)
                .map_err(|reason| Error::Invalid(format!("variable {name:?}: {reason}")))?;
            match (var.required, &var.default) {
                (true, Some(_)) => {
                    return Err(Error::Invalid(format!(
                        "variable {name:?} is required and has a default; use one or the other"
                    )));
                }
                (false, None) => {
                    return Err(Error::Invalid(format!(
                        "variable {name:?} must either be required or have a default"
                    )));
                }
                _ => {}
            }
        }
        for (id, component) in &self.components {
            validate_kebab_id(id)
                .map_err(|reason| Error::Invalid(format!("component id {id:?}: {reason}")))?;
            for name in component.variables.keys() {
                validate_variable_name(name).map_err(|reason| {
                    Error::Invalid(format!("component {id:?} variable {name:?}: {reason}"))
                })?;
            }
            for label in component
                .sqlite_databases
                .iter()
                .chain(&component.key_value_stores)
            {
                if !is_kebab_or_snake(label) {
                    return Err(Error::Invalid(format!(
                        "component {id:?} label {label:?}: expected kebab-case or snake_case"
                    )));
                }
            }
            for (dep_name, dep) in &component.dependencies {
                if let Dependency::AppComponent {
                    component: target, ..
                } = dep
                    && !self.components.contains_key(target)
                {
                    return Err(Error::Invalid(format!(
                        "component {id:?} dependency {dep_name:?} names component {target:?}, which is not defined"
                    )));
                }
            }
        }
        for (trigger_type, entries) in &self.triggers {
            if trigger_type != "http" {
                continue;
            }
            for (i, entry) in entries.iter().enumerate() {
                let Some(component) = entry.get("component") else {
                    continue;
                };
                let toml::Value::String(component) = component else {
                    continue;
                };
                if !self.components.contains_key(component) {
                    return Err(Error::Invalid(format!(
                        "trigger.http entry {} names component {component:?}, which is not defined",
                        i + 1
                    )));
                }
            }
        }
        self.http_triggers()?;
        Ok(())
    }

    /// Refuses valid Spin features that this runtime does not implement, naming them.
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] naming the feature.
    pub fn check_supported(&self) -> Result<()> {
        for trigger_type in self.triggers.keys() {
            if trigger_type != "http" {
                return Err(Error::Unsupported(format!(
                    "trigger type {trigger_type:?} (only `http` is served)"
                )));
            }
        }
        for trigger in self.http_triggers()? {
            if !trigger.dependencies.is_empty() || !trigger.components.is_empty() {
                return Err(Error::Unsupported(
                    "trigger-level `dependencies`/`components`".to_owned(),
                ));
            }
            if matches!(trigger.executor, Some(Executor::Wagi(_))) {
                return Err(Error::Unsupported("the Wagi executor".to_owned()));
            }
            if matches!(trigger.component, Some(ref c) if !c.is_str()) {
                return Err(Error::Unsupported(
                    "inline component tables in triggers (name a [component.<id>])".to_owned(),
                ));
            }
        }
        for (id, c) in &self.components {
            let unsupported =
                |what: &str| Err(Error::Unsupported(format!("component {id:?} uses {what}")));
            if !c.source.is_str() {
                return unsupported("a remote or registry `source`");
            }
            if !c.files.is_empty() {
                return unsupported("`files`");
            }
            if !c.environment.is_empty() {
                return unsupported("`environment`");
            }
            if !c.key_value_stores.is_empty() {
                return unsupported("key-value stores");
            }
            if !c.ai_models.is_empty() {
                return unsupported("`ai_models`");
            }
            if !c.allowed_http_hosts.is_empty() {
                return unsupported("the deprecated `allowed_http_hosts`");
            }
            for (name, dep) in &c.dependencies {
                match dep {
                    Dependency::Local { .. } | Dependency::AppComponent { .. } => {}
                    _ => return unsupported(&format!("registry/URL dependency {name:?}")),
                }
            }
        }
        self.check_spin3_compatible()
    }

    /// Refuses the manifest forms Spin 3.6.3 does not accept (see the module docs), naming
    /// the component and dependency.
    ///
    /// # Errors
    ///
    /// [`Error::Spin3Incompatible`].
    pub fn check_spin3_compatible(&self) -> Result<()> {
        const REFUSAL: &str = "Spin 3.x (3.6.3) does not accept this form and stops at start-up \
                               (\"data did not match any variant of untagged enum ComponentDependency\")";
        for (id, c) in &self.components {
            for (name, dep) in &c.dependencies {
                if let Dependency::AppComponent { component, .. } = dep {
                    let source = self
                        .components
                        .get(component)
                        .and_then(|target| target.source.as_str())
                        .unwrap_or("<its .wasm file>");
                    return Err(Error::Spin3Incompatible(format!(
                        "component {id:?} dependency {name:?} is written `{{ component = {component:?} }}`: {REFUSAL}. \
                         Write `{{ path = {source:?} }}` instead, and set `dependencies_inherit_configuration = true` \
                         on component {id:?} if the dependency needs its configuration; keeping [component.{component}] \
                         without a trigger still lets `spin build` build it"
                    )));
                }
                if dep.inherit_configuration().is_some() {
                    return Err(Error::Spin3Incompatible(format!(
                        "component {id:?} dependency {name:?} has `inherit_configuration`: {REFUSAL}. \
                         Remove it and set `dependencies_inherit_configuration = true` on component {id:?} instead"
                    )));
                }
            }
        }
        Ok(())
    }

    /// The component's Wasm path, resolved against the manifest directory.
    pub fn component_source(&self, id: &str, manifest_dir: &Path) -> Option<PathBuf> {
        let source = self.components.get(id)?.source.as_str()?;
        Some(manifest_dir.join(source))
    }
}

/// Spin's `LowerSnakeId` / expression `Key` rules for variable names.
pub fn validate_variable_name(name: &str) -> std::result::Result<(), String> {
    let first = name.bytes().next().ok_or("must not be empty")?;
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
    {
        return Err(format!(
            "invalid character {c:?}. Variable names may contain only lower-case letters, numbers, and underscores."
        ));
    }
    if !first.is_ascii_lowercase() {
        return Err("must start with a lowercase ASCII letter".to_owned());
    }
    if !name
        .bytes()
        .last()
        .is_some_and(|b| b.is_ascii_alphanumeric())
    {
        return Err("must end with a lowercase ASCII letter or digit".to_owned());
    }
    if name.contains("__") {
        return Err("must not contain multiple consecutive underscores".to_owned());
    }
    Ok(())
}

/// Spin's `kebab_or_snake_case` rule for store and database labels.
fn is_kebab_or_snake(label: &str) -> bool {
    validate_kebab_id(label).is_ok() || validate_snake_id(label)
}

/// Spin's `SnakeId`: like a kebab id, with `_` for `-`.
fn validate_snake_id(id: &str) -> bool {
    let kebab = id.replace('_', "-");
    !id.contains('-') && validate_kebab_id(&kebab).is_ok()
}

/// Spin's `KebabId` rules for component ids.
fn validate_kebab_id(id: &str) -> std::result::Result<(), String> {
    let first = id.bytes().next().ok_or("must not be empty")?;
    if !first.is_ascii_alphabetic() {
        return Err("must start with an ASCII letter".to_owned());
    }
    if !id.bytes().last().is_some_and(|b| b.is_ascii_alphanumeric()) {
        return Err("must end with an ASCII letter or digit".to_owned());
    }
    if id.contains("--") {
        return Err("must not contain consecutive hyphens".to_owned());
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(format!(
            "invalid character {c:?}: ids may contain only lower-case letters, digits and hyphens"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Manifest> {
        Manifest::parse(text, Path::new("spin.toml"))
    }

    const GOOD: &str = r#"
spin_manifest_version = 2
[application]
name = "app"
[variables]
db_url = { required = true, secret = true }
greeting = { default = "hi" }
[[trigger.http]]
route = "/..."
component = "web"
[[trigger.http]]
route = "/other"
component = "web"
[component.web]
source = "web.wasm"
allowed_outbound_hosts = ["postgres://{{ db_host }}:5432"]
dependencies_inherit_configuration = true
sqlite_databases = ["default", "snake_case", "kebab-case"]
[component.web.variables]
url = "{{ db_url }}"
[component.web.dependencies]
"a:b/c@1.0.0" = { path = "lib.wasm" }
"d:e/f" = { path = "dep.wasm" }
[component.web.build]
command = "cargo build"
watch = ["src/**"]
[component.lib]
source = "lib.wasm"
"#;

    #[test]
    fn accepts_a_full_manifest() -> Result<()> {
        let m = parse(GOOD)?;
        assert_eq!(m.application.name, "app");
        assert_eq!(m.http_triggers()?.len(), 2);
        let web = &m.components["web"];
        assert_eq!(web.dependencies.len(), 2);
        assert!(matches!(
            web.dependencies["a:b/c@1.0.0"],
            Dependency::Local { .. }
        ));
        assert!(web.dependencies["d:e/f"].inherits(web.dependencies_inherit_configuration));
        assert_eq!(web.sqlite_databases.len(), 3);
        m.check_supported()
    }

    #[test]
    fn refuses_what_spin_3_6_refuses() -> Result<()> {
        let base = "spin_manifest_version = 2\n[application]\nname='a'\n[trigger]\n\
                    [component.web]\nsource='web.wasm'\n[component.session]\nsource='target/session.wasm'\n\
                    [component.web.dependencies]\n";
        for (entry, needles) in [
            (
                "\"s:s/s@0.1.0\" = { component = 'session', inherit_configuration = true }",
                &[
                    "component \"web\" dependency \"s:s/s@0.1.0\" is written `{ component = \"session\" }`",
                    "Spin 3.x (3.6.3) does not accept this form",
                    "untagged enum ComponentDependency",
                    "`{ path = \"target/session.wasm\" }`",
                    "dependencies_inherit_configuration = true",
                ][..],
            ),
            (
                "\"s:s/s@0.1.0\" = { component = 'session' }",
                &["is written `{ component = \"session\" }`"][..],
            ),
            (
                "\"s:s/s@0.1.0\" = { path = 'x.wasm', inherit_configuration = true }",
                &[
                    "component \"web\" dependency \"s:s/s@0.1.0\" has `inherit_configuration`",
                    "Spin 3.x (3.6.3) does not accept this form",
                    "`dependencies_inherit_configuration = true` on component \"web\"",
                ][..],
            ),
            (
                "\"s:s/s@0.1.0\" = { path = 'x.wasm', inherit_configuration = false }",
                &["has `inherit_configuration`"][..],
            ),
        ] {
            let m = parse(&format!("{base}{entry}\n"))?;
            let err = m.check_supported().expect_err("Spin 3.6.3 refuses this");
            assert!(matches!(err, Error::Spin3Incompatible(_)), "{err:?}");
            for needle in needles {
                assert!(
                    err.to_string().contains(needle),
                    "{err} should mention {needle}"
                );
            }
        }
        // The portable form: a path dependency, inheritance on the component, and a
        // component without a trigger.
        let m = parse(&format!(
            "{}\"s:s/s@0.1.0\" = {{ path = 'target/session.wasm' }}\n",
            base.replace(
                "source='web.wasm'",
                "source='web.wasm'\ndependencies_inherit_configuration = true"
            )
        ))?;
        m.check_supported()?;
        assert!(m.components["web"].dependencies["s:s/s@0.1.0"].inherits(Some(true)));
        Ok(())
    }

    #[test]
    fn sqlite_labels_must_be_kebab_or_snake_case() {
        expect_err(
            "spin_manifest_version = 2\n[application]\nname='a'\n[trigger]\n[component.x]\nsource='x.wasm'\nsqlite_databases=['b@d']",
            "expected kebab-case or snake_case",
        );
        expect_err(
            "spin_manifest_version = 2\n[application]\nname='a'\n[trigger]\n[component.x]\nsource='x.wasm'\nsqlite_databases=['camelCase']",
            "expected kebab-case or snake_case",
        );
    }

    fn expect_err(text: &str, needle: &str) {
        match parse(text) {
            Ok(_) => panic!("manifest should have been refused: {text}"),
            Err(e) => assert!(
                e.to_string().contains(needle),
                "error {e:?} should mention {needle:?}"
            ),
        }
    }

    #[test]
    fn refuses_other_versions_and_unknown_keys() {
        expect_err(
            "spin_manifest_version = 3\n[application]\nname='a'\n[trigger]",
            "unsupported manifest version 3",
        );
        expect_err(
            "spin_manifest_version = \"1\"\nname='a'",
            "unsupported manifest version",
        );
        expect_err(
            "spin_manifest_version = 2\n[application]\nname='a'\nbogus=1\n[trigger]",
            "bogus",
        );
        expect_err(
            "spin_manifest_version = 2\n[application]\nname='a'\n[trigger]\n[component.x]\nsource='x.wasm'\nallowed_hosts=[]",
            "allowed_hosts",
        );
        expect_err(
            "spin_manifest_version = 2\n[application]\nname='a'",
            "trigger",
        );
    }

    #[test]
    fn refuses_dangling_references() {
        expect_err(
            "spin_manifest_version = 2\n[application]\nname='a'\n[[trigger.http]]\nroute='/'\ncomponent='nope'",
            "\"nope\", which is not defined",
        );
        expect_err(
            "spin_manifest_version = 2\n[application]\nname='a'\n[trigger]\n[component.x]\nsource='x.wasm'\n[component.x.dependencies]\n\"a:b/c\" = { component = 'ghost' }",
            "\"ghost\", which is not defined",
        );
    }

    #[test]
    fn refuses_bad_variables_and_routes() {
        expect_err(
            "spin_manifest_version = 2\n[application]\nname='a'\n[variables]\nBad = { default = 'x' }\n[trigger]",
            "variable \"Bad\"",
        );
        expect_err(
            "spin_manifest_version = 2\n[application]\nname='a'\n[variables]\nx = { secret = true }\n[trigger]",
            "must either be required or have a default",
        );
        expect_err(
            "spin_manifest_version = 2\n[application]\nname='a'\n[[trigger.http]]\nroute=5\ncomponent='x'\n[component.x]\nsource='x.wasm'",
            "trigger.http entry 1",
        );
        expect_err(
            "spin_manifest_version = 2\n[application]\nname='a'\n[[trigger.http]]\nroute='/'\nflavour='x'\ncomponent='x'\n[component.x]\nsource='x.wasm'",
            "flavour",
        );
    }

    #[test]
    fn names_unsupported_features() -> Result<()> {
        let m = parse(
            "spin_manifest_version = 2\n[application]\nname='a'\n[trigger]\n[component.x]\nsource='x.wasm'\nkey_value_stores=['default']",
        )?;
        let err = m.check_supported().expect_err("kv must be refused");
        assert!(
            err.to_string()
                .contains("not supported by spin-test-runtime")
        );
        Ok(())
    }
}
