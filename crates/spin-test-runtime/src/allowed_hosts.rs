//! `allowed_outbound_hosts`: parsing the entries and checking destinations against them.
//!
//! Follows Spin's `crates/outbound-networking-config/src/allowed_hosts.rs`: an entry is
//! `scheme://host[:port]` where each part may be `*`, the host may be `*.domain` or a CIDR
//! block, the port may be a range `a..b`, and a missing port means the scheme's well-known
//! port (postgres 5432, mysql 3306, redis 6379, mqtt 1883, http 80, https 443). Entries may
//! be `{{ variable }}` templates over *application* variables; Spin resolves them once,
//! when the app starts (`AllowedHostsConfig::parse` with a prepared resolver), and so does
//! [`AllowedHosts::parse`]. `"insecure:allow-all"` is refused as in Spin.

use std::net::IpAddr;
use std::ops::Range;

use crate::variables::Variables;

/// An entry that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("invalid allowed_outbound_hosts entry: {0}")]
pub struct Error(String);

/// A component's resolved allow-list.
#[derive(Debug, Clone, Default)]
pub struct AllowedHosts {
    hosts: Vec<AllowedHost>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct AllowedHost {
    scheme: Option<String>,
    host: HostPattern,
    port: PortPattern,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum HostPattern {
    Any,
    Subdomain(String),
    /// `self`: service chaining to the app itself; never matches a network host.
    ToSelf,
    Exact(String),
    Cidr(IpAddr, u8),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum PortPattern {
    Any,
    Port(u16),
    Range(Range<u16>),
}

fn well_known_port(scheme: &str) -> Option<u16> {
    match scheme {
        "postgres" => Some(5432),
        "mysql" => Some(3306),
        "redis" => Some(6379),
        "mqtt" => Some(1883),
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

impl AllowedHosts {
    /// Resolves templates against application variables and parses every entry.
    ///
    /// # Errors
    ///
    /// [`Error`] naming the entry that does not parse or resolve.
    pub fn parse(entries: &[String], variables: &Variables) -> Result<Self, Error> {
        if entries.len() == 1 && entries[0] == "insecure:allow-all" {
            return Err(Error(
                "'insecure:allow-all' is not allowed - use '*://*:*' instead if you really want to allow all outbound traffic".to_owned(),
            ));
        }
        let hosts = entries
            .iter()
            .map(|entry| {
                let resolved = variables
                    .render(entry)
                    .map_err(|e| Error(format!("{entry:?}: {e}")))?;
                AllowedHost::parse(&resolved)
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { hosts })
    }

    /// Whether `scheme://host[:port]` may be reached. `port` `None` means the scheme's
    /// well-known port.
    pub fn allows(&self, scheme: &str, host: &str, port: Option<u16>) -> bool {
        self.hosts.iter().any(|h| h.allows(scheme, host, port))
    }

    /// Whether a URL may be reached; a string without a scheme is read as `scheme://…`,
    /// as Spin's `OutboundUrl::parse` does.
    pub fn allows_url(&self, url: &str, default_scheme: &str) -> bool {
        let parsed = match url::Url::parse(url) {
            Ok(u) if u.has_host() => Some(u),
            _ => url::Url::parse(&format!("{default_scheme}://{url}")).ok(),
        };
        let Some(parsed) = parsed else {
            return false;
        };
        let Some(host) = parsed.host_str() else {
            return false;
        };
        // url keeps IPv6 brackets in host_str; allow-list entries are written without.
        let host = host.trim_start_matches('[').trim_end_matches(']');
        self.allows(parsed.scheme(), host, parsed.port())
    }
}

impl AllowedHost {
    fn parse(text: &str) -> Result<Self, Error> {
        let url = text.trim();
        let Some((scheme, rest)) = url.split_once("://") else {
            return Err(Error(format!(
                "{url:?} does not contain a scheme (e.g., 'http://' or '*://')"
            )));
        };
        let (host, port) = rest.rsplit_once(':').unwrap_or((rest, ""));
        let port = match port.split_once('/') {
            Some((_, path)) if !path.is_empty() => {
                return Err(Error(format!("{url:?} has a path but is not allowed to")));
            }
            Some((port, _)) => port,
            None => port,
        };
        let scheme = match scheme {
            "*" => None,
            s if s.chars().all(char::is_alphabetic) && !s.is_empty() => Some(s.to_owned()),
            s => {
                return Err(Error(format!(
                    "scheme {s:?} contains non alphabetic character"
                )));
            }
        };
        let host = HostPattern::parse(host)?;
        let port = match port {
            "" => {
                let s = scheme.as_deref().unwrap_or("*");
                PortPattern::Port(well_known_port(s).ok_or_else(|| {
                    Error(format!(
                        "no port was provided and the scheme {s:?} does not have a known default port number"
                    ))
                })?)
            }
            "*" => PortPattern::Any,
            p => match p.split_once("..") {
                Some((a, b)) => {
                    let parse = |x: &str| {
                        x.parse::<u16>()
                            .map_err(|_| Error(format!("port range {p:?} contains non-number")))
                    };
                    PortPattern::Range(parse(a)?..parse(b)?)
                }
                None => PortPattern::Port(
                    p.parse()
                        .map_err(|_| Error(format!("port {p:?} is not a number")))?,
                ),
            },
        };
        Ok(Self { scheme, host, port })
    }

    fn allows(&self, scheme: &str, host: &str, port: Option<u16>) -> bool {
        let scheme_ok = self.scheme.as_deref().is_none_or(|s| s == scheme);
        let host_ok = match &self.host {
            HostPattern::Any => true,
            HostPattern::Subdomain(suffix) => host.ends_with(suffix.as_str()),
            HostPattern::ToSelf => false,
            HostPattern::Exact(h) => h == host,
            HostPattern::Cidr(net, bits) => host
                .parse::<IpAddr>()
                .is_ok_and(|ip| cidr_contains(*net, *bits, ip)),
        };
        let port_ok = match &self.port {
            PortPattern::Any => true,
            other => match port.or_else(|| well_known_port(scheme)) {
                None => false,
                Some(p) => match other {
                    PortPattern::Port(x) => *x == p,
                    PortPattern::Range(r) => r.contains(&p),
                    PortPattern::Any => true,
                },
            },
        };
        scheme_ok && host_ok && port_ok
    }
}

impl HostPattern {
    fn parse(host: &str) -> Result<Self, Error> {
        let host = host.trim();
        if host == "*" {
            return Ok(Self::Any);
        }
        if host == "self" || host == "self.alt" {
            return Ok(Self::ToSelf);
        }
        if host.starts_with('{') {
            return Err(Error("host lists are not yet supported".to_owned()));
        }
        if let Some(cidr) = parse_cidr(host) {
            return Ok(cidr);
        }
        if matches!(host.split('/').nth(1), Some(path) if !path.is_empty()) {
            return Err(Error("hosts must not contain paths".to_owned()));
        }
        if let Some(domain) = host.strip_prefix("*.") {
            if domain.contains('*') {
                return Err(Error(format!(
                    "Invalid allowed host {host}: wildcards are allowed only as prefixes"
                )));
            }
            return Ok(Self::Subdomain(format!(".{domain}")));
        }
        if host.contains('*') {
            return Err(Error(format!(
                "Invalid allowed host {host}: wildcards are allowed only as subdomains"
            )));
        }
        Ok(Self::Exact(host.trim_end_matches('/').to_owned()))
    }
}

/// `a.b.c.d`, `a.b.c.d/n`, IPv6 likewise (a bare address is a /32 or /128 block).
fn parse_cidr(text: &str) -> Option<HostPattern> {
    let (addr, bits) = match text.split_once('/') {
        Some((a, b)) => (a, Some(b.parse::<u8>().ok()?)),
        None => (text, None),
    };
    let ip: IpAddr = addr
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let bits = bits.unwrap_or(max);
    (bits <= max).then_some(HostPattern::Cidr(ip, bits))
}

fn cidr_contains(net: IpAddr, bits: u8, ip: IpAddr) -> bool {
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(i)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(n) & mask == u32::from(i) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(i)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(n) & mask == u128::from(i) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::manifest::Manifest;
    use crate::variables::EnvProvider;

    fn hosts(entries: &[&str]) -> AllowedHosts {
        let entries: Vec<String> = entries.iter().map(|s| (*s).to_owned()).collect();
        AllowedHosts::parse(&entries, &Variables::default()).expect("entries parse")
    }

    #[test]
    fn exact_hosts_and_default_ports() {
        let h = hosts(&["postgres://localhost", "https://example.com"]);
        assert!(h.allows("postgres", "localhost", Some(5432)));
        assert!(h.allows("postgres", "localhost", None));
        assert!(!h.allows("postgres", "localhost", Some(5433)));
        assert!(!h.allows("postgres", "127.0.0.1", Some(5432)));
        assert!(h.allows_url("https://example.com/path", "https"));
        assert!(!h.allows_url("http://example.com/path", "http"));
        assert!(h.allows_url("localhost:5432", "postgres"));
        assert!(!h.allows_url("localhost:5433", "postgres"));
    }

    #[test]
    fn wildcards_ranges_and_cidr() {
        let h = hosts(&["*://*.example.com:*", "postgres://127.0.0.0/8:5000..6000"]);
        assert!(h.allows("https", "api.example.com", Some(8443)));
        assert!(!h.allows("https", "example.com", Some(443)));
        assert!(h.allows("postgres", "127.0.0.1", Some(5432)));
        assert!(!h.allows("postgres", "127.0.0.1", Some(6000)));
        assert!(!h.allows("postgres", "10.0.0.1", Some(5432)));
        assert!(hosts(&["*://*:*"]).allows("anything", "x", Some(1)));
    }

    #[test]
    fn bad_entries_are_refused() {
        for bad in [
            "example.com",
            "ftp://example.com",
            "http://ex*ample.com",
            "http://a.com/path",
        ] {
            assert!(
                AllowedHosts::parse(&[bad.to_owned()], &Variables::default()).is_err(),
                "{bad} should be refused"
            );
        }
        assert!(
            AllowedHosts::parse(&["insecure:allow-all".to_owned()], &Variables::default()).is_err()
        );
    }

    #[test]
    fn templates_resolve_against_application_variables() {
        let m = Manifest::parse(
            "spin_manifest_version = 2\n[application]\nname='a'\n[variables]\ndb_host={default='127.0.0.1'}\ndb_port={required=true}\n[trigger]",
            Path::new("spin.toml"),
        )
        .expect("manifest");
        let p = EnvProvider::new(
            |k| {
                (k == "SPIN_VARIABLE_DB_PORT")
                    .then(|| "6543".to_owned())
                    .ok_or(std::env::VarError::NotPresent)
            },
            Ok(Default::default()),
        );
        let vars = Variables::resolve(&m, &[&p]).expect("variables");
        let h = AllowedHosts::parse(
            &["postgres://{{ db_host }}:{{ db_port }}".to_owned()],
            &vars,
        )
        .expect("parse");
        assert!(h.allows("postgres", "127.0.0.1", Some(6543)));
        assert!(!h.allows("postgres", "127.0.0.1", Some(5432)));
        assert!(AllowedHosts::parse(&["postgres://{{ nope }}".to_owned()], &vars).is_err());
    }
}
