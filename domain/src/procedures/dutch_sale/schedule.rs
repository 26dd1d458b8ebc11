//! When a Dutch sale's auction is held (`dutch-auction.md` §4.1, Q3) and
//! when bids close (AD-3: at the end of round 1).

use chrono::{DateTime, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Europe::Kyiv;

use super::Config;
use crate::auction::dutch::Timing;
use crate::calendar::Calendar;
use crate::time::kyiv_date;

/// The start of the window auctions start in, Kyiv time (L44).
const WINDOW_START: (u32, u32) = (9, 30);
/// The window's length in minutes: `[09:30, 10:00)`.
const WINDOW_MINUTES: u32 = 30;

/// `auctionPeriod.startDate` (Q3): the working day that is
/// `config.tenderingWorkingDays` working days after the publication day,
/// at 09:30 plus the auction number modulo 30 minutes, Kyiv time. The
/// number is the last part of the auctionId, so auctions published the
/// same day spread over the window, and the minute follows from what the
/// creation event records.
pub fn auction_start(
    published: DateTime<Utc>,
    auction_number: u32,
    config: &Config,
    calendar: &Calendar,
) -> DateTime<Utc> {
    let later = calendar.add_working_days(published, config.tendering_working_days);
    let mut day = kyiv_date(later);
    // `add_working_days` keeps the wall-clock time; from 00:00 it may end on
    // the day after the last working day.
    while !calendar.is_working_day(day) {
        match day.succ_opt() {
            Some(next) => day = next,
            None => return DateTime::<Utc>::MAX_UTC,
        }
    }
    let (hour, minute) = WINDOW_START;
    let offset = auction_number % WINDOW_MINUTES;
    let time = NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN)
        + TimeDelta::minutes(i64::from(offset));
    // 09:30–10:00 never falls in a clock change (03:00–04:00).
    Kyiv.from_local_datetime(&day.and_time(time))
        .earliest()
        .map_or(DateTime::<Utc>::MAX_UTC, |moment| {
            moment.with_timezone(&Utc)
        })
}

/// The end of round 1 for an auction starting at `start`: the familiarisation
/// pause, then round 1 whole (the schedule is fixed, Q5).
pub fn round1_end(start: DateTime<Utc>, timing: &Timing) -> DateTime<Utc> {
    start + timing.familiarisation_pause + timing.dutch_round_duration
}

/// The number at the end of an auctionId (`BSD001-UA-20240219-63871` → 63871).
pub fn auction_number(auction_id: &str) -> u32 {
    auction_id
        .rsplit('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kyiv(text: &str) -> DateTime<Utc> {
        crate::time::parse_timestamp(text).expect("a time")
    }

    #[test]
    fn the_auction_is_on_the_fifth_working_day_inside_the_morning_window() {
        let config = Config::default();
        // Thursday 2024-03-07, 15:00: five working days on is Thursday the
        // 14th.
        let published = kyiv("2024-03-07T15:00:00+02:00");
        let start = auction_start(published, 40958, &config, Calendar::ukraine());
        assert_eq!(start, kyiv("2024-03-14T09:38:00+02:00"));
        let start = auction_start(published, 40950, &config, Calendar::ukraine());
        assert_eq!(start, kyiv("2024-03-14T09:30:00+02:00"));
        let start = auction_start(published, 40979, &config, Calendar::ukraine());
        assert_eq!(start, kyiv("2024-03-14T09:59:00+02:00"));
    }

    #[test]
    fn a_weekend_publication_counts_from_the_next_working_day() {
        let config = Config {
            tendering_working_days: 1,
            ..Config::default()
        };
        // Saturday 2024-03-09 at midnight: one working day is Monday, ending
        // Tuesday 00:00, which is Tuesday's window.
        let start = auction_start(
            kyiv("2024-03-09T00:00:00+02:00"),
            0,
            &config,
            Calendar::ukraine(),
        );
        assert_eq!(start, kyiv("2024-03-12T09:30:00+02:00"));
        // Friday afternoon: Monday.
        let start = auction_start(
            kyiv("2024-03-08T16:00:00+02:00"),
            1,
            &config,
            Calendar::ukraine(),
        );
        assert_eq!(start, kyiv("2024-03-11T09:31:00+02:00"));
    }

    #[test]
    fn the_auction_number_is_the_ids_last_part() {
        assert_eq!(auction_number("BSD001-UA-20240219-63871"), 63871);
        assert_eq!(auction_number("garbled"), 0);
    }
}
