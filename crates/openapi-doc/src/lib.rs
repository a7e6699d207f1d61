//! The app's OpenAPI 3.1 document and its reference page, served by the `openapi`
//! component under `/api-reference` (spec orpc-and-template.md §4.5–§4.6), going beyond
//! the original's empty schemas so that client generators and fuzzers can use it as is:
//!
//! - [`document`]: the document — the router's procedures with their real request and
//!   response schemas, their error responses and the session cookie on protected ones
//!   ([`procedures`], [`errors`]), and Better Auth's endpoints, which the `auth`
//!   component serves under `/api/auth` ([`auth`]).
//! - [`page`]: the Scalar reference page with the document inlined, escaped for HTML.
//! - [`serve`]: which `GET` requests get the document or the page.

#![forbid(unsafe_code)]

pub mod auth;
pub mod document;
pub mod errors;
pub mod page;
pub mod procedures;
pub mod serve;

pub use document::document;
pub use serve::handle;

/// The name of the security scheme that stands for a Better Auth session cookie.
pub const SESSION_SCHEME: &str = "sessionCookie";

/// The `security` requirement of an operation that needs a session.
pub fn session_required() -> serde_json::Value {
    serde_json::json!([{ SESSION_SCHEME: [] }])
}
