//! The committed modules are the current output of the generator: a procedure changed
//! in Rust without `scripts/generate-types` fails here.

use std::path::PathBuf;

/// The generated modules committed in the repository, from its root: the web
/// example's, and the drop-in `packages/api` of the Better-T-Stack app that
/// tests/typescript/run type-checks.
const COMMITTED: &[&str] = &[
    "examples/web/src/generated/api.ts",
    "tests/typescript/bts/packages/api/src/routers/index.ts",
];

/// The drop-in package of tests/typescript/run, written by `--package`.
const BTS_API: &str = "tests/typescript/bts/packages/api";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn committed_modules_are_current() {
    let module = spinstack_typegen::app_module();
    assert!(module.is_ok(), "{module:?}");
    let module = module.unwrap_or_default();
    for path in COMMITTED {
        let committed = std::fs::read_to_string(root().join(path)).unwrap_or_default();
        assert!(
            committed == module,
            "{path} is out of date: run `scripts/generate-types {path}` and commit it"
        );
    }
}

#[test]
fn the_template_procedures_types() {
    let module = spinstack_typegen::app_module().unwrap_or_default();
    for line in [
        "export type HealthCheckInput = undefined;",
        "export type HealthCheckOutput = string;",
        "    createdAt: Date;",
        "    image: string | null;",
        "export type PrivateDataError = BadRequestError | UnauthorizedError | InternalServerError;",
        "export type TodoGetAllError = BadRequestError | InternalServerError;",
        "export type TodoToggleInput = {\n  id: number;\n  completed: boolean;\n};",
        "  todo: {\n    getAll: Client<Record<never, never>, TodoGetAllInput, TodoGetAllOutput, TodoGetAllError | ThrowableError>;",
    ] {
        assert!(module.contains(line), "no {line:?} in\n{module}");
    }
    for banned in [": any", "<any", "unknown"] {
        assert!(!module.contains(banned), "{banned:?} in\n{module}");
    }
}

#[test]
fn the_committed_drop_in_package_is_current() {
    let dir = root().join(BTS_API);
    let tsconfig = std::fs::read_to_string(dir.join("tsconfig.json")).unwrap_or_default();
    assert_eq!(
        tsconfig,
        spinstack_typegen::package::TSCONFIG_JSON,
        "run `scripts/generate-types --package {BTS_API}`"
    );
    let manifest = std::fs::read_to_string(dir.join("package.json")).unwrap_or_default();
    let existing: Option<serde_json::Value> = serde_json::from_str(&manifest).ok();
    let expected = spinstack_typegen::package::package_json(existing.as_ref(), None);
    assert_eq!(
        Ok(manifest),
        expected,
        "run `scripts/generate-types --package {BTS_API}`"
    );
}
