//! The caller's accounts (spec §10.21, §10.22): `GET /list-accounts` (never their
//! tokens or password) and `POST /unlink-account`.

use serde::Serialize;
use spinstack_http::Response;
use spinstack_sessions::time::iso_millis;

use crate::context::AuthContext;
use crate::endpoints::Call;
use crate::endpoints::guard::{require_fresh_session, require_session};
use crate::error::{api_error, internal};
use crate::store::Account;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AccountJson<'a> {
    account_id: &'a str,
    provider_id: &'a str,
    user_id: &'a str,
    created_at: Option<String>,
    updated_at: Option<String>,
    id: &'a str,
    scopes: Vec<&'a str>,
}

impl<'a> From<&'a Account> for AccountJson<'a> {
    fn from(account: &'a Account) -> Self {
        Self {
            account_id: &account.account_id,
            provider_id: &account.provider_id,
            user_id: &account.user_id,
            created_at: iso_millis(account.created_at),
            updated_at: iso_millis(account.updated_at),
            id: &account.id,
            scopes: scopes(account.scope.as_deref()),
        }
    }
}

/// 1.7.5's `parseStoredScopes`: split on `,`, trimmed, empty entries dropped.
pub fn scopes(scope: Option<&str>) -> Vec<&str> {
    scope
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|scope| !scope.is_empty())
        .collect()
}

/// `GET /list-accounts`.
pub fn list_accounts(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    let caller = match require_session(ctx, call) {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    match ctx.users.accounts_of(&caller.live.user.id) {
        Ok(accounts) => {
            let body: Vec<AccountJson<'_>> = accounts.iter().map(AccountJson::from).collect();
            caller.respond(Response::json(200, &body))
        }
        Err(cause) => caller.respond(internal("list-accounts", &cause)),
    }
}

/// `POST /unlink-account` (1.7.5: `accountId` is the account's row id, required; spec
/// §10.22 describes the older `providerId` form). Fresh session required; the last
/// account cannot go, and the account must be the caller's.
pub fn unlink_account(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    let caller = match require_fresh_session(ctx, call) {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let accounts = match ctx.users.accounts_of(&caller.live.user.id) {
        Ok(accounts) => accounts,
        Err(cause) => return caller.respond(internal("unlink-account", &cause)),
    };
    if accounts.len() == 1 {
        return caller.respond(api_error(
            400,
            "FAILED_TO_UNLINK_LAST_ACCOUNT",
            "You can't unlink your last account",
        ));
    }
    let wanted = call.body_str("accountId").unwrap_or_default();
    let Some(account) = accounts.iter().find(|account| account.id == wanted) else {
        return caller.respond(account_not_found());
    };
    match ctx.users.delete_account(&account.id) {
        Ok(()) => caller.respond(Response::json(200, &serde_json::json!({ "status": true }))),
        Err(cause) => caller.respond(internal("unlink-account", &cause)),
    }
}

/// `400 ACCOUNT_NOT_FOUND`.
pub fn account_not_found() -> Response {
    api_error(400, "ACCOUNT_NOT_FOUND", "Account not found")
}

#[cfg(test)]
mod tests {
    use spinstack_http::{Request, Response};

    use super::scopes;
    use crate::router::handle;
    use crate::testing::{
        FakeSessions, FakeUsers, NOW, account, context, outcome, signed_in, user,
    };

    fn world(created_at: i64) -> (FakeSessions, FakeUsers) {
        let sessions = FakeSessions::default();
        sessions.sign_in(&user("u1", "alice@example.com"), "tok", created_at);
        let users = FakeUsers::default();
        users
            .accounts
            .borrow_mut()
            .push(account("cred", "credential", "u1", None));
        (sessions, users)
    }

    fn unlink(world: &(FakeSessions, FakeUsers), body: &str) -> Response {
        handle(
            &signed_in("POST", "/api/auth/unlink-account", body),
            &context(&world.0, &world.1),
        )
    }

    #[test]
    fn scopes_are_trimmed_and_empty_ones_dropped() {
        assert_eq!(
            scopes(Some("read:user, user:email,,")),
            ["read:user", "user:email"]
        );
        assert!(scopes(None).is_empty());
        assert!(scopes(Some("")).is_empty());
    }

    #[test]
    fn unlink_keeps_the_last_account_and_only_touches_the_callers() {
        let world = world(NOW);
        let last = unlink(&world, r#"{"accountId":"cred"}"#);
        assert_eq!(
            outcome(&last).1,
            r#"{"message":"You can't unlink your last account","code":"FAILED_TO_UNLINK_LAST_ACCOUNT"}"#
        );
        world.1.accounts.borrow_mut().extend([
            account("gh", "github", "u1", Some("repo")),
            account("theirs", "github", "u2", None),
        ]);
        let foreign = unlink(&world, r#"{"accountId":"theirs"}"#);
        assert_eq!(
            outcome(&foreign),
            (
                400,
                r#"{"message":"Account not found","code":"ACCOUNT_NOT_FOUND"}"#.to_owned(),
                vec![]
            )
        );
        let done = unlink(&world, r#"{"accountId":"gh"}"#);
        assert_eq!(
            outcome(&done),
            (200, r#"{"status":true}"#.to_owned(), vec![])
        );
        assert_eq!(world.1.accounts.borrow().len(), 2);
        // 1.7.5's schema: `accountId` is required.
        let missing = unlink(&world, r#"{"providerId":"github"}"#);
        assert_eq!(
            outcome(&missing).1,
            r#"{"message":"[body.accountId] Invalid input: expected string, received undefined","code":"VALIDATION_ERROR"}"#
        );
    }

    #[test]
    fn unlink_needs_a_fresh_session() {
        let stale = world(NOW - 86_400_000);
        let reply = unlink(&stale, r#"{"accountId":"cred"}"#);
        assert_eq!(
            outcome(&reply),
            (
                403,
                r#"{"message":"Session is not fresh","code":"SESSION_NOT_FRESH"}"#.to_owned(),
                vec![]
            )
        );
    }

    #[test]
    fn list_accounts_shape_and_store_failure() {
        let world = world(NOW);
        world
            .1
            .accounts
            .borrow_mut()
            .push(account("gh", "github", "u1", Some("a, b,")));
        let listed = handle(
            &Request::new("GET", "/api/auth/list-accounts").with_header("cookie", "tok"),
            &context(&world.0, &world.1),
        );
        let body = outcome(&listed).1;
        assert!(
            body.ends_with(r#""id":"gh","scopes":["a","b"]}]"#),
            "{body}"
        );
        let broken = FakeUsers {
            fail: true,
            ..FakeUsers::default()
        };
        let failed = handle(
            &Request::new("GET", "/api/auth/list-accounts").with_header("cookie", "tok"),
            &context(&world.0, &broken),
        );
        assert_eq!(
            outcome(&failed),
            (
                500,
                r#"{"message":"Internal Server Error","code":"INTERNAL_SERVER_ERROR"}"#.to_owned(),
                vec![]
            )
        );
    }
}
