//! Tests of the Better Auth part of the document: every route of the rule table is
//! documented and nothing else is; references resolve; the request schemas follow the
//! validator's, the NUL rule and the handlers' own checks (so a request the document
//! calls valid is one the server takes, and the other way round); links name real
//! operations and fields; and real responses — the 127 exchanges recorded from
//! better-auth 1.7.5 and bodies our endpoints' tests pin — validate against the
//! documented schemas.

use std::collections::HashSet;

use serde_json::{Map, Value as Json, json};
use spinstack_auth_rules::endpoint::{self, ENDPOINTS};
use spinstack_auth_rules::schemas as s;
use spinstack_auth_rules::storable::check_no_nul;
use spinstack_auth_rules::validation::Target;

use super::request::{HASHED, NO_NUL, Place, body_schema, json_schema};
use super::{operations, paths, schemas, template};

/// The operation object of `method` on the route `path` (`ENDPOINTS`' form).
fn operation(method: &str, path: &str) -> Json {
    paths()
        .get(&template(path))
        .and_then(|item| item.get(method.to_ascii_lowercase()))
        .cloned()
        .unwrap_or_else(|| panic!("{method} {path} is documented"))
}

/// `schema` with every `#/components/schemas/<name>` reference turned into
/// `#/$defs/<name>` (the component schemas may refer to themselves).
fn to_defs(schema: &Json) -> Json {
    match schema {
        Json::Object(map) => Json::Object(
            map.iter()
                .map(|(key, value)| {
                    let value = match (key.as_str(), value) {
                        ("$ref", Json::String(reference)) => {
                            let name = reference
                                .strip_prefix("#/components/schemas/")
                                .unwrap_or_else(|| panic!("{reference} is a component reference"));
                            assert!(schemas().contains_key(name), "{reference} resolves");
                            json!(format!("#/$defs/{name}"))
                        }
                        _ => to_defs(value),
                    };
                    (key.clone(), value)
                })
                .collect(),
        ),
        Json::Array(items) => Json::Array(items.iter().map(to_defs).collect()),
        other => other.clone(),
    }
}

/// The validation errors of `instance` against the documented `schema` (formats
/// checked), its references resolved among the component schemas.
fn errors(schema: &Json, instance: &Json) -> Vec<String> {
    let defs: Map<String, Json> = schemas()
        .iter()
        .map(|(name, schema)| (name.clone(), to_defs(schema)))
        .collect();
    let schema = json!({ "$defs": defs, "allOf": [to_defs(schema)] });
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("a valid JSON Schema ({e}): {schema}"));
    validator
        .iter_errors(instance)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect()
}

fn assert_valid(schema: &Json, instance: &Json, context: &str) {
    let errors = errors(schema, instance);
    assert!(errors.is_empty(), "{context}: {instance} → {errors:?}");
}

#[test]
fn every_route_and_method_is_documented_and_nothing_else() {
    let table = operations::table();
    let documented = paths();
    for route in ENDPOINTS {
        let item = documented
            .get(&template(route.path))
            .unwrap_or_else(|| panic!("{} has a path item", route.path));
        for method in route.methods {
            assert!(
                operations::find(&table, method, route.path).is_some(),
                "{method} {} has an operation in the table",
                route.path
            );
            assert!(
                item.get(method.to_ascii_lowercase()).is_some(),
                "{method} {} is in the path item",
                route.path
            );
        }
        let keys: Vec<&String> = item
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys.len(), route.methods.len(), "{}: {keys:?}", route.path);
    }
    assert_eq!(documented.len(), ENDPOINTS.len());
    for op in &table {
        assert!(
            ENDPOINTS
                .iter()
                .any(|route| route.path == op.path && route.methods.contains(&op.method)),
            "{} {} names a route and method of ENDPOINTS",
            op.method,
            op.path
        );
        let twins = table
            .iter()
            .filter(|other| other.method == op.method && other.path == op.path)
            .count();
        assert_eq!(twins, 1, "{} {} is listed once", op.method, op.path);
    }
}

#[test]
fn operations_are_well_formed() {
    let mut ids = HashSet::new();
    for (path, item) in paths() {
        assert!(path.starts_with('/') && !path.contains(':'), "{path}");
        assert!(
            item.get("servers").is_none(),
            "{path}: the builder adds servers"
        );
        for (method, op) in item.as_object().into_iter().flatten() {
            let id = op["operationId"].as_str().unwrap_or_default().to_owned();
            assert!(id.starts_with("auth."), "{method} {path}: {id}");
            assert!(ids.insert(id.clone()), "{id} is unique");
            assert_eq!(op["tags"], json!(["Auth"]), "{id}");
            let summary = op["summary"].as_str().unwrap_or_default();
            assert!(!summary.is_empty() && !summary.contains('\n'), "{id}");
            let responses = op["responses"].as_object().expect("responses");
            for (status, response) in responses {
                assert!(status.parse::<u16>().is_ok(), "{id}: {status}");
                assert!(response["description"].is_string(), "{id} {status}");
            }
            for status in ["429", "500"] {
                assert!(responses.contains_key(status), "{id} documents {status}");
            }
            if method == "post" {
                for status in ["400", "403", "415"] {
                    assert!(responses.contains_key(status), "{id} documents {status}");
                }
            }
            // Every `{name}` of the path is a required path parameter.
            for name in path
                .split('/')
                .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            {
                let declared = op["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|p| p["name"] == name && p["in"] == "path" && p["required"] == true);
                assert!(declared, "{id} declares {{{name}}}");
            }
        }
    }
}

#[test]
fn sessions_are_required_where_the_middlewares_run() {
    let required = crate::session_required();
    for (method, path) in [
        ("GET", "/list-sessions"),
        ("POST", "/revoke-session"),
        ("POST", "/revoke-sessions"),
        ("POST", "/revoke-other-sessions"),
        ("POST", "/update-user"),
        ("POST", "/change-password"),
        ("POST", "/change-email"),
        ("POST", "/delete-user"),
        ("POST", "/verify-password"),
        ("POST", "/update-session"),
        ("GET", "/list-accounts"),
        ("POST", "/unlink-account"),
        ("POST", "/link-social"),
        ("POST", "/get-access-token"),
        ("POST", "/refresh-token"),
        ("GET", "/account-info"),
    ] {
        let op = operation(method, path);
        assert_eq!(op["security"], required, "{method} {path}");
        assert!(op["responses"].get("401").is_some(), "{method} {path}");
    }
    for (method, path) in [
        ("GET", "/get-session"),
        ("POST", "/sign-out"),
        ("GET", "/verify-email"),
    ] {
        let security = &operation(method, path)["security"];
        assert_eq!(security[0], json!({}), "{method} {path}: optional");
    }
    for (method, path) in [
        ("POST", "/sign-in/email"),
        ("POST", "/sign-up/email"),
        ("GET", "/ok"),
    ] {
        assert!(operation(method, path).get("security").is_none(), "{path}");
    }
}

#[test]
fn kinds_convert_to_json_schema() {
    let text = json!({"type": "string", "pattern": NO_NUL});
    let open = |mut schema: Json, root: bool| {
        schema["propertyNames"] = json!({"pattern": NO_NUL});
        if root {
            schema["patternProperties"] = json!({"^(?:password|newPassword|currentPassword)$": {}});
        }
        schema["additionalProperties"] = json!({"$ref": "#/components/schemas/JsonWithoutNul"});
        schema
    };
    let sign_in = |password: Json, root: bool| {
        open(
            json!({
                "type": "object",
                "properties": {
                    "email": text,
                    "password": password,
                    "callbackURL": text,
                    "rememberMe": {"type": "boolean"},
                },
                "required": ["email", "password"],
            }),
            root,
        )
    };
    // Below the top level (or in a query) every string and key is NUL-free...
    assert_eq!(
        json_schema(&s::SIGN_IN_EMAIL.kind, Place::Body),
        sign_in(text.clone(), false)
    );
    // ...and at the top of a body, a password may hold anything, as `storable` says.
    assert_eq!(
        body_schema(&s::SIGN_IN_EMAIL.kind),
        sign_in(json!({"type": "string"}), true)
    );
    let sign_up = body_schema(&s::SIGN_UP_EMAIL.kind);
    let email = &sign_up["allOf"][0]["properties"]["email"];
    assert_eq!(
        email["pattern"],
        spinstack_auth_rules::email::ZOD_EMAIL_PATTERN
    );
    // Not `format: email`, which refuses some addresses zod takes.
    assert!(email.get("format").is_none());
    assert!(
        errors(email, &json!(format!("{}@example.com", "a".repeat(70)))).is_empty(),
        "a 70-character local part passes zod"
    );
    assert_eq!(
        sign_up["allOf"][0]["properties"]["password"],
        json!({"type": "string", "minLength": 1})
    );
    assert_eq!(sign_up["allOf"][1], open(json!({"type": "object"}), true));
    let selection = body_schema(&s::ACCOUNT_SELECTION.kind);
    assert_eq!(selection["anyOf"][0]["additionalProperties"], false);
    assert!(selection["anyOf"][0].get("patternProperties").is_none());
    assert_eq!(
        selection["anyOf"][1]["properties"]["useAccountCookie"],
        json!({"const": true})
    );
    // A single-option union is its option.
    assert_eq!(
        json_schema(&s::SIGN_IN_SOCIAL.kind, Place::Body)["properties"]["provider"],
        text
    );
    // Query values are strings: a coerced boolean takes any NUL-free one.
    assert_eq!(
        json_schema(&s::GET_SESSION_QUERY.kind, Place::Query)["properties"]["disableRefresh"]["pattern"],
        NO_NUL
    );
}

#[test]
fn requests_follow_the_rule_table() {
    let sign_in = operation("POST", "/sign-in/email");
    let body = &sign_in["requestBody"];
    assert_eq!(body["required"], true);
    // The route's schema, with the email the handler checks.
    let mut expected = body_schema(&s::SIGN_IN_EMAIL.kind);
    expected["properties"]["email"] =
        json_schema(&spinstack_auth_rules::validation::Kind::Email, Place::Body);
    assert_eq!(body["content"]["application/json"]["schema"], expected);
    // A form cannot carry a boolean.
    let form = &body["content"]["application/x-www-form-urlencoded"]["schema"];
    assert!(form["properties"].get("rememberMe").is_none());
    assert!(form["properties"].get("callbackURL").is_some());
    assert_eq!(
        operation("POST", "/sign-out")["requestBody"]["required"],
        false
    );
    assert!(
        operation("POST", "/revoke-sessions")
            .get("requestBody")
            .is_none()
    );
    // GET carries no body, POST does, on the shared callback route.
    assert!(
        operation("GET", "/callback/:id")
            .get("requestBody")
            .is_none()
    );
    assert!(
        operation("POST", "/callback/:id")
            .get("requestBody")
            .is_some()
    );
    let names = |op: &Json| -> Vec<(String, bool)> {
        op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                (
                    format!(
                        "{}:{}",
                        p["in"].as_str().unwrap_or_default(),
                        p["name"].as_str().unwrap_or_default()
                    ),
                    p["required"] == true,
                )
            })
            .collect()
    };
    assert_eq!(
        names(&operation("GET", "/reset-password/:token")),
        [
            ("path:token".to_owned(), true),
            ("query:callbackURL".to_owned(), true)
        ]
    );
    // Only `accountId` can select an account in a query.
    assert_eq!(
        names(&operation("GET", "/account-info")),
        [
            ("query:accountId".to_owned(), true),
            ("query:userId".to_owned(), false)
        ]
    );
    let get_session = operation("GET", "/get-session");
    assert_eq!(
        names(&get_session),
        [
            ("query:disableCookieCache".to_owned(), false),
            ("query:disableRefresh".to_owned(), false)
        ]
    );
    // Coerced booleans never fail: its only 400 is a NUL character in the query.
    let bad_request = get_session["responses"]["400"]["description"]
        .as_str()
        .unwrap_or_default();
    assert!(bad_request.contains("NUL") && !bad_request.contains("zod"));
    assert_eq!(
        names(&operation("POST", "/reset-password")),
        [("query:token".to_owned(), false)]
    );
    assert_eq!(
        names(&operation("GET", "/error")),
        [
            ("query:error".to_owned(), false),
            ("query:error_description".to_owned(), false)
        ]
    );
}

/// The documented response of `method path` for `status`.
fn response(method: &str, path: &str, status: u16) -> Json {
    let op = operation(method, path);
    op["responses"]
        .get(status.to_string())
        .cloned()
        .unwrap_or_else(|| panic!("{method} {path} documents {status}"))
}

/// Checks `body` (empty: none) against the documented response.
fn check_body(method: &str, path: &str, status: u16, body: &str, context: &str) {
    let documented = response(method, path, status);
    let content = documented.get("content").and_then(Json::as_object);
    if body.is_empty() {
        assert!(
            content.is_none(),
            "{context}: an empty body is documented as none"
        );
        return;
    }
    let schema = content
        .and_then(|content| content.get("application/json"))
        .map(|media| &media["schema"])
        .unwrap_or_else(|| panic!("{context}: a JSON body is documented"));
    let instance: Json =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("{context}: JSON ({e})"));
    assert_valid(schema, &instance, context);
}

#[test]
fn recorded_exchanges_match_the_document() {
    let exchanges: Vec<Json> = serde_json::from_str(include_str!(
        "../../../auth-rules/tests/reference/exchanges.json"
    ))
    .expect("exchanges.json is a JSON array");
    assert_eq!(exchanges.len(), 127);
    let mut checked = 0;
    for exchange in &exchanges {
        let name = exchange["name"].as_str().unwrap_or_default();
        let method = exchange["method"].as_str().unwrap_or_default();
        let target = exchange["target"].as_str().unwrap_or_default();
        let path = target.split('?').next().unwrap_or_default();
        let Some(route) = endpoint::find(method, path) else {
            continue;
        };
        let status = exchange["status"]
            .as_u64()
            .and_then(|s| u16::try_from(s).ok())
            .expect("a status");
        let body = exchange["response"].as_str().unwrap_or_default();
        let context = format!("{name} ({method} {target} → {status})");
        check_body(method, route.path, status, body, &context);
        checked += 1;
    }
    // Every recorded exchange is on a documented route.
    assert_eq!(checked, exchanges.len());
}

/// Bodies our endpoints send, as their tests pin them (crates/auth, crates/sessions).
#[test]
fn our_bodies_match_the_document() {
    let user = json!({"name":"Ref User","email":"ref-user@example.com","emailVerified":false,"image":null,"createdAt":"2026-11-29T18:05:24.006Z","updatedAt":"2026-11-29T18:05:24.006Z","id":"1RMSZCORK3hH13jEVteKMBllfAkMcfbC"});
    let session = json!({"expiresAt":"2026-12-06T18:05:24.022Z","token":"DVuNK6inPZIKoDGgu8ONEHsAcppgCKoG","createdAt":"2026-11-29T18:05:24.022Z","updatedAt":"2026-11-29T18:05:24.022Z","ipAddress":"","userAgent":"curl/7.88.1","userId":"1RMSZCORK3hH13jEVteKMBllfAkMcfbC","id":"jYHQapMCQ9FwJ2E5fXOEq6pjYm70Rbiv"});
    let signed_in = json!({"redirect":true,"token":"t","url":"/dashboard","user":user});
    let account = json!({"accountId":"a","providerId":"github","userId":"u1","createdAt":"2026-11-29T18:05:24.006Z","updatedAt":"2026-11-29T18:05:24.006Z","id":"gh","scopes":["a","b"]});
    let cases = [
        (
            "GET",
            "/get-session",
            200,
            json!({"session": session, "user": user}),
        ),
        ("GET", "/get-session", 200, Json::Null),
        (
            "GET",
            "/get-session",
            401,
            json!({"message":"Failed to get session","code":"FAILED_TO_GET_SESSION"}),
        ),
        ("POST", "/sign-in/email", 200, signed_in),
        (
            "POST",
            "/sign-in/email",
            200,
            json!({"redirect":false,"token":"t","user":user}),
        ),
        (
            "POST",
            "/sign-up/email",
            200,
            json!({"token":"t","user":user}),
        ),
        (
            "POST",
            "/sign-up/email",
            422,
            json!({"message":"User already exists. Use another email.","code":"USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"}),
        ),
        (
            "POST",
            "/change-password",
            200,
            json!({"token":null,"user":user}),
        ),
        (
            "POST",
            "/change-password",
            200,
            json!({"token":"t","user":user}),
        ),
        ("GET", "/list-sessions", 200, json!([session])),
        (
            "GET",
            "/list-sessions",
            403,
            json!({"message":"Session is not fresh","code":"SESSION_NOT_FRESH"}),
        ),
        ("GET", "/list-accounts", 200, json!([account])),
        ("POST", "/update-user", 200, json!({"status":true})),
        (
            "POST",
            "/update-user",
            400,
            json!({"message":"No fields to update"}),
        ),
        ("POST", "/unlink-account", 200, json!({"status":true})),
        (
            "GET",
            "/verify-email",
            200,
            json!({"status":true,"user":null}),
        ),
        (
            "GET",
            "/verify-email",
            200,
            json!({"status":true,"user":user}),
        ),
        ("GET", "/verify-email", 200, json!({"status":true})),
        ("GET", "/ok", 200, json!({"ok":true})),
        ("POST", "/sign-out", 200, json!({"success":true})),
        (
            "POST",
            "/get-session",
            405,
            json!({"message":"POST method requires deferSessionRefresh to be enabled in session config","code":"METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED"}),
        ),
        (
            "GET",
            "/account-info",
            400,
            json!({"message":"Account is not associated with a configured social provider.","code":"PROVIDER_NOT_CONFIGURED"}),
        ),
        (
            "GET",
            "/list-accounts",
            500,
            json!({"message":"Internal Server Error","code":"INTERNAL_SERVER_ERROR"}),
        ),
    ];
    for (method, path, status, body) in cases {
        let context = format!("{method} {path} → {status}");
        check_body(method, path, status, &body.to_string(), &context);
    }
    // Too strict a schema would be caught too: a user without `image` is not ours.
    let partial = json!({"redirect":false,"token":"t","user":{"name": "A"}});
    let schema = &response("POST", "/sign-in/email", 200)["content"]["application/json"]["schema"];
    assert!(!errors(schema, &partial).is_empty());
    // Dates are checked as date-times.
    let mut dated = json!({"redirect":false,"token":"t","user":user});
    dated["user"]["createdAt"] = json!("yesterday");
    assert!(!errors(schema, &dated).is_empty());
    // Empty-bodied answers are documented without content.
    for (method, path, status) in [
        ("POST", "/delete-user", 404),
        ("POST", "/get-access-token", 401),
        ("GET", "/callback/:id", 302),
        ("POST", "/callback/:id", 302),
        ("GET", "/reset-password/:token", 302),
        ("GET", "/error", 302),
    ] {
        check_body(
            method,
            path,
            status,
            "",
            &format!("{method} {path} → {status}"),
        );
    }
}

#[test]
fn rate_limit_answer_matches_the_limiter() {
    let refused = spinstack_rate_limit::too_many_requests(7);
    let documented = response("POST", "/sign-in/email", 429);
    let content_type = refused.header("content-type").unwrap_or_default();
    let media = content_type.split(';').next().unwrap_or_default();
    let schema = &documented["content"][media]["schema"];
    assert_eq!(schema["type"], "string", "{content_type} is documented");
    let body: Json = serde_json::from_slice(&refused.body).expect("a JSON text");
    assert_valid(&schema["contentSchema"], &body, "429 body");
    let retry = refused.header("x-retry-after").unwrap_or_default();
    let header = &documented["headers"]["X-Retry-After"]["schema"];
    assert_valid(header, &json!(retry), "X-Retry-After");
    let description = documented["description"].as_str().unwrap_or_default();
    for rule in [
        spinstack_rate_limit::Rule::CREDENTIALS,
        spinstack_rate_limit::Rule::MAIL,
        spinstack_rate_limit::Rule::DEFAULT,
    ] {
        let said = format!("{} per {} s", rule.max(), rule.window_secs());
        assert!(description.contains(&said), "{said} in {description}");
    }
}

/// Addresses on both sides of zod's email pattern.
const EMAIL_SAMPLES: &[&str] = &[
    "a@b.co",
    "first.last+tag@sub.example.com",
    "o'neil@example.org",
    "under_score-dash@x-y.io",
    ".lead@example.com",
    "double..dot@example.com",
    "trail.@example.com",
    "quote'@example.com",
    "a@b.c",
    "a@-b.com",
    "a@b..com",
    "a@b.c0m",
    " a@b.co",
    "a@b.co ",
    "ünï@example.com",
    "a@exämple.com",
    "no-at.example.com",
    "a@b@c.com",
    "@example.com",
    "a@example",
];

#[test]
fn the_email_pattern_is_the_validators() {
    use spinstack_auth_rules::email::is_valid_email;
    let documented = json_schema(&spinstack_auth_rules::validation::Kind::Email, Place::Body);
    let schema = json!({ "type": "string", "pattern": documented["pattern"] });
    for sample in EMAIL_SAMPLES {
        let by_pattern = errors(&schema, &json!(sample)).is_empty();
        assert_eq!(by_pattern, is_valid_email(sample), "{sample:?}");
    }
}

/// The request-body schemas of `method path` (`ENDPOINTS`' form), by media type.
fn bodies(method: &str, path: &str) -> Vec<(String, Json)> {
    let op = operation(method, path);
    op["requestBody"]["content"]
        .as_object()
        .unwrap_or_else(|| panic!("{method} {path} documents a body"))
        .iter()
        .map(|(media, content)| (media.clone(), content["schema"].clone()))
        .collect()
}

/// Whether `body` is valid for every documented media type of `method path`.
fn documented_valid(method: &str, path: &str, body: &Json) -> bool {
    let verdicts: Vec<bool> = bodies(method, path)
        .iter()
        .filter(|(media, _)| {
            // A form only carries strings.
            media == "application/json"
                || body
                    .as_object()
                    .is_some_and(|fields| fields.values().all(Json::is_string))
        })
        .map(|(_, schema)| errors(schema, body).is_empty())
        .collect();
    assert!(!verdicts.is_empty(), "{method} {path}: {body}");
    assert!(
        verdicts.iter().all(|v| *v == verdicts[0]),
        "{method} {path}: the media types agree on {body}"
    );
    verdicts[0]
}

/// `fields` with `name` set to `value`.
fn with(fields: &Json, name: &str, value: Json) -> Json {
    let mut body = fields.clone();
    body[name] = value;
    body
}

/// The handlers' new-password length (`spinstack_passwords::check_length`) is the
/// document's, on each route that takes a new password, in every media type.
#[test]
fn new_passwords_are_bounded_as_the_handlers_check() {
    use spinstack_passwords::check_length;
    for (path, field, others) in [
        (
            "/sign-up/email",
            "password",
            json!({"name": "A", "email": "a@b.co"}),
        ),
        (
            "/change-password",
            "newPassword",
            json!({"currentPassword": "x"}),
        ),
        ("/reset-password", "newPassword", json!({"token": "t"})),
    ] {
        for length in [0, 1, 7, 8, 9, 64, 127, 128, 129, 4096] {
            let password = "p".repeat(length);
            let body = with(&others, field, json!(password));
            assert_eq!(
                documented_valid("POST", path, &body),
                check_length(&password).is_ok(),
                "{path}: a {length}-character {field}"
            );
        }
        for (_, schema) in bodies("POST", path) {
            let said = serde_json::to_string(&schema).unwrap_or_default();
            assert!(said.contains("UTF-16"), "{path}: how the length is counted");
        }
    }
    // The bounds themselves, as Better Auth sets them.
    assert!(!documented_valid(
        "POST",
        "/reset-password",
        &json!({"newPassword": "1234567"})
    ));
    assert!(documented_valid(
        "POST",
        "/reset-password",
        &json!({"newPassword": "a".repeat(128)})
    ));
    assert!(!documented_valid(
        "POST",
        "/reset-password",
        &json!({"newPassword": "a".repeat(129)})
    ));
    // Sign-in checks no length (an over-long password is just a wrong one: 401).
    assert!(documented_valid(
        "POST",
        "/sign-in/email",
        &json!({"email": "a@b.co", "password": "x"})
    ));
}

/// Sign-in's schema takes any string as `email`; its handler then checks zod's
/// pattern (`INVALID_EMAIL`), and so does the document.
#[test]
fn sign_in_states_the_email_check() {
    use spinstack_auth_rules::email::sign_in_email;
    for email in EMAIL_SAMPLES {
        let body = json!({"email": email, "password": "x"});
        assert_eq!(
            documented_valid("POST", "/sign-in/email", &body),
            sign_in_email(email).is_ok(),
            "{email:?}"
        );
    }
}

/// What `/update-user`'s handler reads from its any-object body.
#[test]
fn update_user_states_what_its_handler_reads() {
    for (body, valid) in [
        (json!({"name": "Ada"}), true),
        (json!({"image": null}), true),
        (
            json!({"image": "https://example.com/a.png", "extra": [1, "x"]}),
            true,
        ),
        (json!({"name": "Ada", "email": ""}), true),
        (json!({"name": "Ada", "email": 0}), true),
        (json!({"name": "Ada", "email": false}), true),
        (json!({"name": "Ada", "email": null}), true),
        // `No fields to update`.
        (json!({}), false),
        (json!({"extra": 1}), false),
        // `EMAIL_CAN_NOT_BE_UPDATED`.
        (json!({"name": "Ada", "email": "ada@example.com"}), false),
        (json!({"name": "Ada", "email": true}), false),
        (json!({"name": "Ada", "email": 1}), false),
        // `VALIDATION_ERROR`: the types of `name` and `image`.
        (json!({"name": 1}), false),
        (json!({"name": null}), false),
        (json!({"image": 1}), false),
    ] {
        assert_eq!(
            documented_valid("POST", "/update-user", &body),
            valid,
            "{body}"
        );
    }
}

/// The NUL rule (`spinstack_auth_rules::storable`) as the document states it: no
/// string or key anywhere in a body holds a NUL, but for the values of the top-level
/// password fields.
#[test]
fn the_nul_rule_is_storables() {
    for name in HASHED {
        assert!(check_no_nul(&json!({ *name: "\u{0}" }), Target::Body).is_ok());
        assert!(check_no_nul(&json!({"nested": { *name: "\u{0}" }}), Target::Body).is_err());
    }
    assert!(check_no_nul(&json!({"passwords": "\u{0}"}), Target::Body).is_err());
    let sign_up = json!({"name": "A", "email": "a@b.co", "password": "password1"});
    let cases = [
        ("/sign-up/email", sign_up.clone()),
        ("/sign-up/email", with(&sign_up, "name", json!("A\u{0}"))),
        (
            "/sign-up/email",
            with(&sign_up, "password", json!("pass\u{0}word")),
        ),
        (
            "/sign-up/email",
            with(&sign_up, "extra", json!({"deep": ["ok", 1, null, true]})),
        ),
        (
            "/sign-up/email",
            with(&sign_up, "extra", json!({"deep": ["ok", "n\u{0}"]})),
        ),
        (
            "/sign-up/email",
            with(&sign_up, "extra", json!({"k\u{0}": 1})),
        ),
        ("/sign-up/email", with(&sign_up, "k\u{0}", json!(1))),
        (
            "/sign-in/email",
            json!({"email": "a@b.co", "password": "\u{0}"}),
        ),
        (
            "/change-password",
            json!({"currentPassword": "\u{0}", "newPassword": "long enough\u{0}"}),
        ),
        ("/update-user", json!({"name": "A", "password": "\u{0}"})),
        (
            "/update-user",
            json!({"name": "A", "nested": {"password": "\u{0}"}}),
        ),
        ("/update-user", json!({"name": "A\u{0}"})),
        ("/revoke-session", json!({"token": "t\u{0}"})),
        (
            "/sign-in/social",
            json!({"provider": "github", "idToken": {"token": "\u{0}"}}),
        ),
        (
            "/sign-in/social",
            json!({"provider": "github", "idToken": {"token": "t", "other": "\u{0}"}}),
        ),
        (
            "/sign-in/social",
            json!({"provider": "github", "scopes": ["a", "\u{0}"]}),
        ),
    ];
    for (path, body) in cases {
        assert_eq!(
            documented_valid("POST", path, &body),
            check_no_nul(&body, Target::Body).is_ok(),
            "{path}: {body}"
        );
    }
    // Query values too.
    let query = operation("GET", "/verify-email")["parameters"]
        .as_array()
        .and_then(|parameters| parameters.iter().find(|p| p["name"] == "token").cloned())
        .expect("a token parameter");
    assert!(errors(&query["schema"], &json!("t")).is_empty());
    assert!(!errors(&query["schema"], &json!("t\u{0}")).is_empty());
}
