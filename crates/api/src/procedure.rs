//! A procedure: its router path (`todo.create`), who may call it, its input and output
//! types, and its handler. The types give the JSON Schemas that validate inputs and
//! describe the procedure in the OpenAPI document; the handler is plain Rust from a
//! [`Context`] and a typed input to a typed output.
//!
//! ```
//! use schemars::JsonSchema;
//! use serde::Deserialize;
//! use spinstack_api::Procedure;
//!
//! #[derive(Deserialize, JsonSchema)]
//! struct Greeting { #[schemars(length(min = 1))] name: String }
//!
//! let greet = Procedure::public("greet", |_ctx, input: Greeting| Ok(format!("Hello, {}!", input.name)));
//! assert_eq!(greet.path(), "greet");
//! ```

use std::sync::OnceLock;

use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value as Json;
use spinstack_orpc::{Value, plain};

use crate::context::Context;
use crate::error::ApiError;
use crate::schema;

/// Who may call a procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (the template's `publicProcedure`).
    Public,
    /// Callers with a live session; others get `401 UNAUTHORIZED` before the input
    /// is validated (the template's `protectedProcedure`).
    Session,
}

/// What a procedure takes: a type with a JSON Schema, validated before the handler
/// runs, or [`NoInput`].
pub trait Input: Sized {
    /// The schema inputs are validated against; `None` accepts (and ignores) anything.
    fn schema() -> Option<Json>;

    /// The handler's value from the validated input.
    ///
    /// # Errors
    /// When the input does not fit the type although it passed the schema (a schema
    /// that says less than the type: a server bug, reported as an internal error).
    fn from_value(value: &Value) -> Result<Self, String>;
}

impl<T: DeserializeOwned + JsonSchema> Input for T {
    fn schema() -> Option<Json> {
        Some(schema::input::<T>())
    }

    fn from_value(value: &Value) -> Result<Self, String> {
        let json = plain::to_json(value).unwrap_or(Json::Null);
        serde_json::from_value(json).map_err(|e| format!("input does not fit its type: {e}"))
    }
}

/// The input of a procedure without `.input()`: whatever the caller sends (or nothing)
/// is accepted and ignored, as oRPC does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoInput;

impl Input for NoInput {
    fn schema() -> Option<Json> {
        None
    }

    fn from_value(_: &Value) -> Result<Self, String> {
        Ok(Self)
    }
}

type Run = dyn Fn(&Context<'_>, &Value) -> Result<Value, ApiError> + Send + Sync;

/// One procedure of the router.
pub struct Procedure {
    path: &'static str,
    access: Access,
    input_schema: fn() -> Option<Json>,
    #[cfg(feature = "output-schemas")]
    output_schema: fn() -> Json,
    input_cache: OnceLock<Option<Json>>,
    run: Box<Run>,
}

impl Procedure {
    /// A procedure anyone may call.
    pub fn public<I, O, F>(path: &'static str, handler: F) -> Self
    where
        I: Input + 'static,
        O: Serialize + JsonSchema + 'static,
        F: Fn(&Context<'_>, I) -> Result<O, ApiError> + Send + Sync + 'static,
    {
        Self::new(path, Access::Public, handler)
    }

    /// A procedure only callers with a session may call; the handler gets the
    /// session from [`Context::session`].
    pub fn protected<I, O, F>(path: &'static str, handler: F) -> Self
    where
        I: Input + 'static,
        O: Serialize + JsonSchema + 'static,
        F: Fn(&Context<'_>, I) -> Result<O, ApiError> + Send + Sync + 'static,
    {
        Self::new(path, Access::Session, handler)
    }

    fn new<I, O, F>(path: &'static str, access: Access, handler: F) -> Self
    where
        I: Input + 'static,
        O: Serialize + JsonSchema + 'static,
        F: Fn(&Context<'_>, I) -> Result<O, ApiError> + Send + Sync + 'static,
    {
        Self {
            path,
            access,
            input_schema: I::schema,
            #[cfg(feature = "output-schemas")]
            output_schema: schema::output::<O>,
            input_cache: OnceLock::new(),
            run: Box::new(move |ctx, value| {
                let input = I::from_value(value).map_err(ApiError::Internal)?;
                let output = handler(ctx, input)?;
                spinstack_orpc::to_value(&output)
                    .map_err(|e| ApiError::internal(format!("output: {e}")))
            }),
        }
    }

    /// The dotted router path (`todo.create`).
    pub fn path(&self) -> &'static str {
        self.path
    }

    /// Who may call it.
    pub fn access(&self) -> Access {
        self.access
    }

    /// The input's JSON Schema (`None`: no input schema).
    pub fn input_schema(&self) -> Option<&Json> {
        self.input_cache
            .get_or_init(|| (self.input_schema)())
            .as_ref()
    }

    /// The output's JSON Schema (with the `output-schemas` feature: only the OpenAPI
    /// document needs it, and generating it costs every component that links it).
    #[cfg(feature = "output-schemas")]
    pub fn output_schema(&self) -> Json {
        (self.output_schema)()
    }

    /// Runs the handler on an input that passed validation.
    ///
    /// # Errors
    /// Whatever the handler reports.
    pub fn run(&self, ctx: &Context<'_>, input: &Value) -> Result<Value, ApiError> {
        (self.run)(ctx, input)
    }
}

impl std::fmt::Debug for Procedure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Procedure")
            .field("path", &self.path)
            .field("access", &self.access)
            .finish_non_exhaustive()
    }
}
