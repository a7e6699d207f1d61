//! `GET /list-accounts` (spec §10.21): the caller's accounts, never their tokens or
//! password.

use serde::Serialize;
use spinstack_http::Response;
use spinstack_sessions::time::iso_millis;

use crate::context::AuthContext;
use crate::endpoints::Call;
use crate::endpoints::guard::require_session;
use crate::error::internal;
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
            scopes: account
                .scope
                .as_deref()
                .map(|scope| scope.split(',').collect())
                .unwrap_or_default(),
        }
    }
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
