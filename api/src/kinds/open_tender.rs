//! belowThreshold under `/api/2.5/tenders`: created as a draft with owner
//! and transfer tokens, its one lot added or edited through `…/lots` (an
//! edit of the tender's terms), questions by any broker and answers by the
//! owner through `…/questions`; its reverse auction runs in the server
//! (registered wrapped in `LiveAuction` with the turn-based engine) or, with
//! `--tender-auction external`, in an outside module through the per-lot
//! hand-off (`…/auction/{lot_id}`), and
//! its contract is reported signed by the contracting service. The rules
//! are the domain's (`domain::procedures::open_tender`).

use async_trait::async_trait;
use domain::AuctionHandOff;
use domain::auction::{Auctioned, TurnBased};
use domain::handoff::AuctionOutcome;
use domain::procedures::open_tender::{
    self as ot, AuctionSlot, Command, Config, LotInput, OpenTender, QuestionInput, TenderEdit, wire,
};
use domain::procurement::Refusal;
use serde::Deserialize;
use serde_json::{Map, Value as Json};
use sha2::{Digest, Sha256};

use super::{Answer, Creation, Place, Rules, actor, config_part, mapped, owner_tokens, tender_id};
use crate::body;
use crate::brokers::Role;
use crate::error::ApiError;
use crate::procedure::{Ports, Prepared, Resource, TENDERS};
use crate::write::refused;

pub struct OpenTenderAdapter;

/// The procedure as the server runs it: the tender joined to its auction
/// in one log. Requests that need the tender's current state (a lot's
/// terms, the owner for a question's author hash) fold this, since the
/// log holds the auction's events too.
type Served = Auctioned<OpenTender, TurnBased>;

#[async_trait]
impl Rules for OpenTenderAdapter {
    type Procedure = OpenTender;

    const PLACE: Place = Place {
        collection: &TENDERS,
        selector_values: &[ot::KIND],
        resources: &[
            Resource::Bids,
            Resource::Awards,
            Resource::Contracts,
            Resource::Cancellations,
            Resource::CancellationEdits,
            Resource::Questions,
            Resource::Lots,
            // The outside module's hand-off, served when the server does
            // not run the auction itself (`--tender-auction external`).
            Resource::Auction,
            Resource::LotAuction,
        ],
        openapi: crate::openapi::OPEN_TENDER,
    };

    async fn create(&self, ports: &Ports<'_>, creation: Creation) -> Answer<Self> {
        let config: Config = config_part(creation.config)?;
        let tender_id = tender_id(ports).await?;
        let tender: ot::TenderInput = body::part(creation.data)?;
        let (owner_token_hash, transfer_token_hash, access) = owner_tokens();
        let command = Command::Create {
            actor: actor::<OpenTender>(ports),
            id: creation.id,
            tender: Box::new(tender),
            config,
            tender_id,
            owner_token_hash,
            transfer_token_hash,
            slot: slot(),
        };
        Ok(Prepared::with_access(command, access))
    }

    async fn edit(&self, ports: &Ports<'_>, data: Json) -> Answer<Self> {
        let actor = actor::<OpenTender>(ports);
        mapped(wire::tender_patch(actor, body::part(data)?, slot()))
    }

    async fn cancel(&self, ports: &Ports<'_>, data: Json) -> Answer<Self> {
        Ok(Prepared::command(wire::new_cancellation(
            actor::<OpenTender>(ports),
            body::part(data)?,
        )))
    }

    async fn edit_cancellation(&self, ports: &Ports<'_>, id: String, data: Json) -> Answer<Self> {
        let actor = actor::<OpenTender>(ports);
        mapped(wire::cancellation_patch(actor, id, body::part(data)?))
    }

    async fn ask_question(&self, ports: &Ports<'_>, data: Json) -> Answer<Self> {
        let question: QuestionInput = body::part(data)?;
        let state = current(ports).await?;
        let author_hash = author_hash(
            &question.author.identifier.id,
            &state.parties.owner_token_hash,
        );
        Ok(Prepared::command(Command::AskQuestion {
            actor: actor::<OpenTender>(ports),
            question: Box::new(question),
            author_hash,
        }))
    }

    async fn answer_question(&self, ports: &Ports<'_>, id: String, data: Json) -> Answer<Self> {
        let answer: AnswerInput = body::part(data)?;
        Ok(Prepared::command(Command::AnswerQuestion {
            actor: actor::<OpenTender>(ports),
            question_id: id,
            answer: answer.answer,
        }))
    }

    /// A lot is added by editing the tender's terms: the lots it has,
    /// restated with their ids, and the new one (the decider refuses a
    /// second lot, spec §13).
    async fn add_lot(&self, ports: &Ports<'_>, data: Json) -> Answer<Self> {
        let lot: LotInput = body::part(data)?;
        let mut lots = current_lots(ports).await?;
        lots.push(lot);
        lots_edit(ports, lots)
    }

    /// A lot's fields changed: the lot restated with the request's fields
    /// over its current ones.
    async fn edit_lot(&self, ports: &Ports<'_>, id: String, data: Json) -> Answer<Self> {
        let Json::Object(changes) = data else {
            return Err(refused(Refusal::invalid("data", "Data not available")));
        };
        let mut lots = current_lots(ports).await?;
        let Some(lot) = lots.iter_mut().find(|lot| lot.id.as_deref() == Some(&id)) else {
            return Err(refused(Refusal::not_found("lot_id")));
        };
        let mut merged: Map<String, Json> = match serde_json::to_value(&*lot) {
            Ok(Json::Object(fields)) => fields,
            _ => Map::new(),
        };
        merged.extend(changes);
        merged.insert("id".to_owned(), Json::String(id));
        *lot = body::part(Json::Object(merged))?;
        lots_edit(ports, lots)
    }

    /// The lot-less report of an outside module: the tender's one lot.
    async fn record_auction(&self, ports: &Ports<'_>, outcome: AuctionOutcome) -> Answer<Self> {
        let service = &ports.caller.broker.name;
        Ok(Prepared::command(OpenTender::auction_outcome(
            service, outcome,
        )))
    }

    fn auction_view(&self, state: &ot::State) -> Result<Json, Refusal> {
        OpenTender::auction_view(state)
    }

    async fn lot_auction_urls(&self, _ports: &Ports<'_>, lot: String, data: Json) -> Answer<Self> {
        Ok(Prepared::command(wire::auction_urls(
            lot,
            body::part(data)?,
        )))
    }

    async fn record_lot_auction(
        &self,
        _ports: &Ports<'_>,
        lot: String,
        data: Json,
    ) -> Answer<Self> {
        mapped(wire::auction_results(lot, body::part(data)?))
    }

    /// Contracts are signed in contracting (spec §11): the contracting
    /// service reports one active with its `dateSigned`; a broker's PATCH
    /// is the shared request, which the rules refuse saying so.
    async fn edit_contract(&self, ports: &Ports<'_>, id: String, data: Json) -> Answer<Self> {
        if !ports.caller.broker.has_role(Role::Contracting) {
            let edit = body::part(data)?;
            let actor = actor::<OpenTender>(ports);
            return mapped(
                <OpenTender as domain::procedures::Requests>::contract_patch(actor, id, edit),
            );
        }
        let signed: ContractSigned = body::part(data)?;
        if signed.status != "active" {
            return Err(refused(Refusal::invalid(
                "status",
                "Value must be one of ['active'].",
            )));
        }
        Ok(Prepared::command(Command::ActivateContract {
            contract_id: id,
            date_signed: signed
                .date_signed
                .unwrap_or_else(|| ports.app.handler.clock().now()),
        }))
    }
}

/// `PATCH …/questions/{id}`: the owner's answer.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerInput {
    answer: String,
}

/// The contracting service's report on a contract.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ContractSigned {
    status: String,
    #[serde(default, with = "domain::time::kyiv_serde_option")]
    date_signed: Option<chrono::DateTime<chrono::Utc>>,
}

/// The tender as it stands, folded from the log.
async fn current(ports: &Ports<'_>) -> Result<ot::State, ApiError> {
    Ok(ports.load::<Served>().await?.procedure)
}

/// The tender's lots as an edit restates them (ids kept).
async fn current_lots(ports: &Ports<'_>) -> Result<Vec<LotInput>, ApiError> {
    let state = current(ports).await?;
    let lots = state.tender.map(|tender| tender.lots).unwrap_or_default();
    Ok(lots
        .into_iter()
        .map(|lot| LotInput {
            id: Some(lot.id),
            title: lot.title,
            description: lot.description,
            value: lot.value,
            minimal_step: lot.minimal_step,
        })
        .collect())
}

fn lots_edit(ports: &Ports<'_>, lots: Vec<LotInput>) -> Answer<OpenTenderAdapter> {
    let edit = TenderEdit::new(
        ot::TenderEditFields {
            lots: Some(lots),
            ..Default::default()
        },
        Default::default(),
    );
    let actor = actor::<OpenTender>(ports);
    mapped(wire::tender_patch(actor, edit, slot()))
}

/// Where in the auction day's window the lot's auction starts, drawn here
/// so the decider stays pure and replay never draws again (spec §9.1).
fn slot() -> AuctionSlot {
    AuctionSlot(rand::random::<u32>())
}

/// What the public sees of a question's author (spec Q-4). The reference
/// hashes the author's code with the owner's token; the server keeps only
/// the token's hash, so it hashes with that: as stable, and as opaque to
/// anyone without the token.
fn author_hash(identifier: &str, owner_token_hash: &str) -> String {
    let digest = Sha256::digest(format!("{identifier}_{owner_token_hash}").as_bytes());
    hex::encode(&digest[..16])
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A rogue field is named at its whole path, also inside the types the
    /// procedure extends (`open_tender::extended`).
    fn rogue_name(extra: (&str, Json)) -> String {
        let mut tender = json!({
            "title": "t",
            "procuringEntity": {"name": "n", "identifier": {"scheme": "UA-EDR", "id": "1"},
                                "address": {"countryName": "Україна"},
                                "signerInfo": {"name": "s"}},
            "value": {"amount": 500},
            "enquiryPeriod": {}, "tenderPeriod": {},
            "items": [{"description_ru": "д", "classification":
                       {"scheme": "ДК021", "id": "44617100-9", "description": "d"}}]
        });
        let (parent, key) = extra.0.rsplit_once('/').unwrap_or_default();
        if let Some(Json::Object(parent)) = tender.pointer_mut(parent) {
            parent.insert(key.to_owned(), extra.1);
        }
        match body::part::<ot::TenderInput>(tender) {
            Ok(_) => "accepted".to_owned(),
            Err(error) => error
                .errors
                .iter()
                .map(|e| format!("{} {}", e.name, e.description))
                .collect(),
        }
    }

    #[test]
    fn rogue_fields_are_named_at_their_path() {
        assert_eq!(rogue_name(("/mode", json!("test"))), "accepted");
        assert_eq!(
            rogue_name(("/items/0/classification/colour", json!("red"))),
            "items.classification.colour \"Rogue field\""
        );
        assert_eq!(
            rogue_name(("/procuringEntity/address/flat", json!(1))),
            "procuringEntity.address.flat \"Rogue field\""
        );
        assert_eq!(
            rogue_name(("/procuringEntity/signerInfo/nick", json!("x"))),
            "procuringEntity.signerInfo.nick \"Rogue field\""
        );
    }
}
