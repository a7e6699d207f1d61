//! Host bindings for the Spin interfaces this runtime implements beyond WASI.
//!
//! `bindgen!` runs once, here, over `wit/` (interface files copied from spin-sdk 5.2.0,
//! plus this runtime's `deny-*` copies of the SQLite interfaces); the rest of the crate
//! uses the re-exports below. Every import is `async | trappable`: host functions return
//! `wasmtime::Result<…>` so a host bug can trap instead of being disguised as a
//! guest-visible error.

mod generated {
    #![allow(missing_docs, reason = "generated code")]
    #![allow(clippy::all, reason = "generated code")]

    wasmtime::component::bindgen!({
        path: "wit",
        world: "spin-test-runtime:host/host",
        imports: { default: async | trappable },
        with: {
            "spin:postgres/postgres.connection": crate::pg::Connection,
        },
    });
}

/// `spin:postgres/postgres@3.0.0`.
pub use generated::spin::postgres::postgres as pg3;

/// `fermyon:spin/variables@2.0.0`.
pub use generated::fermyon::spin::variables;

/// `fermyon:spin/sqlite@2.0.0` (spin-sdk's `sqlite` module).
pub use generated::fermyon::spin::sqlite as sqlite2;

/// `spin:sqlite/sqlite@3.0.0` (spin-sdk's `sqlite3` module).
pub use generated::spin::sqlite::sqlite as sqlite3;

/// `fermyon:spin/sqlite@2.0.0` as re-routed for a dependency that does not inherit
/// configuration (see [`crate::compose`]).
pub use generated::spin_test_runtime::deny_fermyon_spin::sqlite as deny_sqlite2;

/// `spin:sqlite/sqlite@3.0.0` as re-routed for a dependency that does not inherit
/// configuration (see [`crate::compose`]).
pub use generated::spin_test_runtime::deny_spin_sqlite::sqlite as deny_sqlite3;
