//! What every endpoint may use: the trusted origins, the services, the clock.

use spinstack_auth_rules::origin::TrustedOrigins;
use spinstack_sessions::SessionManager;

use crate::store::UserStore;

/// The per-request context of the auth endpoints.
pub struct AuthContext<'a> {
    /// `better_auth_url`'s origin and every `cors_origin` entry.
    pub trusted: TrustedOrigins,
    /// The session component.
    pub sessions: &'a dyn SessionManager,
    /// Users and accounts.
    pub users: &'a dyn UserStore,
    /// The current time, milliseconds since the epoch.
    pub now_ms: i64,
}
