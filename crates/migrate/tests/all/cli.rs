//! The `spinstack-migrate` binary, run as a user would.

use std::process::Output;

use tokio::process::Command;

use crate::support::TestDb;

const BIN: &str = env!("CARGO_BIN_EXE_spinstack-migrate");

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn binary_migrates_and_reports() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let dbname = db.url().rsplit('/').next().unwrap_or_default();

    let first = Command::new(BIN)
        .args(["--database-url", db.url()])
        .env_remove("DATABASE_URL")
        .current_dir("/")
        .output()
        .await?;
    assert!(first.status.success(), "{}", stderr(&first));
    let out = stdout(&first);
    assert!(
        out.starts_with(&format!("migrating database \"{dbname}\" on ")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("0001_better_auth ") && l.ends_with(" applied")),
        "{out}"
    );

    let second = Command::new(BIN)
        .env("DATABASE_URL", db.url())
        .output()
        .await?;
    assert!(second.status.success(), "{}", stderr(&second));
    let out = stdout(&second);
    assert!(out.contains(" already applied\n"), "{out}");
    assert!(out.ends_with("up to date\n"), "{out}");

    let wrong = Command::new(BIN).arg("--bogus").output().await?;
    assert_eq!(wrong.status.code(), Some(2));
    assert!(stderr(&wrong).contains("unknown argument \"--bogus\""));
    Ok(())
}
