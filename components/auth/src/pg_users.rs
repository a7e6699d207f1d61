//! [`UserStore`] over Spin's PostgreSQL: the SQL of the `user` and `account` tables
//! the auth endpoints read and write, parameterised. The connection opens on first use
//! (and is shared with [`crate::pg_verifications`]). Every query returns at least one
//! row (DESIGN.md's zero-row rule).

use std::cell::OnceCell;

use spin_sdk::pg3::{Connection, Decode, Error as PgError};
use spinstack_auth::store::{Account, Credential, EmailChange, StoreError, UserStore};
use spinstack_glue::pg::{column, millis, optional_text, text, timestamp, user_at};
use spinstack_sessions::User;

const USER_COLUMNS: &str =
    "u.id, u.name, u.email, u.email_verified, u.image, u.created_at, u.updated_at";

/// The user by email with their credential account; one row, NULLs when absent.
const CREDENTIAL_BY_EMAIL: &str = r#"SELECT u.id, u.name, u.email, u.email_verified, u.image, u.created_at, u.updated_at,
       a.id, a.password
FROM (SELECT 1) AS one
LEFT JOIN "user" AS u ON u.email = $1
LEFT JOIN account AS a ON a.user_id = u.id AND a.provider_id = 'credential'
ORDER BY a.created_at
LIMIT 1"#;

const EMAIL_TAKEN: &str = r#"SELECT EXISTS (SELECT 1 FROM "user" WHERE email = $1)"#;

const SET_PASSWORD_HASH: &str = "UPDATE account SET password = $1, updated_at = $2 WHERE id = $3";

/// The user's credential account (`account_id` = user id, as Better Auth's
/// `findCredentialAccount`); one row, NULLs when absent.
const CREDENTIAL_OF: &str = "SELECT a.id, a.password
FROM (SELECT 1) AS one
LEFT JOIN account AS a ON a.user_id = $1 AND a.provider_id = 'credential' AND a.account_id = $1
ORDER BY a.created_at
LIMIT 1";

/// The user by id, or by email; one row, NULLs when absent.
fn user_where(column: &str) -> String {
    format!(
        r#"SELECT {USER_COLUMNS} FROM (SELECT 1) AS one LEFT JOIN "user" AS u ON u.{column} = $1"#
    )
}

/// `POST /reset-password`'s write, in one statement: the password of the credential
/// account, or a new credential account when the user has none. One row of counts.
const SET_OR_CREATE_CREDENTIAL: &str = "WITH updated AS (
    UPDATE account SET password = $2, updated_at = $3
    WHERE user_id = $1 AND provider_id = 'credential' AND account_id = $1
    RETURNING id
), inserted AS (
    INSERT INTO account (id, account_id, provider_id, user_id, password, created_at, updated_at)
    SELECT $4, $1, 'credential', $1, $2, $3, $3
    WHERE NOT EXISTS (SELECT 1 FROM updated)
    RETURNING id
)
SELECT (SELECT count(*) FROM updated)::int8, (SELECT count(*) FROM inserted)::int8";

/// `verify-email`'s write: the user by email gets `email_verified` (and a new email),
/// returned; one row, NULLs when there was no such user.
const UPDATE_USER_BY_EMAIL: &str = r#"WITH u AS (
    UPDATE "user" SET email = COALESCE($2, email), email_verified = $3, updated_at = $4
    WHERE email = $1
    RETURNING *
)
SELECT u.id, u.name, u.email, u.email_verified, u.image, u.created_at, u.updated_at
FROM (SELECT 1) AS one LEFT JOIN u ON true"#;

const DELETE_ACCOUNT: &str = "DELETE FROM account WHERE id = $1";

/// The user's accounts; one all-NULL row when there are none.
const ACCOUNTS_OF: &str =
    "SELECT a.id, a.account_id, a.provider_id, a.user_id, a.scope, a.created_at, a.updated_at
FROM (SELECT 1) AS one
LEFT JOIN account AS a ON a.user_id = $1
ORDER BY a.created_at";

const UPDATE_NAME: &str = r#"UPDATE "user" SET name = $1, updated_at = $2 WHERE id = $3"#;
const UPDATE_IMAGE: &str = r#"UPDATE "user" SET image = $1, updated_at = $2 WHERE id = $3"#;
const UPDATE_NAME_AND_IMAGE: &str =
    r#"UPDATE "user" SET name = $1, image = $2, updated_at = $3 WHERE id = $4"#;

/// Users and accounts in PostgreSQL.
pub struct PgUsers {
    address: String,
    connection: OnceCell<Connection>,
}

impl PgUsers {
    pub fn new(address: String) -> Self {
        Self {
            address,
            connection: OnceCell::new(),
        }
    }

    pub fn connection(&self) -> Result<&Connection, PgError> {
        if let Some(connection) = self.connection.get() {
            return Ok(connection);
        }
        let opened = Connection::open(&self.address)?;
        Ok(self.connection.get_or_init(|| opened))
    }
}

pub fn failed(context: &str) -> impl Fn(PgError) -> StoreError + '_ {
    move |e| format!("{context}: {e}")
}

impl PgUsers {
    fn one_user(&self, sql: &str, key: &str) -> Result<Option<User>, PgError> {
        let rows = self.connection()?.query(sql, &[text(key)])?.rows;
        match rows.first() {
            Some(row) => user_at(row, 0),
            None => Ok(None),
        }
    }
}

impl UserStore for PgUsers {
    fn user_by_id(&self, user_id: &str) -> Result<Option<User>, StoreError> {
        self.one_user(&user_where("id"), user_id)
            .map_err(failed("looking up a user by id"))
    }

    fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        self.one_user(&user_where("email"), email)
            .map_err(failed("looking up a user by email"))
    }

    fn set_or_create_credential(
        &self,
        user_id: &str,
        new_account_id: &str,
        hash: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let write = || -> Result<(), PgError> {
            self.connection()?.query(
                SET_OR_CREATE_CREDENTIAL,
                &[
                    text(user_id),
                    text(hash),
                    timestamp(now_ms),
                    text(new_account_id),
                ],
            )?;
            Ok(())
        };
        write().map_err(failed("setting a credential password"))
    }

    fn update_user_by_email(
        &self,
        email: &str,
        change: EmailChange<'_>,
        now_ms: i64,
    ) -> Result<Option<User>, StoreError> {
        let update = || -> Result<Option<User>, PgError> {
            let rows = self
                .connection()?
                .query(
                    UPDATE_USER_BY_EMAIL,
                    &[
                        text(email),
                        optional_text(change.new_email),
                        change.email_verified.into(),
                        timestamp(now_ms),
                    ],
                )?
                .rows;
            match rows.first() {
                Some(row) => user_at(row, 0),
                None => Ok(None),
            }
        };
        update().map_err(failed("updating a user by email"))
    }

    fn delete_account(&self, id: &str) -> Result<(), StoreError> {
        let delete = || -> Result<(), PgError> {
            self.connection()?.execute(DELETE_ACCOUNT, &[text(id)])?;
            Ok(())
        };
        delete().map_err(failed("deleting an account"))
    }

    fn credential_by_email(&self, email: &str) -> Result<Option<Credential>, StoreError> {
        let lookup = || -> Result<Option<Credential>, PgError> {
            let rows = self
                .connection()?
                .query(CREDENTIAL_BY_EMAIL, &[text(email)])?
                .rows;
            let Some(row) = rows.first() else {
                return Ok(None);
            };
            let Some(user) = user_at(row, 0)? else {
                return Ok(None);
            };
            Ok(Some(Credential {
                user,
                account_id: Option::<String>::decode(column(row, 7)?)?,
                password_hash: Option::<String>::decode(column(row, 8)?)?,
            }))
        };
        lookup().map_err(failed("looking up a user by email"))
    }

    fn email_taken(&self, email: &str) -> Result<bool, StoreError> {
        let lookup = || -> Result<bool, PgError> {
            let rows = self.connection()?.query(EMAIL_TAKEN, &[text(email)])?.rows;
            rows.first()
                .map_or(Ok(false), |row| bool::decode(column(row, 0)?))
        };
        lookup().map_err(failed("checking an email"))
    }

    fn credential_of(&self, user_id: &str) -> Result<Option<(String, Option<String>)>, StoreError> {
        let lookup = || -> Result<Option<(String, Option<String>)>, PgError> {
            let rows = self
                .connection()?
                .query(CREDENTIAL_OF, &[text(user_id)])?
                .rows;
            let Some(row) = rows.first() else {
                return Ok(None);
            };
            let Some(id) = Option::<String>::decode(column(row, 0)?)? else {
                return Ok(None);
            };
            Ok(Some((id, Option::<String>::decode(column(row, 1)?)?)))
        };
        lookup().map_err(failed("reading a credential account"))
    }

    fn accounts_of(&self, user_id: &str) -> Result<Vec<Account>, StoreError> {
        let lookup = || -> Result<Vec<Account>, PgError> {
            let rows = self
                .connection()?
                .query(ACCOUNTS_OF, &[text(user_id)])?
                .rows;
            let mut accounts = Vec::with_capacity(rows.len());
            for row in &rows {
                let Some(id) = Option::<String>::decode(column(row, 0)?)? else {
                    continue;
                };
                accounts.push(Account {
                    id,
                    account_id: String::decode(column(row, 1)?)?,
                    provider_id: String::decode(column(row, 2)?)?,
                    user_id: String::decode(column(row, 3)?)?,
                    scope: Option::<String>::decode(column(row, 4)?)?,
                    created_at: millis(column(row, 5)?)?,
                    updated_at: millis(column(row, 6)?)?,
                });
            }
            Ok(accounts)
        };
        lookup().map_err(failed("listing accounts"))
    }

    fn update_user(
        &self,
        user_id: &str,
        name: Option<&str>,
        image: Option<Option<&str>>,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let update = || -> Result<(), PgError> {
            let connection = self.connection()?;
            match (name, image) {
                (Some(name), Some(image)) => connection.execute(
                    UPDATE_NAME_AND_IMAGE,
                    &[
                        text(name),
                        optional_text(image),
                        timestamp(now_ms),
                        text(user_id),
                    ],
                )?,
                (Some(name), None) => connection
                    .execute(UPDATE_NAME, &[text(name), timestamp(now_ms), text(user_id)])?,
                (None, Some(image)) => connection.execute(
                    UPDATE_IMAGE,
                    &[optional_text(image), timestamp(now_ms), text(user_id)],
                )?,
                (None, None) => 0,
            };
            Ok(())
        };
        update().map_err(failed("updating a user"))
    }

    fn set_password_hash(
        &self,
        account_id: &str,
        hash: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let update = || -> Result<(), PgError> {
            self.connection()?.execute(
                SET_PASSWORD_HASH,
                &[text(hash), timestamp(now_ms), text(account_id)],
            )?;
            Ok(())
        };
        update().map_err(failed("storing a password hash"))
    }
}
