//! Signed cookies (`spinstack-cookies`): Cookie header parsing and HMAC-SHA256
//! verification.
//!
//! Input: `secret \n cookie-header` (the header may hold anything).
//! Properties:
//! 1. whatever `verify_signed_cookie` accepts (from the parsed header, or the raw
//!    text) is exactly `value.` + base64(HMAC-SHA256(secret, value)), recomputed here
//!    independently with `hmac`/`sha2`/`base64`: arbitrary bytes never verify unless
//!    they are a correct signature;
//! 2. a non-empty value signed with the secret (`signed_cookie_value`) and sent in a
//!    Cookie header next to the fuzzed header is found by `cookie_value` and verifies
//!    to the same value.
#![no_main]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use libfuzzer_sys::fuzz_target;
use sha2::Sha256;
use spinstack_cookies::{CookieNames, cookie_value, signed_cookie_value, verify_signed_cookie};

fn expected_signature(secret: &str, value: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(value.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

fn check_verified(secret: &str, decoded: &str) {
    if let Some(value) = verify_signed_cookie(secret, decoded) {
        let expected = format!("{value}.{}", expected_signature(secret, &value));
        assert_eq!(
            decoded, expected,
            "accepted a value that is not value.HMAC(value)"
        );
        assert!(!value.is_empty());
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (secret, header) = text
        .split_once('\n')
        .unwrap_or(("better-auth-secret", text));
    let names = CookieNames::new(false);
    let secure = CookieNames::new(true);

    // 1. Parsing and verifying what the fuzzer sends.
    check_verified(secret, header);
    for name in [
        &names.session_token,
        &names.session_data,
        &names.dont_remember,
        &secure.session_token,
    ] {
        if let Some(decoded) = cookie_value(header, name) {
            check_verified(secret, &decoded);
        }
    }
    let _ = spinstack_cookies::parse::cookie_names(header).count();

    // 2. Round trip of a value we sign. Take the value as the header's first field
    //    (any text without `;`, which the Cookie header would split on... and which
    //    `signed_cookie_value` percent-encodes anyway), else the whole text.
    for value in [header, header.split(';').next().unwrap_or_default()] {
        if value.is_empty() {
            continue;
        }
        let cookie = signed_cookie_value(secret, value);
        for sent in [
            format!("{}={cookie}", names.session_token),
            format!("other=1; {}={cookie}; {}", names.session_token, "x=y"),
        ] {
            let decoded = cookie_value(&sent, &names.session_token).expect("cookie present");
            assert_eq!(
                verify_signed_cookie(secret, &decoded).as_deref(),
                Some(value),
                "a value we signed does not verify"
            );
        }
    }
});
