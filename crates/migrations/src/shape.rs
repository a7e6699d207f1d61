//! The shape of a table, as adoption compares it: what decides whether Better Auth's
//! queries behave the same — columns (type, nullability, default), primary key, indexes,
//! foreign keys (columns, target, actions) and other constraints — and deliberately no
//! index or constraint names, which differ between drizzle-kit versions. Each dialect
//! reads it from its own catalog and brings its own index type `I`, since what an index
//! is differs (PostgreSQL's access method and predicate, SQLite's partial flag).

use std::collections::BTreeSet;

/// One column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The name (lowercased by SQLite's reader, which resolves names case-insensitively).
    pub name: String,
    /// The type as the catalog reports it: PostgreSQL's `format_type()` (e.g.
    /// `timestamp without time zone`), SQLite's declared type uppercased (`TEXT`; empty
    /// when none was declared).
    pub data_type: String,
    /// Whether it is `NOT NULL`.
    pub not_null: bool,
    /// The default expression's text (PostgreSQL's `pg_get_expr()`, SQLite's normalized
    /// `dflt_value`).
    pub default: Option<String>,
}

impl Column {
    /// A column from its parts, e.g. `Column::new("token", "TEXT", true, None)`.
    pub fn new(name: &str, data_type: &str, not_null: bool, default: Option<&str>) -> Self {
        Self {
            name: name.to_owned(),
            data_type: data_type.to_owned(),
            not_null,
            default: default.map(str::to_owned),
        }
    }
}

/// One foreign key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ForeignKey {
    /// The columns of this table.
    pub columns: Vec<String>,
    /// The referenced table (PostgreSQL: schema-qualified only when it lives in another
    /// schema).
    pub target: String,
    /// The referenced columns; empty when the clause names none (SQLite: the target's
    /// primary key).
    pub target_columns: Vec<String>,
    /// `ON DELETE` action in SQL words, e.g. `CASCADE`.
    pub on_delete: String,
    /// `ON UPDATE` action in SQL words, e.g. `NO ACTION`.
    pub on_update: String,
}

/// Everything adoption compares about one table; `I` is the dialect's index type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableShape<I> {
    /// The table's name.
    pub name: String,
    /// In column order (the order is not compared).
    pub columns: Vec<Column>,
    /// The primary key's columns in key order; empty when there is none.
    pub primary_key: Vec<String>,
    /// The indexes, compared as a set.
    pub indexes: BTreeSet<I>,
    /// The foreign keys, compared as a set.
    pub foreign_keys: BTreeSet<ForeignKey>,
    /// Other constraints by their text (PostgreSQL's `pg_get_constraintdef()` of CHECK
    /// and EXCLUDE constraints), sorted, each once; empty where the dialect's reader
    /// collects none. A `Vec` rather than a set: SQLite's shapes, compared inside the
    /// wasm components, never have any, and a slice costs them less code.
    pub other_constraints: Vec<String>,
}
