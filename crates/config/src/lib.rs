//! The app's settings, read from Spin variables and validated with the original
//! server's rules (spec orpc-and-template.md §1.5): `better_auth_secret` at least 32
//! characters, `better_auth_url` a URL, `cors_origin` one or more comma-separated URLs,
//! `node_env` one of development/production/test (default development). An empty
//! value counts as missing, as with t3-env's `emptyStringAsUndefined`.
//!
//! The backend is chosen here and nowhere else ([`Config::database`]): an empty or
//! unset `database_url` selects Spin's SQLite database `default` (the zero-setup first
//! run; spec sqlite-and-deploy.md §3.2), a `postgres://`/`postgresql://` URL selects
//! PostgreSQL. An empty `better_auth_secret` is allowed outside production
//! ([`Config::better_auth_secret`] returns `None`): the app then generates one and keeps
//! it in the database.
//!
//! Where the client's IP address comes from is explicit ([`Config::client_ip_source`]):
//! the connecting peer as Spin reports it, unless `trusted_proxy_header` names the
//! header a proxy in front of the app sets, with `trusted_proxy_hops` saying which of
//! its comma-separated entries, counted from the right, is the client.
//!
//! Each getter validates one variable on demand, so a component only needs the
//! variables it uses. Errors name the variable and never carry its value.

#![forbid(unsafe_code)]

use std::num::NonZeroUsize;

use thiserror::Error;

/// Looks a variable up: `Ok(None)` when it is not set, `Err` when the provider failed.
pub type Lookup<'a> = dyn Fn(&str) -> Result<Option<String>, String> + 'a;

/// Why a variable could not be used. Safe to show to clients and logs: no values.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    /// The variable has no value (or an empty one).
    #[error("Spin variable `{0}` is not set")]
    Missing(&'static str),
    /// The variable has a value that breaks its rule.
    #[error("Spin variable `{name}` is invalid: {rule}")]
    Invalid {
        /// The variable's name.
        name: &'static str,
        /// The rule it breaks.
        rule: &'static str,
    },
    /// The variables provider failed.
    #[error("Spin variable `{name}` could not be read: {reason}")]
    Unavailable {
        /// The variable's name.
        name: &'static str,
        /// The provider's error (never contains the value).
        reason: String,
    },
}

/// The runtime mode, from `node_env`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeEnv {
    /// Local development (the default).
    Development,
    /// Production: rate limiting on, `/error` redirects.
    Production,
    /// Tests.
    Test,
}

/// Where the app keeps its data, from `database_url`.
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    /// Spin's SQLite database with this label (`default`): a file under `.spin/` with
    /// `spin up`, or whatever the runtime configuration maps the label to.
    Sqlite(&'static str),
    /// PostgreSQL at this connection URL.
    Postgres(String),
}

/// The SQLite label the app uses when `database_url` is empty.
pub const SQLITE_LABEL: &str = "default";

/// Where the client IP (rate-limit buckets, `session.ip_address`) is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientIpSource {
    /// The connecting peer, from the `spin-client-addr` header the Spin host adds
    /// (`trusted_proxy_header` empty: no proxy is trusted, so no client-sent header
    /// is believed).
    Peer,
    /// A header set by the proxy in front of the app (lower-case name): the client is
    /// the entry `hops` from the right of its comma-separated list, since every entry
    /// left of what the trusted proxies appended is whatever the client sent.
    ProxyHeader {
        /// The header's name, lower-cased (`x-forwarded-for`).
        name: String,
        /// How many entries from the right the client is (1: the last one).
        hops: NonZeroUsize,
    },
}

// The URL carries a password: never print it.
impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(label) => write!(f, "Sqlite({label:?})"),
            Self::Postgres(_) => f.write_str("Postgres(<url>)"),
        }
    }
}

/// Typed access to the app's variables.
pub struct Config<'a> {
    lookup: &'a Lookup<'a>,
}

impl<'a> Config<'a> {
    /// Reads variables through `lookup` (in a component: `spin_sdk::variables::get`).
    pub fn new(lookup: &'a Lookup<'a>) -> Self {
        Self { lookup }
    }

    fn value(&self, name: &'static str) -> Result<Option<String>, ConfigError> {
        match (self.lookup)(name) {
            Ok(Some(value)) if !value.is_empty() => Ok(Some(value)),
            Ok(_) => Ok(None),
            Err(reason) => Err(ConfigError::Unavailable { name, reason }),
        }
    }

    /// Any variable by name, `None` when unset or empty: for variables whose meaning
    /// another crate owns (the session library's secrets list and cookie cache).
    ///
    /// # Errors
    /// [`ConfigError::Unavailable`] when the variables provider fails.
    pub fn optional(&self, name: &'static str) -> Result<Option<String>, ConfigError> {
        self.value(name)
    }

    fn required(&self, name: &'static str) -> Result<String, ConfigError> {
        self.value(name)?.ok_or(ConfigError::Missing(name))
    }

    /// `database_url`: which database the app uses. Empty or unset → Spin's SQLite
    /// database [`SQLITE_LABEL`]; `postgres://` or `postgresql://` → PostgreSQL;
    /// anything else is invalid (the error never echoes the value).
    pub fn database(&self) -> Result<Database, ConfigError> {
        let Some(url) = self.value("database_url")? else {
            return Ok(Database::Sqlite(SQLITE_LABEL));
        };
        let scheme = url
            .split_once("://")
            .map(|(scheme, _)| scheme.to_ascii_lowercase());
        match scheme.as_deref() {
            Some("postgres" | "postgresql") => Ok(Database::Postgres(url)),
            _ => Err(ConfigError::Invalid {
                name: "database_url",
                rule: "must be empty (Spin's SQLite database) or a postgres:// URL",
            }),
        }
    }

    /// `better_auth_secret`: the cookie-signing key, at least 32 characters (counted as
    /// JavaScript does, in UTF-16 units). `None` when it is empty outside production:
    /// the caller generates and stores one. Missing in production is an error.
    pub fn better_auth_secret(&self) -> Result<Option<String>, ConfigError> {
        let Some(secret) = self.value("better_auth_secret")? else {
            // Unset: an error in production, "generate one" elsewhere.
            return self.secret_present_in_production().map(|()| None);
        };
        if secret.encode_utf16().count() < 32 {
            return Err(ConfigError::Invalid {
                name: "better_auth_secret",
                rule: "must be at least 32 characters long",
            });
        }
        Ok(Some(secret))
    }

    /// `better_auth_url`: the server's public base URL (http or https).
    pub fn better_auth_url(&self) -> Result<String, ConfigError> {
        let value = self.required("better_auth_url")?;
        match url::Url::parse(&value) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Ok(value),
            _ => Err(ConfigError::Invalid {
                name: "better_auth_url",
                rule: "must be an http(s) URL such as http://localhost:3000",
            }),
        }
    }

    /// `cors_origin`: the web origins allowed to call the API with credentials, each
    /// normalised to its origin (`scheme://host[:port]`).
    pub fn cors_origins(&self) -> Result<Vec<String>, ConfigError> {
        const RULE: &str =
            "must be one or more comma-separated origins such as http://localhost:3001";
        let value = self.required("cors_origin")?;
        let invalid = || ConfigError::Invalid {
            name: "cors_origin",
            rule: RULE,
        };
        value
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                let origin = url::Url::parse(entry).map_err(|_| invalid())?.origin();
                origin
                    .is_tuple()
                    .then(|| origin.ascii_serialization())
                    .ok_or_else(invalid)
            })
            .collect::<Result<Vec<_>, _>>()
            .and_then(|origins| {
                if origins.is_empty() {
                    Err(invalid())
                } else {
                    Ok(origins)
                }
            })
    }

    /// Whether a component that must not hold the secret may serve: in production
    /// `better_auth_secret` or `better_auth_secrets` must be set (spec
    /// sqlite-and-deploy.md §3.2, cookie-cache-and-secrets.md §9.1), and this
    /// checks only that it is non-empty, keeping no value. Outside production it does
    /// not read the variable at all.
    ///
    /// # Errors
    /// [`ConfigError::Missing`] when production runs without a secret; a `node_env`
    /// error as [`Config::node_env`] reports it.
    pub fn secret_present_in_production(&self) -> Result<(), ConfigError> {
        if self.node_env()? != NodeEnv::Production {
            return Ok(());
        }
        // A versioned `better_auth_secrets` list stands in for the single secret.
        match (
            self.value("better_auth_secret")?,
            self.value("better_auth_secrets")?,
        ) {
            (None, None) => Err(ConfigError::Missing("better_auth_secret")),
            _ => Ok(()),
        }
    }

    /// `trusted_proxy_header` and `trusted_proxy_hops`: where the client IP comes
    /// from. An empty header (the default) means no proxy is trusted and the peer
    /// address counts; otherwise the header must be an HTTP field name
    /// (`x-forwarded-for`, `x-real-ip`, `forwarded`, …). `trusted_proxy_hops`, by
    /// default one, is a whole number of at least 1, validated even without a header
    /// so a typo never goes unnoticed.
    pub fn client_ip_source(&self) -> Result<ClientIpSource, ConfigError> {
        let hops = self.trusted_proxy_hops()?;
        let Some(name) = self.value("trusted_proxy_header")? else {
            return Ok(ClientIpSource::Peer);
        };
        let name = name.trim();
        if name.is_empty() {
            return Ok(ClientIpSource::Peer);
        }
        if !name.bytes().all(is_token_byte) {
            return Err(ConfigError::Invalid {
                name: "trusted_proxy_header",
                rule: "must be empty (no proxy: the peer address counts) or a header name such as x-forwarded-for",
            });
        }
        Ok(ClientIpSource::ProxyHeader {
            name: name.to_ascii_lowercase(),
            hops,
        })
    }

    fn trusted_proxy_hops(&self) -> Result<NonZeroUsize, ConfigError> {
        let Some(value) = self.value("trusted_proxy_hops")? else {
            return Ok(NonZeroUsize::MIN);
        };
        let value = value.trim();
        value
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| value.parse::<NonZeroUsize>().ok())
            .flatten()
            .ok_or(ConfigError::Invalid {
                name: "trusted_proxy_hops",
                rule: "must be a whole number of at least 1 (how many proxies append to trusted_proxy_header)",
            })
    }

    /// `node_env`: development (default), production or test.
    pub fn node_env(&self) -> Result<NodeEnv, ConfigError> {
        match self.value("node_env")?.as_deref() {
            None | Some("development") => Ok(NodeEnv::Development),
            Some("production") => Ok(NodeEnv::Production),
            Some("test") => Ok(NodeEnv::Test),
            Some(_) => Err(ConfigError::Invalid {
                name: "node_env",
                rule: "must be development, production or test",
            }),
        }
    }
}

/// RFC 9110 `tchar`: the bytes an HTTP field name is made of.
fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with<T>(vars: &[(&str, &str)], f: impl FnOnce(&Config<'_>) -> T) -> T {
        let owned: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let lookup = move |name: &str| {
            Ok(owned
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone()))
        };
        f(&Config::new(&lookup))
    }

    #[test]
    fn empty_or_unset_database_url_selects_sqlite() {
        for vars in [&[][..], &[("database_url", "")][..]] {
            with(vars, |c| {
                assert_eq!(c.database(), Ok(Database::Sqlite("default")));
            });
        }
    }

    #[test]
    fn postgres_urls_select_postgres() {
        for url in [
            "postgres://u:p@db.example.com:5432/app",
            "postgresql://localhost/app?sslmode=disable",
            "POSTGRES://localhost/app",
        ] {
            with(&[("database_url", url)], |c| {
                assert_eq!(c.database(), Ok(Database::Postgres(url.to_owned())));
            });
        }
    }

    #[test]
    fn other_database_urls_are_invalid_without_echoing_them() {
        for url in [
            "mysql://root:hunter2@db/app",
            "file:local.db",
            "libsql://x.turso.io",
        ] {
            with(&[("database_url", url)], |c| {
                let err = c.database().expect_err(url);
                let text = err.to_string();
                assert!(text.contains("database_url"), "{text}");
                assert!(!text.contains("hunter2") && !text.contains(url), "{text}");
            });
        }
        let printed = format!(
            "{:?}",
            Database::Postgres("postgres://u:hunter2@h/d".to_owned())
        );
        assert!(!printed.contains("hunter2"));
    }

    #[test]
    fn empty_secret_is_generated_outside_production_and_missing_in_it() {
        for env in ["development", "test"] {
            with(&[("better_auth_secret", ""), ("node_env", env)], |c| {
                assert_eq!(c.better_auth_secret(), Ok(None));
            });
        }
        with(&[], |c| assert_eq!(c.better_auth_secret(), Ok(None)));
        with(&[("node_env", "production")], |c| {
            assert_eq!(
                c.better_auth_secret(),
                Err(ConfigError::Missing("better_auth_secret"))
            );
        });
        let supplied = "s".repeat(40);
        with(
            &[
                ("node_env", "production"),
                ("better_auth_secret", &supplied),
            ],
            |c| {
                assert_eq!(c.better_auth_secret(), Ok(Some(supplied.clone())));
            },
        );
    }

    #[test]
    fn short_secret_is_invalid_and_error_hides_value() {
        with(&[("better_auth_secret", "tooshort-secret-value")], |c| {
            let err = c.better_auth_secret().expect_err("short secret");
            let text = err.to_string();
            assert!(text.contains("better_auth_secret"));
            assert!(!text.contains("tooshort"));
        });
        with(&[("better_auth_secret", &"x".repeat(32))], |c| {
            assert!(c.better_auth_secret().is_ok());
        });
    }

    #[test]
    fn cors_origins_are_split_and_normalised() {
        with(
            &[(
                "cors_origin",
                "http://localhost:3001, https://app.example.com/",
            )],
            |c| {
                assert_eq!(
                    c.cors_origins(),
                    Ok(vec![
                        "http://localhost:3001".to_owned(),
                        "https://app.example.com".to_owned()
                    ])
                );
            },
        );
        with(&[("cors_origin", "not a url")], |c| {
            assert!(matches!(
                c.cors_origins(),
                Err(ConfigError::Invalid {
                    name: "cors_origin",
                    ..
                })
            ));
        });
        with(&[("cors_origin", " , ")], |c| {
            assert!(c.cors_origins().is_err())
        });
    }

    #[test]
    fn node_env_defaults_to_development() {
        with(&[], |c| assert_eq!(c.node_env(), Ok(NodeEnv::Development)));
        with(&[("node_env", "production")], |c| {
            assert_eq!(c.node_env(), Ok(NodeEnv::Production));
        });
        with(&[("node_env", "staging")], |c| {
            assert!(c.node_env().is_err())
        });
    }

    #[test]
    fn base_url_must_parse() {
        for bad in ["localhost:3000", "not a url", "ftp://example.com"] {
            with(&[("better_auth_url", bad)], |c| {
                assert!(c.better_auth_url().is_err(), "{bad}");
            });
        }
        with(&[("better_auth_url", "http://localhost:3000")], |c| {
            assert_eq!(c.better_auth_url().as_deref(), Ok("http://localhost:3000"));
        });
    }

    #[test]
    fn client_ip_defaults_to_the_peer() {
        with(&[], |c| {
            assert_eq!(c.client_ip_source(), Ok(ClientIpSource::Peer))
        });
        for header in ["", "  "] {
            with(
                &[
                    ("trusted_proxy_header", header),
                    ("trusted_proxy_hops", "1"),
                ],
                |c| assert_eq!(c.client_ip_source(), Ok(ClientIpSource::Peer)),
            );
        }
    }

    #[test]
    fn a_trusted_proxy_header_is_lower_cased_with_its_hops() {
        let hops = |n| NonZeroUsize::new(n).expect("non-zero");
        with(&[("trusted_proxy_header", " X-Forwarded-For ")], |c| {
            assert_eq!(
                c.client_ip_source(),
                Ok(ClientIpSource::ProxyHeader {
                    name: "x-forwarded-for".to_owned(),
                    hops: hops(1)
                })
            );
        });
        with(
            &[
                ("trusted_proxy_header", "forwarded"),
                ("trusted_proxy_hops", "2"),
            ],
            |c| {
                assert_eq!(
                    c.client_ip_source(),
                    Ok(ClientIpSource::ProxyHeader {
                        name: "forwarded".to_owned(),
                        hops: hops(2)
                    })
                );
            },
        );
    }

    #[test]
    fn invalid_proxy_settings_name_their_variable() {
        for header in [
            "x forwarded",
            "x-forwarded-for:",
            "x-forwarded-for, x-real-ip",
            "é",
        ] {
            with(&[("trusted_proxy_header", header)], |c| {
                let err = c.client_ip_source().expect_err(header);
                assert!(matches!(
                    err,
                    ConfigError::Invalid {
                        name: "trusted_proxy_header",
                        ..
                    }
                ));
                assert!(!err.to_string().contains(header), "{err}");
            });
        }
        for hops in ["0", "-1", "+1", "1.5", "two", "99999999999999999999999"] {
            // Checked with and without a header: a typo never goes unnoticed.
            for header in ["", "x-forwarded-for"] {
                with(
                    &[
                        ("trusted_proxy_header", header),
                        ("trusted_proxy_hops", hops),
                    ],
                    |c| {
                        assert_eq!(
                            c.client_ip_source().map_err(|e| match e {
                                ConfigError::Invalid { name, .. } => name,
                                _ => "other",
                            }),
                            Err("trusted_proxy_hops"),
                            "{hops:?}"
                        );
                    },
                );
            }
        }
    }

    #[test]
    fn the_secret_check_keeps_no_value_and_reads_it_only_in_production() {
        let read = std::cell::RefCell::new(Vec::new());
        let lookup = |name: &str| {
            read.borrow_mut().push(name.to_owned());
            Ok(None)
        };
        assert_eq!(Config::new(&lookup).secret_present_in_production(), Ok(()));
        assert_eq!(*read.borrow(), ["node_env"]);
        with(&[("node_env", "production")], |c| {
            assert_eq!(
                c.secret_present_in_production(),
                Err(ConfigError::Missing("better_auth_secret"))
            );
        });
        with(
            &[("node_env", "production"), ("better_auth_secret", "x")],
            |c| assert_eq!(c.secret_present_in_production(), Ok(())),
        );
        with(
            &[("node_env", "production"), ("better_auth_secrets", "1:x")],
            |c| assert_eq!(c.secret_present_in_production(), Ok(())),
        );
    }

    #[test]
    fn provider_failure_is_reported() {
        let lookup = |_: &str| Err("vault down".to_owned());
        let config = Config::new(&lookup);
        assert!(matches!(
            config.database(),
            Err(ConfigError::Unavailable {
                name: "database_url",
                ..
            })
        ));
    }
}
