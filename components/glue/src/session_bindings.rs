//! Bindings for the imported `spinstack:session/sessions` interface.
#![allow(missing_docs, reason = "generated code")]

wit_bindgen::generate!({
    path: "../../wit",
    world: "session-consumer",
});
