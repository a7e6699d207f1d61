//! [`TodoStore`] over Spin's PostgreSQL (`spin:postgres@3.0.0`): the SQL of the
//! template's `todo` table (migrations/0003_todo.sql), parameterised. The connection
//! opens on first use, so procedures that never touch the table cost no round trip.
//!
//! DESIGN.md's zero-row rule: the listing selects from a one-row source and LEFT JOINs
//! the table, so an empty table still answers one (all-NULL) row, which is skipped;
//! the writes use `execute`, which returns a count and no rows.

use std::cell::OnceCell;

use spin_sdk::pg3::{Connection, Decode, Error as PgError, ParameterValue};
use spinstack_api::Services;
use spinstack_api::store::{StoreError, Todo, TodoStore, storable_text};

use crate::pg::column;

/// Runs `f` with the API's services as the `rpc` and `openapi` components provide them:
/// the imported session interface and the `todo` table at `database_url` (a missing
/// or invalid variable surfaces when a procedure first touches the table).
pub fn with_api_services<T>(f: impl FnOnce(Services<'_>) -> T) -> T {
    let database_url = spinstack_config::Config::new(&crate::variable)
        .database_url()
        .map_err(|e| e.to_string());
    let todos = PgTodos::new(database_url);
    f(Services {
        sessions: &crate::ImportedSessions,
        todos: &todos,
    })
}

/// Every row by id; one all-NULL row when the table is empty.
const ALL: &str = "SELECT t.id, t.text, t.completed
FROM (SELECT 1) AS one
LEFT JOIN todo AS t ON true
ORDER BY t.id";

const INSERT: &str = "INSERT INTO todo (text) VALUES ($1)";
const SET_COMPLETED: &str = "UPDATE todo SET completed = $1 WHERE id = $2";
const DELETE: &str = "DELETE FROM todo WHERE id = $1";

/// The `todo` table in PostgreSQL.
pub struct PgTodos {
    address: Result<String, String>,
    connection: OnceCell<Connection>,
}

impl PgTodos {
    /// A store for the database at `address` (`database_url`), or one that reports
    /// the configuration error on first use.
    pub fn new(address: Result<String, String>) -> Self {
        Self {
            address,
            connection: OnceCell::new(),
        }
    }

    fn connection(&self) -> Result<&Connection, StoreError> {
        if let Some(connection) = self.connection.get() {
            return Ok(connection);
        }
        let address = self
            .address
            .as_ref()
            .map_err(|e| StoreError::failed(e.clone()))?;
        let opened = Connection::open(address).map_err(failed("connecting"))?;
        Ok(self.connection.get_or_init(|| opened))
    }

    fn execute(&self, sql: &str, params: &[ParameterValue], what: &str) -> Result<u64, StoreError> {
        self.connection()?
            .execute(sql, params)
            .map_err(failed(what))
    }
}

/// Wraps a PostgreSQL or decoding failure with what was being done.
fn failed<E>(context: &str) -> impl Fn(E) -> StoreError + '_
where
    PgError: From<E>,
{
    move |e| StoreError::failed(format!("{context}: {}", PgError::from(e)))
}

impl TodoStore for PgTodos {
    fn all(&self) -> Result<Vec<Todo>, StoreError> {
        let rows = self
            .connection()?
            .query(ALL, &[])
            .map_err(failed("listing todos"))?
            .rows;
        let decode = |row: &[spin_sdk::pg3::DbValue]| -> Result<Option<Todo>, PgError> {
            let Some(id) = Option::<i32>::decode(column(row, 0)?)? else {
                return Ok(None);
            };
            Ok(Some(Todo {
                id,
                text: String::decode(column(row, 1)?)?,
                completed: bool::decode(column(row, 2)?)?,
            }))
        };
        let mut todos = Vec::with_capacity(rows.len());
        for row in &rows {
            if let Some(todo) = decode(row).map_err(failed("decoding a todo"))? {
                todos.push(todo);
            }
        }
        Ok(todos)
    }

    fn insert(&self, text: &str) -> Result<u64, StoreError> {
        self.execute(
            INSERT,
            &[ParameterValue::Str(storable_text("text", text)?.to_owned())],
            "inserting a todo",
        )
    }

    fn set_completed(&self, id: i32, completed: bool) -> Result<u64, StoreError> {
        self.execute(
            SET_COMPLETED,
            &[
                ParameterValue::Boolean(completed),
                ParameterValue::Int32(id),
            ],
            "updating a todo",
        )
    }

    fn delete(&self, id: i32) -> Result<u64, StoreError> {
        self.execute(DELETE, &[ParameterValue::Int32(id)], "deleting a todo")
    }
}
