//! Embeds the numbered SQL files of the workspace's `migrations/` directory into the
//! crate, so that the `spinstack-migrate` binary works from any directory: writes
//! `$OUT_DIR/embedded.rs` (see `spinstack_migrations::embed`). Only the files directly
//! in it: the SQLite migrations in `migrations/sqlite/` belong to
//! `spinstack-sqlite-schema`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    spinstack_migrations::embed::embed("../../migrations", "migrations")?;
    Ok(())
}
