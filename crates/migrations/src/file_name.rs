//! The naming rule for migration files, `NNNN_name.sql`, which [`crate::embed`] enforces
//! at compile time so that a misnamed file fails the build instead of being skipped.

/// The parts of a well-formed migration file name.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct FileName<'a> {
    /// The number before the first `_`, e.g. `1` for `0001_better_auth.sql`.
    pub(crate) version: u32,
    /// The part between the first `_` and `.sql`, e.g. `better_auth`.
    pub(crate) name: &'a str,
}

/// Parses a migration file name.
///
/// Returns `Ok(None)` for files that are not migrations at all (anything not ending in
/// `.sql`, such as a README), and an error naming the rule for a `.sql` file that breaks
/// it, so that a typo never silently drops a migration.
pub(crate) fn parse(file_name: &str) -> Result<Option<FileName<'_>>, String> {
    let Some(stem) = file_name.strip_suffix(".sql") else {
        return Ok(None);
    };
    let rule = "migration files must be named NNNN_name.sql (at least four digits, \
                then lowercase letters, digits and underscores)";
    let Some((digits, name)) = stem.split_once('_') else {
        return Err(format!("{file_name:?}: {rule}"));
    };
    let name_ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if digits.len() < 4 || !digits.bytes().all(|b| b.is_ascii_digit()) || !name_ok {
        return Err(format!("{file_name:?}: {rule}"));
    }
    // Both ledgers store versions in a signed 32-bit column (PostgreSQL `integer`,
    // SQLite's `PRAGMA user_version`).
    let version = digits
        .parse::<u32>()
        .ok()
        .filter(|v| *v > 0 && i32::try_from(*v).is_ok())
        .ok_or_else(|| format!("{file_name:?}: the version must be between 1 and 2147483647"))?;
    Ok(Some(FileName { version, name }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        assert_eq!(
            parse("0001_better_auth.sql"),
            Ok(Some(FileName {
                version: 1,
                name: "better_auth"
            }))
        );
        assert_eq!(
            parse("12345_x2_y.sql"),
            Ok(Some(FileName {
                version: 12345,
                name: "x2_y"
            }))
        );
        assert_eq!(parse("README.md"), Ok(None));
        for bad in [
            "001_short.sql",
            "0001.sql",
            "0001_.sql",
            "0001_Upper.sql",
            "0001-dash.sql",
            "00a1_x.sql",
            "0000_zero.sql",
            "9999999999_big.sql",
        ] {
            assert!(parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}
