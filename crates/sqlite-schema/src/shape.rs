//! The shape of a SQLite table as the pragma table functions report it, which is what
//! adoption compares (with `spinstack_migrations::differences`): columns (declared type,
//! nullability, default) and the primary key from `pragma_table_info`, indexes (unique
//! or not, partial or not, key columns) from `pragma_index_list` + `pragma_index_info`,
//! and foreign keys (columns, target, actions) from `pragma_foreign_key_list` —
//! deliberately without index or constraint names, nor whether a unique index comes
//! from an inline `UNIQUE` or a `CREATE UNIQUE INDEX` (they differ between drizzle-kit
//! versions). Identifiers are compared case-insensitively, as SQLite resolves them.

use std::{collections::BTreeSet, fmt};

use spinstack_migrations::{Column, ForeignKey};
use spinstack_sql::{Connection, Param, Row, SqlError};

use crate::SchemaError;

/// Everything adoption compares about one table, as SQLite reports it: table, column and
/// foreign-key names lowercased; declared types and foreign-key actions uppercased
/// (`NO ACTION` when none was written); defaults normalized by [`normalize_default`];
/// foreign keys without target columns when the clause names none (the target's
/// primary key); no `other_constraints` (CHECK constraints are not read).
pub(crate) type TableShape = spinstack_migrations::TableShape<Index>;

/// One index, including the automatic ones behind `PRIMARY KEY` and `UNIQUE`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Index {
    pub(crate) unique: bool,
    /// Whether it has a `WHERE` clause.
    pub(crate) partial: bool,
    /// Lowercased key columns in order; `<expression>` for an expression key.
    pub(crate) columns: Vec<String>,
}

/// `UNIQUE (email)`, `INDEX (user_id)`, `partial UNIQUE (…)`.
impl fmt::Display for Index {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.partial {
            f.write_str("partial ")?;
        }
        let kind = if self.unique { "UNIQUE" } else { "INDEX" };
        write!(f, "{kind} ({})", self.columns.join(", "))
    }
}

/// The lowercased names of every ordinary table of the main database.
pub(crate) fn tables(conn: &(impl Connection + ?Sized)) -> Result<BTreeSet<String>, SchemaError> {
    let rows = conn
        .query("SELECT name FROM sqlite_master WHERE type = 'table'", &[])
        .map_err(SchemaError::db("listing tables"))?;
    rows.iter()
        .map(|row| row.text(0).map(|name| name.to_ascii_lowercase()))
        .collect::<Result<_, _>>()
        .map_err(SchemaError::db("listing tables"))
}

/// Reads the shape of table `name` of the main database.
pub(crate) fn read(
    conn: &(impl Connection + ?Sized),
    name: &str,
) -> Result<TableShape, SchemaError> {
    let context = || format!("reading the shape of table {name:?}");
    let table = [Param::text(name)];

    let columns = conn
        .query(
            "SELECT name, type, \"notnull\", dflt_value, pk \
             FROM pragma_table_info(?1) ORDER BY cid",
            &table,
        )
        .and_then(|rows| rows.iter().map(column).collect::<Result<Vec<_>, _>>())
        .map_err(SchemaError::db(context()))?;
    // `pk` is the 1-based position in the primary key, 0 when not part of it.
    let mut key: Vec<&(Column, u32)> = columns.iter().filter(|(_, pk)| *pk > 0).collect();
    key.sort_by_key(|(_, pk)| *pk);
    let primary_key = key.into_iter().map(|(c, _)| c.name.clone()).collect();

    let index_rows = conn
        .query(
            "SELECT il.name, il.\"unique\", il.partial, ii.name \
             FROM pragma_index_list(?1) AS il, pragma_index_info(il.name) AS ii \
             ORDER BY il.name, ii.seqno",
            &table,
        )
        .map_err(SchemaError::db(context()))?;
    let indexes = group(&index_rows, |row| row.text(0), |row| row.opt_text(3))
        .map_err(SchemaError::db(context()))?
        .into_iter()
        .map(|(first, keys)| {
            Ok(Index {
                unique: first.i64(1)? != 0,
                partial: first.i64(2)? != 0,
                columns: keys
                    .into_iter()
                    .map(|key| key.map_or_else(|| "<expression>".to_owned(), lower))
                    .collect(),
            })
        })
        .collect::<Result<BTreeSet<_>, SqlError>>()
        .map_err(SchemaError::db(context()))?;

    let fk_rows = conn
        .query(
            "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete \
             FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
            &table,
        )
        .map_err(SchemaError::db(context()))?;
    let foreign_keys = group(
        &fk_rows,
        |row| row.i64(0).map(|id| id.to_string()),
        |row| Ok((row.text(2)?, row.opt_text(3)?)),
    )
    .map_err(SchemaError::db(context()))?
    .into_iter()
    .map(|(first, pairs)| {
        Ok(ForeignKey {
            columns: pairs.iter().map(|(from, _)| lower(from.clone())).collect(),
            target: lower(first.text(1)?),
            target_columns: pairs
                .into_iter()
                .filter_map(|(_, to)| to.map(lower))
                .collect(),
            on_update: first.text(4)?.to_ascii_uppercase(),
            on_delete: first.text(5)?.to_ascii_uppercase(),
        })
    })
    .collect::<Result<BTreeSet<_>, SqlError>>()
    .map_err(SchemaError::db(context()))?;

    Ok(TableShape {
        name: lower(name.to_owned()),
        columns: columns.into_iter().map(|(column, _)| column).collect(),
        primary_key,
        indexes,
        foreign_keys,
        other_constraints: Vec::new(),
    })
}

/// A row of `pragma_table_info`: the column, and its position in the primary key.
fn column(row: &Row) -> Result<(Column, u32), SqlError> {
    let column = Column {
        name: lower(row.text(0)?),
        data_type: row.text(1)?.trim().to_ascii_uppercase(),
        not_null: row.i64(2)? != 0,
        default: row.opt_text(3)?.map(|d| normalize_default(&d)),
    };
    Ok((column, u32::try_from(row.i64(4)?).unwrap_or(u32::MAX)))
}

/// Groups consecutive rows with the same key: each group's first row and one item per row.
fn group<K: PartialEq, T>(
    rows: &[Row],
    key: impl Fn(&Row) -> Result<K, SqlError>,
    item: impl Fn(&Row) -> Result<T, SqlError>,
) -> Result<Vec<(&Row, Vec<T>)>, SqlError> {
    let mut groups: Vec<(K, &Row, Vec<T>)> = Vec::new();
    for row in rows {
        let k = key(row)?;
        let value = item(row)?;
        match groups.last_mut() {
            Some((last, _, items)) if *last == k => items.push(value),
            _ => groups.push((k, row, vec![value])),
        }
    }
    Ok(groups
        .into_iter()
        .map(|(_, first, items)| (first, items))
        .collect())
}

fn lower(name: String) -> String {
    name.to_ascii_lowercase()
}

/// A default expression without redundant outer parentheses and with runs of
/// whitespace collapsed to one space: `(cast(x as integer))` and `cast(x  as integer)`
/// compare equal.
pub(crate) fn normalize_default(text: &str) -> String {
    let mut text = text.trim();
    while let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        if !balanced(inner) {
            break;
        }
        text = inner.trim();
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether the parentheses of `text` balance without ever going negative, ignoring
/// those inside single-quoted strings.
fn balanced(text: &str) -> bool {
    let mut depth = 0i32;
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_normalized() {
        assert_eq!(
            normalize_default("(cast(unixepoch('subsecond') * 1000 as integer))"),
            "cast(unixepoch('subsecond') * 1000 as integer)"
        );
        assert_eq!(normalize_default(" ((false)) "), "false");
        assert_eq!(normalize_default("(a) + (b)"), "(a) + (b)");
        assert_eq!(normalize_default("(')(')"), "')('");
    }
}
