//! The multi-award sale under `/api/procedures`: published straight into
//! bidding with an owner token and period lengths from the operator's
//! settings per `sellingMethod`; it has an auction stage and no transfer.

use async_trait::async_trait;
use domain::AuctionHandOff;
use domain::procedures::multi_award_sale::{
    self as bsm, Actor, Command, Event, MultiAwardSale, SELLING_METHODS, wire,
};
use domain::procurement::Refusal;
use serde_json::{Value as Json, json};

use crate::access;
use crate::body;
use crate::error::ApiError;
use crate::procedure::{
    Adapter, Caller, Collection, PROCEDURES, Ports, Prepared, Resource, Target, Write,
};
use crate::sale_periods::SalePeriods;
use crate::write::refused;

/// The sale's adapter, holding its operator settings.
pub struct SaleAdapter {
    periods: SalePeriods,
}

impl SaleAdapter {
    pub fn new(periods: SalePeriods) -> Self {
        SaleAdapter { periods }
    }
}

const RESOURCES: &[Resource] = &[
    Resource::Bids,
    Resource::Awards,
    Resource::Contracts,
    Resource::Cancellations,
    Resource::Auction,
];

fn actor(caller: &Caller<'_>) -> Actor {
    Actor::broker(caller.broker.name.clone(), caller.token_hash.as_deref())
}

fn target(target: Target) -> bsm::Target {
    match target {
        Target::Procedure => bsm::Target::Procedure,
        Target::Bid(id) => bsm::Target::Bid(id),
        Target::Award(id) => bsm::Target::Award(id),
        Target::Contract(id) => bsm::Target::Contract(id),
        Target::Cancellation(id) => bsm::Target::Cancellation(id),
    }
}

fn invalid(name: &str, description: &str) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        "body",
        name,
        description,
    )
}

#[async_trait]
impl Adapter for SaleAdapter {
    type Procedure = MultiAwardSale;

    fn collection(&self) -> &'static Collection {
        &PROCEDURES
    }

    fn selector_values(&self) -> &'static [&'static str] {
        &SELLING_METHODS
    }

    fn resources(&self) -> &'static [Resource] {
        RESOURCES
    }

    fn openapi(&self) -> &'static str {
        crate::openapi::MULTI_AWARD_SALE
    }

    async fn command(
        &self,
        ports: &Ports<'_>,
        write: Write,
    ) -> Result<Prepared<Command>, ApiError> {
        let actor = actor(ports.caller);
        Ok(match write {
            Write::Create { id, data, config } => {
                // Only the server chooses period lengths; say so rather than
                // silently ignoring what was sent.
                if config.is_some_and(|config| config != json!({})) {
                    return Err(invalid("config", "Rogue field"));
                }
                let input: bsm::ProcedureInput = body::part(data)?;
                let config = self.periods.for_selling_method(&input.selling_method);
                let date = domain::time::kyiv_date(ports.app.handler.clock().now());
                let number = ports.next_number(&format!("auctionId:{date}")).await?;
                let token = access::new_token();
                Prepared::with_access(
                    Command::Create {
                        actor: Actor::broker(actor.broker, None),
                        id,
                        // Prozorro.sale's form: BSM001-UA-YYYYMMDD-NNNNN, numbered per Kyiv day.
                        auction_id: format!("BSM001-UA-{}-{number:05}", date.format("%Y%m%d")),
                        procedure: Box::new(input),
                        config,
                        owner_token_hash: access::hash_token(&token),
                    },
                    json!({ "token": token }),
                )
            }
            Write::Edit { data } => {
                Prepared::command(wire::procedure_patch(actor, body::part(data)?).map_err(refused)?)
            }
            Write::SubmitBid { data } => {
                let token = access::new_token();
                let bidder = Actor::broker(actor.broker, None);
                let command = wire::new_bid(bidder, body::part(data)?, access::hash_token(&token))
                    .map_err(refused)?;
                Prepared::with_access(command, json!({ "token": token }))
            }
            Write::EditBid { bid_id, data } => Prepared::command(
                wire::bid_patch(actor, bid_id, body::part(data)?).map_err(refused)?,
            ),
            Write::WithdrawBid { bid_id } => {
                Prepared::command(Command::WithdrawBid { actor, bid_id })
            }
            Write::EditAward { award_id, data } => Prepared::command(
                wire::award_patch(actor, award_id, body::part(data)?).map_err(refused)?,
            ),
            Write::EditContract { contract_id, data } => Prepared::command(
                wire::contract_patch(actor, contract_id, body::part(data)?).map_err(refused)?,
            ),
            Write::Cancel { data } => {
                let cancellation: bsm::CancellationInput = body::part(data)?;
                ports.check_attached(&cancellation.documents).await?;
                Prepared::command(Command::Cancel {
                    actor,
                    cancellation: Box::new(cancellation),
                })
            }
            Write::AddDocument {
                target: on,
                document,
            } => Prepared::command(Command::AddDocument {
                actor,
                target: target(on),
                document,
            }),
            Write::RecordAuction { outcome } => Prepared::command(MultiAwardSale::auction_outcome(
                &ports.caller.broker.name,
                outcome,
            )),
            Write::TransferOwnership { .. } | Write::EditCancellation { .. } => {
                return Err(refused(Refusal::not_found("data")));
            }
        })
    }

    fn made(&self, events: &[Event]) -> Option<String> {
        events.iter().find_map(|event| match event {
            Event::BidSubmitted { bid, .. } => Some(bid.id.clone()),
            Event::ProcedureCancelled { cancellation } => Some(cancellation.id.clone()),
            Event::DocumentAdded { document, .. } => Some(document.id.clone()),
            _ => None,
        })
    }

    fn auction_view(&self, state: &bsm::State) -> Result<Json, Refusal> {
        MultiAwardSale::auction_view(state)
    }
}
