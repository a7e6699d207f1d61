//! Owns the glob matching of trusted-origin patterns that contain `*` or `?`
//! (Better Auth's `wildcardMatch` with its default `/` separator): `?` is one
//! character other than `/` and `\`, `*` any run of them, a `**` path segment any
//! run of segments, `\` escapes the next character, and each `/` in the pattern
//! stands for one or more `/` or `\`. Matching is case-sensitive, on UTF-16 code
//! units, and anchored at both ends.

/// One piece of the compiled pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    /// This exact code unit.
    Unit(u16),
    /// One unit that is not a separator (`?`).
    One,
    /// Any run of non-separators (`*`).
    Run,
    /// One or more separators (a `/` followed by more pattern).
    SepPlus,
    /// Zero or more separators (after the last segment).
    SepStar,
    /// `**`: any run of `non-separators` + `separators` groups, where the separators
    /// of each group must be non-empty when the flag is set.
    Segments { sep_required: bool },
}

/// Whether `sample` matches the glob `pattern`.
pub fn glob_match(pattern: &str, sample: &str) -> bool {
    let tokens = compile(pattern);
    let sample: Vec<u16> = sample.encode_utf16().collect();
    // The set of sample positions reachable after each token; a match reaches the end.
    let mut reachable = vec![false; sample.len() + 1];
    reachable[0] = true;
    for token in tokens {
        reachable = step(token, &sample, &reachable);
    }
    reachable[sample.len()]
}

fn is_separator(unit: u16) -> bool {
    unit == u16::from(b'/') || unit == u16::from(b'\\')
}

/// Mirrors `transform()` of Better Auth's `utils/wildcard.ts` for `separator = true`.
fn compile(pattern: &str) -> Vec<Token> {
    let segments: Vec<&str> = pattern.split('/').collect();
    let mut tokens = Vec::new();
    for (index, segment) in segments.iter().enumerate() {
        if segment.is_empty() && index > 0 {
            continue;
        }
        let last = index == segments.len() - 1;
        let next_is_globstar = segments.get(index + 1) == Some(&"**");
        let separator = if last {
            Some(Token::SepStar)
        } else if !next_is_globstar {
            Some(Token::SepPlus)
        } else {
            None
        };
        if *segment == "**" {
            if let Some(separator) = separator {
                if index > 0 {
                    tokens.push(separator);
                }
                tokens.push(Token::Segments {
                    sep_required: separator == Token::SepPlus,
                });
            }
            continue;
        }
        let units: Vec<u16> = segment.encode_utf16().collect();
        let mut i = 0;
        while i < units.len() {
            match units[i] {
                unit if unit == u16::from(b'\\') => {
                    // An escape: the next unit literally; a trailing `\` vanishes.
                    if let Some(&next) = units.get(i + 1) {
                        tokens.push(Token::Unit(next));
                    }
                    i += 1;
                }
                unit if unit == u16::from(b'?') => tokens.push(Token::One),
                unit if unit == u16::from(b'*') => tokens.push(Token::Run),
                unit => tokens.push(Token::Unit(unit)),
            }
            i += 1;
        }
        tokens.extend(separator);
    }
    tokens
}

fn step(token: Token, sample: &[u16], from: &[bool]) -> Vec<bool> {
    let mut to = vec![false; from.len()];
    let starts = from
        .iter()
        .enumerate()
        .filter(|(_, on)| **on)
        .map(|(at, _)| at);
    for start in starts {
        match token {
            Token::Unit(unit) => {
                if sample.get(start) == Some(&unit) {
                    to[start + 1] = true;
                }
            }
            Token::One => {
                if sample.get(start).is_some_and(|&u| !is_separator(u)) {
                    to[start + 1] = true;
                }
            }
            Token::Run => mark_run(sample, start, false, 0, &mut to),
            Token::SepPlus => mark_run(sample, start, true, 1, &mut to),
            Token::SepStar => mark_run(sample, start, true, 0, &mut to),
            Token::Segments { .. } => {}
        }
    }
    if let Token::Segments { sep_required } = token {
        // `(?:[^/\\]*SEP)*`: the closure of "a run of non-separators, then separators".
        to.copy_from_slice(from);
        let mut pending: Vec<usize> = (0..from.len()).filter(|&at| from[at]).collect();
        while let Some(start) = pending.pop() {
            let mut after_run = vec![false; from.len()];
            mark_run(sample, start, false, 0, &mut after_run);
            let mut after_group = vec![false; from.len()];
            for mid in (0..from.len()).filter(|&at| after_run[at]) {
                mark_run(
                    sample,
                    mid,
                    true,
                    usize::from(sep_required),
                    &mut after_group,
                );
            }
            for end in (0..from.len()).filter(|&at| after_group[at]) {
                if !to[end] {
                    to[end] = true;
                    pending.push(end);
                }
            }
        }
    }
    to
}

/// Marks every end of a run starting at `start` of at least `min` units that are
/// separators (or non-separators).
fn mark_run(sample: &[u16], start: usize, separators: bool, min: usize, to: &mut [bool]) {
    let len = sample[start..]
        .iter()
        .take_while(|&&u| is_separator(u) == separators)
        .count();
    for taken in min..=len {
        to[start + taken] = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert!(glob_match("*.example.com", "app.example.com"));
        assert!(glob_match("*.example.com", "a.b.example.com"));
        assert!(glob_match("*.example.com", ".example.com"));
        assert!(!glob_match("*.example.com", "example.com"));
        assert!(!glob_match("*.example.com", "app.example.com.evil.io"));
        assert!(glob_match(
            "preview-??.example.com:3000",
            "preview-12.example.com:3000"
        ));
        assert!(!glob_match(
            "preview-??.example.com",
            "preview-123.example.com"
        ));
        assert!(!glob_match("*.Example.com", "a.example.com"));
    }

    #[test]
    fn origins() {
        assert!(glob_match(
            "https://*.example.com",
            "https://app.example.com"
        ));
        assert!(!glob_match(
            "https://*.example.com",
            "http://app.example.com"
        ));
        // Each `/` of the pattern is one or more `/` or `\`.
        assert!(glob_match(
            "https://*.example.com",
            "https:/app.example.com"
        ));
        assert!(glob_match(
            "https://*.example.com",
            "https:\\\\app.example.com"
        ));
        assert!(!glob_match(
            "https://*.example.com",
            "https://evil.com/.example.com"
        ));
        assert!(glob_match("http://localhost:*", "http://localhost:5173"));
    }

    #[test]
    fn globstar_and_escapes() {
        assert!(glob_match("a/**/b", "a/b"));
        assert!(glob_match("a/**/b", "a/x/y/b"));
        assert!(!glob_match("a/**/b", "a/x/y/c"));
        assert!(glob_match("a/**", "a/x/y"));
        assert!(glob_match("a/**", "a"));
        assert!(glob_match("**", "x/y"));
        assert!(glob_match("a\\*b", "a*b"));
        assert!(!glob_match("a\\*b", "axb"));
        assert!(glob_match("a/", "a/"));
        assert!(!glob_match("a/", "a"));
        // A leading `**` may match nothing, a later one needs the separator before it.
        assert!(glob_match("**/x", "x"));
        assert!(glob_match("**/x", "a/b/x"));
        assert!(!glob_match("a/**/b", "ax/b"));
        // An escaped unit is taken once, literally.
        assert!(glob_match("\\ab", "ab"));
        assert!(!glob_match("\\ab", "aab"));
        assert!(!glob_match("a\\*b", "a*xb"));
    }

    #[test]
    fn a_leading_slash_is_a_separator() {
        assert!(glob_match("/a", "/a"));
        assert!(glob_match("/a", "\\a"));
        assert!(glob_match("/a", "//a"));
        assert!(!glob_match("/a", "a"));
    }
}
