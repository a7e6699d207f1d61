//! Argon2id: hashing new passwords with the current parameters, and verifying PHC
//! strings of any reasonable parameters, flagging weaker ones for upgrade.

use argon2::password_hash::{self, PasswordHasher, PasswordVerifier};
use argon2::{ARGON2ID_IDENT, Algorithm, Argon2, Params, PasswordHash, Version};

use crate::{PasswordError, Verification};

/// Memory cost of new hashes, in KiB: 19 MiB, OWASP's minimum for Argon2id
/// (Password Storage Cheat Sheet: m=19456, t=2, p=1). We take the minimum, not more,
/// because every sign-in runs in a WebAssembly guest, which hashes several times
/// slower than native code, and the sign-in budget is one hash per request.
pub const CURRENT_M_COST_KIB: u32 = 19_456;
/// Iterations of new hashes (OWASP: t=2 with m=19 MiB).
pub const CURRENT_T_COST: u32 = 2;
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

/// Bounds on the parameters we agree to verify. We never write more than the current
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
    let needs_upgrade = is_weaker(&params, version, salt.len(), output.len());

    // The hash's own algorithm, version and parameters are used, not the hasher's;
    // the output comparison inside is constant-time (`phc::Output`'s `PartialEq`).
    match Argon2::default().verify_password(password, &hash) {
        Ok(()) => Verification::Valid { needs_upgrade },
        Err(password_hash::Error::PasswordInvalid) => Verification::Invalid,
        Err(_) => Verification::Malformed,
    }
}

/// Whether a stored hash is weaker than what [`hash`] writes now. Stronger parameters
/// count as current: should we ever lower ours, such rows are not rewritten.
fn is_weaker(params: &Params, version: Version, salt_len: usize, output_len: usize) -> bool {
    params.m_cost() < CURRENT_M_COST_KIB
        || params.t_cost() < CURRENT_T_COST
        || params.p_cost() < CURRENT_P_COST
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

    #[test]
    fn upgrade_rule_compares_each_parameter() -> TestResult {
        let v13 = Version::V0x13;
        let current = |m, t, p| Params::new(m, t, p, Some(OUTPUT_LEN));
        assert!(!is_weaker(&CURRENT_PARAMS, v13, SALT_LEN, OUTPUT_LEN));
        assert!(!is_weaker(
            &current(65_536, 3, 4)?,
            v13,
            SALT_LEN,
            OUTPUT_LEN
        ));
        assert!(is_weaker(
            &current(19_455, 2, 1)?,
            v13,
            SALT_LEN,
            OUTPUT_LEN
        ));
        // OWASP's m=47104,t=1 is as strong, but not ours: rewrite it with ours.
        assert!(is_weaker(
            &current(47_104, 1, 1)?,
            v13,
            SALT_LEN,
            OUTPUT_LEN
        ));
        assert!(is_weaker(
            &CURRENT_PARAMS,
            Version::V0x10,
            SALT_LEN,
            OUTPUT_LEN
        ));
        assert!(is_weaker(&CURRENT_PARAMS, v13, 8, OUTPUT_LEN));
        assert!(is_weaker(&CURRENT_PARAMS, v13, SALT_LEN, 16));
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
