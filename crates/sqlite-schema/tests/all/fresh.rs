//! A fresh database file: created on the first call, one query on every later one.

use spinstack_sql::native::SqliteConnection;
use spinstack_sql::{Connection as _, Param};
use spinstack_sqlite_schema::{
    IN_MEMORY_MESSAGE, Migration, Outcome, SchemaError, Status, embedded, ensure_migrated, migrate,
};

use crate::support::{Counting, TestDb, all_versions, latest, ledger, tables, user_version};

#[test]
fn fresh_file_gets_every_migration() -> anyhow::Result<()> {
    let db = TestDb::new()?;
    let conn = db.open()?;

    let status = ensure_migrated(&conn)?;

    let Status::Migrated(report) = status else {
        panic!("expected a migration run, got {status:?}");
    };
    assert_eq!(report.applied(), all_versions(), "{report}");
    assert!(report.adopted().is_empty());
    assert_eq!(
        tables(&conn)?,
        [
            "account",
            "session",
            "spinstack_migrations",
            "spinstack_rate_limit",
            "spinstack_settings",
            "sqlite_sequence",
            "todo",
            "user",
            "verification",
        ]
    );
    let recorded = ledger(&conn)?;
    let expected: Vec<(i64, String, String, bool)> = embedded()
        .iter()
        .map(|m| {
            (
                i64::from(m.version()),
                m.name().to_owned(),
                m.checksum(),
                false,
            )
        })
        .collect();
    assert_eq!(recorded, expected);
    assert_eq!(user_version(&conn)?, latest());
    // The file is switched to WAL, and applied_at is the database's clock in epoch ms.
    let mode = conn.query("PRAGMA journal_mode", &[])?[0].text(0)?;
    assert_eq!(mode, "wal");
    let stamped = conn.query(
        "SELECT min(applied_at) > 1700000000000, max(applied_at) < 4102444800000 \
         FROM spinstack_migrations",
        &[],
    )?;
    assert!(stamped[0].bool(0)? && stamped[0].bool(1)?);
    Ok(())
}

#[test]
fn up_to_date_costs_exactly_one_query() -> anyhow::Result<()> {
    let db = TestDb::new()?;
    ensure_migrated(&db.open()?)?;

    // Each request opens its own connection; the check must be one statement on it.
    for _ in 0..3 {
        let conn = Counting::new(db.open()?);
        assert_eq!(ensure_migrated(&conn)?, Status::UpToDate);
        assert_eq!(conn.statements.get(), 1);
    }
    Ok(())
}

#[test]
fn the_schema_works_as_the_stores_use_it() -> anyhow::Result<()> {
    let db = TestDb::new()?;
    let conn = db.open()?;
    ensure_migrated(&conn)?;

    conn.execute(
        "INSERT INTO user (id, name, email, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        &[
            Param::text("u1"),
            Param::text("Ada"),
            Param::text("ada@example.com"),
            Param::Millis(1_796_655_220_615),
        ],
    )?;
    // email_verified defaults to false (0); the unique email and the foreign key hold.
    assert_eq!(
        conn.query("SELECT email_verified FROM user", &[])?[0].i64(0)?,
        0
    );
    assert!(
        conn.execute(
            "INSERT INTO user (id, name, email, updated_at) VALUES ('u2', 'B', 'ada@example.com', 0)",
            &[]
        )
        .is_err()
    );
    assert!(
        conn.execute(
            "INSERT INTO session (id, expires_at, token, updated_at, user_id) \
             VALUES ('s', 0, 't', 0, 'nobody')",
            &[]
        )
        .is_err()
    );
    conn.execute("INSERT INTO todo (text) VALUES ('a'), ('b')", &[])?;
    let todos = conn.query("SELECT id, completed FROM todo ORDER BY id", &[])?;
    assert_eq!((todos[1].i64(0)?, todos[1].bool(1)?), (2, false));
    conn.execute(
        "INSERT INTO spinstack_settings (name, value) VALUES ('better_auth_secret', 'x')",
        &[],
    )?;
    conn.execute(
        "INSERT INTO spinstack_rate_limit (key, count, last_request) VALUES ('k', 1, 5)",
        &[],
    )?;
    Ok(())
}

#[test]
fn migrate_reports_every_migration_and_changes_nothing_when_up_to_date() -> anyhow::Result<()> {
    let db = TestDb::new()?;
    let conn = db.open()?;
    assert_eq!(migrate(&conn)?.applied(), all_versions());

    let again = migrate(&conn)?;

    assert!(!again.changed(), "{again}");
    assert_eq!(again.already_applied(), all_versions());
    assert!(
        again
            .entries
            .iter()
            .all(|e| e.outcome == Outcome::AlreadyApplied { adopted: false })
    );
    assert!(again.to_string().ends_with("up to date"));
    Ok(())
}

#[test]
fn in_memory_databases_are_refused() -> anyhow::Result<()> {
    for target in [":memory:", ""] {
        // ":memory:" is in memory; "" is SQLite's private temporary database.
        let conn = SqliteConnection::open(target)?;
        let err = ensure_migrated(&conn).err();
        assert_eq!(err, Some(SchemaError::InMemory), "{target:?}");
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some(IN_MEMORY_MESSAGE)
        );
        // Nothing was created.
        assert!(tables(&conn)?.is_empty());
    }
    Ok(())
}

#[test]
fn a_newer_schema_is_refused() -> anyhow::Result<()> {
    let db = TestDb::new()?;
    let conn = db.open()?;
    ensure_migrated(&conn)?;
    let newer = latest() + 1;
    conn.execute(&format!("PRAGMA user_version = {newer}"), &[])?;

    let err = ensure_migrated(&conn).err();

    assert!(
        matches!(err, Some(SchemaError::NewerSchema { found, .. }) if found == newer),
        "{err:?}"
    );
    // A ledger row this build does not know is refused by the migrator too.
    conn.execute(&format!("PRAGMA user_version = {}", latest()), &[])?;
    conn.execute(
        "INSERT INTO spinstack_migrations VALUES (9000, 'future', 'x', 0, 0)",
        &[],
    )?;
    let err = migrate(&conn).err();
    assert!(
        matches!(&err, Some(SchemaError::UnknownApplied { versions }) if versions == &[9000]),
        "{err:?}"
    );
    Ok(())
}

#[test]
fn later_migrations_run_on_the_next_call() -> anyhow::Result<()> {
    let db = TestDb::new()?;
    let conn = db.open()?;
    let first = &embedded()[..2];
    spinstack_sqlite_schema::ensure_migrated_with(&conn, first)?;
    assert_eq!(user_version(&conn)?, 2);

    let status = ensure_migrated(&conn)?;

    let Status::Migrated(report) = status else {
        panic!("expected a run, got {status:?}");
    };
    let rest: Vec<u32> = embedded()[2..].iter().map(Migration::version).collect();
    assert_eq!(report.applied(), rest, "{report}");
    assert_eq!(report.already_applied(), [1, 2]);
    assert_eq!(user_version(&conn)?, latest());
    Ok(())
}
