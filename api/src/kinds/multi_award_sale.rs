//! The multi-award sale under `/api/procedures`: published straight into
//! bidding with an owner token and period lengths from the operator's
//! settings per `sellingMethod`; it has an auction stage and no transfer.

use async_trait::async_trait;
use domain::AuctionHandOff;
use domain::handoff::AuctionOutcome;
use domain::procedures::multi_award_sale::{
    self as bsm, Actor, Command, MultiAwardSale, SELLING_METHODS, wire,
};
use domain::procurement::Refusal;
use serde_json::{Value as Json, json};

use super::{Answer, Creation, Place, Rules, actor, mapped};
use crate::error::ApiError;
use crate::procedure::{PROCEDURES, Ports, Prepared, Resource};
use crate::sale_periods::SalePeriods;
use crate::{access, body};

/// The sale's adapter, holding its operator settings.
pub struct SaleAdapter {
    periods: SalePeriods,
}

impl SaleAdapter {
    pub fn new(periods: SalePeriods) -> Self {
        SaleAdapter { periods }
    }
}

#[async_trait]
impl Rules for SaleAdapter {
    type Procedure = MultiAwardSale;

    const PLACE: Place = Place {
        collection: &PROCEDURES,
        selector_values: &SELLING_METHODS,
        resources: &[
            Resource::Bids,
            Resource::Awards,
            Resource::Contracts,
            Resource::Cancellations,
            Resource::Auction,
        ],
        openapi: crate::openapi::MULTI_AWARD_SALE,
    };

    async fn create(&self, ports: &Ports<'_>, creation: Creation) -> Answer<Self> {
        // Only the server chooses period lengths; say so rather than
        // silently ignoring what was sent.
        if creation.config.is_some_and(|config| config != json!({})) {
            return Err(invalid("config", "Rogue field"));
        }
        let input: bsm::ProcedureInput = body::part(creation.data)?;
        let config = self.periods.for_selling_method(&input.selling_method);
        let date = domain::time::kyiv_date(ports.app.handler.clock().now());
        let number = ports.next_number(&format!("auctionId:{date}")).await?;
        let token = access::new_token();
        let command = Command::Create {
            actor: Actor::broker(&ports.caller.broker.name, None),
            id: creation.id,
            // Prozorro.sale's form: BSM001-UA-YYYYMMDD-NNNNN, numbered per Kyiv day.
            auction_id: format!("BSM001-UA-{}-{number:05}", date.format("%Y%m%d")),
            procedure: Box::new(input),
            config,
            owner_token_hash: access::hash_token(&token),
        };
        Ok(Prepared::with_access(command, json!({ "token": token })))
    }

    async fn edit(&self, ports: &Ports<'_>, data: Json) -> Answer<Self> {
        let actor = actor::<MultiAwardSale>(ports);
        mapped(wire::procedure_patch(actor, body::part(data)?))
    }

    async fn cancel(&self, ports: &Ports<'_>, data: Json) -> Answer<Self> {
        let cancellation: bsm::CancellationInput = body::part(data)?;
        ports.check_attached(&cancellation.documents).await?;
        Ok(Prepared::command(Command::Cancel {
            actor: actor::<MultiAwardSale>(ports),
            cancellation: Box::new(cancellation),
        }))
    }

    async fn record_auction(&self, ports: &Ports<'_>, outcome: AuctionOutcome) -> Answer<Self> {
        let auction = &ports.caller.broker.name;
        Ok(Prepared::command(MultiAwardSale::auction_outcome(
            auction, outcome,
        )))
    }

    fn auction_view(&self, state: &bsm::State) -> Result<Json, Refusal> {
        MultiAwardSale::auction_view(state)
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
