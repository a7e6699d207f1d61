//! Origin and callback-URL checks (`spinstack-auth-rules::origin`, `csrf`).
//!
//! Input: a URL (or path) as callers send in `callbackURL`, `Origin` or `Referer`.
//! Properties, for the trusted list `http://localhost:3000` (the base URL),
//! `http://localhost:3001` and the glob `https://*.example.com`:
//! - a value judged safe as a callback (`is_trusted(url, true)`,
//!   `check_callback_url`) never starts with `//` or `/\`, and resolved with the
//!   `url` crate against `http://localhost:3000` it has one of the trusted origins
//!   (an `https` origin whose host ends in `.example.com` for the glob), and a
//!   relative one resolves to a path that is not protocol-relative (`//evil.com`);
//! - `is_safe_relative_url` implies the same for relative paths;
//! - an Origin header value judged trusted (`is_trusted(url, false)`) is never a
//!   relative path;
//! - `matches_origin_pattern` and `glob_match` with the input split as
//!   `url \n pattern` do not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spinstack_auth_rules::TrustedOrigins;
use spinstack_auth_rules::csrf::check_callback_url;
use spinstack_auth_rules::glob::glob_match;
use spinstack_auth_rules::origin::{
    is_protocol_relative_path, is_safe_relative_url, matches_origin_pattern,
};
use url::Url;

const BASE: &str = "http://localhost:3000";

fn assert_resolves_to_trusted(value: &str) {
    assert!(
        !value.starts_with("//"),
        "protocol-relative accepted: {value:?}"
    );
    assert!(
        !value.starts_with("/\\"),
        "protocol-relative accepted: {value:?}"
    );
    let base = Url::parse(BASE).expect("base");
    let Ok(joined) = base.join(value) else {
        // Text that is no URL is never trusted, even by a wildcard pattern (fuzz/README.md,
        // finding 1, fixed).
        panic!("accepted {value:?} does not resolve");
    };
    let origin = joined.origin().ascii_serialization();
    let glob_ok = joined.scheme() == "https"
        && joined
            .host_str()
            .is_some_and(|h| h.ends_with(".example.com"))
        && joined.port().is_none();
    assert!(
        origin == BASE || origin == "http://localhost:3001" || glob_ok,
        "accepted {value:?} resolves to the origin {origin}"
    );
    // A relative value is sent as its resolved path, which must not be
    // protocol-relative; an absolute one is sent whole (crates/auth's
    // `append_query_params`), so `http://localhost:3000//x` stays on its origin.
    if value.starts_with('/') {
        let path = &joined[url::Position::BeforePath..];
        assert!(
            !path.starts_with("//") && !path.starts_with("/\\"),
            "accepted {value:?} resolves to a protocol-relative path {path:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let trusted = TrustedOrigins::new(BASE, ["http://localhost:3001", "https://*.example.com"]);

    if trusted.is_trusted(text, true) {
        assert_resolves_to_trusted(text);
    }
    if !text.is_empty() && check_callback_url(Some(text), &trusted).is_ok() {
        assert_resolves_to_trusted(text);
    }
    if is_safe_relative_url(text) {
        assert!(text.starts_with('/'));
        assert!(!is_protocol_relative_path(text));
        assert_resolves_to_trusted(text);
    }
    if trusted.is_trusted(text, false) {
        assert!(
            !text.starts_with('/'),
            "a path accepted as an Origin: {text:?}"
        );
        assert_resolves_to_trusted(text);
    }

    if let Some((url, pattern)) = text.split_once('\n') {
        let _ = matches_origin_pattern(url, pattern, true);
        let _ = matches_origin_pattern(url, pattern, false);
        // Bound the glob input: a slow (backtracking) matcher shows up as a timeout.
        if pattern.len() <= 256 && url.len() <= 256 {
            let _ = glob_match(pattern, url);
        }
    }
});
