//! The URL building Better Auth's redirects do, with WHATWG URL semantics (the `url`
//! crate implements the same standard as JavaScript's `URL`):
//! - [`with_params`]: `new URL(input, base)` then `searchParams.set(k, v)` for each
//!   pair, which re-serialises the whole query as `application/x-www-form-urlencoded`;
//! - [`append_query_params`]: `@better-auth/core`'s `appendQueryParams`, which keeps
//!   the existing query text and appends before the fragment;
//! - [`form_encode`]: `new URLSearchParams(pairs).toString()`;
//! - [`is_safe_location`]: whether a `Location` we are about to send keeps the browser
//!   where it was meant to go (no protocol-relative form in any spelling).
//!
//! Each builder returns `None` where JavaScript throws a `TypeError` (an unparsable
//! URL): Better Auth then answers an empty 500. [`append_query_params`] also returns
//! `None` where 1.7.5 would build a protocol-relative URL (`/..//evil.com` resolves
//! to `//evil.com`), a deliberate difference.

use spinstack_auth_rules::origin::is_protocol_relative_path;
use url::{Position, Url, form_urlencoded};

/// `new URLSearchParams(pairs).toString()`.
pub fn form_encode(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// `new URL(input, base)` with each pair `searchParams.set`, as its `href`.
pub fn with_params(base: &str, input: &str, pairs: &[(&str, &str)]) -> Option<String> {
    let mut url = Url::parse(base).ok()?.join(input).ok()?;
    let mut query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    for (name, value) in pairs {
        match query.iter().position(|(key, _)| key == name) {
            Some(first) => {
                // The first pair takes the value; later ones with the name go.
                query[first].1 = (*value).to_owned();
                let mut seen = false;
                query.retain(|(key, _)| key != name || !std::mem::replace(&mut seen, true));
            }
            None => query.push(((*name).to_owned(), (*value).to_owned())),
        }
    }
    url.set_query(None);
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    Some(url.into())
}

/// The origin relative inputs are resolved against, as in `@better-auth/core`.
const REFERENCE_ORIGIN: &str = "https://better-auth.invalid";

/// `appendQueryParams(input, new URLSearchParams(pairs))`: an absolute or root-relative
/// URL with `pairs` appended to its query (after a `&` unless the query ends in one),
/// before the fragment. Relative inputs stay relative.
pub fn append_query_params(input: &str, pairs: &[(&str, &str)]) -> Option<String> {
    let relative = input.starts_with('/');
    if input.starts_with("//") || input.starts_with("/\\") {
        return None;
    }
    let reference = Url::parse(REFERENCE_ORIGIN).ok()?;
    let mut url = if relative {
        reference.join(input).ok()?
    } else {
        Url::parse(input).ok()?
    };
    if relative && url.origin() != reference.origin() {
        return None;
    }
    let query = form_encode(pairs);
    if query.is_empty() {
        return Some(input.to_owned());
    }
    let search = url.query().unwrap_or_default().to_owned();
    let combined = if search.is_empty() {
        query
    } else if search.ends_with('&') {
        format!("{search}{query}")
    } else {
        format!("{search}&{query}")
    };
    url.set_query(Some(&combined));
    let built = if relative {
        url[Position::BeforePath..].to_owned()
    } else {
        url.into()
    };
    is_safe_location(&built).then_some(built)
}

/// Whether `location` may go in a `Location` header: no control character (browsers
/// strip tabs and newlines, so `/\t/evil.com` is `//evil.com`; CR and LF would split
/// the header), and either a URL with a scheme (its trust is the origin check's
/// business) or a path starting with `/` that is not protocol-relative, as written or
/// with its dot segments resolved ([`is_protocol_relative_path`]: not `//`, `/\`,
/// `/%2f`…, nor `/..//evil.com`).
pub fn is_safe_location(location: &str) -> bool {
    if location.chars().any(char::is_control) {
        return false;
    }
    if !location.starts_with(['/', '\\']) {
        return Url::parse(location).is_ok();
    }
    if is_protocol_relative_path(location) {
        return false;
    }
    let Ok(reference) = Url::parse(REFERENCE_ORIGIN) else {
        return false;
    };
    reference.join(location).is_ok_and(|resolved| {
        resolved.origin() == reference.origin()
            && !is_protocol_relative_path(&resolved[Position::BeforePath..])
    })
}

/// Hostile callback URLs and an oracle for the `Location` a browser would follow,
/// shared by the tests of every redirecting endpoint.
#[cfg(test)]
pub(crate) mod hostile {
    use spinstack_http::Response;
    use url::{Position, Url};

    /// Callback URLs that try to send the browser off the trusted origins: protocol-
    /// relative forms, dot segments that resolve to `//`, encoded and backslash
    /// variants, characters browsers strip, header injection.
    pub const CALLBACK_URLS: &[&str] = &[
        "//evil.com",
        "///evil.com",
        "/\\evil.com",
        "\\\\evil.com",
        "\\/evil.com",
        "/\t/evil.com",
        "/\n/evil.com",
        "/\r/evil.com",
        "\t//evil.com",
        " //evil.com",
        "/..//evil.com",
        "/../\\evil.com",
        "/.//evil.com",
        "/./..//evil.com",
        "/..///evil.com",
        "/a/..//evil.com",
        "/a/../..//evil.com",
        "/%2e%2e//evil.com",
        "/%2E%2E//evil.com",
        "/%2e//evil.com",
        "/.%2e//evil.com",
        "/%2e%2e/%2fevil.com",
        "/..%2f/evil.com",
        "/%2f/evil.com",
        "/%5c/evil.com",
        "/%252f/evil.com",
        "/..//evil.com?x=1#f",
        "/..//evil.com/%2e%2e",
        "//localhost:3000@evil.com",
        "https://evil.com",
        "http:/\\evil.com",
        "http:\\\\evil.com",
        "https:evil.com",
        "http://localhost:3001@evil.com/",
        "http://localhost:3001/x\r\nSet-Cookie: a=b",
        "javascript:alert(1)",
    ];

    /// The origins the tests trust.
    const HOME: [&str; 2] = ["http://localhost:3000", "http://localhost:3001"];

    /// Whether a browser on `page` that follows `location` stays on a trusted origin,
    /// and the header is not protocol-relative in any spelling a browser or a
    /// front-end router might act on (`//`, a backslash, a stripped tab or newline, an
    /// encoded slash right after the first one).
    pub fn stays_home(page: &str, location: &str) -> bool {
        if location.chars().any(char::is_control) {
            return false;
        }
        let Ok(target) = Url::parse(page).and_then(|page| page.join(location)) else {
            return false;
        };
        let origin = target.origin().ascii_serialization();
        let path = target[Position::BeforePath..].to_ascii_lowercase();
        let raw = location.trim_start().to_ascii_lowercase();
        let protocol_relative = |text: &str| {
            ["//", "/\\", "\\", "/%2f", "/%5c", "/%252f", "/%255c"]
                .iter()
                .any(|start| text.starts_with(start))
        };
        HOME.contains(&origin.as_str())
            && !protocol_relative(&raw)
            && (!location.starts_with('/') || !protocol_relative(&path))
    }

    /// Asserts that `response` sends no `Location` a browser on `page` would follow
    /// off the trusted origins.
    pub fn assert_stays_home(page: &str, response: &Response, what: &str) {
        if let Some(location) = response.header("location") {
            assert!(
                stays_home(page, location),
                "{what}: {} with Location {location:?}",
                response.status
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "http://localhost:3000/api/auth";

    // Expected values recorded from better-auth 1.7.5 (GET /reset-password/:token and
    // GET /verify-email redirects).
    #[test]
    fn with_params_resolves_and_sets() {
        assert_eq!(
            with_params(BASE, "/reset", &[("token", "goodtoken")]).as_deref(),
            Some("http://localhost:3000/reset?token=goodtoken")
        );
        assert_eq!(
            with_params(
                BASE,
                "http://localhost:3001/reset?x=1&token=old#frag",
                &[("token", "goodtoken")]
            )
            .as_deref(),
            Some("http://localhost:3001/reset?x=1&token=goodtoken#frag")
        );
        assert_eq!(
            with_params(BASE, "/a b?q=%C3%A9", &[("token", "t")]).as_deref(),
            Some("http://localhost:3000/a%20b?q=%C3%A9&token=t")
        );
        assert_eq!(
            with_params(BASE, "/x?a=1&error=1&b=2&error=3", &[("error", "E")]).as_deref(),
            Some("http://localhost:3000/x?a=1&error=E&b=2")
        );
        assert_eq!(
            with_params(&format!("{BASE}/error"), "", &[("error", "INVALID_TOKEN")]).as_deref(),
            Some("http://localhost:3000/api/auth/error?error=INVALID_TOKEN")
        );
    }

    #[test]
    fn append_keeps_the_query_text() {
        let error = [("error", "INVALID_TOKEN")];
        assert_eq!(
            append_query_params("/done", &error).as_deref(),
            Some("/done?error=INVALID_TOKEN")
        );
        assert_eq!(
            append_query_params("/done?a=1", &error).as_deref(),
            Some("/done?a=1&error=INVALID_TOKEN")
        );
        assert_eq!(
            append_query_params("/done?a=1&", &error).as_deref(),
            Some("/done?a=1&error=INVALID_TOKEN")
        );
        assert_eq!(
            append_query_params("http://localhost:3001/done?a=1#f", &error).as_deref(),
            Some("http://localhost:3001/done?a=1&error=INVALID_TOKEN#f")
        );
        assert_eq!(
            append_query_params("http://localhost:3000/api/auth/error", &[("error", "a b")])
                .as_deref(),
            Some("http://localhost:3000/api/auth/error?error=a+b")
        );
        assert_eq!(append_query_params("//evil.com", &error), None);
        assert_eq!(append_query_params("/\\evil.com", &error), None);
        assert_eq!(append_query_params("nope", &error), None);
    }

    #[test]
    fn nothing_protocol_relative_is_built() {
        let error = [("error", "INVALID_TOKEN")];
        for input in hostile::CALLBACK_URLS {
            let Some(built) = append_query_params(input, &error) else {
                continue;
            };
            assert!(is_safe_location(&built), "{input:?} built {built:?}");
            if built.starts_with('/') {
                let home = hostile::stays_home("http://localhost:3000/", &built);
                assert!(home, "{input:?} built {built:?}");
            }
        }
        assert_eq!(append_query_params("/..//evil.com", &error), None);
        assert_eq!(append_query_params("/%2e%2e//evil.com", &error), None);
        assert_eq!(
            append_query_params("/a/../b", &error).as_deref(),
            Some("/b?error=INVALID_TOKEN")
        );
    }

    #[test]
    fn safe_locations() {
        // Every path it lets through keeps the browser home.
        for location in hostile::CALLBACK_URLS {
            if location.starts_with(['/', '\\']) && is_safe_location(location) {
                let home = hostile::stays_home("http://localhost:3000/api/auth/x", location);
                assert!(home, "{location:?}");
            }
        }
        for location in [
            "//evil.com",
            "/\\evil.com",
            "\\evil.com",
            "/..//evil.com",
            "/.//evil.com",
            "/%2e%2e//evil.com",
            "/%2F/evil.com",
            "/%255c/evil.com",
            "/\t/evil.com",
        ] {
            assert!(!is_safe_location(location), "{location:?}");
        }
        for location in [
            "/",
            "/done?error=X#f",
            "/?error=UNKNOWN",
            "/a//b",
            "/%25/x",
            "/./x",
            "http://localhost:3000/api/auth/error?error=state_mismatch",
            "http://localhost:3001//x",
            "myapp://cb",
        ] {
            assert!(is_safe_location(location), "{location:?}");
        }
        for location in [
            "",
            "done",
            " /x",
            "/x\ty",
            "http://localhost:3001/x\r\nSet-Cookie: a=b",
        ] {
            assert!(!is_safe_location(location), "{location:?}");
        }
    }

    #[test]
    fn form_encoding_matches_url_search_params() {
        assert_eq!(
            form_encode(&[("error", "it's"), ("error_description", "a b+c&é ~*")]),
            "error=it%27s&error_description=a+b%2Bc%26%C3%A9+%7E*"
        );
    }
}
