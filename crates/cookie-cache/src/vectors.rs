//! The spec's test vectors (§11), produced by better-auth 1.7.29 at a frozen clock.
//! Deterministic ones are reproduced byte for byte; every one decodes and verifies.

// Vector data, verbatim from the spec.
/// §11.1: the signed message `M`.
const COMPACT_MESSAGE: &str = r#"{"session":{"expiresAt":"2026-01-07T23:00:00.000Z","token":"abcdefghijklmnopqrstuvwxyzABCDEF","createdAt":"2025-12-31T23:00:00.000Z","updatedAt":"2025-12-31T23:00:00.000Z","ipAddress":"203.0.113.7","userAgent":"Mozilla/5.0 (vector)","userId":"USR0000000000000000000000000001","id":"SES0000000000000000000000000001"},"user":{"name":"Alice Example","email":"alice@example.com","emailVerified":false,"image":null,"createdAt":"2025-12-01T10:00:00.000Z","updatedAt":"2025-12-01T10:00:00.000Z","id":"USR0000000000000000000000000001"},"updatedAt":1767225600000,"version":"1","expiresAt":1767225900000}"#;
/// §11.1: the compact cookie value.
const COMPACT_VALUE: &str = r#"eyJzZXNzaW9uIjp7InNlc3Npb24iOnsiZXhwaXJlc0F0IjoiMjAyNi0wMS0wN1QyMzowMDowMC4wMDBaIiwidG9rZW4iOiJhYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ekFCQ0RFRiIsImNyZWF0ZWRBdCI6IjIwMjUtMTItMzFUMjM6MDA6MDAuMDAwWiIsInVwZGF0ZWRBdCI6IjIwMjUtMTItMzFUMjM6MDA6MDAuMDAwWiIsImlwQWRkcmVzcyI6IjIwMy4wLjExMy43IiwidXNlckFnZW50IjoiTW96aWxsYS81LjAgKHZlY3RvcikiLCJ1c2VySWQiOiJVU1IwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAxIiwiaWQiOiJTRVMwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAxIn0sInVzZXIiOnsibmFtZSI6IkFsaWNlIEV4YW1wbGUiLCJlbWFpbCI6ImFsaWNlQGV4YW1wbGUuY29tIiwiZW1haWxWZXJpZmllZCI6ZmFsc2UsImltYWdlIjpudWxsLCJjcmVhdGVkQXQiOiIyMDI1LTEyLTAxVDEwOjAwOjAwLjAwMFoiLCJ1cGRhdGVkQXQiOiIyMDI1LTEyLTAxVDEwOjAwOjAwLjAwMFoiLCJpZCI6IlVTUjAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDEifSwidXBkYXRlZEF0IjoxNzY3MjI1NjAwMDAwLCJ2ZXJzaW9uIjoiMSJ9LCJleHBpcmVzQXQiOjE3NjcyMjU5MDAwMDAsInNpZ25hdHVyZSI6IjNKYmxzcmYwdFVXaXltUGJZUy1jc1AzbklqbmZudkNzeEo1LVFwOXdBVEkifQ"#;
/// §11.2: the JWT payload JSON.
const JWT_PAYLOAD: &str = r#"{"session":{"expiresAt":"2026-01-07T23:00:00.000Z","token":"abcdefghijklmnopqrstuvwxyzABCDEF","createdAt":"2025-12-31T23:00:00.000Z","updatedAt":"2025-12-31T23:00:00.000Z","ipAddress":"203.0.113.7","userAgent":"Mozilla/5.0 (vector)","userId":"USR0000000000000000000000000001","id":"SES0000000000000000000000000001"},"user":{"name":"Alice Example","email":"alice@example.com","emailVerified":false,"image":null,"createdAt":"2025-12-01T10:00:00.000Z","updatedAt":"2025-12-01T10:00:00.000Z","id":"USR0000000000000000000000000001"},"updatedAt":1767225600000,"version":"1","iat":1767225600,"exp":1767225900}"#;
/// §11.2: the jwt cookie value.
const JWT_TOKEN: &str = r#"eyJhbGciOiJIUzI1NiJ9.eyJzZXNzaW9uIjp7ImV4cGlyZXNBdCI6IjIwMjYtMDEtMDdUMjM6MDA6MDAuMDAwWiIsInRva2VuIjoiYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXpBQkNERUYiLCJjcmVhdGVkQXQiOiIyMDI1LTEyLTMxVDIzOjAwOjAwLjAwMFoiLCJ1cGRhdGVkQXQiOiIyMDI1LTEyLTMxVDIzOjAwOjAwLjAwMFoiLCJpcEFkZHJlc3MiOiIyMDMuMC4xMTMuNyIsInVzZXJBZ2VudCI6Ik1vemlsbGEvNS4wICh2ZWN0b3IpIiwidXNlcklkIjoiVVNSMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMSIsImlkIjoiU0VTMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMSJ9LCJ1c2VyIjp7Im5hbWUiOiJBbGljZSBFeGFtcGxlIiwiZW1haWwiOiJhbGljZUBleGFtcGxlLmNvbSIsImVtYWlsVmVyaWZpZWQiOmZhbHNlLCJpbWFnZSI6bnVsbCwiY3JlYXRlZEF0IjoiMjAyNS0xMi0wMVQxMDowMDowMC4wMDBaIiwidXBkYXRlZEF0IjoiMjAyNS0xMi0wMVQxMDowMDowMC4wMDBaIiwiaWQiOiJVU1IwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAxIn0sInVwZGF0ZWRBdCI6MTc2NzIyNTYwMDAwMCwidmVyc2lvbiI6IjEiLCJpYXQiOjE3NjcyMjU2MDAsImV4cCI6MTc2NzIyNTkwMH0.M0t6xbbaYVXR4E5QA_yjHCk4IOtNqRS94jiBY-Qk10s"#;
/// §11.3: a jwe cookie value under the §11 secret.
const JWE_TOKEN: &str = r#"eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIiwia2lkIjoiSGw1WTRTVkFhSjMzRzNuS3FxY2gtQXZFNHl6M1BrWTBQSXJZUTl6eE9fQSJ9..cWtDjwtxJULhIBJwOOo_8A.bHXddxKvkcr4sZwd2sGGFoEcMq49EvS5NN0m8LWeo-L5QBCOXPsFVIm5OJQzuwKoT7RJT2V8xHXlKzFnogz5CelM-nuI0twhYwftvzi1ETaebaxlsYg_jrP-CImq1Hht_vJxuzmuDprW537KND2KjT0be1hcDOHDXpll1BxsvhApN4PAoEEowvhQbaM-CunJhS_T_b1ZeLzKbeUEfdMIk-U_SoK4QfkGBWqRx5pexV-Nzn9ttaXsFRGq6xsLwVW32A2eQfUa58drLlFKIlH0qg_Zuy9_Qf0rWFIbaGG6JHmcmkNd5ujULlMYuDLEjqJlJmE6oe56X-hVITY8uC04AhSXEwBHwqdm8y-0YO9iQ03e7xcDbxhY73Y8H_i0pDQMdJkbI3uSkyDIUeSV-VKeKoMOhhmutti_UoP9oNGhSTUk52iSaQtP9pd7LyMeXMW0CGplbXrVKkKcJyBRAMBlSnyS1x-A-eBxEYp4q1ePGOBb3eb0RL_liGBLYQldL_An9Tv6Tj5ZTSxRp_q3YQgvA5RK9fx3FXV_b_bQWx-etx_LgX5383lmDJBNm88zmWGi1gWZlq3DAfdzJv54GKl1sB5QF7vJ8YW-PC6J5XPkeTUSRPfuM0Er48k11Pwllln4-ot-vEkEaUUApw0ewK0RfgArqA91oS_pLjuo5H-0kGSy9o4ZdVPrytX74cYXlWCwyS-y9WWBQsZtKQC83e7dJYAIualaKM3lWZCrmCcDSd-Yx_QAiHoPpDUndqWx2NkcuyXzyiBw6PogjiWdpo5noxeorzO9GmYQEB0uB_HbYsIYAA87OcYFB4yhusH4R6YXfLRcaLImNSzsdvzwoWphpsIb4aa5Y5_62w8NyUMFpNw.wDFm82QSWfGqY-Uoc09xi8TuM3XGzILvCmfMe2qRT6I"#;
/// §11.4: a jwe cookie value under the rotated secret.
const ROTATED_JWE_TOKEN: &str = r#"eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIiwia2lkIjoiOVhiQTI4V3BZeHg2a1ZVODR2TkJ6LVdfR2dGUmh1ck1RWHo0eTFBcGJFZyJ9..X8KeBilRrxNnjaa4iO6GjQ.S3QvHmc6aW5tJL_BqaTqlKNDfTMvgUEiQIm1wZyORhHqtBnrmZwRG08_PAQQyUq4fQFY7lKQiff_W_iCQLNeTs0YwWp3dWGRKvViIUM-PjamWODMBmfozlAILSP2iZ5GTLoXRdHNEqqjPtzi7Eow0F-eZkOLhRRDhKUJIIyrO6kxv5eZbopUSqpxXRUfQ_7fljw1uBYzDzu49BIfWzMGvT-X8EXry6KJWVRJko72so-LnjIKKFzoV8naxbzey5ANOd7OK_VOoDGEmzY--HR1DxizuA_jb6nA6Rim5FN5xpAiFybJ1oJUpXHwfK-uiN_UGpCK5Q-asPFQohwNPt895EoW9qTWcz9q2YhNof2B0BbkUx7xvgQ8GCby-izu-ocxBRlayVOO80nRZYCi0hMU3mvI7fETzRlRNrXaRmNTEt2_Bakjnh6epWlHjaIXfVyCXzfnhBx443myaeC68tuupO1t6co3270UrYz4vxYlNSmepBXyErSyA3lCzXzJkMoYvB8FxHU2sFXS_iyaRdZGrqheQsNamEUUW9P66dAavPyQtx2_X9DET0LKNfELKD2MCZ5xfzbT1JMca4qImGiPVB_kgXQp6PJWcaNoFJtaA4iOLGROIYo3VNJpvb8XAKFBmjqXt8zqqlKQwGcEIrAlQrmEMhfFquVB0Wi4zCm2cDilL6Z5s1jWPF0a8l4ugk0ws3NxvTciHql83pL7eZF7pR6cs5yRzzXfDlWr3m59nh7REWLZIRN6FgKttuUPpb6TfiHXrDjdU5Sab9jC99m7AGuFf1GDuIAex0P2v0giXKFIeKJkWdNsW_MJMuZ8gLsnPWISLeXKzknjSiwLM5zysgFvEGG8ki_lm3NuCcVSa_w.OFsotZoLtRoqHixg4M2r2ZbKhWHCLmobd69JQpyNYiE"#;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::fixtures::{NOW, ROTATED, SECRET, TOKEN, session, user};
use crate::jwe::{self, JweKey, SESSION_SALT};
use crate::{
    CacheHit, CacheRead, CacheSettings, Fallback, JweRandomness, KeyRing, Persistence,
    SessionCache, SessionData, Strategy,
};

/// §11.3: the derived key of the §11 secret, and its `kid`.
const KEY_HEX: &str = "5d06f3fb80c090b2e3d6fe3845440110ec7fbbf0c4202de427139b2413db99e3a06d5d3e366896c308279338a9e47b351da786f17b2d6a2d28e551721d78e93b";
const KID: &str = "Hl5Y4SVAaJ33G3nKqqch-AvE4yz3PkY0PIrYQ9zxO_A";
const JTI: &str = "3402d912-b6a3-4a7c-b0b7-b355196a3de1";
/// §11.4: the rotated secret's key, `kid` and the rotated token's `jti`.
const ROTATED_KEY_HEX: &str = "bf81e66c52c5cb951e8559541cc6a4211b8bf6d195c66ac4576f849179ebce2e599e1e8dbbe0d1f5f4c09a4e4ea440ccf4f05550bb421a8e4a304a1fc0f0ba47";
const ROTATED_KID: &str = "9XbA28WpYxx6kVU84vNBz-W_GgFRhurMQXz4y1ApbEg";
const ROTATED_JTI: &str = "16d6eb59-2494-4dbd-9c01-434127e17162";
/// §11.4: signatures of the compact and jwt values rebuilt under the rotated secret.
const ROTATED_COMPACT_SIGNATURE: &str = "PLXzrKxj1mcvpDyIsA1EUe_g2_EIlljYGXzpvZvtTFk";
const ROTATED_JWT_SIGNATURE: &str = "wCPMKyfc7dKIpBmd1A21iNh3A4w6B75TgqhZ63b6BiA";
/// The caches' own expiry: now + 300 s.
const CACHE_EXPIRY: i64 = NOW + 300_000;

fn cache(strategy: Strategy, ring: KeyRing) -> SessionCache {
    SessionCache::new(
        ring,
        CacheSettings {
            strategy,
            ..CacheSettings::default()
        },
    )
}

fn single() -> KeyRing {
    KeyRing::single(SECRET)
}

fn rotated() -> KeyRing {
    KeyRing::from_list(&format!("2:{ROTATED},1:{SECRET}"), None).expect("ring")
}

fn hit(read: CacheRead) -> CacheHit {
    match read {
        CacheRead::Hit(hit) => *hit,
        CacheRead::Fallback(reason) => panic!("expected a hit, got {reason:?}"),
    }
}

fn fallback(read: CacheRead) -> Fallback {
    match read {
        CacheRead::Hit(hit) => panic!("expected a fallback, got a hit for {:?}", hit.data),
        CacheRead::Fallback(reason) => reason,
    }
}

fn vector_data() -> SessionData {
    SessionData {
        session: session(),
        user: user(),
        updated_at: NOW,
        version: Some("1".into()),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The randomness a recorded jwe token was made with: its IV and its `jti`'s bytes.
fn randomness_of(token: &str, jti: &str) -> JweRandomness {
    let iv = URL_SAFE_NO_PAD
        .decode(token.split('.').nth(2).expect("iv part"))
        .expect("iv");
    let jti: Vec<u8> = (0..16)
        .map(|i| {
            let digits = jti.replace('-', "");
            u8::from_str_radix(&digits[2 * i..2 * i + 2], 16).expect("hex")
        })
        .collect();
    JweRandomness {
        iv: iv.try_into().expect("16 bytes"),
        jti: jti.try_into().expect("16 bytes"),
    }
}

fn encode(cache: &SessionCache, randomness: &JweRandomness) -> String {
    cache.encode(
        &session(),
        &user(),
        Persistence::Remembered,
        NOW,
        randomness,
    )
}

const NO_RANDOMNESS: JweRandomness = JweRandomness {
    iv: [0; 16],
    jti: [0; 16],
};

#[test]
fn compact_vector_is_reproduced_and_verifies() {
    // The signature of §11.1 is the HMAC of `M`.
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).expect("key");
    mac.update(COMPACT_MESSAGE.as_bytes());
    assert_eq!(
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()),
        "3Jblsrf0tUWiymPbYS-csP3nIjnfnvCsxJ5-Qp9wATI"
    );
    let cache = cache(Strategy::Compact, single());
    assert_eq!(encode(&cache, &NO_RANDOMNESS), COMPACT_VALUE);
    let hit = hit(cache.read(COMPACT_VALUE, TOKEN, NOW));
    assert_eq!(hit.data, vector_data());
    assert_eq!(hit.expires_at, CACHE_EXPIRY);
    assert!(hit.key.is_current());
}

#[test]
fn jwt_vector_is_reproduced_and_verifies() {
    let cache = cache(Strategy::Jwt, single());
    assert_eq!(encode(&cache, &NO_RANDOMNESS), JWT_TOKEN);
    let payload = URL_SAFE_NO_PAD
        .decode(JWT_TOKEN.split('.').nth(1).expect("payload"))
        .expect("base64");
    assert_eq!(payload, JWT_PAYLOAD.as_bytes());
    let hit = hit(cache.read(JWT_TOKEN, TOKEN, NOW));
    assert_eq!(hit.data, vector_data());
    assert_eq!(hit.expires_at, CACHE_EXPIRY);
    assert!(hit.key.is_current());
}

#[test]
fn jwe_key_derivation_matches() {
    let keys = JweKey::derive_all(&rotated(), SESSION_SALT);
    assert_eq!(hex(keys[0].bytes()), ROTATED_KEY_HEX);
    assert_eq!(keys[0].kid(), ROTATED_KID);
    assert_eq!(hex(keys[1].bytes()), KEY_HEX);
    assert_eq!(keys[1].kid(), KID);
    assert_eq!(hex(&jwe::derive_key(SECRET, SESSION_SALT)), KEY_HEX);
}

#[test]
fn jwe_vector_decrypts_to_the_spec_payload() {
    let keys = JweKey::derive_all(&single(), SESSION_SALT);
    let (claims, key) = jwe::decrypt(&keys, JWE_TOKEN).expect("decrypts");
    assert!(key.is_current());
    let expected = format!(
        "{},\"jti\":\"{JTI}\"}}",
        JWT_PAYLOAD.strip_suffix('}').expect("object")
    );
    assert_eq!(serde_json::Value::Object(claims).to_string(), expected);
    let hit = hit(cache(Strategy::Jwe, single()).read(JWE_TOKEN, TOKEN, NOW));
    assert_eq!(hit.data, vector_data());
    assert_eq!(hit.expires_at, CACHE_EXPIRY);
}

#[test]
fn jwe_vectors_are_reproduced_with_their_randomness() {
    let cache = cache(Strategy::Jwe, single());
    assert_eq!(encode(&cache, &randomness_of(JWE_TOKEN, JTI)), JWE_TOKEN);
    let rotated = SessionCache::new(
        rotated(),
        CacheSettings {
            strategy: Strategy::Jwe,
            ..CacheSettings::default()
        },
    );
    assert_eq!(
        encode(&rotated, &randomness_of(ROTATED_JWE_TOKEN, ROTATED_JTI)),
        ROTATED_JWE_TOKEN
    );
}

#[test]
fn rotation_rebuilds_the_spec_signatures() {
    let compact = encode(&cache(Strategy::Compact, rotated()), &NO_RANDOMNESS);
    let outer = URL_SAFE_NO_PAD.decode(&compact).expect("base64");
    let outer = String::from_utf8(outer).expect("utf-8");
    let expected = format!(
        r#"{{"session":{},"expiresAt":{CACHE_EXPIRY},"signature":"{ROTATED_COMPACT_SIGNATURE}"}}"#,
        COMPACT_MESSAGE
            .strip_suffix(&format!(",\"expiresAt\":{CACHE_EXPIRY}}}"))
            .map(|d| format!("{d}}}"))
            .expect("M ends with expiresAt")
    );
    assert_eq!(outer, expected);
    let jwt = encode(&cache(Strategy::Jwt, rotated()), &NO_RANDOMNESS);
    let (input, signature) = jwt.rsplit_once('.').expect("jws");
    assert_eq!(signature, ROTATED_JWT_SIGNATURE);
    assert_eq!(Some(input), JWT_TOKEN.rsplit_once('.').map(|(i, _)| i));
}

#[test]
fn rotation_accepts_older_listed_secrets_and_says_so() {
    // §11.4: the rotated server decrypts the old-secret JWE (upstream too) and its own.
    let jwe = cache(Strategy::Jwe, rotated());
    let old = hit(jwe.read(JWE_TOKEN, TOKEN, NOW));
    assert_eq!(old.key.position, 1);
    assert_eq!(old.key.version, Some(1));
    assert!(!old.key.is_current());
    assert!(
        hit(jwe.read(ROTATED_JWE_TOKEN, TOKEN, NOW))
            .key
            .is_current()
    );
    // Beyond upstream (issue #14 item 3): old-secret compact and jwt caches verify too,
    // reported as not current so that the caller rewrites them.
    for (strategy, value) in [
        (Strategy::Compact, COMPACT_VALUE),
        (Strategy::Jwt, JWT_TOKEN),
    ] {
        let old = hit(cache(strategy, rotated()).read(value, TOKEN, NOW));
        assert_eq!(old.data, vector_data());
        assert!(!old.key.is_current(), "{strategy}");
        assert_eq!(old.key.version, Some(1));
    }
    // A legacy `better_auth_secret` beside the list is tried last.
    let legacy = KeyRing::from_list(&format!("2:{ROTATED}"), Some(SECRET)).expect("ring");
    for (strategy, value) in [
        (Strategy::Compact, COMPACT_VALUE),
        (Strategy::Jwt, JWT_TOKEN),
        (Strategy::Jwe, JWE_TOKEN),
    ] {
        let old = hit(cache(strategy, legacy.clone()).read(value, TOKEN, NOW));
        assert_eq!(old.key.position, 1, "{strategy}");
        assert_eq!(old.key.version, None);
    }
}

#[test]
fn a_removed_secret_no_longer_verifies() {
    let removed = KeyRing::from_list(&format!("2:{ROTATED}"), None).expect("ring");
    for (strategy, value) in [
        (Strategy::Compact, COMPACT_VALUE),
        (Strategy::Jwt, JWT_TOKEN),
        (Strategy::Jwe, JWE_TOKEN),
    ] {
        assert_eq!(
            fallback(cache(strategy, removed.clone()).read(value, TOKEN, NOW)),
            Fallback::Unverified,
            "{strategy}"
        );
    }
    // And the rotated server's own JWE means nothing to a server that never had it.
    assert_eq!(
        fallback(cache(Strategy::Jwe, single()).read(ROTATED_JWE_TOKEN, TOKEN, NOW)),
        Fallback::Unverified
    );
}

#[test]
fn vectors_expire_with_their_cache_lifetime() {
    // compact: `expiresAt` ≥ now.
    let compact = cache(Strategy::Compact, single());
    hit(compact.read(COMPACT_VALUE, TOKEN, CACHE_EXPIRY));
    assert_eq!(
        fallback(compact.read(COMPACT_VALUE, TOKEN, CACHE_EXPIRY + 1)),
        Fallback::Expired
    );
    // jwt: jose wants `exp` > now in whole seconds, no tolerance.
    let jwt = cache(Strategy::Jwt, single());
    hit(jwt.read(JWT_TOKEN, TOKEN, CACHE_EXPIRY - 1));
    assert_eq!(
        fallback(jwt.read(JWT_TOKEN, TOKEN, CACHE_EXPIRY)),
        Fallback::Expired
    );
    // jwe: jose's 15 s tolerance, then Better Auth's `exp · 1000 ≥ now`.
    let jwe = cache(Strategy::Jwe, single());
    hit(jwe.read(JWE_TOKEN, TOKEN, CACHE_EXPIRY));
    assert_eq!(
        fallback(jwe.read(JWE_TOKEN, TOKEN, CACHE_EXPIRY + 1)),
        Fallback::Expired
    );
    assert_eq!(
        fallback(jwe.read(JWE_TOKEN, TOKEN, CACHE_EXPIRY + 60_000)),
        Fallback::Expired
    );
}

fn all_vectors() -> [(Strategy, &'static str); 4] {
    [
        (Strategy::Compact, COMPACT_VALUE),
        (Strategy::Jwt, JWT_TOKEN),
        (Strategy::Jwe, JWE_TOKEN),
        (Strategy::Jwe, ROTATED_JWE_TOKEN),
    ]
}

#[test]
fn a_foreign_strategy_falls_back() {
    for (found, value) in all_vectors() {
        for strategy in [Strategy::Compact, Strategy::Jwt, Strategy::Jwe] {
            if strategy == found {
                continue;
            }
            assert_eq!(
                fallback(cache(strategy, rotated()).read(value, TOKEN, NOW)),
                Fallback::OtherStrategy(found),
                "{found} read as {strategy}"
            );
        }
    }
}

#[test]
fn another_version_falls_back() {
    for (strategy, value) in all_vectors() {
        let newer = SessionCache::new(
            rotated(),
            CacheSettings {
                strategy,
                version: "2".into(),
                ..CacheSettings::default()
            },
        );
        assert_eq!(
            fallback(newer.read(value, TOKEN, NOW)),
            Fallback::VersionMismatch,
            "{strategy}"
        );
    }
}

#[test]
fn another_session_falls_back() {
    for (strategy, value) in all_vectors() {
        assert_eq!(
            fallback(cache(strategy, rotated()).read(value, "another-token", NOW)),
            Fallback::OtherSession,
            "{strategy}"
        );
    }
}

/// Flips the highest bit of the symbol at `index` (or turns a `.` into `A`): the
/// decoded bytes always change, since trailing bits are only ever the lowest ones.
fn tampered(value: &str, index: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bytes = value.as_bytes().to_vec();
    bytes[index] = match ALPHABET.iter().position(|&c| c == bytes[index]) {
        Some(symbol) => ALPHABET[symbol ^ 32],
        None => b'A',
    };
    String::from_utf8(bytes).expect("ascii")
}

#[test]
fn tampering_any_symbol_falls_back() {
    for (strategy, value) in all_vectors() {
        let cache = cache(strategy, rotated());
        for index in 0..value.len() {
            let tampered = tampered(value, index);
            assert!(
                matches!(cache.read(&tampered, TOKEN, NOW), CacheRead::Fallback(_)),
                "{strategy}: symbol {index} of {tampered}"
            );
        }
        // Truncations and extensions.
        for cut in [1, 2, 3, 4, 5, 16, 43, 44] {
            let shorter = &value[..value.len() - cut];
            assert!(
                matches!(cache.read(shorter, TOKEN, NOW), CacheRead::Fallback(_)),
                "{strategy}: cut {cut}"
            );
        }
        for suffix in ["A", "AA", "AAAA", ".", ".A", "-", "+"] {
            let longer = format!("{value}{suffix}");
            assert!(
                matches!(cache.read(&longer, TOKEN, NOW), CacheRead::Fallback(_)),
                "{strategy}: suffix {suffix:?}"
            );
        }
    }
}

#[test]
fn encodings_upstream_reads_the_same_are_the_same_cookie() {
    // Better Auth's decoder stops at `=` and reads the standard alphabet too; jose skips
    // white space and accepts padding. These read as the unchanged cookie.
    let compact = cache(Strategy::Compact, single());
    for variant in [
        format!("{COMPACT_VALUE}="),
        format!("{COMPACT_VALUE}==junk"),
    ] {
        assert_eq!(hit(compact.read(&variant, TOKEN, NOW)).data, vector_data());
    }
    let standard = URL_SAFE_NO_PAD
        .decode(COMPACT_VALUE)
        .map(|bytes| base64::engine::general_purpose::STANDARD.encode(bytes))
        .expect("base64");
    assert_eq!(hit(compact.read(&standard, TOKEN, NOW)).data, vector_data());
    for (strategy, value) in all_vectors().into_iter().skip(1) {
        let cache = cache(strategy, rotated());
        let (signed, last) = value.rsplit_once('.').expect("token");
        for variant in [format!("{value}="), format!("{signed}.\n{last}")] {
            assert_eq!(
                hit(cache.read(&variant, TOKEN, NOW)).data,
                vector_data(),
                "{strategy}"
            );
        }
    }
}

#[test]
fn wrong_secret_falls_back() {
    let other = KeyRing::single("another-secret-another-secret-another-secret");
    for (strategy, value) in all_vectors() {
        assert_eq!(
            fallback(cache(strategy, other.clone()).read(value, TOKEN, NOW)),
            Fallback::Unverified,
            "{strategy}"
        );
    }
}

#[test]
fn a_jwe_kid_is_never_tried_against_other_keys() {
    // Same token under the old secret, but its header's kid replaced: upstream finds no
    // key for it and gives up without trying any.
    let header = format!(r#"{{"alg":"dir","enc":"A256CBC-HS512","kid":"{ROTATED_KID}"}}"#);
    let (_, rest) = JWE_TOKEN.split_once('.').expect("jwe");
    let relabelled = format!("{}.{rest}", URL_SAFE_NO_PAD.encode(header));
    assert_eq!(
        fallback(cache(Strategy::Jwe, rotated()).read(&relabelled, TOKEN, NOW)),
        Fallback::Unverified
    );
}
