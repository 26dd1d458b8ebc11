//! `cdb replay show`: a procedure's public document as it was at any
//! moment, rendered by the same rules and the same serialisation as the live
//! documents read model, so it is byte-for-byte what `GET` served then.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use commands::store::{EventStore, RecordedEvent, StoreError};
use projections::Kinds;
use projections::view::ViewError;

/// A moment in a procedure's history: a global log position or a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    Position(u64),
    Time(DateTime<Utc>),
}

impl FromStr for At {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        if let Ok(position) = text.parse() {
            return Ok(At::Position(position));
        }
        DateTime::parse_from_rfc3339(text)
            .map(|at| At::Time(at.with_timezone(&Utc)))
            .map_err(|_| {
                format!(
                    "{text:?} is neither a log position (a whole number) nor an RFC 3339 time \
                     such as 2023-09-20T01:00:00+03:00"
                )
            })
    }
}

impl At {
    fn includes(&self, event: &RecordedEvent) -> bool {
        match self {
            At::Position(position) => event.position <= *position,
            At::Time(time) => event.recorded_at <= *time,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ShowError {
    #[error("no procedure {0} in the store")]
    NotFound(String),
    #[error("procedure {0} did not exist yet at that moment")]
    NotYet(String),
    #[error(transparent)]
    View(#[from] ViewError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub(crate) async fn load(
    store: &dyn EventStore,
    procedure_id: &str,
) -> Result<(String, Vec<RecordedEvent>), ShowError> {
    let kind = store
        .procedure_kind(procedure_id)
        .await?
        .ok_or_else(|| ShowError::NotFound(procedure_id.to_owned()))?;
    Ok((kind, store.read_procedure(procedure_id).await?))
}

/// The public document (the exact bytes `GET` serves) after every event up
/// to `at`, or the current one without `at`.
pub async fn show(
    store: &dyn EventStore,
    kinds: &Kinds,
    procedure_id: &str,
    at: Option<At>,
) -> Result<String, ShowError> {
    let (kind, events) = load(store, procedure_id).await?;
    let included = events
        .iter()
        .take_while(|event| at.is_none_or(|at| at.includes(event)));
    let view = kinds.fold(&kind, included)?;
    view.envelope()
        .map(|envelope| envelope.to_string())
        .ok_or_else(|| ShowError::NotYet(procedure_id.to_owned()))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn at_is_a_position_or_an_rfc3339_time() {
        assert_eq!("1234".parse(), Ok(At::Position(1234)));
        assert_eq!(
            "2023-09-20T10:00:00+03:00".parse(),
            Ok(At::Time(
                Utc.with_ymd_and_hms(2023, 9, 20, 7, 0, 0).unwrap()
            ))
        );
        assert_eq!(
            "2023-09-20T07:00:00.5Z"
                .parse::<At>()
                .map(|at| matches!(at, At::Time(_))),
            Ok(true)
        );
        for bad in ["", "-1", "2023-09-20", "2023-09-20T10:00:00", "yesterday"] {
            assert!(bad.parse::<At>().is_err(), "{bad:?}");
        }
    }
}
