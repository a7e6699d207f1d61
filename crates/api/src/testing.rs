//! In-memory stand-ins for the session component and the database, for native tests
//! of the router and the mounts (here and in `tests/`).

use std::cell::RefCell;

use spinstack_sessions::{
    Lookup, Outcome, ResolvedSession, Session, SessionError, SessionResolver, SessionWithUser, User,
};

use crate::store::{StoreError, Todo, TodoStore, storable_text};

/// The `todo` table in memory: a serial id, rows kept in id order.
#[derive(Debug, Default)]
pub struct MemoryTodos {
    rows: RefCell<Vec<Todo>>,
    serial: RefCell<i32>,
    /// When set, every call fails with this message.
    pub failure: Option<String>,
}

impl MemoryTodos {
    /// A table whose every call fails with `message`.
    pub fn failing(message: &str) -> Self {
        Self {
            failure: Some(message.to_owned()),
            ..Self::default()
        }
    }

    fn check(&self) -> Result<(), StoreError> {
        self.failure
            .clone()
            .map_or(Ok(()), |message| Err(StoreError::Failed(message)))
    }
}

impl TodoStore for MemoryTodos {
    fn all(&self) -> Result<Vec<Todo>, StoreError> {
        self.check()?;
        Ok(self.rows.borrow().clone())
    }

    fn insert(&self, text: &str) -> Result<u64, StoreError> {
        self.check()?;
        let text = storable_text("text", text)?;
        let mut serial = self.serial.borrow_mut();
        *serial += 1;
        self.rows.borrow_mut().push(Todo {
            id: *serial,
            text: text.to_owned(),
            completed: false,
        });
        Ok(1)
    }

    fn set_completed(&self, id: i32, completed: bool) -> Result<u64, StoreError> {
        self.check()?;
        let mut rows = self.rows.borrow_mut();
        let hits = rows
            .iter_mut()
            .filter(|row| row.id == id)
            .fold(0, |n, row| {
                row.completed = completed;
                n + 1
            });
        Ok(hits)
    }

    fn delete(&self, id: i32) -> Result<u64, StoreError> {
        self.check()?;
        let mut rows = self.rows.borrow_mut();
        let before = rows.len();
        rows.retain(|row| row.id != id);
        Ok(u64::try_from(before - rows.len()).unwrap_or(0))
    }
}

/// A session component that knows one cookie header: `cookie` gets `outcome` and
/// `set_cookies`; any other request is anonymous. Counts its calls.
pub struct FixedSessions {
    /// The `Cookie` header that is signed in.
    pub cookie: String,
    /// What that cookie resolves to.
    pub outcome: Outcome,
    /// The `Set-Cookie` lines its resolution hands back.
    pub set_cookies: Vec<String>,
    /// When set, every resolution fails with this message.
    pub failure: Option<String>,
    /// How many resolutions were asked for.
    pub calls: RefCell<usize>,
}

impl FixedSessions {
    /// Signed in as [`reference_user`] with `cookie`.
    pub fn signed_in(cookie: &str) -> Self {
        Self {
            cookie: cookie.to_owned(),
            outcome: Outcome::SignedIn(Box::new(SessionWithUser {
                session: Session {
                    id: "sess".to_owned(),
                    token: "token".to_owned(),
                    user_id: reference_user().id,
                    expires_at: 1_796_580_324_022,
                    created_at: 1_795_975_524_022,
                    updated_at: 1_795_975_524_022,
                    ip_address: Some(String::new()),
                    user_agent: None,
                },
                user: reference_user(),
            })),
            set_cookies: Vec::new(),
            failure: None,
            calls: RefCell::new(0),
        }
    }
}

impl SessionResolver for FixedSessions {
    fn resolve(
        &self,
        cookie_header: Option<&str>,
        _lookup: Lookup,
    ) -> Result<ResolvedSession, SessionError> {
        *self.calls.borrow_mut() += 1;
        if let Some(message) = &self.failure {
            return Err(message.clone());
        }
        Ok(if cookie_header == Some(self.cookie.as_str()) {
            ResolvedSession {
                outcome: self.outcome.clone(),
                set_cookies: self.set_cookies.clone(),
            }
        } else {
            ResolvedSession {
                outcome: Outcome::Anonymous,
                set_cookies: Vec::new(),
            }
        })
    }
}

/// The user of the reference transcripts.
pub fn reference_user() -> User {
    User {
        id: "1RMSZCORK3hH13jEVteKMBllfAkMcfbC".to_owned(),
        name: "Ref User".to_owned(),
        email: "ref-user@example.com".to_owned(),
        email_verified: false,
        image: None,
        created_at: 1_795_975_524_006,
        updated_at: 1_795_975_524_123,
    }
}
