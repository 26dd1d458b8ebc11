//! Time rules: the reference's "full days" arithmetic (spec §3.1), the
//! period rules (§3.2) and the auction's planning (§9.1), on the Kyiv
//! working-day calendar.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Europe::Kyiv;

use super::{AuctionPeriod, AuctionSlot, Config, EnquiryPeriod};
use crate::calendar::Calendar;
use crate::procedures::common::refusals;
use crate::procurement::{Period, Refusal};
use crate::time::to_kyiv;

/// The auction window opens at 11:00 Kyiv time and has ten half-hour slots.
const WINDOW_OPENS: u32 = 11;
const WINDOW_SECONDS: u32 = 5 * 60 * 60;
/// `AUCTION_PERIOD_SHOULD_START_EARLIER_UPDATE_DAYS`.
const EARLIER_UPDATE_DAYS: i64 = 2;
/// `TENDER_PERIOD_START_DATE_STALE_MINUTES`.
const STALE_START_MINUTES: i64 = 10;

fn kyiv_midnight(day: NaiveDate) -> Option<DateTime<Utc>> {
    Kyiv.from_local_datetime(&day.and_time(NaiveTime::MIN))
        .earliest()
        .map(|moment| moment.with_timezone(&Utc))
}

/// `moment` if it is exactly a Kyiv midnight, else the next one.
pub fn midnight_on_or_after(moment: DateTime<Utc>) -> DateTime<Utc> {
    let local = to_kyiv(moment);
    if local.time() == NaiveTime::MIN {
        return moment;
    }
    local
        .date_naive()
        .succ_opt()
        .and_then(kyiv_midnight)
        .unwrap_or(moment)
}

/// `full(date, n, working)` of spec §3.1: from the midnight on or after
/// `date`, the midnight that closes the `n`-th working day.
pub fn full_working_days(calendar: &Calendar, date: DateTime<Utc>, n: u32) -> DateTime<Utc> {
    calendar.add_working_days(midnight_on_or_after(date), n)
}

/// A period refusal in the reference's list form.
fn period_refusal(name: &str, text: &str) -> Refusal {
    Refusal::invalid(name, text).as_list()
}

/// The enquiry and tender periods with what the server derives (P1, P2,
/// P7), if they obey P3–P5 (and P6 when `created_at` is the creation's
/// moment).
pub fn derive(
    calendar: &Calendar,
    config: &Config,
    mut enquiry: EnquiryPeriod,
    mut tender: Period,
    created_at: Option<DateTime<Utc>>,
) -> Result<(EnquiryPeriod, Period), Refusal> {
    let Some(enquiry_end) = enquiry.end_date else {
        return Err(refusals::required("enquiryPeriod.endDate"));
    };
    let Some(tender_end) = tender.end_date else {
        return Err(refusals::required("tenderPeriod.endDate"));
    };
    let enquiry_start = match (enquiry.start_date, created_at) {
        (Some(start), _) => start,
        (None, Some(now)) => now,
        (None, None) => {
            return Err(Refusal::invalid(
                "enquiryPeriod",
                "{\"startDate\": [\"This field cannot be deleted\"]}",
            ));
        }
    };
    enquiry.start_date = Some(enquiry_start);
    let tender_start = *tender.start_date.get_or_insert(enquiry_end);
    let min_enquiry_end = full_working_days(calendar, enquiry_start, config.min_enquiries_duration);
    if enquiry_end < min_enquiry_end {
        return Err(period_refusal(
            "enquiryPeriod",
            &format!(
                "the enquiryPeriod cannot end earlier than {} full business days after the start",
                config.min_enquiries_duration
            ),
        ));
    }
    let min_tender_end = full_working_days(calendar, tender_start, config.min_tendering_duration);
    if tender_end < min_tender_end {
        return Err(period_refusal(
            "tenderPeriod",
            &format!(
                "tenderPeriod must be at least {} full business days long",
                config.min_tendering_duration
            ),
        ));
    }
    if tender_start < enquiry_end {
        return Err(period_refusal(
            "tenderPeriod",
            "period should begin after enquiryPeriod",
        ));
    }
    if let Some(now) = created_at
        && tender_start <= now - TimeDelta::minutes(STALE_START_MINUTES)
    {
        return Err(period_refusal(
            "tenderPeriod",
            "tenderPeriod.startDate should be in greater than current date",
        ));
    }
    enquiry.clarifications_until = Some(full_working_days(
        calendar,
        enquiry_end,
        config.clarification_until_duration,
    ));
    Ok((enquiry, tender))
}

/// The lot's auction period as planned at `now` for a tender period
/// ending `tender_end` (spec §9.1 steps 1–3): `previous` is kept unless
/// it must be planned again.
pub fn plan_auction(
    calendar: &Calendar,
    previous: Option<&AuctionPeriod>,
    tender_end: DateTime<Utc>,
    now: DateTime<Utc>,
    slot: AuctionSlot,
) -> AuctionPeriod {
    let should_start_after = midnight_on_or_after(tender_end);
    let keep = previous.and_then(|previous| {
        let start = previous.start_date?;
        let old_after = previous.should_start_after.unwrap_or(should_start_after);
        let moved_earlier = old_after - should_start_after > TimeDelta::days(EARLIER_UPDATE_DAYS);
        (start >= should_start_after && !moved_earlier).then_some(start)
    });
    let start_date = keep.unwrap_or_else(|| auction_start(calendar, should_start_after, now, slot));
    AuctionPeriod {
        should_start_after: Some(should_start_after),
        start_date: Some(start_date),
        end_date: None,
    }
}

/// Step 3: an hour after `max(should_start_after, now)`, on a working day,
/// before 11:00 of it, else the next working day; at 11:00 + `slot`.
fn auction_start(
    calendar: &Calendar,
    should_start_after: DateTime<Utc>,
    now: DateTime<Utc>,
    slot: AuctionSlot,
) -> DateTime<Utc> {
    let base = to_kyiv(should_start_after.max(now) + TimeDelta::hours(1));
    let mut day = base.date_naive();
    let opens = NaiveTime::from_hms_opt(WINDOW_OPENS, 0, 0).unwrap_or(NaiveTime::MIN);
    if !calendar.is_working_day(day) || base.time() >= opens {
        day = next_working_day(calendar, day);
    }
    let offset = TimeDelta::seconds(i64::from(slot.0 % WINDOW_SECONDS));
    Kyiv.from_local_datetime(&day.and_time(opens))
        .earliest()
        .map(|at| at.with_timezone(&Utc) + offset)
        .unwrap_or(should_start_after)
}

fn next_working_day(calendar: &Calendar, mut day: NaiveDate) -> NaiveDate {
    // Bounded: only finitely many weekdays are days off.
    while let Some(next) = day.succ_opt() {
        day = next;
        if calendar.is_working_day(day) {
            break;
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_timestamp;

    fn at(text: &str) -> DateTime<Utc> {
        parse_timestamp(text).expect("a timestamp")
    }

    /// The table of spec §3.1.
    #[test]
    fn full_days_as_the_spec_table_says() {
        let calendar = Calendar::ukraine();
        let cases = [
            ("2027-01-08T00:00:00+02:00", 1, "2027-01-09T00:00:00+02:00"),
            ("2027-01-07T00:15:06+02:00", 2, "2027-01-12T00:00:00+02:00"),
            ("2027-01-07T00:15:06+02:00", 5, "2027-01-15T00:00:00+02:00"),
            ("2027-03-01T10:00:00+02:00", 3, "2027-03-05T00:00:00+02:00"),
            ("2027-03-05T00:00:00+02:00", 2, "2027-03-09T00:00:00+02:00"),
            ("2027-03-04T15:30:00+02:00", 3, "2027-03-10T00:00:00+02:00"),
        ];
        for (start, n, end) in cases {
            assert_eq!(
                full_working_days(calendar, at(start), n),
                at(end),
                "{start} + {n}"
            );
        }
    }

    #[test]
    fn should_start_after_is_the_next_midnight() {
        assert_eq!(
            midnight_on_or_after(at("2027-01-16T00:00:11+02:00")),
            at("2027-01-17T00:00:00+02:00")
        );
        assert_eq!(
            midnight_on_or_after(at("2027-01-15T00:00:00+02:00")),
            at("2027-01-15T00:00:00+02:00")
        );
    }

    #[test]
    fn the_auction_starts_in_the_window_of_the_next_working_morning() {
        let calendar = Calendar::ukraine();
        let planned = plan_auction(
            calendar,
            None,
            at("2027-01-15T00:00:00+02:00"),
            at("2027-01-01T00:10:05+02:00"),
            AuctionSlot(4935),
        );
        assert_eq!(
            planned.should_start_after,
            Some(at("2027-01-15T00:00:00+02:00"))
        );
        assert_eq!(planned.start_date, Some(at("2027-01-15T12:22:15+02:00")));
        // Ending on a Friday afternoon: Monday's window.
        let late = plan_auction(
            calendar,
            None,
            at("2027-01-15T10:30:00+02:00"),
            at("2027-01-01T00:00:00+02:00"),
            AuctionSlot(0),
        );
        assert_eq!(late.start_date, Some(at("2027-01-18T11:00:00+02:00")));
    }
}
