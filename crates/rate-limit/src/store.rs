//! Where the buckets live, as a trait: PostgreSQL through Spin in the `auth` component
//! (running [`crate::sql::HIT`]), [`MemoryStore`] in tests, Spin's SQLite later.
//!
//! A store must take the whole decision of [`crate::decide`] atomically: Spin runs many
//! short-lived instances at once, so a read followed by a write would let concurrent
//! requests of one bucket all see the same count and all pass.

use std::{cell::RefCell, collections::HashMap};

use crate::{
    decision::{Decision, Entry, decide},
    rule::Rule,
};

/// A failure of the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The backend failed (connection, statement, or a row of an unexpected shape).
    /// The message is for logs, never for clients.
    #[error("rate-limit store failed: {0}")]
    Store(String),
}

/// Buckets shared by every instance of the application.
pub trait RateLimitStore {
    /// Counts one request of bucket `key` under `rule` at `now_ms` (milliseconds since
    /// the Unix epoch) and decides it, as [`crate::decide`] does, in one atomic step.
    ///
    /// # Errors
    /// [`Error::Store`] when the backend fails; nothing is decided then.
    fn hit(&self, key: &str, rule: Rule, now_ms: i64) -> Result<Decision, Error>;
}

/// Buckets in this process's memory: Better Auth's own store, and a reference for the
/// others. Useless across Spin instances; meant for tests.
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: RefCell<HashMap<String, Entry>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The entry of bucket `key`, if any.
    pub fn entry(&self, key: &str) -> Option<Entry> {
        self.entries.borrow().get(key).copied()
    }
}

impl RateLimitStore for MemoryStore {
    fn hit(&self, key: &str, rule: Rule, now_ms: i64) -> Result<Decision, Error> {
        let mut entries = self.entries.borrow_mut();
        let (decision, entry) = decide(entries.get(key).copied(), rule, now_ms);
        entries.insert(key.to_owned(), entry);
        Ok(decision)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_keeps_buckets_apart() -> Result<(), Error> {
        let store = MemoryStore::new();
        let rule = Rule::CREDENTIALS;
        for _ in 0..3 {
            assert!(store.hit("a|/sign-in/email", rule, 0)?.is_allowed());
        }
        assert!(!store.hit("a|/sign-in/email", rule, 1)?.is_allowed());
        assert!(store.hit("b|/sign-in/email", rule, 1)?.is_allowed());
        assert!(store.hit("a|/sign-up/email", rule, 1)?.is_allowed());
        assert_eq!(
            store.entry("a|/sign-in/email"),
            Some(Entry {
                count: 3,
                last_request_ms: 0
            })
        );
        Ok(())
    }
}
