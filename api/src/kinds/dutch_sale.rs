//! The Dutch-auction sale under `/api/procedures`, next to the multi-award
//! sale and selected like it by `sellingMethod`: published straight into
//! bidding with an owner token, its lengths from the operator's settings
//! per `sellingMethod`. Its auction is always run by the CDB (registered
//! wrapped in `LiveAuction` with the Dutch engine), so it has no hand-off
//! resource.

use async_trait::async_trait;
use domain::procedures::dutch_sale::{self as dutch, Actor, Command, DutchSale, SELLING_METHODS};
use serde_json::{Value as Json, json};

use super::{Answer, Creation, Place, Rules, actor};
use crate::error::ApiError;
use crate::procedure::{PROCEDURES, Ports, Prepared, Resource};
use crate::sale_periods::SalePeriods;
use crate::{access, body};

/// The Dutch sale's adapter, holding its operator settings.
pub struct DutchSaleAdapter {
    periods: SalePeriods,
}

impl DutchSaleAdapter {
    pub fn new(periods: SalePeriods) -> Self {
        DutchSaleAdapter { periods }
    }
}

#[async_trait]
impl Rules for DutchSaleAdapter {
    type Procedure = DutchSale;

    const PLACE: Place = Place {
        collection: &PROCEDURES,
        selector_values: &SELLING_METHODS,
        resources: &[
            Resource::Bids,
            Resource::Awards,
            Resource::Contracts,
            Resource::Cancellations,
        ],
        openapi: crate::openapi::DUTCH_SALE,
    };

    async fn create(&self, ports: &Ports<'_>, creation: Creation) -> Answer<Self> {
        // Only the server chooses the lengths and the auction's date.
        if creation.config.is_some_and(|config| config != json!({})) {
            return Err(invalid("config", "Rogue field"));
        }
        for set_by_the_cdb in ["auctionPeriod", "tenderPeriod"] {
            if creation.data.get(set_by_the_cdb).is_some() {
                return Err(invalid(
                    set_by_the_cdb,
                    "Set by the CDB at publication: the auction starts on a working day between 09:30 and 10:00",
                ));
            }
        }
        let input: dutch::ProcedureInput = body::part(creation.data)?;
        let config = self.periods.dutch(&input.selling_method);
        let date = domain::time::kyiv_date(ports.app.handler.clock().now());
        let number = ports.next_number(&format!("auctionId:BSD:{date}")).await?;
        let token = access::new_token();
        let command = Command::Create {
            actor: Actor::broker(&ports.caller.broker.name, None),
            id: creation.id,
            // Prozorro.sale's form: BSD001-UA-YYYYMMDD-NNNNN, numbered per Kyiv day.
            auction_id: format!("BSD001-UA-{}-{number:05}", date.format("%Y%m%d")),
            procedure: Box::new(input),
            config,
            owner_token_hash: access::hash_token(&token),
        };
        Ok(Prepared::with_access(command, json!({ "token": token })))
    }

    async fn edit(&self, ports: &Ports<'_>, data: Json) -> Answer<Self> {
        Ok(Prepared::command(Command::Edit {
            actor: actor::<DutchSale>(ports),
            edit: Box::new(body::part(data)?),
        }))
    }

    async fn cancel(&self, ports: &Ports<'_>, data: Json) -> Answer<Self> {
        let cancellation: dutch::CancellationInput = body::part(data)?;
        ports.check_attached(&cancellation.documents).await?;
        Ok(Prepared::command(Command::Cancel {
            actor: actor::<DutchSale>(ports),
            cancellation: Box::new(cancellation),
        }))
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
