//! oRPC's OpenAPI input path (`spinstack-orpc::openapi`): `POST /api-reference/<proc>`
//! with the input as the plain body — JSON, multipart or urlencoded forms through
//! bracket notation, text, or a raw file — and the plain-JSON answer.
//!
//! Input: a request in the text format of `spinstack_fuzz::request_from_bytes`
//! (headers `content-type` and `content-disposition` matter).
//! Properties: `decode_input` never panics and refuses only with 400; an accepted
//! value is answered by `openapi::success` with 200, whose JSON body (if any) parses
//! and, when the input was a JSON body, equals it (plain JSON in, the same out,
//! numbers compared as doubles).
#![no_main]

use libfuzzer_sys::fuzz_target;
use spinstack_orpc::openapi;

fuzz_target!(|data: &[u8]| {
    let request = spinstack_fuzz::request_from_bytes(data);
    match openapi::decode_input(&request) {
        Ok(value) => {
            let response = openapi::success(&value);
            assert_eq!(response.status, 200);
            let json_in = request.header("content-disposition").is_none()
                && request
                    .header("content-type")
                    .is_none_or(|t| t.is_empty() || t.starts_with("application/json"));
            if json_in && !response.body.is_empty() {
                let out: serde_json::Value =
                    serde_json::from_slice(&response.body).expect("the answer is JSON");
                let text = String::from_utf8_lossy(&request.body);
                let input: serde_json::Value = serde_json::from_str(&text).expect("it decoded");
                assert!(
                    spinstack_fuzz::same_json(&out, &input),
                    "plain JSON did not come back the same: {input} → {out}"
                );
            }
        }
        Err(error) => {
            assert_eq!(error.status, 400, "{error:?}");
            let _ = openapi::failure(&error);
        }
    }
});
