//! `sql::HIT`: the algorithm step by step, agreement with the reference `decide`,
//! concurrency, and the whole `check` over a PostgreSQL store.

use std::{collections::HashMap, sync::Arc};

use spinstack_rate_limit::{
    Decision, Entry, Rule, check, decide,
    sql::{HitRow, SWEEP_PROBABILITY},
    too_many_requests,
};

use crate::support::{PgStore, TestDb, hit, stored};

const RULE: Rule = Rule::CREDENTIALS;
const T0: i64 = 1_800_000_000_000;

#[tokio::test]
async fn allows_max_then_rejects_until_the_window_passes() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let client = db.connect().await?;
    let key = "no-trusted-ip|/sign-in/email";
    let decide_at = |now: i64| {
        let client = &client;
        async move { anyhow::Ok(hit(client, key, RULE, now).await?.decision(RULE, now)) }
    };

    assert_eq!(decide_at(T0).await?, Decision::Allowed { count: 1 });
    assert_eq!(decide_at(T0 + 1_000).await?, Decision::Allowed { count: 2 });
    assert_eq!(decide_at(T0 + 2_000).await?, Decision::Allowed { count: 3 });
    assert_eq!(stored(&client, key).await?, Some((3, T0 + 2_000)));

    // The reference transcript: the 4th within the window gets X-Retry-After: 10.
    let row = hit(&client, key, RULE, T0 + 2_005).await?;
    assert_eq!(
        row,
        HitRow {
            allowed: false,
            count: 4,
            last_request: T0 + 2_000,
            sweep: row.sweep,
        }
    );
    assert_eq!(
        row.decision(RULE, T0 + 2_005),
        Decision::Rejected {
            retry_after_secs: 10
        }
    );
    assert_eq!(
        decide_at(T0 + 11_500).await?,
        Decision::Rejected {
            retry_after_secs: 1
        }
    );
    // Exactly one window after the last allowed request is not "more than" it.
    assert_eq!(
        decide_at(T0 + 12_000).await?,
        Decision::Rejected {
            retry_after_secs: 0
        }
    );
    // Rejections left last_request alone; count saturated at max + 1.
    assert_eq!(stored(&client, key).await?, Some((4, T0 + 2_000)));

    assert_eq!(
        decide_at(T0 + 12_001).await?,
        Decision::Allowed { count: 1 }
    );
    assert_eq!(
        decide_at(T0 + 12_002).await?,
        Decision::Allowed { count: 2 }
    );
    assert_eq!(stored(&client, key).await?, Some((2, T0 + 12_002)));
    Ok(())
}

#[tokio::test]
async fn rejections_do_not_extend_the_window() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let client = db.connect().await?;
    let key = "203.0.113.9|/change-password";
    for now in [T0, T0 + 1, T0 + 2] {
        assert!(hit(&client, key, RULE, now).await?.allowed);
    }
    for (now, retry) in [(T0 + 3, 10), (T0 + 5_000, 6), (T0 + 9_999, 1)] {
        let row = hit(&client, key, RULE, now).await?;
        assert_eq!(
            row.decision(RULE, now),
            Decision::Rejected {
                retry_after_secs: retry
            },
            "at {now}"
        );
    }
    // 10 001 ms after the last *allowed* request; had the rejections extended the
    // window, this would still be refused.
    assert_eq!(
        hit(&client, key, RULE, T0 + 10_003)
            .await?
            .decision(RULE, T0 + 10_003),
        Decision::Allowed { count: 1 }
    );
    Ok(())
}

#[tokio::test]
async fn gaps_under_the_window_keep_counting() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let client = db.connect().await?;
    let key = "198.51.100.1|/request-password-reset";
    let rule = Rule::MAIL;
    for (i, now) in [T0, T0 + 59_000, T0 + 118_000].into_iter().enumerate() {
        let row = hit(&client, key, rule, now).await?;
        assert_eq!(row.count, i32::try_from(i)? + 1);
        assert!(row.allowed);
    }
    let row = hit(&client, key, rule, T0 + 118_001).await?;
    assert_eq!(
        row.decision(rule, T0 + 118_001),
        Decision::Rejected {
            retry_after_secs: 60
        }
    );
    Ok(())
}

/// A small deterministic generator (64-bit LCG), so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

#[tokio::test]
async fn agrees_with_the_reference_decide() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let client = db.connect().await?;
    let rules = [Rule::CREDENTIALS, Rule::MAIL, Rule::new(2, 1.try_into()?)];
    let mut rng = Lcg(7);
    let mut reference: HashMap<String, Entry> = HashMap::new();
    let mut now = T0;
    let (mut allowed, mut rejected) = (0, 0);
    for step in 0..600 {
        // Mostly short gaps, sometimes a long one, sometimes the same millisecond.
        now += match rng.below(10) {
            0 => 0,
            1 => i64::try_from(rng.below(70_000))?,
            _ => i64::try_from(rng.below(4_000))?,
        };
        let which = usize::try_from(rng.below(3))?;
        let (key, rule) = (format!("k{which}"), rules[which]);
        let (expected, entry) = decide(reference.get(&key).copied(), rule, now);
        reference.insert(key.clone(), entry);
        let got = hit(&client, &key, rule, now).await?.decision(rule, now);
        assert_eq!(got, expected, "step {step}, {key} at {now}");
        if expected.is_allowed() {
            allowed += 1;
        } else {
            rejected += 1;
        }
    }
    assert!(allowed > 100 && rejected > 100, "{allowed} / {rejected}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_hits_never_exceed_max() -> anyhow::Result<()> {
    const CLIENTS: usize = 20;
    let db = TestDb::new().await?;
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        clients.push(Arc::new(db.connect().await?));
    }
    // Fresh buckets (concurrent inserts), then the same buckets once their window
    // has passed (concurrent resets), then while full (all refused).
    for (round, now, expected_allowed) in [
        (0, T0, 3),
        (1, T0 + 5, 0),
        (2, T0 + 10_006, 3),
        (3, T0 + 10_007, 0),
    ] {
        for bucket in 0..3 {
            let key = format!("no-trusted-ip|/sign-in/email#{bucket}");
            let barrier = Arc::new(tokio::sync::Barrier::new(CLIENTS));
            let mut tasks = tokio::task::JoinSet::new();
            for client in &clients {
                let (client, barrier, key) =
                    (Arc::clone(client), Arc::clone(&barrier), key.clone());
                tasks.spawn(async move {
                    barrier.wait().await;
                    hit(&client, &key, RULE, now).await
                });
            }
            let mut counts = Vec::new();
            let mut retries = Vec::new();
            while let Some(row) = tasks.join_next().await {
                match row??.decision(RULE, now) {
                    Decision::Allowed { count } => counts.push(count),
                    Decision::Rejected { retry_after_secs } => retries.push(retry_after_secs),
                }
            }
            counts.sort_unstable();
            let expected: Vec<u32> = (1..=expected_allowed).collect();
            assert_eq!(counts, expected, "round {round}, {key}");
            assert_eq!(retries.len(), CLIENTS - counts.len());
            assert!(retries.iter().all(|&r| r == 10), "{retries:?}");
        }
    }
    Ok(())
}

#[tokio::test]
async fn about_one_hit_in_a_hundred_asks_for_a_sweep() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let client = db.connect().await?;
    let mut sweeps = 0;
    for i in 0..2_000 {
        if hit(&client, "k", Rule::DEFAULT, T0 + i).await?.sweep {
            sweeps += 1;
        }
    }
    // Expected 20 at SWEEP_PROBABILITY; the odds of falling outside 1..=100 are
    // negligible (below 1e-8).
    assert!((1..=100).contains(&sweeps), "{sweeps} of 2000");
    assert!((SWEEP_PROBABILITY - 0.01).abs() < f64::EPSILON);
    Ok(())
}

#[test]
fn check_over_postgres_answers_like_the_reference_server() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let db = runtime.block_on(TestDb::new())?;
    let store = PgStore::open(&db)?;
    let path = "/api/auth/sign-in/email";
    for now in [T0, T0 + 300, T0 + 600] {
        assert_eq!(check(&store, path, None, now)?, None);
    }
    let refused = check(&store, path, None, T0 + 900)?;
    assert_eq!(refused, Some(too_many_requests(10)));
    // Another client IP has a bucket of its own; a trailing slash does not.
    assert_eq!(check(&store, path, Some("192.0.2.1"), T0 + 900)?, None);
    assert!(check(&store, "/api/auth/sign-in/email/", None, T0 + 900)?.is_some());
    assert_eq!(check(&store, path, None, T0 + 10_601)?, None);
    drop(store);
    drop(db);
    Ok(())
}
