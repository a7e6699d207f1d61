//! The template's optional todo example (`--examples todo`, spec §2.4), all public:
//! `todo.getAll`, `todo.create({ text })` with `text` at least one character,
//! `todo.toggle({ id, completed })`, `todo.delete({ id })`.
//!
//! The mutations answer what drizzle's node-postgres driver returns for a statement
//! without `RETURNING`: pg's query result. We send its public `QueryResult` fields —
//! `{"command":"INSERT","rowCount":1,"oid":0,"rows":[],"fields":[]}`, `oid` being
//! `null` for UPDATE and DELETE as pg parses their command tags — and leave out pg's
//! private fields (`_types`, `RowCtor`, `rowAsArray`, `_prebuiltEmptyResultObject`);
//! the web ignores the value.
//!
//! Differences from the original, both deliberate: `getAll` orders rows by id (the
//! original's `SELECT` has no `ORDER BY`, so PostgreSQL returns them in storage order,
//! which moves a toggled row to the end); and an `id` that is not a 32-bit integer
//! (`1.5`, `1e20`) matches no row, where the original fails with a 500 from
//! PostgreSQL (`invalid input syntax for type integer`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::context::Context;
use crate::error::ApiError;
use crate::procedure::NoInput;
use crate::store::Todo;

// z.object({ text: z.string().min(1) })
#[derive(Deserialize, JsonSchema)]
pub(crate) struct NewTodo {
    #[schemars(length(min = 1))]
    text: String,
}

// z.object({ id: z.number(), completed: z.boolean() })
#[derive(Deserialize, JsonSchema)]
pub(crate) struct Toggle {
    id: f64,
    completed: bool,
}

// z.object({ id: z.number() })
#[derive(Deserialize, JsonSchema)]
pub(crate) struct TodoId {
    id: f64,
}

/// node-postgres' `QueryResult` of a statement without `RETURNING`.
#[derive(Debug, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct QueryResult {
    command: &'static str,
    row_count: u64,
    oid: Option<u32>,
    rows: Vec<Todo>,
    fields: Vec<serde_json::Value>,
}

impl QueryResult {
    fn new(command: &'static str, row_count: u64) -> Self {
        Self {
            command,
            row_count,
            // pg reads an oid only from INSERT's command tag (`INSERT 0 1`).
            oid: (command == "INSERT").then_some(0),
            rows: Vec::new(),
            fields: Vec::new(),
        }
    }
}

/// The `serial` id a number names, if any.
fn row_id(id: f64) -> Option<i32> {
    let integral = id.fract() == 0.0 && (f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(&id);
    // Exact: an integral value within i32's range.
    #[allow(clippy::cast_possible_truncation, reason = "checked just above")]
    integral.then_some(id as i32)
}

pub(crate) fn get_all(ctx: &Context<'_>, _: NoInput) -> Result<Vec<Todo>, ApiError> {
    Ok(ctx.todos().all()?)
}

pub(crate) fn create(ctx: &Context<'_>, input: NewTodo) -> Result<QueryResult, ApiError> {
    let inserted = ctx.todos().insert(&input.text)?;
    Ok(QueryResult::new("INSERT", inserted))
}

pub(crate) fn toggle(ctx: &Context<'_>, input: Toggle) -> Result<QueryResult, ApiError> {
    let updated = match row_id(input.id) {
        Some(id) => ctx.todos().set_completed(id, input.completed)?,
        None => 0,
    };
    Ok(QueryResult::new("UPDATE", updated))
}

pub(crate) fn delete(ctx: &Context<'_>, input: TodoId) -> Result<QueryResult, ApiError> {
    let deleted = match row_id(input.id) {
        Some(id) => ctx.todos().delete(id)?,
        None => 0,
    };
    Ok(QueryResult::new("DELETE", deleted))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;

    #[test]
    fn input_schemas_are_the_templates() {
        // What @orpc/zod 1.16.1 derives from the template's zod schemas (spec §4.6).
        assert_eq!(
            schema::input::<NewTodo>(),
            serde_json::json!({"type":"object","properties":{"text":{"type":"string","minLength":1}},"required":["text"]})
        );
        assert_eq!(
            schema::input::<Toggle>(),
            serde_json::json!({"type":"object","properties":{"id":{"type":"number"},"completed":{"type":"boolean"}},"required":["id","completed"]})
        );
        assert_eq!(
            schema::input::<TodoId>(),
            serde_json::json!({"type":"object","properties":{"id":{"type":"number"}},"required":["id"]})
        );
    }

    #[test]
    fn results_and_ids() {
        assert_eq!(
            serde_json::to_string(&QueryResult::new("INSERT", 1)).unwrap_or_default(),
            r#"{"command":"INSERT","rowCount":1,"oid":0,"rows":[],"fields":[]}"#
        );
        assert_eq!(
            serde_json::to_string(&QueryResult::new("DELETE", 0)).unwrap_or_default(),
            r#"{"command":"DELETE","rowCount":0,"oid":null,"rows":[],"fields":[]}"#
        );
        assert_eq!(row_id(3.0), Some(3));
        assert_eq!(row_id(-0.0), Some(0));
        assert_eq!(row_id(1.5), None);
        assert_eq!(row_id(1e20), None);
    }
}
