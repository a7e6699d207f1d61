//! The caller's user and password (spec §10.9, §10.10, §10.17): update name/image,
//! change the password (optionally revoking every session and starting a new one),
//! verify the password.

use serde::Serialize;
use serde_json::{Value, json};
use spinstack_http::Response;
use spinstack_passwords::{Verification, check_length, hash_password, verify_password};
use spinstack_sessions::json::UserJson;
use spinstack_sessions::{Creation, SessionRequest};

use crate::context::AuthContext;
use crate::endpoints::guard::{SignedIn, require_session};
use crate::endpoints::sign_up::length_error;
use crate::endpoints::{Call, client_facts, with_cookies};
use crate::error::{api_error, internal, message_only};

fn invalid_password() -> Response {
    api_error(400, "INVALID_PASSWORD", "Invalid password")
}

/// JavaScript truthiness of a JSON value.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// `POST /update-user`: `name` and/or `image` (`null` clears it); `email` refused.
/// Unlike upstream, a non-string `name` or `image` is a 400, never a database error.
pub fn update_user(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    let caller = match require_session(ctx, call) {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let body = call.body.as_ref().and_then(Value::as_object);
    let field = |key: &str| body.and_then(|b| b.get(key));
    if field("email").is_some_and(truthy) {
        return caller.respond(api_error(
            400,
            "EMAIL_CAN_NOT_BE_UPDATED",
            "Email can not be updated",
        ));
    }
    let name = match field("name") {
        None => None,
        Some(Value::String(name)) => Some(name.as_str()),
        Some(other) => return caller.respond(type_error("name", "string", other)),
    };
    let image = match field("image") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(image)) => Some(Some(image.as_str())),
        Some(other) => return caller.respond(type_error("image", "string", other)),
    };
    if name.is_none() && image.is_none() {
        return caller.respond(message_only(400, "No fields to update"));
    }
    if let Err(cause) = ctx
        .users
        .update_user(&caller.live.user.id, name, image, ctx.now_ms)
    {
        return caller.respond(internal("update-user", &cause));
    }
    reissue(
        ctx,
        call,
        &caller,
        Response::json(200, &json!({ "status": true })),
    )
}

fn type_error(field: &str, expected: &str, got: &Value) -> Response {
    let received = spinstack_auth_rules::validation::received(Some(got));
    api_error(
        400,
        "VALIDATION_ERROR",
        &format!("[body.{field}] Invalid input: expected {expected}, received {received}"),
    )
}

/// Sends `response` with the caller's session cookie set again (same token).
fn reissue(
    ctx: &AuthContext<'_>,
    call: &Call<'_>,
    caller: &SignedIn,
    response: Response,
) -> Response {
    let cookie_header = call.request.cookie_header();
    match ctx
        .sessions
        .reissue(&caller.live.session.token, cookie_header.as_deref())
    {
        Ok(cookies) => caller.respond(with_cookies(response, &cookies)),
        Err(cause) => caller.respond(internal("re-issuing the session cookie", &cause)),
    }
}

/// The caller's credential: `(account id, stored hash)`, or the error response.
fn credential(ctx: &AuthContext<'_>, caller: &SignedIn) -> Result<(String, String), Response> {
    match ctx.users.credential_of(&caller.live.user.id) {
        Ok(Some((account_id, Some(hash)))) => Ok((account_id, hash)),
        Ok(_) => Err(caller.respond(api_error(
            400,
            "CREDENTIAL_ACCOUNT_NOT_FOUND",
            "Credential account not found",
        ))),
        Err(cause) => Err(caller.respond(internal("reading the credential", &cause))),
    }
}

#[derive(Serialize)]
struct PasswordChanged<'a> {
    token: Option<&'a str>,
    user: UserJson<'a>,
}

/// `POST /change-password`.
pub fn change_password(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    let caller = match require_session(ctx, call) {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let new_password = call.body_str("newPassword").unwrap_or_default();
    let current_password = call.body_str("currentPassword").unwrap_or_default();
    if let Err(error) = check_length(new_password) {
        return caller.respond(length_error(error));
    }
    let (account_id, stored) = match credential(ctx, &caller) {
        Ok(found) => found,
        Err(response) => return response,
    };
    if !verify_password(&stored, current_password).is_valid() {
        return caller.respond(invalid_password());
    }
    let stored = hash_password(new_password)
        .map_err(|e| e.to_string())
        .and_then(|hash| ctx.users.set_password_hash(&account_id, &hash, ctx.now_ms));
    if let Err(cause) = stored {
        return caller.respond(internal("change-password: storing the hash", &cause));
    }
    let user = UserJson::from(&caller.live.user);
    if call.body_bool("revokeOtherSessions") != Some(true) {
        let body = PasswordChanged { token: None, user };
        return caller.respond(Response::json(200, &body));
    }
    // Revoke every session, then start a fresh one for this client.
    if let Err(cause) = ctx.sessions.revoke_all(&caller.live.user.id, None) {
        return caller.respond(internal("change-password: revoking sessions", &cause));
    }
    let (ip_address, user_agent) = client_facts(call.request);
    let request = SessionRequest {
        user_id: caller.live.user.id.clone(),
        remember: None,
        ip_address,
        user_agent,
        cookie_header: call.request.cookie_header(),
    };
    match ctx.sessions.create(&request, None) {
        Ok(Creation::Created(session, cookies)) => {
            let body = PasswordChanged {
                token: Some(&session.token),
                user,
            };
            with_cookies(Response::json(200, &body), &cookies)
        }
        Ok(Creation::EmailTaken) => internal("change-password", "unexpected email-taken"),
        Err(cause) => internal("change-password: creating the session", &cause),
    }
}

/// `POST /verify-password`.
pub fn verify_password_endpoint(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    let caller = match require_session(ctx, call) {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let (_, stored) = match credential(ctx, &caller) {
        Ok(found) => found,
        Err(response) => return response,
    };
    match verify_password(&stored, call.body_str("password").unwrap_or_default()) {
        Verification::Valid { .. } => {
            caller.respond(Response::json(200, &json!({ "status": true })))
        }
        Verification::Invalid | Verification::Malformed => caller.respond(invalid_password()),
    }
}
