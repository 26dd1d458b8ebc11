//! The joined log of a procedure and its auction. Each event is stored
//! under its own name: the engine's names ([`AuctionEvent::EVENT_TYPES`])
//! go to the engine, `AuctionLinked` is this module's, every other name is
//! the procedure's, so a log written while the auction ran elsewhere reads
//! the same. A test checks that no procedure shares a name with an engine.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::auction::AuctionEvent;
use crate::{DomainEvent, EventDecodeError};

/// The stored name of [`Event::Linked`].
pub const LINKED: &str = "AuctionLinked";
/// The stored name of [`Event::TermsAnswered`].
pub const TERMS: &str = "AuctionTermsAnswered";

#[derive(Debug, Clone, PartialEq)]
pub enum Event<ProcedureEvent, AuctionEvent> {
    Procedure(ProcedureEvent),
    Auction(AuctionEvent),
    /// The auction was set up; observers watch it at `auction_url`.
    Linked {
        auction_url: String,
        at: DateTime<Utc>,
    },
    /// A participant accepted or declined the auction's terms.
    TermsAnswered {
        bid_id: String,
        accepted: bool,
        at: DateTime<Utc>,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TermsData {
    bid_id: String,
    accepted: bool,
    #[serde(with = "crate::time::kyiv_serde")]
    at: DateTime<Utc>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LinkedData {
    auction_url: String,
    #[serde(with = "crate::time::kyiv_serde")]
    at: DateTime<Utc>,
}

impl<P: DomainEvent, A: AuctionEvent> DomainEvent for Event<P, A> {
    fn stream_id(&self, procedure_id: &str) -> String {
        match self {
            Event::Procedure(event) => event.stream_id(procedure_id),
            Event::Auction(event) => event.stream_id(procedure_id),
            Event::Linked { .. } | Event::TermsAnswered { .. } => {
                format!("auction-{procedure_id}")
            }
        }
    }

    fn event_type(&self) -> &'static str {
        match self {
            Event::Procedure(event) => event.event_type(),
            Event::Auction(event) => event.event_type(),
            Event::Linked { .. } => LINKED,
            Event::TermsAnswered { .. } => TERMS,
        }
    }

    fn schema_version(&self) -> u32 {
        match self {
            Event::Procedure(event) => event.schema_version(),
            Event::Auction(event) => event.schema_version(),
            Event::Linked { .. } | Event::TermsAnswered { .. } => 1,
        }
    }

    fn to_data(&self) -> Json {
        match self {
            Event::Procedure(event) => event.to_data(),
            Event::Auction(event) => event.to_data(),
            Event::Linked { auction_url, at } => serde_json::to_value(LinkedData {
                auction_url: auction_url.clone(),
                at: *at,
            })
            .unwrap_or(Json::Null),
            Event::TermsAnswered {
                bid_id,
                accepted,
                at,
            } => serde_json::to_value(TermsData {
                bid_id: bid_id.clone(),
                accepted: *accepted,
                at: *at,
            })
            .unwrap_or(Json::Null),
        }
    }

    fn decode(
        event_type: &str,
        schema_version: u32,
        data: &Json,
    ) -> Result<Self, EventDecodeError> {
        if event_type == LINKED || event_type == TERMS {
            if schema_version != 1 {
                return Err(EventDecodeError::UnknownType {
                    event_type: event_type.to_owned(),
                    schema_version,
                });
            }
            let malformed = |source| EventDecodeError::Malformed {
                event_type: event_type.to_owned(),
                source,
            };
            if event_type == TERMS {
                let terms = TermsData::deserialize(data).map_err(malformed)?;
                return Ok(Event::TermsAnswered {
                    bid_id: terms.bid_id,
                    accepted: terms.accepted,
                    at: terms.at,
                });
            }
            let linked = LinkedData::deserialize(data).map_err(malformed)?;
            return Ok(Event::Linked {
                auction_url: linked.auction_url,
                at: linked.at,
            });
        }
        if A::EVENT_TYPES.contains(&event_type) {
            return A::decode(event_type, schema_version, data).map(Event::Auction);
        }
        P::decode(event_type, schema_version, data).map(Event::Procedure)
    }
}
