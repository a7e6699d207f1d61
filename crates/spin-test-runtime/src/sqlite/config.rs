//! Which SQLite databases an app may open and where their data lives, as Spin's
//! `crates/sqlite` (`RuntimeConfigResolver`) and `factor-sqlite` (`configure_app`) decide:
//!
//! - `[sqlite_database.<label>]` tables of the runtime config: `type = "spin"` with an
//!   optional `path` (relative to the current directory; absent means a fresh in-memory
//!   database per connection; its parent directory is created now) and
//!   `allow_attach_file`; `type = "libsql"` (`url`, `token`) is checked like Spin and then
//!   refused, since this runtime has no libSQL client; any other type or key is refused;
//! - `default` is always defined: unless configured, `<state dir>/sqlite_db.db`, or in
//!   memory when there is no state directory;
//! - a label some component lists that is not defined stops start-up with Spin's message;
//! - when a component lists `default`, start-up prints where its data is stored.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde::Deserialize;

use super::connection::{Database, Location, create_parent_dir};
use crate::manifest::Manifest;
use crate::runtime_config::{RuntimeConfig, absolute};

/// The file name of the default database in the state directory.
pub const DEFAULT_DATABASE_FILE: &str = "sqlite_db.db";

/// The label that is always defined.
pub const DEFAULT_LABEL: &str = "default";

/// Why the SQLite configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A `[sqlite_database.<label>]` table Spin would refuse.
    #[error("invalid runtime config [sqlite_database.{label}]: {message}")]
    Invalid {
        /// The label.
        label: String,
        /// What is wrong.
        message: String,
    },
    /// A valid configuration this runtime does not implement.
    #[error("not supported by spin-test-runtime: {0}")]
    Unsupported(String),
    /// Components use labels nobody defined (Spin's message, several lines).
    #[error("{0}")]
    Undefined(String),
    /// A database directory cannot be created.
    #[error("{0}")]
    Io(String),
}

/// One `[sqlite_database.<label>]` table.
#[derive(Deserialize)]
struct Entry {
    #[serde(rename = "type")]
    kind: String,
    #[serde(flatten)]
    config: toml::Table,
}

/// `type = "spin"`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InProcess {
    path: Option<PathBuf>,
    #[serde(default)]
    allow_attach_file: bool,
}

/// `type = "libsql"`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "parsed to validate the table like Spin does")]
struct LibSql {
    url: String,
    token: String,
}

/// The databases of an app, by label.
#[derive(Debug, Clone)]
pub struct Databases {
    by_label: HashMap<String, Database>,
}

impl Databases {
    /// Resolves `runtime`'s `[sqlite_database.*]` tables and the default database.
    ///
    /// # Errors
    ///
    /// [`Error`] for a table Spin would refuse, a libSQL database, or a directory that
    /// cannot be created.
    pub fn resolve(runtime: &RuntimeConfig) -> Result<Self, Error> {
        let mut by_label = HashMap::new();
        if let Some(tables) = runtime.toml.get("sqlite_database") {
            let tables: BTreeMap<String, toml::Value> =
                tables
                    .clone()
                    .try_into()
                    .map_err(|e: toml::de::Error| Error::Invalid {
                        label: "*".to_owned(),
                        message: e.message().to_owned(),
                    })?;
            for (label, table) in tables {
                let database = database(&label, table, runtime)?;
                by_label.insert(label, database);
            }
        }
        by_label
            .entry(DEFAULT_LABEL.to_owned())
            .or_insert_with(|| Database {
                location: match &runtime.state_dir {
                    Some(dir) => Location::Path(dir.join(DEFAULT_DATABASE_FILE)),
                    None => Location::InMemory,
                },
                allow_attach_file: false,
            });
        Ok(Self { by_label })
    }

    /// Only the default database, at `location` (for tests).
    pub fn with_default(location: Location) -> Self {
        let database = Database {
            location,
            allow_attach_file: false,
        };
        Self {
            by_label: HashMap::from([(DEFAULT_LABEL.to_owned(), database)]),
        }
    }

    /// The database behind `label`.
    pub fn get(&self, label: &str) -> Option<&Database> {
        self.by_label.get(label)
    }

    /// Spin's `ensure_allowed_databases_are_configured`.
    ///
    /// # Errors
    ///
    /// [`Error::Undefined`] listing every component and label that is not defined.
    pub fn check_used(&self, manifest: &Manifest) -> Result<(), Error> {
        let missing: Vec<String> = manifest
            .components
            .iter()
            .flat_map(|(id, component)| {
                component
                    .sqlite_databases
                    .iter()
                    .filter(|label| !self.by_label.contains_key(label.as_str()))
                    .map(move |label| format!("- Component {id} uses database '{label}'"))
            })
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let mut lines = vec![
            "One or more components use SQLite databases which are not defined.".to_owned(),
            "Check the spelling, or pass a runtime configuration file that defines these stores."
                .to_owned(),
            "See https://spinframework.dev/dynamic-configuration#sqlite-storage-runtime-configuration"
                .to_owned(),
            "Details:".to_owned(),
        ];
        lines.extend(missing);
        Err(Error::Undefined(lines.join("\n")))
    }

    /// The start-up line about the default database, when some component lists it:
    /// `Storing default SQLite data to "<path>".` The file's directory is created now, as
    /// Spin's summary opens a connection to find out.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the directory cannot be created.
    pub fn default_summary(&self, manifest: &Manifest) -> Result<Option<String>, Error> {
        let used = manifest
            .components
            .values()
            .any(|c| c.sqlite_databases.iter().any(|l| l == DEFAULT_LABEL));
        let Some(database) = self.by_label.get(DEFAULT_LABEL).filter(|_| used) else {
            return Ok(None);
        };
        if let Location::Path(path) = &database.location {
            create_parent_dir(path).map_err(Error::Io)?;
        }
        Ok(Some(format!(
            "Storing default SQLite data to {}.",
            database.summary()
        )))
    }
}

fn database(label: &str, table: toml::Value, runtime: &RuntimeConfig) -> Result<Database, Error> {
    let invalid = |message: String| Error::Invalid {
        label: label.to_owned(),
        message,
    };
    let entry: Entry = table
        .try_into()
        .map_err(|e: toml::de::Error| invalid(e.message().to_owned()))?;
    match entry.kind.as_str() {
        "spin" => {
            let config: InProcess = toml::Value::Table(entry.config)
                .try_into()
                .map_err(|e: toml::de::Error| invalid(e.message().to_owned()))?;
            let location = match config.path {
                Some(path) => {
                    let path = absolute(&path, &runtime.base_dir);
                    create_parent_dir(&path).map_err(Error::Io)?;
                    Location::Path(path)
                }
                None => Location::InMemory,
            };
            Ok(Database {
                location,
                allow_attach_file: config.allow_attach_file,
            })
        }
        "libsql" => {
            let config: LibSql = toml::Value::Table(entry.config)
                .try_into()
                .map_err(|e: toml::de::Error| invalid(e.message().to_owned()))?;
            if !(config.url.starts_with("https://") || config.url.starts_with("http://")) {
                return Err(invalid(format!(
                    "unexpected libSQL URL '{}' in runtime config file: URL does not start with \
                     'https://' or 'http://'. Spin currently only supports talking to libSQL databases over HTTP(S)",
                    config.url
                )));
            }
            Err(Error::Unsupported(format!(
                "[sqlite_database.{label}] type = \"libsql\": this runtime has no libSQL client; \
                 run the app with the real `spin up` to use libSQL or Turso"
            )))
        }
        other => Err(invalid(format!("Unknown database kind: {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn runtime(text: &str, state_dir: Option<&str>, base: &Path) -> RuntimeConfig {
        RuntimeConfig {
            toml: toml::from_str(text).unwrap_or_default(),
            state_dir: state_dir.map(PathBuf::from),
            base_dir: base.to_owned(),
        }
    }

    fn manifest(labels: &str) -> Result<Manifest, crate::manifest::Error> {
        Manifest::parse(
            &format!(
                "spin_manifest_version = 2\n[application]\nname = 'a'\n[trigger]\n\
                 [component.web]\nsource = 'w.wasm'\nsqlite_databases = {labels}\n"
            ),
            Path::new("spin.toml"),
        )
    }

    #[test]
    fn default_lives_in_the_state_dir_or_in_memory() -> Result<(), Error> {
        let base = Path::new("/cwd");
        let d = Databases::resolve(&runtime("", Some("/state"), base))?;
        assert_eq!(
            d.get("default").map(|d| &d.location),
            Some(&Location::Path(PathBuf::from("/state/sqlite_db.db")))
        );
        let d = Databases::resolve(&runtime("", None, base))?;
        assert_eq!(
            d.get("default").map(|d| &d.location),
            Some(&Location::InMemory)
        );
        assert!(d.get("other").is_none());
        Ok(())
    }

    #[test]
    fn spin_tables_resolve_paths_against_the_current_dir() -> Result<(), Box<dyn std::error::Error>>
    {
        let dir = tempfile::tempdir()?;
        let text = "[sqlite_database.default]\ntype = 'spin'\npath = 'data/app.db'\n\
                    [sqlite_database.scratch]\ntype = 'spin'\n\
                    [sqlite_database.open]\ntype = 'spin'\npath = '/abs/x.db'\nallow_attach_file = true";
        let abs = dir.path().join("abs");
        let text = text.replace("/abs", &abs.display().to_string());
        let d = Databases::resolve(&runtime(&text, Some("/state"), dir.path()))?;
        assert_eq!(
            d.get("default").map(|d| &d.location),
            Some(&Location::Path(dir.path().join("data/app.db")))
        );
        assert!(dir.path().join("data").is_dir(), "parent directory created");
        assert_eq!(
            d.get("scratch").map(|d| &d.location),
            Some(&Location::InMemory)
        );
        assert_eq!(d.get("open").map(|d| d.allow_attach_file), Some(true));
        Ok(())
    }

    fn refusal(text: &str) -> String {
        match Databases::resolve(&runtime(text, None, Path::new("/cwd"))) {
            Ok(_) => format!("accepted {text}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn unknown_types_keys_and_libsql_are_refused() {
        assert!(
            refusal("[sqlite_database.a]\ntype = 'mysql'").contains("Unknown database kind: mysql")
        );
        assert!(
            refusal("[sqlite_database.a]\ntype = 'spin'\nfile = 'x'")
                .contains("unknown field `file`")
        );
        assert!(refusal("[sqlite_database.a]\npath = 'x'").contains("missing field `type`"));
        let libsql = refusal(
            "[sqlite_database.a]\ntype = 'libsql'\nurl = 'https://db.turso.io'\ntoken = 't'",
        );
        assert!(
            libsql.contains("not supported by spin-test-runtime") && libsql.contains("libsql"),
            "{libsql}"
        );
        assert!(
            refusal(
                "[sqlite_database.a]\ntype = 'libsql'\nurl = 'libsql://db.turso.io'\ntoken = 't'"
            )
            .contains("does not start with 'https://'")
        );
        assert!(
            refusal("[sqlite_database.a]\ntype = 'libsql'\nurl = 'https://x'")
                .contains("missing field `token`")
        );
    }

    #[test]
    fn undefined_labels_fail_like_spin() -> Result<(), Box<dyn std::error::Error>> {
        let d = Databases::resolve(&runtime(
            "[sqlite_database.extra]\ntype = 'spin'",
            None,
            Path::new("/"),
        ))?;
        d.check_used(&manifest("['default', 'extra']")?)?;
        let err = d
            .check_used(&manifest("['default', 'missing']")?)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.starts_with("One or more components use SQLite databases which are not defined.")
        );
        assert!(
            err.ends_with("Details:\n- Component web uses database 'missing'"),
            "{err}"
        );
        Ok(())
    }

    #[test]
    fn the_default_summary_is_printed_only_when_default_is_used()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let state = dir.path().join("state");
        let d = Databases::resolve(&runtime("", state.to_str(), dir.path()))?;
        assert_eq!(d.default_summary(&manifest("[]")?)?, None);
        assert!(!state.exists());
        assert_eq!(
            d.default_summary(&manifest("['default']")?)?,
            Some(format!(
                "Storing default SQLite data to \"{}\".",
                state.join("sqlite_db.db").display()
            ))
        );
        assert!(state.is_dir());
        let d = Databases::resolve(&runtime("", None, dir.path()))?;
        assert_eq!(
            d.default_summary(&manifest("['default']")?)?,
            Some("Storing default SQLite data to a temporary in-memory database.".to_owned())
        );
        Ok(())
    }
}
