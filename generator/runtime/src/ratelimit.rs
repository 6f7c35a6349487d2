//! Rate-limit headers and `Retry-After`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// The rate-limit state a server reported with a response.
///
/// Read from `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`
/// (or the unprefixed `RateLimit-*` names). The reset may be given as a number of
/// seconds from now, as a Unix timestamp (seconds or milliseconds), as an HTTP date or
/// as an RFC 3339 date-time; it is stored as an absolute time either way.
///
/// ```
/// use oagen_runtime::{reqwest::header::HeaderMap, RateLimit};
///
/// let mut headers = HeaderMap::new();
/// headers.insert("x-ratelimit-limit", "1000".parse().unwrap());
/// headers.insert("x-ratelimit-remaining", "0".parse().unwrap());
/// let rl = RateLimit::from_headers(&headers).unwrap();
/// assert_eq!(rl.limit, Some(1000));
/// assert_eq!(rl.remaining, Some(0));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RateLimit {
    /// The number of requests (or points) allowed in the current window.
    pub limit: Option<u64>,
    /// How many are left in the current window.
    pub remaining: Option<u64>,
    /// When the window resets.
    pub reset: Option<SystemTime>,
}

impl RateLimit {
    /// Parses the rate-limit headers; `None` when none of them is present and valid.
    pub fn from_headers(headers: &HeaderMap) -> Option<RateLimit> {
        Self::from_headers_at(headers, SystemTime::now())
    }

    pub(crate) fn from_headers_at(headers: &HeaderMap, now: SystemTime) -> Option<RateLimit> {
        let rl = RateLimit {
            limit: header_u64(headers, "x-ratelimit-limit")
                .or_else(|| header_u64(headers, "ratelimit-limit")),
            remaining: header_u64(headers, "x-ratelimit-remaining")
                .or_else(|| header_u64(headers, "ratelimit-remaining")),
            reset: header_str(headers, "x-ratelimit-reset")
                .or_else(|| header_str(headers, "ratelimit-reset"))
                .and_then(|v| parse_reset(v, now)),
        };
        (rl != RateLimit::default()).then_some(rl)
    }

    /// Whether the server says no requests are left in this window.
    pub fn is_exhausted(&self) -> bool {
        self.remaining == Some(0)
    }

    /// Time until [`reset`](Self::reset), or zero if it has passed.
    pub fn reset_after(&self) -> Option<Duration> {
        self.reset_after_at(SystemTime::now())
    }

    fn reset_after_at(&self, now: SystemTime) -> Option<Duration> {
        self.reset
            .map(|reset| reset.duration_since(now).unwrap_or_default())
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name)?.to_str().ok().map(str::trim)
}

fn header_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    let value = header_str(headers, name)?;
    // Some servers send a list ("100, 100;w=60"); the first number is the one that counts.
    let first = value.split([',', ';']).next().unwrap_or_default().trim();
    first.parse().ok()
}

/// Parses a reset value into an absolute time.
fn parse_reset(value: &str, now: SystemTime) -> Option<SystemTime> {
    if let Ok(number) = value.parse::<f64>() {
        if !number.is_finite() || number < 0.0 {
            return None;
        }
        return Some(if number >= 1e12 {
            UNIX_EPOCH.checked_add(Duration::try_from_secs_f64(number / 1000.0).ok()?)?
        } else if number >= 1e9 {
            UNIX_EPOCH.checked_add(Duration::try_from_secs_f64(number).ok()?)?
        } else {
            now.checked_add(Duration::try_from_secs_f64(number).ok()?)?
        });
    }
    if let Ok(date) = httpdate::parse_http_date(value) {
        return Some(date);
    }
    parse_rfc3339(value)
}

/// Parses an RFC 3339 date-time (`2024-05-01T12:00:00.5+02:00`).
fn parse_rfc3339(value: &str) -> Option<SystemTime> {
    let field = |range: std::ops::Range<usize>| -> Option<i64> {
        let text = value.get(range)?;
        if text.bytes().all(|b| b.is_ascii_digit()) {
            text.parse().ok()
        } else {
            None
        }
    };
    let bytes = value.as_bytes();
    let separators_ok = bytes.get(4) == Some(&b'-')
        && bytes.get(7) == Some(&b'-')
        && matches!(bytes.get(10), Some(b'T' | b't' | b' '))
        && bytes.get(13) == Some(&b':')
        && bytes.get(16) == Some(&b':');
    if !separators_ok {
        return None;
    }
    let (year, month, day) = (field(0..4)?, field(5..7)?, field(8..10)?);
    let (hour, minute, second) = (field(11..13)?, field(14..16)?, field(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = value.get(19..)?;
    let mut nanos: u32 = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let padded: String = fraction[..digits]
            .chars()
            .chain("000000000".chars())
            .take(9)
            .collect();
        nanos = padded.parse().ok()?;
        rest = &fraction[digits..];
    }
    let offset_seconds = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return None,
            };
            if rest.len() != 6 || rest.as_bytes().get(3) != Some(&b':') {
                return None;
            }
            let hours: i64 = rest.get(1..3)?.parse().ok()?;
            let minutes: i64 = rest.get(4..6)?.parse().ok()?;
            sign * (hours * 3600 + minutes * 60)
        }
    };
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
        - offset_seconds;
    let seconds = u64::try_from(seconds).ok()?;
    UNIX_EPOCH.checked_add(Duration::new(seconds, nanos))
}

/// Days from 1970-01-01 to the given proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Parses `Retry-After` (delta seconds or an HTTP date) into a wait from `now`.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = header_str(headers, RETRY_AFTER.as_str())?;
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>() {
        return Duration::try_from_secs_f64(seconds).ok();
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or_default())
}

/// How long the server wants us to wait: `Retry-After`, or else the rate-limit reset
/// when no requests are left.
pub(crate) fn server_wait(
    headers: &HeaderMap,
    rate_limit: Option<&RateLimit>,
    now: SystemTime,
) -> Option<Duration> {
    retry_after(headers, now).or_else(|| {
        rate_limit
            .filter(|rl| rl.is_exhausted())
            .and_then(|rl| rl.reset_after_at(now))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            if let Ok(v) = HeaderValue::from_str(v) {
                map.insert(*k, v);
            }
        }
        map
    }

    #[test]
    fn reset_forms() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let delta = RateLimit::from_headers_at(&headers(&[("x-ratelimit-reset", "30")]), now);
        assert_eq!(
            delta.and_then(|r| r.reset),
            Some(now + Duration::from_secs(30))
        );

        let unix =
            RateLimit::from_headers_at(&headers(&[("x-ratelimit-reset", "1700000045")]), now);
        assert_eq!(
            unix.and_then(|r| r.reset),
            Some(now + Duration::from_secs(45))
        );

        let millis =
            RateLimit::from_headers_at(&headers(&[("x-ratelimit-reset", "1700000045500")]), now);
        assert_eq!(
            millis.and_then(|r| r.reset),
            Some(now + Duration::from_millis(45_500))
        );

        let http = httpdate::fmt_http_date(now + Duration::from_secs(60));
        let date = RateLimit::from_headers_at(&headers(&[("x-ratelimit-reset", &http)]), now);
        assert_eq!(
            date.and_then(|r| r.reset),
            Some(now + Duration::from_secs(60))
        );

        let rfc = RateLimit::from_headers_at(
            &headers(&[("x-ratelimit-reset", "2023-11-14T22:13:27Z")]),
            now,
        );
        assert_eq!(
            rfc.and_then(|r| r.reset),
            Some(now + Duration::from_secs(7))
        );
    }

    #[test]
    fn rfc3339() {
        let base = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_rfc3339("2023-11-14T22:13:20Z"), Some(base));
        assert_eq!(parse_rfc3339("2023-11-15T00:13:20+02:00"), Some(base));
        assert_eq!(
            parse_rfc3339("2023-11-14T22:13:20.25Z"),
            Some(base + Duration::from_millis(250))
        );
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(UNIX_EPOCH));
        assert_eq!(
            parse_rfc3339("2000-03-01T00:00:00Z"),
            Some(UNIX_EPOCH + Duration::from_secs(951_868_800))
        );
        for bad in [
            "",
            "2023-11-14",
            "2023-13-14T22:13:20Z",
            "2023-11-14T22:13:20",
            "2023-11-14T22:13:20.Z",
            "２０２３-11-14T22:13:20Z",
            "1969-12-31T23:59:59Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn garbage_is_ignored() {
        let now = SystemTime::now();
        let h = headers(&[
            ("x-ratelimit-limit", "lots"),
            ("x-ratelimit-remaining", "-1"),
            ("x-ratelimit-reset", "soon"),
        ]);
        assert_eq!(RateLimit::from_headers_at(&h, now), None);
        assert_eq!(
            retry_after(&headers(&[("retry-after", "tomorrow")]), now),
            None
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "-5")]), now), None);
    }

    #[test]
    fn retry_after_forms() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            retry_after(&headers(&[("retry-after", "7")]), now),
            Some(Duration::from_secs(7))
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(90));
        assert_eq!(
            retry_after(&headers(&[("retry-after", &date)]), now),
            Some(Duration::from_secs(90))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(90));
        assert_eq!(
            retry_after(&headers(&[("retry-after", &past)]), now),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn reset_only_counts_when_exhausted() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let h = headers(&[("x-ratelimit-remaining", "3"), ("x-ratelimit-reset", "20")]);
        let rl = RateLimit::from_headers_at(&h, now);
        assert_eq!(server_wait(&h, rl.as_ref(), now), None);
        let h = headers(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "20")]);
        let rl = RateLimit::from_headers_at(&h, now);
        assert_eq!(
            server_wait(&h, rl.as_ref(), now),
            Some(Duration::from_secs(20))
        );
    }
}
