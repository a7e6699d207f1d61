//! The per-instance store data: WASI, `wasi:http`, PostgreSQL, SQLite and variables state.
//!
//! One [`InstanceState`] is created for every request (Spin instantiates a fresh instance
//! per request for `wasi:http/incoming-handler@0.2`). The component's configuration —
//! its id, resolved variables, allow-list and SQLite databases — is shared by
//! [`ComponentConfig`]; a
//! composed dependency that inherits configuration runs inside the same instance, so it
//! sees exactly the same configuration, as in Spin.

use std::sync::Arc;

use wasmtime::component::{HasData, ResourceTable};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{
    RequestOptions, WasiBody, WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks, WasiHttpView,
};

use crate::allowed_hosts::AllowedHosts;
use crate::bindings::variables;
use crate::pg::{PgState, PgView};
use crate::sqlite::{Access as SqliteAccess, SqliteState};
use crate::variables::{Error as VariableError, Variables};

/// What a component may see of the application's configuration.
#[derive(Debug)]
pub struct ComponentConfig {
    /// The component id (variables are looked up under it).
    pub id: String,
    /// Every resolved variable of the app.
    pub variables: Arc<Variables>,
    /// The component's resolved `allowed_outbound_hosts`.
    pub allowed_hosts: Arc<AllowedHosts>,
    /// The component's `sqlite_databases` and the app's databases.
    pub sqlite: Arc<SqliteAccess>,
}

/// The data of one store.
pub struct InstanceState {
    table: ResourceTable,
    wasi: WasiCtx,
    http: WasiHttpCtx,
    hooks: OutboundHttp,
    pg: PgState,
    sqlite: SqliteState,
    config: Arc<ComponentConfig>,
}

impl InstanceState {
    /// Fresh state for one instance of `config`'s component.
    pub fn new(config: Arc<ComponentConfig>, pools: Arc<crate::pg::Pools>) -> Self {
        // Guest stdout goes to our stderr too: the runtime's stdout carries only the
        // start-up lines, so a harness that stops reading it cannot block a guest.
        let wasi = WasiCtx::builder()
            .stdout(wasmtime_wasi::cli::stderr())
            .inherit_stderr()
            .build();
        Self {
            table: ResourceTable::new(),
            wasi,
            http: WasiHttpCtx::new(),
            hooks: OutboundHttp {
                allowed: config.allowed_hosts.clone(),
            },
            sqlite: SqliteState::new(config.sqlite.clone(), pools.clone()),
            pg: PgState {
                pools,
                allowed_hosts: config.allowed_hosts.clone(),
            },
            config,
        }
    }

    /// The borrowed view the PostgreSQL host traits are implemented for.
    pub fn pg(&mut self) -> PgView<'_> {
        PgView {
            table: &mut self.table,
            state: &self.pg,
        }
    }

    /// The SQLite state the SQLite host traits are implemented for.
    pub fn sqlite(&mut self) -> &mut SqliteState {
        &mut self.sqlite
    }

    /// The borrowed view the variables host trait is implemented for.
    pub fn variables(&mut self) -> VariablesView<'_> {
        VariablesView {
            config: &self.config,
        }
    }
}

impl WasiView for InstanceState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for InstanceState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}

/// Outgoing `wasi:http` requests: allowed destinations go out as wasmtime sends them,
/// the rest fail with `HTTP-request-denied`, as Spin's outbound HTTP factor does.
struct OutboundHttp {
    allowed: Arc<AllowedHosts>,
}

type SendFuture = Box<
    dyn Future<
            Output = wasmtime_wasi_http::Result<(
                http::Response<WasiBody>,
                Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
            )>,
        > + Send,
>;

impl WasiHttpHooks for OutboundHttp {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
    ) -> SendFuture {
        let uri = request.uri();
        let allowed = uri.host().is_some_and(|host| {
            self.allowed
                .allows(uri.scheme_str().unwrap_or("https"), host, uri.port_u16())
        });
        if !allowed {
            eprintln!(
                "spin-test-runtime: a component tried to make an HTTP request to disallowed destination {uri}"
            );
            return Box::new(async { Err(wasmtime_wasi_http::Error::HttpRequestDenied) });
        }
        drop(fut);
        Box::new(async move {
            use http_body_util::BodyExt;
            let (res, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
            Ok((
                res.map(BodyExt::boxed_unsync),
                Box::new(io) as Box<dyn Future<Output = _> + Send>,
            ))
        })
    }
}

/// The view `fermyon:spin/variables` is implemented for.
pub struct VariablesView<'a> {
    config: &'a ComponentConfig,
}

/// [`HasData`] marker for linking `fermyon:spin/variables` with [`VariablesView`].
pub struct VariablesData;

impl HasData for VariablesData {
    type Data<'a> = VariablesView<'a>;
}

impl variables::Host for VariablesView<'_> {
    async fn get(&mut self, name: String) -> wasmtime::Result<Result<String, variables::Error>> {
        Ok(self
            .config
            .variables
            .get(&self.config.id, &name)
            .map_err(|e| match e {
                VariableError::InvalidName(m) => variables::Error::InvalidName(m),
                VariableError::Undefined(m) => variables::Error::Undefined(m),
                VariableError::Provider(m) => variables::Error::Provider(m),
                e @ VariableError::InvalidTemplate(_) => variables::Error::Other(e.to_string()),
            }))
    }
}
