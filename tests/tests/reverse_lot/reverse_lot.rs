//! A test-only procurement type, `reverseLot`, whose auction is the
//! descending turn-based one run by the server (the engine the open tender
//! will use): a buyer publishes a purchase with a closing time; suppliers
//! place sealed prices until then; at the closing time the purchase goes to
//! its auction, where prices only go down, and the lowest final price wins.
//!
//! Its whole rulebook is this file; like `dutchLot` it needs only its
//! hand-off rules and the auction's parameters to run an engine.

use chrono::{DateTime, Utc};
use domain::auction::turn_based::{self, Participant, TurnBased};
use domain::auction::{Direction, RunsAuction, Setup};
use domain::event::{decode_tagged_v1, encode_tagged};
use domain::handoff::{AuctionHandOff, AuctionOutcome};
use domain::procurement::{Amount, Refusal, require_positive};
use domain::{Context, Decider, DomainEvent, EventDecodeError, PublicEvent, Published, Scheduled};
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};

/// The stored kind and the `procurementMethodType` that creates one.
pub const KIND: &str = "reverseLot";

pub struct ReverseLot;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PurchaseInput {
    #[serde(rename = "procurementMethodType")]
    pub _selector: String,
    pub title: String,
    pub minimal_step: AmountInput,
    pub tender_period: PeriodInput,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmountInput {
    pub amount: Amount,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PeriodInput {
    #[serde(with = "domain::time::kyiv_serde")]
    pub end_date: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfferInput {
    pub value: AmountInput,
}

#[derive(Debug, Clone)]
pub enum Command {
    Create {
        id: String,
        owner: String,
        owner_token_hash: String,
        purchase: PurchaseInput,
    },
    Offer {
        token_hash: String,
        offer: OfferInput,
    },
    CheckDue,
    RecordAuction {
        outcome: AuctionOutcome,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Offer {
    pub id: String,
    pub amount: Amount,
    #[serde(with = "domain::time::kyiv_serde")]
    pub date: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all_fields = "camelCase")]
pub enum Event {
    PurchasePublished {
        id: String,
        owner: String,
        owner_token_hash: String,
        title: String,
        minimal_step: Amount,
        #[serde(with = "domain::time::kyiv_serde")]
        end: DateTime<Utc>,
        #[serde(with = "domain::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    OfferPlaced {
        offer: Offer,
        token_hash: String,
    },
    PurchaseAuctionBegan {
        #[serde(with = "domain::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// The auction's final prices, lowest first; the first wins.
    PurchaseAwarded {
        ranking: Vec<Offer>,
        #[serde(with = "domain::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    PurchaseUnsuccessful {
        #[serde(with = "domain::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
}

impl DomainEvent for Event {
    fn stream_id(&self, procedure_id: &str) -> String {
        match self {
            Event::OfferPlaced { offer, .. } => format!("bid-{}", offer.id),
            _ => format!("tender-{procedure_id}"),
        }
    }

    fn event_type(&self) -> &'static str {
        match self {
            Event::PurchasePublished { .. } => "PurchasePublished",
            Event::OfferPlaced { .. } => "OfferPlaced",
            Event::PurchaseAuctionBegan { .. } => "PurchaseAuctionBegan",
            Event::PurchaseAwarded { .. } => "PurchaseAwarded",
            Event::PurchaseUnsuccessful { .. } => "PurchaseUnsuccessful",
        }
    }

    fn to_data(&self) -> Json {
        encode_tagged(self)
    }

    fn decode(event_type: &str, version: u32, data: &Json) -> Result<Self, EventDecodeError> {
        decode_tagged_v1(event_type, version, data)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Tendering,
    Auction,
    Complete,
    Unsuccessful,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Tendering => "active.tendering",
            Status::Auction => "active.auction",
            Status::Complete => "complete",
            Status::Unsuccessful => "unsuccessful",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Purchase {
    pub id: String,
    pub owner: String,
    pub title: String,
    pub minimal_step: Amount,
    pub end: DateTime<Utc>,
    pub status: Status,
    pub date_modified: DateTime<Utc>,
    pub offers: Vec<(Offer, String)>,
    pub ranking: Vec<Offer>,
}

#[derive(Debug, Clone, Default)]
pub struct State {
    pub purchase: Option<Purchase>,
}

fn status_refusal(purchase: &Purchase, action: &str) -> Refusal {
    Refusal::not_allowed(format!(
        "Can't {action} in current ({}) tender status",
        purchase.status.as_str()
    ))
}

impl Decider for ReverseLot {
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
        let now = context.now;
        let Some(purchase) = &state.purchase else {
            let Command::Create {
                id,
                owner,
                owner_token_hash,
                purchase,
            } = command
            else {
                return Err(Refusal::not_found("tender_id"));
            };
            require_positive(purchase.minimal_step.amount, "minimalStep.amount")?;
            if purchase.tender_period.end_date <= now {
                return Err(Refusal::invalid(
                    "tenderPeriod.endDate",
                    "tenderPeriod.endDate should be in the future",
                ));
            }
            return Ok(vec![Event::PurchasePublished {
                id: id.clone(),
                owner: owner.clone(),
                owner_token_hash: owner_token_hash.clone(),
                title: purchase.title.clone(),
                minimal_step: purchase.minimal_step.amount,
                end: purchase.tender_period.end_date,
                at: now,
            }]);
        };
        match command {
            Command::Create { .. } => Err(Refusal::conflict("id", "Already exists")),
            Command::Offer { token_hash, offer } => {
                if purchase.status != Status::Tendering || now >= purchase.end {
                    return Err(status_refusal(purchase, "add bid"));
                }
                require_positive(offer.value.amount, "value.amount")?;
                Ok(vec![Event::OfferPlaced {
                    offer: Offer {
                        id: context.next_id().to_string(),
                        amount: offer.value.amount,
                        date: now,
                    },
                    token_hash: token_hash.clone(),
                }])
            }
            Command::CheckDue if purchase.status == Status::Tendering && now >= purchase.end => {
                // The turn-based auction needs two bidders.
                if purchase.offers.len() < 2 {
                    return Ok(vec![Event::PurchaseUnsuccessful { at: now }]);
                }
                Ok(vec![Event::PurchaseAuctionBegan { at: now }])
            }
            Command::CheckDue => Ok(Vec::new()),
            Command::RecordAuction { outcome } => {
                if purchase.status != Status::Auction {
                    return Err(status_refusal(purchase, "record the auction"));
                }
                let ranking = outcome
                    .bids
                    .iter()
                    .map(|bid| Offer {
                        id: bid.id.clone(),
                        amount: bid.value.amount,
                        date: bid.date,
                    })
                    .collect();
                Ok(vec![Event::PurchaseAwarded { ranking, at: now }])
            }
        }
    }

    fn evolve(mut state: State, event: &Event) -> State {
        if let Event::PurchasePublished {
            id,
            owner,
            title,
            minimal_step,
            end,
            at,
            ..
        } = event
        {
            state.purchase = Some(Purchase {
                id: id.clone(),
                owner: owner.clone(),
                title: title.clone(),
                minimal_step: *minimal_step,
                end: *end,
                status: Status::Tendering,
                date_modified: *at,
                offers: Vec::new(),
                ranking: Vec::new(),
            });
            return state;
        }
        let Some(purchase) = state.purchase.as_mut() else {
            return state;
        };
        match event {
            Event::PurchasePublished { .. } => {}
            Event::OfferPlaced { offer, token_hash } => {
                purchase.date_modified = offer.date;
                purchase.offers.push((offer.clone(), token_hash.clone()));
            }
            Event::PurchaseAuctionBegan { at } => {
                purchase.status = Status::Auction;
                purchase.date_modified = *at;
            }
            Event::PurchaseAwarded { ranking, at } => {
                purchase.status = Status::Complete;
                purchase.ranking = ranking.clone();
                purchase.date_modified = *at;
            }
            Event::PurchaseUnsuccessful { at } => {
                purchase.status = Status::Unsuccessful;
                purchase.date_modified = *at;
            }
        }
        state
    }
}

impl Scheduled for ReverseLot {
    fn next_check(state: &State) -> Option<DateTime<Utc>> {
        state
            .purchase
            .as_ref()
            .filter(|purchase| purchase.status == Status::Tendering)
            .map(|purchase| purchase.end)
    }

    fn due_command() -> Command {
        Command::CheckDue
    }
}

impl AuctionHandOff for ReverseLot {
    fn auction_view(_state: &State) -> Result<Json, Refusal> {
        Err(Refusal::not_found("auction"))
    }

    fn auction_outcome(_service: &str, outcome: AuctionOutcome) -> Command {
        Command::RecordAuction { outcome }
    }
}

impl RunsAuction<TurnBased> for ReverseLot {
    fn auction_setup(state: &State, now: DateTime<Utc>) -> Option<Setup<turn_based::Parameters>> {
        let purchase = state
            .purchase
            .as_ref()
            .filter(|purchase| purchase.status == Status::Auction)?;
        let participants = purchase
            .offers
            .iter()
            .map(|(offer, _)| Participant {
                bid_id: offer.id.clone(),
                amount: offer.amount,
                date: offer.date,
            })
            .collect();
        Some(Setup {
            procedure_id: purchase.id.clone(),
            auction_id: format!("RL-{}", purchase.id),
            parameters: turn_based::Parameters::new(
                purchase.end.max(now),
                Direction::Descending,
                purchase.minimal_step,
                participants,
            ),
        })
    }
}

/// Its auction runs through `Auctioned`, which says so.
impl domain::auction::Live for ReverseLot {}

fn offer_json(offer: &Offer) -> Json {
    json!({
        "id": offer.id,
        "value": { "amount": offer.amount },
        "date": domain::time::format_kyiv(offer.date),
    })
}

impl Published for ReverseLot {
    fn public_envelope(state: &State) -> Option<Json> {
        let purchase = state.purchase.as_ref()?;
        let mut data = json!({
            "id": purchase.id,
            "procurementMethodType": KIND,
            "status": purchase.status.as_str(),
            "title": purchase.title,
            "owner": purchase.owner,
            "minimalStep": { "amount": purchase.minimal_step },
            "dateModified": domain::time::format_kyiv(purchase.date_modified),
            "tenderPeriod": { "endDate": domain::time::format_kyiv(purchase.end) },
        });
        if Self::bids_disclosed(state) {
            data["bids"] = purchase.ranking.iter().map(offer_json).collect();
            if let Some(winner) = purchase.ranking.first() {
                data["winner"] = offer_json(winner);
            }
        }
        Some(json!({ "data": data, "config": {} }))
    }

    fn bids_disclosed(state: &State) -> bool {
        state
            .purchase
            .as_ref()
            .is_some_and(|purchase| purchase.status == Status::Complete)
    }

    fn visible_bid(state: &State, bid_id: &str, token_hash: Option<&str>) -> Result<Json, Refusal> {
        let purchase = state
            .purchase
            .as_ref()
            .ok_or_else(|| Refusal::not_found("tender_id"))?;
        let (offer, _) = purchase
            .offers
            .iter()
            .find(|(offer, _)| offer.id == bid_id)
            .ok_or_else(|| Refusal::not_found("bid_id"))?;
        if Self::holds_bid_token(state, bid_id, token_hash) {
            return Ok(offer_json(offer));
        }
        if let Some(ranked) = purchase.ranking.iter().find(|o| o.id == bid_id) {
            return Ok(offer_json(ranked));
        }
        Err(status_refusal(purchase, "view bid"))
    }

    fn holds_bid_token(state: &State, bid_id: &str, token_hash: Option<&str>) -> bool {
        state.purchase.as_ref().is_some_and(|purchase| {
            purchase
                .offers
                .iter()
                .any(|(o, hash)| o.id == bid_id && Some(hash.as_str()) == token_hash)
        })
    }

    fn public_event(event: &Event) -> PublicEvent {
        match event {
            Event::OfferPlaced { offer, .. } => {
                PublicEvent::withheld(json!({ "offer": { "id": offer.id } }))
            }
            _ => {
                let mut data = event.to_data();
                if let Some(object) = data.as_object_mut() {
                    object.remove("ownerTokenHash");
                }
                PublicEvent::shown(data)
            }
        }
    }
}
