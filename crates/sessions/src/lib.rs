//! Better Auth sessions (spec better-auth-protocol.md §3): the records, their JSON as
//! every endpoint returns it, and the `get-session` algorithm (§3.6) over a small
//! storage trait so that the logic is tested natively and the storage (PostgreSQL
//! through Spin today, SQLite later) stays behind [`SessionStore`].

#![forbid(unsafe_code)]

pub mod cache;
pub mod consumer;
pub mod create;
pub mod json;
pub mod jws;
pub mod keys;
pub mod lifetime;
pub mod model;
pub mod postgres;
pub mod resolve;
pub mod store;
pub mod time;

pub use consumer::{
    Creation, Lookup, Owner, ResolvedSession, SessionError, SessionManager, SessionRequest,
    SessionResolver, SignUpUser,
};
pub use keys::SessionKeys;
pub use model::{Session, SessionWithUser, User};
pub use resolve::{Outcome, Resolution, ResolveRequest, resolve};
pub use store::{NewUser, SessionLifecycle, SessionStore, StoredSession};
