//! The decision for one request (spec better-auth-protocol.md §6.2) in its plain form,
//! the reference that every store must agree with, plus `X-Retry-After` and the 429
//! response of §6.4.

use spinstack_http::Response;

use crate::rule::Rule;

/// The body of the 429 response, byte for byte as Better Auth sends it.
pub const BODY: &str = r#"{"message":"Too many requests. Please try again later."}"#;

/// The `Content-Type` of the 429 response: the Fetch API's default for a string body.
pub const CONTENT_TYPE: &str = "text/plain;charset=UTF-8";

/// One bucket's state: Better Auth's `{count, lastRequest}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Requests allowed since the window started.
    pub count: u32,
    /// When the last allowed request came, in milliseconds since the Unix epoch.
    pub last_request_ms: i64,
}

/// Whether a request may proceed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Go on; `count` requests of the window have been allowed, this one included.
    Allowed {
        /// Allowed requests in the current window, including this one.
        count: u32,
    },
    /// Refuse with 429; the window ends in `retry_after_secs` seconds.
    Rejected {
        /// The `X-Retry-After` value (see [`retry_after_secs`]).
        retry_after_secs: u64,
    },
}

impl Decision {
    /// Whether the request is allowed.
    pub fn is_allowed(self) -> bool {
        matches!(self, Decision::Allowed { .. })
    }

    /// The 429 response for a rejection; `None` when the request is allowed.
    pub fn response(self) -> Option<Response> {
        match self {
            Decision::Allowed { .. } => None,
            Decision::Rejected { retry_after_secs } => Some(too_many_requests(retry_after_secs)),
        }
    }
}

/// §6.2 applied to a bucket's `entry` at `now_ms`: the decision and the entry to store.
///
/// No entry, or more than the window since the last allowed request → allowed with
/// count 1. Otherwise `count >= max` → rejected, and the entry stays as it was (a
/// rejected request never extends the window). Otherwise allowed, count + 1, and
/// `last_request = now`.
pub fn decide(entry: Option<Entry>, rule: Rule, now_ms: i64) -> (Decision, Entry) {
    let fresh = Entry {
        count: 1,
        last_request_ms: now_ms,
    };
    let Some(entry) = entry else {
        return (Decision::Allowed { count: 1 }, fresh);
    };
    if now_ms.saturating_sub(entry.last_request_ms) > rule.window_ms() {
        return (Decision::Allowed { count: 1 }, fresh);
    }
    if entry.count >= u32::from(rule.max()) {
        let retry_after_secs = retry_after_secs(entry.last_request_ms, rule, now_ms);
        return (Decision::Rejected { retry_after_secs }, entry);
    }
    let count = entry.count + 1;
    let next = Entry {
        count,
        last_request_ms: now_ms,
    };
    (Decision::Allowed { count }, next)
}

/// `X-Retry-After`: the seconds until the window of the last allowed request ends,
/// `ceil((last_request + window − now) / 1000)` as Better Auth computes it.
///
/// Kept between 0 and the window's length in whole seconds, so a clock that runs a
/// little behind another instance's (`now` before `last_request`) cannot announce a
/// wait longer than the window.
pub fn retry_after_secs(last_request_ms: i64, rule: Rule, now_ms: i64) -> u64 {
    let remaining = last_request_ms
        .saturating_add(rule.window_ms())
        .saturating_sub(now_ms)
        .clamp(0, rule.window_ms());
    // Non-negative after the clamp, so `unsigned_abs` is the value itself.
    remaining.unsigned_abs().div_ceil(1000)
}

/// The 429 response Better Auth sends (§6.4): `X-Retry-After`, a `text/plain` body
/// holding JSON without a `code`.
pub fn too_many_requests(retry_after_secs: u64) -> Response {
    Response::empty(429)
        .with_header("content-type", CONTENT_TYPE)
        .with_header("x-retry-after", &retry_after_secs.to_string())
        .with_body(BODY)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: Rule = Rule::CREDENTIALS;

    fn entry(count: u32, last_request_ms: i64) -> Entry {
        Entry {
            count,
            last_request_ms,
        }
    }

    #[test]
    fn three_allowed_then_rejected_until_the_window_passes() {
        let (d, e) = decide(None, RULE, 1_000);
        assert_eq!((d, e), (Decision::Allowed { count: 1 }, entry(1, 1_000)));
        let (d, e) = decide(Some(e), RULE, 2_000);
        assert_eq!((d, e), (Decision::Allowed { count: 2 }, entry(2, 2_000)));
        let (d, e) = decide(Some(e), RULE, 3_000);
        assert_eq!((d, e), (Decision::Allowed { count: 3 }, entry(3, 3_000)));
        // 4th: rejected, window of the 3rd ends at 13 000.
        let (d, e) = decide(Some(e), RULE, 3_005);
        assert_eq!(
            d,
            Decision::Rejected {
                retry_after_secs: 10
            }
        );
        assert_eq!(e, entry(3, 3_000), "a rejection leaves the entry alone");
        let (d, e) = decide(Some(e), RULE, 12_500);
        assert_eq!(
            d,
            Decision::Rejected {
                retry_after_secs: 1
            }
        );
        // Exactly the window after the last allowed one is not "more than" it.
        let (d, e) = decide(Some(e), RULE, 13_000);
        assert_eq!(
            d,
            Decision::Rejected {
                retry_after_secs: 0
            }
        );
        let (d, e) = decide(Some(e), RULE, 13_001);
        assert_eq!((d, e), (Decision::Allowed { count: 1 }, entry(1, 13_001)));
    }

    #[test]
    fn rejections_do_not_extend_the_window() {
        let mut state = None;
        for now in [0, 1, 2] {
            state = Some(decide(state, RULE, now).1);
        }
        for now in (3..10_000).step_by(700) {
            let (d, e) = decide(state, RULE, now);
            assert!(!d.is_allowed(), "{now}");
            state = Some(e);
        }
        assert_eq!(state, Some(entry(3, 2)));
        assert!(decide(state, RULE, 10_003).0.is_allowed());
    }

    #[test]
    fn gaps_under_the_window_keep_counting() {
        let rule = Rule::MAIL;
        let mut state = Some(entry(1, 0));
        state = Some(decide(state, rule, 59_000).1);
        state = Some(decide(state, rule, 118_000).1);
        let (d, _) = decide(state, rule, 118_001);
        assert_eq!(
            d,
            Decision::Rejected {
                retry_after_secs: 60
            }
        );
    }

    #[test]
    fn retry_after_rounds_up_and_stays_in_the_window() {
        assert_eq!(retry_after_secs(0, RULE, 0), 10);
        assert_eq!(retry_after_secs(0, RULE, 1), 10);
        assert_eq!(retry_after_secs(0, RULE, 999), 10);
        assert_eq!(retry_after_secs(0, RULE, 1_000), 9);
        assert_eq!(retry_after_secs(0, RULE, 9_999), 1);
        assert_eq!(retry_after_secs(0, RULE, 10_000), 0);
        assert_eq!(retry_after_secs(0, RULE, 50_000), 0);
        // Another instance's clock ahead of ours.
        assert_eq!(retry_after_secs(5_000, RULE, 0), 10);
        assert_eq!(retry_after_secs(0, Rule::MAIL, 1), 60);
        assert_eq!(retry_after_secs(i64::MAX, RULE, i64::MIN), 10);
    }

    #[test]
    fn the_429_response_is_better_auths() {
        let response = too_many_requests(10);
        assert_eq!(response.status, 429);
        assert_eq!(
            response.header("Content-Type"),
            Some("text/plain;charset=UTF-8")
        );
        assert_eq!(response.header("X-Retry-After"), Some("10"));
        assert_eq!(
            response.body,
            br#"{"message":"Too many requests. Please try again later."}"#
        );
        assert_eq!(response.headers.len(), 2);
        assert_eq!(
            Decision::Rejected {
                retry_after_secs: 7
            }
            .response(),
            Some(too_many_requests(7))
        );
        assert_eq!(Decision::Allowed { count: 1 }.response(), None);
    }
}
