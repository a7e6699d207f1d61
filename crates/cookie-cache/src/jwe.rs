//! The `jwe` strategy (spec §4.3): a compact JWE, `alg` `dir`, `enc` `A256CBC-HS512`
//! (RFC 7518 §5.2.5), under a 64-byte key derived per secret with HKDF-SHA-256 (salt
//! `better-auth-session`, info `BetterAuth.js Generated Encryption Key`); the header's
//! `kid` is the key's RFC 7638 thumbprint. The payload is `D` with `iat`, `exp` and a
//! random `jti` (UUID v4) appended.
//!
//! A256CBC-HS512 is composed from RustCrypto primitives exactly as RFC 7518 §5.2.2
//! defines it: `MAC_KEY` = first 32 bytes, `ENC_KEY` = last 32; AES-256-CBC with
//! PKCS#7 padding; tag = the first 32 bytes of HMAC-SHA-512 over `AAD ‖ IV ‖
//! ciphertext ‖ AL` (AAD the protected header's base64url text, AL its length in bits
//! as a 64-bit big-endian integer). The tag is checked, in constant time, before
//! anything is decrypted.
//!
//! Decryption follows Better Auth over `jose` (`symmetricDecodeJWT`): a token whose
//! header names a `kid` is tried only with the secret whose key has that thumbprint
//! (none: invalid, no trial decryption); a token without `kid` is tried with each
//! secret in ring order. `jose`'s header rules kept: `alg` `dir`, `enc` one of
//! `A256CBC-HS512` or `A256GCM` (which a 64-byte key never fits), no `crit`, no
//! `zip`, an empty encrypted-key part, a 16-byte IV.

use aes::Aes256;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::{Digest, Sha256, Sha512};

use crate::b64;
use crate::cache::Fallback;
use crate::jwt::json_object;
use crate::payload::Payload;
use crate::secrets::{KeyMatch, KeyRing};

/// HKDF salt of the session cache (the `account_data` cookie uses `better-auth-account`).
pub(crate) const SESSION_SALT: &str = "better-auth-session";
/// HKDF info string of every key Better Auth derives for encryption.
const INFO: &[u8] = b"BetterAuth.js Generated Encryption Key";
const ENC: &str = "A256CBC-HS512";

/// The encryption key of one secret and its `kid`.
#[derive(Clone)]
pub(crate) struct JweKey {
    key: [u8; 64],
    kid: String,
    /// The protected header written with this key, base64url.
    header: String,
    position: usize,
    version: Option<u64>,
}

impl JweKey {
    /// The keys of every secret of the ring, in ring order.
    pub(crate) fn derive_all(ring: &KeyRing, salt: &str) -> Vec<Self> {
        ring.secrets()
            .iter()
            .enumerate()
            .map(|(position, secret)| {
                let key = derive_key(secret.value(), salt);
                let kid = thumbprint(&key);
                Self {
                    header: b64::encode(format!(r#"{{"alg":"dir","enc":"{ENC}","kid":"{kid}"}}"#)),
                    kid,
                    key,
                    position,
                    version: secret.version(),
                }
            })
            .collect()
    }

    /// The key's `kid` (RFC 7638 thumbprint).
    #[cfg(test)]
    pub(crate) fn kid(&self) -> &str {
        &self.kid
    }

    /// The 64 key bytes.
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> &[u8; 64] {
        &self.key
    }

    fn mac_key(&self) -> &[u8] {
        &self.key[..32]
    }

    fn enc_key(&self) -> &[u8] {
        &self.key[32..]
    }

    fn key_match(&self) -> KeyMatch {
        KeyMatch {
            position: self.position,
            version: self.version,
        }
    }

    fn tag(&self, aad: &[u8], iv: &[u8], ciphertext: &[u8]) -> Hmac<Sha512> {
        let Ok(mut mac) = Hmac::<Sha512>::new_from_slice(self.mac_key()) else {
            unreachable!("HMAC-SHA-512 takes keys of any length")
        };
        mac.update(aad);
        mac.update(iv);
        mac.update(ciphertext);
        let aad_bits = (aad.len() as u64).wrapping_mul(8);
        mac.update(&aad_bits.to_be_bytes());
        mac
    }
}

/// HKDF-SHA-256 of the secret's UTF-8 bytes into 64 bytes.
pub(crate) fn derive_key(secret: &str, salt: &str) -> [u8; 64] {
    let mut key = [0; 64];
    let hkdf = Hkdf::<Sha256>::new(Some(salt.as_bytes()), secret.as_bytes());
    if hkdf.expand(INFO, &mut key).is_err() {
        unreachable!("64 bytes is within HKDF-SHA-256's output limit")
    }
    key
}

/// RFC 7638 SHA-256 thumbprint of the key as an `oct` JWK.
fn thumbprint(key: &[u8]) -> String {
    let jwk = format!(r#"{{"k":"{}","kty":"oct"}}"#, b64::encode(key));
    b64::encode(Sha256::digest(jwk.as_bytes()))
}

/// A lowercase UUID v4 made of 16 random bytes (version and variant bits set).
pub(crate) fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut uuid = String::with_capacity(36);
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            uuid.push('-');
        }
        uuid.push(char::from(HEX[usize::from(byte >> 4)]));
        uuid.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    uuid
}

/// The token for `claims` (the payload JSON) under `key`, with the given IV.
pub(crate) fn encrypt(key: &JweKey, claims: &str, iv: [u8; 16]) -> String {
    let header = &key.header;
    let Ok(cipher) = cbc::Encryptor::<Aes256>::new_from_slices(key.enc_key(), &iv) else {
        unreachable!("AES-256 keys are 32 bytes and CBC IVs 16")
    };
    let ciphertext = cipher.encrypt_padded_vec_mut::<Pkcs7>(claims.as_bytes());
    let tag = key
        .tag(header.as_bytes(), &iv, &ciphertext)
        .finalize()
        .into_bytes();
    format!(
        "{header}..{}.{}.{}",
        b64::encode(iv),
        b64::encode(&ciphertext),
        b64::encode(&tag[..32])
    )
}

/// Decrypts a token with the ring's keys: its claims set and the secret that opened it.
pub(crate) fn decrypt_claims(
    keys: &[JweKey],
    token: &str,
) -> Result<(Payload, KeyMatch), Fallback> {
    let (plaintext, key) = plaintext(keys, token)?;
    let claims = Payload::from_json(&b64::text(&plaintext)).ok_or(Fallback::Malformed)?;
    Ok((claims, key))
}

/// [`decrypt_claims`] into a map of every claim.
#[cfg(test)]
pub(crate) fn decrypt(
    keys: &[JweKey],
    token: &str,
) -> Result<(serde_json::Map<String, Value>, KeyMatch), Fallback> {
    let (plaintext, key) = plaintext(keys, token)?;
    match serde_json::from_str(&b64::text(&plaintext)) {
        Ok(Value::Object(claims)) => Ok((claims, key)),
        _ => Err(Fallback::Malformed),
    }
}

/// Opens a token with the ring's keys: its plaintext and the secret that opened it.
fn plaintext(keys: &[JweKey], token: &str) -> Result<(Vec<u8>, KeyMatch), Fallback> {
    let mut parts = token.split('.');
    let (Some(header_b64), Some(encrypted_key), Some(iv), Some(ciphertext), Some(tag), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(Fallback::Malformed);
    };
    // The header a key of the ring writes needs no parsing: it passes every check
    // below and names that key's `kid`, which no earlier key has (else its header
    // would have matched first).
    if let Some(key) = keys.iter().find(|key| key.header == header_b64) {
        if !encrypted_key.is_empty() {
            return Err(Fallback::Malformed);
        }
        return open(&[key], header_b64, iv, ciphertext, tag);
    }
    let header = json_object(header_b64).ok_or(Fallback::Malformed)?;
    if header.contains_key("crit")
        || header.contains_key("zip")
        || header.get("alg").and_then(Value::as_str) != Some("dir")
        || !encrypted_key.is_empty()
    {
        return Err(Fallback::Malformed);
    }
    match header.get("enc").and_then(Value::as_str) {
        Some(ENC) => {}
        // Allowed by Better Auth, but a 64-byte key never fits AES-256-GCM.
        Some("A256GCM") => return Err(Fallback::Unverified),
        _ => return Err(Fallback::Malformed),
    }
    let candidates: Vec<&JweKey> = match header.get("kid") {
        Some(kid) => keys
            .iter()
            .find(|key| kid.as_str() == Some(key.kid.as_str()))
            .into_iter()
            .collect(),
        None => keys.iter().collect(),
    };
    if candidates.is_empty() {
        return Err(Fallback::Unverified);
    }
    open(&candidates, header_b64, iv, ciphertext, tag)
}

/// Checks the tag and decrypts with the first candidate key that opens the token.
fn open(
    candidates: &[&JweKey],
    header_b64: &str,
    iv: &str,
    ciphertext: &str,
    tag: &str,
) -> Result<(Vec<u8>, KeyMatch), Fallback> {
    let decode = |part: &str| b64::decode_jose(part).ok_or(Fallback::Malformed);
    let (iv, ciphertext, tag) = (decode(iv)?, decode(ciphertext)?, decode(tag)?);
    if iv.len() != 16 {
        return Err(Fallback::Malformed);
    }
    // The AAD is the header as sent; jose encodes the compact token's text as UTF-8.
    let aad = header_b64.as_bytes();
    let (plaintext, key) = candidates
        .iter()
        .find_map(|key| {
            if tag.len() != 32
                || key
                    .tag(aad, &iv, &ciphertext)
                    .verify_truncated_left(&tag)
                    .is_err()
            {
                return None;
            }
            let cipher = cbc::Decryptor::<Aes256>::new_from_slices(key.enc_key(), &iv).ok()?;
            let plaintext = cipher.decrypt_padded_vec_mut::<Pkcs7>(&ciphertext).ok()?;
            Some((plaintext, key))
        })
        .ok_or(Fallback::Unverified)?;
    Ok((plaintext, key.key_match()))
}
