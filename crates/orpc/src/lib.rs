//! oRPC's wire formats (spec orpc-and-template.md §3–§4), independent of any procedure:
//!
//! - [`error`]: `ORPCError` with the standard codes, statuses and messages (§3.6).
//! - [`envelope`]: encoded values (`json` plus `meta` entries such as Dates) and the
//!   RPC request envelope decoder (§3.2–§3.3).
//! - [`rpc`]: RPC responses and the `/rpc` prefix matching rules (§1.2, §3.1).

#![forbid(unsafe_code)]

pub mod envelope;
pub mod error;
pub mod rpc;

pub use envelope::{Encoded, MetaEntry, PathSegment};
pub use error::OrpcError;
