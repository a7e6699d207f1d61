//! The API components' services: the imported session interface and the template's
//! `todo` table through `spinstack-storage` on the request's database
//! ([`crate::db::Db`]: Spin's SQLite or PostgreSQL, as `database_url` says). The
//! connection opens on first use, so procedures that never touch the table cost no
//! round trip.

use spinstack_api::Services;
use spinstack_storage::Store;

use crate::db::Db;

/// Runs `f` with the API's services as the `rpc` and `openapi` components provide them
/// (a broken `database_url` surfaces when a procedure first touches the table).
pub fn with_api_services<T>(f: impl FnOnce(Services<'_>) -> T) -> T {
    let todos = Store::new(Db::from_config());
    f(Services {
        sessions: &crate::ImportedSessions,
        todos: &todos,
    })
}
