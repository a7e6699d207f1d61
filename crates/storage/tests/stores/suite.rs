//! The behavioural suite, written once over a [`Backend`] and run on SQLite and on
//! PostgreSQL by `main.rs`: every case gets a fresh database.

use std::cell::Cell;
use std::sync::Barrier;

use anyhow::{Context as _, ensure};
use spinstack_api::store::{StoreError as TodoError, Todo, TodoStore};
use spinstack_auth::store::{Account, Credential, EmailChange, UserStore, VerificationStore};
use spinstack_rate_limit::{Decision, MemoryStore, RateLimitStore, Rule};
use spinstack_sessions::{NewUser, Session, SessionLifecycle, SessionStore, StoredSession, User};
use spinstack_sql::{Connection, Dialect, Param, Row, SqlError};
use spinstack_storage::{SettingsStore, Store};

use crate::support::{Backend, OrFail as _, count, execute, rows};

type Result = anyhow::Result<()>;

/// A time with milliseconds, which both backends keep exactly.
const T0: i64 = 1_800_000_000_123;
const DAY: i64 = 86_400_000;

fn new_user(n: &str) -> NewUser {
    NewUser {
        id: format!("user-{n}"),
        name: format!("User {n}"),
        email: format!("{n}@example.com"),
        image: None,
        account_id: format!("account-{n}"),
        password_hash: format!("$argon2id$hash-{n}"),
    }
}

fn session(n: &str, user_id: &str, created_at: i64) -> Session {
    Session {
        id: format!("session-{n}"),
        token: format!("token-{n}"),
        user_id: user_id.to_owned(),
        expires_at: created_at + 7 * DAY,
        created_at,
        updated_at: created_at,
        ip_address: Some("203.0.113.7".to_owned()),
        user_agent: None,
    }
}

/// The user `new_user(n)` becomes at sign-up at `at`.
fn user_row(n: &str, at: i64) -> User {
    let new = new_user(n);
    User {
        id: new.id,
        name: new.name,
        email: new.email,
        email_verified: false,
        image: None,
        created_at: at,
        updated_at: at,
    }
}

/// Signs `new_user(n)` up with `session(n, …)` at `at`.
fn sign_up<C: Connection>(store: &mut Store<C>, n: &str, at: i64) -> anyhow::Result<Session> {
    let user = new_user(n);
    let session = session(n, &user.id, at);
    ensure!(
        SessionLifecycle::insert(store, &session, Some(&user))?,
        "sign-up of {n}"
    );
    Ok(session)
}

/// Rows of `user`, `account` and `session` belonging to user id `user_id`.
fn footprint<C: Connection>(conn: &C, user_id: &str) -> anyhow::Result<[i64; 3]> {
    let id = [Param::text(user_id)];
    Ok([
        count(conn, r#"SELECT count(*) FROM "user" WHERE id = $1"#, &id)?,
        count(conn, "SELECT count(*) FROM account WHERE user_id = $1", &id)?,
        count(conn, "SELECT count(*) FROM session WHERE user_id = $1", &id)?,
    ])
}

/// A user without a credential account (signed up through a provider).
fn insert_oauth_user<C: Connection>(conn: &C, n: &str, at: i64) -> Result {
    execute(
        conn,
        r#"INSERT INTO "user" (id, name, email, email_verified, image, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)"#,
        &[
            Param::text(&format!("user-{n}")),
            Param::text(&format!("User {n}")),
            Param::text(&format!("{n}@example.com")),
            Param::Bool(true),
            Param::text("https://example.com/a.png"),
            Param::Millis(at),
        ],
    )?;
    execute(
        conn,
        "INSERT INTO account (id, account_id, provider_id, user_id, scope, created_at, updated_at) VALUES ($1, $2, 'github', $3, $4, $5, $5)",
        &[
            Param::text(&format!("github-{n}")),
            Param::text("12345"),
            Param::text(&format!("user-{n}")),
            Param::text("read:user,user:email"),
            Param::Millis(at),
        ],
    )
}

// --- sessions -------------------------------------------------------------------

pub fn sign_up_inserts_user_account_and_session<B: Backend>(db: &B) -> Result {
    let mut store = Store::new(db.conn());
    let session = sign_up(&mut store, "a", T0)?;
    assert_eq!(footprint(db.conn(), "user-a")?, [1, 1, 1]);
    let found = store.find_by_token("token-a")?;
    assert_eq!(
        found,
        Some(StoredSession {
            session,
            user: Some(user_row("a", T0)),
        })
    );
    assert_eq!(
        store.credential_by_email("a@example.com").or_fail()?,
        Some(Credential {
            user: user_row("a", T0),
            account_id: Some("account-a".to_owned()),
            password_hash: Some("$argon2id$hash-a".to_owned()),
        })
    );
    Ok(())
}

pub fn sign_up_with_a_taken_email_inserts_nothing<B: Backend>(db: &B) -> Result {
    let mut store = Store::new(db.conn());
    sign_up(&mut store, "a", T0)?;
    let mut again = new_user("b");
    again.email = "a@example.com".to_owned();
    let taken = session("b", &again.id, T0 + 1);
    assert!(!SessionLifecycle::insert(&mut store, &taken, Some(&again))?);
    assert_eq!(footprint(db.conn(), "user-b")?, [0, 0, 0]);
    assert_eq!(store.find_by_token("token-b")?, None);
    assert_eq!(footprint(db.conn(), "user-a")?, [1, 1, 1]);
    // The connection is usable afterwards (the transaction was closed).
    sign_up(&mut store, "c", T0 + 2)?;
    Ok(())
}

pub fn sign_up_failing_midway_leaves_nothing<B: Backend>(db: &B) -> Result {
    let mut store = Store::new(db.conn());
    sign_up(&mut store, "a", T0)?;
    // User c's session reuses a's token: the last insert fails on `session.token`.
    let user = new_user("c");
    let mut clash = session("c", &user.id, T0 + 1);
    clash.token = "token-a".to_owned();
    let failed = SessionLifecycle::insert(&mut store, &clash, Some(&user));
    assert!(failed.is_err(), "{failed:?}");
    assert_eq!(footprint(db.conn(), "user-c")?, [0, 0, 0]);
    assert_eq!(store.user_by_email("c@example.com").or_fail()?, None);
    assert_eq!(
        count(
            db.conn(),
            "SELECT count(*) FROM account WHERE id = $1",
            &[Param::text("account-c")]
        )?,
        0
    );
    // Nothing left open: the same sign-up with its own token goes through.
    sign_up(&mut store, "c", T0 + 2)?;
    assert_eq!(footprint(db.conn(), "user-c")?, [1, 1, 1]);
    Ok(())
}

/// What [`LosesTheUserInsert`] does to the statement that inserts the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Loss {
    /// Fails it as a lost connection does, without running it.
    Before,
    /// Runs it, then fails it as a lost connection does (the reply never arrived).
    After,
    /// Runs it, then fails it as a configuration problem.
    AfterDenied,
}

/// A connection that loses the statement inserting into "user" as [`Loss`] says, and
/// with `check_fails` every statement after it as well.
struct LosesTheUserInsert<'c, C> {
    inner: &'c C,
    loss: Loss,
    check_fails: bool,
    lost: Cell<bool>,
    after_loss: Cell<usize>,
}

impl<'c, C: Connection> LosesTheUserInsert<'c, C> {
    fn new(inner: &'c C, loss: Loss, check_fails: bool) -> Self {
        Self {
            inner,
            loss,
            check_fails,
            lost: Cell::new(false),
            after_loss: Cell::new(0),
        }
    }
}

/// What tokio-postgres reports, through Spin, for a connection that is gone.
fn connection_lost() -> SqlError {
    SqlError::Statement("Error { kind: Closed, cause: None }".to_owned())
}

impl<C: Connection> LosesTheUserInsert<'_, C> {
    /// `run` for `sql`, or the loss this connection plays.
    fn run<T>(
        &self,
        sql: &str,
        run: impl FnOnce() -> std::result::Result<T, SqlError>,
    ) -> std::result::Result<T, SqlError> {
        if self.lost.get() {
            self.after_loss.set(self.after_loss.get() + 1);
            if self.check_fails {
                return Err(connection_lost());
            }
        } else if sql.contains(r#"INSERT INTO "user""#) {
            self.lost.set(true);
            if self.loss != Loss::Before {
                run()?;
            }
            return Err(match self.loss {
                Loss::AfterDenied => SqlError::Denied("not allowed".to_owned()),
                Loss::Before | Loss::After => connection_lost(),
            });
        }
        run()
    }
}

impl<C: Connection> Connection for LosesTheUserInsert<'_, C> {
    fn dialect(&self) -> Dialect {
        self.inner.dialect()
    }

    fn query(&self, sql: &str, params: &[Param]) -> std::result::Result<Vec<Row>, SqlError> {
        self.run(sql, || self.inner.query(sql, params))
    }

    fn execute(&self, sql: &str, params: &[Param]) -> std::result::Result<(), SqlError> {
        self.run(sql, || self.inner.execute(sql, params))
    }
}

/// A sign-up whose statement fails after it ran answers what the database holds. On
/// PostgreSQL the statement committed, and the store finds the session it created:
/// success. On SQLite the failed insert is inside the transaction, which is rolled
/// back: failure, and nothing stored. A failure before the statement ran, or a check
/// that fails too, answers the statement's error.
pub fn sign_up_whose_outcome_is_lost<B: Backend>(db: &B) -> Result {
    let postgres = db.conn().dialect() == Dialect::Postgres;
    let attempt = |n: &str, loss, check_fails| {
        let conn = LosesTheUserInsert::new(db.conn(), loss, check_fails);
        let user = new_user(n);
        let session = session(n, &user.id, T0);
        let signed_up = SessionLifecycle::insert(&mut Store::new(&conn), &session, Some(&user));
        (signed_up, conn.after_loss.get())
    };

    let (signed_up, _) = attempt("after", Loss::After, false);
    if postgres {
        assert_eq!(signed_up, Ok(true), "the committed sign-up is resolved");
        assert_eq!(footprint(db.conn(), "user-after")?, [1, 1, 1]);
        let found = Store::new(db.conn())
            .find_by_token("token-after")?
            .context("the session works")?;
        assert_eq!(found.user, Some(user_row("after", T0)));
    } else {
        let error = signed_up.err().context("rolled back, so failed")?;
        assert_eq!(error.sql(), &connection_lost());
        assert_eq!(footprint(db.conn(), "user-after")?, [0, 0, 0]);
    }

    let (signed_up, _) = attempt("before", Loss::Before, false);
    let error = signed_up.err().context("never ran, so failed")?;
    assert_eq!(error.sql(), &connection_lost());
    assert_eq!(footprint(db.conn(), "user-before")?, [0, 0, 0]);

    // The check fails as well: the outcome stays unknown, so the statement's error
    // (although it committed). SQLite runs no check (and this connection would fail
    // its ROLLBACK too).
    if postgres {
        let (signed_up, _) = attempt("unknown", Loss::After, true);
        let error = signed_up.err().context("unresolved, so failed")?;
        assert_eq!(error.sql(), &connection_lost());
        assert_eq!(footprint(db.conn(), "user-unknown")?, [1, 1, 1]);
    }

    // A configuration problem is not checked.
    let (signed_up, after_loss) = attempt("denied", Loss::AfterDenied, false);
    let error = signed_up.err().context("denied, so failed")?;
    assert!(error.is_denied(), "{error}");
    if postgres {
        assert_eq!(after_loss, 0, "no check after a denial");
    }
    Ok(())
}

pub fn sessions_of_existing_users<B: Backend>(db: &B) -> Result {
    let mut store = Store::new(db.conn());
    sign_up(&mut store, "a", T0)?;
    let mut second = session("a2", "user-a", T0 + 5);
    second.user_agent = Some("Mozilla/5.0".to_owned());
    second.ip_address = None;
    assert!(SessionLifecycle::insert(&mut store, &second, None)?);
    assert_eq!(
        store.find_by_token("token-a2")?,
        Some(StoredSession {
            session: second,
            user: Some(user_row("a", T0)),
        })
    );
    assert_eq!(store.find_by_token("no-such-token")?, None);
    // A session of a user that does not exist breaks the foreign key.
    let orphan = session("x", "user-x", T0);
    assert!(SessionLifecycle::insert(&mut store, &orphan, None).is_err());
    Ok(())
}

pub fn extend_reports_whether_a_row_changed<B: Backend>(db: &B) -> Result {
    let mut store = Store::new(db.conn());
    let mut session = sign_up(&mut store, "a", T0)?;
    assert!(store.extend(&session.id, T0 + 30 * DAY, T0 + DAY)?);
    session.expires_at = T0 + 30 * DAY;
    session.updated_at = T0 + DAY;
    let found = store
        .find_by_token(&session.token)?
        .context("still there")?;
    assert_eq!(found.session, session);
    assert!(!store.extend("session-missing", T0, T0)?);
    Ok(())
}

pub fn deleting_sessions<B: Backend>(db: &B) -> Result {
    let mut store = Store::new(db.conn());
    sign_up(&mut store, "a", T0)?;
    sign_up(&mut store, "b", T0)?;
    store.delete_by_token("token-a")?;
    assert_eq!(store.find_by_token("token-a")?, None);
    store.delete_by_token("token-a")?;
    // Only the owner's revocation deletes.
    store.delete_for_user("user-a", "token-b")?;
    assert!(store.find_by_token("token-b")?.is_some());
    store.delete_for_user("user-b", "token-b")?;
    assert_eq!(store.find_by_token("token-b")?, None);
    // The users stay.
    assert_eq!(footprint(db.conn(), "user-a")?, [1, 1, 0]);
    Ok(())
}

pub fn listing_excludes_expired_sessions<B: Backend>(db: &B) -> Result {
    let mut store = Store::new(db.conn());
    assert_eq!(store.list_for_user("user-a", T0)?, Vec::new());
    let first = sign_up(&mut store, "a", T0)?;
    sign_up(&mut store, "b", T0)?;
    let mut expired = session("a-expired", "user-a", T0 + 1);
    expired.expires_at = T0 + 5;
    let third = session("a-third", "user-a", T0 + 2);
    for s in [&third, &expired] {
        SessionLifecycle::insert(&mut store, s, None)?;
    }
    assert_eq!(
        store.list_for_user("user-a", T0 + 10)?,
        vec![first.clone(), third.clone()]
    );
    // Exactly at its expiry a session is over.
    assert_eq!(store.list_for_user("user-a", T0 + 5)?, vec![first, third]);
    assert_eq!(store.list_for_user("user-a", T0 + 30 * DAY)?, Vec::new());
    assert_eq!(store.list_for_user("user-b", T0)?.len(), 1);
    Ok(())
}

pub fn revoking_all_but_one<B: Backend>(db: &B) -> Result {
    let mut store = Store::new(db.conn());
    sign_up(&mut store, "a", T0)?;
    sign_up(&mut store, "b", T0)?;
    for n in ["a2", "a3"] {
        SessionLifecycle::insert(&mut store, &session(n, "user-a", T0 + 1), None)?;
    }
    store.delete_all_for_user("user-a", Some("token-a2"))?;
    let left: Vec<String> = store
        .list_for_user("user-a", T0)?
        .into_iter()
        .map(|s| s.token)
        .collect();
    assert_eq!(left, ["token-a2"]);
    store.delete_all_for_user("user-a", None)?;
    assert_eq!(store.list_for_user("user-a", T0)?, Vec::new());
    assert_eq!(store.list_for_user("user-b", T0)?.len(), 1);
    Ok(())
}

// --- users ----------------------------------------------------------------------

pub fn credential_lookups<B: Backend>(db: &B) -> Result {
    let mut store = Store::new(db.conn());
    sign_up(&mut store, "a", T0)?;
    insert_oauth_user(db.conn(), "g", T0 + 7)?;

    assert_eq!(
        store.user_by_id("user-a").or_fail()?,
        Some(user_row("a", T0))
    );
    assert_eq!(
        store.user_by_email("a@example.com").or_fail()?,
        Some(user_row("a", T0))
    );
    assert_eq!(store.user_by_id("user-none").or_fail()?, None);
    assert_eq!(
        store.user_by_email("A@example.com").or_fail()?,
        None,
        "case-sensitive"
    );
    assert!(store.email_taken("a@example.com").or_fail()?);
    assert!(!store.email_taken("none@example.com").or_fail()?);
    assert_eq!(
        store.credential_of("user-a").or_fail()?,
        Some(("account-a".to_owned(), Some("$argon2id$hash-a".to_owned())))
    );
    assert_eq!(
        store.accounts_of("user-a").or_fail()?,
        vec![Account {
            id: "account-a".to_owned(),
            account_id: "user-a".to_owned(),
            provider_id: "credential".to_owned(),
            user_id: "user-a".to_owned(),
            scope: None,
            created_at: T0,
            updated_at: T0,
        }]
    );

    // A provider-only user: found, but without a credential.
    let github = User {
        id: "user-g".to_owned(),
        name: "User g".to_owned(),
        email: "g@example.com".to_owned(),
        email_verified: true,
        image: Some("https://example.com/a.png".to_owned()),
        created_at: T0 + 7,
        updated_at: T0 + 7,
    };
    assert_eq!(
        store.credential_by_email("g@example.com").or_fail()?,
        Some(Credential {
            user: github,
            account_id: None,
            password_hash: None,
        })
    );
    assert_eq!(store.credential_of("user-g").or_fail()?, None);
    let accounts = store.accounts_of("user-g").or_fail()?;
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].provider_id, "github");
    assert_eq!(accounts[0].scope.as_deref(), Some("read:user,user:email"));
    assert_eq!(
        store.credential_by_email("none@example.com").or_fail()?,
        None
    );
    assert_eq!(store.credential_of("user-none").or_fail()?, None);
    assert_eq!(store.accounts_of("user-none").or_fail()?, Vec::new());
    Ok(())
}

pub fn updating_users<B: Backend>(db: &B) -> Result {
    let mut store = Store::new(db.conn());
    sign_up(&mut store, "a", T0)?;
    let user = |store: &Store<&B::Conn>| -> anyhow::Result<User> {
        store.user_by_id("user-a").or_fail()?.context("user-a")
    };

    store.update_user("user-a", None, None, T0 + 1).or_fail()?;
    assert_eq!(user(&store)?, user_row("a", T0), "nothing to change");

    store
        .update_user("user-a", Some("Ann"), None, T0 + 2)
        .or_fail()?;
    let after = user(&store)?;
    assert_eq!((after.name.as_str(), after.image.as_deref()), ("Ann", None));
    assert_eq!(after.updated_at, T0 + 2);

    store
        .update_user(
            "user-a",
            None,
            Some(Some("https://example.com/i.png")),
            T0 + 3,
        )
        .or_fail()?;
    let after = user(&store)?;
    assert_eq!(
        (after.name.as_str(), after.image.as_deref()),
        ("Ann", Some("https://example.com/i.png"))
    );
    assert_eq!(after.updated_at, T0 + 3);

    store
        .update_user("user-a", Some("Bob"), Some(None), T0 + 4)
        .or_fail()?;
    let after = user(&store)?;
    assert_eq!((after.name.as_str(), after.image.as_deref()), ("Bob", None));
    assert_eq!((after.created_at, after.updated_at), (T0, T0 + 4));

    store
        .update_user("user-a", None, Some(None), T0 + 5)
        .or_fail()?;
    assert_eq!(user(&store)?.updated_at, T0 + 5);
    Ok(())
}

pub fn passwords<B: Backend>(db: &B) -> Result {
    let mut store = Store::new(db.conn());
    sign_up(&mut store, "a", T0)?;
    insert_oauth_user(db.conn(), "g", T0)?;

    store
        .set_password_hash("account-a", "$argon2id$new", T0 + 1)
        .or_fail()?;
    assert_eq!(
        store.credential_of("user-a").or_fail()?,
        Some(("account-a".to_owned(), Some("$argon2id$new".to_owned())))
    );
    assert_eq!(store.accounts_of("user-a").or_fail()?[0].updated_at, T0 + 1);

    // With a credential account: its password changes, no account is added.
    store
        .set_or_create_credential("user-a", "account-unused", "$argon2id$reset", T0 + 2)
        .or_fail()?;
    let accounts = store.accounts_of("user-a").or_fail()?;
    assert_eq!(accounts.len(), 1);
    assert_eq!(
        (accounts[0].id.as_str(), accounts[0].updated_at),
        ("account-a", T0 + 2)
    );
    assert_eq!(
        store.credential_of("user-a").or_fail()?,
        Some(("account-a".to_owned(), Some("$argon2id$reset".to_owned())))
    );

    // Without one: it is created, beside the provider's account.
    store
        .set_or_create_credential("user-g", "account-g", "$argon2id$g", T0 + 3)
        .or_fail()?;
    assert_eq!(
        store.credential_of("user-g").or_fail()?,
        Some(("account-g".to_owned(), Some("$argon2id$g".to_owned())))
    );
    let accounts = store.accounts_of("user-g").or_fail()?;
    assert_eq!(accounts.len(), 2);
    assert_eq!(
        accounts[1],
        Account {
            id: "account-g".to_owned(),
            account_id: "user-g".to_owned(),
            provider_id: "credential".to_owned(),
            user_id: "user-g".to_owned(),
            scope: None,
            created_at: T0 + 3,
            updated_at: T0 + 3,
        }
    );
    // A second call updates the one it created.
    store
        .set_or_create_credential("user-g", "account-g2", "$argon2id$g2", T0 + 4)
        .or_fail()?;
    assert_eq!(store.accounts_of("user-g").or_fail()?.len(), 2);
    assert_eq!(
        store.credential_of("user-g").or_fail()?,
        Some(("account-g".to_owned(), Some("$argon2id$g2".to_owned())))
    );

    store.delete_account("github-g").or_fail()?;
    store.delete_account("github-g").or_fail()?;
    let left: Vec<String> = store
        .accounts_of("user-g")
        .or_fail()?
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(left, ["account-g"]);
    Ok(())
}

pub fn updating_users_by_email<B: Backend>(db: &B) -> Result {
    let mut store = Store::new(db.conn());
    sign_up(&mut store, "a", T0)?;
    sign_up(&mut store, "b", T0)?;

    let verify = EmailChange {
        new_email: None,
        email_verified: true,
    };
    let mut expected = user_row("a", T0);
    expected.email_verified = true;
    expected.updated_at = T0 + 1;
    assert_eq!(
        store
            .update_user_by_email("a@example.com", verify, T0 + 1)
            .or_fail()?,
        Some(expected.clone())
    );
    assert_eq!(
        store.user_by_id("user-a").or_fail()?,
        Some(expected.clone())
    );

    // A new address, unverified again.
    let change = EmailChange {
        new_email: Some("ann@example.com"),
        email_verified: false,
    };
    let changed = store
        .update_user_by_email("a@example.com", change, T0 + 2)
        .or_fail()?
        .context("changed")?;
    assert_eq!(
        (
            changed.email.as_str(),
            changed.email_verified,
            changed.updated_at
        ),
        ("ann@example.com", false, T0 + 2)
    );
    assert_eq!(store.user_by_email("a@example.com").or_fail()?, None);
    let current = store.user_by_email("ann@example.com").or_fail()?;

    // A new address that is taken: an error, and nothing changes.
    let clash = EmailChange {
        new_email: Some("b@example.com"),
        email_verified: true,
    };
    assert!(
        store
            .update_user_by_email("ann@example.com", clash, T0 + 3)
            .is_err()
    );
    assert_eq!(store.user_by_email("ann@example.com").or_fail()?, current);
    assert_eq!(
        store.user_by_email("b@example.com").or_fail()?,
        Some(user_row("b", T0))
    );

    assert_eq!(
        store
            .update_user_by_email("none@example.com", verify, T0 + 4)
            .or_fail()?,
        None
    );
    Ok(())
}

// --- verifications --------------------------------------------------------------

fn insert_verification<C: Connection>(
    conn: &C,
    id: &str,
    identifier: &str,
    value: &str,
    expires_at: i64,
    created_at: i64,
) -> Result {
    execute(
        conn,
        "INSERT INTO verification (id, identifier, value, expires_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
        &[
            Param::text(id),
            Param::text(identifier),
            Param::text(value),
            Param::Millis(expires_at),
            Param::Millis(created_at),
        ],
    )
}

fn verifications_of<C: Connection>(conn: &C, identifier: &str) -> anyhow::Result<i64> {
    count(
        conn,
        "SELECT count(*) FROM verification WHERE identifier = $1",
        &[Param::text(identifier)],
    )
}

pub fn verifications<B: Backend>(db: &B) -> Result {
    let conn = db.conn();
    let store = Store::new(conn);
    let reset = "reset-password:abc";
    insert_verification(conn, "v1", reset, "user-1", T0 + 1_000, T0)?;
    insert_verification(conn, "v2", reset, "user-2", T0 + 2_000, T0 + 10)?;
    insert_verification(conn, "v3", "stale", "old", T0 - 1, T0 - 100)?;
    insert_verification(conn, "v4", "state", "{}", T0 + 5_000, T0)?;

    // The newest row of the identifier; expired rows of any identifier are purged.
    let found = store
        .find_verification(reset, T0)
        .or_fail()?
        .context("found the newest")?;
    assert_eq!(
        (found.value.as_str(), found.expires_at),
        ("user-2", T0 + 2_000)
    );
    assert_eq!(verifications_of(conn, "stale")?, 0);
    assert_eq!(verifications_of(conn, reset)?, 2);

    // An expired row is still returned by the read that purges it.
    insert_verification(conn, "v5", "stale", "old", T0 - 1, T0 - 100)?;
    let stale = store
        .find_verification("stale", T0)
        .or_fail()?
        .context("expired row")?;
    assert_eq!(stale.expires_at, T0 - 1);
    assert_eq!(verifications_of(conn, "stale")?, 0);
    assert_eq!(store.find_verification("stale", T0).or_fail()?, None);

    // Consuming deletes every row of the identifier and returns the newest.
    let consumed = store
        .consume_verification(reset)
        .or_fail()?
        .context("consumed")?;
    assert_eq!(consumed.value, "user-2");
    assert_eq!(verifications_of(conn, reset)?, 0);
    assert_eq!(store.consume_verification(reset).or_fail()?, None);
    assert_eq!(verifications_of(conn, "state")?, 1);
    assert_eq!(store.find_verification("none", T0).or_fail()?, None);
    Ok(())
}

// --- rate limit -----------------------------------------------------------------

pub fn rate_limit_decides_as_the_reference<B: Backend>(db: &B) -> Result {
    let store = Store::new(db.conn());
    let reference = MemoryStore::new();
    let buckets = [
        ("203.0.113.7|/sign-in/email", Rule::CREDENTIALS),
        ("no-trusted-ip|/sign-in/email", Rule::CREDENTIALS),
        ("203.0.113.7|/request-password-reset", Rule::MAIL),
        ("203.0.113.7|/get-session", Rule::DEFAULT),
    ];
    // A fixed pseudo-random walk: bursts within a window, gaps beyond it, and hits in
    // the same millisecond.
    let mut now = T0;
    let mut seed: u64 = 0x5eed;
    let mut rejected = 0;
    for i in 0..400 {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let roll = (seed >> 33) % 100;
        now += match roll {
            0..=39 => 0,
            40..=79 => i64::try_from(roll)? * 37,
            80..=94 => 4_000,
            _ => 61_000,
        };
        let (key, rule) = buckets[usize::try_from((seed >> 13) % 4)?];
        let got = store.hit(key, rule, now)?;
        let want = reference.hit(key, rule, now)?;
        assert_eq!(got, want, "hit {i} of {key} at {now}");
        if !got.is_allowed() {
            rejected += 1;
        }
    }
    ensure!(rejected > 20, "the walk should hit the limits ({rejected})");
    // The stored row: count saturates at max + 1, last_request is the last allowed.
    let key = "k|/sign-up/email";
    for now in [T0, T0 + 1, T0 + 2, T0 + 3, T0 + 4] {
        store.hit(key, Rule::CREDENTIALS, now)?;
    }
    let row = rows(
        db.conn(),
        "SELECT count, last_request FROM spinstack_rate_limit WHERE key = $1",
        &[Param::text(key)],
    )?;
    assert_eq!((row[0].i64(0)?, row[0].i64(1)?), (4, T0 + 2));
    assert_eq!(
        store.hit(key, Rule::CREDENTIALS, T0 + 3_001)?,
        Decision::Rejected {
            retry_after_secs: 8
        }
    );
    Ok(())
}

pub fn concurrent_hits_never_exceed_the_maximum<B: Backend>(db: &B) -> Result {
    const THREADS: usize = 8;
    const HITS: usize = 25;
    let connections = (0..THREADS)
        .map(|_| db.connect())
        .collect::<anyhow::Result<Vec<_>>>()?;
    let barrier = Barrier::new(THREADS);
    let allowed = std::thread::scope(|scope| {
        let handles: Vec<_> = connections
            .into_iter()
            .map(|conn| {
                let barrier = &barrier;
                scope.spawn(move || -> anyhow::Result<usize> {
                    let store = Store::new(conn);
                    barrier.wait();
                    let mut allowed = 0;
                    for _ in 0..HITS {
                        if store
                            .hit("crowd|/get-session", Rule::DEFAULT, T0)?
                            .is_allowed()
                        {
                            allowed += 1;
                        }
                    }
                    Ok(allowed)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().map_err(|_| anyhow::anyhow!("a thread panicked"))?)
            .sum::<anyhow::Result<usize>>()
    })?;
    assert_eq!(allowed, usize::from(Rule::DEFAULT.max()));
    Ok(())
}

// --- todos ----------------------------------------------------------------------

pub fn todos<B: Backend>(db: &B) -> Result {
    let store = Store::new(db.conn());
    assert_eq!(store.all().or_fail()?, Vec::new());
    assert_eq!(
        TodoStore::insert(&store, "write the storage crate").or_fail()?,
        1
    );
    assert_eq!(
        TodoStore::insert(&store, "test it, ünïcødé 🦀").or_fail()?,
        1
    );
    let all = store.all().or_fail()?;
    assert_eq!(all.len(), 2);
    let (first, second) = (all[0].id, all[1].id);
    assert!(first < second);
    assert_eq!(
        all,
        vec![
            Todo {
                id: first,
                text: "write the storage crate".to_owned(),
                completed: false,
            },
            Todo {
                id: second,
                text: "test it, ünïcødé 🦀".to_owned(),
                completed: false,
            },
        ]
    );
    assert_eq!(store.set_completed(first, true).or_fail()?, 1);
    assert!(store.all().or_fail()?[0].completed);
    assert_eq!(store.set_completed(first, false).or_fail()?, 1);
    assert!(!store.all().or_fail()?[0].completed);
    assert_eq!(store.set_completed(i32::MAX, true).or_fail()?, 0);
    assert_eq!(TodoStore::delete(&store, first).or_fail()?, 1);
    assert_eq!(TodoStore::delete(&store, first).or_fail()?, 0);
    assert_eq!(store.all().or_fail()?.len(), 1);

    let nul = TodoStore::insert(&store, "a\0b");
    assert!(matches!(nul, Err(TodoError::Unstorable(_))), "{nul:?}");
    assert_eq!(store.all().or_fail()?.len(), 1);
    Ok(())
}

// --- settings -------------------------------------------------------------------

pub fn settings_keep_the_first_value<B: Backend>(db: &B) -> Result {
    let store = Store::new(db.conn());
    assert_eq!(store.get_or_insert("secret", "first")?, "first");
    assert_eq!(store.get_or_insert("secret", "second")?, "first");
    assert_eq!(store.get_or_insert("other", "x")?, "x");
    assert_eq!(store.get_or_insert("secret", "")?, "first");
    Ok(())
}

pub fn racing_instances_agree_on_a_setting<B: Backend>(db: &B) -> Result {
    const THREADS: usize = 8;
    let connections = (0..THREADS)
        .map(|_| db.connect())
        .collect::<anyhow::Result<Vec<_>>>()?;
    let barrier = Barrier::new(THREADS);
    let values = std::thread::scope(|scope| {
        let handles: Vec<_> = connections
            .into_iter()
            .enumerate()
            .map(|(i, conn)| {
                let barrier = &barrier;
                scope.spawn(move || -> anyhow::Result<String> {
                    let store = Store::new(conn);
                    barrier.wait();
                    Ok(store.get_or_insert("racing", &format!("candidate-{i}"))?)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().map_err(|_| anyhow::anyhow!("a thread panicked"))?)
            .collect::<anyhow::Result<Vec<String>>>()
    })?;
    let stored = Store::new(db.conn()).get_or_insert("racing", "late")?;
    assert!(stored.starts_with("candidate-"));
    assert!(values.iter().all(|v| *v == stored), "{values:?}");
    Ok(())
}

// --- many instances at once -----------------------------------------------------

pub fn concurrent_sign_ups<B: Backend>(db: &B) -> Result {
    const THREADS: usize = 8;
    const EACH: usize = 12;
    let connections = (0..THREADS)
        .map(|_| db.connect())
        .collect::<anyhow::Result<Vec<_>>>()?;
    let barrier = Barrier::new(THREADS);
    let outcomes = std::thread::scope(|scope| {
        let handles: Vec<_> = connections
            .into_iter()
            .enumerate()
            .map(|(t, conn)| {
                let barrier = &barrier;
                scope.spawn(move || -> anyhow::Result<(usize, usize)> {
                    let mut store = Store::new(conn);
                    barrier.wait();
                    let mut distinct = 0;
                    let mut shared = 0;
                    for i in 0..EACH {
                        let n = format!("t{t}-{i}");
                        if i == EACH / 2 {
                            // Every thread also tries the same email once.
                            let same = format!("{n}-same");
                            let mut user = new_user(&same);
                            user.email = "same@example.com".to_owned();
                            let session = session(&same, &user.id, T0);
                            if SessionLifecycle::insert(&mut store, &session, Some(&user))? {
                                shared += 1;
                            }
                        }
                        sign_up(&mut store, &n, T0)?;
                        distinct += 1;
                    }
                    Ok((distinct, shared))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().map_err(|_| anyhow::anyhow!("a thread panicked"))?)
            .collect::<anyhow::Result<Vec<_>>>()
    })?;
    let distinct: usize = outcomes.iter().map(|o| o.0).sum();
    let shared: usize = outcomes.iter().map(|o| o.1).sum();
    assert_eq!((distinct, shared), (THREADS * EACH, 1));
    let conn = db.conn();
    let total = i64::try_from(THREADS * EACH + 1)?;
    assert_eq!(count(conn, r#"SELECT count(*) FROM "user""#, &[])?, total);
    assert_eq!(count(conn, "SELECT count(*) FROM account", &[])?, total);
    assert_eq!(count(conn, "SELECT count(*) FROM session", &[])?, total);
    assert_eq!(
        count(
            conn,
            r#"SELECT count(*) FROM "user" WHERE email = $1"#,
            &[Param::text("same@example.com")]
        )?,
        1
    );
    Ok(())
}
