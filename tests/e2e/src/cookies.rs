//! Signs cookie values the way better-call does (spec better-auth-protocol.md §3.3),
//! written here independently of `spinstack-cookies` so the tests check it; and a
//! browser-like cookie [`Jar`].

use base64::Engine as _;
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::Sha256;

const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// `encodeURIComponent(value + "." + base64(HMAC-SHA256(secret, value)))`.
pub fn signed(secret: &str, value: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        unreachable!("HMAC takes any key length")
    };
    mac.update(value.as_bytes());
    let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    utf8_percent_encode(&format!("{value}.{signature}"), URI_COMPONENT).to_string()
}

/// An HS256 JWT of `payload` signed with `secret` (Better Auth's email-verification
/// tokens), built independently of the server.
///
/// # Errors
/// Never in practice: HMAC takes any key length.
pub fn hs256_jwt(payload: &serde_json::Value, secret: &str) -> anyhow::Result<String> {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let data = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256"}"#),
        URL_SAFE_NO_PAD.encode(payload.to_string())
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())?;
    mac.update(data.as_bytes());
    Ok(format!(
        "{data}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    ))
}

/// The cookies a browser holds for the app: `Set-Cookie` lines applied in order (a
/// `Max-Age=0` or empty value removes the cookie), sent back as one `Cookie` header.
#[derive(Debug, Clone, Default)]
pub struct Jar {
    cookies: Vec<(String, String)>,
}

impl Jar {
    /// Applies every `Set-Cookie` line of `reply`.
    pub fn apply(&mut self, reply: &crate::http::Reply) {
        for line in reply.all("set-cookie") {
            self.apply_line(line);
        }
    }

    /// Applies one `Set-Cookie` line.
    pub fn apply_line(&mut self, line: &str) {
        let mut parts = line.split(';').map(str::trim);
        let Some((name, value)) = parts.next().and_then(|pair| pair.split_once('=')) else {
            return;
        };
        let expired = parts.any(|attribute| attribute.eq_ignore_ascii_case("max-age=0"));
        self.cookies.retain(|(held, _)| held != name);
        if !expired && !value.is_empty() {
            self.cookies.push((name.to_owned(), value.to_owned()));
        }
    }

    /// The value of cookie `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(held, _)| held == name)
            .map(|(_, value)| value.as_str())
    }

    /// The names held, in the order they were set.
    pub fn names(&self) -> Vec<&str> {
        self.cookies.iter().map(|(name, _)| name.as_str()).collect()
    }

    /// Sets or replaces cookie `name`.
    pub fn set(&mut self, name: &str, value: &str) {
        self.apply_line(&format!("{name}={value}"));
    }

    /// The `Cookie` header.
    pub fn header(&self) -> String {
        self.cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn spec_vector() {
        assert_eq!(
            super::signed(
                "better-auth-secret-123456789012345678901234567890",
                "abcdefghijklmnopqrstuvwxyzABCDEF"
            ),
            "abcdefghijklmnopqrstuvwxyzABCDEF.OFkFZ1pNR49GziQ%2FbF5PlWCQ%2FHy%2Fg7jGNfO%2BGUDRY4c%3D"
        );
    }
}
