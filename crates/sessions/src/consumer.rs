//! The consumers' view of the `session` component: what `auth`, `rpc` and `openapi`
//! call, behind traits so their logic is testable without it. [`SessionResolver`] is
//! all the API needs; [`SessionManager`] adds what Better Auth's endpoints do with
//! sessions.

use crate::model::{Session, SessionWithUser, User};
use crate::resolve::Outcome;

/// What a session lookup returned: the outcome and the `Set-Cookie` lines to forward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedSession {
    /// The outcome.
    pub outcome: Outcome,
    /// `Set-Cookie` header values, in order.
    pub set_cookies: Vec<String>,
}

/// A failure of the session component. The message is for logs, never for clients.
pub type SessionError = String;

/// Per-request switches of a session lookup.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lookup {
    /// `?disableRefresh`: never extend the session.
    pub disable_refresh: bool,
    /// `?disableCookieCache`, or a caller that must confirm the session in the
    /// database (every Better Auth endpoint but `get-session`): the cookie cache is
    /// not trusted.
    pub disable_cookie_cache: bool,
}

impl Lookup {
    /// A lookup that confirms the session in the database.
    pub fn confirmed(disable_refresh: bool) -> Self {
        Self {
            disable_refresh,
            disable_cookie_cache: true,
        }
    }
}

/// Resolves the caller's session from the `Cookie` header.
pub trait SessionResolver {
    /// Runs Better Auth's get-session algorithm.
    ///
    /// # Errors
    /// When configuration or the database failed.
    fn resolve(
        &self,
        cookie_header: Option<&str>,
        lookup: Lookup,
    ) -> Result<ResolvedSession, SessionError>;
}

/// A session to create.
#[derive(Debug, Clone)]
pub struct SessionRequest {
    /// Owner (the new user's id for a sign-up).
    pub user_id: String,
    /// `rememberMe`, or `None` to let a valid `dont_remember` cookie decide.
    pub remember: Option<bool>,
    /// Client IP (`""` when unknown).
    pub ip_address: Option<String>,
    /// Client user agent.
    pub user_agent: Option<String>,
    /// The request's `Cookie` header.
    pub cookie_header: Option<String>,
}

/// A user inserted together with their first session (sign-up).
#[derive(Clone)]
pub struct SignUpUser {
    /// 32-character id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Lower-cased email.
    pub email: String,
    /// Avatar URL.
    pub image: Option<String>,
    /// PHC string of the password.
    pub password_hash: String,
}

impl std::fmt::Debug for SignUpUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignUpUser")
            .field("id", &self.id)
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// Whose session is created: an existing user (sign-in, a password change, email
/// verification), or a new one inserted with it (sign-up). The cookie cache carries
/// the user.
#[derive(Debug, Clone, Copy)]
pub enum Owner<'a> {
    /// A user already in the database.
    Existing(&'a User),
    /// A user to insert with the session, in one statement.
    New(&'a SignUpUser),
}

/// What creating a session did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Creation {
    /// The session, and the `Set-Cookie` lines that hand it to the browser.
    Created(Box<Session>, Vec<String>),
    /// The sign-up's email is taken; nothing was inserted.
    EmailTaken,
}

/// Session operations of Better Auth's endpoints.
pub trait SessionManager: SessionResolver {
    /// Creates a session, with its user and credential account for a sign-up.
    ///
    /// # Errors
    /// When configuration or the database failed.
    fn create(&self, request: &SessionRequest, owner: Owner<'_>) -> Result<Creation, SessionError>;

    /// Ends the session of the request's cookie; returns the clearing cookies.
    ///
    /// # Errors
    /// When configuration failed, or the session could not be deleted (the caller
    /// answers an error and keeps the cookies: the session is not ended).
    fn end(&self, cookie_header: Option<&str>) -> Result<Vec<String>, SessionError>;

    /// Cookies handing `live`'s session to the browser again, with `live`'s user in
    /// the cookie cache (update-user).
    ///
    /// # Errors
    /// When configuration failed.
    fn reissue(
        &self,
        live: &SessionWithUser,
        cookie_header: Option<&str>,
    ) -> Result<Vec<String>, SessionError>;

    /// Deletes the session with `token` if it is `user_id`'s. Returns the clearing
    /// sequence when that was the session of `cookie_header` (Better Auth 1.7.29).
    ///
    /// # Errors
    /// When configuration or the database failed.
    fn revoke(
        &self,
        user_id: &str,
        token: &str,
        cookie_header: Option<&str>,
    ) -> Result<Vec<String>, SessionError>;

    /// Deletes all of `user_id`'s sessions but `except_token`. Returns the clearing
    /// sequence when the session of `cookie_header` was among them.
    ///
    /// # Errors
    /// When configuration or the database failed.
    fn revoke_all(
        &self,
        user_id: &str,
        except_token: Option<&str>,
        cookie_header: Option<&str>,
    ) -> Result<Vec<String>, SessionError>;

    /// `user_id`'s unexpired sessions.
    ///
    /// # Errors
    /// When configuration or the database failed.
    fn list(&self, user_id: &str) -> Result<Vec<Session>, SessionError>;

    /// The payload (JSON text) of an HS256 JWS signed with the secret, or `None` when
    /// the token is malformed or not validly signed ([`crate::jws::verify_hs256`]).
    /// Claims are not checked.
    ///
    /// # Errors
    /// When configuration failed.
    fn verify_token(&self, token: &str) -> Result<Option<String>, SessionError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_the_sign_up_user_but_not_the_password_hash() {
        let user = SignUpUser {
            id: "uid".into(),
            name: "Alice".into(),
            email: "alice@example.com".into(),
            image: None,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$salt$hash".into(),
        };
        assert_eq!(
            format!("{user:?}"),
            r#"SignUpUser { id: "uid", email: "alice@example.com", .. }"#
        );
    }
}
