//! Adopting a database that Better-T-Stack already created (drizzle-kit's `db:push` of
//! the template's SQLite/Turso auth schema): it has Better Auth's four tables but no
//! ledger. When all four exist with the shape `0001` creates (see [`crate::expected`]
//! and [`crate::compare`]), `0001` is recorded as adopted without touching any row;
//! some tables missing or any shape difference is refused with every difference listed.

use std::collections::BTreeSet;

use spinstack_sql::Connection;

use crate::{Migration, SchemaError, compare, embedded, expected, shape};

/// What to do with the baseline migration when there is no ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Baseline {
    /// None of its tables exist: run it.
    Apply,
    /// All of its tables exist with the shape it creates: record it without running it.
    Adopt,
}

/// Whether `migration` is the embedded `0001`, the only one adoption knows the shape of.
pub(crate) fn is_baseline(migration: &Migration) -> bool {
    embedded().first() == Some(migration)
}

/// Decides between running and adopting `baseline`, or refuses with the reason;
/// `tables` are the database's tables, lowercased. Only reads.
pub(crate) fn inspect(
    conn: &(impl Connection + ?Sized),
    tables: &BTreeSet<String>,
    baseline: &Migration,
) -> Result<Baseline, SchemaError> {
    let present: Vec<&str> = expected::TABLES
        .into_iter()
        .filter(|t| tables.contains(*t))
        .collect();
    if present.is_empty() {
        return Ok(Baseline::Apply);
    }
    let mut differences = Vec::new();
    for want in expected::baseline() {
        if tables.contains(&want.name) {
            let have = shape::read(conn, &want.name)?;
            differences.extend(compare::differences(&want, &have));
        } else {
            differences.push(format!(
                "table {:?} is missing (found {})",
                want.name,
                present
                    .iter()
                    .map(|t| format!("{t:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    if differences.is_empty() {
        Ok(Baseline::Adopt)
    } else {
        Err(SchemaError::ShapeMismatch {
            baseline: baseline.id(),
            differences,
        })
    }
}
