//! Owns the body and query schemas of Better Auth's endpoints in this configuration
//! (spec §10, as better-auth 1.7.5 declares them — the reference system's version),
//! field by field in declaration order, which is the order zod reports issues in.

use crate::validation::Field as F;
// `Str` rather than `String`, so that `std`'s `String` stays in scope.
use crate::validation::Kind::{
    AllOf, Any, Array, Boolean, CoercedBoolean, Email, LiteralTrue, NonEmptyString, Number, Object,
    Record, StrictObject, String as Str, Union,
};
use crate::validation::{Kind, Schema};

/// `POST /sign-up/email`: `z.object({...}).and(z.record(z.string(), z.any()))`, so a
/// non-object body gets two root issues (`expected object`, then `expected record`).
pub const SIGN_UP_EMAIL: Schema = Schema::required(AllOf(&[
    Object(&[
        F::required("name", Str),
        F::required("email", Email),
        F::required("password", NonEmptyString),
        F::optional("image", Str),
        F::optional("callbackURL", Str),
        F::optional("rememberMe", Boolean),
    ]),
    Record(&Any),
]));

/// `POST /sign-in/email` (`rememberMe` defaults to true).
pub const SIGN_IN_EMAIL: Schema = Schema::required(Object(&[
    F::required("email", Str),
    F::required("password", Str),
    F::optional("callbackURL", Str),
    F::optional("rememberMe", Boolean),
]));

/// `POST /sign-out`: an optional body.
pub const SIGN_OUT: Schema = Schema::optional(Object(&[
    F::optional("callbackURL", Str),
    F::optional("disableRedirect", Boolean),
    F::optional("state", Str),
]));

/// `GET|POST /get-session` query: coerced booleans never fail.
pub const GET_SESSION_QUERY: Schema = Schema::optional(Object(&[
    F::optional("disableCookieCache", CoercedBoolean),
    F::optional("disableRefresh", CoercedBoolean),
]));

/// `POST /revoke-session`.
pub const REVOKE_SESSION: Schema = Schema::required(Object(&[F::required("token", Str)]));

/// `POST /update-user` and `POST /update-session`: any object.
pub const FIELD_RECORD: Schema = Schema::required(Record(&Any));

/// `POST /change-password`.
pub const CHANGE_PASSWORD: Schema = Schema::required(Object(&[
    F::required("newPassword", Str),
    F::required("currentPassword", Str),
    F::optional("revokeOtherSessions", Boolean),
]));

/// `POST /change-email`.
pub const CHANGE_EMAIL: Schema = Schema::required(Object(&[
    F::required("newEmail", Email),
    F::optional("callbackURL", Str),
]));

/// `POST /delete-user`: a body is required, its fields are not.
pub const DELETE_USER: Schema = Schema::required(Object(&[
    F::optional("callbackURL", Str),
    F::optional("password", Str),
    F::optional("token", Str),
]));

/// `GET /delete-user/callback` query.
pub const DELETE_USER_CALLBACK_QUERY: Schema = Schema::required(Object(&[
    F::required("token", Str),
    F::optional("callbackURL", Str),
]));

/// `POST /request-password-reset`.
pub const REQUEST_PASSWORD_RESET: Schema = Schema::required(Object(&[
    F::required("email", Email),
    F::optional("redirectTo", Str),
]));

/// `GET /reset-password/:token` query.
pub const RESET_PASSWORD_CALLBACK_QUERY: Schema =
    Schema::required(Object(&[F::required("callbackURL", Str)]));

/// `POST /reset-password` body.
pub const RESET_PASSWORD: Schema = Schema::required(Object(&[
    F::required("newPassword", Str),
    F::optional("token", Str),
]));

/// `POST /reset-password` query.
pub const RESET_PASSWORD_QUERY: Schema = Schema::optional(Object(&[F::optional("token", Str)]));

/// `POST /verify-password`.
pub const VERIFY_PASSWORD: Schema = Schema::required(Object(&[F::required("password", Str)]));

/// `POST /send-verification-email`.
pub const SEND_VERIFICATION_EMAIL: Schema = Schema::required(Object(&[
    F::required("email", Email),
    F::optional("callbackURL", Str),
]));

/// `GET /verify-email` query.
pub const VERIFY_EMAIL_QUERY: Schema = Schema::required(Object(&[
    F::required("token", Str),
    F::optional("callbackURL", Str),
]));

/// `POST /unlink-account` (1.7.5: only `accountId`, required; spec §10.22 describes
/// the older `providerId` + optional `accountId`).
pub const UNLINK_ACCOUNT: Schema = Schema::required(Object(&[F::required("accountId", Str)]));

/// `z.union([z.enum(SocialProviderList), z.string()])`: every string passes through
/// the second option, so the only observable failure is `Invalid input` for a
/// non-string.
const SOCIAL_PROVIDER: Kind = Union(&[Str]);

/// `POST /sign-in/social`.
pub const SIGN_IN_SOCIAL: Schema = Schema::required(Object(&[
    F::optional("callbackURL", Str),
    F::optional("newUserCallbackURL", Str),
    F::optional("errorCallbackURL", Str),
    F::required("provider", SOCIAL_PROVIDER),
    F::optional("disableRedirect", Boolean),
    F::optional(
        "idToken",
        Object(&[
            F::required("token", Str),
            F::optional("nonce", Str),
            F::optional("accessToken", Str),
            F::optional("refreshToken", Str),
            F::optional("expiresAt", Number),
            F::optional(
                "user",
                Object(&[
                    F::optional(
                        "name",
                        Object(&[F::optional("firstName", Str), F::optional("lastName", Str)]),
                    ),
                    F::optional("email", Str),
                ]),
            ),
        ]),
    ),
    F::optional("scopes", Array(&Str)),
    F::optional("requestSignUp", Boolean),
    F::optional("loginHint", Str),
    F::optional("additionalParams", Record(&Str)),
    F::optional("additionalData", Record(&Any)),
]));

/// `POST /link-social`.
pub const LINK_SOCIAL: Schema = Schema::required(Object(&[
    F::optional("callbackURL", Str),
    F::required("provider", SOCIAL_PROVIDER),
    F::optional(
        "idToken",
        Object(&[
            F::required("token", Str),
            F::optional("nonce", Str),
            F::optional("accessToken", Str),
            F::optional("refreshToken", Str),
        ]),
    ),
    F::optional("requestSignUp", Boolean),
    F::optional("scopes", Array(&Str)),
    F::optional("errorCallbackURL", Str),
    F::optional("disableRedirect", Boolean),
    F::optional("loginHint", Str),
    F::optional("additionalParams", Record(&Str)),
    F::optional("additionalData", Record(&Any)),
]));

/// `POST /get-access-token`, `POST /refresh-token` body and `GET /account-info`
/// query: an account id, or the account cookie, and nothing else.
pub const ACCOUNT_SELECTION: Schema = Schema::required(Union(&[
    StrictObject(&[F::required("accountId", Str), F::optional("userId", Str)]),
    StrictObject(&[
        F::required("useAccountCookie", LiteralTrue),
        F::optional("userId", Str),
    ]),
]));

/// `GET|POST /callback/:id` body and query.
pub const OAUTH_CALLBACK: Schema = Schema::optional(Object(&[
    F::optional("code", Str),
    F::optional("error", Str),
    F::optional("device_id", Str),
    F::optional("error_description", Str),
    F::optional("state", Str),
    F::optional("user", Str),
    F::optional("iss", Str),
]));

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::validation::{Target, validate};

    fn message(schema: &Schema, value: Option<Value>, target: Target) -> Option<String> {
        validate(schema, value.as_ref(), target)
            .err()
            .map(|rejection| rejection.message)
    }

    fn body(schema: &Schema, value: Value) -> Option<String> {
        message(schema, Some(value), Target::Body)
    }

    #[test]
    fn transcript_messages() {
        let sign_up = &SIGN_UP_EMAIL;
        let base = json!({"email": "a@b.co", "password": "password1234", "name": "A"});
        let with = |key: &str, value: Value| {
            let mut object = base.clone();
            object[key] = value;
            object
        };
        assert_eq!(
            body(sign_up, with("email", json!("not-an-email"))).as_deref(),
            Some("[body.email] Invalid email address")
        );
        assert_eq!(
            body(sign_up, with("password", json!(""))).as_deref(),
            Some("[body.password] Too small: expected string to have >=1 characters")
        );
        assert_eq!(
            body(
                sign_up,
                json!({"email": "a@b.co", "password": "password1234"})
            )
            .as_deref(),
            Some("[body.name] Invalid input: expected string, received undefined")
        );
        assert_eq!(body(sign_up, base.clone()), None);
        // Extra keys are fine, and `name` may be empty.
        assert_eq!(body(sign_up, with("emailVerified", json!(true))), None);
        assert_eq!(body(sign_up, with("name", json!(""))), None);
        let rejection = validate(
            &SIGN_IN_EMAIL,
            Some(&json!({"email": "a@b.co"})),
            Target::Body,
        )
        .expect_err("missing password");
        assert_eq!(
            rejection.to_response().body,
            br#"{"message":"[body.password] Invalid input: expected string, received undefined","code":"VALIDATION_ERROR"}"#
        );
        assert_eq!(rejection.status, 400);
    }

    #[test]
    fn issues_in_declaration_order_joined() {
        assert_eq!(
            body(
                &SIGN_UP_EMAIL,
                json!({"password": "", "email": "x", "name": 1})
            )
            .as_deref(),
            Some(
                "[body.name] Invalid input: expected string, received number; \
                 [body.email] Invalid email address; \
                 [body.password] Too small: expected string to have >=1 characters"
            )
        );
    }

    #[test]
    fn root_issues() {
        assert_eq!(
            message(&SIGN_UP_EMAIL, None, Target::Body).as_deref(),
            Some(
                "[body] Invalid input: expected object, received undefined; \
                 [body] Invalid input: expected record, received undefined"
            )
        );
        assert_eq!(
            body(&FIELD_RECORD, json!([])).as_deref(),
            Some("[body] Invalid input: expected record, received array")
        );
        assert_eq!(body(&FIELD_RECORD, json!({"name": 1})), None);
        // An optional body may be absent but not null.
        assert_eq!(message(&SIGN_OUT, None, Target::Body), None);
        assert_eq!(
            body(&SIGN_OUT, Value::Null).as_deref(),
            Some("[body] Invalid input: expected object, received null")
        );
    }

    #[test]
    fn nested_paths() {
        let value = json!({
            "provider": "x",
            "idToken": {"token": 1, "user": {"name": 5}},
            "scopes": [1, "a", null],
            "additionalParams": {"a": 1},
            "additionalData": []
        });
        assert_eq!(
            body(&SIGN_IN_SOCIAL, value).as_deref(),
            Some(
                "[body.idToken.token] Invalid input: expected string, received number; \
                 [body.idToken.user.name] Invalid input: expected object, received number; \
                 [body.scopes.0] Invalid input: expected string, received number; \
                 [body.scopes.2] Invalid input: expected string, received null; \
                 [body.additionalParams.a] Invalid input: expected string, received number; \
                 [body.additionalData] Invalid input: expected record, received array"
            )
        );
        assert_eq!(
            body(&SIGN_IN_SOCIAL, json!({"provider": 5})).as_deref(),
            Some("[body.provider] Invalid input")
        );
        assert_eq!(body(&SIGN_IN_SOCIAL, json!({"provider": "anything"})), None);
    }

    #[test]
    fn unions_of_strict_objects() {
        let selection = &ACCOUNT_SELECTION;
        assert_eq!(body(selection, json!({"accountId": "a"})), None);
        assert_eq!(
            body(selection, json!({"useAccountCookie": true, "userId": "u"})),
            None
        );
        assert_eq!(
            body(selection, json!({})).as_deref(),
            Some("[body] Invalid input")
        );
        assert_eq!(
            body(selection, json!({"useAccountCookie": false})).as_deref(),
            Some("[body] Invalid input")
        );
        // Only one option failed on unknown keys alone: its issue is reported.
        assert_eq!(
            body(selection, json!({"accountId": "a", "x": 1, "y": 2})).as_deref(),
            Some(r#"[body] Unrecognized keys: "x", "y""#)
        );
        assert_eq!(
            body(selection, json!({"accountId": "a", "x": 1})).as_deref(),
            Some(r#"[body] Unrecognized key: "x""#)
        );
        // Both did: ambiguous.
        assert_eq!(
            body(
                selection,
                json!({"accountId": "a", "useAccountCookie": true})
            )
            .as_deref(),
            Some("[body] Invalid input")
        );
        assert_eq!(
            message(selection, Some(json!({})), Target::Query).as_deref(),
            Some("[query] Invalid input")
        );
    }

    #[test]
    fn query_values_are_strings() {
        assert_eq!(
            message(&VERIFY_EMAIL_QUERY, Some(json!({})), Target::Query).as_deref(),
            Some("[query.token] Invalid input: expected string, received undefined")
        );
        assert_eq!(
            message(
                &VERIFY_EMAIL_QUERY,
                Some(json!({"token": ["a", "b"]})),
                Target::Query
            )
            .as_deref(),
            Some("[query.token] Invalid input: expected string, received array")
        );
        // Coerced booleans accept anything.
        let query = json!({"disableRefresh": ["a", "b"], "disableCookieCache": "false"});
        assert_eq!(
            message(&GET_SESSION_QUERY, Some(query), Target::Query),
            None
        );
    }
}
