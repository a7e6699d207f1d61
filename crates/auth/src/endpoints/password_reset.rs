//! Password reset by token (spec §10.15, §10.16). With no email sender configured no
//! reset can be requested, so a token exists only if a `reset-password:<token>` row
//! was put in `verification` by other means; both endpoints still answer as 1.7.5 does.
//!
//! - `GET /reset-password/:token?callbackURL=` redirects to the callback URL (resolved
//!   against the base URL) with `?token=`, or with `?error=INVALID_TOKEN` for an
//!   unknown or expired token (to `<baseURL>/error` without a callback URL).
//! - `POST /reset-password` consumes the token atomically, sets the password (creating
//!   the credential account of a user who has none) and answers `{"status":true}`.
//!
//! One deliberate difference: a reset also signs the user out everywhere (spec §12
//! item 6 — upstream's `revokeSessionsOnPasswordReset` defaults to off, leaving a
//! thief's sessions alive). The response is the same.

use serde_json::json;
use spinstack_http::Response;
use spinstack_passwords::{check_length, hash_password};

use crate::context::AuthContext;
use crate::endpoints::sign_up::length_error;
use crate::endpoints::{Call, redirect, unbuildable_url};
use crate::error::{api_error, internal};
use crate::urls::with_params;

fn identifier(token: &str) -> String {
    format!("reset-password:{token}")
}

fn invalid_token() -> Response {
    api_error(400, "INVALID_TOKEN", "Invalid token")
}

/// `GET /reset-password/:token`.
pub fn reset_password_callback(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    let token = call.param.as_deref().unwrap_or_default();
    // The query schema makes `callbackURL` a string; it may be empty.
    let callback_url = call.query_str("callbackURL").unwrap_or_default();
    let failed = || {
        let location = if callback_url.is_empty() {
            with_params(
                &format!("{}/error", ctx.base_url),
                "",
                &[("error", "INVALID_TOKEN")],
            )
        } else {
            with_params(&ctx.base_url, callback_url, &[("error", "INVALID_TOKEN")])
        };
        location.map_or_else(|| unbuildable_url("reset-password"), |url| redirect(&url))
    };
    if token.is_empty() || callback_url.is_empty() {
        return failed();
    }
    match ctx
        .verifications
        .find_verification(&identifier(token), ctx.now_ms)
    {
        Ok(Some(row)) if row.expires_at >= ctx.now_ms => {
            match with_params(&ctx.base_url, callback_url, &[("token", token)]) {
                Some(location) => redirect(&location),
                None => unbuildable_url("reset-password"),
            }
        }
        Ok(_) => failed(),
        Err(cause) => internal("reset-password: reading the token", &cause),
    }
}

/// `POST /reset-password`.
pub fn reset_password(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    // `ctx.body.token || ctx.query?.token`: an empty body token falls back.
    let token = call
        .body_str("token")
        .filter(|token| !token.is_empty())
        .or_else(|| call.query_str("token"))
        .filter(|token| !token.is_empty());
    let Some(token) = token else {
        return invalid_token();
    };
    let new_password = call.body_str("newPassword").unwrap_or_default();
    if let Err(error) = check_length(new_password) {
        return length_error(error);
    }
    let user_id = match ctx.verifications.consume_verification(&identifier(token)) {
        Ok(Some(row)) if row.expires_at >= ctx.now_ms => row.value,
        Ok(_) => return invalid_token(),
        Err(cause) => return internal("reset-password: consuming the token", &cause),
    };
    match ctx.users.user_by_id(&user_id) {
        Ok(Some(_)) => {}
        Ok(None) => return api_error(400, "USER_NOT_FOUND", "User not found"),
        Err(cause) => return internal("reset-password: reading the user", &cause),
    }
    let stored = hash_password(new_password)
        .map_err(|e| e.to_string())
        .and_then(|hash| {
            let account_id = spinstack_ids::generate_id().map_err(|e| e.to_string())?;
            ctx.users
                .set_or_create_credential(&user_id, &account_id, &hash, ctx.now_ms)
        });
    if let Err(cause) = stored {
        return internal("reset-password: storing the password", &cause);
    }
    if let Err(cause) = ctx.sessions.revoke_all(&user_id, None, None) {
        return internal("reset-password: revoking sessions", &cause);
    }
    Response::json(200, &json!({ "status": true }))
}

#[cfg(test)]
mod tests {
    use spinstack_http::{Request, Response};

    use crate::router::handle;
    use crate::store::Credential;
    use crate::testing::{
        FakeSessions, FakeUsers, FakeVerifications, NOW, context_with, outcome, user,
    };
    use crate::urls::{form_encode, hostile};

    struct World {
        sessions: FakeSessions,
        users: FakeUsers,
        rows: FakeVerifications,
    }

    impl World {
        fn new() -> Self {
            let world = Self {
                sessions: FakeSessions::default(),
                users: FakeUsers::default(),
                rows: FakeVerifications::default(),
            };
            let alice = user("u1", "alice@example.com");
            world.sessions.sign_in(&alice, "tok-a", NOW);
            world.users.users.borrow_mut().push(Credential {
                user: alice,
                account_id: Some("a1".into()),
                password_hash: Some("old".into()),
            });
            world
                .rows
                .insert("reset-password:good", "u1", NOW + 3_600_000);
            world.rows.insert("reset-password:old", "u1", NOW - 1);
            world.rows.insert("reset-password:ghost", "nobody", NOW + 1);
            world
        }

        fn call(&self, request: Request) -> Response {
            handle(
                &request,
                &context_with(&self.sessions, &self.users, &self.rows),
            )
        }

        fn get(&self, path: &str) -> Response {
            self.call(Request::new("GET", path))
        }

        fn post(&self, path: &str, body: &str) -> Response {
            self.call(
                Request::new("POST", path)
                    .with_header("content-type", "application/json")
                    .with_body(body.to_owned()),
            )
        }
    }

    const INVALID: &str = r#"{"message":"Invalid token","code":"INVALID_TOKEN"}"#;

    #[test]
    fn link_redirects_with_the_token_or_an_error() {
        let world = World::new();
        let ok = world.get("/api/auth/reset-password/good?callbackURL=%2Freset");
        assert_eq!(ok.status, 302);
        assert_eq!(
            ok.headers,
            [
                (
                    "location".to_owned(),
                    "http://localhost:3000/reset?token=good".to_owned()
                ),
                ("content-type".to_owned(), "application/json".to_owned()),
            ]
        );
        assert!(ok.body.is_empty());
        for (path, location) in [
            (
                "/api/auth/reset-password/old?callbackURL=%2Freset",
                "http://localhost:3000/reset?error=INVALID_TOKEN",
            ),
            (
                "/api/auth/reset-password/nope?callbackURL=http%3A%2F%2Flocalhost%3A3001%2Fr%3Fa%3D1",
                "http://localhost:3001/r?a=1&error=INVALID_TOKEN",
            ),
            (
                "/api/auth/reset-password/good?callbackURL=",
                "http://localhost:3000/api/auth/error?error=INVALID_TOKEN",
            ),
        ] {
            let reply = world.get(path);
            assert_eq!(
                (reply.status, reply.header("location")),
                (302, Some(location))
            );
        }
        // Reading purged the expired row; the valid one stays for the POST.
        assert_eq!(world.rows.rows.borrow().len(), 2);
        // Rules before the handler: the callback URL is required and trusted.
        assert_eq!(world.get("/api/auth/reset-password/good").status, 400);
        let foreign = world.get("/api/auth/reset-password/good?callbackURL=https%3A%2F%2Fevil.com");
        assert_eq!(foreign.status, 403);
    }

    #[test]
    fn hostile_callback_urls_never_redirect_off_site() {
        let world = World::new();
        for callback in hostile::CALLBACK_URLS {
            for token in ["good", "nope"] {
                let path = format!(
                    "/api/auth/reset-password/{token}?{}",
                    form_encode(&[("callbackURL", callback)])
                );
                let reply = world.get(&path);
                hostile::assert_stays_home(
                    &format!("http://localhost:3000{path}"),
                    &reply,
                    callback,
                );
            }
        }
    }

    #[test]
    fn reset_consumes_the_token_and_sets_the_password() {
        let world = World::new();
        let reset = |body: &str| outcome(&world.post("/api/auth/reset-password", body)).0;
        assert_eq!(
            outcome(&world.post(
                "/api/auth/reset-password",
                r#"{"newPassword":"password5678"}"#
            ))
            .1,
            INVALID
        );
        let short = world.post(
            "/api/auth/reset-password",
            r#"{"newPassword":"short","token":"good"}"#,
        );
        assert_eq!(
            outcome(&short).1,
            r#"{"message":"Password too short","code":"PASSWORD_TOO_SHORT"}"#
        );
        assert_eq!(
            reset(r#"{"newPassword":"password5678","token":"old"}"#),
            400
        );
        let done = world.post(
            "/api/auth/reset-password?token=good",
            r#"{"newPassword":"password5678","token":""}"#,
        );
        assert_eq!(
            outcome(&done),
            (200, r#"{"status":true}"#.to_owned(), vec![])
        );
        let stored = world.users.users.borrow()[0].password_hash.clone();
        assert!(stored.is_some_and(|hash| hash.starts_with("$argon2id$")));
        assert!(
            world.sessions.sessions.borrow().is_empty(),
            "signed out everywhere"
        );
        // Consumed: a second use fails.
        let again = world.post(
            "/api/auth/reset-password",
            r#"{"newPassword":"password5678","token":"good"}"#,
        );
        assert_eq!(outcome(&again).1, INVALID);
        let ghost = world.post(
            "/api/auth/reset-password",
            r#"{"newPassword":"password5678","token":"ghost"}"#,
        );
        assert_eq!(
            outcome(&ghost),
            (
                400,
                r#"{"message":"User not found","code":"USER_NOT_FOUND"}"#.to_owned(),
                vec![]
            )
        );
    }

    #[test]
    fn database_failures_are_500_without_internals() {
        let mut world = World::new();
        world.rows.fail = true;
        for response in [
            world.get("/api/auth/reset-password/good?callbackURL=%2Freset"),
            world.post(
                "/api/auth/reset-password",
                r#"{"newPassword":"password5678","token":"good"}"#,
            ),
        ] {
            assert_eq!(
                outcome(&response).1,
                r#"{"message":"Internal Server Error","code":"INTERNAL_SERVER_ERROR"}"#
            );
            assert_eq!(response.status, 500);
        }
    }
}
