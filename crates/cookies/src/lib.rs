//! Better Auth's cookies, byte for byte (spec better-auth-protocol.md §3.2–§3.3).
//!
//! - [`signing`]: `<value>.<base64 HMAC-SHA256>` values, percent-encoded as
//!   `encodeURIComponent` does, verified in constant time.
//! - [`parse`]: reading one cookie out of a `Cookie` header the way better-call does.
//! - [`set_cookie`]: `Set-Cookie` lines with Better Auth's attribute order.
//! - [`names`]: the cookie names (with the `__Secure-` prefix when due) and the
//!   clearing sequence sent for a dead session or on sign-out.

#![forbid(unsafe_code)]

pub mod names;
pub mod parse;
pub mod set_cookie;
pub mod signing;

pub use names::CookieNames;
pub use parse::cookie_value;
pub use set_cookie::SetCookie;
pub use signing::{sign_value, signed_cookie_value, verify_signed_cookie};
