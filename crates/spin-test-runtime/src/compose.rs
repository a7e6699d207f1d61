//! Component dependencies: plugging each dependency's export into the importing component.
//!
//! Follows Spin's `crates/compose/src/lib.rs`, with `wac-graph` as Spin uses it: the
//! component and each dependency are registered and instantiated in one composition graph;
//! every import of the component that a dependency name matches (`ns:pkg`, `ns:pkg@ver`,
//! `ns:pkg/iface`, `ns:pkg/iface@ver`, or a plain kebab name) is satisfied by the
//! dependency's export of the same name (or the `export` the entry names), after a subtype
//! check; the component's exports are re-exported; every import left unsatisfied — the
//! component's and the dependencies' alike — becomes an import of the composed component,
//! for the host to provide. So a dependency that inherits configuration calls the host
//! inside the same instance as its parent and sees the parent's variables and allow-list.
//!
//! Spin plugs a "deny-all" adapter into dependencies that do *not* inherit configuration,
//! so their configuration imports fail. This runtime does not carry that adapter. For the
//! SQLite interfaces it does the same job by rewiring: a non-inheriting dependency's
//! `fermyon:spin/sqlite@2.0.0` or `spin:sqlite/sqlite@3.0.0` import is satisfied by a
//! separate import of the composed component, `spin-test-runtime:deny-…`
//! ([`deny_import_name`]), whose host implementation answers `access-denied` to every call,
//! while the parent keeps the real interface. A non-inheriting dependency that imports any
//! other configuration interface ([`is_configuration_import`]) is refused at start-up; one
//! that imports none is composed as is (Spin's adapter has nothing to plug either).
//!
//! [`compose_for_artifact`] builds the same graph for a component that leaves this runtime
//! — what `spin registry push` stores, composed by default with the same `spin-compose`
//! crate as `spin up` (Spin's `crates/oci/src/client.rs`, `assemble_layers_composed`) —
//! and refuses the one case where the two would differ: a non-inheriting dependency that
//! imports a configuration interface, which only Spin's adapter can cut off portably.
//! [`imports`] lists what a (composed) component still imports from its host.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use wac_graph::types::{Package, SubtypeChecker};
use wac_graph::{CompositionGraph, EncodeOptions, NodeId};

use crate::manifest::{Dependency, Manifest};

/// A composition that cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A dependency name matches no import of the component.
    #[error("dependency '{dependency}' doesn't match any imports of component '{component}'")]
    UnmatchedDependencyName {
        /// The component.
        component: String,
        /// The dependency name as written.
        dependency: String,
    },
    /// Several dependencies match one import.
    #[error(
        "component '{component}' has dependency conflicts: import '{import}' satisfied by dependencies: '{dependencies}'"
    )]
    DependencyConflicts {
        /// The component.
        component: String,
        /// The import.
        import: String,
        /// The dependency names, comma-separated.
        dependencies: String,
    },
    /// The dependency does not export what the import needs.
    #[error("dependency '{dependency}' doesn't export '{export}' to satisfy import '{import}'")]
    MissingExport {
        /// The dependency name.
        dependency: String,
        /// The export looked for.
        export: String,
        /// The import to satisfy.
        import: String,
    },
    /// A dependency entry that cannot be read or parsed.
    #[error("dependency '{dependency}' of component '{component}': {message}")]
    Dependency {
        /// The component.
        component: String,
        /// The dependency name.
        dependency: String,
        /// What went wrong.
        message: String,
    },
    /// A non-inheriting dependency importing a configuration interface.
    #[error(
        "not supported by spin-test-runtime: dependency '{dependency}' of component '{component}' does not inherit \
         configuration but imports '{import}'; Spin would plug its deny-all adapter there so the call fails (this \
         runtime denies only the SQLite interfaces that way). Set `dependencies_inherit_configuration = true` on the \
         component if the dependency should share its configuration"
    )]
    DenyAdapterUnsupported {
        /// The component.
        component: String,
        /// The dependency name.
        dependency: String,
        /// The configuration import.
        import: String,
    },
    /// Composing for an artifact, a non-inheriting dependency importing a configuration
    /// interface.
    #[error(
        "cannot compose component '{component}' for another host: its dependency '{dependency}' does not inherit \
         configuration but imports '{import}', which Spin cuts off by plugging its deny-all adapter into the \
         dependency; spin-test-runtime does not carry that adapter (it denies SQLite by rewiring to interfaces only \
         it provides). Set `dependencies_inherit_configuration = true` on the component if the dependency should \
         share its configuration, or compose with `spin registry push`"
    )]
    ArtifactNeedsDenyAdapter {
        /// The component.
        component: String,
        /// The dependency name.
        dependency: String,
        /// The configuration import.
        import: String,
    },
    /// wac-graph failed.
    #[error("composing component '{component}': {message}")]
    Graph {
        /// The component.
        component: String,
        /// wac-graph's message.
        message: String,
    },
}

/// Result alias for this module.
pub type Result<T> = std::result::Result<T, Error>;

/// The import that replaces a non-inheriting dependency's import `name`, for the
/// interfaces this runtime denies by rewiring (see the module docs).
pub fn deny_import_name(name: &str) -> Option<&'static str> {
    match name {
        "fermyon:spin/sqlite@2.0.0" => Some("spin-test-runtime:deny-fermyon-spin/sqlite@2.0.0"),
        "spin:sqlite/sqlite@3.0.0" => Some("spin-test-runtime:deny-spin-sqlite/sqlite@3.0.0"),
        _ => None,
    }
}

/// Interfaces through which a component reaches configuration or the network; Spin's
/// deny-all adapter cuts a non-inheriting dependency off from these.
pub fn is_configuration_import(name: &str) -> bool {
    [
        "fermyon:spin/",
        "spin:",
        "wasi:http/outgoing-handler",
        "wasi:sockets/",
        "wasi:config/",
        "wasi:keyvalue/",
        "wasi:filesystem/",
    ]
    .iter()
    .any(|prefix| name.starts_with(prefix))
}

#[derive(Debug, PartialEq, Eq)]
enum Name {
    Plain(String),
    Package {
        package: String,
        interface: Option<String>,
        version: Option<String>,
    },
}

/// A dependency key: `ns:pkg[/iface][@version]` or a plain name.
fn parse_dependency_name(s: &str) -> Name {
    if !s.contains(':') {
        return Name::Plain(s.to_owned());
    }
    let (name, version) = match s.split_once('@') {
        Some((n, v)) => (n, Some(v.to_owned())),
        None => (s, None),
    };
    let (package, interface) = match name.split_once('/') {
        Some((p, i)) => (p.to_owned(), Some(i.to_owned())),
        None => (name.to_owned(), None),
    };
    Name::Package {
        package,
        interface,
        version,
    }
}

/// An import name of the component: `ns:pkg/iface[@version]` or a plain name.
fn parse_import_name(s: &str) -> Option<Name> {
    if !s.contains([':', '/']) {
        return Some(Name::Plain(s.to_owned()));
    }
    let (package, rest) = s.split_once('/')?;
    let (interface, version) = match rest.split_once('@') {
        Some((i, v)) => (i.to_owned(), Some(v.to_owned())),
        None => (rest.to_owned(), None),
    };
    Some(Name::Package {
        package: package.to_owned(),
        interface: Some(interface),
        version,
    })
}

/// Spin's `matches_import`.
pub(crate) fn matches_import(dependency: &str, import: &str) -> bool {
    match (parse_dependency_name(dependency), parse_import_name(import)) {
        (Name::Plain(d), Some(Name::Plain(i))) => d == i,
        (
            Name::Package {
                package,
                interface,
                version,
            },
            Some(Name::Package {
                package: ip,
                interface: ii,
                version: iv,
            }),
        ) => {
            package == ip
                && interface.is_none_or(|i| Some(i) == ii)
                && version.is_none_or(|v| Some(v) == iv)
        }
        _ => false,
    }
}

struct Prepared {
    name: String,
    instance: NodeId,
    world: wac_graph::types::WorldId,
    export: Option<String>,
}

/// How a dependency that does not inherit configuration is cut off from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Deny {
    /// For serving: the SQLite imports are rewired to this runtime's `deny-*` interfaces
    /// (see the module docs).
    Rewire,
    /// For an artifact another host will run ([`compose_for_artifact`]): refused, since
    /// only Spin's deny-all adapter would cut the dependency off there.
    Refuse,
}

/// Composes `component_id`'s binary (`bytes`) with its manifest dependencies.
/// A component without dependencies is returned unchanged.
///
/// # Errors
///
/// [`Error`] with Spin's messages for unmatched or conflicting names and missing or
/// incompatible exports.
pub fn compose(
    manifest: &Manifest,
    manifest_dir: &Path,
    component_id: &str,
    bytes: Vec<u8>,
) -> Result<Vec<u8>> {
    compose_with(manifest, manifest_dir, component_id, bytes, Deny::Rewire)
}

/// Composes like [`compose`], for a component that leaves this runtime: what
/// `spin registry push` (composing by default) puts in the registry, which any Spin host
/// can run. The same graph as [`compose`], except that a dependency which does not
/// inherit configuration but imports a configuration interface is refused
/// ([`Error::ArtifactNeedsDenyAdapter`]) instead of being wired to this runtime's own
/// `deny-*` interfaces, which no other host provides: Spin plugs its deny-all adapter
/// there, which this runtime does not carry.
///
/// # Errors
///
/// As [`compose`], and [`Error::ArtifactNeedsDenyAdapter`].
pub fn compose_for_artifact(
    manifest: &Manifest,
    manifest_dir: &Path,
    component_id: &str,
    bytes: Vec<u8>,
) -> Result<Vec<u8>> {
    compose_with(manifest, manifest_dir, component_id, bytes, Deny::Refuse)
}

fn compose_with(
    manifest: &Manifest,
    manifest_dir: &Path,
    component_id: &str,
    bytes: Vec<u8>,
    deny_mode: Deny,
) -> Result<Vec<u8>> {
    let Some(component) = manifest.components.get(component_id) else {
        return Ok(bytes);
    };
    if component.dependencies.is_empty() {
        return Ok(bytes);
    }
    let graph_err = |e: &dyn std::fmt::Display| Error::Graph {
        component: component_id.to_owned(),
        message: format!("{e:#}"),
    };

    let mut graph = CompositionGraph::new();
    let root = Package::from_bytes(component_id, None, bytes, graph.types_mut())
        .map_err(|e| graph_err(&e))?;
    let root_world = root.ty();
    let root_pkg = graph.register_package(root).map_err(|e| graph_err(&e))?;
    let root_instance = graph.instantiate(root_pkg);
    let imports: Vec<String> = graph.types()[root_world].imports.keys().cloned().collect();

    let mut by_import: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut prepared = Vec::new();
    let mut deny_nodes: HashMap<&'static str, NodeId> = HashMap::new();
    for (dep_name, dep) in &component.dependencies {
        let matched: Vec<&String> = imports
            .iter()
            .filter(|i| matches_import(dep_name, i))
            .collect();
        if matched.is_empty() {
            return Err(Error::UnmatchedDependencyName {
                component: component_id.to_owned(),
                dependency: dep_name.clone(),
            });
        }
        let dep_err = |message: String| Error::Dependency {
            component: component_id.to_owned(),
            dependency: dep_name.clone(),
            message,
        };
        // `{ component = … }` is refused earlier (Spin 3.x does not accept it), registry
        // and URL sources too (not supported here).
        let Dependency::Local { path, .. } = dep else {
            return Err(dep_err(
                "only `path` dependencies are supported by spin-test-runtime".to_owned(),
            ));
        };
        let path = manifest_dir.join(path);
        let dep_bytes = std::fs::read(&path).map_err(|e| {
            dep_err(format!(
                "cannot read {}: {e} (has `spin build` run?)",
                path.display()
            ))
        })?;
        let package_name = match parse_dependency_name(dep_name) {
            Name::Package { package, .. } => package,
            Name::Plain(p) => p,
        };
        let package = Package::from_bytes(&package_name, None, dep_bytes, graph.types_mut())
            .map_err(|e| dep_err(format!("{e:#}")))?;
        let world = package.ty();
        let inherits = dep.inherits(component.dependencies_inherit_configuration);
        if !inherits
            && deny_mode == Deny::Refuse
            && let Some(import) = graph.types()[world]
                .imports
                .keys()
                .find(|i| is_configuration_import(i))
        {
            return Err(Error::ArtifactNeedsDenyAdapter {
                component: component_id.to_owned(),
                dependency: dep_name.clone(),
                import: import.clone(),
            });
        }
        if !inherits
            && let Some(import) = graph.types()[world]
                .imports
                .keys()
                .find(|i| is_configuration_import(i) && deny_import_name(i).is_none())
        {
            return Err(Error::DenyAdapterUnsupported {
                component: component_id.to_owned(),
                dependency: dep_name.clone(),
                import: import.clone(),
            });
        }
        let pkg = graph
            .register_package(package)
            .map_err(|e| dep_err(format!("{e:#}")))?;
        let instance = graph.instantiate(pkg);
        if !inherits {
            let denied: Vec<(String, wac_graph::types::ItemKind, &'static str)> = graph.types()
                [world]
                .imports
                .iter()
                .filter_map(|(name, kind)| {
                    deny_import_name(name).map(|deny| (name.clone(), *kind, deny))
                })
                .collect();
            for (import, kind, deny) in denied {
                let node = match deny_nodes.get(deny) {
                    Some(node) => *node,
                    None => {
                        let node = graph.import(deny, kind).map_err(|e| graph_err(&e))?;
                        deny_nodes.insert(deny, node);
                        node
                    }
                };
                graph
                    .set_instantiation_argument(instance, &import, node)
                    .map_err(|e| graph_err(&e))?;
            }
        }
        for import in matched {
            by_import
                .entry(import.clone())
                .or_default()
                .push(prepared.len());
        }
        prepared.push(Prepared {
            name: dep_name.clone(),
            instance,
            world,
            export: dep.export().map(str::to_owned),
        });
    }

    let mut cache = HashSet::new();
    let mut checker = SubtypeChecker::new(&mut cache);
    for (import, deps) in &by_import {
        let [index] = deps.as_slice() else {
            return Err(Error::DependencyConflicts {
                component: component_id.to_owned(),
                import: import.clone(),
                dependencies: deps
                    .iter()
                    .map(|i| prepared[*i].name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        };
        let dep = &prepared[*index];
        let export = dep.export.clone().unwrap_or_else(|| import.clone());
        let Some(export_ty) = graph.types()[dep.world].exports.get(&export).copied() else {
            return Err(Error::MissingExport {
                dependency: dep.name.clone(),
                export,
                import: import.clone(),
            });
        };
        let Some(import_ty) = graph.types()[root_world].imports.get(import).copied() else {
            continue;
        };
        checker
            .is_subtype(export_ty, graph.types(), import_ty, graph.types())
            .map_err(|e| Error::Dependency {
                component: component_id.to_owned(),
                dependency: dep.name.clone(),
                message: format!(
                    "exports '{export}' which is not compatible with import '{import}': {e:#}"
                ),
            })?;
        let alias = graph
            .alias_instance_export(dep.instance, &export)
            .map_err(|e| graph_err(&e))?;
        graph
            .set_instantiation_argument(root_instance, import, alias)
            .map_err(|e| graph_err(&e))?;
    }

    let exports: Vec<String> = graph.types()[root_world].exports.keys().cloned().collect();
    for export in exports {
        let alias = graph
            .alias_instance_export(root_instance, &export)
            .map_err(|e| graph_err(&e))?;
        graph.export(alias, &export).map_err(|e| graph_err(&e))?;
    }
    graph
        .encode(EncodeOptions::default())
        .map_err(|e| graph_err(&e))
}

/// The import names of a component (its world's imports, in order): what the host, or
/// a composition, must provide.
///
/// # Errors
///
/// [`Error::Graph`] when `bytes` is not a component.
pub fn imports(component_id: &str, bytes: &[u8]) -> Result<Vec<String>> {
    let mut types = wac_graph::types::Types::default();
    let package =
        Package::from_bytes(component_id, None, bytes.to_vec(), &mut types).map_err(|e| {
            Error::Graph {
                component: component_id.to_owned(),
                message: format!("{e:#}"),
            }
        })?;
    Ok(types[package.ty()].imports.keys().cloned().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependency_names_match_imports_like_spin() {
        for (dep, imports) in [
            ("foo:bar/baz@0.1.0", vec!["foo:bar/baz@0.1.0"]),
            ("foo:bar/baz", vec!["foo:bar/baz@0.1.0", "foo:bar/baz"]),
            ("foo:bar", vec!["foo:bar/baz@0.1.0", "foo:bar/baz"]),
            ("foo:bar@0.1.0", vec!["foo:bar/baz@0.1.0"]),
            ("foo-bar", vec!["foo-bar"]),
        ] {
            for import in imports {
                assert!(matches_import(dep, import), "{dep} should match {import}");
            }
        }
        for (dep, imports) in [
            ("foo:bar/baz@0.1.0", vec!["foo:bar/baz"]),
            ("foo:bar/baz", vec!["foo:bar/bub", "foo:bar/bub@0.1.0"]),
            ("foo:bar", vec!["foo:bub/bib"]),
            ("foo:bar@0.1.0", vec!["foo:bar/baz"]),
            ("foo:bar/baz", vec!["foo:bar/baz-bub", "foo-bar"]),
        ] {
            for import in imports {
                assert!(
                    !matches_import(dep, import),
                    "{dep} should not match {import}"
                );
            }
        }
    }

    #[test]
    fn configuration_imports_are_recognised() {
        assert!(is_configuration_import("spin:postgres/postgres@3.0.0"));
        assert!(is_configuration_import("fermyon:spin/variables@2.0.0"));
        assert!(is_configuration_import("wasi:http/outgoing-handler@0.2.6"));
        assert!(!is_configuration_import("wasi:io/streams@0.2.6"));
        assert!(!is_configuration_import("wasi:cli/environment@0.2.6"));
        assert!(!is_configuration_import("spinstack:session/session@0.1.0"));
    }

    #[test]
    fn only_sqlite_is_denied_by_rewiring() {
        assert_eq!(
            deny_import_name("fermyon:spin/sqlite@2.0.0"),
            Some("spin-test-runtime:deny-fermyon-spin/sqlite@2.0.0")
        );
        assert_eq!(
            deny_import_name("spin:sqlite/sqlite@3.0.0"),
            Some("spin-test-runtime:deny-spin-sqlite/sqlite@3.0.0")
        );
        assert_eq!(deny_import_name("fermyon:spin/variables@2.0.0"), None);
        assert_eq!(deny_import_name("spin:postgres/postgres@3.0.0"), None);
    }
}
