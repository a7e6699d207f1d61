//! `scripts/generate-types`: writes the TypeScript types of the API's procedures.
//!
//! ```text
//! spinstack-typegen <output.ts>              the module (`-`: standard output)
//! spinstack-typegen --check <file.ts>        exit 1 when the file is not the current module
//! spinstack-typegen --package <dir> [--name @<project>/api]
//!                                            a Better-T-Stack checkout's packages/api:
//!                                            src/routers/index.ts, package.json, tsconfig.json
//! spinstack-typegen --openapi <spec.json>     the OpenAPI document GET /api-reference/spec.json
//!                                            serves (at http://localhost:3000), for REST
//!                                            client generators without a running server
//! ```

use std::path::Path;
use std::process::ExitCode;

use spinstack_typegen::package;

const USAGE: &str = "usage: scripts/generate-types <output.ts | -> | --check <file.ts> | --package <dir> [--name @<project>/api] | --openapi <spec.json>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("generate-types: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let module = spinstack_typegen::app_module().map_err(|e| e.to_string())?;
    match args {
        [out] if out == "-" => {
            print!("{module}");
            Ok(ExitCode::SUCCESS)
        }
        [flag, file] if flag == "--check" => {
            let current = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
            if current == module {
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!(
                    "generate-types: {file} is out of date: run scripts/generate-types {file}"
                );
                Ok(ExitCode::FAILURE)
            }
        }
        [flag, dir, rest @ ..] if flag == "--package" => {
            let name = match rest {
                [] => None,
                [flag, name] if flag == "--name" => Some(name.as_str()),
                _ => return Err(USAGE.to_owned()),
            };
            let dir = Path::new(dir);
            let manifest = dir.join("package.json");
            let existing = match std::fs::read_to_string(&manifest) {
                Ok(text) => Some(
                    serde_json::from_str(&text)
                        .map_err(|e| format!("{}: {e}", manifest.display()))?,
                ),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(format!("{}: {e}", manifest.display())),
            };
            let package_json = package::package_json(existing.as_ref(), name)?;
            write(&dir.join(package::MODULE_PATH), &module)?;
            write(&manifest, &package_json)?;
            write(&dir.join("tsconfig.json"), package::TSCONFIG_JSON)?;
            Ok(ExitCode::SUCCESS)
        }
        [flag, out] if flag == "--openapi" => {
            let site = spinstack_openapi_doc::document::Site {
                origin: "http://localhost:3000",
                session_cookie: "better-auth.session_token",
            };
            let document = spinstack_openapi_doc::document(spinstack_api::router(), site);
            let mut text = serde_json::to_string_pretty(&document).map_err(|e| e.to_string())?;
            text.push('\n');
            write(Path::new(out), &text)?;
            Ok(ExitCode::SUCCESS)
        }
        [out] if !out.starts_with("--") => {
            write(Path::new(out), &module)?;
            Ok(ExitCode::SUCCESS)
        }
        _ => Err(USAGE.to_owned()),
    }
}

/// Writes `text` to `path` (and its folders) unless it is there already.
fn write(path: &Path, text: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).is_ok_and(|current| current == text) {
        return Ok(());
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}
