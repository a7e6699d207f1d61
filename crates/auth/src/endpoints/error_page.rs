//! `GET /error?error=&error_description=` (spec §10.25), where OAuth and token errors
//! land. The code is kept only when it matches `^['A-Za-z0-9_-]+$` (else `UNKNOWN`).
//! Outside production: Better Auth 1.7.5's HTML page (`error_page.html`, recorded from
//! it, with the code and the HTML-escaped description filled in), `Content-Type:
//! text/html`. In production (`node_env`): `302 Location: /?error=<code>
//! [&error_description=<raw>]` and no other header.

use spinstack_http::Response;

use crate::context::AuthContext;
use crate::endpoints::Call;
use crate::urls::form_encode;

/// The page, with `{{CODE_HTML}}`, `{{CODE_URI}}` and `{{DESCRIPTION}}` slots.
const PAGE: &str = include_str!("error_page.html");

/// `GET /error`.
pub fn error_page(ctx: &AuthContext<'_>, call: &Call<'_>) -> Response {
    let code = call
        .query_str("error")
        .filter(|code| is_safe_code(code))
        .unwrap_or("UNKNOWN");
    let description = call
        .query_str("error_description")
        .filter(|description| !description.is_empty());
    if ctx.production {
        let mut params = vec![("error", code)];
        params.extend(description.map(|description| ("error_description", description)));
        let location = format!("/?{}", form_encode(&params));
        return Response::empty(302).with_header("location", &location);
    }
    Response::empty(200)
        .with_header("content-type", "text/html")
        .with_body(render(code, description))
}

/// `^['A-Za-z0-9_-]+$`.
fn is_safe_code(code: &str) -> bool {
    !code.is_empty()
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'\'' | b'_' | b'-'))
}

/// The page for a safe `code`. Such a code is its own `encodeURIComponent`; in HTML
/// only its `'` needs escaping.
fn render(code: &str, description: Option<&str>) -> String {
    let description = match description {
        Some(description) => sanitize(description),
        None => format!(
            "We encountered an unexpected error. Please try again or return to the home page. If you're a developer, you can find <a href='https://better-auth.com/docs/reference/errors/{code}' target='_blank' rel=\"noopener noreferrer\" style='color: var(--foreground); text-decoration: underline;'>more information about the error</a>."
        ),
    };
    let code_html = code.replace('\'', "&#39;");
    let mut page = String::with_capacity(PAGE.len() + description.len());
    let mut rest = PAGE;
    while let Some(start) = rest.find("{{") {
        page.push_str(&rest[..start]);
        let slot = &rest[start..];
        let (value, len) = if slot.starts_with("{{CODE_HTML}}") {
            (code_html.as_str(), "{{CODE_HTML}}".len())
        } else if slot.starts_with("{{CODE_URI}}") {
            (code, "{{CODE_URI}}".len())
        } else if slot.starts_with("{{DESCRIPTION}}") {
            (description.as_str(), "{{DESCRIPTION}}".len())
        } else {
            ("{{", 2)
        };
        page.push_str(value);
        rest = &rest[start + len..];
    }
    page.push_str(rest);
    page
}

/// Better Auth's `sanitize`: `<`, `>`, `"`, `'` become entities, then every `&` that
/// does not start `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&#39;`, `&#x<hex>;` or
/// `&#<digits>;` becomes `&amp;`.
fn sanitize(input: &str) -> String {
    let escaped = input
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;");
    let mut out = String::with_capacity(escaped.len());
    for (index, ch) in escaped.char_indices() {
        if ch == '&' && !starts_entity(&escaped[index + 1..]) {
            out.push_str("&amp;");
        } else {
            out.push(ch);
        }
    }
    out
}

/// Whether `rest` (what follows an `&`) matches
/// `amp;|lt;|gt;|quot;|#39;|#x[0-9a-fA-F]+;|#[0-9]+;`.
fn starts_entity(rest: &str) -> bool {
    if ["amp;", "lt;", "gt;", "quot;", "#39;"]
        .iter()
        .any(|entity| rest.starts_with(entity))
    {
        return true;
    }
    let (digits, is_digit): (&str, fn(&u8) -> bool) = match rest.strip_prefix("#x") {
        Some(hex) => (hex, u8::is_ascii_hexdigit),
        None => match rest.strip_prefix('#') {
            Some(decimal) => (decimal, u8::is_ascii_digit),
            None => return false,
        },
    };
    let run = digits.bytes().take_while(is_digit).count();
    run > 0 && digits[run..].starts_with(';')
}

#[cfg(test)]
mod tests {
    use super::*;

    // Pages recorded from better-auth 1.7.5's `GET /error`.
    #[test]
    fn renders_the_recorded_pages() {
        assert_eq!(
            render("UNKNOWN", Some("<script>&amp;&x&#65;&#x41;&lt")),
            include_str!("testdata/error_page_script.html")
        );
        assert_eq!(
            render("it's", None),
            include_str!("testdata/error_page_quote.html")
        );
        assert_eq!(
            render("UNKNOWN", Some("%ZZ✓")),
            include_str!("testdata/error_page_percent.html")
        );
    }

    #[test]
    fn codes_and_entities() {
        assert!(is_safe_code("BAD_THING-1'"));
        assert!(!is_safe_code("a b"));
        assert!(!is_safe_code(""));
        assert!(!is_safe_code("é"));
        assert_eq!(
            sanitize("&#x;&#;&#12;&ampx"),
            "&amp;#x;&amp;#;&#12;&amp;ampx"
        );
    }
}

#[cfg(test)]
mod routed_tests {
    use spinstack_http::{Request, Response};

    use crate::router::handle;
    use crate::testing::{FakeSessions, FakeUsers, context};
    use crate::urls::{form_encode, hostile};

    fn call(path: &str, production: bool) -> Response {
        let (sessions, users) = (FakeSessions::default(), FakeUsers::default());
        let mut ctx = context(&sessions, &users);
        ctx.production = production;
        handle(&Request::new("GET", path), &ctx)
    }

    #[test]
    fn hostile_parameters_never_redirect_off_site() {
        for value in hostile::CALLBACK_URLS {
            for key in ["error", "error_description"] {
                let path = format!("/api/auth/error?{}", form_encode(&[(key, value)]));
                let reply = call(&path, true);
                assert_eq!(reply.status, 302);
                hostile::assert_stays_home(&format!("http://localhost:3000{path}"), &reply, value);
            }
        }
    }

    #[test]
    fn page_in_development_redirect_in_production() {
        let page = call(
            "/api/auth/error?error=%E2%9C%93&error_description=%ZZ%E2%9C%93",
            false,
        );
        assert_eq!(page.status, 200);
        assert_eq!(
            page.headers,
            [("content-type".to_owned(), "text/html".to_owned())]
        );
        assert_eq!(
            String::from_utf8_lossy(&page.body),
            include_str!("testdata/error_page_percent.html")
        );
        for (path, location) in [
            ("/api/auth/error", "/?error=UNKNOWN"),
            ("/api/auth/error?error=%3Cb%3E", "/?error=UNKNOWN"),
            ("/api/auth/error?error=X&error_description=", "/?error=X"),
            (
                "/api/auth/error?error=it's&error_description=a+b%2Bc%26%C3%A9%20~*",
                "/?error=it%27s&error_description=a+b%2Bc%26%C3%A9+%7E*",
            ),
        ] {
            let redirect = call(path, true);
            assert_eq!(
                redirect,
                Response::empty(302).with_header("location", location),
                "{path}"
            );
        }
    }
}
