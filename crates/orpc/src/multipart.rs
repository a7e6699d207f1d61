//! `multipart/form-data` (RFC 7578) as the fetch API reads and writes it (spec §3.4):
//! each part has a name; a part with a `filename` is a file (`File`), others are text.
//! Responses use undici's layout: `--<boundary>`, `Content-Disposition: form-data;
//! name="…"[; filename="…"]`, `Content-Type` for files, CRLF line ends.
//!
//! The client chooses the boundary: one outside RFC 2046's 1 to 70 characters is
//! refused, and delimiters are found in time linear in the body (Knuth–Morris–Pratt).

use crate::body::Unparsable;
use crate::value::File;

/// One form entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The field name.
    pub name: String,
    /// Its value.
    pub value: PartValue,
}

/// A form entry's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartValue {
    /// A text field.
    Text(String),
    /// A file field.
    File(File),
}

/// The first entry called `name` (`FormData.get`).
pub fn get<'a>(parts: &'a [Part], name: &str) -> Option<&'a PartValue> {
    parts.iter().find(|p| p.name == name).map(|p| &p.value)
}

/// The longest boundary RFC 2046 (§5.1.1) allows.
pub const MAX_BOUNDARY_LEN: usize = 70;

/// Parses a multipart body with the boundary of its `content-type`.
///
/// # Errors
/// [`Unparsable`] when the boundary is missing, empty or longer than
/// [`MAX_BOUNDARY_LEN`], or the body is not well formed.
pub fn parse(content_type: &str, body: &[u8]) -> Result<Vec<Part>, Unparsable> {
    let boundary = parameter(content_type, "boundary")
        .filter(|boundary| (1..=MAX_BOUNDARY_LEN).contains(&boundary.len()))
        .ok_or(Unparsable)?;
    let delimiter = format!("--{boundary}").into_bytes();
    let mut rest = body;
    // Preamble up to the first delimiter.
    let start = find(rest, &delimiter).ok_or(Unparsable)?;
    rest = &rest[start + delimiter.len()..];
    let mut parts = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            return Ok(parts); // the close delimiter; the epilogue is ignored
        }
        rest = rest.strip_prefix(b"\r\n").ok_or(Unparsable)?;
        let head_end = find(rest, b"\r\n\r\n").ok_or(Unparsable)?;
        let head = std::str::from_utf8(&rest[..head_end]).map_err(|_| Unparsable)?;
        rest = &rest[head_end + 4..];
        let mut next = b"\r\n".to_vec();
        next.extend_from_slice(&delimiter);
        let content_end = find(rest, &next).ok_or(Unparsable)?;
        parts.push(part(head, &rest[..content_end])?);
        rest = &rest[content_end + next.len()..];
    }
}

fn part(head: &str, content: &[u8]) -> Result<Part, Unparsable> {
    let mut disposition = None;
    let mut content_type = None;
    for line in head.split("\r\n") {
        let (name, value) = line.split_once(':').ok_or(Unparsable)?;
        match name.trim().to_ascii_lowercase().as_str() {
            "content-disposition" => disposition = Some(value.trim()),
            "content-type" => content_type = Some(value.trim()),
            _ => {}
        }
    }
    let disposition = disposition.ok_or(Unparsable)?;
    if !disposition
        .get(..9)
        .is_some_and(|kind| kind.eq_ignore_ascii_case("form-data"))
    {
        return Err(Unparsable);
    }
    let name = parameter(disposition, "name").ok_or(Unparsable)?;
    let value = match parameter(disposition, "filename") {
        Some(filename) => PartValue::File(File {
            name: filename,
            content_type: content_type.unwrap_or("text/plain").to_ascii_lowercase(),
            bytes: content.to_vec(),
        }),
        None => PartValue::Text(String::from_utf8_lossy(content).into_owned()),
    };
    Ok(Part { name, value })
}

/// A `; key=value` or `; key="value"` parameter of a header value (quoted values may
/// hold `;`; the fetch standard's `%0A`, `%0D`, `%22` escapes are decoded).
fn parameter(header: &str, key: &str) -> Option<String> {
    let mut params = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in header.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => {
                params.push(&header[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    params.push(&header[start..]);
    params.into_iter().skip(1).find_map(|param| {
        let (k, v) = param.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case(key) {
            return None;
        }
        let v = v.trim();
        Some(
            match v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
                Some(quoted) => quoted
                    .replace("%0A", "\n")
                    .replace("%0D", "\r")
                    .replace("%22", "\""),
                None => v.to_owned(),
            },
        )
    })
}

/// The file name of a `content-disposition` header (`filename*` first), as oRPC reads it.
pub fn filename(disposition: &str) -> Option<String> {
    let lower = disposition.to_ascii_lowercase();
    if let Some(at) = lower.find("filename*=") {
        let value = &disposition[at + 10..];
        let value = value.split(';').next().unwrap_or_default();
        let value = strip_prefix_ignore_case(value, "utf-8''").unwrap_or(value);
        return Some(percent_decode(value).unwrap_or_else(|| value.to_owned()));
    }
    let at = lower.find("filename=\"")?;
    let value = &disposition[at + 10..];
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.as_str().starts_with('"') => {
                out.push('"');
                chars.next();
            }
            '"' => return Some(out),
            c => out.push(c),
        }
    }
    None
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// `decodeURIComponent`; `None` when it would throw.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Where `needle` first occurs in `haystack`, in O(haystack + needle) steps
/// (Knuth–Morris–Pratt), whatever the bytes; an empty needle is found at 0.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    // `fallback[i]`: the length of the longest proper prefix of `needle[..=i]` that
    // is also its suffix.
    let mut fallback = vec![0; needle.len()];
    let mut matched = 0;
    for (i, &byte) in needle.iter().enumerate().skip(1) {
        while matched > 0 && needle[matched] != byte {
            matched = fallback[matched - 1];
        }
        if needle[matched] == byte {
            matched += 1;
        }
        fallback[i] = matched;
    }
    matched = 0;
    for (i, &byte) in haystack.iter().enumerate() {
        while matched > 0 && needle[matched] != byte {
            matched = fallback[matched - 1];
        }
        if needle[matched] == byte {
            matched += 1;
            if matched == needle.len() {
                return Some(i + 1 - needle.len());
            }
        }
    }
    None
}

/// Writes `parts` as a multipart body; returns the `content-type` and the body. The
/// boundary is chosen so that no part contains it.
pub fn build(parts: &[Part]) -> (String, Vec<u8>) {
    let mut seed: u64 = 51_840_512_845;
    let boundary = loop {
        let candidate = format!("----formdata-spinstack-{seed:012}");
        let clashes = parts.iter().any(|p| match &p.value {
            PartValue::Text(text) => text.contains(&candidate),
            PartValue::File(file) => find(&file.bytes, candidate.as_bytes()).is_some(),
        });
        if !clashes {
            break candidate;
        }
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1) % 1_000_000_000_000;
    };
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let name = escape(&part.name);
        match &part.value {
            PartValue::Text(text) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                );
                body.extend_from_slice(text.as_bytes());
            }
            PartValue::File(file) => {
                let media = if file.content_type.is_empty() {
                    "application/octet-stream"
                } else {
                    &file.content_type
                };
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{}\"\r\nContent-Type: {media}\r\n\r\n",
                        escape(&file.name)
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(&file.bytes);
            }
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The fetch standard's escaping of names in multipart headers.
fn escape(name: &str) -> String {
    name.replace('\n', "%0A")
        .replace('\r', "%0D")
        .replace('"', "%22")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TYPE: &str = "multipart/form-data; boundary=XyZ";

    #[test]
    fn parses_text_and_file_parts() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"data\"\r\n\r\n{\"json\":1}\r\n--XyZ\r\nContent-Disposition: form-data; name=\"0\"; filename=\"a.txt\"\r\nContent-Type: Text/Plain\r\n\r\nhello\r\n--XyZ--\r\n";
        let parts = parse(TYPE, body.as_bytes()).expect("parses");
        assert_eq!(
            get(&parts, "data"),
            Some(&PartValue::Text("{\"json\":1}".into()))
        );
        assert_eq!(
            get(&parts, "0"),
            Some(&PartValue::File(File {
                name: "a.txt".into(),
                content_type: "text/plain".into(),
                bytes: b"hello".to_vec()
            }))
        );
    }

    #[test]
    fn broken_bodies() {
        assert_eq!(parse(TYPE, b"garbage"), Err(Unparsable));
        assert_eq!(parse("multipart/form-data", b"--x--"), Err(Unparsable));
        assert_eq!(
            parse(TYPE, b"--XyZ\r\nno-colon\r\n\r\nx\r\n--XyZ--"),
            Err(Unparsable)
        );
        assert_eq!(parse(TYPE, b"--XyZ--\r\n"), Ok(vec![]));
    }

    fn one_field(boundary: &str) -> (String, Vec<u8>) {
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--{boundary}--\r\n"
        );
        (
            format!("multipart/form-data; boundary=\"{boundary}\""),
            body.into_bytes(),
        )
    }

    /// RFC 2046 §5.1.1: a boundary is 1 to 70 characters.
    #[test]
    fn boundaries_longer_than_70_characters_are_refused() {
        // The review's case: a client-chosen 64 KiB boundary over a 1 MiB body made the
        // search O(body × boundary).
        let boundary = format!("{}c", "-".repeat(64 * 1024));
        let body = "-".repeat(1024 * 1024);
        let content_type = format!("multipart/form-data; boundary={boundary}");
        assert_eq!(parse(&content_type, body.as_bytes()), Err(Unparsable));
        let (content_type, body) = one_field(&"b".repeat(70));
        assert_eq!(parse(&content_type, &body).map(|parts| parts.len()), Ok(1));
        let (content_type, body) = one_field(&"b".repeat(71));
        assert_eq!(parse(&content_type, &body), Err(Unparsable));
        assert_eq!(
            parse("multipart/form-data; boundary=", b"--\r\n"),
            Err(Unparsable)
        );
    }

    /// Near-misses of the delimiter everywhere: the search stays linear.
    #[test]
    fn adversarial_bodies_parse() {
        let boundary = "-".repeat(70);
        let near_miss = format!("{}x", "-".repeat(71));
        let mut body = near_miss.repeat(4 * 1024 * 1024 / near_miss.len());
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
        ));
        body.push_str(&format!("\r\n{near_miss}").repeat(30_000));
        body.push_str(&format!("\r\n--{boundary}--"));
        let parts = parse(
            &format!("multipart/form-data; boundary={boundary}"),
            body.as_bytes(),
        );
        assert_eq!(parts.map(|parts| parts.len()), Ok(1));
    }

    #[test]
    fn finds_like_a_naive_search() {
        let naive = |haystack: &[u8], needle: &[u8]| {
            haystack
                .windows(needle.len())
                .position(|window| window == needle)
        };
        let texts: [&[u8]; 8] = [
            b"",
            b"a",
            b"aa",
            b"ab",
            b"aab",
            b"abab",
            b"aabaabaaa",
            b"\r\n--X",
        ];
        for haystack in texts {
            for needle in texts.iter().filter(|needle| !needle.is_empty()) {
                assert_eq!(
                    find(haystack, needle),
                    naive(haystack, needle),
                    "{haystack:?} {needle:?}"
                );
            }
        }
        assert_eq!(find(b"xaabaabaaay", b"aabaaa"), Some(4));
        assert_eq!(find(b"abc", b""), Some(0));
    }

    #[test]
    fn builds_what_it_parses() {
        let parts = vec![
            Part {
                name: "data".into(),
                value: PartValue::Text("{\"json\":{}}".into()),
            },
            Part {
                name: "0".into(),
                value: PartValue::File(File {
                    name: "b\".bin".into(),
                    content_type: String::new(),
                    bytes: vec![0, 1, 2],
                }),
            },
        ];
        let (content_type, body) = build(&parts);
        assert!(content_type.starts_with("multipart/form-data; boundary=----formdata-spinstack-"));
        let mut parsed = parse(&content_type, &body).expect("parses");
        let PartValue::File(file) = &mut parsed[1].value else {
            panic!("a file")
        };
        assert_eq!(file.content_type, "application/octet-stream");
        assert_eq!(file.name, "b\".bin");
        file.content_type.clear();
        assert_eq!(parsed, parts);
    }

    #[test]
    fn file_names_from_content_disposition() {
        assert_eq!(
            filename("attachment; filename=\"a \\\"b\\\".txt\"").as_deref(),
            Some("a \"b\".txt")
        );
        assert_eq!(
            filename("inline; filename=\"x\"; filename*=utf-8''%C3%A9.txt").as_deref(),
            Some("é.txt")
        );
        assert_eq!(filename("inline"), None);
    }
}
