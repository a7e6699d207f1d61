//! Better Auth's request-level rules — what every endpoint applies before its
//! handler — as pure functions over [`spinstack_http::Request`], each failure being
//! the exact Better Auth error as a [`Rejection`] (spec better-auth-protocol.md §2,
//! §5, §6.3, §8, §10, matched to better-auth 1.7.5 as the reference transcripts run).
//!
//! An endpoint chains them with [`endpoint::check`]:
//!
//! ```
//! use spinstack_auth_rules::{TrustedOrigins, endpoint};
//! use spinstack_http::Request;
//!
//! let trusted = TrustedOrigins::new("http://localhost:3000", ["http://localhost:3001"]);
//! let request = Request::new("POST", "/api/auth/sign-up/email")
//!     .with_header("Origin", "http://localhost:3001")
//!     .with_header("Content-Type", "application/json")
//!     .with_body(r#"{"email":"not-an-email","password":"password1234","name":"Bad"}"#);
//! let route = endpoint::find("POST", "/sign-up/email").expect("a route");
//! let rejection = endpoint::check(route, &request, &trusted).expect_err("bad email");
//! assert_eq!(rejection.status, 400);
//! assert_eq!(
//!     rejection.to_response().body,
//!     br#"{"message":"[body.email] Invalid email address","code":"VALIDATION_ERROR"}"#
//! );
//! ```
//!
//! - [`body`]: media types (415) and JSON (400), form bodies, the query map (§2.2).
//! - [`validation`] and [`schemas`]: zod-compatible `VALIDATION_ERROR`s (§2.5, §10);
//!   [`storable`]: the NUL characters PostgreSQL cannot store, refused the same way.
//! - [`email`]: zod's email pattern, lower-casing, sign-in's `INVALID_EMAIL` (§8).
//! - [`origin`] and [`glob`]: trusted origins and `matchesOriginPattern` (§5.1).
//! - [`csrf`]: the router-level origin/callback check, login CSRF, GET callbacks (§5.2–§5.4).
//! - [`client_ip`]: the client IP from the peer address or a trusted proxy's header (§6.3).
//! - [`endpoint`]: the per-route table and the chain in Better Auth's order (§2.4).

#![forbid(unsafe_code)]

pub mod body;
pub mod client_ip;
pub mod csrf;
pub mod email;
pub mod endpoint;
mod error;
pub mod glob;
pub mod origin;
pub mod schemas;
pub mod storable;
pub mod validation;

pub use error::Rejection;
pub use origin::TrustedOrigins;
