//! oRPC's wire formats (spec orpc-and-template.md §3–§4), independent of any procedure:
//!
//! - [`value`]: JavaScript values as the serializers see them (Dates, BigInts, Sets,
//!   files, `undefined`…), the form inputs are validated in and outputs encoded from;
//!   [`types`] are their Rust counterparts for procedure inputs and outputs, and
//!   [`ser::to_value`] turns any serde type into a value.
//! - [`rpc_json`]: the RPC serializer's `json` + `meta` (+ `maps` for files) (§3.2,
//!   §3.4); [`plain`]: the OpenAPI side's plain JSON (§4.3).
//! - [`body`], [`multipart`], [`bracket`]: request bodies by media type (§3.3, §4.2).
//! - [`rpc`] and [`openapi`]: the two protocols' request decoding, responses and mount
//!   rules (§1.2, §3, §4.1–§4.4).
//! - [`error`]: `ORPCError` with the standard codes, statuses and messages (§3.6).

#![forbid(unsafe_code)]

pub mod body;
pub mod bracket;
mod date;
pub mod error;
pub mod multipart;
pub mod openapi;
pub mod plain;
pub mod rpc;
pub mod rpc_json;
pub mod ser;
pub mod types;
mod url;
pub mod value;

pub use error::OrpcError;
pub use ser::to_value;
pub use value::{File, Value};
