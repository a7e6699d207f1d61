//! Adopting databases that Better-T-Stack created: both drizzle-kit forms, with rows
//! that must stay untouched, with and without the todo example's table.

use spinstack_sql::Connection as _;
use spinstack_sqlite_schema::{Outcome, Status, embedded, ensure_migrated};

use crate::support::{
    Counting, DRIZZLE_KIT_0_31, DRIZZLE_KIT_1_0, ROWS, TODO_0_31, TODO_1_0, TestDb, all_versions,
    latest, ledger, rows, user_version,
};

/// Creates Better Auth's tables with `schema` (and `extra`), fills them, migrates, and
/// checks the adoption: 0001 adopted, the rest applied, every row and every object
/// that existed before unchanged.
fn assert_adopts(schema: &str, extra: &[&str]) -> anyhow::Result<()> {
    let db = TestDb::new()?;
    let mut setup = vec![schema];
    setup.extend_from_slice(extra);
    setup.push(ROWS);
    let conn = db.open_with(&setup)?;
    let rows_before = rows(&conn)?;
    assert!(rows_before.len() >= 3, "{rows_before:?}");
    let objects = "SELECT type, name, sql FROM sqlite_master WHERE tbl_name NOT LIKE 'spinstack%' \
                   ORDER BY type, name";
    let objects_before = conn.query(objects, &[])?;

    let status = ensure_migrated(&conn)?;

    let Status::Migrated(report) = status else {
        panic!("expected a run, got {status:?}");
    };
    assert_eq!(report.adopted(), [1], "{report}");
    let later: Vec<u32> = all_versions().into_iter().skip(1).collect();
    assert_eq!(report.applied(), later, "{report}");
    assert_eq!(rows(&conn)?, rows_before);
    let objects_after = conn.query(objects, &[])?;
    if extra.is_empty() {
        // Only the todo table (0003) and its sqlite_sequence are new.
        let new: Vec<_> = objects_after
            .iter()
            .filter(|o| !objects_before.contains(o))
            .map(|o| o.text(1))
            .collect::<Result<_, _>>()?;
        assert_eq!(new, ["sqlite_sequence", "todo"]);
        assert!(objects_before.iter().all(|o| objects_after.contains(o)));
    } else {
        // The user's todo table was kept as it was (IF NOT EXISTS).
        assert_eq!(objects_after, objects_before);
    }
    let recorded = ledger(&conn)?;
    assert_eq!(
        recorded[0],
        (1, "better_auth".to_owned(), embedded()[0].checksum(), true)
    );
    assert!(recorded[1..].iter().all(|r| !r.3));
    assert_eq!(user_version(&conn)?, latest());

    // From now on: one query per request, and the migrator sees the adoption.
    let counted = Counting::new(db.open()?);
    assert_eq!(ensure_migrated(&counted)?, Status::UpToDate);
    assert_eq!(counted.statements.get(), 1);
    let again = spinstack_sqlite_schema::migrate(&conn)?;
    assert_eq!(
        again.entries[0].outcome,
        Outcome::AlreadyApplied { adopted: true }
    );
    assert!(
        again.to_string().contains("already applied (adopted)"),
        "{again}"
    );
    Ok(())
}

#[test]
fn adopts_drizzle_kit_1_0_rc4_schema_without_touching_rows() -> anyhow::Result<()> {
    assert_adopts(DRIZZLE_KIT_1_0, &[])
}

#[test]
fn adopts_drizzle_kit_0_31_schema_without_touching_rows() -> anyhow::Result<()> {
    assert_adopts(DRIZZLE_KIT_0_31, &[])
}

#[test]
fn keeps_the_todo_table_of_the_todo_example() -> anyhow::Result<()> {
    let todo_rows = "INSERT INTO todo (text, completed) VALUES ('write tests', 1);";
    assert_adopts(DRIZZLE_KIT_1_0, &[TODO_1_0, todo_rows])?;
    assert_adopts(DRIZZLE_KIT_0_31, &[TODO_0_31, todo_rows])
}

#[test]
fn adoption_ignores_names_and_case() -> anyhow::Result<()> {
    // Other index and constraint names, upper-case keywords and types, and another
    // column order: still the same shape.
    let renamed = DRIZZLE_KIT_0_31
        .replace(
            "\t`name` text NOT NULL,\n\t`email` text NOT NULL,",
            "\t`email` text NOT NULL,\n\t`name` text NOT NULL,",
        )
        .replace("user_email_unique", "uniq_mail")
        .replace("session_userId_idx", "by_user")
        .replace(" text ", " TEXT ")
        .replace(" integer ", " INTEGER ")
        .replace("ON DELETE cascade", "ON DELETE CASCADE");
    assert!(
        renamed.contains("`email` text NOT NULL,\n\t`name`")
            || renamed.contains("`email` TEXT NOT NULL,\n\t`name`")
    );
    assert_ne!(renamed, DRIZZLE_KIT_0_31);
    assert_adopts(&renamed, &[])
}
