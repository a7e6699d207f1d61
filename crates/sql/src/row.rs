//! Values as they come back from either database, and a row's typed accessors that
//! accept both dialects' forms (a boolean as `boolean` or `0`/`1`, a timestamp as
//! `timestamp` or epoch milliseconds).

use crate::SqlError;

/// One value of a result row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// SQL `NULL`.
    Null,
    /// A PostgreSQL `boolean`.
    Bool(bool),
    /// An integer of any width (SQLite `integer`, PostgreSQL `int2/4/8`).
    Int(i64),
    /// A floating-point number.
    Real(f64),
    /// Text.
    Text(String),
    /// A PostgreSQL `timestamp`, as milliseconds since the Unix epoch (UTC).
    Millis(i64),
    /// Anything else (blobs, other PostgreSQL types): its type's name, for errors.
    Other(String),
}

/// A result row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row(pub Vec<Cell>);

fn mismatch(index: usize, wanted: &str, found: &Cell) -> SqlError {
    SqlError::Decode(format!(
        "column {index}: expected {wanted}, found {found:?}"
    ))
}

impl Row {
    /// Column `index`.
    ///
    /// # Errors
    /// When the row is shorter.
    pub fn cell(&self, index: usize) -> Result<&Cell, SqlError> {
        self.0
            .get(index)
            .ok_or_else(|| SqlError::Decode(format!("missing column {index}")))
    }

    /// Whether column `index` is `NULL`.
    ///
    /// # Errors
    /// When the row is shorter.
    pub fn is_null(&self, index: usize) -> Result<bool, SqlError> {
        Ok(matches!(self.cell(index)?, Cell::Null))
    }

    /// A text column, `None` for `NULL`.
    ///
    /// # Errors
    /// When the column is missing or not text.
    pub fn opt_text(&self, index: usize) -> Result<Option<String>, SqlError> {
        match self.cell(index)? {
            Cell::Null => Ok(None),
            Cell::Text(text) => Ok(Some(text.clone())),
            other => Err(mismatch(index, "text", other)),
        }
    }

    /// A non-null text column.
    ///
    /// # Errors
    /// When the column is missing, `NULL` or not text.
    pub fn text(&self, index: usize) -> Result<String, SqlError> {
        self.opt_text(index)?
            .ok_or_else(|| mismatch(index, "text", &Cell::Null))
    }

    /// An integer column, `None` for `NULL`.
    ///
    /// # Errors
    /// When the column is missing or not an integer.
    pub fn opt_i64(&self, index: usize) -> Result<Option<i64>, SqlError> {
        match self.cell(index)? {
            Cell::Null => Ok(None),
            Cell::Int(value) => Ok(Some(*value)),
            other => Err(mismatch(index, "an integer", other)),
        }
    }

    /// A non-null integer column.
    ///
    /// # Errors
    /// When the column is missing, `NULL` or not an integer.
    pub fn i64(&self, index: usize) -> Result<i64, SqlError> {
        self.opt_i64(index)?
            .ok_or_else(|| mismatch(index, "an integer", &Cell::Null))
    }

    /// A non-null integer column that fits 32 bits.
    ///
    /// # Errors
    /// When the column is missing, `NULL`, not an integer or out of range.
    pub fn i32(&self, index: usize) -> Result<i32, SqlError> {
        let value = self.i64(index)?;
        i32::try_from(value)
            .map_err(|_| SqlError::Decode(format!("column {index}: {value} exceeds 32 bits")))
    }

    /// A non-null boolean column: PostgreSQL `boolean`, or SQLite's `0`/`1` (any other
    /// integer is an error, not a guess).
    ///
    /// # Errors
    /// When the column is missing, `NULL` or not a boolean.
    pub fn bool(&self, index: usize) -> Result<bool, SqlError> {
        match self.cell(index)? {
            Cell::Bool(value) => Ok(*value),
            Cell::Int(0) => Ok(false),
            Cell::Int(1) => Ok(true),
            other => Err(mismatch(index, "a boolean", other)),
        }
    }

    /// A timestamp column as epoch milliseconds, `None` for `NULL`: PostgreSQL
    /// `timestamp`, or SQLite's integer epoch milliseconds.
    ///
    /// # Errors
    /// When the column is missing or not a timestamp.
    pub fn opt_millis(&self, index: usize) -> Result<Option<i64>, SqlError> {
        match self.cell(index)? {
            Cell::Null => Ok(None),
            Cell::Millis(value) | Cell::Int(value) => Ok(Some(*value)),
            other => Err(mismatch(index, "a timestamp", other)),
        }
    }

    /// A non-null timestamp column as epoch milliseconds.
    ///
    /// # Errors
    /// When the column is missing, `NULL` or not a timestamp.
    pub fn millis(&self, index: usize) -> Result<i64, SqlError> {
        self.opt_millis(index)?
            .ok_or_else(|| mismatch(index, "a timestamp", &Cell::Null))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors_accept_both_dialects_forms() -> Result<(), SqlError> {
        let row = Row(vec![
            Cell::Bool(true),
            Cell::Int(0),
            Cell::Millis(5),
            Cell::Int(7),
            Cell::Null,
            Cell::Text("x".to_owned()),
        ]);
        assert!(row.bool(0)?);
        assert!(!row.bool(1)?);
        assert_eq!(row.millis(2)?, 5);
        assert_eq!(row.millis(3)?, 7);
        assert_eq!(row.opt_text(4)?, None);
        assert_eq!(row.opt_millis(4)?, None);
        assert_eq!(row.text(5)?, "x");
        Ok(())
    }

    #[test]
    fn mismatches_are_errors_not_guesses() {
        let row = Row(vec![Cell::Int(2), Cell::Text("1".to_owned()), Cell::Null]);
        assert!(row.bool(0).is_err());
        assert!(row.millis(1).is_err());
        assert!(row.text(2).is_err());
        assert!(row.i64(2).is_err());
        assert!(row.cell(3).is_err());
        assert!(Row(vec![Cell::Int(i64::MAX)]).i32(0).is_err());
    }
}
