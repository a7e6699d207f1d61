//! The PostgreSQL statements of the `session` table family, parameterised (`$1`, …),
//! in one place: the `session` component runs them through Spin's PostgreSQL, and the
//! benchmarks (`bench/`) run [`FIND_BY_TOKEN`] with `pgbench` as the ceiling of
//! `get-session`, so the two cannot drift apart.
//!
//! Every query returns at least one row: Spin 4.0.0–4.0.2 never answer a query with
//! zero rows (DESIGN.md), so lookups select from a one-row source and LEFT JOIN.

/// Looks the session up by token with its user; always exactly one row.
pub const FIND_BY_TOKEN: &str = r#"SELECT s.id, s.token, s.user_id, s.expires_at, s.created_at, s.updated_at,
       s.ip_address, s.user_agent,
       u.id, u.name, u.email, u.email_verified, u.image, u.created_at, u.updated_at
FROM (SELECT 1) AS one
LEFT JOIN session AS s ON s.token = $1
LEFT JOIN "user" AS u ON u.id = s.user_id"#;

/// Deletes the session with this token (an expired one, or at sign-out).
pub const DELETE_BY_TOKEN: &str = "DELETE FROM session WHERE token = $1";

/// The sliding refresh: new `expires_at` and `updated_at` of session `id`.
pub const EXTEND: &str = "UPDATE session SET expires_at = $1, updated_at = $2 WHERE id = $3";

/// A new session of an existing user (sign-in).
pub const INSERT_SESSION: &str = "INSERT INTO session (id, expires_at, token, created_at, updated_at, ip_address, user_agent, user_id)
VALUES ($1, $2, $3, $4, $4, $5, $6, $7)";

/// Sign-up in one statement: the user (unless the email is taken), its credential
/// account and its first session. Data-modifying CTEs all run, atomically; the
/// account and session inserts select from `new_user`, so a taken email inserts
/// nothing. Returns one row: how many users were inserted.
pub const INSERT_USER_WITH_SESSION: &str = r#"WITH new_user AS (
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

/// Revokes one session of a user, by token.
pub const DELETE_FOR_USER: &str = "DELETE FROM session WHERE token = $1 AND user_id = $2";

/// Revokes every session of a user.
pub const DELETE_ALL_FOR_USER: &str = "DELETE FROM session WHERE user_id = $1";

/// Revokes every session of a user but the one with this token.
pub const DELETE_OTHERS_FOR_USER: &str = "DELETE FROM session WHERE user_id = $1 AND token <> $2";

/// The user's unexpired sessions; one all-NULL row when there are none.
pub const LIST_FOR_USER: &str =
    "SELECT s.id, s.token, s.user_id, s.expires_at, s.created_at, s.updated_at,
       s.ip_address, s.user_agent
FROM (SELECT 1) AS one
LEFT JOIN session AS s ON s.user_id = $1 AND s.expires_at > $2
ORDER BY s.created_at";
