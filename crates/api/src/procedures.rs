//! The procedure table. A procedure has a dotted path (`healthCheck`, `todo.getAll`)
//! and a handler from the decoded input (`None` = `undefined`) to an encoded output.

use serde_json::Value;
use spinstack_orpc::{Encoded, OrpcError};

/// A procedure's handler.
pub type Handler = fn(Option<Value>) -> Result<Encoded, OrpcError>;

/// One procedure of the router.
pub struct Procedure {
    /// Dotted path, as clients name it.
    pub path: &'static str,
    /// What it does.
    pub handler: Handler,
}

/// Every procedure, in router order.
pub static PROCEDURES: &[Procedure] = &[Procedure {
    path: "healthCheck",
    handler: health_check,
}];

/// The procedure at `path`, if any.
pub fn find(path: &str) -> Option<&'static Procedure> {
    PROCEDURES.iter().find(|procedure| procedure.path == path)
}

/// `healthCheck`: public, ignores its input, answers `"OK"`.
fn health_check(_input: Option<Value>) -> Result<Encoded, OrpcError> {
    Ok(Encoded::plain(Value::from("OK")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_check_is_ok_whatever_the_input() {
        let procedure = find("healthCheck").map(|p| p.handler);
        for input in [None, Some(Value::Null), Some(serde_json::json!({"x": 1}))] {
            let output = procedure.map(|handler| handler(input));
            assert_eq!(output, Some(Ok(Encoded::plain(Value::from("OK")))));
        }
        assert!(find("nope").is_none());
    }
}
