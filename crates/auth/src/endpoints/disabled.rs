//! Endpoints of features this configuration leaves off (no email sender, no account
//! deletion, no change-email, no social providers, no extra session fields): each
//! answers exactly as better-auth does in the template's setup (spec §10.11–§10.14,
//! §10.18, §10.20, §10.23).

use spinstack_http::Response;

use crate::context::AuthContext;
use crate::endpoints::Call;
use crate::endpoints::guard::require_session;
use crate::error::{api_error, message_only};

/// `POST /change-email`: signed in → 400 `CHANGE_EMAIL_DISABLED`.
pub fn change_email(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    match require_session(ctx, call) {
        Ok(caller) => caller.respond(api_error(
            400,
            "CHANGE_EMAIL_DISABLED",
            "Change email is disabled",
        )),
        Err(response) => response,
    }
}

/// `POST /delete-user`: signed in → 404 with an empty body — but, unlike the router's
/// 404, with `Content-Type: application/json` (a thrown `APIError("NOT_FOUND")`,
/// recorded with 1.7.5).
pub fn delete_user(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    match require_session(ctx, call) {
        Ok(caller) => {
            caller.respond(Response::empty(404).with_header("content-type", "application/json"))
        }
        Err(response) => response,
    }
}

/// `GET /delete-user/callback`: 404 `NOT_FOUND`.
pub fn delete_user_callback(_: &AuthContext<'_>, _: &Call<'_>) -> Response {
    api_error(404, "NOT_FOUND", "Not found")
}

/// `POST /request-password-reset`: no sender → 400 `RESET_PASSWORD_DISABLED`.
pub fn request_password_reset(_: &AuthContext<'_>, _: &Call<'_>) -> Response {
    api_error(
        400,
        "RESET_PASSWORD_DISABLED",
        "Reset password isn't enabled",
    )
}

/// `POST /send-verification-email`: no sender → 400 `VERIFICATION_EMAIL_NOT_ENABLED`.
pub fn send_verification_email(_: &AuthContext<'_>, _: &Call<'_>) -> Response {
    api_error(
        400,
        "VERIFICATION_EMAIL_NOT_ENABLED",
        "Verification email isn't enabled",
    )
}

/// `POST /update-session`: no additional session fields → 400 "No fields to update".
pub fn update_session(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    match require_session(ctx, call) {
        Ok(caller) => caller.respond(message_only(400, "No fields to update")),
        Err(response) => response,
    }
}

fn provider_not_found() -> Response {
    api_error(404, "PROVIDER_NOT_FOUND", "Provider not found")
}

/// `POST /sign-in/social`: no providers → 404 `PROVIDER_NOT_FOUND`.
pub fn sign_in_social(_: &AuthContext<'_>, _: &Call<'_>) -> Response {
    provider_not_found()
}

/// `POST /link-social`: signed in → 404 `PROVIDER_NOT_FOUND`.
pub fn link_social(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    match require_session(ctx, call) {
        Ok(caller) => caller.respond(provider_not_found()),
        Err(response) => response,
    }
}

#[cfg(test)]
mod tests {
    use spinstack_http::{Request, Response};

    use crate::router::handle;
    use crate::testing::{FakeSessions, FakeUsers, NOW, context, signed_in, user};
    use crate::urls::{form_encode, hostile};

    fn post(path: &str, body: &str) -> Response {
        let sessions = FakeSessions::default();
        sessions.sign_in(&user("u1", "alice@example.com"), "tok", NOW);
        let users = FakeUsers::default();
        handle(&signed_in("POST", path, body), &context(&sessions, &users))
    }

    #[test]
    fn delete_user_callback_never_redirects() {
        let (sessions, users) = (FakeSessions::default(), FakeUsers::default());
        for callback in hostile::CALLBACK_URLS {
            let path = format!(
                "/api/auth/delete-user/callback?{}",
                form_encode(&[("token", "t"), ("callbackURL", callback)])
            );
            let reply = handle(&Request::new("GET", &path), &context(&sessions, &users));
            assert!(
                matches!(reply.status, 403 | 404),
                "{callback}: {}",
                reply.status
            );
            assert_eq!(reply.header("location"), None, "{callback}");
        }
    }

    // Answers recorded from better-auth 1.7.5 in the template's configuration.
    #[test]
    fn disabled_features_answer_as_upstream() {
        assert_eq!(
            post("/api/auth/delete-user", "{}"),
            Response::empty(404).with_header("content-type", "application/json")
        );
        for (path, body, status, expected) in [
            (
                "/api/auth/change-email",
                r#"{"newEmail":"x@example.com"}"#,
                400,
                r#"{"message":"Change email is disabled","code":"CHANGE_EMAIL_DISABLED"}"#,
            ),
            (
                "/api/auth/request-password-reset",
                r#"{"email":"alice@example.com"}"#,
                400,
                r#"{"message":"Reset password isn't enabled","code":"RESET_PASSWORD_DISABLED"}"#,
            ),
            (
                "/api/auth/send-verification-email",
                r#"{"email":"alice@example.com"}"#,
                400,
                r#"{"message":"Verification email isn't enabled","code":"VERIFICATION_EMAIL_NOT_ENABLED"}"#,
            ),
            (
                "/api/auth/update-session",
                r#"{"a":1}"#,
                400,
                r#"{"message":"No fields to update"}"#,
            ),
            (
                "/api/auth/sign-in/social",
                r#"{"provider":"github"}"#,
                404,
                r#"{"message":"Provider not found","code":"PROVIDER_NOT_FOUND"}"#,
            ),
            (
                "/api/auth/link-social",
                r#"{"provider":"github"}"#,
                404,
                r#"{"message":"Provider not found","code":"PROVIDER_NOT_FOUND"}"#,
            ),
        ] {
            let reply = post(path, body);
            assert_eq!(
                (reply.status, String::from_utf8_lossy(&reply.body).as_ref()),
                (status, expected),
                "{path}"
            );
        }
    }
}
