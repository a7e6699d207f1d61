//! The consumers' view of session resolution: what `auth`, `rpc` and `openapi` get
//! back from the `session` component, behind a trait so their logic is testable
//! without it.

use crate::resolve::Outcome;

/// What a session lookup returned: the outcome and the `Set-Cookie` lines to forward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedSession {
    /// The outcome.
    pub outcome: Outcome,
    /// `Set-Cookie` header values, in order.
    pub set_cookies: Vec<String>,
}

/// Resolves the caller's session from the `Cookie` header.
pub trait SessionResolver {
    /// Runs Better Auth's get-session algorithm.
    ///
    /// # Errors
    /// A message for the logs (never sent to clients) when configuration or the
    /// database failed.
    fn resolve(
        &self,
        cookie_header: Option<&str>,
        disable_refresh: bool,
    ) -> Result<ResolvedSession, String>;
}
