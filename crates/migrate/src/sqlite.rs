//! SQLite files: which `--database-url` values name one, and migrating it natively with
//! the app's own migrator (`spinstack-sqlite-schema` over rusqlite, with Spin's SQLite
//! semantics), so an operator can prepare, check or adopt a database file before the
//! app's first request does the same.
//!
//! Accepted forms (query parameters such as `?mode=ro` are refused, not ignored):
//!
//! | form | file |
//! | --- | --- |
//! | `file:PATH`, `sqlite:PATH` | `PATH` as written: relative to the current directory unless it starts with `/` (Better-T-Stack's `.env` writes `file:../../local.db`) |
//! | `file:///ABS/PATH`, `file://localhost/ABS/PATH` | `/ABS/PATH`, percent-decoded |
//! | `sqlite://PATH` | `PATH` as written (sqlx style: `sqlite://app.db` is relative, `sqlite:///srv/app.db` absolute) |
//!
//! In-memory names (`:memory:`, `file::memory:`) and remote libSQL/Turso URLs
//! (`libsql://`, `http(s)://`, `ws(s)://`) are refused with the reason.

use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;
use spinstack_sql::native::SqliteConnection;
use spinstack_sqlite_schema as schema;

use crate::{MigrateError, Report};

/// The SQLite file `url` names; `Ok(None)` when `url` is not a SQLite URL at all (then
/// it is PostgreSQL's).
///
/// # Errors
///
/// [`MigrateError::InvalidDatabaseUrl`] for a SQLite URL this tool cannot migrate,
/// saying why (never echoing the URL, which for other schemes may hold a token).
pub fn file_from_url(url: &str) -> Result<Option<PathBuf>, MigrateError> {
    let invalid = |reason: &str| Err(MigrateError::InvalidDatabaseUrl(reason.to_owned()));
    let lower = url.to_ascii_lowercase();
    if ["libsql:", "http:", "https:", "ws:", "wss:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
    {
        return invalid(
            "a remote libSQL/Turso database cannot be migrated from here: the app migrates \
             it itself on its first request; spinstack-migrate takes a local SQLite file \
             (file:PATH) or a PostgreSQL URL",
        );
    }
    let path = if let Some(rest) = strip_scheme(url, "file:") {
        match rest.strip_prefix("//") {
            Some(authority_and_path) => {
                let Some(slash) = authority_and_path.find('/') else {
                    return invalid(
                        "a file:// URL needs an absolute path, e.g. file:///srv/app.db",
                    );
                };
                let (host, path) = authority_and_path.split_at(slash);
                if !(host.is_empty() || host.eq_ignore_ascii_case("localhost")) {
                    return invalid("a file:// URL must name a local file (no host)");
                }
                match percent_decode_str(path).decode_utf8() {
                    Ok(decoded) => decoded.into_owned(),
                    Err(_) => return invalid("the file path is not UTF-8 once percent-decoded"),
                }
            }
            None => rest.to_owned(),
        }
    } else if let Some(rest) = strip_scheme(url, "sqlite:") {
        rest.strip_prefix("//").unwrap_or(rest).to_owned()
    } else {
        return Ok(None);
    };
    if path.contains('?') || path.contains('#') {
        return invalid(
            "query parameters and fragments are not supported in a SQLite URL: give the \
             plain path, e.g. file:app.db",
        );
    }
    if path.is_empty() || path == ":memory:" || path.starts_with(":memory:") {
        return invalid("an in-memory SQLite database cannot be migrated: name a file");
    }
    Ok(Some(PathBuf::from(path)))
}

fn strip_scheme<'a>(url: &'a str, scheme: &str) -> Option<&'a str> {
    url.get(..scheme.len())
        .filter(|prefix| prefix.eq_ignore_ascii_case(scheme))
        .map(|_| &url[scheme.len()..])
}

/// Opens (creating it when missing) the SQLite database file at `path` and brings it up
/// to date with the SQLite migrations the app embeds, adopting a Better-T-Stack
/// database; the same run the app does on first use, always reporting every migration.
///
/// # Errors
///
/// [`MigrateError::SqliteOpen`] when the file cannot be opened, and
/// [`MigrateError::Sqlite`] for everything the migrator refuses or fails on (nothing is
/// changed then).
pub fn migrate_sqlite_file(path: &Path) -> Result<Report, MigrateError> {
    let conn = SqliteConnection::open(path).map_err(|cause| MigrateError::SqliteOpen {
        path: path.to_owned(),
        cause,
    })?;
    // The same Report type as the PostgreSQL path's (spinstack-migrations).
    Ok(schema::migrate(&conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(url: &str) -> Option<String> {
        file_from_url(url)
            .ok()
            .flatten()
            .map(|p| p.display().to_string())
    }

    fn refused(url: &str) -> String {
        match file_from_url(url) {
            Err(err) => err.to_string(),
            Ok(found) => panic!("{url:?} should be refused, got {found:?}"),
        }
    }

    #[test]
    fn sqlite_urls() {
        assert_eq!(file("file:local.db").as_deref(), Some("local.db"));
        assert_eq!(
            file("file:../../local.db").as_deref(),
            Some("../../local.db")
        );
        assert_eq!(file("FILE:/srv/app.db").as_deref(), Some("/srv/app.db"));
        assert_eq!(
            file("file:///srv/my%20app.db").as_deref(),
            Some("/srv/my app.db")
        );
        assert_eq!(
            file("file://localhost/srv/app.db").as_deref(),
            Some("/srv/app.db")
        );
        assert_eq!(file("sqlite:app.db").as_deref(), Some("app.db"));
        assert_eq!(file("sqlite://app.db").as_deref(), Some("app.db"));
        assert_eq!(file("sqlite:///srv/app.db").as_deref(), Some("/srv/app.db"));
    }

    #[test]
    fn other_urls_are_not_sqlite() {
        for url in ["postgres://u@h/db", "postgresql://h/db", "host=localhost"] {
            assert!(matches!(file_from_url(url), Ok(None)), "{url}");
        }
    }

    #[test]
    fn unusable_sqlite_urls_are_refused_with_the_reason() {
        assert!(refused("libsql://db.turso.io?authToken=x").contains("remote libSQL/Turso"));
        assert!(refused("https://db.turso.io").contains("remote libSQL/Turso"));
        assert!(refused("file::memory:").contains("in-memory"));
        assert!(refused("sqlite::memory:").contains("in-memory"));
        assert!(refused("file:").contains("in-memory"));
        assert!(refused("file:app.db?mode=ro").contains("query parameters"));
        assert!(refused("file://server/share/app.db").contains("no host"));
        // The URL itself is never echoed.
        assert!(!refused("libsql://db.turso.io?authToken=secret").contains("secret"));
    }
}
