//! The three base64 flavours of the cache (spec §4): what we write, what Better Auth's
//! own decoder reads (compact strategy), and what `jose` reads (jwt and jwe).

use std::borrow::Cow;

use base64::Engine as _;
use base64::alphabet::{Alphabet, STANDARD, URL_SAFE};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Lenient decoding: trailing bits ignored, padding optional.
const fn lenient(alphabet: &Alphabet) -> GeneralPurpose {
    GeneralPurpose::new(
        alphabet,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::Indifferent),
    )
}

const LENIENT_STANDARD: GeneralPurpose = lenient(&STANDARD);
const LENIENT_URL_SAFE: GeneralPurpose = lenient(&URL_SAFE);

/// Unpadded base64url, as every strategy writes.
pub(crate) fn encode(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `@better-auth/utils`' `base64Url.decode`: the URL alphabet when the text contains
/// `-` or `_` anywhere, else the standard one; decoding stops at the first `=`; a
/// character outside the alphabet is an error (upstream throws, which becomes a 500;
/// we report it); leftover bits, including a lone final symbol, are dropped.
pub(crate) fn decode_permissive(text: &str) -> Option<Vec<u8>> {
    // `-` and `_` are ASCII: searching the bytes finds the same characters, faster.
    let url = text.as_bytes().contains(&b'-') || text.as_bytes().contains(&b'_');
    let body = text.split('=').next().unwrap_or_default();
    if !body.is_ascii() {
        return None;
    }
    let (engine, symbols): (&GeneralPurpose, &[u8]) = if url {
        (&LENIENT_URL_SAFE, b"-_")
    } else {
        (&LENIENT_STANDARD, b"+/")
    };
    let body = if body.len() % 4 == 1 {
        // Six bits never make a byte: the last symbol only needs to be valid.
        let last = body.as_bytes()[body.len() - 1];
        if !(last.is_ascii_alphanumeric() || symbols.contains(&last)) {
            return None;
        }
        &body[..body.len() - 1]
    } else {
        body
    };
    engine.decode(body).ok()
}

/// `jose`'s base64url: ASCII white space skipped, padding optional, trailing bits
/// ignored, URL alphabet only (as `spinstack_sessions::jws` reads it).
pub(crate) fn decode_jose(part: &str) -> Option<Vec<u8>> {
    // White space is no symbol: a part decodes as it is exactly when it has none and
    // is valid. Otherwise the white space is dropped, byte-wise (the skipped characters
    // are ASCII, which never occur inside the UTF-8 encoding of another character).
    let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r');
    if let Ok(bytes) = LENIENT_URL_SAFE.decode(part) {
        return Some(bytes);
    }
    if !part.as_bytes().iter().any(space) {
        return None;
    }
    let compact: Vec<u8> = part.bytes().filter(|b| !space(b)).collect();
    LENIENT_URL_SAFE.decode(compact).ok()
}

/// Text of decoded bytes as `TextDecoder` gives it: invalid UTF-8 replaced, a leading
/// byte-order mark dropped. Borrowed unless something was replaced.
pub(crate) fn text(bytes: &[u8]) -> Cow<'_, str> {
    // Valid UTF-8 (always, from a server) is checked by the faster validator first.
    let lossy = match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    };
    match lossy {
        Cow::Borrowed(text) => Cow::Borrowed(text.strip_prefix('\u{FEFF}').unwrap_or(text)),
        Cow::Owned(text) => match text.strip_prefix('\u{FEFF}') {
            Some(rest) => Cow::Owned(rest.to_owned()),
            None => Cow::Owned(text),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissive_decoder_matches_better_auth() {
        // "hello world" in both alphabets, padded or not.
        for text in [
            "aGVsbG8gd29ybGQ",
            "aGVsbG8gd29ybGQ=",
            "aGVsbG8gd29ybGQ=junk",
        ] {
            assert_eq!(
                decode_permissive(text).as_deref(),
                Some(&b"hello world"[..])
            );
        }
        // The alphabet is chosen by `-`/`_` anywhere, even after the padding.
        assert_eq!(decode_permissive("-_8").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(decode_permissive("+/8").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(decode_permissive("+/8=-"), None);
        // Characters outside the alphabet: upstream throws.
        for bad in ["a.b.c", "abc-def+ghi", "ab cd", "abé"] {
            assert_eq!(decode_permissive(bad), None, "{bad}");
        }
        // Leftover bits are dropped: a lone last symbol, non-zero trailing bits.
        assert_eq!(decode_permissive("QUJDR").as_deref(), Some(&b"ABC"[..]));
        assert_eq!(decode_permissive("QR").as_deref(), Some(&b"A"[..]));
        assert_eq!(decode_permissive("").as_deref(), Some(&[][..]));
    }

    #[test]
    fn jose_decoder() {
        assert_eq!(
            decode_jose("eyJhbGciOiJIUzI1NiJ9").as_deref(),
            Some(&br#"{"alg":"HS256"}"#[..])
        );
        for text in ["YQ", "YQ==", "Y Q=", "\tYQ\n"] {
            assert_eq!(decode_jose(text).as_deref(), Some(&b"a"[..]), "{text:?}");
        }
        assert_eq!(decode_jose("eyJhbGciOiJIUzI1NiJ9=="), None);
        assert_eq!(decode_jose("+/8"), None);
        // Only jose's five white-space characters are skipped, wherever they are.
        for text in [" \x0cY\r\nQ\t", "Y Q ==", "YQ=\n="] {
            assert_eq!(decode_jose(text).as_deref(), Some(&b"a"[..]), "{text:?}");
        }
        for text in ["Y\u{a0}Q", "Y\u{b}Q", "Y\u{3000}Q", "YQ é", "Y Q=a"] {
            assert_eq!(decode_jose(text), None, "{text:?}");
        }
        assert_eq!(decode_jose(" \n").as_deref(), Some(&[][..]));
    }

    #[test]
    fn text_decoding_is_lossy_and_drops_a_bom() {
        assert_eq!(text(b"\xEF\xBB\xBF{}"), "{}");
        assert_eq!(text(b"a\xFFb"), "a\u{FFFD}b");
        assert_eq!(text(b"\xEF\xBB\xBFa\xFF"), "a\u{FFFD}");
        assert_eq!(text(b"\xEF\xBB\xBF\xEF\xBB\xBF"), "\u{FEFF}");
        assert_eq!(text(b"\xEF\xBB"), "\u{FFFD}");
        assert!(matches!(text(b"{}"), Cow::Borrowed("{}")));
    }
}
