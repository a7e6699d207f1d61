//! oRPC's RPC protocol (`spinstack-orpc::rpc`, `rpc_json`): the `{json, meta}`
//! envelope of a POST body or of a GET's `?data=`, and the `meta` entries that
//! revive BigInt, Date, NaN, undefined, URL, RegExp, Set and Map.
//!
//! Input: the envelope text (any bytes).
//! Properties: decoding never panics; a decoded value round-trips — encoded as the
//! server encodes outputs (`rpc::success`: `rpc_json::serialize` into a JSON
//! envelope, or multipart when it holds files) and decoded again by
//! `rpc::decode_input`, it is the same value (NaN equal to NaN; an object property
//! that is `undefined` counts as absent, as in `JSON.stringify`); and serialize →
//! `rpc_json::deserialize` directly gives it back too. The GET form (`?data=` with
//! the text percent-encoded) decodes to the same result as the POST body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value as Json;
use spinstack_fuzz::same;
use spinstack_http::Request;
use spinstack_orpc::{rpc, rpc_json};

fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let post = Request::new("POST", "/rpc/echo")
        .with_header("content-type", "application/json")
        .with_body(data.to_vec());
    let decoded = rpc::decode_input(&post);

    if let Ok(text) = std::str::from_utf8(data) {
        let get = Request::new("GET", &format!("/rpc/echo?data={}", percent_encode(text)));
        let via_get = rpc::decode_input(&get);
        match (&decoded, &via_get) {
            (Ok(a), Ok(b)) => assert!(same(a, b), "GET {b:?} != POST {a:?}"),
            (Err(_), Err(_)) => {}
            // A leading BOM is dropped by neither; anything else must agree.
            _ => panic!("GET and POST disagree: {via_get:?} vs {decoded:?}"),
        }
    }

    let Ok(value) = decoded else {
        return;
    };

    // serialize → deserialize.
    let serialized = rpc_json::serialize(&value);
    let meta = Json::Array(serialized.meta.clone());
    let blobs = serialized.blobs.clone();
    let blob = |i: usize| blobs.get(i).cloned().map(Ok);
    let maps = Json::Array(serialized.maps.clone());
    let again = rpc_json::deserialize(serialized.json.as_ref(), Some(&meta), Some(&maps), &blob)
        .unwrap_or_else(|_| panic!("our own serialization is malformed: {serialized:?}"));
    assert!(
        same(&value, &again),
        "round trip changed {value:?} into {again:?}"
    );

    // The server's encoding of an output, read back as a client's request.
    let response = rpc::success(&value);
    assert_eq!(response.status, 200);
    let mut request = Request::new("POST", "/rpc/echo").with_body(response.body.clone());
    if let Some(content_type) = response.header("content-type") {
        request = request.with_header("content-type", content_type);
    }
    let back = rpc::decode_input(&request)
        .unwrap_or_else(|e| panic!("rpc::success output does not decode: {e:?}"));
    assert!(
        same(&value, &back),
        "success/decode changed {value:?} into {back:?}"
    );
});
