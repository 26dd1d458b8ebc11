//! The Ukrainian working-day calendar for periods counted in business days
//! (data: `domain/data/calendars/`, from ProzorroUKR/standards). A day is a
//! working day when it is Monday–Friday and not a listed day off, or when it
//! is a weekend day listed as worked (a transfer).

use std::collections::HashSet;
use std::sync::OnceLock;

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Europe::Kyiv;

const DAYS_OFF: &str = include_str!("../data/calendars/workdays_off.json");
const WEEKENDS_ON: &str = include_str!("../data/calendars/weekends_on.json");

#[derive(Debug, Clone, Default)]
pub struct Calendar {
    days_off: HashSet<NaiveDate>,
    weekends_on: HashSet<NaiveDate>,
}

fn parse_days(text: &str) -> Result<Vec<NaiveDate>, String> {
    let days: Vec<String> = serde_json::from_str(text).map_err(|e| e.to_string())?;
    days.iter()
        .map(|day| NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|e| format!("{day}: {e}")))
        .collect()
}

impl Calendar {
    /// The calendar shipped with opencdb.
    pub fn ukraine() -> &'static Calendar {
        static CALENDAR: OnceLock<Calendar> = OnceLock::new();
        CALENDAR.get_or_init(|| {
            // The data is compiled in and checked by a unit test, so a
            // failure here is a broken build, not bad input.
            let days_off = parse_days(DAYS_OFF).expect("embedded workdays_off.json parses");
            let weekends_on = parse_days(WEEKENDS_ON).expect("embedded weekends_on.json parses");
            Calendar::from_lists(days_off, weekends_on)
        })
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

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.weekends_on.contains(&day) {
            return true;
        }
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        !weekend && !self.days_off.contains(&day)
    }

    /// `from` plus `days` working days, counted on Kyiv dates and keeping the
    /// Kyiv wall-clock time: each step moves to the next working day. A
    /// start on a day off therefore counts its first day at the next working
    /// day, like the reference system's business-date calculation.
    pub fn add_working_days(&self, from: DateTime<Utc>, days: u32) -> DateTime<Utc> {
        let local = from.with_timezone(&Kyiv).naive_local();
        let mut date = local.date();
        let mut left = days;
        while left > 0 {
            date = date.checked_add_days(Days::new(1)).unwrap_or(date);
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        let target = date.and_time(local.time());
        match Kyiv.from_local_datetime(&target) {
            chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
                t.with_timezone(&Utc)
            }
            // The wall-clock time falls in the spring gap: an hour later exists.
            chrono::LocalResult::None => {
                let later = target + chrono::Duration::hours(1);
                Kyiv.from_local_datetime(&later)
                    .earliest()
                    .map_or(from, |t| t.with_timezone(&Utc))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{format_kyiv, parse_timestamp};

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn embedded_data_parses() {
        assert!(parse_days(DAYS_OFF).unwrap().len() > 10);
        assert!(parse_days(WEEKENDS_ON).unwrap().len() > 10);
    }

    #[test]
    fn holidays_weekends_and_transfers() {
        let calendar = Calendar::ukraine();
        assert!(
            !calendar.is_working_day(day("2016-01-01")),
            "New Year, a Friday"
        );
        assert!(!calendar.is_working_day(day("2016-01-07")), "Christmas");
        assert!(
            calendar.is_working_day(day("2016-01-05")),
            "an ordinary Tuesday"
        );
        assert!(!calendar.is_working_day(day("2016-01-09")), "a Saturday");
        assert!(
            calendar.is_working_day(day("2016-01-16")),
            "a worked Saturday"
        );
    }

    #[test]
    fn adds_working_days_over_holidays() {
        let calendar = Calendar::ukraine();
        // Thursday 2015-12-31 + 1 → Fri 01-01 off, weekend, Mon 01-04.
        let from = parse_timestamp("2015-12-31T10:00:00+02:00").unwrap();
        assert_eq!(
            format_kyiv(calendar.add_working_days(from, 1)),
            "2016-01-04T10:00:00+02:00"
        );
        // Wed 2016-01-06 + 2 → Thu 07 and Fri 08 off → Mon 11, Tue 12.
        let from = parse_timestamp("2016-01-06T12:00:00+02:00").unwrap();
        assert_eq!(
            format_kyiv(calendar.add_working_days(from, 2)),
            "2016-01-12T12:00:00+02:00"
        );
        assert_eq!(calendar.add_working_days(from, 0), from);
    }

    #[test]
    fn keeps_wall_clock_time_across_a_clock_change() {
        let calendar = Calendar::from_lists([], []);
        // Friday before the last Sunday of March 2024 (summer time from 31st).
        let from = parse_timestamp("2024-03-29T09:00:00+02:00").unwrap();
        assert_eq!(
            format_kyiv(calendar.add_working_days(from, 1)),
            "2024-04-01T09:00:00+03:00"
        );
    }
}
