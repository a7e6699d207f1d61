//! The `spinstack-migrate` binary, run as a user would.

use std::path::Path;

use tokio::process::Command;

use crate::support::{BIN, TestDb, rerun_through_env, run_bin, stderr, stdout};

#[tokio::test]
async fn binary_migrates_and_reports() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let dbname = db.url().rsplit('/').next().unwrap_or_default();

    let first = run_bin(db.url(), Path::new("/")).await?;
    assert!(first.status.success(), "{}", stderr(&first));
    let out = stdout(&first);
    assert!(
        out.starts_with(&format!("migrating database \"{dbname}\" on ")),
        "{out}"
    );
    // Without sslmode, libpq's `prefer`: TLS when the server offers it.
    let tls_offered = server_offers_tls(&db).await?;
    assert_eq!(
        out.lines()
            .next()
            .is_some_and(|l| l.contains("server certificate not verified)")),
        tls_offered,
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("0001_better_auth ") && l.ends_with(" applied")),
        "{out}"
    );

    rerun_through_env(db.url()).await?;

    let wrong = Command::new(BIN).arg("--bogus").output().await?;
    assert_eq!(wrong.status.code(), Some(2));
    assert!(stderr(&wrong).contains("unknown argument \"--bogus\""));
    Ok(())
}

/// Whether the test server has `ssl = on`.
async fn server_offers_tls(db: &TestDb) -> anyhow::Result<bool> {
    let client = db.connect().await?;
    let ssl: String = client.query_one("SHOW ssl", &[]).await?.get(0);
    Ok(ssl == "on")
}

/// `url` with `sslmode` set.
fn with_sslmode(url: &str, mode: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}sslmode={mode}")
}

#[tokio::test]
async fn sslmodes_mean_what_they_mean_to_psql() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let run = async |mode: &str| run_bin(&with_sslmode(db.url(), mode), Path::new("/")).await;
    let disabled = run("disable").await?;
    assert!(disabled.status.success(), "{}", stderr(&disabled));
    assert!(
        stdout(&disabled).contains(" (not encrypted)\n"),
        "{}",
        stdout(&disabled)
    );

    let required = run("require").await?;
    let verified = run("verify-full").await?;
    if server_offers_tls(&db).await? {
        // Encrypted, without checking the (here self-signed) certificate...
        assert!(required.status.success(), "{}", stderr(&required));
        assert!(
            stdout(&required).contains("server certificate not verified)"),
            "{}",
            stdout(&required)
        );
        // ...which verify-full does check, against the public roots.
        assert!(!verified.status.success(), "{}", stdout(&verified));
        assert!(
            stderr(&verified).contains("certificate"),
            "{}",
            stderr(&verified)
        );
    } else {
        assert!(!required.status.success(), "{}", stdout(&required));
        assert!(!verified.status.success(), "{}", stdout(&verified));
    }
    Ok(())
}
