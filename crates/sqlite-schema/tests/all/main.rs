//! Native tests of `spinstack-sqlite-schema` over rusqlite with Spin's SQLite semantics
//! (`spinstack_sql::native::SqliteConnection`: first statement only, foreign keys on,
//! 5 s busy timeout), each on a database file of its own in a temporary directory. One
//! test binary with modules, so it links once.

mod adopt;
mod failure;
mod fresh;
mod race;
mod refuse;
mod support;
