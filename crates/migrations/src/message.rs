//! The refusal sentences both migrators say the same way, so the person running either
//! one reads the same words. Each migrator's error type formats its variants with these.

use std::fmt::Write as _;

/// `migration 0001_better_auth was edited after it was applied (…)`: an applied
/// migration's file no longer matches the checksum recorded for it.
pub fn edited(id: &str, recorded: &str, current: &str) -> String {
    format!(
        "migration {id} was edited after it was applied (recorded checksum {recorded}, \
         file now {current}); applied migrations must not change: restore the file and \
         put the change in a new migration"
    )
}

/// The refusal to adopt tables that differ from what `baseline` creates, with one
/// bullet line per difference.
pub fn shape_mismatch(baseline: &str, differences: &[String]) -> String {
    differences.iter().fold(
        format!(
            "the existing tables differ from what {baseline} creates; refusing to adopt \
             them, nothing was changed:"
        ),
        |mut text, line| {
            // Writing to a String cannot fail.
            let _ = write!(text, "\n  - {line}");
            text
        },
    )
}

/// Versions as in file names, e.g. `0003, 0012`.
pub fn versions(versions: &[u32]) -> String {
    let list: Vec<String> = versions.iter().map(|v| format!("{v:04}")).collect();
    list.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences() {
        assert_eq!(
            edited("0001_a", "00", "ff"),
            "migration 0001_a was edited after it was applied (recorded checksum 00, file \
             now ff); applied migrations must not change: restore the file and put the \
             change in a new migration"
        );
        assert_eq!(
            shape_mismatch("0001_better_auth", &["a".into(), "b".into()]),
            "the existing tables differ from what 0001_better_auth creates; refusing to \
             adopt them, nothing was changed:\n  - a\n  - b"
        );
        assert_eq!(versions(&[3, 12]), "0003, 0012");
    }
}
