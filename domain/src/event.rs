//! How a domain event meets the store: a type name, a schema version, the
//! stream it belongs to and its JSON data. The stored shape is kept apart
//! from the Rust enum so old events still load after the enum changes: a
//! new shape gets a new schema version and `decode` upcasts older ones.

use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;

#[derive(Debug, thiserror::Error)]
pub enum EventDecodeError {
    #[error("unknown event type {event_type} (schema version {schema_version})")]
    UnknownType {
        event_type: String,
        schema_version: u32,
    },
    #[error("event {event_type} does not match its schema: {source}")]
    Malformed {
        event_type: String,
        #[source]
        source: serde_json::Error,
    },
}

pub trait DomainEvent: Sized {
    /// The stream this event is appended to, e.g. `tender-<id>` or `bid-<id>`.
    fn stream_id(&self, procedure_id: &str) -> String;

    /// The stored name of the event, e.g. `TenderCreated`.
    fn event_type(&self) -> &'static str;

    /// The schema version this code writes for the event.
    fn schema_version(&self) -> u32 {
        1
    }

    fn to_data(&self) -> Value;

    fn decode(
        event_type: &str,
        schema_version: u32,
        data: &Value,
    ) -> Result<Self, EventDecodeError>;
}

/// An event enum declared `#[serde(tag = "type", content = "data")]` and
/// stored as its `data` part, in schema version 1: a [`DomainEvent`] that
/// only names its stream and type.
pub trait TaggedEvent: Serialize + DeserializeOwned {
    fn stream_id(&self, procedure_id: &str) -> String;
    fn event_type(&self) -> &'static str;
}

impl<E: TaggedEvent> DomainEvent for E {
    fn stream_id(&self, procedure_id: &str) -> String {
        TaggedEvent::stream_id(self, procedure_id)
    }

    fn event_type(&self) -> &'static str {
        TaggedEvent::event_type(self)
    }

    fn to_data(&self) -> Value {
        encode_tagged(self)
    }

    fn decode(
        event_type: &str,
        schema_version: u32,
        data: &Value,
    ) -> Result<Self, EventDecodeError> {
        decode_tagged_v1(event_type, schema_version, data)
    }
}

/// Encodes an event enum declared `#[serde(tag = "type", content = "data")]`
/// into its stored data (the `data` part).
pub fn encode_tagged<E: Serialize>(event: &E) -> Value {
    match serde_json::to_value(event) {
        Ok(Value::Object(mut object)) => object.remove("data").unwrap_or(Value::Null),
        // An event enum that does not serialise to an object is a programming
        // error caught by every test that stores an event.
        other => panic!("event must serialise as an adjacently tagged object, got {other:?}"),
    }
}

/// Decodes stored data of schema version 1, the only one so far, into an
/// event enum declared `#[serde(tag = "type", content = "data")]`; another
/// version is an unknown event to this build.
pub fn decode_tagged_v1<E: DeserializeOwned>(
    event_type: &str,
    schema_version: u32,
    data: &Value,
) -> Result<E, EventDecodeError> {
    if schema_version != 1 {
        return Err(EventDecodeError::UnknownType {
            event_type: event_type.to_owned(),
            schema_version,
        });
    }
    decode_tagged(event_type, data)
}

/// Decodes stored data into an event enum declared
/// `#[serde(tag = "type", content = "data")]`.
pub fn decode_tagged<E: DeserializeOwned>(
    event_type: &str,
    data: &Value,
) -> Result<E, EventDecodeError> {
    let tagged = serde_json::json!({ "type": event_type, "data": data });
    serde_json::from_value(tagged).map_err(|source| {
        // serde reports a tag no variant has as "unknown variant `…`": an
        // event this type never writes, not a malformed one.
        if source.to_string().starts_with("unknown variant") {
            EventDecodeError::UnknownType {
                event_type: event_type.to_owned(),
                schema_version: 1,
            }
        } else {
            EventDecodeError::Malformed {
                event_type: event_type.to_owned(),
                source,
            }
        }
    })
}
