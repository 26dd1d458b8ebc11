//! priceQuotation under `/api/2.5/tenders`: created as a draft with owner
//! and transfer tokens, activated against the e-catalogue, taken over with
//! its transfer token; cancellations have a life cycle of their own. The
//! end of its tender period asks the e-catalogue again ([`TenderEnd`]).

use std::sync::Arc;

use async_trait::async_trait;
use commands::ports::catalogue::{self, Catalogue};
use commands::{PrepareDue, PrepareError};
use domain::procedures::price_quotation::catalogue::CatalogueSnapshot;
use domain::procedures::price_quotation::{
    self as pq, Actor, Command, Config, PriceQuotation, TenderEdit, wire,
};
use domain::procurement::Refusal;
use serde::Deserialize;
use serde_json::Value as Json;

use super::{Answer, Creation, Place, Rules, actor, config_part, mapped, owner_tokens, tender_id};
use crate::error::ApiError;
use crate::procedure::{Ports, Prepared, Resource, SchedulerPorts, TENDERS};
use crate::write::refused;
use crate::{access, body};

pub struct PriceQuotationAdapter;

#[async_trait]
impl Rules for PriceQuotationAdapter {
    type Procedure = PriceQuotation;

    const PLACE: Place = Place {
        collection: &TENDERS,
        selector_values: &[pq::KIND],
        resources: &[
            Resource::Ownership,
            Resource::Bids,
            Resource::Awards,
            Resource::Contracts,
            Resource::Cancellations,
            Resource::CancellationEdits,
        ],
        openapi: crate::openapi::PRICE_QUOTATION,
    };

    async fn create(&self, ports: &Ports<'_>, creation: Creation) -> Answer<Self> {
        let config: Config = config_part(creation.config)?;
        let tender_id = tender_id(ports).await?;
        let tender: pq::TenderInput = body::part(creation.data)?;
        wire::check_new_tender(&tender).map_err(refused)?;
        let (owner_token_hash, transfer_token_hash, access) = owner_tokens();
        let command = Command::Create {
            actor: actor::<PriceQuotation>(ports),
            id: creation.id,
            tender: Box::new(tender),
            config,
            tender_id,
            owner_token_hash,
            transfer_token_hash,
        };
        Ok(Prepared::with_access(command, access))
    }

    async fn edit(&self, ports: &Ports<'_>, data: Json) -> Answer<Self> {
        let actor = actor::<PriceQuotation>(ports);
        let mut command = wire::tender_patch(actor, body::part(data)?).map_err(refused)?;
        if let Command::Activate {
            actor,
            edit,
            catalogue,
        } = &mut command
        {
            *catalogue = catalogue_facts(ports, actor, edit).await?;
        }
        Ok(Prepared::command(command))
    }

    async fn transfer(&self, ports: &Ports<'_>, data: Json) -> Answer<Self> {
        let request: OwnershipRequest = body::part(data)?;
        let (new_token_hash, new_transfer_hash, access) = owner_tokens();
        let command = Command::TransferOwnership {
            broker: ports.caller.broker.name.clone(),
            transfer_hash: access::hash_token(&request.transfer),
            new_token_hash,
            new_transfer_hash,
        };
        Ok(Prepared::with_access(command, access))
    }

    async fn cancel(&self, ports: &Ports<'_>, data: Json) -> Answer<Self> {
        mapped(wire::new_cancellation(
            actor::<PriceQuotation>(ports),
            body::part(data)?,
        ))
    }

    async fn edit_cancellation(&self, ports: &Ports<'_>, id: String, data: Json) -> Answer<Self> {
        let actor = actor::<PriceQuotation>(ports);
        mapped(wire::cancellation_patch(actor, id, body::part(data)?))
    }

    fn prepare_due(&self, ports: &SchedulerPorts) -> Option<Arc<dyn PrepareDue<PriceQuotation>>> {
        Some(Arc::new(TenderEnd {
            catalogue: ports.catalogue.clone(),
        }))
    }
}

/// The scheduler's command for a due tender, with the agreement fetched
/// from the e-catalogue: the end of the tender period checks the bidders in
/// it again (the rule is the domain's; only the fetch is here). When the
/// agreement cannot be had the preparation fails and the scheduler retries
/// after a tick, so the tender waits in `active.tendering` rather than end
/// on facts it does not have.
struct TenderEnd {
    catalogue: Option<Arc<dyn Catalogue>>,
}

#[async_trait]
impl PrepareDue<PriceQuotation> for TenderEnd {
    async fn prepare(&self, state: &pq::State) -> Result<Command, PrepareError> {
        let Some(agreement_id) = pq::agreement_to_check(state) else {
            return Ok(Command::CheckDue { agreement: None });
        };
        let catalogue = self
            .catalogue
            .as_ref()
            .ok_or_else(|| PrepareError::new("no e-catalogue is configured"))?;
        match catalogue.agreement(agreement_id).await {
            Ok(Some(agreement)) => Ok(Command::CheckDue {
                agreement: Some(agreement),
            }),
            // The tender was activated on this agreement, so a 404 is the
            // catalogue's fault; ending on it would invalidate every bid for
            // good.
            Ok(None) => Err(PrepareError::new(format!(
                "agreement {agreement_id} not found in the e-catalogue"
            ))),
            Err(error) => Err(PrepareError::new(error)),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OwnershipRequest {
    transfer: String,
}

/// The V0 answer of spec §4: the e-catalogue could not be reached.
fn catalogue_unreachable() -> ApiError {
    refused(Refusal::conflict(
        "data",
        "Error while getting data from ProZorro e-Catalogues: Connection closed. Try again later",
    ))
}

/// What activation needs from the e-catalogue for the tender as it will be
/// after `edit`; `None` when the caller could not activate anyway (the
/// decider then refuses it).
async fn catalogue_facts(
    ports: &Ports<'_>,
    actor: &Actor,
    edit: &TenderEdit,
) -> Result<Option<CatalogueSnapshot>, ApiError> {
    let tender = ports.load::<PriceQuotation>().await?;
    let Some(current) = tender.tender.as_ref() else {
        return Ok(None);
    };
    let owner = actor.broker == current.owner
        && actor.token_hash.as_deref() == Some(tender.parties.owner_token_hash.as_str());
    if !owner || current.status != pq::TenderStatus::Draft {
        return Ok(None);
    }
    let mut edited = current.clone();
    pq::apply_edit(&mut edited, edit);
    let profiles: Vec<String> = edited
        .items
        .iter()
        .filter_map(|item| item.profile.clone())
        .collect();
    let Some(port) = ports.app.catalogue.as_ref() else {
        return Err(catalogue_unreachable());
    };
    match catalogue::snapshot(port.as_ref(), &profiles, &edited.agreement.id).await {
        Ok(snapshot) => Ok(Some(snapshot)),
        Err(error) => {
            tracing::warn!(%error, "e-catalogue unreachable during activation");
            Err(catalogue_unreachable())
        }
    }
}
