//! Owns email addresses (spec §8): zod v4's email pattern, written out by hand
//! (`^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$`
//! in zod 4.6), the lower-casing every lookup and insert applies, and sign-in's
//! `INVALID_EMAIL` check, which runs after schema validation because the sign-in
//! schema only asks for a string.

use crate::Rejection;

/// zod 4.6's email pattern (what [`is_valid_email`] implements), as an ECMAScript
/// regular expression for JSON Schema's `pattern` (the OpenAPI document uses it).
pub const ZOD_EMAIL_PATTERN: &str = r"^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$";

/// Whether `email` matches zod's email pattern: an ASCII local part of letters,
/// digits and `_'+-.`, without a leading dot, a `..`, or a trailing `.` or `'`;
/// then `@`; then dot-separated labels of letters, digits and `-` that start with a
/// letter or digit, the last being two or more letters. No trimming: surrounding
/// whitespace fails.
pub fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    valid_local_part(local.as_bytes()) && valid_domain(domain.as_bytes())
}

fn valid_local_part(local: &[u8]) -> bool {
    let local_char = |b: &u8| b.is_ascii_alphanumeric() || b"_'+-".contains(b);
    let Some(last) = local.last() else {
        return false;
    };
    // `(?:X+\.)*X*Y`: dot-separated non-empty runs, ending with a character of Y
    // (X without the apostrophe).
    (last.is_ascii_alphanumeric() || b"_+-".contains(last))
        && local
            .split(|&b| b == b'.')
            .all(|run| !run.is_empty() && run.iter().all(local_char))
}

fn valid_domain(domain: &[u8]) -> bool {
    let labels: Vec<&[u8]> = domain.split(|&b| b == b'.').collect();
    let Some((top, rest)) = labels.split_last() else {
        return false;
    };
    !rest.is_empty()
        && top.len() >= 2
        && top.iter().all(u8::is_ascii_alphabetic)
        && rest.iter().all(|label| {
            label.first().is_some_and(u8::is_ascii_alphanumeric)
                && label
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        })
}

/// The stored and looked-up form of an email: lower-cased (JavaScript's
/// `toLowerCase`), nothing else.
pub fn normalize_email(email: &str) -> String {
    email.to_lowercase()
}

/// Sign-in's check on the schema-validated `email`: the normalised address.
///
/// # Errors
/// 400 `INVALID_EMAIL` `Invalid email` when the pattern does not match.
pub fn sign_in_email(email: &str) -> Result<String, Rejection> {
    if is_valid_email(email) {
        Ok(normalize_email(email))
    } else {
        Err(Rejection::new(400, "INVALID_EMAIL", "Invalid email"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts() {
        for email in [
            "alice@example.com",
            "ALICE@Example.COM",
            "a.b-c_d+e'f@sub.example.co",
            "a@b.cd",
            "-@a-.bc",
            "x'y@1.example.museum",
            "ref-user@example.com",
        ] {
            assert!(is_valid_email(email), "{email}");
        }
    }

    #[test]
    fn rejects() {
        for email in [
            "not-an-email",
            "nobody",
            "",
            "@example.com",
            "a@",
            ".a@example.com",
            "a.@example.com",
            "a..b@example.com",
            "a'@example.com",
            "a@b.c",
            "a@b.c1",
            "a@example",
            "a@-b.com",
            "a@b..com",
            "a@.b.com",
            "a@b.com.",
            "a@b@c.com",
            " a@b.co",
            "a@b.co ",
            "a@b.co\n",
            "é@b.co",
            "a@bü.co",
            "a b@c.de",
            "a@b_c.de",
        ] {
            assert!(!is_valid_email(email), "{email:?}");
        }
    }

    #[test]
    fn sign_in_rule() {
        assert_eq!(
            sign_in_email("ALICE@example.com").as_deref(),
            Ok("alice@example.com")
        );
        let rejection = sign_in_email("nobody").expect_err("invalid");
        assert_eq!(
            rejection.to_response().body,
            br#"{"message":"Invalid email","code":"INVALID_EMAIL"}"#
        );
        assert_eq!(rejection.status, 400);
    }
}
