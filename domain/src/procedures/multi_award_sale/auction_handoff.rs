//! What the auction of a sale may read and how its outcome comes back
//! (spec §4): while the procedure is `active_auction`, the lot and the
//! active bids with their prices and quantities; the outcome is each bid's
//! final price per unit with the time it was last raised.

use serde_json::{Value as Json, json};

use super::{Actor, AuctionResult, BidStatus, Command, MultiAwardSale, ProcedureStatus, State};
use crate::handoff::{AuctionHandOff, AuctionOutcome};
use crate::procurement::Refusal;

impl AuctionHandOff for MultiAwardSale {
    fn auction_view(state: &State) -> Result<Json, Refusal> {
        let procedure = state
            .procedure
            .as_ref()
            .ok_or_else(|| Refusal::not_found("procedure_id"))?;
        if procedure.status != ProcedureStatus::ActiveAuction {
            return Err(Refusal::not_allowed(format!(
                "Can't get auction info in current ({}) procedure status",
                procedure.status.as_str()
            )));
        }
        let bids: Vec<Json> = procedure
            .bids
            .iter()
            .filter(|bid| bid.status == BidStatus::Active)
            .map(|bid| {
                json!({
                    "id": bid.id,
                    "value": bid.value,
                    "quantity": bid.quantity,
                    "date": crate::time::format_kyiv(bid.date_modified),
                })
            })
            .collect();
        Ok(json!({
            "id": procedure.id,
            "auctionId": procedure.auction_id,
            "status": procedure.status,
            "value": procedure.value,
            "minimalStep": procedure.minimal_step,
            "minimalPart": procedure.minimal_part,
            "items": procedure.items,
            "auctionPeriod": procedure.auction_period,
            "bids": bids,
        }))
    }

    fn auction_outcome(service: &str, outcome: AuctionOutcome) -> Command {
        Command::RecordAuctionResults {
            actor: Actor::auction_service(service),
            results: outcome
                .bids
                .into_iter()
                .map(|bid| AuctionResult {
                    bid_id: bid.id,
                    value: bid.value.amount,
                    date: bid.date,
                })
                .collect(),
        }
    }
}
