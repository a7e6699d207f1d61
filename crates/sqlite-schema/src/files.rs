//! The migrations themselves: the files of `migrations/sqlite/` embedded at compile time
//! (see `build.rs`). Each runs one statement per `execute` ([`Migration::statements`]),
//! inside the single transaction of a migration run together with its ledger row; so
//! its statements must not contain transaction control (`BEGIN`, `COMMIT`, `VACUUM`) nor
//! pragmas that do nothing inside a transaction (`foreign_keys`, `journal_mode`).

use crate::Migration;

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The migrations of the workspace's `migrations/sqlite/` directory, ordered by version.
pub fn embedded() -> &'static [Migration] {
    EMBEDDED
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_files_are_numbered_and_split() {
        let all = embedded();
        let ids: Vec<String> = all.iter().map(Migration::id).collect();
        assert_eq!(
            ids[..4],
            [
                "0001_better_auth",
                "0002_rate_limit",
                "0003_todo",
                "0004_settings"
            ]
        );
        assert!(all.windows(2).all(|w| w[0].version() < w[1].version()));
        // drizzle-kit's order: four tables, then three indexes.
        let baseline = all[0].statements();
        assert_eq!(baseline.len(), 7);
        assert!(baseline[0].sql.contains("CREATE TABLE `account`"));
        assert!(
            baseline[6]
                .sql
                .starts_with("CREATE INDEX `verification_identifier_idx`")
        );
        for migration in all {
            for statement in migration.statements() {
                assert_eq!(
                    statement.code().matches(';').count(),
                    1,
                    "{}: one statement per part, ending in `;`: {}",
                    migration.id(),
                    statement.sql
                );
            }
        }
    }
}
