//! HTTP route matching and the `spin-*` request headers, with Spin 4's rules.
//!
//! Spin (`crates/http/src/routes.rs`) hands the patterns to the `routefinder` crate, so
//! this module does the same and keeps Spin's adjustments around it:
//! - a route is made absolute and loses one trailing slash (`/foo/` → `/foo`, `/` → ``);
//! - `/...` (and `/*`) is a trailing wildcard, `:name` a named segment;
//! - duplicate patterns (as written) keep the last entry, and the earlier ones are reported;
//! - the best match ranks `exact > :param > wildcard` segment by segment (routefinder's order),
//!   so an exact route beats a wildcard and the longer wildcard prefix wins;
//! - the wildcard part (`spin-path-info`) keeps a trailing slash of the request path.
//!
//! The header values follow `crates/trigger-http/src/headers.rs`.

use std::fmt;
use std::net::SocketAddr;

/// A route that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// routefinder refused the pattern.
    #[error("Error parsing route {route} associated with component {target}: {reason}")]
    Parse {
        /// The route after Spin's normalisation.
        route: String,
        /// What it routes to.
        target: String,
        /// routefinder's message.
        reason: String,
    },
    /// `route = { private = false }`.
    #[error(
        "route must be a string pattern or '{{ private = true }}': component '{0}' has {{ private = false }}"
    )]
    PrivateFalse(String),
}

/// What one trigger routes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Run this component.
    Component(String),
    /// Serve the static response of the trigger at this index in `[[trigger.http]]`.
    StaticResponse(usize),
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Component(id) => f.write_str(id),
            Target::StaticResponse(i) => write!(f, "static response #{}", i + 1),
        }
    }
}

/// A route as written, before normalisation.
#[derive(Debug, Clone)]
pub enum RouteConfig {
    /// A pattern.
    Pattern(String),
    /// `{ private = <bool> }`.
    Private(bool),
}

#[derive(Debug, Clone)]
struct Handler {
    target: Target,
    /// With Spin's normalisation (absolute, one trailing slash removed).
    based_route: String,
    /// As written in the manifest.
    raw_route: String,
    wildcard: bool,
}

impl Handler {
    /// The route without its `/...` suffix, as Spin displays it.
    fn display_prefix(&self) -> &str {
        if self.wildcard {
            self.based_route
                .strip_suffix("/...")
                .or_else(|| self.based_route.strip_suffix("/*"))
                .unwrap_or(&self.based_route)
        } else {
            &self.based_route
        }
    }
}

/// A duplicate pattern whose earlier entry can never be reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The route pattern (`/` for the root).
    pub route: String,
    /// The entry that lost.
    pub replaced: String,
    /// The entry that wins.
    pub effective: String,
}

/// The router of one application.
#[derive(Debug)]
pub struct Router {
    inner: routefinder::Router<Handler>,
}

/// The result of routing one path.
#[derive(Debug, Clone)]
pub struct RouteMatch {
    /// What to run.
    pub target: Target,
    /// The matched route with Spin's normalisation (`spin-matched-route`).
    pub based_route: String,
    /// The matched route as written (`spin-raw-component-route`).
    pub raw_route: String,
    /// Named segments, in pattern order.
    pub named: Vec<(String, String)>,
    /// The part matched by a trailing wildcard (`spin-path-info`).
    pub path_info: String,
}

impl Router {
    /// Builds the router from `(target, route)` pairs in manifest order, returning the
    /// duplicates Spin would warn about.
    ///
    /// # Errors
    ///
    /// [`Error`] for a pattern routefinder refuses or a `private = false` route.
    pub fn build(
        routes: impl IntoIterator<Item = (Target, RouteConfig)>,
    ) -> Result<(Self, Vec<Duplicate>), Error> {
        // Deduplicate on the pattern as written, keeping the first position and the last
        // entry (Spin uses an IndexMap keyed by the raw route).
        let mut entries: Vec<(String, Target)> = Vec::new();
        let mut duplicates = Vec::new();
        for (target, route) in routes {
            let raw = match route {
                RouteConfig::Pattern(p) => p,
                RouteConfig::Private(true) => continue,
                RouteConfig::Private(false) => return Err(Error::PrivateFalse(target.to_string())),
            };
            if let Some(existing) = entries.iter_mut().find(|(r, _)| *r == raw) {
                let replaced = std::mem::replace(&mut existing.1, target.clone());
                let based = normalise(&raw);
                duplicates.push(Duplicate {
                    route: if based.is_empty() {
                        "/".to_owned()
                    } else {
                        based
                    },
                    replaced: replaced.to_string(),
                    effective: target.to_string(),
                });
            } else {
                entries.push((raw, target));
            }
        }

        let mut inner = routefinder::Router::new();
        for (raw_route, target) in entries {
            let based_route = normalise(&raw_route);
            let (spec, wildcard) = if let Some(prefix) = based_route.strip_suffix("/...") {
                (format!("{prefix}/*"), true)
            } else if based_route.ends_with("/*") {
                (based_route.clone(), true)
            } else {
                (based_route.clone(), false)
            };
            let handler = Handler {
                target: target.clone(),
                based_route: based_route.clone(),
                raw_route,
                wildcard,
            };
            inner
                .add(spec.as_str(), handler)
                .map_err(|reason| Error::Parse {
                    route: based_route,
                    target: target.to_string(),
                    reason: reason.to_string(),
                })?;
        }
        Ok((Self { inner }, duplicates))
    }

    /// Routes a request path (without the query).
    pub fn route(&self, path: &str) -> Option<RouteMatch> {
        let best = self.inner.best_match(path)?;
        let handler = best.handler();
        let captures = best.captures();
        let named = captures
            .params()
            .iter()
            .map(|c| (c.name().to_owned(), c.value().to_owned()))
            .collect();
        // Spin has always kept the trailing slash in the wildcard part; routefinder drops it.
        let path_info = captures
            .wildcard()
            .map(|w| match (w.is_empty(), path.ends_with('/')) {
                (true, false) => String::new(),
                (true, true) => "/".to_owned(),
                (false, false) => format!("/{w}"),
                (false, true) => format!("/{w}/"),
            })
            .unwrap_or_default();
        Some(RouteMatch {
            target: handler.target.clone(),
            based_route: handler.based_route.clone(),
            raw_route: handler.raw_route.clone(),
            named,
            path_info,
        })
    }

    /// The routes in matching order, as `(target, display)` where display is the path,
    /// or the prefix followed by ` (wildcard)`, as `spin up` prints them.
    pub fn describe(&self) -> Vec<(String, String)> {
        self.inner
            .iter()
            .map(|(_, h)| {
                let display = if h.wildcard {
                    format!("{} (wildcard)", h.display_prefix())
                } else {
                    h.based_route.clone()
                };
                (h.target.to_string(), display)
            })
            .collect()
    }
}

/// Absolute, one trailing slash removed (Spin's `sanitize_with_base("/", route)`).
fn normalise(route: &str) -> String {
    let absolute = if route.starts_with('/') {
        route.to_owned()
    } else {
        format!("/{route}")
    };
    match absolute.strip_suffix('/') {
        Some(s) => s.to_owned(),
        None => absolute,
    }
}

impl RouteMatch {
    /// `spin-component-route`: the raw route without its `/...` suffix.
    pub fn component_route(&self) -> &str {
        self.raw_route
            .strip_suffix("/...")
            .unwrap_or(&self.raw_route)
    }

    /// The `spin-*` headers Spin adds to the request, in Spin's order.
    ///
    /// `host` is the request's `Host` header (Spin uses `localhost` when absent) and
    /// `path_and_query` the request target.
    pub fn spin_headers(
        &self,
        host: &str,
        path_and_query: &str,
        client_addr: SocketAddr,
    ) -> Vec<(String, String)> {
        let mut headers = vec![
            ("spin-path-info".to_owned(), self.path_info.clone()),
            (
                "spin-full-url".to_owned(),
                format!("http://{host}{path_and_query}"),
            ),
            ("spin-matched-route".to_owned(), self.based_route.clone()),
            ("spin-base-path".to_owned(), "/".to_owned()),
            (
                "spin-raw-component-route".to_owned(),
                self.raw_route.clone(),
            ),
            (
                "spin-component-route".to_owned(),
                self.component_route().to_owned(),
            ),
            ("spin-client-addr".to_owned(), client_addr.to_string()),
        ];
        for (name, value) in &self.named {
            headers.push((
                format!(
                    "spin-path-match-{}",
                    name.to_ascii_lowercase().replace('_', "-")
                ),
                value.clone(),
            ));
        }
        headers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router(routes: &[(&str, &str)]) -> Router {
        let (r, _) = Router::build(routes.iter().map(|(c, r)| {
            (
                Target::Component((*c).to_owned()),
                RouteConfig::Pattern((*r).to_owned()),
            )
        }))
        .expect("routes should build");
        r
    }

    fn target(r: &Router, path: &str) -> Option<String> {
        r.route(path).map(|m| m.target.to_string())
    }

    #[test]
    fn exact_routes_and_trailing_slashes() {
        let r = router(&[("foo", "/foo"), ("foobar", "/foo/bar/"), ("root", "/")]);
        assert_eq!(target(&r, "/foo").as_deref(), Some("foo"));
        assert_eq!(target(&r, "/foo/bar").as_deref(), Some("foobar"));
        // routefinder ignores one trailing slash on the request path.
        assert_eq!(target(&r, "/foo/").as_deref(), Some("foo"));
        assert_eq!(target(&r, "/").as_deref(), Some("root"));
        assert_eq!(target(&r, "/nope"), None);
        assert_eq!(target(&r, "/foo/baz"), None);
        let m = r.route("/foo/bar").expect("match");
        assert_eq!(m.based_route, "/foo/bar");
        assert_eq!(m.raw_route, "/foo/bar/");
        assert_eq!(r.route("/").expect("match").based_route, "");
    }

    #[test]
    fn most_specific_match_wins_regardless_of_order() {
        let r = router(&[
            ("all", "/..."),
            ("one", "/one/..."),
            ("onetwo", "/one/two/..."),
            ("one-exact", "/one"),
        ]);
        assert_eq!(target(&r, "/one/two/three").as_deref(), Some("onetwo"));
        assert_eq!(target(&r, "/one/x").as_deref(), Some("one"));
        assert_eq!(target(&r, "/one").as_deref(), Some("one-exact"));
        assert_eq!(target(&r, "/other").as_deref(), Some("all"));
        assert_eq!(target(&r, "/").as_deref(), Some("all"));
    }

    #[test]
    fn wildcard_path_info_keeps_trailing_slash() {
        let r = router(&[("c", "/test/...")]);
        let info = |p: &str| r.route(p).map(|m| m.path_info);
        assert_eq!(info("/test").as_deref(), Some(""));
        assert_eq!(info("/test/").as_deref(), Some("/"));
        assert_eq!(info("/test/hello").as_deref(), Some("/hello"));
        assert_eq!(info("/test/hello/").as_deref(), Some("/hello/"));
        let all = router(&[("c", "/...")]);
        assert_eq!(
            all.route("/1/2/3").map(|m| m.path_info).as_deref(),
            Some("/1/2/3")
        );
    }

    #[test]
    fn named_segments_are_captured() {
        let r = router(&[("c", "/users/:user_id/..."), ("d", "/1/:two/3")]);
        let m = r.route("/users/42/posts").expect("match");
        assert_eq!(m.named, vec![("user_id".to_owned(), "42".to_owned())]);
        assert_eq!(m.path_info, "/posts");
        assert_eq!(m.component_route(), "/users/:user_id");
        assert_eq!(target(&r, "/1/2/3").as_deref(), Some("d"));
        let headers = m.spin_headers("h", "/users/42/posts", "127.0.0.1:1".parse().expect("addr"));
        assert!(headers.contains(&("spin-path-match-user-id".to_owned(), "42".to_owned())));
    }

    #[test]
    fn duplicates_keep_the_last_entry() {
        let (r, dups) = Router::build(
            [("first", "/foo"), ("second", "/foo"), ("root", "/")]
                .into_iter()
                .map(|(c, p)| {
                    (
                        Target::Component(c.to_owned()),
                        RouteConfig::Pattern(p.to_owned()),
                    )
                }),
        )
        .expect("build");
        assert_eq!(target(&r, "/foo").as_deref(), Some("second"));
        assert_eq!(
            dups,
            vec![Duplicate {
                route: "/foo".to_owned(),
                replaced: "first".to_owned(),
                effective: "second".to_owned()
            }]
        );
    }

    #[test]
    fn bad_patterns_are_refused_with_the_component_named() {
        let err = Router::build([(
            Target::Component("fx".to_owned()),
            RouteConfig::Pattern("/api/*bad".to_owned()),
        )])
        .expect_err("a named wildcard is not a route");
        let text = err.to_string();
        assert!(
            text.contains("/api/*bad") && text.contains("component fx"),
            "{text}"
        );
    }

    #[test]
    fn private_routes_are_unroutable() {
        let (r, _) = Router::build([
            (
                Target::Component("p".to_owned()),
                RouteConfig::Private(true),
            ),
            (
                Target::Component("x".to_owned()),
                RouteConfig::Pattern("/x".to_owned()),
            ),
        ])
        .expect("build");
        assert_eq!(r.describe().len(), 1);
        let err = Router::build([(
            Target::Component("p".to_owned()),
            RouteConfig::Private(false),
        )])
        .expect_err("private = false is refused");
        assert!(err.to_string().contains("component 'p'"));
    }

    #[test]
    fn spin_headers_match_spin() {
        let r = router(&[("c", "/foo/...")]);
        let m = r.route("/foo/bar").expect("match");
        let h = m.spin_headers(
            "example.test:3000",
            "/foo/bar?a=1",
            "127.0.0.1:8777".parse().expect("addr"),
        );
        let get = |k: &str| {
            h.iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.as_str())
                .unwrap_or("<missing>")
        };
        assert_eq!(get("spin-full-url"), "http://example.test:3000/foo/bar?a=1");
        assert_eq!(get("spin-path-info"), "/bar");
        assert_eq!(get("spin-matched-route"), "/foo/...");
        assert_eq!(get("spin-base-path"), "/");
        assert_eq!(get("spin-raw-component-route"), "/foo/...");
        assert_eq!(get("spin-component-route"), "/foo");
        assert_eq!(get("spin-client-addr"), "127.0.0.1:8777");
    }

    #[test]
    fn describes_routes_like_spin_up() {
        let r = router(&[("web", "/..."), ("api", "/api/..."), ("home", "/home")]);
        let d = r.describe();
        assert!(d.contains(&("web".to_owned(), " (wildcard)".to_owned())));
        assert!(d.contains(&("api".to_owned(), "/api (wildcard)".to_owned())));
        assert!(d.contains(&("home".to_owned(), "/home".to_owned())));
    }
}
