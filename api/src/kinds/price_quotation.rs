//! priceQuotation under `/api/2.5/tenders`: created as a draft with owner
//! and transfer tokens, activated against the e-catalogue, taken over with
//! its transfer token; cancellations have a life cycle of their own.

use async_trait::async_trait;
use commands::ports::catalogue;
use domain::procedures::price_quotation::catalogue::CatalogueSnapshot;
use domain::procedures::price_quotation::{
    self as pq, Actor, Command, Config, Event, PriceQuotation, TenderEdit, wire,
};
use domain::procurement::Refusal;
use serde::Deserialize;
use serde_json::{Value as Json, json};

use crate::access;
use crate::body;
use crate::error::ApiError;
use crate::procedure::{
    Adapter, Caller, Collection, Ports, Prepared, Resource, TENDERS, Target, Write,
};
use crate::write::refused;

pub struct PriceQuotationAdapter;

const RESOURCES: &[Resource] = &[
    Resource::Ownership,
    Resource::Bids,
    Resource::Awards,
    Resource::Contracts,
    Resource::Cancellations,
    Resource::CancellationEdits,
];

fn actor(caller: &Caller<'_>) -> Actor {
    Actor {
        broker: caller.broker.name.clone(),
        token_hash: caller.token_hash.clone(),
    }
}

fn target(target: Target) -> pq::Target {
    match target {
        Target::Procedure => pq::Target::Tender,
        Target::Bid(id) => pq::Target::Bid(id),
        Target::Award(id) => pq::Target::Award(id),
        Target::Contract(id) => pq::Target::Contract(id),
        Target::Cancellation(id) => pq::Target::Cancellation(id),
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

/// A fresh owner token and transfer token, for the answer's `access`.
fn owner_tokens() -> (String, String, Json) {
    let token = access::new_token();
    let transfer = access::new_token();
    let shown = json!({ "token": token, "transfer": transfer });
    (
        access::hash_token(&token),
        access::hash_token(&transfer),
        shown,
    )
}

#[async_trait]
impl Adapter for PriceQuotationAdapter {
    type Procedure = PriceQuotation;

    fn collection(&self) -> &'static Collection {
        &TENDERS
    }

    fn selector_values(&self) -> &'static [&'static str] {
        &[pq::KIND]
    }

    fn resources(&self) -> &'static [Resource] {
        RESOURCES
    }

    fn openapi(&self) -> &'static str {
        crate::openapi::PRICE_QUOTATION
    }

    async fn command(
        &self,
        ports: &Ports<'_>,
        write: Write,
    ) -> Result<Prepared<Command>, ApiError> {
        let actor = actor(ports.caller);
        Ok(match write {
            Write::Create { id, data, config } => {
                let config: Config = match config {
                    Some(config) => body::part(config).map_err(|mut e| {
                        for error in &mut e.errors {
                            error.name = format!("config.{}", error.name);
                        }
                        e
                    })?,
                    None => Config::default(),
                };
                let date = domain::time::kyiv_date(ports.app.handler.clock().now());
                let number = ports.next_number(&format!("tenderID:{date}")).await?;
                let tender: pq::TenderInput = body::part(data)?;
                wire::check_new_tender(&tender).map_err(refused)?;
                let (owner_token_hash, transfer_token_hash, access) = owner_tokens();
                Prepared::with_access(
                    Command::Create {
                        actor,
                        id,
                        tender: Box::new(tender),
                        config,
                        tender_id: format!("UA-{date}-{number:06}-a"),
                        owner_token_hash,
                        transfer_token_hash,
                    },
                    access,
                )
            }
            Write::Edit { data } => {
                let mut command = wire::tender_patch(actor, body::part(data)?).map_err(refused)?;
                if let Command::Activate {
                    actor,
                    edit,
                    catalogue,
                } = &mut command
                {
                    *catalogue = catalogue_facts(ports, actor, edit).await?;
                }
                Prepared::command(command)
            }
            Write::TransferOwnership { data } => {
                let request: OwnershipRequest = body::part(data)?;
                let (new_token_hash, new_transfer_hash, access) = owner_tokens();
                Prepared::with_access(
                    Command::TransferOwnership {
                        broker: actor.broker,
                        transfer_hash: access::hash_token(&request.transfer),
                        new_token_hash,
                        new_transfer_hash,
                    },
                    access,
                )
            }
            Write::SubmitBid { data } => {
                let token = access::new_token();
                let bidder = Actor {
                    token_hash: None,
                    ..actor
                };
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
            Write::Cancel { data } => Prepared::command(
                wire::new_cancellation(actor, body::part(data)?).map_err(refused)?,
            ),
            Write::EditCancellation {
                cancellation_id,
                data,
            } => Prepared::command(
                wire::cancellation_patch(actor, cancellation_id, body::part(data)?)
                    .map_err(refused)?,
            ),
            Write::AddDocument {
                target: on,
                document,
            } => Prepared::command(Command::AddDocument {
                actor,
                target: target(on),
                document: *document,
            }),
            Write::RecordAuction { .. } => return Err(refused(Refusal::not_found("auction"))),
        })
    }

    fn made(&self, events: &[Event]) -> Option<String> {
        events.iter().find_map(|event| match event {
            Event::BidSubmitted { bid, .. } => Some(bid.id.clone()),
            Event::CancellationRequested { cancellation } => Some(cancellation.id.clone()),
            Event::DocumentAdded { document, .. } => Some(document.id.clone()),
            _ => None,
        })
    }
}
