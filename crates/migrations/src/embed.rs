//! The build-script half: each migrator's `build.rs` calls [`embed`] to turn a directory
//! of numbered SQL files into `$OUT_DIR/embedded.rs`, a `static EMBEDDED: &[Migration]`
//! sorted by version whose SQL comes from `include_str!`, so the binary or component
//! carries its migrations and runs from any directory. The crate that includes the file
//! must have [`Migration`](crate::Migration) in scope.
//!
//! A `.sql` file that breaks the `NNNN_name.sql` rule, two files with one version, or a
//! directory without migrations fail the build; other files (a README) are ignored.

use std::{
    env,
    fmt::Write as _,
    fs, io,
    path::{Path, PathBuf},
};

use crate::file_name;

/// Why the migrations could not be embedded; the build fails with this message.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmbedError {
    /// Reading the directory, or writing the generated file, failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being read or written.
        context: String,
        /// The error from the file system.
        source: io::Error,
    },

    /// A variable that Cargo sets for build scripts is missing.
    #[error("{0} is not set: embed runs from a build script")]
    NotInBuildScript(&'static str),

    /// The directory's files break a rule: a misnamed `.sql` file, a name that is not
    /// UTF-8, two files with one version, or no migration at all.
    #[error("{0}")]
    Invalid(String),
}

/// Embeds the migrations of `dir` (relative to the crate's manifest directory, e.g.
/// `../../migrations/sqlite`) into `$OUT_DIR/embedded.rs`, and asks Cargo to rerun the
/// build script when the directory or any migration changes. `what` names the files in
/// messages, e.g. `SQLite migrations`.
///
/// # Errors
///
/// [`EmbedError`] when the directory cannot be read or breaks a rule, or when called
/// outside a build script.
pub fn embed(dir: &str, what: &str) -> Result<(), EmbedError> {
    let manifest_dir = build_var("CARGO_MANIFEST_DIR")?;
    let out_dir = build_var("OUT_DIR")?;
    let dir = manifest_dir.join(dir);
    let dir = dir.canonicalize().map_err(|source| EmbedError::Io {
        context: format!("cannot read the {what} directory {}", dir.display()),
        source,
    })?;
    println!("cargo:rerun-if-changed={}", dir.display());
    let found = scan(&dir, what)?;
    for file in &found {
        println!("cargo:rerun-if-changed={}", file.path);
    }
    let out = out_dir.join("embedded.rs");
    fs::write(&out, code(&found, what)).map_err(|source| EmbedError::Io {
        context: format!("writing {}", out.display()),
        source,
    })
}

fn build_var(name: &'static str) -> Result<PathBuf, EmbedError> {
    env::var_os(name)
        .map(PathBuf::from)
        .ok_or(EmbedError::NotInBuildScript(name))
}

/// One migration file found in the directory.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Found {
    version: u32,
    name: String,
    path: String,
}

/// The migrations of `dir`, sorted by version, each version once.
fn scan(dir: &Path, what: &str) -> Result<Vec<Found>, EmbedError> {
    let read_error = |source| EmbedError::Io {
        context: format!("cannot read the {what} directory {}", dir.display()),
        source,
    };
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).map_err(read_error)? {
        let path = entry.map_err(read_error)?.path();
        if !path.is_file() {
            continue;
        }
        let not_utf8 =
            |part| EmbedError::Invalid(format!("{}: {part} is not UTF-8", path.display()));
        let file_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| not_utf8("file name"))?;
        let Some(parsed) = file_name::parse(file_name).map_err(EmbedError::Invalid)? else {
            continue;
        };
        found.push(Found {
            version: parsed.version,
            name: parsed.name.to_owned(),
            path: path.to_str().ok_or_else(|| not_utf8("path"))?.to_owned(),
        });
    }
    found.sort();
    for pair in found.windows(2) {
        if pair[0].version == pair[1].version {
            return Err(EmbedError::Invalid(format!(
                "two {what} share version {}: {} and {}",
                pair[0].version, pair[0].path, pair[1].path
            )));
        }
    }
    if found.is_empty() {
        return Err(EmbedError::Invalid(format!(
            "no migrations in {}",
            dir.display()
        )));
    }
    Ok(found)
}

/// The Rust source of the `EMBEDDED` list.
fn code(found: &[Found], what: &str) -> String {
    let mut code = format!("/// The embedded {what}, ordered by version.\n");
    code.push_str("static EMBEDDED: &[Migration] = &[\n");
    for Found {
        version,
        name,
        path,
    } in found
    {
        // Writing to a String cannot fail.
        let _ = writeln!(
            code,
            "    Migration::new({version}, {name:?}, include_str!({path:?})),"
        );
    }
    code.push_str("];\n");
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_with(files: &[&str]) -> Result<tempfile::TempDir, io::Error> {
        let dir = tempfile::tempdir()?;
        for file in files {
            fs::write(dir.path().join(file), "SELECT 1;")?;
        }
        Ok(dir)
    }

    #[test]
    fn lists_the_migrations_in_version_order() -> Result<(), Box<dyn std::error::Error>> {
        let dir = dir_with(&["0010_later.sql", "0002_first.sql", "README.md"])?;
        fs::create_dir(dir.path().join("sqlite"))?;
        let found = scan(dir.path(), "migrations")?;
        let names: Vec<_> = found.iter().map(|f| (f.version, f.name.as_str())).collect();
        assert_eq!(names, [(2, "first"), (10, "later")]);
        let code = code(&found, "migrations");
        assert!(code.starts_with("/// The embedded migrations, ordered by version.\n"));
        assert!(code.contains("    Migration::new(2, \"first\", include_str!("));
        assert!(code.ends_with("0010_later.sql\")),\n];\n"));
        Ok(())
    }

    #[test]
    fn refuses_what_would_drop_or_confuse_a_migration() -> Result<(), Box<dyn std::error::Error>> {
        let misnamed = dir_with(&["0001_ok.sql", "2_bad.sql"])?;
        let err = scan(misnamed.path(), "migrations")
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("must be named NNNN_name.sql")));

        let twice = dir_with(&["0001_a.sql", "00001_b.sql"])?;
        let err = scan(twice.path(), "SQLite migrations")
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.starts_with("two SQLite migrations share version 1: ")));

        let empty = dir_with(&["README.md"])?;
        let err = scan(empty.path(), "migrations")
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.starts_with("no migrations in ")));
        Ok(())
    }
}
