//! What a call did: nothing (the one-query fast path), or a run migration by migration
//! (the [`Report`] both migrators print the same way).

use crate::Report;

/// The result of [`crate::ensure_migrated`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// The schema was already at the latest version; the check cost one query.
    UpToDate,
    /// The schema was behind when this call looked, so it took the write lock and ran
    /// the migrator. The report may show that another instance did the work meanwhile
    /// ([`Report::changed`] is then false).
    Migrated(Report),
}
