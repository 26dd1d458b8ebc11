//! A test-only procedure type, `dutchLot`, whose auction is the Dutch one
//! run by the server: an owner publishes a lot with a starting price and a
//! closing time; brokers register applications (no price: the auction
//! finds it) until then; at the closing time the lot goes to its auction,
//! and the auction's result sells it to the winner or leaves it unsold.
//!
//! Its whole rulebook is this file. What it shows is how little a
//! procedure needs to run an auction engine: its hand-off rules
//! (`AuctionHandOff`: the outcome and the failure as its own commands) and
//! the auction's parameters while it is in its auction stage
//! (`RunsAuction`); `domain::auction::Auctioned` does the rest.

use chrono::{DateTime, TimeDelta, Utc};
use domain::auction::dutch::{self, Dutch};
use domain::auction::{RunsAuction, Setup, Unsuccessful};
use domain::event::{decode_tagged_v1, encode_tagged};
use domain::handoff::{AuctionHandOff, AuctionOutcome};
use domain::procurement::{Amount, Refusal, require_positive};
use domain::{Context, Decider, DomainEvent, EventDecodeError, PublicEvent, Published, Scheduled};
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};

/// The stored kind and the `procurementMethodType` that creates one.
pub const KIND: &str = "dutchLot";

/// The auction's timing: short, so that a test runs a whole auction. The
/// familiarisation pause is longer than the real 30 s so that the browser
/// test, on a clock 20 times faster, has opened its pages and answered the
/// terms before round 1 (9 real seconds, not 1.5).
pub fn timing() -> dutch::Timing {
    dutch::Timing {
        familiarisation_pause: TimeDelta::minutes(3),
        dutch_round_duration: TimeDelta::minutes(10),
        dutch_step_count: 10,
        max_step_duration: None,
        sealed_round_duration: TimeDelta::minutes(5),
        final_round_duration: TimeDelta::minutes(3),
    }
}

pub struct DutchLot;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LotInput {
    #[serde(rename = "procurementMethodType")]
    pub _selector: String,
    pub title: String,
    pub value: AmountInput,
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

/// An application: who applies.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationInput {
    pub name: String,
}

#[derive(Debug, Clone)]
pub enum Command {
    Create {
        id: String,
        owner: String,
        owner_token_hash: String,
        lot: LotInput,
    },
    Apply {
        token_hash: String,
        application: ApplicationInput,
    },
    CheckDue,
    RecordSale {
        outcome: AuctionOutcome,
    },
    RecordNoSale,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    pub id: String,
    pub name: String,
    #[serde(with = "domain::time::kyiv_serde")]
    pub date: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all_fields = "camelCase")]
pub enum Event {
    LotPublished {
        id: String,
        owner: String,
        owner_token_hash: String,
        title: String,
        starting_price: Amount,
        minimal_step: Amount,
        #[serde(with = "domain::time::kyiv_serde")]
        end: DateTime<Utc>,
        #[serde(with = "domain::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    ApplicationPlaced {
        application: Application,
        token_hash: String,
    },
    LotAuctionBegan {
        #[serde(with = "domain::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    LotSold {
        bid_id: String,
        amount: Amount,
        #[serde(with = "domain::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    LotUnsold {
        #[serde(with = "domain::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
}

impl DomainEvent for Event {
    fn stream_id(&self, procedure_id: &str) -> String {
        match self {
            Event::ApplicationPlaced { application, .. } => format!("bid-{}", application.id),
            _ => format!("tender-{procedure_id}"),
        }
    }

    fn event_type(&self) -> &'static str {
        match self {
            Event::LotPublished { .. } => "LotPublished",
            Event::ApplicationPlaced { .. } => "ApplicationPlaced",
            Event::LotAuctionBegan { .. } => "LotAuctionBegan",
            Event::LotSold { .. } => "LotSold",
            Event::LotUnsold { .. } => "LotUnsold",
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
pub struct Lot {
    pub id: String,
    pub owner: String,
    pub title: String,
    pub starting_price: Amount,
    pub minimal_step: Amount,
    pub end: DateTime<Utc>,
    pub status: Status,
    pub date_modified: DateTime<Utc>,
    pub applications: Vec<(Application, String)>,
    pub sold: Option<(String, Amount)>,
}

#[derive(Debug, Clone, Default)]
pub struct State {
    pub lot: Option<Lot>,
}

fn status_refusal(lot: &Lot, action: &str) -> Refusal {
    Refusal::not_allowed(format!(
        "Can't {action} in current ({}) tender status",
        lot.status.as_str()
    ))
}

impl Decider for DutchLot {
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
        let Some(lot) = &state.lot else {
            let Command::Create {
                id,
                owner,
                owner_token_hash,
                lot,
            } = command
            else {
                return Err(Refusal::not_found("tender_id"));
            };
            require_positive(lot.value.amount, "value.amount")?;
            require_positive(lot.minimal_step.amount, "minimalStep.amount")?;
            if lot.tender_period.end_date <= now {
                return Err(Refusal::invalid(
                    "tenderPeriod.endDate",
                    "tenderPeriod.endDate should be in the future",
                ));
            }
            return Ok(vec![Event::LotPublished {
                id: id.clone(),
                owner: owner.clone(),
                owner_token_hash: owner_token_hash.clone(),
                title: lot.title.clone(),
                starting_price: lot.value.amount,
                minimal_step: lot.minimal_step.amount,
                end: lot.tender_period.end_date,
                at: now,
            }]);
        };
        match command {
            Command::Create { .. } => Err(Refusal::conflict("id", "Already exists")),
            Command::Apply {
                token_hash,
                application,
            } => {
                if lot.status != Status::Tendering || now >= lot.end {
                    return Err(status_refusal(lot, "add bid"));
                }
                Ok(vec![Event::ApplicationPlaced {
                    application: Application {
                        id: context.next_id().to_string(),
                        name: application.name.clone(),
                        date: now,
                    },
                    token_hash: token_hash.clone(),
                }])
            }
            Command::CheckDue if lot.status == Status::Tendering && now >= lot.end => {
                // No application: the auction finds no participant and
                // reports the lot unsold (E-1).
                Ok(vec![Event::LotAuctionBegan { at: now }])
            }
            Command::CheckDue => Ok(Vec::new()),
            Command::RecordSale { outcome } => {
                if lot.status != Status::Auction {
                    return Err(status_refusal(lot, "record the auction"));
                }
                let winner = outcome
                    .bids
                    .first()
                    .ok_or_else(|| Refusal::invalid("bids", "No winner"))?;
                Ok(vec![Event::LotSold {
                    bid_id: winner.id.clone(),
                    amount: winner.value.amount,
                    at: now,
                }])
            }
            Command::RecordNoSale => {
                if lot.status != Status::Auction {
                    return Err(status_refusal(lot, "record the auction"));
                }
                Ok(vec![Event::LotUnsold { at: now }])
            }
        }
    }

    fn evolve(mut state: State, event: &Event) -> State {
        if let Event::LotPublished {
            id,
            owner,
            title,
            starting_price,
            minimal_step,
            end,
            at,
            ..
        } = event
        {
            state.lot = Some(Lot {
                id: id.clone(),
                owner: owner.clone(),
                title: title.clone(),
                starting_price: *starting_price,
                minimal_step: *minimal_step,
                end: *end,
                status: Status::Tendering,
                date_modified: *at,
                applications: Vec::new(),
                sold: None,
            });
            return state;
        }
        let Some(lot) = state.lot.as_mut() else {
            return state;
        };
        match event {
            Event::LotPublished { .. } => {}
            Event::ApplicationPlaced {
                application,
                token_hash,
            } => {
                lot.date_modified = application.date;
                lot.applications
                    .push((application.clone(), token_hash.clone()));
            }
            Event::LotAuctionBegan { at } => {
                lot.status = Status::Auction;
                lot.date_modified = *at;
            }
            Event::LotSold { bid_id, amount, at } => {
                lot.status = Status::Complete;
                lot.sold = Some((bid_id.clone(), *amount));
                lot.date_modified = *at;
            }
            Event::LotUnsold { at } => {
                lot.status = Status::Unsuccessful;
                lot.date_modified = *at;
            }
        }
        state
    }
}

impl Scheduled for DutchLot {
    fn next_check(state: &State) -> Option<DateTime<Utc>> {
        state
            .lot
            .as_ref()
            .filter(|lot| lot.status == Status::Tendering)
            .map(|lot| lot.end)
    }

    fn due_command() -> Command {
        Command::CheckDue
    }
}

impl AuctionHandOff for DutchLot {
    fn auction_view(_state: &State) -> Result<Json, Refusal> {
        Err(Refusal::not_found("auction"))
    }

    fn auction_outcome(_service: &str, outcome: AuctionOutcome) -> Command {
        Command::RecordSale { outcome }
    }

    fn auction_failed(_service: &str, _reason: Unsuccessful) -> Option<Command> {
        Some(Command::RecordNoSale)
    }
}

impl RunsAuction<Dutch> for DutchLot {
    fn auction_setup(state: &State, now: DateTime<Utc>) -> Option<Setup<dutch::Parameters>> {
        let lot = state
            .lot
            .as_ref()
            .filter(|lot| lot.status == Status::Auction)?;
        let mut parameters = dutch::Parameters::new(
            lot.end.max(now),
            lot.starting_price,
            lot.minimal_step,
            lot.applications.iter().map(|(a, _)| a.id.clone()).collect(),
        );
        parameters.timing = timing();
        Some(Setup {
            procedure_id: lot.id.clone(),
            auction_id: format!("DL-{}", lot.id),
            parameters,
        })
    }
}

/// Its auction runs through `Auctioned`, which says so.
impl domain::auction::Live for DutchLot {}

fn application_json(application: &Application) -> Json {
    json!({
        "id": application.id,
        "name": application.name,
        "date": domain::time::format_kyiv(application.date),
    })
}

impl Published for DutchLot {
    fn public_envelope(state: &State) -> Option<Json> {
        let lot = state.lot.as_ref()?;
        let mut data = json!({
            "id": lot.id,
            "procurementMethodType": KIND,
            "status": lot.status.as_str(),
            "title": lot.title,
            "owner": lot.owner,
            "value": { "amount": lot.starting_price },
            "minimalStep": { "amount": lot.minimal_step },
            "dateModified": domain::time::format_kyiv(lot.date_modified),
            "tenderPeriod": { "endDate": domain::time::format_kyiv(lot.end) },
        });
        if Self::bids_disclosed(state) {
            data["bids"] = lot
                .applications
                .iter()
                .map(|(a, _)| application_json(a))
                .collect();
        }
        if let Some((bid_id, amount)) = &lot.sold {
            data["winner"] = json!({ "bidId": bid_id, "value": { "amount": amount } });
        }
        Some(json!({ "data": data, "config": {} }))
    }

    fn bids_disclosed(state: &State) -> bool {
        state
            .lot
            .as_ref()
            .is_some_and(|lot| matches!(lot.status, Status::Complete | Status::Unsuccessful))
    }

    fn visible_bid(state: &State, bid_id: &str, token_hash: Option<&str>) -> Result<Json, Refusal> {
        let lot = state
            .lot
            .as_ref()
            .ok_or_else(|| Refusal::not_found("tender_id"))?;
        let (application, _) = lot
            .applications
            .iter()
            .find(|(a, _)| a.id == bid_id)
            .ok_or_else(|| Refusal::not_found("bid_id"))?;
        if Self::bids_disclosed(state) || Self::holds_bid_token(state, bid_id, token_hash) {
            return Ok(application_json(application));
        }
        Err(status_refusal(lot, "view bid"))
    }

    fn holds_bid_token(state: &State, bid_id: &str, token_hash: Option<&str>) -> bool {
        state.lot.as_ref().is_some_and(|lot| {
            lot.applications
                .iter()
                .any(|(a, hash)| a.id == bid_id && Some(hash.as_str()) == token_hash)
        })
    }

    fn public_event(event: &Event) -> PublicEvent {
        let mut data = event.to_data();
        match event {
            Event::ApplicationPlaced { application, .. } => {
                PublicEvent::withheld(json!({ "application": { "id": application.id } }))
            }
            _ => {
                if let Some(object) = data.as_object_mut() {
                    object.remove("ownerTokenHash");
                }
                PublicEvent::shown(data)
            }
        }
    }
}
