//! The TypeScript types of the API's procedures, for the frontend: `scripts/generate-types
//! <output.ts>` writes, from the same procedure definitions and JSON Schemas that serve
//! `/rpc` and the OpenAPI document ([`spinstack_api::router`]), a module exporting
//! `AppRouter` (an oRPC contract) and `AppRouterClient` (what the template's
//! `apps/web/src/utils/orpc.ts` imports), so a Better-T-Stack frontend type-checks
//! against the Rust server and sees a new procedure after one command.
//!
//! - [`schema`]: one JSON Schema as a TypeScript type.
//! - [`module`]: the module of a router (contract, client, per-procedure types).
//! - [`package`]: the drop-in `packages/api` of a Better-T-Stack checkout.
//! - [`app_module`]: the module of this app's router.

#![forbid(unsafe_code)]

pub mod module;
pub mod package;
pub mod schema;

use serde_json::Value as Json;
use spinstack_api::{Access, Router};

pub use module::{ErrorType, ErrorTypes, ModuleError, ProcedureTypes};

/// The procedures of `router` as [`module::module`] takes them, with the errors the
/// OpenAPI document gives each (`spinstack_openapi_doc::errors`).
pub fn procedures(router: &Router) -> Vec<ProcedureTypes> {
    router
        .procedures()
        .iter()
        .map(|procedure| {
            let protected = procedure.access() == Access::Session;
            let errors = spinstack_openapi_doc::errors::responses(protected)
                .values()
                .filter_map(|response| {
                    response
                        .pointer("/content/application~1json/schema/$ref")
                        .and_then(Json::as_str)
                        .and_then(|r| r.strip_prefix("#/components/schemas/"))
                        .map(str::to_owned)
                })
                .collect();
            ProcedureTypes {
                path: procedure.path().to_owned(),
                protected,
                input: procedure.input_schema().cloned(),
                output: procedure.output_schema(),
                errors,
            }
        })
        .collect()
}

/// The error types of the OpenAPI document's error schemas
/// (`spinstack_openapi_doc::errors::schemas`): code from `code`'s `const`, `data`
/// from its property (optional unless required).
pub fn error_types() -> ErrorTypes {
    let descriptions = spinstack_openapi_doc::errors::responses(true);
    let errors = spinstack_openapi_doc::errors::schemas()
        .into_iter()
        .filter_map(|(name, schema)| {
            let code = schema
                .pointer("/properties/code/const")?
                .as_str()?
                .to_owned();
            let required = |key: &str| {
                schema
                    .get("required")
                    .and_then(Json::as_array)
                    .is_some_and(|r| r.iter().any(|k| k == key))
            };
            let data = schema
                .pointer("/properties/data")
                .map(|data| (data.clone(), required("data")));
            let reference = format!("#/components/schemas/{name}");
            let description = descriptions
                .values()
                .find(|r| {
                    r.pointer("/content/application~1json/schema/$ref")
                        .and_then(Json::as_str)
                        == Some(reference.as_str())
                })
                .and_then(|r| r.get("description"))
                .and_then(Json::as_str)
                .unwrap_or("an error the server answers with")
                .to_owned();
            Some(ErrorType {
                name,
                description,
                code,
                data,
            })
        })
        .collect();
    ErrorTypes { errors }
}

/// The module of this app's router ([`spinstack_api::router`]).
///
/// # Errors
/// [`ModuleError`] when a procedure's schema has no TypeScript type (a bug to fix in
/// [`schema`] or in the procedure's type).
pub fn app_module() -> Result<String, ModuleError> {
    module::module(&procedures(spinstack_api::router()), &error_types())
}
