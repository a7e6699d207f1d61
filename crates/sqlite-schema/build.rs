//! Embeds the numbered SQL files of the workspace's `migrations/sqlite/` directory into
//! the crate, so the app carries its schema inside its WebAssembly components.
//!
//! Writes `$OUT_DIR/embedded.rs`, a sorted `&[Migration]` whose SQL comes from
//! `include_str!`, and asks Cargo to rerun when the directory or any file changes. A
//! misnamed `.sql` file or two files with one version fail the build.

use std::{env, error::Error, fmt::Write as _, fs, path::PathBuf};

#[path = "src/file_name.rs"]
mod file_name;

fn main() -> Result<(), Box<dyn Error>> {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?);
    let dir = manifest_dir.join("../../migrations/sqlite");
    let dir = dir.canonicalize().map_err(|e| {
        format!(
            "cannot read the SQLite migrations directory {}: {e}",
            dir.display()
        )
    })?;
    println!("cargo:rerun-if-changed={}", dir.display());

    let mut found = Vec::new();
    for entry in fs::read_dir(&dir)? {
        let path = entry?.path();
        if !path.is_file() {
            continue;
        }
        let Some(file_name) = path.file_name().and_then(|n| n.to_str()) else {
            return Err(format!("{}: file name is not UTF-8", path.display()).into());
        };
        let Some(parsed) = file_name::parse(file_name)? else {
            continue;
        };
        println!("cargo:rerun-if-changed={}", path.display());
        let path_str = path
            .to_str()
            .ok_or_else(|| format!("{}: path is not UTF-8", path.display()))?
            .to_owned();
        found.push((parsed.version, parsed.name.to_owned(), path_str));
    }
    found.sort();
    for pair in found.windows(2) {
        if pair[0].0 == pair[1].0 {
            return Err(format!(
                "two SQLite migrations share version {}: {} and {}",
                pair[0].0, pair[0].2, pair[1].2
            )
            .into());
        }
    }
    if found.is_empty() {
        return Err(format!("no migrations in {}", dir.display()).into());
    }

    let mut code =
        String::from("/// The migrations of `migrations/sqlite/`, ordered by version.\n");
    code.push_str("static EMBEDDED: &[Migration] = &[\n");
    for (version, name, path) in &found {
        writeln!(
            code,
            "    Migration::new({version}, {name:?}, include_str!({path:?})),"
        )?;
    }
    code.push_str("];\n");
    let out = PathBuf::from(env::var("OUT_DIR")?).join("embedded.rs");
    fs::write(out, code)?;
    Ok(())
}
