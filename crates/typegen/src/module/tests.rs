//! A router's module from hand-written procedures.

use serde_json::json;

use super::*;

fn procedure(path: &str, protected: bool, input: Option<Json>, output: Json) -> ProcedureTypes {
    ProcedureTypes {
        path: path.to_owned(),
        protected,
        input,
        output,
        errors: if protected {
            vec!["UnauthorizedError".to_owned()]
        } else {
            Vec::new()
        },
    }
}

fn errors() -> ErrorTypes {
    ErrorTypes {
        errors: vec![ErrorType {
            name: "UnauthorizedError".to_owned(),
            description: "no session".to_owned(),
            code: "UNAUTHORIZED".to_owned(),
            data: None,
        }],
    }
}

#[test]
fn names() {
    assert_eq!(type_name("todo.getAll"), "TodoGetAll");
    assert_eq!(type_name("healthCheck"), "HealthCheck");
}

#[test]
fn a_nested_router() {
    let procedures = [
        procedure("ping", false, None, json!({"type": "string"})),
        procedure(
            "a.b.greet",
            true,
            Some(
                json!({"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}),
            ),
            json!({"type": "array", "items": {"type": "integer"}}),
        ),
    ];
    let module = module(&procedures, &errors()).unwrap_or_else(|e| e.to_string());
    for expected in [
        "export type UnauthorizedError = ORPCError<\"UNAUTHORIZED\", undefined>;",
        "export type PingInput = undefined;\nexport type PingOutput = string;\nexport type PingError = never;",
        "export type ABGreetInput = {\n  name: string;\n};\nexport type ABGreetOutput = number[];\nexport type ABGreetError = UnauthorizedError;",
        "export type AppRouter = {\n  ping: Procedure<PingInput, PingOutput>;\n  a: {\n    b: {\n      greet: Procedure<ABGreetInput, ABGreetOutput>;\n    };\n  };\n};",
        "  ping: Client<Record<never, never>, PingInput, PingOutput, PingError | ThrowableError>;",
    ] {
        assert!(module.contains(expected), "no {expected:?} in\n{module}");
    }
    assert!(!module.contains("JsonValue"), "declared only when used");
}

#[test]
fn clashing_paths_and_bad_schemas_are_errors() {
    let string = || json!({"type": "string"});
    let clash = [
        procedure("todo", false, None, string()),
        procedure("todo.getAll", false, None, string()),
    ];
    assert!(matches!(
        module(&clash, &errors()),
        Err(ModuleError::Path(_))
    ));
    let same_name = [
        procedure("aB", false, None, string()),
        procedure("AB", false, None, string()),
    ];
    assert!(matches!(
        module(&same_name, &errors()),
        Err(ModuleError::Path(_))
    ));
    let bad = [procedure(
        "x",
        false,
        Some(json!({"type": "thing"})),
        string(),
    )];
    assert!(matches!(
        module(&bad, &errors()),
        Err(ModuleError::Schema { part: "input", .. })
    ));
}
