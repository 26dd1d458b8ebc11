//! Time as the reference API writes it: Kyiv local time with its offset,
//! e.g. `2023-09-20T01:00:00+03:00`. Stored and compared as UTC.

use chrono::{
    DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat,
    TimeZone, Utc,
};
use chrono_tz::{Europe::Kyiv, Tz};

/// Why a timestamp was refused; the message names the input so a broker can
/// find the offending field value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    #[error(
        "could not parse {0} as an ISO 8601 date-time (expected e.g. 2023-09-20T01:00:00+03:00)"
    )]
    Malformed(String),
    #[error(
        "{0} has no UTC offset and does not exist in Kyiv time (the clocks skip it when summer \
         time starts); give the offset explicitly"
    )]
    SkippedInKyiv(String),
}

pub fn to_kyiv(moment: DateTime<Utc>) -> DateTime<Tz> {
    moment.with_timezone(&Kyiv)
}

/// `2023-09-20T01:00:00+03:00`; microseconds only when non-zero, as
/// Python's `isoformat` writes them, so documents match the reference API
/// byte for byte.
pub fn format_kyiv(moment: DateTime<Utc>) -> String {
    let local = to_kyiv(moment);
    let format = if local.timestamp_subsec_micros() == 0 {
        SecondsFormat::Secs
    } else {
        SecondsFormat::Micros
    };
    local.to_rfc3339_opts(format, false)
}

/// The Kyiv calendar date of a moment (the date in a `tenderID`).
pub fn kyiv_date(moment: DateTime<Utc>) -> NaiveDate {
    to_kyiv(moment).date_naive()
}

/// Parses an ISO 8601 / RFC 3339 date-time: `YYYY-MM-DD`, then optionally
/// `T` (or `t` or a space) and `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fraction`,
/// then optionally `Z` or an offset `±HH:MM`, `±HHMM`, `±HH`.
///
/// Without an offset the value is Kyiv local time, as the reference API reads
/// it; a wall-clock time the autumn change repeats is the earlier instant,
/// one the spring change skips is an error. Digits below the microsecond are
/// dropped, because the API cannot write them back.
pub fn parse_timestamp(text: &str) -> Result<DateTime<Utc>, TimestampError> {
    let malformed = || TimestampError::Malformed(text.to_owned());
    // Byte slicing below relies on this.
    if !text.is_ascii() {
        return Err(malformed());
    }
    let (local, offset) = split_offset(text).ok_or_else(malformed)?;
    let naive = parse_local(local).ok_or_else(malformed)?;
    let moment = match offset {
        Some(offset) => offset
            .from_local_datetime(&naive)
            .single()
            .ok_or_else(malformed)?
            .with_timezone(&Utc),
        None => match Kyiv.from_local_datetime(&naive) {
            LocalResult::Single(moment) | LocalResult::Ambiguous(moment, _) => {
                moment.with_timezone(&Utc)
            }
            LocalResult::None => return Err(TimestampError::SkippedInKyiv(text.to_owned())),
        },
    };
    Ok(moment)
}

/// Splits `text` into the local part and its offset, if any. The offset can
/// only follow a time, so the search starts after `YYYY-MM-DDT`.
fn split_offset(text: &str) -> Option<(&str, Option<FixedOffset>)> {
    if let Some(local) = text.strip_suffix(['Z', 'z']) {
        return Some((local, Some(FixedOffset::east_opt(0)?)));
    }
    let Some(sign_at) = text.get(11..).and_then(|time| time.rfind(['+', '-'])) else {
        return Some((text, None));
    };
    let sign_at = sign_at + 11;
    let (local, offset) = text.split_at(sign_at);
    let digits = offset[1..].replace(':', "");
    let (hours, minutes) = match (digits.len(), offset.len()) {
        (2, 3) => (number(&digits)?, 0),
        (4, 5) => (number(&digits[..2])?, number(&digits[2..])?),
        (4, 6) if offset.as_bytes()[3] == b':' => (number(&digits[..2])?, number(&digits[2..])?),
        _ => return None,
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    let seconds = i32::try_from(hours * 3600 + minutes * 60).ok()?;
    let offset = if offset.starts_with('-') {
        FixedOffset::west_opt(seconds)?
    } else {
        FixedOffset::east_opt(seconds)?
    };
    Some((local, Some(offset)))
}

fn parse_local(text: &str) -> Option<NaiveDateTime> {
    let (date, time) = match text.len() {
        10 => (text, None),
        11.. if matches!(text.as_bytes()[10], b'T' | b't' | b' ') => {
            (&text[..10], Some(&text[11..]))
        }
        _ => return None,
    };
    let bytes = date.as_bytes();
    if bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(number(&date[..4])?).ok()?,
        number(&date[5..7])?,
        number(&date[8..])?,
    )?;
    let time = match time {
        None => NaiveTime::MIN,
        Some(time) => parse_time(time)?,
    };
    Some(date.and_time(time))
}

fn parse_time(text: &str) -> Option<NaiveTime> {
    let (clock, fraction) = match text.split_once(['.', ',']) {
        Some((clock, fraction)) => (clock, Some(fraction)),
        None => (text, None),
    };
    let (hour, minute, second) = match clock.len() {
        5 if clock.as_bytes()[2] == b':' && fraction.is_none() => {
            (number(&clock[..2])?, number(&clock[3..])?, 0)
        }
        8 if clock.as_bytes()[2] == b':' && clock.as_bytes()[5] == b':' => (
            number(&clock[..2])?,
            number(&clock[3..5])?,
            number(&clock[6..])?,
        ),
        _ => return None,
    };
    let micros = match fraction {
        None => 0,
        Some(fraction) if (1..=9).contains(&fraction.len()) => {
            let kept = &fraction[..fraction.len().min(6)];
            number(fraction)?; // every digit must be a digit, even dropped ones
            number(kept)? * 10u32.pow(6 - kept.len() as u32)
        }
        Some(_) => return None,
    };
    // `from_hms_micro_opt` accepts second 60 as a leap second; the reference
    // API (Python) does not, and neither do we.
    if second > 59 {
        return None;
    }
    NaiveTime::from_hms_micro_opt(hour, minute, second, micros)
}

/// An unsigned decimal made only of ASCII digits (no sign, no spaces).
fn number(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `#[serde(with = "crate::time::kyiv_serde")]` for `DateTime<Utc>`.
pub mod kyiv_serde {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer, de};

    pub fn serialize<S: Serializer>(moment: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_kyiv(*moment))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_timestamp(&text).map_err(de::Error::custom)
    }
}

/// `#[serde(default, with = "crate::time::kyiv_serde_option")]` for
/// `Option<DateTime<Utc>>`; `null` and a missing field are `None`.
pub mod kyiv_serde_option {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer, de};

    pub fn serialize<S: Serializer>(
        moment: &Option<DateTime<Utc>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match moment {
            Some(moment) => s.serialize_str(&super::format_kyiv(*moment)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(text) => super::parse_timestamp(&text)
                .map(Some)
                .map_err(de::Error::custom),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn summer_and_winter_offsets() {
        assert_eq!(
            format_kyiv(utc("2023-09-19T22:00:00Z")),
            "2023-09-20T01:00:00+03:00"
        );
        assert_eq!(
            format_kyiv(utc("2024-01-01T00:00:01Z")),
            "2024-01-01T02:00:01+02:00"
        );
        // Last Sunday of October 2023: 04:00 summer time became 03:00.
        assert_eq!(
            format_kyiv(utc("2023-10-29T00:59:59Z")),
            "2023-10-29T03:59:59+03:00"
        );
        assert_eq!(
            format_kyiv(utc("2023-10-29T01:00:00Z")),
            "2023-10-29T03:00:00+02:00"
        );
    }

    #[test]
    fn kyiv_date_is_the_local_date() {
        let moment = utc("2023-09-19T22:00:00Z");
        assert_eq!(
            kyiv_date(moment),
            NaiveDate::from_ymd_opt(2023, 9, 20).unwrap()
        );
        assert_eq!(
            kyiv_date(utc("2023-09-19T20:59:59Z")),
            NaiveDate::from_ymd_opt(2023, 9, 19).unwrap()
        );
        assert_eq!(to_kyiv(moment).to_rfc3339(), "2023-09-20T01:00:00+03:00");
    }

    #[test]
    fn microseconds_only_when_present() {
        let moment = parse_timestamp("2023-09-20T01:00:00.123456+03:00").unwrap();
        assert_eq!(format_kyiv(moment), "2023-09-20T01:00:00.123456+03:00");
        let moment = parse_timestamp("2023-09-20T01:00:00.5+03:00").unwrap();
        assert_eq!(format_kyiv(moment), "2023-09-20T01:00:00.500000+03:00");
        let moment = parse_timestamp("2023-09-20T01:00:00.000000+03:00").unwrap();
        assert_eq!(format_kyiv(moment), "2023-09-20T01:00:00+03:00");
        // Nanoseconds from a clock are below what the API writes.
        let moment = utc("2023-09-19T22:00:00.000000999Z");
        assert_eq!(format_kyiv(moment), "2023-09-20T01:00:00+03:00");
    }

    #[test]
    fn parses_offsets_and_utc() {
        let expected = utc("2023-09-19T22:00:00Z");
        for text in [
            "2023-09-19T22:00:00Z",
            "2023-09-19t22:00:00z",
            "2023-09-19 22:00:00Z",
            "2023-09-20T01:00:00+03:00",
            "2023-09-20T01:00:00+0300",
            "2023-09-20T01:00:00+03",
            "2023-09-20T01:00+03:00",
            "2023-09-19T22:00:00+00:00",
            "2023-09-19T21:00:00-01:00",
            "2023-09-20T01:00:00.000+03:00",
        ] {
            assert_eq!(parse_timestamp(text), Ok(expected), "{text}");
        }
    }

    #[test]
    fn without_offset_is_kyiv_time() {
        let expected = utc("2023-09-19T22:00:00Z");
        assert_eq!(parse_timestamp("2023-09-20T01:00:00"), Ok(expected));
        assert_eq!(parse_timestamp("2023-09-20T01:00"), Ok(expected));
        assert_eq!(
            parse_timestamp("2024-01-15"),
            Ok(utc("2024-01-14T22:00:00Z")),
            "a date alone is Kyiv midnight"
        );
        assert_eq!(
            parse_timestamp("2023-10-29T03:30:00"),
            Ok(utc("2023-10-29T00:30:00Z")),
            "a repeated hour is read as its first (summer time) occurrence"
        );
        assert_eq!(
            parse_timestamp("2024-03-31T03:30:00"),
            Err(TimestampError::SkippedInKyiv("2024-03-31T03:30:00".into()))
        );
    }

    #[test]
    fn round_trips() {
        for text in [
            "2023-09-20T01:00:00+03:00",
            "2024-01-01T02:00:01+02:00",
            "2023-09-20T01:00:00.000001+03:00",
            "2023-10-29T03:30:00+03:00",
            "2023-10-29T03:30:00+02:00",
        ] {
            let moment = parse_timestamp(text).unwrap();
            assert_eq!(format_kyiv(moment), text);
            assert_eq!(parse_timestamp(&format_kyiv(moment)), Ok(moment));
        }
    }

    #[test]
    fn bad_input_is_an_error() {
        for text in [
            "",
            "yesterday",
            "2023-13-01",
            "2023-02-29",
            "2023-9-20",
            "2023-09-20T",
            "2023-09-20T1:00:00",
            "2023-09-20T24:00:00",
            "2023-09-20T01:60:00",
            "2023-12-31T23:59:60Z",
            "2023-09-20T01:00:00.+03:00",
            "2023-09-20T01:00:00.1234567890+03:00",
            "2023-09-20T01:00:00+24:00",
            "2023-09-20T01:00:00+3:00",
            "2023-09-20T01:00:00+03:00:00",
            "2023-09-20+03:00",
            "2023-09-20T01:00:00 +03:00",
            "2023-09-20T01:00:00+03:00 ",
            "2023-09-20T01:00:00Zjunk",
            "+2023-09-20T01:00:00Z",
            "２０２３-09-20",
        ] {
            assert_eq!(
                parse_timestamp(text),
                Err(TimestampError::Malformed(text.into())),
                "{text:?}"
            );
        }
        assert_eq!(
            parse_timestamp("2023-13-01").unwrap_err().to_string(),
            "could not parse 2023-13-01 as an ISO 8601 date-time \
             (expected e.g. 2023-09-20T01:00:00+03:00)"
        );
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Doc {
        #[serde(with = "kyiv_serde")]
        date: DateTime<Utc>,
        #[serde(default, with = "kyiv_serde_option")]
        end: Option<DateTime<Utc>>,
    }

    #[test]
    fn serde_writes_kyiv_time_and_reads_any_offset() {
        let doc = Doc {
            date: utc("2023-09-19T22:00:00Z"),
            end: Some(utc("2024-01-01T00:00:00.25Z")),
        };
        let json = serde_json::to_string(&doc).unwrap();
        assert_eq!(
            json,
            r#"{"date":"2023-09-20T01:00:00+03:00","end":"2024-01-01T02:00:00.250000+02:00"}"#
        );
        assert_eq!(serde_json::from_str::<Doc>(&json).unwrap(), doc);

        let read: Doc = serde_json::from_str(r#"{"date":"2023-09-19T22:00:00Z"}"#).unwrap();
        assert_eq!(
            read,
            Doc {
                date: doc.date,
                end: None
            }
        );
        let read: Doc =
            serde_json::from_str(r#"{"date":"2023-09-20T01:00:00","end":null}"#).unwrap();
        assert_eq!(
            read,
            Doc {
                date: doc.date,
                end: None
            }
        );
        assert_eq!(
            serde_json::to_string(&read).unwrap(),
            r#"{"date":"2023-09-20T01:00:00+03:00","end":null}"#
        );

        let error = serde_json::from_str::<Doc>(r#"{"date":"2023-13-01"}"#).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("could not parse 2023-13-01 as an ISO 8601 date-time"),
            "{error}"
        );
    }
}
