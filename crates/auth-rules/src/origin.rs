//! Owns the trusted-origin list and Better Auth's `matchesOriginPattern` (spec §5.1,
//! as better-auth 1.7.5 implements it): which URLs, origins and relative paths count
//! as trusted. Two deliberate differences: a relative path that resolves to a
//! protocol-relative one (`/..//evil.com`, `/.//evil.com`, `/%2e%2e//evil.com`) is not
//! safe here, while 1.7.5 accepts it and then redirects to `//evil.com`
//! (see [`is_safe_relative_url`] and [`is_protocol_relative_path`]); and text that does
//! not parse as a URL never matches a wildcard pattern, where 1.7.5 glob-matches it as
//! it is (see [`matches_origin_pattern`]).

use url::{Position, Url};

use crate::glob::glob_match;

/// The origins requests and callback URLs may come from: the origin of
/// `better_auth_url` followed by each configured entry (the template's
/// `trustedOrigins: [CORS_ORIGIN]`), empty entries dropped, entries used as given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedOrigins {
    patterns: Vec<String>,
}

impl TrustedOrigins {
    /// The list for `better_auth_url` (its origin; nothing if it does not parse) and
    /// the extra entries (`cors_origin`'s origins, in order).
    pub fn new<I, S>(better_auth_url: &str, extra: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let base = Url::parse(better_auth_url)
            .ok()
            .map(|url| url.origin().ascii_serialization())
            .filter(|origin| origin != "null");
        let patterns = base
            .into_iter()
            .chain(extra.into_iter().map(Into::into))
            .filter(|pattern| !pattern.is_empty())
            .collect();
        Self { patterns }
    }

    /// The patterns, in order.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Whether `url` matches one of the patterns. `allow_relative_paths` is true for
    /// callback URLs and false for the Origin/Referer header.
    pub fn is_trusted(&self, url: &str, allow_relative_paths: bool) -> bool {
        self.patterns
            .iter()
            .any(|pattern| matches_origin_pattern(url, pattern, allow_relative_paths))
    }
}

/// Better Auth's `matchesOriginPattern(url, pattern, { allowRelativePaths })`:
/// - a `url` starting with `/` is trusted only where relative paths are allowed and
///   it is a safe relative URL ([`is_safe_relative_url`]);
/// - any other `url` that does not parse as a URL is never trusted, whatever the
///   pattern (a deliberate difference: 1.7.5 glob-matches such text as it is, so
///   `https://evil.com%00.example.com` passes `https://*.example.com` there);
/// - a pattern containing `*` or `?` is a glob, matched against the URL's origin
///   (the URL itself when its origin is opaque, as for `myapp://…`) if the pattern
///   contains `://`, else against its host;
/// - an http(s) URL matches when its origin equals the pattern (a Referer with a
///   path matches by its origin; a pattern with a trailing slash never matches);
/// - other schemes (`myapp://`, `exp://`) compare scheme, authority (if the pattern
///   has one) and path prefix by segments.
pub fn matches_origin_pattern(url: &str, pattern: &str, allow_relative_paths: bool) -> bool {
    if url.starts_with('/') {
        return allow_relative_paths && is_safe_relative_url(url);
    }
    // Text that is no URL (nor a relative path, above) is never trusted.
    let Ok(parsed) = Url::parse(url) else {
        return false;
    };
    if pattern.contains('*') || pattern.contains('?') {
        if pattern.contains("://") {
            let origin = origin_of(&parsed);
            return glob_match(pattern, origin.as_deref().unwrap_or(url));
        }
        let host = host_of(&parsed);
        return !host.is_empty() && glob_match(pattern, &host);
    }
    if matches!(parsed.scheme(), "http" | "https") {
        origin_of(&parsed).as_deref() == Some(pattern)
    } else {
        matches_custom_scheme(url, pattern)
    }
}

/// `new URL(url).origin`, or `None` for an opaque origin (`"null"`).
fn origin_of(url: &Url) -> Option<String> {
    let origin = url.origin().ascii_serialization();
    (origin != "null").then_some(origin)
}

/// `new URL(url).host`: the host and any non-default port.
fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        (None, _) => String::new(),
    }
}

fn has_control_character(value: &str) -> bool {
    value
        .chars()
        .any(|c| matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'))
}

/// better-auth 1.7.5's `isSafeRelativeURL`: starts with one `/` (not `//`), has no
/// backslash, no control character, no encoded `/` or `\` (`%2f`, `%5c`) before any
/// `?` or `#`, and resolves against an arbitrary origin to that same origin.
///
/// Stricter than 1.7.5 (a deliberate difference): neither the value nor its path once
/// resolved may be protocol-relative ([`is_protocol_relative_path`]). 1.7.5 accepts
/// `/..//evil.com` (it resolves to `https://<same origin>//evil.com`) and its
/// `appendQueryParams` then answers `Location: //evil.com?error=…`, an open redirect.
pub fn is_safe_relative_url(value: &str) -> bool {
    if !value.starts_with('/')
        || value.starts_with("//")
        || value.contains('\\')
        || has_control_character(value)
        || is_protocol_relative_path(value)
    {
        return false;
    }
    let path = value.split(['?', '#']).next().unwrap_or_default();
    let lower = path.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") {
        return false;
    }
    const BASE: &str = "https://better-auth.invalid";
    Url::parse(BASE)
        .and_then(|base| base.join(value))
        .is_ok_and(|joined| {
            joined.origin().ascii_serialization() == BASE
                && !is_protocol_relative_path(&joined[Position::BeforePath..])
        })
}

/// Whether `path` (what follows an origin, starting with `/` or `\`) is one a browser
/// or a front-end router could take for a protocol-relative URL: a backslash first
/// (browsers read it as `/` in http(s) URLs), or a `/` followed by `/`, `\`, or an
/// encoded slash or backslash, encoded any number of times (`%2f`, `%5c`, `%252f`…).
/// Tabs and newlines, which browsers strip, are the caller's to refuse.
pub fn is_protocol_relative_path(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else {
        return path.starts_with('\\');
    };
    if rest.starts_with(['/', '\\']) {
        return true;
    }
    // `%` then any number of `25` (an encoded `%`), then `2f` or `5c`.
    rest.strip_prefix('%').is_some_and(|escape| {
        let decoded = escape.trim_start_matches("25");
        decoded
            .get(..2)
            .is_some_and(|hex| hex.eq_ignore_ascii_case("2f") || hex.eq_ignore_ascii_case("5c"))
    })
}

/// A custom-scheme URL split by plain string operations: lower-cased scheme and
/// authority, percent-decoded path with `.`/`..` resolved.
struct CustomScheme {
    scheme: String,
    authority: String,
    path: String,
}

fn parse_custom_scheme(value: &str) -> Option<CustomScheme> {
    if has_control_character(value) {
        return None;
    }
    let scheme_end = value.find(':').filter(|&end| end > 0)?;
    let mut rest = &value[scheme_end + 1..];
    let mut authority = "";
    if let Some(after) = rest.strip_prefix("//") {
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        authority = &after[..end];
        rest = &after[end..];
    }
    let path = rest.split(['?', '#']).next().unwrap_or_default();
    Some(CustomScheme {
        scheme: value[..scheme_end].to_lowercase(),
        authority: authority.to_lowercase(),
        path: normalize_path(path),
    })
}

fn matches_custom_scheme(url: &str, pattern: &str) -> bool {
    let (Some(url), Some(pattern)) = (parse_custom_scheme(url), parse_custom_scheme(pattern))
    else {
        return false;
    };
    if url.scheme != pattern.scheme
        || (!pattern.authority.is_empty() && url.authority != pattern.authority)
    {
        return false;
    }
    pattern.path.is_empty()
        || url.path == pattern.path
        || url.path.starts_with(&format!("{}/", pattern.path))
}

/// Percent-decodes (keeping the raw path if that fails, as `decodeURIComponent`
/// throwing) and resolves `.` and `..`; `""` for an empty or root path.
fn normalize_path(path: &str) -> String {
    let decoded = decode_uri_component(path).unwrap_or_else(|| path.to_owned());
    let mut segments: Vec<&str> = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            ".." => {
                segments.pop();
            }
            "." | "" => {}
            segment => segments.push(segment),
        }
    }
    if segments.is_empty() {
        String::new()
    } else {
        format!("/{}", segments.join("/"))
    }
}

/// JavaScript's `decodeURIComponent`: `None` on a malformed escape or invalid UTF-8.
fn decode_uri_component(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let digit = |b: u8| (b as char).to_digit(16);
            out.push(u8::try_from(digit(hex[0])? * 16 + digit(hex[1])?).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(url, pattern, allow_relative_paths, trusted)`, each answer recorded from
    /// better-auth 1.7.5's `matchesOriginPattern`.
    const CASES: &[(&str, &str, bool, bool)] = &[
        (
            "http://localhost:3001",
            "http://localhost:3001",
            false,
            true,
        ),
        (
            "http://localhost:3001/",
            "http://localhost:3001",
            false,
            true,
        ),
        (
            "http://localhost:3001/a/b?c#d",
            "http://localhost:3001",
            false,
            true,
        ),
        (
            "http://localhost:3001",
            "http://localhost:3001/",
            false,
            false,
        ),
        (
            "http://LOCALHOST:3001",
            "http://localhost:3001",
            false,
            true,
        ),
        ("http://localhost:80", "http://localhost", false, true),
        (
            "https://localhost:3001",
            "http://localhost:3001",
            false,
            false,
        ),
        (
            "http://user:pw@localhost:3001/x",
            "http://localhost:3001",
            false,
            true,
        ),
        ("http://[::1]:3000/x", "http://[::1]:3000", false, true),
        ("http://bücher.de/", "http://xn--bcher-kva.de", false, true),
        ("not a url", "http://localhost:3001", false, false),
        ("null", "http://localhost:3001", false, false),
        ("/dashboard", "http://localhost:3001", true, true),
        ("/dashboard", "http://localhost:3001", false, false),
        ("//evil.com", "http://localhost:3001", true, false),
        ("/a?b=%2f", "http://localhost:3001", true, true),
        ("/a%2Fb", "http://localhost:3001", true, false),
        ("/a%5Cb", "http://localhost:3001", true, false),
        ("/a#%2f", "http://localhost:3001", true, true),
        ("/a\\b", "http://localhost:3001", true, false),
        ("/\u{7f}", "http://localhost:3001", true, false),
        ("/\u{85}x", "http://localhost:3001", true, false),
        ("/%zz", "http://localhost:3001", true, true),
        ("/", "http://localhost:3001", true, true),
        ("/./x/../y", "http://localhost:3001", true, true),
        ("/..", "http://localhost:3001", true, true),
        (
            "https://app.example.com",
            "https://*.example.com",
            false,
            true,
        ),
        (
            "https://app.example.com/path",
            "https://*.example.com",
            false,
            true,
        ),
        (
            "http://app.example.com",
            "https://*.example.com",
            false,
            false,
        ),
        ("https://example.com", "https://*.example.com", false, false),
        (
            "https://a.b.example.com",
            "https://*.example.com",
            false,
            true,
        ),
        ("https://app.example.com", "*.example.com", false, true),
        ("http://app.example.com:8080", "*.example.com", false, false),
        (
            "http://app.example.com:8080",
            "*.example.com:*",
            false,
            true,
        ),
        ("app.example.com", "*.example.com", false, false),
        ("myapp://x.example.com", "*.example.com", false, true),
        (
            "https://evil.com/?x=.example.com",
            "*.example.com",
            false,
            false,
        ),
        (
            "weird://a.example.com",
            "weird://*.example.com",
            false,
            true,
        ),
        ("not a url .example.com", "*://*", false, false),
        ("exp://192.168.1.5:8081/--/x", "exp://", false, true),
        (
            "exp://192.168.1.5:8081",
            "exp://192.168.1.5:8081",
            false,
            true,
        ),
        (
            "exp://192.168.1.6:8081",
            "exp://192.168.1.5:8081",
            false,
            false,
        ),
        ("myapp://", "myapp://", false, true),
        ("myapp://cb/x", "myapp://cb", false, true),
        ("MYAPP://CB/x", "myapp://cb", false, true),
        ("myapp://cb/../evil", "myapp://host/cb", false, false),
        ("myapp://host/cb/../evil", "myapp://host/cb", false, false),
        ("myapp://host/cb/sub", "myapp://host/cb", false, true),
        ("myapp://host/cbx", "myapp://host/cb", false, false),
        ("myapp://host/cb%2Fsub", "myapp://host/cb", false, true),
        (
            "myapp://host/%E0%A4%A",
            "myapp://host/%E0%A4%A",
            false,
            true,
        ),
        ("myapp:/host/cb", "myapp://host/cb", false, false),
        ("myapp:host", "myapp:", false, true),
        ("otherapp://cb", "myapp://cb", false, false),
        ("myapp://cb", "http://localhost:3001", false, false),
        ("javascript:alert(1)", "javascript:", false, true),
        ("mailto:a@b.c", "mailto:", false, true),
        (
            "https://a.example.com",
            "https://a.example.com?",
            false,
            false,
        ),
        (
            "https://ab.example.com",
            "https://a?.example.com",
            false,
            true,
        ),
    ];

    #[test]
    fn matches_like_better_auth() {
        for &(url, pattern, relative, trusted) in CASES {
            assert_eq!(
                matches_origin_pattern(url, pattern, relative),
                trusted,
                "{url:?} against {pattern:?} (relative paths allowed: {relative})"
            );
        }
    }

    /// Relative paths better-auth 1.7.5 accepts (each resolves to its own origin) but
    /// that resolve to, or spell, a protocol-relative path: refused here.
    #[test]
    fn paths_resolving_to_protocol_relative_ones_are_unsafe() {
        for value in [
            "/..//evil.com",
            "/.//evil.com",
            "/./..//evil.com",
            "/..///evil.com",
            "/a/..//evil.com",
            "/a/../..//evil.com",
            "/%2e%2e//evil.com",
            "/%2E%2E//evil.com",
            "/%2e//evil.com",
            "/.%2e//evil.com",
            "/..//evil.com?x=1#f",
            "/%252f/evil.com",
            "/%25255C/evil.com",
        ] {
            assert!(!is_safe_relative_url(value), "{value}");
            assert!(
                !matches_origin_pattern(value, "http://localhost:3001", true),
                "{value}"
            );
        }
        for value in [
            "/%25/x",
            "/%252e/x",
            "/a//b",
            "/a/..",
            "/?//evil.com",
            "/#//x",
        ] {
            assert!(is_safe_relative_url(value), "{value}");
        }
    }

    /// `is_safe_relative_url` is for values starting with one `/`: anything else,
    /// even what resolves to the same origin, is not a safe relative URL.
    #[test]
    fn only_paths_are_safe_relative_urls() {
        for value in ["dashboard", "evil.com", "?x=1", "#top", "", ".", "./x"] {
            assert!(!is_safe_relative_url(value), "{value:?}");
        }
        assert!(is_safe_relative_url("/dashboard"));
    }

    /// A host glob never matches a URL without a host, not even `*`.
    #[test]
    fn urls_without_a_host_never_match_a_host_glob() {
        for url in ["mailto:a@b.c", "myapp:host", "file:///etc/passwd"] {
            assert!(Url::parse(url).is_ok(), "{url}");
            assert!(!matches_origin_pattern(url, "*", false), "{url}");
        }
        assert!(matches_origin_pattern("myapp://host", "*", false));
    }

    /// Custom-scheme paths are percent-decoded escape by escape, each escape once.
    #[test]
    fn custom_scheme_paths_are_decoded_once() {
        for (url, trusted) in [
            ("myapp://host/c%62", true),
            ("myapp://host/c%62x", false),
            ("myapp://host/c%62/x", true),
            ("myapp://host/%63%62", true),
            ("myapp://host/%2563b", false),
        ] {
            assert_eq!(
                matches_origin_pattern(url, "myapp://host/cb", false),
                trusted,
                "{url}"
            );
        }
    }

    #[test]
    fn protocol_relative_paths() {
        for path in [
            "//x",
            "/\\x",
            "\\x",
            "/%2fx",
            "/%5Cx",
            "/%252Fx",
            "/%2525255cx",
        ] {
            assert!(is_protocol_relative_path(path), "{path}");
        }
        for path in ["/", "/x//", "/%25", "/%252", "/%2", "/%20/x", "x", ""] {
            assert!(!is_protocol_relative_path(path), "{path}");
        }
    }

    /// fuzz/README.md finding 1: with a glob pattern holding `://`, a value that does
    /// not parse as a URL used to be glob-matched as raw text, so these were trusted
    /// as callback URLs. A value that is no URL (nor a safe relative path) is never
    /// trusted, whatever the pattern.
    #[test]
    fn text_that_is_no_url_never_matches_a_wildcard_origin() {
        let trusted = TrustedOrigins::new("http://localhost:3000", ["https://*.example.com"]);
        for value in [
            "https://evil.com%00.example.com",
            "https:/\0\x1cvil.co*.example.com",
            "https://evil.com .example.com",
            "https://[.example.com",
            "https://a:b:c.example.com",
        ] {
            assert!(Url::parse(value).is_err(), "{value:?} parses");
            for relative in [true, false] {
                assert!(!trusted.is_trusted(value, relative), "{value:?}");
                assert!(
                    !matches_origin_pattern(value, "https://*.example.com", relative),
                    "{value:?}"
                );
            }
            assert!(
                crate::csrf::check_callback_url(Some(value), &trusted).is_err(),
                "{value:?}"
            );
        }
        // What does parse still matches by its origin, or by its text for an opaque one.
        assert!(trusted.is_trusted("https://app.example.com/cb", true));
        assert!(!trusted.is_trusted("https://evil.com/.example.com", true));
        assert!(matches_origin_pattern(
            "weird://a.example.com",
            "weird://*.example.com",
            false
        ));
    }

    #[test]
    fn list_is_base_origin_then_entries() {
        let trusted = TrustedOrigins::new(
            "http://localhost:3000/api/auth",
            ["http://localhost:3001", "", "https://app.example.com"],
        );
        assert_eq!(
            trusted.patterns(),
            [
                "http://localhost:3000",
                "http://localhost:3001",
                "https://app.example.com"
            ]
        );
        assert!(trusted.is_trusted("http://localhost:3000/x", false));
        assert!(trusted.is_trusted("https://app.example.com", false));
        assert!(!trusted.is_trusted("http://evil.example.com", false));
        assert!(trusted.is_trusted("/dashboard", true));
        assert!(!trusted.is_trusted("/dashboard", false));
        assert_eq!(TrustedOrigins::new("not a url", ["x"]).patterns(), ["x"]);
    }
}
