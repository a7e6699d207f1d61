//! The operation table: for each method of each Better Auth route, its id, summary,
//! who may call it, and the answers only that endpoint gives — read from the handlers
//! in `crates/auth/src/endpoints` (the errors every route shares are added by
//! [`super::responses`]) — with the links from an answer to the operations its values
//! feed (sign-up to sign-in, a listed session or account to the operations on it).

use serde_json::{Value as Json, json};

use super::models::{ACCOUNT, SESSION, SESSION_WITH_USER, USER, reference};
use super::responses::Answer;

/// Which session the endpoint needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// None.
    Public,
    /// It reads the caller's session if there is one.
    Optional,
    /// `sessionMiddleware`: 401 `UNAUTHORIZED` without one.
    Session,
    /// `freshSessionMiddleware`: also 403 `SESSION_NOT_FRESH` for a day-old session.
    FreshSession,
    /// A session is required, but its absence is a 401 with an empty body (the OAuth
    /// token endpoints' `ctx.error("UNAUTHORIZED")`).
    SessionBare401,
}

/// One operation: a method of a route.
#[derive(Debug, Clone)]
pub struct Operation {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The route as `ENDPOINTS` names it (`/reset-password/:token`).
    pub path: &'static str,
    /// The `operationId` after `auth.`.
    pub id: &'static str,
    /// One line.
    pub summary: &'static str,
    /// More, where the schema does not say it.
    pub description: Option<&'static str>,
    /// Which session it needs.
    pub access: Access,
    /// Query parameters the handler reads without a schema: name, description.
    pub extra_query: &'static [(&'static str, &'static str)],
    /// The answers of this endpoint beyond the shared errors.
    pub answers: Vec<Answer>,
}

fn op(
    method: &'static str,
    path: &'static str,
    id: &'static str,
    summary: &'static str,
    access: Access,
    answers: Vec<Answer>,
) -> Operation {
    Operation {
        method,
        path,
        id,
        summary,
        description: None,
        access,
        extra_query: &[],
        answers,
    }
}

impl Operation {
    fn describe(self, description: &'static str) -> Self {
        Self {
            description: Some(description),
            ..self
        }
    }
}

/// The operation for `method` on the route `path`.
pub fn find<'t>(table: &'t [Operation], method: &str, path: &str) -> Option<&'t Operation> {
    table
        .iter()
        .find(|op| op.method == method && op.path == path)
}

/// `{"status": true}`.
fn status_true() -> Json {
    json!({
        "type": "object",
        "properties": { "status": { "const": true } },
        "required": ["status"],
    })
}

/// An object whose listed keys are required.
fn object(properties: Json, required: &[&str]) -> Json {
    json!({ "type": "object", "properties": properties, "required": required })
}

fn array_of(name: &str) -> Json {
    json!({ "type": "array", "items": reference(name) })
}

const SESSION_COOKIES: &str =
    "The session cookie (and, with `rememberMe: false`, the `dont_remember` cookie).";
const PASSWORD_LENGTH: &str =
    "`PASSWORD_TOO_SHORT` / `PASSWORD_TOO_LONG`: the new password is outside 8–128 characters.";
const NO_FIELDS: &str = "`No fields to update` (no code).";

/// Every operation.
pub fn table() -> Vec<Operation> {
    let mut table = sign_in_and_out();
    table.extend(sessions());
    table.extend(user());
    table.extend(passwords_and_email());
    table.extend(accounts_and_social());
    table.extend(misc());
    table
}

fn sign_in_and_out() -> Vec<Operation> {
    vec![
        op(
            "POST",
            "/sign-up/email",
            "signUpEmail",
            "Sign up with email and password, and sign in",
            Access::Public,
            vec![
                Answer::ok(
                    "Signed up: the new session's token and the user.",
                    object(
                        json!({ "token": { "type": "string" }, "user": reference(USER) }),
                        &["token", "user"],
                    ),
                )
                .with_cookies(SESSION_COOKIES)
                .with_link(
                    "signIn",
                    "Sign in as the user just signed up.",
                    json!({
                        "operationId": "auth.signInEmail",
                        "requestBody": {
                            "email": "$request.body#/email",
                            "password": "$request.body#/password",
                        },
                    }),
                ),
                Answer::error(400, PASSWORD_LENGTH),
                Answer::error(
                    422,
                    "`USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL`: the email is taken.",
                ),
            ],
        ),
        op(
            "POST",
            "/sign-in/email",
            "signInEmail",
            "Sign in with email and password",
            Access::Public,
            vec![
                Answer::ok(
                    "Signed in. With a `callbackURL`, `redirect` is true, `url` echoes it and `Location` is set (the status stays 200).",
                    object(
                        json!({
                            "redirect": { "type": "boolean" },
                            "token": { "type": "string" },
                            "url": { "type": "string" },
                            "user": reference(USER),
                        }),
                        &["redirect", "token", "user"],
                    ),
                )
                .with_cookies(SESSION_COOKIES)
                .with_header(
                    "Location",
                    "The `callbackURL`, when one was sent.",
                    json!({ "type": "string" }),
                ),
                Answer::error(400, "`INVALID_EMAIL`: the email is not an email address."),
                Answer::error(
                    401,
                    "`INVALID_EMAIL_OR_PASSWORD`: unknown email, no password set, or a wrong password.",
                ),
            ],
        ),
        op(
            "POST",
            "/sign-out",
            "signOut",
            "Sign out: end the cookie's session and clear the cookies",
            Access::Optional,
            vec![
                Answer::ok(
                    "Signed out (also without a session).",
                    object(json!({ "success": { "const": true } }), &["success"]),
                )
                .with_cookies("Clearing cookies."),
            ],
        ),
    ]
}

fn sessions() -> Vec<Operation> {
    let revoked = || Answer::ok("Done.", status_true());
    vec![
        op(
            "GET",
            "/get-session",
            "getSession",
            "The caller's session and user, or null",
            Access::Optional,
            vec![
                Answer::ok(
                    "The session and its user, or `null` without a valid session. Never cached.",
                    json!({ "anyOf": [reference(SESSION_WITH_USER), { "type": "null" }] }),
                )
                .with_cookies("A refreshed session cookie, or the clearing of a dead one.")
                .with_header(
                    "Cache-Control",
                    "`no-store`.",
                    json!({ "type": "string" }),
                ),
                Answer::error(
                    401,
                    "`FAILED_TO_GET_SESSION`: the session was valid but could not be refreshed.",
                ),
                Answer::error(500, "`FAILED_TO_GET_SESSION`: the session lookup failed."),
            ],
        ),
        op(
            "POST",
            "/get-session",
            "getSessionPost",
            "Not allowed: POST needs deferSessionRefresh, which is off",
            Access::Public,
            vec![Answer::error(
                405,
                "`METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED`: use `GET`.",
            )],
        ),
        op(
            "GET",
            "/list-sessions",
            "listSessions",
            "The caller's unexpired sessions, tokens included",
            Access::FreshSession,
            vec![Answer::ok("The sessions.", array_of(SESSION)).with_link(
                "revokeSession",
                "Revoke the first listed session.",
                json!({
                    "operationId": "auth.revokeSession",
                    "requestBody": { "token": "$response.body#/0/token" },
                }),
            )],
        ),
        op(
            "POST",
            "/revoke-session",
            "revokeSession",
            "Revoke one of the caller's sessions by token",
            Access::Session,
            vec![Answer::ok(
                "Done (also for a token that is unknown or not the caller's).",
                status_true(),
            )],
        ),
        op(
            "POST",
            "/revoke-sessions",
            "revokeSessions",
            "Revoke all of the caller's sessions, the current one too",
            Access::Session,
            vec![revoked()],
        ),
        op(
            "POST",
            "/revoke-other-sessions",
            "revokeOtherSessions",
            "Revoke all of the caller's sessions but the current one",
            Access::Session,
            vec![revoked()],
        ),
        op(
            "POST",
            "/update-session",
            "updateSession",
            "Update session fields (there are none to update)",
            Access::Session,
            vec![Answer::error(400, NO_FIELDS)],
        ),
    ]
}

fn user() -> Vec<Operation> {
    vec![
        op(
            "POST",
            "/update-user",
            "updateUser",
            "Update the caller's name and/or image",
            Access::Session,
            vec![
                Answer::ok("Updated.", status_true())
                    .with_cookies("The session cookie, set again."),
                Answer::error(400, "`EMAIL_CAN_NOT_BE_UPDATED`: a truthy `email` was sent."),
                Answer::error(400, &format!("{NO_FIELDS} Neither `name` nor `image` was sent.")),
                Answer::error(
                    400,
                    "`VALIDATION_ERROR`: `name` is not a string, or `image` is neither a string nor null.",
                ),
            ],
        )
        .describe("The body is any object; `name` (string) and `image` (string, or `null` to clear it) are read, at least one of them must be there, every other key is ignored, and a truthy `email` is refused."),
        op(
            "POST",
            "/change-password",
            "changePassword",
            "Change the caller's password",
            Access::Session,
            vec![
                Answer::ok(
                    "Changed. With `revokeOtherSessions`, every session was revoked and `token` is the new session's; else it is `null`.",
                    object(
                        json!({
                            "token": { "type": ["string", "null"] },
                            "user": reference(USER),
                        }),
                        &["token", "user"],
                    ),
                )
                .with_cookies("The new session's cookie (with `revokeOtherSessions`), or a refreshed one."),
                Answer::error(400, PASSWORD_LENGTH),
                Answer::error(
                    400,
                    "`CREDENTIAL_ACCOUNT_NOT_FOUND`: the user has no password.",
                ),
                Answer::error(400, "`INVALID_PASSWORD`: `currentPassword` is wrong."),
            ],
        ),
        op(
            "POST",
            "/change-email",
            "changeEmail",
            "Change the caller's email (disabled)",
            Access::Session,
            vec![Answer::error(400, "`CHANGE_EMAIL_DISABLED`.")],
        ),
        op(
            "POST",
            "/delete-user",
            "deleteUser",
            "Delete the caller's account (disabled)",
            Access::Session,
            vec![Answer::empty(
                404,
                "Account deletion is disabled: an empty body (with `Content-Type: application/json`).",
            )],
        ),
        op(
            "GET",
            "/delete-user/callback",
            "deleteUserCallback",
            "Confirm an account deletion (disabled)",
            Access::Public,
            vec![Answer::error(404, "`NOT_FOUND`: account deletion is disabled.")],
        ),
    ]
}

fn passwords_and_email() -> Vec<Operation> {
    let unbuildable = "An empty body without `Content-Type` when the redirect URL cannot be built.";
    vec![
        op(
            "POST",
            "/request-password-reset",
            "requestPasswordReset",
            "Request a password-reset email (no email sender: disabled)",
            Access::Public,
            vec![Answer::error(400, "`RESET_PASSWORD_DISABLED`.")],
        ),
        op(
            "GET",
            "/reset-password/:token",
            "resetPasswordCallback",
            "Follow a password-reset link: redirect to the callback URL",
            Access::Public,
            vec![
                Answer::redirect(
                    "To `callbackURL` (resolved against the auth base URL) with `?token=<token>`; for an unknown or expired token with `?error=INVALID_TOKEN` instead (to `<base URL>/error` when `callbackURL` is empty).",
                ),
                Answer::error(500, unbuildable),
            ],
        ),
        op(
            "POST",
            "/reset-password",
            "resetPassword",
            "Set a new password with a reset token",
            Access::Public,
            vec![
                Answer::ok(
                    "Reset; every session of the user was revoked.",
                    status_true(),
                ),
                Answer::error(
                    400,
                    "`INVALID_TOKEN`: no token (body or query), or an unknown or expired one.",
                ),
                Answer::error(400, PASSWORD_LENGTH),
                Answer::error(400, "`USER_NOT_FOUND`: the token's user is gone."),
            ],
        ),
        op(
            "POST",
            "/verify-password",
            "verifyPassword",
            "Check the caller's password",
            Access::Session,
            vec![
                Answer::ok("The password is right.", status_true()),
                Answer::error(400, "`INVALID_PASSWORD`: it is wrong."),
                Answer::error(
                    400,
                    "`CREDENTIAL_ACCOUNT_NOT_FOUND`: the user has no password.",
                ),
            ],
        ),
        op(
            "POST",
            "/send-verification-email",
            "sendVerificationEmail",
            "Send a verification email (no email sender: disabled)",
            Access::Public,
            vec![Answer::error(400, "`VERIFICATION_EMAIL_NOT_ENABLED`.")],
        ),
        op(
            "GET",
            "/verify-email",
            "verifyEmail",
            "Verify an email address with a signed token",
            Access::Optional,
            vec![
                Answer::ok(
                    "Verified (`user` is `null`), or a change-email token applied (`user` is the updated user; absent for the confirmation step).",
                    object(
                        json!({
                            "status": { "const": true },
                            "user": { "anyOf": [reference(USER), { "type": "null" }] },
                        }),
                        &["status"],
                    ),
                )
                .with_cookies("A session cookie, when a change-email token signs the user in."),
                Answer::redirect(
                    "With a `callbackURL`: to it on success, or to it with `?error=<code>` (`INVALID_TOKEN`, `TOKEN_EXPIRED`, `USER_NOT_FOUND`, `INVALID_USER`).",
                ),
                Answer::error(
                    401,
                    "`INVALID_TOKEN`, `TOKEN_EXPIRED`, `USER_NOT_FOUND`, `INVALID_USER` (without a `callbackURL`).",
                ),
                Answer::error(
                    500,
                    "`FAILED_TO_GET_SESSION` (change-email tokens), or an empty body without `Content-Type` for a validly signed token whose claims are unusable or whose redirect URL cannot be built.",
                ),
            ],
        ),
    ]
}

fn accounts_and_social() -> Vec<Operation> {
    let provider_not_found = || {
        Answer::error(
            404,
            "`PROVIDER_NOT_FOUND`: no social provider is configured.",
        )
    };
    let account_not_found = || {
        Answer::error(
            400,
            "`ACCOUNT_NOT_FOUND`: no account of the caller has that `accountId` (the account cookie is off, so `useAccountCookie` never finds one).",
        )
    };
    let not_supported = || {
        Answer::error(
            400,
            "`PROVIDER_NOT_SUPPORTED`: `Provider <id> is not supported.` (no social provider is configured).",
        )
    };
    vec![
        op(
            "GET",
            "/list-accounts",
            "listAccounts",
            "The caller's linked accounts",
            Access::Session,
            vec![
                Answer::ok("The accounts.", array_of(ACCOUNT))
                    .with_link(
                        "unlinkAccount",
                        "Unlink the first listed account (by its `id`).",
                        json!({
                            "operationId": "auth.unlinkAccount",
                            "requestBody": { "accountId": "$response.body#/0/id" },
                        }),
                    )
                    .with_link(
                        "accountInfo",
                        "The provider's information on the first listed account (by its `id`).",
                        json!({
                            "operationId": "auth.accountInfo",
                            "parameters": { "query.accountId": "$response.body#/0/id" },
                        }),
                    ),
            ],
        ),
        op(
            "POST",
            "/unlink-account",
            "unlinkAccount",
            "Unlink one of the caller's accounts by its id",
            Access::FreshSession,
            vec![
                Answer::ok("Unlinked.", status_true()),
                Answer::error(
                    400,
                    "`FAILED_TO_UNLINK_LAST_ACCOUNT`: it is the caller's only account.",
                ),
                account_not_found(),
            ],
        ),
        op(
            "POST",
            "/sign-in/social",
            "signInSocial",
            "Sign in with a social provider (none configured)",
            Access::Public,
            vec![provider_not_found()],
        ),
        op(
            "POST",
            "/link-social",
            "linkSocial",
            "Link a social account (no provider configured)",
            Access::Session,
            vec![provider_not_found()],
        ),
        op(
            "POST",
            "/get-access-token",
            "getAccessToken",
            "A provider access token of the caller's account (no provider configured)",
            Access::SessionBare401,
            vec![account_not_found(), not_supported()],
        ),
        op(
            "POST",
            "/refresh-token",
            "refreshToken",
            "Refresh a provider token of the caller's account (no provider configured)",
            Access::SessionBare401,
            vec![account_not_found(), not_supported()],
        ),
        op(
            "GET",
            "/account-info",
            "accountInfo",
            "Provider account info of the caller's account (no provider configured)",
            Access::SessionBare401,
            vec![
                account_not_found(),
                Answer::error(
                    400,
                    "`PROVIDER_NOT_CONFIGURED`: the account is not a social provider's.",
                ),
            ],
        )
        .describe("The query names the account with `accountId` (`userId` is accepted and ignored: the session's user wins). The schema's other option, `useAccountCookie: true`, cannot be met by a query, whose values are strings."),
        op(
            "GET",
            "/callback/:id",
            "oauthCallback",
            "OAuth redirect target (no provider configured): redirect to the error page",
            Access::Public,
            vec![
                Answer::redirect(
                    "To `<base URL>/error?error=state_not_found` without a `state`; else `state_mismatch` (to the state's `errorURL` if it has one) or `internal_server_error`.",
                ),
                Answer::error(
                    500,
                    "An empty body without `Content-Type` when the redirect URL cannot be built.",
                ),
            ],
        ),
        op(
            "POST",
            "/callback/:id",
            "oauthCallbackPost",
            "OAuth form-post redirect target: redirect to the GET form",
            Access::Public,
            vec![Answer::redirect(
                "To `<base URL>/callback/<id>?<fields>`: the schema's fields from the query, else the body.",
            )],
        ),
    ]
}

fn misc() -> Vec<Operation> {
    vec![
        op("GET", "/ok", "ok", "Liveness check", Access::Public, vec![
            Answer::ok(
                "Alive.",
                object(json!({ "ok": { "const": true } }), &["ok"]),
            ),
        ]),
        Operation {
            extra_query: &[
                ("error", "The error code; anything but `^['A-Za-z0-9_-]+$` shows as `UNKNOWN`."),
                ("error_description", "A description, shown HTML-escaped."),
            ],
            ..op(
                "GET",
                "/error",
                "errorPage",
                "The error page OAuth and token errors land on",
                Access::Public,
                vec![
                    Answer::html("Outside production: Better Auth's HTML error page."),
                    Answer::empty(
                        302,
                        "In production: to `/?error=<code>[&error_description=<description>]`, with no other header.",
                    )
                    .with_header("Location", "Where to go.", json!({ "type": "string" })),
                ],
            )
        },
    ]
}
