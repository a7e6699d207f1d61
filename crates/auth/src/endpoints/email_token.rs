//! The claims of an email-verification token whose signature the `session` component
//! accepted, checked as `jose` 6's `jwtVerify` (no clock tolerance) and then Better
//! Auth's zod schema do (spec §10.19):
//! - the payload must be a JSON object; `iat`, `nbf` and `exp`, when present, must be
//!   numbers; `nbf` must not be in the future; `exp` must be in the future (`exp <=
//!   now` is `TOKEN_EXPIRED`); every other failure is `INVALID_TOKEN`;
//! - then `email` must be a zod email and `updateTo` / `requestType` strings when
//!   present — a validly signed token that breaks this makes zod throw, which Better
//!   Auth answers with an empty 500 ([`Claims::Malformed`]).

use serde_json::{Map, Value};
use spinstack_auth_rules::email::is_valid_email;

/// What the payload amounts to.
#[derive(Debug, Clone, PartialEq)]
pub enum Claims {
    /// Usable claims.
    Valid(EmailClaims),
    /// `exp` has passed: `TOKEN_EXPIRED`.
    Expired,
    /// Not a claims set jose accepts: `INVALID_TOKEN`.
    Invalid,
    /// A claims set jose accepts but Better Auth's schema does not: an empty 500.
    Malformed(String),
}

/// The claims Better Auth reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailClaims {
    /// The address to verify, as signed (not lower-cased).
    pub email: String,
    /// The new address of the change-email flows.
    pub update_to: Option<String>,
    /// Which change-email step the token is for.
    pub request_type: Option<String>,
    /// `userId` (better-auth 1.7.29 binds its tokens to the user's id).
    pub user_id: Option<String>,
}

/// A numeric-date claim: absent, or a number (else `Err`).
fn numeric_date(claims: &Map<String, Value>, name: &str) -> Result<Option<f64>, ()> {
    match claims.get(name) {
        None => Ok(None),
        Some(value) => value.as_f64().map(Some).ok_or(()),
    }
}

/// Checks the payload text at `now_secs` (whole seconds since the epoch).
pub fn check(payload: &str, now_secs: i64) -> Claims {
    let Ok(Value::Object(claims)) = serde_json::from_str::<Value>(payload) else {
        return Claims::Invalid;
    };
    let now = now_secs as f64;
    if numeric_date(&claims, "iat").is_err() {
        return Claims::Invalid;
    }
    match numeric_date(&claims, "nbf") {
        Err(()) => return Claims::Invalid,
        Ok(Some(nbf)) if nbf > now => return Claims::Invalid,
        Ok(_) => {}
    }
    match numeric_date(&claims, "exp") {
        Err(()) => return Claims::Invalid,
        Ok(Some(exp)) if exp <= now => return Claims::Expired,
        Ok(_) => {}
    }
    let email = match claims.get("email") {
        Some(Value::String(email)) if is_valid_email(email) => email.clone(),
        other => return Claims::Malformed(format!("email claim {other:?}")),
    };
    let optional = |name: &str| match claims.get(name) {
        None => Ok(None),
        Some(Value::String(value)) => Ok(Some(value.clone())),
        Some(other) => Err(format!("{name} claim {other}")),
    };
    match (
        optional("updateTo"),
        optional("requestType"),
        optional("userId"),
    ) {
        (Ok(update_to), Ok(request_type), Ok(user_id)) => Claims::Valid(EmailClaims {
            email,
            update_to,
            request_type,
            user_id,
        }),
        (Err(problem), _, _) | (_, Err(problem), _) | (_, _, Err(problem)) => {
            Claims::Malformed(problem)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_982_566;

    fn valid(email: &str) -> Claims {
        Claims::Valid(EmailClaims {
            email: email.to_owned(),
            update_to: None,
            request_type: None,
            user_id: None,
        })
    }

    // Outcomes recorded with better-auth 1.7.5 (verify-email answers in brackets).
    #[test]
    fn time_claims() {
        let check = |payload: String| check(&payload, NOW);
        let email = r#""email":"alice@example.com""#;
        assert_eq!(check(format!("{{{email}}}")), valid("alice@example.com"));
        // exp == now is expired [TOKEN_EXPIRED]; one second later is fine.
        assert_eq!(
            check(format!(r#"{{{email},"exp":{NOW}}}"#)),
            Claims::Expired
        );
        assert_eq!(
            check(format!(r#"{{{email},"exp":{}}}"#, NOW + 1)),
            valid("alice@example.com")
        );
        // nbf in the future, non-numeric iat or exp [INVALID_TOKEN].
        for bad in [
            format!(r#"{{{email},"nbf":{}}}"#, NOW + 100),
            format!(r#"{{{email},"iat":"x"}}"#),
            format!(r#"{{{email},"exp":"x"}}"#),
            format!(r#"{{{email},"iat":null,"exp":1}}"#),
            "[1]".to_owned(),
            "nope".to_owned(),
        ] {
            assert_eq!(check(bad.clone()), Claims::Invalid, "{bad}");
        }
        // A future iat is fine (no maxTokenAge) [200].
        assert_eq!(
            check(format!(r#"{{{email},"iat":{}}}"#, NOW + 1000)),
            valid("alice@example.com")
        );
    }

    #[test]
    fn schema_claims() {
        // [empty 500] for these three.
        assert!(matches!(check(r#"{"foo":1}"#, NOW), Claims::Malformed(_)));
        assert!(matches!(
            check(r#"{"email":"nope"}"#, NOW),
            Claims::Malformed(_)
        ));
        assert!(matches!(check(r#"{"email":5}"#, NOW), Claims::Malformed(_)));
        assert!(matches!(
            check(r#"{"email":"a@b.co","updateTo":null}"#, NOW),
            Claims::Malformed(_)
        ));
        assert_eq!(
            check(
                r#"{"email":"ALICE@example.com","updateTo":"x","requestType":"y","userId":"u1"}"#,
                NOW
            ),
            Claims::Valid(EmailClaims {
                email: "ALICE@example.com".to_owned(),
                update_to: Some("x".to_owned()),
                request_type: Some("y".to_owned()),
                user_id: Some("u1".to_owned()),
            })
        );
        assert!(matches!(
            check(r#"{"email":"a@b.co","userId":7}"#, NOW),
            Claims::Malformed(_)
        ));
    }
}
