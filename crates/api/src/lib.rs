//! The API router (spec orpc-and-template.md §2), host-independent: procedures with a
//! path, typed input and output (serde + JSON Schema), an access rule and a handler
//! over a [`Context`] (the caller's session, resolved lazily, and the database behind
//! [`store`] traits). Both mounts serve the same router without repeating its logic:
//! [`rpc`] (oRPC's RPC protocol, the `rpc` component) and [`rest`] (plain JSON over
//! REST, the `openapi` component), through [`call`], which applies the access rule and
//! validates inputs against their JSON Schema with zod's issues ([`validate`]).
//!
//! - [`procedures::router`]: the app's procedures (`healthCheck`, `privateData`, the
//!   todo example); README.md "Add a procedure" shows how to add one.
//! - [`procedure`], [`router`], [`schema`]: the building blocks.
//! - [`testing`]: in-memory stand-ins for the session component and the database.

#![forbid(unsafe_code)]

pub mod call;
pub mod context;
pub mod error;
pub mod procedure;
pub mod procedures;
pub mod rest;
pub mod router;
pub mod rpc;
pub mod schema;
pub mod store;
pub mod testing;
pub mod validate;

pub use context::{Context, Services};
pub use error::ApiError;
pub use procedure::{Access, Input, NoInput, Procedure};
pub use procedures::router;
pub use router::Router;
