//! Loading an application: manifest → runtime config and SQLite databases → variables →
//! composed, compiled, pre-instantiated components → router. Everything that can fail does
//! so here, before anything is served, as `spin up` does.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use wasmtime::component::{Component, Linker};
use wasmtime::{Engine, InstanceAllocationStrategy, PoolingAllocationConfig};
use wasmtime_wasi_http::p2::bindings::ProxyPre;

use crate::allowed_hosts::{self, AllowedHosts};
use crate::bindings::{
    deny_sqlite2, deny_sqlite3, pg3, sqlite2, sqlite3, variables as variables_wit,
};
use crate::compose;
use crate::manifest::{self, Manifest, Route, StaticResponse};
use crate::pg::{Pg, Pools};
use crate::routes::{self, Duplicate, RouteConfig, Router, Target};
use crate::runtime_config::{self, RuntimeConfig};
use crate::sqlite::{self, Databases, Sqlite};
use crate::state::{ComponentConfig, InstanceState, VariablesData};
use crate::variables::{self, Provider, Variables};

/// Why an application could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The manifest is unreadable, invalid or uses an unsupported feature.
    #[error(transparent)]
    Manifest(#[from] manifest::Error),
    /// A variable is missing or a template is wrong.
    #[error(transparent)]
    Variables(#[from] variables::Error),
    /// The runtime config file or the state directory cannot be used.
    #[error(transparent)]
    RuntimeConfig(#[from] runtime_config::Error),
    /// A SQLite database is misconfigured or undefined.
    #[error(transparent)]
    Sqlite(#[from] sqlite::config::Error),
    /// A route cannot be used.
    #[error(transparent)]
    Routes(#[from] routes::Error),
    /// A component's `allowed_outbound_hosts` does not parse or resolve.
    #[error("component {component:?}: {source}")]
    AllowedHosts {
        /// The component.
        component: String,
        /// The failure.
        source: allowed_hosts::Error,
    },
    /// The component's Wasm file does not exist (it has not been built).
    #[error(
        "component {component:?}: cannot read {path}: {reason} — build the application first (`spin build`)"
    )]
    MissingWasm {
        /// The component.
        component: String,
        /// The expected file.
        path: PathBuf,
        /// The I/O error.
        reason: String,
    },
    /// Composition with dependencies failed.
    #[error(transparent)]
    Compose(#[from] compose::Error),
    /// Compiling or linking the component failed.
    #[error("component {component:?}: {message}")]
    Wasm {
        /// The component.
        component: String,
        /// wasmtime's message.
        message: String,
    },
    /// The engine could not be created.
    #[error("creating the wasmtime engine: {0}")]
    Engine(String),
}

/// A component ready to serve: pre-instantiated, with its configuration.
pub struct ComponentRuntime {
    /// Compiled, linked and type-checked once; instantiated per request.
    pub pre: ProxyPre<InstanceState>,
    /// What the component may see.
    pub config: Arc<ComponentConfig>,
}

/// A loaded application.
pub struct App {
    /// The application name.
    pub name: String,
    /// The wasmtime engine shared by all stores.
    pub engine: Engine,
    /// Routes to components and static responses.
    pub router: Router,
    /// Duplicate routes Spin would warn about.
    pub duplicates: Vec<Duplicate>,
    /// Runtimes by component id (trigger targets only).
    pub components: HashMap<String, ComponentRuntime>,
    /// Static responses by trigger index.
    pub static_responses: HashMap<usize, StaticResponse>,
    /// PostgreSQL pools shared by all instances.
    pub pools: Arc<Pools>,
    /// Whether `/.well-known/spin/pg-stats` serves the PostgreSQL and SQLite call counts
    /// (`SPIN_TEST_RUNTIME_PG_STATS=1`, for the benchmarks).
    pub serve_pg_stats: bool,
    /// `Storing default SQLite data to ….`, when some component lists `default`; printed
    /// at start-up before `Serving …`, as Spin does.
    pub sqlite_summary: Option<String>,
}

impl App {
    /// Loads the application at `manifest_path`, resolving variables through `providers`.
    ///
    /// # Errors
    ///
    /// Any [`LoadError`]; none of them carries a variable's value.
    pub fn load(manifest_path: &Path, providers: &[&dyn Provider]) -> Result<Self, LoadError> {
        Self::load_with(
            manifest_path,
            providers,
            &runtime_config::Options::default(),
        )
    }

    /// Loads the application at `manifest_path` with the runtime configuration `options`
    /// (`--state-dir`, `--runtime-config-file`), resolving variables through `providers`.
    ///
    /// # Errors
    ///
    /// Any [`LoadError`]; none of them carries a variable's value.
    pub fn load_with(
        manifest_path: &Path,
        providers: &[&dyn Provider],
        options: &runtime_config::Options,
    ) -> Result<Self, LoadError> {
        let manifest = Manifest::load(manifest_path)?;
        manifest.check_supported()?;
        let dir = manifest_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let runtime_config = RuntimeConfig::resolve(options, &dir)?;
        let databases = Databases::resolve(&runtime_config)?;
        databases.check_used(&manifest)?;
        let sqlite_summary = databases.default_summary(&manifest)?;
        let databases = Arc::new(databases);
        let variables = Arc::new(Variables::resolve(&manifest, providers)?);

        let triggers = manifest.http_triggers()?;
        let mut routes = Vec::new();
        let mut static_responses = HashMap::new();
        for (index, trigger) in triggers.iter().enumerate() {
            let target = match (&trigger.component, &trigger.static_response) {
                (Some(component), None) => Target::Component(
                    component
                        .as_str()
                        .ok_or_else(|| {
                            manifest::Error::Unsupported("inline component tables".to_owned())
                        })?
                        .to_owned(),
                ),
                (None, Some(response)) => {
                    static_responses.insert(index, response.clone());
                    Target::StaticResponse(index)
                }
                (None, None) => {
                    return Err(manifest::Error::Invalid(format!(
                        "Triggers must specify either component or static_response - trigger.http entry {} has neither",
                        index + 1
                    ))
                    .into());
                }
                (Some(_), Some(_)) => {
                    return Err(manifest::Error::Invalid(format!(
                        "Triggers must specify either component or static_response - trigger.http entry {} has both",
                        index + 1
                    ))
                    .into());
                }
            };
            let route = match &trigger.route {
                Route::Pattern(p) => RouteConfig::Pattern(p.clone()),
                Route::Private(p) => RouteConfig::Private(p.private),
            };
            routes.push((target, route));
        }
        let (router, duplicates) = Router::build(routes.iter().cloned())?;

        let engine = engine()?;
        let linker = linker(&engine).map_err(|e| LoadError::Engine(format!("{e:#}")))?;
        let pools = Arc::new(Pools::default());
        let mut components = HashMap::new();
        for (target, _) in &routes {
            let Target::Component(id) = target else {
                continue;
            };
            if components.contains_key(id) {
                continue;
            }
            let runtime = load_component(
                &manifest, &dir, id, &engine, &linker, &variables, &databases,
            )?;
            components.insert(id.clone(), runtime);
        }
        Ok(Self {
            name: manifest.application.name.clone(),
            engine,
            router,
            duplicates,
            components,
            static_responses,
            pools,
            serve_pg_stats: crate::pg::stats::enabled(),
            sqlite_summary,
        })
    }
}

fn load_component(
    manifest: &Manifest,
    dir: &Path,
    id: &str,
    engine: &Engine,
    linker: &Linker<InstanceState>,
    variables: &Arc<Variables>,
    databases: &Arc<Databases>,
) -> Result<ComponentRuntime, LoadError> {
    let wasm_err = |message: String| LoadError::Wasm {
        component: id.to_owned(),
        message,
    };
    let path = manifest
        .component_source(id, dir)
        .ok_or_else(|| wasm_err("no local `source`".to_owned()))?;
    let bytes = std::fs::read(&path).map_err(|e| LoadError::MissingWasm {
        component: id.to_owned(),
        path: path.clone(),
        reason: e.to_string(),
    })?;
    let bytes = compose::compose(manifest, dir, id, bytes)?;
    let component =
        Component::new(engine, &bytes).map_err(|e| wasm_err(format!("compiling: {e:#}")))?;
    let pre = linker
        .instantiate_pre(&component)
        .map_err(|e| wasm_err(format!("linking: {e:#}")))?;
    let pre = ProxyPre::new(pre).map_err(|e| {
        wasm_err(format!(
            "does not export wasi:http/incoming-handler@0.2: {e:#}"
        ))
    })?;
    let entries = manifest
        .components
        .get(id)
        .map(|c| c.allowed_outbound_hosts.clone())
        .unwrap_or_default();
    // A dependency that inherits configuration runs in this instance and so gets these
    // labels too; one that does not is wired to the denying interfaces (compose.rs).
    let sqlite_labels: HashSet<String> = manifest
        .components
        .get(id)
        .map(|c| c.sqlite_databases.iter().cloned().collect())
        .unwrap_or_default();
    let allowed_hosts =
        AllowedHosts::parse(&entries, variables).map_err(|source| LoadError::AllowedHosts {
            component: id.to_owned(),
            source,
        })?;
    Ok(ComponentRuntime {
        pre,
        config: Arc::new(ComponentConfig {
            id: id.to_owned(),
            variables: variables.clone(),
            allowed_hosts: Arc::new(allowed_hosts),
            sqlite: Arc::new(sqlite::Access {
                allowed: sqlite_labels,
                databases: databases.clone(),
            }),
        }),
    })
}

/// An engine that pre-allocates instance slots (the pooling allocator) so a fresh instance
/// per request stays cheap, with the compilation cache when it can be set up.
fn engine() -> Result<Engine, LoadError> {
    let mut pooling = PoolingAllocationConfig::new();
    pooling
        .total_component_instances(1000)
        .total_core_instances(10_000)
        .total_memories(2000)
        .total_tables(4000)
        .max_memories_per_component(32)
        .max_tables_per_component(64)
        .max_core_instances_per_component(200)
        .max_memory_size(1 << 30)
        // As Spin (`spin-core`), with its environment variables and defaults: reset the
        // first 2 MiB of each linear memory and 512 KiB of each table with memset when an
        // instance ends, instead of returning them to the kernel with madvise, whose TLB
        // shootdowns would cost every request.
        .linear_memory_keep_resident(env_size(
            "SPIN_WASMTIME_LINEAR_MEMORY_KEEP_RESIDENT",
            2 << 20,
        ))
        .table_keep_resident(env_size("SPIN_WASMTIME_TABLE_KEEP_RESIDENT", 512 << 10));
    let mut config = wasmtime::Config::new();
    config.wasm_component_model(true);
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pooling));
    if let Ok(cache) = wasmtime::Cache::from_file(None) {
        config.cache(Some(cache));
    }
    #[cfg(feature = "profiling")]
    if std::env::var("SPIN_TEST_RUNTIME_PROFILER").as_deref() == Ok("perfmap") {
        config.profiler(wasmtime::ProfilingStrategy::PerfMap);
    }
    match Engine::new(&config) {
        Ok(engine) => Ok(engine),
        Err(pooling_err) => {
            // The pooling allocator reserves virtual memory up front; fall back to
            // on-demand allocation where the machine refuses the reservation.
            eprintln!(
                "spin-test-runtime: pooling allocator unavailable ({pooling_err:#}); allocating on demand"
            );
            config.allocation_strategy(InstanceAllocationStrategy::OnDemand);
            Engine::new(&config).map_err(|e| LoadError::Engine(format!("{e:#}")))
        }
    }
}

/// A size in bytes from the environment variable `name`, else `default`.
fn env_size(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(value) => value.parse().unwrap_or_else(|_| {
            eprintln!("spin-test-runtime: ignoring {name}={value:?}, not a number of bytes");
            default
        }),
        Err(_) => default,
    }
}

fn linker(engine: &Engine) -> wasmtime::Result<Linker<InstanceState>> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
    pg3::add_to_linker::<_, Pg>(&mut linker, InstanceState::pg)?;
    variables_wit::add_to_linker::<_, VariablesData>(&mut linker, InstanceState::variables)?;
    sqlite2::add_to_linker::<_, Sqlite>(&mut linker, InstanceState::sqlite)?;
    sqlite3::add_to_linker::<_, Sqlite>(&mut linker, InstanceState::sqlite)?;
    deny_sqlite2::add_to_linker::<_, Sqlite>(&mut linker, InstanceState::sqlite)?;
    deny_sqlite3::add_to_linker::<_, Sqlite>(&mut linker, InstanceState::sqlite)?;
    Ok(linker)
}
