//! The rejection sampler that maps random bytes onto the 62-symbol alphabet without
//! bias, kept apart from the RNG so tests can feed it chosen bytes.

/// The symbols, in upstream's order (`createRandomStringGenerator("a-z", "A-Z", "0-9")`).
pub const ALPHABET: &[u8; 62] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// Bytes from here up are discarded: 248 = 4 × 62 is the largest multiple of 62 that
/// fits in a byte, so `byte % 62` over the kept bytes hits each symbol exactly 4 ways.
const REJECT_FROM: u8 = 248;

/// Appends a symbol to `out` for each byte below [`REJECT_FROM`], in order, until `out`
/// holds `len` symbols or the bytes run out. Extra bytes are left unused.
pub(crate) fn push_symbols(out: &mut String, len: usize, bytes: &[u8]) {
    let kept = bytes.iter().filter(|&&byte| byte < REJECT_FROM);
    for &byte in kept.take(len.saturating_sub(out.len())) {
        out.push(char::from(ALPHABET[usize::from(byte % 62)]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(len: usize, bytes: &[u8]) -> String {
        let mut out = String::new();
        push_symbols(&mut out, len, bytes);
        out
    }

    #[test]
    fn maps_bytes_modulo_62_in_alphabet_order() {
        assert_eq!(sample(10, &[0, 25, 26, 51, 52, 61]), "azAZ09");
        assert_eq!(sample(10, &[62, 123, 124, 185, 186, 247]), "a9a9a9");
    }

    #[test]
    fn discards_bytes_from_248_up() {
        assert_eq!(sample(10, &[248, 0, 255, 1, 250, 247]), "ab9");
        assert_eq!(sample(10, &[248, 249, 250, 251, 252, 253, 254, 255]), "");
    }

    #[test]
    fn stops_at_the_wanted_length_and_resumes_a_partial_string() {
        assert_eq!(sample(2, &[0, 1, 2, 3]), "ab");
        let mut out = String::from("x");
        push_symbols(&mut out, 3, &[255, 2, 255, 3, 4]);
        assert_eq!(out, "xcd");
        push_symbols(&mut out, 3, &[5]);
        assert_eq!(out, "xcd");
    }

    /// Each symbol has exactly four preimages among the kept bytes, so the map is
    /// uniform whenever the bytes are.
    #[test]
    fn every_symbol_has_exactly_four_preimages() {
        let all: Vec<u8> = (0..=255).collect();
        let drawn = sample(usize::MAX, &all);
        assert_eq!(drawn.len(), 248);
        for &symbol in ALPHABET {
            assert_eq!(drawn.bytes().filter(|&b| b == symbol).count(), 4);
        }
    }
}
