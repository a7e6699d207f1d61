//! Calling a procedure, the same for both mounts and in oRPC's order: the access rule
//! (the template's `requireAuth` middleware runs before input validation), then input
//! validation (`400 Input validation failed` with zod's issues), then the handler.
//! Unexpected failures become `500 Internal server error`, their cause logged.

use serde_json::json;
use spinstack_orpc::{OrpcError, Value};

use crate::context::Context;
use crate::error::ApiError;
use crate::procedure::{Access, Procedure};
use crate::validate::{Issue, validate};

/// Runs `procedure` on a decoded input.
///
/// # Errors
/// The oRPC error to send.
pub fn call(procedure: &Procedure, ctx: &Context<'_>, input: &Value) -> Result<Value, OrpcError> {
    run(procedure, ctx, input).map_err(|error| error.into_orpc(procedure.path()))
}

fn run(procedure: &Procedure, ctx: &Context<'_>, input: &Value) -> Result<Value, ApiError> {
    if procedure.access() == Access::Session {
        ctx.session()?;
    }
    if let Some(schema) = procedure.input_schema() {
        let issues = validate(schema, input);
        if !issues.is_empty() {
            return Err(invalid_input(&issues).into());
        }
    }
    procedure.run(ctx, input)
}

/// oRPC's `BAD_REQUEST` for an input that fails its schema.
pub fn invalid_input(issues: &[Issue]) -> OrpcError {
    let issues: Vec<_> = issues.iter().map(Issue::to_json).collect();
    OrpcError::new("BAD_REQUEST")
        .with_message("Input validation failed")
        .with_data(json!({ "issues": issues }))
}
