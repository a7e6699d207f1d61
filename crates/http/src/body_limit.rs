//! The request-body limit: every component reads at most [`MAX_BODY_BYTES`] of a
//! body before routing, and refuses a larger one with `413` in its protocol's error
//! format. A declared `Content-Length` over the limit is refused before anything is
//! read; a body without one (chunked) is read chunk by chunk and refused as soon as the
//! limit is passed, so no more than the limit plus the chunk in hand is ever held.

/// The largest request body accepted: 1 MiB. Sign-up and sign-in bodies are well
/// under a kilobyte and the API's inputs are small JSON documents; anything near this
/// size is a mistake or an attack.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The message of the `413` every component answers for a larger body.
pub const TOO_LARGE_MESSAGE: &str = "Request body too large: the limit is 1 MiB (1048576 bytes)";

/// The body is larger than the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyTooLarge;

/// A body being read under a limit.
#[derive(Debug)]
pub struct LimitedBody {
    limit: usize,
    bytes: Vec<u8>,
}

impl LimitedBody {
    /// Starts reading a body whose request carries `headers` (lower-case names):
    /// refused at once when a `Content-Length` declares more than `limit` bytes.
    ///
    /// # Errors
    /// [`BodyTooLarge`] for a declared length over the limit.
    pub fn new(limit: usize, headers: &[(String, String)]) -> Result<Self, BodyTooLarge> {
        let mut declared = 0;
        for (_, value) in headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        {
            // The host has already refused malformed lengths; a value that is not a
            // number is left to the byte count below, one too big for a number is
            // too large.
            let value = value.trim();
            if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            match value.parse::<usize>() {
                Ok(length) if length <= limit => declared = declared.max(length),
                _ => return Err(BodyTooLarge),
            }
        }
        Ok(Self {
            limit,
            bytes: Vec::with_capacity(declared),
        })
    }

    /// Appends the next chunk read.
    ///
    /// # Errors
    /// [`BodyTooLarge`] once the body would exceed the limit; the chunk is not kept.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), BodyTooLarge> {
        if chunk.len() > self.limit - self.bytes.len() {
            return Err(BodyTooLarge);
        }
        self.bytes.extend_from_slice(chunk);
        Ok(())
    }

    /// The whole body.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn a_declared_length_over_the_limit_is_refused_before_reading() {
        for length in ["1048577", "99999999999999999999", "18446744073709551615"] {
            assert_eq!(
                LimitedBody::new(MAX_BODY_BYTES, &headers(&[("content-length", length)])).map(drop),
                Err(BodyTooLarge),
                "{length}"
            );
        }
        for length in ["0", "1048576", " 12 ", "nonsense"] {
            assert!(
                LimitedBody::new(MAX_BODY_BYTES, &headers(&[("content-length", length)])).is_ok(),
                "{length}"
            );
        }
    }

    #[test]
    fn chunks_are_refused_once_the_limit_is_passed() -> Result<(), BodyTooLarge> {
        let mut body = LimitedBody::new(10, &[])?;
        body.push(b"12345")?;
        body.push(b"")?;
        body.push(b"67890")?;
        assert_eq!(body.push(b"x"), Err(BodyTooLarge));
        assert_eq!(body.into_bytes(), b"1234567890");

        let mut body = LimitedBody::new(10, &[])?;
        body.push(b"1234")?;
        assert_eq!(body.push(b"1234567"), Err(BodyTooLarge));
        assert_eq!(body.bytes.len(), 4, "the refused chunk is not kept");
        Ok(())
    }

    #[test]
    fn a_lying_content_length_is_still_counted() -> Result<(), BodyTooLarge> {
        let mut body = LimitedBody::new(8, &headers(&[("content-length", "2")]))?;
        assert_eq!(body.push(b"123456789"), Err(BodyTooLarge));
        Ok(())
    }
}
