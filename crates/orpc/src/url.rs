//! Just enough of the WHATWG URL parser for meta code 4 (`new URL(text)`): a text is a
//! URL when it is absolute — a scheme, `:`, and for the special schemes (`http`,
//! `https`, `ws`, `wss`, `ftp`) an authority with a host. The `href` lower-cases the
//! scheme and host and gives special URLs an empty path of `/`.
//!
//! A full parser (IDNA, IPv6 checks, percent-encoding) would add a large table to
//! every component for a type no procedure takes; texts it would reject for subtler
//! reasons are accepted here as they are.

const SPECIAL: &[&str] = &["http", "https", "ws", "wss", "ftp"];

/// The `href` of `text` parsed as an absolute URL, or `None` when `new URL(text)`
/// would throw.
pub fn href(text: &str) -> Option<String> {
    // The parser strips leading and trailing C0 controls and spaces, and tabs and
    // newlines anywhere.
    let trimmed = text.trim_matches(|c: char| c <= ' ');
    let cleaned: String = trimmed
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, rest) = cleaned.split_once(':')?;
    let mut chars = scheme.chars();
    let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return None;
    }
    let scheme = scheme.to_ascii_lowercase();
    if !SPECIAL.contains(&scheme.as_str()) {
        return Some(format!("{scheme}:{rest}"));
    }
    // Special schemes: slashes (either kind) then an authority with a host.
    let rest = rest.trim_start_matches(['/', '\\']);
    let end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = split_port(host_port);
    let host_ok = if host.starts_with('[') {
        host.len() > 2 && host.ends_with(']')
    } else {
        !host.is_empty()
            && !host
                .chars()
                .any(|c| c.is_ascii_control() || " #%/:<>?@[\\]^|".contains(c))
    };
    let port_ok = port.is_none_or(|p| {
        p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().map_or(p.is_empty(), |n| n <= 65_535)
    });
    if !host_ok || !port_ok {
        return None;
    }
    let userinfo = authority
        .rsplit_once('@')
        .map(|(user, _)| format!("{user}@"))
        .unwrap_or_default();
    let port = port
        .filter(|p| !p.is_empty())
        .map(|p| format!(":{}", p.trim_start_matches('0').max("0")))
        .unwrap_or_default();
    let tail = tail.replace('\\', "/");
    let tail = if tail.starts_with('/') {
        tail
    } else {
        format!("/{tail}")
    };
    Some(format!(
        "{scheme}://{userinfo}{}{port}{tail}",
        host.to_ascii_lowercase()
    ))
}

/// `host:port` → host and port (an IPv6 literal keeps its colons).
fn split_port(host_port: &str) -> (&str, Option<&str>) {
    match host_port.rsplit_once(':') {
        Some((host, port)) if !host.starts_with('[') || host.ends_with(']') => (host, Some(port)),
        _ => (host_port, None),
    }
}

#[cfg(test)]
mod tests {
    use super::href;

    #[test]
    fn absolute_urls() {
        assert_eq!(href("https://x.y/z").as_deref(), Some("https://x.y/z"));
        assert_eq!(href("HTTP://X.Y").as_deref(), Some("http://x.y/"));
        assert_eq!(href("https://x.y?q#f").as_deref(), Some("https://x.y/?q#f"));
        assert_eq!(
            href(" https://a:8080/p ").as_deref(),
            Some("https://a:8080/p")
        );
        assert_eq!(href("mailto:a@b.c").as_deref(), Some("mailto:a@b.c"));
        assert_eq!(href("urn:isbn:1").as_deref(), Some("urn:isbn:1"));
    }

    #[test]
    fn not_urls() {
        for bad in [
            "not a url",
            "",
            "/relative",
            "1http://x",
            "https://",
            "http://a b/",
            "https://x:99999/",
        ] {
            assert_eq!(href(bad), None, "{bad}");
        }
    }
}
