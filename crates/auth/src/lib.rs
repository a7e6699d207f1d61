//! Better Auth's HTTP API under `/api/auth` (spec better-auth-protocol.md), as plain
//! request → response logic over four seams: a [`SessionManager`] (in the `auth`
//! component, the imported `spinstack:session/sessions` interface), a
//! [`store::UserStore`] (users and accounts), a [`store::VerificationStore`] (the
//! `verification` table) and the clock in [`AuthContext`]. Where better-auth 1.7.5
//! (the reference transcripts' version) differs from the protocol document, 1.7.5 wins.
//!
//! - [`router`]: the mount, the route table and the request rules of
//!   `spinstack-auth-rules`, in Better Auth's processing order (§2.4).
//! - [`endpoints`]: one module per family of endpoints.
//! - [`error`]: Better Auth's `{"message","code"}` error responses (§2.5).
//! - [`urls`]: WHATWG URL building for the redirects.

#![forbid(unsafe_code)]

pub mod context;
pub mod endpoints;
pub mod error;
pub mod router;
pub mod store;
#[cfg(test)]
mod testing;
pub mod urls;

pub use context::{AuthContext, auth_base_url};
pub use router::handle;
pub use spinstack_sessions::{ResolvedSession, SessionManager, SessionResolver};
