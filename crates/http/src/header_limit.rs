//! The request-header limit: every component refuses a request whose header section
//! is larger than [`MAX_HEADER_BYTES`] with `431` in its protocol's error format, before
//! it parses a cookie or routes the request.
//!
//! Spin's HTTP server (hyper) already refuses a head over about 400 KiB, or with more
//! than 100 headers, with a bare `431` the app never sees; this lower limit makes the
//! refusal the app's own, in its protocol's format (with CORS headers, so a browser can
//! read it), and bounds what a request can make the app parse. 32 KiB is twice what the
//! original server accepted (Bun and Node.js refuse a head over 16 KiB), so no request
//! the original served is refused here; a browser's cookies for one site stay far below
//! it (about 4 KiB per cookie, and Better Auth's own cookies are a few hundred bytes).

/// The largest header section accepted: 32 KiB, counted as on the wire (`name: value`
/// and the line break of every header line).
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// The message of the `431` every component answers for larger headers.
pub const HEADERS_TOO_LARGE_MESSAGE: &str =
    "Request headers too large: the limit is 32 KiB (32768 bytes)";

/// Whether headers (name, value pairs as received) are larger than [`MAX_HEADER_BYTES`].
pub fn headers_too_large(headers: &[(String, String)]) -> bool {
    header_bytes(headers) > MAX_HEADER_BYTES
}

/// The size of a header section on the wire: `name: value\r\n` per header.
fn header_bytes(headers: &[(String, String)]) -> usize {
    headers.iter().fold(0, |total, (name, value)| {
        total.saturating_add(name.len() + value.len() + 4)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(name: &str, value_len: usize) -> (String, String) {
        (name.to_owned(), "v".repeat(value_len))
    }

    #[test]
    fn a_section_of_exactly_the_limit_is_accepted_one_byte_more_is_not() {
        // "cookie: " + value + "\r\n" = 6 + 4 + value.
        let exact = vec![header("cookie", MAX_HEADER_BYTES - 10)];
        assert_eq!(header_bytes(&exact), MAX_HEADER_BYTES);
        assert!(!headers_too_large(&exact));
        let over = vec![header("cookie", MAX_HEADER_BYTES - 9)];
        assert!(headers_too_large(&over));
    }

    #[test]
    fn every_header_counts_toward_the_limit() {
        let many: Vec<_> = (0..100).map(|_| header("x-a", 400)).collect();
        assert_eq!(header_bytes(&many), 100 * 407);
        assert!(headers_too_large(&many));
        let few: Vec<_> = (0..10).map(|_| header("x-a", 400)).collect();
        assert!(!headers_too_large(&few));
    }

    #[test]
    fn no_headers_is_small() {
        assert!(!headers_too_large(&[]));
    }
}
