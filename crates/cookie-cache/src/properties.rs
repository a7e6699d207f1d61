//! Property-style tests over many seeded random inputs: round trips in every strategy,
//! chunked values, hand-made tokens `jose` would accept or refuse, and garbage that
//! must fall back without panicking.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha512;

use crate::chunks;
use crate::fixtures::{NOW, ROTATED, SECRET, TOKEN, session, user};
use crate::jwe::{self, JweKey, SESSION_SALT};
use crate::time::revive;
use crate::{
    CacheRead, CacheSettings, CachedSession, CachedUser, Fallback, JweRandomness, KeyRing,
    Persistence, SessionCache, SessionData, Strategy,
};

/// SplitMix64: a small, seeded, reproducible generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn index(&mut self, n: usize) -> usize {
        usize::try_from(self.below(n as u64)).expect("small")
    }

    fn chance(&mut self, one_in: u64) -> bool {
        self.below(one_in) == 0
    }

    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0; N];
        for byte in &mut out {
            *byte = self.next().to_le_bytes()[0];
        }
        out
    }

    fn text(&mut self, max: usize) -> String {
        const POOL: &[char] = &[
            'a', 'Z', '0', ' ', '"', '\\', '/', '\n', '\t', '\u{0}', '\u{1f}', '\u{7f}', 'é', 'ß',
            '\u{2028}', '😀', '{', '}', ':', ',', '-', 'İ', 'Σ',
        ];
        let length = self.index(max + 1);
        loop {
            let text: String = (0..length).map(|_| POOL[self.index(POOL.len())]).collect();
            if revive(&text).is_none() {
                return text;
            }
        }
    }

    /// A time with a four-digit year, the range in which dates revive.
    fn time(&mut self) -> i64 {
        const MIN: i64 = -62_167_219_200_000;
        const MAX: i64 = 253_402_300_799_999;
        let span = u64::try_from(MAX - MIN).expect("positive");
        MIN + i64::try_from(self.below(span)).expect("in range")
    }

    fn maybe(&mut self, max: usize) -> Option<String> {
        (!self.chance(3)).then(|| self.text(max))
    }
}

fn random_case(rng: &mut Rng) -> (CachedSession, CachedUser, i64) {
    // Up to 2^40 ms before the session expires, with a four-digit year.
    let now = i64::try_from(rng.below(200_000_000_000_000)).expect("in range");
    let lifetime = if rng.chance(3) { 400_000 } else { 1 << 40 };
    let session = CachedSession {
        id: rng.text(40),
        token: rng.text(40),
        user_id: rng.text(40),
        expires_at: now + i64::try_from(rng.below(lifetime)).expect("small"),
        created_at: rng.time(),
        updated_at: rng.time(),
        ip_address: rng.maybe(20),
        user_agent: rng.maybe(60),
    };
    let user = CachedUser {
        id: rng.text(40),
        name: rng.text(40),
        email: rng.text(30),
        email_verified: rng.chance(2),
        image: rng.maybe(80),
        created_at: rng.time(),
        updated_at: rng.time(),
    };
    (session, user, now)
}

fn cache(strategy: Strategy, ring: KeyRing) -> SessionCache {
    SessionCache::new(
        ring,
        CacheSettings {
            strategy,
            ..CacheSettings::default()
        },
    )
}

fn rings() -> [KeyRing; 3] {
    [
        KeyRing::single(SECRET),
        KeyRing::from_list(&format!("2:{ROTATED},1:{SECRET}"), None).expect("ring"),
        KeyRing::single("é😀 secrets may be any UTF-8 text"),
    ]
}

const STRATEGIES: [Strategy; 3] = [Strategy::Compact, Strategy::Jwt, Strategy::Jwe];

#[test]
fn random_sessions_round_trip_in_every_strategy() {
    let mut rng = Rng(1);
    for strategy in STRATEGIES {
        for ring in rings() {
            let cache = cache(strategy, ring);
            for _ in 0..150 {
                let (session, user, now) = random_case(&mut rng);
                let persistence = if rng.chance(4) {
                    Persistence::DontRemember
                } else {
                    Persistence::Remembered
                };
                let randomness = JweRandomness::from_bytes(rng.bytes());
                let value = cache.encode(&session, &user, persistence, now, &randomness);
                assert_eq!(Strategy::of_value(&value), Some(strategy));
                let expected = SessionData {
                    session: session.clone(),
                    user: CachedUser {
                        email: user.email.to_lowercase(),
                        ..user.clone()
                    },
                    updated_at: now,
                    version: Some("1".into()),
                };
                let hit = match cache.read(&value, &session.token, now) {
                    CacheRead::Hit(hit) => hit,
                    CacheRead::Fallback(reason) => {
                        panic!("{strategy}: {reason:?} for {session:?} {user:?}")
                    }
                };
                assert_eq!(hit.data, expected, "{strategy}");
                assert!(hit.key.is_current());
                // §3.3's lifetimes.
                let lifetime_s = match (strategy, persistence) {
                    (_, Persistence::Remembered) => 300,
                    (Strategy::Compact, Persistence::DontRemember) => 60,
                    (_, Persistence::DontRemember) => 300,
                };
                let expiry = match strategy {
                    Strategy::Compact => now + lifetime_s * 1000,
                    _ => (now.div_euclid(1000) + lifetime_s) * 1000,
                };
                assert_eq!(hit.expires_at, expiry, "{strategy} {persistence:?}");
                assert_eq!(
                    cache.read(&value, &session.token, expiry + 1),
                    CacheRead::Fallback(Fallback::Expired)
                );
                if session.expires_at + 1 < expiry - 1000 {
                    assert_eq!(
                        cache.read(&value, &session.token, session.expires_at + 1),
                        CacheRead::Fallback(Fallback::SessionExpired)
                    );
                }
                assert_eq!(
                    cache.read(&value, "not-the-token", now),
                    CacheRead::Fallback(Fallback::OtherSession)
                );
            }
        }
    }
}

#[test]
fn an_expired_session_in_a_live_cache_falls_back() {
    let mut session = session();
    session.expires_at = NOW + 1000;
    for strategy in STRATEGIES {
        let cache = cache(strategy, KeyRing::single(SECRET));
        let value = cache.encode(
            &session,
            &user(),
            Persistence::Remembered,
            NOW,
            &JweRandomness::from_bytes([1; 32]),
        );
        assert!(matches!(
            cache.read(&value, TOKEN, NOW + 1000),
            CacheRead::Hit(_)
        ));
        assert_eq!(
            cache.read(&value, TOKEN, NOW + 2000),
            CacheRead::Fallback(Fallback::SessionExpired),
            "{strategy}"
        );
    }
}

#[test]
fn chunked_values_read_back() {
    // A 6 KB image URL: three chunks in every strategy (§2.2's trace).
    let mut user = user();
    user.image = Some(format!("https://example.com/{}", "a".repeat(6000)));
    let name = "better-auth.session_data";
    for strategy in STRATEGIES {
        let cache = cache(strategy, KeyRing::single(SECRET));
        let value = cache.encode(
            &session(),
            &user,
            Persistence::Remembered,
            NOW,
            &JweRandomness::from_bytes([9; 32]),
        );
        let written = chunks::write(
            name,
            &value,
            cache.cookie_max_age(Persistence::Remembered),
            None,
        );
        assert!(written.written);
        let names: Vec<&str> = written
            .set_cookies
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                format!("{name}.0"),
                format!("{name}.1"),
                format!("{name}.2")
            ]
        );
        // The browser sends them back in any order, among other cookies.
        let header = format!(
            "better-auth.session_token=x; {}; {}; {}",
            written.set_cookies[2]
                .to_string()
                .split(';')
                .next()
                .expect("pair"),
            written.set_cookies[0]
                .to_string()
                .split(';')
                .next()
                .expect("pair"),
            written.set_cookies[1]
                .to_string()
                .split(';')
                .next()
                .expect("pair"),
        );
        let raw = chunks::read(&header, name).expect("reassembled");
        assert_eq!(raw, value);
        match cache.read(&raw, TOKEN, NOW) {
            CacheRead::Hit(hit) => assert_eq!(hit.data.user.image, user.image),
            CacheRead::Fallback(reason) => panic!("{strategy}: {reason:?}"),
        }
        // A missing chunk is no cache.
        let partial = format!(
            "{}; {}",
            written.set_cookies[0]
                .to_string()
                .split(';')
                .next()
                .expect("pair"),
            written.set_cookies[2]
                .to_string()
                .split(';')
                .next()
                .expect("pair"),
        );
        let raw = chunks::read(&partial, name).expect("some chunks");
        assert!(matches!(
            cache.read(&raw, TOKEN, NOW),
            CacheRead::Fallback(_)
        ));
    }
}

fn hs(alg: &str, header: &str, payload: &str, secret: &str) -> String {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let signature = match alg {
        "HS512" => {
            let mut mac = Hmac::<Sha512>::new_from_slice(secret.as_bytes()).expect("key");
            mac.update(input.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        _ => {
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("key");
            mac.update(input.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
    };
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

fn claims(extra: &str) -> String {
    let data = crate::payload::data_json(&session(), &user(), NOW, "1");
    format!("{}{extra}}}", data.strip_suffix('}').expect("object"))
}

#[test]
fn jwt_headers_and_claims_as_jose_checks_them() {
    let cache = cache(Strategy::Jwt, KeyRing::single(SECRET));
    let live = claims(r#","iat":1767225600,"exp":1767225900"#);
    let read = |token: &str| cache.read(token, TOKEN, NOW);
    // Any HMAC algorithm the secret fits, and jose's `crit`/`b64` rules.
    for header in [
        r#"{"alg":"HS256","typ":"JWT"}"#,
        r#"{"alg":"HS256","crit":["b64"],"b64":true}"#,
    ] {
        assert!(
            matches!(read(&hs("HS256", header, &live, SECRET)), CacheRead::Hit(_)),
            "{header}"
        );
    }
    assert!(matches!(
        read(&hs("HS512", r#"{"alg":"HS512"}"#, &live, SECRET)),
        CacheRead::Hit(_)
    ));
    for header in [
        r#"{"alg":"none"}"#,
        r#"{"alg":"RS256"}"#,
        r#"{"typ":"JWT"}"#,
        r#"{"alg":"HS256","crit":["b64"],"b64":false}"#,
        r#"{"alg":"HS256","crit":["exp"]}"#,
        r#"{"alg":"HS256","crit":[]}"#,
        r#"["HS256"]"#,
    ] {
        assert_eq!(
            read(&hs("HS256", header, &live, SECRET)),
            CacheRead::Fallback(Fallback::Malformed),
            "{header}"
        );
    }
    // Claims: numbers when present; nbf honoured; exp absent or 0 is an expired cache.
    for (extra, expected) in [
        (r#","exp":"1767225900""#, Fallback::InvalidPayload),
        (r#","iat":"x","exp":1767225900"#, Fallback::InvalidPayload),
        (r#","nbf":1767225601,"exp":1767225900"#, Fallback::Expired),
        ("", Fallback::Expired),
        (r#","exp":0"#, Fallback::Expired),
        (r#","exp":1767225600"#, Fallback::Expired),
    ] {
        let token = hs("HS256", r#"{"alg":"HS256"}"#, &claims(extra), SECRET);
        assert_eq!(read(&token), CacheRead::Fallback(expected), "{extra}");
    }
    let token = hs(
        "HS256",
        r#"{"alg":"HS256"}"#,
        &claims(r#","nbf":1767225600,"exp":1767225601.5"#),
        SECRET,
    );
    assert!(matches!(read(&token), CacheRead::Hit(_)));
    let token = hs("HS256", r#"{"alg":"HS256"}"#, "[1]", SECRET);
    assert_eq!(read(&token), CacheRead::Fallback(Fallback::Malformed));
}

/// A JWE made by hand with any protected header, under the key of `secret`.
fn jwe_with_header(header: &str, claims: &str, secret: &str) -> String {
    use aes::Aes256;
    use cbc::cipher::block_padding::Pkcs7;
    use cbc::cipher::{BlockEncryptMut, KeyIvInit};
    let key = jwe::derive_key(secret, SESSION_SALT);
    let header = URL_SAFE_NO_PAD.encode(header);
    let iv = [3_u8; 16];
    let ciphertext = cbc::Encryptor::<Aes256>::new_from_slices(&key[32..], &iv)
        .expect("sizes")
        .encrypt_padded_vec_mut::<Pkcs7>(claims.as_bytes());
    let mut mac = Hmac::<Sha512>::new_from_slice(&key[..32]).expect("key");
    mac.update(header.as_bytes());
    mac.update(&iv);
    mac.update(&ciphertext);
    mac.update(&(header.len() as u64 * 8).to_be_bytes());
    let tag = mac.finalize().into_bytes();
    format!(
        "{header}..{}.{}.{}",
        URL_SAFE_NO_PAD.encode(iv),
        URL_SAFE_NO_PAD.encode(&ciphertext),
        URL_SAFE_NO_PAD.encode(&tag[..32])
    )
}

#[test]
fn jwe_headers_and_keys_as_better_auth_checks_them() {
    let rotated = KeyRing::from_list(&format!("2:{ROTATED},1:{SECRET}"), None).expect("ring");
    let cache = cache(Strategy::Jwe, rotated.clone());
    let live = claims(r#","iat":1767225600,"exp":1767225900,"jti":"x""#);
    let read = |token: &str| cache.read(token, TOKEN, NOW);
    // Without a kid, every secret is tried in order.
    let token = jwe_with_header(r#"{"alg":"dir","enc":"A256CBC-HS512"}"#, &live, SECRET);
    match read(&token) {
        CacheRead::Hit(hit) => assert_eq!(hit.key.position, 1),
        CacheRead::Fallback(reason) => panic!("{reason:?}"),
    }
    // With a kid, only the secret it names; a kid naming none is no cache.
    let old_kid = JweKey::derive_all(&KeyRing::single(SECRET), SESSION_SALT)[0]
        .kid()
        .to_owned();
    let header = format!(r#"{{"alg":"dir","enc":"A256CBC-HS512","kid":"{old_kid}"}}"#);
    assert!(matches!(
        read(&jwe_with_header(&header, &live, SECRET)),
        CacheRead::Hit(_)
    ));
    for header in [
        r#"{"alg":"dir","enc":"A256CBC-HS512","kid":"unknown"}"#,
        r#"{"alg":"dir","enc":"A256CBC-HS512","kid":null}"#,
        r#"{"alg":"dir","enc":"A256GCM"}"#,
    ] {
        assert_eq!(
            read(&jwe_with_header(header, &live, SECRET)),
            CacheRead::Fallback(Fallback::Unverified),
            "{header}"
        );
    }
    for header in [
        r#"{"alg":"A256KW","enc":"A256CBC-HS512"}"#,
        r#"{"alg":"dir","enc":"A128CBC-HS256"}"#,
        r#"{"alg":"dir","enc":"A256CBC-HS512","zip":"DEF"}"#,
        r#"{"alg":"dir","enc":"A256CBC-HS512","crit":["x"]}"#,
        r#"{"enc":"A256CBC-HS512"}"#,
        "[]",
    ] {
        assert_eq!(
            read(&jwe_with_header(header, &live, SECRET)),
            CacheRead::Fallback(Fallback::Malformed),
            "{header}"
        );
    }
    // An encrypted-key part is refused with `dir`.
    let token = jwe_with_header(r#"{"alg":"dir","enc":"A256CBC-HS512"}"#, &live, SECRET);
    let with_key = token.replacen("..", ".AAAA.", 1);
    assert_eq!(read(&with_key), CacheRead::Fallback(Fallback::Malformed));
    // jose's 15 s tolerance, then Better Auth's own `exp · 1000 ≥ now`.
    let recent = claims(r#","iat":1767225500,"exp":1767225590"#);
    let token = jwe_with_header(r#"{"alg":"dir","enc":"A256CBC-HS512"}"#, &recent, SECRET);
    assert_eq!(read(&token), CacheRead::Fallback(Fallback::Expired));
    let not_yet = claims(r#","nbf":1767225610,"exp":1767225900"#);
    let token = jwe_with_header(r#"{"alg":"dir","enc":"A256CBC-HS512"}"#, &not_yet, SECRET);
    assert!(
        matches!(read(&token), CacheRead::Hit(_)),
        "nbf within tolerance"
    );
    // A plaintext that is not a claims set.
    let token = jwe_with_header(r#"{"alg":"dir","enc":"A256CBC-HS512"}"#, "[1]", SECRET);
    assert_eq!(read(&token), CacheRead::Fallback(Fallback::Malformed));
}

#[test]
fn garbage_falls_back_without_panicking() {
    let mut rng = Rng(7);
    let caches: Vec<SessionCache> = STRATEGIES
        .iter()
        .map(|&strategy| cache(strategy, rings()[1].clone()))
        .collect();
    let symbols: Vec<char> =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ é"
            .chars()
            .collect();
    for _ in 0..3000 {
        let length = rng.index(200);
        let garbage: String = (0..length)
            .map(|_| symbols[rng.index(symbols.len())])
            .collect();
        for cache in &caches {
            assert!(matches!(
                cache.read(&garbage, TOKEN, NOW),
                CacheRead::Fallback(_)
            ));
        }
    }
    // Well-formed shells around random or hostile content.
    let b64 = |text: &str| URL_SAFE_NO_PAD.encode(text);
    let json_shells = [
        "{}",
        "[]",
        "null",
        r#"{"session":{},"expiresAt":1,"signature":"x"}"#,
        r#"{"session":[],"expiresAt":1,"signature":"AAAA"}"#,
        r#"{"session":{"a":1},"expiresAt":1e400,"signature":"AAAA"}"#,
        r#"{"session":{"a":1},"expiresAt":1.5,"signature":"AAAA"}"#,
        r#"{"session":{"a":1},"expiresAt":"1","signature":"AAAA"}"#,
        r#"{"session":{"a":1},"expiresAt":1,"signature":"a.b"}"#,
        r#"{"session":{"a":"\ud800"},"expiresAt":1,"signature":"AAAA"}"#,
    ];
    for shell in json_shells {
        assert!(
            matches!(
                caches[0].read(&b64(shell), TOKEN, NOW),
                CacheRead::Fallback(_)
            ),
            "{shell}"
        );
        let token = format!("{}.{}.AAAA", b64(r#"{"alg":"HS256"}"#), b64(shell));
        assert!(
            matches!(caches[1].read(&token, TOKEN, NOW), CacheRead::Fallback(_)),
            "{shell}"
        );
        let token = format!(
            "{}..AAAAAAAAAAAAAAAAAAAAAA.{}.{}",
            b64(r#"{"alg":"dir","enc":"A256CBC-HS512"}"#),
            b64(shell),
            "A".repeat(43)
        );
        assert!(
            matches!(caches[2].read(&token, TOKEN, NOW), CacheRead::Fallback(_)),
            "{shell}"
        );
    }
    // Random mutations of real values: a mutation that leaves the decoded bytes
    // unchanged may still be read, and then reads as the original.
    for strategy in STRATEGIES {
        let cache = cache(strategy, KeyRing::single(SECRET));
        let value = cache.encode(
            &session(),
            &user(),
            Persistence::Remembered,
            NOW,
            &JweRandomness::from_bytes([5; 32]),
        );
        let original = match cache.read(&value, TOKEN, NOW) {
            CacheRead::Hit(hit) => hit.data,
            CacheRead::Fallback(reason) => panic!("{reason:?}"),
        };
        for _ in 0..500 {
            let mut chars: Vec<char> = value.chars().collect();
            for _ in 0..=rng.index(3) {
                let at = rng.index(chars.len());
                chars[at] = symbols[rng.index(symbols.len())];
            }
            let mutated: String = chars.into_iter().collect();
            if let CacheRead::Hit(hit) = cache.read(&mutated, TOKEN, NOW) {
                assert_eq!(hit.data, original, "{strategy}: {mutated}");
            }
        }
    }
}
