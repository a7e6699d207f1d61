//! The `session_data` cookie on the wire (spec §2.2–§2.4): values too long for one
//! cookie are split into `<name>.0`, `<name>.1`, … and reassembled on read; stale
//! chunks are expired.
//!
//! - Writing ([`write()`]): the per-cookie ceiling is 4050 bytes; the chunk size is that
//!   minus the length of the empty cookie `<name>.99=` with the real attributes
//!   (3968 characters for the template's development cookie with `Max-Age=300`). One
//!   chunk or fewer: the base name. 2–100 chunks: `<name>.0 …`. More than 100: no
//!   cache cookie at all. Every write first expires each base or chunk cookie the
//!   request carried, then lays the new cookies over that list by name.
//! - Reading ([`read()`]): the base cookie if it is non-empty, else every chunk sorted by
//!   index and concatenated (no check for gaps).
//! - A chunk is `<name>.<k>` with `k` a canonical decimal: no sign, no leading zero
//!   except `0` itself, at most `Number.MAX_SAFE_INTEGER`.

use spinstack_cookies::SetCookie;
use spinstack_cookies::cookie_value;
use spinstack_cookies::parse::cookie_names;

/// Better Auth's per-cookie byte ceiling (`Set-Cookie` line, name and attributes
/// included): under Safari's ~4093.
pub const MAX_COOKIE_SIZE: usize = 4050;
/// The most chunks a value may take; a larger value is not cached.
pub const MAX_CHUNKS: usize = 100;
/// `Number.MAX_SAFE_INTEGER`.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// The chunk index of `candidate` if it names a chunk of `name`.
pub fn chunk_index(name: &str, candidate: &str) -> Option<u64> {
    let suffix = candidate.strip_prefix(name)?.strip_prefix('.')?;
    let canonical = suffix == "0"
        || (!suffix.is_empty()
            && !suffix.starts_with('0')
            && suffix.bytes().all(|b| b.is_ascii_digit()));
    if !canonical {
        return None;
    }
    suffix.parse().ok().filter(|&k| k <= MAX_SAFE_INTEGER)
}

/// Whether `candidate` is the cache cookie `name` or one of its chunks (e.g. to drop
/// `Set-Cookie` lines already queued before expiring the cache, §2.4).
pub fn is_cache_cookie(name: &str, candidate: &str) -> bool {
    candidate == name || chunk_index(name, candidate).is_some()
}

/// The cache value a `Cookie` header carries under `name`: the base cookie when
/// non-empty, else its chunks in index order. `None` when absent or empty.
pub fn read(cookie_header: &str, name: &str) -> Option<String> {
    if let Some(value) = cookie_value(cookie_header, name).filter(|v| !v.is_empty()) {
        return Some(value);
    }
    let mut chunks: Vec<(u64, String)> = Vec::new();
    for candidate in cookie_names(cookie_header) {
        let Some(index) = chunk_index(name, candidate) else {
            continue;
        };
        // The first occurrence of a name wins, as for every cookie.
        if chunks.iter().any(|&(seen, _)| seen == index) {
            continue;
        }
        if let Some(value) = cookie_value(cookie_header, candidate) {
            chunks.push((index, value));
        }
    }
    chunks.sort_by_key(|&(index, _)| index);
    let value: String = chunks.into_iter().map(|(_, value)| value).collect();
    (!value.is_empty()).then_some(value)
}

/// The names of the base and chunk cookies a `Cookie` header carries, in request
/// order, each once: what a write or a clean-up expires.
pub fn names_to_clear(cookie_header: &str, name: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for candidate in cookie_names(cookie_header) {
        if is_cache_cookie(name, candidate) && !names.iter().any(|n| n == candidate) {
            names.push(candidate.to_owned());
        }
    }
    names
}

/// Better Auth's "clean": a `Max-Age=0` cookie for each of [`names_to_clear`].
pub fn clear(cookie_header: Option<&str>, name: &str) -> Vec<SetCookie> {
    cookie_header
        .map(|header| names_to_clear(header, name))
        .unwrap_or_default()
        .iter()
        .map(|name| SetCookie::clear(name))
        .collect()
}

/// The longest chunk that keeps `<name>.99=<chunk>` with the cookie attributes (and
/// `Max-Age`, when set) within [`MAX_COOKIE_SIZE`]; 0 when even an empty one does not fit.
pub fn chunk_size(name: &str, max_age: Option<u64>) -> usize {
    let empty = SetCookie {
        name: format!("{name}.99"),
        value: String::new(),
        max_age,
    };
    MAX_COOKIE_SIZE.saturating_sub(empty.to_string().len())
}

/// The `Set-Cookie` lines of one cache write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheCookies {
    /// In order: the request's cache cookies (each overwritten or expired), then the
    /// new names.
    pub set_cookies: Vec<SetCookie>,
    /// `false` when the value needed more than [`MAX_CHUNKS`] chunks and was not
    /// written (Better Auth logs a warning); stale cookies are still expired.
    pub written: bool,
}

/// Writes `value` as the cache cookie `name` with `max_age` (§2.2), given the
/// request's `Cookie` header. Values are ASCII (base64url and dots); a longer
/// character is never split.
pub fn write(
    name: &str,
    value: &str,
    max_age: Option<u64>,
    request_cookie_header: Option<&str>,
) -> CacheCookies {
    let mut set_cookies = clear(request_cookie_header, name);
    let size = chunk_size(name, max_age);
    let length = value.chars().count();
    let count = if size == 0 {
        usize::MAX
    } else {
        length.div_ceil(size)
    };
    let new: Vec<(String, String)> = if count <= 1 {
        vec![(name.to_owned(), value.to_owned())]
    } else if count > MAX_CHUNKS {
        Vec::new()
    } else {
        let chars: Vec<char> = value.chars().collect();
        chars
            .chunks(size)
            .enumerate()
            .map(|(i, chunk)| (format!("{name}.{i}"), chunk.iter().collect()))
            .collect()
    };
    let written = !new.is_empty();
    for (name, value) in new {
        let cookie = SetCookie {
            name,
            value,
            max_age,
        };
        match set_cookies.iter_mut().find(|c| c.name == cookie.name) {
            Some(existing) => *existing = cookie,
            None => set_cookies.push(cookie),
        }
    }
    CacheCookies {
        set_cookies,
        written,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: &str = "better-auth.session_data";

    fn lines(cookies: &CacheCookies) -> Vec<String> {
        cookies
            .set_cookies
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn chunk_sizes_match_the_traces() {
        assert_eq!(chunk_size(NAME, Some(300)), 3968);
        assert_eq!(chunk_size(&format!("__Secure-{NAME}"), Some(300)), 3959);
        assert_eq!(chunk_size(NAME, None), 3981);
        assert_eq!(chunk_size(&"n".repeat(5000), Some(300)), 0);
    }

    #[test]
    fn a_small_value_is_one_cookie() {
        let cookies = write(NAME, "abc", Some(300), None);
        assert!(cookies.written);
        assert_eq!(
            lines(&cookies),
            ["better-auth.session_data=abc; Max-Age=300; Path=/; HttpOnly; Secure; SameSite=None"]
        );
        // A rewrite of an unchunked cookie is a single line.
        let cookies = write(NAME, "new", Some(300), Some(&format!("{NAME}=old")));
        assert_eq!(cookies.set_cookies.len(), 1);
        assert_eq!(cookies.set_cookies[0].value, "new");
        // Don't-remember: no Max-Age.
        let cookies = write(NAME, "abc", None, None);
        assert_eq!(
            lines(&cookies),
            ["better-auth.session_data=abc; Path=/; HttpOnly; Secure; SameSite=None"]
        );
    }

    #[test]
    fn stale_chunks_are_expired_before_the_new_value() {
        // §2.2's trace: the request had three chunks, the new value is small.
        let header = format!("{NAME}.0=a; other=1; {NAME}.1=b; {NAME}.2=c");
        let cookies = write(NAME, "v", Some(300), Some(&header));
        let names: Vec<(&str, &str, Option<u64>)> = cookies
            .set_cookies
            .iter()
            .map(|c| (c.name.as_str(), c.value.as_str(), c.max_age))
            .collect();
        assert_eq!(
            names,
            [
                ("better-auth.session_data.0", "", Some(0)),
                ("better-auth.session_data.1", "", Some(0)),
                ("better-auth.session_data.2", "", Some(0)),
                ("better-auth.session_data", "v", Some(300)),
            ]
        );
    }

    #[test]
    fn a_large_value_is_chunked_over_the_request_cookies() {
        let value: String = (0..9000)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let header = format!("{NAME}=old; {NAME}.1=stale; {NAME}.7=stale");
        let cookies = write(NAME, &value, Some(300), Some(&header));
        assert!(cookies.written);
        let names: Vec<(&str, usize, Option<u64>)> = cookies
            .set_cookies
            .iter()
            .map(|c| (c.name.as_str(), c.value.len(), c.max_age))
            .collect();
        assert_eq!(
            names,
            [
                ("better-auth.session_data", 0, Some(0)),
                ("better-auth.session_data.1", 3968, Some(300)),
                ("better-auth.session_data.7", 0, Some(0)),
                ("better-auth.session_data.0", 3968, Some(300)),
                ("better-auth.session_data.2", 9000 - 2 * 3968, Some(300)),
            ]
        );
        for line in lines(&cookies) {
            assert!(line.len() <= MAX_COOKIE_SIZE, "{}", line.len());
        }
        // Reading the new cookies back gives the value.
        let header: Vec<String> = cookies
            .set_cookies
            .iter()
            .filter(|c| c.max_age != Some(0))
            .map(|c| format!("{}={}", c.name, c.value))
            .collect();
        assert_eq!(read(&header.join("; "), NAME), Some(value));
    }

    #[test]
    fn more_than_a_hundred_chunks_is_not_written() {
        let size = chunk_size(NAME, Some(300));
        let value = "x".repeat(size * MAX_CHUNKS);
        assert!(write(NAME, &value, Some(300), None).written);
        let value = "x".repeat(size * MAX_CHUNKS + 1);
        let cookies = write(NAME, &value, Some(300), Some(&format!("{NAME}.0=a")));
        assert!(!cookies.written);
        assert_eq!(
            cookies.set_cookies,
            [SetCookie::clear(&format!("{NAME}.0"))]
        );
    }

    #[test]
    fn reading_prefers_the_base_cookie_then_sorted_chunks() {
        assert_eq!(
            read(&format!("{NAME}=whole; {NAME}.0=x"), NAME).as_deref(),
            Some("whole")
        );
        // An empty base cookie counts as absent.
        let header = format!(
            "{NAME}=; {NAME}.10=K; {NAME}.2=C; {NAME}.0=A; {NAME}.1=B; {NAME}.9=J; {NAME}.01=no; {NAME}.1a=no; {NAME}.-1=no; {NAME}.+3=no; {NAME}.=no; {NAME}x.3=no; {NAME}.2=dup"
        );
        assert_eq!(read(&header, NAME).as_deref(), Some("ABCJK"));
        assert_eq!(read(&format!("{NAME}=; {NAME}.0="), NAME), None);
        assert_eq!(read("other=1", NAME), None);
        // Chunk indexes up to Number.MAX_SAFE_INTEGER.
        assert_eq!(
            chunk_index(NAME, &format!("{NAME}.9007199254740991")),
            Some((1 << 53) - 1)
        );
        assert_eq!(chunk_index(NAME, &format!("{NAME}.9007199254740992")), None);
    }

    #[test]
    fn names_to_clear_are_the_cache_cookies_in_request_order() {
        let header = format!(
            "{NAME}.1=a; better-auth.session_token=t; {NAME}=b; {NAME}.1=dup; {NAME}.0=c; {NAME}.x=d; {NAME}s=e"
        );
        assert_eq!(
            names_to_clear(&header, NAME),
            [format!("{NAME}.1"), NAME.to_owned(), format!("{NAME}.0")]
        );
        assert_eq!(clear(Some(&header), NAME).len(), 3);
        assert_eq!(clear(None, NAME), []);
        assert!(is_cache_cookie(NAME, NAME));
        assert!(is_cache_cookie(NAME, &format!("{NAME}.0")));
        assert!(!is_cache_cookie(NAME, &format!("{NAME}.00")));
        assert!(!is_cache_cookie(NAME, "better-auth.session_token"));
    }
}
