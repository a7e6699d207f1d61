//! `POST /sign-up/email` (spec §10.1): length checks, the email-taken check, an
//! Argon2id hash, then the user, their credential account and their first session in
//! one atomic statement (the `session` component's `create` with a new user), so a
//! failure leaves no partial rows and two racing sign-ups yield one user and one 422.

use serde::Serialize;
use spinstack_auth_rules::email::normalize_email;
use spinstack_http::Response;
use spinstack_passwords::{LengthError, check_length, hash_password};
use spinstack_sessions::json::UserJson;
use spinstack_sessions::{Creation, Owner, SessionRequest, SignUpUser, User};

use crate::context::AuthContext;
use crate::endpoints::{Call, client_facts, with_cookies};
use crate::error::{api_error, internal};

/// The 400 for a new password outside the length limits.
pub fn length_error(error: LengthError) -> Response {
    match error {
        LengthError::TooShort => api_error(400, "PASSWORD_TOO_SHORT", "Password too short"),
        LengthError::TooLong => api_error(400, "PASSWORD_TOO_LONG", "Password too long"),
    }
}

fn email_taken() -> Response {
    api_error(
        422,
        "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
        "User already exists. Use another email.",
    )
}

#[derive(Serialize)]
struct SignedUp<'a> {
    token: &'a str,
    user: UserJson<'a>,
}

/// `POST /sign-up/email`.
pub fn sign_up_email(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    // The route's schema guarantees name, email and password are strings.
    let (Some(name), Some(email), Some(password)) = (
        call.body_str("name"),
        call.body_str("email"),
        call.body_str("password"),
    ) else {
        return api_error(400, "VALIDATION_ERROR", "[body] Invalid input");
    };
    if let Err(error) = check_length(password) {
        return length_error(error);
    }
    let email = normalize_email(email);
    match ctx.users.email_taken(&email) {
        Ok(true) => return email_taken(),
        Ok(false) => {}
        Err(cause) => return internal("sign-up: checking the email", &cause),
    }
    let password_hash = match hash_password(password) {
        Ok(hash) => hash,
        Err(e) => return internal("sign-up: hashing the password", &e.to_string()),
    };
    let id = match spinstack_ids::generate_id() {
        Ok(id) => id,
        Err(e) => return internal("sign-up: generating an id", &e.to_string()),
    };
    let image = call.body_str("image").map(str::to_owned);
    let new_user = SignUpUser {
        id: id.clone(),
        name: name.to_owned(),
        email: email.clone(),
        image: image.clone(),
        password_hash,
    };
    let (ip_address, user_agent) = client_facts(call);
    let request = SessionRequest {
        user_id: id.clone(),
        // Only an explicit `false` forgets the session.
        remember: Some(call.body_bool("rememberMe") != Some(false)),
        ip_address,
        user_agent,
        cookie_header: call.request.cookie_header(),
    };
    let (session, cookies) = match ctx.sessions.create(&request, Owner::New(&new_user)) {
        Ok(Creation::Created(session, cookies)) => (session, cookies),
        Ok(Creation::EmailTaken) => return email_taken(),
        Err(cause) => return internal("sign-up: creating the user", &cause),
    };
    let user = User {
        id,
        name: name.to_owned(),
        email,
        email_verified: false,
        image,
        created_at: session.created_at,
        updated_at: session.created_at,
    };
    let body = SignedUp {
        token: &session.token,
        user: UserJson::from(&user),
    };
    with_cookies(Response::json(200, &body), &cookies)
}
