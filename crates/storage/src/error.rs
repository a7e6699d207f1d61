//! The crate's own error, for the traits whose error type the store chooses
//! ([`spinstack_sessions::SessionStore`]'s associated `Error`, [`crate::SettingsStore`]):
//! what the store was doing, and the seam's [`SqlError`]. The traits with an error type
//! of their own get this one's message (`"<what>: <why>"`), which is for logs only.

use spinstack_sql::SqlError;

/// A failed store operation: what was being done and why it failed. The message is
/// for logs, never for clients.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{context}: {source}")]
pub struct StoreError {
    context: &'static str,
    source: SqlError,
}

impl StoreError {
    /// A failure of `source` while `context` (e.g. `"listing sessions"`).
    pub fn new(context: &'static str, source: SqlError) -> Self {
        Self { context, source }
    }

    /// What the store was doing.
    pub fn context(&self) -> &'static str {
        self.context
    }

    /// Why it failed. [`SqlError::Denied`] is a configuration problem (the host refused
    /// the database), the rest are database failures.
    pub fn sql(&self) -> &SqlError {
        &self.source
    }

    /// Whether the host refused the database (a configuration problem).
    pub fn is_denied(&self) -> bool {
        matches!(self.source, SqlError::Denied(_))
    }
}

/// Wraps a [`SqlError`] with what was being done.
pub(crate) fn failed(context: &'static str) -> impl Fn(SqlError) -> StoreError {
    move |source| StoreError::new(context, source)
}

/// The same, as the message the `String`-typed errors carry.
#[cfg(any(feature = "users", feature = "rate-limit", feature = "todos"))]
pub(crate) fn message(context: &'static str) -> impl Fn(SqlError) -> String {
    move |source| StoreError::new(context, source).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_operation_and_the_cause() {
        let error = failed("listing sessions")(SqlError::Statement("boom".to_owned()));
        assert_eq!(
            error.to_string(),
            "listing sessions: statement failed: boom"
        );
        assert_eq!(error.context(), "listing sessions");
        assert!(!error.is_denied());
        assert!(StoreError::new("x", SqlError::Denied("label".to_owned())).is_denied());
    }
}
