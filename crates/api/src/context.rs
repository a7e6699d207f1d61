//! What a procedure's handler receives besides its input: the caller's session,
//! resolved lazily through the `session` component (only procedures that ask for it
//! pay the round trip), and the database. A session lookup may refresh the session
//! (Better Auth's sliding expiry); its `Set-Cookie` lines are kept here and sent with
//! the response, so the browser's cookie slides with the row (better-auth#2115).

use std::cell::{OnceCell, RefCell};

use spinstack_sessions::{Lookup, Outcome, SessionResolver, SessionWithUser};

use crate::error::ApiError;
use crate::store::TodoStore;

/// The outside world a request is served with.
#[derive(Clone, Copy)]
pub struct Services<'a> {
    /// The session component.
    pub sessions: &'a dyn SessionResolver,
    /// The `todo` table.
    pub todos: &'a dyn TodoStore,
}

/// One request's context.
pub struct Context<'a> {
    services: Services<'a>,
    cookie_header: Option<String>,
    session: OnceCell<Option<Box<SessionWithUser>>>,
    set_cookies: RefCell<Vec<String>>,
}

impl<'a> Context<'a> {
    /// A context for a request with this `Cookie` header.
    pub fn new(services: Services<'a>, cookie_header: Option<String>) -> Self {
        Self {
            services,
            cookie_header,
            session: OnceCell::new(),
            set_cookies: RefCell::new(Vec::new()),
        }
    }

    /// The caller's session, or `UNAUTHORIZED`.
    ///
    /// # Errors
    /// [`ApiError::unauthorized`] without a live session; an internal error when the
    /// session component fails.
    pub fn session(&self) -> Result<&SessionWithUser, ApiError> {
        self.optional_session()?.ok_or_else(ApiError::unauthorized)
    }

    /// The caller's session, if any.
    ///
    /// # Errors
    /// An internal error when the session component fails.
    pub fn optional_session(&self) -> Result<Option<&SessionWithUser>, ApiError> {
        if let Some(resolved) = self.session.get() {
            return Ok(resolved.as_deref());
        }
        let resolution = self
            .services
            .sessions
            .resolve(self.cookie_header.as_deref(), Lookup::default())
            .map_err(|cause| ApiError::internal(format!("session: {cause}")))?;
        self.set_cookies.borrow_mut().extend(resolution.set_cookies);
        let session = match resolution.outcome {
            Outcome::SignedIn(live) => Some(live),
            // A refresh that found its row gone is no session (its clearing cookies
            // are forwarded like any others).
            Outcome::Anonymous | Outcome::RefreshFailed => None,
        };
        Ok(self.session.get_or_init(|| session).as_deref())
    }

    /// The `todo` table.
    pub fn todos(&self) -> &'a dyn TodoStore {
        self.services.todos
    }

    /// The `Set-Cookie` lines the session lookup produced, for the response.
    pub fn take_set_cookies(&self) -> Vec<String> {
        std::mem::take(&mut self.set_cookies.borrow_mut())
    }
}
