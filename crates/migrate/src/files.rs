//! The migrations themselves: the files of `migrations/` embedded at compile time (see
//! `build.rs`). Each runs as one batch, in a single transaction together with its
//! record in the ledger, so it must not contain transaction control (`BEGIN`, `COMMIT`)
//! nor statements that cannot run inside a transaction (`CREATE INDEX CONCURRENTLY`).
//! Table names are written unqualified: they land in the connection's current schema,
//! and the first migration is also replayed in a temporary schema to learn its shape
//! (see [`crate::migrate`]).

use crate::Migration;

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The migrations of the workspace's `migrations/` directory, ordered by version.
pub fn embedded() -> &'static [Migration] {
    EMBEDDED
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_starts_with_better_auth_in_order() {
        let all = embedded();
        assert_eq!(
            all.first().map(Migration::id).as_deref(),
            Some("0001_better_auth")
        );
        assert!(all.windows(2).all(|w| w[0].version() < w[1].version()));
    }

    #[test]
    fn embeds_only_the_postgresql_files() {
        // migrations/sqlite/ holds the SQLite migrations of spinstack-sqlite-schema.
        let ids: Vec<String> = embedded().iter().map(Migration::id).collect();
        assert_eq!(
            ids[..4],
            [
                "0001_better_auth",
                "0002_rate_limit",
                "0003_todo",
                "0004_settings"
            ]
        );
        for migration in embedded() {
            assert!(
                !migration.sql().contains(spinstack_migrations::BREAKPOINT),
                "{} looks like a SQLite migration",
                migration.id()
            );
        }
    }
}
