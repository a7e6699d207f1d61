//! `spin-test-runtime compose`: the application as `spin registry push` publishes it.
//!
//! `spin registry push` composes by default (`--compose`, default `true`, in Spin's
//! `src/commands/registry.rs`): `spin_oci::Client::push` locks the app, and
//! `assemble_layers_composed` (`crates/oci/src/client.rs`) runs `spin_compose::compose` —
//! the composer `spin up` uses — on every component of the locked app, pushes each result
//! as the component's one Wasm layer, and clears the component's `dependencies` (and
//! trigger dependencies). The pushed locked app therefore has the same variables,
//! triggers and components, each component with its own `allowed_outbound_hosts`, SQLite
//! databases and variables, and no dependencies; `dependencies_inherit_configuration` is
//! not a locked-app field at all (locking folds it into each dependency's `inherit`), so
//! it goes with them. A component without dependencies is pushed unchanged.
//!
//! [`compose_app`] does the same with this runtime's composer ([`crate::compose`], which
//! follows `spin-compose`), into a directory instead of a registry: `<id>.wasm` for every
//! component and a `spin.toml` — the manifest with each `source` pointing at its composed
//! file and without `dependencies`, `dependencies_inherit_configuration`, `build` (the
//! commands build the uncomposed files, relative to the original directory) and build
//! `profile`s (like a push without `--profile`, the composed app is the default profile).
//! Serving that directory exercises what a registry host (SpinKube's shim, a platform)
//! runs, with no composition left for the host to do.

use std::path::{Path, PathBuf};

use crate::compose;
use crate::manifest::{self, Manifest};

/// What keeps an application from being composed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The manifest cannot be read, is invalid, or uses what this runtime does not serve.
    #[error(transparent)]
    Manifest(#[from] manifest::Error),
    /// A component cannot be composed.
    #[error(transparent)]
    Compose(#[from] compose::Error),
    /// A file cannot be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
    /// The output directory is the application's own.
    #[error(
        "the output directory {0} is the application's directory: its spin.toml would be overwritten"
    )]
    SameDirectory(PathBuf),
    /// The composed manifest cannot be written.
    #[error("writing the composed manifest: {0}")]
    Toml(String),
    /// A composed component still imports what a dependency should have satisfied.
    #[error(
        "composed component '{component}' still imports '{import}', which dependency '{dependency}' should satisfy"
    )]
    Unsatisfied {
        /// The component.
        component: String,
        /// The import left.
        import: String,
        /// The dependency whose name matches it.
        dependency: String,
    },
}

/// One component of the composed application.
#[derive(Debug, Clone)]
pub struct ComposedComponent {
    /// The component id.
    pub id: String,
    /// The composed `.wasm` file.
    pub file: PathBuf,
    /// The dependency names composed into it (empty: the source, unchanged).
    pub dependencies: Vec<String>,
    /// What the composed component imports from its host.
    pub imports: Vec<String>,
}

/// Composes every component of the application at `manifest_path` with its dependencies
/// into `out_dir` (`<id>.wasm`), and writes `out_dir/spin.toml`, the same application
/// over the composed files without dependency sections (see the module docs).
///
/// # Errors
///
/// [`Error`]: the manifest's, a composition's (including a dependency that would need
/// Spin's deny-all adapter, [`compose::Error::ArtifactNeedsDenyAdapter`]), or I/O.
pub fn compose_app(manifest_path: &Path, out_dir: &Path) -> Result<Vec<ComposedComponent>, Error> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    let text = std::fs::read_to_string(manifest_path).map_err(|source| {
        Error::Manifest(manifest::Error::Read {
            path: manifest_path.to_path_buf(),
            source,
        })
    })?;
    let manifest = Manifest::parse(&text, manifest_path)?;
    manifest.check_supported()?;
    let dir = manifest_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));

    std::fs::create_dir_all(out_dir).map_err(io(out_dir))?;
    let same = match (dir.canonicalize(), out_dir.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        return Err(Error::SameDirectory(out_dir.to_path_buf()));
    }

    let mut composed = Vec::new();
    for (id, component) in &manifest.components {
        let source = manifest.component_source(id, dir).ok_or_else(|| {
            manifest::Error::Unsupported(format!("component {id:?} has no local `source`"))
        })?;
        let bytes = std::fs::read(&source).map_err(io(&source))?;
        let bytes = compose::compose_for_artifact(&manifest, dir, id, bytes)?;
        let imports = compose::imports(id, &bytes)?;
        for import in &imports {
            if let Some(dependency) = component
                .dependencies
                .keys()
                .find(|d| compose::matches_import(d, import))
            {
                return Err(Error::Unsatisfied {
                    component: id.clone(),
                    import: import.clone(),
                    dependency: dependency.clone(),
                });
            }
        }
        let file = out_dir.join(format!("{id}.wasm"));
        std::fs::write(&file, &bytes).map_err(io(&file))?;
        composed.push(ComposedComponent {
            id: id.clone(),
            file,
            dependencies: component.dependencies.keys().cloned().collect(),
            imports,
        });
    }

    let out_manifest = out_dir.join("spin.toml");
    let rewritten = rewrite_manifest(&text, manifest_path)?;
    // What is written must load as an app without dependencies.
    let check = Manifest::parse(&rewritten, &out_manifest)?;
    check.check_supported()?;
    if let Some((id, _)) = check
        .components
        .iter()
        .find(|(_, c)| !c.dependencies.is_empty())
    {
        return Err(Error::Toml(format!(
            "component {id:?} kept its dependencies"
        )));
    }
    std::fs::write(&out_manifest, rewritten).map_err(io(&out_manifest))?;
    Ok(composed)
}

/// Keys of `[component.<id>]` that do not survive composition (see the module docs).
const DROPPED_COMPONENT_KEYS: [&str; 4] = [
    "dependencies",
    "dependencies_inherit_configuration",
    "build",
    "profile",
];

/// The manifest `text` with every component's `source` set to `<id>.wasm` and the
/// [`DROPPED_COMPONENT_KEYS`] removed; everything else as it was (comments are lost).
fn rewrite_manifest(text: &str, manifest_path: &Path) -> Result<String, Error> {
    let mut table: toml::Table = toml::from_str(text).map_err(|e| {
        Error::Manifest(manifest::Error::Parse {
            path: manifest_path.to_path_buf(),
            message: e.to_string(),
        })
    })?;
    if let Some(toml::Value::Table(components)) = table.get_mut("component") {
        for (id, component) in components.iter_mut() {
            let toml::Value::Table(component) = component else {
                continue;
            };
            component.insert(
                "source".to_owned(),
                toml::Value::String(format!("{id}.wasm")),
            );
            for key in DROPPED_COMPONENT_KEYS {
                component.remove(key);
            }
        }
    }
    let body = toml::to_string(&table).map_err(|e| Error::Toml(e.to_string()))?;
    Ok(format!(
        "# Written by `spin-test-runtime compose` from {}: every component composed with its\n\
         # dependencies into <id>.wasm, as `spin registry push` does, and no dependency sections.\n\n{body}",
        manifest_path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_loses_dependencies_and_points_at_the_composed_files() -> Result<(), String> {
        let text = r#"
spin_manifest_version = 2
[application]
name = "a"
[variables]
secret = { default = "", secret = true }
[[trigger.http]]
route = "/..."
component = "web"
[component.web]
source = "target/web.wasm"
allowed_outbound_hosts = ["postgres://localhost:*"]
sqlite_databases = ["default"]
dependencies_inherit_configuration = true
[component.web.variables]
secret = "{{ secret }}"
[component.web.dependencies]
"a:b/c@0.1.0" = { path = "target/lib.wasm" }
[component.web.build]
command = "cargo build"
[component.lib]
source = "target/lib.wasm"
"#;
        let out = rewrite_manifest(text, Path::new("spin.toml")).map_err(|e| e.to_string())?;
        let m = Manifest::parse(&out, Path::new("out/spin.toml")).map_err(|e| e.to_string())?;
        m.check_supported().map_err(|e| e.to_string())?;
        let web = m.components.get("web").ok_or("web")?;
        assert_eq!(web.source.as_str(), Some("web.wasm"));
        assert!(web.dependencies.is_empty());
        assert_eq!(web.dependencies_inherit_configuration, None);
        assert_eq!(web.allowed_outbound_hosts, ["postgres://localhost:*"]);
        assert_eq!(web.sqlite_databases, ["default"]);
        assert_eq!(
            web.variables.get("secret").map(String::as_str),
            Some("{{ secret }}")
        );
        assert_eq!(
            m.components.get("lib").and_then(|c| c.source.as_str()),
            Some("lib.wasm")
        );
        assert!(m.variables.get("secret").is_some_and(|v| v.secret));
        assert_eq!(m.http_triggers().map_err(|e| e.to_string())?.len(), 1);
        assert!(!out.contains("[component.web.build]"));
        Ok(())
    }
}
