//! The URL building Better Auth's redirects do, with WHATWG URL semantics (the `url`
//! crate implements the same standard as JavaScript's `URL`):
//! - [`with_params`]: `new URL(input, base)` then `searchParams.set(k, v)` for each
//!   pair, which re-serialises the whole query as `application/x-www-form-urlencoded`;
//! - [`append_query_params`]: `@better-auth/core`'s `appendQueryParams`, which keeps
//!   the existing query text and appends before the fragment;
//! - [`form_encode`]: `new URLSearchParams(pairs).toString()`.
//!
//! Each returns `None` where JavaScript throws a `TypeError` (an unparsable URL):
//! Better Auth then answers an empty 500.

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
    Some(if relative {
        url[Position::BeforePath..].to_owned()
    } else {
        url.into()
    })
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
    fn form_encoding_matches_url_search_params() {
        assert_eq!(
            form_encode(&[("error", "it's"), ("error_description", "a b+c&é ~*")]),
            "error=it%27s&error_description=a+b%2Bc%26%C3%A9+%7E*"
        );
    }
}
