//! The runtime configuration of `spin up`: the `--state-dir` and
//! `--runtime-config-file` options and the TOML file they may name, as Spin's
//! `crates/runtime-config` (`ResolvedRuntimeConfig::from_file`, `TomlResolver`) reads them.
//!
//! - The state directory: `--state-dir <dir>` wins, then `state_dir` in the file; an empty
//!   value of either means "none" (databases that would live there are in memory); a path
//!   is made absolute against the current directory; without either, it is
//!   `<manifest dir>/.spin`.
//! - Of the file's top-level keys this runtime implements `state_dir` and
//!   `[sqlite_database.<label>]` (see [`crate::sqlite::config`]) and accepts `log_dir`
//!   (it keeps no logs); Spin's other tables are refused as unsupported, and any other
//!   key fails like Spin (`unused runtime config key(s): …`).

use std::path::{Path, PathBuf};

/// Why the runtime configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read.
    #[error("failed to read runtime config file '{path}': {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not TOML.
    #[error("failed to parse runtime config file '{path}' as toml: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// A key or value Spin would refuse.
    #[error("invalid runtime config: {0}")]
    Invalid(String),
    /// A valid Spin setting this runtime does not implement.
    #[error("not supported by spin-test-runtime: {0}")]
    Unsupported(String),
    /// The current directory is needed and unknown.
    #[error("failed to get current working directory: {0}")]
    CurrentDir(std::io::Error),
}

/// A path given by the user: Spin's `UserProvidedPath`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum UserPath {
    /// Not given: use the default.
    #[default]
    Default,
    /// Given as `""`: none at all.
    Unset,
    /// Given.
    Provided(PathBuf),
}

impl UserPath {
    /// The meaning of a command-line value: empty is [`UserPath::Unset`].
    pub fn from_arg(value: &str) -> Self {
        if value.is_empty() {
            UserPath::Unset
        } else {
            UserPath::Provided(PathBuf::from(value))
        }
    }
}

/// What the command line says about runtime configuration.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--state-dir`.
    pub state_dir: UserPath,
    /// `--runtime-config-file`.
    pub runtime_config_file: Option<PathBuf>,
}

/// Top-level keys of Spin's runtime config that this runtime does not implement.
const UNSUPPORTED_KEYS: &[&str] = &[
    "key_value_store",
    "variables_provider",
    "config_provider",
    "llm_compute",
    "client_tls",
    "blob_store",
];

/// The resolved runtime configuration.
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    /// The file's table (empty without a file).
    pub toml: toml::Table,
    /// The absolute state directory, if any.
    pub state_dir: Option<PathBuf>,
    /// The directory relative database paths resolve against: the current directory.
    pub base_dir: PathBuf,
}

impl RuntimeConfig {
    /// Reads the file named in `options` (if any) and resolves the state directory for an
    /// app whose manifest is in `manifest_dir`.
    ///
    /// # Errors
    ///
    /// [`Error`]: unreadable or invalid file, an unknown or unsupported key.
    pub fn resolve(options: &Options, manifest_dir: &Path) -> Result<Self, Error> {
        let toml = match &options.runtime_config_file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
                    path: path.clone(),
                    source,
                })?;
                toml::from_str::<toml::Table>(&text).map_err(|e| Error::Parse {
                    path: path.clone(),
                    message: e.to_string(),
                })?
            }
            None => toml::Table::new(),
        };
        check_keys(&toml)?;
        let base_dir = std::env::current_dir().map_err(Error::CurrentDir)?;
        let state_dir = state_dir(&options.state_dir, &toml, manifest_dir, &base_dir)?;
        Ok(Self {
            toml,
            state_dir,
            base_dir,
        })
    }
}

fn check_keys(toml: &toml::Table) -> Result<(), Error> {
    let mut unused = Vec::new();
    for (key, value) in toml {
        match key.as_str() {
            "state_dir" | "log_dir" => {
                if !value.is_str() {
                    return Err(Error::Invalid(format!("`{key}` must be a string")));
                }
            }
            "sqlite_database" => {}
            k if UNSUPPORTED_KEYS.contains(&k) => {
                return Err(Error::Unsupported(format!(
                    "runtime config `[{k}]` (only `state_dir` and `[sqlite_database.*]` are implemented)"
                )));
            }
            other => unused.push(other.to_owned()),
        }
    }
    if unused.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "unused runtime config key(s): {}",
            unused.join(", ")
        )))
    }
}

/// Spin's `TomlResolver::state_dir`.
fn state_dir(
    cli: &UserPath,
    toml: &toml::Table,
    manifest_dir: &Path,
    cwd: &Path,
) -> Result<Option<PathBuf>, Error> {
    let chosen = match cli {
        UserPath::Default => match toml.get("state_dir").and_then(toml::Value::as_str) {
            Some(value) => UserPath::from_arg(value),
            None => UserPath::Default,
        },
        given => given.clone(),
    };
    Ok(match chosen {
        UserPath::Provided(path) => Some(absolute(&path, cwd)),
        UserPath::Default => Some(absolute(manifest_dir, cwd).join(".spin")),
        UserPath::Unset => None,
    })
}

/// `path` made absolute against `base` (without resolving symlinks or `..`).
pub fn absolute(path: &Path, base: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_owned()
    } else if path.as_os_str().is_empty() {
        base.to_owned()
    } else {
        base.join(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> toml::Table {
        toml::from_str(text).unwrap_or_default()
    }

    #[test]
    fn state_dir_follows_spins_precedence() -> Result<(), Error> {
        let cwd = Path::new("/work/cwd");
        let app = Path::new("app");
        let none = toml::Table::new();
        assert_eq!(
            state_dir(&UserPath::Default, &none, app, cwd)?,
            Some(PathBuf::from("/work/cwd/app/.spin"))
        );
        assert_eq!(
            state_dir(&UserPath::Default, &none, Path::new(""), cwd)?,
            Some(PathBuf::from("/work/cwd/.spin"))
        );
        assert_eq!(
            state_dir(&UserPath::from_arg("st"), &none, app, cwd)?,
            Some(PathBuf::from("/work/cwd/st"))
        );
        assert_eq!(state_dir(&UserPath::from_arg(""), &none, app, cwd)?, None);
        let file = table("state_dir = '/data'");
        assert_eq!(
            state_dir(&UserPath::Default, &file, app, cwd)?,
            Some(PathBuf::from("/data"))
        );
        assert_eq!(
            state_dir(&UserPath::from_arg("/cli"), &file, app, cwd)?,
            Some(PathBuf::from("/cli"))
        );
        assert_eq!(
            state_dir(&UserPath::Default, &table("state_dir = ''"), app, cwd)?,
            None
        );
        Ok(())
    }

    #[test]
    fn unknown_and_unsupported_keys_are_refused() {
        assert!(
            check_keys(&table(
                "state_dir = 'x'\nlog_dir = 'y'\n[sqlite_database.a]\ntype = 'spin'"
            ))
            .is_ok()
        );
        let unused = check_keys(&table("baz = 1\nqux = 2"));
        assert!(
            matches!(&unused, Err(Error::Invalid(m)) if m == "unused runtime config key(s): baz, qux"),
            "{unused:?}"
        );
        let kv = check_keys(&table("[key_value_store.default]\ntype = 'spin'"));
        assert!(
            matches!(&kv, Err(Error::Unsupported(m)) if m.contains("key_value_store")),
            "{kv:?}"
        );
        assert!(matches!(
            check_keys(&table("state_dir = 1")),
            Err(Error::Invalid(_))
        ));
    }

    #[test]
    fn a_missing_or_broken_file_names_itself() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let missing = Options {
            runtime_config_file: Some(dir.path().join("nope.toml")),
            ..Options::default()
        };
        let err = RuntimeConfig::resolve(&missing, dir.path()).err();
        assert!(
            matches!(&err, Some(e @ Error::Read { .. }) if e.to_string().contains("nope.toml")),
            "{err:?}"
        );
        let broken = dir.path().join("broken.toml");
        std::fs::write(&broken, "[sqlite_database")?;
        let err = RuntimeConfig::resolve(
            &Options {
                runtime_config_file: Some(broken),
                ..Options::default()
            },
            dir.path(),
        )
        .err();
        assert!(matches!(err, Some(Error::Parse { .. })), "{err:?}");
        Ok(())
    }
}
