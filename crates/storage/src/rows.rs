//! Row decoders shared by several table families: the `user` columns, which the
//! session lookup joins and the user store reads, and the `session` columns.

use spinstack_sessions::{Session, User};
use spinstack_sql::{Row, SqlError};

/// The `user` columns `id, name, email, email_verified, image, created_at, updated_at`
/// starting at `first`; `None` when `id` is NULL (no row joined).
pub(crate) fn user_at(row: &Row, first: usize) -> Result<Option<User>, SqlError> {
    let Some(id) = row.opt_text(first)? else {
        return Ok(None);
    };
    Ok(Some(User {
        id,
        name: row.text(first + 1)?,
        email: row.text(first + 2)?,
        email_verified: row.bool(first + 3)?,
        image: row.opt_text(first + 4)?,
        created_at: row.millis(first + 5)?,
        updated_at: row.millis(first + 6)?,
    }))
}

/// The `session` columns `id, token, user_id, expires_at, created_at, updated_at,
/// ip_address, user_agent` at the start of `row`; `None` when `id` is NULL.
pub(crate) fn session(row: &Row) -> Result<Option<Session>, SqlError> {
    let Some(id) = row.opt_text(0)? else {
        return Ok(None);
    };
    Ok(Some(Session {
        id,
        token: row.text(1)?,
        user_id: row.text(2)?,
        expires_at: row.millis(3)?,
        created_at: row.millis(4)?,
        updated_at: row.millis(5)?,
        ip_address: row.opt_text(6)?,
        user_agent: row.opt_text(7)?,
    }))
}

#[cfg(test)]
mod tests {
    use spinstack_sql::Cell;

    use super::*;

    fn text(value: &str) -> Cell {
        Cell::Text(value.to_owned())
    }

    #[test]
    fn users_decode_from_either_dialect() -> Result<(), SqlError> {
        let postgres = Row(vec![
            text("u1"),
            text("Ann"),
            text("ann@example.com"),
            Cell::Bool(true),
            Cell::Null,
            Cell::Millis(1),
            Cell::Millis(2),
        ]);
        let sqlite = Row(vec![
            text("u1"),
            text("Ann"),
            text("ann@example.com"),
            Cell::Int(1),
            Cell::Null,
            Cell::Int(1),
            Cell::Int(2),
        ]);
        assert_eq!(user_at(&postgres, 0)?, user_at(&sqlite, 0)?);
        assert!(user_at(&postgres, 0)?.is_some_and(|u| u.email_verified));
        assert_eq!(user_at(&Row(vec![Cell::Null; 7]), 0)?, None);
        // An integer other than 0/1 is not a boolean.
        let mut corrupt = sqlite;
        corrupt.0[3] = Cell::Int(2);
        assert!(user_at(&corrupt, 0).is_err());
        Ok(())
    }

    #[test]
    fn an_all_null_row_is_no_session() -> Result<(), SqlError> {
        assert_eq!(session(&Row(vec![Cell::Null; 8]))?, None);
        Ok(())
    }
}
