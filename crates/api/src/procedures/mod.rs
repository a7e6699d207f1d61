//! The API's procedures (spec §2): the template's `appRouter` — `healthCheck`,
//! `privateData` — and its todo example. To add one, write its handler next to these
//! and list it in [`router`] (README.md, "Add a procedure").

mod health;
mod private_data;
mod todo;

use std::sync::OnceLock;

use crate::procedure::Procedure;
use crate::router::Router;

/// The app's router, built once per instance.
pub fn router() -> &'static Router {
    static ROUTER: OnceLock<Router> = OnceLock::new();
    ROUTER.get_or_init(|| {
        Router::new(vec![
            Procedure::public("healthCheck", health::health_check),
            Procedure::protected("privateData", private_data::private_data),
            Procedure::public("todo.getAll", todo::get_all),
            Procedure::public("todo.create", todo::create),
            Procedure::public("todo.toggle", todo::toggle),
            Procedure::public("todo.delete", todo::delete),
        ])
    })
}

#[cfg(test)]
mod tests {
    use crate::procedure::Access;

    #[cfg(feature = "output-schemas")]
    #[test]
    fn output_schemas() {
        let private = super::router()
            .find("privateData")
            .map(|p| p.output_schema());
        let created_at = private
            .as_ref()
            .and_then(|s| s.pointer("/properties/user/properties/createdAt"));
        assert_eq!(
            created_at,
            Some(
                &serde_json::json!({"type": "string", "format": "date-time", "x-native-type": "date"})
            )
        );
    }

    #[test]
    fn the_template_router() {
        let routes: Vec<_> = super::router()
            .procedures()
            .iter()
            .map(|p| (p.path(), p.access(), p.input_schema().is_some()))
            .collect();
        assert_eq!(
            routes,
            [
                ("healthCheck", Access::Public, false),
                ("privateData", Access::Session, false),
                ("todo.getAll", Access::Public, false),
                ("todo.create", Access::Public, true),
                ("todo.toggle", Access::Public, true),
                ("todo.delete", Access::Public, true),
            ]
        );
    }
}
