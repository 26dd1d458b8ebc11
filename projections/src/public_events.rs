//! The public event log as a read model: every event of the log in the form
//! `GET /api/2.5/events` serves it, rendered once when the event is
//! projected, so that reading the log costs a range scan and not a decode
//! and redaction of every event on every read.
//!
//! What an event shows is decided by its procedure type's secrecy rules
//! ([`domain::Published::public_event`]), which depend on the event alone,
//! so the stored form is the same whenever it is made: the events that
//! place or change a bid never show its contents, and an event that
//! withholds anything also withholds its hashes (with a hash anyone could
//! test guesses of what was withheld).

use commands::store::RecordedEvent;
use serde_json::{Map, Value as Json, json};

use crate::view::Kinds;

/// The name of its digest (it is stored at the feed's position).
pub const EVENTS: &str = "events";

/// One event of the public log: its global position and the compact JSON
/// object the log shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicEventRow {
    pub position: u64,
    pub body: String,
}

impl PublicEventRow {
    /// `event` (of a procedure of `kind`) as the public may see it. An
    /// event its type's rules cannot read is listed without data or hashes.
    pub fn of(kinds: &Kinds, event: &RecordedEvent, kind: &str) -> Self {
        let shown = kinds.public_event(kind, event).ok();
        let (data, withheld) =
            shown.map_or((Json::Null, true), |shown| (shown.data, shown.withheld));
        let mut public = Map::new();
        public.insert("offset".into(), json!(event.position.to_string()));
        public.insert("position".into(), json!(event.position));
        public.insert("id".into(), json!(event.event_id));
        public.insert("type".into(), json!(event.event_type));
        public.insert("schemaVersion".into(), json!(event.schema_version));
        public.insert("procedureId".into(), json!(event.procedure_id));
        public.insert("procedureType".into(), json!(kind));
        public.insert("procedureVersion".into(), json!(event.procedure_version));
        public.insert("stream".into(), json!(event.stream_id));
        public.insert("streamVersion".into(), json!(event.stream_version));
        public.insert(
            "recordedAt".into(),
            json!(domain::time::format_kyiv(event.recorded_at)),
        );
        public.insert("data".into(), data);
        if !withheld {
            public.insert("prevHash".into(), json!(event.prev_hash));
            public.insert("hash".into(), json!(event.hash));
        }
        PublicEventRow {
            position: event.position,
            body: Json::Object(public).to_string(),
        }
    }
}
