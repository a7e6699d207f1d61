//! The API router: the procedures (spec orpc-and-template.md §2) in one table, served
//! by both the `rpc` component (oRPC's RPC protocol, [`rpc`]) and the `openapi`
//! component (plain JSON over REST, [`rest`]), so neither repeats procedure logic.

#![forbid(unsafe_code)]

pub mod procedures;
pub mod rest;
pub mod rpc;

pub use procedures::{Procedure, find};
