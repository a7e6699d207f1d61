//! `POST /sign-in/email` (spec §10.2): the email check, the credential lookup, a
//! constant-cost password check (unknown emails burn a full hash too), the transparent
//! upgrade of legacy scrypt hashes to Argon2id, then a new session.
//!
//! One deliberate difference: a password longer than sign-up's maximum (128 UTF-16
//! units), which no account can have, answers the usual 401 at once, without the
//! lookup, NFKC or hashing (1.7.5 checks no length here and hashes input of any size).
//! Every email gets the same answer, so nothing about accounts leaks.

use serde::Serialize;
use spinstack_auth_rules::email::sign_in_email as checked_email;
use spinstack_http::Response;
use spinstack_passwords::{
    MAX_PASSWORD_LENGTH, Verification, hash_password, utf16_len, verify_against_dummy,
    verify_password,
};
use spinstack_sessions::json::UserJson;
use spinstack_sessions::{Creation, Owner, SessionRequest};

use crate::context::AuthContext;
use crate::endpoints::{Call, client_facts, with_cookies};
use crate::error::{api_error, internal};
use crate::urls::is_safe_location;

fn invalid_credentials() -> Response {
    api_error(
        401,
        "INVALID_EMAIL_OR_PASSWORD",
        "Invalid email or password",
    )
}

#[derive(Serialize)]
struct SignedIn<'a> {
    redirect: bool,
    token: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    user: UserJson<'a>,
}

/// `POST /sign-in/email`.
pub fn sign_in_email(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    let (Some(email), Some(password)) = (call.body_str("email"), call.body_str("password")) else {
        return api_error(400, "VALIDATION_ERROR", "[body] Invalid input");
    };
    let email = match checked_email(email) {
        Ok(email) => email,
        Err(rejection) => return rejection.to_response(),
    };
    if utf16_len(password) > MAX_PASSWORD_LENGTH {
        return invalid_credentials();
    }
    let credential = match ctx.users.credential_by_email(&email) {
        Ok(credential) => credential,
        Err(cause) => return internal("sign-in: looking up the user", &cause),
    };
    let Some((credential, account_id, stored)) = credential.and_then(|c| {
        let account_id = c.account_id.clone()?;
        let stored = c.password_hash.clone()?;
        Some((c, account_id, stored))
    }) else {
        // Same cost as a real check, so response times do not reveal the email.
        verify_against_dummy(password);
        return invalid_credentials();
    };
    match verify_password(&stored, password) {
        Verification::Valid { needs_upgrade } => {
            if needs_upgrade {
                upgrade_hash(ctx, &account_id, password);
            }
        }
        Verification::Invalid => return invalid_credentials(),
        Verification::Malformed => {
            eprintln!("auth: sign-in: account {account_id} holds a malformed password hash");
            return invalid_credentials();
        }
    }
    let (ip_address, user_agent) = client_facts(call);
    let request = SessionRequest {
        user_id: credential.user.id.clone(),
        remember: Some(call.body_bool("rememberMe") != Some(false)),
        ip_address,
        user_agent,
        cookie_header: call.request.cookie_header(),
    };
    let (session, cookies) = match ctx
        .sessions
        .create(&request, Owner::Existing(&credential.user))
    {
        Ok(Creation::Created(session, cookies)) => (session, cookies),
        Ok(Creation::EmailTaken) => return internal("sign-in", "unexpected email-taken"),
        Err(cause) => return internal("sign-in: creating the session", &cause),
    };
    let callback_url = call.body_str("callbackURL");
    let body = SignedIn {
        redirect: callback_url.is_some(),
        token: &session.token,
        url: callback_url,
        user: UserJson::from(&credential.user),
    };
    let mut response = with_cookies(Response::json(200, &body), &cookies);
    // The origin check vetted the URL; the header is still never protocol-relative.
    if let Some(url) = callback_url.filter(|url| is_safe_location(url)) {
        response = response.with_header("location", url);
    }
    response
}

/// Replaces a legacy hash, or one of other Argon2id parameters, after a successful
/// check. A failure only costs the upgrade (retried at the next sign-in), never the
/// sign-in.
fn upgrade_hash(ctx: &AuthContext<'_>, account_id: &str, password: &str) {
    let upgraded = hash_password(password)
        .map_err(|e| e.to_string())
        .and_then(|hash| ctx.users.set_password_hash(account_id, &hash, ctx.now_ms));
    if let Err(cause) = upgraded {
        eprintln!(
            "auth: sign-in: upgrading the password hash of account {account_id} failed: {cause}"
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::router::handle;
    use crate::store::Credential;
    use crate::testing::{FakeSessions, FakeUsers, context, user};
    use crate::urls::hostile;
    use spinstack_http::Request;
    use spinstack_passwords::hash_password;

    /// spec §4's legacy test vector: password `password123`.
    const LEGACY: &str = "0123456789abcdef0123456789abcdef:e8b256b6f9f4b1641136a66d4a26ba41a47b6c8c9bad6aa4145559ffda45ece1f0f16dec8482a3e5545feada0ba62f2b05eeb943b750c9396874e1762c78d27d";

    fn sign_in(users: &FakeUsers, sessions: &FakeSessions, body: &str) -> (u16, String) {
        let request = Request::new("POST", "/api/auth/sign-in/email")
            .with_header("content-type", "application/json")
            .with_body(body);
        let resp = handle(&request, &context(sessions, users));
        (
            resp.status,
            String::from_utf8_lossy(&resp.body).into_owned(),
        )
    }

    fn users_with_legacy_hash() -> FakeUsers {
        let users = FakeUsers::default();
        users.users.borrow_mut().push(Credential {
            user: user("u1", "alice@example.com"),
            account_id: Some("a1".into()),
            password_hash: Some(LEGACY.into()),
        });
        users
    }

    #[test]
    fn legacy_hash_signs_in_and_is_upgraded() {
        let (users, sessions) = (users_with_legacy_hash(), FakeSessions::default());
        let (status, body) = sign_in(
            &users,
            &sessions,
            r#"{"email":"Alice@Example.com","password":"password123"}"#,
        );
        assert_eq!(status, 200, "{body}");
        assert!(body.starts_with(r#"{"redirect":false,"token":"token1","user":{"name":"Alice""#));
        let stored = users.users.borrow()[0]
            .password_hash
            .clone()
            .unwrap_or_default();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert_eq!(sessions.created.borrow()[0].0.remember, Some(true));
    }

    #[test]
    fn wrong_password_and_unknown_email_look_alike() {
        let (users, sessions) = (users_with_legacy_hash(), FakeSessions::default());
        let wrong = sign_in(
            &users,
            &sessions,
            r#"{"email":"alice@example.com","password":"password124"}"#,
        );
        let unknown = sign_in(
            &users,
            &sessions,
            r#"{"email":"bob@example.com","password":"password123"}"#,
        );
        assert_eq!(wrong, unknown);
        assert_eq!(wrong.0, 401);
        assert!(sessions.created.borrow().is_empty());
        assert_eq!(
            users.users.borrow()[0].password_hash.as_deref(),
            Some(LEGACY)
        );
    }

    /// Sign-up never stores a password over 128 UTF-16 units, so sign-in refuses one
    /// before NFKC and hashing: even a hash of it does not let it in.
    #[test]
    fn over_long_passwords_are_refused_before_hashing() {
        let too_long = "\u{1f600}".repeat(64) + "a";
        let users = FakeUsers::default();
        users.users.borrow_mut().push(Credential {
            user: user("u1", "alice@example.com"),
            account_id: Some("a1".into()),
            password_hash: hash_password(&too_long).ok(),
        });
        let sessions = FakeSessions::default();
        let body = |email: &str, password: &str| {
            serde_json::json!({ "email": email, "password": password }).to_string()
        };
        let invalid = (
            401,
            r#"{"message":"Invalid email or password","code":"INVALID_EMAIL_OR_PASSWORD"}"#
                .to_owned(),
        );
        for email in ["alice@example.com", "bob@example.com"] {
            assert_eq!(sign_in(&users, &sessions, &body(email, &too_long)), invalid);
        }
        let huge = "a".repeat(4 * 1024 * 1024);
        assert_eq!(
            sign_in(&users, &sessions, &body("alice@example.com", &huge)),
            invalid
        );
        assert!(sessions.created.borrow().is_empty());
        // The error precedence is unchanged: a bad email is still a 400.
        assert_eq!(
            sign_in(&users, &sessions, &body("nobody", &too_long)).0,
            400
        );
    }

    #[test]
    fn hostile_callback_urls_are_never_echoed_in_location() {
        for callback in hostile::CALLBACK_URLS {
            let (users, sessions) = (users_with_legacy_hash(), FakeSessions::default());
            let body = serde_json::json!({
                "email": "alice@example.com",
                "password": "password123",
                "callbackURL": callback,
            });
            let request = Request::new("POST", "/api/auth/sign-in/email")
                .with_header("content-type", "application/json")
                .with_body(body.to_string());
            let reply = handle(&request, &context(&sessions, &users));
            hostile::assert_stays_home(
                "http://localhost:3000/api/auth/sign-in/email",
                &reply,
                callback,
            );
        }
    }

    #[test]
    fn callback_url_is_echoed_with_redirect() {
        let (users, sessions) = (users_with_legacy_hash(), FakeSessions::default());
        let (status, body) = sign_in(
            &users,
            &sessions,
            r#"{"email":"alice@example.com","password":"password123","callbackURL":"/dashboard","rememberMe":false}"#,
        );
        assert_eq!(status, 200);
        assert!(
            body.starts_with(r#"{"redirect":true,"token":"token1","url":"/dashboard","#),
            "{body}"
        );
        assert_eq!(sessions.created.borrow()[0].0.remember, Some(false));
    }
}
