//! Embeds the numbered SQL files of the workspace's `migrations/sqlite/` directory into
//! the crate, so the app carries its schema inside its WebAssembly components: writes
//! `$OUT_DIR/embedded.rs` (see `spinstack_migrations::embed`). A misnamed `.sql` file or
//! two files with one version fail the build.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    spinstack_migrations::embed::embed("../../migrations/sqlite", "SQLite migrations")?;
    Ok(())
}
