//! The Ukrainian working-day calendar for periods counted in business days.
//!
//! A day is a working day when it is Monday–Friday and not a listed day off,
//! or when it is a listed worked weekend day (a transfer). The built-in lists
//! are `domain/data/calendars/` (from ProzorroUKR/standards); operators may
//! load newer ones with [`Calendar::from_json`].

use std::collections::BTreeSet;
use std::sync::OnceLock;

use chrono::{
    DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta,
    TimeZone, Utc, Weekday,
};
use chrono_tz::Europe::Kyiv;

const DAYS_OFF: &str = include_str!("../data/calendars/workdays_off.json");
const WEEKENDS_ON: &str = include_str!("../data/calendars/weekends_on.json");

/// A set of working days. `Calendar::default()` is plain Monday–Friday.
// BTreeSet rather than HashSet: the domain crate stays free of the
// randomly seeded hasher, and equal calendars compare and print alike.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    days_off: BTreeSet<NaiveDate>,
    weekends_on: BTreeSet<NaiveDate>,
}

/// A calendar list that is not a JSON array of `YYYY-MM-DD` strings.
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    #[error("{list}: expected a JSON array of dates like \"2016-01-07\": {source}")]
    Json {
        list: &'static str,
        source: serde_json::Error,
    },
    #[error("{list}: {value:?} is not a date like \"2016-01-07\"")]
    Date { list: &'static str, value: String },
}

impl Calendar {
    /// The calendar shipped with opencdb, parsed on first use.
    pub fn ukraine() -> &'static Calendar {
        static CALENDAR: OnceLock<Calendar> = OnceLock::new();
        CALENDAR.get_or_init(|| {
            // Compiled-in data checked by a unit test: failing here is a
            // broken build, not bad input.
            Calendar::from_json(DAYS_OFF, WEEKENDS_ON)
                .unwrap_or_else(|e| panic!("the built-in working-day calendar is invalid: {e}"))
        })
    }

    /// A calendar from the two published files' contents
    /// (`workdays_off.json`, `weekends_on.json`), for operator-supplied data.
    pub fn from_json(days_off: &str, weekends_on: &str) -> Result<Calendar, CalendarError> {
        Ok(Calendar::from_lists(
            parse_days("workdays_off", days_off)?,
            parse_days("weekends_on", weekends_on)?,
        ))
    }

    pub fn from_lists(
        days_off: impl IntoIterator<Item = NaiveDate>,
        weekends_on: impl IntoIterator<Item = NaiveDate>,
    ) -> Calendar {
        Calendar {
            days_off: days_off.into_iter().collect(),
            weekends_on: weekends_on.into_iter().collect(),
        }
    }

    /// A date listed in both lists is a working day, as the published rule
    /// reads ("… or when it is in `weekends_on`").
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.weekends_on.contains(&day) {
            return true;
        }
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        !weekend && !self.days_off.contains(&day)
    }

    /// `from` plus `days` working days, counted on Kyiv local dates as the
    /// reference system does (`calculate_tender_business_date`, i.e.
    /// dateorro's `calc_working_datetime` with midnight allowed):
    ///
    /// 1. `days == 0` returns `from` unchanged.
    /// 2. A start on a day that is not a working day moves to 00:00 of the
    ///    next working day.
    /// 3. Each of the `days` steps moves to the same Kyiv wall-clock time on
    ///    the next working day, except that when that time is 00:00 the last
    ///    step moves one calendar day only: 00:00 is the end of the day
    ///    before, so 5 working days from Monday 00:00 end at Saturday 00:00
    ///    (the end of Friday), not at the start of the next Monday.
    ///
    /// A wall-clock time the result day repeats (the autumn clock change) is
    /// its earlier instant; one the day skips (spring) is read with the
    /// offset in force before the change, so 03:30 becomes 04:30 summer
    /// time. A result past the last representable date saturates at
    /// [`DateTime::<Utc>::MAX_UTC`].
    pub fn add_working_days(&self, from: DateTime<Utc>, days: u32) -> DateTime<Utc> {
        if days == 0 {
            return from;
        }
        self.working_datetime(from.with_timezone(&Kyiv).naive_local(), days)
            .and_then(kyiv_instant)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    fn working_datetime(&self, start: NaiveDateTime, days: u32) -> Option<NaiveDateTime> {
        let (mut date, time) = if self.is_working_day(start.date()) {
            (start.date(), start.time())
        } else {
            (self.next_working_day(start.date())?, NaiveTime::MIN)
        };
        for _ in 1..days {
            date = self.next_working_day(date)?;
        }
        date = if time == NaiveTime::MIN {
            date.succ_opt()?
        } else {
            self.next_working_day(date)?
        };
        Some(date.and_time(time))
    }

    // Terminates: only finitely many weekdays can be listed as days off.
    fn next_working_day(&self, mut date: NaiveDate) -> Option<NaiveDate> {
        loop {
            date = date.succ_opt()?;
            if self.is_working_day(date) {
                return Some(date);
            }
        }
    }
}

fn kyiv_instant(local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match Kyiv.from_local_datetime(&local) {
        LocalResult::Single(moment) | LocalResult::Ambiguous(moment, _) => {
            Some(moment.with_timezone(&Utc))
        }
        LocalResult::None => {
            // Clock changes are months apart, so a day earlier is safely
            // before this one.
            let before = local.checked_sub_signed(TimeDelta::days(1))?;
            let offset = Kyiv.offset_from_utc_datetime(&before).fix();
            let utc =
                local.checked_sub_signed(TimeDelta::seconds(offset.local_minus_utc().into()))?;
            Some(Utc.from_utc_datetime(&utc))
        }
    }
}

fn parse_days(list: &'static str, text: &str) -> Result<Vec<NaiveDate>, CalendarError> {
    let days: Vec<String> =
        serde_json::from_str(text).map_err(|source| CalendarError::Json { list, source })?;
    days.into_iter()
        .map(|value| {
            // chrono's %m and %d also take one digit; the published format does not.
            let date = (value.len() == 10)
                .then(|| NaiveDate::parse_from_str(&value, "%Y-%m-%d").ok())
                .flatten();
            date.ok_or(CalendarError::Date { list, value })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{format_kyiv, parse_timestamp};

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn add(calendar: &Calendar, from: &str, days: u32) -> String {
        format_kyiv(calendar.add_working_days(parse_timestamp(from).unwrap(), days))
    }

    #[test]
    fn embedded_data_parses_and_is_consistent() {
        let days_off = parse_days("workdays_off", DAYS_OFF).unwrap();
        let weekends_on = parse_days("weekends_on", WEEKENDS_ON).unwrap();
        assert!(days_off.len() > 90, "{}", days_off.len());
        assert!(weekends_on.len() > 15, "{}", weekends_on.len());
        for date in &days_off {
            let weekday = date.weekday();
            assert!(
                !matches!(weekday, Weekday::Sat | Weekday::Sun),
                "{date} off is a {weekday}"
            );
        }
        for date in &weekends_on {
            let weekday = date.weekday();
            assert!(
                matches!(weekday, Weekday::Sat | Weekday::Sun),
                "{date} on is a {weekday}"
            );
        }
        let calendar = Calendar::ukraine();
        assert_eq!(calendar.days_off.len(), days_off.len(), "no duplicates");
        assert_eq!(
            calendar.weekends_on.len(),
            weekends_on.len(),
            "no duplicates"
        );
    }

    #[test]
    fn holidays_weekends_and_transfers() {
        let calendar = Calendar::ukraine();
        assert!(
            !calendar.is_working_day(day("2016-01-01")),
            "New Year, a Friday"
        );
        assert!(
            !calendar.is_working_day(day("2016-01-07")),
            "Christmas, a Thursday"
        );
        assert!(
            !calendar.is_working_day(day("2016-01-08")),
            "bridge day, a Friday"
        );
        assert!(
            calendar.is_working_day(day("2016-01-05")),
            "an ordinary Tuesday"
        );
        assert!(!calendar.is_working_day(day("2016-01-09")), "a Saturday");
        assert!(
            calendar.is_working_day(day("2016-01-16")),
            "the worked Saturday for 01-08"
        );
        assert!(
            calendar.is_working_day(day("2024-01-01")),
            "no days off under martial law"
        );
        let plain = Calendar::default();
        assert!(plain.is_working_day(day("2016-01-07")));
        assert!(!plain.is_working_day(day("2016-01-16")));
    }

    #[test]
    fn adds_working_days_over_holidays() {
        let calendar = Calendar::ukraine();
        // Thursday; Friday 01-01 is off, then the weekend.
        assert_eq!(
            add(calendar, "2015-12-31T10:00:00+02:00", 1),
            "2016-01-04T10:00:00+02:00"
        );
        // Wednesday; Thursday 07 and Friday 08 are off → Monday 11, Tuesday 12.
        assert_eq!(
            add(calendar, "2016-01-06T12:00:00+02:00", 2),
            "2016-01-12T12:00:00+02:00"
        );
        assert_eq!(
            add(calendar, "2015-12-31T10:00:00.123456+02:00", 1),
            "2016-01-04T10:00:00.123456+02:00"
        );
    }

    #[test]
    fn counts_a_worked_saturday() {
        let calendar = Calendar::ukraine();
        assert_eq!(
            add(calendar, "2016-01-15T12:00:00+02:00", 1),
            "2016-01-16T12:00:00+02:00"
        );
        assert_eq!(
            add(calendar, "2016-01-15T12:00:00+02:00", 2),
            "2016-01-18T12:00:00+02:00"
        );
        assert_eq!(
            add(&Calendar::default(), "2016-01-15T12:00:00+02:00", 1),
            "2016-01-18T12:00:00+02:00"
        );
    }

    #[test]
    fn a_start_on_a_day_off_counts_from_the_next_working_day() {
        let calendar = Calendar::ukraine();
        // Saturday → Monday 00:00; one working day is then all of Monday.
        assert_eq!(
            add(calendar, "2016-01-09T15:00:00+02:00", 1),
            "2016-01-12T00:00:00+02:00"
        );
        // Christmas (Thursday), then Friday off and the weekend.
        assert_eq!(
            add(calendar, "2016-01-07T10:00:00+02:00", 3),
            "2016-01-14T00:00:00+02:00"
        );
    }

    #[test]
    fn midnight_is_the_end_of_the_day_before() {
        let calendar = Calendar::ukraine();
        assert_eq!(
            add(calendar, "2016-01-18T00:00:00+02:00", 5),
            "2016-01-23T00:00:00+02:00",
            "Monday to Friday end at Saturday 00:00"
        );
        assert_eq!(
            add(calendar, "2016-01-06T00:00:00+02:00", 1),
            "2016-01-07T00:00:00+02:00",
            "all of Wednesday ends on a holiday's midnight"
        );
        assert_eq!(
            add(calendar, "2016-01-06T00:00:00+02:00", 2),
            "2016-01-12T00:00:00+02:00",
            "Wednesday and Monday 11"
        );
        assert_eq!(
            add(calendar, "2016-01-18T00:00:00.000001+02:00", 5),
            "2016-01-25T00:00:00.000001+02:00",
            "only exact midnight"
        );
    }

    #[test]
    fn zero_days_is_the_start_itself() {
        let calendar = Calendar::ukraine();
        for start in ["2016-01-06T12:00:00+02:00", "2016-01-09T15:00:00+02:00"] {
            let from = parse_timestamp(start).unwrap();
            assert_eq!(calendar.add_working_days(from, 0), from);
        }
    }

    #[test]
    fn keeps_wall_clock_time_across_clock_changes() {
        let calendar = Calendar::ukraine();
        // Summer time starts on the last Sunday of March (2024-03-31).
        assert_eq!(
            add(calendar, "2024-03-29T09:00:00+02:00", 1),
            "2024-04-01T09:00:00+03:00"
        );
        // And ends on the last Sunday of October (2023-10-29).
        assert_eq!(
            add(calendar, "2023-10-27T09:00:00+03:00", 1),
            "2023-10-30T09:00:00+02:00"
        );
        assert_eq!(
            add(calendar, "2023-10-27T00:00:00+03:00", 2),
            "2023-10-31T00:00:00+02:00"
        );
    }

    #[test]
    fn wall_clock_times_skipped_or_repeated_by_a_clock_change() {
        // Worked Sundays only to land on the change days.
        let calendar = Calendar::from_lists([], [day("2024-03-31"), day("2023-10-29")]);
        assert_eq!(
            add(&calendar, "2024-03-29T03:30:00+02:00", 1),
            "2024-03-31T04:30:00+03:00",
            "03:30 does not exist that day"
        );
        assert_eq!(
            add(&calendar, "2023-10-27T03:30:00+03:00", 1),
            "2023-10-29T03:30:00+03:00",
            "03:30 happens twice that day; the first one"
        );
    }

    #[test]
    fn from_json_names_the_bad_list_and_value() {
        let calendar = Calendar::from_json(r#"["2016-01-07"]"#, r#"["2016-01-16"]"#).unwrap();
        assert_eq!(
            calendar,
            Calendar::from_lists([day("2016-01-07")], [day("2016-01-16")])
        );
        let error = Calendar::from_json(r#"["2016-1-7"]"#, "[]").unwrap_err();
        assert_eq!(
            error.to_string(),
            r#"workdays_off: "2016-1-7" is not a date like "2016-01-07""#
        );
        let error = Calendar::from_json("[]", r#"{"2016-01-16": true}"#).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("weekends_on: expected a JSON array"),
            "{error}"
        );
    }
}
