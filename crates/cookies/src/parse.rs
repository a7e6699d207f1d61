//! Reading one cookie from a `Cookie` request header, as better-call's `parseCookies`
//! does (spec §3.2): split on `;`, trim, the first occurrence of a name wins, surrounding
//! double quotes are stripped, and a value containing `%` is percent-decoded (a value
//! that fails to decode is kept raw).

use percent_encoding::percent_decode_str;

/// The value of the first cookie called `name` in `header`, decoded.
pub fn cookie_value(header: &str, name: &str) -> Option<String> {
    header.split(';').find_map(|pair| {
        let pair = pair.trim();
        let (key, value) = pair.split_once('=')?;
        (key.trim() == name).then(|| decode(value.trim()))
    })
}

fn decode(raw: &str) -> String {
    let unquoted = raw
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(raw);
    if !unquoted.contains('%') {
        return unquoted.to_owned();
    }
    match percent_decode_str(unquoted).decode_utf8() {
        Ok(decoded) => decoded.into_owned(),
        Err(_) => unquoted.to_owned(),
    }
}

/// Names of every cookie in `header`, in order (duplicates kept).
pub fn cookie_names(header: &str) -> impl Iterator<Item = &str> {
    header
        .split(';')
        .filter_map(|pair| pair.split_once('=').map(|(key, _)| key.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_and_decodes() {
        let header = "a=1; better-auth.session_token=abc.x%2By%3D; z=2";
        assert_eq!(
            cookie_value(header, "better-auth.session_token").as_deref(),
            Some("abc.x+y=")
        );
        assert_eq!(cookie_value(header, "z").as_deref(), Some("2"));
        assert_eq!(cookie_value(header, "missing"), None);
    }

    #[test]
    fn first_occurrence_wins() {
        assert_eq!(
            cookie_value("n=first; n=second", "n").as_deref(),
            Some("first")
        );
    }

    #[test]
    fn quotes_are_stripped_and_bad_escapes_kept_raw() {
        assert_eq!(cookie_value("n=\"v\"", "n").as_deref(), Some("v"));
        assert_eq!(cookie_value("n=%E0%A4%A", "n").as_deref(), Some("%E0%A4%A"));
    }

    #[test]
    fn prefixed_names_are_distinct() {
        let header = "better-auth.session_token=plain";
        assert_eq!(
            cookie_value(header, "__Secure-better-auth.session_token"),
            None
        );
    }

    #[test]
    fn lists_names() {
        let names: Vec<_> = cookie_names("a=1; b.c=2;d=3; junk").collect();
        assert_eq!(names, ["a", "b.c", "d"]);
    }
}
