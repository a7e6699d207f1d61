//! [`SessionResolver`] and [`SessionManager`] (for the HTTP components) over the
//! imported `spinstack:session/sessions` interface: the composed `session` component
//! does the work; this converts its WIT records.

use spinstack_sessions::{
    Creation, Lookup, Outcome, Owner, ResolvedSession, Session, SessionError, SessionManager,
    SessionRequest, SessionResolver, SessionWithUser, User,
};

use crate::session_bindings::spinstack::session::sessions as wit;

/// The session component, reached through the component dependency.
pub struct ImportedSessions;

/// Why the session library is not ready ([`ImportedSessions::check`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReady {
    /// A variable is missing or invalid; the message names it, never its value.
    Configuration(String),
    /// The database did not answer.
    Database(String),
}

impl ImportedSessions {
    /// Readiness: the session library's variables are valid and the database answers
    /// one cheap query.
    ///
    /// # Errors
    /// [`NotReady`] saying which check failed.
    pub fn check() -> Result<(), NotReady> {
        wit::check().map_err(|error| match error {
            wit::Error::Configuration(message) => NotReady::Configuration(message),
            wit::Error::Database(message) => NotReady::Database(message),
        })
    }
}

fn failure(error: wit::Error) -> SessionError {
    match error {
        wit::Error::Configuration(message) => format!("configuration: {message}"),
        wit::Error::Database(message) => format!("database: {message}"),
    }
}

impl SessionResolver for ImportedSessions {
    fn resolve(
        &self,
        cookie_header: Option<&str>,
        lookup: Lookup,
    ) -> Result<ResolvedSession, SessionError> {
        let options = wit::ResolveOptions {
            disable_refresh: lookup.disable_refresh,
            disable_cookie_cache: lookup.disable_cookie_cache,
        };
        let resolution = wit::resolve(cookie_header, options).map_err(failure)?;
        let outcome = match resolution.outcome {
            wit::Outcome::Anonymous => Outcome::Anonymous,
            wit::Outcome::RefreshFailed => Outcome::RefreshFailed,
            wit::Outcome::SignedIn(live) => Outcome::SignedIn(Box::new(SessionWithUser {
                session: session(live.session),
                user: user(live.user),
            })),
        };
        Ok(ResolvedSession {
            outcome,
            set_cookies: resolution.set_cookies,
        })
    }
}

impl SessionManager for ImportedSessions {
    fn create(&self, request: &SessionRequest, owner: Owner<'_>) -> Result<Creation, SessionError> {
        let request = wit::NewSession {
            user_id: request.user_id.clone(),
            remember: request.remember,
            ip_address: request.ip_address.clone(),
            user_agent: request.user_agent.clone(),
            cookie_header: request.cookie_header.clone(),
        };
        let owner = match owner {
            Owner::Existing(user) => wit::Owner::Existing(wit_user(user)),
            Owner::New(user) => wit::Owner::New(wit::NewUser {
                id: user.id.clone(),
                name: user.name.clone(),
                email: user.email.clone(),
                image: user.image.clone(),
                password_hash: user.password_hash.clone(),
            }),
        };
        Ok(match wit::create(&request, &owner).map_err(failure)? {
            wit::Creation::Created(created) => {
                Creation::Created(Box::new(session(created.session)), created.set_cookies)
            }
            wit::Creation::EmailTaken => Creation::EmailTaken,
        })
    }

    fn end(&self, cookie_header: Option<&str>) -> Result<Vec<String>, SessionError> {
        wit::end(cookie_header).map_err(failure)
    }

    fn reissue(
        &self,
        live: &SessionWithUser,
        cookie_header: Option<&str>,
    ) -> Result<Vec<String>, SessionError> {
        let live = wit::SessionWithUser {
            session: wit_session(&live.session),
            user: wit_user(&live.user),
        };
        wit::reissue(&live, cookie_header).map_err(failure)
    }

    fn revoke(
        &self,
        user_id: &str,
        token: &str,
        cookie_header: Option<&str>,
    ) -> Result<Vec<String>, SessionError> {
        wit::revoke(user_id, token, cookie_header).map_err(failure)
    }

    fn revoke_all(
        &self,
        user_id: &str,
        except_token: Option<&str>,
        cookie_header: Option<&str>,
    ) -> Result<Vec<String>, SessionError> {
        wit::revoke_all(user_id, except_token, cookie_header).map_err(failure)
    }

    fn list(&self, user_id: &str) -> Result<Vec<Session>, SessionError> {
        Ok(wit::list_for_user(user_id)
            .map_err(failure)?
            .into_iter()
            .map(session)
            .collect())
    }

    fn verify_token(&self, token: &str) -> Result<Option<String>, SessionError> {
        wit::verify_token(token).map_err(failure)
    }
}

fn session(s: wit::Session) -> Session {
    Session {
        id: s.id,
        token: s.token,
        user_id: s.user_id,
        expires_at: s.expires_at,
        created_at: s.created_at,
        updated_at: s.updated_at,
        ip_address: s.ip_address,
        user_agent: s.user_agent,
    }
}

fn user(u: wit::User) -> User {
    User {
        id: u.id,
        name: u.name,
        email: u.email,
        email_verified: u.email_verified,
        image: u.image,
        created_at: u.created_at,
        updated_at: u.updated_at,
    }
}

fn wit_session(s: &Session) -> wit::Session {
    wit::Session {
        id: s.id.clone(),
        token: s.token.clone(),
        user_id: s.user_id.clone(),
        expires_at: s.expires_at,
        created_at: s.created_at,
        updated_at: s.updated_at,
        ip_address: s.ip_address.clone(),
        user_agent: s.user_agent.clone(),
    }
}

fn wit_user(u: &User) -> wit::User {
    wit::User {
        id: u.id.clone(),
        name: u.name.clone(),
        email: u.email.clone(),
        email_verified: u.email_verified,
        image: u.image.clone(),
        created_at: u.created_at,
        updated_at: u.updated_at,
    }
}
