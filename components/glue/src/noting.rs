//! Wrappers that note, for the request's log line
//! ([`spinstack_http::request_log::note`]), why the database or the session library
//! failed — a configuration error naming its variable, or the database — since every
//! `500` the caller gets looks alike. They pass every call and result through
//! unchanged; the failure's message is only classified, never logged here.

use spinstack_http::request_log::{Failure, note};
use spinstack_sessions::{
    Creation, Lookup, Owner, ResolvedSession, Session, SessionError, SessionManager,
    SessionRequest, SessionResolver, SessionWithUser,
};
use spinstack_sql::{Connection, Dialect, Param, Row, SqlError};

/// Notes a failure message of the database or the session library.
fn noted<T, E: ToString>(result: Result<T, E>) -> Result<T, E> {
    if let Err(e) = &result {
        note(Failure::classify(&e.to_string(), Failure::Database));
    }
    result
}

/// A database connection whose failures are noted.
pub struct NotingConnection<C>(pub C);

impl<C: Connection> Connection for NotingConnection<C> {
    fn dialect(&self) -> Dialect {
        self.0.dialect()
    }

    fn query(&self, sql: &str, params: &[Param]) -> Result<Vec<Row>, SqlError> {
        noted(self.0.query(sql, params))
    }

    fn execute(&self, sql: &str, params: &[Param]) -> Result<(), SqlError> {
        noted(self.0.execute(sql, params))
    }
}

/// The session library (or any resolver or manager) with its failures noted.
pub struct NotingSessions<'a, S: ?Sized>(pub &'a S);

impl<S: SessionResolver + ?Sized> SessionResolver for NotingSessions<'_, S> {
    fn resolve(
        &self,
        cookie_header: Option<&str>,
        lookup: Lookup,
    ) -> Result<ResolvedSession, SessionError> {
        noted(self.0.resolve(cookie_header, lookup))
    }
}

impl<S: SessionManager + ?Sized> SessionManager for NotingSessions<'_, S> {
    fn create(&self, request: &SessionRequest, owner: Owner<'_>) -> Result<Creation, SessionError> {
        noted(self.0.create(request, owner))
    }

    fn end(&self, cookie_header: Option<&str>) -> Result<Vec<String>, SessionError> {
        noted(self.0.end(cookie_header))
    }

    fn reissue(
        &self,
        live: &SessionWithUser,
        cookie_header: Option<&str>,
    ) -> Result<Vec<String>, SessionError> {
        noted(self.0.reissue(live, cookie_header))
    }

    fn revoke(
        &self,
        user_id: &str,
        token: &str,
        cookie_header: Option<&str>,
    ) -> Result<Vec<String>, SessionError> {
        noted(self.0.revoke(user_id, token, cookie_header))
    }

    fn revoke_all(
        &self,
        user_id: &str,
        except_token: Option<&str>,
        cookie_header: Option<&str>,
    ) -> Result<Vec<String>, SessionError> {
        noted(self.0.revoke_all(user_id, except_token, cookie_header))
    }

    fn list(&self, user_id: &str) -> Result<Vec<Session>, SessionError> {
        noted(self.0.list(user_id))
    }

    fn verify_token(&self, token: &str) -> Result<Option<String>, SessionError> {
        noted(self.0.verify_token(token))
    }
}

#[cfg(feature = "todo-store")]
mod api {
    use spinstack_api::Services;
    use spinstack_api::store::{StoreError, Todo, TodoStore};
    use spinstack_http::request_log::{Failure, note};

    use super::NotingSessions;

    /// The `todo` table with its database failures noted (not the caller's `400`s).
    struct NotingTodos<'a>(&'a dyn TodoStore);

    fn stored<T>(result: Result<T, StoreError>) -> Result<T, StoreError> {
        if let Err(StoreError::Failed(cause)) = &result {
            note(Failure::classify(cause, Failure::Database));
        }
        result
    }

    impl TodoStore for NotingTodos<'_> {
        fn all(&self) -> Result<Vec<Todo>, StoreError> {
            stored(self.0.all())
        }
        fn insert(&self, text: &str) -> Result<u64, StoreError> {
            stored(self.0.insert(text))
        }
        fn set_completed(&self, id: i32, completed: bool) -> Result<u64, StoreError> {
            stored(self.0.set_completed(id, completed))
        }
        fn delete(&self, id: i32) -> Result<u64, StoreError> {
            stored(self.0.delete(id))
        }
    }

    /// Runs `f` with `services` whose failures are noted for the request's log line.
    pub fn with_noting<T>(services: Services<'_>, f: impl FnOnce(Services<'_>) -> T) -> T {
        let sessions = NotingSessions(services.sessions);
        let todos = NotingTodos(services.todos);
        f(Services {
            sessions: &sessions,
            todos: &todos,
        })
    }
}

#[cfg(feature = "todo-store")]
pub use api::with_noting;
