//! Plain HTTP values for the components' logic, independent of Spin so it can be unit
//! tested natively. Headers keep their order and repetitions (several `Set-Cookie`
//! lines, the request header names echoed by CORS), which the SDK's map-based types
//! would lose. [`body_limit`] and [`header_limit`] hold the request-body and
//! request-header limits every component applies.

#![forbid(unsafe_code)]

pub mod body_limit;
pub mod fallback;
pub mod header_limit;
mod request;
pub mod request_log;
mod response;

pub use request::Request;
pub use response::Response;
