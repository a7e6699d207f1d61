//! `ORPCError` as it crosses the wire: `{"defined","code","status","message"[,"data"]}`
//! with oRPC's standard codes (spec §3.6). Extra keys would make clients treat the
//! error as malformed, so there are none.

use serde::Serialize;
use serde_json::Value;

/// An error a procedure or the protocol layer reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrpcError {
    /// `true` only for errors declared with `.errors()` (none here).
    pub defined: bool,
    /// The error code (`UNAUTHORIZED`, …).
    pub code: String,
    /// The HTTP status.
    pub status: u16,
    /// Human-readable message.
    pub message: String,
    /// Optional details (validation issues…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Box<Value>>,
}

/// oRPC's `COMMON_ORPC_ERROR_DEFS`: code, status, default message.
const COMMON: &[(&str, u16, &str)] = &[
    ("BAD_REQUEST", 400, "Bad Request"),
    ("UNAUTHORIZED", 401, "Unauthorized"),
    ("FORBIDDEN", 403, "Forbidden"),
    ("NOT_FOUND", 404, "Not Found"),
    ("METHOD_NOT_SUPPORTED", 405, "Method Not Supported"),
    ("NOT_ACCEPTABLE", 406, "Not Acceptable"),
    ("TIMEOUT", 408, "Request Timeout"),
    ("CONFLICT", 409, "Conflict"),
    ("PRECONDITION_FAILED", 412, "Precondition Failed"),
    ("PAYLOAD_TOO_LARGE", 413, "Payload Too Large"),
    ("UNSUPPORTED_MEDIA_TYPE", 415, "Unsupported Media Type"),
    ("UNPROCESSABLE_CONTENT", 422, "Unprocessable Content"),
    ("TOO_MANY_REQUESTS", 429, "Too Many Requests"),
    ("CLIENT_CLOSED_REQUEST", 499, "Client Closed Request"),
    ("INTERNAL_SERVER_ERROR", 500, "Internal Server Error"),
    ("NOT_IMPLEMENTED", 501, "Not Implemented"),
    ("BAD_GATEWAY", 502, "Bad Gateway"),
    ("SERVICE_UNAVAILABLE", 503, "Service Unavailable"),
    ("GATEWAY_TIMEOUT", 504, "Gateway Timeout"),
];

/// Statuses the protocol layer answers that oRPC has no standard code for, with the
/// custom code used (as `new ORPCError(code, { status })` would send it).
const PROTOCOL_ONLY: &[(&str, u16)] = &[("REQUEST_HEADER_FIELDS_TOO_LARGE", 431)];

/// The message of a malformed request body (exact text clients see).
pub const MALFORMED_MESSAGE: &str = "Malformed request. Ensure the request body is properly formatted and the 'Content-Type' header is set correctly.";

impl OrpcError {
    /// An error with a code; standard codes get their status and default message,
    /// custom codes status 500 and the code as message (as oRPC does).
    pub fn new(code: &str) -> Self {
        let (status, message) = COMMON
            .iter()
            .find(|(known, _, _)| *known == code)
            .map_or((500, code), |(_, status, message)| (*status, *message));
        Self {
            defined: false,
            code: code.to_owned(),
            status,
            message: message.to_owned(),
            data: None,
        }
    }

    /// The standard error of an HTTP status (`400` → `BAD_REQUEST`), with `message`;
    /// `431` keeps its status with the custom code `REQUEST_HEADER_FIELDS_TOO_LARGE`;
    /// any other status without a standard code is an `INTERNAL_SERVER_ERROR`. For failures
    /// outside any procedure (an unreadable body, a broken configuration).
    pub fn for_status(status: u16, message: &str) -> Self {
        if let Some((code, _)) = PROTOCOL_ONLY.iter().find(|(_, known)| *known == status) {
            let mut error = Self::new(code).with_message(message);
            error.status = status;
            return error;
        }
        let code = COMMON
            .iter()
            .find(|(_, known, _)| *known == status)
            .map_or("INTERNAL_SERVER_ERROR", |(code, _, _)| *code);
        Self::new(code).with_message(message)
    }

    /// Replaces the message (an empty one keeps the default, as oRPC does).
    #[must_use]
    pub fn with_message(mut self, message: &str) -> Self {
        if !message.is_empty() {
            message.clone_into(&mut self.message);
        }
        self
    }

    /// Attaches `data`.
    #[must_use]
    pub fn with_data(mut self, data: Value) -> Self {
        self.data = Some(Box::new(data));
        self
    }

    /// The body could not be decoded.
    pub fn malformed() -> Self {
        Self::new("BAD_REQUEST").with_message(MALFORMED_MESSAGE)
    }

    /// Anything unexpected; the cause is logged, never sent.
    pub fn internal() -> Self {
        Self::new("INTERNAL_SERVER_ERROR").with_message("Internal server error")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_codes() {
        let e = OrpcError::new("UNAUTHORIZED");
        assert_eq!((e.status, e.message.as_str()), (401, "Unauthorized"));
        assert_eq!(
            serde_json::to_string(&e).unwrap_or_default(),
            r#"{"defined":false,"code":"UNAUTHORIZED","status":401,"message":"Unauthorized"}"#
        );
    }

    #[test]
    fn custom_codes_are_500_with_code_as_message() {
        let e = OrpcError::new("MY_CODE");
        assert_eq!((e.status, e.message.as_str()), (500, "MY_CODE"));
    }

    #[test]
    fn errors_for_statuses() {
        let e = OrpcError::for_status(400, "Unreadable request body");
        assert_eq!(
            (e.code.as_str(), e.status, e.message.as_str()),
            ("BAD_REQUEST", 400, "Unreadable request body")
        );
        let e = OrpcError::for_status(500, "cors_origin is not set");
        assert_eq!((e.code.as_str(), e.status), ("INTERNAL_SERVER_ERROR", 500));
        assert_eq!(
            OrpcError::for_status(418, "x").code,
            "INTERNAL_SERVER_ERROR"
        );
        let e = OrpcError::for_status(431, "headers too large");
        assert_eq!(
            (e.code.as_str(), e.status, e.message.as_str()),
            ("REQUEST_HEADER_FIELDS_TOO_LARGE", 431, "headers too large")
        );
    }

    #[test]
    fn empty_message_keeps_default() {
        assert_eq!(
            OrpcError::new("NOT_FOUND").with_message("").message,
            "Not Found"
        );
    }

    #[test]
    fn internal_hides_cause() {
        assert_eq!(OrpcError::internal().message, "Internal server error");
    }
}
