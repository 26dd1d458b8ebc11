//! The HTTP adapters of the procedure types opencdb ships. The requests
//! every type takes in the same words (bids, award and contract decisions,
//! documents: [`Requests`]) are read here, once, by [`Adapted`], which makes a
//! type's [`Rules`] an [`Adapter`]; each type's module has its place in the
//! API and the requests only it reads its own way. The rules themselves are
//! in the domain (`domain::procedures::*`).

pub mod dutch_sale;
pub mod live_auction;
pub mod multi_award_sale;
pub mod open_tender;
pub mod price_quotation;

use std::sync::Arc;

use async_trait::async_trait;
use commands::PrepareDue;
use domain::auction::Live;
use domain::handoff::AuctionOutcome;
use domain::procedures::Requests;
use domain::procurement::{self, Refusal};
use domain::{Decider, Published, Scheduled};
use serde_json::{Value as Json, json};

use crate::error::ApiError;
use crate::procedure::{
    Adapter, Collection, Ports, Prepared, Resource, SchedulerPorts, Target, Write,
};
use crate::write::refused;
use crate::{access, body};

/// Where a procedure type sits in the API.
pub struct Place {
    pub collection: &'static Collection,
    /// The values of the collection's selector field that create one.
    pub selector_values: &'static [&'static str],
    pub resources: &'static [Resource],
    /// Its part of the OpenAPI description.
    pub openapi: &'static str,
}

type CommandOf<R> = <<R as Rules>::Procedure as Decider>::Command;
type StateOf<R> = <<R as Rules>::Procedure as Decider>::State;

/// The command a write asks for, or the answer refusing it.
pub type Answer<R> = Result<Prepared<CommandOf<R>>, ApiError>;

/// `POST <collection>`: the new procedure's id, its `data` and `config`.
pub struct Creation {
    pub id: String,
    pub data: Json,
    pub config: Option<Json>,
}

/// What a procedure type's adapter says itself. A request on a resource the
/// type lacks never reaches it (the route answers as if it did not exist),
/// so the writes of such resources have a default.
#[async_trait]
pub trait Rules: Send + Sync + 'static {
    type Procedure: Requests + Published + Scheduled + Live + Send + Sync + 'static;

    const PLACE: Place;

    async fn create(&self, ports: &Ports<'_>, creation: Creation) -> Answer<Self>;

    /// `PATCH <collection>/{id}`.
    async fn edit(&self, ports: &Ports<'_>, data: Json) -> Answer<Self>;

    /// `POST …/cancellations`.
    async fn cancel(&self, ports: &Ports<'_>, data: Json) -> Answer<Self>;

    /// `POST …/ownership` ([`Resource::Ownership`]).
    async fn transfer(&self, _ports: &Ports<'_>, _data: Json) -> Answer<Self> {
        Err(refused(Refusal::not_found("data")))
    }

    /// `PATCH …/cancellations/{id}` ([`Resource::CancellationEdits`]).
    async fn edit_cancellation(
        &self,
        _ports: &Ports<'_>,
        _id: String,
        _data: Json,
    ) -> Answer<Self> {
        Err(refused(Refusal::not_found("data")))
    }

    /// `POST …/questions` ([`Resource::Questions`]).
    async fn ask_question(&self, _ports: &Ports<'_>, _data: Json) -> Answer<Self> {
        Err(refused(Refusal::not_found("data")))
    }

    /// `PATCH …/questions/{id}`: the answer ([`Resource::Questions`]).
    async fn answer_question(&self, _ports: &Ports<'_>, _id: String, _data: Json) -> Answer<Self> {
        Err(refused(Refusal::not_found("data")))
    }

    /// `POST …/lots` ([`Resource::Lots`]).
    async fn add_lot(&self, _ports: &Ports<'_>, _data: Json) -> Answer<Self> {
        Err(refused(Refusal::not_found("data")))
    }

    /// `PATCH …/lots/{id}` ([`Resource::Lots`]).
    async fn edit_lot(&self, _ports: &Ports<'_>, _id: String, _data: Json) -> Answer<Self> {
        Err(refused(Refusal::not_found("data")))
    }

    /// `PATCH …/contracts/{id}`: by default the shared contract request
    /// ([`Requests::contract_patch`]); a type whose contracts are signed
    /// elsewhere reads who is asking first.
    async fn edit_contract(&self, ports: &Ports<'_>, id: String, data: Json) -> Answer<Self> {
        let edit = body::part(data)?;
        let actor = actor::<Self::Procedure>(ports);
        mapped(Self::Procedure::contract_patch(actor, id, edit))
    }

    /// `POST …/auction` by the auction module ([`Resource::Auction`]).
    async fn record_auction(&self, _ports: &Ports<'_>, _outcome: AuctionOutcome) -> Answer<Self> {
        Err(refused(Refusal::not_found("auction")))
    }

    /// `PATCH …/auction/{lot_id}` by the auction module
    /// ([`Resource::LotAuction`]).
    async fn lot_auction_urls(
        &self,
        _ports: &Ports<'_>,
        _lot: String,
        _data: Json,
    ) -> Answer<Self> {
        Err(refused(Refusal::not_found("auction")))
    }

    /// `POST …/auction/{lot_id}` by the auction module
    /// ([`Resource::LotAuction`]).
    async fn record_lot_auction(
        &self,
        _ports: &Ports<'_>,
        _lot: String,
        _data: Json,
    ) -> Answer<Self> {
        Err(refused(Refusal::not_found("auction")))
    }

    /// What the auction may read ([`Resource::Auction`]).
    fn auction_view(&self, _state: &StateOf<Self>) -> Result<Json, Refusal> {
        Err(Refusal::not_found("auction"))
    }

    /// How the scheduler prepares the type's due command with outside facts
    /// ([`Adapter::prepare_due`]); `None`: the static one.
    fn prepare_due(&self, _ports: &SchedulerPorts) -> Option<Arc<dyn PrepareDue<Self::Procedure>>> {
        None
    }
}

/// The caller, as procedure type `P`'s commands name it.
pub fn actor<P: Requests>(ports: &Ports<'_>) -> P::Actor {
    P::broker(
        &ports.caller.broker.name,
        ports.caller.token_hash.as_deref(),
    )
}

/// A create request's `config` block as the type reads it (its defaults
/// when the request has none), errors named `config.<field>`.
pub fn config_part<C: serde::de::DeserializeOwned + Default>(
    config: Option<Json>,
) -> Result<C, ApiError> {
    let Some(config) = config else {
        return Ok(C::default());
    };
    body::part(config).map_err(|mut e| {
        for error in &mut e.errors {
            error.name = format!("config.{}", error.name);
        }
        e
    })
}

/// The next `tenderID` of the day on the server's clock, numbered per
/// Kyiv date: `UA-YYYY-MM-DD-NNNNNN-a`.
pub async fn tender_id(ports: &Ports<'_>) -> Result<String, ApiError> {
    let date = domain::time::kyiv_date(ports.app.handler.clock().now());
    let number = ports.next_number(&format!("tenderID:{date}")).await?;
    Ok(format!("UA-{date}-{number:06}-a"))
}

/// A fresh owner token and transfer token: their hashes for the command,
/// the tokens for the answer's `access` (shown once).
pub fn owner_tokens() -> (String, String, Json) {
    let token = access::new_token();
    let transfer = access::new_token();
    let shown = json!({ "token": token, "transfer": transfer });
    (
        access::hash_token(&token),
        access::hash_token(&transfer),
        shown,
    )
}

/// The command the procedure's rules map a request to, or their refusal as
/// the answer.
pub fn mapped<C>(command: Result<C, Refusal>) -> Result<Prepared<C>, ApiError> {
    command.map(Prepared::command).map_err(refused)
}

fn target(target: Target) -> procurement::Target {
    match target {
        Target::Procedure => procurement::Target::Procedure,
        Target::Bid(id) => procurement::Target::Bid(id),
        Target::Award(id) => procurement::Target::Award(id),
        Target::Contract(id) => procurement::Target::Contract(id),
        Target::Cancellation(id) => procurement::Target::Cancellation(id),
    }
}

/// A procedure type's [`Rules`] as an [`Adapter`].
pub struct Adapted<R>(pub R);

#[async_trait]
impl<R: Rules> Adapter for Adapted<R> {
    type Procedure = R::Procedure;

    fn collection(&self) -> &'static Collection {
        R::PLACE.collection
    }

    fn selector_values(&self) -> &'static [&'static str] {
        R::PLACE.selector_values
    }

    fn resources(&self) -> &[Resource] {
        R::PLACE.resources
    }

    fn openapi(&self) -> &str {
        R::PLACE.openapi
    }

    async fn command(&self, ports: &Ports<'_>, write: Write) -> Answer<R> {
        let rules = &self.0;
        match write {
            Write::Create { id, data, config } => {
                rules.create(ports, Creation { id, data, config }).await
            }
            Write::Edit { data } => rules.edit(ports, data).await,
            Write::TransferOwnership { data } => rules.transfer(ports, data).await,
            Write::SubmitBid { data } => {
                // The bidder presents no token yet: it gets the bid's.
                let token = access::new_token();
                let bidder = R::Procedure::broker(&ports.caller.broker.name, None);
                let bid = body::part(data)?;
                if R::Procedure::BID_TRANSFER {
                    let transfer = access::new_token();
                    let command = R::Procedure::new_bid_with_transfer(
                        bidder,
                        bid,
                        access::hash_token(&token),
                        access::hash_token(&transfer),
                    )
                    .map_err(refused)?;
                    let shown = json!({ "token": token, "transfer": transfer });
                    return Ok(Prepared::with_access(command, shown));
                }
                let command = R::Procedure::new_bid(bidder, bid, access::hash_token(&token));
                let command = command.map_err(refused)?;
                Ok(Prepared::with_access(command, json!({ "token": token })))
            }
            Write::EditBid { bid_id, data } => {
                let edit = body::part(data)?;
                mapped(R::Procedure::bid_patch(
                    actor::<R::Procedure>(ports),
                    bid_id,
                    edit,
                ))
            }
            Write::WithdrawBid { bid_id } => {
                let actor = actor::<R::Procedure>(ports);
                Ok(Prepared::command(R::Procedure::bid_withdrawal(
                    actor, bid_id,
                )))
            }
            Write::EditAward { award_id, data } => {
                let edit = body::part(data)?;
                mapped(R::Procedure::award_patch(
                    actor::<R::Procedure>(ports),
                    award_id,
                    edit,
                ))
            }
            Write::EditContract { contract_id, data } => {
                rules.edit_contract(ports, contract_id, data).await
            }
            Write::AskQuestion { data } => rules.ask_question(ports, data).await,
            Write::AnswerQuestion { question_id, data } => {
                rules.answer_question(ports, question_id, data).await
            }
            Write::AddLot { data } => rules.add_lot(ports, data).await,
            Write::EditLot { lot_id, data } => rules.edit_lot(ports, lot_id, data).await,
            Write::Cancel { data } => rules.cancel(ports, data).await,
            Write::EditCancellation {
                cancellation_id,
                data,
            } => rules.edit_cancellation(ports, cancellation_id, data).await,
            Write::AddDocument {
                target: on,
                document,
            } => {
                let actor = actor::<R::Procedure>(ports);
                let command = R::Procedure::new_document(actor, target(on), *document);
                Ok(Prepared::command(command))
            }
            Write::EditDocument {
                target: on,
                document_id,
                edit,
            } => {
                let actor = actor::<R::Procedure>(ports);
                let command = R::Procedure::document_edit(actor, target(on), document_id, *edit);
                Ok(Prepared::command(command))
            }
            Write::AddDocumentVersion {
                target: on,
                document_id,
                document,
            } => {
                let actor = actor::<R::Procedure>(ports);
                let command =
                    R::Procedure::document_version(actor, target(on), document_id, *document);
                Ok(Prepared::command(command))
            }
            Write::RecordAuction { outcome } => rules.record_auction(ports, outcome).await,
            Write::LotAuctionUrls { lot_id, data } => {
                rules.lot_auction_urls(ports, lot_id, data).await
            }
            Write::RecordLotAuction { lot_id, data } => {
                rules.record_lot_auction(ports, lot_id, data).await
            }
            // The generic layer maps participation itself (`Live`).
            Write::Participate(_) => Err(refused(Refusal::not_found("auction"))),
        }
    }

    fn made(&self, events: &[<R::Procedure as Decider>::Event]) -> Option<String> {
        R::Procedure::made(events)
    }

    fn auction_view(&self, state: &StateOf<R>) -> Result<Json, Refusal> {
        self.0.auction_view(state)
    }

    fn prepare_due(&self, ports: &SchedulerPorts) -> Option<Arc<dyn PrepareDue<R::Procedure>>> {
        self.0.prepare_due(ports)
    }
}
