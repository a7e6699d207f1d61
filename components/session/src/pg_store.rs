//! [`SessionStore`] over Spin's PostgreSQL (`spin:postgres@3.0.0`). The SQL of the
//! `session` table family lives here, parameterised. The connection is opened only
//! when the logic first needs the database, so a request without a validly signed
//! cookie costs no round trip.
//!
//! Every query returns at least one row: Spin 4.0.0–4.0.2 never answer a query with
//! zero rows (DESIGN.md), so lookups select from a one-row source and LEFT JOIN.

use chrono::{DateTime, NaiveDateTime};
use spin_sdk::pg3::{Connection, DbValue, Decode, Error as PgError, ParameterValue};
use spinstack_sessions::{Session, SessionStore, StoredSession, User};

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

fn timestamp(ms: i64) -> ParameterValue {
    DateTime::from_timestamp_millis(ms).map_or(ParameterValue::DbNull, |t| t.naive_utc().into())
}

fn millis(value: &DbValue) -> Result<i64, PgError> {
    Ok(NaiveDateTime::decode(value)?.and_utc().timestamp_millis())
}

fn column(row: &[DbValue], index: usize) -> Result<&DbValue, PgError> {
    row.get(index)
        .ok_or_else(|| PgError::Decode(format!("missing column {index}")))
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

fn decode_user(row: &[DbValue]) -> Result<Option<User>, PgError> {
    let Some(id) = Option::<String>::decode(column(row, 8)?)? else {
        return Ok(None);
    };
    Ok(Some(User {
        id,
        name: String::decode(column(row, 9)?)?,
        email: String::decode(column(row, 10)?)?,
        email_verified: bool::decode(column(row, 11)?)?,
        image: Option::<String>::decode(column(row, 12)?)?,
        created_at: millis(column(row, 13)?)?,
        updated_at: millis(column(row, 14)?)?,
    }))
}

impl SessionStore for PgSessionStore {
    type Error = PgError;

    fn find_by_token(&mut self, token: &str) -> Result<Option<StoredSession>, PgError> {
        let rows = self
            .connection()?
            .query(FIND_BY_TOKEN, &[ParameterValue::Str(token.to_owned())])?
            .rows;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        let Some(session) = decode_session(row)? else {
            return Ok(None);
        };
        Ok(Some(StoredSession {
            session,
            user: decode_user(row)?,
        }))
    }

    fn delete_by_token(&mut self, token: &str) -> Result<(), PgError> {
        self.connection()?
            .execute(DELETE_BY_TOKEN, &[ParameterValue::Str(token.to_owned())])?;
        Ok(())
    }

    fn extend(&mut self, id: &str, expires_at: i64, updated_at: i64) -> Result<bool, PgError> {
        let updated = self.connection()?.execute(
            EXTEND,
            &[
                timestamp(expires_at),
                timestamp(updated_at),
                ParameterValue::Str(id.to_owned()),
            ],
        )?;
        Ok(updated > 0)
    }
}
