//! The working-day calendar the handler is given reaches every decision
//! through the context: a decider asking whether today is a working day
//! answers by the operator's calendar, not the built-in one.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use commands::store::{Metadata, StoreLocation, open_store};
use commands::{CommandHandler, FrozenClock, SequentialIds};
use domain::calendar::Calendar;
use domain::event::{decode_tagged, encode_tagged};
use domain::{Context, Decider, DomainEvent, EventDecodeError};
use serde::{Deserialize, Serialize};

/// Records whether the day a command is decided on is a working day.
struct Clerk;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
enum ClerkEvent {
    Noted { working_day: bool },
}

impl DomainEvent for ClerkEvent {
    fn stream_id(&self, procedure_id: &str) -> String {
        format!("clerk-{procedure_id}")
    }

    fn event_type(&self) -> &'static str {
        "Noted"
    }

    fn to_data(&self) -> serde_json::Value {
        encode_tagged(self)
    }

    fn decode(
        event_type: &str,
        _: u32,
        data: &serde_json::Value,
    ) -> Result<Self, EventDecodeError> {
        decode_tagged(event_type, data)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("never")]
struct Never;

impl Decider for Clerk {
    type State = ();
    type Command = ();
    type Event = ClerkEvent;
    type Error = Never;
    const KIND: &'static str = "clerk";

    fn decide(_: &(), _: &(), context: &Context<'_>) -> Result<Vec<ClerkEvent>, Never> {
        let today = context.now.date_naive();
        Ok(vec![ClerkEvent::Noted {
            working_day: context.calendar().is_working_day(today),
        }])
    }

    fn evolve(state: (), _: &ClerkEvent) -> Self::State {
        state
    }
}

async fn noted(calendar: Option<Calendar>) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(&StoreLocation::Sqlite(dir.path().join("cdb.sqlite3")), true)
        .await
        .unwrap();
    // Wednesday 2026-03-04, a working day on the built-in calendar.
    let clock = Arc::new(FrozenClock::new(
        Utc.with_ymd_and_hms(2026, 3, 4, 9, 0, 0).unwrap(),
    ));
    let mut handler = CommandHandler::new(store, clock, Arc::new(SequentialIds::new(1)));
    if let Some(calendar) = calendar {
        handler = handler.with_calendar(Arc::new(calendar));
    }
    let executed = handler
        .execute::<Clerk>("c1", &(), &Metadata::default())
        .await
        .unwrap();
    let [ClerkEvent::Noted { working_day }] = executed.events.as_slice() else {
        panic!("one event: {:?}", executed.events);
    };
    *working_day
}

#[tokio::test]
async fn decisions_count_days_on_the_calendar_the_handler_was_given() {
    assert!(noted(None).await, "the built-in calendar works that day");
    let day_off = NaiveDate::from_ymd_opt(2026, 3, 4).unwrap();
    let operator = Calendar::from_lists([day_off], []);
    assert!(
        !noted(Some(operator)).await,
        "the operator's calendar has it off"
    );
}
