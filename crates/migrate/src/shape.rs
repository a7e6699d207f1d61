//! The shape of a table as read from `pg_catalog`: what adoption compares (with
//! `spinstack_migrations::differences`).
//!
//! A shape holds what decides whether Better Auth's queries behave the same — columns
//! (type, nullability, default), primary key, indexes (unique or not, by key columns),
//! foreign keys (columns, target, actions) and check constraints — and deliberately no
//! constraint or index names, which differ between drizzle-kit versions.

use std::{collections::BTreeSet, fmt};

use spinstack_migrations::{Column, ForeignKey};
use tokio_postgres::GenericClient;

use crate::MigrateError;

/// Everything adoption compares about one table: types as `format_type()`, defaults as
/// `pg_get_expr()`, other constraints as `pg_get_constraintdef()` of CHECK and EXCLUDE.
pub(crate) type TableShape = spinstack_migrations::TableShape<Index>;

/// One index other than the primary key's; a UNIQUE constraint shows up here as the
/// unique index that backs it, so a unique index and a unique constraint compare equal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Index {
    pub(crate) unique: bool,
    /// Access method, e.g. `btree`.
    pub(crate) method: String,
    /// Key columns (or expressions), in order.
    pub(crate) keys: Vec<String>,
    /// `WHERE` clause of a partial index.
    pub(crate) predicate: Option<String>,
}

/// `UNIQUE (token)` for what a UNIQUE constraint creates, otherwise e.g.
/// `index USING hash (user_id) WHERE (…)`.
impl fmt::Display for Index {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys = self.keys.join(", ");
        if self.unique && self.method == "btree" && self.predicate.is_none() {
            // What a UNIQUE constraint creates.
            return write!(f, "UNIQUE ({keys})");
        }
        let unique = if self.unique { "unique " } else { "" };
        write!(f, "{unique}index USING {} ({keys})", self.method)?;
        if let Some(predicate) = &self.predicate {
            write!(f, " WHERE {predicate}")?;
        }
        Ok(())
    }
}

/// The ordinary and partitioned tables of a schema, by name.
pub(crate) async fn tables(
    client: &impl GenericClient,
    schema: u32,
) -> Result<BTreeSet<String>, MigrateError> {
    let rows = client
        .query(
            "SELECT relname::text FROM pg_catalog.pg_class \
             WHERE relnamespace = $1 AND relkind IN ('r', 'p')",
            &[&schema],
        )
        .await
        .map_err(MigrateError::db("listing tables"))?;
    Ok(rows.iter().map(|row| row.get(0)).collect())
}

/// Reads the shape of table `name` in the schema with OID `schema`.
pub(crate) async fn read(
    client: &impl GenericClient,
    schema: u32,
    name: &str,
) -> Result<TableShape, MigrateError> {
    let context = || format!("reading the shape of table {name:?}");
    let table: u32 = client
        .query_one(
            "SELECT oid FROM pg_catalog.pg_class \
             WHERE relnamespace = $1 AND relname = $2 AND relkind IN ('r', 'p')",
            &[&schema, &name],
        )
        .await
        .map_err(MigrateError::db(context()))?
        .get(0);

    let columns = client
        .query(
            "SELECT a.attname::text, pg_catalog.format_type(a.atttypid, a.atttypmod), \
                    a.attnotnull, pg_catalog.pg_get_expr(d.adbin, d.adrelid) \
             FROM pg_catalog.pg_attribute a \
             LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
             WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped \
             ORDER BY a.attnum",
            &[&table],
        )
        .await
        .map_err(MigrateError::db(context()))?
        .iter()
        .map(|row| Column {
            name: row.get(0),
            data_type: row.get(1),
            not_null: row.get(2),
            default: row.get(3),
        })
        .collect();

    let mut primary_key = Vec::new();
    let mut foreign_keys = BTreeSet::new();
    let mut other_constraints = BTreeSet::new();
    let constraints = client
        .query(
            "SELECT c.contype::text, \
                    ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(num, ord) \
                          JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num \
                          ORDER BY k.ord), \
                    CASE WHEN t.oid IS NULL THEN NULL \
                         WHEN t.relnamespace = $2 THEN t.relname::text \
                         ELSE pg_catalog.format('%I.%I', tn.nspname, t.relname) END, \
                    ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(num, ord) \
                          JOIN pg_catalog.pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.num \
                          ORDER BY k.ord), \
                    c.confdeltype::text, c.confupdtype::text, \
                    pg_catalog.pg_get_constraintdef(c.oid) \
             FROM pg_catalog.pg_constraint c \
             LEFT JOIN pg_catalog.pg_class t ON t.oid = c.confrelid \
             LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace \
             WHERE c.conrelid = $1",
            &[&table, &schema],
        )
        .await
        .map_err(MigrateError::db(context()))?;
    for row in &constraints {
        let kind: String = row.get(0);
        match kind.as_str() {
            "p" => primary_key = row.get(1),
            "f" => {
                foreign_keys.insert(ForeignKey {
                    columns: row.get(1),
                    target: row.get(2),
                    target_columns: row.get(3),
                    on_delete: action(&row.get::<_, String>(4)),
                    on_update: action(&row.get::<_, String>(5)),
                });
            }
            // Unique constraints are compared through their indexes.
            "u" => {}
            _ => {
                other_constraints.insert(row.get(6));
            }
        }
    }

    let indexes = client
        .query(
            "SELECT i.indisunique, am.amname::text, \
                    ARRAY(SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k, true) \
                          FROM generate_series(1, i.indnkeyatts::int) k ORDER BY k), \
                    pg_catalog.pg_get_expr(i.indpred, i.indrelid) \
             FROM pg_catalog.pg_index i \
             JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid \
             JOIN pg_catalog.pg_am am ON am.oid = ic.relam \
             WHERE i.indrelid = $1 AND NOT i.indisprimary",
            &[&table],
        )
        .await
        .map_err(MigrateError::db(context()))?
        .iter()
        .map(|row| Index {
            unique: row.get(0),
            method: row.get(1),
            keys: row.get(2),
            predicate: row.get(3),
        })
        .collect();

    Ok(TableShape {
        name: name.to_owned(),
        columns,
        primary_key,
        indexes,
        foreign_keys,
        // Sorted, each once.
        other_constraints: other_constraints.into_iter().collect(),
    })
}

/// `pg_constraint.confdeltype` / `confupdtype` in SQL words.
fn action(code: &str) -> String {
    match code {
        "a" => "NO ACTION".to_owned(),
        "r" => "RESTRICT".to_owned(),
        "c" => "CASCADE".to_owned(),
        "n" => "SET NULL".to_owned(),
        "d" => "SET DEFAULT".to_owned(),
        _ => format!("unknown action {code:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(unique: bool, method: &str, key: &str, predicate: Option<&str>) -> Index {
        Index {
            unique,
            method: method.to_owned(),
            keys: vec![key.to_owned()],
            predicate: predicate.map(str::to_owned),
        }
    }

    #[test]
    fn indexes_are_named_as_in_sql() {
        for (index, named) in [
            // What a UNIQUE constraint creates, and what it does not.
            (index(true, "btree", "token", None), "UNIQUE (token)"),
            (
                index(true, "btree", "token", Some("(token <> '')")),
                "unique index USING btree (token) WHERE (token <> '')",
            ),
            (
                index(false, "btree", "user_id", None),
                "index USING btree (user_id)",
            ),
            (
                index(false, "hash", "user_id", Some("(user_id IS NOT NULL)")),
                "index USING hash (user_id) WHERE (user_id IS NOT NULL)",
            ),
        ] {
            assert_eq!(index.to_string(), named);
        }
    }
}
