//! Bindings for the `session-provider` world, generated once here.
#![allow(missing_docs, reason = "generated code")]

wit_bindgen::generate!({
    path: "../../wit",
    world: "session-provider",
    pub_export_macro: true,
});
