//! Offsets in the forms older clients send: a date-time
//! (`2026-12-01T21:55:11`, Kyiv time without an offset, as the reference
//! writes `dateModified`) or a Unix timestamp with a fraction
//! (`1796154911.25`). The reference still accepts them for compatibility;
//! opencdb maps one onto its positions: the offset just before the first
//! event recorded at or after that time, so the page starts with the first
//! change at or after it.

use chrono::{DateTime, Utc};
use commands::store::EventStore;

use crate::error::ApiError;
use crate::write::store_failed;

/// The time `offset` names, when it is in one of the time forms (a whole
/// number is a position, not a time).
pub fn parse(offset: &str) -> Option<DateTime<Utc>> {
    if offset.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some((seconds, fraction)) = offset.split_once('.')
        && !seconds.is_empty()
        && seconds.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
    {
        let seconds: i64 = seconds.parse().ok()?;
        let digits = fraction.len().min(9);
        let nanos: u32 = if digits == 0 {
            0
        } else {
            fraction[..digits].parse::<u32>().ok()? * 10u32.pow(9 - digits as u32)
        };
        return DateTime::from_timestamp(seconds, nanos);
    }
    domain::time::parse_timestamp(offset).ok()
}

/// The offset whose page starts at the first event recorded at or after
/// `since`. Positions commit in order and their times follow them (up to
/// the few milliseconds concurrent commits can cross), so a binary search
/// over positions finds it in a few dozen point reads.
pub async fn offset_before(store: &dyn EventStore, since: DateTime<Utc>) -> Result<u64, ApiError> {
    let head = store.head().await.map_err(store_failed)?;
    // Invariant: the event at `low` (if any) is before `since`; every
    // position above `high` is at or after it.
    let (mut low, mut high) = (0u64, head);
    while low < high {
        let middle = low + (high - low).div_ceil(2);
        let event = store.read_all(middle - 1, 1).await.map_err(store_failed)?;
        match event.first() {
            Some(event) if event.recorded_at < since => low = middle,
            _ => high = middle - 1,
        }
    }
    Ok(low)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_forms_are_read_and_positions_are_not() {
        assert_eq!(parse("42"), None);
        assert_eq!(parse(""), None);
        assert_eq!(
            parse("1796154911.25"),
            DateTime::from_timestamp(1_796_154_911, 250_000_000)
        );
        // Kyiv is UTC+2 on 1 December.
        assert_eq!(
            parse("2026-12-01T21:55:11"),
            DateTime::from_timestamp(1_796_154_911, 0)
        );
        assert_eq!(
            parse("2026-12-01T21:55:11+02:00"),
            DateTime::from_timestamp(1_796_154_911, 0)
        );
        assert_eq!(parse("yesterday"), None);
        assert_eq!(parse("12.x"), None);
    }
}
