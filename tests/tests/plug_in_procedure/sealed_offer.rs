//! A test-only procedure type, `sealedOffer`, plugged into a test server
//! through the registry alone (see `main.rs`). Its whole rulebook is this
//! file: an owner publishes an offer with a
//! closing time; brokers place sealed bids (a price) until then; at the
//! closing time the scheduler opens every bid and the offer is complete.
//!
//! It is deliberately small, but it has what a real procedure has to get
//! right when plugged in: a creation selected by `procurementMethodType`
//! next to priceQuotation, owner and bid tokens, bids sealed until an
//! automatic transition, and events whose bid contents are withheld.

use chrono::{DateTime, Utc};
use domain::event::{decode_tagged_v1, encode_tagged};
use domain::procurement::{Amount, Refusal, require_positive};
use domain::{Context, Decider, DomainEvent, EventDecodeError, PublicEvent, Published, Scheduled};
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};

/// The stored kind and the `procurementMethodType` that creates one.
pub const KIND: &str = "sealedOffer";

pub struct SealedOffer;

/// `data` of the creating `POST`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OfferInput {
    /// What selected this type; read by the registry, accepted here.
    #[serde(rename = "procurementMethodType")]
    pub _selector: String,
    pub title: String,
    pub tender_period: PeriodInput,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PeriodInput {
    #[serde(with = "domain::time::kyiv_serde")]
    pub end_date: DateTime<Utc>,
}

/// `data` of a bid.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BidInput {
    pub value: ValueInput,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueInput {
    pub amount: Amount,
}

#[derive(Debug, Clone)]
pub enum Command {
    Create {
        id: String,
        owner: String,
        owner_token_hash: String,
        offer: OfferInput,
    },
    SubmitBid {
        broker: String,
        token_hash: String,
        bid: BidInput,
    },
    /// The scheduler's: open the bids once the closing time has come.
    CheckDue,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bid {
    pub id: String,
    pub amount: Amount,
    pub date: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all_fields = "camelCase")]
pub enum Event {
    OfferPublished {
        id: String,
        owner: String,
        owner_token_hash: String,
        title: String,
        end: DateTime<Utc>,
        at: DateTime<Utc>,
    },
    BidPlaced {
        bid: Bid,
        broker: String,
        token_hash: String,
    },
    BidsOpened {
        bids: Vec<Bid>,
        at: DateTime<Utc>,
    },
}

impl DomainEvent for Event {
    fn stream_id(&self, procedure_id: &str) -> String {
        match self {
            Event::BidPlaced { bid, .. } => format!("bid-{}", bid.id),
            _ => format!("tender-{procedure_id}"),
        }
    }

    fn event_type(&self) -> &'static str {
        match self {
            Event::OfferPublished { .. } => "OfferPublished",
            Event::BidPlaced { .. } => "BidPlaced",
            Event::BidsOpened { .. } => "BidsOpened",
        }
    }

    fn to_data(&self) -> Json {
        encode_tagged(self)
    }

    fn decode(event_type: &str, version: u32, data: &Json) -> Result<Self, EventDecodeError> {
        decode_tagged_v1(event_type, version, data)
    }
}

#[derive(Debug, Clone)]
pub struct Offer {
    pub id: String,
    pub owner: String,
    pub title: String,
    pub end: DateTime<Utc>,
    pub date_modified: DateTime<Utc>,
    pub opened: bool,
    /// Every bid with the hash of its token.
    pub bids: Vec<(Bid, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct State {
    pub offer: Option<Offer>,
}

impl Offer {
    fn status(&self) -> &'static str {
        if self.opened {
            "complete"
        } else {
            "active.tendering"
        }
    }
}

impl Decider for SealedOffer {
    type State = State;
    type Command = Command;
    type Event = Event;
    type Error = Refusal;
    const KIND: &'static str = KIND;

    fn decide(
        state: &State,
        command: &Command,
        context: &Context<'_>,
    ) -> Result<Vec<Event>, Refusal> {
        match (command, &state.offer) {
            (Command::Create { .. }, Some(_)) => Err(Refusal::conflict("id", "Already exists")),
            (
                Command::Create {
                    id,
                    owner,
                    owner_token_hash,
                    offer,
                },
                None,
            ) => {
                if offer.title.trim().is_empty() {
                    return Err(Refusal::invalid("title", "This field is required."));
                }
                if offer.tender_period.end_date <= context.now {
                    return Err(Refusal::invalid(
                        "tenderPeriod.endDate",
                        "tenderPeriod.endDate should be in the future",
                    ));
                }
                Ok(vec![Event::OfferPublished {
                    id: id.clone(),
                    owner: owner.clone(),
                    owner_token_hash: owner_token_hash.clone(),
                    title: offer.title.clone(),
                    end: offer.tender_period.end_date,
                    at: context.now,
                }])
            }
            (_, None) => Err(Refusal::not_found("tender_id")),
            (
                Command::SubmitBid {
                    broker,
                    token_hash,
                    bid,
                },
                Some(offer),
            ) => {
                if offer.opened || context.now >= offer.end {
                    return Err(Refusal::not_allowed(format!(
                        "Can't add bid in current ({}) tender status",
                        offer.status()
                    )));
                }
                require_positive(bid.value.amount, "value.amount")?;
                Ok(vec![Event::BidPlaced {
                    bid: Bid {
                        id: context.next_id().to_string(),
                        amount: bid.value.amount,
                        date: context.now,
                    },
                    broker: broker.clone(),
                    token_hash: token_hash.clone(),
                }])
            }
            (Command::CheckDue, Some(offer)) if !offer.opened && context.now >= offer.end => {
                Ok(vec![Event::BidsOpened {
                    bids: offer.bids.iter().map(|(bid, _)| bid.clone()).collect(),
                    at: context.now,
                }])
            }
            (Command::CheckDue, Some(_)) => Ok(Vec::new()),
        }
    }

    fn evolve(mut state: State, event: &Event) -> State {
        match event {
            Event::OfferPublished {
                id,
                owner,
                title,
                end,
                at,
                ..
            } => {
                state.offer = Some(Offer {
                    id: id.clone(),
                    owner: owner.clone(),
                    title: title.clone(),
                    end: *end,
                    date_modified: *at,
                    opened: false,
                    bids: Vec::new(),
                });
            }
            Event::BidPlaced {
                bid, token_hash, ..
            } => {
                if let Some(offer) = state.offer.as_mut() {
                    offer.date_modified = bid.date;
                    offer.bids.push((bid.clone(), token_hash.clone()));
                }
            }
            Event::BidsOpened { at, .. } => {
                if let Some(offer) = state.offer.as_mut() {
                    offer.opened = true;
                    offer.date_modified = *at;
                }
            }
        }
        state
    }
}

impl Scheduled for SealedOffer {
    fn next_check(state: &State) -> Option<DateTime<Utc>> {
        state
            .offer
            .as_ref()
            .filter(|offer| !offer.opened)
            .map(|offer| offer.end)
    }

    fn due_command() -> Command {
        Command::CheckDue
    }
}

fn bid_json(bid: &Bid) -> Json {
    json!({
        "id": bid.id,
        "value": { "amount": bid.amount },
        "date": domain::time::format_kyiv(bid.date),
    })
}

/// Its offers are compared at the deadline: no auction.
impl domain::auction::Live for SealedOffer {}

impl Published for SealedOffer {
    fn public_envelope(state: &State) -> Option<Json> {
        let offer = state.offer.as_ref()?;
        let mut data = json!({
            "id": offer.id,
            "procurementMethodType": KIND,
            "status": offer.status(),
            "title": offer.title,
            "owner": offer.owner,
            "dateModified": domain::time::format_kyiv(offer.date_modified),
            "tenderPeriod": { "endDate": domain::time::format_kyiv(offer.end) },
        });
        if offer.opened {
            data["bids"] = offer.bids.iter().map(|(bid, _)| bid_json(bid)).collect();
        }
        Some(json!({ "data": data, "config": {} }))
    }

    fn bids_disclosed(state: &State) -> bool {
        state.offer.as_ref().is_some_and(|offer| offer.opened)
    }

    fn visible_bid(state: &State, bid_id: &str, token_hash: Option<&str>) -> Result<Json, Refusal> {
        let offer = state
            .offer
            .as_ref()
            .ok_or_else(|| Refusal::not_found("tender_id"))?;
        let (bid, owner_hash) = offer
            .bids
            .iter()
            .find(|(bid, _)| bid.id == bid_id)
            .ok_or_else(|| Refusal::not_found("bid_id"))?;
        if offer.opened || token_hash == Some(owner_hash.as_str()) {
            return Ok(bid_json(bid));
        }
        Err(Refusal::not_allowed(format!(
            "Can't view bid in current ({}) tender status",
            offer.status()
        )))
    }

    fn public_event(event: &Event) -> PublicEvent {
        let mut data = event.to_data();
        match event {
            Event::OfferPublished { .. } => {
                if let Some(object) = data.as_object_mut() {
                    object.remove("ownerTokenHash");
                }
                PublicEvent::shown(data)
            }
            Event::BidPlaced { bid, .. } => {
                PublicEvent::withheld(json!({ "bid": { "id": bid.id, "date": bid.date } }))
            }
            Event::BidsOpened { .. } => PublicEvent::shown(data),
        }
    }
}
