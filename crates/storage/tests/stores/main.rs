//! The stores' behavioural suite (`suite.rs`), written once and run on both backends:
//! SQLite (a fresh file per test, opened with Spin's semantics) and PostgreSQL (a fresh
//! throwaway database per test on `DATABASE_URL`'s server, default
//! `postgres://postgres@127.0.0.1:5432/postgres`; a missing server fails the tests, it
//! never skips them). One test binary with modules, so it links once.

mod suite;
mod support;

/// One `#[test]` per case of the suite for the backend `$open` creates.
macro_rules! suite {
    ($backend:ident, $open:expr) => {
        mod $backend {
            suite!(@cases $open;
                sign_up_inserts_user_account_and_session,
                sign_up_with_a_taken_email_inserts_nothing,
                sign_up_failing_midway_leaves_nothing,
                sign_up_whose_outcome_is_lost,
                sessions_of_existing_users,
                extend_reports_whether_a_row_changed,
                deleting_sessions,
                listing_excludes_expired_sessions,
                revoking_all_but_one,
                credential_lookups,
                updating_users,
                passwords,
                updating_users_by_email,
                verifications,
                rate_limit_decides_as_the_reference,
                concurrent_hits_never_exceed_the_maximum,
                todos,
                settings_keep_the_first_value,
                racing_instances_agree_on_a_setting,
                concurrent_sign_ups,
            );
        }
    };
    (@cases $open:expr; $($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() -> anyhow::Result<()> {
                let db = $open?;
                crate::suite::$case(&db)
            }
        )*
    };
}

suite!(sqlite, crate::support::SqliteDb::create());
suite!(postgres, crate::support::PostgresDb::create());

/// SQLite's default rollback journal (a database nobody switched to WAL): writers
/// still serialise on `BEGIN IMMEDIATE` and the busy timeout.
mod sqlite_rollback_journal {
    use crate::support::SqliteDb;

    #[test]
    fn concurrent_sign_ups() -> anyhow::Result<()> {
        crate::suite::concurrent_sign_ups(&SqliteDb::with_journal("delete")?)
    }

    #[test]
    fn concurrent_hits_never_exceed_the_maximum() -> anyhow::Result<()> {
        crate::suite::concurrent_hits_never_exceed_the_maximum(&SqliteDb::with_journal("delete")?)
    }
}
