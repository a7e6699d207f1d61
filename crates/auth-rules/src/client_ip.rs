//! Owns the client IP: which address a request counts as (the rate limiter's buckets,
//! spec §6, and `session.ip_address`), from the source the configuration names
//! ([`ClientIpSource`]):
//!
//! - [`ClientIpSource::Peer`] (no proxy declared, the default): the connecting peer,
//!   from the `spin-client-addr` header the Spin host adds (`ip:port`, IPv6 in
//!   brackets). A client may send a header of that name too, but Spin appends its own
//!   after everything the client sent, so only the last one counts. Headers such as
//!   `x-forwarded-for` are ignored: anyone can send them, and believing them would give
//!   every request a fresh rate-limit bucket.
//! - [`ClientIpSource::ProxyHeader`]: the header a trusted proxy sets, read as a
//!   comma-separated list (several header lines are one list) whose entry `hops` from
//!   the right is the client — entries further left are whatever the client sent. An
//!   entry is an IP address, optionally with a port (`1.2.3.4:80`, `[2001:db8::1]:80`),
//!   or an RFC 7239 `Forwarded` element (`for=…;proto=…`). A list too short or an
//!   entry that is no address gives no IP (fail closed: the shared bucket).
//!
//! The address is then normalised as better-auth 1.7.5 does it: IPv4 as is,
//! IPv4-mapped IPv6 as IPv4, other IPv6 expanded and masked to its /64. Without one the
//! answer is `None`, and the caller picks the fallback (the rate limiter's shared
//! bucket, `""` in `session.ip_address`).

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroUsize;

use spinstack_config::ClientIpSource;
use spinstack_http::Request;

use crate::body::joined_header;

/// The header in which the Spin host passes the peer address (`ip:port`).
pub const PEER_HEADER: &str = "spin-client-addr";

/// The client IP of `request` from `source`, normalised as Better Auth stores and
/// rate-limits it.
pub fn client_ip(request: &Request, source: &ClientIpSource) -> Option<String> {
    match source {
        ClientIpSource::Peer => peer_ip(request),
        ClientIpSource::ProxyHeader { name, hops } => {
            ip_from_chain(&joined_header(request, name)?, *hops)
        }
    }
}

/// The peer address from the last `spin-client-addr` line (the host's), port removed.
fn peer_ip(request: &Request) -> Option<String> {
    let (_, value) = request
        .headers
        .iter()
        .rev()
        .find(|(name, _)| name.eq_ignore_ascii_case(PEER_HEADER))?;
    let value = value.trim();
    let ip = value
        .parse::<SocketAddr>()
        .map(|addr| addr.ip())
        .or_else(|_| value.parse::<IpAddr>())
        .ok()?;
    normalize(&ip.to_string())
}

/// The client IP from a proxy header's list: the entry `hops` from the right.
pub fn ip_from_chain(value: &str, hops: NonZeroUsize) -> Option<String> {
    let entries: Vec<&str> = value
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .collect();
    let index = entries.len().checked_sub(hops.get())?;
    normalize(&entry_ip(entries[index])?.to_string())
}

/// The address of one list entry: `ip`, `ipv4:port`, `[ipv6]`, `[ipv6]:port`, each
/// optionally quoted, or a `Forwarded` element's `for=` parameter holding one.
fn entry_ip(entry: &str) -> Option<IpAddr> {
    let entry = if entry.contains('=') {
        entry.split(';').find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            key.trim().eq_ignore_ascii_case("for").then_some(value)
        })?
    } else {
        entry
    };
    let entry = entry.trim();
    let entry = entry
        .strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .unwrap_or(entry);
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|addr| addr.ip()))
        .or_else(|| {
            let inner = entry.strip_prefix('[')?.strip_suffix(']')?;
            inner.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
        })
}

/// Better Auth's normalisation (`normalizeIP` with its /64 default) of one address
/// as text; `None` unless it is a valid IPv4 or IPv6 address by zod's rules.
fn normalize(ip: &str) -> Option<String> {
    if is_ipv4(ip) {
        return Some(ip.to_owned());
    }
    if !is_ipv6(ip) {
        return None;
    }
    Some(ipv4_from_mapped(ip).unwrap_or_else(|| mask_ipv6_64(ip)))
}

/// zod's IPv4 pattern: four decimal octets 0–255 without leading zeros.
fn is_ipv4(ip: &str) -> bool {
    let octets: Vec<&str> = ip.split('.').collect();
    octets.len() == 4
        && octets.iter().all(|octet| {
            !octet.is_empty()
                && octet.len() <= 3
                && octet.bytes().all(|b| b.is_ascii_digit())
                && (octet.len() == 1 || !octet.starts_with('0'))
                && octet.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

/// zod's IPv6 check: hex digits, `:` and `.` only, and parsable as a URL host
/// (`http://[ip]`).
fn is_ipv6(ip: &str) -> bool {
    !ip.is_empty()
        && ip
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        && url::Host::parse(&format!("[{ip}]")).is_ok()
}

/// Better Auth's `extractIPv4FromMapped`, quirks included (its last form only
/// recognises lower-case `ffff`).
fn ipv4_from_mapped(ip: &str) -> Option<String> {
    let lower = ip.to_lowercase();
    if let Some(tail) = lower.strip_prefix("::ffff:")
        && is_ipv4(tail)
    {
        return Some(tail.to_owned());
    }
    let parts: Vec<&str> = ip.split(':').collect();
    if parts.len() == 7 && parts[5].eq_ignore_ascii_case("ffff") && is_ipv4(parts[6]) {
        return Some(parts[6].to_owned());
    }
    if lower.contains("::ffff:") || lower.contains(":ffff:") {
        let groups = expand_ipv6(ip);
        if groups.len() == 8
            && groups[..5].iter().all(|group| group == "0000")
            && groups[5] == "ffff"
            && !groups[6].is_empty()
            && !groups[7].is_empty()
        {
            let byte = |group: &str, at: usize| parse_int_hex(group.get(at..at + 2).unwrap_or(""));
            return Some(format!(
                "{}.{}.{}.{}",
                byte(&groups[6], 0),
                byte(&groups[6], 2),
                byte(&groups[7], 0),
                byte(&groups[7], 2)
            ));
        }
    }
    None
}

/// JavaScript's `Number.parseInt(text, 16)` printed back: the leading hex digits, or
/// `NaN` when there are none.
fn parse_int_hex(text: &str) -> String {
    let digits: String = text.chars().take_while(char::is_ascii_hexdigit).collect();
    u32::from_str_radix(&digits, 16).map_or_else(|_| "NaN".to_owned(), |n| n.to_string())
}

/// Better Auth's `expandIPv6`: groups padded to four digits, `::` filled with zeros.
fn expand_ipv6(ip: &str) -> Vec<String> {
    let pad = |group: &str| format!("{group:0>4}");
    let Some((left, right)) = ip.split_once("::") else {
        return ip.split(':').map(pad).collect();
    };
    // JavaScript's `split("::")` would give more parts for a second `::`, which no
    // valid address has; only the first two parts count there too.
    let right = right.split("::").next().unwrap_or_default();
    let left: Vec<String> = if left.is_empty() {
        Vec::new()
    } else {
        left.split(':').map(pad).collect()
    };
    let right: Vec<String> = if right.is_empty() {
        Vec::new()
    } else {
        right.split(':').map(pad).collect()
    };
    let missing = 8usize.saturating_sub(left.len() + right.len());
    left.into_iter()
        .chain(std::iter::repeat_n("0000".to_owned(), missing))
        .chain(right)
        .collect()
}

/// Better Auth's `normalizeIPv6(ip, 64)`: the first four groups kept, the rest zero,
/// lower-cased and joined with `:`.
fn mask_ipv6_64(ip: &str) -> String {
    let groups = expand_ipv6(ip);
    groups
        .iter()
        .enumerate()
        .map(|(index, group)| if index < 4 { group.as_str() } else { "0000" })
        .collect::<Vec<_>>()
        .join(":")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(address, normalised)`, each recorded from better-auth 1.7.5's
    /// `getIPFromHeader` (a single-valued header, as `normalizeIP` sees it).
    const CASES: &[(&str, Option<&str>)] = &[
        ("1.2.3.4", Some("1.2.3.4")),
        ("0.0.0.0", Some("0.0.0.0")),
        ("01.2.3.4", None),
        ("256.1.1.1", None),
        ("1.2.3", None),
        ("1.2.3.4.5", None),
        ("1.2.3.4:80", None),
        ("unknown", None),
        ("", None),
        ("::ffff:192.0.2.1", Some("192.0.2.1")),
        ("::FFFF:1.2.3.4", Some("1.2.3.4")),
        ("0:0:0:0:0:ffff:1.2.3.4", Some("1.2.3.4")),
        ("::ffff:c000:201", Some("192.0.2.1")),
        ("0:0:0:0:0:ffff:c000:201", Some("192.0.2.1")),
        ("::ffff:0:1.2.3.4", Some("0.0.1.2")),
        // Upper-case FFFF is not recognised by the hex form: masked as IPv6.
        (
            "::FFFF:C000:0201",
            Some("0000:0000:0000:0000:0000:0000:0000:0000"),
        ),
        (
            "::ffff:1:2:3",
            Some("0000:0000:0000:0000:0000:0000:0000:0000"),
        ),
        (
            "2001:DB8:1:2:3:4:5:6",
            Some("2001:0db8:0001:0002:0000:0000:0000:0000"),
        ),
        (
            "2001:db8::1",
            Some("2001:0db8:0000:0000:0000:0000:0000:0000"),
        ),
        (
            "2001:db8::ffff:0:1",
            Some("2001:0db8:0000:0000:0000:0000:0000:0000"),
        ),
        (
            "ABCD:EF01::1",
            Some("abcd:ef01:0000:0000:0000:0000:0000:0000"),
        ),
        ("::", Some("0000:0000:0000:0000:0000:0000:0000:0000")),
        ("::1", Some("0000:0000:0000:0000:0000:0000:0000:0000")),
        ("::1.2.3.4", Some("0000:0000:0000:0000:0000:0000:0000:0000")),
        (
            "1:2:3:4:5:6:7::",
            Some("0001:0002:0003:0004:0000:0000:0000:0000"),
        ),
        (
            "::2:3:4:5:6:7:8",
            Some("0000:0002:0003:0004:0000:0000:0000:0000"),
        ),
        // Seven groups, as Better Auth's expansion leaves them.
        (
            "1:2:3:4:5:6:1.2.3.4",
            Some("0001:0002:0003:0004:0000:0000:0000"),
        ),
        (
            "0:0:0:0:0:FFFF:0:0",
            Some("0000:0000:0000:0000:0000:0000:0000:0000"),
        ),
        ("fe80::1%eth0", None),
        ("[::1]", None),
        ("a:b:c:d:ffff:1.2.3.4", None),
        ("1::2::3", None),
        ("12345::", None),
        ("1:2:3:4:5:6:7:8:9", None),
    ];

    #[test]
    fn normalises_as_better_auth() {
        for &(ip, normalised) in CASES {
            assert_eq!(normalize(ip).as_deref(), normalised, "{ip:?}");
        }
    }

    fn hops(n: usize) -> NonZeroUsize {
        NonZeroUsize::new(n).expect("non-zero")
    }

    #[test]
    fn the_client_is_hops_from_the_right() {
        let chain = "203.0.113.7, 198.51.100.2 ,192.0.2.9";
        assert_eq!(ip_from_chain(chain, hops(1)).as_deref(), Some("192.0.2.9"));
        assert_eq!(
            ip_from_chain(chain, hops(2)).as_deref(),
            Some("198.51.100.2")
        );
        assert_eq!(
            ip_from_chain(chain, hops(3)).as_deref(),
            Some("203.0.113.7")
        );
        // Shorter than the declared proxies: the request did not come through them.
        assert_eq!(ip_from_chain(chain, hops(4)), None);
        // Empty entries (a trailing comma the client sent) are no hop.
        assert_eq!(
            ip_from_chain("1.2.3.4,, ,5.6.7.8,", hops(2)).as_deref(),
            Some("1.2.3.4")
        );
        // What the proxy appended must be an address; anything else fails closed.
        for chain in ["1.2.3.4, unknown", "", " , ", "1.2.3.4, 01.2.3.4"] {
            assert_eq!(ip_from_chain(chain, hops(1)), None, "{chain:?}");
        }
    }

    #[test]
    fn entries_may_carry_ports_brackets_quotes_or_forwarded_syntax() {
        for (entry, ip) in [
            (" 1.2.3.4 ", "1.2.3.4"),
            ("1.2.3.4:80", "1.2.3.4"),
            ("[2001:db8::1]", "2001:0db8:0000:0000:0000:0000:0000:0000"),
            (
                "[2001:db8::1]:4711",
                "2001:0db8:0000:0000:0000:0000:0000:0000",
            ),
            ("2001:DB8::1", "2001:0db8:0000:0000:0000:0000:0000:0000"),
            ("::ffff:192.0.2.1", "192.0.2.1"),
            ("[::ffff:192.0.2.1]:80", "192.0.2.1"),
            ("\"1.2.3.4\"", "1.2.3.4"),
            ("for=192.0.2.60;proto=http;by=203.0.113.43", "192.0.2.60"),
            (
                "proto=https; For=\"[2001:db8:cafe::17]:4711\"",
                "2001:0db8:cafe:0000:0000:0000:0000:0000",
            ),
        ] {
            assert_eq!(
                ip_from_chain(entry, hops(1)).as_deref(),
                Some(ip),
                "{entry:?}"
            );
        }
        for entry in [
            "for=unknown",
            "for=_hidden",
            "by=1.2.3.4",
            "fe80::1%eth0",
            "1.2.3.4:http",
            "[1.2.3.4]",
            "1.2.3.4:80:80",
        ] {
            assert_eq!(ip_from_chain(entry, hops(1)), None, "{entry:?}");
        }
    }

    #[test]
    fn the_peer_is_the_hosts_last_spin_client_addr() {
        let peer = |value: &str| {
            client_ip(
                &Request::new("GET", "/").with_header("spin-client-addr", value),
                &ClientIpSource::Peer,
            )
        };
        assert_eq!(peer("127.0.0.1:54321").as_deref(), Some("127.0.0.1"));
        assert_eq!(peer("203.0.113.9:1").as_deref(), Some("203.0.113.9"));
        assert_eq!(
            peer("[2001:db8:1:2:3:4:5:6]:443").as_deref(),
            Some("2001:0db8:0001:0002:0000:0000:0000:0000")
        );
        assert_eq!(
            peer("[::ffff:198.51.100.3]:80").as_deref(),
            Some("198.51.100.3")
        );
        assert_eq!(
            peer("[::1]:3000").as_deref(),
            Some("0000:0000:0000:0000:0000:0000:0000:0000")
        );
        assert_eq!(peer("198.51.100.3").as_deref(), Some("198.51.100.3"));
        assert_eq!(peer("not an address"), None);

        // Forwarding headers mean nothing without a declared proxy.
        let spoofed = Request::new("GET", "/")
            .with_header("x-forwarded-for", "192.0.2.1")
            .with_header("x-real-ip", "192.0.2.2");
        assert_eq!(client_ip(&spoofed, &ClientIpSource::Peer), None);
        // A client-sent spin-client-addr comes before the host's.
        let request = spoofed
            .with_header("spin-client-addr", "192.0.2.3:1")
            .with_header("Spin-Client-Addr", "127.0.0.1:9");
        assert_eq!(
            client_ip(&request, &ClientIpSource::Peer).as_deref(),
            Some("127.0.0.1")
        );
    }

    #[test]
    fn a_declared_proxy_header_is_read_as_one_list() {
        let source = |hops: usize| ClientIpSource::ProxyHeader {
            name: "x-forwarded-for".to_owned(),
            hops: NonZeroUsize::new(hops).expect("non-zero"),
        };
        let request = Request::new("GET", "/")
            .with_header("spin-client-addr", "10.0.0.2:5000")
            .with_header("X-Forwarded-For", "192.0.2.1, 203.0.113.9");
        assert_eq!(
            client_ip(&request, &source(1)).as_deref(),
            Some("203.0.113.9")
        );
        // Two header lines are one list.
        let request = request.with_header("x-forwarded-for", "198.51.100.1");
        assert_eq!(
            client_ip(&request, &source(1)).as_deref(),
            Some("198.51.100.1")
        );
        assert_eq!(
            client_ip(&request, &source(2)).as_deref(),
            Some("203.0.113.9")
        );
        // No header: not the peer (the proxy), but no IP.
        let direct = Request::new("GET", "/").with_header("spin-client-addr", "10.0.0.2:5000");
        assert_eq!(client_ip(&direct, &source(1)), None);
    }
}
