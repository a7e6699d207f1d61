//! [`UserStore`]: the `user` and `account` rows the auth endpoints read and write.
//!
//! The PostgreSQL statements are those the `auth` component ran through Spin, verbatim;
//! the SQLite ones have the same parameters and row shapes. One write differs in
//! form: `set_or_create_credential` is one statement of data-modifying CTEs on
//! PostgreSQL, and an `UPDATE` then an `INSERT … WHERE NOT EXISTS` in one
//! `BEGIN IMMEDIATE` transaction on SQLite (which has no data-modifying CTEs).

use spinstack_auth::store::{Account, Credential, EmailChange, StoreError, UserStore};
use spinstack_sessions::User;
use spinstack_sql::{Connection, Dialect, Param, Row, SqlError, in_transaction};

use crate::{Store, error::message, rows::user_at};

/// The statements of one dialect. Parameters and columns are the same in both.
struct Statements {
    /// `$1` user id → the `user` columns; one row, NULLs when absent.
    user_by_id: &'static str,
    /// `$1` email → the `user` columns; one row, NULLs when absent.
    user_by_email: &'static str,
    /// `$1` email → the `user` columns, then the credential account's id and password.
    credential_by_email: &'static str,
    /// `$1` email → one boolean.
    email_taken: &'static str,
    /// `$1` password, `$2` now, `$3` account id.
    set_password_hash: &'static str,
    /// `$1` user id → the credential account's id and password; one row.
    credential_of: &'static str,
    /// `$1` email, `$2` new email or NULL, `$3` email_verified, `$4` now → the user.
    update_user_by_email: &'static str,
    /// `$1` account id.
    delete_account: &'static str,
    /// `$1` user id → account columns, oldest first; one all-NULL row when none.
    accounts_of: &'static str,
    /// `$1` name, `$2` now, `$3` user id.
    update_name: &'static str,
    /// `$1` image, `$2` now, `$3` user id.
    update_image: &'static str,
    /// `$1` name, `$2` image, `$3` now, `$4` user id.
    update_name_and_image: &'static str,
}

const POSTGRES: Statements = Statements {
    user_by_id: postgres::USER_BY_ID,
    user_by_email: postgres::USER_BY_EMAIL,
    credential_by_email: postgres::CREDENTIAL_BY_EMAIL,
    email_taken: postgres::EMAIL_TAKEN,
    set_password_hash: postgres::SET_PASSWORD_HASH,
    credential_of: postgres::CREDENTIAL_OF,
    update_user_by_email: postgres::UPDATE_USER_BY_EMAIL,
    delete_account: postgres::DELETE_ACCOUNT,
    accounts_of: postgres::ACCOUNTS_OF,
    update_name: postgres::UPDATE_NAME,
    update_image: postgres::UPDATE_IMAGE,
    update_name_and_image: postgres::UPDATE_NAME_AND_IMAGE,
};

const SQLITE: Statements = Statements {
    user_by_id: sqlite::USER_BY_ID,
    user_by_email: sqlite::USER_BY_EMAIL,
    credential_by_email: sqlite::CREDENTIAL_BY_EMAIL,
    email_taken: sqlite::EMAIL_TAKEN,
    set_password_hash: sqlite::SET_PASSWORD_HASH,
    credential_of: sqlite::CREDENTIAL_OF,
    update_user_by_email: sqlite::UPDATE_USER_BY_EMAIL,
    delete_account: sqlite::DELETE_ACCOUNT,
    accounts_of: sqlite::ACCOUNTS_OF,
    update_name: sqlite::UPDATE_NAME,
    update_image: sqlite::UPDATE_IMAGE,
    update_name_and_image: sqlite::UPDATE_NAME_AND_IMAGE,
};

fn statements(dialect: Dialect) -> &'static Statements {
    match dialect {
        Dialect::Postgres => &POSTGRES,
        Dialect::Sqlite => &SQLITE,
    }
}

/// PostgreSQL: every query returns at least one row (DESIGN.md).
mod postgres {
    /// The user by id; one row, NULLs when absent.
    pub(super) const USER_BY_ID: &str = r#"SELECT u.id, u.name, u.email, u.email_verified, u.image, u.created_at, u.updated_at FROM (SELECT 1) AS one LEFT JOIN "user" AS u ON u.id = $1"#;

    /// The user by email; one row, NULLs when absent.
    pub(super) const USER_BY_EMAIL: &str = r#"SELECT u.id, u.name, u.email, u.email_verified, u.image, u.created_at, u.updated_at FROM (SELECT 1) AS one LEFT JOIN "user" AS u ON u.email = $1"#;

    /// The user by email with their credential account; one row, NULLs when absent.
    pub(super) const CREDENTIAL_BY_EMAIL: &str = r#"SELECT u.id, u.name, u.email, u.email_verified, u.image, u.created_at, u.updated_at,
       a.id, a.password
FROM (SELECT 1) AS one
LEFT JOIN "user" AS u ON u.email = $1
LEFT JOIN account AS a ON a.user_id = u.id AND a.provider_id = 'credential'
ORDER BY a.created_at
LIMIT 1"#;

    pub(super) const EMAIL_TAKEN: &str = r#"SELECT EXISTS (SELECT 1 FROM "user" WHERE email = $1)"#;

    pub(super) const SET_PASSWORD_HASH: &str =
        "UPDATE account SET password = $1, updated_at = $2 WHERE id = $3";

    /// The user's credential account (`account_id` = user id, as Better Auth's
    /// `findCredentialAccount`); one row, NULLs when absent.
    pub(super) const CREDENTIAL_OF: &str = "SELECT a.id, a.password
FROM (SELECT 1) AS one
LEFT JOIN account AS a ON a.user_id = $1 AND a.provider_id = 'credential' AND a.account_id = $1
ORDER BY a.created_at
LIMIT 1";

    /// `POST /reset-password`'s write, in one statement: the password of the credential
    /// account, or a new credential account when the user has none. One row of counts.
    /// `$1` user id, `$2` hash, `$3` now, `$4` new account id.
    pub(super) const SET_OR_CREATE_CREDENTIAL: &str = "WITH updated AS (
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

    /// `verify-email`'s write: the user by email gets `email_verified` (and a new
    /// email), returned; one row, NULLs when there was no such user.
    pub(super) const UPDATE_USER_BY_EMAIL: &str = r#"WITH u AS (
    UPDATE "user" SET email = COALESCE($2, email), email_verified = $3, updated_at = $4
    WHERE email = $1
    RETURNING *
)
SELECT u.id, u.name, u.email, u.email_verified, u.image, u.created_at, u.updated_at
FROM (SELECT 1) AS one LEFT JOIN u ON true"#;

    pub(super) const DELETE_ACCOUNT: &str = "DELETE FROM account WHERE id = $1";

    /// The user's accounts; one all-NULL row when there are none.
    pub(super) const ACCOUNTS_OF: &str =
        "SELECT a.id, a.account_id, a.provider_id, a.user_id, a.scope, a.created_at, a.updated_at
FROM (SELECT 1) AS one
LEFT JOIN account AS a ON a.user_id = $1
ORDER BY a.created_at";

    pub(super) const UPDATE_NAME: &str =
        r#"UPDATE "user" SET name = $1, updated_at = $2 WHERE id = $3"#;
    pub(super) const UPDATE_IMAGE: &str =
        r#"UPDATE "user" SET image = $1, updated_at = $2 WHERE id = $3"#;
    pub(super) const UPDATE_NAME_AND_IMAGE: &str =
        r#"UPDATE "user" SET name = $1, image = $2, updated_at = $3 WHERE id = $4"#;
}

/// SQLite: the same statements with `?N` parameters; `email_verified` is 0/1 and the
/// times are integer epoch milliseconds, which the bound values already are.
mod sqlite {
    pub(super) const USER_BY_ID: &str = r#"SELECT u.id, u.name, u.email, u.email_verified, u.image, u.created_at, u.updated_at FROM (SELECT 1) AS one LEFT JOIN "user" AS u ON u.id = ?1"#;

    pub(super) const USER_BY_EMAIL: &str = r#"SELECT u.id, u.name, u.email, u.email_verified, u.image, u.created_at, u.updated_at FROM (SELECT 1) AS one LEFT JOIN "user" AS u ON u.email = ?1"#;

    pub(super) const CREDENTIAL_BY_EMAIL: &str = r#"SELECT u.id, u.name, u.email, u.email_verified, u.image, u.created_at, u.updated_at,
       a.id, a.password
FROM (SELECT 1) AS one
LEFT JOIN "user" AS u ON u.email = ?1
LEFT JOIN account AS a ON a.user_id = u.id AND a.provider_id = 'credential'
ORDER BY a.created_at
LIMIT 1"#;

    pub(super) const EMAIL_TAKEN: &str = r#"SELECT EXISTS (SELECT 1 FROM "user" WHERE email = ?1)"#;

    pub(super) const SET_PASSWORD_HASH: &str =
        "UPDATE account SET password = ?1, updated_at = ?2 WHERE id = ?3";

    pub(super) const CREDENTIAL_OF: &str = "SELECT a.id, a.password
FROM (SELECT 1) AS one
LEFT JOIN account AS a ON a.user_id = ?1 AND a.provider_id = 'credential' AND a.account_id = ?1
ORDER BY a.created_at
LIMIT 1";

    /// `set_or_create_credential`, first statement: `?1` user id, `?2` hash, `?3` now.
    pub(super) const SET_CREDENTIAL_PASSWORD: &str =
        "UPDATE account SET password = ?2, updated_at = ?3
WHERE user_id = ?1 AND provider_id = 'credential' AND account_id = ?1";

    /// Second statement, in the same transaction: the credential account with id `?4`
    /// unless the user has one (which the update has just set).
    pub(super) const CREATE_MISSING_CREDENTIAL: &str = "INSERT INTO account (id, account_id, provider_id, user_id, password, created_at, updated_at)
SELECT ?4, ?1, 'credential', ?1, ?2, ?3, ?3
WHERE NOT EXISTS (
    SELECT 1 FROM account WHERE user_id = ?1 AND provider_id = 'credential' AND account_id = ?1
)";

    /// One statement, so atomic: a new email that is taken fails it (UNIQUE) and
    /// changes nothing. No row when there is no such user (SQLite cannot wrap a
    /// `RETURNING` in a one-row source, and needs not).
    pub(super) const UPDATE_USER_BY_EMAIL: &str = r#"UPDATE "user" SET email = COALESCE(?2, email), email_verified = ?3, updated_at = ?4
WHERE email = ?1
RETURNING id, name, email, email_verified, image, created_at, updated_at"#;

    pub(super) const DELETE_ACCOUNT: &str = "DELETE FROM account WHERE id = ?1";

    pub(super) const ACCOUNTS_OF: &str =
        "SELECT a.id, a.account_id, a.provider_id, a.user_id, a.scope, a.created_at, a.updated_at
FROM (SELECT 1) AS one
LEFT JOIN account AS a ON a.user_id = ?1
ORDER BY a.created_at";

    pub(super) const UPDATE_NAME: &str =
        r#"UPDATE "user" SET name = ?1, updated_at = ?2 WHERE id = ?3"#;
    pub(super) const UPDATE_IMAGE: &str =
        r#"UPDATE "user" SET image = ?1, updated_at = ?2 WHERE id = ?3"#;
    pub(super) const UPDATE_NAME_AND_IMAGE: &str =
        r#"UPDATE "user" SET name = ?1, image = ?2, updated_at = ?3 WHERE id = ?4"#;
}

/// An account row (`id, account_id, provider_id, user_id, scope, created_at,
/// updated_at`); `None` for the all-NULL row.
fn account(row: &Row) -> Result<Option<Account>, SqlError> {
    let Some(id) = row.opt_text(0)? else {
        return Ok(None);
    };
    Ok(Some(Account {
        id,
        account_id: row.text(1)?,
        provider_id: row.text(2)?,
        user_id: row.text(3)?,
        scope: row.opt_text(4)?,
        created_at: row.millis(5)?,
        updated_at: row.millis(6)?,
    }))
}

impl<C: Connection> Store<C> {
    fn sql(&self) -> &'static Statements {
        statements(self.dialect())
    }

    fn one_user(&self, sql: &str, key: &str) -> Result<Option<User>, SqlError> {
        let rows = self.connection.query(sql, &[Param::text(key)])?;
        match rows.first() {
            Some(row) => user_at(row, 0),
            None => Ok(None),
        }
    }
}

impl<C: Connection> UserStore for Store<C> {
    fn user_by_id(&self, user_id: &str) -> Result<Option<User>, StoreError> {
        self.one_user(self.sql().user_by_id, user_id)
            .map_err(message("looking up a user by id"))
    }

    fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        self.one_user(self.sql().user_by_email, email)
            .map_err(message("looking up a user by email"))
    }

    fn credential_by_email(&self, email: &str) -> Result<Option<Credential>, StoreError> {
        let lookup = || -> Result<Option<Credential>, SqlError> {
            let rows = self
                .connection
                .query(self.sql().credential_by_email, &[Param::text(email)])?;
            let Some(row) = rows.first() else {
                return Ok(None);
            };
            let Some(user) = user_at(row, 0)? else {
                return Ok(None);
            };
            Ok(Some(Credential {
                user,
                account_id: row.opt_text(7)?,
                password_hash: row.opt_text(8)?,
            }))
        };
        lookup().map_err(message("looking up a user by email"))
    }

    fn email_taken(&self, email: &str) -> Result<bool, StoreError> {
        let lookup = || -> Result<bool, SqlError> {
            let rows = self
                .connection
                .query(self.sql().email_taken, &[Param::text(email)])?;
            rows.first().map_or(Ok(false), |row| row.bool(0))
        };
        lookup().map_err(message("checking an email"))
    }

    fn credential_of(&self, user_id: &str) -> Result<Option<(String, Option<String>)>, StoreError> {
        let lookup = || -> Result<Option<(String, Option<String>)>, SqlError> {
            let rows = self
                .connection
                .query(self.sql().credential_of, &[Param::text(user_id)])?;
            let Some(row) = rows.first() else {
                return Ok(None);
            };
            let Some(id) = row.opt_text(0)? else {
                return Ok(None);
            };
            Ok(Some((id, row.opt_text(1)?)))
        };
        lookup().map_err(message("reading a credential account"))
    }

    fn accounts_of(&self, user_id: &str) -> Result<Vec<Account>, StoreError> {
        let lookup = || -> Result<Vec<Account>, SqlError> {
            let rows = self
                .connection
                .query(self.sql().accounts_of, &[Param::text(user_id)])?;
            let mut accounts = Vec::with_capacity(rows.len());
            for row in &rows {
                accounts.extend(account(row)?);
            }
            Ok(accounts)
        };
        lookup().map_err(message("listing accounts"))
    }

    fn update_user(
        &self,
        user_id: &str,
        name: Option<&str>,
        image: Option<Option<&str>>,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let sql = self.sql();
        let (statement, params) = match (name, image) {
            (Some(name), Some(image)) => (
                sql.update_name_and_image,
                vec![
                    Param::text(name),
                    Param::opt_text(image),
                    Param::Millis(now_ms),
                    Param::text(user_id),
                ],
            ),
            (Some(name), None) => (
                sql.update_name,
                vec![
                    Param::text(name),
                    Param::Millis(now_ms),
                    Param::text(user_id),
                ],
            ),
            (None, Some(image)) => (
                sql.update_image,
                vec![
                    Param::opt_text(image),
                    Param::Millis(now_ms),
                    Param::text(user_id),
                ],
            ),
            (None, None) => return Ok(()),
        };
        self.connection
            .execute(statement, &params)
            .map_err(message("updating a user"))
    }

    fn set_password_hash(
        &self,
        account_id: &str,
        hash: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        self.connection
            .execute(
                self.sql().set_password_hash,
                &[
                    Param::text(hash),
                    Param::Millis(now_ms),
                    Param::text(account_id),
                ],
            )
            .map_err(message("storing a password hash"))
    }

    fn set_or_create_credential(
        &self,
        user_id: &str,
        new_account_id: &str,
        hash: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let params = [
            Param::text(user_id),
            Param::text(hash),
            Param::Millis(now_ms),
            Param::text(new_account_id),
        ];
        let write = match self.dialect() {
            Dialect::Postgres => self
                .connection
                .query(postgres::SET_OR_CREATE_CREDENTIAL, &params)
                .map(drop),
            Dialect::Sqlite => in_transaction(&self.connection, |connection| {
                connection.execute(sqlite::SET_CREDENTIAL_PASSWORD, &params[..3])?;
                connection.execute(sqlite::CREATE_MISSING_CREDENTIAL, &params)
            }),
        };
        write.map_err(message("setting a credential password"))
    }

    fn update_user_by_email(
        &self,
        email: &str,
        change: EmailChange<'_>,
        now_ms: i64,
    ) -> Result<Option<User>, StoreError> {
        let update = || -> Result<Option<User>, SqlError> {
            let rows = self.connection.query(
                self.sql().update_user_by_email,
                &[
                    Param::text(email),
                    Param::opt_text(change.new_email),
                    Param::Bool(change.email_verified),
                    Param::Millis(now_ms),
                ],
            )?;
            match rows.first() {
                Some(row) => user_at(row, 0),
                None => Ok(None),
            }
        };
        update().map_err(message("updating a user by email"))
    }

    fn delete_account(&self, id: &str) -> Result<(), StoreError> {
        self.connection
            .execute(self.sql().delete_account, &[Param::text(id)])
            .map_err(message("deleting an account"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_dialects_take_the_same_parameters() {
        let pairs = [
            (POSTGRES.user_by_id, SQLITE.user_by_id),
            (POSTGRES.user_by_email, SQLITE.user_by_email),
            (POSTGRES.credential_by_email, SQLITE.credential_by_email),
            (POSTGRES.email_taken, SQLITE.email_taken),
            (POSTGRES.set_password_hash, SQLITE.set_password_hash),
            (POSTGRES.credential_of, SQLITE.credential_of),
            (POSTGRES.update_user_by_email, SQLITE.update_user_by_email),
            (POSTGRES.delete_account, SQLITE.delete_account),
            (POSTGRES.accounts_of, SQLITE.accounts_of),
            (POSTGRES.update_name, SQLITE.update_name),
            (POSTGRES.update_image, SQLITE.update_image),
            (POSTGRES.update_name_and_image, SQLITE.update_name_and_image),
        ];
        for (pg, lite) in pairs {
            crate::test_support::same_parameters(pg, lite);
        }
        crate::test_support::same_parameters(
            postgres::SET_OR_CREATE_CREDENTIAL,
            sqlite::CREATE_MISSING_CREDENTIAL,
        );
    }
}
