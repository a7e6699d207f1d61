//! [`SessionResolver`] (for the HTTP components) over the imported `spinstack:session/sessions` interface: the
//! composed `session` component does the work; this converts its WIT records.

use spinstack_sessions::{Outcome, Session, SessionWithUser, User};
use spinstack_sessions::{ResolvedSession, SessionResolver};

use crate::session_bindings::spinstack::session::sessions as wit;

/// The session component, reached through the component dependency.
pub struct ImportedSessions;

impl SessionResolver for ImportedSessions {
    fn resolve(
        &self,
        cookie_header: Option<&str>,
        disable_refresh: bool,
    ) -> Result<ResolvedSession, String> {
        let resolution = wit::resolve(cookie_header, wit::ResolveOptions { disable_refresh })
            .map_err(|e| match e {
                wit::Error::Configuration(message) => format!("configuration: {message}"),
                wit::Error::Database(message) => format!("database: {message}"),
            })?;
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
