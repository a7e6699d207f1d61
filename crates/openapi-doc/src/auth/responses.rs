//! An operation's `responses`: its own answers (from the operation table) plus the
//! errors the shared request rules give every route that has them (spec §2.4) — body
//! media type and JSON (415/400), the router-level origin and callback-URL check of
//! every `POST` (403/400), schema validation (400), login CSRF, the GET callback check,
//! the session middlewares (401/403), the production rate limiter (429) and the
//! generic internal error (500). Answers with the same status are merged into one
//! response whose description lists each case.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json, json};
use spinstack_auth_rules::endpoint::Endpoint;

use super::models::{AUTH_ERROR, reference};
use super::operations::{Access, Operation};
use super::request::query_can_fail;

/// One way an endpoint answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The status.
    pub status: u16,
    /// When it is sent.
    pub description: String,
    /// The body's media type and schema; empty for a response without a body.
    pub content: Vec<(&'static str, Json)>,
    /// Notable headers: name, description, schema.
    pub headers: Vec<(&'static str, &'static str, Json)>,
    /// OpenAPI links to operations this answer's values feed: name, link object.
    pub links: Vec<(&'static str, Json)>,
}

impl Answer {
    /// An `application/json` body.
    pub fn json(status: u16, description: &str, schema: Json) -> Self {
        Self {
            status,
            description: description.to_owned(),
            content: vec![("application/json", schema)],
            headers: Vec::new(),
            links: Vec::new(),
        }
    }

    /// A `200` with an `application/json` body.
    pub fn ok(description: &str, schema: Json) -> Self {
        Self::json(200, description, schema)
    }

    /// Better Auth's `{"message","code"}` error.
    pub fn error(status: u16, description: &str) -> Self {
        Self::json(status, description, reference(AUTH_ERROR))
    }

    /// A response without a body.
    pub fn empty(status: u16, description: &str) -> Self {
        Self {
            status,
            description: description.to_owned(),
            content: Vec::new(),
            headers: Vec::new(),
            links: Vec::new(),
        }
    }

    /// better-call's redirect: `302` with `Location` and an empty body.
    pub fn redirect(description: &str) -> Self {
        Self::empty(302, description).with_header(
            "Location",
            "Where to go.",
            json!({ "type": "string" }),
        )
    }

    /// A `200` HTML page.
    pub fn html(description: &str) -> Self {
        Self {
            content: vec![("text/html", json!({ "type": "string" }))],
            ..Self::empty(200, description)
        }
    }

    /// Documents a response header.
    #[must_use]
    pub fn with_header(
        mut self,
        name: &'static str,
        description: &'static str,
        schema: Json,
    ) -> Self {
        self.headers.push((name, description, schema));
        self
    }

    /// Adds the OpenAPI link `name`: `link` holds the target's `operationId` and the
    /// `parameters` and `requestBody` template to call it with, filled from this
    /// exchange (`$request.body#/…`, `$response.body#/…`).
    #[must_use]
    pub fn with_link(mut self, name: &'static str, description: &str, link: Json) -> Self {
        let mut object = Map::new();
        object.insert("description".to_owned(), json!(description));
        if let Json::Object(fields) = link {
            object.extend(fields);
        }
        self.links.push((name, Json::Object(object)));
        self
    }

    /// Documents the `Set-Cookie` lines of a response that (re)sets the session.
    #[must_use]
    pub fn with_cookies(self, description: &'static str) -> Self {
        self.with_header("Set-Cookie", description, json!({ "type": "string" }))
    }

    /// Folds `other` (same status) into `self`.
    fn absorb(&mut self, other: Self) {
        self.description = format!(
            "{}\n{}",
            bullet(&self.description),
            bullet(&other.description)
        );
        for (media_type, schema) in other.content {
            match self
                .content
                .iter_mut()
                .find(|(known, _)| *known == media_type)
            {
                Some((_, known)) if *known == schema => {}
                Some((_, known)) => *known = json!({ "anyOf": [known.take(), schema] }),
                None => self.content.push((media_type, schema)),
            }
        }
        for header in other.headers {
            if !self.headers.iter().any(|(name, ..)| *name == header.0) {
                self.headers.push(header);
            }
        }
        for link in other.links {
            if !self.links.iter().any(|(name, _)| *name == link.0) {
                self.links.push(link);
            }
        }
    }

    fn to_json(&self) -> Json {
        let mut out = Map::new();
        out.insert("description".to_owned(), json!(self.description));
        if !self.headers.is_empty() {
            let headers: Map<String, Json> = self
                .headers
                .iter()
                .map(|(name, description, schema)| {
                    let header = json!({ "description": description, "schema": schema });
                    ((*name).to_owned(), header)
                })
                .collect();
            out.insert("headers".to_owned(), Json::Object(headers));
        }
        if !self.content.is_empty() {
            let content: Map<String, Json> = self
                .content
                .iter()
                .map(|(media_type, schema)| ((*media_type).to_owned(), json!({ "schema": schema })))
                .collect();
            out.insert("content".to_owned(), Json::Object(content));
        }
        if !self.links.is_empty() {
            let links: Map<String, Json> = self
                .links
                .iter()
                .map(|(name, link)| ((*name).to_owned(), link.clone()))
                .collect();
            out.insert("links".to_owned(), Json::Object(links));
        }
        Json::Object(out)
    }
}

/// A Markdown list item (once).
fn bullet(text: &str) -> String {
    if text.starts_with("- ") {
        text.to_owned()
    } else {
        format!("- {text}")
    }
}

/// The `responses` of `op` on `endpoint`, by status in ascending order.
pub fn responses(endpoint: &Endpoint, op: &Operation) -> Map<String, Json> {
    let mut by_status: BTreeMap<u16, Answer> = BTreeMap::new();
    for answer in op.answers.iter().cloned().chain(shared(endpoint, op)) {
        match by_status.get_mut(&answer.status) {
            Some(known) => known.absorb(answer),
            None => {
                by_status.insert(answer.status, answer);
            }
        }
    }
    by_status
        .into_iter()
        .map(|(status, answer)| (status.to_string(), answer.to_json()))
        .collect()
}

/// The errors the request rules and middlewares add to `op`.
fn shared(endpoint: &Endpoint, op: &Operation) -> Vec<Answer> {
    let post = op.method == "POST";
    let mut out = Vec::new();
    if post {
        out.push(Answer::error(
            400,
            "`BAD_REQUEST`: the body is JSON that does not parse.",
        ));
        out.push(Answer::error(
            400,
            "A truthy `callbackURL` (body, else query), `redirectTo`, `errorCallbackURL` or `newUserCallbackURL` that is not a string: `Invalid <name>: expected a string`, without a code.",
        ));
    }
    if validates(endpoint, op.method) {
        out.push(Answer::error(
            400,
            "`VALIDATION_ERROR`: the body or query does not match its schema; the message lists zod's issues as `[body.<path>] <message>` (or `[query…]`), joined by `; `.",
        ));
    }
    if post || endpoint.query.is_some() {
        out.push(Answer::error(
            400,
            "`VALIDATION_ERROR`: a string of the body (passwords aside) or query holds a NUL character (`\\u0000`), which PostgreSQL cannot store (`spinstack_auth_rules::storable`; Better Auth fails these with a 500).",
        ));
    }
    if post {
        out.extend(post_rules(endpoint));
    }
    if endpoint.query_callback {
        out.push(Answer::error(
            403,
            "`INVALID_CALLBACK_URL`: the `callbackURL` query is neither a trusted origin nor a relative path.",
        ));
    }
    out.extend(session_rules(op.access));
    out.push(rate_limited());
    out.push(Answer::error(
        500,
        "`INTERNAL_SERVER_ERROR`: an unexpected failure (its cause is logged, never sent).",
    ));
    out
}

/// Whether the route validates something `method` requests can get wrong.
fn validates(endpoint: &Endpoint, method: &str) -> bool {
    let body = method != "GET" && endpoint.body.is_some();
    body || endpoint
        .query
        .is_some_and(|schema| query_can_fail(&schema.kind))
}

/// The media-type check and the router-level origin and callback checks of a `POST`,
/// and the login CSRF rule where it applies.
fn post_rules(endpoint: &Endpoint) -> Vec<Answer> {
    let allowed = endpoint.media_types.allowed().join(", ");
    let mut out = vec![
        Answer::error(
            403,
            "`MISSING_OR_NULL_ORIGIN` / `INVALID_ORIGIN`: a request with a `Cookie` header needs a trusted `Origin` (or, without one, `Referer`).",
        ),
        Answer::error(
            403,
            "`INVALID_CALLBACK_URL`, `INVALID_REDIRECT_URL`, `INVALID_ERROR_CALLBACK_URL`, `INVALID_NEW_USER_CALLBACK_URL`: that URL is neither a trusted origin nor a relative path.",
        ),
        Answer::error(
            415,
            &format!(
                "`UNSUPPORTED_MEDIA_TYPE`: a body whose `Content-Type` is missing or not one of {allowed}."
            ),
        ),
    ];
    if endpoint.login_csrf {
        out.push(Answer::error(
            403,
            "Login CSRF: `CROSS_SITE_NAVIGATION_LOGIN_BLOCKED` for a cross-site navigation; `MISSING_OR_NULL_ORIGIN` / `INVALID_ORIGIN` when fetch metadata, an `Origin` or a `Referer` is sent and names no trusted origin.",
        ));
    }
    out
}

/// The session middlewares' errors.
fn session_rules(access: Access) -> Vec<Answer> {
    let lookup_failed = Answer::error(500, "`FAILED_TO_GET_SESSION`: the session lookup failed.");
    match access {
        Access::Public | Access::Optional => Vec::new(),
        Access::Session => vec![unauthorized(), lookup_failed],
        Access::FreshSession => vec![
            unauthorized(),
            Answer::error(
                403,
                "`SESSION_NOT_FRESH`: the session was created a day or more ago; sign in again.",
            ),
            lookup_failed,
        ],
        Access::SessionBare401 => vec![
            Answer::empty(
                401,
                "No valid session: an empty body (with `Content-Type: application/json`).",
            ),
            lookup_failed,
        ],
    }
}

fn unauthorized() -> Answer {
    Answer::error(401, "`UNAUTHORIZED`: no valid session.")
}

/// The production rate limiter's refusal (spec §6.4).
fn rate_limited() -> Answer {
    Answer {
        content: vec![(
            "text/plain",
            json!({
                "type": "string",
                "contentMediaType": "application/json",
                "contentSchema": reference(AUTH_ERROR),
            }),
        )],
        ..Answer::empty(
            429,
            "Too many requests from this client for this path (production only: 3 per 10 s for `/sign-in*`, `/sign-up*`, `/change-password`, `/change-email`; 3 per 60 s for `/request-password-reset`, `/send-verification-email`; else 100 per 10 s). The body is `{\"message\":\"Too many requests. Please try again later.\"}`, sent as `text/plain;charset=UTF-8`.",
        )
    }
    .with_header(
        "X-Retry-After",
        "Seconds until the window ends.",
        json!({ "type": "string", "pattern": "^[0-9]+$" }),
    )
}
