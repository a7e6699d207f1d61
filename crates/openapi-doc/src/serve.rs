//! What `OpenAPIReferencePlugin` serves (spec §4.5): only `GET` requests that no
//! procedure claims — `GET /api-reference` and `/api-reference/` get the reference
//! page, `GET /api-reference/spec.json` (also with a trailing `/`) the document, both
//! regenerated per request because `servers` follows the request's origin. Any other
//! method on those paths is left unmatched (the caller's plain `404`).

use spinstack_api::Router;
use spinstack_http::{Request, Response};
use spinstack_orpc::openapi::{PREFIX, inline_disposition};
use spinstack_orpc::rpc::mount_path;

use crate::document::{Site, document};

/// The docs path under the mount.
const DOCS_PATH: &str = "/";
/// The document's path under the mount.
const SPEC_PATH: &str = "/spec.json";

/// The page or the document for a `GET` request under `/api-reference`, `None` when
/// the request is not one of theirs. `session_cookie` gives the session cookie's name
/// for the document's security scheme (asked only when the document is served).
pub fn handle(
    request: &Request,
    router: &Router,
    session_cookie: impl FnOnce() -> String,
) -> Option<Response> {
    if request.method != "GET" {
        return None;
    }
    // With one trailing `/` dropped, as the plugin compares paths.
    let path = mount_path(PREFIX, &request.path)?;
    if path != DOCS_PATH && path != SPEC_PATH {
        return None;
    }
    let origin = request_origin(request);
    let session_cookie = session_cookie();
    let site = Site {
        origin: &origin,
        session_cookie: &session_cookie,
    };
    let json = document(router, site).to_string();
    Some(if path == SPEC_PATH {
        Response::empty(200)
            .with_header("content-type", "application/json")
            .with_header("content-disposition", &inline_disposition("spec.json"))
            .with_body(json)
    } else {
        Response::empty(200)
            .with_header("content-type", "text/html")
            .with_header(
                "content-disposition",
                &inline_disposition("api-reference.html"),
            )
            .with_body(crate::page::html(&json))
    })
}

/// The origin the request was addressed to, as oRPC reads it from `request.url`:
/// Spin's `spin-full-url`, else `http://` and the `Host` header.
fn request_origin(request: &Request) -> String {
    spinstack_auth_rules::csrf::request_origin(request)
        .unwrap_or_else(|| "http://localhost".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(path: &str) -> Option<Response> {
        let request = Request::new("GET", path).with_header("host", "localhost:3000");
        handle(&request, spinstack_api::router(), || {
            "better-auth.session_token".to_owned()
        })
    }

    #[test]
    fn serves_the_page_and_the_document() {
        for path in ["/api-reference", "/api-reference/"] {
            let page = get(path).expect("the page");
            assert_eq!(page.header("content-type"), Some("text/html"));
            assert_eq!(
                page.header("content-disposition"),
                Some(
                    r#"inline; filename="api-reference.html"; filename*=utf-8''api-reference.html"#
                )
            );
            assert!(String::from_utf8_lossy(&page.body).contains(
                r#"\"servers\":[{\"url\":\"http:\u002F\u002Flocalhost:3000\u002Fapi-reference\"}]"#
            ));
        }
        for path in ["/api-reference/spec.json", "/api-reference/spec.json/"] {
            let spec = get(path).expect("the document");
            assert_eq!(spec.header("content-type"), Some("application/json"));
            let doc: serde_json::Value = serde_json::from_slice(&spec.body).expect("JSON");
            assert_eq!(
                doc["servers"][0]["url"],
                "http://localhost:3000/api-reference"
            );
        }
    }

    #[test]
    fn origin_follows_the_request() {
        let request = Request::new("GET", "/api-reference/spec.json").with_header(
            "spin-full-url",
            "https://api.example.com/api-reference/spec.json",
        );
        let spec = handle(&request, spinstack_api::router(), String::new).expect("the document");
        let doc: serde_json::Value = serde_json::from_slice(&spec.body).expect("JSON");
        assert_eq!(
            doc["servers"][0]["url"],
            "https://api.example.com/api-reference"
        );
    }

    #[test]
    fn leaves_everything_else_unmatched() {
        for path in [
            "/api-reference/spec",
            "/api-reference/healthCheck",
            "/api-referencex",
            "/",
        ] {
            assert!(get(path).is_none(), "{path}");
        }
        let post = Request::new("POST", "/api-reference/spec.json");
        assert!(handle(&post, spinstack_api::router(), String::new).is_none());
        let head = Request::new("HEAD", "/api-reference");
        assert!(handle(&head, spinstack_api::router(), String::new).is_none());
    }
}
