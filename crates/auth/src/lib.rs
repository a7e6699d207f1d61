//! Better Auth's HTTP API under `/api/auth` (spec better-auth-protocol.md), as plain
//! request → response logic over three seams: a [`SessionManager`] (in the `auth`
//! component, the imported `spinstack:session/sessions` interface), a
//! [`store::UserStore`] (users and accounts) and the clock in [`AuthContext`].
//!
//! - [`router`]: the mount, the route table and the request rules of
//!   `spinstack-auth-rules`, in Better Auth's processing order (§2.4).
//! - [`endpoints`]: one module per family of endpoints.
//! - [`error`]: Better Auth's `{"message","code"}` error responses (§2.5).

#![forbid(unsafe_code)]

pub mod context;
pub mod endpoints;
pub mod error;
pub mod router;
pub mod store;
#[cfg(test)]
mod testing;

pub use context::AuthContext;
pub use router::handle;
pub use spinstack_sessions::{ResolvedSession, SessionManager, SessionResolver};
