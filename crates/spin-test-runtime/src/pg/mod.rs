//! `spin:postgres/postgres@3.0.0` on the host, matching Spin's `factor-outbound-pg`.
//!
//! - [`pool`]: one `deadpool-postgres` pool per connection string (the backend seam);
//! - [`convert`]: pure conversions between PostgreSQL values and WIT values;
//! - [`host`]: the generated `Host*` trait impls, the allow-list check, the error mapping,
//!   and this runtime's zero-row rule;
//! - [`stats`]: opt-in counts of the guests' calls, for the benchmarks.
//!
//! A guest `connection` resource owns one pooled client until the guest drops it, so a
//! `BEGIN … COMMIT` sequence on one connection runs on one PostgreSQL session, as in Spin.

pub mod convert;
mod host;
pub mod pool;
pub mod stats;

use std::sync::Arc;

use wasmtime::component::{HasData, ResourceTable};

use crate::allowed_hosts::AllowedHosts;
pub use host::{ZERO_ROW_MESSAGE, check_address};
pub use pool::Pools;

/// The host object behind a guest `connection` resource.
pub struct Connection {
    client: deadpool_postgres::Object,
}

/// Per-instance PostgreSQL state.
#[derive(Clone)]
pub struct PgState {
    /// The pools shared by every instance of the app.
    pub pools: Arc<Pools>,
    /// The calling component's resolved `allowed_outbound_hosts`.
    pub allowed_hosts: Arc<AllowedHosts>,
}

/// What the generated `Host` traits are implemented for: the instance's resource table
/// and its PostgreSQL state, borrowed from the store.
pub struct PgView<'a> {
    /// The instance's resource table (shared with WASI).
    pub table: &'a mut ResourceTable,
    /// The instance's PostgreSQL state.
    pub state: &'a PgState,
}

/// [`HasData`] marker for linking `spin:postgres` with [`PgView`].
pub struct Pg;

impl HasData for Pg {
    type Data<'a> = PgView<'a>;
}
