//! The caller's user and password (spec §10.9, §10.10, §10.17): update name/image,
//! change the password (optionally revoking every session and starting a new one),
//! verify the password.

use serde::Serialize;
use serde_json::{Value, json};
use spinstack_http::Response;
use spinstack_passwords::{Verification, check_length, hash_password, verify_password};
use spinstack_sessions::json::UserJson;
use spinstack_sessions::{Creation, Owner, SessionRequest, SessionWithUser};

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
    // The row as it now is, for the cookie cache.
    let mut updated = caller.live.clone();
    if let Some(name) = name {
        name.clone_into(&mut updated.user.name);
    }
    if let Some(image) = image {
        updated.user.image = image.map(ToOwned::to_owned);
    }
    updated.user.updated_at = ctx.now_ms;
    reissue(
        ctx,
        call,
        &caller,
        &updated,
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

/// Sends `response` with the caller's session cookie set again (same token) and
/// `updated` in the cookie cache.
fn reissue(
    ctx: &AuthContext<'_>,
    call: &Call<'_>,
    caller: &SignedIn,
    updated: &SessionWithUser,
    response: Response,
) -> Response {
    let cookie_header = call.request.cookie_header();
    match ctx.sessions.reissue(updated, cookie_header.as_deref()) {
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
    // Revoke every session, then start a fresh one for this client: 7 days, its
    // cookies shaped by a `dont_remember` request cookie (`remember: None`).
    if let Err(cause) = ctx.sessions.revoke_all(&caller.live.user.id, None, None) {
        return caller.respond(internal("change-password: revoking sessions", &cause));
    }
    let (ip_address, user_agent) = client_facts(call);
    let request = SessionRequest {
        user_id: caller.live.user.id.clone(),
        remember: None,
        ip_address,
        user_agent,
        cookie_header: call.request.cookie_header(),
    };
    // The lookup's refresh cookie (for the now deleted session) still goes first, as
    // upstream sends it; then the new session's.
    caller.respond(
        match ctx
            .sessions
            .create(&request, Owner::Existing(&caller.live.user))
        {
            Ok(Creation::Created(session, cookies)) => {
                let body = PasswordChanged {
                    token: Some(&session.token),
                    user,
                };
                with_cookies(Response::json(200, &body), &cookies)
            }
            Ok(Creation::EmailTaken) => internal("change-password", "unexpected email-taken"),
            Err(cause) => internal("change-password: creating the session", &cause),
        },
    )
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

#[cfg(test)]
mod tests {
    use spinstack_http::Response;
    use spinstack_passwords::hash_password;

    use crate::router::handle;
    use crate::store::Credential;
    use crate::testing::{FakeSessions, FakeUsers, NOW, context, outcome, signed_in, user};

    fn world() -> (FakeSessions, FakeUsers) {
        let sessions = FakeSessions {
            resolve_cookies: vec!["session=refreshed".into()],
            ..FakeSessions::default()
        };
        let alice = user("u1", "alice@example.com");
        sessions.sign_in(&alice, "tok", NOW);
        sessions.sign_in(&alice, "tok-2", NOW);
        let users = FakeUsers::default();
        users.users.borrow_mut().push(Credential {
            user: alice,
            account_id: Some("a1".into()),
            password_hash: hash_password("password1234").ok(),
        });
        (sessions, users)
    }

    fn post(world: &(FakeSessions, FakeUsers), path: &str, body: &str) -> Response {
        handle(&signed_in("POST", path, body), &context(&world.0, &world.1))
    }

    #[test]
    fn update_user_reissues_the_cookie() {
        let world = world();
        let reply = post(
            &world,
            "/api/auth/update-user",
            r#"{"name":"B","image":null}"#,
        );
        assert_eq!(
            outcome(&reply),
            (
                200,
                r#"{"status":true}"#.to_owned(),
                vec!["session=refreshed", "session=tok"]
            )
        );
        assert_eq!(world.1.users.borrow()[0].user.name, "B");
        // The cookie cache gets the user as it now is, with the same session.
        let reissued = world.0.reissued.borrow();
        let [live] = reissued.as_slice() else {
            panic!("one reissue expected, got {}", reissued.len());
        };
        assert_eq!(
            (live.session.token.as_str(), live.user.name.as_str()),
            ("tok", "B")
        );
        assert_eq!(
            (live.user.image.as_deref(), live.user.updated_at),
            (None, NOW)
        );
        drop(reissued);
        for (body, expected) in [
            (
                r#"{"emailVerified":true}"#,
                r#"{"message":"No fields to update"}"#,
            ),
            (
                r#"{"email":"x@y.co"}"#,
                r#"{"message":"Email can not be updated","code":"EMAIL_CAN_NOT_BE_UPDATED"}"#,
            ),
        ] {
            let reply = post(&world, "/api/auth/update-user", body);
            assert_eq!((reply.status, outcome(&reply).1.as_str()), (400, expected));
        }
    }

    #[test]
    fn change_password_with_and_without_revoking() {
        let world = world();
        let wrong = post(
            &world,
            "/api/auth/change-password",
            r#"{"newPassword":"password5678","currentPassword":"nope-nope"}"#,
        );
        assert_eq!(
            outcome(&wrong).1,
            r#"{"message":"Invalid password","code":"INVALID_PASSWORD"}"#
        );
        let kept = post(
            &world,
            "/api/auth/change-password",
            r#"{"newPassword":"password5678","currentPassword":"password1234"}"#,
        );
        let (status, body, cookies) = outcome(&kept);
        assert_eq!((status, cookies), (200, vec!["session=refreshed"]));
        assert!(
            body.starts_with(r#"{"token":null,"user":{"name":"Alice""#),
            "{body}"
        );
        assert_eq!(world.0.sessions.borrow().len(), 2);

        let revoked = post(
            &world,
            "/api/auth/change-password",
            r#"{"newPassword":"password1234","currentPassword":"password5678","revokeOtherSessions":true}"#,
        );
        let (status, body, cookies) = outcome(&revoked);
        // The refresh cookie of the old session first, then the new session's, as 1.7.5.
        assert_eq!(
            (status, cookies),
            (200, vec!["session=refreshed", "session=set"])
        );
        assert!(body.starts_with(r#"{"token":"token1","user":"#), "{body}");
        assert!(world.0.sessions.borrow().is_empty());
        // No explicit rememberMe: the session component makes a 7-day session and
        // lets a dont_remember cookie shape its cookies.
        assert_eq!(world.0.created.borrow()[0].0.remember, None);
    }

    #[test]
    fn verify_password() {
        let world = world();
        let ok = post(
            &world,
            "/api/auth/verify-password",
            r#"{"password":"password1234"}"#,
        );
        assert_eq!(outcome(&ok).1, r#"{"status":true}"#);
        let wrong = post(&world, "/api/auth/verify-password", r#"{"password":"x"}"#);
        assert_eq!(wrong.status, 400);
    }

    #[test]
    fn passwords_longer_than_the_maximum_are_wrong_unhashed() {
        // A stored hash of a 129-character password (as a looser server might have
        // written): the same password is still refused, for verify and change alike.
        let long = "p".repeat(129);
        let world = world();
        world.1.users.borrow_mut()[0].password_hash = hash_password(&long).ok();
        let body = serde_json::json!({ "password": long }).to_string();
        let refused = post(&world, "/api/auth/verify-password", &body);
        assert_eq!(
            outcome(&refused).1,
            r#"{"message":"Invalid password","code":"INVALID_PASSWORD"}"#
        );
        let body = serde_json::json!({ "newPassword": "password5678", "currentPassword": long })
            .to_string();
        let refused = post(&world, "/api/auth/change-password", &body);
        assert_eq!(
            outcome(&refused).1,
            r#"{"message":"Invalid password","code":"INVALID_PASSWORD"}"#
        );
        // At the maximum it is still checked.
        let max = "p".repeat(128);
        world.1.users.borrow_mut()[0].password_hash = hash_password(&max).ok();
        let body = serde_json::json!({ "password": max }).to_string();
        let ok = post(&world, "/api/auth/verify-password", &body);
        assert_eq!(outcome(&ok).1, r#"{"status":true}"#);
    }
}
