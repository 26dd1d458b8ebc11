//! Time as the reference API writes it: Kyiv local time with its offset,
//! e.g. `2023-09-20T01:00:00+03:00`. Stored and compared as UTC.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use chrono_tz::{Europe::Kyiv, Tz};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not parse {0:?} as an ISO 8601 date-time")]
pub struct TimestampError(pub String);

pub fn to_kyiv(moment: DateTime<Utc>) -> DateTime<Tz> {
    moment.with_timezone(&Kyiv)
}

/// `2023-09-20T01:00:00+03:00`; microseconds only when non-zero, as
/// Python's `isoformat` writes them.
pub fn format_kyiv(moment: DateTime<Utc>) -> String {
    let local = to_kyiv(moment);
    let format = if local.timestamp_subsec_micros() == 0 {
        SecondsFormat::Secs
    } else {
        SecondsFormat::Micros
    };
    local.to_rfc3339_opts(format, false)
}

/// The Kyiv calendar date of a moment.
pub fn kyiv_date(moment: DateTime<Utc>) -> NaiveDate {
    to_kyiv(moment).date_naive()
}

/// Parses RFC 3339 / ISO 8601 with an offset; without one the time is Kyiv
/// local time (the earlier instant when a clock change repeats it).
pub fn parse_timestamp(text: &str) -> Result<DateTime<Utc>, TimestampError> {
    if let Ok(moment) = DateTime::parse_from_rfc3339(text) {
        return Ok(moment.with_timezone(&Utc));
    }
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M"))
        .or_else(|_| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(|date| date.and_hms_opt(0, 0, 0).unwrap_or_default())
        })
        .map_err(|_| TimestampError(text.to_owned()))?;
    match Kyiv.from_local_datetime(&naive) {
        LocalResult::Single(moment) | LocalResult::Ambiguous(moment, _) => {
            Ok(moment.with_timezone(&Utc))
        }
        LocalResult::None => Err(TimestampError(text.to_owned())),
    }
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
/// `Option<DateTime<Utc>>`.
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

    #[test]
    fn summer_and_winter_offsets() {
        let summer = Utc.with_ymd_and_hms(2023, 9, 19, 22, 0, 0).unwrap();
        assert_eq!(format_kyiv(summer), "2023-09-20T01:00:00+03:00");
        assert_eq!(
            kyiv_date(summer),
            NaiveDate::from_ymd_opt(2023, 9, 20).unwrap()
        );
        let winter = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 1).unwrap();
        assert_eq!(format_kyiv(winter), "2024-01-01T02:00:01+02:00");
    }

    #[test]
    fn micros_only_when_present_and_round_trip() {
        let moment = parse_timestamp("2023-09-20T01:00:00.123456+03:00").unwrap();
        assert_eq!(format_kyiv(moment), "2023-09-20T01:00:00.123456+03:00");
        assert_eq!(parse_timestamp(&format_kyiv(moment)).unwrap(), moment);
        assert_eq!(
            parse_timestamp("2023-09-19T22:00:00Z").unwrap(),
            parse_timestamp("2023-09-20T01:00:00").unwrap(),
            "no offset means Kyiv time"
        );
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(parse_timestamp("2023-13-01").is_err());
        assert!(parse_timestamp("yesterday").is_err());
        assert!(
            parse_timestamp("2024-03-31T03:30:00").is_err(),
            "skipped by the spring change"
        );
    }
}
