//! Conversions from the session crate's types to the WIT records.

use crate::bindings::exports::spinstack::session::sessions as wit;
use spinstack_sessions::{Outcome, Resolution, Session, SessionWithUser, User};

fn user(user: User) -> wit::User {
    wit::User {
        id: user.id,
        name: user.name,
        email: user.email,
        email_verified: user.email_verified,
        image: user.image,
        created_at: user.created_at,
        updated_at: user.updated_at,
    }
}

pub fn session(session: Session) -> wit::Session {
    wit::Session {
        id: session.id,
        token: session.token,
        user_id: session.user_id,
        expires_at: session.expires_at,
        created_at: session.created_at,
        updated_at: session.updated_at,
        ip_address: session.ip_address,
        user_agent: session.user_agent,
    }
}

pub fn resolution(resolution: Resolution) -> wit::Resolution {
    let outcome = match resolution.outcome {
        Outcome::Anonymous => wit::Outcome::Anonymous,
        Outcome::RefreshFailed => wit::Outcome::RefreshFailed,
        Outcome::SignedIn(live) => wit::Outcome::SignedIn(wit::SessionWithUser {
            session: session(live.session),
            user: user(live.user),
        }),
    };
    wit::Resolution {
        outcome,
        set_cookies: resolution
            .set_cookies
            .iter()
            .map(ToString::to_string)
            .collect(),
    }
}

pub fn created(row: Session, set_cookies: Vec<String>) -> wit::CreatedSession {
    wit::CreatedSession {
        session: session(row),
        set_cookies,
    }
}

/// A WIT user as the session crate's.
pub fn from_user(user: wit::User) -> User {
    User {
        id: user.id,
        name: user.name,
        email: user.email,
        email_verified: user.email_verified,
        image: user.image,
        created_at: user.created_at,
        updated_at: user.updated_at,
    }
}

/// A WIT session and user as the session crate's.
pub fn from_live(live: wit::SessionWithUser) -> SessionWithUser {
    let s = live.session;
    SessionWithUser {
        session: Session {
            id: s.id,
            token: s.token,
            user_id: s.user_id,
            expires_at: s.expires_at,
            created_at: s.created_at,
            updated_at: s.updated_at,
            ip_address: s.ip_address,
            user_agent: s.user_agent,
        },
        user: from_user(live.user),
    }
}
