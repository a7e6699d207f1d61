//! [`SessionStore`] and [`SessionLifecycle`] over Spin's PostgreSQL
//! (`spin:postgres@3.0.0`). The SQL of the `session` table family is
//! `spinstack_sessions::postgres` (shared with the benchmarks' pgbench ceiling); this
//! module binds its parameters and decodes its rows. The connection is opened only
//! when the logic first needs the database, so a request without a validly signed
//! cookie costs no round trip.
//!
//! Every query returns at least one row: Spin 4.0.0–4.0.2 never answer a query with
//! zero rows (DESIGN.md), so lookups select from a one-row source and LEFT JOIN.

use spin_sdk::pg3::{Connection, DbValue, Decode, Error as PgError};
use spinstack_glue::pg::{column, millis, optional_text, text, timestamp, user_at};
use spinstack_sessions::postgres::{
    DELETE_ALL_FOR_USER, DELETE_BY_TOKEN, DELETE_FOR_USER, DELETE_OTHERS_FOR_USER, EXTEND,
    FIND_BY_TOKEN, INSERT_SESSION, INSERT_USER_WITH_SESSION, LIST_FOR_USER,
};
use spinstack_sessions::{NewUser, Session, SessionLifecycle, SessionStore, StoredSession};

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
