//! Better Auth's request rules (`spinstack-auth-rules`): what the auth router runs on
//! every request — `endpoint::find` then `endpoint::check` (body media type and
//! JSON/form parsing, query parsing, origin and callback-URL checks, the endpoint's
//! schema validation, the NUL rule, login CSRF).
//!
//! Input: a request in the text format of `spinstack_fuzz::request_from_bytes`, the
//! path relative to `/api/auth` (`POST /sign-in/email`).
//! Properties: nothing panics; a rejection is a 4xx answer with a JSON body; what
//! `check` lets through validates again against the endpoint's schemas and has no NUL
//! (our storable rule); unknown routes still have their body parsed both ways.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use spinstack_auth_rules::TrustedOrigins;
use spinstack_auth_rules::body::{MediaTypes, parse_body, query_object};
use spinstack_auth_rules::endpoint;
use spinstack_auth_rules::storable::check_no_nul;
use spinstack_auth_rules::validation::{Target, validate};

fuzz_target!(|data: &[u8]| {
    let request = spinstack_fuzz::request_from_bytes(data);
    let trusted = TrustedOrigins::new("http://localhost:3000", ["http://localhost:3001"]);
    let Some(route) = endpoint::find(&request.method, &request.path) else {
        for media in [MediaTypes::Json, MediaTypes::FormOrJson] {
            if let Err(rejection) = parse_body(&request, media) {
                assert!(matches!(rejection.status, 400 | 415));
            }
        }
        let _ = query_object(&request);
        return;
    };
    match endpoint::check(route, &request, &trusted) {
        Ok(checked) => {
            if let Some(schema) = route.body {
                assert!(validate(schema, checked.body.as_ref(), Target::Body).is_ok());
            }
            if let Some(schema) = route.query {
                let query = Value::Object(checked.query.clone());
                assert!(validate(schema, Some(&query), Target::Query).is_ok());
            }
            if let Some(body) = &checked.body {
                assert!(check_no_nul(body, Target::Body).is_ok());
            }
        }
        Err(rejection) => {
            assert!((400..500).contains(&rejection.status), "{rejection:?}");
            let response = rejection.to_response();
            assert_eq!(response.status, rejection.status);
            assert!(serde_json::from_slice::<Value>(&response.body).is_ok());
        }
    }
});
