//! The request log: one JSON line per request on stderr (`docs/logs.md`).
//!
//! ```json
//! {"time":"2026-12-07T10:15:02.113Z","component":"auth","method":"POST","route":"/api/auth/sign-in/email","status":401,"duration_ms":41.207,"error":"INVALID_EMAIL_OR_PASSWORD"}
//! ```
//!
//! Nothing in a line is taken from the request but its method (checked against a
//! fixed shape): the route is a [`RouteTemplate`], which can only be built from
//! `'static` strings — the routers' own tables — so a concrete path (with a reset
//! token or a todo id in it), a query string, a header or a body never reaches the
//! log. The error is a kind (`configuration`, `database`, `internal`) or the protocol's
//! error code read from the response (`UNAUTHORIZED`, `INVALID_EMAIL_OR_PASSWORD`),
//! accepted only when it is a short upper-case identifier; a configuration error adds
//! the variable's name, never its value.
//!
//! Failures the response cannot tell apart (every `500` looks alike) are noted while
//! the request runs ([`note`]) by the code that sees them — the components' wrappers
//! around the database and the session library — and taken when the line is written.

use std::cell::RefCell;
use std::fmt;
use std::io::Write;

use serde::Serialize;

use crate::Response;

/// The route of a request as its router declares it (`/api/auth/reset-password/:token`,
/// `/rpc/todo/toggle`), or a fixed name for what no route claims. Built only from
/// `'static` strings, so it can never hold a value from the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteTemplate {
    mount: &'static str,
    rest: &'static str,
    /// `rest` is a procedure's dotted name, written with `/` (`todo.toggle` →
    /// `/todo/toggle`).
    procedure: bool,
}

impl RouteTemplate {
    /// A fixed template (`/`, `unmatched`, `/api/auth/*`).
    pub const fn fixed(template: &'static str) -> Self {
        Self {
            mount: template,
            rest: "",
            procedure: false,
        }
    }

    /// A route of a mount's table: `mount` followed by `path` (`/api/auth` +
    /// `/sign-in/email`).
    pub const fn under(mount: &'static str, path: &'static str) -> Self {
        Self {
            mount,
            rest: path,
            procedure: false,
        }
    }

    /// A procedure under a mount: `mount`, `/`, and its dotted name with `/` for `.`
    /// (`/rpc` + `todo.toggle` → `/rpc/todo/toggle`), as oRPC's matchers address it.
    pub const fn procedure(mount: &'static str, dotted: &'static str) -> Self {
        Self {
            mount,
            rest: dotted,
            procedure: true,
        }
    }

    /// What no route of a component claims.
    pub const UNMATCHED: Self = Self::fixed("unmatched");
}

impl fmt::Display for RouteTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.mount)?;
        if self.procedure {
            f.write_str("/")?;
            f.write_str(&self.rest.replace('.', "/"))
        } else {
            f.write_str(self.rest)
        }
    }
}

/// A failure the response does not show, noted while the request runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// A missing or invalid variable, with its name when known.
    Configuration(Option<String>),
    /// The database failed (or refused).
    Database,
    /// Anything else that ended in a `500`.
    Internal,
}

impl Failure {
    /// A configuration failure naming `variable`.
    pub fn configuration(variable: &str) -> Self {
        Self::Configuration(variable_name(variable))
    }

    /// Classifies a failure message of the database or the session library (which the
    /// log never shows): one that names a Spin variable (`Spin variable
    /// \`better_auth_secret\` is invalid: …`) or starts with `configuration` is a
    /// configuration failure naming that variable; anything else is `otherwise`.
    pub fn classify(message: &str, otherwise: Self) -> Self {
        let named = message
            .split_once("variable `")
            .and_then(|(_, rest)| rest.split_once('`'))
            .and_then(|(name, _)| variable_name(name));
        match named {
            Some(name) => Self::Configuration(Some(name)),
            None if message.starts_with("configuration") => Self::Configuration(None),
            None => otherwise,
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Self::Configuration(Some(_)) => 3,
            Self::Configuration(None) => 2,
            Self::Database => 1,
            Self::Internal => 0,
        }
    }
}

/// A variable name as Spin spells them (lower-case letters, digits and `_`), or `None`.
fn variable_name(name: &str) -> Option<String> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    valid.then(|| name.to_owned())
}

thread_local! {
    static NOTED: RefCell<Option<Failure>> = const { RefCell::new(None) };
}

/// Notes a failure of the current request for its log line. The most telling one
/// wins: a configuration failure naming its variable, then any configuration failure,
/// then the database, then the rest; among equals, the first.
pub fn note(failure: Failure) {
    NOTED.with(|noted| {
        let mut noted = noted.borrow_mut();
        if noted
            .as_ref()
            .is_none_or(|current| failure.rank() > current.rank())
        {
            *noted = Some(failure);
        }
    });
}

/// Takes (and clears) the failure noted for the current request.
pub fn take_noted() -> Option<Failure> {
    NOTED.with(|noted| noted.borrow_mut().take())
}

/// One request's line, before it is written.
#[derive(Debug, Clone, Serialize)]
pub struct RequestLine {
    /// When the request ended: ISO 8601, UTC, milliseconds (`2026-12-07T10:15:02.113Z`).
    pub time: String,
    /// The component that answered (`auth`, `rpc`, `openapi`).
    pub component: String,
    /// The request's method (`OTHER` when it is not an upper-case token).
    pub method: String,
    /// The route template.
    pub route: String,
    /// The response's status.
    pub status: u16,
    /// Milliseconds from the request's arrival to the end of its response, to the µs.
    pub duration_ms: f64,
    /// For a status of 400 or more: `configuration`, `database`, `internal`, or the
    /// protocol's error code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// For a configuration error: the variable's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variable: Option<String>,
}

impl RequestLine {
    /// The line of a request `component` answered with `response`, taking the failure
    /// noted for it (which only a `500` or more reports). Its time and duration are
    /// set by [`RequestLine::finished`].
    pub fn new(
        component: &str,
        method: &str,
        route: RouteTemplate,
        response: &Response,
        noted: Option<Failure>,
    ) -> Self {
        let (error, variable) = error_of(response, noted);
        Self {
            time: String::new(),
            component: component.to_owned(),
            method: method_name(method),
            route: route.to_string(),
            status: response.status,
            duration_ms: 0.0,
            error,
            variable,
        }
    }

    /// The line of a request that ended at `unix_ms` after `duration_us` microseconds.
    #[must_use]
    pub fn finished(mut self, unix_ms: i64, duration_us: u128) -> Self {
        self.time = iso8601_utc(unix_ms);
        self.duration_ms = millis(duration_us);
        self
    }

    /// The JSON text, one line without its newline.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }

    /// Writes the line and its newline to stderr in one write, so the lines of
    /// concurrent requests never interleave.
    pub fn write(&self) {
        let mut line = self.to_json();
        line.push('\n');
        // Nothing to do if stderr is gone.
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }
}

/// The method as sent if it is an upper-case token of at most 16 letters, else `OTHER`.
fn method_name(method: &str) -> String {
    let plain =
        !method.is_empty() && method.len() <= 16 && method.bytes().all(|b| b.is_ascii_uppercase());
    if plain { method } else { "OTHER" }.to_owned()
}

/// Microseconds as milliseconds (saturating past an hour), printed shortest: `14.774`.
fn millis(duration_us: u128) -> f64 {
    f64::from(u32::try_from(duration_us).unwrap_or(u32::MAX)) / 1000.0
}

/// The error kind and variable of a response.
fn error_of(response: &Response, noted: Option<Failure>) -> (Option<String>, Option<String>) {
    match response.status {
        0..=399 => (None, None),
        400..=499 => (Some(client_error(response)), None),
        _ => match noted {
            Some(Failure::Configuration(variable)) => (Some("configuration".to_owned()), variable),
            Some(Failure::Database) => (Some("database".to_owned()), None),
            Some(Failure::Internal) | None => (Some("internal".to_owned()), None),
        },
    }
}

/// A `4xx`'s protocol error code: Better Auth's and oRPC's OpenAPI `{"code":…}`, oRPC's
/// RPC `{"json":{"code":…}}`, else a name for the status.
fn client_error(response: &Response) -> String {
    protocol_code(&response.body).unwrap_or_else(|| {
        match response.status {
            400 => "BAD_REQUEST",
            401 => "UNAUTHORIZED",
            403 => "FORBIDDEN",
            404 => "NOT_FOUND",
            405 => "METHOD_NOT_ALLOWED",
            413 => "PAYLOAD_TOO_LARGE",
            429 => "TOO_MANY_REQUESTS",
            431 => "REQUEST_HEADER_FIELDS_TOO_LARGE",
            _ => "CLIENT_ERROR",
        }
        .to_owned()
    })
}

/// The `code` of a JSON error body, if it is an upper-case identifier of at most 64
/// characters (a code, never a message or a value).
fn protocol_code(body: &[u8]) -> Option<String> {
    if body.len() > 16 * 1024 || body.first() != Some(&b'{') {
        return None;
    }
    let json: serde_json::Value = serde_json::from_slice(body).ok()?;
    let code = json
        .get("code")
        .or_else(|| json.get("json").and_then(|inner| inner.get("code")))?
        .as_str()?;
    let identifier = !code.is_empty()
        && code.len() <= 64
        && code.starts_with(|c: char| c.is_ascii_uppercase())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    identifier.then(|| code.to_owned())
}

/// Milliseconds since the Unix epoch from the system clock (0 if it is before 1970).
pub fn unix_millis_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}

/// `unix_ms` as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn iso8601_utc(unix_ms: i64) -> String {
    let days = unix_ms.div_euclid(86_400_000);
    let of_day = unix_ms.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    let (hours, minutes) = (of_day / 3_600_000, of_day / 60_000 % 60);
    let (seconds, ms) = (of_day / 1000 % 60, of_day % 1000);
    format!("{year:04}-{month:02}-{day:02}T{hours:02}:{minutes:02}:{seconds:02}.{ms:03}Z")
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(status: u16, body: &str, noted: Option<Failure>) -> serde_json::Value {
        let response = Response::empty(status).with_body(body.as_bytes().to_vec());
        let route = RouteTemplate::under("/api/auth", "/sign-in/email");
        let text = RequestLine::new("auth", "POST", route, &response, noted)
            .finished(0, 41_207)
            .to_json();
        assert!(!text.contains('\n'));
        serde_json::from_str(&text).unwrap_or_default()
    }

    #[test]
    fn fields_in_order() {
        let response = Response::empty(200);
        let route = RouteTemplate::procedure("/rpc", "todo.toggle");
        let text = RequestLine::new("rpc", "POST", route, &response, None)
            .finished(1_796_638_502_113, 1_500)
            .to_json();
        assert_eq!(
            text,
            r#"{"time":"2026-12-07T10:15:02.113Z","component":"rpc","method":"POST","route":"/rpc/todo/toggle","status":200,"duration_ms":1.5}"#
        );
    }

    #[test]
    fn durations_print_shortest() {
        let at = |us: u128| {
            RequestLine::new(
                "rpc",
                "GET",
                RouteTemplate::UNMATCHED,
                &Response::empty(200),
                None,
            )
            .finished(0, us)
            .to_json()
        };
        assert!(
            at(14_774).contains(r#""duration_ms":14.774}"#),
            "{}",
            at(14_774)
        );
        assert!(at(0).contains(r#""duration_ms":0.0}"#), "{}", at(0));
        assert!(at(2_000_000).contains(r#""duration_ms":2000.0}"#));
    }

    #[test]
    fn times_are_utc_with_milliseconds() {
        assert_eq!(iso8601_utc(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601_utc(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(iso8601_utc(1_709_251_199_999), "2024-02-29T23:59:59.999Z");
        assert_eq!(iso8601_utc(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(iso8601_utc(4_102_444_800_000), "2100-01-01T00:00:00.000Z");
    }

    #[test]
    fn templates() {
        assert_eq!(RouteTemplate::fixed("/").to_string(), "/");
        assert_eq!(RouteTemplate::UNMATCHED.to_string(), "unmatched");
        assert_eq!(
            RouteTemplate::under("/api/auth", "/reset-password/:token").to_string(),
            "/api/auth/reset-password/:token"
        );
        assert_eq!(
            RouteTemplate::procedure("/api-reference", "healthCheck").to_string(),
            "/api-reference/healthCheck"
        );
    }

    #[test]
    fn errors_only_for_failures() {
        assert_eq!(line(200, "{}", Some(Failure::Database)).get("error"), None);
        assert_eq!(line(302, "", None).get("error"), None);
        let auth = line(
            401,
            r#"{"message":"Invalid email or password","code":"INVALID_EMAIL_OR_PASSWORD"}"#,
            None,
        );
        assert_eq!(auth["error"], "INVALID_EMAIL_OR_PASSWORD");
        let rpc = line(
            401,
            r#"{"json":{"defined":false,"code":"UNAUTHORIZED","status":401,"message":"Unauthorized"}}"#,
            None,
        );
        assert_eq!(rpc["error"], "UNAUTHORIZED");
        assert_eq!(line(404, "", None)["error"], "NOT_FOUND");
        assert_eq!(line(404, "NOT_FOUND", None)["error"], "NOT_FOUND");
        assert_eq!(line(418, "", None)["error"], "CLIENT_ERROR");
        assert_eq!(line(500, "{}", None)["error"], "internal");
        assert_eq!(line(503, "", Some(Failure::Database))["error"], "database");
        let config = line(500, "", Some(Failure::configuration("better_auth_secret")));
        assert_eq!(config["error"], "configuration");
        assert_eq!(config["variable"], "better_auth_secret");
    }

    #[test]
    fn codes_are_identifiers_never_messages() {
        for body in [
            r#"{"code":"someone@example.com"}"#,
            r#"{"code":"Invalid password hunter2"}"#,
            r#"{"code":"lower_case"}"#,
            r#"{"code":12}"#,
            r#"{"message":"x"}"#,
            "not json",
        ] {
            assert_eq!(line(400, body, None)["error"], "BAD_REQUEST", "{body}");
        }
        let long = format!(r#"{{"code":"{}"}}"#, "A".repeat(65));
        assert_eq!(line(400, &long, None)["error"], "BAD_REQUEST");
    }

    #[test]
    fn methods_are_tokens() {
        let response = Response::empty(204);
        let at = |method: &str| {
            RequestLine::new("rpc", method, RouteTemplate::UNMATCHED, &response, None).method
        };
        assert_eq!(at("OPTIONS"), "OPTIONS");
        assert_eq!(at("get"), "OTHER");
        assert_eq!(at("GET /secret"), "OTHER");
        assert_eq!(at(""), "OTHER");
    }

    #[test]
    fn classifies_failure_messages() {
        assert_eq!(
            Failure::classify(
                "configuration: Spin variable `better_auth_secret` is invalid: too short",
                Failure::Database
            ),
            Failure::configuration("better_auth_secret")
        );
        assert_eq!(
            Failure::classify(
                "database access denied: Spin variable `database_url` is invalid",
                Failure::Database
            ),
            Failure::configuration("database_url")
        );
        assert_eq!(
            Failure::classify("configuration: something", Failure::Database),
            Failure::Configuration(None)
        );
        // A backquoted value that is not a variable name is not taken.
        assert_eq!(
            Failure::classify("variable `Hunter2 pass` broke", Failure::Database),
            Failure::Database
        );
        assert_eq!(
            Failure::classify("connection refused", Failure::Internal),
            Failure::Internal
        );
    }

    #[test]
    fn the_most_telling_failure_wins() {
        assert_eq!(take_noted(), None);
        note(Failure::Internal);
        note(Failure::Database);
        note(Failure::Configuration(None));
        note(Failure::configuration("cors_origin"));
        note(Failure::configuration("node_env"));
        note(Failure::Database);
        assert_eq!(take_noted(), Some(Failure::configuration("cors_origin")));
        assert_eq!(take_noted(), None);
    }
}
