//! `POST /sign-in/email` (spec §10.2): the email check, the credential lookup, a
//! constant-cost password check (unknown emails burn a full hash too), the transparent
//! upgrade of legacy scrypt hashes to Argon2id, then a new session.

use serde::Serialize;
use spinstack_auth_rules::email::sign_in_email as checked_email;
use spinstack_http::Response;
use spinstack_passwords::{Verification, hash_password, verify_against_dummy, verify_password};
use spinstack_sessions::json::UserJson;
use spinstack_sessions::{Creation, SessionRequest};

use crate::context::AuthContext;
use crate::endpoints::{Call, client_facts, with_cookies};
use crate::error::{api_error, internal};

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
    let (ip_address, user_agent) = client_facts(call.request);
    let request = SessionRequest {
        user_id: credential.user.id.clone(),
        remember: Some(call.body_bool("rememberMe") != Some(false)),
        ip_address,
        user_agent,
        cookie_header: call.request.cookie_header(),
    };
    let (session, cookies) = match ctx.sessions.create(&request, None) {
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
    if let Some(url) = callback_url {
        response = response.with_header("location", url);
    }
    response
}

/// Replaces a legacy or weaker hash after a successful check. A failure only costs
/// the upgrade (retried at the next sign-in), never the sign-in.
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
    use spinstack_http::Request;

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
