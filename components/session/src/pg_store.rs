//! [`SessionStore`] and [`SessionLifecycle`] over Spin's PostgreSQL
//! (`spin:postgres@3.0.0`). The SQL of the `session` table family lives here,
//! parameterised. The connection is opened only
//! when the logic first needs the database, so a request without a validly signed
//! cookie costs no round trip.
//!
//! Every query returns at least one row: Spin 4.0.0–4.0.2 never answer a query with
//! zero rows (DESIGN.md), so lookups select from a one-row source and LEFT JOIN.

use spin_sdk::pg3::{Connection, DbValue, Decode, Error as PgError};
use spinstack_glue::pg::{column, millis, optional_text, text, timestamp, user_at};
use spinstack_sessions::{NewUser, Session, SessionLifecycle, SessionStore, StoredSession};

/// Looks the session up by token with its user; always exactly one row.
const FIND_BY_TOKEN: &str = r#"SELECT s.id, s.token, s.user_id, s.expires_at, s.created_at, s.updated_at,
       s.ip_address, s.user_agent,
       u.id, u.name, u.email, u.email_verified, u.image, u.created_at, u.updated_at
FROM (SELECT 1) AS one
LEFT JOIN session AS s ON s.token = $1
LEFT JOIN "user" AS u ON u.id = s.user_id"#;

const DELETE_BY_TOKEN: &str = "DELETE FROM session WHERE token = $1";

const EXTEND: &str = "UPDATE session SET expires_at = $1, updated_at = $2 WHERE id = $3";

/// Session storage in PostgreSQL.
pub struct PgSessionStore {
    address: String,
    connection: Option<Connection>,
}

impl PgSessionStore {
    pub fn new(address: String) -> Self {
        Self {
            address,
            connection: None,
        }
    }

    fn connection(&mut self) -> Result<&Connection, PgError> {
        match self.connection {
            Some(ref connection) => Ok(connection),
            None => Ok(self.connection.insert(Connection::open(&self.address)?)),
        }
    }
}

fn decode_session(row: &[DbValue]) -> Result<Option<Session>, PgError> {
    let Some(id) = Option::<String>::decode(column(row, 0)?)? else {
        return Ok(None);
    };
    Ok(Some(Session {
        id,
        token: String::decode(column(row, 1)?)?,
        user_id: String::decode(column(row, 2)?)?,
        expires_at: millis(column(row, 3)?)?,
        created_at: millis(column(row, 4)?)?,
        updated_at: millis(column(row, 5)?)?,
        ip_address: Option::<String>::decode(column(row, 6)?)?,
        user_agent: Option::<String>::decode(column(row, 7)?)?,
    }))
}

impl SessionStore for PgSessionStore {
    type Error = PgError;

    fn find_by_token(&mut self, token: &str) -> Result<Option<StoredSession>, PgError> {
        let rows = self
            .connection()?
            .query(FIND_BY_TOKEN, &[text(token)])?
            .rows;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        let Some(session) = decode_session(row)? else {
            return Ok(None);
        };
        Ok(Some(StoredSession {
            session,
            user: user_at(row, 8)?,
        }))
    }

    fn delete_by_token(&mut self, token: &str) -> Result<(), PgError> {
        self.connection()?
            .execute(DELETE_BY_TOKEN, &[text(token)])?;
        Ok(())
    }

    fn extend(&mut self, id: &str, expires_at: i64, updated_at: i64) -> Result<bool, PgError> {
        let updated = self.connection()?.execute(
            EXTEND,
            &[timestamp(expires_at), timestamp(updated_at), text(id)],
        )?;
        Ok(updated > 0)
    }
}

const INSERT_SESSION: &str = "INSERT INTO session (id, expires_at, token, created_at, updated_at, ip_address, user_agent, user_id)
VALUES ($1, $2, $3, $4, $4, $5, $6, $7)";

/// Sign-up in one statement: the user (unless the email is taken), its credential
/// account and its first session. Data-modifying CTEs all run, atomically; the
/// account and session inserts select from `new_user`, so a taken email inserts
/// nothing. Returns one row: how many users were inserted.
const INSERT_USER_WITH_SESSION: &str = r#"WITH new_user AS (
    INSERT INTO "user" (id, name, email, email_verified, image, created_at, updated_at)
    VALUES ($1, $2, $3, false, $4, $5, $5)
    ON CONFLICT (email) DO NOTHING
    RETURNING id
), new_account AS (
    INSERT INTO account (id, account_id, provider_id, user_id, password, created_at, updated_at)
    SELECT $6, id, 'credential', id, $7, $5, $5 FROM new_user
    RETURNING id
), new_session AS (
    INSERT INTO session (id, expires_at, token, created_at, updated_at, ip_address, user_agent, user_id)
    SELECT $8, $9, $10, $5, $5, $11, $12, id FROM new_user
    RETURNING id
)
SELECT (SELECT count(*) FROM new_user)::int8 AS users,
       (SELECT count(*) FROM new_account)::int8 AS accounts,
       (SELECT count(*) FROM new_session)::int8 AS sessions"#;

const DELETE_FOR_USER: &str = "DELETE FROM session WHERE token = $1 AND user_id = $2";
const DELETE_ALL_FOR_USER: &str = "DELETE FROM session WHERE user_id = $1";
const DELETE_OTHERS_FOR_USER: &str = "DELETE FROM session WHERE user_id = $1 AND token <> $2";

/// The user's unexpired sessions; one all-NULL row when there are none.
const LIST_FOR_USER: &str =
    "SELECT s.id, s.token, s.user_id, s.expires_at, s.created_at, s.updated_at,
       s.ip_address, s.user_agent
FROM (SELECT 1) AS one
LEFT JOIN session AS s ON s.user_id = $1 AND s.expires_at > $2
ORDER BY s.created_at";

impl SessionLifecycle for PgSessionStore {
    type Error = PgError;

    fn insert(&mut self, session: &Session, new_user: Option<&NewUser>) -> Result<bool, PgError> {
        let Some(user) = new_user else {
            self.connection()?.execute(
                INSERT_SESSION,
                &[
                    text(&session.id),
                    timestamp(session.expires_at),
                    text(&session.token),
                    timestamp(session.created_at),
                    optional_text(session.ip_address.as_deref()),
                    optional_text(session.user_agent.as_deref()),
                    text(&session.user_id),
                ],
            )?;
            return Ok(true);
        };
        let rows = self
            .connection()?
            .query(
                INSERT_USER_WITH_SESSION,
                &[
                    text(&user.id),
                    text(&user.name),
                    text(&user.email),
                    optional_text(user.image.as_deref()),
                    timestamp(session.created_at),
                    text(&user.account_id),
                    text(&user.password_hash),
                    text(&session.id),
                    timestamp(session.expires_at),
                    text(&session.token),
                    optional_text(session.ip_address.as_deref()),
                    optional_text(session.user_agent.as_deref()),
                ],
            )?
            .rows;
        let inserted = rows
            .first()
            .map(|row| column(row, 0).and_then(i64::decode))
            .transpose()?;
        Ok(inserted == Some(1))
    }

    fn delete_for_user(&mut self, user_id: &str, token: &str) -> Result<(), PgError> {
        self.connection()?
            .execute(DELETE_FOR_USER, &[text(token), text(user_id)])?;
        Ok(())
    }

    fn delete_all_for_user(
        &mut self,
        user_id: &str,
        except_token: Option<&str>,
    ) -> Result<(), PgError> {
        let connection = self.connection()?;
        match except_token {
            Some(token) => {
                connection.execute(DELETE_OTHERS_FOR_USER, &[text(user_id), text(token)])?
            }
            None => connection.execute(DELETE_ALL_FOR_USER, &[text(user_id)])?,
        };
        Ok(())
    }

    fn list_for_user(&mut self, user_id: &str, now_ms: i64) -> Result<Vec<Session>, PgError> {
        let rows = self
            .connection()?
            .query(LIST_FOR_USER, &[text(user_id), timestamp(now_ms)])?
            .rows;
        let mut sessions = Vec::with_capacity(rows.len());
        for row in &rows {
            if let Some(session) = decode_session(row)? {
                sessions.push(session);
            }
        }
        Ok(sessions)
    }
}
