//! Argon2id: hashing new passwords with the current parameters, and verifying PHC
//! strings of any reasonable parameters, flagging all but the current ones for a rehash.

use argon2::password_hash::{self, PasswordHasher, PasswordVerifier};
use argon2::{ARGON2ID_IDENT, Algorithm, Argon2, Params, PasswordHash, Version};

use crate::{PasswordError, Verification};

/// Memory cost of new hashes, in KiB: 7 MiB, the smallest of the five Argon2id sets of
/// equal strength OWASP lists (Password Storage Cheat Sheet: m=47104 t=1, m=19456 t=2,
/// m=12288 t=3, m=9216 t=4, m=7168 t=5; p=1).
///
/// Every sign-in hashes in its own WebAssembly instance, and each concurrent instance
/// holds the whole `m` (fresh memory, page-faulted in, on every request): memory more
/// than CPU is what the choice among the five sets decides. Measured in the guest at 32
/// concurrent sign-ins (`bench/argon2-params`, `bench/results/argon2.md`), m=7168,t=5
/// has the lowest peak RSS (on spin-test-runtime 310–355 MiB with PostgreSQL, against
/// 690–705 MiB for the m=19456,t=2 this crate wrote before) and also the lowest CPU per
/// sign-in (a quarter less: fewer fresh pages to fault in, and m·t = 35840 against 38912
/// KiB), so it keeps the sign-in rate. Not to be lowered below OWASP's strength.
pub const CURRENT_M_COST_KIB: u32 = 7_168;
/// Iterations of new hashes (OWASP: t=5 with m=7 MiB).
pub const CURRENT_T_COST: u32 = 5;
/// Lanes of new hashes. A Spin guest has one thread, so more lanes buy nothing.
pub const CURRENT_P_COST: u32 = 1;

/// Salt length of new hashes, in bytes (the PHC and RFC 9106 recommendation).
const SALT_LEN: usize = 16;
/// Output length of new hashes, in bytes (the `argon2` crate's default).
const OUTPUT_LEN: usize = 32;

/// The current parameters, checked when the crate compiles.
const CURRENT_PARAMS: Params = match Params::new(
    CURRENT_M_COST_KIB,
    CURRENT_T_COST,
    CURRENT_P_COST,
    Some(OUTPUT_LEN),
) {
    Ok(params) => params,
    Err(_) => panic!("invalid Argon2 parameters"),
};

/// Bounds on the parameters we agree to verify. We only ever write the current
/// parameters; a stored hash beyond these bounds is a corrupt or foreign row, and
/// honouring it could exhaust the guest's memory or CPU on every sign-in.
const MAX_M_COST_KIB: u32 = 256 * 1024;
const MAX_T_COST: u32 = 32;
const MAX_P_COST: u32 = 16;

/// Hashes an already normalised password with a fresh salt.
pub(crate) fn hash(password: &[u8]) -> Result<String, PasswordError> {
    let hasher = Argon2::new(Algorithm::Argon2id, Version::V0x13, CURRENT_PARAMS);
    let salt = random_salt()?;
    Ok(hasher.hash_password_with_salt(password, &salt)?.to_string())
}

fn random_salt() -> Result<[u8; SALT_LEN], getrandom::Error> {
    let mut salt = [0u8; SALT_LEN];
    getrandom::fill(&mut salt)?;
    Ok(salt)
}

/// Verifies an already normalised password against a PHC string.
pub(crate) fn verify(stored: &str, password: &[u8]) -> Verification {
    let Ok(hash) = PasswordHash::new(stored) else {
        return Verification::Malformed;
    };
    // Only Argon2id: argon2i and argon2d are hashes we never wrote.
    if hash.algorithm != ARGON2ID_IDENT {
        return Verification::Malformed;
    }
    // The argon2 crate reads a missing `v=` as 0x13 while the reference implementation
    // reads it as 0x10; rather than guess, accept only explicit versions.
    let Some(Ok(version)) = hash.version.map(Version::try_from) else {
        return Verification::Malformed;
    };
    let (Some(salt), Some(output)) = (&hash.salt, &hash.hash) else {
        return Verification::Malformed;
    };
    let Ok(params) = Params::try_from(&hash) else {
        return Verification::Malformed;
    };
    if params.m_cost() > MAX_M_COST_KIB
        || params.t_cost() > MAX_T_COST
        || params.p_cost() > MAX_P_COST
    {
        return Verification::Malformed;
    }
    let needs_upgrade = needs_rehash(&params, version, salt.len(), output.len());

    // The hash's own algorithm, version and parameters are used, not the hasher's;
    // the output comparison inside is constant-time (`phc::Output`'s `PartialEq`).
    match Argon2::default().verify_password(password, &hash) {
        Ok(()) => Verification::Valid { needs_upgrade },
        Err(password_hash::Error::PasswordInvalid) => Verification::Invalid,
        Err(_) => Verification::Malformed,
    }
}

/// Whether a stored hash is to be rewritten with [`hash`]: whenever its parameters are
/// not exactly the current ones, or its version, salt or output is weaker.
///
/// Not "whenever it is weaker": OWASP's Argon2id sets trade memory for iterations at
/// equal strength, so comparing `m` and `t` one by one says nothing about strength
/// (m=19456,t=2 has more memory and fewer iterations than ours). Exact equality rewrites
/// every other set at its next sign-in: the memory-hungry ones, whose every sign-in would
/// hold their `m` in its guest instance (m=47104: 46 MiB) — what the current parameters
/// avoid (`bench/results/argon2.md`) — and stronger-than-needed ones too (a foreign
/// m=65536,t=3,p=4), which are then held at our strength, OWASP's, like every new
/// password. Every row ends with the cost of the timing dummy (`timing.rs`), so a
/// sign-in's time tells nothing about how old its hash is. During a rolling deployment
/// beside a version with other parameters, each rewrites the other's rows at sign-in:
/// one extra hash per such sign-in until the old version is gone.
fn needs_rehash(params: &Params, version: Version, salt_len: usize, output_len: usize) -> bool {
    (params.m_cost(), params.t_cost(), params.p_cost())
        != (CURRENT_M_COST_KIB, CURRENT_T_COST, CURRENT_P_COST)
        || version != Version::V0x13
        || salt_len < SALT_LEN
        || output_len < OUTPUT_LEN
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    /// A cheap Argon2id PHC string (m=64 KiB, t=1) so tests stay fast in debug builds.
    fn cheap_hash(password: &[u8], version: Version) -> Result<String, password_hash::Error> {
        let params = Params::new(64, 1, 1, Some(OUTPUT_LEN))?;
        let hasher = Argon2::new(Algorithm::Argon2id, version, params);
        Ok(hasher
            .hash_password_with_salt(password, b"sixteen byte slt")?
            .to_string())
    }

    #[test]
    fn salts_are_fresh() -> TestResult {
        assert_ne!(random_salt()?, random_salt()?);
        Ok(())
    }

    #[test]
    fn weaker_parameters_verify_and_ask_for_upgrade() -> TestResult {
        let stored = cheap_hash(b"hunter2hunter2", Version::V0x13)?;
        assert!(stored.starts_with("$argon2id$v=19$m=64,t=1,p=1$"));
        assert_eq!(
            verify(&stored, b"hunter2hunter2"),
            Verification::Valid {
                needs_upgrade: true
            }
        );
        assert_eq!(verify(&stored, b"hunter2hunter3"), Verification::Invalid);

        let old_version = cheap_hash(b"hunter2hunter2", Version::V0x10)?;
        assert!(old_version.starts_with("$argon2id$v=16$"));
        assert_eq!(
            verify(&old_version, b"hunter2hunter2"),
            Verification::Valid {
                needs_upgrade: true
            }
        );
        Ok(())
    }

    /// OWASP's five Argon2id sets of equal strength (Password Storage Cheat Sheet), the
    /// first of them (m=19456,t=2) what this crate wrote before: (m KiB, t, PHC string).
    /// The strings come from the reference implementation (Debian's `argon2` 20171227:
    /// `echo -n 'correct horse battery staple' | argon2 owasp-set-m<m as 5 digits> -id -k <m>
    /// -t <t> -p 1 -l 32 -e`), not from the crate under test, so a change in how we
    /// parse or compute any of them fails here.
    const OWASP_SETS: [(u32, u32, &str); 5] = [
        (
            19_456,
            2,
            "$argon2id$v=19$m=19456,t=2,p=1$b3dhc3Atc2V0LW0xOTQ1Ng$flOfB2thUgwk+ZDpzbd9I0lB7zLRwNaQRNNkfzAh1Ww",
        ),
        (
            47_104,
            1,
            "$argon2id$v=19$m=47104,t=1,p=1$b3dhc3Atc2V0LW00NzEwNA$FoNpjfC0NaXkN77EhUACxRometriFoPnBCEWxV7kbVs",
        ),
        (
            12_288,
            3,
            "$argon2id$v=19$m=12288,t=3,p=1$b3dhc3Atc2V0LW0xMjI4OA$/EqlNCupsN0z5POFbSoToKFHx4O93pug2VS0xvI14tk",
        ),
        (
            9_216,
            4,
            "$argon2id$v=19$m=9216,t=4,p=1$b3dhc3Atc2V0LW0wOTIxNg$VzGCsX+9MLD4ZQJdMRAvOgwpYbnhbJd4BqVIJHTYwl0",
        ),
        (
            7_168,
            5,
            "$argon2id$v=19$m=7168,t=5,p=1$b3dhc3Atc2V0LW0wNzE2OA$O+bcWhhUEPxn9um6mVc10SnuUqkJkSPL66UqJuZTPe0",
        ),
    ];
    const OWASP_PASSWORD: &str = "correct horse battery staple";

    /// Every hash this crate ever wrote or could meet at OWASP strength keeps verifying;
    /// all but the current set are rewritten at the next sign-in.
    #[test]
    fn every_owasp_set_verifies_and_only_the_current_one_stays() {
        assert!(
            OWASP_SETS
                .iter()
                .any(|&(m, t, _)| (m, t) == (CURRENT_M_COST_KIB, CURRENT_T_COST)),
            "the current parameters are one of OWASP's sets"
        );
        for (m, t, stored) in OWASP_SETS {
            let current = (m, t) == (CURRENT_M_COST_KIB, CURRENT_T_COST);
            // Through the public entry point, as sign-in calls it.
            assert_eq!(
                crate::verify_password(stored, OWASP_PASSWORD),
                Verification::Valid {
                    needs_upgrade: !current
                },
                "{stored}"
            );
            assert_eq!(
                crate::verify_password(stored, "correct horse battery stapler"),
                Verification::Invalid,
                "{stored}"
            );
        }
    }

    #[test]
    fn rehash_rule_wants_exactly_the_current_parameters() -> TestResult {
        let v13 = Version::V0x13;
        let params = |m, t, p| Params::new(m, t, p, Some(OUTPUT_LEN));
        assert!(!needs_rehash(&CURRENT_PARAMS, v13, SALT_LEN, OUTPUT_LEN));
        // Longer salts and outputs than ours are no reason to rewrite.
        assert!(!needs_rehash(&CURRENT_PARAMS, v13, 32, 64));
        // Every other OWASP set, stronger or weaker in any one parameter.
        for (m, t, _) in OWASP_SETS {
            let expected = (m, t) != (CURRENT_M_COST_KIB, CURRENT_T_COST);
            assert_eq!(
                needs_rehash(&params(m, t, 1)?, v13, SALT_LEN, OUTPUT_LEN),
                expected,
                "m={m},t={t}"
            );
        }
        let (m, t, p) = (CURRENT_M_COST_KIB, CURRENT_T_COST, CURRENT_P_COST);
        for (m, t, p) in [
            (m - 1, t, p),
            (m + 1, t, p),
            (m, t - 1, p),
            (m, t + 1, p),
            (m, t, p + 1),
            (65_536, 3, 4),
        ] {
            assert!(
                needs_rehash(&params(m, t, p)?, v13, SALT_LEN, OUTPUT_LEN),
                "m={m},t={t},p={p}"
            );
        }
        assert!(needs_rehash(
            &CURRENT_PARAMS,
            Version::V0x10,
            SALT_LEN,
            OUTPUT_LEN
        ));
        assert!(needs_rehash(&CURRENT_PARAMS, v13, 8, OUTPUT_LEN));
        assert!(needs_rehash(&CURRENT_PARAMS, v13, SALT_LEN, 16));
        Ok(())
    }

    /// The bounds are inclusive: a hash at m=256 MiB, t=32 or p=16 is computed and
    /// compared (one a step beyond is refused: see the next test).
    #[test]
    fn parameter_bounds_are_inclusive() -> TestResult {
        let cheap = cheap_hash(b"pw", Version::V0x13)?;
        let tail = cheap.trim_start_matches("$argon2id$v=19$m=64,t=1,p=1$");
        let phc = |m: u32, t: u32, p: u32| format!("$argon2id$v=19$m={m},t={t},p={p}${tail}");
        let at_bounds = [
            (MAX_M_COST_KIB, 1, 1),
            (64, MAX_T_COST, 1),
            (8 * MAX_P_COST, 1, MAX_P_COST),
        ];
        for (m, t, p) in at_bounds {
            // Hashed under these parameters, the output of m=64,t=1 does not match.
            assert_eq!(verify(&phc(m, t, p), b"pw"), Verification::Invalid);
        }
        // Genuine hashes at the (cheap) t and p bounds verify.
        for (m, t, p) in &at_bounds[1..] {
            let params = Params::new(*m, *t, *p, Some(OUTPUT_LEN))?;
            let hasher = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
            let stored = hasher
                .hash_password_with_salt(b"pw", b"sixteen byte slt")?
                .to_string();
            assert_eq!(
                verify(&stored, b"pw"),
                Verification::Valid {
                    needs_upgrade: true
                },
                "{stored}"
            );
        }
        Ok(())
    }

    #[test]
    fn foreign_or_absurd_phc_strings_are_malformed() -> TestResult {
        let good = cheap_hash(b"pw", Version::V0x13)?;
        let tail = good.trim_start_matches("$argon2id$v=19$m=64,t=1,p=1$");
        // One step beyond each bound: refused without hashing, though the argon2
        // crate would take them. Checked first, so that a weakened bound fails here
        // at once rather than start hashing the absurd cases below for minutes.
        for (m, t, p) in [
            (MAX_M_COST_KIB + 1, 1, 1),
            (64, MAX_T_COST + 1, 1),
            (8 * (MAX_P_COST + 1), 1, MAX_P_COST + 1),
        ] {
            assert!(Params::new(m, t, p, Some(OUTPUT_LEN)).is_ok());
            let stored = format!("$argon2id$v=19$m={m},t={t},p={p}${tail}");
            assert_eq!(verify(&stored, b"pw"), Verification::Malformed, "{stored}");
        }
        let cases = [
            "$".to_owned(),
            "$argon2id".to_owned(),
            "$argon2id$v=19$m=64,t=1,p=1".to_owned(),
            "$argon2id$v=19$m=64,t=1,p=1$c2l4dGVlbiBieXRlIHNsdA".to_owned(),
            format!("$argon2i$v=19$m=64,t=1,p=1${tail}"),
            format!("$argon2d$v=19$m=64,t=1,p=1${tail}"),
            format!("$scrypt$ln=14,r=16,p=1${tail}"),
            format!("$argon2id$m=64,t=1,p=1${tail}"),
            format!("$argon2id$v=20$m=64,t=1,p=1${tail}"),
            format!("$argon2id$v=19$m=64,t=1,p=1,x=3${tail}"),
            format!("$argon2id$v=19$m=abc,t=1,p=1${tail}"),
            format!("$argon2id$v=19$m=4,t=1,p=1${tail}"),
            format!("$argon2id$v=19$m=64,t=0,p=1${tail}"),
            format!("$argon2id$v=19$m=4194304,t=1,p=1${tail}"),
            format!("$argon2id$v=19$m=64,t=1000000,p=1${tail}"),
            format!("$argon2id$v=19$m=64,t=1,p=255${tail}"),
            "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$c2FsdA".to_owned(),
            "$argon2id$v=19$m=64,t=1,p=1$!!!!$!!!!".to_owned(),
            format!("{good}$extra"),
            "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy".to_owned(),
        ];
        for case in &cases {
            assert_eq!(verify(case, b"pw"), Verification::Malformed, "{case}");
        }
        assert!(verify(&good, b"pw").is_valid());
        Ok(())
    }
}
