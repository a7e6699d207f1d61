//! `multipart/form-data` (`spinstack-orpc::multipart`) and the RPC protocol's
//! multipart requests (`rpc::decode_input`: a `data` part plus numbered files).
//!
//! Input: `content-type-parameters \n body` — the first line is appended to
//! `multipart/form-data; ` (so `boundary=XyZ`), the rest is the body.
//! Properties: nothing panics; whatever parses survives `multipart::build` and a
//! second `parse` unchanged, unless a name or file name holds one of the literal
//! escapes `%0A`, `%0D`, `%22` (the fetch standard's escaping is not injective, in
//! browsers too) or a file's type is empty (`build` writes
//! `application/octet-stream`); an RPC request with that body decodes or is
//! refused as malformed (400).
#![no_main]

use libfuzzer_sys::fuzz_target;
use spinstack_http::Request;
use spinstack_orpc::multipart::{self, PartValue};
use spinstack_orpc::rpc;

fn escapes(text: &str) -> bool {
    ["%0A", "%0D", "%22"].iter().any(|e| text.contains(e))
}

fuzz_target!(|data: &[u8]| {
    let (params, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let content_type = format!("multipart/form-data; {}", String::from_utf8_lossy(params));

    if let Ok(parts) = multipart::parse(&content_type, body) {
        let comparable = parts.iter().all(|part| {
            !escapes(&part.name)
                && match &part.value {
                    PartValue::Text(_) => true,
                    PartValue::File(file) => !escapes(&file.name) && !file.content_type.is_empty(),
                }
        });
        let (built_type, built) = multipart::build(&parts);
        let reparsed = multipart::parse(&built_type, &built).expect("our own multipart parses");
        if comparable {
            assert_eq!(parts, reparsed);
        } else {
            assert_eq!(parts.len(), reparsed.len());
        }
    }

    let request = Request::new("POST", "/rpc/echo")
        .with_header("content-type", &content_type)
        .with_body(body.to_vec());
    if let Err(error) = rpc::decode_input(&request) {
        assert_eq!(error.status, 400, "{error:?}");
    }
});
