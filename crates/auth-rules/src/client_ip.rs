//! Owns the client IP (spec §6.3, as better-auth 1.7.5's `getIP` computes it without
//! trusted proxies): taken from `x-forwarded-for` only when it holds a single valid
//! address; IPv4 as is, IPv4-mapped IPv6 as IPv4, other IPv6 expanded and masked to
//! its /64. Without one the answer is `None`, and the caller picks the fallback
//! (`127.0.0.1` in development and test; otherwise the rate limiter's shared bucket,
//! and `""` in `session.ip_address`).

use spinstack_http::Request;

use crate::body::joined_header;

/// The client IP of `request`, normalised as Better Auth stores and rate-limits it.
pub fn client_ip(request: &Request) -> Option<String> {
    ip_from_forwarded_for(&joined_header(request, "x-forwarded-for")?)
}

/// The client IP from an `x-forwarded-for` value: exactly one non-empty entry after
/// splitting on `,` and trimming, and a valid IPv4 or IPv6 address.
pub fn ip_from_forwarded_for(value: &str) -> Option<String> {
    let mut entries = value
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty());
    let (Some(ip), None) = (entries.next(), entries.next()) else {
        return None;
    };
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

    /// `(x-forwarded-for, client IP)`, each recorded from better-auth 1.7.5's
    /// `getIPFromHeader` without trusted proxies.
    const CASES: &[(&str, Option<&str>)] = &[
        ("1.2.3.4", Some("1.2.3.4")),
        (" 1.2.3.4 ", Some("1.2.3.4")),
        ("1.2.3.4,", Some("1.2.3.4")),
        ("1.2.3.4 ,", Some("1.2.3.4")),
        ("0.0.0.0", Some("0.0.0.0")),
        ("1.2.3.4, 5.6.7.8", None),
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
        ("::ffff:c000:201, ", Some("192.0.2.1")),
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
    fn matches_better_auth() {
        for &(header, ip) in CASES {
            assert_eq!(ip_from_forwarded_for(header).as_deref(), ip, "{header:?}");
        }
    }

    #[test]
    fn from_the_request() {
        let request = Request::new("GET", "/").with_header("X-Forwarded-For", "203.0.113.9");
        assert_eq!(client_ip(&request).as_deref(), Some("203.0.113.9"));
        assert_eq!(client_ip(&Request::new("GET", "/")), None);
        // Two header lines are one chain, hence untrusted.
        let chained = request.with_header("x-forwarded-for", "198.51.100.1");
        assert_eq!(client_ip(&chained), None);
    }
}
