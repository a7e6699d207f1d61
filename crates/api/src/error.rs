//! What a procedure can fail with: an oRPC error the caller sees as it is
//! (`UNAUTHORIZED`, a validation failure…), or an internal failure whose cause is
//! logged and never sent — the caller gets oRPC's `500 Internal server error`.

use spinstack_orpc::OrpcError;

use crate::store::StoreError;

/// A procedure's failure.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// Sent to the caller as it is.
    Orpc(OrpcError),
    /// Logged with this cause; the caller sees only `Internal server error`.
    Internal(String),
}

impl ApiError {
    /// `401 UNAUTHORIZED` (what the template's `requireAuth` middleware throws).
    pub fn unauthorized() -> Self {
        Self::Orpc(OrpcError::new("UNAUTHORIZED"))
    }

    /// An internal failure with a cause for the log.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }

    /// The error for the wire; an internal cause is logged here (to stderr, which
    /// Spin keeps in its logs) under the procedure's path.
    pub fn into_orpc(self, procedure: &str) -> OrpcError {
        match self {
            Self::Orpc(error) => error,
            Self::Internal(cause) => {
                eprintln!("api: {procedure}: {cause}");
                OrpcError::internal()
            }
        }
    }
}

impl From<OrpcError> for ApiError {
    fn from(error: OrpcError) -> Self {
        Self::Orpc(error)
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unstorable(message) => {
                Self::Orpc(OrpcError::new("BAD_REQUEST").with_message(&message))
            }
            StoreError::Failed(cause) => Self::Internal(format!("database: {cause}")),
        }
    }
}
