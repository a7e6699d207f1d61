//! Host bindings for the Spin interfaces this runtime implements beyond WASI.
//!
//! `bindgen!` runs once, here, over `wit/` (interface files copied from spin-sdk 5.2.0);
//! the rest of the crate uses the re-exports below. Every import is `async | trappable`:
//! host functions return `wasmtime::Result<…>` so a host bug can trap instead of being
//! disguised as a guest-visible error.

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
