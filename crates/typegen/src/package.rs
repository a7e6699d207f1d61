//! The drop-in `packages/api` of a Better-T-Stack checkout: the template's frontend
//! imports `AppRouterClient` from `@<project>/api/routers/index`, which the package's
//! `exports` resolve to `src/routers/index.ts` (generator 3.44) or to the declarations
//! its `tsc -b` build writes, `dist/src/routers/index.d.ts` (3.40; the web's build runs
//! that build first). With the generated module at `src/routers/index.ts`, the
//! package's own `package.json` (name, `exports`, `tsc -b` scripts) with the module's
//! dependencies, and a self-contained `tsconfig.json` (the template's composite
//! declaration build, without references to the TypeScript server's `db` and `auth`
//! packages), that import stays as it is.

use serde_json::{Value as Json, json};

/// Where the module goes inside the package.
pub const MODULE_PATH: &str = "src/routers/index.ts";

/// The `@orpc/*` versions the package depends on (the web example's pin, within the
/// template's `^1.14.12`).
pub const ORPC_VERSION: &str = "^1.16.1";

/// The package's `package.json`: `existing` as it is (its name, `exports` and `tsc -b`
/// scripts, whichever generator version wrote them) with its `dependencies` replaced
/// by the type-only ones of the generated module (the TypeScript server's `@orpc/server`,
/// `db` and `auth` packages go); without `existing`, the template's layout under
/// `name`.
///
/// # Errors
/// When there is no name: neither `existing` nor `name` gives one.
pub fn package_json(existing: Option<&Json>, name: Option<&str>) -> Result<String, String> {
    let mut package = existing
        .and_then(Json::as_object)
        .cloned()
        .unwrap_or_default();
    if let Some(name) = name {
        package.insert("name".to_owned(), Json::String(name.to_owned()));
    }
    if !package.get("name").is_some_and(Json::is_string) {
        return Err("the package has no name: pass --name @<project>/api".to_owned());
    }
    let defaults = [
        (
            "exports",
            json!({".": "./src/routers/index.ts", "./*": "./src/*.ts"}),
        ),
        ("type", json!("module")),
        (
            "scripts",
            json!({"build": "tsc -b", "check-types": "tsc -b"}),
        ),
    ];
    for (key, value) in defaults {
        package.entry(key).or_insert(value);
    }
    package.insert(
        "dependencies".to_owned(),
        json!({"@orpc/client": ORPC_VERSION, "@orpc/contract": ORPC_VERSION}),
    );
    let mut text = serde_json::to_string_pretty(&Json::Object(package))
        .map_err(|e| format!("package.json: {e}"))?;
    text.push('\n');
    Ok(text)
}

/// The package's `tsconfig.json`: the template's composite declaration-only build into
/// `dist`, without `extends` or `references`, so it builds alone.
pub const TSCONFIG_JSON: &str = r#"{
  "compilerOptions": {
    "target": "ES2022",
    "lib": ["ES2022", "DOM", "DOM.Iterable"],
    "module": "ESNext",
    "moduleResolution": "bundler",
    "strict": true,
    "skipLibCheck": true,
    "verbatimModuleSyntax": true,
    "types": [],
    "composite": true,
    "declaration": true,
    "declarationMap": true,
    "emitDeclarationOnly": true,
    "outDir": "dist"
  },
  "include": ["src/**/*.ts"],
  "references": []
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_name_and_replaces_the_server_dependencies() {
        let existing = json!({
            "name": "@my-better-t-app/api",
            "exports": {".": "./src/index.ts", "./*": "./src/*.ts"},
            "scripts": {"build": "tsc -b", "check-types": "tsc -b"},
            "devDependencies": {"@my-better-t-app/config": "workspace:*", "typescript": "catalog:"},
            "dependencies": {"@orpc/server": "catalog:", "@my-better-t-app/db": "workspace:*"}
        });
        let text = package_json(Some(&existing), None).unwrap_or_default();
        let written: Json = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(written["name"], "@my-better-t-app/api");
        assert_eq!(written["scripts"]["build"], "tsc -b");
        assert_eq!(
            written["exports"]["./*"], "./src/*.ts",
            "the path the web's import resolves through"
        );
        assert_eq!(written["devDependencies"]["typescript"], "catalog:");
        assert_eq!(
            written["dependencies"],
            json!({"@orpc/client": ORPC_VERSION, "@orpc/contract": ORPC_VERSION})
        );
        assert!(package_json(None, None).is_err());
        assert!(package_json(None, Some("@x/api")).is_ok_and(|t| t.contains("\"@x/api\"")));
        assert!(serde_json::from_str::<Json>(TSCONFIG_JSON).is_ok());
    }
}
