//! The OAuth token endpoints (spec §10.23) with no social providers configured:
//! `POST /get-access-token`, `POST /refresh-token` and `GET /account-info`. As 1.7.5
//! does (which differs from the protocol document's 1.6.27 notes): the caller must be
//! signed in — else a 401 with an *empty* JSON body (`ctx.error("UNAUTHORIZED")`) —
//! the selected account must be one of theirs by row id (`useAccountCookie` never
//! finds one: the account cookie is off), and then no provider can serve it.

use serde_json::{Map, Value};
use spinstack_http::Response;

use crate::context::AuthContext;
use crate::endpoints::accounts::account_not_found;
use crate::endpoints::guard::{Caller, SignedIn, caller};
use crate::endpoints::{Call, with_cookies};
use crate::error::{api_error, internal};
use crate::store::Account;

/// `resolveUserId` + `resolveUserAccount`: the caller and their selected account, or
/// the response to send. The selection's `userId` never matters over HTTP: a session
/// is required and its user wins.
fn selected_account(
    ctx: &AuthContext<'_>,
    call: &Call<'_>,
    selection: Option<&Map<String, Value>>,
) -> Result<(SignedIn, Account), Response> {
    let signed_in = match caller(ctx, call)? {
        Caller::SignedIn(signed_in) => *signed_in,
        Caller::Anonymous(cookies) => {
            let unauthorized = Response::empty(401).with_header("content-type", "application/json");
            return Err(with_cookies(unauthorized, &cookies));
        }
    };
    let Some(wanted) = selection
        .and_then(|selection| selection.get("accountId"))
        .and_then(Value::as_str)
    else {
        // `{ useAccountCookie: true }`: `storeAccountCookie` is off.
        return Err(signed_in.respond(account_not_found()));
    };
    match ctx.users.accounts_of(&signed_in.live.user.id) {
        Ok(accounts) => match accounts.into_iter().find(|account| account.id == wanted) {
            Some(account) => Ok((signed_in, account)),
            None => Err(signed_in.respond(account_not_found())),
        },
        Err(cause) => Err(signed_in.respond(internal("reading accounts", &cause))),
    }
}

fn provider_not_supported(account: &Account) -> Response {
    api_error(
        400,
        "PROVIDER_NOT_SUPPORTED",
        &format!("Provider {} is not supported.", account.provider_id),
    )
}

/// `POST /get-access-token`.
pub fn get_access_token(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    let selection = call.body.as_ref().and_then(Value::as_object);
    match selected_account(ctx, call, selection) {
        Ok((signed_in, account)) => signed_in.respond(provider_not_supported(&account)),
        Err(response) => response,
    }
}

/// `POST /refresh-token`.
pub fn refresh_token(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    get_access_token(ctx, call)
}

/// `GET /account-info` (selection from the query).
pub fn account_info(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    match selected_account(ctx, call, Some(&call.query)) {
        Ok((signed_in, _)) => signed_in.respond(api_error(
            400,
            "PROVIDER_NOT_CONFIGURED",
            "Account is not associated with a configured social provider.",
        )),
        Err(response) => response,
    }
}

#[cfg(test)]
mod tests {
    use spinstack_http::{Request, Response};

    use crate::router::handle;
    use crate::testing::{
        FakeSessions, FakeUsers, NOW, account, context, outcome, signed_in, user,
    };

    fn world() -> (FakeSessions, FakeUsers) {
        let sessions = FakeSessions {
            resolve_cookies: vec!["session=refreshed".into()],
            ..FakeSessions::default()
        };
        sessions.sign_in(&user("u1", "alice@example.com"), "tok", NOW);
        let users = FakeUsers::default();
        users.accounts.borrow_mut().extend([
            account("cred", "credential", "u1", None),
            account("gh", "github", "u1", Some("repo")),
            account("other", "github", "u2", None),
        ]);
        (sessions, users)
    }

    fn call(world: &(FakeSessions, FakeUsers), method: &str, path: &str, body: &str) -> Response {
        handle(&signed_in(method, path, body), &context(&world.0, &world.1))
    }

    #[test]
    fn no_provider_can_serve_an_account() {
        let world = world();
        for path in ["/api/auth/get-access-token", "/api/auth/refresh-token"] {
            for (body, expected) in [
                (
                    r#"{"accountId":"gh","userId":"u2"}"#,
                    r#"{"message":"Provider github is not supported.","code":"PROVIDER_NOT_SUPPORTED"}"#,
                ),
                (
                    r#"{"accountId":"cred"}"#,
                    r#"{"message":"Provider credential is not supported.","code":"PROVIDER_NOT_SUPPORTED"}"#,
                ),
                (
                    r#"{"accountId":"other","userId":"u2"}"#,
                    r#"{"message":"Account not found","code":"ACCOUNT_NOT_FOUND"}"#,
                ),
                (
                    r#"{"useAccountCookie":true}"#,
                    r#"{"message":"Account not found","code":"ACCOUNT_NOT_FOUND"}"#,
                ),
            ] {
                let reply = call(&world, "POST", path, body);
                assert_eq!(
                    outcome(&reply),
                    (400, expected.to_owned(), vec!["session=refreshed"]),
                    "{path} {body}"
                );
            }
        }
        let info = call(&world, "GET", "/api/auth/account-info?accountId=gh", "");
        assert_eq!(
            outcome(&info).1,
            r#"{"message":"Account is not associated with a configured social provider.","code":"PROVIDER_NOT_CONFIGURED"}"#
        );
        let info = call(&world, "GET", "/api/auth/account-info?accountId=other", "");
        assert_eq!(info.status, 400);
    }

    #[test]
    fn signed_out_is_an_empty_401() {
        let (sessions, users) = (FakeSessions::default(), FakeUsers::default());
        let reply = handle(
            &Request::new("GET", "/api/auth/account-info?accountId=gh"),
            &context(&sessions, &users),
        );
        assert_eq!(
            reply,
            Response::empty(401).with_header("content-type", "application/json")
        );
    }
}
