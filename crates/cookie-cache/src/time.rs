//! Dates the way JavaScript writes and revives them in the cache payload (spec §3.1,
//! §4.1): `Date.prototype.toJSON` output (ISO 8601, UTC, three fractional digits,
//! `±YYYYYY` years outside 0–9999, `null` outside `Date`'s range), and Better Auth's
//! date revival: a string matching `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$`
//! becomes a `Date` when V8 accepts it. V8 accepts days up to 31 in every month
//! (`02-31` is 3 March), hour 24 only at exactly midnight, and reads the first three
//! fractional digits.

const MS_PER_DAY: i64 = 86_400_000;
/// `Date`'s range: ±8.64·10¹⁵ ms around the epoch.
const MAX_TIME_MS: i64 = 8_640_000_000_000_000;

/// `Date.prototype.toJSON` of a time in milliseconds since the epoch; `None` (JSON
/// `null`) outside `Date`'s range.
pub fn iso_millis(ms: i64) -> Option<String> {
    IsoText::new(ms).map(|text| text.as_str().to_owned())
}

/// [`iso_millis`]'s text, without allocating: ASCII, at most 27 bytes
/// (`+275760-09-13T00:00:00.000Z`).
pub(crate) struct IsoText {
    bytes: [u8; 27],
    len: usize,
}

impl IsoText {
    /// The text of a time, `None` outside `Date`'s range.
    pub(crate) fn new(ms: i64) -> Option<Self> {
        if !(-MAX_TIME_MS..=MAX_TIME_MS).contains(&ms) {
            return None;
        }
        let (year, month, day) = civil_from_days(ms.div_euclid(MS_PER_DAY));
        let time = ms.rem_euclid(MS_PER_DAY);
        let mut text = Self {
            bytes: [0; 27],
            len: 0,
        };
        // Years within `Date`'s range have at most six digits.
        match year {
            0..=9999 => text.digits(year, 4),
            _ if year < 0 => {
                text.push(b'-');
                text.digits(-year, 6);
            }
            _ => {
                text.push(b'+');
                text.digits(year, 6);
            }
        }
        let fields = [
            (b'-', month, 2),
            (b'-', day, 2),
            (b'T', time / 3_600_000, 2),
            (b':', time / 60_000 % 60, 2),
            (b':', time / 1000 % 60, 2),
            (b'.', time % 1000, 3),
        ];
        for (separator, value, width) in fields {
            text.push(separator);
            text.digits(value, width);
        }
        text.push(b'Z');
        Some(text)
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    pub(crate) fn as_str(&self) -> &str {
        match std::str::from_utf8(self.as_bytes()) {
            Ok(text) => text,
            Err(_) => unreachable!("the text is ASCII"),
        }
    }

    // At most 27 bytes are ever written (see the type's docs).
    fn push(&mut self, byte: u8) {
        self.bytes[self.len] = byte;
        self.len += 1;
    }

    /// The `width` lowest decimal digits of `value` (non-negative), zero-padded.
    fn digits(&mut self, mut value: i64, width: usize) {
        let end = self.len + width;
        for digit in self.bytes[self.len..end].iter_mut().rev() {
            *digit = b'0' + (value % 10) as u8;
            value /= 10;
        }
        self.len = end;
    }
}

/// The time a revivable string stands for, or `None` when Better Auth's reviver
/// leaves it a string (no match, or a date V8 refuses).
pub(crate) fn revive(text: &str) -> Option<i64> {
    revive_bytes(text.as_bytes())
}

/// [`revive`] of a string's UTF-8 bytes (the pattern is ASCII).
pub(crate) fn revive_bytes(bytes: &[u8]) -> Option<i64> {
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = bytes.get(range)?;
        part.iter().try_fold(0_i64, |value, &b| {
            b.is_ascii_digit().then(|| value * 10 + i64::from(b - b'0'))
        })
    };
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if separators.iter().any(|&(i, c)| bytes.get(i) != Some(&c)) {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    let rest = bytes.get(19..)?;
    let fraction: &[u8] = match rest {
        [b'Z'] => &[],
        [b'.', fraction @ .., b'Z'] if !fraction.is_empty() => fraction,
        _ => return None,
    };
    if !fraction.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let valid = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && minute <= 59
        && second <= 59
        && (hour <= 23
            || (hour == 24 && minute == 0 && second == 0 && fraction.iter().all(|&d| d == b'0')));
    if !valid {
        return None;
    }
    let millis = (0..3).fold(0_i64, |value, i| {
        value * 10 + fraction.get(i).map_or(0, |&d| i64::from(d - b'0'))
    });
    let days = days_from_civil(year, month, 1) + day - 1;
    Some(days * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + millis)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_like_to_json() {
        // Expected values from Node's `new Date(ms).toJSON()`.
        for (ms, text) in [
            (0, Some("1970-01-01T00:00:00.000Z")),
            (1_767_225_600_000, Some("2026-01-01T00:00:00.000Z")),
            (1_767_826_800_000, Some("2026-01-07T23:00:00.000Z")),
            (-1, Some("1969-12-31T23:59:59.999Z")),
            (951_782_400_000, Some("2000-02-29T00:00:00.000Z")),
            (-62_167_219_200_000, Some("0000-01-01T00:00:00.000Z")),
            (-62_198_755_200_001, Some("-000002-12-31T23:59:59.999Z")),
            (253_402_300_799_999, Some("9999-12-31T23:59:59.999Z")),
            (253_402_300_800_000, Some("+010000-01-01T00:00:00.000Z")),
            (MAX_TIME_MS, Some("+275760-09-13T00:00:00.000Z")),
            (-MAX_TIME_MS, Some("-271821-04-20T00:00:00.000Z")),
            (MAX_TIME_MS + 1, None),
            (i64::MIN, None),
        ] {
            assert_eq!(iso_millis(ms).as_deref(), text, "{ms}");
        }
    }

    #[test]
    fn revives_like_better_auth_on_v8() {
        // Expected values from Node 20 (`new Date(s).getTime()`), NaN as None.
        for (text, ms) in [
            ("2026-01-07T23:00:00.000Z", Some(1_767_826_800_000)),
            ("2019-01-01T00:00:00.9999Z", Some(1_546_300_800_999)),
            ("2019-01-01T00:00:00.9Z", Some(1_546_300_800_900)),
            ("2019-04-31T00:00:00Z", Some(1_556_668_800_000)),
            ("2019-12-31T24:00:00.000Z", Some(1_577_836_800_000)),
            ("2019-02-30T24:00:00.0000Z", Some(1_551_571_200_000)),
            ("0000-01-01T00:00:00Z", Some(-62_167_219_200_000)),
            ("2019-12-31T24:00:00.001Z", None),
            ("2019-12-31T24:00:00.0001Z", None),
            ("2019-00-10T00:00:00Z", None),
            ("2019-01-00T00:00:00Z", None),
            ("2019-13-01T00:00:00Z", None),
            ("2019-01-32T00:00:00Z", None),
            ("2019-01-31T23:59:60Z", None),
            ("2019-01-31T23:60:00Z", None),
            // Not the revival pattern at all.
            ("2019-01-01T00:00:00.Z", None),
            ("2019-01-01T00:00:00", None),
            ("2019-01-01T00:00:00+00:00", None),
            ("2019-01-01 00:00:00Z", None),
            ("+002019-01-01T00:00:00.000Z", None),
            ("2019-01-01T00:00:00.000z", None),
            ("2019-01-01T00:00:00.000Z ", None),
            ("２019-01-01T00:00:00Z", None),
            ("Alice Example", None),
            ("", None),
        ] {
            assert_eq!(revive(text), ms, "{text:?}");
        }
    }

    #[test]
    fn writing_then_reviving_round_trips() {
        // A seeded walk over ±10 000 years, plus the edges of the four-digit years.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut samples = vec![-62_167_219_200_000, 253_402_300_799_999];
        for _ in 0..5000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let span = 2 * 253_402_300_800_000_u64;
            samples.push((state % span) as i64 - 253_402_300_800_000);
        }
        for ms in samples {
            let text = iso_millis(ms).expect("in range");
            if (-62_167_219_200_000..=253_402_300_799_999).contains(&ms) {
                assert_eq!(revive(&text), Some(ms), "{text}");
            } else {
                // Six-digit years are not revived (the pattern wants four digits).
                assert_eq!(revive(&text), None, "{text}");
            }
        }
    }
}
