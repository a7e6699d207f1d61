//! Dates as JavaScript writes and reads them on the wire: `Date.prototype.toISOString`
//! (`1970-01-01T00:00:00.000Z`, six-digit signed years outside 0–9999) and `new
//! Date(string)` for the ECMAScript date-time string format.
//!
//! V8 also accepts legacy forms (`Jan 1 2020`, `2020/01/01`); those decode here as an
//! Invalid Date, which every schema rejects. A date-time without an offset is local
//! time in JavaScript; a server's local time zone is UTC, so it is read as UTC.

/// The largest distance from the epoch a JavaScript Date can hold (±100,000,000 days).
const MAX_MS: i64 = 8_640_000_000_000_000;
const DAY_MS: i64 = 86_400_000;

/// `toISOString()` of a valid Date (`None` outside the representable range).
pub fn to_iso(ms: i64) -> Option<String> {
    if !(-MAX_MS..=MAX_MS).contains(&ms) {
        return None;
    }
    let (days, rem) = (ms.div_euclid(DAY_MS), ms.rem_euclid(DAY_MS));
    let (year, month, day) = civil_from_days(days);
    let year = if (0..=9999).contains(&year) {
        format!("{year:04}")
    } else if year < 0 {
        format!("-{:06}", -year)
    } else {
        format!("+{year:06}")
    };
    Some(format!(
        "{year}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000
    ))
}

/// `new Date(text).getTime()` for the ECMAScript date-time string format; `None` is an
/// Invalid Date.
pub fn parse(text: &str) -> Option<i64> {
    let mut cursor = Cursor(text.as_bytes());
    let year = match cursor.peek() {
        Some(sign @ (b'+' | b'-')) => {
            cursor.0 = &cursor.0[1..];
            let year = cursor.digits(6)?;
            if sign == b'-' {
                if year == 0 {
                    return None; // -000000 is not a year
                }
                -year
            } else {
                year
            }
        }
        _ => cursor.digits(4)?,
    };
    let (mut month, mut day) = (1, 1);
    if cursor.eat(b'-') {
        month = cursor.digits(2)?;
        if cursor.eat(b'-') {
            day = cursor.digits(2)?;
        }
    }
    let mut time = 0;
    if cursor.eat(b'T') {
        let hours = cursor.digits(2)?;
        cursor.eat(b':').then_some(())?;
        let minutes = cursor.digits(2)?;
        let (mut seconds, mut millis) = (0, 0);
        if cursor.eat(b':') {
            seconds = cursor.digits(2)?;
            if cursor.eat(b'.') {
                millis = cursor.fraction_millis()?;
            }
        }
        if hours > 24
            || minutes > 59
            || seconds > 59
            || (hours == 24 && minutes + seconds + millis > 0)
        {
            return None;
        }
        time = ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
        if !cursor.eat(b'Z')
            && let Some(sign @ (b'+' | b'-')) = cursor.peek()
        {
            cursor.0 = &cursor.0[1..];
            let offset_hours = cursor.digits(2)?;
            cursor.eat(b':').then_some(())?;
            let offset_minutes = cursor.digits(2)?;
            if offset_hours > 23 || offset_minutes > 59 {
                return None;
            }
            let offset = (offset_hours * 60 + offset_minutes) * 60_000;
            time -= if sign == b'+' { offset } else { -offset };
        }
    }
    if !cursor.0.is_empty() || !(1..=12).contains(&month) || day < 1 {
        return None;
    }
    if day > days_in_month(year, month) {
        return None;
    }
    let ms = days_from_civil(year, month, day) * DAY_MS + time;
    (-MAX_MS..=MAX_MS).contains(&ms).then_some(ms)
}

struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.0.first().copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.0 = &self.0[1..];
        }
        found
    }

    /// Exactly `count` ASCII digits.
    fn digits(&mut self, count: usize) -> Option<i64> {
        let digits = self.0.get(..count)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.0 = &self.0[count..];
        Some(
            digits
                .iter()
                .fold(0, |acc, d| acc * 10 + i64::from(d - b'0')),
        )
    }

    /// One or more fraction digits, truncated to milliseconds (as V8 does).
    fn fraction_millis(&mut self) -> Option<i64> {
        let count = self.0.iter().take_while(|b| b.is_ascii_digit()).count();
        if count == 0 {
            return None;
        }
        let mut millis = 0;
        for (i, digit) in self.0[..count].iter().enumerate().take(3) {
            millis += i64::from(digit - b'0') * [100, 10, 1][i];
        }
        self.0 = &self.0[count..];
        Some(millis)
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_to_iso_string() {
        assert_eq!(to_iso(0).as_deref(), Some("1970-01-01T00:00:00.000Z"));
        assert_eq!(
            to_iso(1_795_975_524_006).as_deref(),
            Some("2026-11-29T18:05:24.006Z")
        );
        assert_eq!(to_iso(-1).as_deref(), Some("1969-12-31T23:59:59.999Z"));
        assert_eq!(
            to_iso(MAX_MS).as_deref(),
            Some("+275760-09-13T00:00:00.000Z")
        );
        assert_eq!(
            to_iso(-62_198_755_200_000).as_deref(),
            Some("-000001-01-01T00:00:00.000Z")
        );
        assert_eq!(to_iso(MAX_MS + 1), None);
    }

    #[test]
    fn parses_the_iso_forms() {
        assert_eq!(parse("1970-01-01T00:00:00.000Z"), Some(0));
        assert_eq!(parse("2026-11-29T18:05:24.006Z"), Some(1_795_975_524_006));
        assert_eq!(parse("1970"), Some(0));
        assert_eq!(parse("1970-02"), Some(31 * DAY_MS));
        assert_eq!(parse("1970-01-02"), Some(DAY_MS));
        assert_eq!(parse("1970-01-01T00:00"), Some(0));
        assert_eq!(parse("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(parse("1970-01-01T00:00:00-00:30"), Some(1_800_000));
        assert_eq!(parse("1970-01-01T00:00:00.1234Z"), Some(123));
        assert_eq!(parse("1970-01-01T24:00:00Z"), Some(DAY_MS));
        assert_eq!(parse("+275760-09-13T00:00:00.000Z"), Some(MAX_MS));
        assert_eq!(
            parse("-000001-01-01T00:00:00.000Z"),
            Some(-62_198_755_200_000)
        );
        for ms in [0, 1_795_975_524_006, -1, -MAX_MS, 951_782_400_000] {
            assert_eq!(to_iso(ms).as_deref().and_then(parse), Some(ms));
        }
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        for bad in [
            "",
            "garbage",
            "2020-13-01",
            "2021-02-29",
            "2020-01-01T25:00Z",
            "2020-01-01T24:00:01Z",
            "2020-01-01T00:00:00.Z",
            "2020-01-01T00:00:00Zjunk",
            "-000000-01-01",
            "+275760-09-13T00:00:00.001Z",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert_eq!(parse("2020-02-29"), Some(1_582_934_400_000));
    }
}
