//! Better Auth's HTTP API under `/api/auth` (spec better-auth-protocol.md), as plain
//! request → response logic. Sessions come from a [`SessionResolver`] (in the `auth`
//! component: the imported `spinstack:session/sessions` interface).
//!
//! - [`router`]: the mount and better-call's routing rules (§2.1, reference transcripts).
//! - [`error`]: Better Auth's `{"message","code"}` error responses (§2.5).
//! - [`get_session`]: `GET /get-session` (§3.6).

#![forbid(unsafe_code)]

pub mod error;
pub mod get_session;
pub mod router;

pub use router::handle;

pub use spinstack_sessions::{ResolvedSession, SessionResolver};
