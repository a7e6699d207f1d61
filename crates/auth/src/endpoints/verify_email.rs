//! `GET /verify-email?token=&callbackURL=` (spec §10.19). With no email sender Better
//! Auth never mints these tokens, but the endpoint is live and accepts any token signed
//! with the secret, so it answers as better-auth 1.7.29 does:
//! - the signature (the `session` component, which holds the secret) and the claims
//!   ([`email_token`](crate::endpoints::email_token)) → `INVALID_TOKEN` /
//!   `TOKEN_EXPIRED`; an unknown user → `USER_NOT_FOUND`. Each is a 401 JSON error,
//!   or with a `callbackURL` a 302 to it with `?error=<CODE>` appended;
//! - a token whose `userId` claim names another user than its email's →
//!   `INVALID_TOKEN`; success marks the email verified (once) and answers
//!   `{"status":true,"user":null}`, or a 302 to the `callbackURL` as given;
//! - a token with `updateTo` (only minted by change-email, which is off) runs the
//!   change-email steps, bound to the token's `userId` (none → `INVALID_TOKEN`, an
//!   unknown id → `USER_NOT_FOUND`, an address the user no longer has →
//!   `INVALID_TOKEN`, another signed-in user → `INVALID_USER`):
//!   `change-email-confirmation` only answers (the mail to the new address has no
//!   sender), `change-email-verification` changes the address keeping its verification
//!   state and the legacy form changes it unverified; a signed-in caller's cookies are
//!   re-sent with the changed user; the answer is `{"status":true,"user":{…}}`.

use serde::Serialize;
use spinstack_http::Response;
use spinstack_sessions::SessionWithUser;
use spinstack_sessions::json::UserJson;

use crate::context::AuthContext;
use crate::endpoints::email_token::{Claims, EmailClaims, check};
use crate::endpoints::guard::{Caller, caller};
use crate::endpoints::{Call, redirect, unbuildable_url, with_cookies};
use crate::error::{api_error, internal};
use crate::store::EmailChange;
use crate::urls::append_query_params;

/// How the endpoint answers: a callback URL turns errors and success into redirects.
struct Reply<'a> {
    callback_url: Option<&'a str>,
}

impl Reply<'_> {
    /// `redirectOnError`: 302 to the callback URL with `?error=`, else a 401.
    fn error(&self, code: &str, message: &str) -> Response {
        match self.callback_url {
            Some(url) => match append_query_params(url, &[("error", code)]) {
                Some(location) => redirect(&location),
                None => unbuildable_url("verify-email"),
            },
            None => api_error(401, code, message),
        }
    }

    /// Success: 302 to the callback URL as given, else `body`.
    fn done<T: Serialize>(&self, body: &T) -> Response {
        match self.callback_url {
            Some(url) => redirect(url),
            None => Response::json(200, body),
        }
    }
}

#[derive(Serialize)]
struct Verified<'a> {
    status: bool,
    user: Option<UserJson<'a>>,
}

/// A non-API error (zod threw on the claims): better-call's empty 500.
fn malformed(problem: &str) -> Response {
    eprintln!("auth: verify-email: a validly signed token has unusable claims: {problem}");
    Response::empty(500)
}

/// `GET /verify-email`.
pub fn verify_email(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    let reply = Reply {
        callback_url: call.query_str("callbackURL").filter(|url| !url.is_empty()),
    };
    let token = call.query_str("token").unwrap_or_default();
    let payload = match ctx.sessions.verify_token(token) {
        Ok(payload) => payload,
        Err(cause) => return internal("verify-email: checking the token", &cause),
    };
    let claims = match payload.map(|payload| check(&payload, ctx.now_ms.div_euclid(1000))) {
        None | Some(Claims::Invalid) => return reply.error("INVALID_TOKEN", "Invalid token"),
        Some(Claims::Expired) => return reply.error("TOKEN_EXPIRED", "Token expired"),
        Some(Claims::Malformed(problem)) => return malformed(&problem),
        Some(Claims::Valid(claims)) => claims,
    };
    if let Some(update_to) = claims.update_to.as_deref().filter(|to| !to.is_empty()) {
        return change_email(ctx, call, &reply, &claims, update_to);
    }
    let email = claims.email.to_lowercase();
    let user = match ctx.users.user_by_email(&email) {
        Ok(Some(user)) => user,
        Ok(None) => return reply.error("USER_NOT_FOUND", "User not found"),
        Err(cause) => return internal("verify-email: reading the user", &cause),
    };
    // A token bound to another user's id is not this user's (1.7.29).
    if claims.user_id.as_ref().is_some_and(|id| *id != user.id) {
        return reply.error("INVALID_TOKEN", "Invalid token");
    }
    if !user.email_verified {
        let change = EmailChange {
            new_email: None,
            email_verified: true,
        };
        if let Err(cause) = ctx.users.update_user_by_email(&email, change, ctx.now_ms) {
            return internal("verify-email: marking the email verified", &cause);
        }
    }
    reply.done(&Verified {
        status: true,
        user: None,
    })
}

/// The change-email steps of a token with `updateTo` (better-auth 1.7.29): the token
/// must name its user by id, that user must still have the token's address, and a
/// signed-in caller must be that user.
fn change_email(
    ctx: &AuthContext<'_>,
    call: &Call<'_>,
    reply: &Reply<'_>,
    claims: &EmailClaims,
    update_to: &str,
) -> Response {
    let Some(user_id) = claims.user_id.as_deref() else {
        return reply.error("INVALID_TOKEN", "Invalid token");
    };
    let bound = match ctx.users.user_by_id(user_id) {
        Ok(Some(user)) => user,
        Ok(None) => return reply.error("USER_NOT_FOUND", "User not found"),
        Err(cause) => return internal("verify-email: reading the user", &cause),
    };
    // The token's address as signed, against the stored one lower-cased, as upstream.
    if bound.email.to_lowercase() != claims.email {
        return reply.error("INVALID_TOKEN", "Invalid token");
    }
    let (signed_in, mut cookies) = match caller(ctx, call) {
        Ok(Caller::SignedIn(signed_in)) => {
            let cookies = signed_in.cookies.clone();
            (Some(signed_in), cookies)
        }
        Ok(Caller::Anonymous(cookies)) => (None, cookies),
        Err(response) => return response,
    };
    if signed_in
        .as_ref()
        .is_some_and(|s| s.live.user.id != bound.id)
    {
        return with_cookies(reply.error("INVALID_USER", "Invalid user"), &cookies);
    }
    let email_verified = match claims.request_type.as_deref() {
        Some("change-email-confirmation") => {
            // Upstream mails a change-email-verification token to the new address here;
            // there is no sender.
            return with_cookies(reply.done(&serde_json::json!({ "status": true })), &cookies);
        }
        // The new address keeps the verification state of the old one.
        Some("change-email-verification") => bound.email_verified,
        // The legacy flow: the address changes at once, unverified.
        _ => false,
    };
    // `updateUser` lower-cases the new address (and checks nothing else).
    let new_email = update_to.to_lowercase();
    let change = EmailChange {
        new_email: Some(&new_email),
        email_verified,
    };
    let updated = match ctx
        .users
        .update_user_by_email(&bound.email, change, ctx.now_ms)
    {
        Ok(Some(updated)) => updated,
        Ok(None) => return with_cookies(malformed("the user vanished"), &cookies),
        Err(cause) => {
            return with_cookies(
                internal("verify-email: changing the email", &cause),
                &cookies,
            );
        }
    };
    // A signed-in caller's cookies carry the changed user (the cookie cache).
    if let Some(signed_in) = &signed_in {
        let live = SessionWithUser {
            session: signed_in.live.session.clone(),
            user: updated.clone(),
        };
        match ctx
            .sessions
            .reissue(&live, call.request.cookie_header().as_deref())
        {
            Ok(session_cookies) => cookies.extend(session_cookies),
            Err(cause) => {
                return with_cookies(
                    internal("verify-email: setting the session cookies", &cause),
                    &cookies,
                );
            }
        }
    }
    let body = Verified {
        status: true,
        user: Some(UserJson::from(&updated)),
    };
    with_cookies(reply.done(&body), &cookies)
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use hmac::{Hmac, Mac};
    use sha2::Sha256;
    use spinstack_http::{Request, Response};

    use crate::router::handle;
    use crate::store::Credential;
    use crate::testing::{FakeSessions, FakeUsers, NOW, SECRET, context, outcome, user};
    use crate::urls::{form_encode, hostile};

    const NOW_SECS: i64 = NOW / 1000;

    fn jwt(payload: &str, secret: &str) -> String {
        let data = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256"}"#),
            URL_SAFE_NO_PAD.encode(payload)
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key");
        mac.update(data.as_bytes());
        format!(
            "{data}.{}",
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        )
    }

    fn world() -> (FakeSessions, FakeUsers) {
        let users = FakeUsers::default();
        for (id, email) in [("u1", "alice@example.com"), ("u2", "bob@example.com")] {
            users.users.borrow_mut().push(Credential {
                user: user(id, email),
                account_id: None,
                password_hash: None,
            });
        }
        (FakeSessions::default(), users)
    }

    fn verify(world: &(FakeSessions, FakeUsers), query: &str, cookie: Option<&str>) -> Response {
        let mut request = Request::new("GET", &format!("/api/auth/verify-email?{query}"));
        if let Some(cookie) = cookie {
            request = request.with_header("cookie", cookie);
        }
        handle(&request, &context(&world.0, &world.1))
    }

    #[test]
    fn token_errors_are_401_or_redirects() {
        let world = world();
        let expired = jwt(
            &format!(r#"{{"email":"alice@example.com","exp":{NOW_SECS}}}"#),
            SECRET,
        );
        let forged = jwt(
            r#"{"email":"alice@example.com"}"#,
            "another-secret-another-secret!!",
        );
        let stranger = jwt(r#"{"email":"carol@example.com"}"#, SECRET);
        for (token, code, message) in [
            (expired.as_str(), "TOKEN_EXPIRED", "Token expired"),
            (forged.as_str(), "INVALID_TOKEN", "Invalid token"),
            ("x.y.z", "INVALID_TOKEN", "Invalid token"),
            (stranger.as_str(), "USER_NOT_FOUND", "User not found"),
        ] {
            let reply = verify(&world, &format!("token={token}"), None);
            assert_eq!(
                outcome(&reply).1,
                format!(r#"{{"message":"{message}","code":"{code}"}}"#)
            );
            assert_eq!(reply.status, 401);
            let redirected = verify(
                &world,
                &format!("token={token}&callbackURL=%2Fdone%3Fa%3D1%23f"),
                None,
            );
            assert_eq!(redirected.status, 302);
            let location = format!("/done?a=1&error={code}#f");
            assert_eq!(redirected.header("location"), Some(location.as_str()));
        }
        // Signed, but zod refuses the claims: better-call's empty 500.
        let malformed = verify(
            &world,
            &format!("token={}", jwt(r#"{"foo":1}"#, SECRET)),
            None,
        );
        assert_eq!(malformed, Response::empty(500));
    }

    #[test]
    fn verifies_once_and_redirects_as_given() {
        let world = world();
        let token = jwt(r#"{"email":"ALICE@example.com"}"#, SECRET);
        let done = verify(&world, &format!("token={token}"), None);
        assert_eq!(
            outcome(&done),
            (200, r#"{"status":true,"user":null}"#.to_owned(), vec![])
        );
        assert!(world.1.users.borrow()[0].user.email_verified);
        let updated_at = world.1.users.borrow()[0].user.updated_at;
        assert_eq!(updated_at, NOW);
        let again = verify(
            &world,
            &format!("token={token}&callbackURL=%2Fok%3Fx"),
            None,
        );
        assert_eq!(
            (again.status, again.header("location")),
            (302, Some("/ok?x"))
        );
        assert!(again.body.is_empty());
        assert_eq!(verify(&world, "callbackURL=%2Fok", None).status, 400);
    }

    #[test]
    fn hostile_callback_urls_never_redirect_off_site() {
        let world = world();
        // The review's case: 1.7.5 answers `302 Location: //evil.com?error=INVALID_TOKEN`.
        let traversal = verify(&world, "token=x&callbackURL=/..//evil.com", None);
        assert_eq!(
            outcome(&traversal),
            (
                403,
                r#"{"message":"Invalid callbackURL","code":"INVALID_CALLBACK_URL"}"#.to_owned(),
                vec![]
            )
        );
        let valid = jwt(r#"{"email":"alice@example.com"}"#, SECRET);
        for callback in hostile::CALLBACK_URLS {
            for token in ["x", valid.as_str()] {
                let query = form_encode(&[("token", token), ("callbackURL", callback)]);
                let reply = verify(&world, &query, None);
                hostile::assert_stays_home(
                    &format!("http://localhost:3000/api/auth/verify-email?{query}"),
                    &reply,
                    callback,
                );
            }
        }
    }

    #[test]
    fn a_token_bound_to_another_user_verifies_nothing() {
        let world = world();
        let foreign = jwt(r#"{"email":"alice@example.com","userId":"u2"}"#, SECRET);
        assert_eq!(
            outcome(&verify(&world, &format!("token={foreign}"), None)).1,
            r#"{"message":"Invalid token","code":"INVALID_TOKEN"}"#
        );
        assert!(!world.1.users.borrow()[0].user.email_verified);
        let own = jwt(r#"{"email":"alice@example.com","userId":"u1"}"#, SECRET);
        let reply = verify(&world, &format!("token={own}"), None);
        assert_eq!(outcome(&reply).0, 200);
        assert!(world.1.users.borrow()[0].user.email_verified);
    }

    #[test]
    fn change_email_steps() {
        let world = world();
        let unverified = verify(
            &world,
            &format!(
                "token={}",
                jwt(
                    r#"{"email":"alice@example.com","updateTo":"new@example.com","requestType":"change-email-confirmation"}"#,
                    SECRET,
                )
            ),
            None,
        );
        // 1.7.29 binds change-email tokens to a user id: without one, no change.
        assert_eq!(
            outcome(&unverified),
            (
                401,
                r#"{"message":"Invalid token","code":"INVALID_TOKEN"}"#.to_owned(),
                vec![]
            )
        );
        let unknown = jwt(
            r#"{"email":"alice@example.com","updateTo":"new@example.com","userId":"nobody"}"#,
            SECRET,
        );
        assert_eq!(
            outcome(&verify(&world, &format!("token={unknown}"), None)).1,
            r#"{"message":"User not found","code":"USER_NOT_FOUND"}"#
        );
        let not_alices = jwt(
            r#"{"email":"bob@example.com","updateTo":"new@example.com","userId":"u1"}"#,
            SECRET,
        );
        assert_eq!(
            outcome(&verify(&world, &format!("token={not_alices}"), None)).1,
            r#"{"message":"Invalid token","code":"INVALID_TOKEN"}"#
        );
        // Confirmation: nothing changes.
        let confirm = jwt(
            r#"{"email":"alice@example.com","updateTo":"new@example.com","requestType":"change-email-confirmation","userId":"u1"}"#,
            SECRET,
        );
        let reply = verify(&world, &format!("token={confirm}"), None);
        assert_eq!(
            outcome(&reply),
            (200, r#"{"status":true}"#.to_owned(), vec![])
        );
        assert_eq!(world.1.users.borrow()[0].user.email, "alice@example.com");
        // Verification, signed out: the address changes, keeping its verification
        // state; nobody is signed in (1.7.29 no longer creates a session).
        let change = jwt(
            r#"{"email":"alice@example.com","updateTo":"New@example.com","requestType":"change-email-verification","userId":"u1"}"#,
            SECRET,
        );
        let reply = verify(&world, &format!("token={change}"), None);
        let (status, body, cookies) = outcome(&reply);
        assert_eq!((status, cookies), (200, vec![]));
        assert!(body.starts_with(r#"{"status":true,"user":{"name":"Alice","email":"new@example.com","emailVerified":false,"#), "{body}");
        assert!(world.0.created.borrow().is_empty());
        // Signed in as someone else: INVALID_USER.
        let bob = world.1.users.borrow()[1].user.clone();
        world.0.sign_in(&bob, "tok-b", NOW);
        let legacy = jwt(
            r#"{"email":"new@example.com","updateTo":"x@example.com","userId":"u1"}"#,
            SECRET,
        );
        let reply = verify(&world, &format!("token={legacy}"), Some("tok-b"));
        assert_eq!(
            outcome(&reply),
            (
                401,
                r#"{"message":"Invalid user","code":"INVALID_USER"}"#.to_owned(),
                vec![]
            )
        );
        // Signed in as the token's user (legacy step): same session re-sent with the
        // changed user, unverified address.
        let mine = jwt(
            &format!(
                r#"{{"email":"bob@example.com","updateTo":"bob2@example.com","userId":"{}"}}"#,
                bob.id
            ),
            SECRET,
        );
        let reply = verify(&world, &format!("token={mine}"), Some("tok-b"));
        let (status, body, cookies) = outcome(&reply);
        assert_eq!((status, cookies), (200, vec!["session=tok-b"]));
        assert!(
            body.contains(r#""email":"bob2@example.com","emailVerified":false"#),
            "{body}"
        );
        assert_eq!(world.0.reissued.borrow()[0].user.email, "bob2@example.com");
    }
}
