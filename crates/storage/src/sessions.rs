//! [`SessionStore`] and [`SessionLifecycle`]: the `session` table, joined with `user`
//! for lookups, plus sign-up's user and credential account.
//!
//! The PostgreSQL statements are `spinstack_sessions::postgres` (shared with the
//! benchmarks' pgbench ceiling), except [`postgres::EXTEND`]: the seam's `execute`
//! reports no row count, so the sliding refresh reports the row it changed itself.
//! Sign-up is one statement of data-modifying CTEs on PostgreSQL, and three inserts in
//! one `BEGIN IMMEDIATE` transaction on SQLite, where `ON CONFLICT (email) DO NOTHING
//! RETURNING id` answering no row means the email is taken: the transaction is then
//! rolled back and nothing is inserted.
//!
//! On PostgreSQL the sign-up statement commits at the server, so its failure can be
//! ambiguous: when the connection is lost after the commit but before the reply
//! arrives, the user, account and session exist although the statement failed, and a
//! retry would only hear that the email is taken. So when the statement fails with
//! anything but a denial (a configuration problem), the store looks for the session it
//! tried to create — by its token, a random secret only this request knows — with the
//! new user's id. The connection (`spinstack-glue`'s `Db`) has replaced a lost
//! connection by then, so the check runs on a fresh one. Found: the sign-up succeeded.
//! Not found, or the check fails too: the statement's own error. Only a failure costs
//! the check; a successful sign-up is still one statement. Spin's local SQLite needs
//! no check: its `COMMIT` runs in the host's process and either happens or fails, and a
//! failed transaction is rolled back. (A remote libSQL database, which Spin's runtime
//! configuration can put behind the same interface, would have PostgreSQL's window at
//! `COMMIT`; it is not handled.)

use spinstack_sessions::postgres as pg;
use spinstack_sessions::{NewUser, Session, SessionLifecycle, SessionStore, StoredSession};
use spinstack_sql::{Connection, Dialect, Param, SqlError, in_transaction};

use crate::{
    Store, StoreError, changed,
    error::failed,
    rows::{session, user_at},
};

/// The statements of one dialect. Parameters and columns are the same in both.
struct Statements {
    /// `$1` token → the session columns, then the user columns; one row.
    find_by_token: &'static str,
    /// `$1` token.
    delete_by_token: &'static str,
    /// `$1` expires_at, `$2` updated_at, `$3` id → the id of the row changed
    /// ([`changed`]).
    extend: &'static str,
    /// `$1` id, `$2` expires_at, `$3` token, `$4` created_at (and updated_at),
    /// `$5` ip_address, `$6` user_agent, `$7` user id.
    insert_session: &'static str,
    /// `$1` token, `$2` user id.
    delete_for_user: &'static str,
    /// `$1` user id.
    delete_all_for_user: &'static str,
    /// `$1` user id, `$2` the token to keep.
    delete_others_for_user: &'static str,
    /// `$1` user id, `$2` now → session columns, oldest first; one all-NULL row when
    /// none.
    list_for_user: &'static str,
}

const POSTGRES: Statements = Statements {
    find_by_token: pg::FIND_BY_TOKEN,
    delete_by_token: pg::DELETE_BY_TOKEN,
    extend: postgres::EXTEND,
    insert_session: pg::INSERT_SESSION,
    delete_for_user: pg::DELETE_FOR_USER,
    delete_all_for_user: pg::DELETE_ALL_FOR_USER,
    delete_others_for_user: pg::DELETE_OTHERS_FOR_USER,
    list_for_user: pg::LIST_FOR_USER,
};

const SQLITE: Statements = Statements {
    find_by_token: sqlite::FIND_BY_TOKEN,
    delete_by_token: sqlite::DELETE_BY_TOKEN,
    extend: sqlite::EXTEND,
    insert_session: sqlite::INSERT_SESSION,
    delete_for_user: sqlite::DELETE_FOR_USER,
    delete_all_for_user: sqlite::DELETE_ALL_FOR_USER,
    delete_others_for_user: sqlite::DELETE_OTHERS_FOR_USER,
    list_for_user: sqlite::LIST_FOR_USER,
};

fn statements(dialect: Dialect) -> &'static Statements {
    match dialect {
        Dialect::Postgres => &POSTGRES,
        Dialect::Sqlite => &SQLITE,
    }
}

/// PostgreSQL statements that are not `spinstack_sessions::postgres`'s.
mod postgres {
    /// `spinstack_sessions::postgres::EXTEND`, reporting the row it changed: one row,
    /// the session's id, or NULL when there is no such session.
    pub(super) const EXTEND: &str = "WITH extended AS (
    UPDATE session SET expires_at = $1, updated_at = $2 WHERE id = $3
    RETURNING id
)
SELECT e.id FROM (SELECT 1) AS one LEFT JOIN extended AS e ON true";
}

/// SQLite: `?N` parameters, one statement each.
mod sqlite {
    pub(super) const FIND_BY_TOKEN: &str = r#"SELECT s.id, s.token, s.user_id, s.expires_at, s.created_at, s.updated_at,
       s.ip_address, s.user_agent,
       u.id, u.name, u.email, u.email_verified, u.image, u.created_at, u.updated_at
FROM (SELECT 1) AS one
LEFT JOIN session AS s ON s.token = ?1
LEFT JOIN "user" AS u ON u.id = s.user_id"#;

    pub(super) const DELETE_BY_TOKEN: &str = "DELETE FROM session WHERE token = ?1";

    /// No row when there is no such session.
    pub(super) const EXTEND: &str =
        "UPDATE session SET expires_at = ?1, updated_at = ?2 WHERE id = ?3 RETURNING id";

    pub(super) const INSERT_SESSION: &str = "INSERT INTO session (id, expires_at, token, created_at, updated_at, ip_address, user_agent, user_id)
VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7)";

    /// Sign-up, first statement: `?1` id, `?2` name, `?3` email, `?4` image, `?5` now.
    /// No row when the email is taken.
    pub(super) const INSERT_USER: &str = r#"INSERT INTO "user" (id, name, email, email_verified, image, created_at, updated_at)
VALUES (?1, ?2, ?3, 0, ?4, ?5, ?5)
ON CONFLICT (email) DO NOTHING
RETURNING id"#;

    /// Sign-up, second statement: `?1` account id, `?2` user id, `?3` password hash,
    /// `?4` now.
    pub(super) const INSERT_CREDENTIAL: &str = "INSERT INTO account (id, account_id, provider_id, user_id, password, created_at, updated_at)
VALUES (?1, ?2, 'credential', ?2, ?3, ?4, ?4)";

    pub(super) const DELETE_FOR_USER: &str =
        "DELETE FROM session WHERE token = ?1 AND user_id = ?2";

    pub(super) const DELETE_ALL_FOR_USER: &str = "DELETE FROM session WHERE user_id = ?1";

    pub(super) const DELETE_OTHERS_FOR_USER: &str =
        "DELETE FROM session WHERE user_id = ?1 AND token <> ?2";

    pub(super) const LIST_FOR_USER: &str =
        "SELECT s.id, s.token, s.user_id, s.expires_at, s.created_at, s.updated_at,
       s.ip_address, s.user_agent
FROM (SELECT 1) AS one
LEFT JOIN session AS s ON s.user_id = ?1 AND s.expires_at > ?2
ORDER BY s.created_at";
}

/// The parameters of `insert_session`.
fn session_params(session: &Session) -> [Param; 7] {
    [
        Param::text(&session.id),
        Param::Millis(session.expires_at),
        Param::text(&session.token),
        Param::Millis(session.created_at),
        Param::opt_text(session.ip_address.as_deref()),
        Param::opt_text(session.user_agent.as_deref()),
        Param::text(&session.user_id),
    ]
}

/// Why SQLite's sign-up transaction stopped.
enum SignUp {
    /// The email is taken: roll back, insert nothing.
    Taken,
    /// A statement failed.
    Failed(SqlError),
}

impl From<SqlError> for SignUp {
    fn from(error: SqlError) -> Self {
        Self::Failed(error)
    }
}

impl<C: Connection> Store<C> {
    /// Sign-up on PostgreSQL: `INSERT_USER_WITH_SESSION`, one statement; when it fails,
    /// whether it committed all the same ([`Store::signed_up_after_all`]).
    fn sign_up_postgres(&self, session: &Session, user: &NewUser) -> Result<bool, SqlError> {
        let inserted = self.connection.query(
            pg::INSERT_USER_WITH_SESSION,
            &[
                Param::text(&user.id),
                Param::text(&user.name),
                Param::text(&user.email),
                Param::opt_text(user.image.as_deref()),
                Param::Millis(session.created_at),
                Param::text(&user.account_id),
                Param::text(&user.password_hash),
                Param::text(&session.id),
                Param::Millis(session.expires_at),
                Param::text(&session.token),
                Param::opt_text(session.ip_address.as_deref()),
                Param::opt_text(session.user_agent.as_deref()),
            ],
        );
        let rows = match inserted {
            Ok(rows) => rows,
            // Committed all the same: only the reply was lost.
            Err(error)
                if !matches!(error, SqlError::Denied(_))
                    && self.signed_up_after_all(session, user) =>
            {
                return Ok(true);
            }
            Err(error) => return Err(error),
        };
        let inserted = rows.first().map(|row| row.i64(0)).transpose()?;
        Ok(inserted == Some(1))
    }

    /// Whether the session of a sign-up whose statement failed exists all the same,
    /// for the new user: then the statement committed and only its outcome was lost.
    /// A failing check answers no.
    fn signed_up_after_all(&self, session: &Session, user: &NewUser) -> bool {
        let found = self
            .connection
            .query(
                statements(self.dialect()).find_by_token,
                &[Param::text(&session.token)],
            )
            .ok()
            .and_then(|rows| rows.first().map(crate::rows::session));
        matches!(
            found,
            Some(Ok(Some(stored))) if stored.id == session.id && stored.user_id == user.id
        )
    }

    /// Sign-up on SQLite: three inserts in one `BEGIN IMMEDIATE` transaction.
    fn sign_up_sqlite(&self, session: &Session, user: &NewUser) -> Result<bool, SqlError> {
        let signed_up = in_transaction(&self.connection, |connection| {
            let created = connection.query(
                sqlite::INSERT_USER,
                &[
                    Param::text(&user.id),
                    Param::text(&user.name),
                    Param::text(&user.email),
                    Param::opt_text(user.image.as_deref()),
                    Param::Millis(session.created_at),
                ],
            )?;
            if created.is_empty() {
                return Err(SignUp::Taken);
            }
            connection.execute(
                sqlite::INSERT_CREDENTIAL,
                &[
                    Param::text(&user.account_id),
                    Param::text(&user.id),
                    Param::text(&user.password_hash),
                    Param::Millis(session.created_at),
                ],
            )?;
            // The session of the new user, whatever `session.user_id` says, as the
            // PostgreSQL statement takes the id from the inserted user.
            let mut params = session_params(session);
            params[6] = Param::text(&user.id);
            connection.execute(sqlite::INSERT_SESSION, &params)?;
            Ok(())
        });
        match signed_up {
            Ok(()) => Ok(true),
            Err(SignUp::Taken) => Ok(false),
            Err(SignUp::Failed(error)) => Err(error),
        }
    }
}

impl<C: Connection> SessionStore for Store<C> {
    type Error = StoreError;

    fn find_by_token(&mut self, token: &str) -> Result<Option<StoredSession>, StoreError> {
        let find = || -> Result<Option<StoredSession>, SqlError> {
            let rows = self.connection.query(
                statements(self.dialect()).find_by_token,
                &[Param::text(token)],
            )?;
            let Some(row) = rows.first() else {
                return Ok(None);
            };
            let Some(session) = session(row)? else {
                return Ok(None);
            };
            Ok(Some(StoredSession {
                session,
                user: user_at(row, 8)?,
            }))
        };
        find().map_err(failed("looking up a session"))
    }

    fn delete_by_token(&mut self, token: &str) -> Result<(), StoreError> {
        self.connection
            .execute(
                statements(self.dialect()).delete_by_token,
                &[Param::text(token)],
            )
            .map_err(failed("deleting a session"))
    }

    fn extend(&mut self, id: &str, expires_at: i64, updated_at: i64) -> Result<bool, StoreError> {
        let extend = || -> Result<bool, SqlError> {
            let rows = self.connection.query(
                statements(self.dialect()).extend,
                &[
                    Param::Millis(expires_at),
                    Param::Millis(updated_at),
                    Param::text(id),
                ],
            )?;
            Ok(changed(&rows)? > 0)
        };
        extend().map_err(failed("extending a session"))
    }
}

impl<C: Connection> SessionLifecycle for Store<C> {
    type Error = StoreError;

    fn insert(
        &mut self,
        session: &Session,
        new_user: Option<&NewUser>,
    ) -> Result<bool, StoreError> {
        let Some(user) = new_user else {
            return self
                .connection
                .execute(
                    statements(self.dialect()).insert_session,
                    &session_params(session),
                )
                .map(|()| true)
                .map_err(failed("inserting a session"));
        };
        let signed_up = match self.dialect() {
            Dialect::Postgres => self.sign_up_postgres(session, user),
            Dialect::Sqlite => self.sign_up_sqlite(session, user),
        };
        signed_up.map_err(failed("signing up"))
    }

    fn delete_for_user(&mut self, user_id: &str, token: &str) -> Result<(), StoreError> {
        self.connection
            .execute(
                statements(self.dialect()).delete_for_user,
                &[Param::text(token), Param::text(user_id)],
            )
            .map_err(failed("revoking a session"))
    }

    fn delete_all_for_user(
        &mut self,
        user_id: &str,
        except_token: Option<&str>,
    ) -> Result<(), StoreError> {
        let sql = statements(self.dialect());
        let deleted = match except_token {
            Some(token) => self.connection.execute(
                sql.delete_others_for_user,
                &[Param::text(user_id), Param::text(token)],
            ),
            None => self
                .connection
                .execute(sql.delete_all_for_user, &[Param::text(user_id)]),
        };
        deleted.map_err(failed("revoking sessions"))
    }

    fn list_for_user(&mut self, user_id: &str, now_ms: i64) -> Result<Vec<Session>, StoreError> {
        let list = || -> Result<Vec<Session>, SqlError> {
            let rows = self.connection.query(
                statements(self.dialect()).list_for_user,
                &[Param::text(user_id), Param::Millis(now_ms)],
            )?;
            let mut sessions = Vec::with_capacity(rows.len());
            for row in &rows {
                sessions.extend(session(row)?);
            }
            Ok(sessions)
        };
        list().map_err(failed("listing sessions"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_dialects_take_the_same_parameters() {
        let pairs = [
            (POSTGRES.find_by_token, SQLITE.find_by_token),
            (POSTGRES.delete_by_token, SQLITE.delete_by_token),
            (POSTGRES.extend, SQLITE.extend),
            (POSTGRES.insert_session, SQLITE.insert_session),
            (POSTGRES.delete_for_user, SQLITE.delete_for_user),
            (POSTGRES.delete_all_for_user, SQLITE.delete_all_for_user),
            (
                POSTGRES.delete_others_for_user,
                SQLITE.delete_others_for_user,
            ),
            (POSTGRES.list_for_user, SQLITE.list_for_user),
        ];
        for (pg, lite) in pairs {
            crate::test_support::same_parameters(pg, lite);
        }
        for lite in [sqlite::INSERT_USER, sqlite::INSERT_CREDENTIAL] {
            crate::test_support::sqlite_only(lite);
        }
    }

    #[test]
    fn extend_is_the_shared_statement_reporting_its_row() {
        assert!(postgres::EXTEND.contains(pg::EXTEND));
    }
}
