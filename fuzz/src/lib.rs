//! Helpers shared by the fuzz targets: the text format their request inputs use and a
//! comparison of oRPC values that treats `NaN` as equal to itself.
//!
//! A request input is a tiny HTTP/1-like text, so that seeds stay readable:
//!
//! ```text
//! POST /sign-in/email?callbackURL=%2F
//! content-type: application/json
//! origin: http://localhost:3000
//!
//! {"email":"a@b.co","password":"password1234"}
//! ```
//!
//! The first line is the method and the target (path and query); header lines follow
//! up to the first empty line; everything after it is the body (raw bytes). A head
//! that is not UTF-8 is read lossily; a missing blank line means no body.

use spinstack_http::Request;
use spinstack_orpc::Value;

/// Splits fuzzer bytes into a [`Request`] (see the module documentation).
pub fn request_from_bytes(data: &[u8]) -> Request {
    let (head, body) = match find(data, b"\n\n") {
        Some(i) => (&data[..i], &data[i + 2..]),
        None => (data, &[][..]),
    };
    let head = String::from_utf8_lossy(head);
    let mut lines = head.split('\n');
    let first = lines.next().unwrap_or_default();
    let (method, target) = first.split_once(' ').unwrap_or((first, "/"));
    let mut request = Request::new(method, target);
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            request = request.with_header(name.trim(), value.trim());
        }
    }
    request.with_body(body.to_vec())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Structural equality of two values where `NaN` equals `NaN` (and `0` equals `-0`,
/// as `f64` equality has it), numbers may differ by one unit in the last place
/// (serde_json's parsing, see [`same_json`]), and an object property whose value is `undefined`
/// counts as absent (JSON and `JSON.stringify` cannot carry one).
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y || (x.is_nan() && y.is_nan())
        }
        (Value::Set(x), Value::Set(y)) | (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kx, vx), (ky, vy))| same(kx, ky) && same(vx, vy))
        }
        (Value::Object(x), Value::Object(y)) => {
            let defined = |entries: &[(String, Value)]| {
                entries
                    .iter()
                    .filter(|(_, v)| !matches!(v, Value::Undefined))
                    .cloned()
                    .collect::<Vec<_>>()
            };
            let (x, y) = (defined(x), defined(y));
            x.len() == y.len()
                && x.iter()
                    .zip(&y)
                    .all(|((kx, vx), (ky, vy))| kx == ky && same(vx, vy))
        }
        _ => a == b,
    }
}

/// JSON equality with numbers compared as JavaScript doubles (what a value holds once
/// read: `12345678901234567890` and `1.2345678901234567e19` are the same number),
/// within one unit in the last place: serde_json without its `float_roundtrip`
/// feature (as the workspace builds it) may parse a number one ULP off, so a double
/// it writes does not always read back bit-exact (fuzz/README.md, finding 2).
pub fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Number(x), J::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => x == y,
            (x, y) => x == y,
        },
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kx, vx), (ky, vy))| kx == ky && same_json(vx, vy))
        }
        _ => a == b,
    }
}
