//! `privateData`: for a signed-in caller `{ message: "This is private", user }`, the
//! user exactly as Better Auth's `getSession` returns it (its key order, `image: null`
//! from PostgreSQL, `createdAt`/`updatedAt` as Dates, which the RPC protocol marks in
//! `meta`); `UNAUTHORIZED` for anyone else (the router checks the access rule).

use schemars::JsonSchema;
use serde::Serialize;
use spinstack_orpc::types::Date;
use spinstack_sessions::User;

use crate::context::Context;
use crate::error::ApiError;
use crate::procedure::NoInput;

#[derive(Serialize, JsonSchema)]
pub(crate) struct PrivateData {
    message: &'static str,
    user: UserOutput,
}

/// Better Auth's user: schema fields in order, then `id`.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct UserOutput {
    name: String,
    email: String,
    email_verified: bool,
    image: Option<String>,
    created_at: Date,
    updated_at: Date,
    id: String,
}

impl From<&User> for UserOutput {
    fn from(user: &User) -> Self {
        Self {
            name: user.name.clone(),
            email: user.email.clone(),
            email_verified: user.email_verified,
            image: user.image.clone(),
            created_at: Date::from_millis(user.created_at),
            updated_at: Date::from_millis(user.updated_at),
            id: user.id.clone(),
        }
    }
}

pub(crate) fn private_data(ctx: &Context<'_>, _: NoInput) -> Result<PrivateData, ApiError> {
    let live = ctx.session()?;
    Ok(PrivateData {
        message: "This is private",
        user: UserOutput::from(&live.user),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_is_better_auths_json() {
        let user = User {
            id: "1RMSZCORK3hH13jEVteKMBllfAkMcfbC".into(),
            name: "Ref User".into(),
            email: "ref-user@example.com".into(),
            email_verified: false,
            image: None,
            created_at: 1_795_975_524_006,
            updated_at: 1_795_975_524_123,
        };
        // The plain JSON (OpenAPI side) is byte for byte what get-session sends.
        assert_eq!(
            serde_json::to_value(UserOutput::from(&user)).ok(),
            Some(spinstack_sessions::json::user_value(&user))
        );
    }
}
