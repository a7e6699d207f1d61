//! Equal timing for sign-ins of unknown emails: the same work as verifying a real
//! current-parameter hash, so response time does not reveal whether an account exists.

use crate::verify_password;

/// An Argon2id hash of a throwaway password with the current parameters, made by
/// [`crate::hash_password`] (of "spinstack dummy password, never a real one").
///
/// It is a constant rather than computed at first use (a `OnceLock`) because a Spin
/// component gets a fresh instance per request: a lazily computed dummy would be
/// recomputed on every unknown-email sign-in, doubling its cost and giving away the
/// very difference it is meant to hide. A unit test fails if its parameters drift
/// from the current ones.
const DUMMY_HASH: &str = "$argon2id$v=19$m=7168,t=5,p=1$yznGWhpjQ+VGLeKEA5Eokw$CVTGKMR+6nRJuX2vZWe35Q++tFWbJo4TqwijBSRCmJ8";

/// Does the work of one [`verify_password`] against a current-parameter Argon2id hash
/// (NFKC, parsing, Argon2id, constant-time comparison) and throws the answer away.
///
/// Call it where a known email would have verified a password: when the user, its
/// credential account or its stored hash is missing. Then answer
/// `INVALID_EMAIL_OR_PASSWORD` as for a wrong password.
///
/// A known email whose row still holds a legacy scrypt hash, or an Argon2id hash of other
/// parameters (such as the m=19456,t=2 written before), takes that hash's time instead;
/// that difference fades as successful sign-ins rewrite those rows with the current ones.
pub fn verify_against_dummy(password: &str) {
    std::hint::black_box(verify_password(DUMMY_HASH, std::hint::black_box(password)));
}

#[cfg(test)]
mod tests {
    use argon2::{Params, PasswordHash};

    use super::*;
    use crate::{CURRENT_M_COST_KIB, CURRENT_P_COST, CURRENT_T_COST, Verification};

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn dummy_hash_is_a_working_current_hash() -> TestResult {
        let params = Params::try_from(&PasswordHash::new(DUMMY_HASH)?)?;
        assert_eq!(
            (params.m_cost(), params.t_cost(), params.p_cost()),
            (CURRENT_M_COST_KIB, CURRENT_T_COST, CURRENT_P_COST),
            "regenerate DUMMY_HASH with hash_password after changing the parameters"
        );
        assert_eq!(
            verify_password(DUMMY_HASH, "spinstack dummy password, never a real one"),
            Verification::Valid {
                needs_upgrade: false
            }
        );
        Ok(())
    }
}
