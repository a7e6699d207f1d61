//! The soak's consistency check: after the load, the database itself (not the app) is
//! asked whether every row is consistent — each user has exactly one credential
//! account, no session or account without its user — and whether what the app
//! acknowledged to the load driver is what the database holds: each acknowledged
//! sign-up is a user, each acknowledged sign-out removed its session, each todo is in
//! the state its last acknowledged write left it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context;

/// Where the app keeps its rows.
#[derive(Debug, Clone)]
pub enum Database {
    /// A PostgreSQL connection string (the database itself, not the fault proxy).
    Postgres(String),
    /// The SQLite file the runtime served (`<state-dir>/sqlite_db.db`).
    Sqlite(PathBuf),
}

/// What the last acknowledged write says about a todo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TodoState {
    /// A write failed without an answer saying whether it happened: not checked.
    Uncertain,
    /// Created (and toggled to `completed`) and not deleted.
    Present {
        /// The value the last acknowledged toggle set (false after the create).
        completed: bool,
    },
    /// Deleted.
    Deleted,
}

/// What the load driver saw acknowledged.
#[derive(Debug, Clone, Default)]
pub struct Expectations {
    /// `LIKE` pattern of the emails this run signed up.
    pub email_like: String,
    /// `LIKE` pattern of the texts of this run's todos.
    pub todo_like: String,
    /// Sign-ups sent, whatever their answer.
    pub sign_up_attempts: u64,
    /// Emails whose sign-up answered 200.
    pub signed_up: Vec<String>,
    /// Session tokens whose sign-out answered 200.
    pub signed_out: Vec<String>,
    /// This run's todos by text.
    pub todos: BTreeMap<String, TodoState>,
}

/// One line of the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// What was counted.
    pub what: String,
    /// What the database holds.
    pub found: String,
    /// What it must hold ("—" for a figure given for information).
    pub expected: String,
    /// Whether it does.
    pub ok: bool,
}

impl Check {
    fn zero(what: &str, found: i64) -> Self {
        Self {
            what: what.to_owned(),
            found: found.to_string(),
            expected: "0".to_owned(),
            ok: found == 0,
        }
    }

    fn info(what: &str, found: i64) -> Self {
        Self {
            what: what.to_owned(),
            found: found.to_string(),
            expected: "—".to_owned(),
            ok: true,
        }
    }
}

/// Every user with another number of credential accounts than one.
const USERS_WITHOUT_ONE_CREDENTIAL: &str = "SELECT count(*) FROM \"user\" u WHERE (SELECT count(*) FROM account a WHERE a.user_id = u.id AND a.provider_id = 'credential') <> 1";
/// Every session whose user does not exist.
const ORPHAN_SESSIONS: &str = "SELECT count(*) FROM session s WHERE NOT EXISTS (SELECT 1 FROM \"user\" u WHERE u.id = s.user_id)";
/// Every account whose user does not exist.
const ORPHAN_ACCOUNTS: &str = "SELECT count(*) FROM account a WHERE NOT EXISTS (SELECT 1 FROM \"user\" u WHERE u.id = a.user_id)";

enum Connection {
    Postgres(tokio_postgres::Client),
    Sqlite(rusqlite::Connection),
}

impl Connection {
    async fn open(database: &Database) -> anyhow::Result<Self> {
        match database {
            Database::Postgres(url) => {
                let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                    .await
                    .context("connecting to PostgreSQL for the consistency check")?;
                tokio::spawn(async move {
                    if let Err(e) = connection.await {
                        eprintln!("spinstack-bench: consistency check connection: {e}");
                    }
                });
                Ok(Self::Postgres(client))
            }
            Database::Sqlite(file) => {
                let connection = rusqlite::Connection::open_with_flags(
                    file,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
                )
                .with_context(|| format!("opening {}", file.display()))?;
                connection.busy_timeout(std::time::Duration::from_secs(30))?;
                Ok(Self::Sqlite(connection))
            }
        }
    }

    /// A count without parameters, the same SQL on both.
    async fn count(&self, sql: &str) -> anyhow::Result<i64> {
        match self {
            Self::Postgres(client) => Ok(client.query_one(sql, &[]).await?.try_get(0)?),
            Self::Sqlite(connection) => Ok(connection.query_row(sql, [], |row| row.get(0))?),
        }
    }

    /// A count with one text parameter (`$1` / `?1`).
    async fn count_text(&self, postgres: &str, sqlite: &str, text: &str) -> anyhow::Result<i64> {
        match self {
            Self::Postgres(client) => Ok(client.query_one(postgres, &[&text]).await?.try_get(0)?),
            Self::Sqlite(connection) => Ok(connection.query_row(sqlite, [text], |row| row.get(0))?),
        }
    }

    /// A count with a list of texts: a `text[]` on PostgreSQL, a JSON array on SQLite
    /// (read with `json_each`).
    async fn count_list(
        &self,
        postgres: &str,
        sqlite: &str,
        list: &[String],
    ) -> anyhow::Result<i64> {
        match self {
            Self::Postgres(client) => Ok(client.query_one(postgres, &[&list]).await?.try_get(0)?),
            Self::Sqlite(connection) => {
                let json = serde_json::to_string(list)?;
                Ok(connection.query_row(sqlite, [json], |row| row.get(0))?)
            }
        }
    }

    /// `(text, completed)` of the todos whose text is `LIKE` the pattern.
    async fn todos(&self, like: &str) -> anyhow::Result<Vec<(String, bool)>> {
        match self {
            Self::Postgres(client) => client
                .query(
                    "SELECT text, completed FROM todo WHERE text LIKE $1",
                    &[&like],
                )
                .await?
                .iter()
                .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
                .collect(),
            Self::Sqlite(connection) => {
                let mut statement =
                    connection.prepare("SELECT text, completed FROM todo WHERE text LIKE ?1")?;
                let rows = statement.query_map([like], |row| {
                    Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)? != 0))
                })?;
                Ok(rows.collect::<Result<_, _>>()?)
            }
        }
    }
}

/// Checks the database against the invariants and against `expected`.
///
/// # Errors
/// When the database cannot be read.
pub async fn check(database: &Database, expected: &Expectations) -> anyhow::Result<Vec<Check>> {
    let db = Connection::open(database).await?;
    let mut checks = vec![
        Check::info(
            "users (all runs)",
            db.count("SELECT count(*) FROM \"user\"").await?,
        ),
        Check::info(
            "sessions (all runs)",
            db.count("SELECT count(*) FROM session").await?,
        ),
        Check::zero(
            "users without exactly one account with provider_id 'credential'",
            db.count(USERS_WITHOUT_ONE_CREDENTIAL).await?,
        ),
        Check::zero(
            "sessions whose user does not exist",
            db.count(ORPHAN_SESSIONS).await?,
        ),
        Check::zero(
            "accounts whose user does not exist",
            db.count(ORPHAN_ACCOUNTS).await?,
        ),
    ];

    let run_users = db
        .count_text(
            "SELECT count(*) FROM \"user\" WHERE email LIKE $1",
            "SELECT count(*) FROM \"user\" WHERE email LIKE ?1",
            &expected.email_like,
        )
        .await?;
    let acknowledged = i64::try_from(expected.signed_up.len()).unwrap_or(i64::MAX);
    let attempts = i64::try_from(expected.sign_up_attempts).unwrap_or(i64::MAX);
    checks.push(Check {
        what: "this run's users (between the sign-ups answered 200 and those sent)".to_owned(),
        found: run_users.to_string(),
        expected: if acknowledged == attempts {
            acknowledged.to_string()
        } else {
            format!("{acknowledged}–{attempts}")
        },
        ok: (acknowledged..=attempts).contains(&run_users),
    });
    checks.push(Check::zero(
        "sign-ups answered 200 whose user is missing",
        db.count_list(
            "SELECT count(*) FROM unnest($1::text[]) AS e(email) WHERE NOT EXISTS (SELECT 1 FROM \"user\" u WHERE u.email = e.email)",
            "SELECT count(*) FROM json_each(?1) e WHERE NOT EXISTS (SELECT 1 FROM \"user\" u WHERE u.email = e.value)",
            &expected.signed_up,
        )
        .await?,
    ));
    checks.push(Check::zero(
        "sessions still stored after a sign-out answered 200",
        db.count_list(
            "SELECT count(*) FROM session WHERE token = ANY($1::text[])",
            "SELECT count(*) FROM session WHERE token IN (SELECT value FROM json_each(?1))",
            &expected.signed_out,
        )
        .await?,
    ));

    let mut stored: BTreeMap<String, Vec<bool>> = BTreeMap::new();
    for (text, completed) in db.todos(&expected.todo_like).await? {
        stored.entry(text).or_default().push(completed);
    }
    let twice = stored.values().filter(|rows| rows.len() > 1).count();
    let mut wrong = 0_usize;
    let mut certain = 0_usize;
    for (text, state) in &expected.todos {
        let rows = stored.get(text).map_or(&[][..], Vec::as_slice);
        let ok = match state {
            TodoState::Uncertain => continue,
            TodoState::Present { completed } => rows == [*completed],
            TodoState::Deleted => rows.is_empty(),
        };
        certain += 1;
        if !ok {
            wrong += 1;
        }
    }
    let unknown = stored
        .keys()
        .filter(|text| !expected.todos.contains_key(*text))
        .count();
    checks.push(Check::zero(
        &format!("todos not in the state their last write answered 200 left ({certain} checked)"),
        i64::try_from(wrong).unwrap_or(i64::MAX),
    ));
    checks.push(Check::zero(
        "todos stored twice, or never sent",
        i64::try_from(twice + unknown).unwrap_or(i64::MAX),
    ));
    Ok(checks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use spinstack_e2e::db::{Backend, TestDb};

    /// Seeds one consistent user and one of each flaw, on a SQLite file migrated as the
    /// app migrates it, and expects each check to count exactly its flaw.
    #[tokio::test]
    async fn each_flaw_is_counted_once() -> anyhow::Result<()> {
        let db = TestDb::create(Backend::Sqlite).await?;
        db.batch(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO \"user\" (id, name, email) VALUES
               ('u1', 'Good', 'soak-t-1@example.com'),
               ('u2', 'No account', 'soak-t-2@example.com');
             INSERT INTO account (id, account_id, provider_id, user_id, updated_at) VALUES
               ('a1', 'u1', 'credential', 'u1', 0),
               ('a3', 'gone', 'credential', 'gone', 0);
             INSERT INTO session (id, expires_at, token, updated_at, user_id) VALUES
               ('s1', 0, 'signed-out-token', 0, 'u1'),
               ('s2', 0, 'orphan-token', 0, 'gone');
             INSERT INTO todo (text, completed) VALUES
               ('soak-t-1', 1), ('soak-t-2', 0), ('soak-t-3', 1), ('soak-t-3', 1),
               ('soak-t-9', 0);",
        )
        .await?;
        let expected = Expectations {
            email_like: "soak-t-%@example.com".to_owned(),
            todo_like: "soak-t-%".to_owned(),
            sign_up_attempts: 4,
            signed_up: vec![
                "soak-t-1@example.com".to_owned(),
                "soak-t-missing@example.com".to_owned(),
            ],
            signed_out: vec!["signed-out-token".to_owned(), "long-gone".to_owned()],
            todos: BTreeMap::from([
                (
                    "soak-t-1".to_owned(),
                    TodoState::Present { completed: true },
                ),
                ("soak-t-2".to_owned(), TodoState::Deleted),
                (
                    "soak-t-3".to_owned(),
                    TodoState::Present { completed: true },
                ),
                ("soak-t-4".to_owned(), TodoState::Uncertain),
            ]),
        };
        let file = db.sqlite_file().ok_or_else(|| anyhow::anyhow!("no file"))?;
        let checks = check(&Database::Sqlite(file), &expected).await?;
        let found: Vec<(&str, &str, bool)> = checks
            .iter()
            .map(|c| (c.what.as_str(), c.found.as_str(), c.ok))
            .collect();
        assert_eq!(
            found,
            vec![
                ("users (all runs)", "2", true),
                ("sessions (all runs)", "2", true),
                (
                    "users without exactly one account with provider_id 'credential'",
                    "1",
                    false
                ),
                ("sessions whose user does not exist", "1", false),
                ("accounts whose user does not exist", "1", false),
                (
                    "this run's users (between the sign-ups answered 200 and those sent)",
                    "2",
                    true
                ),
                ("sign-ups answered 200 whose user is missing", "1", false),
                (
                    "sessions still stored after a sign-out answered 200",
                    "1",
                    false
                ),
                (
                    "todos not in the state their last write answered 200 left (3 checked)",
                    "2",
                    false
                ),
                ("todos stored twice, or never sent", "2", false),
            ]
        );
        Ok(())
    }
}
