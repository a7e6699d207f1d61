//! Times [`SessionCache::read`] and [`SessionCache::encode`] in each strategy, on a
//! typical session (a cookie value of about 1 KB), natively. Run it optimised, with the
//! size-optimised profile the components are built with:
//!
//! ```text
//! cargo run --release -p spinstack-cookie-cache --example cache_timing
//! ```
//!
//! Prints the fastest and the median of 25 batches, in µs per call.

use std::hint::black_box;
use std::time::Instant;

use spinstack_cookie_cache::{
    CacheRead, CacheSettings, CachedSession, CachedUser, JweRandomness, KeyRing, Persistence,
    SecretsError, SessionCache, Strategy,
};

const BATCHES: usize = 25;
const CALLS: u32 = 1000;

/// The fastest and the median batch, in µs per call.
fn time(mut call: impl FnMut()) -> (f64, f64) {
    let mut batches: Vec<f64> = (0..BATCHES)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..CALLS {
                call();
            }
            start.elapsed().as_secs_f64() * 1e6 / f64::from(CALLS)
        })
        .collect();
    batches.sort_by(f64::total_cmp);
    (batches[0], batches[BATCHES / 2])
}

fn main() -> Result<(), SecretsError> {
    let ring = KeyRing::from_variables(
        None,
        Some("better-auth-secret-123456789012345678901234567890"),
    )?;
    let now_ms = 1_767_225_600_000;
    let session = CachedSession {
        id: "s".repeat(32),
        token: "t".repeat(32),
        user_id: "u".repeat(32),
        expires_at: now_ms + 604_800_000,
        created_at: now_ms,
        updated_at: now_ms,
        ip_address: Some("127.0.0.1".into()),
        user_agent: Some(
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120"
                .into(),
        ),
    };
    let user = CachedUser {
        id: "u".repeat(32),
        name: "Alice".into(),
        email: "alice@example.com".into(),
        email_verified: false,
        image: None,
        created_at: now_ms,
        updated_at: now_ms,
    };
    let random = JweRandomness::from_bytes([7; 32]);
    for strategy in [Strategy::Compact, Strategy::Jwt, Strategy::Jwe] {
        let settings = CacheSettings {
            strategy,
            ..CacheSettings::default()
        };
        let cache = SessionCache::new(ring.clone(), settings);
        let encode = || cache.encode(&session, &user, Persistence::Remembered, now_ms, &random);
        let value = encode();
        if let CacheRead::Fallback(reason) = cache.read(&value, &session.token, now_ms) {
            eprintln!("{strategy}: the cache falls back ({reason:?})");
            std::process::exit(1);
        }
        let (read_min, read_median) = time(|| {
            black_box(cache.read(black_box(&value), &session.token, now_ms + 1000));
        });
        let (encode_min, encode_median) = time(|| {
            black_box(encode());
        });
        println!(
            "{:<8} read {read_min:6.2} (median {read_median:6.2}) µs, encode {encode_min:6.2} (median {encode_median:6.2}) µs, value {} bytes",
            strategy.as_str(),
            value.len()
        );
    }
    Ok(())
}
