//! A router: procedures by path. Both mounts look procedures up by their HTTP path
//! (`/todo/getAll`), as oRPC's matchers do — `/todo.getAll` names nothing.

use crate::procedure::Procedure;

/// The procedures of an API.
#[derive(Debug)]
pub struct Router {
    procedures: Vec<Procedure>,
}

impl Router {
    /// A router of `procedures`, in order. A later procedure with a path already
    /// taken is ignored (and is a bug the router's tests catch).
    pub fn new(procedures: Vec<Procedure>) -> Self {
        let mut unique: Vec<Procedure> = Vec::with_capacity(procedures.len());
        for procedure in procedures {
            if unique.iter().all(|p| p.path() != procedure.path()) {
                unique.push(procedure);
            }
        }
        Self { procedures: unique }
    }

    /// Every procedure, in router order.
    pub fn procedures(&self) -> &[Procedure] {
        &self.procedures
    }

    /// The procedure at a dotted path (`todo.create`).
    pub fn find(&self, path: &str) -> Option<&Procedure> {
        self.procedures.iter().find(|p| p.path() == path)
    }

    /// The procedure at an HTTP path (`/todo/create`), compared as it is (no
    /// percent-decoding).
    pub fn find_http(&self, http_path: &str) -> Option<&Procedure> {
        let dotted = http_path.strip_prefix('/')?;
        // A dot inside a segment is not a router separator.
        if dotted.contains('.') {
            return None;
        }
        self.find(&dotted.replace('/', "."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::procedure::NoInput;

    #[test]
    fn lookups() {
        let router = Router::new(vec![
            Procedure::public("todo.getAll", |_, _: NoInput| Ok(1)),
            Procedure::public("todo.getAll", |_, _: NoInput| Ok(2)),
        ]);
        assert_eq!(router.procedures().len(), 1);
        assert!(router.find("todo.getAll").is_some());
        assert!(router.find_http("/todo/getAll").is_some());
        for miss in ["/todo.getAll", "/todo", "//todo/getAll", "todo/getAll", "/"] {
            assert!(router.find_http(miss).is_none(), "{miss}");
        }
    }
}
